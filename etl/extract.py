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

import functools
import hashlib
import itertools
import json
import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from etl import checks, headers, narrative, recover, vocab
from etl.agencies import canonical_agency
from etl.document import Document, Paragraph, ReportError, Table
from etl.numbers import (CellValue, cn_numeral, declared_unit, parse_cell, strip_markers, whole_number_format,
                         zero_word)
from etl.parse_state import ParseState, Row
from etl.report import ParsedReport, looks_synthetic
from etl.sections import sections_json
from etl.side_by_side import split_side_by_side
from etl.titles import annex_unit, find_title, period_year, report_starts, signed_agency, split_reports
from etl.radicals import fold_radicals
from etl.traditional import to_simplified

# --------------------------------------------------------------------------- rows


_HEADING_MAX = 48
_LINE_VALUE = re.compile(r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:万元|元)?|[/—－-]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


#: a cell of digits and decimal points broken by spaces, no word (1 . of 96171.6 spread over
#: a cell by distributed alignment): a figure that does not read, never a row's label (an
#: ordinal alone — 1. or 1、 — stays a label)
_BROKEN_FIGURE = re.compile(r"[\d０-９.．]+(?:\s+[\d０-９.．]+)+")


def _is_label(text: str) -> bool:
    return parse_cell(text) is None and not _BROKEN_FIGURE.fullmatch(text.strip())


def _table_rows(table: Table) -> list[Row]:
    out = []
    spans_known = any(c.is_span_copy for cells in table.rows for c in cells)
    # rows covering different widths: the file lost merged cells' spans (a CMS stripping
    # colspan), so grid columns do not line up from row to row
    ragged = not table.packed and len({max(c.col + c.colspan for c in cells) for cells in table.rows if cells}) > 1
    figure_cols = _figure_cols(table)
    for r, cells in enumerate(table.rows):
        real = [c for c in cells if not c.is_span_copy]
        if not real:
            continue
        is_label = [_is_label(c.text) and not (c.col in figure_cols and _figure_among_marks(c.text, False))
                    for c in real]
        last_label = max((i for i, x in enumerate(is_label) if x), default=-1)
        first_value = next((i for i, x in enumerate(is_label) if not x), len(real))
        first_ink = next((i for i, x in enumerate(is_label) if not x and real[i].text.strip()), None)
        if first_ink is not None:
            # the figures start after the last label before the first inked figure: empty
            # cells before the label (a merged label cell's blank rows) are not figures
            first_value = max((i for i in range(first_ink) if is_label[i]), default=-1) + 1
        end = len(real)
        tail = last_label
        while tail >= 0 and is_label[tail]:
            tail -= 1
        # the text after the last figure cell: digits and signs only (a 占比 45.5%) is no label
        # even when the row's figures are all blank
        mark = "".join(c.text for c in real[tail + 1:last_label + 1])
        mark = tail >= 0 and not _CJK.search(mark) and any(ch.isdigit() for ch in mark)
        if first_ink is None and mark:
            first_value = max((i for i in range(tail + 1) if is_label[i]), default=-1) + 1
        if first_value <= tail < last_label and not any(is_label[first_value:tail + 1]) and (mark or any(
                real[i].text.strip() for i in range(first_value, tail + 1))) and not any(
                real[i].text.strip() for i in range(last_label + 1, len(real))) and not _names_row(
                "".join(c.text for c in real[tail + 1:last_label + 1])):
            # text after the numbers (a 备注 column): a remark, not the row's label — unless it
            # names a template row (a 序号 before the label of a row printed blank)
            last_label, end = first_value - 1, tail + 1
        label_cells = [c for c in real[: last_label + 1] if c.text.strip()]
        labels = [c.text for c in label_cells]
        vals = real[last_label + 1:end]
        # counts typed in Chinese numerals (十三 | 二 | 〇): its other figures are no value cells,
        # so a zero word's place in the row proves nothing: flagged (NOTES L43)
        cn_row = any(zero_word(c.text) for c in vals) and any(cn_numeral(c.text) for c in real)
        if _column_numbers(labels, vals):
            continue   # 栏次 1 2 3 … under a header (statistical-form style): no figures
        labels, figure = _label_figure(labels) if vals else (labels, None)
        page = next((c.page for c in real if c.page is not None), table.page)
        values = [_cn_zero(c.text) if cn_row and zero_word(c.text) else _cell_value(c) or _unreadable(c)
                  for c in vals]
        if not spans_known:
            values = _dash_spread_blanks(values)
        out.append(Row(labels=labels, values=values, label_figure=figure,
                       value_cols=[c.col for c in vals], table=table.index, row=r, page=page,
                       header_like=not vals, label_cols=[c.col for c in label_cells],
                       head_cells=[(c.col, c.colspan, c.text) for c in cells]
                       if all(not c.text.strip() for c in vals) else [],
                       spans_known=spans_known, packed=len(real) if table.packed else 0, ragged=ragged,
                       value_spans=[c.colspan for c in vals] if spans_known else []))
    return out


#: why a blank right after a "—" cell is doubtful in a table that kept no spans (NOTES L46)
DASH_SPREAD_DOUBT = ("紧跟在「{}」格后的空白格：可能是跨两列的合并单元格被转换工具拆成「{}」加一个空格，"
                     "该格是不适用还是 0 无法确定")


def _dash_spread_blanks(values: list[CellValue]) -> list[CellValue]:
    """A blank value cell right after a not-applicable mark ("—", "/"), in a table whose
    markup kept no spans (markdown, converter text): a merged "—" over two columns comes out
    of markdownify, mammoth, markitdown and others as "— |  |" — the second column's blank is
    the merged mark's, not a printed blank (= 0).  Which it was, the text cannot tell: doubtful."""
    out = list(values)
    for i in range(1, len(out)):
        prev, cv = out[i - 1], out[i]
        if cv.semantic == "blank" and prev.semantic == "na" and not cv.doubt:
            mark = prev.raw.strip()
            out[i] = replace(cv, doubt=DASH_SPREAD_DOUBT.format(mark, mark))
    return out


_FIELD_INK = re.compile(r"[A-Za-z=()\"\\_:!,\s\d.%$#&;-]+")


def _figure_among_marks(text: str, digits: bool = True) -> bool:
    """Digits (``digits``; else any text) among Latin letters and signs, no Chinese
    (``=SUM(LEFT) 11``, ``HYPERLINK "" \\l "_Toc4"11``, or a cut piece ``=SU``: LibreOffice
    prints a Word field inside a content control as its code, the figure after it): in a
    figure column this is a figure nobody can read, not a label."""
    return (not digits or bool(re.search(r"\d", text))) and bool(re.search(r"[A-Za-z]", text)) and bool(
        _FIELD_INK.fullmatch(text))


def _figure_cols(table: Table) -> set[int]:
    """Grid columns where at least two rows print a figure or digits among marks (not a packed
    table's: its cells are no grid columns)."""
    if table.packed:
        return set()
    seen: Counter = Counter()
    for cells in table.rows:
        for c in cells:
            if not c.is_span_copy and c.text.strip():
                cv = parse_cell(c.text)
                if cv is not None and cv.semantic == "number" or cv is None and _figure_among_marks(c.text):
                    seen[c.col] += 1
    return {col for col, n in seen.items() if n >= 2}


def _unreadable(cell) -> CellValue:
    """A figure column's cell whose text is no figure but holds digits among other marks."""
    raw = cell.text.strip().replace("\n", " ")
    return CellValue(None, "garbled", "", cell.text, f"数值单元格中印有数字以外的文字（「{raw[:40]}」，如域代码）：无法确定其数值")


def _cell_value(cell) -> CellValue | None:
    """A value cell's reading, with the reader's doubt about where its text belongs (a PDF
    word between two rows) kept as the value's own doubt."""
    cv = parse_cell(cell.text)
    return replace(cv, doubt=cv.doubt or cell.doubt) if cv is not None and cell.doubt else cv


def _cn_zero(text: str) -> CellValue:
    return CellValue(None, "garbled", "", text, f"数值无法识别（原文「{text.strip()}」），同一行的其他数字用汉字书写，未自动采用")


_LABEL_FIGURE = re.compile(r"(.*[\u4e00-\u9fff)）\]】])([\s\u3000]*)([+\-]?\d[\d,]*(?:\.\d+)?)")


def _label_figure(labels: list[str]) -> tuple[list[str], CellValue | None]:
    """A figure typed into a row's label cell after the label (``行政许可 708``): the labels
    without it, and the figure.  Only a number after a label that names a table-二/三 row, and
    not part of it (an item number leads a label, it does not end one)."""
    m = _LABEL_FIGURE.fullmatch(labels[-1].strip()) if labels else None
    if m is None:
        return labels, None
    prefix = [*labels[:-1], m.group(1)]
    text = "".join(prefix)
    cv = parse_cell(m.group(3))
    if cv is None or cv.semantic != "number" or not (vocab.match_t2_row(text) or vocab.match_t3_row(text)):
        return labels, None
    if not m.group(2).replace("\n", ""):
        # glued to the label (规章1), or on a line of its own in the label cell (a converter
        # wrapping 规章1 in a narrow cell: a line break is no typed space): as likely a note
        # mark as a figure — placed, never trusted
        cv = replace(cv, doubt=f"行标签后紧贴的数字 {m.group(3)} 可能是注释符号，也可能是该行的数值：无法确定")
    return prefix, cv


def _names_row(text: str) -> bool:
    return bool(vocab.match_t3_row(text) or vocab.match_t2_row(text) or vocab.match_t4_any(text))


def _column_numbers(labels: list[str], vals: list) -> bool:
    """A row numbering the columns (1 2 3 … n, unlabelled or 栏次/序号/列号): no figures."""
    if len(vals) < 5 or any(vocab.norm(lb) not in ("栏次", "序号", "列号", "行次", "编号") for lb in labels):
        return False
    return [vocab.norm(c.text).strip("()") for c in vals] == [str(i) for i in range(1, len(vals) + 1)]


def _line_row(line: str, page: int | None) -> Row:
    """A text line: 'label v1 v2 …' (values separated by white space) or a label/heading."""
    toks = line.split()
    n_vals = 0
    while n_vals < len(toks) and _line_value(toks[-1 - n_vals]):
        n_vals += 1
    label = " ".join(toks[: len(toks) - n_vals])
    if n_vals and (not label or (_CJK.search(label) and len(label) <= 60)):
        vals = toks[len(toks) - n_vals:]
        cn = any(cn_numeral(t) for t in toks)
        cvs = [_cn_zero(t) if cn and zero_word(t) else parse_cell(t) for t in vals]
        if all(cvs):
            start = 1 if label else 0
            return Row([label] if label else [], cvs, list(range(start, start + n_vals)), page=page)
    return Row([line.strip()], [], [], page=page, header_like=True)


def _line_value(tok: str) -> bool:
    """Is a token at the end of a text line a value: a number or mark, a number with a footnote
    marker (9①), or a damaged number (l100) that must keep its row?"""
    if _LINE_VALUE.fullmatch(tok):
        return True
    cv = parse_cell(tok)
    return cv is not None and (cv.semantic == "garbled" or bool(strip_markers(tok)[1]) or zero_word(tok))


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

@functools.lru_cache(maxsize=65536)
def _section_of_heading(text: str) -> str | None:
    """The section a heading line or label opens (t2, t3, t4, end), or None (cached: asked of
    every label of every row)."""
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

_PRIOR = re.compile(r"上年|去年|上一年|同比|上期|增长率|增幅")
#: an item column named by its year (2019年项目数量, 2020年度项目数量): the year says whether it
#: is the 上一年 or the 本年 count of a 2019-template item row (NOTES L51)
_YEAR_ITEMS_IN = re.compile(r"(?:截至|截止)?(?:19|20)\d\d年度?(?:底|末)?(?:的)?(?:事项)?项目数量?")
_YEAR_ITEMS = re.compile(r"^(?:截至|截止|至)?(?:(?:19|20)\d\d)年度?(?:底|末)?(?:的)?(?:事项)?项目数")


def _t2_col_key(cell: str, year: int | None) -> str | None:
    """Key of one table-二 header cell; "" for a column of another year's figures (上年处理决定数量,
    2022年, 同比) that is not this report's; None when the cell names no column."""
    lab = vocab.match_label(vocab.T2_COLS, cell)
    if lab is None:
        return None
    years = {int(y) for y in re.findall(r"((?:19|20)\d\d)年?", cell)}
    if year is not None and len(years) == 1 and _YEAR_ITEMS.match(cell):
        named = years.pop()
        return {year - 1: "prior_year_item_count", year: "current_item_count"}.get(named, "")
    if year is not None and years and year not in years:
        return ""
    if lab.key != "prior_year_item_count" and _PRIOR.search(cell):
        return ""
    return lab.key


def _t2_header_cols(row: Row, year: int | None = None) -> tuple[list[str], str] | None:
    """Column keys of a table-二 header row ("" = a column to skip) and the money unit its
    header prints."""
    got = _t2_header_cols_of(tuple(row.labels), year)
    return None if got is None else (list(got[0]), got[1])


@functools.lru_cache(maxsize=4096)
def _t2_header_cols_of(labels: tuple[str, ...], year: int | None) -> tuple[tuple[str, ...], str] | None:
    """:func:`_t2_header_cols` of a row's labels (cached: asked of every row of table 二, often
    more than once)."""
    n = vocab.norm("".join(labels))
    if not any(lab.matches(n) for lab in vocab.T2_COLS):
        return None
    found: list[tuple[int, str]] = []
    units: list[tuple[str | None, str]] = []   # (column key or None, unit its cell declares)
    for cell in labels:
        cn = vocab.norm(cell)
        if "信息内容" in cn and len(cn) <= 6:
            continue
        key = _t2_col_key(cn, year)
        if key is not None:
            found.append((len(found), key))
        cell_unit = declared_unit(cn)
        if cell_unit:
            units.append((key or None, cell_unit))
    if len(labels) <= 2 and len(found) <= 1:
        # run-together header ("信息内容本年处理决定数量…"): find labels by position
        spans = [(m.start(), m.end(), lab.key) for lab in vocab.T2_COLS for frag in lab.match
                 for m in re.finditer(re.escape(frag), n)]
        if year is not None:   # 2019年项目数量 run into the header line: the year says which count
            spans += [(m.start(), m.end(), _t2_col_key(m.group(0), year) or "")
                      for m in _YEAR_ITEMS_IN.finditer(n)]
        # a word overlapping a longer column word is no column of its own (项目数 in 上一年项目数量)
        hits = sorted((a, k) for a, b, k in spans
                      if not any(a2 < b and a < b2 and b2 - a2 > b - a for a2, b2, _ in spans))
        keys: list[str] = []
        for _, k in hits:
            if k not in keys:
                keys.append(k)
        found = list(enumerate(keys))
    return tuple(k for _, k in found), _header_money_unit(units, n)


