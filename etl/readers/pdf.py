"""PDF reader: turns a text-layer PDF into a neutral :class:`Document` with pdfplumber (MIT).

Role in the ETL, per page (1-based ``page`` on every block and cell):

1. Drop invisible drawing objects before table finding: WPS/Word paint a white filled
   rectangle behind every text line, which pdfplumber would otherwise read as a one-column
   "table" covering the whole page.
2. Ruled tables: ``page.find_tables()``.  pdfplumber reports ``None`` for grid positions that
   no cell starts at.  We resolve each ``None`` geometrically: if a detected cell's bbox covers
   the position, it is a span copy of that cell (``is_span_copy=True``); this is exact, unlike
   guessing "left neighbour, else above".  If no cell covers it, the cell is not closed on this
   page (a merged label cut by a page break): its characters are collected from the page and
   consecutive such positions in one column become one vertically merged cell.
3. Text outside table bboxes becomes :class:`Paragraph` lines, top to bottom.  Page furniture
   ("- 3 -", "— 3 —", "第 3 页", "3/5", a bare page number in the margin) is dropped.
4. Tables without ruling lines: a run of lines that look like table rows (a label followed by
   numbers, split into cells where the gap between characters exceeds ~1.5 character widths)
   is rebuilt as a :class:`Table`, its columns aligned by x-overlap.

A table split across pages comes out as two Table blocks.  Scanned PDFs (images, no text
layer) raise ``ReportError(code="scanned_pdf")``; more than :data:`MAX_PAGES` pages raise
``too_large``; files pdfminer cannot parse raise ``corrupt_pdf``.
"""
from __future__ import annotations

import io
import re
from statistics import median

from etl.document import Cell, Document, Paragraph, ReportError, Table
from etl.readers.html import join_cell_lines

MAX_PAGES = 200
MAX_BYTES = 100 * 1024 * 1024
SCANNED_REASON = "扫描件（无文字层）：需要 OCR，本工具不支持"

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

def _is_white(color) -> bool:
    if color is None:
        return False
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        color = tuple(float(x) for x in color)
    except (TypeError, ValueError):
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
    elif kind == "line":
        if _is_white(obj.get("stroking_color")):
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


def _ruled_table(table, page, page_no: int, index: int) -> Table:
    """Grid from a pdfplumber table, resolving None positions (see module docstring)."""
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
                grid[r][c] = Cell(_clean_cell_text(text), r, c, page=page_no)
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
    return Table([list(row) for row in grid], index=index, page=page_no)


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
            grid[first][c] = Cell(text, first, c, rowspan=len(run), page=page_no)
            for r in run[1:]:
                grid[r][c] = Cell(text, r, c, rowspan=len(run), is_span_copy=True, page=page_no)


# ----------------------------------------------------------------------------- unruled tables

def _split_line_cells(chars: list) -> list[dict]:
    """Split one text line into cells where the x-gap exceeds ~1.5 character widths."""
    chars = sorted((ch for ch in chars if ch["text"].strip()), key=lambda ch: ch["x0"])
    if not chars:
        return []
    width = median(ch.get("size") or (ch["x1"] - ch["x0"]) or 10 for ch in chars)
    cells: list[dict] = []
    cur = [chars[0]]
    for prev, ch in zip(chars, chars[1:]):
        if ch["x0"] - prev["x1"] > 1.5 * width:
            cells.append(cur)
            cur = [ch]
        else:
            cur.append(ch)
    cells.append(cur)
    return [{"text": _clean_line("".join(ch["text"] for ch in cs)), "x0": cs[0]["x0"],
             "x1": max(ch["x1"] for ch in cs)} for cs in cells]


def _row_like(cells: list[dict]) -> bool:
    return len(cells) >= 2 and not _NUMERIC.match(cells[0]["text"]) and \
        any(_NUMERIC.match(c["text"]) for c in cells[1:])


def _header_like(cells: list[dict]) -> bool:
    return len(cells) >= 3


def _align_columns(rows: list[list[dict]]) -> list[list[str]]:
    """Columns = groups of x-overlapping cells across rows; missing cells become ''."""
    spans = sorted((c["x0"], c["x1"]) for row in rows for c in row)
    cols: list[list[float]] = []
    for x0, x1 in spans:
        if cols and x0 <= cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], x1)
        else:
            cols.append([x0, x1])
    out = []
    for row in rows:
        texts = [""] * len(cols)
        for c in row:
            mid = (c["x0"] + c["x1"]) / 2
            i = next((k for k, (a, z) in enumerate(cols) if a <= mid <= z), len(cols) - 1)
            texts[i] = (texts[i] + c["text"]) if texts[i] else c["text"]
        out.append(texts)
    return out


