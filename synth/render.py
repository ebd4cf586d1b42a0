"""Print one report in every input format the ETL reads, the way real agencies publish them.

The renderers are the other half of the parser: the synthetic corpus (:mod:`synth.generate`) and
the parser's test fixtures are made with them.  Each takes a *report* — a mapping with
``agency``, ``year``, ``template`` ('2019' | '2021') and ``cells`` keyed as in
``docs/report-schema.md`` (or a :class:`etl.report.ParsedReport`) — and options for the
quirks seen in real files.  All narrative text is short fictional boilerplate that says the
report is an example.

Layout is taken from the cells, so a report renders the variant its cells describe:

* ``t2.*.current_item_count`` present → Shandong's extra 本年项目数量 column in 第（五）/（六）项;
* ``t2.other_proactive_documents.*`` present → Hubei's extra row 其他主动公开文件 in 第（一）项;
* ``t3.other_total.*`` present → the 2019-style single （六）其他处理 row (also in 2021 reports);
  otherwise the three 2021 sub-rows.

Options (keyword arguments, or a dict under ``report["options"]``; keywords win):

``blank_zeros``       print 0 in tables 三 and 四 as an empty cell (default False)
``procurement_unit``  '' | '万元' | '元' — unit written inside the 采购总金额 cell (default '万元');
                      '元' prints the amount in yuan (434.936 万元 → ``4349360元``)
``pad_numbers``       share of number cells wrapped in full-width spaces (text only; default 0.15)
``wrap_headers``      break some header words over two lines (default True for text)
``t4_heading``        'standard' | 'regulation' (四、因政府信息公开工作被申请行政复议、提起行政诉讼情况)
``seed``              seed of the per-render randomness (default: CRC of agency and year)

Hooks for re-layouts (used by the metamorphic tests; absent = the default layout, byte-identical):

``tables``            callable ``(t2, t3, t4, r) -> (t2, t3, t4)``; each result is a table
                      (see :func:`make_table`) or a list of *pieces* printed in order: tables
                      and strings (a caption or note line printed as a paragraph)
``value_text``        callable ``(key, text) -> text`` applied to every number cell as printed
``title_lines``       the title as printed in the body (a list of lines; ``[]`` = no title)
``meta_title``        the title in the file's metadata (HTML ``<title>``, DOCX/PDF properties,
                      crawler header)
``thead``             HTML: header rows in ``<thead>`` as ``<th>`` cells (plain/nested style)
``intro``             the opening paragraphs (a list) instead of the default (本报告由…编制, 统计期限…)
``closing``           lines printed after the last paragraph (a 落款: the agency, the date)

Entry points: :func:`render_text`, :func:`render_flat`, :func:`render_markdown`,
:func:`render_html`, :func:`render_docx`, :func:`render_pdf`, and :func:`render` (by format
name, always bytes).  Output is deterministic for given report and options.
"""
from __future__ import annotations

import html as _html
import io
import random
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from etl import vocab
from etl.report import SYNTHETIC_MARK

__all__ = ["render", "render_text", "render_flat", "render_markdown", "render_html",
           "render_docx", "render_pdf", "FORMATS", "report_layout", "Cell", "Table", "make_table",
           "skeleton"]

FORMATS = ("txt", "flat", "md", "html", "docx", "pdf")

# --------------------------------------------------------------------------- table model


@dataclass(frozen=True)
class _C:
    """One printed cell of the skeleton: a label (text) or a number slot (key)."""

    text: str = ""
    rs: int = 1
    cs: int = 1
    kind: str = "label"        # title | head | label | group | note | num | lit (literal text)
    key: str = ""              # cell key for kind == 'num'


@dataclass(frozen=True)
class _Table:
    name: str                  # t2 | t3 | t4
    rows: tuple[tuple[_C, ...], ...]
    ncols: int
    header_rows: int           # number of leading header rows (t3: 3, t4: 3)
    # placed[r] = tuple of (col, cell, is_continuation) in column order; a continuation is the
    # first column of a rowspan cell that started in an earlier row (Word prints it empty).
    placed: tuple[tuple[tuple[int, _C, bool], ...], ...] = ()


def _place(rows: list[list[_C]], ncols: int) -> tuple:
    occ: dict[tuple[int, int], tuple[_C, int, int]] = {}
    out = []
    for r, row in enumerate(rows):
        c = 0
        line = []
        it = iter(row)
        while c < ncols:
            if (r, c) in occ:
                cell, r0, c0 = occ[(r, c)]
                if c == c0:
                    line.append((c, cell, True))
                c += cell.cs if c == c0 else 1
                continue
            cell = next(it, None)
            if cell is None:
                break
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    occ[(r + dr, c + dc)] = (cell, r, c)
            line.append((c, cell, False))
            c += cell.cs
        rest = list(it)
        if rest:
            raise ValueError(f"row {r} has more cells than {ncols} columns")
        out.append(tuple(line))
    return tuple(out)


