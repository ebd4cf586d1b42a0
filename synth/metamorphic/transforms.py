"""Transformations of a report that publishers, converters and crawlers really produce.

Each :class:`Transform` takes a *source report* (agency, year, template, cells — a real corpus
gold's figures or a synthetic report) and a format, and returns a :class:`Plan`: how to render
it (options and hooks of :mod:`synth.render`: re-laid tables, number spellings, titles), an
optional byte/text-level edit of the rendered file (what a crawler or converter does), and
what the truth becomes:

* ``truth`` — every cell the file prints, with its value (unchanged, changed or removed);
* ``flag_ok`` — cells whose evidence the transform destroys or makes ambiguous: for them a
  flag (``uncertain``) is the honest answer (a right value is fine too);
* ``must_flag`` — cells the file prints twice with different values: only a flag is right;
* ``complete`` — the file still holds every figure unambiguously, so a parser may flag only
  a small share of cells beyond ``flag_ok``;
* ``may_reject`` — refusing the file with a reason is acceptable (title not in the body,
  traditional characters);
* ``agency`` — another agency name printed (and so true) instead of the source's.

Most transforms act on the table model before rendering (:class:`Grid`: cells with rowspan /
colspan, rows and columns inserted, deleted, permuted, transposed); some edit the rendered
bytes afterwards.  Labels, captions, notes and titles here are invented text.
"""
from __future__ import annotations

import copy
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Callable

from etl import vocab
from synth import render as R

Cell = R.Cell
FORMATS = ("txt", "flat", "md", "html", "docx", "pdf")
TEXT_FORMATS = ("txt", "flat", "md", "html", "docx")   # formats a text-level edit can reach
ALL = FORMATS
TABLED = ("txt", "md", "html", "docx", "pdf")            # formats that keep a table's cells apart


# --------------------------------------------------------------------------- table model


class Grid:
    """A table as a grid of slots, each holding the id of the printed cell covering it.

    Any edit of rows or columns keeps spans: a cell's extent is the bounding box of its slots.
    """

    def __init__(self, t: R.Table):
        self.name, self.header_rows = t.name, t.header_rows
        self.cells: list[Cell] = []
        self.slots: list[list[int]] = []
        occ: dict[tuple[int, int], int] = {}
        for r, row in enumerate(t.rows):
            c = 0
            for cell in row:
                while (r, c) in occ:
                    c += 1
                cid = len(self.cells)
                self.cells.append(cell)
                for dr in range(cell.rs):
                    for dc in range(cell.cs):
                        occ[(r + dr, c + dc)] = cid
                c += cell.cs
        nrows = max(r for r, _ in occ) + 1
        self.slots = [[occ.get((r, c), -1) for c in range(t.ncols)] for r in range(nrows)]
        for row in self.slots:   # short rows: fill with empty cells
            for c, cid in enumerate(row):
                if cid < 0:
                    row[c] = self.new(Cell(kind="lit"))

    @property
    def ncols(self) -> int:
        return len(self.slots[0])

    def new(self, cell: Cell) -> int:
        self.cells.append(cell)
        return len(self.cells) - 1

    def table(self, name: str | None = None, header_rows: int | None = None) -> R.Table:
        box: dict[int, list[int]] = {}
        for r, row in enumerate(self.slots):
            for c, cid in enumerate(row):
                b = box.setdefault(cid, [r, c, r, c])
                b[0], b[1], b[2], b[3] = min(b[0], r), min(b[1], c), max(b[2], r), max(b[3], c)
        rows: list[list[tuple[int, Cell]]] = [[] for _ in self.slots]
        for cid, (r0, c0, r1, c1) in box.items():
            rows[r0].append((c0, replace(self.cells[cid], rs=r1 - r0 + 1, cs=c1 - c0 + 1)))
        out = [[cell for _, cell in sorted(row, key=lambda x: x[0])] for row in rows]
        return R.make_table(name or self.name, out, self.ncols,
                            self.header_rows if header_rows is None else header_rows)

    # ---- rows
    def row_of(self, key_prefix: str) -> int:
        """Index of the first row holding a number cell whose key starts with ``key_prefix``."""
        for r, row in enumerate(self.slots):
            if any(self.cells[cid].kind == "num" and self.cells[cid].key.startswith(key_prefix) for cid in row):
                return r
        raise KeyError(key_prefix)

    def delete_rows(self, rows: list[int]) -> None:
        self.slots = [row for r, row in enumerate(self.slots) if r not in set(rows)]

    def insert_row(self, at: int, cells: list[Cell], keep_spans: bool = True) -> None:
        """Insert a row of 1-row cells (their ``cs`` fill the columns not kept by spans).

        ``keep_spans``: a cell spanning across ``at`` (above and below) covers the new row too;
        otherwise it is cut in two and its lower part printed empty."""
        above = self.slots[at - 1] if at > 0 else None
        below = self.slots[at] if at < len(self.slots) else None
        new: list[int] = []
        free = []
        for c in range(self.ncols):
            if above and below and above[c] == below[c]:
                if keep_spans:
                    new.append(above[c])
                    continue
                old = below[c]
                lower = self.new(replace(self.cells[old], text="", kind="lit"))
                for row in self.slots[at:]:
                    for cc in range(self.ncols):
                        if row[cc] == old:
                            row[cc] = lower
            new.append(-1)
            free.append(c)
        it = iter(free)
        for cell in cells:
            cid = self.new(replace(cell, rs=1, cs=1))
            for _ in range(cell.cs):
                new[next(it)] = cid
        for c in it:
            new[c] = self.new(Cell(kind="lit"))
        self.slots.insert(at, new)

    # ---- columns
    def permute_cols(self, perm: list[int]) -> None:
        """New column j is old column ``perm[j]``."""
        self.slots = [[row[p] for p in perm] for row in self.slots]

    def insert_col(self, at: int, cells: list[Cell | None]) -> None:
        """Insert a column; ``None`` extends the cell on its left (a header spanning it)."""
        for row, cell in zip(self.slots, cells):
            if cell is None:
                row.insert(at, row[at - 1])
            else:
                row.insert(at, self.new(replace(cell, rs=1, cs=1)))

    def unmerge(self, repeat: bool) -> None:
        """Every merged cell split into one cell per slot: its text repeated in each (what
        pandas-like converters write) or kept in the first slot only (the others blank)."""
        seen: set[int] = set()
        for row in self.slots:
            for c, cid in enumerate(row):
                if cid in seen:
                    cell = self.cells[cid]
                    row[c] = self.new(replace(cell) if repeat else lit())
                seen.add(cid)

    def delete_cols(self, cols: list[int]) -> None:
        self.slots = [[cid for c, cid in enumerate(row) if c not in set(cols)] for row in self.slots]

    def reverse_segments(self, start: int) -> None:
        """In every row, the cells from column ``start`` on in reverse order (spans kept whole)."""
        for r, row in enumerate(self.slots):
            segs: list[list[int]] = []
            for cid in row[start:]:
                if segs and segs[-1][-1] == cid:
                    segs[-1].append(cid)
                else:
                    segs.append([cid])
            self.slots[r] = row[:start] + [cid for seg in reversed(segs) for cid in seg]

    def transpose(self) -> None:
        self.slots = [list(col) for col in zip(*self.slots)]

    def relabel(self, fn: Callable[[Cell], Cell]) -> None:
        self.cells = [fn(c) for c in self.cells]

    def copy(self) -> "Grid":
        return copy.deepcopy(self)


def lit(text: str = "", cs: int = 1) -> Cell:
    return Cell(text, cs=cs, kind="lit")


def head(text: str, cs: int = 1) -> Cell:
    return Cell(text, cs=cs, kind="head")


def num(key: str) -> Cell:
    return Cell(kind="num", key=key)


# --------------------------------------------------------------------------- plans


@dataclass
class Plan:
    """How to make the transformed file and what its truth is (see the module docstring)."""

    opts: dict[str, Any] = field(default_factory=dict)
    truth: dict[str, Any] | None = None           # None: the source's cells
    flag_ok: set[str] = field(default_factory=set)
    must_flag: set[str] = field(default_factory=set)   # printed twice, differently: only a flag is right
    complete: bool = True
    may_reject: bool = False
    post: Callable[[bytes, str], bytes] | None = None
    cells: dict[str, Any] | None = None           # cells to render, if not the truth
    agency: str | None = None                     # the agency printed (and true), if not the source's


@dataclass(frozen=True)
class Transform:
    name: str
    klass: str          # the class number ('1'…'14') or 'extra'
    formats: tuple[str, ...]
    make: Callable[[dict, str], Plan | None]      # None: does not apply to this report
    doc: str = ""


TRANSFORMS: dict[str, Transform] = {}


def transform(name: str, klass: str, formats: tuple[str, ...] = ALL):
    def deco(fn: Callable[[dict, str], Plan | None]) -> Callable:
        TRANSFORMS[name] = Transform(name, klass, formats, fn, (fn.__doc__ or "").strip())
        return fn
    return deco


def tables_hook(t2: Callable | None = None, t3: Callable | None = None, t4: Callable | None = None,
                pieces: Callable | None = None) -> Callable:
    """A ``tables`` render hook applying Grid edits (``fn(grid, rep) -> None``) per table.
    ``pieces(t2, t3, t4, r)`` may then wrap tables in lists with captions."""
    def hook(a: R.Table, b: R.Table, c: R.Table, r: Any) -> tuple:
        out = []
        for t, fn in ((a, t2), (b, t3), (c, t4)):
            if fn is None:
                out.append(t)
                continue
            g = Grid(t)
            res = fn(g, r)
            out.append(res if res is not None else g.table())
        return tuple(pieces(*out, r)) if pieces else tuple(out)
    return hook


def _keys(cells: dict, prefix: str) -> set[str]:
    return {k for k in cells if k.startswith(prefix)}


# --------------------------------------------------------------------------- 1. columns by header

def moves_values(rep: dict, table: str, fn: Callable[[Grid, Any], Any]) -> bool:
    """Whether a Grid edit moves any printed figure: a column permutation of equal figures
    (all zero, say) leaves the file's numbers where they were and proves nothing."""
    t = R.skeleton(rep["template"], rep["cells"])[("t2", "t3", "t4").index(table)]
    g = Grid(t)

    def figures(grid: Grid) -> list[tuple]:
        rows = []
        for row in grid.slots:
            cells = [grid.cells[c] for c in row]
            if any(c.kind == "num" for c in cells):
                rows.append(tuple(rep["cells"].get(c.key) if c.kind == "num" else None for c in cells))
        return rows
    before = figures(g)
    fn(g, None)
    return figures(g) != before


def _moved(rep: dict, table: str, fn: Callable[[Grid, Any], Any], **plan: Any) -> Plan | None:
    if not moves_values(rep, table, fn):
        return None
    return Plan(opts={"tables": tables_hook(**{table: fn})}, **plan)


def _permute(perm: list[int]) -> Callable[[Grid, Any], None]:
    return lambda g, r: g.permute_cols(perm)


@transform("t3_total_first", "1")
def _t3_total_first(rep: dict, fmt: str) -> Plan | None:
    """Table 三 prints 总计 as its first applicant column."""
    return _moved(rep, "t3", _permute([0, 1, 2, 9, 3, 4, 5, 6, 7, 8]))