def _header_money_unit(units: list[tuple[str | None, str]], header: str) -> str:
    """The money unit a table-二 header declares: the money column's own cell first, then a
    cell that is no column (a unit note), then the header as a whole (run-together text);
    a unit in a count column's cell says nothing about money."""
    for key, unit in units:
        if key in vocab.MONEY_COLS:
            return unit
    for key, unit in units:
        if key is None:
            return unit
    return "" if units else declared_unit(header)


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


_TRAILING_FIGURES = re.compile(r"[\d.,，．/\-—]+(?:万?元)?$")


def _read_t2(rows: list[Row], template: str, state: ParseState, year: int | None = None
             ) -> tuple[list[tuple[str | None, str, list[str], int | None]], list[str], set[str]]:
    """Read table 二's rows by their labels and header columns; returns the rows in printed
    order (key — None for figures with no known label —, the row as printed, its header's
    columns, its count of figures) and the rows whose label stands alone, for
    :func:`_flag_t2_unplaced` once every reading is done; and the keys read in template order
    where the table prints the template's own headers elsewhere (so the agency follows the
    template): unproven, as table 三's cells read in template order (:func:`_flag_unverified`).
    Where no header of the table shows the template's columns in order, such keys are flagged."""
    cols: list[str] | None = None
    layouts = {*vocab.T2_LAYOUT.get(template, {}).values(), vocab.T2_ITEM_VARIANT}
    agree: bool | None = None     # every header read names a template layout's columns, in order
    by_order: dict[str, str] = {}  # key read in template order → why it is unsure
    unit = ""
    caption = ""                  # a unit note above or inside the table (（金额单位：元）)
    header_rows: list[Row] = []   # label-only rows since the sub-table heading
    reads: dict[str, list[tuple[Row, list[tuple[str, CellValue, int]], str]]] = {}
    printed: list[tuple[str | None, str, list[str], int | None]] = []   # rows in printed order
    bare: list[str] = []          # rows whose label is printed with no figure beside it
    from_label: set[str] = set()  # keys whose figure is typed in the row's label cell
    trans: list[str] | None = None    # a transposed sub-table's row keys, by value column
    unplaced: list[tuple[list[str], str]] = []   # its rows of figures under no column word
    for row in rows:
        if trans and row.values and _put_t2_transposed(row, trans, caption, state, year, unplaced):
            continue
        head = None if row.values else _t2_transposed_head(row)
        if head:
            trans = head
            printed.extend((k, row.label, [], None) for k in head)
        elif not row.values and (_t2_header_cols(row, year) or "第二十条" in vocab.norm(row.label)):
            trans = None   # an ordinary header, or the next item's heading
        if not row.values or (row.head_cells and row.labels and vocab.match_t2_row(row.label) is None):
            # a row of labels whose value cells hold no ink (pipe tables, unmerged cells) is a header
            # a row's label alone: its figures printed elsewhere (a line of labels, one cell
            # each, as a page read sideways gives them: each label names its own row)
            for text in (row.labels if len(row.labels) > 1 else [row.label]) if not row.values else ():
                named = vocab.match_t2_row(text)
                # a label, not a sentence naming the row: short once figures run into it
                # (行政事业性收费96171.6, a page's text with its cells' separators lost) are cut off
                if named and len(_TRAILING_FIGURES.sub("", vocab.PAREN.sub("", vocab.norm(text)))) <= 12:
                    bare.append(named.key)
            if "第二十条" in vocab.norm(row.label):
                cols, unit, header_rows = None, "", []   # a new sub-table: its own header
                caption = _caption_unit(row) or caption
                if _t2_header_cols(row, year) is None:
                    continue  # else the item's title sits in its header row's first cell
            header_rows.append(row)
            hdr = _t2_header_cols(_merge_header_rows(header_rows), year) or _t2_header_cols(row, year)
            if hdr and len(hdr[0]) >= len(cols or ()):
                cols, unit = hdr
            elif not hdr:
                caption = _caption_unit(row) or caption
            continue
        header_rows = []
        lab = vocab.match_t2_row(row.label) if row.labels else None
        if vocab.norm(row.label).startswith("第二十条"):
            continue
        if lab is None:
            inked = [v.raw.strip() for v in row.values if v.semantic != "blank"]
            if inked:   # figures without a label the vocabulary knows: kept, flagged after the loop
                printed.append((None, f"{row.label.strip() or '标签为空'}：{'、'.join(inked)}", cols or [], len(inked)))
            continue
        printed.append((lab.key, row.label, cols or [], len(row.values)))
        default = list(vocab.T2_LAYOUT.get(template, {}).get(lab.key, ()))
        layout = cols or default
        if cols:
            agree = agree is not False and tuple(cols) in layouts
        if cols and not set(cols) - {""} <= vocab.T2_ROW_COLS.get(lab.key, set(cols)):
            state.warnings.append(f"表二「{lab.zh}」行的表头列（{'、'.join(cols)}）不属于该行，按模板列读取")
            layout = default
        vals = list(zip(row.values, range(len(row.values))))
        # trailing/leading blank cells beyond the header width are layout, not data
        while len(vals) > len(layout) and vals and vals[-1][0].semantic == "blank":
            vals.pop()
        while len(vals) > len(layout) and vals and vals[0][0].semantic == "blank":
            vals.pop(0)
        if row.label_figure is not None:
            if not (layout and vals and vals[0][0].semantic == "blank"):
                for c in layout or vocab.t2_unnamed_cols(lab.key, [], template):
                    if c:
                        state.flag(f"t2.{lab.key}.{c}", f"行标签单元格内印有数字 {row.label_figure.raw}，"
                                   "而该行第一个数值单元格不是空白：无法确定这个数字属于哪一列")
                continue
            # the figure typed after the label is its first cell's, left blank
            vals[0] = (row.label_figure, vals[0][1])
            if layout[0]:
                from_label.add(f"t2.{lab.key}.{layout[0]}")
        if layout is default and len(vals) == len(layout) + 1 and _item_variant(template, default, vals):
            layout = default = list(vocab.T2_ITEM_VARIANT)
        inked = [v for v, _ in vals if v.semantic != "blank"]
        if not layout:
            if inked:
                # a row the template lacks (其他主动公开文件) under a header not read: its cells
                # are printed, the columns they belong to are not known
                for c in vocab.t2_unnamed_cols(lab.key, [], template):
                    state.flag(f"t2.{lab.key}.{c}", "该行不在模板中，表头缺失或列名无法识别，数值无法对应到列")
            continue
        skip_tail = len(layout) - len(layout[:len(layout) - len(list(itertools.takewhile(
            lambda c: c == "", reversed(layout))))])
        if skip_tail and len(vals) == len(layout) - skip_tail and row.table is not None and not row.packed:
            # the header's last columns are no figures of this report (同比增减, 上年数量) and
            # the table row prints no figure under them (a 12% share is read as a remark):
            # every cell the row holds is under the header's own columns
            layout = layout[:len(vals)]
        if len(vals) != len(layout):
            told = _short_row_by_narrative(row, lab.key, layout, vals, unit or caption, state)
            for c in layout:
                if c and c not in told:
                    state.flag(f"t2.{lab.key}.{c}", f"该行有 {len(vals)} 个数值单元格，表头有 {len(layout)} 列，无法对应")
            if len(inked) > len(layout):
                # more figures than the columns the header names (none: the template's): a
                # column some agencies add (本年项目数量) is printed, its value not placed
                for c in vocab.t2_unnamed_cols(lab.key, layout, template):
                    state.flag(f"t2.{lab.key}.{c}", f"该行有 {len(vals)} 个数值单元格，多于"
                               + (f"模板的 {len(layout)} 列，表头未印出列名" if layout is default
                                  else f"表头读出的 {len(layout)} 列") + "，无法对应")
            continue
        if "" in layout:
            state.warnings.append(f"表二「{lab.zh}」行跳过上年/同比列，只读本年度的数")
        got = [(c, cv, idx) for c, (cv, idx) in zip(layout, vals) if c]
        reads.setdefault(lab.key, []).append((row, got, unit or caption))
        if layout is default and len(layout) > 1:
            # no header named these columns: the template's order, proven only by the
            # template's headers elsewhere in the table (and the identities)
            for c in layout:
                by_order[f"t2.{lab.key}.{c}"] = "表头缺失或无法识别，按模板列序读取，无法验证列的对应"
    for key, found in reads.items():
        _put_t2_row(key, found, state)
    for k in from_label:
        if k in state.prov and state.prov[k].method == "cell":
            state.prov[k].method = "label"
    for keys, text in unplaced:
        for k in keys:
            layout = list(vocab.T2_LAYOUT.get(template, {}).get(k, ()))
            for c in dict.fromkeys([*layout, *vocab.t2_unnamed_cols(k, layout, template)]):
                if f"t2.{k}.{c}" not in state.cells:
                    state.flag(f"t2.{k}.{c}", f"表二转置排版的子表中有一行数字（{text}）的行名无法识别为表头列，无法对应")
    if not agree:
        for k, why in by_order.items():
            state.uncertain[k] = why
    return printed, bare, (set(by_order) if agree else set())


def _t2_transposed_head(row: Row) -> list[str] | None:
    """The row keys of a transposed table-二 sub-table's header (信息内容 | 规章 | 规范性文件: the
    item's rows as columns), one per value column in order; None unless its last cells each
    name a distinct table-二 row, and a corner cell (信息内容, the item heading) comes first
    or two rows are named, and no cell names a column."""
    keys: list[str] = []
    corner = False
    for cell in row.labels:
        n = vocab.norm(cell)
        if not n:
            continue
        lab = vocab.match_t2_row(n)
        if lab is not None and _t2_col_key(n, None) is None:
            keys.append(lab.key)
        elif keys or _t2_col_key(n, None) is not None:
            return None   # a word after the row names, or a column word: no transposed header
        else:
            corner = True
    if not keys or len(set(keys)) != len(keys) or not (corner or len(keys) >= 2):
        return None
    return keys


def _put_t2_transposed(row: Row, trans: list[str], caption: str, state: ParseState,
                       year: int | None, unplaced: list[tuple[list[str], str]]) -> bool:
    """A row of a transposed table-二 sub-table: its label names a column (本年项目数量), its
    figures the header's rows in order.  Returns whether the row was taken (a row that names
    a table-二 row instead is left to the ordinary reading)."""
    n = vocab.norm(row.label)
    if not row.labels or vocab.match_t2_row(n) is not None:
        return False
    vals = list(zip(row.values, range(len(row.values))))
    while len(vals) > len(trans) and vals[-1][0].semantic == "blank":
        vals.pop()
    while len(vals) > len(trans) and vals[0][0].semantic == "blank":
        vals.pop(0)
    col = _t2_col_key(n, year)
    inked = [v.raw.strip() for v, _ in vals if v.semantic != "blank"]
    if col is None:
        if inked:
            unplaced.append((trans, f"{row.label.strip()}：{'、'.join(inked)}"))
        return True
    if col == "":
        state.warnings.append(f"表二（转置排版）跳过上年/同比行「{row.label.strip()}」，只读本年度的数")
        return True
    fits = [k for k in trans if col in vocab.T2_ROW_COLS.get(k, frozenset())]
    if len(vals) != len(trans) or len(fits) != len(trans):
        for k in fits:
            state.flag(f"t2.{k}.{col}", f"表二转置排版：「{row.label.strip()}」行有 {len(vals)} 个数值单元格，"
                       f"表头有 {len(trans)} 列，无法对应")
        return True
    unit = declared_unit(n) or caption
    for k, (cv, idx) in zip(trans, vals):
        state.put(f"t2.{k}.{col}", cv, row, idx, money_unit=unit)
    return True


def _item_variant(template: str, default: list[str], vals: list[tuple[CellValue, int]]) -> bool:
    """Four figures in a 2019 item row with no header: Shandong's layout (上一年项目数量,
    本年项目数量, 本年增/减, 处理决定数量) when its identity holds on them."""
    if template != "2019" or tuple(default) != tuple(c for c in vocab.T2_ITEM_VARIANT if c != "current_item_count"):
        return False
    prior, current, change = (cv.value for cv, _ in vals[:3])
    return None not in (prior, current, change) and change == current - prior


def _short_row_by_narrative(row: Row, key: str, layout: list[str], vals: list[tuple[CellValue, int]],
                            unit: str, state: ParseState) -> set[str]:
    """A table-二 row that prints fewer cells than its header has columns (a cell lost in the
    conversion): its cells keep their order, so each is one of the columns from its position
    on.  Where the narrative states a figure for a column and the readings that print it there
    all agree on a cell, that cell is read (etl.narrative).  The columns read."""
    if not vals or len(vals) >= len(layout) or state.t2_claims is None or not state.t2_claims():
        return set()
    if any(cv.value is None for cv, _ in vals):
        return set()
    places = list(itertools.combinations(range(len(layout)), len(vals)))
    cands = []
    for cols in places:
        cand: list = [None] * len(layout)
        for ci, (cv, _) in zip(cols, vals):
            cand[ci] = cv.value
        cands.append(cand)
    kept, told = narrative.narrow(state.t2_claims(), key, layout, cands)
    if not told:
        return set()
    first = places[cands.index(kept[0])]
    done = set()
    for ci, v in enumerate(narrative.agreed(kept)):
        if v is not None and layout[ci]:
            cv, idx = vals[first.index(ci)]
            state.put(f"t2.{key}.{layout[ci]}", cv, row, idx, money_unit=unit, method="narrative")
            done.add(layout[ci])
    if done:
        state.warnings.append(f"表二「{vocab.row_zh('t2', key)}」行少印了单元格，"
                              + "、".join(vocab.col_zh("t2", c) for c in done) + " 由正文所述数字核对确定")
    return done


