"""Re-layouts a publisher or converter produces, over every format: columns reordered, spacer
rows, prior-year columns and rows, split rows, omitted rows, a table not found.

Each transform rewrites the printed skeleton of :mod:`synth.render` (so one change reaches
txt, HTML, DOCX, markdown and PDF alike) and knows what the truth becomes.  One property holds
for every transform × format: every cell is right or flagged, no key appears that the report
does not print (a key the template expects may be null and flagged), and no more cells are
flagged than the transform can justify — a parser that flags everything fails.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import pytest

from etl import vocab
from etl.extract import parse_bytes
from synth import render as R
from test_parse import make_report

_C = R._C
_ORIG_SKELETON = R._skeleton
_T3_ZH = {c.key: c.zh for c in vocab.T3_COLS}
_T4_ZH = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}
_T4_BLOCK_ZH = {"litigation_direct": "未经复议直接起诉", "litigation_after_reconsideration": "复议后起诉"}
_SUBS = ("commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org")


def _retable(t, rows: list[list]):
    return R._Table(t.name, tuple(map(tuple, rows)), t.ncols, t.header_rows, R._place(rows, t.ncols))


# --------------------------------------------------------------------------- skeleton transforms
# each takes and returns the (t2, t3, t4) skeleton


def t3_columns(top: tuple[str, ...], subs: tuple[str, ...]) -> Callable:
    """Table 三's header in another order: ``top`` orders 自然人 / GROUP / 总计, ``subs`` the
    法人或其他组织 sub-columns; the numbers follow their columns."""
    def tf(t2, t3, t4):
        head = {"natural_person": _C("自然人", rs=2, kind="head"),
                "GROUP": _C("法人或其他组织", cs=5, kind="head"), "total": _C("总计", rs=2, kind="head")}
        rows = [list(r) for r in t3.rows]
        rows[1] = [head[k] for k in top]
        rows[2] = [_C(_T3_ZH[k], kind="head") for k in subs]
        leaf = [x for k in top for x in (subs if k == "GROUP" else (k,))]
        for r in rows[3:]:
            by = {c.key.rsplit(".", 1)[1]: c for c in r[-7:]}
            r[-7:] = [by[k] for k in leaf]
        return t2, _retable(t3, rows), t4
    return tf


def t4_columns(blocks: tuple[str, ...], cols: tuple[str, ...]) -> Callable:
    """Table 四 with its blocks and result columns in another order (行政复议 first or last)."""
    def tf(t2, t3, t4):
        recon_first = blocks[0] == "admin_reconsideration"
        lit = [b for b in blocks if b != "admin_reconsideration"]
        top = [_C("行政复议", cs=5, kind="head"), _C("行政诉讼", cs=10, kind="head")]
        mid_recon = [_C(_T4_ZH[c], rs=2, kind="head") for c in cols]
        mid_lit = [_C(_T4_BLOCK_ZH[b], cs=5, kind="head") for b in lit]
        rows = [top if recon_first else top[::-1],
                mid_recon + mid_lit if recon_first else mid_lit + mid_recon,
                [_C(_T4_ZH[c], kind="head") for c in cols] * 2,
                [_C(kind="num", key=f"t4.{b}.{c}") for b in blocks for c in cols]]
        return t2, t3, _retable(t4, rows)
    return tf


def spacer_rows(t2, t3, t4):
    """An empty first row in every table and an empty row between table 三's header and data."""
    def blank(t) -> list:
        return [_C("") for _ in range(t.ncols)]
    r2 = [blank(t2)] + [list(r) for r in t2.rows]
    r3 = [list(r) for r in t3.rows]
    r3 = [blank(t3)] + r3[:3] + [blank(t3)] + r3[3:]
    r4 = [blank(t4)] + [list(r) for r in t4.rows]
    return _retable(t2, r2), _retable(t3, r3), _retable(t4, r4)


def prior_year_t2(label_prior: str, label_now: str) -> Callable:
    """2021 table 二: 处理决定 sub-tables print a prior-year column before this year's."""
    def tf(t2, t3, t4):
        rows = []
        for r in t2.rows:
            r = list(r)
            if len(r) == 2 and r[1].kind == "head" and "处理决定" in r[1].text:
                r = [r[0], _C(label_prior, kind="head"), _C(label_now, cs=r[1].cs - 1, kind="head")]
            elif len(r) == 2 and r[1].kind == "num" and r[1].key.endswith(".decision_count"):
                r = [r[0], _C(kind="num", key="prior." + r[1].key), _C(cs=r[1].cs - 1, kind="num", key=r[1].key)]
            rows.append(r)
        return _retable(t2, rows), t3, t4
    return tf


def prior_year_t4(t2, t3, t4):
    """Table 四 with a 年度 column and a 2022年 row above the report year's row."""
    rows = [list(r) for r in t4.rows]
    head = [[_C("年度", rs=3, kind="head")] + rows[0], rows[1], rows[2]]
    prior = [_C("2022年")] + [_C(kind="num", key="prior." + c.key) for c in rows[3]]
    now = [_C("2023年")] + rows[3]
    new = R._Table("t4", tuple(map(tuple, head + [prior, now])), 16, 3,
                   R._place(head + [prior, now], 16))
    return t2, t3, new


def split_coercion(t2, t3, t4):
    """Table 二's 行政强制 row printed as 行政强制措施 and 行政强制执行."""
    rows = []
    for r in t2.rows:
        if r[0].text == "行政强制":
            for i, name in enumerate(("行政强制措施", "行政强制执行")):
                rows.append([_C(name)] + [_C(cs=c.cs, kind="num", key=f"part{i}.{c.key}") for c in r[1:]])
        else:
            rows.append(list(r))
    return _retable(t2, rows), t3, t4


def omit_t3_row(row_key: str, unlabelled_zero_row: bool) -> Callable:
    """Table 三 without one row (not the first of a group); optionally a label-less row of
    zeros in its place.  Group cells that spanned the row span one row fewer."""
    def tf(t2, t3, t4):
        gone = next(i for i, r in enumerate(t3.rows)
                    if {c.key.split(".")[1] for c in r if c.kind == "num"} == {row_key})
        rows: list[list] = []
        for ri, r in enumerate(t3.rows):
            if ri == gone:
                if unlabelled_zero_row:
                    rows.append([_C("")] + [_C(kind="num", key="zero.t3") for _ in range(7)])
                continue
            rows.append([replace(c, rs=c.rs - 1) if c.rs > 1 and ri < gone < ri + c.rs
                         and not unlabelled_zero_row else c for c in r])
        return t2, _retable(t3, rows), t4
    return tf


# --------------------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str
    transform: Callable
    template: str = "2021"
    truth: Callable[[dict, dict], dict] = lambda cells, extra: cells  # noqa: E731
    extra: Callable[[dict, random.Random], dict] = lambda cells, rng: {}  # noqa: E731
    max_flagged: int = 0   # cells of the truth that may be flagged
    formats: tuple[str, ...] = ("txt", "html", "docx", "md", "pdf")
    opts: dict = field(default_factory=dict)


def _prior(cells: dict, rng: random.Random) -> dict:
    return {f"prior.{k}": v + rng.randint(1, 9) for k, v in cells.items()
            if k.endswith(".decision_count") or k.startswith("t4.")}


def _split(cells: dict, rng: random.Random) -> dict:
    out = {}
    for k, v in cells.items():
        if k.startswith("t2.admin_coercion."):
            a = rng.randint(0, max(0, int(v)))
            out[f"part0.{k}"], out[f"part1.{k}"] = a, v - a
    return out


def _without(row: str) -> Callable[[dict, dict], dict]:
    return lambda cells, extra: {k: v for k, v in cells.items() if not k.startswith(f"t3.{row}.")}