@transform("t3_legal_reordered", "1")
def _t3_legal_reordered(rep: dict, fmt: str) -> Plan | None:
    """Table 三's five 法人或其他组织 sub-columns in reverse order (其他 … 商业企业)."""
    return _moved(rep, "t3", _permute([0, 1, 2, 3, 8, 7, 6, 5, 4, 9]))


@transform("t4_after_before_direct", "1")
def _t4_after_before_direct(rep: dict, fmt: str) -> Plan | None:
    """Table 四's 复议后起诉 block printed before 未经复议直接起诉."""
    return _moved(rep, "t4", _permute(list(range(5)) + list(range(10, 15)) + list(range(5, 10))))


@transform("t4_pending_before_other", "1")
def _t4_pending_before_other(rep: dict, fmt: str) -> Plan | None:
    """Every table-四 block prints 尚未审结 before 其他结果."""
    return _moved(rep, "t4", _permute([b + i for b in (0, 5, 10) for i in (0, 1, 3, 2, 4)]))


@transform("t4_total_first", "1")
def _t4_total_first(rep: dict, fmt: str) -> Plan | None:
    """Every table-四 block prints 总计 first."""
    return _moved(rep, "t4", _permute([b + i for b in (0, 5, 10) for i in (4, 0, 1, 2, 3)]))


# --------------------------------------------------------------------------- 5. blank rows

@transform("t3_spacer_row", "5")
def _t3_spacer_row(rep: dict, fmt: str) -> Plan:
    """An all-blank spacer row between table 三's header and its first row."""
    return Plan(opts={"tables": tables_hook(t3=lambda g, r: g.insert_row(3, [lit() for _ in range(10)]))})


@transform("empty_first_rows", "5")
def _empty_first_rows(rep: dict, fmt: str) -> Plan:
    """Every table starts with an empty row (Word/CMS tables)."""
    def ins(g: Grid, r: Any) -> None:
        g.insert_row(0, [lit() for _ in range(g.ncols)])
        g.header_rows += 1 if g.header_rows else 0
    return Plan(opts={"tables": tables_hook(t2=ins, t3=ins, t4=ins)})


# --------------------------------------------------------------------------- 6. prior-year figures

def _prior(v: Any, salt: int) -> str:
    """A plausible different figure for the previous year."""
    if v is None:
        return "/"
    if isinstance(v, float) and not float(v).is_integer():
        return R._fmt_money(round(v * 0.8 + 1, 4))
    return str(abs(int(v)) + 1 + salt % 7)


@transform("t2_prior_year_cols", "6")
def _t2_prior_year_cols(rep: dict, fmt: str) -> Plan | None:
    """2021 table 二: 上年处理决定数量 | 本年处理决定数量 columns in 第（五）/（六）项."""
    if rep["template"] != "2021":
        return None
    cells = rep["cells"]

    def t2(g: Grid, r: Any) -> None:
        for rr, row in enumerate(g.slots):
            first = g.cells[row[1]]
            if first.kind == "head" and first.text == "本年处理决定数量":
                g.cells[row[1]] = replace(first, text="上年处理决定数量")
                g.cells.append(head("本年处理决定数量"))
                nid = len(g.cells) - 1
                for c in range(2, g.ncols):
                    row[c] = nid
            elif first.kind == "num" and first.key.endswith(".decision_count"):
                key = first.key
                g.cells[row[1]] = lit(_prior(cells.get(key), rr))
                g.cells.append(num(key))
                nid = len(g.cells) - 1
                for c in range(2, g.ncols):
                    row[c] = nid
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("t4_prior_year_row", "6")
def _t4_prior_year_row(rep: dict, fmt: str) -> Plan:
    """Table 四 with a year column: the previous year's row above the report year's."""
    cells = rep["cells"]
    y = int(rep["year"])

    def t4(g: Grid, r: Any) -> None:
        g.insert_col(0, [head("年度"), None, None, lit(f"{y}年")])
        # the header cell spans the three header rows
        hid = g.slots[0][0]
        g.slots[1][0] = g.slots[2][0] = hid
        prior = [lit(_prior(cells.get(g.cells[cid].key), i)) for i, cid in enumerate(g.slots[3][1:])]
        g.insert_row(3, [lit(f"{y - 1}年")] + prior)
    return Plan(opts={"tables": tables_hook(t4=t4)})


# --------------------------------------------------------------------------- 8. split rows

@transform("t2_coercion_split", "8")
def _t2_coercion_split(rep: dict, fmt: str) -> Plan | None:
    """行政强制 printed as two rows, 行政强制措施 and 行政强制执行 (truth: their sum, or a flag)."""
    cells = rep["cells"]
    keys = sorted(_keys(cells, "t2.admin_coercion."))
    if not keys:
        return None

    def part(v: Any, first: bool) -> str:
        if v is None:
            return "/"
        a = int(v) - int(v) // 2 if first else int(v) // 2
        return str(a)

    def t2(g: Grid, r: Any) -> None:
        at = g.row_of("t2.admin_coercion.")
        row = g.slots[at]
        label = g.cells[row[0]]
        g.cells[row[0]] = replace(label, text="行政强制措施")
        second = []
        for c in range(1, g.ncols):
            cell = g.cells[row[c]]
            if c > 1 and row[c] == row[c - 1]:
                continue
            if cell.kind == "num":
                g.cells[row[c]] = lit(part(cells.get(cell.key), True), cs=cell.cs)
                second.append(lit(part(cells.get(cell.key), False), cs=cell.cs))
            else:
                second.append(cell)
        # keep the column spans of the original row
        g.slots.insert(at + 1, [-1] * g.ncols)
        g.slots[at + 1][0] = g.new(replace(label, text="行政强制执行"))
        c = 1
        for cell in second:
            cid = g.new(replace(cell, cs=1))
            width = sum(1 for cc in range(1, g.ncols) if g.slots[at][cc] == g.slots[at][c])
            for cc in range(c, c + width):
                g.slots[at + 1][cc] = cid
            c += width
    return Plan(opts={"tables": tables_hook(t2=t2)}, flag_ok=set(keys))


# --------------------------------------------------------------------------- 9. footnote markers

def _nonzero(cells: dict, prefix: str, n: int = 1, minimum: int = 1) -> list[str]:
    return [k for k, v in cells.items() if k.startswith(prefix) and isinstance(v, int) and v >= minimum][:n]


@transform("footnote_markers", "9")
def _footnote_markers(rep: dict, fmt: str) -> Plan | None:
    """Footnote markers after numbers (``9①``, ``66※``) with the notes under the table."""
    keys = _nonzero(rep["cells"], "t3.", 2) + _nonzero(rep["cells"], "t2.", 1)
    if not keys:
        return None
    marks = dict(zip(keys, ("①", "②", "※")))

    def value_text(key: str, s: str) -> str:
        return s + marks[key] if key in marks and s else s

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：※含网上申请的数量。"], [t3, "注：①含上年度结转事项。②为当面申请的数量。"], t4)
    return Plan(opts={"value_text": value_text, "tables": tables_hook(pieces=pieces)})


# --------------------------------------------------------------------------- 10. omitted rows