_T2_GROUPS = {
    "2019": (("第二十条第（一）项", ("regulations", "normative_documents")),
             ("第二十条第（五）项", ("admin_licensing", "other_external_services")),
             ("第二十条第（六）项", ("admin_penalty", "admin_coercion")),
             ("第二十条第（八）项", ("admin_fees",)),
             ("第二十条第（九）项", ("centralized_procurement",))),
    "2021": (("第二十条第（一）项", ("regulations", "normative_documents")),
             ("第二十条第（五）项", ("admin_licensing",)),
             ("第二十条第（六）项", ("admin_penalty", "admin_coercion")),
             ("第二十条第（八）项", ("admin_fees",))),
}
_T2_COL_HEAD = {
    "2019": {"newly_made_count": "本年新制作数量", "newly_published_count": "本年新公开数量",
             "total_published_count": "对外公开总数量", "prior_year_item_count": "上一年项目数量",
             "current_item_count": "本年项目数量", "item_count_change": "本年增/减",
             "decision_count": "处理决定数量", "procurement_project_count": "采购项目数量",
             "procurement_amount_wan_yuan": "采购总金额"},
    "2021": {"issued_count": "本年制发件数", "repealed_count": "本年废止件数",
             "in_force_count": "现行有效件数", "decision_count": "本年处理决定数量",
             "fee_amount_wan_yuan": "本年收费金额（单位：万元）"},
}
_T2_ROW_LABEL = {
    "2019": {"normative_documents": "规范性文件"},
    "2021": {"normative_documents": "行政规范性文件"},
}
_T3_LABEL = {r.key: r.zh for r in vocab.T3_ROWS}
_T3_LABEL["partially_granted"] = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
_T3_GROUPS = (  # (heading, sub-rows)
    ("（三）不予公开", vocab.T3_ROW_KEYS[4:12]),
    ("（四）无法提供", vocab.T3_ROW_KEYS[12:15]),
    ("（五）不予处理", vocab.T3_ROW_KEYS[15:20]),
    ("（六）其他处理", vocab.T3_OTHER_SUBROWS),
)
_T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_T4_HEAD = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


Cell = _C
Table = _Table


def make_table(name: str, rows: list[list[_C]] | tuple, ncols: int, header_rows: int = 0) -> _Table:
    """A table of the printing model from rows of cells (rowspan/colspan as in HTML)."""
    rows = [list(r) for r in rows]
    return _Table(name, tuple(map(tuple, rows)), ncols, header_rows, _place(rows, ncols))


def skeleton(template: str, cells: Mapping[str, Any]) -> tuple[_Table, _Table, _Table]:
    """The default tables 二, 三, 四 for a report's template and layout variants."""
    return _skeleton(template, *report_layout(cells))


def _pieces(x: Any) -> list:
    """A table slot as printed: a table, or a list of tables and caption strings."""
    return [x] if isinstance(x, _Table) else list(x)


def report_layout(cells: Mapping[str, Any]) -> tuple[bool, bool, bool]:
    """(shandong_column, hubei_row, other_as_single_row) as the cells describe them."""
    shandong = hubei = single = False
    for k in cells:
        if k.endswith(".current_item_count"):
            shandong = True
        elif k.startswith("t2.other_proactive_documents."):
            hubei = True
        elif k.startswith("t3.other_total."):
            single = True
    return shandong, hubei, single