def _flag_t2_unplaced(state: ParseState, template: str, printed: list, bare: list[str]) -> None:
    """After every reading (the table's, then the run-together text's): table-二 figures with no
    known label flag the rows they could be (:func:`recover.flag_unlabelled_t2`), and a row label
    printed on its own (labels and figures in separate runs, as pdfminer writes a table) makes
    its row printed: its cells, none read — the template's and those a local variant adds —
    are flagged, never absent."""
    recover.flag_unlabelled_t2(state, template, printed)
    for key in dict.fromkeys(bare):
        if not any(k.startswith(f"t2.{key}.") for k in state.cells):
            # how many cells the row prints is not known: the template's, and the columns a
            # local variant adds (本年项目数量), as for a row without a known label
            layout = list(vocab.T2_LAYOUT.get(template, {}).get(key) or ())
            for c in layout + vocab.t2_unnamed_cols(key, layout, template):
                state.flag(f"t2.{key}.{c}", "表中印有该行的标签，但旁边没有数字，未能读出（表格结构无法识别）")


def _caption_unit(row: Row) -> str:
    """The money unit a short note row declares (单位：件、元 above or inside table 二)."""
    n = vocab.norm(row.label)
    return declared_unit(n) if len(n) <= 60 and ("单位" in n or n.startswith("(")) else ""


def document_money_unit(text: str) -> str:
    """The money unit the document declares as a whole: the one money unit of every unit
    note in it ('' when there is none, or notes disagree)."""
    units = {u for m in _UNIT_NOTE.finditer(text) if (u := declared_unit(m.group(0)))}
    return units.pop() if len(units) == 1 else ""


_UNIT_NOTE = re.compile(r"[(（][^()（）\n]{0,16}单位[^()（）\n]{0,16}[)）]|单位[:：][^\n，。;；]{0,16}|[(（](?:人民币)?(?:亿元|千元|万元|元)[)）]")


def _put_t2_row(key: str, found: list, state: ParseState) -> None:
    """Put a table-二 row read once, or settle one read several times: a row split into parts
    (行政强制措施 / 行政强制执行) is their sum, with method "sum"; a row printed again is read
    again (equal values fine, different ones uncertain)."""
    labels = [vocab.norm(r.label) for r, _, _ in found]
    parts = len(found) > 1 and len(set(labels)) == len(labels) and all(
        vocab.t2_part_label(lb, key) for lb in labels)
    if not parts:
        whole = [f for f, lb in zip(found, labels) if not vocab.t2_part_label(lb, key)] or found
        for row, got, unit in whole:
            for c, cv, idx in got:
                state.put(f"t2.{key}.{c}", cv, row, idx, money_unit=unit)
        return
    row0, _, unit = found[0]
    by_col: dict[str, list[CellValue]] = {}
    for _, got, _ in found:
        for c, cv, _ in got:
            by_col.setdefault(c, []).append(cv)
    names = "、".join(r.label for r, _, _ in found)
    for c, cvs in by_col.items():
        k = f"t2.{key}.{c}"
        raw = " + ".join(cv.raw.strip() or "空白" for cv in cvs)
        if len(cvs) != len(found) or len({cv.unit for cv in cvs}) > 1 or any(cv.value is None for cv in cvs):
            state.flag(k, f"该行拆成 {names} 印刷，各部分（{raw}）无法相加")
            continue
        total = sum(cv.value for cv in cvs)
        state.put(k, CellValue(total, "number", cvs[0].unit, raw), row0, 0, money_unit=unit, method="sum")
        state.prov[k].col = None
    state.warnings.append(f"表二「{vocab.row_zh('t2', key)}」由 {names} 相加得出")


def _t3_by_cols(row: Row, cols: list[int], cmap: headers.ColumnMap) -> list[tuple[CellValue, int]] | None:
    """Place a row's values by the header's grid columns ``cols`` (one per value cell)."""
    placed: dict[str, tuple[CellValue, int]] = {}
    spans = row.value_spans if len(row.value_spans) == len(row.values) else [1] * len(row.values)
    for i, (cv, col) in enumerate(zip(row.values, cols)):
        key = cmap.by_col.get(col)
        if key is None or key in placed:
            if cv.semantic != "blank" and key is None and col not in cmap.other:
                return None  # ink in a column the header does not name as a value column
            continue  # a column the header names as something else (备注, 同比): not read
        placed[key] = (cv, i)
        if cv.semantic in ("na", "blank"):
            # a "—" merged over several columns is every one's mark (NOTES L46), a merged
            # blank every one's blank; a merged figure is never copied (it would count twice)
            for extra in range(1, spans[i]):
                if (k2 := cmap.by_col.get(col + extra)) is not None and k2 not in placed:
                    placed[k2] = (cv, i)
    if len(placed) + len(cmap.absent) != len(vocab.T3_COL_KEYS):
        return None
    return [placed.get(k) for k in vocab.T3_COL_KEYS]  # None: a column the table does not print


def _t3_values(row: Row, cmap: headers.ColumnMap, same_table: bool = False
               ) -> tuple[list[tuple[CellValue, int]] | None, bool]:
    """The row's seven values in the order of vocab.T3_COL_KEYS, placed by the header's map,
    and whether a header named their columns (False: template order).

    By grid column; else, for a table continued on another page whose columns sit elsewhere,
    by rank when the row has one value cell per header column; else by position.  In the
    header's own table (``same_table``, spans intact) a reading by rank or position that puts
    a figure under another column than the header prints above it is no reading: a cell was
    lost or a text took its place (a pipe row's last cell), and the row would shift."""
    if cmap.how == "grid":
        got = _t3_by_cols(row, row.grid_cols, cmap)
        if got is not None:
            return got, True
        head_cols = sorted(set(cmap.by_col) | cmap.other)
        if len(head_cols) == len(row.values):
            got = _t3_by_cols(row, head_cols, cmap)
        if got is not None:
            return (None, False) if same_table and _off_header(got, row, cmap) else (got, True)
    spans = row.value_spans if len(row.value_spans) == len(row.values) else [1] * len(row.values)
    # a "—" (or a blank) merged over several columns is each one's mark (see _t3_by_cols)
    vals = [(cv, i) for i, cv in enumerate(row.values)
            for _ in range(spans[i] if cv.semantic in ("na", "blank") else 1)]
    whole = list(vals)
    if cmap.how == "order" and cmap.order == ["total"]:
        # a header naming 总计 and no applicant column in any form: one figure, the row's 总计
        return ([None] * 6 + [vals[0]], True) if len(vals) == 1 else (None, False)
    while len(vals) > 7 and vals[-1][0].semantic == "blank":
        vals.pop()
    if len(vals) > 7 and (cmap.other or vals[-1][0].raw.strip()[:1] in ("+", "-", "＋", "－")):
        return None, False  # an extra column with ink: which seven are the table's is unknown
    while len(vals) > 7 and vals[0][0].semantic == "blank":
        vals.pop(0)
    if len(vals) != 7:
        return None, False
    if len(whole) > 7 and whole[0][0].semantic == "blank" and whole[-1][0].semantic == "blank":
        vals = _t3_blank_ends(whole, vals)
        if vals is None:
            return None, False
    if cmap.order:
        by_key = dict(zip(cmap.order, vals))
        vals = [by_key[k] for k in vocab.T3_COL_KEYS]
    if cmap.how == "grid" and same_table and _off_header(vals, row, cmap):
        return None, False
    return vals, bool(cmap.order)


def _t3_sum_holds(vals: list[tuple[CellValue, int]]) -> bool:
    """总计 = the six applicant columns (blank and "—" as 0) for seven values in template order."""
    nums = [cv.value if cv.value is not None else Decimal(0) for cv, _ in vals]
    return sum(nums[:6]) == nums[6]


def _t3_blank_ends(whole: list[tuple[CellValue, int]], end_first: list[tuple[CellValue, int]]
                   ) -> list[tuple[CellValue, int]] | None:
    """More than seven cells with blanks at both ends (a converter's row of a table whose
    merged label cells came out as empty cells, ``| 标签 |  |  | 34 | … |  |``): dropping the
    blanks from the end first or from the start first reads different sevens.  The start
    (right-aligned: the last cell is 总计, as in every row the width of the table) wins when
    only its reading keeps the row's sum; when both or neither do, a cell was lost or added
    in conversion and the row cannot be placed (NOTES L46)."""
    start_first = list(whole)
    while len(start_first) > 7 and start_first[0][0].semantic == "blank":
        start_first.pop(0)
    while len(start_first) > 7 and start_first[-1][0].semantic == "blank":
        start_first.pop()
    if len(start_first) != 7:
        return end_first

    def same(a, b):   # the values stored (a blank is 0, as a printed 0 is)
        return all(x[0].value == y[0].value for x, y in zip(a, b))

    if same(start_first, end_first):
        return end_first
    if _t3_sum_holds(start_first) and not _t3_sum_holds(end_first):
        return start_first
    return None


def _off_header(vals: list[tuple[CellValue, int]], row: Row, cmap: headers.ColumnMap) -> bool:
    """Does a figure of ``vals`` (in T3_COL_KEYS order) sit under another column key than the
    one it is read as?"""
    if row.ragged:
        return False   # spans lost: grid columns do not line up from row to row
    cols = row.grid_cols
    return any(cv.semantic != "blank" and cmap.by_col.get(cols[i], key) != key
               for key, (cv, i) in zip(vocab.T3_COL_KEYS, vals))


def _foreign_header(header: list[Row]) -> bool:
    """Does a header block print a row of three or more column headings none of which is a
    table-三 column word or row label (years, 增减: another table's columns)?"""
    for row in header:
        labels = [vocab.norm(t) for t in row.labels if t.strip()]
        # one merged cell's text repeated in each column it covers (python-docx's row.cells,
        # pandas-like dumps): one heading, not several columns (三、本年度办理结果 ×9)
        labels = [t for i, t in enumerate(labels) if i == 0 or t != labels[i - 1]]
        if len(labels) >= 3 and not any(headers.t3_leaf_keys(t) or vocab.match_t3_row(t) for t in labels):
            return True
    return False


_SEQ_WORDS = frozenset({"序号", "行次", "栏次", "编号", "序"})


def _grid_width(rows: list[Row]) -> int:
    return max((c + span for r in rows for c, span, _ in r.head_cells), default=0)


def _one_grid(header: list[Row]) -> list[Row]:
    """The header rows whose grid columns are the data rows' (see :func:`_header_map`)."""
    last = header[-1].table if header else None
    if last is None or all(r.table in (None, last) for r in header):
        return header
    own = [r for r in header if r.table == last]
    if _grid_width([r for r in header if r.table not in (None, last)]) == _grid_width(own):
        return header
    return own


