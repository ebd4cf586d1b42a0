"""Tables 三 and 四 printed side by side and saved as ONE grid: split it into two tables.

A landscape page holding both tables, exported as one grid (Word, a CMS), gives rows whose left
columns are table 三's and whose right columns are table 四's: its heading and its header words
(行政复议 / 行政诉讼) begin at one column of the header rows.  Read as one table, table 四's
words and figures would run on after table 三's in every row.  The split is made only on that
evidence: table 三's words (申请人 / 自然人 / 收到和处理 / 本列数据的勾稽关系) left of the column,
table 四's heading or both its group words starting at it.  Each part keeps its own rows (a
row blank in a part is dropped from it); a cell spanning across the split is cut at it.
"""
from __future__ import annotations

from etl import vocab
from etl.document import Cell, Document, Table

_HEADER_ROWS = 6          # the rows searched for the two tables' header words
_T3_WORDS = ("申请人", "自然人", "收到和处理", "本列数据的勾稽关系")
_T4_RESULT_WORDS = ("结果维持", "结果纠正", "尚未审结", "其他结果")
_T3_COLUMN_WORDS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构")


def _t4_start(table: Table) -> int | None:
    """The grid column where table 四's header begins, or None."""
    best: int | None = None
    left_t3 = False
    for cells in table.rows[:_HEADER_ROWS]:
        real = [c for c in cells if not c.is_span_copy and c.text.strip()]
        for c in real:
            n = vocab.norm(c.text)
            if c.col == 0 or "行政复议" not in n:
                continue
            heading = "行政诉讼" in n
            group = n == "行政复议" and any(
                d.col > c.col and vocab.norm(d.text) == "行政诉讼" for d in real)
            if heading or group:
                best = c.col if best is None else min(best, c.col)
    if best is None:
        return None
    for cells in table.rows[:_HEADER_ROWS]:
        for c in cells:
            if not c.is_span_copy and c.col < best and any(w in vocab.norm(c.text) for w in _T3_WORDS):
                left_t3 = True
    # table 四 begins there only if its result words stand at or right of it and no table-三
    # column word does (a caption 「行政复议、行政诉讼情况见表四」 over table 三's last columns)
    right_t4 = right_t3 = False
    for cells in table.rows[:_HEADER_ROWS]:
        for c in cells:
            if c.is_span_copy or c.col < best:
                continue
            n = vocab.norm(c.text)
            right_t4 |= any(w in n for w in _T4_RESULT_WORDS)
            right_t3 |= any(w in n for w in _T3_COLUMN_WORDS)
    return best if left_t3 and right_t4 and not right_t3 else None


def _part(table: Table, lo: int, hi: int) -> list[list[Cell]]:
    """Columns ``lo``..``hi - 1`` of every row, re-based at 0; rows blank in them dropped."""
    out: list[list[Cell]] = []
    for cells in table.rows:
        row: list[Cell] = []
        origin: Cell | None = None
        for c in cells:
            if not c.is_span_copy:
                origin = c
            if not lo <= c.col < hi:
                continue
            if c.is_span_copy and (origin is None or origin.col < lo):
                # a copy of a cell that stays in the other part: blank here
                row.append(Cell("", len(out), c.col - lo, page=c.page))
                continue
            span = min(c.colspan, hi - (origin.col if c.is_span_copy and origin else c.col))
            row.append(Cell(c.text, len(out), c.col - lo, c.rowspan, span, c.is_span_copy,
                            c.page, c.bbox, c.conf, c.doubt))
        if any(c.text.strip() for c in row):
            out.append(row)
    return out


def _split_x(table: Table, start: int) -> float | None:
    """The page x where table 四's columns begin in ``table`` (a PDF grid), or None."""
    xs = [c.bbox[0] for cells in table.rows for c in cells
          if not c.is_span_copy and c.col >= start and c.bbox is not None and c.text.strip()]
    return min(xs) if xs else None


def _continued_at(table: Table, x: float) -> int | None:
    """The grid column of ``table`` (the next page's part of a grid cut by a page break) where
    the page's x ``x`` falls between two columns: no inked cell crosses it.  None when a cell
    does, or the grid has no positions or nothing right of it."""
    tol = 2.0
    right: list[int] = []
    for cells in table.rows:
        for c in cells:
            if c.is_span_copy or c.bbox is None:
                if c.bbox is None and not c.is_span_copy:
                    return None
                continue
            if c.bbox[0] >= x - tol:
                right.append(c.col)
            elif c.bbox[2] > x + tol and c.text.strip():
                return None   # a cell across the split: no side-by-side grid
    return min(right) if right else None


def split_side_by_side(doc: Document) -> bool:
    """Split every grid holding tables 三 and 四 side by side; returns whether one was split.

    A PDF grid cut by page breaks goes on in tables of its own on the next pages, with no
    header to show the split: the tables right after it (nothing between them) are split at
    the same place on the page, and table 四's parts follow all of table 三's, so that table
    三's later rows are not read as table 四's (LibreOffice's print of such a DOCX)."""
    blocks: list = []
    split = False
    src = list(doc.blocks)
    i = 0
    while i < len(src):
        b = src[i]
        i += 1
        start = _t4_start(b) if isinstance(b, Table) and not b.packed and len(b.rows) > 2 else None
        if start is None:
            blocks.append(b)
            continue
        lefts, rights = [_left(b, start)], [Table(_part(b, start, 1 << 30), page=b.page)]
        x = _split_x(b, start)
        while x is not None and i < len(src) and isinstance(src[i], Table) and not src[i].packed and (
                src[i].page or 0) > (b.page or 0) and _t4_start(src[i]) is None:
            at = _continued_at(src[i], x)
            if at is None:
                break
            lefts.append(_left(src[i], at))
            right = _part(src[i], at, 1 << 30)
            if right:
                rights.append(Table(right, page=src[i].page))
            b = src[i]
            i += 1
        blocks.extend(lefts + rights)
        split = True
    if split:
        doc.blocks = blocks
        for k, t in enumerate(doc.tables):
            t.index = k
        doc.warnings.append("表三与表四并排印在同一张表格中：按表四表头所在的列拆成两张表读取")
    return split


def _left(b: Table, start: int) -> Table:
    """Table 三's part of ``b``: the columns left of ``start`` and of the blank ones before it."""
    end = start
    while end > 1 and not any(c.text.strip() for cells in b.rows for c in cells if c.col == end - 1):
        end -= 1   # the blank column between the two tables
    return Table(_part(b, 0, end), page=b.page)
