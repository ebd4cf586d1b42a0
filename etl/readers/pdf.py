"""PDF reader: turns a text-layer PDF into a neutral :class:`Document` with pdfplumber (MIT).

Role in the ETL, per page (1-based ``page`` on every block and cell):

0. Drop glyphs that are no part of the text (NOTES L34): a watermark's slanted, light grey or
   half-transparent glyphs, and footnote marks drawn as raised smaller glyphs after a figure.
1. Drop invisible drawing objects before table finding: WPS/Word paint a white filled
   rectangle behind every text line, which pdfplumber would otherwise read as a one-column
   "table" covering the whole page.
2. Ruled tables: ``page.find_tables()``.  pdfplumber reports ``None`` for grid positions that
   no cell starts at.  We resolve each ``None`` geometrically: if a detected cell's bbox covers
   the position, it is a span copy of that cell (``is_span_copy=True``); this is exact, unlike
   guessing "left neighbour, else above".  If no cell covers it, the cell is not closed on this
   page (a merged label cut by a page break): its characters are collected from the page and
   consecutive such positions in one column become one vertically merged cell.  A ruled band
   holding several rows' figures one above the other (a rule not drawn) is split by them.
3. Text outside table bboxes becomes :class:`Paragraph` lines, top to bottom.  Page furniture
   ("- 3 -", "— 3 —", "第 3 页", "3/5", a bare page number in the margin) is dropped.
4. Tables without ruling lines: a run of lines that look like table rows (a label followed by
   numbers, split into cells where the gap between characters exceeds ~1.5 character widths)
   is rebuilt as a :class:`Table`, its columns aligned by x-overlap.

Speed: each page's chars and drawing objects are built by pdfium (pypdfium2, C) in
pdfplumber's format and handed to pdfplumber, which then never runs pdfminer's pure-Python
content-stream interpreter on that page; pages pdfium cannot mirror exactly (vertical writing,
rotated text, unmapped glyphs, images, rotated/offset page boxes) are read by pdfminer as
before.  See the "pdfium objects" section.

A table split across pages comes out as two Table blocks.  Scanned PDFs (images, no text
layer) are read by OCR (:mod:`etl.readers.ocr`, which reuses :func:`_read_page`) or refused
with ``ReportError(code="scanned_pdf")`` naming why; more than :data:`MAX_PAGES` pages raise
``too_large``; files pdfminer cannot parse raise ``corrupt_pdf``.
"""
from __future__ import annotations

import io
import re
import zlib
from statistics import median

from etl.document import Cell, Document, Paragraph, ReportError, Table
from etl.radicals import fold_text
from etl.readers.html import join_cell_lines

MAX_PAGES = 200
MAX_BYTES = 100 * 1024 * 1024
SCANNED_REASON = "扫描件（无文字层）"
# Decompressed page content (content streams and the form XObjects they draw), counted before
# pdfium or pdfminer materialise it: a 20 KB file whose /Contents repeats one 1 MB stream
# 3,000 times, or a stream that inflates 1.5 MB → 1.5 GB, is refused, not parsed.
MAX_PAGE_CONTENT_BYTES = 64 * 1024 * 1024
MAX_DOC_CONTENT_BYTES = 256 * 1024 * 1024

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])")
_PAGE_FURNITURE = [
    re.compile(r"^[-—–－‐_~·•\s]*\d{1,4}[-—–－‐_~·•\s]*$"),  # - 3 -, — 3 —, 3
    re.compile(r"^第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$"),  # 第 3 页, 第3页 共5页
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 3/5
    re.compile(r"^(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I),
]
_BARE_DECORATED = re.compile(r"^[-—–－‐]\s*\d{1,4}\s*[-—–－‐]$|^第\s*\d{1,4}\s*页")
_NUMERIC = re.compile(r"^[-+−]?[\d０-９][\d０-９,，.．]*\s*(%|万元|元|件|条|个|项)?$|^[/／\-—–－]$")


# ----------------------------------------------------------------------------- helpers

def _color_floats(color) -> tuple[float, ...] | None:
    """A pdfplumber colour (a number, or a gray / RGB / CMYK sequence) as floats; None when it
    is none of these (a pattern name)."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        return tuple(float(x) for x in color)
    except (TypeError, ValueError):
        return None


def _is_white(color) -> bool:
    color = _color_floats(color)
    if color is None:
        return False
    if len(color) == 1:
        return color[0] >= 0.95
    if len(color) == 3:
        return min(color) >= 0.95
    if len(color) == 4:  # CMYK
        return max(color) <= 0.05
    return False


def _visible(obj) -> bool:
    """Keep only drawing objects that can act as ruling lines."""
    kind = obj.get("object_type")
    if kind in ("rect", "curve"):
        stroke, fill = obj.get("stroke"), obj.get("fill")
        if not stroke and (not fill or _is_white(obj.get("non_stroking_color"))):
            return False
        if stroke and not fill and _is_white(obj.get("stroking_color")):
            return False
    elif kind == "line" and _is_white(obj.get("stroking_color")):
        return False
    return True


def _clean_cell_text(text: str | None) -> str:
    if not text:
        return ""
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"[ \t\xa0\u3000]+", " ", line).strip()
        line = _SPACE_IN_CJK.sub("", line)
        if line:
            lines.append(line)
    if len(lines) >= 3 and all(len(x) <= 2 for x in lines) and \
            not any(_NUMERIC.match(x) for x in lines):
        return "".join(lines)  # vertical text in a narrow column: 三/、/本/年/度…
    return join_cell_lines(lines)


def _clean_line(text: str) -> str:
    text = re.sub(r"[ \t\xa0\u3000]+", " ", text).strip()
    return _SPACE_IN_CJK.sub("", text)


def is_page_furniture(text: str, top: float, bottom: float, page_height: float) -> bool:
    """Page headers/footers: page numbers in their common Chinese and Western forms."""
    t = text.strip()
    if not t:
        return True
    in_margin = top < page_height * 0.08 or bottom > page_height * 0.90
    if _BARE_DECORATED.match(t) and len(t) <= 16:
        return True
    if in_margin:
        return any(p.match(t) for p in _PAGE_FURNITURE)
    return False


def _running_line(text: str, top: float, bottom: float, page_height: float, page_no: int,
                  carry: dict) -> bool:
    """A running header or footer: a line of words in a page's top or bottom margin that an
    earlier page printed in its margin too (平潭… 2020年度政府信息公开工作年度报告 on every page).
    Its repeats are page furniture — between a table's rows cut by a page break they would part
    the row from the rest of its label (r11old) — and are kept as the document's page titles;
    its first printing stays a line of the text."""
    if not (top < page_height * 0.08 or bottom > page_height * 0.92) or len(text) < 6 \
            or not re.search(r"[\u4e00-\u9fff]", text):
        return False
    seen = carry.setdefault("margin_lines", {})
    first = seen.setdefault(_running_key(text), page_no)
    return first != page_no


def _running_key(text: str) -> str:
    """A running line's words with its numbers blanked: the page number it prints beside them
    (…年度报告 第2页 共3页) changes from page to page, the line is the same."""
    return re.sub(r"\d+", "#", text)


def _fix_pdf_string(s) -> str | None:
    """Metadata strings: pdfminer sometimes leaves UTF-16 with BOM decoded as PDFDocEncoding."""
    if s is None:
        return None
    if isinstance(s, bytes):
        for enc in ("utf-16", "utf-8", "gb18030"):
            try:
                s = s.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            return None
    s = str(s)
    if s[:2] in ("\xfe\xff", "\xff\xfe", "þÿ", "ÿþ"):
        try:
            s = s.encode("latin-1").decode("utf-16")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return None
    s = s.strip().strip("\x00")
    return s or None


# ----------------------------------------------------------------------------- ruled tables

def _edges(starts: list[float], end: float) -> list[tuple[float, float]]:
    return [(a, starts[i + 1] if i + 1 < len(starts) else end) for i, a in enumerate(starts)]


#: a figure whose last glyph ends this close to the paper's right edge may have lost glyphs there
CLIPPED_DOUBT = "表格右侧超出纸张边缘（网页打印时被裁切），该格数字可能不完整"


def _open_right(table, page) -> float | None:
    """The right end of a ruled table's last column when its right rule is not on the page:
    the table's horizontal rules run on past its last vertical rule and text sits there, on
    the table's rows (a web page wider than the paper, printed by a browser, is cut at the
    paper's edge).  None when the table is closed."""
    tb = table.bbox
    runs = [e["x1"] for e in page.edges if e.get("orientation") == "h" and tb[1] - 1 <= e["top"] <= tb[3] + 1
            and e["x0"] <= tb[2] + 1 and e["x1"] > tb[2] + 3]
    if len(runs) < 2:
        return None
    right = min(max(runs), float(page.bbox[2]))
    inked = [ch for ch in page.chars if ch["text"].strip() and ch["x0"] >= tb[2] - 0.5 and ch["x1"] <= right + 1
             and tb[1] <= (ch["top"] + ch["bottom"]) / 2 <= tb[3]]
    return right if inked else None


def _add_open_column(grid: list[list[Cell | None]], page, table, row_rng, right: float, page_no: int) -> None:
    """One more column from the text between the table's last rule and ``right``, row by row;
    a figure reaching the paper's edge is doubtful (:data:`CLIPPED_DOUBT`)."""
    from pdfplumber.utils import extract_text

    tb = table.bbox
    col = len(grid[0]) if grid else 0
    for r, row in enumerate(grid):
        a, z = row_rng[r] if r < len(row_rng) else (0.0, 0.0)
        chars = [ch for ch in page.chars if ch["text"].strip() and ch["x0"] >= tb[2] - 0.5
                 and ch["x1"] <= right + 1 and a <= (ch["top"] + ch["bottom"]) / 2 <= z]
        cell = Cell(_clean_cell_text(extract_text(chars)) if chars else "", r, col, page=page_no,
                    bbox=(tb[2], a, right, z))
        if chars:
            width = max(ch["x1"] - ch["x0"] for ch in chars)
            if max(ch["x1"] for ch in chars) >= float(page.bbox[2]) - width:
                cell.doubt = CLIPPED_DOUBT
        row.append(cell)


def _ruled_table(table, page, page_no: int, index: int, right: float | None = None) -> Table:
    """Grid from a pdfplumber table, resolving None positions (see module docstring);
    ``right``: the end of a last column whose right rule is off the page (:func:`_open_right`)."""
    texts = table.extract()
    rows = table.rows
    n_rows = len(rows)
    n_cols = max((len(r.cells) for r in rows), default=0)
    x0s = sorted({c[0] for r in rows for c in r.cells if c is not None})
    tops = [r.bbox[1] for r in rows]
    col_rng = _edges(x0s, table.bbox[2])[:n_cols]
    row_rng = _edges(tops, table.bbox[3])
    cells_bbox = [c for r in rows for c in r.cells if c is not None]
    origin_pos = {}
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None:
                origin_pos[bbox] = (r, c)

    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    covered_by: dict[tuple[int, int], tuple] = {}
    unclosed: list[tuple[int, int]] = []
    for r in range(n_rows):
        for c in range(n_cols):
            bbox = rows[r].cells[c] if c < len(rows[r].cells) else None
            if bbox is not None:
                text = texts[r][c] if r < len(texts) and c < len(texts[r]) else ""
                grid[r][c] = Cell(_clean_cell_text(text), r, c, page=page_no, bbox=tuple(bbox))
                continue
            if c >= len(col_rng):
                continue
            xm = (col_rng[c][0] + col_rng[c][1]) / 2
            ym = (row_rng[r][0] + row_rng[r][1]) / 2
            for b in cells_bbox:
                if b[0] - 0.5 <= xm <= b[2] + 0.5 and b[1] - 0.5 <= ym <= b[3] + 0.5:
                    covered_by[(r, c)] = b
                    break
            else:
                unclosed.append((r, c))

    # span copies of covering cells
    for (r, c), b in covered_by.items():
        orow, ocol = origin_pos[b]
        origin = grid[orow][ocol]
        grid[r][c] = Cell(origin.text, r, c, is_span_copy=True, page=page_no)
        origin.rowspan = max(origin.rowspan, r - orow + 1)
        origin.colspan = max(origin.colspan, c - ocol + 1)

    if unclosed:
        _fill_unclosed(grid, unclosed, page, table, cells_bbox, col_rng, row_rng, page_no)

    for r in range(n_rows):  # copies carry their original's span sizes
        for c in range(n_cols):
            cell = grid[r][c]
            if cell is None:
                grid[r][c] = Cell("", r, c, page=page_no)
            elif cell.is_span_copy and (r, c) in covered_by:
                orow, ocol = origin_pos[covered_by[(r, c)]]
                cell.rowspan, cell.colspan = grid[orow][ocol].rowspan, grid[orow][ocol].colspan
    if right is not None and n_cols:
        _add_open_column(grid, page, table, row_rng, right, page_no)
    return _spread_wide_lines(_split_banded_rows(Table([list(row) for row in grid], index=index, page=page_no), page), page)


_BAND_DOUBT = "一格内上下印有几个数字（行间缺少表格线？），无法确定各属哪一行"


_ROW_START = re.compile(r"\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d{1,2}\s*[.、．]|"
                        r"行政|其他|政府|规章|规范性|本年|上年|总计|合计)")


def _wrapped(lines: list[list[dict]], bbox) -> bool:
    """Whether a cell's first text line runs to its box's width (what wraps onto a next line)."""
    if len(lines) < 2:
        return False
    first = lines[0]
    size = median(ch.get("size") or 10 for ch in first)
    return max(ch["x1"] for ch in first) - min(ch["x0"] for ch in first) >= bbox[2] - bbox[0] - 2.5 * size


def _cell_lines(page, bbox) -> list[list[dict]]:
    """The characters inside a cell's box, as text lines (top to bottom)."""
    x0, top, x1, bottom = bbox
    chars = sorted((ch for ch in page.chars if ch["text"].strip()
                    and x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom),
                   key=lambda ch: ((ch["top"] + ch["bottom"]) / 2, ch["x0"]))
    lines: list[list[dict]] = []
    for ch in chars:
        ym = (ch["top"] + ch["bottom"]) / 2
        if lines and abs(ym - _mid(lines[-1])) < 0.5 * (ch.get("size") or 10):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(ln, key=lambda ch: ch["x0"]) for ln in lines]