def _header_map(header: list[Row], by_grid, by_order, size: int, keyer) -> headers.ColumnMap | None:
    """The column map a header block gives: by grid column, else by word order; None when the
    block holds no column words at all (keep the previous map), an unmapped map when it holds
    some but cannot be read.

    A header cut by a page break is rows of two tables (a PDF's pages): grid columns of tables
    of different widths are not one grid's, so only the rows of the table the data rows are in
    (the last) are read by grid; the words' order is read from all of them."""
    grid = by_grid(_one_grid(header))
    order = by_order(header)
    n_keys = len(set(grid.values()))
    # one header cell over two grid columns (a PDF's ruling) names both: each key's columns
    # must be next to each other
    runs = headers.column_runs(grid)
    contiguous = len(runs) == n_keys
    if contiguous and (n_keys == size or (size == 15 and n_keys % 5 == 0 and n_keys)):
        leaf = [k.rsplit(".", 1)[-1] for k in runs]
        if order and leaf != order * (len(leaf) // len(order)):
            if any(r.ragged for r in header):
                # the grid of a table that lost its spans is no evidence; the words' order is
                return headers.ColumnMap(order=order, how="order")
            return headers.ColumnMap(seen=True)  # the two readings disagree: trust neither
        first = min(grid)  # columns right of the first value column headed by other words,
        # and a 序号 column anywhere (row numbers, not figures)
        other = {c for c, p in headers.column_paths(header, keyer).items()
                 if (c > first or p in _SEQ_WORDS) and c not in grid}
        return headers.ColumnMap(by_col=grid, order=order, how="grid", other=other)
    if size == 15 and contiguous and set(grid.values()) == _T4_TOTALS:
        # table 四 printing only each block's 总计 (行政复议 总计 | 直接起诉 总计 | 复议后起诉 总计)
        return headers.ColumnMap(by_col=grid, how="grid")
    if order:
        return headers.ColumnMap(order=order, how="order")
    if grid:
        # words that could be read all at their template places (an OCR header with garbled
        # sub-columns): the template order is not contradicted; else the header says the
        # columns are elsewhere and reading by position would be silently wrong
        template = (list(vocab.T3_COL_KEYS) if size == 7 else
                    [f"{b}.{c}" for b in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS])
        cols = sorted(c for c in headers.column_paths(header, keyer) if c >= min(grid))
        agree = len(cols) == size and all(template[cols.index(c)] == k for c, k in grid.items())
        return headers.ColumnMap(seen=not agree)
    return None


_TOTAL_WORD = re.compile(r"[总合小]计")


def _join_wrapped_labels(rows: list[Row]) -> list[Row]:
    """A long table-三 label continued in a row of its own (converter output): the label row
    with no ink in its value cells joins the value row above it, and is not read as zeros.

    Only when the joined label names a template row that neither part names otherwise, and
    the part above is a piece of a template label (a 合计 row above a blank row stays apart;
    so does a row naming 总计/合计/小计 — only （七）总计's label holds those words — when
    the joined label would be another row's: Word's list numbering leaves 总计 and 结转下年度
    继续办理 without their ordinals).  The part below a page break may print
    figures too (a cell whose figure stands lower than the break): it joins when each of its
    figures stands in a column where the part above is blank — each cell printed once."""
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        if (prev is not None and len(out) >= 2 and prev.table is None and not prev.values
                and row.table is not None and out[-2].table is not None and out[-2].table != row.table
                and row.labels and row.values and not _has_figures(row)
                and vocab.match_t3_row(prev.label) is None and not _ORDINAL.match(vocab.norm(prev.label))):
            # a line of text between two pages' tables (a page header or footer the reader did
            # not know for one: a header first printed on page 2) parts no row cut by the break
            trial = _join_wrapped_labels([out[-2], row])
            if len(trial) == 1:
                out[-2] = trial[0]
                continue
        merged = _cut_row_values(prev, row) if prev is not None and row.labels and row.values else None
        if merged is not None and merged is not prev.values and any(
                _ORDINAL.match(vocab.norm(lb)) for lb in row.labels):
            merged = None   # a numbered label with figures starts a row of its own
        if (merged is not None
                and prev.labels and any(v.semantic != "blank" for v in prev.values)):
            joined = vocab.match_t3_row(prev.label + row.label)
            own = vocab.match_t3_row(row.label)
            before = vocab.match_t3_row(out[-2].label) if len(out) >= 2 and out[-2].labels else None
            if own is not None and merged is prev.values and vocab.match_t3_row(prev.label) is None and \
                    _group_heading(prev.label, own.key) and before is not None and _group_heading(prev.label, before.key):
                # the group printed in each row's label (（三）不予公开 / 5.属于…), a page break
                # after the group's words: the heading's figures are the sub-row's below it
                out[-1] = replace(prev, labels=prev.labels + row.labels, values=_doubt_from(row, prev.values))
                continue
            if own is not None and any(_ORDINAL.match(vocab.norm(lb)) for lb in row.labels):
                out.append(row)   # a numbered row its own label names, printed blank (blank = 0)
                continue
            parts = {vocab.match_t3_row(prev.label), own}
            keys = {lab.key for lab in parts if lab is not None}
            if _TOTAL_WORD.search(vocab.norm(prev.label)) and joined is not None and joined.key != "result_total":
                out.append(row)   # a 总计 / 合计 row is the total's, never another label's first line
                continue
            # the group heading cell beside the row's own label (三、本年度办理结果 | （二）, a page
            # break after the ordinal) is no part of the words that must be the template's
            head = "".join(lb for lb in prev.labels if joined is None or not _group_heading(lb, joined.key)) \
                or prev.label
            if joined is not None and keys <= {joined.key} and (
                    keys and _template_fragment(head) or len(vocab.norm(head)) >= 4 and (
                        _template_fragment(head) or vocab.norm(head) in vocab.norm(joined.zh))):
                out[-1] = replace(prev, labels=prev.labels + row.labels, values=_doubt_from(row, merged))
                continue
            if len(prev.labels) == len(row.labels) >= 2 and prev.label_cols == row.label_cols:
                # a row cut by a page break: each label cell goes on in its own column
                # (（四）无 / 法提供 over 1.本机关 / 不掌握相关政府信息)
                cols = [a + b for a, b in zip(prev.labels, row.labels)]
                by_cols = vocab.match_t3_row("".join(cols))
                last = vocab.match_t3_row(cols[-1])
                if by_cols is not None and last is not None and last.key == by_cols.key and \
                        vocab.match_t3_row(prev.labels[-1]) is None and _template_fragment(prev.labels[-1]):
                    out[-1] = replace(prev, labels=cols, values=_doubt_from(row, merged))
                    continue
        out.append(row)
    return out


def _doubt_from(row: Row, values: list[CellValue]) -> list[CellValue]:
    """``values`` joined with the figure-less ``row`` below them, each doubtful when ``row``'s
    cells were read doubtful (the PDF reader's label row beside an unlabelled figures row: which
    label the figures belong to is not certain, NOTES L52): the join must not drop it."""
    why = next((v.doubt for v in row.values if v.doubt), None)
    if why is None:
        return values
    return [replace(v, doubt=v.doubt or why) for v in values]


def _cut_row_values(prev: Row, row: Row) -> list[CellValue] | None:
    """The values of ``prev`` with what ``row`` prints below it, when ``row`` can be the rest of
    ``prev``: no figure at all (``prev``'s values), or only unreadable cells (a field's code
    LibreOffice prints, cut by the page break), each in its cell — cells paired from the right
    edge (the 总计 column last), as the two parts may be tables of two pages whose label
    columns differ; a cell inked in both parts is unreadable.  None when ``row`` prints a
    figure (it is a row of its own) or the rows' cells cannot be paired."""
    inked = [(len(row.values) - i, v) for i, v in enumerate(row.values) if v.semantic != "blank"]
    if not inked:
        return prev.values
    if any(v.semantic != "garbled" for _, v in inked):
        return None    # a row printing figures is a row (an unnumbered 其他 under 2.申请人…)
    n = len(prev.values)
    if row.packed or prev.packed or not (row.spans_known and prev.spans_known) or len(row.values) < n:
        return None    # no grid to pair the cells by
    if any(k > n for k, _ in inked):
        return None
    values = list(prev.values)
    for k, v in inked:
        above = values[n - k]
        if above.semantic == "blank":
            values[n - k] = v
        else:   # the cell's text goes on below the break: what it prints is not known
            raw = f"{above.raw}\n{v.raw}"
            values[n - k] = CellValue(None, "garbled", "", raw,
                                      f"该单元格被分页截断，两页各印一部分（「{' '.join(raw.split())[:40]}」）：无法确定其数值")
    return values


def _no_figures(row: Row) -> bool:
    return bool(row.labels) and all(v.semantic == "blank" for v in row.values)


def _has_figures(row: Row) -> bool:
    return any(v.semantic != "blank" for v in row.values)


def _column_word(text: str) -> bool:
    """A short label that is a table-三 column word (自然人, 总计 …), not a row label."""
    n = vocab.norm(text)
    return len(n) <= 8 and headers.t3_key(n) is not None and vocab.match_t3_row(text) is None


def _label_tails_joined(rows: list[Row]) -> list[Row]:
    """A label row without figures whose label goes on in the next figureless line(s) (PDF text
    of a wrapped cell: ``（二）部分公开（…不计其他情`` / ``形）``, the figures on a line of their
    own before or after the tail; r10pdftext): the tail is part of the label, not a line of its
    own.  Only a short tail that names no row, starts no numbered label, holds no column word,
    leaves the label naming the same row, and goes on from it (closes its open bracket, or is
    the next piece of the template's words): a group heading's tail (供, 理 of （四）无法提供
    wrapped in a merged cell) is no tail of the row label above it."""
    out: list[Row] = []
    for row in rows:
        prev = out[-1] if out else None
        if (prev is not None and _no_figures(prev) and _no_figures(row) and prev.labels and row.labels
                and prev.table == row.table and len(vocab.norm(row.label)) <= 12
                and vocab.match_t3_row(row.label) is None and not _ORDINAL.match(vocab.norm(row.label))
                and not _column_word(row.label)):
            own = vocab.match_t3_row(prev.label)
            if own is not None and vocab.match_t3_row(prev.label + row.label) == own and _label_goes_on(
                    prev.label, row.label, own.key):
                out[-1] = replace(prev, labels=prev.labels + row.labels)
                continue
        out.append(row)
    return out


def _label_goes_on(head: str, tail: str, key: str) -> bool:
    """``tail`` continues the label ``head``: it closes a bracket ``head`` left open, or it is
    the next piece of the template's words for the row (…重新出 / 具已获取信息)."""
    h, t = vocab.norm(head), vocab.norm(tail)
    if h.count("(") > h.count(")") and t.endswith(")") and t.count(")") > t.count("("):
        return True
    words = vocab.norm(vocab.row_zh("t3", key))
    return len(h) >= 2 and (h[-2:] + t) in words


def _join_label_above(rows: list[Row]) -> tuple[list[Row], set[str]]:
    """A table-三 label printed on a row of its own, its figures on the next row (a converter
    centring figures on the label's second line, or splitting a tall row in two): the label
    row without figures and the row of figures below it are one row, not a row of zeros.

    Joined when the texts prove it: the label row names a template row (or the two labels
    together do) and the figures row's own label names no row; or the figures row has no
    label at all and nothing else claims it.  When an unlabelled figures row could also be
    the next label row's (that one has no figures of its own either), or several unlabelled
    rows follow, or template rows the table prints nowhere lie between the label row and the
    next labelled row (an omitted row: the figures may be its), nothing is joined and the
    label rows' keys (and the unprinted rows') are returned to be flagged."""
    out: list[Row] = []
    unsure: set[str] = set()
    section = vocab.norm("".join(r.label for r in rows))
    printed = {lab.key for lab in vocab.T3_ROWS if lab.matches(section)}
    rows = _label_tails_joined(rows)
    i = 0
    while i < len(rows):
        row = rows[i]
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        if nxt is None or not _no_figures(row) or not _has_figures(nxt) or len(nxt.values) < min(
                7, max(2, len(row.values))) or row.table != nxt.table:
            # fewer cells than a row of figures (a 序号, a remark); a label that is a text line
            # or another table's row (a page's table rebuilt apart): no proof they are one row.
            # But unlabelled figures right under a label row without figures (or under the
            # lines its label goes on in, naming no row) may be its own: its blanks are no proof
            # of zeros (a tall row a page's table was rebuilt apart in, or a page break cut)
            j = i + 1
            while j < len(rows) and _no_figures(rows[j]) and vocab.match_t3_row(rows[j].label) is None:
                j += 1
            after = rows[j] if j < len(rows) else None
            if after is not None and _no_figures(row) and not after.labels and _has_figures(after):
                own = vocab.match_t3_row(row.label)
                if own is not None:
                    unsure.add(own.key)
            out.append(row)
            i += 1
            continue
        own = vocab.match_t3_row(row.label)
        if len({lab.key for lab in map(vocab.match_t3_row, row.labels) if lab}) > 1 or any(
                _column_word(t) for t in row.labels + nxt.labels):
            out.append(row)   # a header (a transposed table's row names, column words): no label row
            i += 1
            continue
        if nxt.label_cols and row.label_cols and len(nxt.label_cols) == len(nxt.labels):
            at = min(row.label_cols)
            head = [(c, t) for c, t in zip(nxt.label_cols, nxt.labels) if c < at]
            tail = [(c, t) for c, t in zip(nxt.label_cols, nxt.labels) if c >= at]
        else:
            head, tail = [], [(None, t) for t in nxt.labels]
        labels = [t for _, t in head] + row.labels + [t for _, t in tail]
        cols = [c for c, _ in head] + row.label_cols + [c for c, _ in tail]
        joined = vocab.match_t3_row("".join(labels))
        tail_own = vocab.match_t3_row("".join(t for _, t in tail)) if tail else None
        sure = False
        if tail and tail_own is None and joined is not None and own in (None, joined) and not any(
                _ORDINAL.match(vocab.norm(t)) for _, t in tail):   # a numbered label starts a row
            sure = own is not None or _template_fragment(row.label)
        elif head and not tail and own is not None and joined == own and all(
                _group_heading(t, own.key) for _, t in head):
            # the figures row's only words are the heading of the label row's own group, left
            # of its label (Word text prints a merged group cell once, in a row it spans)
            sure = True
        elif not nxt.labels and own is not None:
            after = rows[i + 2] if i + 2 < len(rows) else None
            later = rows[i + 3] if i + 3 < len(rows) else None
            rival = after is not None and _no_figures(after) and vocab.match_t3_row(after.label) is not None and not (
                later is not None and _has_figures(later) and (not later.labels or vocab.match_t3_row(
                    after.label + later.label) == vocab.match_t3_row(after.label)))
            twice = after is not None and not after.labels and _has_figures(after)
            gap = _unprinted_between(own.key, rows[i + 2:], printed)
            if rival or twice or gap:
                unsure.add(own.key)
                if rival:
                    unsure.add(vocab.match_t3_row(after.label).key)
                unsure.update(gap)
            else:
                sure = True
        if not sure:
            out.append(row)
            i += 1
            continue
        lcols = cols if all(c is not None for c in cols) else nxt.label_cols
        # the figures row's blank cells under the label are the label's cell, not a figure
        keep = [j for j, (v, c) in enumerate(zip(nxt.values, nxt.value_cols)) if not (
            v.semantic == "blank" and c in lcols)] if len(nxt.value_cols) == len(nxt.values) else range(len(nxt.values))
        out.append(replace(nxt, labels=labels, label_cols=lcols, values=[nxt.values[j] for j in keep],
                           value_cols=[nxt.value_cols[j] for j in keep]))
        i += 2
    return out, unsure


_T3_GROUPS = (("不予公开", vocab.T3_ROW_KEYS[4:12]), ("无法提供", vocab.T3_ROW_KEYS[12:15]),
              ("不予处理", vocab.T3_ROW_KEYS[15:20]), ("其他处理", vocab.T3_OTHER_SUBROWS),
              ("办理结果", vocab.T3_ROW_KEYS[2:25]))


def _group_heading(text: str, key: str) -> bool:
    """Is ``text`` only the heading of a table-三 group row ``key`` sits under (（六）其他处理
    over 1.申请人无正当理由…, 三、本年度办理结果 over every outcome row)?"""
    n = _ORDINAL.sub("", vocab.norm(text), count=1)
    return any(key in keys and n in (word, "本年度" + word) for word, keys in _T3_GROUPS)


def _unprinted_between(key: str, below: list[Row], printed: set[str]) -> list[str]:
    """Template rows between the row ``key`` and the next row below that a label names, that
    the table prints nowhere: an omitted row (all zero) leaves such a gap, and an unlabelled
    figures row under ``key``'s label row may be the next row's, not ``key``'s.  Empty when
    either table-三 shape (（六）其他处理 as one row or as three) puts nothing unprinted there."""
    nxt = next((lab.key for lab in map(vocab.match_t3_row, (r.label for r in below if r.labels)) if lab), None)
    gaps = []
    for single in (True, False):
        order = vocab.t3_rows_for("", single)
        if key in order and nxt in order and order.index(key) < order.index(nxt):
            gaps.append([k for k in order[order.index(key) + 1:order.index(nxt)] if k not in printed])
    return [k for k in vocab.T3_ROW_KEYS if any(k in g for g in gaps)] if gaps and all(gaps) else []


_ORDINAL = re.compile(r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、])")