# ----------------------------------------------------------------------------- page

def _find_tables(fpage) -> list:
    """find_tables, closing tables cut by a page break: when vertical rules run past a
    table's last (or before its first) horizontal rule, the open row is closed with an
    explicit horizontal line where the verticals end, so the row is not lost."""
    tables = fpage.find_tables()
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
        if high < top - 2:
            extra.add(round(high, 2))
    if not extra:
        return tables
    return fpage.find_tables({"explicit_horizontal_lines": sorted(extra)})


def _read_page(page, page_no: int, doc: Document, n_tables: int) -> int:
    fpage = page.filter(_visible)
    items: list[tuple[float, object]] = []  # (top, block)
    bboxes = []
    for t in _find_tables(fpage):
        table = _ruled_table(t, fpage, page_no, n_tables)
        if not table.rows or not any(c.text for row in table.rows for c in row):
            continue
        if len(table.rows[0]) == 1 and len(table.rows) <= 1:
            continue  # a lone framed box: keep its text as a paragraph instead
        bboxes.append(t.bbox)
        items.append((t.bbox[1], table))
        n_tables += 1

    height = float(page.height)
    pending: list[tuple[float, float, list[dict], str]] = []  # (top, bottom, cells, text)

    def flush_pending() -> None:
        nonlocal n_tables
        # find runs of row-like lines (>= 2 row-like) and make tables of them
        i = 0
        while i < len(pending):
            j = i
            n_row_like = 0
            while j < len(pending) and (_row_like(pending[j][2]) or _header_like(pending[j][2])):
                n_row_like += _row_like(pending[j][2])
                j += 1
            if n_row_like >= 2:
                rows = [p[2] for p in pending[i:j]]
                table = Table.from_texts(_align_columns(rows), index=n_tables, page=page_no)
                items.append((pending[i][0], table))
                n_tables += 1
                i = j
            else:
                items.append((pending[i][0], Paragraph(pending[i][3], page=page_no)))
                i += 1
        pending.clear()

    for line in page.extract_text_lines(return_chars=True):
        ym = (line["top"] + line["bottom"]) / 2
        xm = (line["x0"] + line["x1"]) / 2
        if any(b[0] <= xm <= b[2] and b[1] <= ym <= b[3] for b in bboxes):
            flush_pending()
            continue
        text = _clean_line(line["text"])
        if is_page_furniture(text, line["top"], line["bottom"], height):
            continue
        pending.append((line["top"], line["bottom"], _split_line_cells(line["chars"]), text))
    flush_pending()

    items.sort(key=lambda it: it[0])  # stable: ties keep extraction order
    # renumber tables in page order
    for _, block in items:
        doc.blocks.append(block)
    return n_tables


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
        name = type(e).__name__
        if "Password" in name or "Encrypt" in name:
            raise ReportError("PDF 已加密，无法读取", "corrupt_pdf") from e
        raise ReportError(f"PDF 文件损坏，无法解析（{name}）", "corrupt_pdf") from e
    doc = Document(source=source, fmt="pdf")
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
            doc.title_hint = _fix_pdf_string((pdf.metadata or {}).get("Title"))
            n_tables = 0
            n_chars = 0
            image_only_pages = []
            for page_no, page in enumerate(pdf.pages, start=1):
                chars = [ch for ch in page.chars if ch["text"].strip()]
                n_chars += len(chars)
                if not chars:
                    if page.images:
                        image_only_pages.append(page_no)
                    continue
                n_tables = _read_page(page, page_no, doc, n_tables)
                page.flush_cache()
    except ReportError:
        raise
    except RecursionError as e:
        raise ReportError("PDF 对象嵌套过深，疑似损坏", "corrupt_pdf") from e
    except Exception as e:
        raise ReportError(f"PDF 内容无法解析（{type(e).__name__}）", "corrupt_pdf") from e
    if n_chars == 0:
        if image_only_pages:
            raise ReportError(SCANNED_REASON, "scanned_pdf")
        raise ReportError("PDF 中没有任何文字", "not_a_report")
    if image_only_pages:
        doc.warnings.append(f"pages without text layer (scanned?): {image_only_pages}")
        doc.damaged = True
    for i, t in enumerate(doc.tables):
        t.index = i
    if not doc.blocks:
        raise ReportError("PDF 中没有任何文字", "not_a_report")
    return doc