def _mid(line: list[dict]) -> float:
    return sum((ch["top"] + ch["bottom"]) / 2 for ch in line) / len(line)


def _slot(mids: list[float], m: float, size: float) -> int | None:
    """The index of the height in ``mids`` that ``m`` stands at (within 0.6 text sizes)."""
    best = min(range(len(mids)), key=lambda j: abs(mids[j] - m))
    return best if abs(mids[best] - m) <= 0.6 * size else None


def _column_ranges(table: Table) -> list[tuple[float, float]] | None:
    """Each grid column's x-range: from the left edge of the cells starting in it to the next
    column's (None when no cell starts in a column)."""
    n = max((len(r) for r in table.rows), default=0)
    starts: list[float | None] = [None] * n
    end = 0.0
    for row in table.rows:
        for c, cell in enumerate(row):
            if cell.bbox and not cell.is_span_copy:
                starts[c] = cell.bbox[0] if starts[c] is None else min(starts[c], cell.bbox[0])
                end = max(end, cell.bbox[2])
    if None in starts:
        return None
    xs = [*starts, end]
    return [(xs[c], xs[c + 1]) for c in range(n)]  # type: ignore[misc]


def _spread_wide_lines(table: Table, page) -> Table:
    """A band the width of the table holding a row of figures above (or below) a sub-table's
    heading (the rule between them, and the figures' column rules, not drawn): each text line
    is a row of its own, and a line whose pieces (gap-separated) each stand inside one column,
    with a figure among them, is spread over those columns — the figures are a row's, never
    one wide cell's text.  Other lines stay one cell over the table's width."""
    cols = _column_ranges(table)
    if not cols or len(cols) < 2:
        return table
    out: list[list[Cell]] = []
    changed = False
    for row in table.rows:
        own = [c for c in row if not c.is_span_copy]
        cell = own[0] if len(own) == 1 else None
        if cell is None or cell.colspan < len(cols) or cell.rowspan != 1 or not cell.bbox or "\n" not in cell.text:
            out.append(row)
            continue
        lines = _cell_lines(page, cell.bbox)
        spread = []
        for ln in lines:
            pieces = _split_line_cells(ln)
            at = [next((c for c, (a, b) in enumerate(cols) if a - 1 <= p["x0"] and p["x1"] <= b + 1), None)
                  for p in pieces]
            fits = None not in at and len(set(at)) == len(at) and any(p["num"] for p in pieces)
            spread.append(dict(zip(at, (p["text"] for p in pieces))) if fits else None)
        if len(lines) < 2 or not any(spread):
            out.append(row)
            continue
        changed = True
        for ln, cells in zip(lines, spread):
            top, bottom = min(ch["top"] for ch in ln), max(ch["bottom"] for ch in ln)
            if cells is None:
                text = _clean_cell_text(_line_text(ln))
                out.append([Cell(text, 0, c, colspan=len(cols), is_span_copy=c > 0, page=cell.page,
                                 bbox=(cell.bbox[0], top, cell.bbox[2], bottom) if c == 0 else None)
                            for c in range(len(cols))])
            else:
                out.append([Cell(cells.get(c, ""), 0, c, page=cell.page, bbox=(a, top, b, bottom))
                            for c, (a, b) in enumerate(cols)])
    if not changed:
        return table
    for r, row in enumerate(out):
        for c, x in enumerate(row):
            x.row, x.col = r, c
    return Table(out, index=table.index, page=table.page)


def _split_banded_rows(table: Table, page) -> Table:
    """A ruled band holding several rows (the rules between them not drawn: borders set to
    none on some cells): when its figure cells print figures on two or more lines, each line
    of figures is a row of its own.  The lines of the cell with the most figures give the rows'
    heights; every other text line of the band (a label, a blank-zero row's single figure) goes
    to the row whose height it stands at.  A figure line standing at none of them, or two
    figures at one height in a cell, leave the band one row with its figure cells doubtful."""
    from pdfplumber.utils import extract_text

    out: list[list[Cell]] = []
    for row in table.rows:
        own = [c for c in row if not c.is_span_copy and c.rowspan == 1 and c.bbox]
        if not any("\n" in c.text for c in own):   # figures' lines stay apart in the text
            out.append(row)
            continue
        lines = {id(c): _cell_lines(page, c.bbox) for c in own}
        figs = [c for c in own if lines[id(c)] and all(
            _NUMERIC.match(_clean_line(extract_text(ln))) for ln in lines[id(c)])]
        k = max((len(lines[id(c)]) for c in figs), default=0)
        labels = [lines[id(c)] for c in own if c not in figs and c.text.strip()]
        if k < 2 or any(_wrapped(lines[id(c)], c.bbox) for c in figs) or not any(len(ls) >= 2 for ls in labels):
            # a figure's first line filling its cell is a figure wrapped in a narrow cell
            # (3001 as 30 / 01), and figures of several lines beside a label of one line are a
            # figure broken by a line break (70 / 8): not the figures of two rows, which print
            # a label line each
            out.append(row)
            continue
        if not all(_ROW_START.match(_clean_line(extract_text(ln))) for ls in labels for ln in ls[1:]):
            # a label's next line that starts no row may be the same label wrapped: the
            # figures' lines may be one figure broken (30 / 01) or two rows' figures
            for c in figs:
                c.doubt = c.doubt or _BAND_DOUBT
            out.append(row)
            continue
        ref = next(c for c in figs if len(lines[id(c)]) == k)
        mids = [_mid(ln) for ln in lines[id(ref)]]
        size = median(ch.get("size") or 10 for ln in lines[id(ref)] for ch in ln)
        slots = {id(ln): _slot(mids, _mid(ln), size) for c in figs for ln in lines[id(c)]}
        ok = None not in slots.values() and all(
            len({slots[id(ln)] for ln in lines[id(c)]}) == len(lines[id(c)]) for c in figs)
        if not ok:
            for c in figs:
                c.doubt = c.doubt or _BAND_DOUBT
            out.append(row)
            continue
        cuts = [(a + b) / 2 for a, b in zip(mids, mids[1:])]
        subrows: list[list[Cell]] = [[] for _ in range(k)]
        for cell in row:
            if cell not in own:   # spans over the band or across columns: one cell over the sub-rows
                for i in range(k):
                    subrows[i].append(Cell(cell.text, 0, cell.col, cell.rowspan, cell.colspan,
                                           is_span_copy=cell.is_span_copy or i > 0, page=cell.page,
                                           bbox=cell.bbox if i == 0 else None))
                continue
            parts: list[list[dict]] = [[] for _ in range(k)]
            for ln in lines[id(cell)]:
                m = _mid(ln)
                parts[sum(m > y for y in cuts)].extend(ln)
            x0, top, x1, bottom = cell.bbox
            edges = [top, *cuts, bottom]
            for i in range(k):
                subrows[i].append(Cell(_clean_cell_text(extract_text(parts[i])) if parts[i] else "", 0, cell.col,
                                       page=cell.page, bbox=(x0, edges[i], x1, edges[i + 1])))
        # cells spanning columns (label cells over two columns): copies follow their origin
        for sub in subrows:
            for j, cell in enumerate(sub):
                if cell.is_span_copy and j and sub[j - 1].col < cell.col and row[j].is_span_copy \
                        and row[j].rowspan == 1 and not row[j - 1].is_span_copy:
                    cell.text = sub[j - 1].text
        out.extend(subrows)
    if len(out) == len(table.rows):
        return table
    # origins of vertical spans over a split band cover its new rows too
    for r, row in enumerate(out):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    for c in range(len(out[0]) if out else 0):
        r = 0
        while r < len(out):
            cell = out[r][c]
            n = 1
            while r + n < len(out) and c < len(out[r + n]) and out[r + n][c].is_span_copy \
                    and out[r + n][c].text == cell.text and cell.rowspan > 1:
                n += 1
            if cell.rowspan > 1:
                cell.rowspan = n
                for i in range(1, n):
                    out[r + i][c].rowspan = n
            r += n
    return Table(out, index=table.index, page=table.page)


def _fill_unclosed(grid, unclosed, page, table, cells_bbox, col_rng, row_rng, page_no) -> None:
    """Positions no detected cell covers: a merged cell left open by a page break (or a
    missing rule).  Collect the characters there; runs in one column form one cell."""
    from pdfplumber.utils import extract_text

    tb = table.bbox
    orphans: dict[tuple[int, int], list] = {}
    unclosed_set = set(unclosed)
    for ch in page.chars:
        xm = (ch["x0"] + ch["x1"]) / 2
        ym = (ch["top"] + ch["bottom"]) / 2
        if not (tb[0] <= xm <= tb[2] and tb[1] <= ym <= tb[3]):
            continue
        if any(b[0] <= xm <= b[2] and b[1] <= ym <= b[3] for b in cells_bbox):
            continue
        r = next((i for i, (a, z) in enumerate(row_rng) if a <= ym <= z), None)
        c = next((i for i, (a, z) in enumerate(col_rng) if a <= xm <= z), None)
        if r is not None and c is not None and (r, c) in unclosed_set:
            orphans.setdefault((r, c), []).append(ch)
    by_col: dict[int, list[int]] = {}
    for r, c in sorted(unclosed, key=lambda p: (p[1], p[0])):
        by_col.setdefault(c, []).append(r)
    for c, rs in by_col.items():
        runs: list[list[int]] = []
        for r in rs:
            if runs and runs[-1][-1] == r - 1:
                runs[-1].append(r)
            else:
                runs.append([r])
        for run in runs:
            chars = [ch for r in run for ch in orphans.get((r, c), [])]
            text = _clean_cell_text(extract_text(chars)) if chars else ""
            first = run[0]
            grid[first][c] = Cell(text, first, c, rowspan=len(run), page=page_no,
                                  bbox=(col_rng[c][0], row_rng[first][0], col_rng[c][1], row_rng[run[-1]][1]))
            for r in run[1:]:
                grid[r][c] = Cell(text, r, c, rowspan=len(run), is_span_copy=True, page=page_no)


# ----------------------------------------------------------------------------- unruled tables
#
# A table without ruling lines is rebuilt from the text lines of a page region:
#
# * Region: it starts at an anchor line — a data line (a label and numbers, or several numbers,
#   separated by wide gaps) or a header line (>= 3 gap-separated cells, or >= 3 short CJK words
#   with narrow gaps as in 15-column headers) — and grows over neighbouring lines of the same
#   font size that are vertically close.  Zones come from the data lines: row labels end at
#   ``lx``, numbers start at ``v0``.  Going down, data lines and label-only lines (row labels of
#   blank rows, wrapped label lines) join; a line with non-numeric text in the number zone after
#   the first data line starts another table (table 二's sub-tables).  Going up, header lines
#   join; a line straddling both zones (a heading) ends the region either way.
# * Column grid: numeric words of all data lines, merged where they overlap in x (right- or
#   centre-aligned numbers of one column overlap, neighbouring columns do not), then the header
#   words bottom-up: a word over one column widens it, over none adds a column (a blank
#   column), over two or more is a spanning header and changes nothing.
# * Rows: every line is a row with the same cells: label columns (label pieces, merged where
#   they overlap in x) then one cell per column band, '' where the band is empty.  A label-only
#   line is a blank row ('' values) unless its label block (the wrapped lines of one cell) is
#   beside a data line (its own numbers: the line stays a label row, the parser pairs it) or
#   beside row labels to its right (a merged group label); such lines and header lines get
#   their empty value cells as span copies, so they carry no values.  The wrapped lines of a
#   blank row's label are joined into its first line.
# * A table with no label column whose only data row is blank prints nothing at all (table 四
#   with every zero left empty): when the header is followed by at least a row's height of
#   empty space before the next line, one blank row is added.