@transform("t3_row_omitted_next_unlabelled", "10")
def _t3_row_omitted(rep: dict, fmt: str) -> Plan | None:
    """A table-三 row the agency left out (all zero) and the next row printed without its label."""
    cells = rep["cells"]
    rows = [r for r in vocab.T3_ROW_KEYS[4:19]
            if f"t3.{r}.total" in cells and all(not cells.get(f"t3.{r}.{c}") for c in vocab.T3_COL_KEYS)]
    rows = [r for r in rows if vocab.T3_ROW_KEYS[vocab.T3_ROW_KEYS.index(r) + 1] in
            {k.split(".")[1] for k in cells}]
    if not rows:
        return None
    gone = rows[len(rows) // 2]
    nxt = vocab.T3_ROW_KEYS[vocab.T3_ROW_KEYS.index(gone) + 1]

    def t3(g: Grid, r: Any) -> None:
        at = g.row_of(f"t3.{gone}.")
        row_next = g.slots[at + 1]
        for c in range(g.ncols):
            cell = g.cells[row_next[c]]
            if cell.kind == "label" and row_next[c] not in g.slots[at]:
                g.cells[row_next[c]] = replace(cell, text="")
        g.delete_rows([at])
    truth = {k: v for k, v in cells.items() if not k.startswith(f"t3.{gone}.")}
    return Plan(opts={"tables": tables_hook(t3=t3)}, truth=truth,
                flag_ok=_keys(cells, f"t3.{nxt}.") | _keys(cells, f"t3.{gone}."))


# --------------------------------------------------------------------------- 11. table not found

@transform("t3_transposed", "11")
def _t3_transposed(rep: dict, fmt: str) -> Plan:
    """Table 三 transposed: applicant categories as rows, outcomes as columns."""
    def t3(g: Grid, r: Any) -> None:
        g.transpose()
        g.header_rows = 3
    return Plan(opts={"tables": tables_hook(t3=t3)}, flag_ok=_keys(rep["cells"], "t3."))


def _one_cell_per_line(data: bytes, fmt: str) -> bytes:
    """Text as pdfminer-based crawlers write it: every cell on a line of its own, no tabs,
    no blank lines between rows."""
    lines = [ln.strip() for ln in data.decode("utf-8").splitlines()]
    return ("\n".join(ln for ln in lines if ln) + "\n").encode("utf-8")


@transform("one_cell_per_line", "11", ("txt",))
def _one_cell_per_line_t(rep: dict, fmt: str) -> Plan:
    """Word text with tabs and row breaks lost: one cell per line."""
    return Plan(post=_one_cell_per_line, flag_ok=set(rep["cells"]), complete=False)


# --------------------------------------------------------------------------- 12. garbled values

@transform("garbled_values", "12")
def _garbled_values(rep: dict, fmt: str) -> Plan | None:
    """OCR-like garbling: a digit 1 printed as l in table 二, a 0 printed as O in table 三."""
    cells = rep["cells"]
    k2 = next((k for k, v in cells.items() if k.startswith("t2.") and isinstance(v, int) and "1" in str(v)), None)
    k3 = next((k for k, v in cells.items() if k.startswith("t3.") and v == 0 and k.endswith(".natural_person")), None)
    keys = [k for k in (k2, k3) if k]
    if not keys:
        return None

    def value_text(key: str, s: str) -> str:
        if key == k2:
            return s.replace("1", "l", 1)
        if key == k3:
            return "O"
        return s
    return Plan(opts={"value_text": value_text, "blank_zeros": False}, flag_ok=set(keys))


# --------------------------------------------------------------------------- 13. traditional characters

_S2T = None


def to_traditional(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc
        _S2T = opencc.OpenCC("s2t")
    return _S2T.convert(text)


def _traditional(data: bytes, fmt: str) -> bytes:
    if fmt == "docx":
        return _docx_edit(data, to_traditional)
    if fmt == "html":
        text = data.decode("utf-8")
        return to_traditional(text).encode("utf-8")
    return to_traditional(data.decode("utf-8")).encode("utf-8")


@transform("traditional_chars", "13", TEXT_FORMATS)
def _traditional_t(rep: dict, fmt: str) -> Plan:
    """The page fetched through the site's 繁體 switch: every character traditional."""
    return Plan(post=_traditional, may_reject=True)


# --------------------------------------------------------------------------- 14. titles

def _title(t: str) -> Plan:
    return Plan(opts={"title_lines": [t], "meta_title": t})


@transform("title_guanyu", "14")
def _title_guanyu(rep: dict, fmt: str) -> Plan:
    """Title form 「…关于2020年度政府信息公开工作年度报告」."""
    return _title(f"{rep['agency']}关于{rep['year']}年度政府信息公开工作年度报告")


@transform("title_guanyu_de", "14")
def _title_guanyu_de(rep: dict, fmt: str) -> Plan:
    """Title form 「…关于2020年政府信息公开工作的年度报告」."""
    return _title(f"{rep['agency']}关于{rep['year']}年政府信息公开工作的年度报告")


@transform("title_year_suffix", "14")
def _title_year_suffix(rep: dict, fmt: str) -> Plan:
    """Title form 「…政府信息公开工作2020年度报告」."""
    return _title(f"{rep['agency']}政府信息公开工作{rep['year']}年度报告")


@transform("title_two_lines", "14")
def _title_two_lines(rep: dict, fmt: str) -> Plan:
    """The title broken over two lines inside the agency name."""
    a = rep["agency"]
    cut = max(2, len(a) // 2)
    return Plan(opts={"title_lines": [a[:cut], f"{a[cut:]}{rep['year']}年政府信息公开工作年度报告"]})


@transform("title_only_in_metadata", "14", ("flat", "html", "docx", "pdf"))
def _title_only_in_metadata(rep: dict, fmt: str) -> Plan:
    """No title in the body; only the page's metadata (HTML <title>, document properties)."""
    return Plan(opts={"title_lines": []}, may_reject=True)


# --------------------------------------------------------------------------- 3. decimal counts

@transform("decimal_counts", "3")
def _decimal_counts(rep: dict, fmt: str) -> Plan | None:
    """Counts printed with a decimal point: ``517.645`` (a thousands dot) and OCR's ``13.2``."""
    cells = rep["cells"]
    big = [k for k, v in cells.items() if isinstance(v, int) and v >= 1000 and not k.endswith("item_count_change")][:1]
    small = [k for k, v in cells.items() if isinstance(v, int) and 10 <= v < 1000 and k.startswith("t3.")][:1]
    keys = big + small
    if not keys:
        return None

    def value_text(key: str, s: str) -> str:
        if key in big and s.isdigit():
            return f"{int(s):,}".replace(",", ".")
        if key in small and s.isdigit():
            return s[:-1] + "." + s[-1]
        return s
    return Plan(opts={"value_text": value_text}, flag_ok=set(keys))


# --------------------------------------------------------------------------- 4. money units

_MONEY = ("fee_amount_wan_yuan", "procurement_amount_wan_yuan")


def _money_keys(cells: dict) -> list[str]:
    return [k for k, v in cells.items() if k.endswith(_MONEY) and isinstance(v, (int, float)) and v]


def _money_plan(rep: dict, unit: str, caption: str | None, flag: bool) -> Plan | None:
    keys = _money_keys(rep["cells"])
    if not keys:
        return None
    factor = {"元": Decimal(10000), "亿元": Decimal("0.0001"), "万元": Decimal(1)}[unit]

    def value_text(key: str, s: str) -> str:
        if key in keys:   # exact: the printed amount must still be the truth (41662416.19元)
            return format((Decimal(str(rep["cells"][key])) * factor).normalize(), "f")
        return s

    def t2(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=c.text.replace("（单位：万元）", "")) if c.kind == "head" else c)

    def pieces(a: Any, b: Any, c: Any, r: Any) -> tuple:
        return ([caption, a] if caption else a, b, c)
    return Plan(opts={"value_text": value_text, "procurement_unit": "",
                      "tables": tables_hook(t2=t2, pieces=pieces)}, flag_ok=set(keys) if flag else set())


@transform("money_caption_yuan", "4")
def _money_caption_yuan(rep: dict, fmt: str) -> Plan | None:
    """Amounts in 元 with the unit only in a caption line （金额单位：元）."""
    return _money_plan(rep, "元", "（金额单位：元）", flag=False)


@transform("money_caption_yiyuan", "4")
def _money_caption_yiyuan(rep: dict, fmt: str) -> Plan | None:
    """Amounts in 亿元 with the unit only in a caption line 单位：件、亿元."""
    return _money_plan(rep, "亿元", "单位：件、亿元", flag=False)


@transform("money_no_unit", "4")
def _money_no_unit(rep: dict, fmt: str) -> Plan | None:
    """Amounts printed in 元 with no unit anywhere: the amount must be flagged."""
    return _money_plan(rep, "元", None, flag=True)


# --------------------------------------------------------------------------- 7. several reports

def _docx_edit(data: bytes, fn: Callable[[str], str]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = fn(body.decode("utf-8")).encode("utf-8")
            z.writestr(info, body)
    return out.getvalue()


def concat_files(first: bytes, second: bytes, fmt: str, joiner: str = "附件") -> bytes:
    """Two rendered reports as one file (a report with a 附件 sub-unit report)."""
    if fmt in ("txt", "flat", "md"):
        b = second.decode("utf-8")
        if fmt == "flat":
            b = b.split("==================== 正文 ====================\n", 1)[-1]
        return (first.decode("utf-8") + f"\n{joiner}\n" + b).encode("utf-8")
    if fmt == "html":
        a, b = first.decode("utf-8"), second.decode("utf-8")
        inner = re.search(r"<body[^>]*>(.*)</body>", b, re.S).group(1)
        i = a.rindex("</body>")
        return (a[:i] + f"<p>{joiner}</p>\n" + inner + a[i:]).encode("utf-8")
    if fmt == "docx":
        body2 = re.search(r"<w:body>(.*?)<w:sectPr", zipfile.ZipFile(io.BytesIO(second)).read(
            "word/document.xml").decode("utf-8"), re.S).group(1)
        return _docx_edit(first, lambda x: x.replace(
            "<w:sectPr", f"<w:p><w:r><w:t>{joiner}</w:t></w:r></w:p>{body2}<w:sectPr", 1)
            if x.count("<w:sectPr") == 1 else x[: x.rindex("<w:sectPr")] + body2 + x[x.rindex("<w:sectPr"):])
    if fmt == "pdf":
        import pypdfium2 as pdfium
        a, b = pdfium.PdfDocument(first), pdfium.PdfDocument(second)
        a.import_pages(b)
        buf = io.BytesIO()
        a.save(buf)
        return buf.getvalue()
    raise ValueError(fmt)


@transform("two_reports_in_file", "7")
def _two_reports(rep: dict, fmt: str) -> Plan:
    """A second report (a sub-unit's, with its own title and other figures) after the first."""
    other = second_report(rep)
    opts = {"style": "plain"} if fmt == "html" else {}

    def post(data: bytes, f: str) -> bytes:
        return concat_files(data, R.render(other, f, **opts), f)
    return Plan(post=post)


def second_report(rep: dict) -> dict:
    """Another report of the same template and year: a fictional sub-unit with other figures."""
    cells = {k: round(v * 0.5, 4) if isinstance(v, float) else v for k, v in rep["cells"].items()}
    # rows the first report does not print: a Hubei-style extra table-二 row, the other form of
    # table 三's （六）其他处理
    for col in vocab.T2_LAYOUT[rep["template"]]["regulations"]:
        cells.setdefault(f"t2.other_proactive_documents.{col}", 2)
    single = any(k.startswith("t3.other_total.") for k in cells)
    for k in [k for k in cells if k.startswith("t3.other_")]:
        del cells[k]
    for col in vocab.T3_COL_KEYS:
        rows = ("other_no_correction", "other_fee_unpaid", "other_other") if single else ("other_total",)
        for row in rows:
            cells[f"t3.{row}.{col}"] = 0
    # a different table 三/四: shift applicants to natural persons (identities still hold)
    for k in list(cells):
        if k.startswith("t3.") and isinstance(cells[k], int):
            col = k.split(".")[2]
            row = k.split(".")[1]
            tot = rep["cells"].get(f"t3.{row}.total") or 0
            cells[k] = {"natural_person": tot, "total": tot}.get(col, 0)
        if k.startswith("t4.") and isinstance(cells[k], int):
            cells[k] = cells[k] + (3 if k.endswith((".upheld", ".total")) else 0)
    return {"agency": "示例附属事务中心", "year": rep["year"], "template": rep["template"], "cells": cells}


# --------------------------------------------------------------------------- extras: columns

def _t3_extra_col(title: str, text: Callable[[int, str], str]) -> Plan:
    """Table 三 with one more column on the right: ``text(row index, first key of the row)``."""
    def t3(g: Grid, r: Any) -> None:
        col: list[Cell | None] = [head(title), None, None]
        for i, row in enumerate(g.slots[3:], start=3):
            key = next((g.cells[c].key for c in row if g.cells[c].kind == "num"), "")
            col.append(lit(text(i, key) if key else ""))
        g.insert_col(g.ncols, col)
        g.slots[1][-1] = g.slots[2][-1] = g.slots[0][-1]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_remark_col", "extra")
def _t3_remark_col(rep: dict, fmt: str) -> Plan:
    """Table 三 with an extra 备注 column on the right holding short notes."""
    notes = {"t3.new_received.": "含网上申请", "t3.result_total.": "均按期办结"}
    return _t3_extra_col("备注", lambda i, key: next((t for p, t in notes.items() if key.startswith(p)), ""))


@transform("t3_yoy_col", "extra")
def _t3_yoy_col(rep: dict, fmt: str) -> Plan:
    """Table 三 with an extra 同比增减 column of signed numbers after 总计."""
    cells = rep["cells"]

    def text(i: int, key: str) -> str:
        v = cells.get(key.rsplit(".", 1)[0] + ".total") or 0
        return f"{'+' if i % 2 else '-'}{v % 5 + 1}"
    return _t3_extra_col("同比增减", text)


@transform("t4_sum_row", "extra")
def _t4_sum_row(rep: dict, fmt: str) -> Plan:
    """Table 四 with a 合计 column: 行政复议 + 行政诉讼 totals after the 15 columns."""
    cells = rep["cells"]

    def t4(g: Grid, r: Any) -> None:
        tot = sum(cells.get(f"t4.{row}.total") or 0 for row in vocab.T4_ROW_KEYS)
        g.insert_col(g.ncols, [head("合计"), None, None, lit(str(tot))])
        g.slots[1][-1] = g.slots[2][-1] = g.slots[0][-1]
    return Plan(opts={"tables": tables_hook(t4=t4)})


# --------------------------------------------------------------------------- extras: headers, rows, tables

@transform("t3_repeated_header", "extra")
def _t3_repeated_header(rep: dict, fmt: str) -> Plan:
    """Table 三's three header rows repeated before （四）无法提供 (a page break)."""
    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.unavailable_not_held.")
        hdr = [list(row) for row in g.slots[:3]]
        # cut the spans crossing the break, then put copies of the header rows there
        g.insert_row(at, [lit() for _ in range(g.ncols)], keep_spans=False)
        fresh: dict[int, int] = {}
        g.slots[at:at + 1] = [[fresh[cid] if cid in fresh else fresh.setdefault(cid, g.new(g.cells[cid]))
                               for cid in row] for row in hdr]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_two_tables", "extra")
def _t3_two_tables(rep: dict, fmt: str) -> Plan:
    """Table 三 printed as two tables (split before （三）不予公开), the second without header."""
    def t3(g: Grid, r: Any) -> list:
        at = g.row_of("t3.denied_state_secret.")
        g.insert_row(at, [lit() for _ in range(g.ncols)], keep_spans=False)
        lower = g.copy()
        g.slots = g.slots[:at]
        lower.slots = lower.slots[at + 1:]
        lower.header_rows = 0
        return [g.table(), lower.table()]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t4_two_tables", "extra")
def _t4_two_tables(rep: dict, fmt: str) -> Plan:
    """Table 四 printed as two tables: 行政复议 (5 columns) and 行政诉讼 (10 columns)."""
    def t4(g: Grid, r: Any) -> list:
        a, b = g.copy(), g.copy()
        a.slots = [row[:5] for row in g.slots]
        b.slots = [row[5:] for row in g.slots]
        return [a.table(header_rows=3), b.table(header_rows=3)]
    return Plan(opts={"tables": tables_hook(t4=t4)})


_PARAPHRASE = (("本年新收政府信息公开申请数量", "本年度新收到的政府信息公开申请"),
               ("上年结转政府信息公开申请数量", "上一年度结转的申请"),
               ("结转下年度继续办理", "结转至下一年度继续办理的申请"),
               ("本机关不掌握相关政府信息", "本机关不掌握该信息"),
               ("补正后申请内容仍不明确", "经补正后申请内容仍然不明确"),
               ("没有现成信息需要另行制作", "没有现成信息、需要另行制作"))


@transform("labels_paraphrased", "extra")
def _labels_paraphrased(rep: dict, fmt: str) -> Plan:
    """Table-三 row labels in other words (the agency's own wording of the template)."""
    def fn(c: Cell) -> Cell:
        t = c.text
        for a, b in _PARAPHRASE:
            t = t.replace(a, b)
        return replace(c, text=t)
    keys = {k for k in rep["cells"] if k.split(".")[1] in
            ("new_received", "carried_over_from_prior", "carried_to_next", "unavailable_not_held",
             "unavailable_needs_creation", "unavailable_unclear_after_correction")}
    return Plan(opts={"tables": tables_hook(t3=lambda g, r: g.relabel(fn))}, flag_ok=keys)


# --------------------------------------------------------------------------- extras: number spellings

def _spell(fn: Callable[[str], str]) -> Callable[[str, str], str]:
    def value_text(key: str, s: str) -> str:
        return fn(s) if s and s[0].isdigit() and not key.endswith(_MONEY) else s
    return value_text


@transform("numbers_thousands_sep", "extra")
def _numbers_thousands(rep: dict, fmt: str) -> Plan | None:
    """Counts of 1,000 and more printed with thousands separators."""
    if not _nonzero(rep["cells"], "t", 1, minimum=1000):
        return None
    return Plan(opts={"value_text": _spell(lambda s: f"{int(s):,}" if s.isdigit() else s)})


@transform("numbers_fullwidth", "extra")
def _numbers_fullwidth(rep: dict, fmt: str) -> Plan:
    """Every digit printed full-width (０-９)."""
    fw = str.maketrans("0123456789", "０１２３４５６７８９")
    return Plan(opts={"value_text": _spell(lambda s: s.translate(fw))})


# --------------------------------------------------------------------------- extras: format variants

@transform("html_word_pasted", "extra", ("html",))
def _html_word(rep: dict, fmt: str) -> Plan:
    """Word-pasted HTML: MsoNormal paragraphs, words split across spans."""
    return Plan(opts={"style": "word"})


@transform("html_nested_thead", "extra", ("html",))
def _html_nested_thead(rep: dict, fmt: str) -> Plan:
    """The report inside a layout table, header rows as <thead>/<th>."""
    return Plan(opts={"style": "nested", "thead": True})


@transform("pdf_unruled_split_wrapped", "extra", ("pdf",))
def _pdf_unruled(rep: dict, fmt: str) -> Plan:
    """An unruled PDF, table 三 split over two pages with repeated header, wrapped headers."""
    return Plan(opts={"ruled": False, "split_table3": True, "wrap_headers": True, "repeat_header": True})


@transform("docx_vmerge_continue", "extra", ("docx",))
def _docx_vmerge(rep: dict, fmt: str) -> Plan:
    """DOCX whose vertical merges are written ``w:val="continue"`` (WPS) instead of bare."""
    def post(data: bytes, f: str) -> bytes:
        return _docx_edit(data, lambda x: x.replace("<w:vMerge/>", '<w:vMerge w:val="continue"/>'))
    return Plan(post=post)


# --------------------------------------------------------------------------- 2. inferred readings


@transform("t3_headerless_total_first", "2", TABLED)
def _t3_headerless(rep: dict, fmt: str) -> Plan | None:
    """Table 三 without its header rows, 总计 printed first: columns can only be read by
    position, and the row identities (总计 = Σ applicants) fail through every cell so read."""
    def t3(g: Grid, r: Any) -> None:
        g.permute_cols([0, 1, 2, 9, 3, 4, 5, 6, 7, 8])
        g.delete_rows([0, 1, 2])
        g.header_rows = 0
    return _moved(rep, "t3", t3, flag_ok=_keys(rep["cells"], "t3."), complete=False)


# --------------------------------------------------------------------------- more shapes (second round)


@transform("t3_header_two_rows", "extra")
def _t3_header_two_rows(rep: dict, fmt: str) -> Plan:
    """Table 三's header in two rows: no 申请人情况 line, 法人或其他组织 over its sub-columns."""
    def t3(g: Grid, r: Any) -> None:
        note = g.slots[0][0]
        g.delete_rows([0])
        g.header_rows = 2
        for c in range(3):
            g.slots[0][c] = g.slots[1][c] = note
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t4_header_one_row", "extra")
def _t4_header_one_row(rep: dict, fmt: str) -> Plan:
    """Table 四's three header rows flattened into one, each column's words joined."""
    def t4(g: Grid, r: Any) -> None:
        words = []
        for c in range(g.ncols):
            parts = []
            for row in g.slots[:3]:
                t = g.cells[row[c]].text
                if t and t not in parts:
                    parts.append(t)
            words.append(head("".join(parts)))
        g.delete_rows([0, 1, 2])
        g.insert_row(0, words)
        g.header_rows = 1
    return Plan(opts={"tables": tables_hook(t4=t4)})


@transform("t3_label_wrapped_row", "extra")
def _t3_label_wrapped_row(rep: dict, fmt: str) -> Plan:
    """Converter output: long table-三 labels continue in a row of their own with no values."""
    def t3(g: Grid, r: Any) -> None:
        for key in ("t3.partially_granted.", "t3.not_processed_confirmation.", "t3.carried_to_next."):
            try:
                at = g.row_of(key)
            except KeyError:
                continue
            row = g.slots[at]
            c = next(c for c in range(g.ncols) if g.cells[row[c]].kind == "label"
                     and (c == 0 or row[c] != row[c - 1]) and g.cells[row[c]].text
                     and all(g.slots[a][c] != row[c] for a in range(at)))
            text = g.cells[row[c]].text
            cut = len(text) // 2
            g.cells[row[c]] = replace(g.cells[row[c]], text=text[:cut])
            width = sum(1 for cc in range(g.ncols) if row[cc] == row[c])
            g.insert_row(at + 1, [])
            cid = g.new(lit(text[cut:]))
            g.slots[at + 1][c:c + width] = [cid] * width
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("numbers_spaced", "extra")
def _numbers_spaced(rep: dict, fmt: str) -> Plan | None:
    """Counts of 1,000 and more with a space as thousands separator (``3 001``)."""
    if not _nonzero(rep["cells"], "t", 1, minimum=1000):
        return None
    return Plan(opts={"value_text": _spell(lambda s: f"{int(s):,}".replace(",", " ") if s.isdigit() else s)})


@transform("t2_split_items", "extra", TABLED)
def _t2_split_items(rep: dict, fmt: str) -> Plan:
    """Table 二 printed as one table per 第二十条 item, the item's title as a line above it."""
    def t2(g: Grid, r: Any) -> list:
        out: list = []
        starts = [i for i, row in enumerate(g.slots) if g.cells[row[0]].kind == "title"] + [len(g.slots)]
        for a, b in zip(starts, starts[1:]):
            part = g.copy()
            out.append(g.cells[g.slots[a][0]].text)
            part.slots = g.slots[a + 1:b]
            out.append(part.table())
        return out
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("t3_group_inline", "extra")
def _t3_group_inline(rep: dict, fmt: str) -> Plan:
    """Table 三's group headings （三）…（六） printed inside each sub-row's label, no group cell."""
    def t3(g: Grid, r: Any) -> None:
        for row in g.slots:
            grp, sub = g.cells[row[1]], g.cells[row[2]]
            if grp.kind == "group" and row[1] != row[2] and sub.kind == "label":
                row[1] = row[2] = g.new(replace(sub, text=f"{grp.text}{sub.text}"))
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_row_repeated_different", "5")
def _t3_row_repeated_different(rep: dict, fmt: str) -> Plan | None:
    """Table 三's 予以公开 row printed twice with different figures (a revised row left in):
    the parser cannot know which is right — it must flag, never take the first."""
    cells = rep["cells"]
    if not cells.get("t3.granted.total"):
        return None

    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.granted.")
        row = g.slots[at]
        new = []
        for c in range(g.ncols):
            cell = g.cells[row[c]]
            if g.slots[at + 1][c] == row[c] or (c and row[c] == row[c - 1]):
                continue   # a cell spanning into the next row, or the rest of a wide cell
            new.append(lit(str((cells.get(cell.key) or 0) + 1)) if cell.kind == "num" else cell)
        g.insert_row(at + 1, new)
    keys = _keys(cells, "t3.granted.")
    return Plan(opts={"tables": tables_hook(t3=t3)}, flag_ok=keys | _keys(cells, "t3.result_total."),
                must_flag=keys)


@transform("t3_legal_subtotal_col", "extra")
def _t3_legal_subtotal_col(rep: dict, fmt: str) -> Plan:
    """Table 三 with a 小计 column closing the 法人或其他组织 block (a derived sum the template
    does not print: never stored, never shifting 总计)."""
    cells = rep["cells"]

    def t3(g: Grid, r: Any) -> None:
        col: list[Cell | None] = [None, None, head("小计")]
        for row in g.slots[3:]:
            key = next((g.cells[c].key for c in row if g.cells[c].kind == "num"), "")
            base = key.rsplit(".", 1)[0]
            col.append(lit(str(sum(cells.get(f"{base}.{c}") or 0 for c in vocab.T3_APPLICANT_COLS[1:])))
                       if key else lit())
        g.insert_col(9, col)
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_denied_subtotal_row", "extra")
def _t3_denied_subtotal_row(rep: dict, fmt: str) -> Plan:
    """Table 三 with a （三）不予公开 小计 row after its eight sub-rows (a derived sum)."""
    cells = rep["cells"]

    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.denied_admin_query.") + 1
        vals = [lit(str(sum(cells.get(f"t3.{row}.{c}") or 0 for row in vocab.T3_ROW_KEYS[4:12])))
                for c in vocab.T3_COL_KEYS]
        # inside 三、本年度办理结果 (its cell spans the new row), after the （三） group
        g.insert_row(at, [lit("不予公开小计", cs=2)] + vals)
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("pdf_split_no_repeat", "extra", ("pdf",))
def _pdf_split_no_repeat(rep: dict, fmt: str) -> Plan:
    """A ruled PDF with table 三 split over two pages, the header not repeated."""
    return Plan(opts={"split_table3": True, "repeat_header": False})


@transform("html_rowspan_lost", "extra", ("html",))
def _html_rowspan_lost(rep: dict, fmt: str) -> Plan:
    """A CMS that strips ``rowspan``: group cells sit in their first row only, later rows are short."""
    return Plan(post=lambda data, f: re.sub(rb' rowspan="\d+"', b"", data))


@transform("html_colspan_lost", "extra", ("html",))
def _html_colspan_lost(rep: dict, fmt: str) -> Plan:
    """A CMS that strips ``colspan``: wide labels and headers take one column each."""
    return Plan(post=lambda data, f: re.sub(rb' colspan="\d+"', b"", data))


@transform("txt_gbk_crlf", "extra", ("txt", "flat", "md"))
def _txt_gbk_crlf(rep: dict, fmt: str) -> Plan:
    """Windows text: GB18030 bytes, CRLF line ends (no declaration, as Notepad saves it)."""
    return Plan(post=lambda data, f: data.decode("utf-8").replace("\n", "\r\n").encode("gb18030"))


@transform("unmerged_repeat", "extra")
def _unmerged_repeat(rep: dict, fmt: str) -> Plan:
    """Merged cells split, their text repeated in every cell they covered (labels, headers and
    the wide value cells of table 二, as pandas-like converters write them)."""
    def un(g: Grid, r: Any) -> None:
        g.unmerge(repeat=True)
    return Plan(opts={"tables": tables_hook(t2=un, t3=un, t4=un)})


@transform("unmerged_blank", "extra")
def _unmerged_blank(rep: dict, fmt: str) -> Plan:
    """Merged cells split, the text in the first cell and the others empty."""
    def un(g: Grid, r: Any) -> None:
        g.unmerge(repeat=False)
    return Plan(opts={"tables": tables_hook(t2=un, t3=un, t4=un)})


@transform("t3_legal_collapsed", "extra")
def _t3_legal_collapsed(rep: dict, fmt: str) -> Plan:
    """Table 三 with three applicant columns only: 自然人, 法人或其他组织 (one column), 总计.
    The five legal-person sub-columns are not printed (their sum is not a key of its own)."""
    cells = rep["cells"]

    def t3(g: Grid, r: Any) -> None:
        legal = g.slots[1][4]
        g.slots[2][4] = legal
        for row in g.slots[3:]:
            key = next((g.cells[c].key for c in row if g.cells[c].kind == "num"), "")
            if key:
                base = key.rsplit(".", 1)[0]
                row[4] = g.new(lit(str(sum(cells.get(f"{base}.{c}") or 0 for c in vocab.T3_APPLICANT_COLS[1:]))))
        g.delete_cols([5, 6, 7, 8])
    gone = {f".{c}" for c in vocab.T3_APPLICANT_COLS[1:]}
    truth = {k: v for k, v in cells.items() if not (k.startswith("t3.") and any(k.endswith(x) for x in gone))}
    return Plan(opts={"tables": tables_hook(t3=t3)}, truth=truth, flag_ok=set(cells) - set(truth))


@transform("t4_three_rows", "extra")
def _t4_three_rows(rep: dict, fmt: str) -> Plan:
    """Table 四 as three rows (行政复议, 未经复议直接起诉, 复议后起诉) under one five-column header."""
    labels = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")

    def t4(g: Grid, r: Any) -> R.Table:
        rows = [[head("")] + [head(h) for h in R._T4_HEAD]]
        for label, row in zip(labels, vocab.T4_ROW_KEYS):
            rows.append([Cell(label)] + [num(f"t4.{row}.{c}") for c in vocab.T4_COL_KEYS])
        return R.make_table("t4", rows, 6, 1)
    return Plan(opts={"tables": tables_hook(t4=t4)})


_ABBREV = {"商业企业": "企业", "科研机构": "科研", "社会公益组织": "公益组织", "法律服务机构": "法律服务",
           "其他": "其他组织"}


@transform("t3_abbrev_reordered", "1")
def _t3_abbrev_reordered(rep: dict, fmt: str) -> Plan | None:
    """Table 三's legal-person sub-columns with abbreviated words (企业, 科研, 公益组织, 法律服务,
    其他组织) in another order."""
    def t3(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=_ABBREV.get(c.text, c.text)) if c.kind == "head" else c)
        g.permute_cols([0, 1, 2, 3, 6, 4, 8, 5, 7, 9])
    return _moved(rep, "t3", t3)


@transform("t2_cols_reversed", "1")
def _t2_cols_reversed(rep: dict, fmt: str) -> Plan | None:
    """Table 二's columns printed in reverse order in every item (headers with them)."""
    return _moved(rep, "t2", lambda g, r: g.reverse_segments(1))


# --------------------------------------------------------------------------- adversary round
# Inputs the transforms above did not reach: number glyphs, row/column numbering, converter
# markup, struck and hidden text, page furniture, titles next to other titles, metadata titles,
# encodings.  Each was run over every source; the pairs today's parser fails are listed in
# tests/metamorphic KNOWN_FAILING.  Add new transforms at the end of the file: runner.ci_sources
# picks a pair's reports by the transform's position, so an insertion moves every later
# transform to other reports (and their KNOWN_FAILING entries go stale).


def _count_text(fn: Callable[[str, str], str]) -> Callable[[str, str], str]:
    """A ``value_text`` hook for count cells printed as plain digits."""
    def value_text(key: str, s: str) -> str:
        return fn(key, s) if s.isdigit() and not key.endswith(_MONEY) else s
    return value_text


@transform("numbers_with_units", "extra")
def _numbers_with_units(rep: dict, fmt: str) -> Plan:
    """Every count printed with its unit inside the cell: ``12件`` (tables 三/四, table 二's
    document counts), ``12个`` (table 二's item and decision counts)."""
    def unit(key: str, s: str) -> str:
        return s + ("个" if key.startswith("t2.") and ("item" in key or "decision" in key) else "件")
    return Plan(opts={"value_text": _count_text(unit)})


@transform("numbers_zero_width", "extra")
def _numbers_zero_width(rep: dict, fmt: str) -> Plan:
    """A CMS editor's invisible characters in counts: a zero-width space after the first
    digit (``4\\u200b47``), a BOM before one-digit counts."""
    return Plan(opts={"value_text": _count_text(lambda k, s: s[0] + "\u200b" + s[1:] if len(s) > 1 else "\ufeff" + s)})


@transform("numbers_fullwidth_comma", "extra")
def _numbers_fullwidth_comma(rep: dict, fmt: str) -> Plan | None:
    """Counts of 1,000 and more with a full-width comma as thousands separator (``3，001``)."""
    if not _nonzero(rep["cells"], "t", 1, minimum=1000):
        return None
    return Plan(opts={"value_text": _count_text(lambda k, s: f"{int(s):,}".replace(",", "，"))})


@transform("numbers_soft_hyphen", "extra")
def _numbers_soft_hyphen(rep: dict, fmt: str) -> Plan | None:
    """A soft hyphen (U+00AD, ``&shy;``) inside counts of four digits and more (CMS hyphenation)."""
    if not _nonzero(rep["cells"], "t", 1, minimum=1000):
        return None
    return Plan(opts={"value_text": _count_text(lambda k, s: s[:2] + "\u00ad" + s[2:] if len(s) > 3 else s)})


@transform("html_hidden_digits", "12", ("html",))
def _html_hidden_digits(rep: dict, fmt: str) -> Plan:
    """Anti-scraping markup: a hidden digit inside figures (``2<span style="display:none">9</span>6``)."""
    def post(data: bytes, f: str) -> bytes:
        return re.sub(r'(<td[^>]*><p align="center">)(\d)(\d+)(</p></td>)',
                      r'\1\2<span style="display:none">9</span>\3\4', data.decode("utf-8")).encode("utf-8")
    return Plan(post=post)


@transform("numbers_spreadsheet_decimals", "3")
def _numbers_spreadsheet_decimals(rep: dict, fmt: str) -> Plan:
    """Counts pasted from a spreadsheet with two decimals (``12.00``): exact whole numbers."""
    return Plan(opts={"value_text": _count_text(lambda k, s: s + ".00")})


def _change_keys(cells: dict, sign: int) -> set[str]:
    return {k for k, v in cells.items() if k.endswith(".item_count_change") and isinstance(v, int)
            and (v * sign > 0 if sign else True)}


@transform("change_unicode_minus", "extra")
def _change_unicode_minus(rep: dict, fmt: str) -> Plan | None:
    """本年增/减 below zero written with U+2212 or a full-width minus (``−3``, ``－3``)."""
    keys = sorted(_change_keys(rep["cells"], -1))
    if not keys:
        return None
    minus = {k: "\u2212" if i % 2 else "－" for i, k in enumerate(keys)}
    return Plan(opts={"value_text": lambda k, s: minus[k] + s[1:] if k in minus and s.startswith("-") else s})


@transform("change_in_words", "extra")
def _change_in_words(rep: dict, fmt: str) -> Plan | None:
    """本年增/减 in words: ``减少3``, ``增加2``, ``持平`` (a reading or a flag is right)."""
    keys = _change_keys(rep["cells"], 0)
    if not keys:
        return None

    def text(k: str, s: str) -> str:
        if k not in keys or not s.lstrip("-").isdigit():
            return s
        v = int(s)
        return f"减少{-v}" if v < 0 else f"增加{v}" if v else "持平"
    return Plan(opts={"value_text": text}, flag_ok=keys)


@transform("change_bracket_negative", "extra")
def _change_bracket_negative(rep: dict, fmt: str) -> Plan | None:
    """本年增/减 below zero in accounting brackets ``(3)`` (a reading of −3 or a flag is right)."""
    keys = _change_keys(rep["cells"], -1)
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: f"({s[1:]})" if k in keys and s.startswith("-") else s},
                flag_ok=keys)


