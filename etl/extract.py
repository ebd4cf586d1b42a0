"""The parser: a :class:`~etl.document.Document` in, a :class:`~etl.report.ParsedReport` out.

How it reads a report, whatever the file format:

1. **Rows.**  Every table row and every short text line becomes a :class:`Row`: label cells
   (text) followed by value cells (numbers, blanks, "/").  Span copies are dropped so a
   merged number is never counted twice.
2. **Sections.**  Headings (主动公开政府信息情况, 收到和处理政府信息公开申请情况,
   行政复议…行政诉讼, 存在的主要问题) switch the current table; 第二十条 / 申请人情况 /
   结果维持 rows switch it too, so a report with other numbering still parses.
3. **Labels → keys** with :mod:`etl.vocab`; table 二 columns come from the sub-table's own
   header row (so Shandong's extra 本年项目数量 column is kept), table 三's seven columns
   are the template's, table 四 is read as one 15-value row or three 5-value blocks.
4. **Values** through :func:`etl.numbers.parse_cell` (blank = 0, remembered as blank; "/" =
   null; units converted to 万元).
5. **Damage.**  Rows that lost their labels are placed by printed order between labelled
   rows (:func:`_align_unlabelled`); text whose cells ran together is segmented by
   :mod:`etl.recover` using the identities.  What cannot be settled goes to ``uncertain``.

The template is judged from table 二's labels, never from the year alone.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from etl import vocab
from etl.agencies import canonical_agency
from etl.document import Document, Paragraph, ReportError, Table
from etl.numbers import CellValue, parse_cell, to_json_number, to_wan_yuan
from etl.report import ParsedReport, Provenance, looks_synthetic

# --------------------------------------------------------------------------- rows


@dataclass
class Row:
    labels: list[str]                 # label cell texts, in order
    values: list[CellValue]           # value cells after the last label
    value_cols: list[int]             # grid column of each value cell
    table: int | None = None          # table index (None for a text line)
    row: int | None = None
    page: int | None = None
    header_like: bool = False         # all cells are labels
    label_cols: list[int] = field(default_factory=list)  # grid column of each label (tables only)

    @property
    def label(self) -> str:
        return "".join(self.labels)


_HEADING_MAX = 48
_LINE_VALUE = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:万元|元)?|[/—－-]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _is_label(text: str) -> bool:
    return parse_cell(text) is None


def _table_rows(table: Table) -> list[Row]:
    out = []
    for r, cells in enumerate(table.rows):
        real = [c for c in cells if not c.is_span_copy]
        if not real:
            continue
        last_label = -1
        for i, c in enumerate(real):
            if _is_label(c.text):
                last_label = i
        label_cells = [c for c in real[: last_label + 1] if c.text.strip()]
        labels = [c.text for c in label_cells]
        vals = real[last_label + 1:]
        page = next((c.page for c in real if c.page is not None), table.page)
        out.append(Row(labels=labels, values=[parse_cell(c.text) for c in vals],
                       value_cols=[c.col for c in vals], table=table.index, row=r, page=page,
                       header_like=not vals, label_cols=[c.col for c in label_cells]))
    return out


def _line_row(line: str, page: int | None) -> Row:
    """A text line: 'label v1 v2 …' (values separated by white space) or a label/heading."""
    toks = line.split()
    n_vals = 0
    while n_vals < len(toks) and _LINE_VALUE.fullmatch(toks[-1 - n_vals]):
        n_vals += 1
    label = " ".join(toks[: len(toks) - n_vals])
    if n_vals and (not label or (_CJK.search(label) and len(label) <= 60)):
        vals = toks[len(toks) - n_vals:]
        cvs = [parse_cell(t) for t in vals]
        if all(cvs):
            start = 1 if label else 0
            return Row([label] if label else [], cvs, list(range(start, start + n_vals)), page=page)
    return Row([line.strip()], [], [], page=page, header_like=True)


def document_rows(doc: Document) -> list[Row]:
    rows: list[Row] = []
    for b in doc.blocks:
        if isinstance(b, Table):
            rows.extend(_table_rows(b))
        elif isinstance(b, Paragraph):
            for line in b.text.split("\n"):
                if line.strip():
                    rows.append(_line_row(line, b.page))
    return rows


# --------------------------------------------------------------------------- sections

def _section_of_heading(text: str) -> str | None:
    n = vocab.norm(text)
    if len(n) > _HEADING_MAX:
        return None
    if "主动公开政府信息情况" in n or n.startswith("第二十条"):
        return "t2"
    if "收到和处理政府信息公开申请" in n or "本列数据的勾稽关系" in n:
        return "t3"
    if "行政复议" in n and ("行政诉讼" in n or "提起" in n) and ("情况" in n or len(n) < 12):
        return "t4"
    if "存在的主要问题" in n or "其他需要报告" in n or "主要问题及改进" in n:
        return "end"
    return None


def _row_section(row: Row) -> str | None:
    for lab in row.labels:
        s = _section_of_heading(lab)
        if s:
            return s
    n = vocab.norm(row.label)
    if "结果维持" in n or "复议后起诉" in n:
        return "t4"
    if "申请人情况" in n:
        return "t3"
    return None


# --------------------------------------------------------------------------- title

_TITLE = re.compile(r"(?P<pre>.*?)(?P<year>(?:19|20)\d\d)年度?(?P<mid>.*?)政府信息公开(?:工作)?(?:年度)?(?:报告|年报)")


def find_title(doc: Document) -> tuple[str, int, str]:
    """(agency as printed, year, title) from the first lines of the document."""
    lines: list[str] = []
    for b in doc.blocks[:60]:
        if isinstance(b, Paragraph):
            lines.extend(x for x in b.text.split("\n") if x.strip())
        else:
            for r in b.rows[:3]:
                lines.append("".join(c.text for c in r if not c.is_span_copy))
        if len(lines) > 40:
            break
    candidates = []
    if doc.title_hint:
        candidates.append((doc.title_hint, ""))
    norm_lines = [re.sub(r"^(标题|题目|title)[:：]", "", vocab.norm(x), flags=re.I) for x in lines[:40]]
    for i, ln in enumerate(norm_lines):
        prev = norm_lines[i - 1] if i else ""
        nxt = norm_lines[i + 1] if i + 1 < len(norm_lines) else ""
        candidates.append((ln, prev))
        candidates.append((ln + nxt, prev))
    for text, prev in candidates:
        t = vocab.norm(text)
        # ``pre`` absorbs anything and ``t`` has no newline, so a match exists iff one starts at
        # 0, and lazy ``pre``/``mid`` end it at the first title suffix after the first viable
        # year: only a match inside the first 80 characters is kept.  match() on t[:80] gives
        # exactly that; search() on a long line was cubic (fuzzing: 14 s on a 47 KB line).
        m = _TITLE.match(t[:80])
        if not m:
            continue
        year = int(m.group("year"))
        agency = (m.group("pre") or m.group("mid") or "").strip("-—_:：·# ")
        agency = re.sub(r"^(关于|.*?[:：])", "", agency)
        if not agency and prev and len(prev) <= 30 and not re.search(r"\d{4}", prev):
            agency = prev
        title = m.group(0)
        if agency:
            return agency, year, title
    raise ReportError("找不到报告标题（机构名称与年份），不像政府信息公开工作年度报告", "not_a_report")


# --------------------------------------------------------------------------- template

def detect_template(rows: list[Row], text: str, year: int) -> tuple[str, list[str]]:
    n = vocab.norm(text)
    score = {t: sum(n.count(m) for m in marks) for t, marks in vocab.TEMPLATE_MARKERS.items()}
    if score["2019"] == score["2021"] == 0:
        guess = "2021" if year >= 2021 else "2019"
        return guess, [f"表二未识别出模板特征列，按年份推断为 {guess} 版模板"]
    return ("2019" if score["2019"] > score["2021"] else "2021"), []


_PRE_2019 = ("当面申请", "信息不存在", "不属于本行政机关公开", "申请获取政府信息")


# --------------------------------------------------------------------------- the parse

@dataclass
class _State:
    cells: dict[str, int | float | None] = field(default_factory=dict)
    prov: dict[str, Provenance] = field(default_factory=dict)
    uncertain: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def put(self, key: str, cv: CellValue, row: Row, idx: int, *, money_unit: str = "",
            method: str = "cell") -> None:
        money = key.rsplit(".", 1)[1] in vocab.MONEY_COLS
        value = cv.value
        if money and value is not None:
            if not cv.unit and not money_unit and value != 0:
                self.warnings.append(f"{vocab.label_zh(key)}：单元格和表头都没有写单位，按万元读取")
            value = to_wan_yuan(value, cv.unit, money_unit or "万元")
        if key in self.cells:
            self.warnings.append(f"{key} 出现两次，保留第一次读到的值")
            return
        self.cells[key] = to_json_number(value, money)
        self.prov[key] = Provenance(raw=cv.raw, semantic=cv.semantic, method=method,
                                    table=row.table, row=row.row,
                                    col=row.value_cols[idx] if idx < len(row.value_cols) else None,
                                    page=row.page)


def _t2_header_cols(row: Row) -> tuple[list[str], str] | None:
    """Column keys of a table-二 header row and the money unit its header prints."""
    n = vocab.norm(row.label)
    if not any(lab.matches(n) for lab in vocab.T2_COLS):
        return None
    found: list[tuple[int, str]] = []
    for cell in row.labels:
        cn = vocab.norm(cell)
        if "信息内容" in cn and len(cn) <= 6:
            continue
        lab = vocab.match_label(vocab.T2_COLS, cn)
        if lab:
            found.append((len(found), lab.key))
    if len(row.labels) <= 2 and len(found) <= 1:
        # run-together header ("信息内容本年处理决定数量…"): find labels by position
        hits = []
        for lab in vocab.T2_COLS:
            for frag in lab.match:
                for m in re.finditer(re.escape(frag), n):
                    hits.append((m.start(), lab.key))
        hits.sort()
        keys: list[str] = []
        for _, k in hits:
            if k not in keys:
                keys.append(k)
        # 本年项目数量 also matches inside 上一年项目数量? no — fragments are distinct.
        found = list(enumerate(keys))
    unit = "元" if re.search(r"[(（]元[)）]|单位[:：]元", n) else ("万元" if "万元" in n else "")
    return [k for _, k in found], unit


def _merge_header_rows(rows: list[Row]) -> Row:
    """Header words wrapped over several rows (本年处理决 / 定数量), joined column by column."""
    if all(r.label_cols for r in rows):
        by_col: dict[int, str] = {}
        for r in rows:
            for text, col in zip(r.labels, r.label_cols):
                by_col[col] = by_col.get(col, "") + text
        cols = sorted(by_col)
        return Row([by_col[c] for c in cols], [], [], header_like=True, label_cols=cols)
    return Row(["".join(r.label for r in rows)], [], [], header_like=True)


def _read_t2(rows: list[Row], template: str, st: _State) -> None:
    cols: list[str] | None = None
    unit = ""
    header_rows: list[Row] = []   # label-only rows since the sub-table heading
    for row in rows:
        if not row.values:
            if "第二十条" in vocab.norm(row.label):
                cols, unit, header_rows = None, "", []   # a new sub-table: its own header
                continue
            header_rows.append(row)
            hdr = _t2_header_cols(_merge_header_rows(header_rows)) or _t2_header_cols(row)
            if hdr and len(hdr[0]) >= len(cols or ()):
                cols, unit = hdr
            continue
        header_rows = []
        lab = vocab.match_t2_row(row.label) if row.labels else None
        if lab is None or vocab.norm(row.label).startswith("第二十条"):
            continue
        default = list(vocab.T2_LAYOUT.get(template, {}).get(lab.key, ()))
        layout = cols or default
        if cols and not set(cols) <= vocab.T2_ROW_COLS.get(lab.key, set(cols)):
            st.warnings.append(f"表二「{lab.zh}」行的表头列（{'、'.join(cols)}）不属于该行，按模板列读取")
            layout = default
        vals = list(zip(row.values, range(len(row.values))))
        # trailing/leading blank cells beyond the header width are layout, not data
        while len(vals) > len(layout) and vals and vals[-1][0].semantic == "blank":
            vals.pop()
        while len(vals) > len(layout) and vals and vals[0][0].semantic == "blank":
            vals.pop(0)
        if not layout:
            continue
        if len(vals) != len(layout):
            for c in layout:
                key = f"t2.{lab.key}.{c}"
                st.cells.setdefault(key, None)
                st.uncertain[key] = f"该行有 {len(vals)} 个数值单元格，表头有 {len(layout)} 列，无法对应"
            continue
        for c, (cv, idx) in zip(layout, vals):
            st.put(f"t2.{lab.key}.{c}", cv, row, idx, money_unit=unit)


def _t3_values(row: Row) -> list[tuple[CellValue, int]] | None:
    vals = list(zip(row.values, range(len(row.values))))
    while len(vals) > 7 and vals[-1][0].semantic == "blank":
        vals.pop()
    while len(vals) > 7 and vals[0][0].semantic == "blank":
        vals.pop(0)
    return vals if len(vals) == 7 else None


def _read_t3(rows: list[Row], st: _State, damaged: bool) -> tuple[bool, bool]:
    """Read table 三; returns (found, other_as_single_row)."""
    items: list[tuple[str | None, Row, list, str | None]] = []  # (key, row, values, hint)
    seq: list[tuple[str, object]] = []
    broken: set[str] = set()  # rows found with the wrong number of values
    for row in rows:
        if not row.values:
            lab = vocab.match_t3_row(row.label) if row.labels else None
            seq.append(("label", lab.key if lab else None))
            continue
        vals = _t3_values(row)
        if vals is None:
            lab = vocab.match_t3_row(row.label) if row.labels else None
            if lab:
                # cells lost in extraction (a blank cell leaves no trace in unruled PDF text):
                # the row is known to exist, its values are not
                broken.add(lab.key)
                for c in vocab.T3_COL_KEYS:
                    st.uncertain[f"t3.{lab.key}.{c}"] = (
                        f"该行只读到 {len(row.values)} 个数值（应为 7 个）：可能有空白单元格在提取中丢失，无法对应到列")
            seq.append(("label", lab.key if lab else None))
            continue
        lab = vocab.match_t3_row(row.label) if row.labels else None
        seq.append(("row", (lab.key if lab else None, row, vals)))
    # A value row whose label did not match may sit between the lines of its wrapped label
    # (PDF text, unruled tables): the label line just above it, else just below, is its hint.
    used: set[str] = set()
    for i, (kind, payload) in enumerate(seq):
        if kind != "row":
            continue
        key, row, vals = payload
        hint = None
        if key is None:
            for j in (i - 1, i + 1):
                if 0 <= j < len(seq) and seq[j][0] == "label" and seq[j][1] and seq[j][1] not in used:
                    hint = seq[j][1]
                    used.add(hint)
                    break
        items.append((key, row, vals, hint))
    if not items:
        return bool(broken), False
    keys_seen = {k for k, _, _, _ in items if k} | used | broken
    single = not (keys_seen & set(vocab.T3_OTHER_SUBROWS)) and "other_total" in keys_seen
    if not (keys_seen & set(vocab.T3_OTHER_SUBROWS)) and "other_total" not in keys_seen:
        single = None  # decided by template later
    order = list(vocab.t3_rows_for("", bool(single)))
    assigned = _align_unlabelled(items, order, st)
    for key, (row, vals, method) in assigned.items():
        for c, (cv, idx) in zip(vocab.T3_COL_KEYS, vals):
            st.put(f"t3.{key}.{c}", cv, row, idx, method=method)
    return True, bool(single)


def _align_unlabelled(items, order: list[str], st: _State) -> dict:
    """Place rows by label; rows that lost their label go, in printed order, into the gaps
    between labelled rows when the gap has exactly as many missing rows as unlabelled ones.

    A row placed by order is certain when its wrapped label line (the hint) names the same
    row, or when every row of the gap has the same value in that column; otherwise the
    cell is flagged uncertain."""
    pos = {k: i for i, k in enumerate(order)}
    out: dict[str, tuple] = {}
    pending: list[tuple[Row, list, str | None]] = []
    last_idx = -1

    def fill(upto: int) -> None:
        missing = [k for k in order[last_idx + 1: upto] if k not in out]
        if not pending:
            return
        if len(missing) == len(pending):
            differing = [ci for ci in range(7) if len({v[ci][0].value for _, v, _ in pending}) > 1]
            for k, (row, vals, hint) in zip(missing, pending):
                if hint == k:
                    out[k] = (row, vals, "cell")
                    continue
                out[k] = (row, vals, "order")
                st.warnings.append(f"表三「{vocab.row_zh('t3', k)}」行标签丢失，按印刷顺序归位")
                for ci in differing:
                    st.uncertain[f"t3.{k}.{vocab.T3_COL_KEYS[ci]}"] = (
                        f"该行标签在源文件中丢失，按印刷顺序归入此行；同一空档的 {len(pending)} 行在此列数值不同，"
                        "顺序无法由勾稽关系验证")
        else:
            st.warnings.append(f"表三有 {len(pending)} 行数值丢失了标签，无法按顺序归位（空档 {len(missing)} 行）")
        pending.clear()

    for key, row, vals, hint in items:
        if key is None:
            pending.append((row, vals, hint))
            continue
        if key not in pos:
            continue
        if key in out:
            st.warnings.append(f"表三「{vocab.row_zh('t3', key)}」出现两次，保留第一次")
            continue
        fill(pos[key])
        out[key] = (row, vals, "cell")
        last_idx = max(last_idx, pos[key])
    fill(len(order))
    return out


def _read_t4(rows: list[Row], st: _State) -> bool:
    block: str | None = None
    found = False
    for row in rows:
        n = vocab.norm(row.label)
        lab = vocab.match_label(vocab.T4_ROWS[::-1], n) if row.labels else None
        if lab and len(n) <= 30 and not ("行政复议" in n and "行政诉讼" in n):
            block = lab.key
        vals = [(cv, i) for i, cv in enumerate(row.values)]
        if len(vals) >= 15:
            while len(vals) > 15 and vals[-1][0].semantic == "blank":
                vals.pop()
            if len(vals) != 15:
                continue
            for bi, rk in enumerate(vocab.T4_ROW_KEYS):
                for ci, ck in enumerate(vocab.T4_COL_KEYS):
                    cv, idx = vals[bi * 5 + ci]
                    st.put(f"t4.{rk}.{ck}", cv, row, idx)
            found = True
        elif len(vals) == 5 and block:
            for ci, ck in enumerate(vocab.T4_COL_KEYS):
                cv, idx = vals[ci]
                st.put(f"t4.{block}.{ck}", cv, row, idx)
            found = True
            block = None
    return found


def _split_sections(rows: list[Row]) -> dict[str, list[Row]]:
    sec: dict[str, list[Row]] = {"t2": [], "t3": [], "t4": []}
    cur: str | None = None
    for row in rows:
        s = _row_section(row)
        if s:
            cur = None if s == "end" else s
        if cur == "t3" and row.values and vocab.match_t4_any(row.label):
            cur = "t4"
        if cur:
            sec[cur].append(row)
    return sec


def parse_document(doc: Document) -> ParsedReport:
    agency_raw, year, title = find_title(doc)
    if year < 2019:
        raise ReportError(f"{year} 年度报告：2019 年以前的旧格式不在支持范围内", "pre_2019")
    rows = document_rows(doc)
    text = doc.text()
    st = _State(warnings=list(doc.warnings))
    sections = _split_sections(rows)
    template, tw = detect_template(sections["t2"], text, year)
    st.warnings.extend(tw)

    from etl import recover
    if not any(r.values for r in sections["t3"]) and recover.looks_flat(text):
        single = recover.parse_flat(text, template, st)
        found3 = True
        doc.damaged = True
    else:
        _read_t2(sections["t2"], template, st)
        found3, single = _read_t3(sections["t3"], st, doc.damaged)
        _read_t4(sections["t4"], st)
    if not found3 and not sections["t2"]:
        n = vocab.norm(text)
        if any(m in n for m in _PRE_2019):
            raise ReportError("旧版（2019 年以前）年报格式，不在支持范围内", "pre_2019")
        raise ReportError("找不到表二、表三（主动公开、依申请公开）：不是年度报告或表格缺失", "no_tables")
    if not found3:
        st.warnings.append("未找到表三（收到和处理政府信息公开申请情况）")
    if template == "2019" and not any(k.startswith("t3.other_") and k != "t3.other_total.total" for k in st.cells):
        single = True if found3 else single
    _mark_missing(st, template, single, found3)
    if doc.damaged:
        recover.flag_damaged_blanks(st, single)

    agency, aw = canonical_agency(agency_raw)
    st.warnings.extend(aw)
    order = {k: i for i, k in enumerate(vocab.expected_keys(template, single))}
    cells = dict(sorted(st.cells.items(), key=lambda kv: (order.get(kv[0], 10_000), kv[0])))
    report = ParsedReport(agency=agency, year=year, template=template, cells=cells,
                          uncertain=st.uncertain, provenance=st.prov, title=title,
                          agency_as_printed=agency_raw, other_as_single_row=bool(single),
                          warnings=st.warnings)
    return report


def _mark_missing(st: _State, template: str, single: bool, found3: bool) -> None:
    """Cells the template prints but the parser could not find: null and flagged."""
    for key in vocab.expected_keys(template, single):
        table = key[:2]
        if table == "t3" and not found3:
            continue
        if table == "t2":
            row = key.split(".")[1]
            if not any(k.startswith(f"t2.{row}.") for k in st.cells):
                continue  # whole row absent: agencies omit rows; not a cell we lost
        if key not in st.cells:
            st.cells[key] = None
            st.uncertain.setdefault(key, "源文件中未找到该单元格")


# --------------------------------------------------------------------------- files

def _structured(data: bytes, path: Path) -> ParsedReport | None:
    """A structured report file (the spec's JSON) is loaded as is."""
    if not data.lstrip().startswith(b"{"):
        return None
    try:
        d = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ReportError(f"JSON 格式错误：{e}", "bad_json") from e
    if not isinstance(d, dict) or not {"agency", "year", "template", "cells"} <= d.keys():
        raise ReportError("JSON 文件不是结构化年报（缺少 agency/year/template/cells）", "bad_json")
    try:
        rep = ParsedReport.from_json(d)
    except (TypeError, ValueError, KeyError) as e:
        raise ReportError(f"结构化年报字段错误：{e}", "bad_json") from e
    if rep.template not in vocab.TEMPLATES:
        raise ReportError(f"未知模板 {rep.template!r}", "bad_json")
    return rep


def parse_bytes(data: bytes, name: str) -> ParsedReport:
    path = Path(name)
    rep = _structured(data, path)
    if rep is None:
        from etl.readers import read_bytes
        doc = read_bytes(data, str(path))
        rep = parse_document(doc)
        fmt = doc.fmt
        rep.synthetic = looks_synthetic(rep.agency_as_printed or rep.agency, doc.text()[:200_000])
    else:
        fmt = "json"
        rep.synthetic = rep.synthetic or looks_synthetic(rep.agency_as_printed or rep.agency)
    from etl.checks import run_checks
    rep.checks = run_checks(rep)
    src = dict(rep.source)
    src.update({"path": str(path), "name": path.name, "sha256": hashlib.sha256(data).hexdigest(),
                "format": fmt, "bytes": len(data)})
    if fmt == "json" and rep.source.get("sha256"):
        src["original"] = {k: rep.source.get(k) for k in ("name", "sha256", "format", "bytes")}
    rep.source = src
    return rep


def parse_file(path: str | Path) -> ParsedReport:
    """Parse one file (any supported format, or a structured report JSON)."""
    from etl.readers import read_regular
    path = Path(path)
    data = read_regular(path)
    if not data.strip():
        raise ReportError("空文件", "empty")
    return parse_bytes(data, str(path))