_ENUM = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


def _words(chars: list, gap: float) -> list[dict]:
    out: list[list] = []
    for ch in chars:
        if out and ch["x0"] - out[-1][-1]["x1"] <= gap:
            out[-1].append(ch)
        else:
            out.append([ch])
    return [{"text": _clean_line("".join(c["text"] for c in cs)), "x0": cs[0]["x0"],
             "x1": max(c["x1"] for c in cs), "top": min(c["top"] for c in cs),
             "bottom": max(c["bottom"] for c in cs)} for cs in out]


#: digits of one figure are set solid (a thousands space is at most half a character wide):
#: a wider gap between two digits parts two figures of neighbouring narrow columns
_DIGIT_GAP = 0.6


def _split_line_cells(chars: list) -> list[dict]:
    """Split one text line into cells where the x-gap exceeds ~1.5 character widths (0.6
    between two digits); each cell
    keeps its finer words (gaps over 0.4 character widths) for header column finding."""
    chars = sorted((ch for ch in chars if ch["text"].strip()), key=lambda ch: ch["x0"])
    if not chars:
        return []
    width = median(ch.get("size") or (ch["x1"] - ch["x0"]) or 10 for ch in chars)
    cells: list[list] = []
    for ch in chars:
        gap = ch["x0"] - cells[-1][-1]["x1"] if cells else 0.0
        if cells and (gap > 1.5 * width or (gap > _DIGIT_GAP * width and ch["text"].isdigit()
                                            and cells[-1][-1]["text"].isdigit())):
            cells.append([ch])
        elif cells:
            cells[-1].append(ch)
        else:
            cells.append([ch])
    out = []
    for cs in cells:
        cell = _words(cs, 1.5 * width)[0]
        cell["words"] = _words(cs, 0.4 * width)
        cell["num"] = bool(_NUMERIC.match(cell["text"]))
        out.append(cell)
    return out


def _row_like(cells: list[dict]) -> bool:
    return len(cells) >= 2 and not _NUMERIC.match(cells[0]["text"]) and \
        any(_NUMERIC.match(c["text"]) for c in cells[1:])


def _data_line(cells: list[dict]) -> bool:
    return _row_like(cells) or (len(cells) >= 2 and all(c["num"] for c in cells))


def _header_anchor(cells: list[dict]) -> bool:
    if len(cells) >= 3:
        return True
    words = [w for c in cells for w in c["words"]]
    return len(words) >= 3 and all(len(w["text"]) <= 8 and _HAS_CJK.search(w["text"])
                                   and not _NUMERIC.match(w["text"]) for w in words)


def _line_kind(ln: dict, lx: float | None, v0n: float, tol: float) -> str:
    """D data, L label zone only, H text in the number zone, X straddles both zones.
    ``lx`` (right end of the row labels seen) is None while no row label is known."""
    if ln["data"]:
        return "D"
    kind = "L"
    for c in ln["cells"]:
        if c["x1"] <= v0n + tol and (lx is None or c["x0"] < lx):
            continue  # ends before the numbers, starts among the row labels
        if lx is None or c["x0"] >= lx - tol:
            kind = "H"
        else:
            return "X"
    return kind


def _data_zones(ln: dict) -> tuple[float | None, float]:
    """(right end of the row label or None, left end of the numbers) of a data line."""
    first = next(i for i, c in enumerate(ln["cells"]) if c["num"])
    lx = max((c["x1"] for c in ln["cells"][:first]), default=None)
    return lx, min(c["x0"] for c in ln["cells"] if c["num"])