@transform("money_yiyuan_in_cell", "4")
def _money_yiyuan_in_cell(rep: dict, fmt: str) -> Plan | None:
    """Money written in 亿元 inside its cell (``9.61716亿元``): still 96171.6 万元."""
    keys = _money_keys(rep["cells"])
    if not keys:
        return None

    def value_text(k: str, s: str) -> str:
        if k in keys:
            return format((Decimal(str(rep["cells"][k])) / 10000).normalize(), "f") + "亿元"
        return s
    return Plan(opts={"value_text": value_text, "procurement_unit": ""})


@transform("zero_as_dash", "extra")
def _zero_as_dash(rep: dict, fmt: str) -> Plan | None:
    """Zeros of tables 三 and 四 printed ``-``: not applicable by the spec, so null."""
    zeros = {k for k, v in rep["cells"].items() if k[:2] in ("t3", "t4") and v == 0}
    if not zeros:
        return None
    truth = {k: None if k in zeros else v for k, v in rep["cells"].items()}
    return Plan(opts={"value_text": lambda k, s: "-" if k in zeros else s}, truth=truth)


@transform("cell_bracket_note", "9")
def _cell_bracket_note(rep: dict, fmt: str) -> Plan | None:
    """A note inside a figure's cell: ``26（含网上申请24件）`` (本年新收 and 予以公开 总计)."""
    keys = {k for k in ("t3.new_received.total", "t3.granted.total") if (rep["cells"].get(k) or 0) > 2}
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: f"{s}（含网上申请{int(s) - 2}件）" if k in keys else s},
                flag_ok=keys)