@lru_cache(maxsize=64)
def _skeleton(template: str, shandong: bool, hubei: bool, single: bool) -> tuple[_Table, _Table, _Table]:
    # ---- table 二
    groups = []
    for title, rows in _T2_GROUPS[template]:
        rows = list(rows)
        if hubei and title.endswith("（一）项"):
            rows.append("other_proactive_documents")
        cols = list(vocab.T2_LAYOUT[template][rows[0]])
        if shandong and template == "2019" and "decision_count" in cols:
            cols.insert(1, "current_item_count")
        groups.append((title, rows, cols))
    width = max(len(c) for _, _, c in groups)
    t2rows: list[list[_C]] = []
    for title, rows, cols in groups:
        t2rows.append([_C(title, cs=width + 1, kind="title")])
        heads = []
        for col in cols:
            h = _T2_COL_HEAD[template][col]
            if shandong and col == "decision_count" and title.endswith("（五）项"):
                h = "本年处理决定数量"
            heads.append(h)
        span = width - len(cols) + 1
        t2rows.append([_C("信息内容", kind="head")]
                      + [_C(h, cs=span if i == len(cols) - 1 else 1, kind="head") for i, h in enumerate(heads)])
        for row in rows:
            label = _T2_ROW_LABEL[template].get(row) or vocab.row_zh("t2", row)
            t2rows.append([_C(label)] + [_C(cs=span if i == len(cols) - 1 else 1, kind="num", key=f"t2.{row}.{col}")
                                         for i, col in enumerate(cols)])
    t2 = _Table("t2", tuple(map(tuple, t2rows)), width + 1, 0, _place(t2rows, width + 1))

    # ---- table 三
    def nums(row: str) -> list[_C]:
        return [_C(kind="num", key=f"t3.{row}.{c}") for c in vocab.T3_COL_KEYS]

    t3rows: list[list[_C]] = [
        [_C(_T3_NOTE, rs=3, cs=3, kind="note"), _C("申请人情况", cs=7, kind="head")],
        [_C("自然人", rs=2, kind="head"), _C("法人或其他组织", cs=5, kind="head"), _C("总计", rs=2, kind="head")],
        [_C(h, kind="head") for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
        [_C(_T3_LABEL["new_received"], cs=3)] + nums("new_received"),
        [_C(_T3_LABEL["carried_over_from_prior"], cs=3)] + nums("carried_over_from_prior"),
    ]
    outcome: list[list[_C]] = []
    for row in ("granted", "partially_granted"):
        outcome.append([_C(_T3_LABEL[row], cs=2)] + nums(row))
    for heading, subs in _T3_GROUPS:
        if heading.startswith("（六）") and single:
            outcome.append([_C(heading, cs=2)] + nums("other_total"))
            continue
        for i, sub in enumerate(subs):
            lead = [_C(heading, rs=len(subs), kind="group")] if i == 0 else []
            outcome.append(lead + [_C(_T3_LABEL[sub])] + nums(sub))
    outcome.append([_C(_T3_LABEL["result_total"], cs=2)] + nums("result_total"))
    outcome[0].insert(0, _C("三、本年度办理结果", rs=len(outcome), kind="group"))
    t3rows += outcome
    t3rows.append([_C(_T3_LABEL["carried_to_next"], cs=3)] + nums("carried_to_next"))
    t3 = _Table("t3", tuple(map(tuple, t3rows)), 10, 3, _place(t3rows, 10))

    # ---- table 四
    t4rows: list[list[_C]] = [
        [_C("行政复议", cs=5, kind="head"), _C("行政诉讼", cs=10, kind="head")],
        [_C(h, rs=2, kind="head") for h in _T4_HEAD] + [_C("未经复议直接起诉", cs=5, kind="head"),
                                                        _C("复议后起诉", cs=5, kind="head")],
        [_C(h, kind="head") for h in _T4_HEAD] * 2,
        [_C(kind="num", key=f"t4.{r}.{c}") for r in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS],
    ]
    t4 = _Table("t4", tuple(map(tuple, t4rows)), 15, 3, _place(t4rows, 15))
    return t2, t3, t4


# --------------------------------------------------------------------------- report + options

_DEFAULTS = {"blank_zeros": False, "procurement_unit": "万元", "pad_numbers": 0.15,
             "wrap_headers": True, "t4_heading": "standard", "seed": None}


class _R:
    """A report resolved for printing: cells, layout, options, per-render randomness."""

    def __init__(self, report: Any, opts: Mapping[str, Any]):
        if hasattr(report, "cells") and hasattr(report, "agency"):
            d = {"agency": report.agency, "year": report.year, "template": report.template,
                 "cells": report.cells}
        else:
            d = report
        self.agency: str = d["agency"]
        self.year: int = int(d["year"])
        self.template: str = str(d["template"])
        self.cells: Mapping[str, Any] = d["cells"]
        # text written by synth.generate.generate_with_text replaces the boilerplate narrative
        secs = d.get("sections") if isinstance(d, Mapping) else getattr(report, "sections", None)
        self.sections: dict[str, str] = {x["key"]: x["text"] for x in (secs or [])}
        o = dict(_DEFAULTS)
        o.update(d.get("options") or {} if isinstance(d, Mapping) else {})
        o.update({k: v for k, v in opts.items() if v is not None})
        self.o = o
        seed = o["seed"]
        if seed is None:
            seed = zlib.crc32(f"{self.agency}|{self.year}".encode())
        self.rng = random.Random(seed)
        self.blank_zeros = bool(o["blank_zeros"])
        self.tables = _skeleton(self.template, *report_layout(self.cells))
        if o.get("tables") is not None:
            self.tables = tuple(o["tables"](*self.tables, self))
        self._value_text = o.get("value_text")

    def title_lines(self, default: list[str]) -> list[str]:
        """The title as printed in the body: the ``title_lines`` option, else ``default``."""
        lines = self.o.get("title_lines")
        return default if lines is None else list(lines)

    def meta_title(self) -> str:
        return self.o.get("meta_title") or self.title()

    # ---- values
    def value(self, key: str) -> str:
        """The cell's text as printed (no padding)."""
        s = self._value(key)
        return self._value_text(key, s) if self._value_text is not None else s

    def _value(self, key: str) -> str:
        if key not in self.cells:
            return ""
        v = self.cells[key]
        if v is None:
            return "/"
        if key.endswith("wan_yuan"):
            col = key.rsplit(".", 1)[1]
            if col == "procurement_amount_wan_yuan":
                unit = self.o["procurement_unit"]
                if unit == "元":
                    return f"{round(v * 10000)}元"
                return _fmt_money(v) + unit
            return _fmt_money(v)
        if v == 0 and self.blank_zeros and key[1] != "2":
            return ""
        return str(int(v))

    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def t4_heading(self) -> str:
        if self.o["t4_heading"] == "regulation":
            return "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"
        return vocab.TABLE_ZH["t4"]

    # ---- narrative (fictional boilerplate, deliberately generic)
    def narrative(self) -> dict[str, list[str]]:
        c = self.cells
        new = c.get("t3.new_received.total") or 0
        done = c.get("t3.result_total.total") or 0
        nxt = c.get("t3.carried_to_next.total") or 0
        n_pub = 40 + (zlib.crc32(self.agency.encode()) % 900)
        rng = self.rng
        intro = [f"本报告由{self.agency}编制，说明本机关{self.year}年度政府信息公开工作的情况。"
                 f"报告所列数据的统计期限为{self.year}年1月1日至{self.year}年12月31日。"
                 f"{SYNTHETIC_MARK}，仅供测试解析程序使用。"]
        general = [f"{self.year}年，本机关按照年度工作安排，持续整理公开目录，规范信息发布流程。",
                   f"全年通过门户网站和政务新媒体发布各类信息{n_pub}条。"]
        if rng.random() < 0.5:
            general.append("各科室明确专人负责信息报送，发布前经过保密审查和内容审核。")
        general.append(f"全年新收政府信息公开申请{new}件，办结{done}件，结转下年度继续办理{nxt}件。")
        problems = ["工作中仍存在信息更新不够及时、政策解读形式较为单一等不足。",
                    "下一步将加强业务培训，完善审核机制，提高公开信息的质量。"]
        other = [rng.choice(["本年度未收取信息处理费。", "无其他需要报告的事项。",
                             "本年度没有收取信息处理费，无其他需要报告的事项。"])]
        nar = {"intro": intro, "general": general, "problems": problems, "other": other}
        for k in ("general", "problems", "other"):   # after the draws above: other output unchanged
            if self.sections.get(k):
                nar[k] = [self.sections[k]]
        if self.o.get("intro") is not None:
            nar["intro"] = list(self.o["intro"])
        if self.o.get("closing"):
            nar["other"] = nar["other"] + list(self.o["closing"])
        return nar


def _fmt_money(v: float) -> str:
    s = f"{v:.6f}".rstrip("0").rstrip(".")
    return s or "0"


def _split_word(text: str, rng: random.Random) -> list[str]:
    """Break a header word in two or three pieces the way narrow cells do."""
    n = len(text)
    if n < 4:
        return [text[:n // 2], text[n // 2:]] if n >= 2 else [text]
    if n >= 8 and rng.random() < 0.3:
        a, b = n // 3, 2 * n // 3
        return [text[:a], text[a:b], text[b:]]
    cut = rng.randint(2, n - 2)
    return [text[:cut], text[cut:]]


# --------------------------------------------------------------------------- Word-export text


def render_text(report: Any, *, style: str = "word", **opts: Any) -> str:
    """Plain text as Word's “save as text” writes it (the layout of corpus file 000.txt).

    One cell per line prefixed by a TAB, a blank line between table rows, merged cells printed
    once (horizontal) or as empty cells on the rows they cover (vertical), some header words
    broken over two lines with the second line not tab-prefixed, some numbers wrapped in
    full-width spaces.  ``style="flat"`` gives :func:`render_flat`.
    """
    if style == "flat":
        return render_flat(report, **opts)
    if style != "word":
        raise ValueError(f"unknown text style {style!r}")
    r = _R(report, opts)
    rng = r.rng
    pad = float(r.o["pad_numbers"] or 0)
    wrap = bool(r.o["wrap_headers"])
    nar = r.narrative()
    out: list[str] = []
    if rng.random() < 0.6:
        out += r.title_lines([r.agency, f"{r.year}年政府信息公开工作年度报告"])
    else:
        out += r.title_lines([r.title()])
    out += nar["intro"]
    out.append("一、总体情况")
    out += nar["general"]
    out += ["", "", " "]
    t2, t3, t4 = r.tables

    def cell_text(cell: _C, cont: bool) -> str:
        if cont:
            return ""
        if cell.kind == "num":
            s = r.value(cell.key)
            if s and pad and rng.random() < pad:
                s = rng.choice(("\u3000{}\u3000", "{}\u3000", "\u3000{}", "{} ", " {}")).format(s)
            return s
        t = cell.text
        if wrap and t and ((cell.kind == "head" and rng.random() < 0.35)
                           or (cell.kind == "label" and len(t) > 16 and rng.random() < 0.4)
                           or cell.kind == "note"):
            parts = [t[:len(t) // 2 + 1], t[len(t) // 2 + 1:]] if cell.kind == "note" else _split_word(t, rng)
            joiner = "\n  " if rng.random() < 0.3 else "\n"
            return joiner.join(parts)
        return t

    def table(t: Any, trailing_empty: bool = False) -> None:
        if not isinstance(t, _Table):
            for piece in _pieces(t):
                if isinstance(piece, str):
                    out.append(piece)
                else:
                    table(piece)
            if trailing_empty:
                out.extend(["\t"] * 6 + [""])
            return
        for line in t.placed:
            for _, cell, cont in line:
                out.append("\t" + cell_text(cell, cont))
            out.append("")
        if trailing_empty:
            out.extend(["\t"] * 6 + [""])

    out.append(vocab.TABLE_ZH["t2"])
    table(t2, trailing_empty=rng.random() < 0.5)
    out += ["", ""]
    out.append(vocab.TABLE_ZH["t3"])
    table(t3)
    out += ["", " "]
    out.append(r.t4_heading())
    out.append(" ")
    table(t4)
    out += ["", " "]
    out.append("五、存在的主要问题及改进情况")
    out += nar["problems"]
    out.append("六、其他需要报告的事项")
    out += nar["other"]
    out.append(" ")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- crawler text


def render_flat(report: Any, **opts: Any) -> str:
    """Crawler text (corpus files 004/006.txt): a metadata header, then the page body as one run of
    text in which all table cells are joined without separators (digits of neighbouring cells
    run together; an occasional stray space).  Blank cells vanish, so ``blank_zeros`` makes the
    text ambiguous — as it is in real crawls."""
    r = _R(report, opts)
    rng = r.rng
    nar = r.narrative()
    path = f"{r.year + 1}01/t{r.year + 1}01{rng.randint(10, 28)}_{rng.randint(10000, 99999)}"
    head = [f"标题: {r.meta_title()}", f"发布时间: {r.year + 1}-01-{rng.randint(10, 28)} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}",
            "文号: ", "发布机构: ", "栏目: 政府信息公开年报",
            f"原文链接: https://www.example.gov.cn/zwgk/ndbg/{path}.htm",
            "==================== 正文 ===================="]

    def cells_run(t: Any) -> str:
        if not isinstance(t, _Table):
            return "".join(x if isinstance(x, str) else cells_run(x) for x in _pieces(t))
        parts = []
        for line in t.placed:
            for _, cell, cont in line:
                if cont:
                    continue
                s = r.value(cell.key) if cell.kind == "num" else cell.text
                if rng.random() < 0.04:
                    s += " "
                parts.append(s)
        return "".join(parts)

    t2, t3, t4 = r.tables
    body = ("".join(x + " " for x in r.title_lines([r.title()])) + "".join(nar["intro"]) + "一、总体情况" + "".join(nar["general"])
            + vocab.TABLE_ZH["t2"] + " " + cells_run(t2) + vocab.TABLE_ZH["t3"] + cells_run(t3)
            + " " + r.t4_heading() + cells_run(t4) + " 五、存在的主要问题及改进情况" + "".join(nar["problems"])
            + "六、其他需要报告的事项" + "".join(nar["other"]))
    return "\n".join(head) + "\n" + body + "\n"


# --------------------------------------------------------------------------- markdown


def render_markdown(report: Any, **opts: Any) -> str:
    """Markdown as PDF-to-markdown converters write it: headings, paragraphs, and pipe tables
    (one pipe row per grid row, merged cells' text in their first grid cell and empty cells
    elsewhere, the first row followed by ``|---|``).  Table 二 is one pipe table per
    第二十条 item, its heading as a line above."""
    r = _R(report, opts)
    nar = r.narrative()
    out = [f"# {x}" for x in r.title_lines([r.title()])] + [""]
    out += [p + "\n" for p in nar["intro"]]
    out += ["## 一、总体情况", ""] + [p + "\n" for p in nar["general"]]

    def grid_rows(t: _Table, start: int, stop: int) -> list[list[str]]:
        rows = []
        for line in t.placed[start:stop]:
            row = [""] * t.ncols
            for c, cell, cont in line:
                if not cont:
                    row[c] = r.value(cell.key) if cell.kind == "num" else cell.text
            rows.append(row)
        return rows

    def pipe(rows: list[list[str]], width: int) -> list[str]:
        lines = []
        for i, row in enumerate(rows):
            lines.append("| " + " | ".join(row[:width]) + " |")
            if i == 0:
                lines.append("|" + "---|" * width)
        return lines + [""]

    t2, t3, t4 = r.tables
    out += [f"## {vocab.TABLE_ZH['t2']}", ""]
    block: list[list[str]] = []

    def flush() -> None:
        if block:
            width = max(len(x) for x in block)
            out.extend(pipe([x + [""] * (width - len(x)) for x in block], width))
            block.clear()

    for piece in _pieces(t2):
        if isinstance(piece, str):
            flush()
            out.extend([piece, ""])
            continue
        for row in piece.rows:
            if row and row[0].kind == "title":
                flush()
                out.extend([row[0].text, ""])
            else:
                block.append([r.value(c.key) if c.kind == "num" else c.text for c in row])
        flush()

    def grid(t: Any) -> list[str]:
        if isinstance(t, _Table):
            return pipe(grid_rows(t, 0, len(t.placed)), t.ncols)
        return [y for x in _pieces(t) for y in ([x, ""] if isinstance(x, str) else grid(x))]

    out += [f"## {vocab.TABLE_ZH['t3']}", ""] + grid(t3)
    out += [f"## {r.t4_heading()}", ""] + grid(t4)
    out += ["## 五、存在的主要问题及改进情况", ""] + [p + "\n" for p in nar["problems"]]
    out += ["## 六、其他需要报告的事项", ""] + [p + "\n" for p in nar["other"]]
    return "\n".join(out)


# --------------------------------------------------------------------------- HTML

_WORD_SPAN = ("<span style='font-size:10.5pt;font-family:宋体;mso-ascii-font-family:\"Times New Roman\"'>"
              "<font face=\"宋体\">{}</font></span>")
_WORD_SPAN_EN = "<span lang=EN-US style='font-size:10.5pt;font-family:\"Times New Roman\"'><font>{}</font></span>"
_WORD_BLANK = "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"


_WORD_P = "<p class=MsoNormal align=center style='text-align:center'>{}<span lang=EN-US><o:p></o:p></span></p>"
_WORD_TD = {cs: (f"<td width={40 * cs}{{}} valign=top style='width:{30 * cs:.1f}pt;border:solid windowtext 1.0pt;"
                 "padding:0cm 5.4pt 0cm 5.4pt'>{}</td>") for cs in range(1, 16)}


def _esc(s: str) -> str:
    return _html.escape(s, quote=False)


def render_html(report: Any, *, style: str = "plain", encoding: str = "utf-8",
                declare_charset: bool = True, **opts: Any) -> bytes:
    """A web page with the report's tables as ``<table>`` with rowspan/colspan.

    ``style``: ``plain`` (CMS markup), ``word`` (Word-pasted markup: MsoNormal paragraphs,
    words split across spans, blank cells as ``<o:p>&nbsp;</o:p>``), ``nested`` (the report
    inside a layout table with site navigation).  ``encoding`` 'utf-8' or 'gb18030' (declared
    as gb2312, as real sites do); ``declare_charset=False`` omits the meta tag."""
    if style not in ("plain", "word", "nested"):
        raise ValueError(f"unknown html style {style!r}")
    r = _R(report, opts)
    rng = r.rng
    word = style == "word"
    wrap = bool(r.o["wrap_headers"])
    nar = r.narrative()

    def para(text: str) -> str:
        if word:
            return f"<p class=MsoNormal style='text-indent:21.0pt'>{_spans(text)}<o:p></o:p></p>"
        return f"<p>{_esc(text)}</p>"

    rand = rng.random

    def _spans(text: str) -> str:
        if not text:
            return ""
        tpl = _WORD_SPAN_EN if text[0] in "-0123456789" else _WORD_SPAN
        text = _esc(text)
        n = len(text)
        if n >= 2 and rand() < 0.5 and "&" not in text:
            cut = 1 + int(rand() * (n - 1))
            return tpl.format(text[:cut]) + tpl.format(text[cut:])
        return tpl.format(text)

    def cell_html(cell: _C) -> str:
        attrs = ""
        if cell.rs > 1:
            attrs += f' rowspan="{cell.rs}"'
        if cell.cs > 1:
            attrs += f' colspan="{cell.cs}"'
        text = r.value(cell.key) if cell.kind == "num" else cell.text
        lines = [text]
        if wrap and cell.kind == "head" and rand() < 0.3:
            lines = _split_word(text, rng)
        if word:
            if not text:
                inner = _WORD_BLANK
            else:
                inner = "".join(_WORD_P.format(_spans(x)) for x in lines)
            return _WORD_TD[cell.cs].format(attrs, inner)
        if not text:
            return f"<td{attrs}>&nbsp;</td>"
        align = ' align="center"' if cell.kind != "label" else ""
        return f"<td{attrs}><p{align}>{'<br />'.join(_esc(x) for x in lines)}</p></td>"

    def table(t: Any) -> str:
        if not isinstance(t, _Table):
            return "\n".join(para(x) if isinstance(x, str) else table(x) for x in _pieces(t))
        if word:
            open_ = ("<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0 "
                     "style='border-collapse:collapse;mso-table-layout-alt:fixed'>")
        else:
            open_ = '<table border="1" cellspacing="0" cellpadding="2" align="center" style="border-collapse:collapse">'
        if r.o.get("thead") and not word and t.header_rows:
            def th(c: _C) -> str:
                h = cell_html(c)
                return "<th" + h[3:-5] + "</th>" if h.startswith("<td") else h
            head = "".join("<tr>" + "".join(th(c) for c in row) + "</tr>\n" for row in t.rows[:t.header_rows])
            rows = "".join("<tr>" + "".join(cell_html(c) for c in row) + "</tr>\n" for row in t.rows[t.header_rows:])
            return f"{open_}<thead>\n{head}</thead><tbody>\n{rows}</tbody></table>"
        rows = "".join("<tr>" + "".join(cell_html(c) for c in row) + "</tr>\n" for row in t.rows)
        return f"{open_}<tbody>\n{rows}</tbody></table>"

    def heading(text: str) -> str:
        if word:
            return (f"<p class=MsoNormal style='text-indent:32.0pt'><b><span style='font-family:黑体'>"
                    f"<font face=\"黑体\">{_esc(text)}</font></span></b><o:p></o:p></p>")
        return f"<p><strong>{_esc(text)}</strong></p>"

    t2, t3, t4 = r.tables
    body = [f'<p style="text-align:center;font-weight:bold">{_esc(x)}</p>' for x in r.title_lines([r.title()])]
    body += [para(p) for p in nar["intro"]]
    body.append(heading("一、总体情况"))
    body += [para(p) for p in nar["general"]]
    body += [heading(vocab.TABLE_ZH["t2"]), table(t2), heading(vocab.TABLE_ZH["t3"]), table(t3),
             heading(r.t4_heading()), table(t4), heading("五、存在的主要问题及改进情况")]
    body += [para(p) for p in nar["problems"]]
    body.append(heading("六、其他需要报告的事项"))
    body += [para(p) for p in nar["other"]]
    content = "\n".join(body)

    if encoding.lower().replace("-", "") in ("utf8",):
        meta = '<meta charset="utf-8" />'
        codec = "utf-8"
    elif encoding.lower() in ("gb18030", "gbk", "gb2312"):
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
        codec = "gb18030"
    else:
        raise ValueError(f"unsupported encoding {encoding!r}")
    if not declare_charset:
        meta = ""
    title = _esc(r.meta_title())
    if word:
        doc = ("<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
               "xmlns:w=\"urn:schemas-microsoft-com:office:word\">\n"
               f"<head>{meta}<meta name=Generator content=\"Microsoft Word 15 (filtered)\"><title>{title}</title>"
               "<style>p.MsoNormal{margin:0cm;text-align:justify;font-size:10.5pt;font-family:等线;}</style></head>\n"
               f"<body lang=ZH-CN style='text-justify-trim:punctuation'><div class=WordSection1>\n{content}\n</div></body></html>")
    elif style == "plain":
        doc = (f"<!DOCTYPE html>\n<html>\n<head>{meta}<title>{title}</title></head>\n<body>\n"
               f"<div class=\"article\">\n{content}\n</div>\n</body>\n</html>")
    else:
        nav = "".join(f'<a href="#">{x}</a> | ' for x in ("首页", "政务公开", "政务服务", "互动交流", "走进示例"))
        side = "".join(f"<li><a href=\"#\">{x}</a></li>" for x in
                       ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"))
        visits = 10000 + zlib.crc32(r.agency.encode()) % 90000
        doc = (f"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html>\n<head>{meta}<title>{title}</title></head>\n"
               "<body>\n<table width=\"1000\" align=\"center\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\">\n"
               f"<tr><td class=\"banner\">示例政府门户网站（虚构）</td></tr>\n<tr><td class=\"nav\">{nav}</td></tr>\n"
               "<tr><td><table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr>\n"
               f"<td width=\"220\" valign=\"top\"><ul>{side}</ul></td>\n"
               f"<td valign=\"top\"><div class=\"position\">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>\n"
               f"<table width=\"100%\"><tr><td>来源：{_esc(r.agency)}</td><td>发布日期：{r.year + 1}-01-2{r.year % 8}</td></tr></table>\n"
               f"<div class=\"content\">\n{content}\n</div></td>\n</tr></table></td></tr>\n"
               f"<tr><td class=\"footer\"><table><tr><td>主办：示例单位</td><td>访问量：{visits}</td></tr></table></td></tr>\n"
               "</table>\n</body>\n</html>")
    return doc.encode(codec)


# --------------------------------------------------------------------------- DOCX


def render_docx(report: Any, **opts: Any) -> bytes:
    """A Word document (python-docx): paragraphs and the three tables, merged cells made with
    ``cell.merge`` (table 二 item headings, table 三's group labels, table 四's headers)."""
    import docx  # python-docx
    from docx.shared import Pt

    r = _R(report, opts)
    nar = r.narrative()
    d = docx.Document()
    d.styles["Normal"].font.size = Pt(10.5)
    for x in r.title_lines([r.agency, f"{r.year}年政府信息公开工作年度报告"]):
        d.add_paragraph(x)
    for p in nar["intro"]:
        d.add_paragraph(p)
    d.add_paragraph("一、总体情况")
    for p in nar["general"]:
        d.add_paragraph(p)

    def table(t: Any) -> None:
        if not isinstance(t, _Table):
            for x in _pieces(t):
                if isinstance(x, str):
                    d.add_paragraph(x)
                else:
                    table(x)
            return
        tab = d.add_table(rows=len(t.placed), cols=t.ncols)
        tab.style = "Table Grid"
        rows = tab.rows
        grid = [row.cells for row in rows]
        for ri, line in enumerate(t.placed):
            for c, cell, cont in line:
                if cont:
                    continue
                target = grid[ri][c]
                if cell.rs > 1 or cell.cs > 1:
                    target = target.merge(grid[ri + cell.rs - 1][c + cell.cs - 1])
                text = r.value(cell.key) if cell.kind == "num" else cell.text
                if text:
                    target.paragraphs[0].text = text

    t2, t3, t4 = r.tables
    d.add_paragraph(vocab.TABLE_ZH["t2"])
    table(t2)
    d.add_paragraph(vocab.TABLE_ZH["t3"])
    table(t3)
    d.add_paragraph(r.t4_heading())
    table(t4)
    d.add_paragraph("五、存在的主要问题及改进情况")
    for p in nar["problems"]:
        d.add_paragraph(p)
    d.add_paragraph("六、其他需要报告的事项")
    for p in nar["other"]:
        d.add_paragraph(p)
    # fixed metadata so that the same report gives the same bytes
    import datetime as _dt
    cp = d.core_properties
    cp.author = "示例"
    cp.title = r.meta_title()
    cp.created = cp.modified = _dt.datetime(r.year + 1, 1, 15)
    cp.last_modified_by = "示例"
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    return _zip_fixed_time(buf.getvalue())


def _zip_fixed_time(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps (python-docx stamps the current time)."""
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF

_FONT = "STSong-Light"
_font_ready = False


def _register_font() -> None:
    global _font_ready
    if not _font_ready:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
        _font_ready = True


def render_pdf(report: Any, *, ruled: bool = True, split_table3: bool = False,
               wrap_headers: bool = False, repeat_header: bool = True, landscape: bool = False,
               cell_size: float | None = None, num_align: int | None = None, width_scale: float = 1.0,
               head_colors: tuple[str, str] | None = None,
               t3_label_cm: tuple[float, float, float] | None = None, running_header: str = "",
               running_footer: str = "", num_valign: str | None = None,
               row_height: float | None = None, title_digits: tuple[str, float] | None = None,
               **opts: Any) -> bytes:
    """A PDF (reportlab, CID font STSong-Light, whose text pdfplumber extracts as Unicode).

    ``ruled=False`` draws no grid lines; ``split_table3`` breaks table 三 before （四）无法提供
    onto the next page (the 三、本年度办理结果 cell continues empty there; ``repeat_header``
    repeats the three header rows); ``wrap_headers`` breaks header words over 2–3 lines.
    Every page has a footer ``- N -``.  Table 四 uses a small font; its 15 narrow columns may
    still wrap long header words.  ``landscape`` prints on A4 turned; ``cell_size`` sets the
    table font size (points), ``num_align`` the figures' alignment (0 left, 1 centre, 2 right),
    ``width_scale`` scales every column width; ``<super>…</super>`` in a figure's text prints a
    raised smaller glyph (a footnote mark), ``<strike>…</strike>`` a struck one, ``<white>…</white>``
    one in white ink; ``head_colors`` (fill, text) paints the header cells'
    ground and words, as ``("#1F3864", "#DDDDDD")``; ``t3_label_cm`` the widths (cm) of table
    三's three label columns (narrow ones wrap each label over several lines); ``running_header``
    a line printed at the top of every page (a Word document's page header), ``running_footer``
    one at the foot (``{page}`` in it: the page's number); ``running_header_from`` the first
    page printing the header (2: Word's different first page).  A ``"\\f"`` piece
    in a table slot's list is a page break.  ``num_valign``
    ("BOTTOM", "TOP") sets the figures' vertical alignment in their cells (labels stay centred),
    ``row_height`` (points) the least height of every table row; ``title_digits`` (font, size)
    sets the title's figures (the year) in a Latin font of another size, on the title's baseline."""
    _register_font()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    r = _R(report, opts)
    rng = r.rng
    nar = r.narrative()
    body = ParagraphStyle("body", fontName=_FONT, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
    head = ParagraphStyle("head", parent=body, firstLineIndent=0, spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=22, alignment=1, firstLineIndent=0)
    cellst = ParagraphStyle("cell", fontName=_FONT, fontSize=8, leading=10, wordWrap="CJK", alignment=1)
    cell4 = ParagraphStyle("cell4", parent=cellst, fontSize=7, leading=9)
    if cell_size is not None:
        cellst = ParagraphStyle("cell", parent=cellst, fontSize=cell_size, leading=cell_size * 1.25)
        cell4 = ParagraphStyle("cell4", parent=cellst)

    def pdf_table(t: _Table, start: int, stop: int, widths: list[float], style: ParagraphStyle,
                  prefix: tuple[int, ...] = (), blank_group_at: int | None = None) -> Table:
        idx = list(prefix) + list(range(start, stop))
        data = []
        spans = []
        rowmap = {ri: k for k, ri in enumerate(idx)}
        for k, ri in enumerate(idx):
            row: list[Any] = [""] * t.ncols
            for c, cell, cont in t.placed[ri]:
                if cont:
                    if ri == blank_group_at:
                        # the group cell started on the previous page: print it empty here
                        rs_left = sum(1 for rj in idx[k:] if rj < _group_end(t, ri, c))
                        if rs_left > 1 or cell.cs > 1:
                            spans.append(("SPAN", (c, k), (c + cell.cs - 1, k + rs_left - 1)))
                    continue
                text = r.value(cell.key) if cell.kind == "num" else cell.text
                if cell.kind in ("head", "note") and wrap_headers and len(text) >= 4:
                    text = "<br/>".join(_split_word(text, rng))
                st = style
                if cell.kind == "head" and head_colors is not None:
                    st = ParagraphStyle("headcell", parent=style, textColor=colors.HexColor(head_colors[1]))
                    spans.append(("BACKGROUND", (c, k), (c + cell.cs - 1, k + cell.rs - 1),
                                  colors.HexColor(head_colors[0])))
                if cell.kind == "num" and num_align is not None:
                    st = ParagraphStyle("num", parent=style, alignment=num_align)
                if cell.kind == "num" and num_valign is not None:
                    spans.append(("VALIGN", (c, k), (c + cell.cs - 1, k), num_valign))
                markup = _esc(text).replace("&lt;br/&gt;", "<br/>")
                for tag in ("super", "strike"):
                    markup = markup.replace(f"&lt;{tag}&gt;", f"<{tag}>").replace(f"&lt;/{tag}&gt;", f"</{tag}>")
                markup = markup.replace("&lt;white&gt;", '<font color="white">').replace("&lt;/white&gt;", "</font>")
                row[c] = Paragraph(markup, st) if text else ""
                last_r = ri + cell.rs - 1
                k_end = rowmap.get(min(last_r, idx[-1]), k)
                if cell.rs > 1 or cell.cs > 1:
                    spans.append(("SPAN", (c, k), (c + cell.cs - 1, k_end)))
            data.append(row)
        ts = [("FONTNAME", (0, 0), (-1, -1), _FONT), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
              ("LEFTPADDING", (0, 0), (-1, -1), 1.5), ("RIGHTPADDING", (0, 0), (-1, -1), 1.5)] + spans
        if ruled:
            ts.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        tab = Table(data, colWidths=[x * width_scale for x in widths],
                    rowHeights=[row_height] * len(data) if row_height else None)
        tab.setStyle(TableStyle(ts))
        return tab

    t2, t3, t4 = r.tables
    n2 = next(x for x in _pieces(t2) if isinstance(x, _Table)).ncols
    w2 = [5.0 * cm] + [12.0 * cm / (n2 - 1)] * (n2 - 1)
    w3 = [x * cm for x in (t3_label_cm or (1.5, 1.8, 4.8))] + [1.3 * cm] * 7
    w4 = [1.15 * cm] * 15
    def title_markup(x: str) -> str:
        if title_digits is None:
            return _esc(x)
        return re.sub(r"\d+", lambda m: f'<font name="{title_digits[0]}" size="{title_digits[1]}">{m.group()}</font>',
                      _esc(x))

    story: list[Any] = [Paragraph(title_markup(x), title) for x in
                        r.title_lines([r.agency, f"{r.year}年政府信息公开工作年度报告"])] + [Spacer(1, 8)]
    story += [Paragraph(_esc(p), body) for p in nar["intro"]]
    story.append(Paragraph("一、总体情况", head))
    story += [Paragraph(_esc(p), body) for p in nar["general"]]

    def pieces(t: Any, widths: list[float], style: ParagraphStyle) -> list[Any]:
        out = []
        for x in _pieces(t):
            if x == "\f":
                out.append(PageBreak())
            elif isinstance(x, str):
                out.append(Paragraph(_esc(x), body))
            else:
                w = widths if x.ncols == len(widths) else _fit_widths(x, 17.2 * cm)
                out.append(pdf_table(x, 0, len(x.placed), w, style))
        return out

    if not isinstance(t2, _Table):
        story += [Paragraph(vocab.TABLE_ZH["t2"], head)] + pieces(t2, w2, cellst)
    else:
        story += [Paragraph(vocab.TABLE_ZH["t2"], head), pdf_table(t2, 0, len(t2.placed), w2, cellst)]
    h3 = Paragraph(vocab.TABLE_ZH["t3"], head)
    if not isinstance(t3, _Table) or t3.ncols != len(w3):
        story += [h3] + pieces(t3, w3, cellst)
    elif split_table3:
        cut = next(i for i, line in enumerate(t3.placed)
                   if any(c.text == "（四）无法提供" for _, c, cont in line if not cont))
        story.append(KeepTogether([h3, pdf_table(t3, 0, cut, w3, cellst)]))
        story.append(PageBreak())
        story.append(pdf_table(t3, cut, len(t3.placed), w3, cellst,
                               prefix=(0, 1, 2) if repeat_header else (), blank_group_at=cut))
    else:  # kept on one page: a table that moves to the next page rather than splitting
        story.append(KeepTogether([h3, pdf_table(t3, 0, len(t3.placed), w3, cellst)]))
    story += [Paragraph(_esc(r.t4_heading()), head)] + pieces(t4, w4, cell4)
    story.append(Paragraph("五、存在的主要问题及改进情况", head))
    story += [Paragraph(_esc(p), body) for p in nar["problems"]]
    story.append(Paragraph("六、其他需要报告的事项", head))
    story += [Paragraph(_esc(p), body) for p in nar["other"]]

    def footer(canvas, doc):  # noqa: ANN001
        canvas.saveState()
        canvas.setFont(_FONT, 10)
        canvas.drawCentredString(doc.pagesize[0] / 2, 1.2 * cm, f"- {doc.page} -")
        if running_header and doc.page >= int(opts.get("running_header_from", 1)):
            canvas.setFont(_FONT, 9)
            canvas.drawString(1.5 * cm, doc.pagesize[1] - 1.0 * cm, running_header)
        if running_footer:
            canvas.setFont(_FONT, 9)
            canvas.drawString(1.5 * cm, 0.6 * cm, running_footer.replace("{page}", str(doc.page)))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=turned(A4) if landscape else A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                            topMargin=2 * cm, bottomMargin=2 * cm, title=r.meta_title(), author="示例",
                            creator="synth.render", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _fit_widths(t: _Table, total: float) -> list[float]:
    """Column widths of a re-laid table: shares by the longest one-column text in each column."""
    longest = [2] * t.ncols
    for line in t.placed:
        for c, cell, cont in line:
            if not cont and cell.cs == 1 and cell.kind != "num":
                longest[c] = max(longest[c], min(len(cell.text), 10))
    return [total * n / sum(longest) for n in longest]


def _group_end(t: _Table, row: int, col: int) -> int:
    """Exclusive end row of the rowspan cell covering (row, col)."""
    for ri in range(row, -1, -1):
        for c, cell, cont in t.placed[ri]:
            if c == col and not cont:
                return ri + cell.rs
    return row + 1


# --------------------------------------------------------------------------- dispatcher


def render(report: Any, fmt: str, **opts: Any) -> bytes:
    """Render in a format by name (txt | flat | md | html | docx | pdf); always bytes (UTF-8 for text).

    Format-specific keywords (``style``, ``encoding``, ``declare_charset``, ``ruled``,
    ``split_table3``, ``wrap_headers``, ``repeat_header``) are passed through."""
    if fmt == "txt":
        return render_text(report, **opts).encode("utf-8")
    if fmt == "flat":
        return render_flat(report, **opts).encode("utf-8")
    if fmt == "md":
        return render_markdown(report, **opts).encode("utf-8")
    if fmt == "html":
        return render_html(report, **opts)
    if fmt == "docx":
        return render_docx(report, **opts)
    if fmt == "pdf":
        return render_pdf(report, **opts)
    raise ValueError(f"unknown format {fmt!r}")