def _max(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


#: rows of an airy table (tall cells, figures centred) may stand this many text sizes apart
#: when their figures line up with the table's columns
_AIRY_GAP = 4.0


def _aligned(cells: list[dict], ref: list[dict]) -> bool:
    """At least two figures, each centred within the x-range of one of ``ref``."""
    nums = [c for c in cells if c["num"]]
    return len(nums) >= 2 and all(any(r["x0"] - 1 <= (c["x0"] + c["x1"]) / 2 <= r["x1"] + 1 for r in ref)
                                  for c in nums)


def _region_columns(region: list[dict]) -> list[dict]:
    """What a region's columns are known by: its figures, or (header only) its header words."""
    nums = [c for ln in region if ln["data"] for c in ln["cells"] if c["num"]]
    return nums or [w for ln in region for c in ln["cells"] for w in c["words"]]


def _unruled_regions(lines: list[dict]) -> list[tuple[int, int, int]]:
    """(start, body_start, end) line index ranges of tables without ruling lines."""
    regions = []
    floor = 0
    i = 0
    n = len(lines)
    while i < n:
        ln = lines[i]
        if not (ln["data"] or _header_anchor(ln["cells"])):
            i += 1
            continue
        size = ln["size"]
        tol = 0.5 * size

        def close(a: dict, b: dict, size: float = size, gap: float = 2.0) -> bool:
            return abs(a["size"] - size) <= 1.0 and abs(b["size"] - size) <= 1.0 and \
                b["top"] - a["bottom"] <= gap * size

        def airy_below(j: int, ref: list[dict], size: float = size) -> bool:
            """Line ``j``, farther below the region than 2 sizes, starts a row of it: the
            first data line of its block has its figures under the region's columns."""
            if not close(lines[j - 1], lines[j], gap=_AIRY_GAP):
                return False
            for d in range(j, min(j + 4, n)):
                if d > j and not close(lines[d - 1], lines[d]):
                    return False
                if lines[d]["data"]:
                    return _aligned(lines[d]["cells"], ref)
            return False

        def airy_above(j: int, first_data: dict, size: float = size) -> bool:
            """Line ``j`` ends a header block farther above the region than 2 sizes whose
            words stand over every figure of the region's first data line."""
            if not close(lines[j], lines[j + 1], gap=_AIRY_GAP):
                return False
            block = [lines[j]]
            while len(block) < 4 and j - len(block) >= 0 and close(lines[j - len(block)], block[-1]):
                block.append(lines[j - len(block)])
            return _aligned(first_data["cells"], [w for ln in block for c in ln["cells"] for w in c["words"]])

        figures = bool(ln["data"])
        if ln["data"]:
            lx, v0n = _data_zones(ln)
            body = i
        else:
            lx, v0n = None, min(c["x0"] for c in ln["cells"])
            body = None
        end = i + 1
        while end < n and (close(lines[end - 1], lines[end]) or airy_below(end, _region_columns(lines[i:end]))):
            kind = _line_kind(lines[end], lx, v0n, tol)
            if kind == "X" or (kind == "H" and body is not None):
                break
            if kind == "D":
                a, b = _data_zones(lines[end])
                # the first figures fix the number zone: a header's left edge is the label
                # column's header, not where numbers start
                lx, v0n = _max(lx, a), (min(v0n, b) if figures else b)
                figures = True
            elif kind == "L":
                lx = _max(lx, max(c["x1"] for c in lines[end]["cells"]))
            if kind in ("D", "L") and body is None:
                body = end
            end += 1
        start = i
        while start > floor and (close(lines[start - 1], lines[start]) or (
                body is not None and airy_above(start - 1, lines[body]))) and \
                _line_kind(lines[start - 1], lx, v0n, tol) in ("H", "L"):
            start -= 1
        while start < i and _line_kind(lines[start], lx, v0n, tol) == "L":
            start += 1  # a label line above the header is a heading, not part of the table
        regions.append((start, end if body is None else body, end))
        floor = i = end
    return regions


def _merge_spans(spans: list[tuple[float, float]]) -> list[list[float]]:
    cols: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if cols and x0 < cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    return cols


def _band_of(bands: list[list[float]], x0: float, x1: float) -> int:
    xm = (x0 + x1) / 2
    for k, (a, z) in enumerate(bands):
        if a <= xm <= z:
            return k
    return min(range(len(bands)), key=lambda k: max(bands[k][0] - xm, xm - bands[k][1]))


def _column_bands(header: list[dict], body: list[dict], lx: float | None, tol: float) -> list[list[float]]:
    """Number columns: overlapping numbers of the data lines, then header words bottom-up,
    lines of several words before lone words; a lone word on the first line (a title, a
    spanning header) only widens a column."""
    bands = _merge_spans([(c["x0"], c["x1"]) for ln in body if ln["data"]
                          for c in ln["cells"] if c["num"]])
    lines = []
    for i, ln in enumerate(header):
        words = [w for c in ln["cells"] if lx is None or c["x0"] >= lx - tol
                 for w in c["words"] if not _NUMERIC.match(w["text"])]
        lines.append((len(words) < 2, -i, words, not (i == 0 and len(words) < 2)))
    # column pitch: the smallest distance between neighbouring numbers or header words of a line
    gaps = [b - a for mids in [[(a + z) / 2 for a, z in bands]] +
            [sorted((w["x0"] + w["x1"]) / 2 for w in t[2]) for t in lines if not t[0]]
            for a, b in zip(mids, mids[1:])]
    pitch = min(gaps, default=0.0)
    for _, _, words, may_add in sorted(lines, key=lambda t: t[:2]):
        for w in words:
            hit = [k for k, (a, z) in enumerate(bands) if w["x0"] < z and a < w["x1"]]
            if len(hit) == 1:
                b = bands[hit[0]]
                b[0], b[1] = min(b[0], w["x0"]), max(b[1], w["x1"])
            elif not hit and may_add:
                # a new column nearer than 0.6 pitch to another is a header spanning an even
                # number of columns (its narrow text sits between two of them)
                xm = (w["x0"] + w["x1"]) / 2
                if not any(abs(xm - (a + z) / 2) < 0.6 * pitch for a, z in bands):
                    bands.append([w["x0"], w["x1"]])
                    bands.sort()
    return bands


FAR_ROW_DOUBT = "表头下只有空白，但更下方有一行数字与表头各列对齐，可能就是本表的数据行"


def _join_wrapped_label(block: list[tuple[int, dict]], lines: list[dict], labels: list[list[dict]],
                        blank_rows: set[int]) -> None:
    """A label cell wrapped over several lines (a narrow label column without rules: 1.属于 /
    国家秘 / 密) beside exactly one line of figures — on one of its lines (figures at the top,
    bottom or centre of an odd count of lines) or between two of them (centred beside an even
    count) — is one row's label: its pieces join on the figures' line, in line order, so the
    row keeps its whole label and the other lines no stray fragment.  A block beside no
    figures (a blank row, joined before) or beside two lines of figures (two rows' labels run
    together, a merged group cell) is left as it is."""
    lis = {li for li, _ in block}
    if len(block) < 2 or len(lis) != len(block) or lis & blank_rows:
        return   # one piece, or two pieces of one line: not one wrapped cell
    pieces = sorted(block, key=lambda lp: lp[0])
    data = [li for li in lis if lines[li]["data"]]
    if len(data) == 1:
        li0 = data[0]
        host = next(p for li, p in block if li == li0)
    elif not data:
        top, bottom = min(p["top"] for _, p in block), max(p["bottom"] for _, p in block)
        x0, x1 = min(p["x0"] for _, p in block), max(p["x1"] for _, p in block)
        inside = [li for li in range(min(lis), max(lis) + 1)
                  if lines[li]["data"] and top < (lines[li]["top"] + lines[li]["bottom"]) / 2 < bottom]
        if len(inside) != 1 or any(min(q["x1"], x1) > max(q["x0"], x0) for q in labels[inside[0]]):
            return
        li0 = inside[0]
        host = dict(pieces[0][1])
        labels[li0].append(host)
    else:
        return
    host["text"] = join_cell_lines([p["text"] for _, p in pieces])
    host["x0"] = min(p["x0"] for _, p in pieces)
    host["x1"] = max(p["x1"] for _, p in pieces)
    for li, p in pieces:
        if p is not host:
            labels[li] = [q for q in labels[li] if q is not p]


ORPHAN_DOUBT = "该行标签旁没有数字，而紧邻一行数字没有标签（单元格内数字与标签上下对齐方式不同？），无法确定数字属于哪一行"


def _doubt_beside_orphans(rows: list[list[Cell]], n_lab: int, body_start: int) -> None:
    """A labelled row with every figure cell blank next to a row of figures with no label: in
    a table without rules, a cell's figures aligned to its bottom (or top) and its label centred
    stand on lines of their own, and which label the figures belong to is not certain.  Read
    as they stand, the labelled row's blanks would be zeros: its cells are flagged."""
    def kind(row: list[Cell]) -> str:
        lab = any(c.text for c in row[:n_lab])
        val = any(c.text for c in row[n_lab:])
        # a line whose only label is a merged group label (三、本年度办理结果, （四）无法提供)
        # standing beside the figures names no row of its own either
        item = n_lab < 2 or bool(row[n_lab - 1].text)
        return "blank" if lab and not val else "orphan" if val and not (lab and item) else ""
    kinds = [kind(row) if i >= body_start else "" for i, row in enumerate(rows)]
    for i, k in enumerate(kinds):
        if k != "blank":
            continue
        if (i > 0 and kinds[i - 1] == "orphan") or (i + 1 < len(kinds) and kinds[i + 1] == "orphan"):
            for c in rows[i][n_lab:]:
                c.doubt = c.doubt or ORPHAN_DOUBT


def _unruled_table(lines: list[dict], body_start: int, next_line: dict | None,
                   index: int, page_no: int) -> Table | None:
    """One region's lines as a Table (see the section comment), or None if it has no rows."""
    header, body = lines[:body_start], lines[body_start:]
    size = median(ln["size"] for ln in lines)
    tol = 0.5 * size
    lx = None
    for ln in body:
        lx = _max(lx, _data_zones(ln)[0] if ln["data"] else max(c["x1"] for c in ln["cells"]))
    bands = _column_bands(header, body, lx, tol)
    if not bands:
        return None
    v0 = bands[0][0]

    # label pieces (left of the number columns) and value words of every line
    labels: list[list[dict]] = []
    values: list[list[dict]] = []
    for ln in lines:
        lab, val = [], []
        for c in ln["cells"]:
            if (c["x0"] + c["x1"]) / 2 < v0 and not (ln["data"] and c["num"]):
                lab.extend(dict(w) for w in c["words"])  # group and row labels may nearly touch
            elif c["num"]:
                val.append(c)
            else:
                val.extend(c["words"])
        labels.append(lab)
        values.append(val)

    # label blocks of the body: the wrapped lines of one label cell
    blocks: list[list[tuple[int, dict]]] = []
    for li in range(body_start, len(lines)):
        for p in labels[li]:
            best, best_overlap = None, 0.0
            for b in blocks:
                qi, q = b[-1]
                overlap = min(p["x1"], q["x1"]) - max(p["x0"], q["x0"])
                if qi < li and -0.5 * size <= p["top"] - q["bottom"] <= 0.5 * size and \
                        overlap > best_overlap and not _ENUM.match(p["text"]):
                    best, best_overlap = b, overlap
            if best is None:
                blocks.append([(li, p)])
            else:
                best.append((li, p))
    data_mids = [(ln["top"] + ln["bottom"]) / 2 for ln in body if ln["data"]]
    data_spans = [(ln["top"], ln["bottom"]) for ln in body if ln["data"]]
    spans = [(min(p["top"] for _, p in b), max(p["bottom"] for _, p in b),
              min(p["x0"] for _, p in b), max(p["x1"] for _, p in b)) for b in blocks]
    blank_rows: set[int] = set()
    for k, b in enumerate(blocks):
        top, bottom, x0, x1 = spans[k]
        if any(top - 0.25 * size <= y <= bottom + 0.25 * size for y in data_mids) or \
                any(min(bottom, b) - max(top, a) > 0.1 * size for a, b in data_spans):
            continue  # beside its own numbers (or a data line's label), centred ones too
        if any(j != k and s[2] >= x1 - tol and top <= (s[0] + s[1]) / 2 <= bottom
               for j, s in enumerate(spans)):
            continue  # a merged group label: row labels to its right
        li0, first = b[0]
        if lines[li0]["data"]:
            continue
        for li, p in b[1:]:  # wrapped lines of a blank row's label join its first line
            first["text"] = join_cell_lines([first["text"], p["text"]])
            first["x1"] = max(first["x1"], p["x1"])
            first["x0"] = min(first["x0"], p["x0"])
            labels[li] = [q for q in labels[li] if q is not p]
        blank_rows.add(li0)
    for b in blocks:   # a data row's label wrapped over lines of its own joins the data line's
        _join_wrapped_label(b, lines, labels, blank_rows)

    label_cols = _merge_spans([(p["x0"], p["x1"]) for lab in labels for p in lab])
    n_lab, n_val = len(label_cols), len(bands)
    rows: list[list[Cell]] = []
    for li, ln in enumerate(lines):
        if li >= body_start and not labels[li] and not values[li] and li not in blank_rows:
            continue  # every piece moved into a blank row's label
        r = len(rows)
        texts = [""] * (n_lab + n_val)
        for p in labels[li]:
            k = _band_of(label_cols, p["x0"], p["x1"])
            texts[k] = texts[k] + p["text"]
        for w in values[li]:
            k = n_lab + _band_of(bands, w["x0"], w["x1"])
            texts[k] = f"{texts[k]} {w['text']}" if texts[k] else w["text"]
        doubts = {n_lab + _band_of(bands, a, z) for a, z in ln.get("doubt_spans", ()) if (a + z) / 2 >= v0}
        carries_values = ln["data"] or li in blank_rows
        xs = label_cols + bands
        rows.append([Cell(_clean_line(t), r, c, page=page_no,
                          is_span_copy=not t and c >= n_lab and not carries_values,
                          bbox=(xs[c][0], ln["top"], xs[c][1], ln["bottom"]),
                          doubt=SKEWED_DOUBT if c in doubts else None)
                     for c, t in enumerate(texts)])
    _doubt_beside_orphans(rows, n_lab, body_start)
    if body_start >= len(lines):  # header only
        if n_lab or n_val < 5 or next_line is None or next_line["top"] - lines[-1]["bottom"] < 2.5 * size:
            return None
        # figures standing under the header's columns farther down may be this row's
        doubt = FAR_ROW_DOUBT if next_line["data"] and _aligned(
            next_line["cells"], [w for ln in lines for c in ln["cells"] for w in c["words"]]) else None
        r = len(rows)
        rows.append([Cell("", r, c, page=page_no, doubt=doubt) for c in range(n_val)])
    return Table(rows, index=index, page=page_no)


# ----------------------------------------------------------------------------- pdfium objects
#
# pdfminer's content-stream interpreter (pure Python) is ~85% of the reading time.  pdfium (C,
# via pypdfium2) reads the same page ~20x faster, so each page's chars, rects, lines and curves
# are built from pdfium in pdfplumber's own object format and handed to pdfplumber
# (``page._objects``); table finding, cell text and line grouping stay pdfplumber's.  The
# geometry follows pdfminer's rules (char box = advance width x font size, bottom at the
# font's descent; paths split into line / rect / curve as pdfminer's ``paint_path`` does).
# A page falls back to pdfminer when pdfium's view may differ: rotated or offset page boxes,
# rotated/skewed text, vertical writing, glyphs without a Unicode mapping, page images, or no
# text at all (scan detection stays pdfminer's).

_BAD_CHARS = {0, 0xFFFD, 0xFFFE, 0xFFFF}


def _pdfium_open(data: bytes):
    try:
        import pypdfium2 as pdfium

        return pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - pdfminer decides what a broken file is
        return None


def _mat_mul(m, n):
    """m then n, PDF row-vector convention: [a b c d e f]."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _color(raw, obj, getter) -> tuple | None:
    r, g, b, a = (raw.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return None
    return (r.value / 255, g.value / 255, b.value / 255)


def _pdfium_paths(raw, ctypes, container, count, get, matrix, height, page_no, doctop0, out):
    """Walk page objects (recursing into form XObjects); add pdfminer-style path objects."""
    fm = raw.FS_MATRIX()
    for i in range(count(container)):
        obj = get(container, i)
        kind = raw.FPDFPageObj_GetType(obj)
        out["z"] = z = out.get("z", 0) + 1   # painting order: what is drawn later covers
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            out.setdefault("text_z", {})[ctypes.cast(obj, ctypes.c_void_p).value] = z
            _pdfium_text_box(raw, ctypes, obj, matrix, height, page_no, doctop0, z, out)
            continue
        if kind == raw.FPDF_PAGEOBJ_FORM:
            if not raw.FPDFPageObj_GetMatrix(obj, fm):
                return False
            m = _mat_mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), matrix)
            if not _pdfium_paths(raw, ctypes, obj, raw.FPDFFormObj_CountObjects,
                                 raw.FPDFFormObj_GetObject, m, height, page_no, doctop0, out):
                return False
            continue
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            out["image_count"] += 1
            continue
        if kind != raw.FPDF_PAGEOBJ_PATH:
            continue
        fillmode, stroke = ctypes.c_int(), ctypes.c_int()
        if not raw.FPDFPath_GetDrawMode(obj, fillmode, stroke) or not raw.FPDFPageObj_GetMatrix(obj, fm):
            return False
        m = _mat_mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), matrix)
        fill, stroke = bool(fillmode.value), bool(stroke.value)
        if not fill and not stroke:
            continue
        width = ctypes.c_float()
        raw.FPDFPageObj_GetStrokeWidth(obj, width)
        scolor = _color(raw, obj, raw.FPDFPageObj_GetStrokeColor)
        ncolor = _color(raw, obj, raw.FPDFPageObj_GetFillColor)
        x, y = ctypes.c_float(), ctypes.c_float()
        a, b, c, d, e, f = m
        path: list[tuple] = []
        for k in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, k)
            raw.FPDFPathSegment_GetPoint(seg, x, y)
            px, py = float(x.value), float(y.value)
            pt = (a * px + c * py + e, b * px + d * py + f)
            t = raw.FPDFPathSegment_GetType(seg)
            if t == raw.FPDF_SEGMENT_MOVETO:
                path.append(("m", pt))
            elif t == raw.FPDF_SEGMENT_LINETO:
                path.append(("l", pt))
            elif t == raw.FPDF_SEGMENT_BEZIERTO:
                path.append(("c", pt))
            else:
                return False
            if raw.FPDFPathSegment_GetClose(seg):
                path.append(("h", None))
        # pdfium stores a Bézier as three "c" points; pdfminer as one "c" with its end point
        merged: list[tuple] = []
        n_c = 0
        for op, pt in path:
            if op == "c":
                n_c += 1
                if n_c % 3:
                    continue
            merged.append((op, pt))
        for sub in _subpaths(merged):
            obj_ = _pdfminer_shape(sub, width.value, stroke, fill, scolor, ncolor, height, page_no, doctop0)
            if obj_ is not None:
                obj_["z"] = z
                out.setdefault(obj_["object_type"], []).append(obj_)
    return True


def _pdfium_text_box(raw, ctypes, obj, matrix, height, page_no, doctop0, z, out) -> None:
    """A text object's bounds with its painting order: pdfium's text page merges a glyph drawn
    twice at one place into one char (the first), so whether a glyph was printed again over a
    box that hides the first is told by the later object (``_painted_over``)."""
    lft, btm, rgt, top = (ctypes.c_float() for _ in range(4))
    fm = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetBounds(obj, lft, btm, rgt, top) or not raw.FPDFPageObj_GetMatrix(obj, fm):
        return
    a, b, c, d, e, f = matrix
    origin = a * fm.e + c * fm.f + e   # the first glyph's origin (x)
    pts = [(a * x + c * y + e, b * x + d * y + f) for x in (lft.value, rgt.value) for y in (btm.value, top.value)]
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    y0, y1 = min(p[1] for p in pts), max(p[1] for p in pts)
    out.setdefault("text_box", []).append({
        "object_type": "text_box", "page_number": page_no, "z": z, "origin": origin,
        "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": height - y1, "bottom": height - y0,
        "doctop": doctop0 + height - y1, "width": x1 - x0, "height": y1 - y0})


def _subpaths(path):
    cur: list[tuple] = []
    for seg in path:
        if seg[0] == "m" and cur:
            yield cur
            cur = []
        cur.append(seg)
    if cur:
        yield cur


def _pdfminer_shape(path, lw, stroke, fill, scolor, ncolor, height, page_no, doctop0):
    """pdfminer's PDFLayoutAnalyzer.paint_path classification, in pdfplumber's dict format."""
    if path[0][0] != "m":
        return None
    shape = "".join(op for op, _ in path)
    pts = [pt if op != "h" else path[0][1] for op, pt in path]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"
        pts.pop(-2)
    kind = "curve"
    if shape in ("mlh", "ml"):
        kind = "line"
        pts = pts[:2]
    elif shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        if pts[0] == pts[4] and ((x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0)
                                 or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)):
            kind = "rect"
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    if kind == "rect":
        xs, ys = [pts[0][0], pts[2][0]], [pts[0][1], pts[2][1]]
    bx0, bx1, by0, by1 = min(xs), max(xs), min(ys), max(ys)
    top = height - by1
    obj = {"object_type": kind, "page_number": page_no, "x0": bx0, "y0": by0, "x1": bx1, "y1": by1,
           "width": bx1 - bx0, "height": by1 - by0, "top": top, "bottom": height - by0,
           "doctop": doctop0 + top, "linewidth": lw, "stroke": stroke, "fill": fill, "evenodd": False,
           "stroking_color": scolor, "non_stroking_color": ncolor, "mcid": None, "tag": None,
           "pts": [(x, height - y) for x, y in pts], "dash": None}
    return obj


def _pdfium_objects(pdoc, index: int, page) -> dict | None:
    """pdfplumber-format objects of one page from pdfium, or None to use pdfminer instead."""
    import ctypes

    import pypdfium2.raw as raw

    if page.rotation or tuple(page.mediabox[:2]) != (0, 0) or \
            tuple(page.cropbox) != tuple(page.mediabox):
        return None
    ppage = pdoc[index]
    try:
        height = float(page.height)
        if abs(ppage.get_height() - height) > 0.01 or abs(ppage.get_width() - float(page.width)) > 0.01:
            return None
        tp = ppage.get_textpage()
        try:
            chars = _pdfium_chars(raw, ctypes, tp.raw, height, page.page_number, page.initial_doctop)
            if not chars:
                return None  # empty or image-only page: pdfminer decides (scan detection)
            out: dict = {"char": chars, "image_count": 0}
            if not _pdfium_paths(raw, ctypes, ppage.raw, raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject,
                                 (1, 0, 0, 1, 0, 0), height, page.page_number, page.initial_doctop, out):
                return None
        finally:
            tp.close()
        if out.pop("image_count"):
            return None  # images are only read by pdfminer (page.images)
        text_z = out.pop("text_z", {})
        out.pop("z", None)
        for ch in chars:
            ch["z"] = text_z.get(ch.pop("text_obj"))
        return out
    finally:
        ppage.close()


def _pdfium_chars(raw, ctypes, tp, height, page_no, doctop0) -> list | None:
    n = raw.FPDFText_CountChars(tp)
    box = raw.FS_RECTF()
    mat = raw.FS_MATRIX()
    chars = []
    fonts: dict = {}
    flags = ctypes.c_int()
    buf = ctypes.create_string_buffer(256)
    ox, oy = ctypes.c_double(), ctypes.c_double()
    low = -1   # the index of a low surrogate already joined to the character before it
    for i in range(n):
        if i == low or raw.FPDFText_IsGenerated(tp, i):
            continue
        u = raw.FPDFText_GetUnicode(tp, i)
        if 0xD800 <= u <= 0xDBFF and i + 1 < n and 0xDC00 <= (v := raw.FPDFText_GetUnicode(tp, i + 1)) <= 0xDFFF:
            # pdfium gives a character beyond the BMP (𝟐, U+1D7D0) as two UTF-16 halves: one glyph
            u, low = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00), i + 1
        if u in _BAD_CHARS or 0xE000 <= u <= 0xF8FF or raw.FPDFText_HasUnicodeMapError(tp, i) == 1:
            return None  # glyph without a trustworthy Unicode value
        if not raw.FPDFText_GetMatrix(tp, i, mat) or not raw.FPDFText_GetLooseCharBox(tp, i, box):
            return None
        if mat.b != 0 or mat.c != 0 or mat.a <= 0 or mat.d <= 0:
            return None  # rotated, skewed or mirrored text
        size = raw.FPDFText_GetFontSize(tp, i) * mat.d
        if not raw.FPDFText_GetCharOrigin(tp, i, ox, oy) or abs(ox.value - box.left) > 0.01 or \
                box.right - box.left > 2.5 * size or box.top - box.bottom > 2.5 * size:
            return None  # vertical writing (Identity-V): pdfium's loose box is not pdfminer's
        y0 = box.bottom
        y1 = y0 + size
        top = height - y1
        obj = ctypes.cast(raw.FPDFText_GetTextObject(tp, i), ctypes.c_void_p).value
        fontname = fonts.get(obj)
        if fontname is None:
            ln = raw.FPDFText_GetFontInfo(tp, i, buf, 256, flags)
            fontname = fonts[obj] = buf.raw[:max(ln - 1, 0)].decode("utf-8", "replace")
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        got = raw.FPDFText_GetFillColor(tp, i, r, g, b, a)
        ncolor = (r.value / 255, g.value / 255, b.value / 255) if got else None
        chars.append({
            "object_type": "char", "page_number": page_no, "text": chr(u), "fontname": fontname,
            "size": size, "adv": box.right - box.left, "upright": True,
            "x0": box.left, "x1": box.right, "y0": y0, "y1": y1, "width": box.right - box.left,
            "height": size, "top": top, "bottom": height - y0, "doctop": doctop0 + top,
            "matrix": (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f), "mcid": None, "tag": None,
            "ncs": None, "stroking_color": None, "non_stroking_color": ncolor,
            "alpha": a.value / 255 if got else 1.0,   # fill opacity (pdfminer gives none)
            "text_obj": obj,
        })
    return chars


# ----------------------------------------------------------------------------- page

# A dotted border exported dot by dot is a row of segments about 1 pt long (pdfplumber's
# default drops segments under 1 pt before joining collinear ones 3 pt apart: the rule, and the
# column it closes, vanished); joined, they are one rule, and what stays shorter than 3 pt
# after joining is still no rule.
_TABLE_SETTINGS = {"edge_min_length_prefilter": 0.25}


def _find_tables(fpage, cut: list[float] | None = None) -> list:
    """find_tables, closing tables cut by a page break: when vertical rules run past a
    table's last (or before its first) horizontal rule, the open row is closed with an
    explicit horizontal line where the verticals end, so the row is not lost.  The y of
    each line closing a table's last row is appended to ``cut``."""
    tables = fpage.find_tables(_TABLE_SETTINGS)
    if not tables:
        return tables
    verticals = [e for e in fpage.edges if e.get("orientation") == "v"]
    extra: set[float] = set()
    for t in tables:
        x0, top, x1, bottom = t.bbox
        inside = [e for e in verticals if x0 - 1 <= e["x0"] <= x1 + 1
                  and e["bottom"] >= top - 1 and e["top"] <= bottom + 1]
        if not inside:
            continue
        low = max(e["bottom"] for e in inside)
        high = min(e["top"] for e in inside)
        if low > bottom + 2:
            extra.add(round(low, 2))
            if cut is not None:
                cut.append(low)
        if high < top - 2:
            extra.add(round(high, 2))
    if not extra:
        return tables
    return fpage.find_tables({**_TABLE_SETTINGS, "explicit_horizontal_lines": sorted(extra)})


# ----------------------------------------------------------------------------- skewed lines
#
# Typeset lines hold their words at one height; pdfplumber clusters characters into lines by
# their tops (3 pt).  An OCR text layer over a page picture (a skewed scan) writes each word a
# little above or below its line: words of one line whose tops differ more come out as two
# lines that overlap vertically and sit side by side (no character of one above a character
# of the other): on such pages they are one line.  A piece that would fit the line above as well as the line below
# cannot be placed by geometry: its characters carry a doubt, which its cells keep.

#: share of the lower height two side-by-side pieces must overlap vertically to be one line
_SAME_LINE_OVERLAP = 0.3
SKEWED_DOUBT = "文字层中该数字的位置在上下两行之间（扫描件倾斜），无法确定属于哪一行"


def _v_overlap(a: dict, b: dict) -> float:
    return (min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])) / \
        max(min(a["bottom"] - a["top"], b["bottom"] - b["top"]), 0.1)