_SUP = "\u2063"   # invisible separator: where the renderer's cell text gets its superscript


@transform("superscript_note_digit", "9", ("html", "docx"))
def _superscript_note_digit(rep: dict, fmt: str) -> Plan | None:
    """Footnote references as superscript digits after figures (``26<sup>1</sup>``, a DOCX run
    with ``w:vertAlign superscript``) and the notes under the tables: the figure is 26, not 261."""
    keys = {k for k in ("t3.new_received.total", "t3.granted.natural_person", "t2.admin_licensing.decision_count")
            if isinstance(rep["cells"].get(k), int) and rep["cells"][k]}
    if not keys:
        return None

    def post(data: bytes, f: str) -> bytes:
        if f == "html":
            return data.decode("utf-8").replace(_SUP, "<sup>1</sup>").encode("utf-8")
        return _docx_edit(data, lambda x: x.replace(
            _SUP + "</w:t></w:r>", '</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1</w:t></w:r>'))

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含网上办理的数量。"], [t3, "注：1.含网上申请。"], t4)
    return Plan(opts={"value_text": lambda k, s: s + _SUP if k in keys and s else s,
                      "tables": tables_hook(pieces=pieces)}, post=post, flag_ok=keys)


_OLD = ("\u2064", "\u2065")   # invisible marks around an old figure, replaced after rendering
_STRUCK_HTML = ("del", "s", "strike", 'span style="text-decoration:line-through"')