def _t3_header_row(row: Row) -> bool:
    """A row :func:`_read_t3` takes as a header row (no values, or a head of label cells)."""
    return not row.values or bool(row.head_cells and row.labels and vocab.match_t3_row(row.label) is None)


def _half_map(header: list[Row]) -> headers.ColumnMap | None:
    """The grid map of a header that names only some of table 三's columns, each word heading
    one run of columns and no other column holding a column word; None otherwise."""
    grid = headers.t3_by_grid(header)
    paths = headers.column_paths(header, headers.t3_key)
    if not grid or len(set(grid.values())) >= len(vocab.T3_COL_KEYS) or any(
            headers.t3_leaf_keys(p) and c not in grid for c, p in paths.items()):
        return None
    runs = headers.column_runs(grid)
    if len(runs) != len(set(runs)):
        return None
    other = {c for c in paths if c > min(grid) and c not in grid}
    return headers.ColumnMap(by_col=grid, how="grid", other=other)


def _column_halves(rows: list[Row]) -> tuple[dict[int, list[tuple[CellValue, int] | None]], set[str]]:
    """Table 三 printed as two tables side by side continued one below the other (a wide table
    split by columns over two pages): each under its own header naming some of the seven
    columns, the other table's columns none.  The values of every row of both parts (by
    ``id``), in T3_COL_KEYS order with None for the other part's columns — only when the
    evidence is complete: the two headers name disjoint sets of columns that together make
    all seven; both parts print the same template rows, every row labelled, in the same
    order; every row's values sit under its part's header; and the joined rows add up (总计 =
    the sum of the applicant columns, I3, the only identity across the parts: I1 and I2 sum
    within a column, a part, whatever the join) on more than half of the rows.  Also the keys
    of the rows that do not add up (a report's own slip, or a join that is wrong there: their
    cells are flagged).  Else {} (each part is read as now: its rows flagged)."""
    parts: list[tuple[headers.ColumnMap, list[Row]]] = []
    header: list[Row] = []
    for row in rows:
        if row.blank:
            continue
        if _t3_header_row(row):
            header.append(row)
            continue
        if header and headers.t3_by_grid(header):
            hmap = _half_map(header)
            if hmap is None:
                return {}, set()
            parts.append((hmap, header[-1].table, []))
        header = []
        if not parts:
            return {}, set()
        parts[-1][2].append(row)
    if len(parts) != 2:
        return {}, set()
    (map_a, table_a, rows_a), (map_b, table_b, rows_b) = parts
    keys_a, keys_b = set(map_a.by_col.values()), set(map_b.by_col.values())
    if keys_a & keys_b or keys_a | keys_b != set(vocab.T3_COL_KEYS):
        return {}, set()
    labels_a = [vocab.match_t3_row(r.label) if r.labels else None for r in rows_a]
    labels_b = [vocab.match_t3_row(r.label) if r.labels else None for r in rows_b]
    if not labels_a or None in labels_a or [x.key for x in labels_a] != [
            x.key if x else None for x in labels_b] or len({x.key for x in labels_a}) != len(labels_a):
        return {}, set()
    out: dict[int, list[tuple[CellValue, int] | None]] = {}
    cells: dict[str, float | None] = {}
    for hmap, table, part, other in ((map_a, table_a, rows_a, keys_b), (map_b, table_b, rows_b, keys_a)):
        cmap = replace(hmap, absent=frozenset(other))
        runs = headers.column_runs(hmap.by_col)
        for row, lab in zip(part, labels_a):
            vals, proven = _t3_values(row, cmap)
            if vals is None and row.table != table and len(row.values) == len(runs):
                # continued on another page, its columns elsewhere: one value per header column
                by_key = {k: (cv, i) for i, (k, cv) in enumerate(zip(runs, row.values))}
                vals, proven = [by_key.get(k) for k in vocab.T3_COL_KEYS], True
            if vals is None or not proven:
                return {}, set()
            out[id(row)] = vals
            for c, got in zip(vocab.T3_COL_KEYS, vals):
                if got is not None:
                    v = got[0].value
                    cells[f"t3.{lab.key}.{c}"] = None if v is None else float(v)
    if any(cells.get(f"t3.{x.key}.{c}") is None for x in labels_a for c in vocab.T3_COL_KEYS):
        return {}, set()
    off = {x.key for x in labels_a if cells[f"t3.{x.key}.total"] != sum(
        cells[f"t3.{x.key}.{c}"] for c in vocab.T3_APPLICANT_COLS)}
    return (out, off) if 2 * len(off) < len(labels_a) else ({}, set())


def _read_t3(rows: list[Row], state: ParseState, damaged: bool) -> tuple[bool, bool | None, set[str]]:
    """Read table 三; returns (found, other_as_single_row — None when no row was read —, keys
    of rows read in template order because no header named the columns)."""
    rows, unsure = _join_label_above(_join_wrapped_labels(rows))
    halves, halves_off = _column_halves(rows)
    if halves:
        state.warnings.append("表三按列分成两张表印出（各有表头，各印一部分列）：两表逐行标签一致，已按行拼接"
                              + ("" if not halves_off else f"；其中 {len(halves_off)} 行拼接后总计不等于各列之和，该行标为存疑"))
    items: list[tuple[str | None, Row, list, str | None]] = []  # (key, row, values, hint)
    seq: list[tuple[str, object]] = []
    broken: set[str] = set()  # rows found with the wrong number of values
    cmap = headers.ColumnMap()
    head_table: int | None = None   # the table the column map's header is printed in
    header: list[Row] = []
    unmapped: set[int] = set()  # ids of rows read in template order
    unnamed: set[int] = set()   # … under a header whose column words could not be mapped
    placed_total: set[int] = set()   # … whose 总计 column is known by its place only
    from_label: set[int] = set()  # … with a figure typed in the label cell, placed by the identity
    values_read = False
    foreign = False   # reading the rows of another table printed after table 三
    ink_lost: set[str] = set()   # rows just above unlabelled figures that fit no column
    total_only: frozenset[str] = frozenset()   # applicant columns of a table printing only 总计
    for row in rows:
        if row.blank or (header and not row.labels and all(v.semantic == "na" for v in row.values)):
            continue  # no ink (a spacer row, an empty first row), or only n/a marks under a header
        if _t3_header_row(row):
            if header and _other_table(header[-1], row):
                header = []   # a header is one table's: never joined to the rows of the table above
            header.append(row)  # a header row (pipe tables pad it with empty cells)
            lab = vocab.match_t3_row(row.label) if row.labels else None
            seq.append(("label", lab.key if lab else None))
            continue
        if header:
            found = _header_map(header, headers.t3_by_grid, headers.t3_order, 7, headers.t3_key)
            if found is not None and not found.mapped:
                found = headers.t3_partial(header) or found
            if found is not None and (found.order == ["total"] if found.how == "order" else (
                    set(found.by_col.values()) == {"total"} and found.absent == frozenset(vocab.T3_APPLICANT_COLS))):
                total_only = frozenset(vocab.T3_APPLICANT_COLS)
            if found is not None and (found.mapped or not cmap.mapped) and not (found.seen and values_read):
                # a repeated header that names fewer columns keeps the full one; label rows
                # among the values (a wrapped 其他情形) are no header to flag the rest by
                cmap, head_table = found, header[-1].table
            if found is None and values_read and _foreign_header(header):
                # after table 三, another table whose header names other columns (上年 | 本年 |
                # 增减): its rows, labelled like table 三's, are not table 三's figures
                foreign = True
                state.warnings.append(f"表三之后另有一表（表头「{'」「'.join(header[-1].labels[:4])}」），不是表三，未读取")
            elif found is not None:
                foreign = False
            header = []
        if foreign:
            continue
        values_read = True
        # a row without a label is placed by order and flagged: its lost cell may be the label
        if id(row) in halves:
            vals, proven = halves[id(row)], True
        else:
            vals, proven = _t3_values(row, cmap, bool(row.labels) and row.table is not None and row.table == head_table)
        if vals is not None and proven and cmap.guessed and id(row) not in halves:
            placed_total.add(id(row))
        if vals is not None and row.label_figure is not None:
            vals = _t3_label_figure(row, vals, state)
            if vals is None:   # its cells flagged
                lab = vocab.match_t3_row(row.label)
                if lab:
                    broken.add(lab.key)
                seq.append(("label", lab.key if lab else None))
                continue
            from_label.add(id(row))
        if vals is not None and not proven:
            unmapped.add(id(row))
            if cmap.seen:
                unnamed.add(id(row))
        if vals is None:
            lab = vocab.match_t3_row(row.label) if row.labels else None
            if lab:
                # cells lost in extraction (a blank cell leaves no trace in unruled PDF text):
                # the row is known to exist, its values are not
                broken.add(lab.key)
                why = (f"该行只读到 {len(row.values)} 个数值（应为 7 个）：可能有空白单元格在提取中丢失，无法对应到列"
                       if len(row.values) != 7 else "该行的数值与表头印的列对不上（有单元格丢失或被文字占据），无法对应到列")
                for c in vocab.T3_COL_KEYS:
                    state.uncertain[f"t3.{lab.key}.{c}"] = why
            elif not row.labels and any(v.semantic != "blank" for v in row.values[1:]):
                # figures that fit no column and have no label (a tall row's figure centred
                # on its label's last line, apart from the others): the row above may own them;
                # a lone figure in a line's first cell is a row number (序号)
                above = next((p[0] for k, p in reversed(seq) if k == "row" and p[0]), None)
                if above:
                    ink_lost.add(above)
            seq.append(("label", lab.key if lab else None))
            continue
        if row.labels and vocab.sub_row_label(row.labels[-1]):
            # 其中：网上申请予以公开 — a part of the row above, named with its words: not that row
            state.warnings.append(f"表三「{row.labels[-1][:20]}」是上一行的分项，不是模板中的行，未读取")
            seq.append(("label", None))
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
            if hint is None and _CJK.search(row.label) and not _template_fragment(row.label):
                # a label the template does not know (合计, 其中…): another row, not a lost label
                state.warnings.append(f"表三「{row.label[:20]}」行不是模板中的行，未读取")
                continue
        items.append((key, row, vals, hint))
    if not items:
        return bool(broken), None, set()   # the shape of （六）其他处理 is not known
    keys_seen = {k for k, _, _, _ in items if k} | used | broken
    single = not (keys_seen & set(vocab.T3_OTHER_SUBROWS)) and "other_total" in keys_seen
    if not (keys_seen & set(vocab.T3_OTHER_SUBROWS)) and "other_total" not in keys_seen:
        single = None  # decided by template later
    order = list(vocab.t3_rows_for("", bool(single)))
    assigned, again = _align_unlabelled(items, order, state)
    section = vocab.norm("".join(r.label for r in rows))
    printed = {lab.key for lab in vocab.T3_ROWS if lab.matches(section)}
    unproven: set[str] = set()
    placed_keys: list[str] = []
    # a row printed twice is read twice: equal values are fine, different ones uncertain
    for key, (row, vals, method) in [*assigned.items(), *((k, (r, v, "cell")) for k, r, v in again)]:
        for c, got in zip(vocab.T3_COL_KEYS, vals):
            if got is None:   # a column the table visibly does not print: 总计, a sum the
                # database derives, is absent, and so are the applicant columns of a table
                # printing only 总计; 法人或其他组织's sub-columns printed as one are lost (flagged)
                if c == "total" or c in total_only:
                    state.omitted.add(f"t3.{key}.{c}")
                continue
            cv, idx = got
            k = f"t3.{key}.{c}"
            state.put(k, cv, row, idx, method=method)
            if id(row) in from_label and cv is row.label_figure and state.prov[k].method == "cell":
                state.prov[k].method = "label"
            if id(row) in unmapped:
                unproven.add(k)
            if id(row) in unnamed and not damaged:  # damaged text: flagged with all unproven cells
                state.flag(k, "表头印有列名，但无法把每个列名对应到唯一的列（缩写或次序不明），按模板列序读取的值未经证实")
            if method == "order" and key not in printed:
                # the row's label words are nowhere in the table: nothing shows the report
                # prints this row (an omitted row leaves a gap an unlabelled row fits), so the
                # candidate stays in the reason and the provenance, not in cells
                state.uncertain[k] += f"；表中找不到该行的标签文字，按顺序读到的值 {cv.raw.strip() or '空白'} 不采用"
                state.cells[k] = None
        if id(row) in placed_total:
            placed_keys.append(key)
    _check_placed_total(state, placed_keys)
    _check_group_rows(items, order, state)
    for key in halves_off:   # a row of the two parts joined that does not add up
        for c in vocab.T3_COL_KEYS:
            state.flag(f"t3.{key}.{c}", "表三按列分成两张表印出，拼接后该行总计不等于各列之和：无法确认两表的这一行数值属于同一行")
    for key in ink_lost:
        for c in vocab.T3_COL_KEYS:
            state.flag(f"t3.{key}.{c}", "该行下方有一行无标签、无法对应到列的数字：可能是该行的数值，无法确定")
    for key in unsure:   # a label row without figures, an unlabelled figures row it may own
        for c in vocab.T3_COL_KEYS:
            state.uncertain[f"t3.{key}.{c}"] = "该行印在无数值的一行，下方无标签的数值行可能属于它，也可能属于别的行：无法确定"
    return True, single, unproven


def _check_group_rows(items: list, order: list[str], state: ParseState) -> None:
    """A figures row labelled only （六）其他处理 in a table printing its three sub-rows is no row
    of its own: it is kept out of the cells, and it must be their sum — otherwise its figures
    may be a sub-row's whose label row was read apart, and the sub-rows are flagged."""
    subs = vocab.T3_OTHER_SUBROWS
    for key, row, vals, _ in items:
        if key != "other_total" or key in order or not _has_figures(row):
            continue   # a heading row without ink is no row of figures
        for c, got in zip(vocab.T3_COL_KEYS, vals):
            if got is None:
                continue
            cv = got[0]
            mine = Decimal(0) if cv.semantic == "blank" else cv.value
            parts = [state.cells.get(f"t3.{k}.{c}") for k in subs]
            if mine is None or None in parts or Decimal(str(sum(parts))) != mine:
                for k in subs:
                    for cc in vocab.T3_COL_KEYS:
                        state.flag(f"t3.{k}.{cc}", "（六）其他处理印有一行数值，与其下各子行之和不符：该行数值可能属于某一子行")
                return