def _side_by_side(a: dict, b: dict) -> bool:
    """No character of ``b`` stands over or under one of ``a``."""
    return not any(min(p["x1"], q["x1"]) - max(p["x0"], q["x0"]) > 0.15 * min(p["x1"] - p["x0"], q["x1"] - q["x0"])
                   for p in a["chars"] for q in b["chars"] if p["text"].strip() and q["text"].strip())


def _joined(host: dict, ln: dict, doubt: list[tuple[float, float]]) -> dict:
    """``host`` with the characters of ``ln``; ``doubt`` added to its doubtful x-ranges."""
    merged = sorted(host["chars"] + ln["chars"], key=lambda ch: ch["x0"])
    return dict(host, chars=merged, text=_line_text(merged), top=min(host["top"], ln["top"]),
                bottom=max(host["bottom"], ln["bottom"]), x0=min(host["x0"], ln["x0"]), x1=max(host["x1"], ln["x1"]),
                doubt_spans=list(host.get("doubt_spans", ())) + list(ln.get("doubt_spans", ())) + list(doubt))


def _beside(b: dict, a: dict) -> bool:
    """Does ``b`` print a character with none of ``a`` over or under it (a label in another
    column, not the next line of ``a``'s own wrapped text)?"""
    xs = [(q["x0"], q["x1"]) for q in a["chars"] if q["text"].strip()]
    return any(p["text"].strip() and not any(min(p["x1"], x1) - max(p["x0"], x0) > 0 for x0, x1 in xs)
               for p in b["chars"])


def _line_text(chars: list) -> str:
    out, prev = "", None
    for ch in chars:
        if prev is not None and ch["x0"] - prev["x1"] > 0.5 * (prev.get("size") or prev["x1"] - prev["x0"] or 10):
            out += " "
        out += ch["text"]
        prev = ch
    return out


def _over_page_picture(page) -> bool:
    """The text lies over a picture of the whole page: an OCR text layer over a scan, whose
    word places come from recognition (each word a little off its line), not from typesetting."""
    area = float(page.width) * float(page.height)
    return any((img["x1"] - img["x0"]) * (img["bottom"] - img["top"]) >= 0.6 * area for img in page.images)


def _has_figures(line: dict) -> bool:
    return any(c["num"] for c in _split_line_cells(line["chars"]))


def _weak_host(out: list[dict], centred: set[int], after: list[dict], ln: dict) -> tuple[str, int] | None:
    """The one labelled line a line of figures only touches (overlapping it vertically, less
    than a line's share) and stands beside: ("out", index) of an earlier line, ("next", offset)
    of a later one; None when it touches none or several (figures centred between a wrapped
    label's lines), or a later line shares its height (that line takes it as its piece)."""
    cells = _split_line_cells(ln["chars"])
    if not cells or not all(c["num"] for c in cells):
        return None
    before = [i for i in range(max(0, len(out) - 4), len(out)) if i not in centred
              and 0 < _v_overlap(out[i], ln) < _SAME_LINE_OVERLAP and _side_by_side(out[i], ln)]
    touch = [j for j, b in enumerate(after) if _v_overlap(b, ln) > 0]
    if len(before) + len(touch) != 1 or any(_v_overlap(after[j], ln) >= _SAME_LINE_OVERLAP for j in touch):
        return None
    host = out[before[0]] if before else after[touch[0]]
    if not _side_by_side(host, ln) or all(c["num"] for c in _split_line_cells(host["chars"])):
        return None
    return ("out", before[0]) if before else ("next", touch[0])


def _baseline(line: dict) -> tuple[float, float] | None:
    """A text line's baseline (the glyph origins' height) and its largest glyph size, when every
    glyph of it is upright and on one baseline; else None."""
    ys, size = set(), 0.0
    for ch in line["chars"]:
        if not ch["text"].strip():
            continue
        m = ch.get("matrix") or ()
        if len(m) < 6 or m[1] or m[2] or m[0] <= 0 or m[3] <= 0:
            return None
        ys.add(round(float(m[5]), 1))
        size = max(size, float(ch.get("size") or 0))
    if not ys or max(ys) - min(ys) > 0.05 * size:
        return None
    return sum(ys) / len(ys), size


def _join_one_baseline(lines: list[dict]) -> list[dict]:
    """Lines that stand side by side on one baseline joined: glyphs of two sizes on one line
    (a title whose year is set in a Latin font a size larger, 2023 over 淮安市…年…报告) are
    cut into two lines by their tops, and the title would read without its year.  Only lines
    whose glyphs share one exact baseline and overlap nowhere across are joined."""
    out: list[dict] = []
    a = None   # the baseline of out[-1]
    for ln in lines:
        b = _baseline(ln)
        if a is not None and b is not None and abs(a[1] - b[1]) > 0.05 * max(a[1], b[1]) and \
                abs(a[0] - b[0]) <= 0.02 * max(a[1], b[1]) and _side_by_side(out[-1], ln):
            out[-1] = _joined(out[-1], ln, [])
            a = _baseline(out[-1])
            continue
        out.append(ln)
        a = b
    return out