CASES = [
    Case("t3_total_first", t3_columns(("total", "natural_person", "GROUP"), _SUBS)),
    Case("t3_group_first_subs_reversed", t3_columns(("GROUP", "natural_person", "total"), _SUBS[::-1])),
    Case("t3_subs_shuffled", t3_columns(("natural_person", "GROUP", "total"),
                                        ("legal_service_org", "commercial_enterprise", "other_org",
                                         "research_institution", "social_welfare_org")), template="2019"),
    Case("t4_after_before_direct", t4_columns(
        ("admin_reconsideration", "litigation_after_reconsideration", "litigation_direct"), vocab.T4_COL_KEYS)),
    Case("t4_pending_before_other", t4_columns(
        vocab.T4_ROW_KEYS, ("upheld", "corrected", "pending", "other", "total"))),
    Case("t4_reconsideration_last_total_first", t4_columns(
        ("litigation_direct", "litigation_after_reconsideration", "admin_reconsideration"),
        ("total", "upheld", "corrected", "other", "pending"))),
    Case("spacer_rows", spacer_rows),
    Case("spacer_rows_blank_zeros", spacer_rows, template="2019", opts={"blank_zeros": True}),
    Case("t2_prior_year_column", prior_year_t2("上年处理决定数量", "本年处理决定数量"), extra=_prior),
    Case("t2_year_columns", prior_year_t2("2022年处理决定数量", "2023年处理决定数量"), extra=_prior),
    Case("t4_prior_year_row", prior_year_t4, extra=_prior),
    Case("t2_split_rows", split_coercion, extra=_split),
    Case("t3_row_omitted", omit_t3_row("denied_admin_query", False),
         truth=_without("denied_admin_query"), max_flagged=0),
    Case("t3_row_omitted_unlabelled_zeros", omit_t3_row("denied_admin_query", True),
         truth=_without("denied_admin_query"), max_flagged=0),
]

_EXT = {"txt": "r.txt", "html": "r.html", "docx": "r.docx", "md": "r.md", "pdf": "r.pdf"}


def _render(case: Case, fmt: str, monkeypatch) -> tuple[dict, bytes]:
    report = make_report(case.template, seed=5)
    if case.name.startswith("t4_prior"):
        report["year"] = 2023
    rng = random.Random(9)
    extra = case.extra(report["cells"], rng)
    if any(k.startswith("part") for k in extra):
        for k in {k.split(".", 1)[1] for k in extra}:
            report["cells"][k] = extra[f"part0.{k}"] + extra[f"part1.{k}"]
    truth = case.truth(dict(report["cells"]), extra)
    printed = dict(report, cells={**report["cells"], **extra, "zero.t3": 0})
    monkeypatch.setattr(R, "_skeleton", lambda *a: case.transform(*_ORIG_SKELETON(*a)))
    data = R.render(printed, fmt, **case.opts)
    return truth, data


def _verdict(truth: dict, rep) -> tuple[dict, list, list]:
    silent = {k: (v, rep.cells.get(k, "absent")) for k, v in truth.items()
              if k not in rep.uncertain and rep.cells.get(k) != pytest.approx(v)}
    phantom = [k for k, v in rep.cells.items()
               if k not in truth and not (v is None and k in rep.uncertain)]
    flagged = [k for k in truth if k in rep.uncertain]
    return silent, phantom, flagged


@pytest.mark.parametrize("fmt", list(_EXT))
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_relayout_is_right_or_flagged(case, fmt, monkeypatch):
    if fmt not in case.formats:
        pytest.skip("format not covered by this transform")
    truth, data = _render(case, fmt, monkeypatch)
    rep = parse_bytes(data, _EXT[fmt])
    silent, phantom, flagged = _verdict(truth, rep)
    assert silent == {}, f"silently wrong: {silent}"
    assert phantom == [], f"keys the report does not print: {phantom}"
    assert len(flagged) <= case.max_flagged, f"{len(flagged)} cells flagged: {flagged[:8]}"


def drop_t3_header(t2, t3, t4):
    """Table 三 printed without its header rows (the columns named nowhere)."""
    return t2, _retable(t3, [list(r) for r in t3.rows[3:]]), t4


def _then(*tfs: Callable) -> Callable:
    def tf(t2, t3, t4):
        for f in tfs:
            t2, t3, t4 = f(t2, t3, t4)
        return t2, t3, t4
    return tf


_ALL_T3 = 25 * 7

HEADERLESS = [
    # exact source, template order, every identity holds: read as printed
    Case("t3_header_absent_exact", drop_t3_header, formats=("html", "docx")),
    # converter output: nothing proves the order, every table-三 cell flagged
    Case("t3_header_absent_converter", drop_t3_header, formats=("md",), max_flagged=_ALL_T3),
    # the order is not the template's and no header says so: identities fail, all flagged
    Case("t3_header_absent_total_first",
         _then(t3_columns(("total", "natural_person", "GROUP"), _SUBS), drop_t3_header),
         formats=("txt", "html", "docx", "md"), max_flagged=_ALL_T3),
]


@pytest.mark.parametrize("case", HEADERLESS, ids=[c.name for c in HEADERLESS])
def test_unnamed_columns_are_read_only_when_proven(case, monkeypatch):
    for fmt in case.formats:
        truth, data = _render(case, fmt, monkeypatch)
        rep = parse_bytes(data, _EXT[fmt])
        silent, phantom, flagged = _verdict(truth, rep)
        assert silent == {} and phantom == [], (fmt, silent, phantom)
        assert len(flagged) <= case.max_flagged, (fmt, len(flagged))
        t3_flagged = [k for k in flagged if k.startswith("t3.")]
        if case.max_flagged:  # unproven: the whole table is flagged, not a sample of it
            assert len(t3_flagged) == _ALL_T3, (fmt, len(t3_flagged))


# --------------------------------------------------------------------------- literal reports
# Small reports written out by hand: literal labels in, literal keys out.

_TITLE = "示例县示例局2023年政府信息公开工作年度报告"
_T2_HTML = ("<p>二、主动公开政府信息情况</p><table border=1>"
            "<tr><td colspan=4>第二十条第（一）项</td></tr>"
            "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
            "<tr><td>规章</td><td>1</td><td>0</td><td>5</td></tr>"
            "<tr><td>行政规范性文件</td><td>2</td><td>1</td><td>9</td></tr>"
            "<tr><td colspan=4>第二十条第（六）项</td></tr>"
            "<tr><td>信息内容</td><td>上年处理决定数量</td><td colspan=2>本年处理决定数量</td></tr>"
            "<tr><td>行政处罚</td><td>40</td><td colspan=2>31</td></tr>"
            "<tr><td>行政强制措施</td><td>6</td><td colspan=2>4</td></tr>"
            "<tr><td>行政强制执行</td><td>3</td><td colspan=2>2</td></tr>"
            "</table>")


def _html(*parts: str) -> bytes:
    return ("<html><head><title>" + _TITLE + "</title></head><body><p>" + _TITLE + "</p>"
            + "".join(parts) + "<p>五、存在的主要问题及改进情况</p><p>无。</p></body></html>").encode()


def _tr(*cells: str) -> str:
    out = []
    for c in cells:
        attrs = ""
        if "@" in c:
            c, spec = c.split("@")
            rs, cs = spec.split("x")
            attrs = f" rowspan={rs} colspan={cs}"
        out.append(f"<td{attrs}>{c}</td>")
    return "<tr>" + "".join(out) + "</tr>"


def test_literal_t2_prior_year_column_and_split_row():
    rep = parse_bytes(_html(_T2_HTML), "r.html")
    assert rep.cells["t2.admin_penalty.decision_count"] == 31
    # 行政强制措施 4 + 行政强制执行 2, the parts' text kept
    assert rep.cells["t2.admin_coercion.decision_count"] == 6
    assert rep.provenance["t2.admin_coercion.decision_count"].method == "sum"
    assert rep.provenance["t2.admin_coercion.decision_count"].raw == "4 + 2"
    assert "t2.admin_coercion.decision_count" not in rep.uncertain
    assert rep.cells["t2.normative_documents.in_force_count"] == 9