def _t3_total_sum(state: ParseState, key: str) -> int:
    """Does table-三 row ``key``'s 总计 equal the sum of its six applicant figures?  -1 when not
    (or a figure is missing), else how many of those figures are not zero: a row proves that a
    column is 总计 only with two or more (a copy of its only figure, or zeros, add up too)."""
    parts = [state.cells.get(f"t3.{key}.{c}") for c in vocab.T3_APPLICANT_COLS]
    got = state.cells.get(f"t3.{key}.total")
    if got is None or any(p is None for p in parts) or sum(parts) != got:
        return -1
    return sum(1 for p in parts if p)


def _check_placed_total(state: ParseState, keys: list[str]) -> None:
    """Rows' 总计 read from a column whose header printed no word (known by its place only).
    The column is a total only if some row proves it: two or more applicant figures not zero
    and their sum in it (a copy of a row's only figure, or zeros, prove nothing — 其中网上申请
    in that place looks the same).  Proven: each row's total is right when it is its row's sum,
    else flagged; not proven: every such total is flagged."""
    proven = any(_t3_total_sum(state, k) >= 2 for k in keys)
    for key in keys:
        k = f"t3.{key}.total"
        if k not in state.cells:
            continue
        if not proven:
            state.flag(k, "表头该列未印列名，按位置读作「总计」，但没有一行能证实它是各申请人列之和（可能是其他列）")
        elif _t3_total_sum(state, key) < 0:
            state.flag(k, "表头该列未印列名，按位置读作「总计」，但它不等于该行各申请人列之和：无法证实")


def _t3_label_figure(row: Row, vals: list, state: ParseState) -> list | None:
    """A table-三 row with a figure typed in its label cell (``一、本年新收…数量 26``): the figure
    is one blank cell's — the one where the row's identity (总计 = the six applicant columns)
    then holds, when exactly one does.  Else the row's cells are flagged and None returned."""
    lab = vocab.match_t3_row(row.label)
    fits = []
    for i, got in enumerate(vals):
        if got is None or got[0].semantic != "blank":
            continue
        trial = [g[0] if g is not None else None for g in vals]
        trial[i] = row.label_figure
        if any(cv is None or cv.value is None for cv in trial):
            continue   # a column not printed or not a number: the identity cannot place it
        if sum(cv.value for cv in trial[:6]) == trial[6].value:
            fits.append(i)
    if len(fits) == 1:
        out = list(vals)
        out[fits[0]] = (row.label_figure, vals[fits[0]][1])
        return out
    if lab is not None:
        why = (f"行标签单元格内印有数字 {row.label_figure.raw}，"
               + ("该行有多个空白单元格都可能是它的位置" if fits else "放入该行任何空白单元格，该行的合计关系都不成立")
               + "：无法确定这个数字属于哪一列")
        for c in vocab.T3_COL_KEYS:
            state.flag(f"t3.{lab.key}.{c}", why)
    return None


_T3_LABEL_TEXT = vocab.norm("".join(lab.zh for lab in vocab.T3_ROWS) + "申请人逾期不补正行政机关不再处理其政府信息公开申请")


def _template_fragment(label: str) -> bool:
    """Is this label a piece of a template row label (a wrapped or damaged label) rather than
    a row the template does not have?  Any four characters in a row of a template label."""
    n = re.sub(r"[\d.、()]", "", vocab.norm(label))
    return len(n) < 4 or any(n[i:i + 4] in _T3_LABEL_TEXT for i in range(len(n) - 3))


def _unnumbered(label: str) -> str:
    """A label's words without its leading ordinal (一、 （七） 3.)."""
    return _ORDINAL.sub("", vocab.norm(label), count=1) if _ORDINAL.match(vocab.norm(label)) else vocab.norm(label)


def _align_unlabelled(items, order: list[str], state: ParseState) -> tuple[dict, list]:
    """Place rows by label; rows that lost their label go, in printed order, into the gaps
    between labelled rows when the gap has exactly as many missing rows as unlabelled ones.

    A row placed by order is certain only when its wrapped label line (the hint) names the
    same row; otherwise every cell is flagged: nothing proves the report printed that row
    (an unlabelled row may be something else, and a zero placed by order is a phantom).
    Returns the placed rows and the rows read a second time under a key already placed."""
    pos = {k: i for i, k in enumerate(order)}
    out: dict[str, tuple] = {}
    again: list[tuple[str, Row, list]] = []
    pending: list[tuple[Row, list, str | None]] = []
    last_idx = -1

    def fill(upto: int) -> None:
        missing = [k for k in order[last_idx + 1: upto] if k not in out]
        if not pending:
            return
        if len(missing) == len(pending):
            for k, (row, vals, hint) in zip(missing, pending):
                if hint == k or (row.labels and _unnumbered(row.label) == _unnumbered(vocab.row_zh("t3", k))):
                    # a label line naming the row; or the row's own label is the template's word
                    # for word without its ordinal (Word's list numbering draws （七） 3.)
                    out[k] = (row, vals, "cell")
                    continue
                out[k] = (row, vals, "order")
                state.warnings.append(f"表三「{vocab.row_zh('t3', k)}」行标签丢失，按印刷顺序归位")
                for c in vocab.T3_COL_KEYS:
                    state.uncertain[f"t3.{k}.{c}"] = (
                        f"该行标签在源文件中丢失，按印刷顺序归入此行（空档 {len(pending)} 行）：无法证明报告印有此行")
        else:
            state.warnings.append(f"表三有 {len(pending)} 行数值丢失了标签，无法按顺序归位（空档 {len(missing)} 行）")
        pending.clear()

    for key, row, vals, hint in items:
        if key is None:
            pending.append((row, vals, hint))
            continue
        if key not in pos:
            continue
        if key in out:
            again.append((key, row, vals))
            continue
        fill(pos[key])
        out[key] = (row, vals, "cell")
        last_idx = max(last_idx, pos[key])
    fill(len(order))
    return out, again


_YEAR = re.compile(r"((?:19|20)\d\d)年")


def _t4_keys(row: Row, vals: list[tuple[CellValue, int]], cmap: headers.ColumnMap,
             blocks: list[str], cols: list[str]) -> tuple[list[str], bool]:
    """Keys of a 15-value table-四 row: by grid column, else by the header's block and column
    order, else the template's (second item False: not named by a header)."""
    if cmap.how == "grid":
        keys = [cmap.by_col.get(row.grid_cols[idx], "") for _, idx in vals]
        if len(set(keys)) == 15 and all(keys):
            return keys, True
    if blocks and cols:
        return [f"{b}.{c}" for b in blocks for c in cols], True
    return [f"{b}.{c}" for b in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS], False


def _other_table(a: Row, b: Row) -> bool:
    return a.table is not None and b.table is not None and a.table != b.table


_T4_TOTALS = frozenset(f"{b}.total" for b in vocab.T4_ROW_KEYS)


def _t4_by_grid(row: Row, cmap: headers.ColumnMap) -> list[tuple[str, CellValue, int]]:
    """A table-四 row's values keyed by their grid columns' header words (a table of one or two
    blocks, an extra 合计 column): [] unless every inked value sits in a named column and every
    block the row reaches gets all five of its columns — a row cut short (a text cell among its
    figures started a new row) is placed by its right edge in a packed table, under columns
    that are not its own."""
    if cmap.how != "grid":
        return []
    if not row.packed and row.grid_cols and cmap.by_col:
        last = cmap.by_col[max(cmap.by_col)]
        if max(row.grid_cols) < min(c for c, k in cmap.by_col.items() if k == last) \
                and len(row.values) < len(set(cmap.by_col.values())):
            # the row ends before its header's last column: cells are missing (a sanitiser
            # dropped the empty ones), and one lost before a figure moves it under another column
            return []
    picked, stray = [], False
    for i, (cv, col) in enumerate(zip(row.values, row.grid_cols)):
        if col in cmap.by_col:
            picked.append((cmap.by_col[col], cv, i))
        elif cv.semantic != "blank" and col not in cmap.other:
            stray = True
    keys = [k for k, _, _ in picked]
    if set(keys) == _T4_TOTALS and len(keys) == 3 and not stray and not row.packed:
        return picked   # only the three blocks' 总计 printed, each under its own header cell
    if stray or len(keys) < 5 or len(set(keys)) != len(keys):
        return []
    if len(row.values) == 15 and len(keys) < 15 and any(
            cv.semantic != "blank" for i, (cv, col) in enumerate(zip(row.values, row.grid_cols))
            if col not in cmap.by_col):
        # a full row of the template's fifteen figures, some with ink under a column the grid
        # names no result for (a converter dropped the rowspans of 行政复议's five result words,
        # so the words of the row below start at the left edge): the grid does not place it
        return []
    if row.packed:
        blocks = Counter(k.split(".")[0] for k in keys)
        if any(n < len(vocab.T4_COL_KEYS) for n in blocks.values()):
            return []
    return picked


def spacer_as_data(row: Row) -> Row:
    """An all-blank row taken as data (every cell blank = 0) when the table has no other."""
    return Row(["\u3000"], row.values, row.value_cols, table=row.table, row=row.row, page=row.page,
               packed=row.packed)


def _read_t4(rows: list[Row], state: ParseState, year: int) -> tuple[bool, set[str]]:
    """Read table 四; returns (found, keys read in template order because no header named them).

    Rows labelled with another year than the report's (a 2022年 row above the 2023年 one) are
    skipped."""
    block: str | None = None
    found = False
    header: list[Row] = []
    cmap = headers.ColumnMap()
    blocks: list[str] = []
    cols: list[str] = []
    unproven: set[str] = set()
    row_year: int | None = None
    recon_last: bool | None = None   # the header prints 行政复议 after 行政诉讼
    header_blocks: list[str] = []    # the blocks the last header names, in printed order
    spacer: Row | None = None  # an all-blank 15-cell row: the data row only if there is no other
    orphan: Row | None = None  # the last all-blank row under a header no data row followed
    read_by: dict[str, list[tuple[int, int, Decimal | None, bool]]] = {}   # key → (header, data row, value, full row)
    segment = 0   # the header block the data rows are under (a table printed again has its own)
    unread_ink = False   # a row of figures (five or more) that could not be placed
    for row in rows:
        if row.blank:  # a spacer, or the empty continuation of merged header cells
            if len(row.values) >= 15:
                spacer = spacer or row
            if header and len(row.values) >= 5:
                orphan = row
            continue
        n = vocab.norm(row.label)
        years = {int(y) for y in _YEAR.findall(n)}
        if row.labels and years and len(n) <= 30:
            row_year = years.pop() if len(years) == 1 else None
        lab = vocab.match_label(vocab.T4_ROWS[::-1], n) if row.labels else None
        if lab and len(n) <= 30 and not ("行政复议" in n and "行政诉讼" in n):
            # a label naming one block (行政诉讼（复议后起诉）) is the block of the five figures
            # that follow; a header naming several blocks or result words names none (a line of
            # only the non-blank figures of a 15-column table must not go to the last block)
            one = sum(1 for _k, frags in headers.T4_BLOCKS if any(f in n for f in frags[:1])) <= 1
            block = lab.key if one and not headers.t4_leaf_keys(n) else None
        # table 四 transposed: a row per result word (结果维持 | 3 | 1 | 0), a column per block
        # in the order the header's words print them (blank = 0 too)
        leaf = headers.t4_leaf_keys(n) if row.labels and not lab and len(n) <= 8 else ()
        turned = len(leaf) == 1 and len(row.values) == 3 and not cols and len(
            header_blocks if not header else headers.t4_block_order(header)) == 3
        # a data row whose cells are all blank (blank = 0): 行政复议 | 5 cells, 2023年 | 15 cells
        data_row = turned or (lab and len(row.values) == 5 and not headers.t4_leaf_keys(n)) or (
            row.labels and _YEAR.search(n) and len(n) <= 30 and len(row.values) >= 5)
        if not row.values or (row.head_cells and row.labels and not data_row):
            if block and not lab and row.labels and not headers.t4_leaf_keys(n) \
                    and not headers.t4_block_of(n):
                # between a block's label and its figures only table 四's header words stand:
                # other text (a PDF extractor's header read across its columns, 结结其尚,
                # r10pdftext) leaves the next five figures unnamed
                block = None
            if header:
                # a header is one table's (two tables, the first with no figures read); in Word
                # text, which prints two tables as one, a blank row the header names every cell
                # of, then header words again, is the first table's data row
                other = _other_table(header[-1], row)
                if _t4_blank_data(header, orphan, state):
                    found = other = True
                elif other and not headers.t4_col_order(header):
                    # a header naming no result columns (行政复议 | 行政诉讼 alone, a PDF
                    # table cut under its block row) is no table's: the next one continues it
                    other = False
                if other:
                    header = []
            orphan = None     # else a blank row between header rows is the header's
            header.append(row)
            continue
        orphan = None
        if header:
            found_map = _header_map(header, headers.t4_by_grid, headers.t4_col_order, 15, headers.t4_key)
            hb, hc = headers.t4_block_order(header), headers.t4_col_order(header)
            if found_map is not None or hc:
                cmap = found_map or headers.ColumnMap()
                blocks, cols = hb, hc
            recon_last = headers.t4_reconsideration_last(header)
            header_blocks = hb
            header = []
            segment += 1
        if row_year is not None and row_year != year:
            state.warnings.append(f"表四跳过 {row_year} 年的数据行（报告年度 {year}）")
            continue
        vals = [(cv, i) for i, cv in enumerate(row.values)]
        inked = sum(cv.semantic != "blank" for cv in row.values)   # a full row prints all 15
        if turned and len(header_blocks) == 3 and not cols:
            for b, (cv, idx) in zip(header_blocks, vals):
                state.put(f"t4.{b}.{leaf[0][1]}", cv, row, idx)
            found = True
            continue
        picked = _t4_by_grid(row, cmap)
        if picked:
            if {k for k, _, _ in picked} == _T4_TOTALS:
                # the result columns are visibly not printed: absent, not lost
                state.warnings.append("表四只印了行政复议、行政诉讼各项的总计：结果维持等列未印，这些单元格不属于本报告")
                state.omitted |= {f"t4.{b}.{c}" for b in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS
                                  if c != "total"}
            for key, cv, idx in picked:
                state.put(f"t4.{key}", cv, row, idx)
                read_by.setdefault(f"t4.{key}", []).append((segment, id(row), cv.value, inked >= 15))
            found = True
            continue
        if len(vals) >= 15:
            while len(vals) > 15 and vals[-1][0].semantic == "blank":
                vals.pop()
            # a row without a label in a page table whose grid has a column more (the label
            # column left empty): its empty first cell is no figure.  One cell only: a row five
            # longer (a block more, 行政赔偿, its figures after blank zeros) is not shifted
            if len(vals) == 16 and vals[0][0].semantic == "blank":
                vals.pop(0)
            if len(vals) != 15:
                unread_ink = unread_ink or inked >= 5
                continue
            keys, proven = _t4_keys(row, vals, cmap, blocks, cols)
            for key, (cv, idx) in zip(keys, vals):
                state.put(f"t4.{key}", cv, row, idx)
                read_by.setdefault(f"t4.{key}", []).append((segment, id(row), cv.value, inked >= 15))
                if not proven:
                    unproven.add(f"t4.{key}")
                    if recon_last:   # the template's order, which the header's words contradict
                        state.flag(f"t4.{key}", "表头印的行政复议在行政诉讼之后，与模板列序不符，且无法按表头确定各列：不按模板列序采用")
            found = True
        elif len(vals) == 5 and block:
            order = cols or list(vocab.T4_COL_KEYS)
            for ck, (cv, idx) in zip(order, vals):
                state.put(f"t4.{block}.{ck}", cv, row, idx)
                read_by.setdefault(f"t4.{block}.{ck}", []).append((segment, id(row), cv.value, inked >= 15))
                if not cols:
                    unproven.add(f"t4.{block}.{ck}")
            found = True
            block = None
        elif not lab:
            # a block's label names the five figures right after it, not a later row: figures of
            # another count in between (a PDF extractor's text that printed the label column
            # apart from the figures, r10pdftext) leave the next five-figure row unnamed
            block = None
    _t4_rows_disagree(read_by, state)
    if header:
        found = _t4_blank_data(header, orphan, state) or found
    if not found and spacer is not None and not unread_ink:
        # (a row of figures that could not be placed is the data row: the blank one is not)
        return _read_t4([spacer_as_data(r) if r is spacer else r for r in rows], state, year)
    return found, unproven