def join_skewed_lines(lines: list[dict]) -> list[dict]:
    """pdfplumber text lines with the pieces of one skewed printed line joined (see above).
    A joined line lists the x-ranges of a piece placed without certainty in ``doubt_spans``,
    and so does the other line it would fit."""
    out: list[dict] = []
    centred: set[int] = set()   # out indexes of pieces kept apart between a label's lines
    for k, ln in enumerate(lines):
        # header words are left as they come: a column's words are found on any of its lines
        fits = [i for i in range(max(0, len(out) - 4), len(out)) if i not in centred
                and _v_overlap(out[i], ln) >= _SAME_LINE_OVERLAP and _side_by_side(out[i], ln)
                and (_has_figures(out[i]) or _has_figures(ln))]
        if not fits:
            weak = _weak_host(out, centred, lines[k + 1:k + 4], ln)
            if weak is None:
                out.append(ln)
                continue
            # figures a little off the one line they touch, nothing else beside them: joined
            # to it, but their row is not certain
            where, at = weak
            piece = [(ch["x0"], ch["x1"]) for ch in ln["chars"] if ch["text"].strip()]
            if where == "out":
                out[at] = _joined(out[at], ln, piece)
            else:
                lines[k + 1 + at] = _joined(lines[k + 1 + at], ln, piece)
            continue
        at = max(fits, key=lambda i: _v_overlap(out[i], ln))
        host = out[at]
        # another line the piece fits as well (an earlier one, or a later one that is not part
        # of the host line itself): geometry does not say which row the piece belongs to
        rivals = [out[i] for i in fits if i != at] + [
            b for b in lines[k + 1:k + 4] if _v_overlap(b, ln) >= _SAME_LINE_OVERLAP and _side_by_side(b, ln)
            and not (_v_overlap(b, host) >= _SAME_LINE_OVERLAP and _side_by_side(b, host))]
        if rivals and all(not _side_by_side(b, host) and not _has_figures(b) for b in rivals) \
                and not _has_figures(host):
            centred.add(len(out))  # centred beside a wrapped label (its lines one over the other)
            out.append(ln)
            continue
        if not rivals and not _has_figures(host):
            # the host prints no figures (a group label's middle line): a label line beside it
            # that the piece touches as well may be the figures' row
            rivals = [b for b in lines[k + 1:k + 4] if 0 < _v_overlap(b, ln) < _SAME_LINE_OVERLAP
                      and _side_by_side(b, ln) and _beside(b, host) and not _has_figures(b)]
        spans = list(host.get("doubt_spans", ())) + list(ln.get("doubt_spans", ()))
        if rivals:
            piece = [(ch["x0"], ch["x1"]) for ch in ln["chars"] if ch["text"].strip()]
            spans += piece
            for b in rivals:
                b["doubt_spans"] = list(b.get("doubt_spans", ())) + piece
        merged = sorted(host["chars"] + ln["chars"], key=lambda ch: ch["x0"])
        out[at] = dict(host, chars=merged, text=_line_text(merged), top=min(host["top"], ln["top"]),
                       bottom=max(host["bottom"], ln["bottom"]), x0=min(host["x0"], ln["x0"]),
                       x1=max(host["x1"], ln["x1"]), doubt_spans=spans)
    # two lines that stand one over the other (a wrapped label's lines), each with figures
    # that sit side by side with the other's at its height: the figures may be one row's,
    # centred between the label's lines, or two rows' — every figure place of either line is
    # doubtful in both
    # (lines that overlap each other — a skew larger than their spacing — at any height)
    nums = [[c for c in _split_line_cells(ln["chars"]) if c["num"]] for ln in out]
    for i, a in enumerate(out):
        for j in range(i + 1, min(i + 4, len(out))):
            b = out[j]
            least = 1e-6 if _v_overlap(a, b) > 0 else _SAME_LINE_OVERLAP
            if nums[i] and nums[j] and not _side_by_side(a, b) and any(
                    _v_overlap(p, q) >= least and (p["x1"] <= q["x0"] or q["x1"] <= p["x0"])
                    for p in nums[i] for q in nums[j]):
                figures = [(c["x0"], c["x1"]) for c in nums[i] + nums[j]]
                for ln in (a, b):
                    ln["doubt_spans"] = list(ln.get("doubt_spans", ())) + figures
    return out


SPLIT_ROW_DOUBT = "该行被分页截断（跨页的表格行），数字与行标签分在两页，无法确定归属"


def _value_cols(table: Table) -> set[int]:
    return {c.col for row in table.rows for c in row if not c.is_span_copy and _NUMERIC.match(c.text)
            and not re.fullmatch(r"[/／\-—–－]", c.text)}


def _cell_over(cell: Cell, row: list[Cell]) -> Cell | None:
    """The inked-or-empty cell of ``row`` (not a span copy) whose x-range holds ``cell``'s middle."""
    if cell.bbox is None:
        return None
    xm = (cell.bbox[0] + cell.bbox[2]) / 2
    return next((c for c in row if not c.is_span_copy and c.bbox is not None and c.bbox[0] <= xm <= c.bbox[2]), None)


def _join_split_row(cut: Table, first: Table) -> None:
    """A ruled row cut by a page break: ``cut`` (the previous page's last table) ends with the
    row's first part; ``first`` (this page's first table, on top of the page) holds its rest
    in the first row that has a label and no figure, above every row with figures (a figure
    cell printing digits among other ink — a field's code LibreOffice prints, 11 under
    ``=SUM(LEFT)`` — is no header's word: such a row is the rest, its figures doubtful).  When each
    piece of the rest stands under a cell of the first part (by x) and at most one part holds
    figures, the rest joins the first part (labels appended, figures into its empty cells) and
    the rest row is left without ink; otherwise the value cells of both parts are doubtful."""
    cols_cut, cols = _value_cols(cut), _value_cols(first)
    if not cols_cut or not cols:
        return
    rest = None
    for row in first.rows:
        if any(c.col in cols and _NUMERIC.match(c.text) and not c.is_span_copy for c in row):
            return             # figures before any label-only row: the row was not split
        if any(c.col in cols and c.text and not c.is_span_copy and not re.search(r"[\d０-９]", c.text)
               for c in row):
            continue           # a (repeated) header row: words, no digit, over the figure columns
        if any(c.text and c.col not in cols and not c.is_span_copy for c in row):
            rest = row
            break
    if rest is None:
        return
    head = cut.rows[-1]
    inked = [c for c in rest if c.text and not c.is_span_copy]
    targets = [_cell_over(c, head) for c in inked]
    head_figures = any(c.col in cols_cut and c.text and not c.is_span_copy for c in head)
    rest_figures = any(c.col in cols for c in inked)
    fits = all(t is not None and (t.col in cols_cut) == (c.col in cols) and (c.col not in cols or not t.text)
               for c, t in zip(inked, targets))
    if fits and not (head_figures and rest_figures):
        for c, t in zip(inked, targets):
            t.text = c.text if c.col in cols else join_cell_lines([t.text, c.text])
        for c in rest:
            c.text, c.is_span_copy = "", True
        return
    for row, vcols in ((head, cols_cut), (rest, cols)):
        for c in row:
            if c.col in vcols and not c.is_span_copy:
                c.doubt = SPLIT_ROW_DOUBT


def _read_page(page, page_no: int, doc: Document, n_tables: int, carry: dict | None = None) -> int:
    """Read one page into ``doc``; ``carry`` (kept by the caller across pages) remembers a
    table whose last row the page break cut, for the next page's first table."""
    fpage = page.filter(_visible)
    items: list[tuple[float, object]] = []  # (top, block)
    bboxes = []
    cut: list[float] = []
    ruled: list[tuple[tuple, Table]] = []
    for t in _find_tables(fpage, cut):
        right = _open_right(t, fpage)
        table = _ruled_table(t, fpage, page_no, n_tables, right)
        if not table.rows or not any(c.text for row in table.rows for c in row):
            continue
        if len(table.rows[0]) == 1 and len(table.rows) <= 1:
            continue  # a lone framed box: keep its text as a paragraph instead
        bboxes.append(t.bbox if right is None else (t.bbox[0], t.bbox[1], right, t.bbox[3]))
        items.append((t.bbox[1], table))
        ruled.append((t.bbox, table))
        n_tables += 1
    if carry is not None:
        ruled.sort(key=lambda bt: bt[0][1])
        if carry.get("cut") is not None and ruled and ruled[0][0][1] <= 0.2 * float(page.height):
            _join_split_row(carry["cut"], ruled[0][1])   # the table goes on at the page's top
        carry["cut"] = ruled[-1][1] if ruled and any(abs(ruled[-1][0][3] - y) <= 2 for y in cut) else None

    height = float(page.height)
    pending: list[dict] = []  # text lines outside ruled tables, top to bottom

    def flush_pending() -> None:
        nonlocal n_tables
        done = 0
        for start, body, end in _unruled_regions(pending):
            for ln in pending[done:start]:
                items.append((ln["top"], Paragraph(ln["text"], page=page_no)))
            table = _unruled_table(pending[start:end], body - start, pending[end] if end < len(pending) else None,
                                   n_tables, page_no)
            if table is None:
                for ln in pending[start:end]:
                    items.append((ln["top"], Paragraph(ln["text"], page=page_no)))
            else:
                items.append((pending[start]["top"], table))
                n_tables += 1
            done = end
        for ln in pending[done:]:
            items.append((ln["top"], Paragraph(ln["text"], page=page_no)))
        pending.clear()

    # a narrow stroked frame outside the tables (a note box, a comment balloon in the margin)
    side_boxes = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in fpage.rects
                  if r.get("stroke") and not (r.get("fill") and not _is_white(r.get("non_stroking_color")))
                  and r["bottom"] - r["top"] >= 8 and 20 <= r["x1"] - r["x0"] <= 0.35 * float(page.width)
                  and not any(b[0] - 1 <= r["x0"] and r["x1"] <= b[2] + 1 and b[1] - 1 <= r["top"]
                              and r["bottom"] <= b[3] + 1 for b in bboxes)]
    if side_boxes:
        # a narrow framed box's words are its own lines: a comment balloon in the margin beside
        # an unruled table stands at a row's height, but its words are no cell of that row
        def inside(obj, boxes=side_boxes) -> bool:
            xm, ym = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
            return any(b[0] <= xm <= b[2] and b[1] <= ym <= b[3] for b in boxes)
        for b in side_boxes:
            for ln in page.filter(lambda o, b=b: o.get("object_type") == "char" and inside(o, [b])) \
                    .extract_text_lines(return_chars=False):
                text = _clean_line(ln["text"])
                if text:
                    items.append((ln["top"], Paragraph(text, page=page_no)))
        page = page.filter(lambda o: o.get("object_type") != "char" or not inside(o))
    lines = page.extract_text_lines(return_chars=True)
    if _over_page_picture(page):
        lines = join_skewed_lines(lines)
    else:
        lines = _join_one_baseline(lines)
    for line in lines:
        ym = (line["top"] + line["bottom"]) / 2
        xm = (line["x0"] + line["x1"]) / 2
        if any(b[0] <= xm <= b[2] and b[1] <= ym <= b[3] for b in bboxes):
            flush_pending()
            continue
        text = _clean_line(line["text"])
        if is_page_furniture(text, line["top"], line["bottom"], height):
            continue
        if carry is not None and _running_line(text, line["top"], line["bottom"], height, page_no, carry):
            if text not in doc.page_titles:
                doc.page_titles.append(text)
                if line["top"] >= height * 0.5:
                    # a running footer: its first printing, at the foot of an earlier page, would
                    # stand between a table's rows cut by that page's break too
                    first = carry["margin_lines"][_running_key(text)]
                    doc.blocks[:] = [b for b in doc.blocks if not (
                        isinstance(b, Paragraph) and _running_key(b.text) == _running_key(text) and b.page == first)]
            continue
        cells = _split_line_cells(line["chars"])
        if not cells:
            continue
        sizes = [ch.get("size") or (ch["x1"] - ch["x0"]) or 10 for ch in line["chars"] if ch["text"].strip()]
        pending.append({"top": line["top"], "bottom": line["bottom"], "text": text, "cells": cells,
                        "size": median(sizes), "data": _data_line(cells),
                        "doubt_spans": line.get("doubt_spans", [])})
    flush_pending()

    items.sort(key=lambda it: it[0])  # stable: ties keep extraction order
    _doubt_inked_blanks(page, items)
    struck = [ch for ch in page.chars if ch.get("struck")]
    if struck:
        for _, block in items:
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        if cell.bbox and any(cell.bbox[0] <= (ch["x0"] + ch["x1"]) / 2 <= cell.bbox[2]
                                             and cell.bbox[1] - 1 <= (ch["top"] + ch["bottom"]) / 2 <= cell.bbox[3] + 1
                                             for ch in struck):
                            cell.doubt = cell.doubt or STRUCK_DOUBT
    # renumber tables in page order
    for _, block in items:
        doc.blocks.append(block)
    return n_tables


INKED_BLANK_DOUBT = "该格没有数字文字，但格内印有图形（数字被转成曲线或图片？），无法读取，不能当作空白（0）或不适用"