def _old_figure_plan(rep: dict, run_props: str) -> Plan | None:
    """Four figures printed as ``<old struck figure><figure>``: HTML strike markup in turn,
    DOCX a run with ``run_props`` (struck or hidden) before the figure's run."""
    keys = sorted(k for k in ("t3.new_received.total", "t3.granted.natural_person", "t2.admin_licensing.decision_count",
                              "t4.admin_reconsideration.total") if isinstance(rep["cells"].get(k), int))
    if not keys:
        return None
    a, b = _OLD

    def value_text(k: str, s: str) -> str:
        return f"{a}{keys.index(k) % 4}{a}{int(s) + 3}{b}{s}" if k in keys and s else s

    def post(data: bytes, f: str) -> bytes:
        if f == "html":
            def struck(m: re.Match) -> str:
                tag = _STRUCK_HTML[int(m.group(1))]
                return f"<{tag}>{m.group(2)}</{tag.split()[0]}>"
            return re.sub(f"{a}(\\d){a}(\\d+){b}", struck, data.decode("utf-8")).encode("utf-8")
        return _docx_edit(data, lambda x: re.sub(
            f"<w:t>{a}\\d{a}(\\d+){b}", f"<w:t></w:t></w:r><w:r><w:rPr>{run_props}</w:rPr><w:t>\\1</w:t></w:r><w:r><w:t>", x))
    return Plan(opts={"value_text": value_text}, post=post, flag_ok=set(keys))


@transform("struck_old_figure", "12", ("html", "docx"))
def _struck_old_figure(rep: dict, fmt: str) -> Plan | None:
    """A corrected report: the old figure struck out before the new one (HTML ``<del>``, ``<s>``,
    ``<strike>``, ``line-through``; DOCX ``<w:strike/>``)."""
    return _old_figure_plan(rep, "<w:strike/>")


@transform("docx_hidden_old_figure", "12", ("docx",))
def _docx_hidden_old_figure(rep: dict, fmt: str) -> Plan | None:
    """DOCX: the old figure kept as hidden text (``<w:vanish/>``) before the new one."""
    return _old_figure_plan(rep, "<w:vanish/>")


@transform("docx_tracked_move", "extra", ("docx",))
def _docx_tracked_move(rep: dict, fmt: str) -> Plan:
    """Tracked moves left in: table 三's figures inside ``<w:moveTo>`` (rows moved with track
    changes on); they are the document's current text."""
    rev = 'w:id="7" w:author="示例" w:date="2024-01-01T00:00:00Z"'
    return Plan(post=_docx_second_table(lambda t: re.sub(
        r"(<w:r>(?:<w:rPr>.*?</w:rPr>)?<w:t>\d+</w:t></w:r>)", f"<w:moveTo {rev}>\\1</w:moveTo>", t)))


# ---- numbering printed as figures


@transform("t3_seq_col", "extra")
def _t3_seq_col(rep: dict, fmt: str) -> Plan:
    """Table 三 with a 序号 column (1, 2, 3 … one per figure row) on the left."""
    def t3(g: Grid, r: Any) -> None:
        g.insert_col(0, [head("序号"), None, None] + [lit(str(i)) for i in range(1, len(g.slots) - 2)])
        g.slots[1][0] = g.slots[2][0] = g.slots[0][0]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t2_seq_col", "extra")
def _t2_seq_col(rep: dict, fmt: str) -> Plan:
    """Table 二 with a 序号 column: 1, 2, … down its rows (the item titles span it)."""
    def t2(g: Grid, r: Any) -> None:
        n = 0
        for row in g.slots:
            kind = g.cells[row[0]].kind
            if kind == "title":
                row.insert(0, row[0])
            elif kind == "head":
                row.insert(0, g.new(head("序号")))
            else:
                n += 1
                row.insert(0, g.new(lit(str(n))))
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("t4_col_numbers_blank_zeros", "5")
def _t4_col_numbers(rep: dict, fmt: str) -> Plan:
    """Table 四 with a row of column numbers 1 … 15 under its header (statistical forms), zeros
    printed blank: the numbering is not the figures."""
    def t4(g: Grid, r: Any) -> None:
        g.insert_row(3, [lit(str(i + 1)) for i in range(g.ncols)])
        g.header_rows = 4
    return Plan(opts={"tables": tables_hook(t4=t4), "blank_zeros": True})


def _all_zero(cells: dict, row: str) -> bool:
    return not any(cells.get(f"t3.{row}.{c}") for c in vocab.T3_COL_KEYS)