def _t4_rows_disagree(read_by: dict[str, list[tuple[int, int, Decimal | None, bool]]],
                      state: ParseState) -> None:
    """Two data rows of table 四 under one header that read the same column with different
    figures (a data row wrapped in two under the 15-column header, each placed from the left
    edge) prove neither row's places: every cell either row gave is flagged, not only those
    that differ — a figure the two happen to share (0 and 0) is no confirmation.  Rows that
    agree, two full 15-figure rows (each column placed by the header: their differing cells are
    flagged as read twice) and a table printed again under a header of its own (a 更正 table)
    flag nothing more."""
    clashing: set[int] = set()
    for reads in read_by.values():
        by_head: dict[int, set] = {}
        partial: set[int] = set()   # headers with a data row shorter than the header
        for seg, _r, v, full in reads:
            by_head.setdefault(seg, set()).add(v)
            if not full:
                partial.add(seg)
        clashing |= {r for seg, r, _v, _f in reads if len(by_head[seg]) > 1 and seg in partial}
    if not clashing:
        return
    for key, reads in read_by.items():
        if any(r in clashing for _s, r, _v, _f in reads):
            state.flag(key, "表四有两行数据读到同一列且数值不同（数据行被拆成两行或多印一行），各数所在的列无法确认")


def _t4_blank_data(header: list[Row], row: Row | None, state: ParseState) -> bool:
    """A table-四 table (one block of five columns, two of ten: 行政复议 and 行政诉讼 printed
    apart) whose header no row with ink follows: its last all-blank row is its data row (blank
    = 0) when the header names every one of its cells.  Returns whether it was read."""
    if row is None:
        return False
    cmap = _header_map(header, headers.t4_by_grid, headers.t4_col_order, 15, headers.t4_key)
    data = spacer_as_data(row)
    picked = _t4_by_grid(data, cmap) if cmap is not None else []
    if not picked or len(picked) != len(data.values):
        # a header whose grid does not name the cells (Word text, a table cut in two) but
        # whose words give every block and column in order: a row of exactly 15 cells
        blocks, cols = headers.t4_block_order(header), headers.t4_col_order(header)
        if len(data.values) != 15 or not (blocks and cols):
            return False
        picked = [(f"{b}.{c}", cv, i) for i, ((b, c), cv) in
                  enumerate(zip([(b, c) for b in blocks for c in cols], data.values))]
    for key, cv, idx in picked:
        state.put(f"t4.{key}", cv, data, idx)
    return True


_TABLE_NO = {"t2": "表二", "t3": "表三", "t4": "表四"}


def _table_read(sec: str, rows: list[Row]) -> bool:
    """Has a section's table been read: figures under its table's labels (a narrative line with
    a number, a small table of channels under a heading in 总体情况, is not its table)."""
    if sec == "t2":
        return sum(1 for r in rows if r.values and vocab.match_t2_row(r.label)) >= 2
    if sec == "t3":
        return sum(1 for r in rows if r.values and vocab.match_t3_row(r.label)) >= 3
    return any(len(r.values) >= 5 for r in rows)


def _split_sections(rows: list[Row], agency: str = "",
                    warnings: list[str] | None = None) -> tuple[dict[str, list[Row]], str | None]:
    """The rows of tables 二, 三 and 四, by their headings; and the unit an 附件 heading names
    before any of the report's tables when the tables after it may be that unit's, not the
    report's (None: no such heading).

    A file's tables are the report's until a second set begins: a heading of a table already
    read and left (a sub-unit's 统计表 after the report's own), or an 附件/附表 heading naming
    another unit after a table was read.  The rest is not read (a warning says so)."""
    sec: dict[str, list[Row]] = {"t2": [], "t3": [], "t4": []}
    cur: str | None = None
    left: set[str] = set()   # sections whose table was read and then left
    foreign: str | None = None
    for row in rows:
        s = _row_section(row)
        nxt = (None if s == "end" else s) if s else cur
        if nxt == "t3" and row.values and vocab.match_t4_any(row.label):
            nxt = "t4"
        unit = annex_unit(row.label, agency) if row.labels and not row.values else None
        if unit or nxt != cur:
            if cur and _table_read(cur, sec[cur]):
                left.add(cur)
            if left and (unit or nxt in left):
                if warnings is not None:
                    what = f"附件「{row.label.strip()[:40]}」" if unit else \
                        f"又一份{_TABLE_NO[nxt]}（「{row.label.strip()[:30]}」起）"
                    warnings.append(f"本报告的表格之后印有{what}：视为附件或另一单位的数据，其后的表格未读取")
                break
            foreign = foreign or unit
        cur = nxt
        if cur:
            sec[cur].append(row)
    return sec, foreign


def _whole_format_tables(rows: list[Row]) -> set[int]:
    """The tables that print every figure in one zero-decimal format (12.0; NOTES, r9freshB)."""
    by_table: dict[int, list[CellValue]] = {}
    for r in rows:
        if r.table is not None:
            by_table.setdefault(r.table, []).extend(r.values)
    return {t for t, cvs in by_table.items() if whole_number_format(cvs)}


def parse_document(doc: Document) -> ParsedReport:
    """The report a document holds; a bundle of reports gives its first, naming the others
    (``other_reports``) and carrying them parsed in ``parts`` for ``ingest``."""
    split_side_by_side(doc)
    text = doc.text()
    if fold_radicals(doc, text):
        text = doc.text()
    if to_simplified(doc, text):
        text = doc.text()
    starts = report_starts(doc)
    if len(starts) < 2:
        return _parse_one_report(doc, text)
    docs = split_reports(doc, starts)
    rep = _parse_one_report(docs[0], docs[0].text())
    rep.other_reports = [{"title": s.title.text, "agency": s.title.agency, "year": s.title.year,
                          "where": f"第 {s.page} 页" if s.page else f"第 {s.block + 1} 段"}
                         for s in starts[1:]]
    rep.warnings.append(f"文件中还有 {len(starts) - 1} 份报告（"
                        + "、".join(f"{s.title.agency}{s.title.year}年" for s in starts[1:])
                        + "），这里只读取第一份；导入时各自作为一份报告")
    for part in docs[1:]:
        try:
            rep.parts.append(_parse_one_report(part, part.text()))
        except ReportError as e:
            rep.warnings.append(f"附带的报告无法读取：{e.reason}")
    return rep


def _parse_one_report(doc: Document, text: str) -> ParsedReport:
    agency_raw, year, title = find_title(doc)
    agency_raw = signed_agency(text, agency_raw)
    period = period_year(text)
    if period is not None and period != year:
        # a title naming the year of publication (2021年度…) over figures for 2020: the figures'
        # year is the report's
        doc.warnings.append(f"标题所写年份 {year} 与正文统计期限 {period} 年不一致：按统计期限作 {period} 年度报告")
        year = period
    if year < 2019:
        raise ReportError(f"{year} 年度报告：2019 年以前的旧格式不在支持范围内", "pre_2019")
    rows = document_rows(doc)
    state = ParseState(warnings=list(doc.warnings), money_unit=document_money_unit(text),
                       t2_claims=functools.cache(lambda: narrative.t2_claims(narrative.narrative_text(doc))),
                       whole_format_tables=_whole_format_tables(rows))
    sections, foreign = _split_sections(rows, agency_raw, state.warnings)
    template, tw = detect_template(sections["t2"], text, year)
    state.warnings.extend(tw)

    unproven2: set[str] = set()
    if not any(r.values for r in sections["t3"]) and recover.looks_flat(text):
        single = recover.parse_flat(text, template, state)
        found3 = True
        doc.damaged = True
        unproven: set[str] = set()
    else:
        printed2, bare2, unproven2 = _read_t2(sections["t2"], template, state, year)
        found3, single, unproven = _read_t3(sections["t3"], state, doc.damaged)
        unproven |= unproven2
        _, unproven4 = _read_t4(sections["t4"], state, year)
        unproven |= unproven4
        read3 = any(k.startswith("t3.") for k in state.cells)
        lost = {k for k in state.uncertain if k.startswith("t3.")} if found3 and not read3 else set()
        if (not found3 or not read3) and _read_t3_transposed(sections["t3"], state):
            # rows "found" with the wrong number of values were the transposed table's rows
            for k in lost - set(state.cells):
                del state.uncertain[k]
            found3 = True
            single = any(k.startswith("t3.other_total.") for k in state.cells) and not any(
                k.startswith(f"t3.{r}.") for r in vocab.T3_OTHER_SUBROWS for k in state.cells)
        if not found3 and recover.looks_flat(text):
            found3, single = _recover_flat_t3(text, template, state), None
            doc.damaged = doc.damaged or found3
        _flag_t2_unplaced(state, template, printed2, bare2)
    if not found3 and not sections["t2"]:
        n = vocab.norm(text)
        if any(m in n for m in _PRE_2019):
            raise ReportError("旧版（2019 年以前）年报格式，不在支持范围内", "pre_2019")
        raise ReportError("找不到表二、表三（主动公开、依申请公开）：不是年度报告或表格缺失", "no_tables")
    if not found3:
        state.warnings.append("未找到表三（收到和处理政府信息公开申请情况）")
    read_other = {k.split(".")[1] for k in state.cells if k.startswith("t3.other_")}
    if not read_other:
        # no 其他处理 row was read (table 三 unreadable): the labels the table prints tell
        # its shape, so the cells it prints are the ones flagged
        single = _t3_shape(sections["t3"], text, single)
    elif single is None:   # read from run-together text: the rows read tell the shape
        single = "other_total" in read_other and not read_other & set(vocab.T3_OTHER_SUBROWS)
    if template == "2019" and not any(k.startswith("t3.other_") and k != "t3.other_total.total" for k in state.cells):
        single = True if found3 else single
    _flag_change_without_items(state)
    _mark_missing(state, template, single, found3, any(r.values for r in sections["t2"]),
                  _t2_worded(text, template))
    _flag_local_t2_cols(state, template, text)
    if doc.damaged:
        recover.flag_damaged_blanks(state, single)
    if foreign:
        for k in list(state.cells):
            state.flag(k, f"表格印在附件（{foreign}）之下，无法确定是本报告的数据还是该单位的")
    # pipe tables (converter markdown) keep every cell apart: a table-二 row as wide as its
    # template layout is placed as in an exact file
    _flag_unverified(state, bool(single), unproven, doc.damaged, unproven2 if doc.fmt == "md" else set())
    _flag_zero_t3_against_text(state, doc)

    agency, aw = canonical_agency(agency_raw)
    state.warnings.extend(aw)
    order = {k: i for i, k in enumerate(vocab.expected_keys(template, single))}
    # a flagged cell with no value is listed under uncertain only: a key in ``cells`` is a claim
    # that the report prints the cell (the spec), and an unread cell may be one it does not print
    cells = dict(sorted(((k, v) for k, v in state.cells.items() if v is not None or k not in state.uncertain),
                        key=lambda kv: (order.get(kv[0], 10_000), kv[0])))
    report = ParsedReport(agency=agency, year=year, template=template, cells=cells,
                          uncertain=state.uncertain, provenance=state.prov, title=title,
                          agency_as_printed=agency_raw, other_as_single_row=bool(single),
                          warnings=state.warnings)
    report.sections = sections_json(doc)   # the text, for the assessment (etl.assess)
    return report


def _flag_change_without_items(state: ParseState) -> None:
    """本年增/减 (``item_count_change``) counts the change of a row's item list: it stands after
    上一年项目数量 (and Shandong's 本年项目数量).  A 增减 column in a row that prints neither is
    an agency's 比上年增减 / 同比增减 of the figures beside it (a 2021-template table with a
    column added): not the template's column — flagged, never a plain key (NOTES L50)."""
    for k in [k for k in state.cells if k.startswith("t2.") and k.endswith(".item_count_change")]:
        row = k.split(".")[1]
        if not any(f"t2.{row}.{c}" in state.cells for c in ("prior_year_item_count", "current_item_count")):
            state.flag(k, "该行没有上一年项目数量列：「增减」列是与上年相比的增减（同比），不是模板的本年增/减（项目数量），"
                          "无法对应到模板的列")