def test_literal_t3_total_first_and_t4_blocks_swapped():
    t3 = ("<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
          + _tr("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）@3x3", "申请人情况@1x7")
          + _tr("总计@2x1", "自然人@2x1", "法人或其他组织@1x5")
          + _tr("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
          + _tr("一、本年新收政府信息公开申请数量@1x3", "10", "7", "1", "0", "0", "2", "0")
          + "</table>")
    t4 = ("<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>"
          + _tr("行政诉讼@1x10", "行政复议@1x5")
          + _tr("复议后起诉@1x5", "未经复议直接起诉@1x5", "结果维持@2x1", "结果纠正@2x1", "尚未审结@2x1",
                "其他结果@2x1", "总计@2x1")
          + _tr(*["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
          + _tr("1", "0", "0", "0", "1", "2", "1", "0", "0", "3", "4", "0", "5", "0", "9")
          + "</table>")
    rep = parse_bytes(_html(_T2_HTML, t3, t4), "r.html")
    assert [rep.cells[f"t3.new_received.{c}"] for c in vocab.T3_COL_KEYS] == [7, 1, 0, 0, 2, 0, 10]
    assert rep.cells["t4.litigation_after_reconsideration.upheld"] == 1
    assert rep.cells["t4.litigation_direct.total"] == 3
    assert rep.cells["t4.admin_reconsideration.upheld"] == 4
    assert rep.cells["t4.admin_reconsideration.pending"] == 5   # 尚未审结 printed before 其他结果
    assert rep.cells["t4.admin_reconsideration.other"] == 0
    assert rep.cells["t4.admin_reconsideration.total"] == 9
    assert not any(k.startswith("t4.") for k in rep.uncertain)


def test_literal_key_read_twice_with_different_values_is_uncertain():
    t4 = ("<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>"
          + _tr("行政复议@1x5", "行政诉讼@1x10")
          + _tr("结果维持@2x1", "结果纠正@2x1", "其他结果@2x1", "尚未审结@2x1", "总计@2x1",
                "未经复议直接起诉@1x5", "复议后起诉@1x5")
          + _tr(*["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)
          + _tr(*["0"] * 15) + _tr(*["1"] + ["0"] * 3 + ["1"] + ["0"] * 10)
          + "</table>")
    rep = parse_bytes(_html(_T2_HTML, t4), "r.html")
    assert "t4.admin_reconsideration.upheld" in rep.uncertain      # 0 then 1: never first-wins
    assert "t4.litigation_direct.upheld" not in rep.uncertain      # 0 twice is fine
    assert rep.cells["t4.litigation_direct.upheld"] == 0


def test_literal_transposed_t3_is_read_by_its_header_words():
    """Applicant types as rows, outcomes as columns: every value keyed by its row's applicant
    word and its column's outcome words; a column the header does not name is flagged."""
    rows = [r.zh for r in vocab.T3_ROWS if r.key not in ("other_total", "other_fee_unpaid")]
    keys = [r.key for r in vocab.T3_ROWS if r.key not in ("other_total", "other_fee_unpaid")]
    t3 = ("<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
          + _tr("申请人情况", *rows)
          + "".join(_tr(c.zh, *[str(i * 100 + j) for j in range(len(rows))]) for i, c in enumerate(vocab.T3_COLS))
          + "</table>")
    rep = parse_bytes(_html(_T2_HTML, t3), "r.html")
    for i, c in enumerate(vocab.T3_COL_KEYS):
        for j, r in enumerate(keys):
            assert rep.cells[f"t3.{r}.{c}"] == i * 100 + j
            assert f"t3.{r}.{c}" not in rep.uncertain
    assert rep.cells.get("t3.other_fee_unpaid.natural_person") is None   # the column not printed
    assert "t3.other_fee_unpaid.natural_person" in rep.uncertain


def test_literal_unreadable_t3_is_flagged_cell_by_cell():
    t3 = ("<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
          + _tr("申请人情况", "第一项", "第二项") + _tr("甲", "1", "2") + "</table>")
    rep = parse_bytes(_html(_T2_HTML, t3), "r.html")
    t3_keys = [k for k in vocab.expected_keys("2021", False) if k.startswith("t3.")]
    assert all(rep.cells.get(k) is None and k in rep.uncertain for k in t3_keys)


def _one_cell_per_line(report: dict) -> bytes:
    """Text as pdfminer-based crawlers write a report: every table cell on a line of its own."""
    r = R._R(report, {})
    lines = [r.title(), "一、总体情况", "本年度工作平稳有序。"]
    for heading, t in zip((vocab.TABLE_ZH["t2"], vocab.TABLE_ZH["t3"], vocab.TABLE_ZH["t4"]), r.tables):
        lines.append(heading)
        for line in t.placed:
            for _, cell, cont in line:
                if not cont:
                    text = r.value(cell.key) if cell.kind == "num" else cell.text
                    lines.append(text or "")
    lines += ["五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines).encode()


@pytest.mark.parametrize("template,seed", [("2021", 5), ("2019", 8), ("2021", 13)])
def test_one_cell_per_line_text_is_recovered_or_flagged(template, seed):
    report = make_report(template, seed=seed)
    rep = parse_bytes(_one_cell_per_line(report), "r.txt")
    silent, phantom, flagged = _verdict(report["cells"], rep)
    assert silent == {} and phantom == []
    # the flat-text recovery reads table 三 and 四 from the cell runs, not "not found"
    t34 = [k for k in report["cells"] if not k.startswith("t2.")]
    assert sum(1 for k in t34 if k not in rep.uncertain) >= len(t34) // 2


def _t2_in_column_runs(report: dict) -> bytes:
    """Text as pdfminer's ``extract_text`` writes a report: table 二's cells column by column
    (the label column's run, then each figure column's), one cell per line; tables 三 and 四 one
    cell per line, row by row."""
    r = R._R(report, {})
    lines = [r.title(), "一、总体情况", "本年度工作平稳有序。"]
    for name, heading, t in zip(("t2", "t3", "t4"), vocab.TABLE_ZH.values(), r.tables):
        lines.append(heading)
        cells = [(col, cell) for line in t.placed for col, cell, cont in line if not cont]
        if name == "t2":
            cells.sort(key=lambda x: x[0])   # stable: each column's cells in row order
        lines += [r.value(c.key) if c.kind == "num" else c.text for _, c in cells]
    lines += ["五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines).encode()


@pytest.mark.parametrize("template,hubei", [("2019", True), ("2021", False)])
def test_t2_in_column_runs_is_flagged_cell_by_cell(template, hubei):
    """Table 二 not read as a table (its labels and figures in separate runs) is flagged cell by
    cell like table 三 — every row it prints, 其他主动公开文件 too — never missing."""
    report = make_report(template, seed=11, hubei=hubei)
    rep = parse_bytes(_t2_in_column_runs(report), "r.txt")
    silent, phantom, _ = _verdict(report["cells"], rep)
    assert silent == {} and phantom == [], (silent, phantom)
    assert all(k in rep.uncertain for k in report["cells"] if k.startswith("t2."))


def t3_as_picture(t2, t3, t4):
    """Table 三 printed as a picture (a scanned page without OCR): its heading, no text."""
    return t2, ["（表格为图片）"], t4


@pytest.mark.parametrize("fmt", list(_EXT))
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_t3_not_read_flags_every_row_the_template_may_print(template, fmt, monkeypatch):
    """Table 三 not read and nothing printed tells the shape of （六）其他处理: both its forms
    (one row, or its sub-rows) are flagged, so whichever the page prints is never missing."""
    case = Case("t3_picture", t3_as_picture, template=template)
    truth, data = _render(case, fmt, monkeypatch)
    rep = parse_bytes(data, _EXT[fmt])
    silent, phantom, _ = _verdict(truth, rep)
    assert silent == {} and phantom == [], (silent, phantom)
    for row in ("other_total", *vocab.T3_OTHER_SUBROWS):
        assert all(rep.cells.get(f"t3.{row}.{c}") is None and f"t3.{row}.{c}" in rep.uncertain
                   for c in vocab.T3_COL_KEYS), row


def test_literal_transposed_t2_is_read_by_its_header_words():
    """Table 二 transposed (the item's rows as columns, its column heads as row labels): each
    figure is the row its column head names and the column its row label names; the rows the
    table does not print get no key (NOTES L24)."""
    t2 = ("<p>二、主动公开政府信息情况</p><table border=1>"
          + _tr("信息内容", "规章", "行政规范性文件")
          + _tr("本年制发件数", "1", "2") + _tr("本年废止件数", "0", "1") + _tr("现行有效件数", "5", "9")
          + "</table>")
    rep = parse_bytes(_html(t2), "r.html")
    got = {k: v for k, v in rep.cells.items() if k.startswith("t2.")}
    assert got == {"t2.regulations.issued_count": 1, "t2.regulations.repealed_count": 0,
                   "t2.regulations.in_force_count": 5, "t2.normative_documents.issued_count": 2,
                   "t2.normative_documents.repealed_count": 1, "t2.normative_documents.in_force_count": 9}
    assert not any(k.startswith("t2.") for k in rep.uncertain)


def test_transposed_t2_row_of_figures_under_no_column_word_is_flagged():
    """A row of a transposed table 二 whose label names no column: its figures belong to the
    header's rows, their column unknown — the rows' unread cells are flagged, never dropped."""
    t2 = ("<p>二、主动公开政府信息情况</p><table border=1>"
          + _tr("信息内容", "规章", "行政规范性文件")
          + _tr("本年制发件数", "1", "2") + _tr("其他说明", "0", "1") + _tr("现行有效件数", "5", "9")
          + "</table>")
    rep = parse_bytes(_html(t2), "r.html")
    assert rep.cells["t2.regulations.issued_count"] == 1 and rep.cells["t2.normative_documents.in_force_count"] == 9
    for row in ("regulations", "normative_documents"):
        k = f"t2.{row}.repealed_count"
        assert rep.cells.get(k) is None and k in rep.uncertain


def drop_t2_header(t2, t3, t4):
    """Table 二 printed without its column header rows (信息内容 | 本年制发件数 | …)."""
    return _retable(t2, [list(r) for r in t2.rows if r[0].kind != "head"]), t3, t4


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "md"])
def test_t2_columns_without_header_are_flagged(fmt, monkeypatch):
    """Table 二 has no identity: a multi-column row read in template order is flagged; a
    one-column row (本年处理决定数量) needs no header."""
    case = Case("t2_header_absent", drop_t2_header, max_flagged=6)
    truth, data = _render(case, fmt, monkeypatch)
    rep = parse_bytes(data, _EXT[fmt])
    silent, phantom, flagged = _verdict(truth, rep)
    assert silent == {} and phantom == []
    expected = {f"t2.{r}.{c}" for r in ("regulations", "normative_documents")
                for c in ("issued_count", "repealed_count", "in_force_count")}
    assert expected <= set(flagged)
    # the dropped header also carried the fee's unit (万元): a unitless amount is flagged (NOTES 6)
    assert set(flagged) - expected <= {"t2.admin_fees.fee_amount_wan_yuan"}


_REORDERED = [c for c in CASES if c.name.startswith(("t3_total", "t3_group", "t3_subs", "t4_"))
              and "prior" not in c.name]


@pytest.mark.parametrize("case", _REORDERED, ids=[c.name for c in _REORDERED])
def test_reordered_columns_in_crawler_text_are_flagged(case, monkeypatch):
    """Run-together crawler text keeps the header words but not the cell boundaries: a header
    in another order than the template's cannot be applied to the split digits, so the table's
    cells are flagged, never read in template order.  总计 moved first is the exception: the
    header words say so and every row's sum proves it (round 11, r11comp), so it is read."""
    truth, data = _render(case, "flat", monkeypatch)
    rep = parse_bytes(data, "r.txt")
    silent, phantom, _ = _verdict(truth, rep)
    assert silent == {} and phantom == []
    if case.name == "t3_total_first":
        return
    table = case.name[:2]
    assert all(k in rep.uncertain for k in truth if k.startswith(table + "."))


def test_template_order_crawler_text_is_not_flagged_wholesale():
    report = make_report("2021", seed=5)
    rep = parse_bytes(R.render(report, "flat"), "r.txt")
    silent, phantom, flagged = _verdict(report["cells"], rep)
    assert silent == {} and phantom == []
    # the header is the template's: no cell is flagged for its column order (a digit run with
    # several valid splits still is)
    assert not [k for k in flagged if "表头" in rep.uncertain[k]]
    assert len([k for k in flagged if k.startswith("t3.")]) < 25 * 7 // 2


def _t3_abbrev(subs: tuple[str, ...]) -> bytes:
    return _html(_T2_HTML, "<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
                 + _tr("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）@3x3", "申请人情况@1x7")
                 + _tr("自然人@2x1", "法人或其他组织@1x5", "总计@2x1")
                 + _tr(*subs)
                 + _tr("一、本年新收政府信息公开申请数量@1x3", "7", "1", "2", "3", "4", "5", "22")
                 + "</table>")


def test_literal_t3_abbreviated_reordered_subcolumns_are_read_by_their_words():
    """企业 / 科研 / 公益组织 / 法律服务 / 其他组织 each name one column, whatever their order."""
    rep = parse_bytes(_t3_abbrev(("科研", "其他组织", "企业", "法律服务", "公益组织")), "r.html")
    got = {c: rep.cells[f"t3.new_received.{c}"] for c in vocab.T3_COL_KEYS}
    assert got == {"natural_person": 7, "research_institution": 1, "other_org": 2, "commercial_enterprise": 3,
                   "legal_service_org": 4, "social_welfare_org": 5, "total": 22}
    assert not any(k.startswith("t3.new_received.") for k in rep.uncertain)


def test_literal_t3_header_with_an_unknown_word_is_not_read_by_position():
    """社会组织 names no template column and the words read say the columns are not in the
    template's order: the row read in template order is flagged though every identity holds."""
    rep = parse_bytes(_t3_abbrev(("科研", "企业", "公益组织", "法律服务", "社会组织")), "r.html")
    assert all(f"t3.new_received.{c}" in rep.uncertain for c in _SUBS)


def test_literal_t3_with_legal_persons_as_one_column_reads_only_the_named_columns():
    """自然人 / 法人或其他组织 / 总计 only: the group's figure is no key, its sub-columns are
    not printed (null and flagged, never given a value)."""
    t3 = ("<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
          + _tr("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）@3x3", "申请人情况@1x3")
          + _tr("自然人@2x1", "法人或其他组织@2x1", "总计@2x1") + _tr()
          + _tr("一、本年新收政府信息公开申请数量@1x3", "7", "3", "10")
          + "</table>")
    rep = parse_bytes(_html(_T2_HTML, t3), "r.html")
    assert rep.cells["t3.new_received.natural_person"] == 7
    assert rep.cells["t3.new_received.total"] == 10
    assert "t3.new_received.total" not in rep.uncertain
    for c in _SUBS:
        assert rep.cells.get(f"t3.new_received.{c}") is None
        assert f"t3.new_received.{c}" in rep.uncertain


def test_literal_t3_wrapped_label_row_is_not_read_as_zeros():
    """A long label continued in a row of its own with empty value cells: the row above holds
    the figures; the continuation is part of its label, not a row of zeros."""
    t3 = ("<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
          + _tr("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）@3x3", "申请人情况@1x7")
          + _tr("自然人@2x1", "法人或其他组织@1x5", "总计@2x1")
          + _tr("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
          + _tr("5.要求行政机关确认@1x3", "2", "0", "0", "0", "0", "0", "2")
          + _tr("或重新出具已获取信息@1x3", *[""] * 7)
          + _tr("四、结转下@1x3", "1", "0", "0", "0", "0", "0", "1")
          + _tr("年度继续办理@1x3", *[""] * 7)
          + "</table>")
    rep = parse_bytes(_html(_T2_HTML, t3), "r.html")
    assert rep.cells["t3.not_processed_confirmation.natural_person"] == 2
    assert rep.cells["t3.not_processed_confirmation.total"] == 2
    assert rep.cells["t3.carried_to_next.total"] == 1
    assert "t3.carried_to_next.total" not in rep.uncertain


def test_literal_t3_row_printed_twice_in_crawler_text_is_flagged():
    """予以公开 printed twice with other digits (a revised row left in): never first-wins."""
    report = make_report("2021", seed=5)
    text = R.render(report, "flat").decode()
    vals = [report["cells"][f"t3.granted.{c}"] + 1 for c in vocab.T3_COL_KEYS[:-1]]
    again = "（一）予以公开" + "".join(map(str, [*vals, sum(vals)]))
    at = text.index("（一）予以公开")
    at = text.index("（二）", at)
    rep = parse_bytes((text[:at] + again + text[at:]).encode(), "r.txt")
    assert all(f"t3.granted.{c}" in rep.uncertain for c in vocab.T3_COL_KEYS)
    assert "t3.new_received.total" not in rep.uncertain


def test_literal_thousands_separator_in_crawler_text_is_one_cell():
    """行政处罚4,119 in run-together text: one count of 4119, not 4 and a stray 119."""
    report = make_report("2021", seed=5)
    text = R.render(report, "flat").decode()
    value = report["cells"]["t2.admin_penalty.decision_count"]
    at = text.index("行政处罚") + len("行政处罚")
    assert text[at:].startswith(str(value))
    text = text[:at] + "4,119" + text[at + len(str(value)):]
    rep = parse_bytes(text.encode(), "r.txt")
    assert rep.cells["t2.admin_penalty.decision_count"] == 4119


# --------------------------------------------------------------------------- table-二 rows without a known label


def t2_unlabelled(gone: str | None, unlabelled: str, label: str = "") -> Callable:
    """Table 二 without the row ``gone`` (the agency has none) and the row ``unlabelled`` printed
    with ``label`` in its label cell (empty: the label lost; other words: a label the
    vocabulary does not know)."""
    def tf(t2, t3, t4):
        rows = []
        for r in t2.rows:
            row = {c.key.split(".")[1] for c in r if c.kind == "num"}
            if row == {gone}:
                continue
            rows.append([_C(label)] + list(r[1:]) if row == {unlabelled} else list(r))
        return _retable(t2, rows), t3, t4
    return tf


def _row_keys(template: str, row: str) -> set[str]:
    return {f"t2.{row}.{c}" for c in vocab.T2_LAYOUT[template][row]}


UNLABELLED_T2 = [
    # 行政处罚 not printed, 行政强制's label cell empty: either could be the row's
    Case("t2_row_omitted_next_unlabelled", t2_unlabelled("admin_penalty", "admin_coercion"),
         template="2019", truth=lambda cells, extra: {k: v for k, v in cells.items()
                                                      if not k.startswith("t2.admin_penalty.")},
         max_flagged=3),
    Case("t2_row_omitted_next_unlabelled_2021", t2_unlabelled("admin_penalty", "admin_coercion"),
         truth=lambda cells, extra: {k: v for k, v in cells.items() if not k.startswith("t2.admin_penalty.")},
         max_flagged=1),
    # a label phrased otherwise (a 繁體 switch's 規範性檔案 comes back as 规范性档案)
    Case("t2_unknown_label", t2_unlabelled(None, "normative_documents", "规范性档案"), max_flagged=3),
]


@pytest.mark.parametrize("fmt", [*_EXT, "flat"])
@pytest.mark.parametrize("case", UNLABELLED_T2, ids=[c.name for c in UNLABELLED_T2])
def test_t2_row_without_a_known_label_is_flagged_not_dropped(case, fmt, monkeypatch):
    """A table-二 row with figures and no label the vocabulary knows is kept: the template rows
    it could be are flagged (never dropped silently, never taken by position as sure)."""
    truth, data = _render(case, fmt, monkeypatch)
    rep = parse_bytes(data, _EXT.get(fmt, "r.txt"))
    silent, phantom, flagged = _verdict(truth, rep)
    assert silent == {} and phantom == [], (silent, phantom)
    if fmt != "flat":   # run-together text flags every digit run with several splits anyway
        assert len(flagged) <= case.max_flagged, flagged
    row = "normative_documents" if case.name == "t2_unknown_label" else "admin_coercion"
    assert _row_keys(case.template, row) <= set(rep.uncertain)
    if row == "admin_coercion":   # the omitted row is a candidate too: null and flagged
        assert all(rep.cells.get(k) is None and k in rep.uncertain for k in _row_keys(case.template, "admin_penalty"))


def test_t2_row_with_more_figures_than_its_header_names_flags_the_rest():
    """A header word the vocabulary does not know (本年专案数量 for 本年项目数量): the row's
    figures outnumber the columns read, so the columns its row kind may print are flagged —
    the printed 本年项目数量 is never missing without a flag."""
    t2 = ("<p>二、主动公开政府信息情况</p><table border=1>"
          + _tr("第二十条第（五）项@1x5")
          + _tr("信息内容", "上一年专案数量", "本年专案数量", "本年增/减", "处理决定数量")
          + _tr("行政许可", "12", "14", "2", "30") + "</table>")
    rep = parse_bytes(_html(t2).replace("2023年".encode(), "2020年".encode()), "r.html")
    for c in ("prior_year_item_count", "current_item_count", "item_count_change", "decision_count"):
        assert f"t2.admin_licensing.{c}" in rep.uncertain, c


# --------------------------------------------------------------------------- a second set of tables


def _annexed(t: R._Table, prefix: str) -> R._Table:
    """A table of another unit: its figure cells keyed ``prefix.…`` (other figures)."""
    rows = [[replace(c, key=f"{prefix}.{c.key}") if c.kind == "num" else c for c in r] for r in t.rows]
    return _retable(t, rows)


def annex_tables(caption: str) -> Callable:
    """After table 四, ``caption`` (an 附件 heading, or none) and a sub-unit's own tables 三 and
    四 under headings of their own, in the other shape of （六）其他处理 (its sub-rows)."""
    def tf(t2, t3, t4):
        _, a3, a4 = _ORIG_SKELETON("2021", False, False, False)
        pieces = [t4] + ([caption] if caption else []) + [
            "（一）收到和处理政府信息公开申请情况", _annexed(a3, "annex"),
            "（二）政府信息公开行政复议、行政诉讼情况", _annexed(a4, "annex")]
        return t2, t3, pieces
    return tf


def _annex_figures(cells: dict, rng: random.Random) -> dict:
    keys = [f"t3.{r}.{c}" for r in vocab.t3_rows_for("2021", False) for c in vocab.T3_COL_KEYS]
    keys += [f"t4.{r}.{c}" for r in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS]
    return {f"annex.{k}": rng.randint(1, 99) for k in keys}


ANNEXES = [
    Case("annex_of_a_named_unit", annex_tables("附件：示例附属事务中心政府信息公开情况统计表"),
         template="2019", extra=_annex_figures),
    Case("second_tables_without_a_heading", annex_tables(""), template="2019", extra=_annex_figures),
]


@pytest.mark.parametrize("fmt", list(_EXT))
@pytest.mark.parametrize("case", ANNEXES, ids=[c.name for c in ANNEXES])
def test_tables_after_the_reports_own_are_not_merged_into_it(case, fmt, monkeypatch):
    """A sub-unit's statistics tables after the report's own (an 附件 with no report title):
    the report keeps its own figures, the second set is no part of it (a report-level warning)."""
    truth, data = _render(case, fmt, monkeypatch)
    rep = parse_bytes(data, _EXT[fmt])
    silent, phantom, flagged = _verdict(truth, rep)
    assert silent == {} and phantom == [], (silent, phantom)
    assert flagged == []
    assert any("未读取" in w and ("附件" in w or "又印有" in w) for w in rep.warnings), rep.warnings


def test_tables_only_under_another_units_annex_are_flagged():
    """The only tables sit under an 附件 naming another unit: whose figures they are is not
    known, so every cell read is flagged; an 附件 naming the report's own agency is its own."""
    other = parse_bytes(_html("<p>附件：示例附属事务中心政府信息公开情况统计表</p>", _T2_HTML), "r.html")
    assert other.cells["t2.admin_penalty.decision_count"] == 31
    assert all(k in other.uncertain for k in other.cells)
    own = parse_bytes(_html("<p>附件：示例县示例局政府信息公开情况统计表</p>", _T2_HTML), "r.html")
    assert "t2.admin_penalty.decision_count" not in own.uncertain


def _t3_split_by_columns(report: dict, fmt: str) -> bytes:
    from synth.metamorphic.transforms import TRANSFORMS
    return R.render(report, fmt, **TRANSFORMS["t3_split_by_columns"].make(report, fmt).opts)


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_t3_split_by_columns_is_joined_row_for_row(fmt):
    """Table 三 over two tables by columns (自然人 … 科研机构, then 社会公益组织 … 总计), each
    under its own header, the same rows in the same order: one table, every cell read."""
    report = make_report("2021", seed=5)
    rep = parse_bytes(_t3_split_by_columns(report, fmt), f"r.{fmt}")
    t3 = {k: v for k, v in report["cells"].items() if k.startswith("t3.")}
    assert {k: rep.cells.get(k) for k in t3} == t3
    assert not [k for k in rep.uncertain if k.startswith("t3.")]
    assert any("按列分成两张表" in w for w in rep.warnings)


def _second_part_line(text: str, label: str) -> tuple[int, list[str]]:
    """The line of the second table 三 part (markdown) that starts with ``label``."""
    lines = text.split("\n")
    at = [i for i, ln in enumerate(lines) if ln.startswith(f"| {label}")][1]
    return at, lines


def test_t3_split_by_columns_row_that_does_not_add_up_is_flagged():
    """A joined row whose 总计 is not the sum of its applicant columns: that row's cells are
    flagged (the report's slip, or a wrong join there), the rows that add up are read."""
    report = make_report("2021", seed=5)
    text = _t3_split_by_columns(report, "md").decode()
    at, lines = _second_part_line(text, "一、本年新收")
    cells = lines[at].split("|")
    cells[-2] = f" {int(cells[-2]) + 1} "
    lines[at] = "|".join(cells)
    rep = parse_bytes("\n".join(lines).encode(), "r.md")
    assert all(f"t3.new_received.{c}" in rep.uncertain for c in vocab.T3_COL_KEYS)
    assert {c: rep.cells[f"t3.granted.{c}"] for c in vocab.T3_COL_KEYS} == {
        c: report["cells"][f"t3.granted.{c}"] for c in vocab.T3_COL_KEYS}
    assert not any(f"t3.granted.{c}" in rep.uncertain for c in vocab.T3_COL_KEYS)


def test_t3_split_by_columns_that_mostly_does_not_add_up_is_flagged_not_joined():
    """Most joined rows fail 总计 = the sum of the columns: no evidence the parts are one
    table; every cell of the parts stays flagged."""
    report = make_report("2021", seed=5)
    text = _t3_split_by_columns(report, "md").decode()
    lines = text.split("\n")
    second = [i for i, ln in enumerate(lines) if ln.startswith("| 一、本年新收")][1]
    for i in range(second, len(lines)):
        if not lines[i].startswith("|"):
            break
        cells = lines[i].split("|")
        cells[-2] = f" {int(cells[-2]) + 1} "
        lines[i] = "|".join(cells)
    rep = parse_bytes("\n".join(lines).encode(), "r.md")
    assert all(f"t3.granted.{c}" in rep.uncertain for c in vocab.T3_COL_KEYS)
    assert not any("按列分成两张表" in w for w in rep.warnings)


def test_t3_split_by_columns_with_rows_in_another_order_is_flagged_not_joined():
    """The second part prints two rows swapped: row for row the labels differ, so nothing
    says which figures of one part go with which of the other."""
    report = make_report("2021", seed=5)
    text = _t3_split_by_columns(report, "md").decode()
    a, lines = _second_part_line(text, "一、本年新收")
    lines[a], lines[a + 1] = lines[a + 1], lines[a]
    rep = parse_bytes("\n".join(lines).encode(), "r.md")
    assert all(f"t3.new_received.{c}" in rep.uncertain for c in vocab.T3_COL_KEYS)
    assert not any("按列分成两张表" in w for w in rep.warnings)


@pytest.mark.parametrize("fmt", ["txt", "flat", "md", "html", "docx"])
@pytest.mark.parametrize("hubei", [False, True])
def test_table_two_written_as_sentences_is_flagged_not_lost(fmt, hubei):
    """Section 二 printing its figures as sentences (本年制发规章3件，废止1件…) instead of a
    table: no table-二 row is read, so every cell the section names is flagged — none vanishes
    unflagged, none is read under another key (adversary round 8, `t2_as_sentences`)."""
    report = make_report("2021", hubei=hubei)
    c = report["cells"]
    lines = [f"本年制发{name}{c[f't2.{row}.issued_count']}件，废止{c[f't2.{row}.repealed_count']}件，"
             f"现行有效{c[f't2.{row}.in_force_count']}件。"
             for row, name in (("regulations", "规章"), ("normative_documents", "规范性文件"),
                               ("other_proactive_documents", "其他主动公开文件")) if f"t2.{row}.issued_count" in c]
    lines += [f"{name}本年处理决定数量{c[f't2.{row}.decision_count']}件。"
              for row, name in (("admin_licensing", "行政许可"), ("admin_penalty", "行政处罚"),
                                ("admin_coercion", "行政强制"))]
    lines.append(f"行政事业性收费本年收费金额{c['t2.admin_fees.fee_amount_wan_yuan']}万元。")
    data = R.render(report, fmt, tables=lambda a, b, t4, r: (lines, b, t4))
    rep = parse_bytes(data, f"r.{'txt' if fmt == 'flat' else fmt}")
    t2 = {k for k in c if k.startswith("t2.")}
    assert t2 <= set(rep.uncertain)
    assert all(rep.cells.get(k) is None for k in t2)



def test_t3_row_cut_by_a_page_break_keeps_its_figures():
    """A table-三 row cut by a page break (LibreOffice's PDF of a Word table): the label cells
    go on in their own columns on the next row (（四）无 / 法提供, 1.本机关 / 不掌握相关政府信息)
    with blank figure cells.  The rows are one row; the blanks are not its zeros."""
    report = make_report("2021", seed=11)
    report["cells"]["t3.unavailable_not_held.natural_person"] += 5
    report["cells"]["t3.unavailable_not_held.total"] += 5
    want = report["cells"]["t3.unavailable_not_held.natural_person"]
    text = R.render_markdown(report)
    line = next(ln for ln in text.splitlines() if "不掌握相关政府信息" in ln)
    cells = line.split("|")
    first = [c.replace("（四）无法提供", "（四）无").replace("1.本机关不掌握相关政府信息", "1.本机关") for c in cells]
    second = ["  " if 0 < i < len(cells) - 1 else c for i, c in enumerate(cells)]
    second[2], second[3] = " 法提供 ", " 不掌握相关政府信息 "
    assert "（四）无" in "|".join(first) and "1.本机关" in "|".join(first)
    rep = parse_bytes(text.replace(line, "|".join(first) + "\n" + "|".join(second)).encode("utf-8"), "r.md")
    key = "t3.unavailable_not_held.natural_person"
    assert rep.cells.get(key) == want or key in rep.uncertain, (rep.cells.get(key), rep.uncertain.get(key))


def test_t3_label_over_a_continuation_line_then_unlabelled_figures_is_flagged():
    """A tall row cut by a page break: its label's first words on a row with blank figures, the
    rest of its label on the next row, its figures on a row with no label after that.  The
    blanks are not its zeros: its cells are the figures' or flagged."""
    report = make_report("2021", seed=11)
    report["cells"]["t3.partially_granted.natural_person"] += 4
    report["cells"]["t3.partially_granted.total"] += 4
    want = report["cells"]["t3.partially_granted.natural_person"]
    text = R.render_markdown(report)
    line = next(ln for ln in text.splitlines() if "（二）部分公开" in ln)
    cells = line.split("|")
    blank = ["  " if 2 < i < len(cells) - 1 else c for i, c in enumerate(cells)]
    head = list(blank)
    head[2] = " （二）部分公开 "
    more = list(blank)
    more[2] = " （区分处理的，只计这一情形，不计其他情形） "
    figures = list(cells)
    figures[2] = "  "
    rows = "\n".join("|".join(r) for r in (head, more, figures))
    rep = parse_bytes(text.replace(line, rows).encode("utf-8"), "r.md")
    key = "t3.partially_granted.natural_person"
    assert rep.cells.get(key) == want or key in rep.uncertain, (rep.cells.get(key), rep.uncertain.get(key))


def _cut_by_a_page_break(report: dict, label: str, head_label: str, head: Callable[[int, str], str],
                         rest: Callable[[int, str], str], data: bytes | None = None):
    """The report's HTML read into a Document, then table 三 cut as LibreOffice prints a Word
    table over a page break: the table ends (page 1) with the row ``label`` showing its label's
    first words ``head_label`` and the cells ``head(i, text)``; the next page's table starts with
    the rest — the label's other words over the label cell, the cells ``rest(i, text)`` — then
    the rows after it.  ``i`` counts the row's figure cells, 0 = 自然人.  ``data``: the HTML to
    read (default: the report rendered plainly)."""
    from etl.document import Cell, Table
    from etl.readers import read_bytes
    doc = read_bytes(data or R.render(report, "html"), "r.html")
    t = next(b for b in doc.blocks if isinstance(b, Table) and any(label in c.text for r in b.rows for c in r))
    at = next(i for i, r in enumerate(t.rows) if any(label in c.text and not c.is_span_copy for c in r))
    row = t.rows[at]
    lab = next(j for j, c in enumerate(row) if label in c.text and not c.is_span_copy)
    top, low = [], []
    for j, c in enumerate(row):
        i = j - lab - 1
        a = Cell(c.text, c.row, c.col, is_span_copy=c.is_span_copy, page=1)
        b = Cell("" if j < lab else c.text, 0, c.col, is_span_copy=c.is_span_copy and j < lab, page=2)
        if j == lab:
            a.text, b.text = head_label, c.text.replace(head_label, "", 1)
        elif i >= 0 and not c.is_span_copy:
            a.text, b.text = head(i, c.text), rest(i, c.text)
        top.append(a)
        low.append(b)
    first = Table(t.rows[:at] + [top], page=1)
    second = Table([low] + t.rows[at + 1:], page=2)
    k = doc.blocks.index(t)
    doc.blocks[k:k + 1] = [first, second]
    for i, tb in enumerate(doc.tables):
        tb.index = i
    return doc


def test_t3_row_cut_by_a_page_break_with_figures_in_both_parts():
    """LibreOffice's print of a Word table whose figure is a field inside a content control:
    the cell prints the field's code, then the figure (``=SUM(LEFT)`` / 11), so the cell is
    taller than the row's others and a page break cuts the row after its 总计.  The next page's
    part holds the rest of the label and that cell; the first part's blank 自然人 is no zero, and
    the code around the figure is no label: the row is one row, the figure flagged, the 总计 read
    (adversary round 9, `docx_figures_nested_wrappers_blank_zeros` printed by LibreOffice)."""
    from etl.extract import parse_document
    report = make_report("2021", seed=11)
    c = report["cells"]
    for col in vocab.T3_COL_KEYS:
        c[f"t3.unavailable_needs_creation.{col}"] = 0
    c["t3.unavailable_needs_creation.natural_person"] = c["t3.unavailable_needs_creation.total"] = 11
    doc = _cut_by_a_page_break(report, "2.没有现成信息需要另行制作", "2.没有",
                               head=lambda i, t: t if i == 6 else "",
                               rest=lambda i, t: "=SU\nM(LE\nFT)\n11" if i == 0 else "")
    rep = parse_document(doc)
    key = "t3.unavailable_needs_creation."
    assert key + "natural_person" in rep.uncertain, (rep.cells.get(key + "natural_person"))
    assert rep.cells.get(key + "total") == 11 or key + "total" in rep.uncertain
    for col in ("commercial_enterprise", "research_institution"):
        assert rep.cells.get(key + col) == 0 or key + col in rep.uncertain


def test_t3_row_cut_by_a_page_break_its_figures_below_the_break():
    """The same cut with every figure of the row printed below the break (the whole label is
    taller than the page's rest): the first part prints only 2.没有 and blanks, the second the
    rest of the label and the figures — one row with the second part's figures."""
    from etl.extract import parse_document
    report = make_report("2021", seed=11)
    report["cells"]["t3.unavailable_needs_creation.natural_person"] += 6
    report["cells"]["t3.unavailable_needs_creation.total"] += 6
    want = {k: v for k, v in report["cells"].items() if k.startswith("t3.unavailable_needs_creation.")}
    doc = _cut_by_a_page_break(report, "2.没有现成信息需要另行制作", "2.没有",
                               head=lambda i, t: "", rest=lambda i, t: t)
    rep = parse_document(doc)
    for k, v in want.items():
        assert rep.cells.get(k) == v or k in rep.uncertain, (k, rep.cells.get(k), v)


def test_t4_one_row_header_cut_by_a_page_break_is_read_by_its_columns():
    """Table 四's header flattened into one row (行政诉讼未经复议直接起诉结果维持 … in narrow
    columns), 行政诉讼 first, printed by LibreOffice with a page break inside the header row:
    each cell's last words go on over the figures on the next page (维持 | 纠正 | 结果 | 审结).
    Read row by row the words are 其他 尚未 总计 维持 纠正 … — a rotated order every block
    repeats; the columns, read down, are right (adversary round 9: g013,
    `t4_litigation_first+t4_header_one_row` printed by LibreOffice)."""
    from etl.document import Cell, Table
    from etl.extract import parse_document
    from etl.readers import read_bytes
    from synth.metamorphic import runner
    report = make_report("2021", seed=13)
    c = report["cells"]
    c["t4.admin_reconsideration.upheld"], c["t4.admin_reconsideration.total"] = 3, 3
    for k in ("corrected", "other", "pending"):
        c[f"t4.admin_reconsideration.{k}"] = 0
    case = runner.make_case("t4_litigation_first+t4_header_one_row", "s", report, "html")
    doc = read_bytes(case.data, "r.html")
    t = next(b for b in doc.blocks if isinstance(b, Table) and any("行政复议" in x.text for x in b.rows[0]))
    width = 14
    top = [Cell(x.text[:width], 0, x.col, page=1) for x in t.rows[0]]
    rest = [Cell(x.text[width:], 0, x.col, page=2) for x in t.rows[0]]
    assert [x.text for x in rest[:4]] == ["维持", "纠正", "结果", "审结"]
    k = doc.blocks.index(t)
    doc.blocks[k:k + 1] = [Table([top], page=1), Table([rest] + t.rows[1:], page=2)]
    for i, tb in enumerate(doc.tables):
        tb.index = i
    rep = parse_document(doc)
    for key, want in case.truth.items():
        if key.startswith("t4."):
            assert rep.cells.get(key) == want or key in rep.uncertain, (key, rep.cells.get(key), want)


def test_t3_t4_side_by_side_grid_cut_by_page_breaks_is_split_on_every_page():
    """Tables 三 | 四 side by side in one Word grid, printed to PDF by LibreOffice: the grid
    goes on over several pages, each page's part a table of its own with no header; table
    四's figures stand on page 2 right of table 三's second row.  Each part is split where the
    first page's was (by x on the page), and table 三's later rows are never read as table
    四's (adversary round 9, g007 printed by LibreOffice)."""
    from dataclasses import replace as _replace

    from etl.document import Table
    from etl.extract import parse_document
    from etl.readers import read_bytes
    from synth.metamorphic import runner
    report = make_report("2021", seed=13)
    case = runner.make_case("t3_t4_one_grid_side_by_side", "s", report, "html")
    doc = read_bytes(case.data, "r.html")
    t = next(b for b in doc.blocks if isinstance(b, Table) and any("行政复议" in x.text for r in b.rows for x in r))
    rows = [[_replace(c, bbox=(40.0 + 20 * c.col, 0.0, 40.0 + 20 * (c.col + c.colspan), 10.0)) for c in r]
            for r in t.rows]
    pages = [rows[:4], rows[4:12], rows[12:]]   # the header and 本年新收 on page 1; 上年结转 on page 2
    parts = [Table([[_replace(c, row=i, page=p) for c in r] for i, r in enumerate(part)], page=p)
             for p, part in enumerate(pages, start=1)]
    k = doc.blocks.index(t)
    doc.blocks[k:k + 1] = parts
    for i, tb in enumerate(doc.tables):
        tb.index = i
    rep = parse_document(doc)
    wrong = {key: (rep.cells.get(key), want) for key, want in case.truth.items()
             if key.startswith(("t3.", "t4.")) and rep.cells.get(key) != want and key not in rep.uncertain}
    assert not wrong


def test_t3_transposed_header_cut_by_a_page_break_is_no_applicant_row():
    """Table 三 transposed (applicants as rows) with 无 for zeros, printed by LibreOffice: its
    header row of outcome words is cut by a page break, the long words' last pieces (…不计其他
    情形）, 新出具已获取信息) over the next page's rows.  That row holds 其他 but is no 其他
    applicant row: its blank cells are not that row's zeros (adversary round 9:
    `zeros_as_wu+t3_transposed` printed by LibreOffice, 3 files)."""
    from etl.document import Cell, Table
    from etl.extract import parse_document
    from etl.readers import read_bytes
    from synth.metamorphic import runner
    report = make_report("2021", seed=13)
    case = runner.make_case("zeros_as_wu+t3_transposed", "s", report, "html")
    doc = read_bytes(case.data, "r.html")
    t = next(b for b in doc.blocks if isinstance(b, Table) and any("不计其他情形" in x.text for r in b.rows for x in r))
    # the last header row (the page breaks inside it): its own long cells go on on the next
    # page, and so does the longest label reaching down into it from the row above
    at = next(i for i, r in enumerate(t.rows) if any(x.text == "自然人" for x in r)) - 1
    # the pieces LibreOffice's print of g002 carried over, by the word their cell starts with
    tails = {"（二）部分公开": "计这一情形，不计其他情形）", "2.其他法律": "公开", "1.本机关": "信息",
             "2.没有现成": "制作", "3.补正后": "确", "4.无正当": "请", "5.要求行政机关": "新出具已获取信息"}

    def tail(x) -> str:
        return next((v for k, v in tails.items() if x.text.startswith(k) and x.text.endswith(v[-2:])), "")

    top = [Cell(x.text[:len(x.text) - len(tail(x))], x.row, x.col, x.rowspan, x.colspan, x.is_span_copy, page=1)
           for x in t.rows[at]]
    rest = [Cell(tail(x), 0, x.col, page=2) for x in t.rows[at]]
    assert any("其他" in x.text for x in rest)
    k = doc.blocks.index(t)
    doc.blocks[k:k + 1] = [Table(t.rows[:at] + [top], page=1), Table([rest] + t.rows[at + 1:], page=2)]
    for i, tb in enumerate(doc.tables):
        tb.index = i
    rep = parse_document(doc)
    wrong = {key: (rep.cells.get(key), want) for key, want in case.truth.items()
             if key.startswith("t3.") and key in rep.cells and rep.cells[key] != want and key not in rep.uncertain}
    assert not wrong


def test_t3_row_cut_by_a_page_break_inside_a_field_code():
    """The page break cuts a row inside a cell printing a field's code (``=SU`` / ``M(LE`` above,
    ``FT) 0`` below) while the row's other figures stand above it: the code is no label on
    either page, the numbered row before is not joined to it, the cut cell is flagged and the
    row's figures are read (adversary round 9, g003 `docx_figures_nested_wrappers`)."""
    from etl.extract import parse_document
    report = make_report("2021", seed=11)
    c = report["cells"]
    for col in vocab.T3_COL_KEYS:
        c[f"t3.not_processed_confirmation.{col}"] = 0
    c["t3.not_processed_confirmation.natural_person"] = c["t3.not_processed_confirmation.total"] = 1
    want = {k: v for k, v in c.items() if k.startswith(("t3.not_processed_confirmation.", "t3.not_processed_excessive."))}
    doc = _cut_by_a_page_break(report, "5.要求行政机关确认或重新出具已获取信息", "5.要求行政机关确认",
                               head=lambda i, t: "=SU\nM(LE" if i == 1 else t,
                               rest=lambda i, t: "FT) 0" if i == 1 else "")
    rep = parse_document(doc)
    for k, v in want.items():
        assert rep.cells.get(k) == v or k in rep.uncertain, (k, rep.cells.get(k), v)
    assert "t3.not_processed_confirmation.commercial_enterprise" in rep.uncertain


def test_t3_group_inline_row_cut_after_its_group_words():
    """Table 三 printing each row's group in its label cell (（三）不予公开 / 6.属于四类过程性信息),
    zeros blank, a page break after the group's words: the figures stand beside （三）不予公开
    on the first page, the sub-row's words with blanks on the next.  The blanks are not the
    sub-row's zeros: the heading's figures are its own (adversary round 9:
    `t3_zero_rows_omitted+t3_group_inline_blank_zeros` on g007/g013 printed by LibreOffice)."""
    from etl.extract import parse_document
    from synth.metamorphic import runner
    report = make_report("2021", seed=11)
    c = report["cells"]
    for col in vocab.T3_COL_KEYS:
        c[f"t3.denied_process_info.{col}"] = 0
    c["t3.denied_process_info.natural_person"] = c["t3.denied_process_info.total"] = 2
    case = runner.make_case("t3_group_inline", "s", report, "html")
    doc = _cut_by_a_page_break(report, "6.属于四类过程性信息", "（三）不予公开", head=lambda i, t: t,
                               rest=lambda i, t: "", data=case.data)
    rep = parse_document(doc)
    for k in (f"t3.denied_process_info.{col}" for col in vocab.T3_COL_KEYS):
        assert rep.cells.get(k) == case.truth[k] or k in rep.uncertain, (k, rep.cells.get(k), case.truth[k])


def test_t2_label_note_digit_wrapped_to_its_own_line_is_no_trusted_figure():
    """A note mark typed after a table-二 label (规章1), the row's first figure 0 printed blank,
    in a label cell too narrow for it: LibreOffice wraps the mark onto a line of its own
    (规章 / 1).  A line break is no typed space: the digit may be the mark as well as the
    blank cell's figure — read 0 or flag, never trust 1 (adversary round 9, g000
    `t2_label_note_digit_zero_blank` printed by LibreOffice)."""
    from synth.metamorphic import runner
    report = make_report("2021", seed=11)
    report["cells"]["t2.regulations.issued_count"] = 0
    case = runner.make_case("t2_label_note_digit_zero_blank", "s", report, "html")
    data = case.data.replace("<p>规章1</p>".encode(), "<p>规章</p><p>1</p>".encode())
    assert data != case.data
    rep = parse_bytes(data, "r.html")
    key = "t2.regulations.issued_count"
    assert rep.cells.get(key) == 0 or key in rep.uncertain, (rep.cells.get(key), rep.uncertain.get(key))


def test_t3_clipped_before_its_other_rows_flags_both_shapes():
    """Table 三 in a Word text box, printed by LibreOffice: the box clips the table after
    6.属于四类过程性信息, so no （六）其他处理 row is printed.  Nothing tells whether the report
    prints （六） as one row or as its three sub-rows: both forms' cells are flagged, never
    one form's left missing (adversary round 9, g002 `docx_table3_in_textbox`)."""
    report = make_report("2021", seed=11)
    lines = R.render_markdown(report).splitlines()
    start = next(i for i, ln in enumerate(lines) if "7.属于行政执法案卷" in ln)
    end = next(i for i, ln in enumerate(lines) if i > start and not ln.startswith("|"))
    rep = parse_bytes("\n".join(lines[:start] + lines[end:]).encode("utf-8"), "r.md")
    for row in ("other_total", *vocab.T3_OTHER_SUBROWS):
        for col in vocab.T3_COL_KEYS:
            key = f"t3.{row}.{col}"
            assert key in rep.uncertain, key