@transform("t3_qizhong_rows_blank_zeros", "5")
def _t3_qizhong_rows(rep: dict, fmt: str) -> Plan | None:
    """Two 其中 rows (当面申请 / 网络申请) under 本年新收 with figures that are no key, zeros
    blank, 上年结转 all blank: the blank row below must not adopt their figures."""
    cells = rep["cells"]
    if not _all_zero(cells, "carried_over_from_prior"):
        return None
    new = [cells.get(f"t3.new_received.{c}") or 0 for c in vocab.T3_COL_KEYS]

    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.new_received.") + 1
        g.insert_row(at, [lit("其中：网络申请", cs=3)] + [lit(str(v - v // 3)) for v in new])
        g.insert_row(at, [lit("其中：当面申请", cs=3)] + [lit(str(v // 3)) for v in new])
    return Plan(opts={"tables": tables_hook(t3=t3), "blank_zeros": True})


@transform("t3_group_sum_row_blank_zeros", "5")
def _t3_group_sum_row(rep: dict, fmt: str) -> Plan | None:
    """（三）不予公开 printed as a row of its own holding the group's sums (its sub-rows under a
    merged 其中 cell), zeros blank, 1.属于国家秘密 all blank."""
    cells = rep["cells"]
    if not _all_zero(cells, "denied_state_secret"):
        return None
    sums = [sum(cells.get(f"t3.{row}.{c}") or 0 for row in vocab.T3_ROW_KEYS[4:12]) for c in vocab.T3_COL_KEYS]

    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.denied_state_secret.")
        gid = g.slots[at][1]
        g.cells[gid] = replace(g.cells[gid], text="其中")
        g.insert_row(at, [lit("（三）不予公开", cs=2)] + [lit(str(v)) for v in sums])
    return Plan(opts={"tables": tables_hook(t3=t3), "blank_zeros": True})


@transform("t2_labels_with_figures", "9")
def _t2_labels_with_figures(rep: dict, fmt: str) -> Plan:
    """Table 二 row labels carrying a figure in brackets: 规章（含修订2件）, 行政处罚（含修订2件）."""
    def t2(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=c.text + "（含修订2件）")
                  if c.kind == "label" and c.text in ("规章", "行政处罚") else c)
    return Plan(opts={"tables": tables_hook(t2=t2)})


# ---- labels


def _t3_total_label(rep: dict, text: str) -> Plan | None:
    """（七）总计 relabelled; zeros blank; only where 结转下年度 is all zero (a blank row
    below the total row that must not adopt its figures)."""
    if any(rep["cells"].get(f"t3.carried_to_next.{c}") for c in vocab.T3_COL_KEYS):
        return None

    def t3(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=text) if c.text == "（七）总计" else c)
    return Plan(opts={"tables": tables_hook(t3=t3), "blank_zeros": True})


@transform("t3_total_row_heji_blank_zeros", "extra")
def _t3_total_heji(rep: dict, fmt: str) -> Plan | None:
    """Table 三's total row labelled （七）合计, zeros blank, 结转下年度 all blank."""
    return _t3_total_label(rep, "（七）合计")


@transform("t3_total_row_unnumbered_blank_zeros", "extra")
def _t3_total_unnumbered(rep: dict, fmt: str) -> Plan | None:
    """Table 三's total row labelled 总计 (no （七）), zeros blank, 结转下年度 all blank."""
    return _t3_total_label(rep, "总计")


_APPLICANT_WORDS = {"自然人": "公民", "商业企业": "企业", "其他": "其他组织", "总计": "合计"}


@transform("t3_applicant_synonyms", "1")
def _t3_applicant_synonyms(rep: dict, fmt: str) -> Plan:
    """Table 三's applicant headers in other words: 公民, 企业, 其他组织, 合计."""
    def t3(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=_APPLICANT_WORDS.get(c.text, c.text)) if c.kind == "head" else c)
    return Plan(opts={"tables": tables_hook(t3=t3)})


def _spaced(c: Cell) -> Cell:
    return replace(c, text=" ".join(c.text)) if c.kind in ("head", "label") and 2 <= len(c.text) <= 4 else c


@transform("short_labels_spaced", "extra")
def _short_labels_spaced(rep: dict, fmt: str) -> Plan:
    """Word-justified short labels and headers with spaces between characters (``规 章``,
    ``自 然 人``, ``总 计``)."""
    def g(grid: Grid, r: Any) -> None:
        grid.relabel(_spaced)
    return Plan(opts={"tables": tables_hook(t2=g, t3=g, t4=g)})


@transform("fee_unit_wrapped_no_titles", "4", ("txt", "md", "html", "docx"))
def _fee_unit_wrapped(rep: dict, fmt: str) -> Plan | None:
    """2021 table 二 without its item-title rows, the fee header broken inside its unit
    (``本年收费金额（单位：万`` / ``元）``): the amount is still in 万元."""
    if rep["template"] != "2021":
        return None
    brk = "<br>" if fmt == "md" else "\n"

    def t2(g: Grid, r: Any) -> None:
        g.delete_rows([i for i, row in enumerate(g.slots) if g.cells[row[0]].kind == "title"])
        g.relabel(lambda c: replace(c, text=c.text.replace("（单位：万元）", f"（单位：万{brk}元）"))
                  if c.kind == "head" else c)
    return Plan(opts={"tables": tables_hook(t2=t2)})


_T2_HEAD_WORDS = {"本年新制作数量": "本年制作数量", "本年新公开数量": "本年公开数量", "对外公开总数量": "累计公开数量",
                  "本年制发件数": "本年新制发件数", "本年废止件数": "废止件数", "现行有效件数": "现行有效",
                  "处理决定数量": "决定数量", "本年处理决定数量": "处理决定数", "本年收费金额（单位：万元）": "收费金额(万元)",
                  "上一年项目数量": "上年项目数", "本年增/减": "增减", "采购项目数量": "项目数", "采购总金额": "总金额"}


@transform("t2_head_synonyms", "1")
def _t2_head_synonyms(rep: dict, fmt: str) -> Plan:
    """Table 二's column headers in other words (本年制作数量, 现行有效, 决定数量, 收费金额(万元) …)."""
    def t2(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=_T2_HEAD_WORDS.get(c.text, c.text)) if c.kind == "head" else c)
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("t2_first_header_only", "extra")
def _t2_first_header_only(rep: dict, fmt: str) -> Plan:
    """Table 二 with a header row for 第（一）项 only; the later items print their title and rows:
    their figures keep their own template columns, never the first item's."""
    def t2(g: Grid, r: Any) -> None:
        g.delete_rows([i for i, row in enumerate(g.slots) if g.cells[row[0]].kind == "head"][1:])
    return Plan(opts={"tables": tables_hook(t2=t2)})


# ---- omitted columns (never derived)


@transform("t3_total_col_omitted", "10")
def _t3_total_col_omitted(rep: dict, fmt: str) -> Plan:
    """Table 三 printed without its 总计 column: the .total keys are not printed (never derived)."""
    truth = {k: v for k, v in rep["cells"].items() if not (k.startswith("t3.") and k.endswith(".total"))}
    return Plan(opts={"tables": tables_hook(t3=lambda g, r: g.delete_cols([9]))}, truth=truth)


@transform("t3_result_total_row_omitted", "10")
def _t3_result_total_omitted(rep: dict, fmt: str) -> Plan:
    """Table 三 printed without its （七）总计 row (its keys never derived as if printed)."""
    truth = {k: v for k, v in rep["cells"].items() if not k.startswith("t3.result_total.")}
    return Plan(opts={"tables": tables_hook(t3=lambda g, r: g.delete_rows([g.row_of("t3.result_total.")]))},
                truth=truth)


# ---- converters' markup


@transform("md_html_tables", "extra", ("md",))
def _md_html_tables(rep: dict, fmt: str) -> Plan:
    """Markdown as PDF converters (MinerU, marker) write it: the tables as raw HTML
    ``<table>`` blocks with rowspan/colspan between the markdown headings."""
    tables = re.findall(r"<table.*?</table>", R.render(rep, "html", style="plain").decode("utf-8"), re.S)

    def post(data: bytes, f: str) -> bytes:
        parts = re.split(r"(?m)^(## .*)$", data.decode("utf-8"))
        it = iter(tables)
        out = []
        for i, part in enumerate(parts):
            if i and parts[i - 1].startswith(("## 二、", "## 三、", "## 四、")):
                part = "\n\n" + next(it).replace("\n", "") + "\n\n"
            out.append(part)
        return "".join(out).encode("utf-8")
    return Plan(post=post)


@transform("md_br_in_labels", "extra", ("md",))
def _md_br_in_labels(rep: dict, fmt: str) -> Plan:
    """Pipe tables whose long labels and headers are wrapped with ``<br>`` inside the cell."""
    def fn(c: Cell) -> Cell:
        if c.kind in ("label", "head") and len(c.text) >= 6:
            return replace(c, text=c.text[:len(c.text) // 2] + "<br>" + c.text[len(c.text) // 2:])
        return c

    def g(grid: Grid, r: Any) -> None:
        grid.relabel(fn)
    return Plan(opts={"tables": tables_hook(t2=g, t3=g, t4=g)})


@transform("md_no_outer_pipes", "extra", ("md",))
def _md_no_outer_pipes(rep: dict, fmt: str) -> Plan:
    """GFM pipe tables without the leading and trailing pipe, centred ``:---:`` delimiter rows."""
    def post(data: bytes, f: str) -> bytes:
        out = []
        for ln in data.decode("utf-8").split("\n"):
            if ln.startswith("|---"):
                ln = "|".join([":---:"] * (ln.count("|") - 1))
            elif ln.startswith("| ") and ln.endswith(" |"):
                ln = ln[2:-2]
            out.append(ln)
        return "\n".join(out).encode("utf-8")
    return Plan(post=post)


@transform("md_bold_cells", "extra", ("md",))
def _md_bold_cells(rep: dict, fmt: str) -> Plan:
    """Converter markdown with bold labels, headers and 总计 figures (``**申请人情况**``, ``**26**``)."""
    def post(data: bytes, f: str) -> bytes:
        out = []
        for ln in data.decode("utf-8").split("\n"):
            if ln.startswith("| ") and not ln.startswith("|---"):
                cs = ln[2:-2].split(" | ")
                ln = "| " + " | ".join(f"**{c}**" if c.strip() and (not c.strip().isdigit() or i == len(cs) - 1) else c
                                       for i, c in enumerate(cs)) + " |"
            out.append(ln)
        return "\n".join(out).encode("utf-8")
    return Plan(post=post)


@transform("html_table3_image", "11", ("html",))
def _html_table3_image(rep: dict, fmt: str) -> Plan:
    """Table 三 published as an image with alt text: its figures are not in the file (listed
    as uncertain or absent — never invented)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = list(re.finditer(r"<table.*?</table>", s, re.S))[1]
        img = f'<p><img src="t3.png" alt="{rep["year"]}年收到和处理政府信息公开申请情况表" /></p>'
        return (s[:m.start()] + img + s[m.end():]).encode("utf-8")
    truth = {k: v for k, v in rep["cells"].items() if not k.startswith("t3.")}
    return Plan(post=post, truth=truth, complete=False)


@transform("html_comment_old_table", "extra", ("html",))
def _html_comment_old_table(rep: dict, fmt: str) -> Plan:
    """An older draft of table 三 (other figures) left in an HTML comment before the real one."""
    old = {k: v + 7 if isinstance(v, int) else v for k, v in rep["cells"].items()}
    draft = re.findall(r"<table.*?</table>", R.render({**rep, "cells": old}, "html", style="plain").decode("utf-8"),
                       re.S)[1]

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i = [m.start() for m in re.finditer(r"<table", s)][1]
        return (s[:i] + "<!-- 旧版\n" + draft + "\n-->" + s[i:]).encode("utf-8")
    return Plan(post=post)


def _docx_second_table(fn: Callable[[str], str]) -> Callable[[bytes, str], bytes]:
    """A DOCX edit of table 三's ``<w:tbl>`` markup."""
    def edit(x: str) -> str:
        m = list(re.finditer(r"<w:tbl>.*?</w:tbl>", x, re.S))[1]
        return x[:m.start()] + fn(m.group(0)) + x[m.end():]
    return lambda data, f: _docx_edit(data, edit)


@transform("docx_table_in_content_control", "extra", ("docx",))
def _docx_sdt(rep: dict, fmt: str) -> Plan:
    """Table 三 inside a content control (``<w:sdt>``), as Word/WPS templates hold it."""
    return Plan(post=_docx_second_table(
        lambda t: f'<w:sdt><w:sdtPr><w:id w:val="1"/></w:sdtPr><w:sdtContent>{t}</w:sdtContent></w:sdt>'))


@transform("docx_tracked_changes", "extra", ("docx",))
def _docx_tracked(rep: dict, fmt: str) -> Plan:
    """Tracked changes left in: every figure of table 三 follows a deleted older figure
    (``<w:del>…<w:delText>``) and sits inside ``<w:ins>``."""
    def edit(t: str) -> str:
        rev = 'w:id="9" w:author="示例" w:date="2024-01-01T00:00:00Z"'
        return re.sub(r"<w:r>(<w:rPr>.*?</w:rPr>)?<w:t>(\d+)</w:t></w:r>",
                      lambda m: (f"<w:del {rev}><w:r><w:delText>{int(m.group(2)) + 5}</w:delText></w:r></w:del>"
                                 f"<w:ins {rev}>{m.group(0)}</w:ins>"), t)
    return Plan(post=_docx_second_table(edit))


@transform("docx_nested_layout_table", "extra", ("docx",))
def _docx_nested(rep: dict, fmt: str) -> Plan:
    """Table 三 inside the single cell of a layout table."""
    return Plan(post=_docx_second_table(
        lambda t: ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="9000"/>'
                   f'</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr>{t}<w:p/></w:tc>'
                   "</w:tr></w:tbl>")))


# ---- text, pages and encodings


@transform("txt_utf16_bom", "extra", ("txt",))
def _txt_utf16_bom(rep: dict, fmt: str) -> Plan:
    """Notepad's “Unicode” text: UTF-16 LE with a BOM, CRLF line ends."""
    return Plan(post=lambda data, f: b"\xff\xfe" + data.decode("utf-8").replace("\n", "\r\n").encode("utf-16-le"))


@transform("txt_tabs_stripped", "11", ("txt",))
def _txt_tabs_stripped(rep: dict, fmt: str) -> Plan:
    """Word text whose leading tabs a tool stripped, the blank lines between rows kept: cells and
    wrapped header words look alike (flags are fine; keys of other columns are not)."""
    return Plan(post=lambda data, f: "\n".join(ln.lstrip("\t") for ln in data.decode("utf-8").split("\n")).encode("utf-8"),
                flag_ok=set(rep["cells"]), complete=False)


@transform("page_number_in_table3", "extra", ("txt", "md", "flat"))
def _page_number_in_table3(rep: dict, fmt: str) -> Plan:
    """PDF→text: a page break inside table 三 left a bare page-number line ``3`` before 4.保护第三方."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i = s.find("4.保护第三方合法权益")
        if f == "flat":
            return (s[:i] + " 3 " + s[i:]).encode("utf-8")
        j = s.rfind("\n\n", 0, i) + 2 if f == "txt" else s.rfind("\n", 0, i) + 1
        return (s[:j] + ("3\n\n" if f == "txt" else "\n3\n\n") + s[j:]).encode("utf-8")
    return Plan(post=post)


def pdf_overlay(data: bytes, texts: Callable[[int, int], list[tuple[float, float, str]]]) -> bytes:
    """Draw ``texts(page, pages) -> [(x_cm, y_cm, text)]`` on every page of a PDF."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.pdfgen import canvas

    R._register_font()
    base = pdfium.PdfDocument(data)
    n = len(base)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for i in range(n):
        c.setFont(R._FONT, 8)
        for x, y, t in texts(i + 1, n):
            c.drawString(x * cm, y * cm, t)
        c.showPage()
    c.save()
    layer = pdfium.PdfDocument(buf.getvalue())
    for i in range(n):
        base[i].insert_obj(layer.page_as_xobject(i, base).as_pageobject())
        base[i].gen_content()
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


@transform("pdf_browser_print", "extra", ("pdf",))
def _pdf_browser_print(rep: dict, fmt: str) -> Plan:
    """A web page printed to PDF by a browser: date, time and page title on top of every page,
    the URL and ``n/m`` at the bottom."""
    y = int(rep["year"]) + 1
    title = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告_示例市人民政府"

    def texts(i: int, n: int) -> list[tuple[float, float, str]]:
        return [(1.0, 28.9, f"{y}/1/20 10:23"), (8.0, 28.9, title),
                (1.0, 0.6, f"https://www.example.gov.cn/art/{y}/1/20/art_1229_{7000 + i}.html"), (19.0, 0.6, f"{i}/{n}")]
    return Plan(post=lambda data, f: pdf_overlay(data, texts))


# ---- titles


@transform("title_after_previous_link", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_after_previous_link(rep: dict, fmt: str) -> Plan:
    """A CMS's ``上一篇：`` line naming another agency's previous-year report above the title."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [f"上一篇：示例县人民政府{int(rep['year']) - 1}年政府信息公开工作年度报告", t],
                      "meta_title": t})


@transform("title_after_next_link", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_after_next_link(rep: dict, fmt: str) -> Plan:
    """A CMS's ``下一篇：`` line naming the same agency's following-year report above the title
    (read as the report's year, it files the report under the wrong year)."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    nxt = f"下一篇：{rep['agency']}{int(rep['year']) + 1}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [nxt, t], "meta_title": t})


@transform("title_after_related_list", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_after_related_list(rep: dict, fmt: str) -> Plan:
    """A 相关阅读 heading and two other agencies' reports of the same year above the title."""
    y = rep["year"]
    t = f"{rep['agency']}{y}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": ["相关阅读", f"示例市交通运输局{y}年政府信息公开工作年度报告",
                                      f"示例市教育局{y}年政府信息公开工作年度报告", t], "meta_title": t})


@transform("title_after_red_header", "14")
def _title_after_red_header(rep: dict, fmt: str) -> Plan:
    """A 红头 document: the issuing office's ``…文件`` line and its 文号 (next year) above the title."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": ["示例市人民政府办公室文件", f"示政办〔{int(rep['year']) + 1}〕3号", t],
                      "meta_title": t})


@transform("agency_with_digits", "14")
def _agency_with_digits(rep: dict, fmt: str) -> Plan:
    """An agency whose name holds digits: 示例市12345政务服务便民热线管理中心."""
    return Plan(agency="示例市12345政务服务便民热线管理中心")


@transform("agency_information_office", "14")
def _agency_information_office(rep: dict, fmt: str) -> Plan:
    """An agency whose name holds the words of the report title: 示例市政府信息公开办公室."""
    return Plan(agency="示例市政府信息公开办公室")


@transform("title_chinese_numeral_year", "14")
def _title_chinese_numeral_year(rep: dict, fmt: str) -> Plan:
    """The year in Chinese numerals: 二〇二三年."""
    y = "".join("〇一二三四五六七八九"[int(d)] for d in str(rep["year"]))
    return _title(f"{rep['agency']}{y}年政府信息公开工作年度报告")


@transform("title_year_first", "14")
def _title_year_first(rep: dict, fmt: str) -> Plan:
    """The year before the agency: 2023年度某局政府信息公开工作年度报告."""
    return _title(f"{rep['year']}年度{rep['agency']}政府信息公开工作年度报告")



@transform("pdf_text_blank_zeros", "5", ("txt",))
def _pdf_text_blank_zeros(rep: dict, fmt: str) -> Plan | None:
    """A PDF's text layer saved as .txt (pdfium, as crawlers store it), the PDF printing zeros as
    blank cells: table 四's figures lose their columns, only a flag is honest where they could be
    anywhere (reports whose table 四 has zeros and non-zeros)."""
    t4 = [v for k, v in rep["cells"].items() if k.startswith("t4.")]
    if not (any(t4) and 0 in t4):
        return None
    def post(data: bytes, f: str) -> bytes:
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(R.render(rep, "pdf", blank_zeros=True))
        return "\n".join(page.get_textpage().get_text_range() for page in doc).encode("utf-8")
    return Plan(post=post, complete=False)


@transform("meta_title_last_year", "14", ("flat", "html", "docx", "pdf"))
def _meta_title_last_year(rep: dict, fmt: str) -> Plan:
    """The file's metadata title (HTML ``<title>``, crawler 标题:, DOCX/PDF properties) left from
    last year's report; the title printed in the body is right and wins."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [t], "meta_title": f"{rep['agency']}{int(rep['year']) - 1}年政府信息公开工作年度报告"})


@transform("meta_title_parent_agency", "14", ("flat", "html", "docx", "pdf"))
def _meta_title_parent_agency(rep: dict, fmt: str) -> Plan:
    """The file's metadata title names the parent government's report; the body's title is the
    agency's own and wins."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [t], "meta_title": f"示例市人民政府{rep['year']}年政府信息公开工作年度报告"})


@transform("title_after_correction_note", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_after_correction_note(rep: dict, fmt: str) -> Plan:
    """A line about a correction of last year's report above the title."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    note = f"关于{rep['agency']}{int(rep['year']) - 1}年政府信息公开工作年度报告的更正说明见附件"
    return Plan(opts={"title_lines": [note, t], "meta_title": t})


@transform("t3_extra_applicant_col_blank_zeros", "1")
def _t3_extra_applicant_col(rep: dict, fmt: str) -> Plan:
    """Table 三 with an applicant column the template does not have (个体工商户, one case per row)
    between 自然人 and the legal-person block, zeros blank: its figures belong to no key (flags on
    table 三 are fine — the agency's 总计 now exceeds the printed template columns)."""
    def t3(g: Grid, r: Any) -> None:
        g.insert_col(4, [None, head("个体工商户"), None] + [lit("1") for _ in g.slots[3:]])
        g.slots[2][4] = g.slots[1][4]
    return Plan(opts={"tables": tables_hook(t3=t3), "blank_zeros": True}, flag_ok=_keys(rep["cells"], "t3."),
                complete=False)


@transform("txt_browser_copy_blank_zeros", "5", ("txt",))
def _txt_browser_copy(rep: dict, fmt: str) -> Plan:
    """A web page copied from a browser into .txt (innerText): one line per table row, the cells
    starting in that row joined by TABs — empty fields keep blank cells' places — and zeros
    printed blank.  Every figure is still where it belongs."""
    def post(data: bytes, f: str) -> bytes:
        r = R._R(rep, {"blank_zeros": True})
        out = [r.title(), "一、总体情况", "本报告为示例。"]

        def rows(t: Any) -> None:
            if not isinstance(t, R.Table):
                for x in R._pieces(t):
                    out.append(x) if isinstance(x, str) else rows(x)
                return
            for line in t.placed:
                out.append("\t".join(r.value(c.key) if c.kind == "num" else c.text for _, c, cont in line if not cont))
        for name, t in zip(("t2", "t3", "t4"), r.tables):
            out.append(r.t4_heading() if name == "t4" else vocab.TABLE_ZH[name])
            rows(t)
        out += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
        return ("\n".join(out) + "\n").encode("utf-8")
    return Plan(post=post)


@transform("md_note_marks", "9", ("md",))
def _md_note_marks(rep: dict, fmt: str) -> Plan | None:
    """Converter markdown marking figures as PDF converters do: ``26<sup>1</sup>``, ``708^1^``,
    ``13[^1]`` footnote references and ``$26$`` maths (the notes under the tables)."""
    keys = sorted(k for k in ("t3.new_received.total", "t3.granted.natural_person", "t2.admin_licensing.decision_count")
                  if isinstance(rep["cells"].get(k), int) and rep["cells"][k])
    if not keys:
        return None
    marks = dict(zip(keys, ("{}<sup>1</sup>", "{}^1^", "{}[^1]")))
    maths = "${}$"

    def value_text(k: str, s: str) -> str:
        if k in marks and s:
            return marks[k].format(s)
        return maths.format(s) if k == "t3.result_total.total" and s else s

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含网上办理的数量。"], [t3, "注：1.含网上申请。"], t4)
    return Plan(opts={"value_text": value_text, "tables": tables_hook(pieces=pieces)},
                flag_ok=set(keys) | {"t3.result_total.total"})


def _blank_zeros_variant(name: str, doc: str) -> None:
    """Register ``<name>_blank_zeros``: the transform ``name`` in a report printing zeros as blank."""
    base = TRANSFORMS[name]

    def make(rep: dict, fmt: str) -> Plan | None:
        plan = base.make(rep, fmt)
        return None if plan is None else replace(plan, opts={**plan.opts, "blank_zeros": True})
    TRANSFORMS[f"{name}_blank_zeros"] = Transform(f"{name}_blank_zeros", base.klass, base.formats, make, doc)


_blank_zeros_variant("t3_row_omitted_next_unlabelled",
                     "t3_row_omitted_next_unlabelled with zeros blank: the unlabelled row's figures move to a blank row.")
_blank_zeros_variant("t4_two_tables", "t4_two_tables with zeros blank.")
_blank_zeros_variant("t3_legal_subtotal_col", "t3_legal_subtotal_col with zeros blank: the 小计 column shifts figures.")


@transform("money_rmb_sign", "4")
def _money_rmb_sign(rep: dict, fmt: str) -> Plan | None:
    """Money printed in 元 with a currency sign (``￥4349360``).  Under the 2021 fee header
    （单位：万元） the sign contradicts the header: a flag is the honest answer there."""
    keys = _money_keys(rep["cells"])
    if not keys:
        return None

    def value_text(k: str, s: str) -> str:
        if k in keys:
            return "￥" + format((Decimal(str(rep["cells"][k])) * 10000).normalize(), "f")
        return s
    return Plan(opts={"value_text": value_text, "procurement_unit": ""},
                flag_ok={k for k in keys if k.endswith("fee_amount_wan_yuan")})


@transform("txt_no_row_breaks", "11", ("txt",))
def _txt_no_row_breaks(rep: dict, fmt: str) -> Plan:
    """Word text without the blank lines between table rows (cells still TAB-prefixed): rows are
    told apart by their labels only (flags are fine; silently dropped cells are not)."""
    def post(data: bytes, f: str) -> bytes:
        lines = data.decode("utf-8").split("\n")
        keep = [ln for i, ln in enumerate(lines)
                if not (ln == "" and 0 < i < len(lines) - 1 and lines[i - 1].startswith("\t")
                        and lines[i + 1].startswith("\t"))]
        return "\n".join(keep).encode("utf-8")
    return Plan(post=post, complete=False)


@transform("numbers_other_units", "extra")
def _numbers_other_units(rep: dict, fmt: str) -> Plan:
    """Counts with units beyond 件/个/条: ``12份`` (table 二), ``12件次`` (tables 三/四)."""
    return Plan(opts={"value_text": _count_text(lambda k, s: s + ("份" if k.startswith("t2.") else "件次"))})


@transform("title_after_wrapped_link", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_after_wrapped_link(rep: dict, fmt: str) -> Plan:
    """A ``下一篇：`` link (the same agency's next report) wrapped before its last character, as a
    PDF or its text layer breaks a long line: the ``告`` left on a line of its own above the title
    is not part of the agency."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    nxt = f"下一篇：{rep['agency']}{int(rep['year']) + 1}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [nxt[:-1], nxt[-1], t], "meta_title": t})


@transform("title_split_after_related_title", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_split_after_related_title(rep: dict, fmt: str) -> Plan:
    """A 相关阅读 heading and one other agency's report above a title printed on two lines (the
    agency, then ``{year}年…报告``): the link is not the report's title, the body below names its own."""
    y = int(rep["year"])
    return Plan(opts={"title_lines": ["相关阅读", f"示例市交通运输局{y + 1}年政府信息公开工作年度报告",
                                      rep["agency"], f"{y}年政府信息公开工作年度报告"],
                      "meta_title": f"{rep['agency']}{y}年政府信息公开工作年度报告"})


def identity_plan(rep: dict, fmt: str) -> Plan:
    return Plan()


TRANSFORMS = {"identity": Transform("identity", "0", ALL, identity_plan, "the report as rendered"), **TRANSFORMS}