def _t3_shape(rows: list[Row], text: str, single: bool | None) -> bool | None:
    """Whether table 三 prints （六）其他处理 as one row (True) or as its sub-rows (False), by
    the labels of its section (else of the whole text); ``single`` when they do not tell."""
    def subs(n: str) -> bool:
        return any(lab.matches(n) for lab in vocab.T3_ROWS
                   if lab.key in vocab.T3_OTHER_SUBROWS and lab.key != "other_other")
    section, whole = vocab.norm("".join(r.label for r in rows)), vocab.norm(text)
    if subs(section):
        return False
    if "其他处理" in section:
        # the sub-rows' labels printed after the section (a PDF extractor's text that put a
        # page's label column after the next heading, r10pdftext): either form may be printed
        return None if subs(whole) else True
    if subs(whole):
        return False
    return True if "其他处理" in whole else single


def _read_t3_transposed(rows: list[Row], state: ParseState) -> bool:
    """Table 三 printed transposed (applicant types as rows, outcomes as columns): read each
    value by its column's header words and its row's applicant word.  Returns whether the
    table was read this way; a cell whose column or row is not named stays unread."""
    # header rows: no ink in their value cells; an applicant row left blank is data (a header
    # row of outcome words may hold 其他 in 不计其他情形 / 其他法律行政法规: it names outcomes)
    # — unless its words stand in columns where the rows print figures: the pieces of a header
    # row a page break cut (…不计其他情形） over the next page's rows) are header words
    inked = {(r.table, c) for r in rows for c, v in zip(r.value_cols, r.values) if v.semantic != "blank"}

    def applicant_row(r: Row) -> bool:
        return bool(r.labels and headers.t3_applicant_of(r.label) and vocab.match_t3_row(r.label) is None
                    and not any((r.table, c) in inked for c in r.label_cols))
    header = [r for r in rows if r.head_cells and not applicant_row(r)]
    by_col = headers.t3_rows_by_grid(header)
    if len(set(by_col.values())) < 10:
        return False
    got = False
    for row in rows:
        col_key = headers.t3_applicant_of(row.label) if row.values and applicant_row(row) else None
        if col_key is None:
            continue
        keys = [by_col.get(c) for c in row.grid_cols]
        if len({k for k in keys if k}) != sum(1 for k in keys if k):
            continue  # two columns name one row: not a map to trust
        if any(cv.semantic != "blank" and not k for cv, k in zip(row.values, keys)):
            continue  # ink in a column no header names: the grids of header and rows disagree
        for i, (cv, key) in enumerate(zip(row.values, keys)):
            if key:
                state.put(f"t3.{key}.{col_key}", cv, row, i)
                got = True
    if got:
        state.warnings.append("表三为转置排版（申请人类型为行），按表头文字读取")
    return got


def _recover_flat_t3(text: str, template: str, state: ParseState) -> bool:
    """No table 三 row was found, but its labels are in the text (one cell per line, as
    pdfminer-based crawlers write it): read the text as run-together cells and take the cells
    the table reading did not give.  Returns whether table 三 was found this way."""
    flat = ParseState()
    recover.parse_flat(text, template, flat)
    got = False
    for key, value in flat.cells.items():
        if key in state.cells:
            continue
        got = got or key.startswith("t3.")
        state.cells[key] = value
        if key in flat.prov:
            state.prov[key] = flat.prov[key]
        if key in flat.uncertain:
            state.uncertain[key] = flat.uncertain[key]
    if got:
        state.warnings.append("表三未按表格读出，按连写文本恢复（单元格边界不可靠，结果按勾稽关系验证）")
    return got


def _flag_zero_t3_against_text(state: ParseState, doc: Document) -> None:
    """Table 三 printing 0 in every cell read while the report's text says applications came
    in (全年新收政府信息公开申请23件): one of the two is wrong — a print whose program
    recomputed Word's formula fields to 0 (LibreOffice), a table left unfilled — so every
    table-三 cell is flagged (NOTES L19's exception; the figures stay as printed)."""
    t3 = [v for k, v in state.cells.items() if k.startswith("t3.") and v is not None]
    if len(t3) < 7 or any(v != 0 for v in t3):
        return
    stated = sorted(n for n in narrative.applications_stated(narrative.narrative_text(doc)) if n > 0)
    if not stated:
        return
    why = f"正文称收到政府信息公开申请 {stated[0]} 件，表三却每格都是 0：两者必有一误（如打印程序把公式域重算为 0），无法确定"
    for k in [k for k in state.cells if k.startswith("t3.")]:
        state.flag(k, why)


def _flag_unverified(state: ParseState, single: bool, unproven: set[str], damaged: bool,
                     kept: set[str] = frozenset()) -> None:
    """Class-2 rule: a cell whose reading was inferred (placed by order, split from a run,
    summed from parts) and that sits in a failing identity is uncertain (a blank cell of
    converter/OCR text in one is flagged by :func:`recover.flag_damaged_blanks`).  Cells read in template order because no header named the columns are
    uncertain unless the source is exact (or their placement is one the damage cannot touch:
    ``kept``) and every identity of their table holds.  An exact source read by its labels
    keeps its own printing errors as check failures."""
    failing = checks.failing_identities(state.cells, single)
    bad_tables = {k[:2] for _, keys in failing for k in keys}
    for k in sorted(unproven):
        if (damaged and k not in kept) or k[:2] in bad_tables:
            state.flag(k, "表头无法确定列的含义，按模板列序读取" + (
                "，且本表勾稽关系不成立" if not damaged else "（源文件为转换/识别文本）"))
    _flag_unproven_totals(state, [k for k in unproven if k.startswith("t3.") and k.endswith(".total")])
    for cid, keys in failing:
        for k in keys:
            p = state.prov.get(k)
            if p is not None and p.method != "cell":
                how = {"order": "按印刷顺序归位", "split": "由连写数字切分", "sum": "由拆分行相加",
                       "narrative": "由正文所述数字选定读法",
                       "label": "由行标签单元格内印的数字读出"}.get(
                    p.method, "推断得出")
                state.flag(k, f"该格{how}，且经过它的勾稽关系 {cid} 不成立")


def _flag_unproven_totals(state: ParseState, totals: list[str]) -> None:
    """Table 三's 总计 read in template order (no header word named the column): the identity
    总计 = the six applicant columns proves the place only on a row with two or more applicant
    figures not zero; where no row has them, a column repeating the only figure (其中网上申请
    in 总计's place) reads the same, and the totals are flagged."""
    if not totals or any(_t3_total_sum(state, k.split(".")[1]) >= 2
                         for k in state.cells if k.startswith("t3.") and k.endswith(".total")):
        return
    for k in totals:
        # the column may be another one (其中网上申请): no value is claimed for 总计
        state.flag(k, f"表头未印「总计」列名，按模板列序读作总计（读出 {state.cells.get(k)}）；没有一行有两个"
                   "以上申请人列的数字，无法证实该列是各列之和（可能是其他列）")
        state.cells[k] = None


def _t2_worded(text: str, template: str) -> list[str]:
    """Table-二 keys that section 二 names in words beside figures (a table written as
    sentences: 本年制发规章3件，废止1件…; the national template's cells and those of the rows and
    local columns the words name): cells the section prints even when no table row holds them.
    Empty when the section prints no figure or names no table-二 row."""
    n = vocab.norm(text)
    i = n.find("主动公开政府信息情况")
    j = n.find("收到和处理政府信息公开申请", i + 1) if i >= 0 else -1
    seg = n[i:j] if 0 <= i < j else ""
    if not re.search(r"\d", seg):
        return []
    layout = vocab.T2_LAYOUT.get(template, {})
    named_cols = {c.key for c in vocab.T2_COLS if c.matches(seg)}
    rows = [lab.key for lab in vocab.T2_ROWS if lab.matches(seg)]
    if not rows:
        return []
    keys = [f"t2.{row}.{col}" for row, cols in layout.items() for col in cols]
    for row in rows:
        cols = list(layout.get(row) or vocab.t2_unnamed_cols(row, [], template))
        cols += [c for c in vocab.t2_unnamed_cols(row, cols, template) if c in named_cols]
        keys += [f"t2.{row}.{c}" for c in cols]
    return list(dict.fromkeys(keys))


def _flag_local_t2_cols(state: ParseState, template: str, text: str) -> None:
    """A table-二 row whose reading is already in doubt and which prints more figures after its
    label than the template has columns (a header dropped by a crawler, so nothing names
    Shandong's 本年项目数量): the row's local columns are flagged too — the row may print them."""
    if not any(k.startswith("t2.") for k in state.uncertain):
        return
    layout = vocab.T2_LAYOUT.get(template, {})
    for row, n in _t2_row_figures(text).items():
        cols = list(layout.get(row, ()))
        if n <= len(cols) or not any(k.startswith(f"t2.{row}.") for k in state.uncertain):
            continue
        for c in vocab.t2_unnamed_cols(row, cols, template):
            key = f"t2.{row}.{c}"
            if key not in state.cells and key not in state.uncertain:
                state.flag(key, f"该行在正文中印有 {n} 个数字，多于模板的 {len(cols)} 列，且表头未能读出："
                                f"可能印有「{vocab.col_zh('t2', c)}」列，无法确定")


def _t2_row_figures(text: str) -> dict[str, int]:
    """How many figures, apart by white space, stand after each table-二 row's first label in
    section 二 of ``text``, up to the next row's label (digits run together count once)."""
    s = re.sub(r"\s+", " ", text)
    i = s.find("主动公开政府信息情况")
    j = s.find("收到和处理政府信息公开申请", i + 1) if i >= 0 else -1
    seg = s[i:j] if 0 <= i < j else ""
    first = {lab.key: min((seg.find(m) for m in lab.match if m in seg), default=-1) for lab in vocab.T2_ROWS}
    starts = sorted((k, key) for key, k in first.items() if k >= 0)
    ends = [k for k, _ in starts[1:]] + [len(seg)]
    return {key: len(re.findall(r"-?\d+(?:\.\d+)?", seg[k:end])) for (k, key), end in zip(starts, ends)}


def _mark_missing(state: ParseState, template: str, single: bool | None, found3: bool,
                  t2_printed: bool = False, t2_worded: list[str] | None = None) -> None:
    """Cells the template prints but the parser could not find: null and flagged.  A table
    not found at all (transposed, shredded) is flagged cell by cell in every format; a whole
    table-二 row the agency did not print is simply absent — unless table 二 prints numbers
    and not one of its rows could be read (then every cell it should have is flagged), or
    section 二 prints its figures in words (``t2_worded``: those cells are flagged)."""
    why3 = "源文件中未找到该单元格" if found3 else "未能读出表三（表格结构无法识别）"
    t2_lost = t2_printed and not any(k.startswith("t2.") for k in state.cells)
    if t2_worded and not any(k.startswith("t2.") for k in state.cells):
        for key in t2_worded:
            state.flag(key, "表二的数字写在文字里，没有按表格读出")
    # nothing tells the shape of （六）其他处理 (table 三 not read, or read without any of its
    # rows: a text box clipping the table): either form may be printed
    shapes = (single,) if single is not None else (True, False)
    for key in dict.fromkeys(k for shape in shapes for k in vocab.expected_keys(template, shape)):
        table = key[:2]
        if table == "t2" and t2_lost:
            state.flag(key, "表二印有数字，但没有一行能读出（表格结构无法识别）")
            continue
        if table == "t2":
            row = key.split(".")[1]
            if not any(k.startswith(f"t2.{row}.") for k in state.cells):
                continue  # whole row absent: agencies omit rows; not a cell we lost
        if key not in state.cells and key not in state.omitted:
            state.flag(key, why3 if table == "t3" else "源文件中未找到该单元格")
    gone = sorted({vocab.col_zh("t3", k.rsplit(".", 1)[1]) for k in state.omitted - set(state.cells)})
    if gone:
        state.warnings.append(f"表三未印「{'」「'.join(gone)}」列：这些单元格不属于本报告，未读取")


# --------------------------------------------------------------------------- files

_JSON_OBJECT = re.compile(rb"\s*\{\s*[\"}]")


def _structured(data: bytes, path: Path) -> ParsedReport | None:
    """A structured report file (the spec's JSON) is loaded as is."""
    if not _JSON_OBJECT.match(data):   # {"…  — not {\rtf1 (an RTF file opens with a brace too)
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
    doc = None
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
    sha = hashlib.sha256(data).hexdigest()
    src.update({"path": str(path), "name": path.name, "sha256": sha, "format": fmt, "bytes": len(data)})
    if fmt == "json" and rep.source.get("sha256"):
        src["original"] = {k: rep.source.get(k) for k in ("name", "sha256", "format", "bytes")}
    rep.source = src
    for i, part in enumerate(rep.parts, start=2):
        part.checks = run_checks(part)
        part.source = dict(src, sha256=hashlib.sha256(f"{sha}#{i}".encode()).hexdigest(),
                           bundle_sha256=sha, part=i)
    if doc is not None and doc.ocr is not None:
        from etl.readers.ocr import review_report
        for r in (rep, *rep.parts):
            review_report(doc, r)   # hook: method/confidence per cell; OCR doubts → uncertain
    elif doc is not None and doc.ocr_layer:
        # a PDF's text layer over page pictures is another tool's OCR (NOTES L34)
        from etl.readers.ocr import flag_failing_terms
        for r in (rep, *rep.parts):
            flag_failing_terms(r, list(r.cells), "PDF 的文字层是扫描件的识别结果，读数可能有误", explained=True)
    return rep


def parse_file(path: str | Path) -> ParsedReport:
    """Parse one file (any supported format, or a structured report JSON)."""
    from etl.readers import read_regular
    path = Path(path)
    data = read_regular(path)
    if not data.strip():
        raise ReportError("空文件", "empty")
    return parse_bytes(data, str(path))