def _no_figure(text: str) -> bool:
    """A cell's text with no figure and no word: blank, or only a sign (the minus of -6 whose
    digits are a picture, a dash)."""
    return not re.search(rf"[\d０-９{_CJK}]", text)


def _doubt_inked_blanks(page, items: list) -> None:
    """Blank table cells that hold ink drawn as no text: a filled path or a picture inside the
    cell (figures in a font that could not be embedded, exported as outlines or as a bitmap).
    Read as text, the cell is blank (0); it prints something: doubtful."""
    ink = [o for o in page.curves if o.get("fill")] + list(page.images)
    if not ink:
        return
    def inside(o: dict, box: tuple) -> bool:
        x0, top, x1, bottom = box
        return x0 - 0.5 <= o["x0"] and o["x1"] <= x1 + 0.5 and top - 0.5 <= o["top"] and o["bottom"] <= bottom + 0.5

    for _, block in items:
        if not isinstance(block, Table):
            continue
        cells = [c for row in block.rows for c in row if not c.is_span_copy]
        boxes = [c.bbox for c in cells if c.bbox]
        for cell in cells:
            if _no_figure(cell.text) and cell.bbox and any(inside(o, cell.bbox) for o in ink):
                cell.doubt = cell.doubt or INKED_BLANK_DOUBT
        if not boxes:
            continue
        # a table without rules: its cells are its lines' heights, and ink on a line of its own
        # (a row of outlined figures) is in no cell — in the table's span, its blanks are doubtful
        size = median(b[3] - b[1] for b in boxes)
        span = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes) + 3 * size)
        loose = [o for o in ink if inside(o, span) and o["bottom"] - o["top"] <= 3 * size
                 and not any(inside(o, b) for b in boxes)]
        if loose:
            for cell in cells:
                if _no_figure(cell.text):
                    cell.doubt = cell.doubt or INKED_BLANK_DOUBT


_STAMP_GREY = 0.7     # glyphs lighter than this (and not white) are a watermark's tint
_STAMP_ALPHA = 0.5    # glyphs this transparent or more are a watermark's (pdfium reads opacity)


def _light(color) -> bool:
    """A light grey tint (watermarks: #C0C0C0 and the like), neither ink nor white paper."""
    c = _color_floats(color)
    if c is None:
        return False
    if len(c) == 4:  # CMYK
        return 0.05 < max(c) <= 1 - _STAMP_GREY
    if len(c) not in (1, 3):
        return False
    return min(c) >= _STAMP_GREY and not _is_white(c)


def _oblique(ch: dict) -> bool:
    """Drawn at a slant (a diagonal watermark, a seal's ring of words), not at 0/90/180/270°."""
    a, b, c, d = (float(x) for x in ch.get("matrix", (1, 0, 0, 1))[:4])
    n = max(abs(a), abs(b), abs(c), abs(d)) or 1.0
    return min(abs(a), abs(b)) > 0.09 * n or min(abs(c), abs(d)) > 0.09 * n


def _note_marks(chars: list[dict]) -> set[int]:
    """Footnote marks drawn as raised smaller glyphs right after a glyph (``26`` then a 5 pt
    ``1`` above the line, as Word and WPS export a superscript): ids of the marks' chars."""
    by_end: dict[int, list[dict]] = {}
    for ch in chars:
        by_end.setdefault(round(float(ch["x1"])), []).append(ch)
    marks: set[int] = set()
    for ch in sorted(chars, key=lambda x: float(x["x0"])):
        size = float(ch.get("size") or 0)
        if not size or not ch["text"].strip():
            continue
        x0 = float(ch["x0"])
        for k in (round(x0) - 1, round(x0), round(x0) + 1):
            for p in by_end.get(k, ()):
                ps = float(p.get("size") or 0)
                if p is ch or not p["text"].strip() or abs(float(p["x1"]) - x0) > 0.3 * ps:
                    continue
                if id(p) in marks:   # a mark of two digits: the second as raised as the first
                    if abs(ps - size) < 0.01 and abs(float(p["bottom"]) - float(ch["bottom"])) < 0.1 * ps:
                        marks.add(id(ch))
                    continue
                raised = float(p["bottom"]) - float(ch["bottom"])
                if size <= 0.85 * ps and 0.15 * ps <= raised and float(ch["bottom"]) > float(p["top"]):
                    marks.add(id(ch))
    return marks


def _painted_over(page, chars: list[dict]) -> set[int]:
    """Glyphs a white filled box painted later hides (a figure corrected in a PDF editor: the old
    one whited out, the new one typed over it).  Only the pdfium reading knows the painting
    order; a white box drawn before the text (WPS's ground behind every line) hides nothing."""
    boxes = [r for r in page.rects if r.get("z") is not None and r.get("fill")
             and _is_white(r.get("non_stroking_color"))]
    if not boxes:
        return set()
    later = page.objects.get("text_box", [])
    band: dict[int, list[dict]] = {}   # boxes by 20 pt bands of height (WPS draws hundreds)
    for b in boxes:
        for k in range(int(b["top"] // 20), int(b["bottom"] // 20) + 1):
            band.setdefault(k, []).append(b)
    out = set()
    for ch in chars:
        z = ch.get("z")
        if z is None:
            continue
        xm, ym = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        over = [b["z"] for b in band.get(int(ym // 20), ())
                if b["z"] > z and b["x0"] <= xm <= b["x1"] and b["top"] <= ym <= b["bottom"]]
        if not over:
            continue
        zb = max(over)
        w, hgt = ch["x1"] - ch["x0"], ch["bottom"] - ch["top"]
        here = [c2 for c2 in chars if (c2.get("z") or 0) > zb and abs((c2["x0"] + c2["x1"]) / 2 - xm) <= 0.3 * w
                and abs((c2["top"] + c2["bottom"]) / 2 - ym) <= 0.3 * hgt]
        # pdfium's text page keeps one char of a glyph drawn twice at one place (the first): a
        # later text object over the place, with no char of its own there, printed this glyph again
        again = not here and any(t["z"] > zb and t["top"] - 0.5 <= ym <= t["bottom"] + 0.5
                                 and _on_glyph_grid(ch["x0"] - t["origin"], w, t["x1"] - t["origin"]) for t in later)
        if not again:
            out.add(id(ch))   # hidden under the box (and any glyph printed there stands on its own)
    return out


def _struck(page, chars: list[dict]) -> set[int]:
    """Glyphs a horizontal line crosses through their middle (a strikethrough drawn by Word's
    export: the old figure before the new one); a table rule runs along a cell's edge, an
    underline under the baseline."""
    strokes = [ln for ln in (*page.lines, *(r for r in page.rects if r["bottom"] - r["top"] <= 1.5))
               if ln["bottom"] - ln["top"] <= 1.5 and ln["x1"] - ln["x0"] > 0.5]
    if not strokes:
        return set()
    band: dict[int, list[dict]] = {}
    for ln in strokes:
        band.setdefault(int((ln["top"] + ln["bottom"]) / 2 // 10), []).append(ln)
    out = set()
    for ch in chars:
        hgt = ch["bottom"] - ch["top"]
        xm = (ch["x0"] + ch["x1"]) / 2
        lo, hi = ch["top"] + 0.3 * hgt, ch["bottom"] - 0.3 * hgt
        for k in (int(lo // 10), int(hi // 10)):
            if any(lo <= (ln["top"] + ln["bottom"]) / 2 <= hi and ln["x0"] <= xm <= ln["x1"] for ln in band.get(k, ())):
                out.add(id(ch))
                break
    return out


STRUCK_DOUBT = "该格数字被一条横线划过（删除线或错位的表格线），且旁边没有另印的新数字，无法确定是否有效"


def _struck_alone(chars: list[dict], struck: set[int]) -> set[int]:
    """The struck figures with no new figure printed beside them (ids).  Word's strikethrough
    keeps the old figure before the new one (on its line, or on the next line when the cell
    wraps between them), and only the new one counts; a line through a figure
    with nothing beside it (a whole row struck, a rule drawn across the figures) leaves the
    figure the only one printed there: dropping it would read the cell as blank (0).  Kept, and
    the cell is flagged."""
    if not struck:
        return set()
    digits = [ch for ch in chars if ch["text"][:1].isdigit() or ch["text"][:1] in "０１２３４５６７８９"]
    runs: list[list[dict]] = []
    for ch in sorted((c for c in digits if id(c) in struck), key=lambda c: (round(float(c["top"])), c["x0"])):
        size = float(ch.get("size") or 0) or (ch["bottom"] - ch["top"])
        last = runs[-1][-1] if runs else None
        if last is not None and abs(last["top"] - ch["top"]) < 0.3 * size and -0.3 * size <= ch["x0"] - last["x1"] < 0.6 * size:
            runs[-1].append(ch)
        else:
            runs.append([ch])
    free = [ch for ch in digits if id(ch) not in struck]
    out: set[int] = set()
    for run in runs:
        size = float(run[0].get("size") or 0) or (run[0]["bottom"] - run[0]["top"])
        x0, x1, top = run[0]["x0"], run[-1]["x1"], run[0]["top"]
        # beside it on its line, or on the next line of a wrapped cell (a line's leading apart)
        beside = any(abs(ch["top"] - top) < 0.5 * size and (-0.3 * size <= ch["x0"] - x1 <= 3 * size
                                                             or -0.3 * size <= x0 - ch["x1"] <= 3 * size)
                     or 0.5 * size <= ch["top"] - top <= 1.4 * size and ch["x0"] < x1 + size and ch["x1"] > x0 - size
                     for ch in free)
        if not beside:
            out |= {id(ch) for ch in run}
    return out


def _on_glyph_grid(d: float, w: float, span: float) -> bool:
    """Is offset ``d`` from a text object's origin the origin of one of its glyphs, each ``w``
    wide (a figure's digits are), within the object's ``span``?  pdfium merges a glyph drawn
    twice only where the two stand at one place, so the match is exact (0.1 pt)."""
    if w <= 0:
        return False
    j = round(d / w)
    return j >= 0 and j * w < span and abs(d - j * w) <= 0.1


def _without_stamps(page):
    """The page without glyphs that are no part of its text: a watermark's slanted, light grey
    or half-transparent glyphs (仅供参考, a date, an office's name tiled over the tables; light words on a dark
    filled cell are kept), white glyphs (an old figure whitened out), glyphs a white box painted later hides, struck glyphs (a line through
    their middle: an old figure before the new one), and footnote marks drawn as
    raised smaller glyphs after a figure.  Recognised text over a page picture is left alone:
    its glyph sizes and places come from recognition, not from typesetting."""
    chars = page.chars
    inked = [ch for ch in chars if ch["text"].strip()]
    if not inked or _over_page_picture(page):
        return page
    # white glyphs too: an old figure whitened out (Word's font colour white) prints no ink
    light = [ch for ch in inked if _light(ch.get("non_stroking_color")) or _is_white(ch.get("non_stroking_color"))
             or ch.get("alpha", 1.0) <= _STAMP_ALPHA]
    if light:   # light words on a dark filled cell are that cell's words
        grounds = [r for r in page.rects if r.get("fill") and not _light(r.get("non_stroking_color"))
                   and not _is_white(r.get("non_stroking_color"))]
        light = [ch for ch in light if not any(
            g["x0"] <= (ch["x0"] + ch["x1"]) / 2 <= g["x1"] and g["top"] <= (ch["top"] + ch["bottom"]) / 2 <= g["bottom"]
            for g in grounds)]
    drop = {id(ch) for ch in light}
    oblique = [ch for ch in inked if _oblique(ch)]
    if len(oblique) < 0.5 * len(inked):   # a page of slanted text is the page's own text
        drop |= {id(ch) for ch in oblique}
    drop |= _painted_over(page, inked)
    struck = _struck(page, inked)
    alone = _struck_alone(inked, struck)
    for ch in inked:
        if id(ch) in alone:
            ch["struck"] = True   # kept, its cell doubtful (_read_page)
    drop |= struck - alone
    drop |= _note_marks([ch for ch in inked if id(ch) not in drop])
    if not drop:
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in drop)


def _without_overprints(page):
    """The page with each glyph printed twice a fraction of a point apart read once (fake bold:
    Word/WPS print a bold-less font's row twice, offset ~0.3 pt).  pdfium's text page already
    merges a glyph drawn twice at one place; pdfminer (rotated pages, fonts pdfium cannot map)
    keeps both, and 2020 would read 22002200.  Two glyphs of one text, font and size stand that
    close only when overprinted: a figure's next digit is at least half its size away."""
    chars = page.chars
    kept: dict[tuple, list[dict]] = {}
    drop: set[int] = set()
    for ch in chars:
        text = ch.get("text") or ""
        if not text.strip():
            continue
        size = float(ch.get("size") or 0)
        tol = min(1.0, 0.3 * size)
        key = (text, ch.get("fontname"), round(size, 1), ch.get("upright"))
        same = kept.setdefault(key, [])
        if any(abs(o["x0"] - ch["x0"]) <= tol and abs(o["doctop"] - ch["doctop"]) <= tol for o in same):
            drop.add(id(ch))
        else:
            same.append(ch)
    if not drop:
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) not in drop)


def _two_up(page) -> list:
    """A sheet printed two pages side by side (2-up: a landscape sheet, each half a portrait
    page shrunk) as its two halves, left then right; any other page as itself.  Read whole, the
    halves' lines at one height would join (the left page's title with the right page's table
    row).  The evidence is a clean gutter: an empty band about the sheet's middle that no glyph,
    rule or filled box crosses, with text on both sides of it."""
    width, height = float(page.width), float(page.height)
    x_left = float(page.bbox[0])
    if width <= height * 1.2:
        return [page]
    chars = [ch for ch in page.chars if ch["text"].strip()]
    if len(chars) < 40:
        return [page]
    mid = x_left + width / 2
    lo, hi = mid - 0.1 * width, mid + 0.1 * width
    spans = sorted((ch["x0"], ch["x1"]) for ch in chars if ch["x1"] > lo and ch["x0"] < hi)
    spans += [(o["x0"], o["x1"]) for o in (*page.lines, *page.rects, *page.curves)
              if o["x1"] > lo and o["x0"] < hi and o["x1"] - o["x0"] > 2]
    gaps = []
    cur = lo
    for a, z in sorted(spans):
        if a > cur:
            gaps.append((cur, a))
        cur = max(cur, z)
    if cur < hi:
        gaps.append((cur, hi))
    gaps = [g for g in gaps if g[1] - g[0] >= 0.02 * width]
    if not gaps:
        return [page]
    a, z = max(gaps, key=lambda g: g[1] - g[0])
    cut = (a + z) / 2
    left = sum(ch["x1"] <= cut for ch in chars)
    if min(left, len(chars) - left) < 0.2 * len(chars):
        return [page]
    # both halves must hold full-height text: lines from near the top of each half
    tops = [min(ch["top"] for ch in chars if (ch["x1"] <= cut) == side) for side in (True, False)]
    if max(tops) > 0.4 * height:
        return [page]
    top, bottom = float(page.bbox[1]), float(page.bbox[3])
    return [page.crop((x_left, top, cut, bottom)), page.crop((cut, top, float(page.bbox[2]), bottom))]


def _upright_share(page) -> float:
    """Share of the page's characters that read upright, left to right, on the page as read."""
    chars = [ch for ch in page.chars if ch["text"].strip()]
    if not chars:
        return 1.0
    ok = 0
    for ch in chars:
        a, b, c, d = ch.get("matrix", (1, 0, 0, 1))[:4]
        ok += a > 0 and d > 0 and abs(b) * 10 < a and abs(c) * 10 < d
    return ok / len(chars)


def _unrotated(pdf, page):
    """The page as drawn when its /Rotate turns its text sideways or upside down (a page
    rotated for display whose text layer reads upright unrotated): pdfminer applies /Rotate to
    every character, so table rows would come out as columns.  A page whose text reads upright
    once rotated (content drawn rotated, as landscape pages are) keeps its rotation.  A page
    without /Rotate whose text is drawn turned (a landscape page printed onto portrait paper)
    is read turned back by 90° or 270°, whichever makes nine in ten of its glyphs upright."""
    if _upright_share(page) >= 0.5:
        return page
    from pdfplumber.page import Page

    obj = page.page_obj
    if not page.rotation:
        # content drawn turned on an upright page (a landscape page printed onto portrait
        # paper): shown turned back, its text reads upright
        for turn in (90, 270):
            obj.attrs["Rotate"], obj.rotate = turn, turn
            shown = Page(pdf, obj, page_number=page.page_number, initial_doctop=page.initial_doctop)
            if _upright_share(shown) >= 0.9:
                page.flush_cache()
                return shown
            shown.flush_cache()
        obj.attrs.pop("Rotate", None)
        obj.rotate = 0
        return page
    kept = (obj.attrs.get("Rotate"), obj.rotate)
    obj.attrs["Rotate"], obj.rotate = 0, 0
    plain = Page(pdf, obj, page_number=page.page_number, initial_doctop=page.initial_doctop)
    if _upright_share(plain) > _upright_share(page):
        page.flush_cache()
        return plain
    plain.flush_cache()
    obj.attrs["Rotate"], obj.rotate = kept
    return page


def _radicals_as_ideographs(page) -> None:
    """Each character drawn as a CJK radical code point read as the ideograph it shares its glyph
    with (Chrome's print-to-PDF with Noto CJK writes 人民 as U+2F08 U+2EA0; :mod:`etl.radicals`),
    before the page's words, headers and labels are read."""
    for ch in page.chars:
        text = ch.get("text") or ""
        if text and ("\u2e80" <= text[0] <= "\u2fdf" or "\uf900" <= text[0] <= "\ufad9"):
            ch["text"] = fold_text(text)


def _read_pages(pdf, pdoc, doc: Document, image_only_pages: list[int]) -> tuple[int, int]:
    n_tables = 0
    n_chars = 0
    carry: dict = {}
    for page_no, page in enumerate(pdf.pages, start=1):
        objects = None
        if pdoc is not None:
            try:
                objects = _pdfium_objects(pdoc, page_no - 1, page)
            except Exception:  # noqa: BLE001 - pdfminer reads the page instead
                objects = None
            if objects is not None:
                page._objects = objects  # pdfplumber's cache: pdfminer never parses this page
        if objects is None:
            page = _unrotated(pdf, page)
        page = _without_overprints(page)
        page = _without_stamps(page)
        _radicals_as_ideographs(page)
        chars = [ch for ch in page.chars if ch["text"].strip()]
        n_chars += len(chars)
        if chars and _over_page_picture(page):
            doc.ocr_layer = True
        if not chars:
            if page.images:
                image_only_pages.append(page_no)
            continue
        for half in _two_up(page):
            n_tables = _read_page(half, page_no, doc, n_tables, carry)
        page.flush_cache()
    return n_chars, n_tables


def _declared_page_count(pdf) -> int | None:
    """The page tree's /Count (what the file claims), or None if unreadable.  A lie only delays
    the exact count; the ingest's time limit bounds that."""
    try:
        from pdfminer.pdftypes import resolve1
        n = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:
        return None
    return n if isinstance(n, int) and not isinstance(n, bool) else None


def _inflated_size(stream, limit: int) -> int:
    """Decoded size of a pdfminer stream, decoding at most ``limit`` + 1 bytes (never more)."""
    from pdfminer.pdftypes import resolve1
    filters = resolve1(stream.attrs.get("Filter") or stream.attrs.get("F"))
    if isinstance(filters, list):
        filters = [resolve1(f) for f in filters]
    else:
        filters = [filters] if filters is not None else []
    raw = stream.rawdata if stream.rawdata is not None else (stream.data or b"")
    names = [getattr(f, "name", str(f)) for f in filters]
    if not names:
        return len(raw)
    if names[0] not in ("FlateDecode", "Fl"):
        return len(raw) * (4 if len(names) == 1 else 1000)  # other filters: a rough bound
    d = zlib.decompressobj()
    total, chunk = 0, raw
    try:
        while chunk and total <= limit:
            out = d.decompress(chunk, 1 << 20)
            total += len(out)
            chunk = d.unconsumed_tail
    except zlib.error:
        pass                               # broken data: pdfminer decides later
    return total if len(names) == 1 else total * 1000 if total else 0


def check_content_size(pdf) -> None:
    """Raise ReportError("too_large") when a page's decompressed content (its content streams,
    each counted as often as /Contents lists it, plus the forms it draws) exceeds
    :data:`MAX_PAGE_CONTENT_BYTES`, or the document's exceeds :data:`MAX_DOC_CONTENT_BYTES`."""
    from pdfminer.pdftypes import PDFStream, resolve1
    sizes: dict[int, int] = {}
    doc_total = 0

    def size(obj) -> int:
        key = id(obj)
        if key not in sizes:
            sizes[key] = _inflated_size(obj, MAX_PAGE_CONTENT_BYTES)
        return sizes[key]

    for page_no, page in enumerate(pdf.pages, start=1):
        total = 0
        for c in page.page_obj.contents or []:
            c = resolve1(c)
            if isinstance(c, PDFStream):
                total += size(c)
            if total > MAX_PAGE_CONTENT_BYTES:
                break
        xobjs = resolve1((resolve1(page.page_obj.resources) or {}).get("XObject")) or {}
        for x in list(xobjs.values())[:10_000] if isinstance(xobjs, dict) else []:
            x = resolve1(x)
            if isinstance(x, PDFStream) and getattr(resolve1(x.attrs.get("Subtype")), "name", "") == "Form":
                total += size(x)
        doc_total += total
        if total > MAX_PAGE_CONTENT_BYTES or doc_total > MAX_DOC_CONTENT_BYTES:
            raise ReportError(f"PDF 内容解压后过大（第 {page_no} 页，上限 {MAX_PAGE_CONTENT_BYTES // 2**20} MB/页、"
                              f"{MAX_DOC_CONTENT_BYTES // 2**20} MB/文件），疑似压缩炸弹", "too_large")


def _encrypted(e: BaseException) -> bool:
    """True if ``e`` (or what it wraps: pdfplumber raises PdfminerException(PDFPasswordIncorrect()))
    says the file needs a password or uses an encryption pdfminer cannot open."""
    seen: list[BaseException] = [e]
    while seen:
        x = seen.pop()
        name = type(x).__name__
        if "Password" in name or "Encrypt" in name:
            return True
        seen += [a for a in getattr(x, "args", ()) if isinstance(a, BaseException)]
        seen += [c for c in (x.__cause__, x.__context__) if c is not None and c is not x]
        if len(seen) > 20:
            break
    return False


def read_pdf(data: bytes, source: str) -> Document:
    """Read a text-layer PDF into a Document (fmt="pdf")."""
    if not data:
        raise ReportError("空文件：没有任何文字", "not_a_report")
    if len(data) > MAX_BYTES:
        raise ReportError(f"PDF 文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）", "too_large")
    try:
        import pdfplumber

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfminer raises PDFSyntaxError, PSEOF, KeyError, ... on bad files
        if _encrypted(e):
            raise ReportError("PDF 已加密（需要密码），无法读取", "encrypted") from e
        cut = "（文件末尾没有 %%EOF：可能下载不完整）" if b"%%EOF" not in data[-2048:] else ""
        raise ReportError(f"PDF 文件损坏，无法解析（{type(e).__name__}）{cut}", "corrupt_pdf") from e
    doc = Document(source=source, fmt="pdf")
    # Listing pages costs ~1 ms each (and pdfplumber's close() lists them all): check the
    # declared /Count before entering the `with`.
    declared = _declared_page_count(pdf)
    if declared is not None and declared > MAX_PAGES:
        raise ReportError(f"PDF 页数过多（{declared} 页，上限 {MAX_PAGES}）", "too_large")
    try:
        with pdf:
            try:
                n_pages = len(pdf.pages)
            except Exception as e:
                raise ReportError(f"PDF 页面结构损坏（{type(e).__name__}）", "corrupt_pdf") from e
            if n_pages > MAX_PAGES:
                raise ReportError(f"PDF 页数过多（{n_pages} 页，上限 {MAX_PAGES}）", "too_large")
            if n_pages == 0:
                raise ReportError("PDF 没有页面", "corrupt_pdf")
            check_content_size(pdf)
            doc.title_hint = _fix_pdf_string((pdf.metadata or {}).get("Title"))
            image_only_pages: list[int] = []
            pdoc = _pdfium_open(data)
            try:
                n_chars, n_tables = _read_pages(pdf, pdoc, doc, image_only_pages)
            finally:
                if pdoc is not None:
                    pdoc.close()
    except ReportError:
        raise
    except RecursionError as e:
        raise ReportError("PDF 对象嵌套过深，疑似损坏", "corrupt_pdf") from e
    except Exception as e:
        raise ReportError(f"PDF 内容无法解析（{type(e).__name__}）", "corrupt_pdf") from e
    if n_chars == 0:
        if image_only_pages:
            raise ReportError(SCANNED_REASON, "scanned_pdf")  # etl.readers hands it to OCR
        raise ReportError("PDF 中没有任何文字", "not_a_report")
    if image_only_pages:
        doc.warnings.append(f"pages without text layer (scanned?): {image_only_pages}")
        doc.damaged = True
    for i, t in enumerate(doc.tables):
        t.index = i
    if not doc.blocks:
        raise ReportError("PDF 中没有任何文字", "not_a_report")
    return doc
