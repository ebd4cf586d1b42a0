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
* ``agency`` — another agency name printed (and so true) instead of the source's;
* ``ext`` — the saved file's extension when it is not the format's (a crawler's name that
  lies: ``.pdf`` on a web page, none at all).

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
    ext: str | None = None                        # the file name's extension ("" none), if not the format's


@dataclass(frozen=True)
class Transform:
    name: str
    klass: str          # the issue's class number ('1'…'14') or 'extra'
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
    return Plan(opts={"tables": tables_hook(t4=lambda g, r: t4_halves(g))})


def t4_halves(g: Grid) -> list:
    """Table 四 cut into its 行政复议 (5 columns) and 行政诉讼 (10 columns) tables."""
    a, b = g.copy(), g.copy()
    a.slots = [row[:5] for row in g.slots]
    b.slots = [row[5:] for row in g.slots]
    return [a.table(header_rows=3), b.table(header_rows=3)]


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
    return Plan(opts={"tables": tables_hook(t2=lambda g, r: t2_items(g, lambda part: None))})


def t2_items(g: Grid, shape: Callable[[Grid], None]) -> list:
    """Table 二 as one table per 第二十条 item: the item's title line, then its rows as a table of
    their own, ``shape(part)`` applied to each part first."""
    out: list = []
    starts = [i for i, row in enumerate(g.slots) if g.cells[row[0]].kind == "title"] + [len(g.slots)]
    for a, b in zip(starts, starts[1:]):
        part = g.copy()
        out.append(g.cells[g.slots[a][0]].text)
        part.slots = [list(row) for row in g.slots[a + 1:b]]
        shape(part)
        out.append(part.table())
    return out


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


def _agency_transform(name: str, agency: str, doc: str) -> None:
    """Register a class-14 transform whose only change is the agency's name ``agency``."""
    def make(rep: dict, fmt: str) -> Plan:
        return Plan(agency=agency)
    make.__doc__ = doc
    transform(name, "14")(make)


_agency_transform("agency_with_digits", "示例市12345政务服务便民热线管理中心",
                  "An agency whose name holds digits: 示例市12345政务服务便民热线管理中心.")
_agency_transform("agency_information_office", "示例市政府信息公开办公室",
                  "An agency whose name holds the words of the report title: 示例市政府信息公开办公室.")


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
    def line(r: Any, t: Any, cells: Any) -> str:
        return "\t".join(r.value(c.key) if c.kind == "num" else c.text for _, c, cont in cells if not cont)
    return Plan(post=lambda data, f: tables_as_lines(R._R(rep, {"blank_zeros": True}), line).encode("utf-8"))


def tables_as_lines(r: Any, line: Callable[[Any, Any, Any], str] | None = None,
                    table: Callable[[Any, Any], list[str]] | None = None) -> str:
    """A bare text report whose tables are one line per row, ``line(r, table, placed_row)``,
    or the lines ``table(r, table)`` draws for each table."""
    out = [r.title(), "一、总体情况", "本报告为示例。"]

    def rows(t: Any) -> None:
        if not isinstance(t, R.Table):
            for x in R._pieces(t):
                out.append(x) if isinstance(x, str) else rows(x)
            return
        out.extend(table(r, t) if table is not None else [line(r, t, cells) for cells in t.placed])
    for name, t in zip(("t2", "t3", "t4"), r.tables):
        out.append(r.t4_heading() if name == "t4" else vocab.TABLE_ZH[name])
        rows(t)
    out += ["五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。"]
    return "\n".join(out) + "\n"


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


# --------------------------------------------------------------------------- adversary round 3
# Publishers', CMSs' and converters' habits the rounds above did not reach: numbers in Chinese
# numerals and with typographic spaces, percentages beside counts, rows and blocks in other
# orders, tables 三/四 transposed or split with repeated headers, zero cells merged, comparison
# tables of the previous year, statistics annexes of a sub-unit, page furniture and title forms.


def _literal(t: R.Table, values: dict[str, Any], fmt_value: Callable[[Any], str] | None = None) -> R.Table:
    """A copy of a skeleton table whose number cells print ``values`` (another report's figures)
    as literal text, so the file carries figures that are no key of the report."""
    def text(v: Any) -> str:
        if fmt_value:
            return fmt_value(v)
        return "/" if v is None else R._fmt_money(v) if isinstance(v, float) else str(v)
    g = Grid(t)
    g.relabel(lambda c: lit(text(values.get(c.key, 0))) if c.kind == "num" else c)
    return g.table()


_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """0 … 9999 in Chinese numerals as people write counts (十二, 一百零五, 二千三百)."""
    if n == 0:
        return "零"
    out, zero = "", False
    for unit, div in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        d = n // div % 10
        if d:
            if zero:
                out += "零"
                zero = False
            out += ("" if (unit == "十" and d == 1 and not out) else _CN_DIGITS[d]) + unit
        elif out:
            zero = True
    return out


@transform("numbers_chinese_numerals", "extra")
def _numbers_chinese_numerals(rep: dict, fmt: str) -> Plan | None:
    """Tables 三 and 四's counts written in Chinese numerals (``十二``, ``一百零五``, ``零``), as a
    small agency types them: the value, or a flag, is right."""
    keys = {k for k, v in rep["cells"].items() if k[:2] in ("t3", "t4") and isinstance(v, int) and 0 <= v < 10000}
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: chinese_numeral(int(s)) if k in keys and s.isdigit() else s},
                flag_ok=keys, complete=False)


@transform("numbers_narrow_nbsp", "extra")
def _numbers_narrow_nbsp(rep: dict, fmt: str) -> Plan | None:
    """Counts of 1,000 and more grouped with typographic spaces: U+202F (narrow no-break) in
    table 三, U+2009 (thin) elsewhere (``3 001``), as French/ISO-style number formats print."""
    if not _nonzero(rep["cells"], "t", 1, minimum=1000):
        return None
    return Plan(opts={"value_text": _count_text(
        lambda k, s: f"{int(s):,}".replace(",", "\u202f" if k.startswith("t3.") else "\u2009"))})


@transform("t3_percent_col", "extra")
def _t3_percent_col(rep: dict, fmt: str) -> Plan:
    """Table 三 with a 占比 column after 总计: each row's share of 本年新收 as ``45.5%``."""
    cells = rep["cells"]
    base = cells.get("t3.new_received.total") or 0

    def text(i: int, key: str) -> str:
        v = cells.get(key.rsplit(".", 1)[0] + ".total") or 0
        return f"{100 * v / base:.1f}%" if base else "0.0%"
    return _t3_extra_col("占比", text)


@transform("t3_percent_in_cells", "extra")
def _t3_percent_in_cells(rep: dict, fmt: str) -> Plan | None:
    """Table 三's 总计 cells print a count with its share: ``26（45.5%）``."""
    cells = rep["cells"]
    base = cells.get("t3.new_received.total") or 0
    keys = {k for k, v in cells.items() if k.startswith("t3.") and k.endswith(".total") and isinstance(v, int) and v}
    if not base or not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: f"{s}（{100 * int(s) / base:.1f}%）" if k in keys and s.isdigit() else s},
                flag_ok=keys)


def _move_row(g: Grid, frm: int, to: int) -> None:
    row = g.slots.pop(frm)
    g.slots.insert(to if to < frm else to - 1, row)


@transform("t3_result_total_first", "extra")
def _t3_result_total_first(rep: dict, fmt: str) -> Plan:
    """Table 三's （七）总计 row printed first under the header (a 合计 line at the top)."""
    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.result_total.")
        row = g.slots[at]
        # the 三、本年度办理结果 group cell spans it: print the label over the first three columns
        label = g.new(lit("（七）总计"))
        first = next(c for c in range(g.ncols) if g.cells[row[c]].kind == "num")
        g.slots[at] = [label] * first + row[first:]
        _move_row(g, at, g.header_rows)
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_carried_over_first", "extra")
def _t3_carried_over_first(rep: dict, fmt: str) -> Plan:
    """Table 三's 二、上年结转 row printed before 一、本年新收."""
    def t3(g: Grid, r: Any) -> None:
        _move_row(g, g.row_of("t3.carried_over_from_prior."), g.row_of("t3.new_received."))
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t4_litigation_first", "1")
def _t4_litigation_first(rep: dict, fmt: str) -> Plan | None:
    """Table 四 prints its 行政诉讼 blocks first and the 行政复议 block last."""
    return _moved(rep, "t4", _permute(list(range(5, 15)) + list(range(5))))


@transform("t4_transposed", "11")
def _t4_transposed(rep: dict, fmt: str) -> Plan:
    """Table 四 transposed: its 15 result columns as rows, the header words in the first columns."""
    def t4(g: Grid, r: Any) -> None:
        g.transpose()
        g.header_rows = 0
    return Plan(opts={"tables": tables_hook(t4=t4)}, flag_ok=_keys(rep["cells"], "t4."))


@transform("comparison_table_prior_year", "6")
def _comparison_table_prior_year(rep: dict, fmt: str) -> Plan:
    """After table 三, a comparison table with the previous year's figures: rows labelled like
    table 三's and 四's rows (本年新收…, 予以公开, 结转下年度…, 行政复议, 行政诉讼), columns
    ``{Y-1}年 | {Y}年 | 增减``.  The report year's keys are table 三's and 四's, never these."""
    cells = rep["cells"]
    y = int(rep["year"])
    rows = [("一、本年新收政府信息公开申请数量", "t3.new_received.total"), ("（一）予以公开", "t3.granted.total"),
            ("（七）总计", "t3.result_total.total"), ("四、结转下年度继续办理", "t3.carried_to_next.total"),
            ("行政复议", "t4.admin_reconsideration.total"), ("行政诉讼", "t4.litigation_direct.total")]

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        out = [[head("项目"), head(f"{y - 1}年"), head(f"{y}年"), head("增减")]]
        for i, (label, key) in enumerate(rows):
            v = cells.get(key) or 0
            p = v + 3 + i
            out.append([Cell(label), lit(str(p)), lit(str(v)), lit(str(v - p))])
        cmp = R.make_table("t3", out, 4, 1)
        return (t2, [t3, f"表：{y}年与{y - 1}年政府信息公开申请办理情况对比", cmp], t4)
    return Plan(opts={"tables": tables_hook(pieces=pieces)})


@transform("annex_unit_statistics", "7")
def _annex_unit_statistics(rep: dict, fmt: str) -> Plan:
    """After the report's last section, an 附件 with a sub-unit's statistics tables 三 and 四 (its
    own figures, no report title of its own): nothing of it is the report's."""
    other = second_report(rep)
    a2, a3, a4 = R.skeleton(other["template"], other["cells"])

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return (t2, t3, [t4, "附件：示例附属事务中心政府信息公开情况统计表", "（一）收到和处理政府信息公开申请情况",
                         _literal(a3, other["cells"]), "（二）政府信息公开行政复议、行政诉讼情况",
                         _literal(a4, other["cells"])])
    return Plan(opts={"tables": tables_hook(pieces=pieces)}, flag_ok=_keys(rep["cells"], "t3.") | _keys(rep["cells"], "t4."),
                complete=False)


def _title_plan(lines: list[str], meta: str | None = None, may_reject: bool = False, **kw: Any) -> Plan:
    return Plan(opts={"title_lines": lines, "meta_title": meta or lines[-1]}, may_reject=may_reject, **kw)


@transform("cms_breadcrumb_furniture", "14", ("txt", "md", "html", "docx", "pdf"))
def _cms_breadcrumb(rep: dict, fmt: str) -> Plan:
    """A CMS page saved whole: navigation, a breadcrumb ending in the parent site's section, the
    publication line (next year's date) and a font-size switcher above the title."""
    y = int(rep["year"])
    t = f"{rep['agency']}{y}年政府信息公开工作年度报告"
    return _title_plan(["首页 | 机构概况 | 政务公开 | 政务服务 | 互动交流",
                        f"当前位置：首页 > 政府信息公开 > 政府信息公开年报 > {y}年度",
                        f"发布时间：{y + 1}-01-20 来源：示例市人民政府办公室 浏览次数：1024",
                        "【字体：大 中 小】 打印本页", t], t)


@transform("title_yinfa_tongzhi", "14")
def _title_yinfa_tongzhi(rep: dict, fmt: str) -> Plan:
    """The report published inside a 印发 notice: 「示例市人民政府办公室关于印发《…年度报告》的通知」
    above the report's own title line."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return _title_plan([f"示例市人民政府办公室关于印发《{t}》的通知", "各有关单位：", "现将年度报告印发给你们，请认真贯彻执行。", t], t)


@transform("title_yinfa_only", "14")
def _title_yinfa_only(rep: dict, fmt: str) -> Plan:
    """Only the 印发 notice names the report: 「示例市人民政府办公室关于印发《…年度报告》的通知」
    (the agency is the one in 《》, or the file is refused)."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    line = f"示例市人民政府办公室关于印发《{t}》的通知"
    return _title_plan([line], line, may_reject=True)


@transform("title_zhengwu_gongkai", "14")
def _title_zhengwu_gongkai(rep: dict, fmt: str) -> Plan:
    """Title form 「…2020年政务公开工作年度报告」 (政务公开 for 政府信息公开)."""
    return _title_plan([f"{rep['agency']}{rep['year']}年政务公开工作年度报告"], may_reject=True)


@transform("title_year_in_brackets", "14")
def _title_year_in_brackets(rep: dict, fmt: str) -> Plan:
    """Title form 「…政府信息公开工作年度报告（2020年）」."""
    return _title_plan([f"{rep['agency']}政府信息公开工作年度报告（{rep['year']}年）"], may_reject=True)


@transform("title_without_year", "14")
def _title_without_year(rep: dict, fmt: str) -> Plan:
    """The title without a year (「…政府信息公开工作年度报告」): the year only in the text's
    统计期限 sentence — read it or refuse, never the publication year."""
    t = f"{rep['agency']}政府信息公开工作年度报告"
    return _title_plan([t], t, may_reject=True)


@transform("title_space_before_year", "14")
def _title_space_before_year(rep: dict, fmt: str) -> Plan:
    """A space (ASCII, then full-width) between the agency and the year in the title."""
    sp = "\u3000" if int(rep["year"]) % 2 else " "
    return _title_plan([f"{rep['agency']}{sp}{rep['year']}年政府信息公开工作年度报告"])


@transform("title_fullwidth_year", "14")
def _title_fullwidth_year(rep: dict, fmt: str) -> Plan:
    """The title's year in full-width digits (``２０２０年``)."""
    y = str(rep["year"]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return _title_plan([f"{rep['agency']}{y}年政府信息公开工作年度报告"])


@transform("compilation_heading", "7")
def _compilation_heading(rep: dict, fmt: str) -> Plan:
    """A department 汇编's heading 「示例市各部门2020年政府信息公开工作年度报告汇编」 and a 目录
    line above the first report's title: the report is the agency's, not 各部门's."""
    y = rep["year"]
    t = f"{rep['agency']}{y}年政府信息公开工作年度报告"
    return _title_plan([f"示例市各部门{y}年政府信息公开工作年度报告汇编", f"目录 1.{t}", t], t)


@transform("same_agency_prior_year_after", "7")
def _same_agency_prior_year_after(rep: dict, fmt: str) -> Plan:
    """An archive page: the report, then 往年报告 and the same agency's previous-year report
    (other figures) in full."""
    other = second_report(rep)
    other = {**other, "agency": rep["agency"], "year": int(rep["year"]) - 1}
    opts = {"style": "plain"} if fmt == "html" else {}

    def post(data: bytes, f: str) -> bytes:
        return concat_files(data, R.render(other, f, **opts), f, joiner="往年报告")
    return Plan(post=post)


@transform("t3_legal_zeros_merged", "extra")
def _t3_legal_zeros_merged(rep: dict, fmt: str) -> Plan | None:
    """Table 三 rows whose five 法人或其他组织 figures are all zero print one merged ``0`` cell
    over the five columns (a WPS user's merge): each of the five is 0, or flagged."""
    cells = rep["cells"]
    legal = vocab.T3_APPLICANT_COLS[1:]
    rows = [r for r in vocab.T3_ROW_KEYS if f"t3.{r}.total" in cells
            and all(cells.get(f"t3.{r}.{c}") == 0 for c in legal)]
    if not rows:
        return None

    def t3(g: Grid, r: Any) -> None:
        for row in rows:
            at = g.row_of(f"t3.{row}.")
            slots = g.slots[at]
            cols = [c for c in range(g.ncols) if g.cells[slots[c]].kind == "num"
                    and g.cells[slots[c]].key.rsplit(".", 1)[1] in legal]
            cid = g.new(lit("0"))
            for c in cols:
                slots[c] = cid
    keys = {f"t3.{r}.{c}" for r in rows for c in legal}
    return Plan(opts={"tables": tables_hook(t3=t3)}, flag_ok=keys)


@transform("t3_column_zeros_merged", "extra")
def _t3_column_zeros_merged(rep: dict, fmt: str) -> Plan | None:
    """Table 三's eight （三）不予公开 rows: a column all zero there prints one ``0`` cell merged
    down the eight rows (rowspan 8)."""
    cells = rep["cells"]
    sub = vocab.T3_ROW_KEYS[4:12]
    cols = [c for c in vocab.T3_COL_KEYS if all(cells.get(f"t3.{r}.{c}") == 0 for r in sub)]
    if not cols or not all(f"t3.{r}.total" in cells for r in sub):
        return None

    def t3(g: Grid, r: Any) -> None:
        rows = [g.row_of(f"t3.{k}.") for k in sub]
        for col in cols:
            c = next(c for c in range(g.ncols) if g.cells[g.slots[rows[0]][c]].kind == "num"
                     and g.cells[g.slots[rows[0]][c]].key.endswith("." + col))
            cid = g.new(lit("0"))
            for at in rows:
                g.slots[at][c] = cid
    keys = {f"t3.{r}.{c}" for r in sub for c in cols}
    return Plan(opts={"tables": tables_hook(t3=t3)}, flag_ok=keys)


@transform("t3_two_tables_repeated_header", "extra")
def _t3_two_tables_repeated_header(rep: dict, fmt: str) -> Plan:
    """Table 三 as two tables (a converter's page break before （四）无法提供), the second with the
    header rows repeated."""
    def t3(g: Grid, r: Any) -> list:
        at = g.row_of("t3.unavailable_not_held.")
        g.insert_row(at, [lit() for _ in range(g.ncols)], keep_spans=False)
        lower = g.copy()
        lower.slots = [list(row) for row in g.slots[:3]] + lower.slots[at + 1:]
        g.slots = g.slots[:at]
        return [g.table(), lower.table()]
    return Plan(opts={"tables": tables_hook(t3=t3)})


_OCR_LETTERS = {"5": "S", "8": "B", "0": "o", "1": "I", "2": "Z", "6": "b"}


@transform("ocr_letter_digits", "12")
def _ocr_letter_digits(rep: dict, fmt: str) -> Plan | None:
    """OCR confusions of digits with Latin letters in tables 三/四 (``S``, ``B``, ``o``, ``I``,
    ``Z``, ``b``) in one figure of each kind: keep the row, flag the cell."""
    cells = rep["cells"]
    keys: dict[str, str] = {}
    for d in _OCR_LETTERS:
        k = next((k for k, v in cells.items() if k[:2] in ("t3", "t4") and isinstance(v, int) and d in str(v)
                  and k not in keys and (v != 0 or d == "0")), None)
        if k:
            keys[k] = d
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: s.replace(keys[k], _OCR_LETTERS[keys[k]], 1) if k in keys else s,
                      "blank_zeros": False}, flag_ok=set(keys))


@transform("html_hidden_old_row", "12", ("html",))
def _html_hidden_old_row(rep: dict, fmt: str) -> Plan | None:
    """A CMS page keeping last draft's 予以公开 row (other figures) as a hidden row
    (``<tr style="display:none">``) before the real one."""
    cells = rep["cells"]
    if "t3.granted.total" not in cells:
        return None
    olds = [str((cells.get(f"t3.granted.{c}") or 0) + 4) for c in vocab.T3_COL_KEYS]

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i = s.find("（一）予以公开")
        j = s.rfind("<tr", 0, i)
        row = ('<tr style="display:none"><td colspan="2">（一）予以公开</td>'
               + "".join(f"<td>{v}</td>" for v in olds) + "</tr>")
        # the 三、本年度办理结果 cell spans this row: put the hidden row after the real one instead
        k = s.find("</tr>", i) + 5
        return (s[:k] + row + s[k:]).encode("utf-8") if j >= 0 else data
    return Plan(post=post, flag_ok=_keys(cells, "t3.granted.") | _keys(cells, "t3.result_total."))


@transform("html_wbr_comment_in_numbers", "extra", ("html",))
def _html_wbr_comment_in_numbers(rep: dict, fmt: str) -> Plan:
    """CMS markup inside figures: ``1<wbr>234`` and ``2<!-- -->6`` (an editor's empty comment)."""
    a, b = "\u2066", "\u2067"

    def value_text(k: str, s: str) -> str:
        if not s.isdigit() or len(s) < 2:
            return s
        return s[0] + (a if len(s) % 2 else b) + s[1:]

    def post(data: bytes, f: str) -> bytes:
        return data.decode("utf-8").replace(a, "<wbr>").replace(b, "<!-- -->").encode("utf-8")
    return Plan(opts={"value_text": _count_text(value_text)}, post=post)


@transform("docx_superscript_by_style", "9", ("docx",))
def _docx_superscript_by_style(rep: dict, fmt: str) -> Plan | None:
    """Footnote marks after figures set superscript by a character style (``w:rStyle`` →
    脚注引用, whose ``w:vertAlign`` lives in styles.xml), not by direct formatting: 26 with a
    mark 1 is 26."""
    keys = {k for k in ("t3.new_received.total", "t3.granted.natural_person", "t2.admin_licensing.decision_count")
            if isinstance(rep["cells"].get(k), int) and rep["cells"][k]}
    if not keys:
        return None
    style = ('<w:style w:type="character" w:styleId="a7"><w:name w:val="footnote reference"/>'
             '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>')

    def post(data: bytes, f: str) -> bytes:
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == "word/document.xml":
                    body = body.decode("utf-8").replace(
                        _SUP + "</w:t></w:r>", '</w:t></w:r><w:r><w:rPr><w:rStyle w:val="a7"/></w:rPr><w:t>1</w:t></w:r>').encode("utf-8")
                elif info.filename == "word/styles.xml":
                    body = body.decode("utf-8").replace("</w:styles>", style + "</w:styles>").encode("utf-8")
                z.writestr(info, body)
        return out.getvalue()

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含网上办理的数量。"], [t3, "注：1.含网上申请。"], t4)
    return Plan(opts={"value_text": lambda k, s: s + _SUP if k in keys and s else s,
                      "tables": tables_hook(pieces=pieces)}, post=post, flag_ok=keys)


@transform("html_value_cells_nested", "11", ("html",))
def _html_value_cells_nested(rep: dict, fmt: str) -> Plan:
    """Word-pasted HTML whose table-三 figures each sit in a one-cell table inside their cell:
    the figures are in the file (read them, or flag every cell — never drop them silently)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = list(re.finditer(r"<table.*?</table>", s, re.S))[1]
        t = re.sub(r'(<td[^>]*>)(<p align="center">\d+</p>)(</td>)',
                   r'\1<table border="0"><tr><td>\2</td></tr></table>\3', m.group(0))
        return (s[:m.start()] + t + s[m.end():]).encode("utf-8")
    return Plan(post=post, flag_ok=_keys(rep["cells"], "t3."), complete=False)


# ---- PDFs as browsers, OCR tools and text extractors make them


def chromium_pdf(html: bytes, css: str = "") -> bytes:
    """Print an HTML page to PDF with headless Chromium (``--print-to-pdf``), as a user's
    browser or a crawler's print service does: its own page breaks, ``<thead>`` rows repeated on
    every page, rows split between pages, and a text layer whose CJK glyphs may map to Kangxi
    radicals (⼈, ⺠)."""
    import shutil
    import subprocess
    import tempfile
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        raise RuntimeError("chromium not installed")
    s = html.decode("utf-8")
    if css:
        s = s.replace("</head>", f"<style>{css}</style></head>", 1) if "</head>" in s else f"<style>{css}</style>" + s
    with tempfile.TemporaryDirectory() as d:
        src, out = f"{d}/page.html", f"{d}/page.pdf"
        with open(src, "w", encoding="utf-8") as f:
            f.write(s)
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={d}/profile", f"--print-to-pdf={out}", f"file://{src}"],
                       check=True, capture_output=True, timeout=120)
        with open(out, "rb") as f:
            return f.read()


_PRINT_CSS = "table{border-collapse:collapse} td,th{border:1px solid #000;padding:2px 4px}"


def _chromium_plan(rep: dict, css: str, html_post: Callable[[bytes], bytes] | None = None, **plan: Any) -> Plan | None:
    """A Chromium print of the report's HTML; None (the transform does not apply) without Chromium."""
    import shutil
    if not (shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")):
        return None

    def post(data: bytes, f: str) -> bytes:
        html = R.render(rep, "html", style="plain", thead=True)
        return chromium_pdf(html_post(html) if html_post else html, css)
    return Plan(post=post, **plan)


@transform("pdf_chromium_print", "extra", ("pdf",))
def _pdf_chromium_print(rep: dict, fmt: str) -> Plan | None:
    """The web page printed to PDF by headless Chromium: header rows in ``<thead>`` repeated after
    each page break, the browser's own layout and text layer."""
    return _chromium_plan(rep, _PRINT_CSS)


@transform("pdf_chromium_rows_split", "extra", ("pdf",))
def _pdf_chromium_rows_split(rep: dict, fmt: str) -> Plan | None:
    """Chromium print with a large font and narrow label cells: tall rows, some split across a
    page break (the label's end and the figures on different pages), headers repeated."""
    return _chromium_plan(rep, _PRINT_CSS + " body{font-size:17pt} td{padding:9px 3px} td:first-child{width:4em}")


@transform("pdf_chromium_traditional", "13", ("pdf",))
def _pdf_chromium_traditional(rep: dict, fmt: str) -> Plan | None:
    """A page fetched through the site's 繁體 switch, then printed to PDF by Chromium."""
    return _chromium_plan(rep, _PRINT_CSS, lambda h: to_traditional(h.decode("utf-8")).encode("utf-8"), may_reject=True)


def _pdf_words(data: bytes) -> list[list[dict]]:
    import pdfplumber
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [[dict(w, pw=float(p.width), ph=float(p.height)) for w in p.extract_words(keep_blank_chars=False)]
                for p in pdf.pages]


def ocr_sandwich(data: bytes, order: Callable[[list[dict]], list[dict]] = lambda ws: ws,
                 jitter: float = 0.0, scale: float = 1.0, keep: Callable[[int], bool] = lambda i: True,
                 words_from: bytes | None = None) -> bytes:
    """An OCR'd scan as OCRmyPDF writes it: every page a picture, and over it an invisible text
    layer (render mode 3) of words at their places — drawn in ``order`` (column by column, say),
    moved up or down by up to ``jitter`` points (a scan's skew), ``scale`` the picture's dpi
    factor; pages where ``keep(page index)`` is false get no text layer (scanned, not OCR'd);
    ``words_from`` (a PDF of the same layout) supplies the words instead (misrecognitions)."""
    import pypdfium2 as pdfium
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    R._register_font()
    words = _pdf_words(words_from if words_from is not None else data)
    doc = pdfium.PdfDocument(data)
    buf = io.BytesIO()
    c = None
    for i, page in enumerate(doc):
        w, h = page.get_size()
        if c is None:
            c = canvas.Canvas(buf, pagesize=(w, h), invariant=1)
        img = page.render(scale=1.5 * scale).to_pil().convert("L")
        b = io.BytesIO()
        img.save(b, "PNG")
        c.drawImage(ImageReader(io.BytesIO(b.getvalue())), 0, 0, w, h)
        t = c.beginText()
        t.setTextRenderMode(3)
        for n, wd in enumerate(order(words[i]) if keep(i) else []):
            size = max(4.0, float(wd["bottom"] - wd["top"]))
            dy = jitter * (((n * 7919) % 11) / 5.0 - 1.0)
            width = c.stringWidth(wd["text"], R._FONT, size) or 1.0
            t.setFont(R._FONT, size)
            t.setHorizScale(100.0 * float(wd["x1"] - wd["x0"]) / width)
            t.setTextOrigin(float(wd["x0"]), h - float(wd["bottom"]) + 0.15 * size + dy)
            t.textOut(wd["text"])
        c.drawText(t)
        c.showPage()
    c.save()
    return buf.getvalue()


@transform("pdf_ocr_layer_column_order", "extra", ("pdf",))
def _pdf_ocr_layer_column_order(rep: dict, fmt: str) -> Plan:
    """A scan with an OCR text layer whose words were written column by column (left to right,
    then top to bottom inside a column), the places right: read by place, not by stream order."""
    def order(ws: list[dict]) -> list[dict]:
        return sorted(ws, key=lambda w: (round(float(w["x0"]) / 40), float(w["top"])))
    return Plan(post=lambda data, f: ocr_sandwich(data, order))


@transform("pdf_ocr_layer_skewed", "extra", ("pdf",))
def _pdf_ocr_layer_skewed(rep: dict, fmt: str) -> Plan:
    """A scan with an OCR text layer whose words sit up to 2.5 points above or below their line
    (a slightly skewed page): the rows are still the rows."""
    return Plan(post=lambda data, f: ocr_sandwich(data, jitter=2.5))


@transform("txt_pdf_layout_text", "11", ("txt",))
def _txt_pdf_layout_text(rep: dict, fmt: str) -> Plan:
    """A PDF saved as text the way ``pdftotext -layout`` does (pdfplumber's layout mode): the
    page's columns kept apart by runs of spaces, wrapped header words on lines of their own."""
    def post(data: bytes, f: str) -> bytes:
        import pdfplumber
        with pdfplumber.open(io.BytesIO(R.render(rep, "pdf"))) as pdf:
            return "\n\f".join(p.extract_text(layout=True) for p in pdf.pages).encode("utf-8")
    return Plan(post=post, complete=False)


@transform("txt_pdfminer_text", "11", ("txt",))
def _txt_pdfminer_text(rep: dict, fmt: str) -> Plan:
    """A PDF saved as text by pdfminer's ``extract_text`` (default layout analysis): text boxes
    one after another, a table's cells in column runs."""
    def post(data: bytes, f: str) -> bytes:
        from pdfminer.high_level import extract_text
        return extract_text(io.BytesIO(R.render(rep, "pdf"))).encode("utf-8")
    return Plan(post=post, flag_ok=set(rep["cells"]), complete=False)


# ---- footnote marks and old figures marked by styles rather than direct formatting


def _docx_style_plan(rep: dict, keys: set[str], style_id: str, style_rpr: str, mark: Callable[[str], str]) -> Plan:
    """DOCX: after each of ``keys``' figures a run ``mark(style_id)`` (its own XML), and a
    character style ``style_id`` with ``style_rpr`` added to styles.xml."""
    style = (f'<w:style w:type="character" w:styleId="{style_id}"><w:name w:val="{style_id}"/>'
             f'<w:rPr>{style_rpr}</w:rPr></w:style>')

    def post(data: bytes, f: str) -> bytes:
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == "word/document.xml":
                    body = body.decode("utf-8").replace(_SUP + "</w:t></w:r>", "</w:t></w:r>" + mark(style_id)).encode("utf-8")
                elif info.filename == "word/styles.xml":
                    body = body.decode("utf-8").replace("</w:styles>", style + "</w:styles>").encode("utf-8")
                z.writestr(info, body)
        return out.getvalue()
    return Plan(opts={"value_text": lambda k, s: s + _SUP if k in keys and s else s}, post=post, flag_ok=keys)


def _figure_keys(rep: dict) -> set[str]:
    return {k for k in ("t3.new_received.total", "t3.granted.natural_person", "t2.admin_licensing.decision_count",
                        "t4.admin_reconsideration.total") if isinstance(rep["cells"].get(k), int) and rep["cells"][k]}


@transform("docx_new_figure_after_struck_style", "12", ("docx",))
def _docx_new_figure_after_struck_style(rep: dict, fmt: str) -> Plan | None:
    """DOCX: a corrected figure — the new figure, then the old one in a run whose character
    style (修订删除) strikes it through (``w:rStyle``, the strike in styles.xml)."""
    keys = _figure_keys(rep)
    if not keys:
        return None
    return _docx_style_plan(rep, keys, "a9", "<w:strike/>",
                            lambda sid: f'<w:r><w:rPr><w:rStyle w:val="{sid}"/></w:rPr><w:t>7</w:t></w:r>')


@transform("docx_raised_note_digit", "9", ("docx",))
def _docx_raised_note_digit(rep: dict, fmt: str) -> Plan | None:
    """DOCX (WPS): a footnote mark faked as raised, small text (``w:position`` +6, ``w:sz`` 12)
    instead of superscript: 26 with a raised 1 is 26."""
    keys = _figure_keys(rep)
    if not keys:
        return None
    plan = _docx_style_plan(rep, keys, "a8", "", lambda sid: '<w:r><w:rPr><w:position w:val="6"/><w:sz w:val="12"/>'
                            '</w:rPr><w:t>1</w:t></w:r>')

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含网上办理的数量。"], [t3, "注：1.含网上申请。"], t4)
    return replace(plan, opts={**plan.opts, "tables": tables_hook(pieces=pieces)})


@transform("html_word_footnote_ref", "9", ("html",))
def _html_word_footnote_ref(rep: dict, fmt: str) -> Plan | None:
    """Word's “save as web page” footnote references after figures:
    ``26<a href="#_ftn1"><span class=MsoFootnoteReference>[1]</span></a>`` and the note at the end."""
    keys = _figure_keys(rep)
    if not keys:
        return None

    def post(data: bytes, f: str) -> bytes:
        ref = ('<a style="mso-footnote-id:ftn1" href="#_ftn1" name="_ftnref1" title="">'
               '<span class="MsoFootnoteReference"><span class="MsoFootnoteReference">[1]</span></span></a>')
        s = data.decode("utf-8").replace(_SUP, ref)
        note = '<div style="mso-element:footnote-list"><div id="ftn1"><p><a href="#_ftnref1">[1]</a> 含网上申请。</p></div></div>'
        return s.replace("</body>", note + "</body>").encode("utf-8")
    return Plan(opts={"value_text": lambda k, s: s + _SUP if k in keys and s else s}, post=post, flag_ok=keys)


@transform("html_css_superscript", "9", ("html",))
def _html_css_superscript(rep: dict, fmt: str) -> Plan | None:
    """A CMS editor's superscript by CSS: ``26<span style="vertical-align:super;font-size:9px">1</span>``."""
    keys = _figure_keys(rep)
    if not keys:
        return None

    def post(data: bytes, f: str) -> bytes:
        return data.decode("utf-8").replace(
            _SUP, '<span style="vertical-align: super; font-size: 9px">1</span>').encode("utf-8")

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含网上办理的数量。"], [t3, "注：1.含网上申请。"], t4)
    return Plan(opts={"value_text": lambda k, s: s + _SUP if k in keys and s else s, "tables": tables_hook(pieces=pieces)},
                post=post, flag_ok=keys)


# ---- agencies and titles


_agency_transform("agency_with_bracket_alias", "示例市农业农村局（示例市乡村振兴局）",
                  "An agency with a second name in brackets: 示例市农业农村局（示例市乡村振兴局）.")
_agency_transform("agency_with_nian", "示例市青少年宫",
                  "An agency whose name holds 年 and a number word: 示例市青少年宫.")


@transform("title_corrected_suffix", "14")
def _title_corrected_suffix(rep: dict, fmt: str) -> Plan:
    """Title with a suffix: 「…年度报告（更正版）」."""
    return _title_plan([f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告（更正版）"])


@transform("traditional_taiwan_phrases", "13", ("txt", "html", "docx"))
def _traditional_taiwan_phrases(rep: dict, fmt: str) -> Plan:
    """A 繁體 switch converting phrases too (OpenCC s2twp: 信息→資訊, 软件→軟體): convert back
    and parse, or refuse with a reason — never a wrong figure or agency."""
    import opencc
    cc = opencc.OpenCC("s2twp")

    def post(data: bytes, f: str) -> bytes:
        if f == "docx":
            return _docx_edit(data, cc.convert)
        return cc.convert(data.decode("utf-8")).encode("utf-8")
    return Plan(post=post, may_reject=True)


# ---- tables 三/四 in other words and shapes


@transform("t4_three_rows_total_row", "extra")
def _t4_three_rows_total_row(rep: dict, fmt: str) -> Plan:
    """Table 四 as rows (复议后起诉 first, then 行政复议, then 未经复议直接起诉) and a 合计 row
    summing them: 合计 is no key."""
    labels = {"admin_reconsideration": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
              "litigation_after_reconsideration": "行政诉讼（复议后起诉）"}
    order = ("litigation_after_reconsideration", "admin_reconsideration", "litigation_direct")
    cells = rep["cells"]

    def t4(g: Grid, r: Any) -> R.Table:
        rows = [[head("类别")] + [head(h) for h in R._T4_HEAD]]
        for row in order:
            rows.append([Cell(labels[row])] + [num(f"t4.{row}.{c}") for c in vocab.T4_COL_KEYS])
        rows.append([Cell("合计")] + [lit(str(sum(cells.get(f"t4.{row}.{c}") or 0 for row in order)))
                                       for c in vocab.T4_COL_KEYS])
        return R.make_table("t4", rows, 6, 1)
    return Plan(opts={"tables": tables_hook(t4=t4)})


_T4_ABBREV = {"结果维持": "维持", "结果纠正": "纠正", "其他结果": "其他", "尚未审结": "未审结", "总计": "合计"}


@transform("t4_abbrev_reordered", "1")
def _t4_abbrev_reordered(rep: dict, fmt: str) -> Plan | None:
    """Table 四's result columns abbreviated (维持, 纠正, 其他, 未审结, 合计) and 合计 first in each block."""
    def t4(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=_T4_ABBREV.get(c.text, c.text)) if c.kind == "head" else c)
        g.permute_cols([b + i for b in (0, 5, 10) for i in (4, 0, 1, 2, 3)])
    return _moved(rep, "t4", t4)


@transform("t3_total_first_synonyms", "1")
def _t3_total_first_synonyms(rep: dict, fmt: str) -> Plan | None:
    """Table 三 with 合计 first and the applicant headers in other words (公民, 企业, 其他组织)."""
    def t3(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=_APPLICANT_WORDS.get(c.text, c.text)) if c.kind == "head" else c)
        g.permute_cols([0, 1, 2, 9, 3, 4, 5, 6, 7, 8])
    return _moved(rep, "t3", t3)


@transform("t3_online_subcol", "extra")
def _t3_online_subcol(rep: dict, fmt: str) -> Plan:
    """Table 三 with a ``其中：网上申请`` column after 总计 (a part of the total): no key."""
    cells = rep["cells"]

    def text(i: int, key: str) -> str:
        v = cells.get(key.rsplit(".", 1)[0] + ".total") or 0
        return str(v - v // 3)
    return _t3_extra_col("其中：网上申请", text)


_T3_SHORT = {"一、本年新收政府信息公开申请数量": "本年新收申请", "二、上年结转政府信息公开申请数量": "上年结转申请",
             "（一）予以公开": "予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "部分公开",
             "（七）总计": "办理结果合计", "四、结转下年度继续办理": "结转下年度办理",
             "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "逾期不补正",
             "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": "逾期未缴费"}


@transform("t3_labels_short_unnumbered", "extra")
def _t3_labels_short_unnumbered(rep: dict, fmt: str) -> Plan:
    """Table 三's row labels shortened and unnumbered (本年新收申请, 予以公开, 属于国家秘密,
    逾期不补正, 其他 …): map each by its words, or flag."""
    def fn(c: Cell) -> Cell:
        if c.kind not in ("label", "group"):
            return c
        t = _T3_SHORT.get(c.text, c.text)
        t = re.sub(r"^(?:[一二三四五六七]、|（[一二三四五六七]）|\d\.)", "", t)
        return replace(c, text=t)
    return Plan(opts={"tables": tables_hook(t3=lambda g, r: g.relabel(fn))}, flag_ok=_keys(rep["cells"], "t3."),
                complete=False)


@transform("t2_counts_in_wan", "3")
def _t2_counts_in_wan(rep: dict, fmt: str) -> Plan | None:
    """Table 二's decision counts of 10,000 and more written in 万 (``44.7228万``, ``398.58万``
    rounded): exact ones read or flagged, rounded ones flagged."""
    keys = {k for k, v in rep["cells"].items() if k.startswith("t2.") and k.endswith("decision_count")
            and isinstance(v, int) and v >= 10000}
    if not keys:
        return None

    def text(k: str, s: str) -> str:
        if k not in keys:
            return s
        v = int(s)
        return (format(Decimal(v) / 10000, "f").rstrip("0").rstrip(".") if v % 100 == 0 else f"{v / 10000:.2f}") + "万"
    return Plan(opts={"value_text": text}, flag_ok=keys)


@transform("pdf_scanned_pages_no_ocr", "11", ("pdf",))
def _pdf_scanned_pages_no_ocr(rep: dict, fmt: str) -> Plan:
    """A scanned PDF whose OCR layer covers the first page only (the tables' pages are bare
    pictures): every expected cell the file does not yield is flagged — never absent unflagged,
    never invented."""
    return Plan(post=lambda data, f: ocr_sandwich(data, keep=lambda i: i == 0), flag_ok=set(rep["cells"]),
                complete=False)


def _md_table_lines(fn: Callable[[list[str]], list[str]]) -> Callable[[bytes, str], bytes]:
    """An md edit of every pipe-table row's cells (the delimiter rows untouched)."""
    def post(data: bytes, f: str) -> bytes:
        out = []
        for ln in data.decode("utf-8").split("\n"):
            if ln.startswith("| ") and ln.endswith(" |") and not ln.startswith("|---"):
                ln = "| " + " | ".join(fn(ln[2:-2].split(" | "))) + " |"
            out.append(ln)
        return "\n".join(out).encode("utf-8")
    return post


@transform("md_leading_empty_cells_dropped", "extra", ("md",))
def _md_leading_empty_cells_dropped(rep: dict, fmt: str) -> Plan:
    """Converter markdown that drops a row's leading empty cells (the continuations of a merged
    group cell on its left): rows start with their own label, so rows are short on the left."""
    def fn(cells: list[str]) -> list[str]:
        i = 0
        while i < len(cells) - 1 and not cells[i].strip():
            i += 1
        return cells[i:]
    return Plan(post=_md_table_lines(fn))


@transform("md_trailing_empty_cells_dropped_blank_zeros", "5", ("md",))
def _md_trailing_empty_cells_dropped(rep: dict, fmt: str) -> Plan:
    """Converter markdown that drops a row's trailing empty cells, in a report printing zeros blank
    (GFM: missing cells are empty)."""
    def fn(cells: list[str]) -> list[str]:
        while len(cells) > 1 and not cells[-1].strip():
            cells = cells[:-1]
        return cells
    return Plan(opts={"blank_zeros": True}, post=_md_table_lines(fn))


@transform("docx_title_in_textbox", "14", ("docx",))
def _docx_title_in_textbox(rep: dict, fmt: str) -> Plan:
    """DOCX whose title sits in a text box (VML ``v:textbox``, as a 红头 template holds it), the
    document properties' title empty: read it there or refuse — never another agency or year."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml"'

    def edit(x: str) -> str:
        if vml not in x:
            x = x.replace("<w:document ", f"<w:document {vml} ", 1)
        box = (f'<w:p><w:r><w:pict><v:shape style="width:400pt;height:40pt"><v:textbox><w:txbxContent>'
               f'<w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>')
        return x.replace("<w:body>", "<w:body>" + box, 1)
    return Plan(opts={"title_lines": [], "meta_title": " "}, post=lambda data, f: _docx_edit(data, edit), may_reject=True)


@transform("t3_header_one_row", "extra")
def _t3_header_one_row(rep: dict, fmt: str) -> Plan:
    """Table 三's three header rows flattened into one, each column's words joined
    (``申请人情况法人或其他组织商业企业``)."""
    def t3(g: Grid, r: Any) -> None:
        words = []
        for c in range(g.ncols):
            parts = []
            for row in g.slots[:3]:
                t = g.cells[row[c]].text
                if t and t not in parts and row[c] != g.slots[0][0]:
                    parts.append(t)
            words.append(head("".join(parts)))
        g.delete_rows([0, 1, 2])
        g.insert_row(0, words)
        g.header_rows = 1
    return Plan(opts={"tables": tables_hook(t3=t3)})


_blank_zeros_variant("t3_total_first", "t3_total_first with zeros blank: blank cells move with their columns.")
_blank_zeros_variant("t3_legal_reordered", "t3_legal_reordered with zeros blank.")
_blank_zeros_variant("t4_litigation_first", "t4_litigation_first with zeros blank.")
_blank_zeros_variant("t4_pending_before_other", "t4_pending_before_other with zeros blank.")
_blank_zeros_variant("t3_abbrev_reordered", "t3_abbrev_reordered with zeros blank.")


@transform("t2_prior_in_cell", "6")
def _t2_prior_in_cell(rep: dict, fmt: str) -> Plan | None:
    """Table 二's decision counts with last year's figure in the same cell: ``708（上年：652）``."""
    keys = {k for k, v in rep["cells"].items() if k.startswith("t2.") and k.endswith(".decision_count") and isinstance(v, int)}
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: f"{s}（上年：{int(s) + 17}）" if k in keys and s.isdigit() else s},
                flag_ok=keys)


@transform("docx_white_old_figure", "12", ("docx",))
def _docx_white_old_figure(rep: dict, fmt: str) -> Plan | None:
    """DOCX: an old figure “hidden” by white font colour (``w:color FFFFFF``) left before the
    new one: no ink on the page, so 26 is 26."""
    return _old_figure_plan(rep, '<w:color w:val="FFFFFF"/>')


@transform("html_struck_by_class", "12", ("html",))
def _html_struck_by_class(rep: dict, fmt: str) -> Plan | None:
    """HTML: the old figure struck through by a CSS class in the page's ``<style>``
    (``<span class="del">…</span>``) before the new figure."""
    keys = _figure_keys(rep)
    if not keys:
        return None
    a, b = _OLD

    def value_text(k: str, s: str) -> str:
        return f"{a}{int(s) + 3}{b}{s}" if k in keys and s else s

    def post(data: bytes, f: str) -> bytes:
        s = re.sub(f"{a}(\\d+){b}", r'<span class="del">\1</span>', data.decode("utf-8"))
        css = "<style>.del{text-decoration:line-through;color:#999}</style>"
        return (s.replace("</head>", css + "</head>", 1) if "</head>" in s else css + s).encode("utf-8")
    return Plan(opts={"value_text": value_text}, post=post, flag_ok=keys)


@transform("html_hidden_cell_in_rows", "12", ("html",))
def _html_hidden_cell_in_rows(rep: dict, fmt: str) -> Plan:
    """HTML: every figure row of table 三 carries a hidden cell (``<td style="display:none">``,
    a CMS's record id) before its first figure: the browser shows the columns aligned."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = list(re.finditer(r"<table.*?</table>", s, re.S))[1]
        t = re.sub(r'(<tr>(?:(?!</tr>).)*?</td>)(<td[^>]*><p align="center">)',
                   r'\1<td style="display:none">9</td>\2', m.group(0), flags=re.S)
        return (s[:m.start()] + t + s[m.end():]).encode("utf-8")
    return Plan(post=post)


@transform("prior_report_title_cited", "7")
def _prior_report_title_cited(rep: dict, fmt: str) -> Plan:
    """A line above table 二 naming last year's report like a title (its 更正说明): not a second
    report in the file."""
    y = int(rep["year"])
    line = f"{rep['agency']}{y - 1}年政府信息公开工作年度报告更正说明"

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([line, "上年度报告中个别数据有误，现予更正，详见本机关网站。", t2], t3, t4)
    return Plan(opts={"tables": tables_hook(pieces=pieces)})


_blank_zeros_variant("pdf_unruled_split_wrapped", "pdf_unruled_split_wrapped with zeros blank.")
_blank_zeros_variant("pdf_ocr_layer_skewed", "pdf_ocr_layer_skewed with zeros blank.")


@transform("docx_cell_content_controls", "extra", ("docx",))
def _docx_cell_content_controls(rep: dict, fmt: str) -> Plan:
    """DOCX form template: every table-三 figure cell wrapped in a cell-level content control
    (``<w:tr><w:sdt><w:sdtContent><w:tc>``): the cells are the row's cells in their places."""
    n = iter(range(100, 10000))

    def edit(t: str) -> str:
        return re.sub(r"<w:tc>((?:(?!</w:tc>).)*?<w:t>\d+</w:t>(?:(?!</w:tc>).)*?)</w:tc>",
                      lambda m: (f'<w:sdt><w:sdtPr><w:id w:val="{next(n)}"/></w:sdtPr><w:sdtContent>'
                                 f"<w:tc>{m.group(1)}</w:tc></w:sdtContent></w:sdt>"), t, flags=re.S)
    return Plan(post=_docx_second_table(edit))


@transform("docx_rows_repeating_section", "extra", ("docx",))
def _docx_rows_repeating_section(rep: dict, fmt: str) -> Plan:
    """DOCX form template: table 三's figure rows inside a repeating-section content control
    (``<w:tbl><w:sdt><w:sdtContent><w:tr>…``)."""
    def edit(t: str) -> str:
        rows = list(re.finditer(r"<w:tr[ >].*?</w:tr>", t, re.S))
        a, b = rows[3].start(), rows[-1].end()
        return (t[:a] + '<w:sdt><w:sdtPr><w:id w:val="77"/></w:sdtPr><w:sdtContent>' + t[a:b]
                + "</w:sdtContent></w:sdt>" + t[b:])
    return Plan(post=_docx_second_table(edit))


@transform("html_pre_text", "11", ("html",))
def _html_pre_text(rep: dict, fmt: str) -> Plan:
    """A CMS page publishing the Word text export inside ``<pre>`` (tabs and line breaks kept by
    the browser): read the tables, or flag every cell the file does not yield."""
    import html as _h

    def post(data: bytes, f: str) -> bytes:
        txt = R.render(rep, "txt").decode("utf-8")
        t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
        return (f"<html><head><meta charset='utf-8'><title>{t}</title></head><body><pre>{_h.escape(txt)}</pre>"
                "</body></html>").encode("utf-8")
    return Plan(post=post, flag_ok=set(rep["cells"]), complete=False)


def _box_table(rows: list[list[str]]) -> list[str]:
    """Rows of cell texts drawn as a box-drawing text table (w3m/lynx ``-dump`` style)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
    n = max(len(r) for r in rows)
    rows = [r + [""] * (n - len(r)) for r in rows]
    ws = [max(1, max(width(r[c]) for r in rows)) for c in range(n)]

    def rule(a: str, m: str, z: str) -> str:
        return a + m.join("─" * (w + 2) for w in ws) + z
    out = [rule("┌", "┬", "┐")]
    for i, r in enumerate(rows):
        out.append("│" + "│".join(" " + s + " " * (ws[c] - width(s)) + " " for c, s in enumerate(r)) + "│")
        out.append(rule("├", "┼", "┤") if i < len(rows) - 1 else rule("└", "┴", "┘"))
    return out


@transform("txt_box_drawing_tables", "11", ("txt",))
def _txt_box_drawing_tables(rep: dict, fmt: str) -> Plan:
    """A web page dumped to text by a text browser (``w3m -dump``): tables drawn with box
    characters, a merged cell's text in its first column, the other columns blank."""
    def boxed(r: Any, t: Any) -> list[str]:
        grid = []
        for line in t.placed:
            cells = [""] * t.ncols
            for c, cell, cont in line:
                if not cont:
                    cells[c] = r.value(cell.key) if cell.kind == "num" else cell.text
            grid.append(cells)
        return _box_table(grid)
    return Plan(post=lambda data, f: tables_as_lines(R._R(rep, {}), table=boxed).encode("utf-8"), complete=False)


@transform("t2_row_omitted_next_unlabelled", "10")
def _t2_row_omitted_next_unlabelled(rep: dict, fmt: str) -> Plan | None:
    """Table 二 without its 行政处罚 row (the agency has none) and the 行政强制 row's label lost:
    行政处罚 is absent or flagged, never filled by order."""
    cells = rep["cells"]
    gone, nxt = _keys(cells, "t2.admin_penalty."), _keys(cells, "t2.admin_coercion.")
    if not gone or not nxt:
        return None

    def t2(g: Grid, r: Any) -> None:
        at = g.row_of("t2.admin_penalty.")
        g.cells[g.slots[at + 1][0]] = lit("")
        g.delete_rows([at])
    truth = {k: v for k, v in cells.items() if k not in gone}
    return Plan(opts={"tables": tables_hook(t2=t2)}, truth=truth, flag_ok=gone | nxt)


@transform("t3_extra_empty_col_blank_zeros", "5", TABLED)
def _t3_extra_empty_col_blank_zeros(rep: dict, fmt: str) -> Plan:
    """Table 三 with an empty column at the right edge in every row (a converter's or Word's
    ghost column: ``gridAfter``, a trailing ``<td></td>``, a trailing ``| |``), zeros blank:
    the ghost column is no 总计."""
    def t3(g: Grid, r: Any) -> None:
        g.insert_col(g.ncols, [lit() for _ in g.slots])
    return Plan(opts={"tables": tables_hook(t3=t3), "blank_zeros": True})


@transform("html_word_misaligned_columns_row", "extra", ("html",))
def _html_word_misaligned_columns_row(rep: dict, fmt: str) -> Plan:
    """Word's “save as web page” closing every table with its column-width row
    (``<![if !supportMisalignedColumns]><tr height=0><td width=…></td>…</tr><![endif]>``)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")

        def close(m: re.Match) -> str:
            n = max(len(re.findall(r"<td", row)) for row in re.findall(r"<tr.*?</tr>", m.group(0), re.S))
            ghost = ("<![if !supportMisalignedColumns]><tr height=0>" + "".join(
                f'<td width="{40 + i}" style="border:none"></td>' for i in range(n)) + "</tr><![endif]>")
            return m.group(0).replace("</tbody></table>", ghost + "</tbody></table>")
        return re.sub(r"<table.*?</table>", close, s, flags=re.S).encode("utf-8")
    return Plan(post=post, opts={"blank_zeros": True})


@transform("t4_litigation_subtotal_block", "extra")
def _t4_litigation_subtotal_block(rep: dict, fmt: str) -> Plan:
    """Table 四 with a 行政诉讼 小计 block (five columns summing 未经复议 and 复议后起诉) after the
    two litigation blocks: a derived block, no key."""
    cells = rep["cells"]

    def t4(g: Grid, r: Any) -> None:
        sums = [sum(cells.get(f"t4.{row}.{c}") or 0 for row in vocab.T4_ROW_KEYS[1:]) for c in vocab.T4_COL_KEYS]
        for i, c in enumerate(R._T4_HEAD):
            g.insert_col(g.ncols, [None, head("小计") if i == 0 else None, head(c), lit(str(sums[i]))])
        lit_id = g.slots[0][5]
        for row in (0,):
            for c in range(15, 20):
                g.slots[row][c] = lit_id
    return Plan(opts={"tables": tables_hook(t4=t4)})


@transform("t3_total_header_blank", "1")
def _t3_total_header_blank(rep: dict, fmt: str) -> Plan:
    """Table 三's 总计 header cell printed empty (the word lost in conversion): its column is read
    by position only — right, or flagged."""
    def t3(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text="") if c.kind == "head" and c.text == "总计" else c)
    return Plan(opts={"tables": tables_hook(t3=t3)},
                flag_ok={k for k in rep["cells"] if k.startswith("t3.") and k.endswith(".total")})


@transform("pdf_ocr_layer_merged_words", "12", ("pdf",))
def _pdf_ocr_layer_merged_words(rep: dict, fmt: str) -> Plan:
    """A scan whose OCR joined neighbouring figures of narrow columns into one word (``0 0`` →
    ``00``, one box over both cells) when they stand closer than 14 points: such cells can only
    be flagged — never read as one figure, never dropped unflagged."""
    def order(ws: list[dict]) -> list[dict]:
        out: list[dict] = []
        for w in sorted(ws, key=lambda w: (round(float(w["top"]) / 3), float(w["x0"]))):
            p = out[-1] if out else None
            if (p is not None and abs(float(p["top"]) - float(w["top"])) < 2 and p["text"].isdigit()
                    and w["text"].isdigit() and 0 < float(w["x0"]) - float(p["x1"]) < 14):
                out[-1] = dict(p, text=p["text"] + w["text"], x1=w["x1"])
            else:
                out.append(dict(w))
        return out
    return Plan(post=lambda data, f: ocr_sandwich(data, order), flag_ok=_keys(rep["cells"], "t3.") | _keys(rep["cells"], "t4."),
                complete=False)


@transform("pdf_chromium_break_all", "extra", ("pdf",))
def _pdf_chromium_break_all(rep: dict, fmt: str) -> Plan | None:
    """Chromium print of a page styled ``word-break:break-all`` with a fixed narrow table layout:
    figures of three digits and more break inside their cells (``35`` / ``1``)."""
    css = (_PRINT_CSS + " table{table-layout:fixed;width:100%} td,th{word-break:break-all;font-size:13pt}"
           " body{font-size:13pt}")
    return _chromium_plan(rep, css)


def _docx_hidden_table_plan(rep: dict, mark: Callable[[str], str], styles: str = "") -> Plan:
    """DOCX: an old copy of table 三 (other figures) before the real one, its paragraphs marked by
    ``mark(table xml)``; ``styles`` added to styles.xml."""
    old = {k: v + 5 if isinstance(v, int) else v for k, v in rep["cells"].items()}

    def post(data: bytes, f: str) -> bytes:
        olddoc = R.render({**rep, "cells": old}, "docx")
        oldxml = zipfile.ZipFile(io.BytesIO(olddoc)).read("word/document.xml").decode("utf-8")
        draft = mark(list(re.finditer(r"<w:tbl>.*?</w:tbl>", oldxml, re.S))[1].group(0))
        src = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                body = src.read(info.filename).decode("utf-8") if info.filename.endswith(".xml") else None
                if info.filename == "word/document.xml":
                    m = list(re.finditer(r"<w:tbl>", body))[1]
                    body = body[:m.start()] + draft + "<w:p/>" + body[m.start():]
                elif info.filename == "word/styles.xml" and styles:
                    body = body.replace("</w:styles>", styles + "</w:styles>")
                z.writestr(info, body.encode("utf-8") if body is not None else src.read(info.filename))
        return out.getvalue()
    return Plan(post=post)


@transform("docx_hidden_old_table_by_style", "12", ("docx",))
def _docx_hidden_old_table_by_style(rep: dict, fmt: str) -> Plan:
    """DOCX: last draft's table 三 kept before the real one, hidden through a paragraph style
    whose run properties carry ``w:vanish`` (not printed, not shown)."""
    style = ('<w:style w:type="paragraph" w:styleId="a10"><w:name w:val="hidden draft"/>'
             '<w:rPr><w:vanish/></w:rPr></w:style>')
    return _docx_hidden_table_plan(rep, lambda t: t.replace("<w:p>", '<w:p><w:pPr><w:pStyle w:val="a10"/></w:pPr>'), style)


@transform("docx_hidden_old_table_direct", "12", ("docx",))
def _docx_hidden_old_table_direct(rep: dict, fmt: str) -> Plan:
    """DOCX: last draft's table 三 kept before the real one, every run hidden directly
    (``<w:rPr><w:vanish/></w:rPr>``)."""
    def mark(t: str) -> str:
        t = re.sub(r"<w:r>(<w:rPr>)", r"<w:r>\1<w:vanish/>", t)
        return re.sub(r"<w:r>(?!<w:rPr>)", "<w:r><w:rPr><w:vanish/></w:rPr>", t)
    return _docx_hidden_table_plan(rep, mark)


def _html_hidden_table_plan(rep: dict, wrap: Callable[[str], str], css: str = "") -> Plan:
    old = {k: v + 5 if isinstance(v, int) else v for k, v in rep["cells"].items()}
    draft = re.findall(r"<table.*?</table>", R.render({**rep, "cells": old}, "html", style="plain").decode("utf-8"),
                       re.S)[1]

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i = [m.start() for m in re.finditer(r"<table", s)][1]
        s = s[:i] + wrap(draft) + s[i:]
        if css:
            s = s.replace("</head>", f"<style>{css}</style></head>", 1) if "</head>" in s else f"<style>{css}</style>" + s
        return s.encode("utf-8")
    return Plan(post=post)


@transform("html_hidden_old_table_by_class", "12", ("html",))
def _html_hidden_old_table_by_class(rep: dict, fmt: str) -> Plan:
    """HTML: last draft's table 三 kept before the real one inside ``<div class="old-version">``
    hidden by the page's stylesheet (``.old-version{display:none}``)."""
    return _html_hidden_table_plan(rep, lambda t: f'<div class="old-version">{t}</div>', ".old-version{display:none}")


@transform("html_hidden_old_table_attr", "12", ("html",))
def _html_hidden_old_table_attr(rep: dict, fmt: str) -> Plan:
    """HTML: last draft's table 三 kept before the real one with the ``hidden`` attribute."""
    return _html_hidden_table_plan(rep, lambda t: t.replace("<table", "<table hidden", 1))


@transform("title_letter_spaced", "14")
def _title_letter_spaced(rep: dict, fmt: str) -> Plan:
    """A letter-spaced title as PDF text layers and Word's distributed alignment give it:
    ``示 例 市 … 2 0 2 0 年 政 府 信 息 公 开 工 作 年 度 报 告``."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return _title_plan([" ".join(t)], t)


@transform("title_wrapped_in_year", "14")
def _title_wrapped_in_year(rep: dict, fmt: str) -> Plan:
    """A long title wrapped inside its year: ``…局20`` / ``20年政府信息公开工作年度报告``."""
    y = str(rep["year"])
    return _title_plan([f"{rep['agency']}{y[:2]}", f"{y[2:]}年政府信息公开工作年度报告"],
                       f"{rep['agency']}{y}年政府信息公开工作年度报告")


@transform("title_wrapped_in_words", "14")
def _title_wrapped_in_words(rep: dict, fmt: str) -> Plan:
    """A long title wrapped inside 政府信息公开: ``…局2020年政府信息`` / ``公开工作年度报告``."""
    return _title_plan([f"{rep['agency']}{rep['year']}年政府信息", "公开工作年度报告"],
                       f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告")


@transform("title_without_agency_signature_end", "14", ("txt", "md", "html", "docx"))
def _title_without_agency_signature_end(rep: dict, fmt: str) -> Plan:
    """The agency's own site: the title without the agency (``2020年政府信息公开工作年度报告``),
    the agency only in the text and the 落款 at the end (``示例…局`` / ``2021年1月20日``): the
    agency is read from the file, or the report is refused — never a made-up agency or year."""
    t = f"{rep['year']}年政府信息公开工作年度报告"
    sig = [rep["agency"], f"{int(rep['year']) + 1}年1月20日"]

    def post(data: bytes, f: str) -> bytes:
        if f == "docx":
            paras = "".join(f"<w:p><w:r><w:t>{x}</w:t></w:r></w:p>" for x in sig)
            return _docx_edit(data, lambda x: x[: x.rindex("<w:sectPr")] + paras + x[x.rindex("<w:sectPr"):])
        s = data.decode("utf-8")
        if f == "html":
            i = s.rindex("</body>")
            return (s[:i] + "".join(f"<p>{x}</p>" for x in sig) + s[i:]).encode("utf-8")
        return (s.rstrip("\n") + "\n\n" + "\n".join(sig) + "\n").encode("utf-8")
    return Plan(opts={"title_lines": [t], "meta_title": t}, post=post, may_reject=True)


def _fee_header_unit(rep: dict, unit: str, factor: Decimal) -> Plan | None:
    keys = _money_keys(rep["cells"])
    if not keys:
        return None

    def value_text(key: str, s: str) -> str:
        if key in keys:
            return format((Decimal(str(rep["cells"][key])) * factor).normalize(), "f")
        return s

    def t2(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=c.text.replace("（单位：万元）", f"（单位：{unit}）").replace(
            "采购总金额", f"采购总金额（{unit}）")) if c.kind == "head" else c)
    return Plan(opts={"value_text": value_text, "procurement_unit": "", "tables": tables_hook(t2=t2)})


@transform("money_header_unit_yuan", "4")
def _money_header_unit_yuan(rep: dict, fmt: str) -> Plan | None:
    """The amount header names 元 instead of the template's 万元 (``本年收费金额（单位：元）``,
    ``采购总金额（元）``) and the figures are in 元: still the same 万元 value."""
    return _fee_header_unit(rep, "元", Decimal(10000))


@transform("money_header_unit_qianyuan", "4")
def _money_header_unit_qianyuan(rep: dict, fmt: str) -> Plan | None:
    """The amount header names 千元 (``本年收费金额（单位：千元）``), figures in 千元."""
    return _fee_header_unit(rep, "千元", Decimal(10))


@transform("html_superscript_by_class", "9", ("html",))
def _html_superscript_by_class(rep: dict, fmt: str) -> Plan | None:
    """HTML: footnote marks after figures raised by a CSS class of the page's stylesheet
    (``<span class="fn">1</span>``, ``.fn{vertical-align:super;font-size:60%}``): 26 is 26."""
    keys = _figure_keys(rep)
    if not keys:
        return None

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8").replace(_SUP, '<span class="fn">1</span>')
        css = "<style>.fn{vertical-align:super;font-size:60%}</style>"
        return (s.replace("</head>", css + "</head>", 1) if "</head>" in s else css + s).encode("utf-8")

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含网上办理的数量。"], [t3, "注：1.含网上申请。"], t4)
    return Plan(opts={"value_text": lambda k, s: s + _SUP if k in keys and s else s, "tables": tables_hook(pieces=pieces)},
                post=post, flag_ok=keys)


@transform("t3_label_wrapped_values_below", "extra")
def _t3_label_wrapped_values_below(rep: dict, fmt: str) -> Plan:
    """Converter output from a PDF whose figures sit vertically centred: a long table-三 label's
    first line is a row of its own without figures, the label's end and the figures on the next row."""
    def t3(g: Grid, r: Any) -> None:
        for key in ("t3.partially_granted.", "t3.not_processed_confirmation.", "t3.other_no_correction.",
                    "t3.other_fee_unpaid."):
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
            g.cells[row[c]] = replace(g.cells[row[c]], text=text[cut:])
            width = sum(1 for cc in range(g.ncols) if row[cc] == row[c])
            g.insert_row(at, [])
            cid = g.new(lit(text[:cut]))
            g.slots[at][c:c + width] = [cid] * width
    return Plan(opts={"tables": tables_hook(t3=t3)})


def _plain(v: Any) -> str:
    return "/" if v is None else R._fmt_money(v) if isinstance(v, float) else str(v)


@transform("md_rows_merged_br", "12", ("md", "html"))
def _md_rows_merged_br(rep: dict, fmt: str) -> Plan | None:
    """PDF→markdown/HTML converters (missing ruling lines) merging two table-三 rows into one:
    ``1.属于国家秘密<br>2.其他法律行政法规禁止公开 | 0<br>1 | …``. Split them or flag both rows."""
    cells = rep["cells"]
    pair = ("denied_state_secret", "denied_prohibited_by_law")
    if not all(f"t3.{r}.total" in cells for r in pair):
        return None

    def t3(g: Grid, r: Any) -> None:
        a, b = g.row_of(f"t3.{pair[0]}."), g.row_of(f"t3.{pair[1]}.")
        ra, rb = g.slots[a], g.slots[b]
        for c in range(g.ncols):
            ca, cb = g.cells[ra[c]], g.cells[rb[c]]
            if ra[c] == rb[c]:
                continue
            ta = _plain(cells.get(ca.key)) if ca.kind == "num" else ca.text
            tb = _plain(cells.get(cb.key)) if cb.kind == "num" else cb.text
            if c and ra[c] == ra[c - 1]:
                continue
            g.cells[ra[c]] = lit(f"{ta}\u2068{tb}")
        g.delete_rows([b])

    def post(data: bytes, f: str) -> bytes:
        return data.decode("utf-8").replace("\u2068", "<br>" if f == "md" else "<br />").encode("utf-8")
    keys = {f"t3.{r}.{c}" for r in pair for c in vocab.T3_COL_KEYS}
    return Plan(opts={"tables": tables_hook(t3=t3)}, post=post, flag_ok=keys)


@transform("t2_label_wrapped_values_below", "extra", TABLED)
def _t2_label_wrapped_values_below(rep: dict, fmt: str) -> Plan:
    """Table 二's long row labels (行政规范性文件, 其他对外管理服务事项, 行政事业性收费) with their
    first part on a row of its own without figures, the rest of the label and the figures below."""
    def t2(g: Grid, r: Any) -> None:
        for key in ("t2.normative_documents.", "t2.other_external_services.", "t2.admin_fees."):
            try:
                at = g.row_of(key)
            except KeyError:
                continue
            label = g.cells[g.slots[at][0]]
            cut = max(2, len(label.text) // 2)
            g.cells[g.slots[at][0]] = replace(label, text=label.text[cut:])
            g.insert_row(at, [lit(label.text[:cut])] + [lit() for _ in range(g.ncols - 1)])
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("pdf_chromium_unruled_middle", "extra", ("pdf",))
def _pdf_chromium_unruled_middle(rep: dict, fmt: str) -> Plan | None:
    """Chromium print of a page whose tables have no borders, narrow label columns and figures
    vertically centred beside labels of two or three lines."""
    css = ("table{border-collapse:collapse} td,th{border:none;padding:2px 4px;vertical-align:middle}"
           " td:first-child{width:6em} body{font-size:12pt}")
    return _chromium_plan(rep, css)


@transform("tables_title_row_inside", "extra")
def _tables_title_row_inside(rep: dict, fmt: str) -> Plan:
    """Every table opens with a row spanning all its columns holding the table's title and
    ``（单位：件）`` (the caption typed into the table)."""
    titles = {"t2": "表一 主动公开政府信息情况（单位：件）", "t3": "表二 收到和处理政府信息公开申请情况（单位：件）",
              "t4": "表三 政府信息公开行政复议、行政诉讼情况（单位：件）"}

    def hook(name: str) -> Callable[[Grid, Any], None]:
        def fn(g: Grid, r: Any) -> None:
            g.insert_row(0, [lit(titles[name], cs=g.ncols)], keep_spans=False)
            g.header_rows += 1 if g.header_rows else 0
        return fn
    return Plan(opts={"tables": tables_hook(t2=hook("t2"), t3=hook("t3"), t4=hook("t4"))})


@transform("t3_remark_col_wu", "extra")
def _t3_remark_col_wu(rep: dict, fmt: str) -> Plan:
    """Table 三 with a 备注 column after 总计 holding ``无`` in every figure row."""
    return _t3_extra_col("备注", lambda i, key: "无")


@transform("t2_label_wrapped_row", "extra", TABLED)
def _t2_label_wrapped_row(rep: dict, fmt: str) -> Plan:
    """Table 二's long row labels wrapped below their figures: ``行政规 | 3 | 2 | 15`` then a row
    ``范性文件`` without figures (the label's end)."""
    def t2(g: Grid, r: Any) -> None:
        for key in ("t2.normative_documents.", "t2.other_external_services.", "t2.admin_fees."):
            try:
                at = g.row_of(key)
            except KeyError:
                continue
            label = g.cells[g.slots[at][0]]
            cut = max(2, len(label.text) // 2)
            g.cells[g.slots[at][0]] = replace(label, text=label.text[:cut])
            g.insert_row(at + 1, [lit(label.text[cut:])] + [lit() for _ in range(g.ncols - 1)])
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("t4_rows_label_wrapped_values_below", "extra", TABLED)
def _t4_rows_label_wrapped_values_below(rep: dict, fmt: str) -> Plan:
    """Table 四 as three rows, each label's first part on a row of its own (``行政诉讼（未经`` /
    ``复议直接起诉） | 0 | 1 | …``)."""
    labels = {"admin_reconsideration": "行政复议案件", "litigation_direct": "行政诉讼（未经复议直接起诉）",
              "litigation_after_reconsideration": "行政诉讼（复议后起诉）"}

    def t4(g: Grid, r: Any) -> R.Table:
        rows = [[head("")] + [head(h) for h in R._T4_HEAD]]
        for row in vocab.T4_ROW_KEYS:
            t = labels[row]
            cut = len(t) // 2
            rows.append([Cell(t[:cut])] + [lit() for _ in vocab.T4_COL_KEYS])
            rows.append([Cell(t[cut:])] + [num(f"t4.{row}.{c}") for c in vocab.T4_COL_KEYS])
        return R.make_table("t4", rows, 6, 1)
    return Plan(opts={"tables": tables_hook(t4=t4)})


@transform("numbers_broken_in_cell", "extra", ("md", "html", "docx", "pdf"))
def _numbers_broken_in_cell(rep: dict, fmt: str) -> Plan | None:
    """A converter's narrow cells: figures of three digits and more broken over two lines inside
    their cell (``44`` / ``7228``; ``<br>`` in markdown/HTML, a line break in Word or in the PDF
    printed from it): read whole, or flag — never the first line alone, nor two rows' figures."""
    keys = {k for k, v in rep["cells"].items() if isinstance(v, int) and v >= 100 and not k.endswith(_MONEY)}
    if not keys:
        return None
    mark = "\u2069"

    if fmt == "pdf":
        mark = "<br/>"   # the PDF renderer's line break inside a cell

    def post(data: bytes, f: str) -> bytes:
        if f == "pdf":
            return data
        if f == "docx":
            return _docx_edit(data, lambda x: x.replace(mark, "</w:t><w:br/><w:t>"))
        return data.decode("utf-8").replace(mark, "<br>" if f == "md" else "<br />").encode("utf-8")
    return Plan(opts={"value_text": lambda k, s: s[:2] + mark + s[2:] if k in keys and s.isdigit() else s},
                post=post, flag_ok=keys)


_T2_LABEL_WORDS = {"规章": "政府规章", "行政规范性文件": "规范性文件", "规范性文件": "行政规范性文件（含政策文件）",
                   "行政许可": "行政许可事项", "行政处罚": "行政处罚事项", "行政强制": "行政强制事项",
                   "行政事业性收费": "行政事业性收费项目", "政府集中采购": "政府集中采购项目",
                   "其他对外管理服务事项": "其他对外管理服务"}


@transform("t2_label_synonyms", "extra")
def _t2_label_synonyms(rep: dict, fmt: str) -> Plan:
    """Table 二's row labels in the agency's words (政府规章, 行政许可事项, 行政事业性收费项目 …):
    map each by its words, or flag — a row never vanishes unflagged."""
    def t2(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=_T2_LABEL_WORDS.get(c.text, c.text)) if c.kind == "label" else c)
    return Plan(opts={"tables": tables_hook(t2=t2)}, flag_ok=_keys(rep["cells"], "t2."), complete=False)


@transform("docx_table3_in_textbox", "11", ("docx",))
def _docx_table3_in_textbox(rep: dict, fmt: str) -> Plan:
    """DOCX (WPS layouts): table 三 inside a text box (``v:textbox``/``w:txbxContent``): read it,
    or flag every cell it holds — never drop them unflagged."""
    vml = 'xmlns:v="urn:schemas-microsoft-com:vml"'

    def edit(x: str) -> str:
        if vml not in x:
            x = x.replace("<w:document ", f"<w:document {vml} ", 1)
        m = list(re.finditer(r"<w:tbl>.*?</w:tbl>", x, re.S))[1]
        box = ('<w:p><w:r><w:pict><v:shape style="width:450pt;height:600pt"><v:textbox><w:txbxContent>'
               f"{m.group(0)}<w:p/></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>")
        return x[:m.start()] + box + x[m.end():]
    return Plan(post=lambda data, f: _docx_edit(data, edit), flag_ok=_keys(rep["cells"], "t3."), complete=False)


def _second_report_plan(title: Callable[[dict], list[str]], joiner: str = "附件") -> Callable[[dict], Plan]:
    """A plan appending :func:`second_report` titled ``title(other)`` after a ``joiner`` line."""
    def make(rep: dict) -> Plan:
        other = second_report(rep)
        opts: dict[str, Any] = {"title_lines": title(other), "meta_title": title(other)[-1]}

        def post(data: bytes, f: str) -> bytes:
            o = dict(opts, style="plain") if f == "html" else opts
            return concat_files(data, R.render(other, f, **o), f, joiner=joiner)
        return Plan(post=post)
    return make


@transform("two_reports_second_title_guanyu", "7")
def _two_reports_second_title_guanyu(rep: dict, fmt: str) -> Plan:
    """A second report whose title takes the 关于…的年度报告 form
    (「示例附属事务中心关于2020年政府信息公开工作的年度报告」): still a second report."""
    return _second_report_plan(lambda o: [f"{o['agency']}关于{o['year']}年政府信息公开工作的年度报告"])(rep)


@transform("two_reports_second_title_year_first", "7")
def _two_reports_second_title_year_first(rep: dict, fmt: str) -> Plan:
    """A second report titled year first (「2020年度示例附属事务中心政府信息公开工作年度报告」)
    after a joiner line ``附件2``."""
    return _second_report_plan(lambda o: [f"{o['year']}年度{o['agency']}政府信息公开工作年度报告"], "附件2")(rep)


@transform("t3_label_row_then_unlabelled_figures", "5")
def _t3_label_row_then_unlabelled_figures(rep: dict, fmt: str) -> Plan:
    """A converter splitting a tall table-三 row in two: the whole label on a row without
    figures, the figures on the next row with an empty label (pdf2docx-style): the figures are
    that row's, or flagged — the label row is never a row of zeros."""
    rows = ("t3.partially_granted.", "t3.not_processed_confirmation.", "t3.other_no_correction.", "t3.other_fee_unpaid.")
    keys = {k for k in rep["cells"] if any(k.startswith(r) for r in rows)}

    def t3(g: Grid, r: Any) -> None:
        for key in rows:
            try:
                at = g.row_of(key)
            except KeyError:
                continue
            row = g.slots[at]
            c = next(c for c in range(g.ncols) if g.cells[row[c]].kind == "label"
                     and (c == 0 or row[c] != row[c - 1]) and g.cells[row[c]].text
                     and all(g.slots[a][c] != row[c] for a in range(at)))
            text = g.cells[row[c]].text
            g.cells[row[c]] = replace(g.cells[row[c]], text="")
            width = sum(1 for cc in range(g.ncols) if row[cc] == row[c])
            g.insert_row(at, [])
            cid = g.new(lit(text))
            g.slots[at][c:c + width] = [cid] * width
    return Plan(opts={"tables": tables_hook(t3=t3)}, flag_ok=keys)


# --------------------------------------------------------------------------- adversary round 4
# Re-layouts the rounds above did not reach: table 二 transposed per item, table 三's applicant
# columns with 自然人 last, its outcome groups and sub-rows in other orders, a note row and 其中
# rows with figures inside table 三, notes inside count cells, 无 / — for zero, CMS links and ids
# around figures, escaped pipes in markdown, legacy DOCX horizontal merges, the page printed
# twice, tables 三/四 split with abbreviated second headers, 总计 spanning the header rows, and
# table 三 split by columns over two tables (a wide table continued on the next page).


@transform("t2_items_transposed", "11")
def _t2_items_transposed(rep: dict, fmt: str) -> Plan:
    """Table 二 as one table per 第二十条 item, each transposed: the item's rows (规章, 行政规范性
    文件 …) as columns, its column heads (本年制发件数 …) as row labels."""
    def shape(part: Grid) -> None:
        part.transpose()
        part.header_rows = 0
    return Plan(opts={"tables": tables_hook(t2=lambda g, r: t2_items(g, shape))}, flag_ok=_keys(rep["cells"], "t2."))


@transform("t3_natural_person_last", "1")
def _t3_natural_person_last(rep: dict, fmt: str) -> Plan | None:
    """Table 三's applicant columns with 法人或其他组织's five first, then 自然人, then 总计."""
    return _moved(rep, "t3", _permute([0, 1, 2, 4, 5, 6, 7, 8, 3, 9]))


def _move_rows(g: Grid, first: list[str], before: str) -> None:
    """Move the rows of keys ``first`` (in that order) to just above the row of ``before``."""
    rows = [g.slots[g.row_of(f"t3.{k}.")] for k in first]
    g.slots = [row for row in g.slots if not any(row is x for x in rows)]
    at = g.row_of(f"t3.{before}.")
    g.slots[at:at] = rows


@transform("t3_group5_before_group4", "extra")
def _t3_group5_before_group4(rep: dict, fmt: str) -> Plan:
    """Table 三's （五）不予处理 block printed before （四）无法提供 (labels and numbers unchanged)."""
    return Plan(opts={"tables": tables_hook(t3=lambda g, r: _move_rows(
        g, list(vocab.T3_ROW_KEYS[15:20]), "unavailable_not_held"))})


@transform("t3_group3_subrows_reversed", "extra")
def _t3_group3_subrows_reversed(rep: dict, fmt: str) -> Plan:
    """Table 三's eight （三）不予公开 sub-rows in reverse order (8. … 1.), each keeping its label."""
    def t3(g: Grid, r: Any) -> None:
        keys = list(vocab.T3_ROW_KEYS[4:12])
        at = g.row_of(f"t3.{keys[0]}.")
        rows = [g.slots[g.row_of(f"t3.{k}.")] for k in keys]
        g.slots[at:at + len(rows)] = rows[::-1]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_note_row_with_figures", "9")
def _t3_note_row_with_figures(rep: dict, fmt: str) -> Plan:
    """A note row inside table 三 under its last row, one cell over all columns, with figures:
    「注：本年新收申请中，网上申请N件，当面申请M件；上年结转K件均已办结。」"""
    c = rep["cells"]
    new = c.get("t3.new_received.total") or 0
    old = c.get("t3.carried_over_from_prior.total") or 0

    def t3(g: Grid, r: Any) -> None:
        g.insert_row(len(g.slots), [lit(f"注：本年新收申请中，网上申请{new - new // 3}件，当面申请{new // 3}件；"
                                        f"上年结转{old}件均已办结。", cs=g.ncols)])
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_qizhong_rows", "extra")
def _t3_qizhong_rows_filled(rep: dict, fmt: str) -> Plan:
    """Two 其中 rows (当面申请 / 网络申请) under 本年新收 with figures that are no key, zeros
    printed (the blank-zeros form is ``t3_qizhong_rows_blank_zeros``)."""
    cells = rep["cells"]
    new = [cells.get(f"t3.new_received.{c}") or 0 for c in vocab.T3_COL_KEYS]

    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.new_received.") + 1
        g.insert_row(at, [lit("其中：网络申请", cs=3)] + [lit(str(v - v // 3)) for v in new])
        g.insert_row(at, [lit("其中：当面申请", cs=3)] + [lit(str(v // 3)) for v in new])
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("cell_carryover_note", "9")
def _cell_carryover_note(rep: dict, fmt: str) -> Plan | None:
    """A note inside count cells: 办理结果总计 cells ``12（含上年结转2件）`` and 予以公开 自然人
    ``5（其中1件为上年结转）``: the figure is the first number (a flag is fine too)."""
    cells = rep["cells"]
    keys = {k for k, v in cells.items() if isinstance(v, int) and v > 1
            and (k.startswith("t3.result_total.") or k == "t3.granted.natural_person")}
    if not keys:
        return None

    def text(k: str, s: str) -> str:
        if k not in keys or not s.isdigit():
            return s
        n = max(1, int(s) // 4)
        return f"{s}（其中{n}件为上年结转）" if k.endswith("natural_person") and k.startswith("t3.granted") \
            else f"{s}（含上年结转{n}件）"
    return Plan(opts={"value_text": text}, flag_ok=keys)


def _zeros_as(rep: dict, tables: tuple[str, ...], glyph: str) -> Plan | None:
    zeros = {k for k, v in rep["cells"].items() if k[:2] in tables and v == 0 and not k.endswith(_MONEY)}
    if not zeros:
        return None
    truth = {k: None if k in zeros else v for k, v in rep["cells"].items()}
    return Plan(opts={"value_text": lambda k, s: glyph if k in zeros else s}, truth=truth)


@transform("zeros_as_wu", "extra")
def _zeros_as_wu(rep: dict, fmt: str) -> Plan | None:
    """Zeros of tables 三 and 四 printed ``无``: not applicable by the spec, so null."""
    return _zeros_as(rep, ("t3", "t4"), "无")


@transform("zeros_as_emdash", "extra")
def _zeros_as_emdash(rep: dict, fmt: str) -> Plan | None:
    """Zeros of tables 二 and 四 printed ``—`` (an em dash): not applicable, so null."""
    return _zeros_as(rep, ("t2", "t4"), "—")


@transform("html_cells_linked", "extra", ("html",))
def _html_cells_linked(rep: dict, fmt: str) -> Plan:
    """A CMS that wraps every figure in a link or an id'd span: ``<a href="/detail?id=20210315">26</a>``,
    ``<span id="cell_3_7" data-row="3">26</span>``: the digits of ids and links are no figure."""
    def post(data: bytes, f: str) -> bytes:
        n = [0]

        def wrap(m: re.Match) -> str:
            n[0] += 1
            i = n[0]
            inner = (f'<a href="/zwgk/detail?id=2021{i:04d}" target="_blank">{m.group(2)}</a>' if i % 2
                     else f'<span id="cell_{i // 10}_{i % 10}" data-row="{i // 10}">{m.group(2)}</span>')
            return m.group(1) + inner + m.group(3)
        return re.sub(r'(<td[^>]*><p align="center">)([^<]*\d[^<]*)(</p></td>)', wrap,
                      data.decode("utf-8")).encode("utf-8")
    return Plan(post=post)


@transform("md_escaped_pipes", "extra", ("md",))
def _md_escaped_pipes(rep: dict, fmt: str) -> Plan:
    """Markdown from a converter that joins table 三's group heading and sub-label with a pipe
    and escapes it, as GFM requires: ``| （三）不予公开\\|1.属于国家秘密 | | 0 | …``."""
    def t3(g: Grid, r: Any) -> None:
        for row in g.slots:
            grp, sub = g.cells[row[1]], g.cells[row[2]]
            if grp.kind == "group" and row[1] != row[2] and sub.kind == "label":
                row[1] = row[2] = g.new(replace(sub, text=f"{grp.text}\\|{sub.text}"))
    return Plan(opts={"tables": tables_hook(t3=t3)})


def _hmerge(xml: str) -> str:
    """Every ``w:gridSpan`` of the document written as legacy ``w:hMerge`` cells."""
    def cell(m: re.Match) -> str:
        tc = m.group(0)
        span = re.search(r'<w:gridSpan w:val="(\d+)"/>', tc)
        if not span:
            return tc
        n = int(span.group(1))
        first = tc.replace(span.group(0), '<w:hMerge w:val="restart"/>')
        vm = re.search(r"<w:vMerge[^>]*/>", tc)
        cont = f'<w:tc><w:tcPr><w:hMerge/>{vm.group(0) if vm else ""}</w:tcPr><w:p/></w:tc>'
        return first + cont * (n - 1)
    return re.sub(r"<w:tc>.*?</w:tc>", cell, xml, flags=re.S)


@transform("docx_hmerge_legacy", "extra", ("docx",))
def _docx_hmerge_legacy(rep: dict, fmt: str) -> Plan:
    """DOCX whose horizontal merges are the legacy ``w:hMerge restart/continue`` cells (Word 97
    files converted, some WPS exports) instead of ``w:gridSpan``."""
    return Plan(post=lambda data, f: _docx_edit(data, _hmerge))


@transform("report_printed_twice", "7")
def _report_printed_twice(rep: dict, fmt: str) -> Plan:
    """The page holds the same report twice (the article and its 打印版 copy): one report,
    the same figures."""
    return Plan(post=lambda data, f: concat_files(data, data, f, joiner="【打印本页】"))


@transform("t3_two_tables_abbrev_header", "extra")
def _t3_two_tables_abbrev_header(rep: dict, fmt: str) -> Plan:
    """Table 三 split before （四）无法提供, the second part under a one-row abbreviated header
    (项目 | 自然人 | 企业 | 科研 | 公益 | 法律 | 其他 | 合计)."""
    def t3(g: Grid, r: Any) -> list:
        at = g.row_of("t3.unavailable_not_held.")
        g.insert_row(at, [lit() for _ in range(g.ncols)], keep_spans=False)
        lower = g.copy()
        lower.slots = lower.slots[at + 1:]
        lower.insert_row(0, [head("项目", cs=3)] + [head(x) for x in ("自然人", "企业", "科研", "公益", "法律",
                                                                        "其他", "合计")])
        lower.header_rows = 1
        g.slots = g.slots[:at]
        return [g.table(), lower.table()]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t4_two_tables_abbrev_header", "extra")
def _t4_two_tables_abbrev_header(rep: dict, fmt: str) -> Plan:
    """Table 四 as two tables, 行政复议 then 行政诉讼, each under short heads (维持 | 纠正 | 其他 |
    未审结 | 合计; 直接起诉 / 复议后起诉)."""
    short = ("维持", "纠正", "其他", "未审结", "合计")

    def t4(g: Grid, r: Any) -> list:
        data = g.slots[-1]
        a, b = g.copy(), g.copy()
        a.slots = [list(data[:5])]
        a.insert_row(0, [head(x) for x in short])
        a.insert_row(0, [head("行政复议", cs=5)])
        b.slots = [list(data[5:])]
        b.insert_row(0, [head(x) for x in short * 2])
        b.insert_row(0, [head("直接起诉", cs=5), head("复议后起诉", cs=5)])
        b.insert_row(0, [head("行政诉讼", cs=10)])
        return [a.table(header_rows=2), b.table(header_rows=3)]
    return Plan(opts={"tables": tables_hook(t4=t4)})


@transform("t3_total_header_rowspan3", "extra")
def _t3_total_header_rowspan3(rep: dict, fmt: str) -> Plan:
    """Table 三's 总计 head spanning all three header rows, 申请人情况 over the six applicant
    columns only."""
    def t3(g: Grid, r: Any) -> None:
        tot = g.slots[1][9]
        g.slots[0][9] = tot
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_split_by_columns", "extra")
def _t3_split_by_columns(rep: dict, fmt: str) -> Plan:
    """A wide table 三 continued on the next page by columns: the first table holds the labels,
    自然人 and 商业企业 and 科研机构; the second the labels again with the other columns (社会公益组织 …
    总计), each under its part of the header."""
    def t3(g: Grid, r: Any) -> list:
        a, b = g.copy(), g.copy()
        a.delete_cols([6, 7, 8, 9])
        b.delete_cols([3, 4, 5])
        return [a.table(), b.table()]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_col_numbers_row", "5")
def _t3_col_numbers_row(rep: dict, fmt: str) -> Plan:
    """Table 三 with a 栏次 row under its header (statistical forms): ``栏次 | 甲 | 乙 | 1 | 2 … 7``;
    the numbering is not figures."""
    def t3(g: Grid, r: Any) -> None:
        g.insert_row(3, [lit("栏次"), lit("甲"), lit("乙")] + [lit(str(i + 1)) for i in range(7)],
                     keep_spans=False)
        g.header_rows = 4
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_col_numbers_unlabelled", "5")
def _t3_col_numbers_unlabelled(rep: dict, fmt: str) -> Plan:
    """Table 三 with a bare row of column numbers ``1 … 7`` under its header, its label cell empty."""
    def t3(g: Grid, r: Any) -> None:
        g.insert_row(3, [lit(cs=3)] + [lit(str(i + 1)) for i in range(7)], keep_spans=False)
        g.header_rows = 4
    return Plan(opts={"tables": tables_hook(t3=t3)})


def _excel_line(r: Any, t: Any, cells: Any) -> str:
    """Excel's copy of one grid row: every grid column a TAB-separated field, a merged cell's
    text in its first field and the others empty."""
    f = [""] * t.ncols
    for c, cell, cont in cells:
        if not cont:
            f[c] = r.value(cell.key) if cell.kind == "num" else cell.text
    return "\t".join(f)


@transform("txt_excel_tsv", "11", ("txt",))
def _txt_excel_tsv(rep: dict, fmt: str) -> Plan:
    """A .txt whose tables were pasted from Excel: one TAB-separated line per row, every column
    a field (merged cells empty after their first field), zeros printed."""
    return Plan(post=lambda data, f: tables_as_lines(R._R(rep, {}), _excel_line).encode("utf-8"))


@transform("html_header_colspan_overshoot", "extra", ("html",))
def _html_header_colspan_overshoot(rep: dict, fmt: str) -> Plan:
    """A CMS editor's table 三 whose 申请人情况 head says ``colspan="8"`` (one too many) and whose
    note cell ``colspan="4"``: the header is wider than the body rows; browsers show it ragged."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = list(re.finditer(r"<table.*?</table>", s, re.S))[1]
        t = m.group(0).replace('colspan="7"', 'colspan="8"', 1).replace('rowspan="3" colspan="3"',
                                                                      'rowspan="3" colspan="4"', 1)
        return (s[:m.start()] + t + s[m.end():]).encode("utf-8")
    return Plan(post=post)


@transform("md_aligned_separators", "extra", ("md",))
def _md_aligned_separators(rep: dict, fmt: str) -> Plan:
    """Markdown tables with alignment in the delimiter row (``|:---|:---:|---:|``) and cells padded
    to a fixed width (pandoc / markdown formatters)."""
    def post(data: bytes, f: str) -> bytes:
        out = []
        for ln in data.decode("utf-8").split("\n"):
            if re.fullmatch(r"\|(---\|)+", ln):
                n = ln.count("---")
                ln = "|:---|" + "|".join([":---:"] * (n - 2) + ["---:"]) + "|" if n > 2 else "|:---|---:|"
            elif ln.startswith("| "):
                cells = ln[1:-1].split("|")
                ln = "|" + "|".join(f" {c.strip():<8} " for c in cells) + "|"
            out.append(ln)
        return "\n".join(out).encode("utf-8")
    return Plan(post=post)


@transform("t4_two_tables_litigation_first", "1")
def _t4_two_tables_litigation_first(rep: dict, fmt: str) -> Plan:
    """Table 四 as two tables, 行政诉讼 (10 columns) first, then 行政复议 (5 columns)."""
    return Plan(opts={"tables": tables_hook(t4=lambda g, r: t4_halves(g)[::-1])})


@transform("html_t3_t4_side_by_side", "extra", ("html",))
def _html_t3_t4_side_by_side(rep: dict, fmt: str) -> Plan:
    """Tables 三 and 四 side by side in one row of a borderless layout table, table 四's heading
    in the right-hand cell above its table."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        tabs = list(re.finditer(r"<table.*?</table>", s, re.S))
        t3, t4 = tabs[1], tabs[2]
        h4 = s.rindex("<p>", t3.end(), t4.start())
        right = s[h4:t4.end()]
        lay = (f'<table border="0" width="100%"><tr><td valign="top">{t3.group(0)}</td>'
               f'<td valign="top">{right}</td></tr></table>')
        return (s[:t3.start()] + lay + s[t4.end():]).encode("utf-8")
    return Plan(post=post)


def _zero_rows(cells: dict) -> list[str]:
    return [r for r in vocab.T3_ROW_KEYS[4:20] if f"t3.{r}.total" in cells and _all_zero(cells, r)]


@transform("t3_zero_rows_omitted", "10")
def _t3_zero_rows_omitted(rep: dict, fmt: str) -> Plan | None:
    """Table 三 without its all-zero sub-rows of （三）…（五） (the agency deleted them; the other
    rows keep their labels): the deleted rows are not printed, so not in the parse (or flagged)."""
    cells = rep["cells"]
    gone = _zero_rows(cells)
    if not gone:
        return None

    def t3(g: Grid, r: Any) -> None:
        g.delete_rows([g.row_of(f"t3.{k}.") for k in gone])
    gone_keys = {k for k in cells if k.split(".")[0] == "t3" and k.split(".")[1] in gone}
    truth = {k: v for k, v in cells.items() if k not in gone_keys}
    return Plan(opts={"tables": tables_hook(t3=t3)}, truth=truth, flag_ok=gone_keys)


@transform("t4_reconsideration_only", "10")
def _t4_reconsideration_only(rep: dict, fmt: str) -> Plan:
    """Table 四 printing only its 行政复议 block (the agency had no lawsuits and cut the 行政诉讼
    columns): the litigation cells are not printed."""
    def t4(g: Grid, r: Any) -> None:
        g.delete_cols(list(range(5, 15)))
    cells = rep["cells"]
    gone = {k for k in cells if k.startswith("t4.") and not k.startswith("t4.admin_reconsideration.")}
    truth = {k: v for k, v in cells.items() if k not in gone}
    return Plan(opts={"tables": tables_hook(t4=t4)}, truth=truth, flag_ok=gone)


@transform("t2_row_omitted_labelled", "10")
def _t2_row_omitted_labelled(rep: dict, fmt: str) -> Plan | None:
    """Table 二 without its 行政强制 row (the agency has no such power), the other rows labelled:
    行政强制's cells are not printed."""
    cells = rep["cells"]
    gone = _keys(cells, "t2.admin_coercion.")
    if not gone:
        return None

    def t2(g: Grid, r: Any) -> None:
        g.delete_rows([g.row_of("t2.admin_coercion.")])
    truth = {k: v for k, v in cells.items() if k not in gone}
    return Plan(opts={"tables": tables_hook(t2=t2)}, truth=truth, flag_ok=gone)


_DOC_HEADS = {"2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
              "2021": ("本年制发件数", "本年废止件数", "现行有效件数")}


@transform("t2_doc_heads_other_template", "1")
def _t2_doc_heads_other_template(rep: dict, fmt: str) -> Plan:
    """Table 二's 第（一）项 under the other template's column heads (a 2019-year report on the
    2021 form's 本年制发件数 | 本年废止件数 | 现行有效件数, or the reverse): the figures are the
    columns the heads name."""
    mine = rep["template"]
    other = "2021" if mine == "2019" else "2019"
    src = vocab.T2_LAYOUT[mine]["regulations"]
    dst = vocab.T2_LAYOUT[other]["regulations"]
    ren = dict(zip(src, dst))
    heads = dict(zip(_DOC_HEADS[mine], _DOC_HEADS[other]))

    def new_key(k: str) -> str:
        p = k.split(".")
        return f"{p[0]}.{p[1]}.{ren[p[2]]}" if p[0] == "t2" and p[2] in ren else k
    cells = {new_key(k): v for k, v in rep["cells"].items()}

    def fn(c: Cell) -> Cell:
        if c.kind == "num":
            return replace(c, key=new_key(c.key))
        return replace(c, text=heads.get(c.text, c.text)) if c.kind == "head" else c
    return Plan(opts={"tables": tables_hook(t2=lambda g, r: g.relabel(fn))}, cells=cells, truth=cells)


@transform("t3_other_rows_2021_in_2019", "1")
def _t3_other_rows_2021_in_2019(rep: dict, fmt: str) -> Plan | None:
    """A report on the 2019 form whose （六）其他处理 is printed as the 2021 form's three sub-rows
    (逾期不补正 / 逾期未缴费 / 其他): those rows are printed, the single （六） row is not."""
    cells = rep["cells"]
    if not any(k.startswith("t3.other_total.") for k in cells):
        return None
    out = {k: v for k, v in cells.items() if not k.startswith("t3.other_total.")}
    for col in vocab.T3_COL_KEYS:
        v = cells.get(f"t3.other_total.{col}") or 0
        a, b = v // 2, v // 4
        out[f"t3.other_no_correction.{col}"] = a
        out[f"t3.other_fee_unpaid.{col}"] = b
        out[f"t3.other_other.{col}"] = v - a - b
    return Plan(cells=out, truth=out)


def _corrected(rep: dict, table: str, prefixes: tuple[str, ...]) -> Plan | None:
    """Table ``table`` printed twice: first with a few wrong figures, then 更正如下 and the right
    table; the corrected cells are printed twice with different values (a flag, or the
    corrected value … only a flag is sure)."""
    cells = rep["cells"]
    keys = [k for k in sorted(cells) if k.startswith(prefixes) and isinstance(cells[k], int)][:3]
    if not keys:
        return None
    wrong = {k: cells[k] + 2 for k in keys}
    idx = ("t2", "t3", "t4").index(table)

    def pieces(*ts: Any) -> tuple:
        t = ts[idx]
        old = _literal(t, {**cells, **wrong})
        out = list(ts[:3])
        out[idx] = [old, "更正说明：上表部分数据有误，更正如下：", t]
        return tuple(out)
    return Plan(opts={"tables": tables_hook(pieces=lambda a, b, c, r: pieces(a, b, c))}, must_flag=set(keys))


@transform("t3_corrected_table_after", "12")
def _t3_corrected_table_after(rep: dict, fmt: str) -> Plan | None:
    """Table 三 printed as first published, a 更正 note, then the corrected table 三."""
    return _corrected(rep, "t3", ("t3.new_received.", "t3.granted."))


@transform("t4_corrected_table_after", "12")
def _t4_corrected_table_after(rep: dict, fmt: str) -> Plan | None:
    """Table 四 printed as first published, a 更正 note, then the corrected table 四."""
    return _corrected(rep, "t4", ("t4.admin_reconsideration.",))


def _title_in_cell(data: bytes, fmt: str, title: str) -> bytes:
    if fmt in ("txt", "md"):
        s = data.decode("utf-8")
        return s.replace(title, ("\t" if fmt == "txt" else "| ") + title + ("" if fmt == "txt" else " |\n|---|"), 1).encode("utf-8")
    if fmt == "html":
        s = data.decode("utf-8")
        m = re.search(r'<p style="text-align:center;font-weight:bold">[^<]*</p>', s)
        return (s[:m.start()] + '<table width="100%" border="0"><tr><td align="center">' + m.group(0)
                + "</td></tr></table>" + s[m.end():]).encode("utf-8")

    def edit(x: str) -> str:
        m = re.search(r"<w:p>(?:(?!</w:p>).)*政府信息公开工作年度报告(?:(?!</w:p>).)*</w:p>", x, re.S)
        if not m:
            return x
        return (x[:m.start()] + '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
                '<w:gridCol w:w="8000"/></w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="8000" w:type="dxa"/></w:tcPr>'
                + m.group(0) + "</w:tc></w:tr></w:tbl>" + x[m.end():])
    return _docx_edit(data, edit)


@transform("title_in_table_cell", "14", ("txt", "md", "html", "docx"))
def _title_in_table_cell(rep: dict, fmt: str) -> Plan:
    """The title printed in a one-cell layout table (CMS article header, Word title box)."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [t]}, post=lambda data, f: _title_in_cell(data, f, t))


# --------------------------------------------------------------------------- adversary round 5
# Re-layouts the rounds above did not reach: a figure typed into its row's label cell, table 三
# without its group words, table 四's 复议 result columns swapped alone, English total heads,
# the last table-三 row in an HTML <tfoot> before <tbody>, the article inside an <iframe srcdoc>,
# tables 三 and 四 side by side in one grid, table 三 as a list of sentences, 本年/上年 pairs in
# table-四 cells, rotated PDF pages, fixed-width plain text with labels overflowing their column.


@transform("t2_figure_in_label_cell", "9")
def _t2_figure_in_label_cell(rep: dict, fmt: str) -> Plan | None:
    """Table 二's first figure of each row typed into the label cell (``行政许可 12``), its own
    cell left blank; table 三's 本年新收 总计 the same.  The figure is the label's (read it, or
    flag the cell — a blank cell is no zero here)."""
    cells = rep["cells"]
    moved: dict[str, str] = {}

    def fold(g: Grid, r: Any, prefix: str, only: str | None = None) -> None:
        for row in g.slots:
            nums = [c for c, cid in enumerate(row) if g.cells[cid].kind == "num"]
            if not nums or (only and not g.cells[row[nums[0]]].key.startswith(only)):
                continue
            c0 = nums[-1] if only else nums[0]
            key = g.cells[row[c0]].key
            lab = max((c for c in range(c0) if g.cells[row[c]].kind == "label"), default=None)
            v = r._value(key)
            if lab is None or not v.strip() or row[lab] in [row[x] for x in range(c0 + 1, g.ncols)]:
                continue
            old = row[lab]
            new = g.new(replace(g.cells[old], text=f"{g.cells[old].text} {v}"))
            for rr in g.slots:
                for c, cid in enumerate(rr):
                    if cid == old:
                        rr[c] = new
            blank, cid0 = g.new(lit()), row[c0]
            row[:] = [blank if cid == cid0 else cid for cid in row]
            moved[key] = v
    t2 = lambda g, r: fold(g, r, "t2.")   # noqa: E731
    t3 = lambda g, r: fold(g, r, "t3.", "t3.new_received.")   # noqa: E731
    if not any(isinstance(v, (int, float)) and not isinstance(v, bool) for k, v in cells.items() if k.startswith("t2.")):
        return None
    return Plan(opts={"tables": tables_hook(t2=t2, t3=t3)},
                flag_ok={k for k in cells if k.startswith(("t2.", "t3.new_received."))})


@transform("t3_group_never_printed", "extra")
def _t3_group_never_printed(rep: dict, fmt: str) -> Plan:
    """Table 三's sub-rows (``1.属于国家秘密`` …) printed without their group cell
    (（三）不予公开 … never printed): each sub-label spans the group's column."""
    def t3(g: Grid, r: Any) -> None:
        for row in g.slots:
            if g.cells[row[1]].kind == "group" and row[1] != row[2] and g.cells[row[2]].kind == "label":
                row[1] = row[2]
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t4_reconsideration_corrected_first", "1")
def _t4_reconsideration_corrected_first(rep: dict, fmt: str) -> Plan | None:
    """Table 四's 行政复议 block with 结果纠正 before 结果维持; the 诉讼 blocks keep the form's
    order (a column map copied from one block to the next goes wrong)."""
    return _moved(rep, "t4", _permute([1, 0] + list(range(2, 15))))


@transform("heads_english_total", "extra")
def _heads_english_total(rep: dict, fmt: str) -> Plan:
    """Total heads in English as bilingual templates print them: 总计/合计 → ``Total``
    (tables 三 and 四): the column is the total by its place and its sums (or flag it)."""
    def t(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text="Total") if c.kind == "head" and c.text in ("总计", "合计") else c)
    keys = {k for k in rep["cells"] if k[:2] in ("t3", "t4") and k.endswith(".total")}
    return Plan(opts={"tables": tables_hook(t3=t, t4=t)}, flag_ok=keys)


def _html_tables(s: str) -> list[re.Match]:
    return list(re.finditer(r"<table border=\"1\"[^>]*>.*?</table>", s, re.S))


@transform("html_t3_last_row_in_tfoot", "extra", ("html",))
def _html_t3_last_row_in_tfoot(rep: dict, fmt: str) -> Plan:
    """Table 三 with <thead>, its last row (结转下年度继续办理) in a <tfoot> written before
    <tbody> (the HTML 4 order: the browser shows it last, the source has it first)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = _html_tables(s)[1]
        tab = m.group(0)
        rows = re.findall(r"<tr>.*?</tr>\n", tab, re.S)
        last = rows[-1]
        tab2 = tab.replace(last, "").replace("<tbody>", f"<tfoot>\n{last}</tfoot><tbody>", 1)
        return (s[:m.start()] + tab2 + s[m.end():]).encode("utf-8")
    return Plan(opts={"thead": True}, post=post)


@transform("html_article_in_iframe_srcdoc", "extra", ("html",))
def _html_article_in_iframe_srcdoc(rep: dict, fmt: str) -> Plan:
    """A CMS page whose article body sits in ``<iframe srcdoc="…">`` (the report's HTML escaped
    in the attribute); the page prints the title above it."""
    import html as _h

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = re.search(r'<div class="article">\n(.*)\n</div>', s, re.S)
        titles = "".join(re.findall(r'<p style="text-align:center;font-weight:bold">[^<]*</p>', m.group(1)))
        inner = f"<html><body>{m.group(1)}</body></html>"
        frame = f'<h1 class="title">{titles}</h1><iframe width="100%" height="3000" frameborder="0" srcdoc="{_h.escape(inner, quote=True)}"></iframe>'
        return (s[:m.start()] + '<div class="article">\n' + frame + "\n</div>" + s[m.end():]).encode("utf-8")
    return Plan(post=post)


@transform("t3_t4_one_grid_side_by_side", "extra", ("txt", "md", "html", "docx"))
def _t3_t4_one_grid_side_by_side(rep: dict, fmt: str) -> Plan:
    """Tables 三 and 四 side by side (two tables on one landscape page) saved as ONE grid:
    table 三's columns, a blank column, then table 四's heading and table under it; table 四's
    own heading is followed by no table."""
    holder: dict[str, Any] = {}

    def pieces(a: R.Table, b: R.Table, c: R.Table, r: Any) -> tuple:
        g3, g4 = Grid(b), Grid(c)
        off = len(g3.cells)
        g3.cells += g4.cells
        title = g3.new(Cell(vocab.TABLE_ZH["t4"], cs=1, kind="title"))
        n3, n4 = len(g3.slots), len(g4.slots) + 1
        rows4 = [[title] * g4.ncols] + [[cid + off for cid in row] for row in g4.slots]
        for i in range(max(n3, n4)):
            if i >= n3:
                g3.slots.append([g3.new(lit()) for _ in range(len(g3.slots[0]))])
            right = rows4[i] if i < n4 else [g3.new(lit()) for _ in range(g4.ncols)]
            g3.slots[i] = g3.slots[i] + [g3.new(lit())] + right
        holder["t"] = g3.table()
        return (a, holder["t"], [])
    return Plan(opts={"tables": tables_hook(pieces=pieces)}, flag_ok=_keys(rep["cells"], "t4."))


@transform("t3_as_sentences", "extra")
def _t3_as_sentences(rep: dict, fmt: str) -> Plan:
    """Table 三 published as a list (a mobile CMS): one line per figure,
    ``（三）不予公开—1.属于国家秘密—商业企业：0``: read the figures, or flag every one."""
    def t3(g: Grid, r: Any) -> list:
        hr = g.header_rows
        lines = []
        for row in g.slots[hr:]:
            labels: list[str] = []
            for cid in row:
                cell = g.cells[cid]
                if cell.kind in ("label", "group") and cell.text and cell.text not in labels:
                    labels.append(cell.text)
            for c, cid in enumerate(row):
                cell = g.cells[cid]
                if cell.kind != "num":
                    continue
                heads = []
                for hrow in g.slots[:hr]:
                    h = g.cells[hrow[c]]
                    if h.kind == "head" and h.text and h.text not in heads:
                        heads.append(h.text)
                v = r._value(cell.key)
                lines.append(f"{'—'.join(labels)}—{'—'.join(heads)}：{v if v.strip() else '0'}")
        return lines
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t4_cells_this_slash_prior", "9")
def _t4_cells_this_slash_prior(rep: dict, fmt: str) -> Plan | None:
    """Table 四's cells as ``本年 / 上年`` pairs (``2 / 1``) under a unit line 「单位：件（本年/上年）」:
    the figure is the first (or a flag); never the two run together."""
    keys = {k for k, v in rep["cells"].items() if k.startswith("t4.") and isinstance(v, int)}
    if not keys:
        return None

    def text(k: str, s: str) -> str:
        if k not in keys:
            return s
        v = rep["cells"][k]
        return f"{s or '0'} / {(v + 1) % 3 + (k.endswith('total') and 2)}"
    return Plan(opts={"value_text": text, "tables": tables_hook(pieces=lambda a, b, c, r: (
        a, b, ["单位：件（本年/上年）", c]))}, flag_ok=keys)


@transform("pdf_pages_rotated", "extra", ("pdf",))
def _pdf_pages_rotated(rep: dict, fmt: str) -> Plan:
    """A PDF whose pages carry ``/Rotate 90`` (a scanner-side landscape setting kept by the
    text PDF): the text layer is unchanged, its coordinates turned."""
    def post(data: bytes, f: str) -> bytes:
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(data)
        for i in range(len(doc)):
            doc[i].set_rotation(90)
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()
    return Plan(post=post)


def _disp(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)


def _fixed_width(g: Grid, r: Any, blanks: set[str]) -> list[str]:
    """A Grid as fixed-width lines: the label columns one 24-column field, each figure column
    10 columns; a cell printed once (spans: in its first slot), longer text pushing the rest right."""
    numcols = [c for c in range(g.ncols) if any(g.cells[row[c]].kind == "num" for row in g.slots)]
    nlab = min(numcols) if numcols else g.ncols
    lines = []
    for i, row in enumerate(g.slots):
        def text(c: int, row: list[int] = row, i: int = i) -> str:
            cid = row[c]
            if (c and row[c - 1] == cid) or (i and g.slots[i - 1][c] == cid):
                return ""
            cell = g.cells[cid]
            t = r._value(cell.key) if cell.kind == "num" else cell.text
            if cell.kind == "num" and not t.strip():
                blanks.add(cell.key)
            return t.strip()
        out = " ".join(x for x in (text(c) for c in range(nlab)) if x)
        for c in range(nlab, g.ncols):
            t = text(c)
            if t:
                out += " " * max(1, 24 + 10 * (c - nlab) - _disp(out)) + t
        lines.append(out.rstrip())
    return lines


@transform("txt_fixed_width_overflow", "extra", ("txt",))
def _txt_fixed_width_overflow(rep: dict, fmt: str) -> Plan:
    """Tables as fixed-width text (spaces, no tabs, one line a row: a mail or terminal copy):
    labels in a 24-column field, figures in 10-column fields; a longer label pushes its row's
    figures right, out of line with their heads.  Where zeros are printed blank, the row's
    figures no longer show their columns: flag them (or read them right)."""
    blanks: set[str] = set()

    def t(g: Grid, r: Any) -> list:
        return _fixed_width(g, r, blanks)
    cells = rep["cells"]
    opts_blank = bool((rep.get("options") or {}).get("blank_zeros"))
    flag = set()
    if opts_blank:
        flag = {k for k in cells if k[:2] in ("t3", "t4")}
    return Plan(opts={"tables": tables_hook(t2=t, t3=t, t4=t)}, flag_ok=flag)


def _marked(rep: dict, n3: int, n2: int, marks: tuple[str, ...], notes: tuple[str, str]) -> Plan | None:
    keys = _nonzero(rep["cells"], "t3.", n3) + _nonzero(rep["cells"], "t2.", n2)
    keys = [k for k in keys if not k.endswith(_MONEY)]
    if not keys:
        return None
    mark = {k: marks[i % len(marks)] for i, k in enumerate(keys)}

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, notes[0]], [t3, notes[1]], t4)
    return Plan(opts={"value_text": lambda k, s: s + mark[k] if k in mark and s else s,
                      "tables": tables_hook(pieces=pieces)})


@transform("figure_unicode_superscript_note", "9")
def _figure_unicode_superscript_note(rep: dict, fmt: str) -> Plan | None:
    """Note references flattened to Unicode superscript digits after figures (``26¹``, ``13²``),
    as converters write ``<sup>``: ``¹`` is a digit to ``str.isdigit`` but no part of the figure."""
    return _marked(rep, 3, 2, ("¹", "²", "³"), ("注¹：含网上申请的数量。", "注²：含上年度结转事项。³为当面申请的数量。"))


@transform("figure_ascii_asterisk_note", "9")
def _figure_ascii_asterisk_note(rep: dict, fmt: str) -> Plan | None:
    """Note marks as ASCII asterisks after figures (``26*``, ``13**``), the notes under the table."""
    return _marked(rep, 3, 2, ("*", "**"), ("*含网上申请的数量。", "*含上年度结转事项；**为当面申请的数量。"))


@transform("numbers_unit_spaced", "extra")
def _numbers_unit_spaced(rep: dict, fmt: str) -> Plan:
    """Counts with a space before their unit: ``12 件`` (tables 三/四), ``3 项`` (table 二's item
    counts), ``5 人次`` (行政复议/诉讼)."""
    def unit(key: str, s: str) -> str:
        if key.startswith("t4."):
            return s + " 人次"
        return s + (" 项" if key.startswith("t2.") and ("item" in key or "decision" in key) else " 件")
    return Plan(opts={"value_text": _count_text(unit)})


@transform("t4_extra_compensation_block", "12")
def _t4_extra_compensation_block(rep: dict, fmt: str) -> Plan:
    """Table 四 with a fourth block 行政赔偿 (结果维持 … 总计, five columns) after the 诉讼 blocks:
    its figures are no cell of the form (no key, no change to the others)."""
    c = rep["cells"]
    figs = [str((c.get(f"t4.admin_reconsideration.{k}") or 0) + i + 1) for i, k in
            enumerate(("upheld", "corrected", "other", "pending"))]
    figs.append(str(sum(int(x) for x in figs)))

    def t4(g: Grid, r: Any) -> None:
        top = g.new(head("行政赔偿"))
        heads = [g.new(head(x)) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
        for i, row in enumerate(g.slots):
            if i == 0:
                row.extend([top] * 5)
            elif i < g.header_rows:
                row.extend(heads)
            else:
                row.extend(g.new(lit(f)) for f in figs)
    return Plan(opts={"tables": tables_hook(t4=t4)})


@transform("t3_extra_outcome_row", "12")
def _t3_extra_outcome_row(rep: dict, fmt: str) -> Plan:
    """Table 三 with a local outcome row 「（七）移送有权机关办理」 (figures) before the total, the
    total renumbered （八）总计: the row is no cell of the form (no key; the others unchanged)."""
    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.result_total.")
        row = g.slots[at]
        width = sum(1 for cid in row if g.cells[cid].kind in ("label", "group"))
        grp = row[0] if g.cells[row[0]].kind == "group" else None
        labels = [lit("（七）移送有权机关办理", cs=width - (1 if grp is not None else 0))]
        g.insert_row(at, labels + [lit(str(1 + i % 2)) for i in range(g.ncols - width)])
        g.relabel(lambda c: replace(c, text="（八）总计") if c.kind == "label" and c.text == "（七）总计" else c)
    return Plan(opts={"tables": tables_hook(t3=t3)})


# --------------------------------------------------------------------------- adversary round 6
# Inputs aimed at the rules added after round 5: a note mark typed as a plain digit after a
# table-二 label (its own cell blank = 0), table 三 with 行政复议/行政诉讼 words right of its
# first column (a remark column, a cross-reference cell in a caption row), and table 三
# without 总计 but with a last column whose header is lost (其中网上申请 counts).


@transform("t2_label_note_digit_zero_blank", "9")
def _t2_label_note_digit_zero_blank(rep: dict, fmt: str) -> Plan | None:
    """Table 二 rows whose first figure is 0, printed blank, their label carrying a note mark
    typed as a plain digit (``行政许可1``) explained under the table (``注：1.含……``): the mark
    is no figure; the blank cell is the row's 0 (read 0, or flag it — never read the mark)."""
    cells = rep["cells"]
    keys: set[str] = set()

    def t2(g: Grid, r: Any) -> None:
        done: set[int] = set()
        for row in g.slots:
            nums = [c for c, cid in enumerate(row) if g.cells[cid].kind == "num"]
            if not nums:
                continue
            key = g.cells[row[nums[0]]].key
            lab = max((c for c in range(nums[0]) if g.cells[row[c]].kind == "label"), default=None)
            if lab is None or row[lab] in done or cells.get(key) != 0:
                continue
            done.add(row[lab])
            g.cells[row[lab]] = replace(g.cells[row[lab]], text=g.cells[row[lab]].text + "1")
            keys.add(key)
    plan_keys = set()

    def value_text(k: str, s: str) -> str:
        return "" if k in plan_keys else s

    def pieces(a: Any, b: Any, c: Any, r: Any) -> tuple:
        return ([a, "注：1.含所属单位的数量。"], b, c)
    t = R.skeleton(rep["template"], cells)[0]
    g0 = Grid(t)
    for row in g0.slots:
        nums = [c for c, cid in enumerate(row) if g0.cells[cid].kind == "num"]
        if nums and cells.get(g0.cells[row[nums[0]]].key) == 0 and any(
                g0.cells[row[c]].kind == "label" for c in range(nums[0])):
            plan_keys.add(g0.cells[row[nums[0]]].key)
    if not plan_keys:
        return None
    return Plan(opts={"tables": tables_hook(t2=t2, pieces=pieces), "value_text": value_text},
                flag_ok=plan_keys)


@transform("t3_remark_col_review_words", "extra")
def _t3_remark_col_review_words(rep: dict, fmt: str) -> Plan:
    """Table 三 with a 备注 column after 总计 whose first figure row's note names 行政复议 and
    行政诉讼 (``含经行政复议、行政诉讼后重新答复的申请``): a remark, not table 四's heading."""
    return _t3_extra_col("备注", lambda i, key: "含经行政复议、行政诉讼后重新答复的申请"
                         if key.startswith("t3.new_received.") else "")


@transform("t3_caption_row_cross_reference", "extra", TABLED)
def _t3_caption_row_cross_reference(rep: dict, fmt: str) -> Plan:
    """Table 三 with a caption row typed into the table above its header: the unit on the left,
    a cross-reference on the right over the last three columns (``行政复议、行政诉讼情况见表四``):
    table 三 is one table; its 法律服务机构 … 总计 columns are no table 四."""
    def t3(g: Grid, r: Any) -> None:
        g.insert_row(0, [lit("单位：件", cs=g.ncols - 3), lit("行政复议、行政诉讼情况见表四", cs=3)],
                     keep_spans=False)
        g.header_rows += 1
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("t3_no_total_online_col_unheaded", "extra", TABLED)
def _t3_no_total_online_col_unheaded(rep: dict, fmt: str) -> Plan | None:
    """Table 三 printing no 总计 column but, in its place, a column whose header text was lost
    (a converter dropped it: 其中网上申请) holding each row's online count — here the 自然人
    figure (most applicants are natural persons applying online).  No 总计 is printed: a key
    read from that column is a phantom, even where it equals the row's sum."""
    cells = rep["cells"]
    tot = {k for k in cells if k.startswith("t3.") and k.endswith(".total")}
    if not tot:
        return None

    def t3(g: Grid, r: Any) -> None:
        for i, row in enumerate(g.slots):
            cid = row[9]
            cell = g.cells[cid]
            if cell.kind == "num":
                v = r._value(cell.key.rsplit(".", 1)[0] + ".natural_person")
                row[9] = g.new(lit(v))
            elif i < g.header_rows and cell.kind == "head":
                row[9] = g.new(lit())
    truth = {k: v for k, v in cells.items() if k not in tot}
    return Plan(opts={"tables": tables_hook(t3=t3)}, truth=truth)


@transform("t2_row_label_names_column", "extra")
def _t2_row_label_names_column(rep: dict, fmt: str) -> Plan:
    """Table 二's row labels carrying a note that names a column (``行政事业性收费（收费金额以
    万元计）``, ``政府集中采购（采购总金额含追加）``), the table laid out as usual: the rows are
    not a transposed sub-table's header."""
    notes = {"行政事业性收费": "行政事业性收费（收费金额以万元计）",
             "政府集中采购": "政府集中采购（采购总金额含追加）"}
    t2 = lambda g, r: g.relabel(   # noqa: E731
        lambda c: replace(c, text=notes[c.text]) if c.kind == "label" and c.text in notes else c)
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("t4_spacer_row_then_data_table", "extra", TABLED)
def _t4_spacer_row_then_data_table(rep: dict, fmt: str) -> Plan:
    """Table 四 cut after a blank spacer row under its header (15 empty cells, the row a
    layout leaves before a page break), its figures row printed as a table of its own below:
    the blank row is no data row (read the figures, or flag them — never the spacer's zeros)."""
    def t4(g: Grid, r: Any) -> list:
        a, b = g.copy(), g.copy()
        hr = g.header_rows
        a.slots = [list(row) for row in g.slots[:hr]]
        a.insert_row(hr, [lit() for _ in range(g.ncols)], keep_spans=False)
        b.slots = [list(row) for row in g.slots[hr:]]
        b.header_rows = 0
        return [a.table(), b.table()]
    return Plan(opts={"tables": tables_hook(t4=t4)}, flag_ok=_keys(rep["cells"], "t4."))



# --------------------------------------------------------------------------- adversary round 7
# Crawler text (format ``flat``, corpus files 004–010) as crawlers really vary it — cell
# separators in some rows only, no-break and ideographic spaces, hard-wrapped lines cutting
# numbers, repeated labels, the tables printed twice (print view), table 三 before table 二 —
# and titles as sites print them: a site name before the title, an <title>/h1 disagreement, an
# agency broken inside the metadata title, a title naming the next year, ○/零 for 〇, a
# bracketed 区/县 prefix.  Flat text keeps no budget (runner), so a flat transform's truth is
# only: no silent, missing or phantom cell.

_T7_MARKS = ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "五、存在的主要问题及改进情况")


def _t7_row(key: str) -> str:
    return key.rsplit(".", 1)[0]


@transform("flat_cells_spaced_some_rows", "extra", ("flat",))
def _flat_cells_spaced_some_rows(rep: dict, fmt: str) -> Plan:
    """Crawler text whose cells are separated by single spaces in some rows only (rows whose key
    has an even length), run together in the others: the spaces are true cell boundaries."""
    return Plan(opts={"value_text": lambda k, s: s + " " if s and len(_t7_row(k)) % 2 == 0 else s})


@transform("flat_nbsp_ideographic_between_cells", "extra", ("flat",))
def _flat_nbsp_ideographic(rep: dict, fmt: str) -> Plan:
    """Crawler text with a no-break space (U+00A0) after the cells of some rows and an
    ideographic space (U+3000) after those of others (what &nbsp; and a full-width indent leave)."""
    def value_text(k: str, s: str) -> str:
        n = len(_t7_row(k)) % 3
        return s + ("\xa0" if n == 0 else "\u3000" if n == 1 else "") if s else s
    return Plan(opts={"value_text": value_text})


@transform("flat_number_split_by_space", "extra", ("flat",))
def _flat_number_split_by_space(rep: dict, fmt: str) -> Plan | None:
    """Crawler text in which a space fell inside a figure of two digits and more (``4 47``, a
    span boundary of the page's markup), one figure per table: a space is no proof of a cell
    boundary — read right, or flag."""
    keys: list[str] = []
    for t in ("t2.", "t3.", "t4."):
        keys += [k for k, v in rep["cells"].items() if k.startswith(t) and isinstance(v, int) and v >= 10
                 and not k.endswith(_MONEY)][:1]
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: s[0] + " " + s[1:] if k in keys and s.isdigit() else s})


@transform("flat_hard_wrapped", "extra", ("flat",))
def _flat_hard_wrapped(rep: dict, fmt: str) -> Plan:
    """Crawler text saved hard-wrapped at 37 characters: newlines fall inside labels and
    figures alike (``…予以公开12`` / ``88210…``)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        sep = "==================== 正文 ====================\n"
        head, body = s.split(sep, 1)
        body = body.rstrip("\n")
        return (head + sep + "\n".join(body[i:i + 37] for i in range(0, len(body), 37)) + "\n").encode("utf-8")
    return Plan(post=post)


@transform("flat_row_label_repeated", "extra", ("flat",))
def _flat_row_label_repeated(rep: dict, fmt: str) -> Plan:
    """Crawler text printing some row labels twice in a row (a tooltip's or a hidden mobile
    cell's copy): ``行政许可行政许可447228``, ``（一）予以公开（一）予以公开…``."""
    twice = {"行政许可", "行政处罚", "规章", "（一）予以公开", "二、上年结转政府信息公开申请数量"}

    def fn(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=c.text * 2) if c.kind != "num" and c.text in twice else c)
    return Plan(opts={"tables": tables_hook(t2=fn, t3=fn)})


def _t7_cut(s: str) -> tuple[int, int, int]:
    return tuple(s.find(m) for m in _T7_MARKS)   # type: ignore[return-value]


@transform("flat_tables_printed_twice", "7", ("flat",))
def _flat_tables_printed_twice(rep: dict, fmt: str) -> Plan:
    """A crawl of a page holding its tables twice (the normal view and the 打印 view's copy):
    sections 二 to 四 repeated, same figures, before 五: one report."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        a, _, e = _t7_cut(s)
        return (s[:e] + "【打印本页】" + s[a:e] + s[e:]).encode("utf-8")
    return Plan(post=post)


@transform("flat_t3_before_t2", "extra", ("flat",))
def _flat_t3_before_t2(rep: dict, fmt: str) -> Plan:
    """Crawler text in which table 三's section comes before table 二's (the page's columns
    read in another order): every figure is still there."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        a, b, _ = _t7_cut(s)
        c = re.compile(r"四、(?:政府信息公开行政复议|因政府信息公开)").search(s, b).start()
        return (s[:a] + s[b:c] + " " + s[a:b] + s[c:]).encode("utf-8")
    return Plan(post=post)


@transform("title_site_name_prefix", "14")
def _title_site_name_prefix(rep: dict, fmt: str) -> Plan:
    """A title prefixed by the site's name, as a page <title> and crawlers give it:
    ``示例市人民政府网-某局2020年政府信息公开工作年度报告`` — the site's name is no agency."""
    return _title_plan([f"示例市人民政府网-{rep['agency']}{rep['year']}年政府信息公开工作年度报告"])


@transform("title_h1_without_year_meta_with", "14", ("flat", "html", "docx", "pdf"))
def _title_h1_without_year(rep: dict, fmt: str) -> Plan:
    """The printed title (h1) without a year, the page's <title> with it: the year is the
    metadata's and the 统计期限 sentence's."""
    return _title_plan([f"{rep['agency']}政府信息公开工作年度报告"],
                       f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告")


@transform("title_meta_agency_line_break", "14", ("flat", "html", "docx", "pdf"))
def _title_meta_agency_line_break(rep: dict, fmt: str) -> Plan:
    """No title in the body; the metadata title broken by a newline inside the agency's name:
    the agency whole, or a refusal — never half of it."""
    a = rep["agency"]
    cut = max(2, len(a) // 2)
    return Plan(opts={"title_lines": [], "meta_title": f"{a[:cut]}\n{a[cut:]}{rep['year']}年政府信息公开工作年度报告"},
                may_reject=True)


@transform("title_next_year_body_current", "14")
def _title_next_year_body_current(rep: dict, fmt: str) -> Plan:
    """A title naming the publication year (``2021年度…年度报告``) while the body reports on the
    year before (统计期限 2020年1月1日至12月31日): the report's year is the year reported on —
    read it, or refuse the contradiction."""
    t = f"{rep['agency']}{int(rep['year']) + 1}年度政府信息公开工作年度报告"
    return _title_plan([t], t, may_reject=True)


@transform("title_year_circle_zero", "14")
def _title_year_circle_zero(rep: dict, fmt: str) -> Plan:
    """A Chinese-numeral year typed with ○ (U+25CB) or 零 for 〇 (``二○二○年``, ``二零二零年``)."""
    z = "○" if int(rep["year"]) % 2 else "零"
    y = "".join((z + "一二三四五六七八九")[int(d)] for d in str(rep["year"]))
    return _title_plan([f"{rep['agency']}{y}年政府信息公开工作年度报告"])


@transform("title_county_prefix_bracket", "14")
def _title_county_prefix_bracket(rep: dict, fmt: str) -> Plan:
    """A title opening with the 区/县 in brackets (``【示例区】某局2020年…``), as a county
    platform hosting many agencies prints it: the bracket is no part of the agency."""
    return _title_plan([f"【示例区】{rep['agency']}{rep['year']}年政府信息公开工作年度报告"])


def identity_plan(rep: dict, fmt: str) -> Plan:
    return Plan()


TRANSFORMS = {"identity": Transform("identity", "0", ALL, identity_plan, "the report as rendered"), **TRANSFORMS}


# ---- skew variants


@transform("pdf_ocr_layer_skewed_more", "extra", ("pdf",))
def _pdf_ocr_layer_skewed_more(rep: dict, fmt: str) -> Plan:
    """A scan with an OCR text layer written column by column whose words sit up to 3.5 points
    above or below their line: a table-四 header's sub-block words (未经复议直接起诉, 复议后起诉)
    land on different lines, so their reading order is not their left-to-right order."""
    def order(ws: list[dict]) -> list[dict]:
        return sorted(ws, key=lambda w: (round(float(w["x0"]) / 40), float(w["top"])))
    return Plan(post=lambda data, f: ocr_sandwich(data, order, jitter=3.5))


_blank_zeros_variant("pdf_ocr_layer_skewed_more", "pdf_ocr_layer_skewed_more with zeros blank.")


@transform("pdf_ocr_layer_skewed_wide", "extra", ("pdf",))
def _pdf_ocr_layer_skewed_wide(rep: dict, fmt: str) -> Plan:
    """A scan with an OCR text layer whose words sit up to 3.5 points above or below their line,
    more than the spacing of a wrapped label's lines: a row's figures split over its label's
    two lines, a group label's line taking the figures of the row beside it."""
    return Plan(post=lambda data, f: ocr_sandwich(data, jitter=3.5))


_blank_zeros_variant("pdf_ocr_layer_skewed_wide", "pdf_ocr_layer_skewed_wide with zeros blank.")


# ---- adversary round 8 (r8text)
# Text as crawlers and converters produce it (markdown dialects, page navigation around the
# article, tables written as sentences) and the report's identity in title forms not tried yet.


def _fmt_text(data: bytes, fmt: str, fn: Callable[[str], str]) -> bytes:
    """Apply a text edit to a rendered txt/flat/md/html file (the HTML as its source text)."""
    return fn(data.decode("utf-8")).encode("utf-8")


def _around_article(data: bytes, fmt: str, before: list[str], after: list[str]) -> bytes:
    """Page furniture before the first body line (after a crawler's header) and after the article."""
    text = data.decode("utf-8")
    if fmt == "html":
        pre = "".join(f"<p>{x}</p>\n" for x in before)
        post = "".join(f"<p>{x}</p>\n" for x in after)
        i = text.index(">", text.index("<body")) + 1
        j = text.rindex("</body>")
        return (text[:i] + "\n" + pre + text[i:j] + post + text[j:]).encode("utf-8")
    if fmt == "flat":
        mark = "==================== 正文 ====================\n"
        a, b = text.split(mark, 1)
        return (a + mark + "".join(x + " " for x in before) + b.rstrip("\n") + "".join(after) + "\n").encode("utf-8")
    sep = "\n\n" if fmt == "md" else "\n"
    return (sep.join(before) + sep + text.rstrip("\n") + sep + sep.join(after) + "\n").encode("utf-8")


@transform("page_nav_sidebar_other_reports", "14", ("txt", "flat", "md", "html"))
def _page_nav_sidebar_other_reports(rep: dict, fmt: str) -> Plan:
    """A whole CMS page as text (readability/html2text miss the frame): a breadcrumb, a sidebar
    of OTHER reports (the same agency's previous year, another agency's next year, each with its
    date and 浏览 count) before the article; after it 发布日期 (next year), 浏览次数, 上一篇/下一篇
    carrying other reports' titles, a 相关链接 list and a footer full of figures.  The agency and
    year stay the report's own, no page figure enters a cell."""
    a, y = rep["agency"], int(rep["year"])
    before = [f"首页 > 政务公开 > 政府信息公开年报 > {a}",
              "本栏目热门信息",
              f"{a}{y - 1}年政府信息公开工作年度报告 {y - 1}-01-18 浏览次数：2356",
              f"示例市住房和城乡建设局{y + 1}年政府信息公开工作年度报告 {y + 2}-01-09 浏览次数：118",
              "示例市人民政府关于印发2024年重点工作任务的通知 (312)"]
    after = [f"发布日期：{y + 1}-01-26 信息来源：{a} 浏览次数：4096 【打印本页】【关闭窗口】",
             f"上一篇：{a}{y - 1}年政府信息公开工作年度报告",
             f"下一篇：示例市统计局{y}年政府信息公开工作年度报告",
             "相关链接",
             f"1. 示例市人民政府{y}年政府信息公开工作年度报告 ({y + 1}-03-30)",
             f"2. 示例市财政局{y - 2}年政府信息公开工作年度报告 ({y - 1}-01-15)",
             "主办单位：示例市人民政府办公室 网站标识码：3301000001 ICP备案号：示ICP备12345678号-1 "
             "公安机关备案号：33010202000123号 联系电话：0571-87051234"]
    return Plan(post=lambda data, f: _around_article(data, f, before, after))


@transform("page_nav_next_title_after_tables", "7", ("txt", "flat", "md", "html"))
def _page_nav_next_title_after_tables(rep: dict, fmt: str) -> Plan:
    """After the article, a 下一篇 link carrying a full report title of the same agency and the
    next year on a line of its own (no 下一篇 prefix: the link text only, as html2text writes a
    link list), then its 发布日期 — a second report's title with nothing after it."""
    a, y = rep["agency"], int(rep["year"])
    after = ["下一篇", f"{a}{y + 1}年政府信息公开工作年度报告", f"{y + 2}-01-20", "浏览次数：35"]
    return Plan(post=lambda data, f: _around_article(data, f, [], after))


def _wrap_disp(s: str, w: int) -> list[str]:
    """``s`` cut into lines of at most ``w`` display columns (CJK two wide), as a grid table's
    box wraps its text."""
    out, cur = [], ""
    for ch in s:
        if _disp(cur + ch) > w:
            out.append(cur)
            cur = ""
        cur += ch
    return out + [cur] if cur or not out else out


def _md_grid(rows: list[list[str]], widths: list[int], header: int) -> list[str]:
    """Rows as a pandoc grid table: ``+---+`` borders, ``+===+`` under the header rows, cell
    text wrapped inside its column's width (a long label over several lines of one row)."""
    def border(ch: str) -> str:
        return "+" + "+".join(ch * (w + 2) for w in widths) + "+"
    lines = [border("-")]
    for i, row in enumerate(rows):
        parts = [_wrap_disp(s, w) for s, w in zip(row, widths)]
        for k in range(max(len(p) for p in parts)):
            cells = [(p[k] if k < len(p) else "") for p in parts]
            lines.append("|" + "|".join(" " + c + " " * (w - _disp(c)) + " " for c, w in zip(cells, widths)) + "|")
        lines.append(border("=" if i == header - 1 else "-"))
    return lines


def _md_pipe_tables(text: str, fn: Callable[[list[list[str]]], list[str]]) -> str:
    """Every pipe table of a markdown text replaced by ``fn(rows)`` (its separator row dropped)."""
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if block:
            rows = [[c.strip() for c in ln.strip()[1:-1].split("|")] for ln in block
                    if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", ln.strip())]
            out.extend(fn(rows))
            block.clear()
    for ln in text.split("\n"):
        if ln.startswith("|"):
            block.append(ln)
        else:
            flush()
            out.append(ln)
    flush()
    return "\n".join(out)


@transform("md_pandoc_grid_tables", "extra", ("md",))
def _md_pandoc_grid_tables(rep: dict, fmt: str) -> Plan:
    """Markdown from pandoc with ``grid_tables``: ``+---+`` borders, ``+===+`` under the first
    row, long labels wrapped over several lines inside their row (label columns 12 wide)."""
    def grid(rows: list[list[str]]) -> list[str]:
        n = len(rows[0])
        numeric = [all(not c or re.fullmatch(r"[\d.,/—-]+", c) for c in (r[j] for r in rows[1:])) for j in range(n)]
        widths = [max(4, min(12 if not numeric[j] else 8, max(_disp(r[j]) for r in rows))) for j in range(n)]
        return _md_grid(rows, widths, 1)
    return Plan(post=lambda data, f: _fmt_text(data, f, lambda t: _md_pipe_tables(t, grid)))


@transform("md_rst_simple_tables", "extra", ("md", "txt"))
def _md_rst_simple_tables(rep: dict, fmt: str) -> Plan:
    """Tables as reStructuredText simple tables (a docs pipeline's output): ``====`` rules above,
    under the first row and below, columns by their rules' extent, cells padded with spaces."""
    def rst(rows: list[list[str]]) -> list[str]:
        n = len(rows[0])
        widths = [max(2, max(_disp(r[j]) for r in rows)) for j in range(n)]
        rule = "  ".join("=" * w for w in widths)
        body = ["  ".join(c + " " * (w - _disp(c)) for c, w in zip(r, widths)).rstrip() for r in rows]
        return ["", rule, body[0], rule] + body[1:] + [rule, ""]

    def post(data: bytes, f: str) -> bytes:
        md = R.render(rep, "md").decode("utf-8") if f == "txt" else data.decode("utf-8")
        out = _md_pipe_tables(md, rst)
        if f == "txt":
            out = re.sub(r"^#+ ", "", out, flags=re.M)
        return out.encode("utf-8")
    return Plan(post=post)


@transform("md_turndown_escapes", "extra", ("md",))
def _md_turndown_escapes(rep: dict, fmt: str) -> Plan:
    """Markdown from turndown/html2text: pipe rows without outer pipes, markdown characters
    escaped — ``1\\.属于国家秘密``, ``\\-`` and ``\\*`` — a note mark after some figures written
    ``\\*`` (the note under the table), ``\\|`` inside a label."""
    marked = {k for k, v in rep["cells"].items() if isinstance(v, int) and v and k.startswith("t3.new_received")}

    def edit(t: str) -> str:
        out = []
        for ln in t.split("\n"):
            if ln.startswith("|"):
                ln = re.sub(r"(?<=\| )(\d+)\.(?=\D)", r"\1\\.", ln)
                ln = ln.replace("“三安全一稳定”", "\\*三安全一稳定\\*").replace("(", "\\(").replace(")", "\\)")
                ln = ln[1:-1].strip() if ln.endswith("|") else ln
            out.append(ln)
        return "\n".join(out)

    def value_text(k: str, s: str) -> str:
        return s + "\\*" if k in marked else s

    def pieces(a: Any, b: Any, c: Any, r: Any) -> tuple:
        return a, [b, "\\*注：含通过互联网提交的申请。"], c
    return Plan(opts={"value_text": value_text, "tables": tables_hook(pieces=pieces)},
                post=lambda data, f: _fmt_text(data, f, edit))


# ---- tables 二 and 四 written as sentences


_T2_PHRASE = {
    "issued_count": "本年制发{row}{v}件", "repealed_count": "废止{v}件", "in_force_count": "现行有效{v}件",
    "newly_made_count": "本年新制作{row}{v}件", "newly_published_count": "本年新公开{v}件",
    "total_published_count": "对外公开总数量{v}件",
    "prior_year_item_count": "{row}上年项目数量{v}项", "current_item_count": "本年项目数量{v}项",
    "item_count_change": "本年增/减{v}项", "decision_count": "{row}本年处理决定数量{v}件",
    "fee_amount_wan_yuan": "{row}本年收费金额{v}万元",
    "procurement_project_count": "{row}采购项目数{v}个", "procurement_amount_wan_yuan": "采购总金额{v}",
}


def _t2_sentences(rep: dict, r: Any) -> list[str]:
    cells = rep["cells"]
    rows: list[str] = []
    for k in cells:
        if k.startswith("t2."):
            row = k.split(".")[1]
            if row not in rows:
                rows.append(row)
    lines = []
    for row in rows:
        parts = []
        for k in [k for k in cells if k.startswith(f"t2.{row}.")]:
            col = k.split(".")[2]
            v = r._value(k)
            if v in ("", "/"):
                v = "0" if v == "" else "/"
            elif col.endswith("wan_yuan") and not v.endswith("元"):
                v += "万元"
            first = not parts
            phrase = _T2_PHRASE.get(col, "{row}" + vocab.col_zh("t2", col) + "{v}")
            if not first:
                phrase = phrase.replace("{row}", "")
            parts.append(phrase.format(row=vocab.row_zh("t2", row), v=v))
        lines.append("，".join(parts) + "。")
    return lines


@transform("t2_as_sentences", "extra", ("txt", "flat", "md", "html", "docx"))
def _t2_as_sentences(rep: dict, fmt: str) -> Plan:
    """Table 二 written as sentences (a short report): 「本年制发规章0件，废止0件，现行有效0件。」
    「行政许可本年处理决定数量708件。」… — every figure printed once, after its row and column
    words: read them, or flag them; never a figure under another key."""
    t2 = _keys(rep["cells"], "t2.")
    return Plan(opts={"tables": lambda a, b, c, r: (_t2_sentences(rep, r), b, c)}, flag_ok=t2)


def _t4_sentences(rep: dict, r: Any) -> list[str]:
    cells = rep["cells"]
    words = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结"}

    def v(k: str) -> str:
        s = r._value(k)
        return s if s.strip() else "0"
    out = []
    lead = {"admin_reconsideration": "本年度因政府信息公开工作被申请行政复议",
            "litigation_direct": "被提起行政诉讼（未经复议直接起诉）",
            "litigation_after_reconsideration": "被提起行政诉讼（复议后起诉）"}
    for row in vocab.T4_ROW_KEYS:
        if f"t4.{row}.total" not in cells:
            continue
        parts = [f"{words[c]}{v(f't4.{row}.{c}')}件" for c in ("upheld", "corrected", "other", "pending")
                 if f"t4.{row}.{c}" in cells]
        out.append(f"{lead[row]}{v(f't4.{row}.total')}件，其中" + "，".join(parts) + "。")
    return out


@transform("t4_as_sentences", "extra", ("txt", "flat", "md", "html", "docx"))
def _t4_as_sentences(rep: dict, fmt: str) -> Plan | None:
    """Table 四 written as sentences: 「本年度因政府信息公开工作被申请行政复议3件，其中结果维持1件，
    结果纠正0件……」 — the 总计 first, then the results: read them or flag them."""
    t4 = _keys(rep["cells"], "t4.")
    if not t4:
        return None
    return Plan(opts={"tables": lambda a, b, c, r: (a, b, _t4_sentences(rep, r))}, flag_ok=t4)


# ---- titles and the report's identity


@transform("title_niandu_in_brackets_no_gongzuo", "14")
def _title_niandu_in_brackets_no_gongzuo(rep: dict, fmt: str) -> Plan:
    """Title form 「…政府信息公开年度报告（2023年度）」 (no 工作, the year in brackets after)."""
    return _title_plan([f"{rep['agency']}政府信息公开年度报告（{rep['year']}年度）"], may_reject=True)


@transform("title_year_first_gongzuo_baogao", "14")
def _title_year_first_gongzuo_baogao(rep: dict, fmt: str) -> Plan:
    """Title form 「2023年度示例市某局政府信息公开工作报告」: the year first, the agency after it,
    工作报告 (no 年度 before 报告)."""
    return _title_plan([f"{rep['year']}年度{rep['agency']}政府信息公开工作报告"], may_reject=True)


@transform("title_chinese_year_in_brackets", "14")
def _title_chinese_year_in_brackets(rep: dict, fmt: str) -> Plan:
    """Title form 「…政府信息公开工作年度报告（二〇二三年度）」: the year in Chinese numerals in
    brackets after the title."""
    y = "".join("〇一二三四五六七八九"[int(d)] for d in str(rep["year"]))
    return _title_plan([f"{rep['agency']}政府信息公开工作年度报告（{y}年度）"], may_reject=True)


@transform("title_lenticular_column_tag", "14")
def _title_lenticular_column_tag(rep: dict, fmt: str) -> Plan:
    """A CMS column tag in 【】 before the title: 「【政务公开】示例市某局2023年政府信息公开工作
    年度报告」."""
    return _title_plan([f"【政府信息公开年报】{rep['agency']}{rep['year']}年政府信息公开工作年度报告"])


@transform("title_in_guillemets", "14")
def _title_in_guillemets(rep: dict, fmt: str) -> Plan:
    """The title printed inside 《》: 「《示例市某局2023年政府信息公开工作年度报告》」."""
    return _title_plan([f"《{rep['agency']}{rep['year']}年政府信息公开工作年度报告》"])


@transform("title_agency_in_lenticular", "14")
def _title_agency_in_lenticular(rep: dict, fmt: str) -> Plan:
    """The agency in 【】 at the head of the title: 「【示例市某局】2023年政府信息公开工作年度报告」."""
    return _title_plan([f"【{rep['agency']}】{rep['year']}年政府信息公开工作年度报告"])


@transform("title_wenhao_line_below", "14")
def _title_wenhao_line_below(rep: dict, fmt: str) -> Plan:
    """A 文号 line of the next year and the issuing office (the parent government's office) under
    the title: 「示政办〔2024〕3号」「示例市人民政府办公室」."""
    y = int(rep["year"])
    t = f"{rep['agency']}{y}年政府信息公开工作年度报告"
    return _title_plan([t, f"示政办发〔{y + 1}〕3号", "示例市人民政府办公室", f"{y + 1}年1月18日"], t)


@transform("title_abbrev_agency_signature_full", "14", ("txt", "flat", "md", "html"))
def _title_abbrev_agency_signature_full(rep: dict, fmt: str) -> Plan | None:
    """The title names the agency shortened (its 示例…市 prefix dropped: 「教育局2023年…」), the
    落款 at the end prints it in full above the date (digits, or 二〇二二年一月二十日): the agency is the full name (or the short
    one the title prints, or the file refused) — never another agency."""
    a = rep["agency"]
    m = re.match(r"(.*[省市州盟县区旗])(.{2,}(局|委员会|办公室|中心|厅|委|院|馆|处|所|站))$", a)
    if not m or len(m.group(2)) < 3:
        return None
    short = m.group(2)
    t = f"{short}{rep['year']}年政府信息公开工作年度报告"
    y1 = int(rep["year"]) + 1   # the 落款's date in digits, or (odd years) in Chinese numerals
    after = [a, f"{_cn_year(y1, '〇')}年一月二十日" if y1 % 2 else f"{y1}年1月20日"]
    return Plan(opts={"title_lines": [t], "meta_title": t}, may_reject=True,
                post=lambda data, f: _around_article(data, f, [], after))


@transform("meta_publisher_parent_wenhao", "14", ("flat",))
def _meta_publisher_parent_wenhao(rep: dict, fmt: str) -> Plan:
    """Crawler text whose header fills 文号 (next year's) and 发布机构 (the parent government's
    office): the agency is the title's, the year the title's."""
    y = int(rep["year"])

    def edit(t: str) -> str:
        return (t.replace("文号: \n", f"文号: 示政办函〔{y + 1}〕12号\n", 1)
                .replace("发布机构: \n", "发布机构: 示例市人民政府办公室\n", 1))
    return Plan(post=lambda data, f: _fmt_text(data, f, edit))


@transform("body_cites_prior_period_first", "14", ("txt", "flat", "md", "html"))
def _body_cites_prior_period_first(rep: dict, fmt: str) -> Plan:
    """The first sentence compares with the previous statistics period, with its full dates
    (「与上一统计期限（2022年1月1日至2022年12月31日）相比」), before the report's own 统计期限:
    the year is the title's and the period's, not the cited one."""
    y = int(rep["year"])
    lead = f"与上一统计期限（{y - 1}年1月1日至{y - 1}年12月31日）相比，本年度申请数量有所变化。"
    return Plan(post=lambda data, f: _fmt_text(data, f, lambda t: t.replace("本报告由", lead + "本报告由", 1)))


@transform("body_period_chinese_numerals_title_without_year", "14", ("txt", "flat", "md", "html", "docx"))
def _body_period_chinese_numerals(rep: dict, fmt: str) -> Plan:
    """No year in the title; the body writes every year in Chinese numerals (二〇二三年1月1日至
    二〇二三年12月31日, 二〇二三年度): read that year or refuse, never another."""
    y = str(rep["year"])
    cy = "".join("〇一二三四五六七八九"[int(d)] for d in y)
    t = f"{rep['agency']}政府信息公开工作年度报告"

    def edit(s: str) -> str:
        return s.replace(f"{y}年", f"{cy}年")

    def post(data: bytes, f: str) -> bytes:
        return _docx_edit(data, edit) if f == "docx" else _fmt_text(data, f, edit)
    return Plan(opts={"title_lines": [t], "meta_title": t}, may_reject=True, post=post)


@transform("title_next_year_period_chinese_numerals", "14", ("txt", "flat", "md", "html", "docx"))
def _title_next_year_period_chinese_numerals(rep: dict, fmt: str) -> Plan:
    """A title naming the publication year (``2021年度…``) over a body whose years are written in
    Chinese numerals (统计期限为二〇二〇年1月1日至二〇二〇年12月31日): the report's year is the
    year reported on — read it, or refuse the contradiction."""
    y = str(rep["year"])
    cy = "".join("〇一二三四五六七八九"[int(d)] for d in y)
    t = f"{rep['agency']}{int(y) + 1}年度政府信息公开工作年度报告"

    def edit(s: str) -> str:
        return s.replace(f"统计期限为{y}年1月1日至{y}年", f"统计期限为{cy}年1月1日至{cy}年")

    def post(data: bytes, f: str) -> bytes:
        return _docx_edit(data, edit) if f == "docx" else _fmt_text(data, f, edit)
    return Plan(opts={"title_lines": [t], "meta_title": t}, may_reject=True, post=post)


def _t3_paged(furniture: list[str], header_again: bool = False) -> Callable[[Grid, Any], list]:
    """Table 三 cut where a CMS splits a long article into pages (before （四）无法提供), the
    page's pagination lines between the halves (the crawler joined the pages)."""
    def t3(g: Grid, r: Any) -> list:
        at = g.row_of("t3.unavailable_not_held.")
        g.insert_row(at, [lit() for _ in range(g.ncols)], keep_spans=False)
        lower = g.copy()
        lower.slots = ([list(row) for row in g.slots[:3]] if header_again else []) + lower.slots[at + 1:]
        if not header_again:
            lower.header_rows = 0
        g.slots = g.slots[:at]
        return [g.table(), *furniture, lower.table()]
    return t3


@transform("cms_pagination_inside_table3", "extra", ("txt", "flat", "md", "html"))
def _cms_pagination_inside_table3(rep: dict, fmt: str) -> Plan:
    """An article a CMS split into pages, joined by the crawler: table 三 breaks off before
    （四）无法提供, the pagination (``第1页 共2页``, ``上一页``, ``1``, ``2``, ``下一页``, one a line)
    and the second page's rest of the table without a header.  No page number is a figure."""
    return Plan(opts={"tables": tables_hook(t3=_t3_paged(["第1页 共2页", "上一页", "1", "2", "下一页"]))})


@transform("cms_pagination_numbers_one_line", "extra", ("txt", "flat", "md", "html"))
def _cms_pagination_numbers_one_line(rep: dict, fmt: str) -> Plan:
    """As ``cms_pagination_inside_table3`` with the page links on one line (``1 2 3 下一页 尾页``)
    and a 浏览次数 line: numbers separated by spaces, as a row of figures would be."""
    return Plan(opts={"tables": tables_hook(t3=_t3_paged(["1 2 3 下一页 尾页", "浏览次数：2356"]))})


@transform("txt_pdftotext_page_furniture", "11", ("txt",))
def _txt_pdftotext_page_furniture(rep: dict, fmt: str) -> Plan:
    """A PDF saved as text the way ``pdftotext -layout`` does, with what the printout adds on
    every page: a browser's header line (date, time, the page's address) and a centred page
    number ``— 2 —`` at the foot, a form feed between pages — inside the tables where a page
    breaks.  No page figure is a cell."""
    def post(data: bytes, f: str) -> bytes:
        import pdfplumber
        y = int(rep["year"])
        pages = []
        with pdfplumber.open(io.BytesIO(R.render(rep, "pdf"))) as pdf:
            for i, p in enumerate(pdf.pages, 1):
                head = f"{y + 1}/1/20 10:21{' ' * 24}https://www.example.gov.cn/art/{y + 1}/1/20/art_1229_{7000 + i}.html"
                pages.append(f"{head}\n{p.extract_text(layout=True).rstrip()}\n{' ' * 36}— {i} —\n")
        return "\f".join(pages).encode("utf-8")
    return Plan(post=post, complete=False)


def _cn_year(y: int, zero: str) -> str:
    return "".join(zero if d == "0" else "〇一二三四五六七八九"[int(d)] for d in str(y))


@transform("title_year_latin_o", "14")
def _title_year_latin_o(rep: dict, fmt: str) -> Plan:
    """The title's year in Chinese numerals with a Latin capital O for zero (二O二一年), as
    typists write it."""
    return _title_plan([f"{rep['agency']}{_cn_year(rep['year'], 'O')}年度政府信息公开工作年度报告"], may_reject=True)


@transform("title_year_digit_zero", "14")
def _title_year_digit_zero(rep: dict, fmt: str) -> Plan:
    """The title's year in Chinese numerals with the digit 0 for zero (二0二一年)."""
    return _title_plan([f"{rep['agency']}{_cn_year(rep['year'], '0')}年度政府信息公开工作年度报告"], may_reject=True)


@transform("title_fulltext_suffix_and_tujie_link", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_fulltext_suffix_and_tujie_link(rep: dict, fmt: str) -> Plan:
    """A 图解 link to the report's own explainer above the title (another article of the same
    agency and year), the title with （全文） after it."""
    a, y = rep["agency"], rep["year"]
    t = f"{a}{y}年政府信息公开工作年度报告（全文）"
    return _title_plan([f"图解：{a}{y}年政府信息公开工作年度报告", t], t)


def _html2text(html: str) -> str:
    """Markdown as ``html2text`` writes a page: paragraphs; a table's rows as cells joined by
    `` | `` without outer pipes, ``---|---`` after the first row (its cell count), every row
    ending in two spaces (a markdown line break); ``colspan`` and ``rowspan`` ignored, so a row
    under a spanning cell prints fewer cells; ``<br>`` inside a cell a space."""
    from lxml import html as lh
    root = lh.fromstring(html)
    out: list[str] = []

    def text(el: Any) -> str:
        for br in el.iter("br"):
            br.tail = " " + (br.tail or "")
        return " ".join("".join(el.itertext()).split())
    for el in root.iter("p", "table"):
        if el.tag == "p":
            if el.getparent() is not None and any(a.tag == "table" for a in el.iterancestors()):
                continue
            t = text(el)
            if t:
                out += [t, ""]
            continue
        rows = [[text(c) for c in tr if c.tag in ("td", "th")] for tr in el.iter("tr")]
        for i, row in enumerate(rows):
            out.append(" | ".join(row) + "  ")
            if i == 0:
                out.append("|".join("---" for _ in row) + "  ")
        out.append("")
    return "\n".join(out) + "\n"


@transform("md_html2text_tables", "extra", ("md",))
def _md_html2text_tables(rep: dict, fmt: str) -> Plan:
    """The page converted by ``html2text``: pipe rows without outer pipes ending in two spaces,
    merged cells not expanded — a row under a rowspan (（三）不予公开's sub-rows) prints only its
    own cells, a header with colspans fewer cells than the figures below it."""
    return Plan(post=lambda data, f: _html2text(R.render(rep, "html", style="plain").decode("utf-8")).encode("utf-8"))


@transform("title_split_after_one_link", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_split_after_one_link(rep: dict, fmt: str) -> Plan:
    """One link line of the page's sidebar — another agency's report of the same year, no list
    heading, no 上一篇 — above the report's title printed in two lines (the agency, then
    「2021年政府信息公开工作年度报告」): the agency is the report's own."""
    y = rep["year"]
    t = f"{rep['agency']}{y}年政府信息公开工作年度报告"
    return _title_plan([f"示例市交通运输局{y}年政府信息公开工作年度报告", rep["agency"], f"{y}年政府信息公开工作年度报告"], t)


@transform("title_after_one_link_other_year", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_after_one_link_other_year(rep: dict, fmt: str) -> Plan:
    """One sidebar link line — the same agency's report of the year before, with its date —
    right above the report's one-line title."""
    y = int(rep["year"])
    t = f"{rep['agency']}{y}年政府信息公开工作年度报告"
    return _title_plan([f"{rep['agency']}{y - 1}年政府信息公开工作年度报告 {y}-01-18", t], t)


@transform("title_abbrev_agency_named_in_intro", "14")
def _title_abbrev_agency_named_in_intro(rep: dict, fmt: str) -> Plan | None:
    """The title names the agency shortened (「教育局2021年…」), no 落款; the first paragraph
    names it in full (本报告由示例…市教育局编制): the agency is the full name (or the short one,
    or the file refused) — never another agency."""
    a = rep["agency"]
    m = re.match(r"(.*[省市州盟县区旗])(.{2,}(局|委员会|办公室|中心|厅|委|院|馆|处|所|站))$", a)
    if not m or len(m.group(2)) < 3:
        return None
    t = f"{m.group(2)}{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [t], "meta_title": t}, may_reject=True)
# ---- adversary round 8 (r8struct)
# HTML and DOCX as agencies' CMSs and Word habits produce them: tables cut per row, CSS grids,
# figure cells holding paragraphs, Word's inline wrappers and fields, nested cells, gridBefore,
# and number spellings not tried before (mathematical digits, ``/`` and ``——`` for zero, 〇).


def _html_table_at(i: int, fn: Callable[[str], str]) -> Callable[[bytes, str], bytes]:
    """An HTML edit of the ``i``-th ``<table>`` (0: table 二, 1: table 三, 2: table 四)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = list(re.finditer(r"<table.*?</table>", s, re.S))[i]
        return (s[:m.start()] + fn(m.group(0)) + s[m.end():]).encode("utf-8")
    return post


@transform("t3_rows_own_tables", "extra", ("html", "docx"))
def _t3_rows_own_tables(rep: dict, fmt: str) -> Plan:
    """A CMS editor that cuts table 三 after every row (each body row its own ``<table>`` / Word
    table, the header rows one table): merged cells cut at each table's edge, their text in the
    first piece only.  The figures are all there in column order: read them, or flag — never
    take a figure into another row or column."""
    def t3(g: Grid, r: Any) -> list:
        n = g.header_rows
        out = []
        for lo, hi in [(0, n)] + [(i, i + 1) for i in range(n, len(g.slots))]:
            piece = g.copy()
            piece.slots = [list(row) for row in g.slots[lo:hi]]
            # a cell continuing from above this piece: printed empty here
            above = set(cid for row in g.slots[:lo] for cid in row)
            for row in piece.slots:
                for c, cid in enumerate(row):
                    if cid in above:
                        row[c] = piece.new(lit())
            out.append(piece.table(header_rows=n if lo == 0 else 0))
        return out
    return Plan(opts={"tables": tables_hook(t3=t3)}, flag_ok=_keys(rep["cells"], "t3."), complete=False)


_blank_zeros_variant("t3_rows_own_tables", "t3_rows_own_tables with zeros blank.")


def _css_grid(table: str) -> str:
    """An HTML table (spans already unmerged) as ``<div>``s styled ``display:table``."""
    t = re.sub(r"<table[^>]*>", '<div class="tbl" style="display:table;border-collapse:collapse">', table)
    t = t.replace("</table>", "</div>")
    t = re.sub(r"</?(?:tbody|thead|tfoot)[^>]*>", "", t)
    t = re.sub(r"<tr[^>]*>", '<div class="tr" style="display:table-row">', t).replace("</tr>", "</div>")
    t = re.sub(r"<t[dh][^>]*>", '<div class="td" style="display:table-cell;border:1px solid #000">', t)
    return re.sub(r"</t[dh]>", "</div>", t)


@transform("html_css_grid_tables", "11", ("html",))
def _html_css_grid_tables(rep: dict, fmt: str) -> Plan:
    """A CMS template that prints the tables as ``<div>`` grids (``display:table`` /
    ``table-row`` / ``table-cell``), merged cells split with the text in the first: a browser
    shows a table, the markup has none.  Read the grid, or flag: never a figure in another cell."""
    def un(g: Grid, r: Any) -> None:
        g.unmerge(repeat=False)

    def post(data: bytes, f: str) -> bytes:
        return re.sub(r"<table.*?</table>", lambda m: _css_grid(m.group(0)), data.decode("utf-8"),
                      flags=re.S).encode("utf-8")
    return Plan(opts={"tables": tables_hook(t2=un, t3=un, t4=un)}, post=post,
                flag_ok={k for k in rep["cells"] if k[:2] in ("t2", "t3", "t4")}, complete=False)


_blank_zeros_variant("html_css_grid_tables", "html_css_grid_tables with zeros blank.")


@transform("html_figure_cells_paragraphs", "extra", ("html",))
def _html_figure_cells_paragraphs(rep: dict, fmt: str) -> Plan:
    """Figure cells as an online editor leaves them: an empty paragraph before the figure
    (``<p>&nbsp;</p><p>26</p>``), a ``<br>`` after it (``26<br />``), the unit in a paragraph of
    its own (``<p>26</p><p>件</p>``), in turn over tables 二, 三 and 四."""
    n = iter(range(10 ** 6))

    def cell(m: re.Match) -> str:
        v = m.group(2)
        k = next(n) % 3
        inner = (f"<p>&nbsp;</p><p align=\"center\">{v}</p>" if k == 0 else
                 f"<p align=\"center\">{v}<br /></p>" if k == 1 else
                 f"<p align=\"center\">{v}</p><p align=\"center\">件</p>")
        return m.group(1) + inner + m.group(3)

    def post(data: bytes, f: str) -> bytes:
        return re.sub(r'(<td[^>]*>)<p align="center">(\d[\d.]*)</p>(</td>)', cell,
                      data.decode("utf-8")).encode("utf-8")
    return Plan(post=post)


_blank_zeros_variant("html_figure_cells_paragraphs", "html_figure_cells_paragraphs with zeros blank.")


def _t3_label_rowspan_rows(rep: dict) -> list[str]:
    cells = rep["cells"]
    return [r for r in ("new_received", "granted", "partially_granted", "carried_forward")
            if f"t3.{r}.total" in cells]


@transform("t3_label_over_blank_row", "extra", TABLED)
def _t3_label_over_blank_row(rep: dict, fmt: str) -> Plan | None:
    """Word leftovers: four table-三 rows' labels merged down over an empty row below them (the
    label cell spans two rows, the second row's figure cells blank — an emptied row the editor
    merged away).  The empty row prints no figure: the first row's figures stand."""
    rows = _t3_label_rowspan_rows(rep)
    if not rows:
        return None

    def t3(g: Grid, r: Any) -> None:
        for key in rows:
            at = g.row_of(f"t3.{key}.")
            g.insert_row(at + 1, [], keep_spans=True)
            row, new = g.slots[at], g.slots[at + 1]
            for c in range(g.ncols):
                if g.cells[row[c]].kind == "num":
                    break
                new[c] = row[c]    # the label (and group) cells reach over the empty row
    keys = {f"t3.{k}.{c}" for k in rows for c in vocab.T3_COL_KEYS if f"t3.{k}.{c}" in rep["cells"]}
    return Plan(opts={"tables": tables_hook(t3=t3)}, flag_ok=keys)


_blank_zeros_variant("t3_label_over_blank_row", "t3_label_over_blank_row with zeros blank: the empty row could be zeros.")


_R8_REV = 'w:id="{}" w:author="示例" w:date="2024-01-01T00:00:00Z"'


def _wrap_nested(run: str, i: int) -> str:
    """A figure's run inside one of the inline wrapper nestings Word and WPS write."""
    rev = _R8_REV.format(300 + i)
    sdt = f'<w:sdt><w:sdtPr><w:id w:val="{500 + i}"/><w:text/></w:sdtPr><w:sdtContent>{{}}</w:sdtContent></w:sdt>'
    k = i % 6
    if k == 0:      # a form's content control, its value typed with track changes on
        return sdt.format(f"<w:ins {rev}>{run}</w:ins>")
    if k == 1:      # a smart tag (number recognizer) inside a tracked insertion
        return f'<w:ins {rev}><w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chmetcnv">{run}</w:smartTag></w:ins>'
    if k == 2:      # a content control holding a formula field's result
        return sdt.format(f'<w:fldSimple w:instr=" =SUM(LEFT) ">{run}</w:fldSimple>')
    if k == 3:      # nested custom XML (an old Word template's data binding)
        return f'<w:customXml w:element="row"><w:customXml w:element="value">{run}</w:customXml></w:customXml>'
    if k == 4:      # a hyperlink inside a content control
        return sdt.format(f'<w:hyperlink w:anchor="_Toc{i}" w:history="1">{run}</w:hyperlink>')
    return f'<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chmetcnv"><w:ins {rev}>{run}</w:ins></w:smartTag>'


@transform("docx_figures_nested_wrappers", "extra", ("docx",))
def _docx_figures_nested_wrappers(rep: dict, fmt: str) -> Plan:
    """DOCX: each table-三 figure's run inside a nesting of inline wrappers Word writes — a
    content control around a tracked insertion, a smart tag in an insertion, a formula field in
    a content control, custom XML in custom XML, a hyperlink in a content control.  The figure is
    the cell's text, whatever wraps it."""
    n = iter(range(10 ** 6))

    def edit(t: str) -> str:
        return re.sub(r"<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>\d[\d.]*</w:t></w:r>",
                      lambda m: _wrap_nested(m.group(0), next(n)), t)
    return Plan(post=_docx_second_table(edit))


_blank_zeros_variant("docx_figures_nested_wrappers", "docx_figures_nested_wrappers with zeros blank.")


@transform("docx_totals_as_fields", "extra", ("docx",))
def _docx_totals_as_fields(rep: dict, fmt: str) -> Plan:
    """DOCX whose table-三 figures are Word formula fields (``{ =SUM(B4:G4) }`` as
    ``w:fldChar``/``w:instrText`` runs, the cached result after ``separate``), every other one
    a ``w:fldSimple``: the figure is the field's result; the cell addresses in the instruction
    are no figures."""
    n = iter(range(10 ** 6))

    def field(m: re.Match) -> str:
        i = next(n)
        run = m.group(0)
        if i % 2:
            return f'<w:fldSimple w:instr=" =SUM(B{i % 30 + 4}:G{i % 30 + 4}) \\# &quot;0&quot; ">{run}</w:fldSimple>'
        rpr = m.group(1) or ""
        return (f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                f'<w:r>{rpr}<w:instrText xml:space="preserve"> =SUM(B{i % 30 + 4}:G{i % 30 + 4}) </w:instrText></w:r>'
                f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>{run}'
                f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>')

    def edit(t: str) -> str:
        return re.sub(r"<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>\d[\d.]*</w:t></w:r>", field, t)
    return Plan(post=_docx_second_table(edit))


@transform("docx_value_cells_nested", "11", ("docx",))
def _docx_value_cells_nested(rep: dict, fmt: str) -> Plan:
    """DOCX pasted from a web page: each table-三 figure in a one-cell table inside its cell
    (Word keeps the page's nested tables), the outer cell holding only an empty paragraph after
    it.  The figures are in the file: read them in their cells, or flag — never read the outer
    cells as blank."""
    def edit(t: str) -> str:
        inner = ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="600"/>'
                 '</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="600" w:type="dxa"/></w:tcPr>{}</w:tc></w:tr></w:tbl><w:p/>')
        return re.sub(r"(<w:tc><w:tcPr>(?:(?!</w:tcPr>).)*</w:tcPr>)(<w:p>(?:(?!</w:p>).)*<w:t>\d[\d.]*</w:t>(?:(?!</w:p>).)*</w:p>)(</w:tc>)",
                      lambda m: m.group(1) + inner.format(m.group(2)) + m.group(3), t)
    return Plan(post=_docx_second_table(edit), flag_ok=_keys(rep["cells"], "t3."), complete=False)


_blank_zeros_variant("docx_value_cells_nested", "docx_value_cells_nested with zeros blank.")


@transform("docx_grid_before_group_col", "extra", ("docx",))
def _docx_grid_before_group_col(rep: dict, fmt: str) -> Plan:
    """DOCX from an HTML→Word converter: table 三's rows under 三、本年度办理结果 carry no cell for
    that merged column but ``w:gridBefore w:val="1"`` (the row starts one grid column in).  The
    cells stand in their grid columns."""
    def row(m: re.Match) -> str:
        tr = m.group(0)
        first = re.match(r"(<w:tr>(?:<w:trPr>.*?</w:trPr>)?)(<w:tc><w:tcPr>(?:(?!</w:tc>).)*?<w:vMerge/>(?:(?!</w:tc>).)*</w:tc>)",
                         tr, re.S)
        if not first:
            return tr
        head = first.group(1)
        rest = tr[first.end():]
        pr = '<w:trPr><w:gridBefore w:val="1"/><w:wBefore w:w="864" w:type="dxa"/></w:trPr>'
        if "<w:trPr>" in head:
            head = head.replace("<w:trPr>", '<w:trPr><w:gridBefore w:val="1"/>', 1)
        else:
            head = head + pr
        return head + rest

    def edit(t: str) -> str:
        return re.sub(r"<w:tr>.*?</w:tr>", row, t, flags=re.S)
    return Plan(post=_docx_second_table(edit))


_blank_zeros_variant("docx_grid_before_group_col", "docx_grid_before_group_col with zeros blank.")


@transform("numbers_math_digits", "extra")
def _numbers_math_digits(rep: dict, fmt: str) -> Plan:
    """Table 三's counts in mathematical bold digits (𝟐𝟔, U+1D7CE…), as text copied from a rich
    editor or a PDF with a math font prints them: the same figures."""
    md = str.maketrans("0123456789", "".join(chr(0x1D7CE + i) for i in range(10)))
    return Plan(opts={"value_text": lambda k, s: s.translate(md) if k.startswith("t3.") and s.isdigit() else s})


@transform("zeros_as_slash", "extra")
def _zeros_as_slash(rep: dict, fmt: str) -> Plan | None:
    """Zeros of tables 二, 三 and 四 printed ``/`` (the CMS's "not applicable"): null."""
    return _zeros_as(rep, ("t2", "t3", "t4"), "/")


@transform("zeros_as_double_emdash", "extra")
def _zeros_as_double_emdash(rep: dict, fmt: str) -> Plan | None:
    """Zeros of tables 二, 三 and 四 printed ``——`` (two em dashes, the Chinese dash): null."""
    return _zeros_as(rep, ("t2", "t3", "t4"), "——")


@transform("zeros_as_wu_t2", "extra")
def _zeros_as_wu_t2(rep: dict, fmt: str) -> Plan | None:
    """Zeros of table 二 printed ``无``: null (tables 三/四 keep their digits)."""
    return _zeros_as(rep, ("t2",), "无")


@transform("zeros_as_circle_zero", "extra")
def _zeros_as_circle_zero(rep: dict, fmt: str) -> Plan | None:
    """Zeros of tables 三 and 四 typed as the ideographic zero ``〇`` (U+3007) or its look-alike
    ``○`` (U+25CB, a white circle from the symbol palette): the figure 0, or a flag."""
    zeros = sorted(k for k, v in rep["cells"].items() if k[:2] in ("t3", "t4") and v == 0)
    if not zeros:
        return None
    glyph = {k: "〇" if i % 2 else "○" for i, k in enumerate(zeros)}
    return Plan(opts={"value_text": lambda k, s: glyph.get(k, s)}, flag_ok=set(zeros))


@transform("t2_figures_chinese_numerals", "extra")
def _t2_figures_chinese_numerals(rep: dict, fmt: str) -> Plan | None:
    """Table 二's counts (not money) in Chinese numerals (``十二``, ``零``, ``一百〇五``): table
    二 has no sum to check them by, so the value or a flag."""
    keys = {k for k, v in rep["cells"].items() if k.startswith("t2.") and not k.endswith(_MONEY)
            and isinstance(v, int) and 0 <= v < 10000}
    if not keys:
        return None

    def text(k: str, s: str) -> str:
        if k not in keys or not s.isdigit():
            return s
        c = chinese_numeral(int(s))
        return c.replace("零", "〇") if int(s) % 2 else c
    return Plan(opts={"value_text": text}, flag_ok=keys, complete=False)


def _docx_old_granted_row(rep: dict, kind: str) -> Callable[[bytes, str], bytes]:
    """A DOCX edit putting last draft's 予以公开 row (each figure + 4) after the real one,
    ``kind``: hidden (every run ``w:vanish``), deleted (a tracked row deletion, text as
    ``w:delText``) or moved away (a tracked move: the old place's runs in ``w:moveFrom``)."""
    rev = _R8_REV.format(700)

    def edit(t: str) -> str:
        m = next((m for m in re.finditer(r"<w:tr>.*?</w:tr>", t, re.S) if "（一）予以公开" in m.group(0)), None)
        if m is None:
            return t
        old = re.sub(r'<w:vMerge w:val="restart"/>(</w:tcPr>)<w:p>.*?</w:p>', r"<w:vMerge/>\1<w:p/>", m.group(0), count=1)
        old = re.sub(r"<w:t>(\d+)</w:t>", lambda d: f"<w:t>{int(d.group(1)) + 4}</w:t>", old)
        if kind == "hidden":
            old = re.sub(r"<w:r>(?:<w:rPr>(.*?)</w:rPr>)?", lambda r: f"<w:r><w:rPr>{r.group(1) or ''}<w:vanish/></w:rPr>", old)
        elif kind == "deleted":
            old = old.replace("<w:tr>", f"<w:tr><w:trPr><w:del {rev}/></w:trPr>", 1)
            old = re.sub(r"<w:r>(.*?)<w:t>(.*?)</w:t></w:r>", f"<w:del {rev}><w:r>\\1<w:delText>\\2</w:delText></w:r></w:del>", old)
        else:
            old = old.replace("<w:tr>", f"<w:tr><w:trPr><w:del {rev}/></w:trPr>", 1)
            old = re.sub(r"(<w:r>.*?</w:r>)", f'<w:moveFrom {rev}>\\1</w:moveFrom>', old)
        return t[:m.end()] + old + t[m.end():]
    return _docx_second_table(edit)


def _old_row_plan(rep: dict, kind: str) -> Plan | None:
    cells = rep["cells"]
    if "t3.granted.total" not in cells:
        return None
    return Plan(post=_docx_old_granted_row(rep, kind),
                flag_ok=_keys(cells, "t3.granted.") | _keys(cells, "t3.result_total."))


@transform("docx_hidden_old_row", "12", ("docx",))
def _docx_hidden_old_row(rep: dict, fmt: str) -> Plan | None:
    """DOCX keeping last draft's 予以公开 row (other figures) as hidden text (every run
    ``w:vanish``) after the real one: Word prints it not; its figures are no figures."""
    return _old_row_plan(rep, "hidden")


@transform("docx_deleted_old_row", "12", ("docx",))
def _docx_deleted_old_row(rep: dict, fmt: str) -> Plan | None:
    """DOCX with track changes left in: last draft's 予以公开 row deleted as a tracked row
    deletion (``w:trPr/w:del``, its text ``w:delText``): no part of the document's text."""
    return _old_row_plan(rep, "deleted")


@transform("docx_moved_old_row", "12", ("docx",))
def _docx_moved_old_row(rep: dict, fmt: str) -> Plan | None:
    """DOCX with track changes left in: a 予以公开 row (last draft's figures) moved away, the
    old place's runs in ``w:moveFrom`` (still ``w:t`` text) in a row marked deleted."""
    return _old_row_plan(rep, "moved")


_blank_zeros_variant("docx_hidden_old_row", "docx_hidden_old_row with zeros blank.")
_blank_zeros_variant("docx_deleted_old_row", "docx_deleted_old_row with zeros blank.")


@transform("html_t2_as_lists", "11", ("html",))
def _html_t2_as_lists(rep: dict, fmt: str) -> Plan:
    """A CMS rich-text field that cannot hold tables: table 二 as nested lists, a sub-table per
    item, its rows as items with their cells as ``<li>`` (``<li>规章<ul><li>本年制发件数：0</li>…``).
    The figures with their column words are there: read them, or flag."""
    def post(data: bytes, f: str) -> bytes:
        def as_lists(m: re.Match) -> str:
            t = m.group(0)
            out, head = ["<ul>"], []
            for row in re.findall(r"<tr>(.*?)</tr>", t, re.S):
                cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                if len(cells) == 1:
                    out.append(f"<li><strong>{cells[0]}</strong></li>")
                elif not any(ch.isdigit() for c in cells[1:] for ch in c):
                    head = cells[1:]
                else:
                    items = "".join(f"<li>{h}：{v}</li>" for h, v in zip(head, cells[1:]))
                    out.append(f"<li>{cells[0]}<ul>{items}</ul></li>")
            return "".join(out) + "</ul>"
        s = data.decode("utf-8")
        m = re.search(r"<table.*?</table>", s, re.S)
        return (s[:m.start()] + as_lists(m) + s[m.end():]).encode("utf-8")
    return Plan(post=post, flag_ok=_keys(rep["cells"], "t2."), complete=False)


@transform("html_rowspan_overrun", "extra", ("html",))
def _html_rowspan_overrun(rep: dict, fmt: str) -> Plan:
    """A CMS editor deleted rows but left the merged cells' ``rowspan`` as it was: table 三's
    三、本年度办理结果 and table 四's column heads span nine rows past where they end (a browser
    stops them at the table's last row; within the table they cover rows below)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        s = re.sub(r'rowspan="(\d+)"', lambda m: f'rowspan="{int(m.group(1)) + 9}"', s)
        return s.encode("utf-8")
    return Plan(post=post)


@transform("html_tables_in_layout_table", "extra", ("html",))
def _html_tables_in_layout_table(rep: dict, fmt: str) -> Plan:
    """An old CMS page laid out by a table: the article (text and its tables) in one cell, a
    side column beside it with the page's counters and dates (``浏览次数：1234``,
    ``发布日期：2022-01-20``).  The side column's numbers are no figures."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i, j = s.index("<body>") + 6, s.rindex("</body>")
        side = ('<td width="180" valign="top"><p>发布日期：2022-01-20</p><p>浏览次数：1234</p>'
                '<p>字号：14 16 18</p><p>附件：0</p></td>')
        return (s[:i] + '<table width="980" border="0"><tr><td valign="top">' + s[i:j] + "</td>"
                + side + "</tr></table>" + s[j:]).encode("utf-8")
    return Plan(post=post)


@transform("html_row_labels_th", "extra", ("html",))
def _html_row_labels_th(rep: dict, fmt: str) -> Plan:
    """Accessible CMS markup: every row's label cell a ``<th scope="row">``, the header cells
    ``<th scope="col">`` in the body's rows (no ``<thead>``)."""
    def post(data: bytes, f: str) -> bytes:
        def row(m: re.Match) -> str:
            tr = m.group(0)
            if not re.search(r'<p align="center">[\d.]+</p>', tr):
                return re.sub(r"<td([^>]*)>(.*?)</td>", r'<th scope="col"\1>\2</th>', tr)
            return re.sub(r"<td([^>]*)>((?:(?!</td>).)*[^\d\s<>.](?:(?!</td>).)*)</td>",
                          lambda c: (f'<th scope="row"{c.group(1)}>{c.group(2)}</th>'
                                     if not re.fullmatch(r'<p align="center">[\d.]*</p>', c.group(2)) else c.group(0)), tr)
        return re.sub(r"<tr>.*?</tr>", row, data.decode("utf-8"), flags=re.S).encode("utf-8")
    return Plan(post=post)


@transform("money_thousands_sep", "4")
def _money_thousands_sep(rep: dict, fmt: str) -> Plan | None:
    """Amounts of 1,000 万元 and more printed with thousands separators (``96,171.6``), ASCII in
    one report, full-width (``96，171.6``) in the next: the same amounts."""
    keys = [k for k in _money_keys(rep["cells"]) if (rep["cells"][k] or 0) >= 1000]
    if not keys:
        return None
    sep = "," if len(rep["agency"]) % 2 else "，"

    def value_text(k: str, s: str) -> str:
        if k not in keys:
            return s
        whole, _, frac = s.partition(".")
        return f"{int(whole):,}".replace(",", sep) + (f".{frac}" if frac else "")
    return Plan(opts={"value_text": value_text})


@transform("numbers_nbsp_thousands", "extra")
def _numbers_nbsp_thousands(rep: dict, fmt: str) -> Plan | None:
    """Counts of 1,000 and more grouped with a no-break space (``3&nbsp;001``, U+00A0), as an
    online editor's number format prints them."""
    if not _nonzero(rep["cells"], "t", 1, minimum=1000):
        return None
    return Plan(opts={"value_text": _count_text(lambda k, s: f"{int(s):,}".replace(",", "\u00a0"))})


@transform("t2_t4_rows_own_tables", "extra", ("html", "docx"))
def _t2_t4_rows_own_tables(rep: dict, fmt: str) -> Plan:
    """The editor of ``t3_rows_own_tables`` on tables 二 and 四: every row of table 二 its own
    table (a sub-table's heading, its column heads and each item apart), table 四's header rows
    one table and its figures row another without a header.  Read them, or flag."""
    def per_row(g: Grid, r: Any, keep_header: bool) -> list:
        n = g.header_rows if keep_header else 0
        out = []
        for lo, hi in ([(0, n)] if n else []) + [(i, i + 1) for i in range(n, len(g.slots))]:
            piece = g.copy()
            piece.slots = [list(row) for row in g.slots[lo:hi]]
            above = set(cid for row in g.slots[:lo] for cid in row)
            for row in piece.slots:
                for c, cid in enumerate(row):
                    if cid in above:
                        row[c] = piece.new(lit())
            out.append(piece.table(header_rows=hi - lo if lo == 0 and n else 0))
        return out
    keys = {k for k in rep["cells"] if k[:2] in ("t2", "t4")}
    return Plan(opts={"tables": tables_hook(t2=lambda g, r: per_row(g, r, False),
                                            t4=lambda g, r: per_row(g, r, True))},
                flag_ok=keys, complete=False)


_blank_zeros_variant("t2_t4_rows_own_tables", "t2_t4_rows_own_tables with zeros blank.")


@transform("t2_label_over_blank_row", "extra", TABLED)
def _t2_label_over_blank_row(rep: dict, fmt: str) -> Plan | None:
    """Word leftovers in table 二: each item's label merged down over an empty row below it (its
    figure cells blank).  The empty row prints no figure: table 二 has no sum to tell, so the
    first row's figures stand (or a flag)."""
    def t2(g: Grid, r: Any) -> None:
        at = len(g.slots) - 1
        while at >= 0:
            row = g.slots[at]
            first_num = next((c for c in range(g.ncols) if g.cells[row[c]].kind == "num"), None)
            if first_num:
                g.insert_row(at + 1, [], keep_spans=True)
                for c in range(first_num):
                    g.slots[at + 1][c] = row[c]
            at -= 1
    keys = _keys(rep["cells"], "t2.")
    return Plan(opts={"tables": tables_hook(t2=t2)}, flag_ok=keys) if keys else None


_PLACEHOLDER = "单击或点击此处输入文字。"


@transform("docx_form_placeholder_cells", "extra", ("docx",))
def _docx_form_placeholder_cells(rep: dict, fmt: str) -> Plan | None:
    """A DOCX form (a 办公厅's template) whose figure cells are content controls; the cells the
    agency left empty still show the control's placeholder (``<w:showingPlcHdr/>``, 单击或点击
    此处输入文字。).  Zeros printed blank: such a cell holds no figure (0 by the report's habit,
    or a flag) — the placeholder is no label."""
    zeros = {k for k, v in rep["cells"].items() if k[:2] in ("t3", "t4") and v == 0}
    if not zeros:
        return None
    n = iter(range(10 ** 6))

    def edit(t: str) -> str:
        def cell(m: re.Match) -> str:
            i = next(n)
            return (f'{m.group(1)}<w:sdt><w:sdtPr><w:id w:val="{900 + i}"/><w:showingPlcHdr/><w:text/></w:sdtPr>'
                    f'<w:sdtContent><w:p><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
                    f'<w:t>{_PLACEHOLDER}</w:t></w:r></w:p></w:sdtContent></w:sdt>{m.group(3)}')
        return re.sub(r"(<w:tc><w:tcPr>(?:(?!</w:tcPr>).)*</w:tcPr>)(<w:p/>)(</w:tc>)", cell, t)

    def post(data: bytes, f: str) -> bytes:
        def both(x: str) -> str:
            ms = list(re.finditer(r"<w:tbl>.*?</w:tbl>", x, re.S))
            for m in reversed(ms[1:3]):
                x = x[:m.start()] + edit(m.group(0)) + x[m.end():]
            return x
        return _docx_edit(data, both)
    return Plan(opts={"blank_zeros": True}, post=post, flag_ok=zeros)


@transform("docx_tracked_cell_deleted", "extra", ("docx",))
def _docx_tracked_cell_deleted(rep: dict, fmt: str) -> Plan | None:
    """DOCX with track changes left in: in table 三's 本年新收 and 予以公开 rows an old cell
    (last draft's 其他 column) deleted as a tracked cell deletion (``w:tcPr/w:cellDel``, its
    figure ``w:delText``) before the 总计 cell: no cell of the printed table."""
    cells = rep["cells"]
    rows = [lab for key, lab in (("new_received", "一、本年新收"), ("granted", "（一）予以公开"))
            if f"t3.{key}.total" in cells]
    if not rows:
        return None
    rev = _R8_REV.format(800)

    def edit(t: str) -> str:
        for lab in rows:
            m = next((m for m in re.finditer(r"<w:tr>.*?</w:tr>", t, re.S) if lab in m.group(0)), None)
            if m is None:
                continue
            tr = m.group(0)
            last = tr.rindex("<w:tc>")
            old = (f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="864"/><w:cellDel {rev}/></w:tcPr><w:p>'
                   f'<w:del {rev}><w:r><w:delText>7</w:delText></w:r></w:del></w:p></w:tc>')
            t = t[:m.start()] + tr[:last] + old + tr[last:] + t[m.end():]
        return t
    return Plan(post=_docx_second_table(edit))


@transform("docx_title_in_page_header", "14", ("docx",))
def _docx_title_in_page_header(rep: dict, fmt: str) -> Plan:
    """DOCX whose title is printed only in the page header, in a two-cell table (the agency on
    the left, 「Y年政府信息公开工作年度报告」 on the right), the body starting at 一、总体情况 and
    the document properties' title empty: read it there or refuse — never another agency."""
    def post(data: bytes, f: str) -> bytes:
        import docx as _docx
        from docx.shared import Cm
        d = _docx.Document(io.BytesIO(data))
        t = d.sections[0].header.add_table(1, 2, Cm(16))
        t.cell(0, 0).text = rep["agency"]
        t.cell(0, 1).text = f"{rep['year']}年政府信息公开工作年度报告"
        d.sections[0].footer.paragraphs[0].text = "第 1 页"
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()
    return Plan(opts={"title_lines": [], "meta_title": " "}, post=post, may_reject=True)


@transform("html_figures_in_readonly_inputs", "extra", ("html",))
def _html_figures_in_readonly_inputs(rep: dict, fmt: str) -> Plan:
    """An online 填报 system's print view: table 三's figures are read-only form fields
    (``<input type="text" value="26" readonly>``, borderless), the 备注-like 总计 cells
    ``<textarea readonly>26</textarea>``.  The page shows the figures: read them, or flag —
    never an empty cell."""
    n = iter(range(10 ** 6))

    def field(m: re.Match) -> str:
        v = m.group(2)
        if next(n) % 5 == 4:
            inner = f'<textarea readonly="readonly" rows="1" style="border:0;resize:none">{v}</textarea>'
        else:
            inner = (f'<input type="text" name="f{next(n)}" value="{v}" readonly="readonly" '
                     'style="width:48px;border:0;text-align:center" />')
        return m.group(1) + inner + m.group(3)
    return Plan(post=_html_table_at(1, lambda t: re.sub(
        r'(<td[^>]*>)<p align="center">(\d[\d.]*)</p>(</td>)', field, t)))


_blank_zeros_variant("html_figures_in_readonly_inputs", "html_figures_in_readonly_inputs with zeros blank.")


@transform("docx_vmerge_first_without_restart", "extra", ("docx",))
def _docx_vmerge_first_without_restart(rep: dict, fmt: str) -> Plan:
    """DOCX from a converter that writes every cell of a vertical merge as a bare ``<w:vMerge/>``,
    the first one too (no ``w:val="restart"``): Word starts the merge at the first such cell
    under a cell that is not merged, and shows that first cell's text (三、本年度办理结果, table
    四's heads).  The cell above it is no part of the merge."""
    return Plan(post=lambda data, f: _docx_edit(data, lambda x: x.replace('<w:vMerge w:val="restart"/>', "<w:vMerge/>")))


_blank_zeros_variant("docx_vmerge_first_without_restart", "docx_vmerge_first_without_restart with zeros blank.")


_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)")


@transform("docx_labels_auto_numbered", "extra", ("docx",))
def _docx_labels_auto_numbered(rep: dict, fmt: str) -> Plan:
    """DOCX whose table-三 row labels are numbered by Word's list numbering (``w:numPr``): the
    ordinals 一、 （一） 1. are drawn by Word, not typed, so the text reads 本年新收政府信息公开申请
    数量, 予以公开, 属于国家秘密 …  The labels' words are there."""
    def edit(t: str) -> str:
        def para(m: re.Match) -> str:
            text = m.group(1)
            if not _ORDINAL.match(text):
                return m.group(0)
            return ('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
                    f"<w:r><w:t>{_ORDINAL.sub('', text)}</w:t></w:r></w:p>")
        return re.sub(r"<w:p><w:r><w:t>([^<]+)</w:t></w:r></w:p>", para, t)
    return Plan(post=_docx_second_table(edit))


_blank_zeros_variant("docx_labels_auto_numbered", "docx_labels_auto_numbered with zeros blank.")


@transform("html_word_comment_marks", "9", ("html",))
def _html_word_comment_marks(rep: dict, fmt: str) -> Plan | None:
    """Word's "save as web page" of a draft with review comments left in: three table-三 figures
    carry a comment anchor (``26<a class=msocomanchor href="#_msocom_1">[A1]</a>``) and the
    comments are listed at the end (``[A1]核对：上年为23件``).  The anchor is no digit of the
    figure: read the figure, or flag it."""
    keys = [k for k in ("t3.new_received.total", "t3.granted.total", "t3.carried_to_next.total")
            if isinstance(rep["cells"].get(k), int)]
    if not keys:
        return None
    a, b = "\u2068", "\u2069"

    def value_text(k: str, s: str) -> str:
        return f"{s}{a}{keys.index(k) + 1}{b}" if k in keys else s

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        s = re.sub(f"{a}(\\d){b}", lambda m: (
            f'<span class=MsoCommentReference><span style="font-size:9.0pt"><a class=msocomanchor '
            f'id="_anchor_{m.group(1)}" href="#_msocom_{m.group(1)}" name="_msoanchor_{m.group(1)}">'
            f'[A{m.group(1)}]</a>&nbsp;</span></span>'), s)
        notes = "".join(f'<div style="mso-element:comment"><p class=MsoCommentText><a href="#_msoanchor_{i}">[A{i}]</a>'
                        f"核对：上年为{20 + i}件</p></div>" for i in range(1, len(keys) + 1))
        i = s.rindex("</body>")
        return (s[:i] + f'<div style="mso-element:comment-list"><hr class=msocomoff align=left size=1 width="33%">{notes}</div>'
                + s[i:]).encode("utf-8")
    return Plan(opts={"value_text": value_text}, post=post, flag_ok=set(keys))


@transform("html_old_row_struck_whole", "12", ("html",))
def _html_old_row_struck_whole(rep: dict, fmt: str) -> Plan | None:
    """A corrected CMS page keeping the first-published 予以公开 row struck through as a whole
    (``<tr style="text-decoration:line-through">``, its figures each + 2) above the corrected
    one: the struck row prints no figure of the report."""
    cells = rep["cells"]
    if "t3.granted.total" not in cells:
        return None
    olds = [str((cells.get(f"t3.granted.{c}") or 0) + 2) for c in vocab.T3_COL_KEYS]

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i = s.find("（一）予以公开")
        k = s.find("</tr>", i) + 5
        row = ('<tr style="text-decoration:line-through;color:#999"><td colspan="2"><p>（一）予以公开</p></td>'
               + "".join(f'<td><p align="center">{v}</p></td>' for v in olds) + "</tr>")
        return (s[:k] + row + s[k:]).encode("utf-8")
    return Plan(post=post, flag_ok=_keys(cells, "t3.granted.") | _keys(cells, "t3.result_total."))


@transform("html_figures_small_sup_font", "extra", ("html",))
def _html_figures_small_sup_font(rep: dict, fmt: str) -> Plan:
    """An editor that prints table 四's figures in ``<sup>`` for a smaller type (no figure before
    them in the cell): a whole cell raised is the cell's figure, not a footnote mark."""
    return Plan(post=_html_table_at(2, lambda t: re.sub(
        r'(<td[^>]*><p align="center">)(\d+)(</p></td>)', r"\1<sup>\2</sup>\3", t)),
        flag_ok=_keys(rep["cells"], "t4."))


@transform("docx_figures_small_sup_font", "extra", ("docx",))
def _docx_figures_small_sup_font(rep: dict, fmt: str) -> Plan:
    """DOCX whose table-四 figures are superscript runs (an editor's small raised type, no
    figure before them in the cell): a whole cell raised is its figure, not a footnote mark."""
    def edit(x: str) -> str:
        m = list(re.finditer(r"<w:tbl>.*?</w:tbl>", x, re.S))[2]
        t = re.sub(r"<w:r>(<w:t>\d+</w:t>)</w:r>", r'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>\1</w:r>', m.group(0))
        return x[:m.start()] + t + x[m.end():]
    return Plan(post=lambda data, f: _docx_edit(data, edit), flag_ok=_keys(rep["cells"], "t4."))
# ---- adversary round 8 (r8file)
# Files as crawlers save them: encodings without a declaration or with a false one, names that
# lie about the content, web archives, Strict OOXML, a download cut short.


def _html_without_charset(data: bytes) -> str:
    return re.sub(r"(?i)<meta[^>]*charset[^>]*>", "", data.decode("utf-8"))


@transform("file_html_utf16le_no_bom", "extra", ("html",))
def _file_html_utf16le_no_bom(rep: dict, fmt: str) -> Plan:
    """A page saved as Windows "Unicode" without a byte-order mark nor a charset, under a name
    without extension: UTF-16 LE bytes, every other byte zero."""
    return Plan(post=lambda data, f: _html_without_charset(data).encode("utf-16-le"), ext="")


@transform("file_html_utf16be_no_bom", "extra", ("html",))
def _file_html_utf16be_no_bom(rep: dict, fmt: str) -> Plan:
    """The same in big-endian UTF-16 (``.htm``)."""
    return Plan(post=lambda data, f: _html_without_charset(data).encode("utf-16-be"), ext=".htm")


@transform("file_big5_traditional_undeclared", "13", ("txt", "html"))
def _file_big5_traditional_undeclared(rep: dict, fmt: str) -> Plan:
    """A traditional-script page or text saved in Big5 without any declaration: the bytes also
    decode (to nonsense) as GB18030."""
    def post(data: bytes, f: str) -> bytes:
        text = _html_without_charset(data) if f == "html" else data.decode("utf-8")
        return to_traditional(text).replace("\xa0", " ").encode("cp950", "replace")   # Big5 has no NBSP
    return Plan(post=post, may_reject=True)


@transform("file_big5_declared_gb2312", "13", ("html",))
def _file_big5_declared_gb2312(rep: dict, fmt: str) -> Plan:
    """A Big5 page whose stale ``<meta>`` declares gb2312 (a template copied between sites)."""
    def post(data: bytes, f: str) -> bytes:
        text = _html_without_charset(data).replace(
            "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />', 1)
        return to_traditional(text).replace("\xa0", " ").encode("cp950", "replace")
    return Plan(post=post, may_reject=True, ext=".shtml")


@transform("file_html_mixed_utf8_gbk", "extra", ("html",))
def _file_html_mixed_utf8_gbk(rep: dict, fmt: str) -> Plan:
    """A CMS page assembled from a UTF-8 template (head, title, first paragraphs) around an
    article stored as GBK: neither encoding decodes the whole file."""
    def post(data: bytes, f: str) -> bytes:
        s = _html_without_charset(data)
        i = s.find("<table")
        i = s.rfind("\n", 0, i) + 1
        return s[:i].encode("utf-8") + s[i:].encode("gb18030")
    return Plan(post=post, ext=".jsp")


@transform("file_html_mixed_gbk_utf8", "extra", ("html",))
def _file_html_mixed_gbk_utf8(rep: dict, fmt: str) -> Plan:
    """The reverse: a GBK template (declared gb2312) around a UTF-8 article with the tables."""
    def post(data: bytes, f: str) -> bytes:
        s = _html_without_charset(data).replace(
            "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />', 1)
        i = s.find("<table")
        i = s.rfind("\n", 0, i) + 1
        return s[:i].encode("gb18030") + s[i:].encode("utf-8")
    return Plan(post=post, ext=".aspx")


def mht(page: bytes, encoding: str = "quoted-printable", charset: str = "utf-8",
        blink: bool = False) -> bytes:
    """A MIME web archive (RFC 2557) holding ``page`` and a picture, as Word ("single file web
    page") or a browser (``blink``: Chromium's header lines first) writes it."""
    import base64
    import quopri
    body = (quopri.encodestring(page).decode("ascii") if encoding == "quoted-printable"
            else base64.encodebytes(page).decode("ascii"))
    head = ("From: <Saved by Blink>\r\nSnapshot-Content-Location: http://example.invalid/a.html\r\n"
            "Subject: =?utf-8?Q?x?=\r\nDate: Mon, 1 Jan 2024 00:00:00 -0000\r\n" if blink else "")
    return (head + "MIME-Version: 1.0\r\nContent-Type: multipart/related; "
            'boundary="----=_NextPart_01DA0000.00000000"; type="text/html"\r\n\r\n'
            "此文档为“单个文件网页”，也称为“Web 档案”文件。\r\n\r\n"
            "------=_NextPart_01DA0000.00000000\r\n"
            "Content-Location: file:///C:/x/report.htm\r\n"
            f"Content-Transfer-Encoding: {encoding}\r\n"
            f'Content-Type: text/html; charset="{charset}"\r\n\r\n' + body + "\r\n"
            "------=_NextPart_01DA0000.00000000\r\n"
            "Content-Location: file:///C:/x/report.files/image001.png\r\n"
            "Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\n"
            "iVBORw0KGgo=\r\n\r\n------=_NextPart_01DA0000.00000000--\r\n").encode("utf-8")


@transform("file_mht_quoted_printable", "extra", ("html",))
def _file_mht_quoted_printable(rep: dict, fmt: str) -> Plan:
    """A browser's "save as single file" (.mhtml): the page quoted-printable in a MIME archive."""
    return Plan(opts={"style": "word"}, post=lambda data, f: mht(data, blink=True), ext=".mhtml")


@transform("file_mht_base64_named_doc", "extra", ("html",))
def _file_mht_base64_named_doc(rep: dict, fmt: str) -> Plan:
    """Word's "single file web page" renamed .doc, the page base64 in GB18030 bytes (declared
    gb2312 in the part's MIME header, no <meta>)."""
    def post(data: bytes, f: str) -> bytes:
        return mht(_html_without_charset(data).encode("gb18030"), "base64", "gb2312")
    return Plan(opts={"style": "word"}, post=post, ext=".doc")


@transform("file_html_named_pdf", "extra", ("html",))
def _file_html_named_pdf(rep: dict, fmt: str) -> Plan:
    """A report page saved under the link's name ``….pdf`` (the link led to a web page)."""
    return Plan(ext=".pdf")


@transform("file_html_table_named_xls", "extra", ("html",))
def _file_html_table_named_xls(rep: dict, fmt: str) -> Plan:
    """Word-style HTML saved as ``.xls`` (an "Excel" export that is an HTML table), upper case."""
    return Plan(opts={"style": "word"}, ext=".XLS")


@transform("file_text_named_pdf", "extra", ("txt",))
def _file_text_named_pdf(rep: dict, fmt: str) -> Plan:
    """Text (a converter's output) saved under the original ``.pdf`` name."""
    return Plan(ext=".pdf")


@transform("file_docx_no_extension", "extra", ("docx",))
def _file_docx_no_extension(rep: dict, fmt: str) -> Plan:
    """A DOCX downloaded from ``download.jsp?id=…``: no extension at all."""
    return Plan(ext="")


_STRICT = (("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "http://purl.oclc.org/ooxml/wordprocessingml/main"),
           ("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "http://purl.oclc.org/ooxml/officeDocument/relationships"))


def _every_part(data: bytes, fn: Callable[[str, str], str]) -> bytes:
    """A DOCX with ``fn(name, text)`` applied to each XML part (and .rels)."""
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename.endswith((".xml", ".rels")):
                body = fn(info.filename, body.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, body)
    return out.getvalue()


@transform("file_docx_strict_ooxml", "extra", ("docx",))
def _file_docx_strict_ooxml(rep: dict, fmt: str) -> Plan:
    """A DOCX saved as "Strict Open XML Document": the same elements under the
    ``http://purl.oclc.org/ooxml/…`` namespaces."""
    def fn(name: str, text: str) -> str:
        for a, b in _STRICT:
            text = text.replace(a, b)
        return text
    return Plan(post=lambda data, f: _every_part(data, fn))


@transform("file_docx_other_prefix_w14", "extra", ("docx",))
def _file_docx_other_prefix_w14(rep: dict, fmt: str) -> Plan:
    """A DOCX written by another tool: the WordprocessingML prefix ``ns0:`` instead of ``w:``,
    w14/w15 namespaces declared and w14 paragraph ids on every paragraph."""
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    w15 = "http://schemas.microsoft.com/office/word/2012/wordml"

    def fn(name: str, text: str) -> str:
        if name != "word/document.xml":
            return text
        text = re.sub(r"(</?)w:", r"\1ns0:", text)
        text = re.sub(r"(\s)w:([A-Za-z]+=)", r"\1ns0:\2", text).replace("xmlns:w=", "xmlns:ns0=")
        for pre, uri in (("w14", w14), ("w15", w15)):
            if f"xmlns:{pre}=" not in text:
                text = text.replace("xmlns:ns0=", f'xmlns:{pre}="{uri}" xmlns:ns0=', 1)
        n = iter(range(1, 1_000_000))
        return re.sub(r"<ns0:p(?=[ >])", lambda m: f'<ns0:p w14:paraId="{next(n):08X}"', text)
    return Plan(post=lambda data, f: _every_part(data, fn))


@transform("file_text_nul_padded", "extra", ("txt", "flat"))
def _file_text_nul_padded(rep: dict, fmt: str) -> Plan:
    """A text download padded with NUL bytes to its announced length (4 KB of zeros)."""
    return Plan(post=lambda data, f: data + b"\x00" * 4096)


@transform("file_text_cr_line_ends", "extra", ("txt", "md", "html"))
def _file_text_cr_line_ends(rep: dict, fmt: str) -> Plan:
    """Old Mac line ends: CR only."""
    return Plan(post=lambda data, f: data.replace(b"\r\n", b"\n").replace(b"\n", b"\r"))


_LAST_FIGURE = {"txt": re.compile(r"\n\t[ \u3000]*(\d{2,})[ \u3000]*\n"),
                "md": re.compile(r"\|[ \u3000]*(\d{2,})[ \u3000]*(?=\|)"),
                "html": re.compile(r">[ \u3000]*(\d{2,})[ \u3000]*<")}


@transform("file_cut_inside_last_figure", "extra", ("txt", "md", "html"))
def _file_cut_inside_last_figure(rep: dict, fmt: str) -> Plan | None:
    """A download cut short inside the last table: the file ends after the first digit of the
    last multi-digit figure of the tables.  That figure is then printed without its other
    digits: only a flag is right for it; the cells after it are not printed (a flag is fine)."""
    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        m = list(_LAST_FIGURE[f].finditer(s))[-1]
        return s[:m.start(1) + 1].encode("utf-8")
    return Plan(post=post, flag_ok=set(rep["cells"]), complete=False)


@transform("file_html_server_page_blank_lines", "extra", ("html",))
def _file_html_server_page_blank_lines(rep: dict, fmt: str) -> Plan:
    """A JSP page saved from the browser: the server's directives left 3,000 blank lines (CRLF)
    before ``<!DOCTYPE``, the name ends in ``.jsp``."""
    return Plan(post=lambda data, f: b"\r\n" * 3000 + data, ext=".jsp")


@transform("file_html_saved_comment_scripts_no_ext", "extra", ("html",))
def _file_html_saved_comment_scripts_no_ext(rep: dict, fmt: str) -> Plan:
    """A page saved by an old browser under a name without extension: a ``saved from url``
    comment and a CMS's script blocks (2 KB) before ``<html>``."""
    lead = ("<!-- saved from url=(0040)http://example.invalid/art/2024/1.html -->\n"
            + "<script type=\"text/javascript\">var _hmt = _hmt || []; (function(){})();</script>\n" * 30)
    return Plan(post=lambda data, f: lead.encode("utf-8") + data, ext="")


@transform("file_html_gzip_body_saved", "extra", ("html",))
def _file_html_gzip_body_saved(rep: dict, fmt: str) -> Plan:
    """A crawler that wrote the HTTP body as sent (``Content-Encoding: gzip``): the page is
    still gzip-compressed under its ``.html`` name."""
    import gzip
    return Plan(post=lambda data, f: gzip.compress(data, mtime=0))


@transform("file_html_gbk_declared_latin1", "extra", ("html",))
def _file_html_gbk_declared_latin1(rep: dict, fmt: str) -> Plan:
    """GBK bytes under a template's stale ``charset=iso-8859-1`` (a single-byte charset decodes
    any bytes)."""
    def post(data: bytes, f: str) -> bytes:
        return _html_without_charset(data).replace("<head>", '<head><meta charset="iso-8859-1">', 1).encode("gb18030")
    return Plan(post=post, ext=".htm")


@transform("file_http_response_saved", "extra", ("html",))
def _file_http_response_saved(rep: dict, fmt: str) -> Plan:
    """A crawler's dump of the whole HTTP response under a name without extension: status line
    and headers (``charset=GBK`` there, no ``<meta>``; a 700-byte cookie), then the body
    gzip-compressed and sent in 4 KB chunks."""
    import gzip

    def post(data: bytes, f: str) -> bytes:
        body = gzip.compress(_html_without_charset(data).encode("gb18030"), mtime=0)
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 4096]), body[i:i + 4096])
                          for i in range(0, len(body), 4096)) + b"0\r\n\r\n"
        head = ("HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=GBK\r\n"
                "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n"
                f"Set-Cookie: JSESSIONID={'A' * 700}; Path=/\r\n\r\n")
        return head.encode("ascii") + chunks
    return Plan(post=post, ext="")


def flat_opc(docx: bytes) -> bytes:
    """A DOCX as Word's "Word XML Document" (Flat OPC): every XML part inline in one file."""
    z = zipfile.ZipFile(io.BytesIO(docx))
    parts = []
    for name in z.namelist():
        if name.endswith(".xml") and not name.startswith("["):
            xml = re.sub(r"^<\?xml[^>]*\?>\s*", "", z.read(name).decode("utf-8"))
            parts.append(f'<pkg:part pkg:name="/{name}" pkg:contentType="application/xml">'
                         f"<pkg:xmlData>{xml}</pkg:xmlData></pkg:part>")
    return ('<?xml version="1.0" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
            '<pkg:package xmlns:pkg="http://schemas.microsoft.com/office/2006/xmlPackage">'
            + "".join(parts) + "</pkg:package>").encode("utf-8")


def word_2003_xml(docx: bytes) -> bytes:
    """A DOCX's body as Word 2003 XML: the 2003 namespace, a ``wx:sect`` wrapper, ``w:vmerge``."""
    z = zipfile.ZipFile(io.BytesIO(docx))
    x = re.sub(r"^<\?xml[^>]*\?>\s*", "", z.read("word/document.xml").decode("utf-8"))
    x = x.replace("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                  "http://schemas.microsoft.com/office/word/2003/wordml")
    x = x.replace("<w:document ", '<w:wordDocument xmlns:wx="http://schemas.microsoft.com/office/word/2003/auxHint" ', 1)
    x = x.replace("</w:document>", "</w:wordDocument>").replace("w:vMerge", "w:vmerge")
    x = x.replace("<w:body>", "<w:body><wx:sect>", 1).replace("</w:body>", "</wx:sect></w:body>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<?mso-application progid="Word.Document"?>\n' + x).encode("utf-8")


@transform("file_word_flat_opc_named_doc", "extra", ("docx",))
def _file_word_flat_opc_named_doc(rep: dict, fmt: str) -> Plan:
    """Word's "Word XML Document" (Flat OPC, one XML file) published as ``.doc``."""
    return Plan(post=lambda data, f: flat_opc(data), ext=".doc")


@transform("file_word_2003_xml_named_doc", "extra", ("docx",))
def _file_word_2003_xml_named_doc(rep: dict, fmt: str) -> Plan:
    """A Word 2003 XML document published as ``.doc``."""
    return Plan(post=lambda data, f: word_2003_xml(data), ext=".doc")


def docx_alt_chunk(docx: bytes, page: bytes, name: str = "afchunk.htm") -> bytes:
    """The DOCX with its body replaced by one ``w:altChunk`` importing ``page`` (an OA system's
    "export to Word": Word renders the page as the document)."""
    zin = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    rel = (f'<Relationship Id="rIdChunk1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           f'relationships/aFChunk" Target="{name}"/>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        names = zin.namelist()
        for n in names:
            body = zin.read(n)
            if n == "word/document.xml":
                x = body.decode("utf-8")
                i, j = x.index("<w:body>") + len("<w:body>"), x.index("</w:body>")
                sect = re.search(r"<w:sectPr\b.*?</w:sectPr>", x[i:j], re.S)
                x = x[:i] + '<w:altChunk r:id="rIdChunk1"/>' + (sect.group(0) if sect else "") + x[j:]
                if "xmlns:r=" not in x[:2000]:
                    x = x.replace("<w:document ", '<w:document xmlns:r="http://schemas.openxmlformats.org/'
                                  'officeDocument/2006/relationships" ', 1)
                body = x.encode("utf-8")
            elif n == "word/_rels/document.xml.rels":
                body = body.decode("utf-8").replace("</Relationships>", rel + "</Relationships>").encode("utf-8")
            z.writestr(n, body)
        if "word/_rels/document.xml.rels" not in names:
            z.writestr("word/_rels/document.xml.rels",
                       '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
                       f'"http://schemas.openxmlformats.org/package/2006/relationships">{rel}</Relationships>')
        z.writestr(f"word/{name}", page)
    return out.getvalue()


@transform("file_docx_alt_chunk_html", "extra", ("docx",))
def _file_docx_alt_chunk_html(rep: dict, fmt: str) -> Plan:
    """An OA system's "export to Word": a DOCX whose body is one ``w:altChunk`` importing the
    report as a web page (GBK, declared gb2312)."""
    def post(data: bytes, f: str) -> bytes:
        src = {"agency": rep["agency"], "year": rep["year"], "template": rep["template"],
               "cells": rep["cells"], "options": dict(rep.get("options") or {})}
        page = R.render(src, "html", style="plain", encoding="gb18030")
        return docx_alt_chunk(data, page)
    return Plan(post=post)
# ---- adversary round 8 (r8pdf)
# PDFs as agencies' export tools write them: watermarks, fake bold, glyph-by-glyph text, rules
# drawn as rectangles or dots or left out, landscape pages, small type, running headers.


def _pdf_pages(data: bytes) -> list[tuple[float, float, list[dict], list[dict]]]:
    """Per page: width, height, its chars and its straight rules (pdfplumber's dicts)."""
    import pdfplumber
    out = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for p in pdf.pages:
            rules = [dict(x) for x in p.lines] + [dict(x) for x in p.rects]
            out.append((float(p.width), float(p.height), [dict(c) for c in p.chars], rules))
    return out


def _draw_char(c: Any, ch: dict, dx: float = 0.0, dy: float = 0.0, gray: float | None = None) -> None:
    """One glyph at its own text origin (a text object per glyph, as WPS and many exporters write)."""
    m = ch["matrix"]
    c.setFont(R._FONT, float(ch["size"]))
    if gray is not None:
        c.setFillGray(gray)
    c.drawString(float(m[4]) + dx, float(m[5]) + dy, ch["text"])
    if gray is not None:
        c.setFillGray(0)


def _draw_rule(c: Any, ln: dict, h: float) -> None:
    c.setLineWidth(float(ln.get("linewidth") or 0.5))
    c.line(float(ln["x0"]), h - float(ln["top"]), float(ln["x1"]), h - float(ln["bottom"]))


def pdf_redraw(data: bytes, *, chars: Callable[[Any, dict, int], None] | None = None,
               rules: Callable[[Any, dict, float, int], None] | None = None,
               order: Callable[[list[dict]], list[dict]] | None = None,
               over: Callable[[Any, int, int, float, float], None] | None = None,
               pagesize: Callable[[float, float], tuple[float, float]] | None = None,
               shift: tuple[float, float] = (0.0, 0.0)) -> bytes:
    """The PDF's text and rules written anew by another producer (reportlab canvas): every glyph
    drawn on its own at its origin (``chars(canvas, char, page)`` may draw it otherwise), every
    rule by ``rules(canvas, rule, page_height, page)`` (default: a stroked line), glyphs in
    ``order`` (the content stream's order, not the reading order), then ``over(canvas, page,
    pages, w, h)`` drawn on top; ``pagesize`` may turn the page, ``shift`` moves the content."""
    from reportlab.pdfgen import canvas

    R._register_font()
    pages = _pdf_pages(data)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for i, (w, h, chs, rls) in enumerate(pages):
        pw, ph = pagesize(w, h) if pagesize else (w, h)
        c.setPageSize((pw, ph))
        c.saveState()
        c.translate(shift[0], ph - h + shift[1])
        for ln in rls:
            (rules or (lambda cv, x, hh, p: _draw_rule(cv, x, hh)))(c, ln, h, i)
        for ch in (order(chs) if order else chs):
            (chars or (lambda cv, x, p: _draw_char(cv, x)))(c, ch, i)
        c.restoreState()
        if over:
            over(c, i, len(pages), pw, ph)
        c.showPage()
    c.save()
    return buf.getvalue()


def _tiled(words: list[str], angle: float, gray: float, size: float, step: tuple[float, float],
           alpha: float = 1.0) -> Callable:
    def over(c: Any, i: int, n: int, w: float, h: float) -> None:
        c.saveState()
        c.setFillGray(gray)
        c.setFillAlpha(alpha)
        c.setFont(R._FONT, size)
        k = 0
        y = -h * 0.2
        while y < h * 1.2:
            x = -w * 0.2 + (step[0] / 2 if int(y / step[1]) % 2 else 0)
            while x < w * 1.2:
                c.saveState()
                c.translate(x, y)
                c.rotate(angle)
                c.drawString(0, 0, words[k % len(words)])
                c.restoreState()
                k += 1
                x += step[0]
            y += step[1]
        c.restoreState()
    return over


@transform("pdf_watermark_diagonal", "extra", ("pdf",))
def _pdf_watermark_diagonal(rep: dict, fmt: str) -> Plan:
    """A diagonal watermark tiled over every page (仅供参考, the office's name and the download
    date) in dark grey made faint by transparency, drawn after the page's text: its glyphs stand
    inside the tables' cells but are no part of them."""
    words = ["仅供参考", "示例市人民政府办公室", f"{int(rep['year']) + 1}-01-15"]
    return Plan(post=lambda data, f: pdf_redraw(data, over=_tiled(words, 35, 0.4, 22, (190, 150), alpha=0.25)))


@transform("pdf_watermark_upright", "extra", ("pdf",))
def _pdf_watermark_upright(rep: dict, fmt: str) -> Plan:
    """A light grey upright watermark tiled over every page, small, with the download date and
    time (a document system's stamp): upright grey digits fall into the tables' cells."""
    y = int(rep["year"]) + 1
    words = ["仅供参考", f"{y}-01-15 10:23", "示例市政务公开办"]
    return Plan(post=lambda data, f: pdf_redraw(data, over=_tiled(words, 0, 0.82, 9, (150, 61))))


@transform("pdf_fake_bold_overprint", "extra", ("pdf",))
def _pdf_fake_bold_overprint(rep: dict, fmt: str) -> Plan:
    """Word/WPS fake bold for a font without a bold face: every glyph drawn twice, the second
    0.2 pt to the right (the title, headers, labels and figures alike)."""
    def chars(c: Any, ch: dict, i: int) -> None:
        _draw_char(c, ch)
        _draw_char(c, ch, dx=0.2)
    return Plan(post=lambda data, f: pdf_redraw(data, chars=chars))


@transform("pdf_fake_bold_offset_wide", "extra", ("pdf",))
def _pdf_fake_bold_offset_wide(rep: dict, fmt: str) -> Plan:
    """Fake bold overprinted at 0.5 pt right and 0.3 pt up (a heavier export setting)."""
    def chars(c: Any, ch: dict, i: int) -> None:
        _draw_char(c, ch)
        _draw_char(c, ch, dx=0.5, dy=0.3)
    return Plan(post=lambda data, f: pdf_redraw(data, chars=chars))


@transform("pdf_stream_column_order", "extra", ("pdf",))
def _pdf_stream_column_order(rep: dict, fmt: str) -> Plan:
    """Visible text whose content stream is written column by column (right to left), each
    glyph placed on its own: the page reads in place order, not stream order."""
    def order(chs: list[dict]) -> list[dict]:
        return sorted(chs, key=lambda ch: (-round(float(ch["x0"]) / 30), float(ch["top"])))
    return Plan(post=lambda data, f: pdf_redraw(data, order=order))


def _rect_rule(c: Any, ln: dict, h: float, i: int) -> None:
    """A rule as a thin filled black rectangle (how WPS and some Word exports draw borders)."""
    x0, x1, top, bot = float(ln["x0"]), float(ln["x1"]), float(ln["top"]), float(ln["bottom"])
    wdt = 0.6
    c.setFillGray(0)
    if x1 - x0 >= bot - top:
        c.rect(x0 - wdt / 2, h - top - wdt / 2, x1 - x0 + wdt, wdt, stroke=0, fill=1)
    else:
        c.rect(x0 - wdt / 2, h - bot - wdt / 2, wdt, bot - top + wdt, stroke=0, fill=1)


@transform("pdf_rules_as_rects", "extra", ("pdf",))
def _pdf_rules_as_rects(rep: dict, fmt: str) -> Plan:
    """Table borders drawn as thin filled rectangles rather than stroked lines."""
    return Plan(post=lambda data, f: pdf_redraw(data, rules=_rect_rule))


def _dotted_rule(c: Any, ln: dict, h: float, i: int) -> None:
    """A rule as a row of short separate segments (a dotted border exported dot by dot)."""
    x0, x1, top, bot = float(ln["x0"]), float(ln["x1"]), float(ln["top"]), float(ln["bottom"])
    c.setLineWidth(0.5)
    horiz = x1 - x0 >= bot - top
    a, b = (x0, x1) if horiz else (top, bot)
    t = a
    while t < b:
        e = min(b, t + 1.0)
        if horiz:
            c.line(t, h - top, e, h - top)
        else:
            c.line(x0, h - t, x0, h - e)
        t += 3.5
    # the ends: a border's last dot sits at its corner
    if horiz:
        c.line(max(a, b - 1.0), h - top, b, h - top)
    else:
        c.line(x0, h - max(a, b - 1.0), x0, h - b)


@transform("pdf_rules_dotted", "extra", ("pdf",))
def _pdf_rules_dotted(rep: dict, fmt: str) -> Plan:
    """Every table border dotted, each dot its own 1 pt segment, 2.5 pt apart."""
    return Plan(post=lambda data, f: pdf_redraw(data, rules=_dotted_rule))


@transform("pdf_rules_horizontal_only", "extra", ("pdf",))
def _pdf_rules_horizontal_only(rep: dict, fmt: str) -> Plan:
    """Tables with horizontal rules only (no vertical borders: a 三线表-like house style); the
    columns show by their figures' places alone."""
    def rules(c: Any, ln: dict, h: float, i: int) -> None:
        if float(ln["x1"]) - float(ln["x0"]) >= float(ln["bottom"]) - float(ln["top"]):
            _draw_rule(c, ln, h)
    return Plan(post=lambda data, f: pdf_redraw(data, rules=rules))


@transform("pdf_rules_outer_only", "extra", ("pdf",))
def _pdf_rules_outer_only(rep: dict, fmt: str) -> Plan:
    """Tables with their outer frame only: the inner borders left out (a template whose inner
    borders were set to none); the columns show by the figures' places."""
    def post(data: bytes, f: str) -> bytes:
        import pdfplumber
        boxes: dict[int, list[tuple]] = {}
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for i, p in enumerate(pdf.pages):
                boxes[i] = [t.bbox for t in p.find_tables()]

        def on_frame(ln: dict, i: int) -> bool:
            x0, x1, top, bot = float(ln["x0"]), float(ln["x1"]), float(ln["top"]), float(ln["bottom"])
            for bx0, btop, bx1, bbot in boxes[i]:
                if x1 - x0 >= bot - top and any(abs(top - y) < 1 for y in (btop, bbot)):
                    return True
                if x1 - x0 < bot - top and any(abs(x0 - x) < 1 for x in (bx0, bx1)):
                    return True
            return False

        def rules(c: Any, ln: dict, h: float, i: int) -> None:
            if on_frame(ln, i):
                _draw_rule(c, ln, h)
        return pdf_redraw(data, rules=rules)
    return Plan(post=post)


@transform("pdf_landscape_pages", "extra", ("pdf",))
def _pdf_landscape_pages(rep: dict, fmt: str) -> Plan:
    """The report printed on landscape A4 (a wide-table house setting), tables at their widths."""
    return Plan(opts={"landscape": True})


@transform("pdf_small_font_tight", "extra", ("pdf",))
def _pdf_small_font_tight(rep: dict, fmt: str) -> Plan:
    """Tables in 5 pt type with columns at 60 % width (a report squeezed onto fewer pages)."""
    return Plan(opts={"cell_size": 5.0, "width_scale": 0.6})


@transform("pdf_figures_right_aligned_unruled", "extra", ("pdf",))
def _pdf_figures_right_aligned_unruled(rep: dict, fmt: str) -> Plan:
    """An unruled PDF whose figures are right-aligned in their cells under centred header words."""
    return Plan(opts={"ruled": False, "num_align": 2})


@transform("pdf_figures_left_aligned", "extra", ("pdf",))
def _pdf_figures_left_aligned(rep: dict, fmt: str) -> Plan:
    """A ruled PDF whose figures are left-aligned in wide cells (landscape, columns at 150 %)."""
    return Plan(opts={"num_align": 0, "landscape": True, "width_scale": 1.5})


@transform("pdf_superscript_note_glyph", "9", ("pdf",))
def _pdf_superscript_note_glyph(rep: dict, fmt: str) -> Plan:
    """A footnote mark after some figures drawn as a separate raised smaller glyph (``26¹`` as
    ``26`` + a 4.8 pt ``1`` above the line), the note under the table."""
    keys = {k for k, v in rep["cells"].items() if isinstance(v, int) and v > 0
            and k.startswith(("t3.new_received.", "t3.granted.", "t2.admin_licensing."))}

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含网上办理的数量。"], [t3, "注：1.含网上申请。"], t4)
    return Plan(opts={"value_text": lambda k, s: s + "<super>1</super>" if k in keys and s else s,
                      "tables": tables_hook(pieces=pieces)})


def _running_header(rep: dict) -> Callable:
    y = rep["year"]

    def over(c: Any, i: int, n: int, w: float, h: float) -> None:
        c.saveState()
        c.setFont(R._FONT, 9)
        c.drawString(54, h - 40, f"{rep['agency']}{y}年政府信息公开工作年度报告")
        c.drawRightString(w - 54, h - 40, f"{int(y) + 1}年1月")
        c.setLineWidth(0.75)
        c.line(54, h - 44, w - 54, h - 44)
        c.drawCentredString(w / 2, 22, f"第 {i + 1} 页 共 {n} 页")
        c.restoreState()
    return over


@transform("pdf_running_header_split_no_repeat", "extra", ("pdf",))
def _pdf_running_header_split_no_repeat(rep: dict, fmt: str) -> Plan:
    """Table 三 continued on the next page without its header, under a running page header (the
    report's title, the month, a rule across the page) and a 第 N 页 共 M 页 footer."""
    return Plan(opts={"split_table3": True, "repeat_header": False},
                post=lambda data, f: pdf_redraw(data, over=_running_header(rep)))


@transform("pdf_ocr_layer_digit_confusion", "12", ("pdf",))
def _pdf_ocr_layer_digit_confusion(rep: dict, fmt: str) -> Plan | None:
    """A scan with an OCR text layer that misread some figures of tables 三 and 四 (8 as 3, 1 as
    7), the picture right: the identities show the damage — flag, never take the misread."""
    cells = rep["cells"]
    conf = {"8": "3", "1": "7"}
    keys = {k for k, v in cells.items() if k.startswith(("t3.", "t4.")) and isinstance(v, int)
            and any(d in str(v) for d in conf) and zlib_crc(k) % 3 == 0}
    if not keys:
        return None
    lie = {k: int("".join(conf.get(d, d) for d in str(v))) if k in keys else v for k, v in cells.items()}

    def post(data: bytes, f: str) -> bytes:
        return ocr_sandwich(data, words_from=R.render({**rep, "cells": lie}, "pdf"))
    return Plan(post=post, flag_ok=keys, complete=False)


def zlib_crc(s: str) -> int:
    import zlib
    return zlib.crc32(s.encode())


@transform("pdf_watermark_date_over_tables", "extra", ("pdf",))
def _pdf_watermark_date_over_tables(rep: dict, fmt: str) -> Plan:
    """A diagonal watermark of a date and a number (``2024-01-15 第36号``) only on the pages after
    the first, so the title reads clean and the watermark's digits fall among the tables'."""
    words = [f"{int(rep['year']) + 1}-01-15", "第36号", "仅供参考"]

    def over(c: Any, i: int, n: int, w: float, h: float) -> None:
        if i:
            _tiled(words, 30, 0.3, 16, (150, 110), alpha=0.2)(c, i, n, w, h)
    return Plan(post=lambda data, f: pdf_redraw(data, over=over))


@transform("pdf_superscript_note_glyph_blank_zeros", "9", ("pdf",))
def _pdf_superscript_note_glyph_blank_zeros(rep: dict, fmt: str) -> Plan:
    """pdf_superscript_note_glyph with zeros printed blank: a mark after a table-三 figure whose
    neighbour cell is blank, and after 0-rows' labels in table 二 (规章¹)."""
    keys = {k for k, v in rep["cells"].items() if isinstance(v, int) and v > 0 and k.startswith("t3.")}

    def relabel(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=c.text + "<super>1</super>") if c.kind == "label"
                  and c.text in ("规章", "行政事业性收费") else c)

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        return ([t2, "注：1.含所属单位。"], [t3, "注：1.含网上申请。"], t4)
    return Plan(opts={"blank_zeros": True,
                      "value_text": lambda k, s: s + "<super>1</super>" if k in keys and s else s,
                      "tables": tables_hook(t2=relabel, pieces=pieces)})


def _footer_header(rep: dict, footer: Callable[[int, int], str], header: bool = True) -> Callable:
    def over(c: Any, i: int, n: int, w: float, h: float) -> None:
        c.saveState()
        c.setFont(R._FONT, 9)
        if header and i:
            c.drawString(54, h - 44, f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告")
        c.drawCentredString(w / 2, 50, footer(i + 1, n))
        c.restoreState()
    return over


@transform("pdf_unruled_split_footer_reversed", "extra", ("pdf",))
def _pdf_unruled_split_footer_reversed(rep: dict, fmt: str) -> Plan:
    """An unruled PDF with table 三 continued on the next page without its header; a footer
    ``共 2 页  第 1 页`` close under the page's last row and, from page 2, a running header with
    the report's title and year right above the table's continuation."""
    return Plan(opts={"ruled": False, "split_table3": True, "repeat_header": False},
                post=lambda data, f: pdf_redraw(data, over=_footer_header(rep, lambda i, n: f"共 {n} 页  第 {i} 页")))


@transform("pdf_unruled_split_footer_fraction", "extra", ("pdf",))
def _pdf_unruled_split_footer_fraction(rep: dict, fmt: str) -> Plan:
    """As pdf_unruled_split_footer_reversed, the footer a bare ``1 / 2`` with the office's name."""
    return Plan(opts={"ruled": False, "split_table3": True, "repeat_header": False},
                post=lambda data, f: pdf_redraw(data, over=_footer_header(
                    rep, lambda i, n: f"示例市人民政府办公室    {i} / {n}")))


@transform("pdf_head_light_words_dark_fill", "extra", ("pdf",))
def _pdf_head_light_words_dark_fill(rep: dict, fmt: str) -> Plan:
    """Header cells filled dark blue with light grey words (a house table style): light ink on a
    dark ground is printed text, not a watermark's tint."""
    return Plan(opts={"head_colors": ("#1F3864", "#D9D9D9")})


def _digit_runs(chs: list[dict]) -> list[list[dict]]:
    """Runs of digit glyphs (and a figure's decimal point or sign) side by side on one baseline."""
    runs: list[list[dict]] = []
    for ch in sorted(chs, key=lambda x: (round(float(x["bottom"]), 1), float(x["x0"]))):
        if not (ch["text"].isdigit() or ch["text"] in ".-"):
            continue
        p = runs[-1][-1] if runs else None
        if p is not None and abs(float(p["bottom"]) - float(ch["bottom"])) < 0.5 and \
                -0.5 < float(ch["x0"]) - float(p["x1"]) < 1.0:
            runs[-1].append(ch)
        else:
            runs.append([ch])
    return runs


def _tracked(track: float) -> Callable:
    """``order`` hook that moves each figure's glyphs ``track`` points apart, around its centre."""
    def order(chs: list[dict]) -> list[dict]:
        moved: dict[int, float] = {}
        for run in _digit_runs(chs):
            n = len(run)
            for i, ch in enumerate(run):
                moved[id(ch)] = (i - (n - 1) / 2) * track
        out = []
        for ch in chs:
            if id(ch) in moved:
                m = list(ch["matrix"])
                m[4] = float(m[4]) + moved[id(ch)]
                ch = dict(ch, matrix=tuple(m))
            out.append(ch)
        return out
    return order


@transform("pdf_figures_letter_spaced", "extra", ("pdf",))
def _pdf_figures_letter_spaced(rep: dict, fmt: str) -> Plan:
    """Every figure's digits drawn one by one with 2.5 pt of extra tracking (character spacing
    in the cell style): ``1 2 8 8`` standing apart inside one cell is the figure 1288."""
    return Plan(post=lambda data, f: pdf_redraw(data, order=_tracked(2.5)))


@transform("pdf_figures_letter_spaced_wide", "extra", ("pdf",))
def _pdf_figures_letter_spaced_wide(rep: dict, fmt: str) -> Plan:
    """Figures' digits 4 pt apart (wide tracking, the gap wider than a text extractor's word
    gap), unruled: the digits of one figure are one figure, or flagged."""
    return Plan(opts={"ruled": False}, post=lambda data, f: pdf_redraw(data, order=_tracked(4.0)))


@transform("pdf_rules_some_row_rules_missing", "extra", ("pdf",))
def _pdf_rules_some_row_rules_missing(rep: dict, fmt: str) -> Plan:
    """Some horizontal rules between body rows left out (borders set to none on a few cells):
    two rows' labels and figures then stand in one ruled band, one above the other."""
    def post(data: bytes, f: str) -> bytes:
        pages = _pdf_pages(data)
        drop: dict[int, set[float]] = {}
        for i, (_w, _h, _chs, rls) in enumerate(pages):
            tops = sorted({round(float(x["top"]), 1) for x in rls
                           if float(x["x1"]) - float(x["x0"]) > float(x["bottom"]) - float(x["top"])})
            drop[i] = {t for n, t in enumerate(tops) if n % 5 == 3}

        def rules(c: Any, ln: dict, h: float, i: int) -> None:
            horiz = float(ln["x1"]) - float(ln["x0"]) > float(ln["bottom"]) - float(ln["top"])
            if not (horiz and round(float(ln["top"]), 1) in drop[i]):
                _draw_rule(c, ln, h)
        return pdf_redraw(data, rules=rules)
    return Plan(post=post, complete=False)


@transform("pdf_rules_cell_rects", "extra", ("pdf",))
def _pdf_rules_cell_rects(rep: dict, fmt: str) -> Plan:
    """Borders as each cell's own stroked rectangle (neighbours' edges drawn twice, 0.3 pt
    apart where the exporter rounded), not as grid lines."""
    def rules(c: Any, ln: dict, h: float, i: int) -> None:
        x0, x1, top, bot = float(ln["x0"]), float(ln["x1"]), float(ln["top"]), float(ln["bottom"])
        c.setLineWidth(0.4)
        c.line(x0, h - top, x1, h - bot)
        c.line(x0 + 0.3, h - top - 0.3, x1 + 0.3, h - bot - 0.3)
    return Plan(post=lambda data, f: pdf_redraw(data, rules=rules))


@transform("pdf_watermark_upright_faint", "extra", ("pdf",))
def _pdf_watermark_upright_faint(rep: dict, fmt: str) -> Plan:
    """An upright watermark in black made faint by transparency (fill alpha 0.15), tiled with
    the download date over every page: only the alpha tells it from the page's text."""
    y = int(rep["year"]) + 1
    words = ["仅供参考", f"{y}-01-15", "示例市政务公开办"]
    return Plan(post=lambda data, f: pdf_redraw(data, over=_tiled(words, 0, 0.0, 9, (150, 61), alpha=0.15)))


def _margin_comments(unruled: bool) -> Callable[[dict, str], Plan]:
    def make(rep: dict, fmt: str) -> Plan:
        k = 0.74

        def chars(c: Any, ch: dict, i: int) -> None:
            c.saveState()
            c.translate(0, 841.89 * (1 - k))
            c.scale(k, k)
            _draw_char(c, ch)
            c.restoreState()

        def rules(c: Any, ln: dict, h: float, i: int) -> None:
            c.saveState()
            c.translate(0, h * (1 - k))
            c.scale(k, k)
            _draw_rule(c, ln, h)
            c.restoreState()

        def post(data: bytes, f: str) -> bytes:
            pages = _pdf_pages(data)
            rows: dict[int, list[float]] = {}
            for i, (_w, h, chs, _r) in enumerate(pages):
                ys = sorted({round(float(ch["bottom"])) for ch in chs if ch["text"].isdigit() and float(ch["x0"]) > 250})
                rows[i] = [h * (1 - k) + (h - y) * k for y in ys[1::6]][:5]

            def over(c: Any, i: int, n: int, w: float, h: float) -> None:
                c.saveState()
                c.setFont(R._FONT, 7)
                for j, y in enumerate(rows.get(i, [])):
                    c.setStrokeGray(0.5)
                    c.rect(w * k + 6, y - 4, w * (1 - k) - 14, 18, stroke=1, fill=0)
                    c.drawString(w * k + 9, y + 6, f"批注 [示{j + 1}]: 核实")
                    c.drawString(w * k + 9, y - 1, f"原为 {12 + 7 * j} 件")
                c.restoreState()
            return pdf_redraw(data, chars=chars, rules=rules, over=over)
        return Plan(opts={"ruled": not unruled}, post=post)
    return make


transform("pdf_margin_comments", "extra", ("pdf",))(_margin_comments(False))
transform("pdf_margin_comments_unruled", "extra", ("pdf",))(_margin_comments(True))


@transform("pdf_whiteout_corrected_figures", "extra", ("pdf",))
def _pdf_whiteout_corrected_figures(rep: dict, fmt: str) -> Plan | None:
    """Figures corrected in a PDF editor: a white box drawn over the old figure and the new one
    typed on it (Acrobat's edit / a white-out annotation flattened). The old glyphs stay in the
    text layer under the box; the page shows the new figure only."""
    cells = rep["cells"]
    keys = {k for k, v in cells.items() if isinstance(v, int) and v >= 10 and k.startswith("t3.")
            and zlib_crc(k) % 4 == 0}
    if not keys:
        return None
    printed = {str(v) for v in cells.values()}
    keys = {k for k in keys if str(cells[k] + 7) not in printed}   # each old figure found by its text
    if not keys:
        return None
    old = {k: v + 7 if k in keys else v for k, v in cells.items()}
    wrong = {str(old[k]): str(cells[k]) for k in keys}

    def post(data: bytes, f: str) -> bytes:
        base = R.render({**rep, "cells": old}, "pdf")
        pages = _pdf_pages(base)
        fix: dict[int, list[tuple[float, float, float, float, float, str]]] = {}
        for i, (_w, _h, chs, _r) in enumerate(pages):
            for run in _digit_runs(chs):
                t = "".join(ch["text"] for ch in run)
                if t in wrong:
                    x0, x1 = float(run[0]["x0"]), float(run[-1]["x1"])
                    top, bot = min(float(ch["top"]) for ch in run), max(float(ch["bottom"]) for ch in run)
                    fix.setdefault(i, []).append((x0, x1, top, bot, float(run[0]["size"]), wrong[t]))

        def over(c: Any, i: int, n: int, w: float, h: float) -> None:
            for x0, x1, top, bot, size, new in fix.get(i, []):
                c.setFillGray(1)
                c.rect(x0 - 1, h - bot - 1, x1 - x0 + 2, bot - top + 2, stroke=0, fill=1)
                c.setFillGray(0)
                c.setFont(R._FONT, size)
                c.drawCentredString((x0 + x1) / 2, h - bot + 0.12 * size, new)
        return pdf_redraw(base, over=over)
    return Plan(post=post, flag_ok=keys)


@transform("pdf_struck_old_figure", "7", ("pdf",))
def _pdf_struck_old_figure(rep: dict, fmt: str) -> Plan | None:
    """A corrected figure printed after the old one struck through (Word's strikethrough or a
    tracked deletion exported to PDF: a line drawn through the old digits): the struck figure
    is the edit history, the figure after it the value."""
    cells = rep["cells"]
    keys = {k for k, v in cells.items() if isinstance(v, int) and v > 0 and k.startswith(("t3.", "t4."))
            and zlib_crc(k) % 3 == 0}
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: f"<strike>{int(s) + 2}</strike>{s}" if k in keys and s else s})


@transform("pdf_white_old_figure", "7", ("pdf",))
def _pdf_white_old_figure(rep: dict, fmt: str) -> Plan | None:
    """The old figure left before the corrected one in white ink (Word's font colour white,
    printed to PDF: glyphs with no ink and no white box over them): 26 is 26."""
    cells = rep["cells"]
    keys = {k for k, v in cells.items() if isinstance(v, int) and v > 0 and k.startswith(("t2.", "t3.", "t4."))
            and zlib_crc(k) % 3 == 1}
    if not keys:
        return None
    return Plan(opts={"value_text": lambda k, s: f"<white>{int(s) + 3}</white>{s}" if k in keys and s else s})
# ---- adversary round 8 (r8compose)
#
# Publishers do several things at once.  A composition applies two registered transforms in
# sequence: the second is made on the report as the first renders it, its hooks run on the
# first's output (table edits on the first's tables, number spellings on the first's spellings,
# byte edits on the first's bytes), and the second's truth — the keys it removes, adds or
# changes against its own source — is applied to the first's truth.  Two plans that set the
# same render option differently (two titles, two HTML styles) do not compose.


class NotComposable(ValueError):
    """The second transform would edit a table the first cut into several."""


def _compose_tables(h1: Callable | None, h2: Callable | None) -> Callable | None:
    """A ``tables`` hook running ``h2`` on ``h1``'s output.  Where ``h1`` printed a slot as
    pieces (a caption and its table), ``h2`` edits the one table among them and its output is
    spliced back in place; a slot ``h1`` cut into several tables must be left alone by ``h2``."""
    if h1 is None or h2 is None:
        return h1 or h2

    def hook(a: R.Table, b: R.Table, c: R.Table, r: Any) -> tuple:
        first = h1(a, b, c, r)
        mains = []
        for x in first:
            tabs = [p for p in R._pieces(x) if isinstance(p, R.Table)]
            mains.append(tabs[0] if tabs else None)
        split = [sum(isinstance(p, R.Table) for p in R._pieces(x)) != 1 for x in first]
        if any(split) and any(cut and y is not t for cut, y, t in zip(split, h2(a, b, c, r), (a, b, c))):
            raise NotComposable("the second transform edits a table the first split")
        second = h2(*mains, r)
        out = []
        for x, main, y in zip(first, mains, second):
            if y is main:
                out.append(x)
                continue
            pieces = R._pieces(x)
            if isinstance(x, R.Table):
                out.append(y)
                continue
            i = next(i for i, p in enumerate(pieces) if p is main)
            out.append(pieces[:i] + R._pieces(y) + pieces[i + 1:])
        return tuple(out)
    return hook


def _compose_value_text(f1: Callable | None, f2: Callable | None) -> Callable | None:
    if f1 is None or f2 is None:
        return f1 or f2
    return lambda key, s: f2(key, f1(key, s))


def _compose_post(p1: Callable | None, p2: Callable | None) -> Callable | None:
    if p1 is None or p2 is None:
        return p1 or p2
    return lambda data, fmt: p2(p1(data, fmt), fmt)


def _same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return isinstance(a, (int, float)) and isinstance(b, (int, float)) and float(a) == float(b) or a == b


def compose_plans(rep: dict, p1: Plan, p2: Plan, base2: dict) -> Plan | None:
    """The plan of ``p1`` then ``p2`` (``p2`` made on a report with cells ``base2``); None where
    the two set one render option differently or change one figure's truth both."""
    opts = dict(p1.opts)
    for k, v in p2.opts.items():
        if k == "tables":
            opts[k] = _compose_tables(p1.opts.get(k), v)
        elif k == "value_text":
            opts[k] = _compose_value_text(p1.opts.get(k), v)
        elif k in opts and opts[k] != v:
            return None
        else:
            opts[k] = v
    src = rep["cells"]
    truth = dict(p1.truth if p1.truth is not None else src)
    if p2.truth is not None:
        for k in base2.keys() - p2.truth.keys():
            truth.pop(k, None)
        for k, v in p2.truth.items():
            if k in base2 and _same_value(base2[k], v):
                continue
            if k in truth and k in src and not _same_value(truth[k], src[k]):
                return None      # both change this figure: no single truth
            truth[k] = v
    if p1.agency and p2.agency and p1.agency != p2.agency:
        return None
    return Plan(opts=opts, truth=truth, flag_ok=p1.flag_ok | p2.flag_ok,
                must_flag=(p1.must_flag | p2.must_flag) & truth.keys(),
                complete=p1.complete and p2.complete, may_reject=p1.may_reject or p2.may_reject,
                post=_compose_post(p1.post, p2.post),
                cells=p2.cells if p2.cells is not None else p1.cells, agency=p2.agency or p1.agency)


def composed(first: str, second: str, **extra: Any) -> Transform:
    """The transform ``first+second`` (with render options ``extra``, named by a suffix):
    ``first`` applied, then ``second`` on its result."""
    t1, t2 = TRANSFORMS[first], TRANSFORMS[second]
    name = f"{first}+{second}" + "".join(f"_{k}" for k in extra)
    formats = tuple(f for f in t1.formats if f in t2.formats)

    def make(rep: dict, fmt: str) -> Plan | None:
        p1 = t1.make(rep, fmt)
        if p1 is None:
            return None
        base2 = p1.cells if p1.cells is not None else rep["cells"]
        p2 = t2.make(dict(rep, cells=base2), fmt)
        if p2 is None:
            return None
        plan = compose_plans(rep, p1, p2, base2)
        if plan is None or any(plan.opts.get(k, v) != v for k, v in extra.items()):
            return None
        plan = replace(plan, opts={**plan.opts, **extra})
        if p1.opts.get("tables") and p2.opts.get("tables"):
            try:   # the tables as printed: the second may not edit a table the first split
                R._R({**rep, "cells": plan.cells or rep["cells"]}, plan.opts)
            except NotComposable:
                return None
        return plan
    return Transform(name, "compose", formats, make,
                     f"{first}, then {second}" + (f" ({extra})" if extra else "") + ".")


def compose(first: str, second: str, **extra: Any) -> str:
    """Register :func:`composed` ``first+second``; returns its name."""
    t = composed(first, second, **extra)
    TRANSFORMS[t.name] = t
    return t.name


#: (first, second, extra render options): what real publishers do together
COMPOSITIONS: tuple[tuple[str, str, dict], ...] = (
    # columns reordered and a page break repeating the (reordered) header
    ("t3_total_first", "t3_repeated_header", {}),
    ("t3_legal_reordered", "t3_two_tables_repeated_header", {}),
    ("t3_natural_person_last", "t3_repeated_header", {"blank_zeros": True}),
    ("t4_total_first", "t4_two_tables", {}),
    ("t4_litigation_first", "t4_header_one_row", {}),
    ("t3_total_first", "t3_header_one_row", {}),
    # rows left out and labels in other words
    ("t3_row_omitted_next_unlabelled", "labels_paraphrased", {}),
    ("t3_row_omitted_next_unlabelled", "t3_total_first", {}),
    ("t3_zero_rows_omitted", "t3_labels_short_unnumbered", {}),
    ("t3_zero_rows_omitted", "t3_group_inline", {"blank_zeros": True}),
    ("t3_result_total_row_omitted", "t3_group5_before_group4", {}),
    ("t2_row_omitted_labelled", "t2_label_synonyms", {}),
    ("t3_legal_reordered", "t3_total_col_omitted", {}),
    # money units and moved tables
    ("money_caption_yuan", "t3_transposed", {}),
    ("money_caption_yiyuan", "t2_cols_reversed", {}),
    ("money_header_unit_yuan", "t2_split_items", {}),
    ("money_caption_yuan", "footnote_markers", {}),
    # note marks with other spellings and one cell per line
    ("footnote_markers", "one_cell_per_line", {}),
    ("numbers_thousands_sep", "footnote_markers", {}),
    ("cell_bracket_note", "t3_total_first", {}),
    ("figure_ascii_asterisk_note", "t3_legal_reordered", {}),
    ("numbers_with_units", "t4_litigation_first", {}),
    ("numbers_fullwidth", "one_cell_per_line", {}),
    # titles, characters and second reports
    ("title_guanyu", "traditional_chars", {}),
    ("title_year_first", "traditional_chars", {}),
    ("title_two_lines", "two_reports_in_file", {}),
    ("t4_litigation_first", "two_reports_in_file", {}),
    ("t3_total_first", "two_reports_second_title_guanyu", {}),
    ("t3_applicant_synonyms", "traditional_chars", {}),
    # split rows, blank zeros, merged cells
    ("t3_label_wrapped_row", "t3_total_first", {"blank_zeros": True}),
    ("t2_coercion_split", "t2_cols_reversed", {}),
    ("t3_label_row_then_unlabelled_figures", "t3_legal_reordered", {"blank_zeros": True}),
    ("unmerged_blank", "t3_total_first", {}),
    ("t3_row_repeated_different", "t3_total_first", {}),
    ("zeros_as_wu", "t3_transposed", {}),
    ("t3_carried_over_first", "t3_labels_short_unnumbered", {}),
    # tables 二 and 四 moved and cut
    ("t3_total_first", "t3_two_tables", {"blank_zeros": True}),
    ("t2_cols_reversed", "t2_row_omitted_next_unlabelled", {}),
    ("t4_total_first", "t4_reconsideration_only", {}),
    ("t3_transposed", "traditional_chars", {}),
    # table 四's blocks moved on a page without ruling (wrapped heads) and under an OCR layer
    ("t4_litigation_first", "pdf_unruled_split_wrapped", {}),
    ("t4_litigation_first", "pdf_ocr_layer_column_order", {}),
)

COMPOSED = [compose(a, b, **kw) for a, b, kw in COMPOSITIONS]


# ---- adversary round 9 (r9freshB)
# An independent generator (python-docx, reportlab and LibreOffice renders of the corpus gold
# figures, ~130 re-layouts) found these left: cover titles, a bare title the agency only signs,
# a dash typed before a count, and a table printed in one zero-decimal number format.


@transform("title_cover_three_lines", "14")
def _title_cover_three_lines(rep: dict, fmt: str) -> Plan:
    """A cover title on three lines — the agency, ``2020年``, ``政府信息公开工作年度报告`` —
    and no title in the file's metadata: the agency and year as printed."""
    return Plan(opts={"title_lines": [rep["agency"], f"{rep['year']}年", "政府信息公开工作年度报告"],
                      "meta_title": " "})


@transform("title_letter_spaced_two_lines", "14")
def _title_letter_spaced_two_lines(rep: dict, fmt: str) -> Plan:
    """The agency on its own line, then the year and a letter-spaced tail typed with spaces
    (``2020 年 政 府 信 息 公 开 工 作 年 度 报 告``), no metadata title."""
    tail = " ".join("政府信息公开工作年度报告")
    return Plan(opts={"title_lines": [rep["agency"], f"{rep['year']} 年 {tail}"], "meta_title": " "})


@transform("title_guanyu_bare_signed", "14", ("txt", "md", "html", "docx"))
def _title_guanyu_bare_signed(rep: dict, fmt: str) -> Plan:
    """``关于2020年度政府信息公开工作情况的报告`` with no agency on it or above it; the agency
    signs the report above the closing date (落款): the signing agency, not a refusal."""
    t = f"关于{rep['year']}年度政府信息公开工作情况的报告"
    after = [rep["agency"], f"{int(rep['year']) + 1}年1月20日"]
    return Plan(opts={"title_lines": [t], "meta_title": " "},
                post=lambda data, f: _around_article(data, f, [], after) if f != "docx" else _docx_signed(data, after))


def _docx_signed(data: bytes, lines: list[str]) -> bytes:
    paras = "".join(f"<w:p><w:r><w:t>{x}</w:t></w:r></w:p>" for x in lines)
    return _docx_edit(data, lambda x: x[: x.rindex("<w:sectPr")] + paras + x[x.rindex("<w:sectPr"):])


@transform("count_minus_sign", "12", TABLED)
def _count_minus_sign(rep: dict, fmt: str) -> Plan | None:
    """A dash typed before a figure of table 三 (``-6``): a count is never negative, so the
    figure is flagged (or read as 6), never stored as -6."""
    k = next((k for k, v in rep["cells"].items() if k.startswith("t3.") and not k.endswith(".total")
              and isinstance(v, int) and v > 0), None)
    if k is None:
        return None
    return Plan(opts={"value_text": lambda key, s: "-" + s if key == k else s}, flag_ok={k})


@transform("t3_one_decimal_format", "3", TABLED)
def _t3_one_decimal_format(rep: dict, fmt: str) -> Plan | None:
    """Table 三 pasted from a spreadsheet whose number format shows one decimal: every figure
    ``12.0``, ``0.0``.  The counts are whole and the evidence complete: no flag beyond budget."""
    if not _keys(rep["cells"], "t3."):
        return None

    def value_text(key: str, s: str) -> str:
        return s + ".0" if key.startswith("t3.") and s.isdigit() else s
    return Plan(opts={"value_text": value_text, "blank_zeros": False})


@transform("pdf_unruled_narrow_labels", "8", ("pdf",))
def _pdf_unruled_narrow_labels(rep: dict, fmt: str) -> Plan:
    """A Word table without borders printed to PDF, table 三's label columns narrow (as Word's
    equal widths leave them): every label wraps over two to five lines beside its row's
    figures, centred on a label line or between two.  The figures are all there: no flag
    beyond budget, no row read as one that lost its label."""
    return Plan(opts={"ruled": False, "t3_label_cm": (1.2, 1.2, 1.8)})


@transform("t4_transposed_compact", "11")
def _t4_transposed_compact(rep: dict, fmt: str) -> Plan | None:
    """Table 四 turned on its side, as a landscape-averse author types it: a row per result
    word (结果维持 | 3 | 1 | 0), a column per block under 行政复议 | 行政诉讼 (未经复议直接起诉,
    复议后起诉).  Every figure is named by its row's word and its column's block: read, not flagged."""
    if not all(f"t4.{b}.{c}" in rep["cells"] for b in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS):
        return None
    words = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}

    def pieces(t2: Any, t3: Any, t4: Any, r: Any) -> tuple:
        rows = [[Cell("", rs=2, kind="head"), Cell("行政复议", rs=2, kind="head"), head("行政诉讼", 2)],
                [head("未经复议直接起诉"), head("复议后起诉")]]
        rows += [[head(words[c])] + [num(f"t4.{b}.{c}") for b in
                                     ("admin_reconsideration", "litigation_direct", "litigation_after_reconsideration")]
                 for c in vocab.T4_COL_KEYS]
        return (t2, t3, R.make_table("t4", rows, 4, 2))
    return Plan(opts={"tables": tables_hook(pieces=pieces)})
# ---- adversary round 9 (r9freshA)
# Found by an independent renderer (CMS/Word HTML, crawler text, PDF-to-markdown) written
# without reading the transforms above; these are the layouts that went wrong before the fix.


@transform("count_printed_negative", "12")
def _count_printed_negative(rep: dict, fmt: str) -> Plan | None:
    """A table-三 count printed with a minus sign (``-25``: a stray dash before the figure, an
    OCR'd rule): a count is never negative, so the cell is right only when flagged or read 25."""
    keys = _nonzero(rep["cells"], "t3.", 1)
    if not keys:
        return None
    minus = "－" if fmt in ("md", "pdf") else "-"

    def value_text(key: str, s: str) -> str:
        return minus + s if key in keys and s.isdigit() else s
    return Plan(opts={"value_text": value_text}, flag_ok=set(keys))


@transform("money_printed_negative", "12")
def _money_printed_negative(rep: dict, fmt: str) -> Plan | None:
    """The fee (2021) or procurement amount (2019) printed with a minus sign: money collected or
    spent is never negative — flagged, or read without the sign."""
    keys = [k for k, v in rep["cells"].items() if k.endswith(_MONEY) and isinstance(v, (int, float)) and v > 0][:1]
    if not keys:
        return None

    def value_text(key: str, s: str) -> str:
        return "-" + s if key in keys and s[:1].isdigit() else s
    return Plan(opts={"value_text": value_text}, flag_ok=set(keys))


def _drop_compiled_by(agency: str) -> Callable[[bytes, str], bytes]:
    """A post edit: the opening's 本报告由…编制 sentence left out (the body names the agency only
    in the title)."""
    def post(data: bytes, fmt: str) -> bytes:
        return data.decode("utf-8").replace(f"本报告由{agency}编制，", "本报告").encode("utf-8")
    return post


@transform("title_issue_line_above", "14", ("txt", "md", "html"))
def _title_issue_line_above(rep: dict, fmt: str) -> Plan:
    """A gazette's issue line right above the title (``发布时间：2024-01-28  2024年第3期``), the
    title on one line and the body not naming the agency again: the issue's 期 is no part of the
    agency (before: 期某某局)."""
    y = rep["year"] + 1
    title = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [f"发布时间：{y}-01-28  {y}年第3期", title], "meta_title": title},
                post=_drop_compiled_by(rep["agency"]))


@transform("title_zhengwu_gongkai_plain", "14")
def _title_zhengwu_gongkai_plain(rep: dict, fmt: str) -> Plan:
    """The report titled 「…2023年政务公开工作年度报告」 (the same template under the name some
    agencies give it): before, no title was found and the report refused."""
    return _title(f"{rep['agency']}{rep['year']}年政务公开工作年度报告")


@transform("title_xinxi_gongkai", "14")
def _title_xinxi_gongkai(rep: dict, fmt: str) -> Plan:
    """Title form 「…2023年度信息公开工作年度报告」 (without 政府): before, refused."""
    return _title(f"{rep['agency']}{rep['year']}年度信息公开工作年度报告")


@transform("title_notice_publishing", "14")
def _title_notice_publishing(rep: dict, fmt: str) -> Plan:
    """The page titled by the notice that publishes the report (「…关于公布2023年政府信息公开工作
    年度报告的通知」), the report below it: before, the 的 after the tail read it as a line about a
    report and the report was refused."""
    return _title(f"{rep['agency']}关于公布{rep['year']}年政府信息公开工作年度报告的通知")


@transform("t4_data_row_wrapped", "7", ("md", "html", "docx"))
def _t4_data_row_wrapped(rep: dict, fmt: str) -> Plan | None:
    """Table 四's one data row wrapped into two rows under the 15-column header: 行政复议's five
    figures, then the ten 行政诉讼 figures from the left edge (a cell count a CMS editor broke,
    a converter's wrap): each figure's column is lost — read by place, the two rows put
    different figures in the same columns, and a figure both rows share (0 and 0) proves
    nothing. Before: 行政诉讼's 未经复议 block silently took 复议后起诉's figures."""
    c = rep["cells"]
    recon = [c.get(f"t4.admin_reconsideration.{k}") for k in vocab.T4_COL_KEYS]
    rest = [c.get(f"t4.{b}.{k}") for b in vocab.T4_ROW_KEYS[1:] for k in vocab.T4_COL_KEYS]
    if recon == rest[:5]:
        return None   # the rows would agree: nothing shows the wrap

    def t4(g: Grid, r: Any) -> None:
        at = g.row_of("t4.")
        ids = g.slots[at]
        g.slots[at] = ids[:5] + [g.new(Cell(kind="lit")) for _ in range(10)]
        g.slots.insert(at + 1, ids[5:] + [g.new(Cell(kind="lit")) for _ in range(5)])
    keys = _keys(c, "t4.")
    return Plan(opts={"tables": tables_hook(t4=t4)}, flag_ok=keys, complete=False)
# ---- adversary round 9 (r9title)
# Title forms where the title line alone does not give the agency or the year: the year only in
# the 统计期限/报告期 or the opening paragraph, the agency only in the 落款, 本报告由…编制 or a
# 发布机构 line; titles only in a page header, a text box, og:title or a CMS box; titles over
# three lines, across a Word line break, inside a 印发 notice; scope suffixes and short names.
# Each: agency and year right, or the file refused with a reason — never a wrong agency/year.


def _r9_intro(rep: dict, compiled: bool = True, period: str | None = None, extra: str = "") -> list[str]:
    """The opening paragraph: 本报告由…编制 (or a sentence naming no agency), ``extra``, the
    statistics-period sentence ``period`` (None: none), the synthetic mark."""
    from etl.report import SYNTHETIC_MARK
    first = f"本报告由{rep['agency']}编制。" if compiled else "本报告根据《中华人民共和国政府信息公开条例》要求编制。"
    return [first + extra + (period or "") + f"{SYNTHETIC_MARK}，仅供测试解析程序使用。"]


def _r9_period(y: Any, form: str = "zi_qi") -> str:
    y = str(y)
    if form == "cn":
        cy = "".join("〇一二三四五六七八九"[int(d)] for d in y)
        return f"本报告中所列数据的统计期限自{cy}年1月1日起至{cy}年12月31日止。"
    if form == "report_period":
        return f"本报告的报告期为{y}年1月1日至{y}年12月31日。"
    return f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"


def _r9_yearless(rep: dict, intro: list[str], may_reject: bool = False, lines: list[str] | None = None,
                 meta: str | None = None, **opts: Any) -> Plan:
    t = f"{rep['agency']}政府信息公开工作年度报告"
    return Plan(opts={"title_lines": lines or [t], "meta_title": meta or t, "intro": intro, **opts},
                may_reject=may_reject)


@transform("title_no_year_period_zi_qi", "14")
def _title_no_year_period_zi_qi(rep: dict, fmt: str) -> Plan:
    """No year in the title (nor the metadata title); the report's own 统计期限 sentence gives
    it (本报告中所列数据的统计期限自Y年1月1日起至Y年12月31日止): the year is read."""
    return _r9_yearless(rep, _r9_intro(rep, period=_r9_period(rep["year"])))


@transform("title_no_year_report_period", "14")
def _title_no_year_report_period(rep: dict, fmt: str) -> Plan:
    """No year in the title; the opening paragraph gives the 报告期 (本报告的报告期为Y年1月1日至
    Y年12月31日): the year is read."""
    return _r9_yearless(rep, _r9_intro(rep, period=_r9_period(rep["year"], "report_period")))


@transform("title_no_year_period_chinese_numerals", "14")
def _title_no_year_period_chinese_numerals(rep: dict, fmt: str) -> Plan:
    """No year in the title; the 统计期限 written with Chinese numerals (自二〇二三年1月1日起…):
    the year is read."""
    return _r9_yearless(rep, _r9_intro(rep, period=_r9_period(rep["year"], "cn")))


@transform("title_no_year_intro_names_report", "14")
def _title_no_year_intro_names_report(rep: dict, fmt: str) -> Plan:
    """No year in the title, no 统计期限; the opening paragraph names the report with its year
    and agency (现公布示例…局Y年度政府信息公开工作年度报告): the agency is the title's (not
    「现公布示例…局」), the year the paragraph's — or the file refused."""
    y = rep["year"]
    lead = f"根据《中华人民共和国政府信息公开条例》规定，现公布{rep['agency']}{y}年度政府信息公开工作年度报告。"
    return _r9_yearless(rep, [lead] + _r9_intro(rep, compiled=False))


@transform("title_no_year_intro_this_year", "14")
def _title_no_year_intro_this_year(rep: dict, fmt: str) -> Plan:
    """No year in the title, no 统计期限; the opening paragraph: 本年度报告根据…编制，反映本机关
    Y年度政府信息公开工作情况: the year is the paragraph's."""
    lead = (f"本年度报告根据《中华人民共和国政府信息公开条例》要求编制，反映本机关{rep['year']}年度"
            "政府信息公开工作情况。")
    return _r9_yearless(rep, [lead] + _r9_intro(rep, compiled=False))


@transform("title_no_year_pubdate_only", "14")
def _title_no_year_pubdate_only(rep: dict, fmt: str) -> Plan:
    """No year in the title, no 统计期限, nothing in the opening paragraph; only the 发布日期
    line under the title (early next year): the year of publication is not the report's for
    certain — refuse, or the right year, never the publication year."""
    y = int(rep["year"])
    t = f"{rep['agency']}政府信息公开工作年度报告"
    return _r9_yearless(rep, _r9_intro(rep), may_reject=True, lines=[t, f"发布日期：{y + 1}-01-20"])


def _r9_bare(rep: dict, intro: list[str], lines_after: list[str] | None = None, **kw: Any) -> Plan:
    t = f"{rep['year']}年政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [t] + (lines_after or []), "meta_title": t, "intro": intro, **kw.pop("opts", {})},
                **kw)


@transform("title_no_agency_signature", "14")
def _title_no_agency_signature(rep: dict, fmt: str) -> Plan:
    """No agency in the title (Y年政府信息公开工作年度报告), none in the opening paragraph; the
    落款 at the end names it above the date: the agency is the 落款's."""
    y = int(rep["year"])
    return _r9_bare(rep, _r9_intro(rep, compiled=False, period=_r9_period(y)),
                    may_reject=_r9_office(rep["agency"]), opts={"closing": [rep["agency"], f"{y + 1}年1月20日"]})


@transform("title_no_agency_signature_cn_date", "14")
def _title_no_agency_signature_cn_date(rep: dict, fmt: str) -> Plan:
    """As title_no_agency_signature, the 落款's date in Chinese numerals (二〇二四年一月二十日)."""
    y = int(rep["year"])
    return _r9_bare(rep, _r9_intro(rep, compiled=False, period=_r9_period(y)),
                    may_reject=_r9_office(rep["agency"]), opts={"closing": [rep["agency"], f"{_cn_year(y + 1, '〇')}年一月二十日"]})


def _r9_office(agency: str) -> bool:
    """An agency named as another's office (示例县人民政府办公室): one line naming it cannot tell
    the office's own report from its agency's (see titles.own_agency)."""
    return bool(re.search(r"^.{2,}(?:人民政府|政府|局|厅|(?<!机构编制)委员会|管委会|(?<![省市县区旗州盟])委"
                          r"|[省市县区旗州盟])(?:办公室|办公厅)$", agency))


@transform("title_no_agency_compiled_by", "14")
def _title_no_agency_compiled_by(rep: dict, fmt: str) -> Plan:
    """No agency in the title; the opening paragraph names it (本报告由示例…局编制): read it
    (an office's name — 示例市人民政府办公厅 — may be refused: it compiles its government's)."""
    return _r9_bare(rep, _r9_intro(rep, period=_r9_period(rep["year"])), may_reject=_r9_office(rep["agency"]))


@transform("title_no_agency_compiled_by_office", "14")
def _title_no_agency_compiled_by_office(rep: dict, fmt: str) -> Plan:
    """No agency in the title, no 落款; the opening paragraph names the agency's office as the
    compiler (本报告由示例…局办公室编制), as county governments' reports do: refuse, or the
    agency — never its office."""
    from etl.report import SYNTHETIC_MARK
    intro = [f"本报告由{rep['agency']}办公室编制。{_r9_period(rep['year'])}{SYNTHETIC_MARK}，仅供测试解析程序使用。"]
    return _r9_bare(rep, intro, may_reject=True)


@transform("title_no_agency_publisher_line", "14")
def _title_no_agency_publisher_line(rep: dict, fmt: str) -> Plan:
    """No agency in the title nor the text; a CMS line under the title names the publisher
    (发布机构：示例…局　发布日期：…; a crawler's 发布机构: header): read it."""
    y = int(rep["year"])
    line = f"发布机构：{rep['agency']}　　发布日期：{y + 1}-01-20"

    def post(data: bytes, f: str) -> bytes:
        return _fmt_text(data, f, lambda s: s.replace("发布机构: \n", f"发布机构: {rep['agency']}\n", 1))
    plan = _r9_bare(rep, _r9_intro(rep, compiled=False, period=_r9_period(y)),
                    lines_after=[] if fmt == "flat" else [line])
    return replace(plan, post=post) if fmt == "flat" else plan


@transform("title_no_agency_signature_conflict", "14", ("txt", "md", "html", "docx", "pdf"))
def _title_no_agency_signature_conflict(rep: dict, fmt: str) -> Plan:
    """No agency in the title; 本报告由…编制 names the agency and the 落款 names the parent
    government's office (which signs for it): the agency is the text's, or the file refused —
    never the office."""
    y = int(rep["year"])
    return _r9_bare(rep, _r9_intro(rep, period=_r9_period(y)), may_reject=True,
                    opts={"closing": ["示例市人民政府办公室", f"{y + 1}年1月20日"]})


def _docx_header_plan(rep: dict, first_page: bool) -> Plan:
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"

    def post(data: bytes, f: str) -> bytes:
        import docx as _docx
        d = _docx.Document(io.BytesIO(data))
        sec = d.sections[0]
        if first_page:
            sec.different_first_page_header_footer = True
            sec.first_page_header.paragraphs[0].text = t
            sec.header.paragraphs[0].text = "政府信息公开"
        else:
            sec.header.paragraphs[0].text = t
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()
    return Plan(opts={"title_lines": [], "meta_title": " ", "intro": _r9_intro(rep, period=_r9_period(rep["year"]))},
                post=post)


@transform("docx_title_header_paragraph", "14", ("docx",))
def _docx_title_header_paragraph(rep: dict, fmt: str) -> Plan:
    """DOCX whose title is printed only in the page header (a paragraph), the body starting at
    the opening paragraph, the properties' title empty: the header's title is read."""
    return _docx_header_plan(rep, False)


@transform("docx_title_first_page_header", "14", ("docx",))
def _docx_title_first_page_header(rep: dict, fmt: str) -> Plan:
    """DOCX whose title is printed only in the first page's header (different first page), the
    other pages' header a column name: the first page's header is read."""
    return _docx_header_plan(rep, True)


@transform("docx_title_drawing_textbox", "14", ("docx",))
def _docx_title_drawing_textbox(rep: dict, fmt: str) -> Plan:
    """DOCX whose title sits in a DrawingML text box (wps:txbx, as WPS and Word 2010+ write it),
    the properties' title empty: read it there."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    ns = ('xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
          'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')

    def edit(x: str) -> str:
        for decl in ns.split():
            if decl.split("=")[0] not in x[: x.index(">", x.index("<w:document"))]:
                x = x.replace("<w:document ", f"<w:document {decl} ", 1)
        box = ('<w:p><w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
               'relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
               '<wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset>'
               '</wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
               '<wp:extent cx="5000000" cy="500000"/><wp:wrapTopAndBottom/><wp:docPr id="90" name="title"/>'
               '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
               '<wps:wsp><wps:spPr/><wps:txbx><w:txbxContent>'
               f'<w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
               '</a:graphicData></a:graphic></wp:anchor></w:drawing></w:r></w:p>')
        return x.replace("<w:body>", "<w:body>" + box, 1)
    return Plan(opts={"title_lines": [], "meta_title": " "}, post=lambda data, f: _docx_edit(data, edit))


@transform("docx_title_line_break_runs", "14", ("docx",))
def _docx_title_line_break_runs(rep: dict, fmt: str) -> Plan:
    """DOCX title in one paragraph, the agency and the rest parted by a line break (w:br) and the
    words split over runs: the title is whole."""
    a, y = rep["agency"], rep["year"]
    t = f"{a}{y}年政府信息公开工作年度报告"

    def edit(x: str) -> str:
        cut = max(2, len(a) // 2)
        runs = (f"<w:r><w:t>{a[:cut]}</w:t></w:r><w:r><w:t>{a[cut:]}</w:t></w:r><w:r><w:br/></w:r>"
                f"<w:r><w:t>{y}</w:t></w:r><w:r><w:t>年政府信息</w:t></w:r><w:r><w:t>公开工作年度报告</w:t></w:r>")
        return x.replace("<w:body>", f"<w:body><w:p>{runs}</w:p>", 1)
    return Plan(opts={"title_lines": [], "meta_title": t}, post=lambda data, f: _docx_edit(data, edit))


@transform("html_title_og_only", "14", ("html",))
def _html_title_og_only(rep: dict, fmt: str) -> Plan:
    """A page whose body prints no title, whose <title> is the site's name and whose og:title
    (and ArticleTitle absent) holds the report's: read og:title."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"

    def post(data: bytes, f: str) -> bytes:
        return _fmt_text(data, f, lambda s: s.replace("<title>", f'<meta property="og:title" content="{t}" /><title>', 1))
    return Plan(opts={"title_lines": [], "meta_title": "示例市人民政府门户网站"}, post=post)


@transform("html_title_cms_box", "14", ("html",))
def _html_title_cms_box(rep: dict, fmt: str) -> Plan:
    """A CMS metadata box (标　　题 / 发布机构 / 成文日期 cells) above a body without a title line,
    the page's <title> the site's name: the box's title is read."""
    y = int(rep["year"])
    t = f"{rep['agency']}{y}年政府信息公开工作年度报告"
    box = (f'<table class="xxgk"><tr><td>标　　题：</td><td colspan="3">{t}</td></tr>'
           f'<tr><td>发布机构：</td><td>示例市人民政府办公室</td><td>成文日期：</td><td>{y + 1}-01-18</td></tr></table>')

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i = s.index(">", s.index("<body")) + 1
        return (s[:i] + box + s[i:]).encode("utf-8")
    return Plan(opts={"title_lines": [], "meta_title": "示例市人民政府门户网站"}, post=post)


@transform("title_as_picture", "14", ("html", "docx", "pdf"))
def _title_as_picture(rep: dict, fmt: str) -> Plan:
    """The title printed as a picture (no text), the metadata title empty: refuse with a reason,
    never an agency or a year made up from the text."""
    return Plan(opts={"title_lines": [], "meta_title": " "}, may_reject=True)


@transform("title_three_lines", "14")
def _title_three_lines(rep: dict, fmt: str) -> Plan:
    """The title over three lines: the agency, ``Y年``, ``政府信息公开工作年度报告``."""
    a, y = rep["agency"], rep["year"]
    return _title_plan([a, f"{y}年", "政府信息公开工作年度报告"], f"{a}{y}年政府信息公开工作年度报告")


@transform("title_three_lines_words", "14")
def _title_three_lines_words(rep: dict, fmt: str) -> Plan:
    """The title over three lines cut inside its words: agency / ``Y年政府信息公开`` / ``工作年度报告``."""
    a, y = rep["agency"], rep["year"]
    return _title_plan([a, f"{y}年政府信息公开", "工作年度报告"], f"{a}{y}年政府信息公开工作年度报告")


@transform("title_yinfa_wrapper_no_year", "14")
def _title_yinfa_wrapper_no_year(rep: dict, fmt: str) -> Plan:
    """A 关于印发《…》的通知 of the parent government's office around a report whose titles (the
    notice's and its own) carry no year; the 统计期限 gives it: the report's agency and year,
    never the office's."""
    a = rep["agency"]
    t = f"{a}政府信息公开工作年度报告"
    lines = [f"示例市人民政府办公室关于印发《{t}》的通知", "各有关单位：", "现将年度报告印发给你们，请认真贯彻执行。", t]
    return _r9_yearless(rep, _r9_intro(rep, period=_r9_period(rep["year"])), lines=lines, meta=lines[0])


@transform("title_tail_letter_spaced", "14")
def _title_tail_letter_spaced(rep: dict, fmt: str) -> Plan:
    """A title whose 年度报告 (odd years: the whole 政府信息公开工作年度报告) is letter-spaced with
    ideographic spaces (``年　度　报　告``), as distributed alignment prints it."""
    a, y = rep["agency"], int(rep["year"])
    tail = "政府信息公开工作年度报告" if y % 2 else "年度报告"
    head = "" if y % 2 else "政府信息公开工作"
    t = f"{a}{y}年{head}" + "　".join(tail)
    return _title_plan([t], f"{a}{y}年政府信息公开工作年度报告")


@transform("title_agency_scope_suffix", "14")
def _title_agency_scope_suffix(rep: dict, fmt: str) -> Plan:
    """The agency with its report's scope in brackets (``示例…局（本级）``, odd years ``（汇总）``):
    the scope is no part of the agency's name."""
    a, y = rep["agency"], int(rep["year"])
    scope = "（汇总）" if y % 2 else "（本级）"
    return _title_plan([f"{a}{scope}{y}年政府信息公开工作年度报告"])


@transform("title_agency_government_short", "14")
def _title_agency_government_short(rep: dict, fmt: str) -> Plan | None:
    """A government (or its general office) named short in the title: ``…县政府`` for
    ``…县人民政府``, ``…市政府办公厅`` for ``…市人民政府办公厅``: the agency is its full name."""
    a = rep["agency"]
    m = re.match(r"(.*[省市县区旗州盟])人民政府(办公厅|办公室)?$", a)
    if not m:
        return None
    short = f"{m.group(1)}政府{m.group(2) or ''}"
    return _title_plan([f"{short}{rep['year']}年政府信息公开工作年度报告"])


@transform("title_agency_abbreviated_department", "14")
def _title_agency_abbreviated_department(rep: dict, fmt: str) -> Plan | None:
    """A department named by its common abbreviation after the place (``…县发改局``,
    ``…市科委``): the agency is its full name."""
    from etl.agencies import ABBREVIATIONS
    a = rep["agency"]
    for short, full in ABBREVIATIONS.items():
        if short != full and a.endswith(full) and re.search(r"[省市县区旗州盟]$", a[: -len(full)]):
            return _title_plan([f"{a[: -len(full)]}{short}{rep['year']}年政府信息公开工作年度报告"])
    return None


@transform("html_title_article_meta_only", "14", ("html",))
def _html_title_article_meta_only(rep: dict, fmt: str) -> Plan:
    """A page whose body prints no title, whose <title> is the site's name and whose CMS meta
    ArticleTitle holds the report's title: read it."""
    t = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"

    def post(data: bytes, f: str) -> bytes:
        return _fmt_text(data, f, lambda s: s.replace("<title>", f'<meta name="ArticleTitle" content="{t}"><title>', 1))
    return Plan(opts={"title_lines": [], "meta_title": "示例市人民政府门户网站"}, post=post)


@transform("html_title_br_inside", "14", ("html",))
def _html_title_br_inside(rep: dict, fmt: str) -> Plan:
    """An HTML title paragraph broken by ``<br>`` inside the agency's name and before the year,
    the page's <title> the site's name: the title is whole."""
    a, y = rep["agency"], rep["year"]
    cut = max(2, len(a) // 2)

    def post(data: bytes, f: str) -> bytes:
        s = data.decode("utf-8")
        i = s.index(">", s.index("<body")) + 1
        p = f'<p style="text-align:center"><b>{a[:cut]}<br/>{a[cut:]}<br>{y}年政府信息公开工作年度报告</b></p>'
        return (s[:i] + p + s[i:]).encode("utf-8")
    return Plan(opts={"title_lines": [], "meta_title": "示例市人民政府门户网站"}, post=post)


@transform("title_bare_meta_parent_agency", "14", ("flat", "html", "docx", "pdf"))
def _title_bare_meta_parent_agency(rep: dict, fmt: str) -> Plan:
    """The body's title without the agency (Y年…报告), the file's metadata title naming the
    parent government's report, the opening naming the agency (本报告由示例…局编制): the
    agency is the report's own, or the file refused — never the parent government."""
    y = rep["year"]
    return _r9_bare(rep, _r9_intro(rep, period=_r9_period(y)), may_reject=True,
                    opts={"meta_title": f"示例市人民政府{y}年政府信息公开工作年度报告"})


@transform("title_yearless_meta_last_year", "14", ("flat", "html", "docx", "pdf"))
def _title_yearless_meta_last_year(rep: dict, fmt: str) -> Plan:
    """The body's title without a year, the metadata title left from last year's report, the
    统计期限 giving the year: the year is the report's own, never last year's."""
    y = int(rep["year"])
    return _r9_yearless(rep, _r9_intro(rep, period=_r9_period(y)),
                        meta=f"{rep['agency']}{y - 1}年政府信息公开工作年度报告")


@transform("title_bare_office_meta_names_agency", "14", ("flat", "html", "docx", "pdf"))
def _title_bare_office_meta_names_agency(rep: dict, fmt: str) -> Plan:
    """The body's title without the agency, the opening naming the agency's office as compiler
    (本报告由示例…局办公室编制), the metadata title naming the agency itself: the metadata
    settles which of the two the report is — the agency."""
    from etl.report import SYNTHETIC_MARK
    y = rep["year"]
    intro = [f"本报告由{rep['agency']}办公室编制。{_r9_period(y)}{SYNTHETIC_MARK}，仅供测试解析程序使用。"]
    return _r9_bare(rep, intro, opts={"meta_title": f"{rep['agency']}{y}年政府信息公开工作年度报告"})


# ---- adversary round 10 (r10tmpl): how agencies vary the template's content


@transform("r10tmpl_t3_qizhong_row_words", "extra", TABLED)
def _r10tmpl_t3_qizhong_row_words(rep: dict, fmt: str) -> Plan | None:
    """A 其中 row under （一）予以公开 named with that row's words (其中：网上申请予以公开),
    figures a part of the row's: not the row printed again, no key of its own."""
    cells = rep["cells"]
    granted = [cells.get(f"t3.granted.{c}") for c in vocab.T3_COL_KEYS]
    if any(v is None for v in granted) or not granted[-1]:
        return None

    def t3(g: Grid, r: Any) -> None:
        at = g.row_of("t3.granted.") + 1
        above, below = g.slots[at - 1], g.slots[at] if at < len(g.slots) else None
        first = next(i for i, cid in enumerate(above) if g.cells[cid].kind == "num")
        kept = sum(1 for c in range(first) if below is not None and above[c] == below[c])
        g.insert_row(at, [lit("其中：网上申请予以公开", cs=first - kept)] + [lit(str(v // 2)) for v in granted])
    return Plan(opts={"tables": tables_hook(t3=t3)})


@transform("r10tmpl_zeros_as_ling", "extra")
def _r10tmpl_zeros_as_ling(rep: dict, fmt: str) -> Plan | None:
    """Zeros of tables 三 and 四 typed as the numeral 〇 (U+3007) itself: the figure 0."""
    zeros = {k for k, v in rep["cells"].items() if k[:2] in ("t3", "t4") and v == 0}
    if not zeros:
        return None
    return Plan(opts={"value_text": lambda k, s: "〇" if k in zeros else s})


@transform("r10tmpl_t2_yoy_percent_col", "extra", ("txt", "md", "html", "docx"))
def _r10tmpl_t2_yoy_percent_col(rep: dict, fmt: str) -> Plan | None:
    """2021 table 二 with a 同比增减 column of percentages after 本年处理决定数量 (第（五）/（六）
    项): the shares are no figure of the report, the decision counts read unflagged."""
    if rep["template"] != "2021":
        return None

    def t2(g: Grid, r: Any) -> None:
        for rr, row in enumerate(g.slots):
            first = g.cells[row[1]]
            if first.kind == "head" and first.text == "本年处理决定数量":
                g.cells.append(head("同比增减"))
            elif first.kind == "num" and first.key.endswith(".decision_count"):
                g.cells.append(lit(f"{'+' if rr % 2 else '-'}{rr % 7 + 2}%"))
            else:
                continue
            nid = len(g.cells) - 1
            row[g.ncols - 1] = nid
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("r10tmpl_t3_total_only", "10", ("html", "docx"))
def _r10tmpl_t3_total_only(rep: dict, fmt: str) -> Plan:
    """Table 三 printing only its 总计 column (申请人情况 | 总计): the applicant columns are not
    printed in any form, their keys absent."""
    truth = {k: v for k, v in rep["cells"].items() if not k.startswith("t3.") or k.endswith(".total")}
    gone = {k for k in rep["cells"] if k not in truth}
    return Plan(opts={"tables": tables_hook(t3=lambda g, r: g.delete_cols(list(range(3, 9))))},
                truth=truth, flag_ok=gone)


@transform("r10tmpl_t4_totals_only", "10", ("html", "docx"))
def _r10tmpl_t4_totals_only(rep: dict, fmt: str) -> Plan:
    """Table 四 printing only each block's 总计 (行政复议 总计 | 直接起诉 总计 | 复议后起诉 总计):
    the result columns are not printed, their keys absent."""
    truth = {k: v for k, v in rep["cells"].items() if not k.startswith("t4.") or k.endswith(".total")}
    gone = {k for k in rep["cells"] if k not in truth}
    return Plan(opts={"tables": tables_hook(t4=lambda g, r: g.delete_cols([0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13]))},
                truth=truth, flag_ok=gone)


@transform("r10tmpl_year_only_in_section_one", "14", ("txt", "md", "html", "docx"))
def _r10tmpl_year_only_in_section_one(rep: dict, fmt: str) -> Plan:
    """No year in the title, no 统计期限; the opening cites next year's work plan; section 一
    opens with the report's year (Y年，本机关…): the year is Y, never the cited plan's."""
    from etl.report import SYNTHETIC_MARK
    y = int(rep["year"])
    intro = [f"根据《{y + 1}年政务公开工作要点》的要求编制本报告。{SYNTHETIC_MARK}，仅供测试解析程序使用。"]
    return _r9_yearless(rep, intro)
# ---- adversary round 10 (r10docx)
#: LibreOffice writes a Symbol-font glyph as private-use text in a run naming the font
_R10D_SYMBOL_RUN = '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>\uf02d</w:t></w:r>'
_R10D_SYM = '<w:r><w:sym w:font="Symbol" w:char="F02D"/></w:r>'


def _r10d_tables(fn: Callable[[str], str]) -> Callable[[bytes, str], bytes]:
    """A DOCX edit of every table's ``<w:tbl>`` markup (the narrative stays as rendered)."""
    def edit(x: str) -> str:
        return re.sub(r"<w:tbl>.*?</w:tbl>", lambda m: fn(m.group(0)), x, flags=re.S)
    return lambda data, f: _docx_edit(data, edit)


def _r10d_minus_plan(rep: dict, glyph: str) -> Plan | None:
    if not any(isinstance(v, (int, float)) and v < 0 for v in rep["cells"].values()):
        return None

    def fn(t: str) -> str:
        return re.sub(r"<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>-(\d[\d.]*)</w:t></w:r>",
                      lambda m: f"{glyph}<w:r>{m.group(1) or ''}<w:t>{m.group(2)}</w:t></w:r>", t)
    return Plan(post=_r10d_tables(fn))


@transform("r10d_docx_symbol_minus", "extra", ("docx",))
def _r10d_docx_symbol_minus(rep: dict, fmt: str) -> Plan | None:
    """DOCX whose negative 本年增/减 figures begin with a minus inserted from the Symbol font
    (``<w:sym w:font="Symbol" w:char="F02D"/>`` before the digits): the figure is negative — a
    reader that prints nothing for a w:sym reads +85 for −85, silently."""
    return _r10d_minus_plan(rep, _R10D_SYM)


@transform("r10d_docx_symbol_minus_lo_text", "extra", ("docx",))
def _r10d_docx_symbol_minus_lo_text(rep: dict, fmt: str) -> Plan | None:
    """The same Symbol minus as LibreOffice exports it: private-use U+F02D as text in a run whose
    ``w:rFonts`` names Symbol."""
    return _r10d_minus_plan(rep, _R10D_SYMBOL_RUN)


def _r10d_dash_plan(rep: dict, glyph: str) -> Plan:
    zeros = {k for k, v in rep["cells"].items() if k.startswith("t3.") and v == 0}
    truth = {k: (None if k in zeros else v) for k, v in rep["cells"].items()}

    def fn(t: str) -> str:
        return re.sub(r"<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t(?: [^>]*)?>[ \u3000\xa0]*0[ \u3000\xa0]*</w:t></w:r>",
                      glyph, t)
    # zeros printed as 0 (not blank), so that each becomes the dash
    return Plan(opts={"blank_zeros": False}, post=_docx_second_table(fn), truth=truth, cells=rep["cells"])


@transform("r10d_docx_symbol_dash_for_none", "extra", ("docx",))
def _r10d_docx_symbol_dash_for_none(rep: dict, fmt: str) -> Plan:
    """DOCX whose table 三 prints a Symbol-font dash (w:sym F02D) where nothing applies, in
    place of every zero: each such cell is not applicable (null) — not a blank read as 0."""
    return _r10d_dash_plan(rep, _R10D_SYM)


@transform("r10d_docx_symbol_dash_lo_text", "extra", ("docx",))
def _r10d_docx_symbol_dash_lo_text(rep: dict, fmt: str) -> Plan:
    """The Symbol dash of :func:`_r10d_docx_symbol_dash_for_none` as LibreOffice exports it
    (private-use text in a Symbol-font run): null, never a blank 0 nor a flag on every cell."""
    return _r10d_dash_plan(rep, _R10D_SYMBOL_RUN)


_R10D_NS = {"mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
            "v": "urn:schemas-microsoft-com:vml",
            "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
            "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
            "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"}


def _r10d_with_ns(x: str) -> str:
    decl = " ".join(f'xmlns:{p}="{u}"' for p, u in _R10D_NS.items() if f"xmlns:{p}=" not in x)
    return x.replace("<w:document ", f"<w:document {decl} ", 1) if decl else x


def _r10d_box(inner: str) -> str:
    """A WPS text box: DrawingML in mc:Choice, its VML copy in mc:Fallback."""
    choice = ('<w:r><w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1"'
              ' behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
              '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
              '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
              '<wp:extent cx="5400000" cy="3000000"/><wp:wrapTopAndBottom/><wp:docPr id="31" name="文本框 31"/>'
              '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
              f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx><w:txbxContent>{inner}<w:p/></w:txbxContent>'
              '</wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>')
    fallback = ('<w:r><w:pict><v:shape id="box31" type="#_x0000_t202" style="width:425pt;height:236pt"><v:textbox>'
                f'<w:txbxContent>{inner}<w:p/></w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    return (f'<w:p><mc:AlternateContent><mc:Choice Requires="wps">{choice}</mc:Choice>'
            f'<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent></w:p>')


@transform("r10d_docx_table3_box_in_layout_cell", "11", ("docx",))
def _r10d_docx_table3_box_in_layout_cell(rep: dict, fmt: str) -> Plan:
    """DOCX (WPS): table 三 inside a text box (DrawingML with its VML copy in mc:Fallback)
    anchored in the paragraph of a one-cell layout table: the box's table is read once, as
    if it stood after the layout table — before, every one of its cells came out flagged."""
    def edit(x: str) -> str:
        x = _r10d_with_ns(x)
        m = list(re.finditer(r"<w:tbl>.*?</w:tbl>", x, re.S))[1]
        frame = ('<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="9000"/>'
                 f'</w:tblGrid><w:tr><w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr>{_r10d_box(m.group(0))}'
                 "</w:tc></w:tr></w:tbl>")
        return x[:m.start()] + frame + x[m.end():]
    return Plan(post=lambda data, f: _docx_edit(data, edit))


@transform("r10d_title_agency_wrapped_cover", "14")
def _r10d_title_agency_wrapped_cover(rep: dict, fmt: str) -> Plan:
    """A cover title whose agency wraps over two lines above ``Y年政府信息公开工作年度报告``
    (a narrow title box: 示例市 / 示例局 / 2020年…报告), no title in the metadata, the opening
    naming no agency: the agency is the two lines' name — before, the second half alone
    (民政局, 人民政府), silently."""
    a, y = rep["agency"], rep["year"]
    cut = max(2, len(a) // 2)
    return Plan(opts={"title_lines": [a[:cut], a[cut:], f"{y}年政府信息公开工作年度报告"], "meta_title": " ",
                      "intro": _r9_intro(rep, compiled=False, period=_r9_period(y))})


@transform("r10d_docx_title_agency_wrapped_in_box", "14", ("docx",))
def _r10d_docx_title_agency_wrapped_in_box(rep: dict, fmt: str) -> Plan:
    """DOCX whose cover title sits in a WPS text box (DrawingML with its VML copy), the agency
    broken by line breaks (w:br) into two lines above the year line, the properties' title
    empty: the whole agency, read once."""
    a, y = rep["agency"], rep["year"]
    cut = max(2, len(a) // 2)
    lines = (f"<w:r><w:t>{a[:cut]}</w:t></w:r><w:r><w:br/></w:r><w:r><w:t>{a[cut:]}</w:t></w:r><w:r><w:br/></w:r>"
             f"<w:r><w:t>{y}年政府信息公开工作年度报告</w:t></w:r>")

    def edit(x: str) -> str:
        return _r10d_with_ns(x).replace("<w:body>", "<w:body>" + _r10d_box(f"<w:p>{lines}</w:p>"), 1)
    return Plan(opts={"title_lines": [], "meta_title": " ", "intro": _r9_intro(rep, compiled=False, period=_r9_period(y))},
                post=lambda data, f: _docx_edit(data, edit))


@transform("r10d_docx_custom_footnote_mark", "extra", ("docx",))
def _r10d_docx_custom_footnote_mark(rep: dict, fmt: str) -> Plan:
    """DOCX whose table-三 totals carry a custom footnote mark (Insert Footnote > Custom mark:
    ``w:footnoteReference w:customMarkFollows="1"`` and the mark 1 as the run's w:t) with no
    superscript style: the figure is the total, not the total with a 1 appended."""
    mark = '<w:r><w:footnoteReference w:customMarkFollows="1" w:id="2"/><w:t>1</w:t></w:r>'

    def fn(t: str) -> str:
        return re.sub(r"(<w:t>[ \u3000\xa0]*\d[\d.]*[ \u3000\xa0]*</w:t></w:r>)(</w:p></w:tc></w:tr>)",
                      lambda m: m.group(1) + mark + m.group(2), t)
    return Plan(post=_docx_second_table(fn))


@transform("r10d_docx_alt_chunk_docx", "extra", ("docx",))
def _r10d_docx_alt_chunk_docx(rep: dict, fmt: str) -> Plan:
    """A document merger's output (docxcompose, OpenXML DocumentBuilder, a server that never
    opens Word): a DOCX whose body is one ``w:altChunk`` importing the whole report as another
    DOCX, which Word renders in place — read it, never refuse the file as empty."""
    return Plan(post=lambda data, f: docx_alt_chunk(data, data, name="afchunk1.docx"))


def _r10d_main_part_renamed(data: bytes, name: str = "word/document2.xml") -> bytes:
    """The DOCX with its main part under another name (as Word Online writes it), _rels/.rels,
    [Content_Types].xml and the part's own .rels following."""
    base = name.split("/")[-1]
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in src.namelist():
            body = src.read(n)
            if n == "word/document.xml":
                n = name
            elif n == "word/_rels/document.xml.rels":
                n = f"word/_rels/{base}.rels"
            elif n in ("_rels/.rels", "[Content_Types].xml"):
                body = body.replace(b"word/document.xml", name.encode())
            z.writestr(n, body)
    return out.getvalue()


@transform("r10d_docx_main_part_document2", "extra", ("docx",))
def _r10d_docx_main_part_document2(rep: dict, fmt: str) -> Plan:
    """A DOCX from Word Online whose main part is ``word/document2.xml`` (named by _rels/.rels
    and the content types, as the package format allows): read it — before, refused as a
    package without word/document.xml."""
    return Plan(post=lambda data, f: _r10d_main_part_renamed(data))


@transform("r10d_docx_figures_in_cell_boxes", "extra", ("docx",))
def _r10d_docx_figures_in_cell_boxes(rep: dict, fmt: str) -> Plan:
    """DOCX (WPS, PDF-to-Word converters): every table-三 figure drawn in a text box anchored
    in its cell's paragraph (DrawingML with its VML copy), the cell holding no text of its own:
    the box's figure is the cell's — before, the cell read blank (0), silently."""
    def fn(t: str) -> str:
        return re.sub(r"<w:p>(<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t(?: [^>]*)?>[^<]*\d[^<]*</w:t></w:r>)</w:p>",
                      lambda m: _r10d_box(f"<w:p>{m.group(1)}</w:p>"), t)
    return Plan(post=lambda data, f: _docx_second_table(fn)(_docx_edit(data, _r10d_with_ns), f))
# ---- adversary round 10 (r10md)
# Converter markdown (markdownify, mammoth, markitdown, pandoc, html2text) and LLM pipelines on
# reports with merged cells: a "—" merged over two columns written as "— |  |", a row that lost
# an inner cell and was padded with a blank at its end, pandoc's grid tables with real spans,
# pandoc gfm's HTML <table> right under a short title.  Scratch generator and real converters:
# docs/adversary-findings.md "Round 10 (r10md)".


def _r10md_zero_pair(rep: dict) -> tuple[str, str, str] | None:
    """A table-三 row and two adjacent 法人或其他组织 columns both 0 (n/a-able without
    breaking an identity): (row, col_a, col_b), the first in printed order."""
    cells = rep["cells"]
    subs = ["commercial_enterprise", "research_institution", "social_welfare_org", "legal_service_org", "other_org"]
    for row in vocab.T3_ROW_KEYS:
        for a, b in zip(subs, subs[1:]):
            if cells.get(f"t3.{row}.{a}") == 0 and cells.get(f"t3.{row}.{b}") == 0:
                return row, a, b
    return None


def _r10md_merge_dash(g: Grid, keys: tuple[str, str]) -> None:
    """The two number slots of ``keys`` become one "—" cell over both columns."""
    cid = g.new(lit("—"))
    for row in g.slots:
        for c, old in enumerate(row):
            if g.cells[old].kind == "num" and g.cells[old].key in keys:
                row[c] = cid


def _r10md_dash_plan(rep: dict, **plan: Any) -> Plan | None:
    pair = _r10md_zero_pair(rep)
    if pair is None:
        return None
    row, a, b = pair
    keys = (f"t3.{row}.{a}", f"t3.{row}.{b}")
    truth = dict(rep["cells"], **{k: None for k in keys})
    opts = dict(plan.pop("opts", {}))
    opts["tables"] = tables_hook(t3=lambda g, r: _r10md_merge_dash(g, keys))
    # the blank the converter leaves in the second column: n/a or a printed 0, the text cannot say
    return Plan(opts=opts, truth=truth, cells=rep["cells"], flag_ok={keys[1]}, **plan)


@transform("r10md_merged_dash_two_cols", "extra", ("md", "html", "docx"))
def _r10md_merged_dash_two_cols(rep: dict, fmt: str) -> Plan | None:
    """A "—" merged over two 法人或其他组织 columns of a table-三 row (the agency's n/a for
    both).  Markdown writes it as markdownify, mammoth and markitdown do: "— |  |" — the blank
    is the merged mark's, not a printed 0: null or flagged, never a silent 0."""
    return _r10md_dash_plan(rep)


def _r10md_t3_lines(md: str) -> tuple[list[str], list[int]]:
    """The markdown's lines and the indices of table 三's figure rows (pipe rows under the
    三、 heading with seven figure cells at their end)."""
    lines = md.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("## 三、"))
    end = next(i for i, ln in enumerate(lines) if ln.startswith("## ") and i > start)
    rows = [i for i in range(start, end) if lines[i].startswith("|") and not lines[i].startswith("|---")
            and all(re.fullmatch(r"[\d.]*", c.strip()) for c in lines[i].strip().strip("|").split("|")[-7:])
            and any(c.strip() for c in lines[i].strip().strip("|").split("|")[-7:])]
    return lines, rows


@transform("r10md_md_lost_cell_padded", "extra", ("md",))
def _r10md_md_lost_cell_padded(rep: dict, fmt: str) -> Plan | None:
    """An LLM/converter pass lost one inner figure cell of a table-三 row whose label is a
    merged cell (``| 标签 |  |  | 34 | 0 | 0 | …``) and padded the row with a blank cell at its
    end: the figures after the lost one sit one column left, the 总计 is blank.  That row's
    cells are flagged or right (no shifted figure read as fact)."""
    cells = rep["cells"]
    pick = None
    for row in ("carried_over_from_prior", "new_received", "granted", "carried_to_next"):
        vals = [cells.get(f"t3.{row}.{c}") for c in vocab.T3_COL_KEYS]
        if None not in vals and vals[6] and len(set(vals[1:6])) > 1:
            pick = row
            break
    if pick is None:
        return None
    label = vocab.row_zh("t3", pick)[:8]

    def post(data: bytes, f: str) -> bytes:
        lines, rows = _r10md_t3_lines(data.decode("utf-8"))
        i = next((i for i in rows if label in lines[i]), None)
        if i is None:
            return data
        cs = [c.strip() for c in lines[i].strip().strip("|").split("|")]
        vals = cs[-7:]
        k = next(j for j in range(1, 6) if vals[j] != vals[j + 1])   # a loss that moves figures
        lost = vals[:k] + vals[k + 1:] + [""]
        lines[i] = "| " + " | ".join(cs[:-7] + lost) + " |"
        return "\n".join(lines).encode("utf-8")
    return Plan(post=post, flag_ok={f"t3.{pick}.{c}" for c in vocab.T3_COL_KEYS}, complete=False)


def _r10md_grid_text(table: Any) -> list[str]:
    """A reader's Table (cells with spans) as a pandoc grid table: ``+---+`` rules, ``|``
    edges, a merged cell one box over its rows and columns, CJK two display columns wide,
    long text wrapped inside its box."""
    origins = [c for row in table.rows for c in row if not c.is_span_copy]
    nrows = len(table.rows)
    ncols = max(c.col + c.colspan for c in origins)
    width = [4] * ncols
    for c in origins:
        if c.colspan == 1:
            width[c.col] = max(width[c.col], min(14, _disp(c.text)))

    xs = [0]
    for w in width:
        xs.append(xs[-1] + w + 3)
    box_w = {id(c): xs[c.col + c.colspan] - xs[c.col] - 3 for c in origins}
    text = {id(c): _wrap_disp(c.text, box_w[id(c)]) for c in origins}
    height = [1] * nrows
    for c in origins:
        if c.rowspan == 1:
            height[c.row] = max(height[c.row], len(text[id(c)]))
    for c in origins:   # a tall merged cell: its last row grows
        if c.rowspan > 1:
            have = sum(height[c.row:c.row + c.rowspan]) + c.rowspan - 1
            if have < len(text[id(c)]):
                height[c.row + c.rowspan - 1] += len(text[id(c)]) - have
    ys = [0]
    for h in height:
        ys.append(ys[-1] + h + 1)
    canvas = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]
    for c in origins:
        x0, x1 = xs[c.col], xs[c.col + c.colspan]
        y0, y1 = ys[c.row], ys[c.row + c.rowspan]
        for x in range(x0, x1 + 1):
            for y in (y0, y1):
                canvas[y][x] = "+" if x in (x0, x1) or canvas[y][x] == "+" else "-"
        for y in range(y0 + 1, y1):
            for x in (x0, x1):
                if canvas[y][x] != "+":
                    canvas[y][x] = "|"
        for k, ln in enumerate(text[id(c)]):
            x = x0 + 2
            for ch in ln:
                canvas[y0 + 1 + k][x] = ch
                if _disp(ch) == 2:
                    canvas[y0 + 1 + k][x + 1] = ""
                x += _disp(ch)
    return ["".join(row).rstrip() for row in canvas]


def _r10md_grid_md(rep: dict, md: str, cells: dict | None = None, tables: Any = None) -> str:
    """The markdown with tables 三 and 四 replaced by pandoc grid tables drawn from the HTML
    rendering's spans (the same cells)."""
    from etl.readers.html import read_html
    src = dict(rep, cells=cells) if cells is not None else rep
    html = R.render(src, "html", **({"tables": tables} if tables else {}))
    found = read_html(html, "x.html").tables
    t3 = next(t for t in found if any("自然人" in c.text for row in t.rows for c in row))
    t4 = next(t for t in found if t is not t3 and any("结果纠正" in c.text for row in t.rows for c in row))
    lines = md.split("\n")
    out: list[str] = []
    i = 0
    section = ""
    while i < len(lines):
        ln = lines[i]
        if ln.startswith("## "):
            section = ln
        if ln.startswith("|") and section.startswith(("## 三、", "## 四、")):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.extend(_r10md_grid_text(t3 if section.startswith("## 三、") else t4))
            i = j
            continue
        out.append(ln)
        i += 1
    return "\n".join(out)


@transform("r10md_md_pandoc_grid_spans", "extra", ("md",))
def _r10md_md_pandoc_grid_spans(rep: dict, fmt: str) -> Plan:
    """Tables 三 and 四 as pandoc's markdown writer prints tables with merged cells: grid
    tables whose merged header and label cells are one box over their rows and columns
    (no ``|`` between merged columns, no rule under a merged row), CJK two columns wide."""
    return Plan(post=lambda data, f: _r10md_grid_md(rep, data.decode("utf-8")).encode("utf-8"))


@transform("r10md_md_pandoc_grid_merged_dash", "extra", ("md",))
def _r10md_md_pandoc_grid_merged_dash(rep: dict, fmt: str) -> Plan | None:
    """A pandoc grid table 三 with a "—" merged over two 法人或其他组织 columns: one box over
    both (pandoc writes ``---`` for the dash); both are n/a."""
    pair = _r10md_zero_pair(rep)
    if pair is None:
        return None
    row, a, b = pair
    keys = (f"t3.{row}.{a}", f"t3.{row}.{b}")
    hook = tables_hook(t3=lambda g, r: _r10md_merge_dash(g, keys))
    truth = dict(rep["cells"], **{k: None for k in keys})

    def post(data: bytes, f: str) -> bytes:
        md = _r10md_grid_md(rep, data.decode("utf-8"), tables=hook)
        return md.replace("| —", "| ---").encode("utf-8")
    return Plan(opts={"tables": hook}, truth=truth, cells=rep["cells"], post=post)


@transform("r10md_md_gfm_html_table_early", "extra", ("md",))
def _r10md_md_gfm_html_table_early(rep: dict, fmt: str) -> Plan:
    """pandoc's gfm writer keeps every table with merged cells as an HTML ``<table>`` inside
    the markdown; the report's title and a short opening line come first, so the first table
    starts within the file's first bytes: still markdown (title and paragraphs are lines)."""
    tables = re.findall(r"<table.*?</table>", R.render(rep, "html", style="plain").decode("utf-8"), re.S)

    def post(data: bytes, f: str) -> bytes:
        text = data.decode("utf-8")
        title_end = text.index("\n")
        first = text.index("## 二、")
        body = text[:title_end] + "\n\n本报告说明如下。\n\n" + text[first:]
        parts = re.split(r"(?m)^(## .*)$", body)
        it = iter(tables)
        out = []
        for i, part in enumerate(parts):
            if i and parts[i - 1].startswith(("## 二、", "## 三、", "## 四、")):
                part = "\n\n" + next(it, "") + "\n\n"
            out.append(part)
        return "".join(out).encode("utf-8")
    return Plan(post=post)


@transform("r10md_txt_cells_repeated_group_row", "extra", ("txt",))
def _r10md_txt_cells_repeated_group_row(rep: dict, fmt: str) -> Plan:
    """A python-docx text dump (``"\\t".join(c.text for c in row.cells)``): a merged cell's text
    repeated in every column it covers, and table 三's 三、本年度办理结果 printed as a group row
    merged across the whole table (so dumped as that text in every column) instead of a label
    column."""
    from etl.document import Paragraph as _P
    from etl.readers.html import read_html
    doc = read_html(R.render(rep, "html"), "x.html")
    # a merged figure repeated in each column it covers reads as several figures: where the
    # rendering merges a figure cell (g011's table 二), the dump's evidence is not complete
    merged_figure = any(not c.is_span_copy and (c.colspan > 1 or c.rowspan > 1) and re.search(r"\d", c.text)
                        for t in doc.tables for row in t.rows for c in row)

    def post(data: bytes, f: str) -> bytes:
        lines: list[str] = []
        for b in doc.blocks:
            if isinstance(b, _P):
                lines.append(b.text)
                continue
            for row in b.rows:
                texts = [c.text for c in row]
                if texts and texts[0].startswith("三、本年度办理结果"):
                    if not any(ln.startswith("三、本年度办理结果\t") for ln in lines[-1:]):
                        lines.append("\t".join(["三、本年度办理结果"] * len(texts)))
                    texts = texts[1:]
                lines.append("\t".join(texts))
        return "\n".join(lines).encode("utf-8")
    return Plan(post=post, complete=not merged_figure)
# ---- adversary round 10 (r10chrome): what a browser makes of a government CMS page

@transform("r10c_meta_line_then_related_line", "14", ("txt", "md", "html", "docx", "pdf"))
def _r10c_meta_line_then_related_line(rep: dict, fmt: str) -> Plan:
    """A CMS page saved as its textContent: the 发布机构 line of the metadata box, then the
    相关阅读 box with its link titles run into one line, then the title with its year first.
    Read together, the metadata line and the link line make a title naming another agency."""
    y = int(rep["year"])
    t = f"{y}年度{rep['agency']}政府信息公开工作年度报告"
    return Plan(opts={"title_lines": [
        f"发布机构：{rep['agency']}发文日期：{y + 1}-01-26",
        f"相关阅读示例市交通运输局{y}年政府信息公开工作年度报告{y + 1}-01-19"
        f"示例县教育局{y - 1}年政府信息公开工作年度报告{y}-01-28", t], "meta_title": t})


@transform("r10c_text_content_rows", "5", ("txt",))
def _r10c_text_content_rows(rep: dict, fmt: str) -> Plan:
    """A web page saved as ``document.body.textContent`` (what a crawler without a layout engine
    keeps): one line per table row, its cells' texts run together with no separator at all
    (行政事业性收费96171.6, 规章1011); a CSS-grid table (display:table divs, no spans) keeps an
    &nbsp; for each empty or merged-over cell.  A row of several figures has lost its cell boundaries:
    a flag is the honest answer there; no figure may be read silently wrong, and no printed
    row may go missing without a flag."""
    def text(r: Any, c: Any, cont: bool) -> str:
        if cont:
            return "\u00a0"   # a CSS grid has no spans: a merged cell's other places hold &nbsp;
        return (r.value(c.key) if c.kind == "num" else c.text) or "\u00a0"

    def table(r: Any, t: Any) -> list[str]:
        # the white space between a page's tables stays: each table ends in empty lines
        return ["".join(text(r, c, cont) for _, c, cont in cells) for cells in t.placed] + ["", ""]
    cells = rep["cells"]
    return Plan(post=lambda data, f: tables_as_lines(R._R(rep, {}), table=table).encode("utf-8"),
                flag_ok=_keys(cells, "t2.") | _keys(cells, "t3.") | _keys(cells, "t4."), complete=False)


def _r10c_site_chrome(title: str, rep: dict) -> Callable[[bytes], bytes]:
    """The page's <title> the portal's own name, a layout table holding a 相关阅读 box (other
    agencies' reports, last and next year) to the left of the article."""
    y = int(rep["year"])
    links = "".join(f"<li><a href='#'>{a}{yy}年政府信息公开工作年度报告</a> {yy + 1}-01-20</li>"
                    for a, yy in (("示例市交通运输局", y - 1), ("示例县教育局", y + 1), ("示例区财政局", y)))

    def post(html: bytes) -> bytes:
        s = html.decode("utf-8")
        s = re.sub(r"<title>.*?</title>", "<title>示例市人民政府门户网站</title>", s, count=1, flags=re.S)
        s = s.replace('<div class="article">',
                      "<table width='100%'><tr><td width='180' valign='top'><div class='related'><h3>相关阅读</h3>"
                      f"<ul>{links}</ul></div></td><td valign='top'><div class=\"article\">", 1)
        s = s.replace("</body>", "</td></tr></table><p>网站标识码：3200000000 主办单位：示例市人民政府办公室</p></body>", 1)
        return s.replace(f">{rep['agency']}{y}年政府信息公开工作年度报告<", f">{title}<", 1).encode("utf-8")
    return post


@transform("r10c_chromium_portal_page", "14", ("pdf",))
def _r10c_chromium_portal_page(rep: dict, fmt: str) -> Plan | None:
    """A portal's article page printed by Chromium: the <title> (the PDF's metadata title) only
    the portal's name, a 相关阅读 column left of the article naming other agencies' reports, the
    title with its year first.  Chromium's text layer writes 人民 as radicals (⼈⺠): the title
    must still be read from the body, never from a link."""
    y = int(rep["year"])
    return _chromium_plan(rep, _PRINT_CSS, _r10c_site_chrome(f"{y}年度{rep['agency']}政府信息公开工作年度报告", rep))


def _r10c_inner_text_paragraph_cells(rep: dict, labels_too: bool) -> Plan:
    """innerText (Chromium) of a page whose table cells hold paragraphs, as Word-pasted HTML
    puts every cell's text in ``<p class=MsoNormal>``: a paragraph's text goes on a line of its
    own between blank lines, after the TAB that opens its cell (``规章\\t``, ``""``, ``1``, ``""``,
    ``\\t``, ``""``, ``2`` …); ``labels_too``: the label cells' paragraphs as well (the row starts
    with its label alone on a line, each next cell opens with a TAB line)."""
    def text(r: Any, c: Any) -> str:
        return r.value(c.key) if c.kind == "num" else c.text

    def table(r: Any, t: Any) -> list[str]:
        out: list[str] = []
        for cells in t.placed:
            parts = [text(r, c) for _, c, cont in cells if not cont]
            if not parts:
                continue
            if labels_too:
                out.append("\n\n\t\n\n".join(parts) + "\n")
            elif not str(t.name).startswith("t2"):
                out.append("\t".join(parts))   # tables 三 and 四 typed without paragraphs
            else:
                out.append(parts[0] + ("\t\n\n" + "\n\n\t\n\n".join(parts[1:]) if parts[1:] else "") + "\n")
        return out
    return Plan(post=lambda data, f: tables_as_lines(R._R(rep, {}), table=table).encode("utf-8"))


@transform("r10c_inner_text_paragraph_values", "5", ("txt",))
def _r10c_inner_text_paragraph_values(rep: dict, fmt: str) -> Plan:
    """innerText of a page whose table 二 was pasted from Word (its figure cells hold paragraphs,
    labels inline) and whose tables 三/四 were typed in the editor: table 二's figures each on a
    line of their own after the row's TAB, a blank line between — a row read alone ends in a
    blank cell (= 0): the figure below is that cell's."""
    return _r10c_inner_text_paragraph_cells(rep, labels_too=False)


@transform("r10c_inner_text_paragraph_cells", "5", ("txt",))
def _r10c_inner_text_paragraph_cells_all(rep: dict, fmt: str) -> Plan:
    """innerText of a Word-pasted table (every cell a paragraph): the label alone on a line, each
    next cell a TAB line and its text after a blank line."""
    return _r10c_inner_text_paragraph_cells(rep, labels_too=True)
# ---- adversary round 10 (r10pdftext)
# Text that crawlers extract from PDFs (pdfminer, pdfplumber, pypdf, pymupdf, pdfium, pdftotext)
# of reports printed to PDF with a CJK font; see docs/adversary-findings.md "Round 10 (r10pdftext)".


def _r10p_radical_writer() -> dict[int, str]:
    """Character → the radical a PDF writer puts in ToUnicode for a glyph the two share (the lowest
    code point wins: Chromium's print to PDF with Noto/Source Han SC, some Word/WPS exports)."""
    from etl.radicals import _table
    inv: dict[int, str] = {}
    for cp, ch in sorted(_table().items()):
        if cp < 0x3000 and len(ch) == 1:
            inv.setdefault(ord(ch), chr(cp))
    return inv


@transform("r10p_pdf_text_radicals", "14", TEXT_FORMATS)
def _r10p_pdf_text_radicals(rep: dict, fmt: str) -> Plan:
    """The text a crawler extracted from such a PDF: every character drawn with a glyph shared by
    a radical comes out as the radical (人民政府 → ⼈⺠政府, 工作 → ⼯作, 行政 → ⾏政, 一、 → ⼀、,
    门户 → ⻔⼾).  Agency, year and every figure are whole: nothing may be refused or flagged."""
    inv = _r10p_radical_writer()

    def post(data: bytes, f: str) -> bytes:
        if f == "docx":
            zin = zipfile.ZipFile(io.BytesIO(data))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    body = zin.read(item.filename)
                    if item.filename.endswith(".xml"):
                        body = body.decode("utf-8").translate(inv).encode("utf-8")
                    zout.writestr(item, body)
            return out.getvalue()
        return data.decode("utf-8").translate(inv).encode("utf-8")
    return Plan(post=post)


def _r10p_t3_adds_up(cells: dict) -> bool:
    """Table 三's figures satisfy its identities: each row's 总计 is the sum of its applicant
    columns, and per column 一 + 二 = （七）总计 + 四 and （七）总计 = the sum of the outcomes."""
    def v(r: str, c: str) -> Any:
        return cells.get(f"t3.{r}.{c}") or 0
    rows = {k.split(".")[1] for k in cells if k.startswith("t3.")}
    outcomes = rows - {"new_received", "carried_over_from_prior", "result_total", "carried_to_next"}
    for r in rows:
        if v(r, "total") != sum(v(r, c) for c in vocab.T3_COL_KEYS[:-1]):
            return False
    for c in vocab.T3_COL_KEYS:
        if v("new_received", c) + v("carried_over_from_prior", c) != v("result_total", c) + v("carried_to_next", c):
            return False
        if v("result_total", c) != sum(v(r, c) for r in outcomes):
            return False
    return True


@transform("r10p_plumber_layout_unruled", "11", ("txt",))
def _r10p_plumber_layout_unruled(rep: dict, fmt: str) -> Plan:
    """An unruled PDF saved as text by pdfplumber's ``extract_text(layout=True)``: every line
    padded with spaces to the page's width, so most lines have one length — not a text
    hard-wrapped at that width (whose lines end in a broken word, not in spaces).  The header's
    wrapped words do not sit over their columns: table 三's 总计 column and table 四 may be
    flagged, nothing else."""
    def post(data: bytes, f: str) -> bytes:
        import pdfplumber
        with pdfplumber.open(io.BytesIO(R.render(rep, "pdf", ruled=False))) as pdf:
            return "\n".join(p.extract_text(layout=True) for p in pdf.pages).encode("utf-8")
    cells = rep["cells"]
    lost = {k for k in cells if k.startswith("t4.") or (k.startswith("t3.") and k.endswith(".total"))}
    if not _r10p_t3_adds_up(cells):
        # the report's own rows do not add up: with the header's words off their columns,
        # nothing proves the column order of table 三
        lost |= {k for k in cells if k.startswith("t3.")}
    if (rep.get("options") or {}).get("blank_zeros"):
        # zeros printed as empty cells leave no trace in the text: the rows cannot be placed
        lost |= {k for k in cells if k.startswith(("t3.", "t4."))}
    return Plan(post=post, flag_ok=lost)


def _r10p_t4_apart(rep: dict) -> list[str]:
    """Table 四 as ``pdftotext`` (no options) reads an unruled page: the label column first,
    then the wrapped result words read across the columns a line at a time, then the figure
    rows without their labels."""
    cells = rep["cells"]
    out = ["类别", "行政复议", "行政诉讼", "", "未经复议直接起诉", "复议后起诉", "",
           "结 结 其 尚", "果 果 他 未 总", "维 纠 结 审 计", "持 正 果 结", ""]
    for b in vocab.T4_ROW_KEYS:
        vals = [cells.get(f"t4.{b}.{c}") for c in vocab.T4_COL_KEYS]
        out.append(" ".join("" if v is None else str(v) for v in vals))
    return out + [""]


@transform("r10p_pdftotext_t4_labels_apart", "11", ("txt",))
def _r10p_pdftotext_t4_labels_apart(rep: dict, fmt: str) -> Plan | None:
    """Word text whose table 四 came from ``pdftotext`` of an unruled page (a tall table 四, a row
    per block): the block labels, then header words read across, then three unlabeled rows of
    five figures.  The last label (复议后起诉) is no evidence for the first figure row: table
    四 may be flagged, never read into the wrong block."""
    if any(cells_v is None for k, cells_v in rep["cells"].items() if k.startswith("t4.")):
        return None

    def post(data: bytes, f: str) -> bytes:
        lines = data.decode("utf-8").split("\n")
        start = next(i for i, ln in enumerate(lines) if ln.startswith("四、") and "行政复议" in ln)
        end = next(i for i, ln in enumerate(lines) if ln.startswith("五、"))
        return "\n".join(lines[:start + 1] + _r10p_t4_apart(rep) + lines[end:]).encode("utf-8")
    return Plan(post=post, flag_ok={k for k in rep["cells"] if k.startswith("t4.")})


@transform("r10p_layout_text_right_edge", "11", ("txt",))
def _r10p_layout_text_right_edge(rep: dict, fmt: str) -> Plan:
    """An unruled PDF saved as layout text without the padding (pypdf's ``extraction_mode=
    "layout"``, ``pdftotext -layout``): table rows end where their last column ends, so most
    lines have one length — still no hard wrap (their columns stand apart by runs of spaces)."""
    def post(data: bytes, f: str) -> bytes:
        import pdfplumber
        with pdfplumber.open(io.BytesIO(R.render(rep, "pdf", ruled=False))) as pdf:
            text = "\n".join(p.extract_text(layout=True) for p in pdf.pages)
        return "\n".join(ln.rstrip() for ln in text.split("\n")).encode("utf-8")
    plan = _r10p_plumber_layout_unruled(rep, fmt)
    return Plan(post=post, flag_ok=plan.flag_ok)


@transform("r10p_pdfium_text_wrapped_labels", "11", ("txt",))
def _r10p_pdfium_text_wrapped_labels(rep: dict, fmt: str) -> Plan:
    """A ruled PDF with narrow label columns saved as text by pdfium (``get_text_range``): a
    wrapped label comes out as its first line, the row's figures, then the label's tail on a
    line of its own (``（二）部分公开（…只计这一情`` / figures / ``形，不计其他情形）``) — the
    tail is no row: the figures are the label's."""
    def post(data: bytes, f: str) -> bytes:
        import pypdfium2 as pdfium
        doc = pdfium.PdfDocument(R.render(rep, "pdf", t3_label_cm=(2.0, 2.0, 3.0)))
        try:
            return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))).encode("utf-8")
        finally:
            doc.close()
    # the narrow table-三 header's words wrap one or two characters a line (总/计): its 总计
    # column may be flagged, and table 四's wrapped result words
    lost = {k for k in rep["cells"] if k.startswith("t4.") or (k.startswith("t3.") and k.endswith(".total"))}
    if (rep.get("options") or {}).get("blank_zeros"):
        # zeros printed as empty cells leave no trace in the text: the rows cannot be placed
        lost |= {k for k in rep["cells"] if k.startswith(("t3.", "t4."))}
    return Plan(post=post, flag_ok=lost)


# ---- adversary round 11 (r11dump)
# Plain-text renderings of a report web page as text browsers and extractors make them: w3m /
# elinks -dump (box-drawing grid, a CJK character two columns wide, cells wrapped), links -dump
# (ASCII grid laid out by characters: its edges line up only counting a CJK character as one
# column), html2text saved under a .txt name, and an extractor's one-cell-a-line text whose
# blank cells vanish.  The page around the tables is the renderer's invented text.


def _r11d_width(s: str, wide: bool) -> int:
    import unicodedata
    return sum(2 if wide and unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _r11d_wrap(text: str, w: int, wide: bool) -> list[str]:
    """The text broken into lines at most ``w`` columns wide (a browser's cell wrap)."""
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for ch in para:
            if cur and _r11d_width(cur + ch, wide) > w:
                lines.append(cur)
                cur = ""
            cur += ch
        lines.append(cur)
    return lines or [""]


_R11D_JOINTS = {  # (up, down, left, right) -> box character
    (0, 1, 0, 1): "┌", (0, 1, 1, 0): "┐", (1, 0, 0, 1): "└", (1, 0, 1, 0): "┘",
    (1, 1, 0, 1): "├", (1, 1, 1, 0): "┤", (0, 1, 1, 1): "┬", (1, 0, 1, 1): "┴",
    (1, 1, 1, 1): "┼", (0, 0, 1, 1): "─", (1, 1, 0, 0): "│", (0, 0, 1, 0): "─", (0, 0, 0, 1): "─",
    (1, 0, 0, 0): "│", (0, 1, 0, 0): "│",
}


def _r11d_grid(t: R.Table, text_of: Callable[[Any], str], *, style: str, cap: int = 12,
               collapse: bool = False) -> list[str]:
    """A table as a text browser dumps it: ``w3m`` (box drawing, CJK two columns), ``links``
    (ASCII; ``|----|`` rules, ``+`` joints, laid out counting every character as one column).
    A cell's text wraps within its column; a label over several rows runs down through the
    rules between them, as w3m prints it."""
    wide = style != "links"
    spans: list[tuple[int, int, int, int, str]] = []   # r0, c0, r1 (excl), c1 (excl), text
    owner: dict[tuple[int, int], int] = {}
    for r, line in enumerate(t.placed):
        for c, cell, cont in line:
            if cont:
                continue
            spans.append((r, c, r + cell.rs, c + cell.cs, text_of(cell)))
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    owner[(r + dr, c + dc)] = len(spans) - 1
    nrows, ncols = len(t.placed), t.ncols
    widths = [2] * ncols
    for _r0, c0, _r1, c1, text in spans:
        if c1 - c0 == 1:
            widths[c0] = max(widths[c0], min(_r11d_width(text, wide), cap if re.search(r"\D", text) else 99))
    for _r0, c0, _r1, c1, text in spans:
        inner = sum(widths[c0:c1]) + (c1 - c0 - 1)
        want = min(_r11d_width(text, wide), cap * (c1 - c0))
        if want > inner:
            widths[c1 - 1] += want - inner
    heights = [1] * nrows
    if collapse:   # w3m draws a row whose every cell is empty with no height
        for r in range(nrows):
            if all(not text for r0, _c0, r1, _c1, text in spans if r0 <= r < r1):
                heights[r] = 0
    for r0, c0, r1, c1, text in spans:
        if r1 - r0 == 1:
            inner = sum(widths[c0:c1]) + (c1 - c0 - 1)
            heights[r0] = max(heights[r0], len(_r11d_wrap(text, inner, wide)))
    for r0, c0, r1, c1, text in spans:
        inner = sum(widths[c0:c1]) + (c1 - c0 - 1)
        need = len(_r11d_wrap(text, inner, wide))
        have = sum(heights[r0:r1]) + (r1 - r0 - 1)
        if need > have:
            heights[r1 - 1] += need - have
    xs = [0]
    for w in widths:
        xs.append(xs[-1] + w + 1)
    ys = [0]
    for h in heights:
        ys.append(ys[-1] + h + 1)
    canvas = [[" "] * (xs[-1] + 1) for _ in range(ys[-1] + 1)]

    def cell_at(r: int, c: int) -> int | None:
        return owner.get((r, c)) if 0 <= r < nrows and 0 <= c < ncols else None

    # borders: a vertical edge between two columns where the cells differ, a rule under a row
    # where they differ
    vert = [[cell_at(r, c - 1) != cell_at(r, c) for c in range(ncols + 1)] for r in range(nrows)]
    hor = [[cell_at(r - 1, c) != cell_at(r, c) for c in range(ncols)] for r in range(nrows + 1)]
    for r in range(nrows):
        for c in range(ncols + 1):
            if vert[r][c]:
                for y in range(ys[r] + 1, ys[r + 1]):
                    canvas[y][xs[c]] = "│"
    for r in range(nrows + 1):
        for c in range(ncols):
            if hor[r][c]:
                for x in range(xs[c] + 1, xs[c + 1]):
                    canvas[ys[r]][x] = "─"
        for c in range(ncols + 1):
            up = r > 0 and vert[r - 1][c]
            down = r < nrows and vert[r][c]
            left = c > 0 and hor[r][c - 1]
            right = c < ncols and hor[r][c]
            key = (int(up), int(down), int(left), int(right))
            if any(key):
                canvas[ys[r]][xs[c]] = _R11D_JOINTS[key]
    # texts, over the cell's lines including the rules its rows span
    for r0, c0, r1, c1, text in spans:
        inner = xs[c1] - xs[c0] - 1
        lines = _r11d_wrap(text, inner, wide)
        top = ys[r0] + 1
        room = ys[r1] - top
        y0 = top + max(0, (room - len(lines)) // 2)
        for i, ln in enumerate(lines):
            x = xs[c0] + 1
            for ch in ln:
                canvas[y0 + i][x] = ch
                if wide and _r11d_width(ch, True) == 2:
                    canvas[y0 + i][x + 1] = ""
                    x += 2
                else:
                    x += 1
    out = ["".join(row).rstrip() for row in canvas]
    if style == "links":
        ascii_ = str.maketrans({"─": "-", "│": "|", **{c: "+" for c in "┌┐└┘├┤┬┴┼"}})
        fixed = []
        for i, ln in enumerate(out):
            ln = ln.translate(ascii_)
            if 0 < i < len(out) - 1 and ln[:1] == "+":
                ln = "|" + ln[1:-1] + "|"   # links draws a rule's ends as the table's edges
            fixed.append("   " + ln)
        return fixed
    return out


def _r11d_page(rep: dict, tables: Callable[[R.Table, Any], list[str]], head: tuple[str, str] = ("", "")) -> str:
    """The invented page around the three tables, the tables as ``tables`` renders them."""
    r = R._R(rep, {})
    nar = r.narrative()
    out = [head[0] + r.title(), ""] + nar["intro"] + ["", head[1] + "一、总体情况", ""] + nar["general"] + [""]
    for t, title in zip(r.tables, (vocab.TABLE_ZH["t2"], vocab.TABLE_ZH["t3"], r.t4_heading())):
        out += [head[1] + title, ""]
        for piece in R._pieces(t):
            out += [piece] if isinstance(piece, str) else tables(piece, r)
        out.append("")
    out += [head[1] + "五、存在的主要问题及改进情况", ""] + nar["problems"]
    out += ["", head[1] + "六、其他需要报告的事项", ""] + nar["other"]
    return "\n".join(out) + "\n"


def _r11d_text_of(r: Any) -> Callable[[Any], str]:
    return lambda cell: r.value(cell.key) if cell.kind == "num" else cell.text


@transform("r11d_w3m_dump_box_grid", "11", ("txt",))
def _r11d_w3m_dump_box_grid(rep: dict, fmt: str) -> Plan:
    """``w3m -dump`` of the report page (elinks alike): every table a box-drawing grid
    (┌─┬─┐ │ ├─┼─┤), a CJK character two columns wide, labels wrapped inside their cells, a
    label over several rows running down through the rules between them.  Every figure is in
    its column: nothing may be flagged beyond the budget."""
    def post(data: bytes, f: str) -> bytes:
        return _r11d_page(rep, lambda t, r: _r11d_grid(t, _r11d_text_of(r), style="w3m")).encode("utf-8")
    return Plan(post=post)


@transform("r11d_w3m_dump_narrow_cells", "11", ("txt",))
def _r11d_w3m_dump_narrow_cells(rep: dict, fmt: str) -> Plan:
    """``w3m -dump -cols 60``: the same box grid with labels and header words wrapped every few
    characters (自然 / 人, 结果维 / 持)."""
    def post(data: bytes, f: str) -> bytes:
        return _r11d_page(rep, lambda t, r: _r11d_grid(t, _r11d_text_of(r), style="w3m", cap=4)).encode("utf-8")
    return Plan(post=post)


@transform("r11d_links_dump_ascii_grid", "11", ("txt",))
def _r11d_links_dump_ascii_grid(rep: dict, fmt: str) -> Plan:
    """``links -dump`` of the page: an ASCII grid (``+----+`` borders, ``|----+----|`` rules
    with the table's edges as ``|``, a rule under a colspan without joints) laid out counting a
    CJK character as one column, so its edges line up by characters, not on screen."""
    def post(data: bytes, f: str) -> bytes:
        return _r11d_page(rep, lambda t, r: _r11d_grid(t, _r11d_text_of(r), style="links")).encode("utf-8")
    return Plan(post=post)


@transform("r11d_html2text_saved_as_txt", "11", ("txt",))
def _r11d_html2text_saved_as_txt(rep: dict, fmt: str) -> Plan:
    """html2text's markdown saved under a .txt name: ``#`` headings, each table row its cells
    joined by `` | `` without outer pipes (merged cells once), a ``---|---`` delimiter under a
    table's first row (``---`` under a one-cell first row), two spaces ending each line."""
    def rows(t: R.Table, r: Any) -> list[str]:
        text = _r11d_text_of(r)
        out = []
        for i, line in enumerate(t.placed):
            cells = [text(cell) for _c, cell, cont in line if not cont]
            out.append(" | ".join(cells) + "  ")
            if i == 0:
                out.append("|".join(["---"] * len(cells)) + "  ")
        return out
    def post(data: bytes, f: str) -> bytes:
        return _r11d_page(rep, rows, head=("# ", "## ")).encode("utf-8")
    # zeros printed blank: table 四's all-blank figure row is pipes and spaces only, its edge
    # cells lost (as md_html2text_tables, a known gap): its cells may be flagged
    blank = (rep.get("options") or {}).get("blank_zeros")
    return Plan(post=post, flag_ok={k for k in rep["cells"] if k.startswith("t4.")} if blank else set())


@transform("r11d_cells_per_line_blanks_dropped", "11", ("txt",))
def _r11d_cells_per_line_blanks_dropped(rep: dict, fmt: str, joined: bool = False) -> Plan | None:
    """An extractor's text of the page (BeautifulSoup ``get_text("\\n")``, readability): one cell
    a line, and zeros printed as empty cells gone without a trace (table 二's too), so a row
    ``1 | (blank) | 11`` reads ``1`` / ``11``.  A row short of figures cannot be placed: its
    cells may be flagged, never read as 1 / 1 / 1."""
    cells = rep["cells"]
    zeros = {k for k, v in cells.items() if v == 0}
    if not any(k.startswith("t2.") for k in zeros):
        return None

    def text(cell: Any) -> str:
        if cell.kind == "num":
            return "" if cells.get(cell.key) == 0 else R._R(rep, {}).value(cell.key)
        return cell.text

    def lines(t: R.Table, r: Any) -> list[str]:
        out = [s for line in t.placed for _c, cell, cont in line if not cont and (s := text(cell))]
        return [" ".join(out)] if joined else out
    def post(data: bytes, f: str) -> bytes:
        return _r11d_page(rep, lines).encode("utf-8")
    short_rows = {k.rsplit(".", 1)[0] for k in zeros}
    lost = {k for k in cells if k.startswith(("t3.", "t4.")) or k.rsplit(".", 1)[0] in short_rows}
    return Plan(post=post, flag_ok=lost, complete=False)


@transform("r11d_cells_space_joined_blanks_dropped", "11", ("txt",))
def _r11d_cells_space_joined_blanks_dropped(rep: dict, fmt: str) -> Plan | None:
    """``get_text(" ")`` of the same page: each table one line of its cells joined by spaces,
    zeros printed blank gone — a row at the table's end whose cells were all blank leaves its
    label alone after the last figure (行政处罚 行政强制 行政事业性收费): flagged, not dropped."""
    return _r11d_cells_per_line_blanks_dropped(rep, fmt, joined=True)


@transform("r11d_word_text_last_cell_paragraphs", "11", ("txt",))
def _r11d_word_text_last_cell_paragraphs(rep: dict, fmt: str) -> Plan | None:
    """Word's "save as plain text" of the report: a row's cells joined by TABs, a vertically
    merged cell as an empty field, CRLF line ends — and a figure cell whose first paragraph is
    empty (pasted with a stray paragraph mark) written as ``…\\t0\\t`` then ``110`` on a line of
    its own.  Here the 总计 cell of every other table-三 row that prints a non-zero total:
    the figure is that cell's, never a blank (0) followed by a stray line."""
    cells = rep["cells"]
    picked = [k for k in cells if k.startswith("t3.") and k.endswith(".total") and cells[k]][::2]
    if not picked:
        return None

    def rows(t: R.Table, r: Any) -> list[str]:
        out = []
        for line in t.placed:
            fields = []
            for _c, cell, cont in line:
                s = "" if cont else (r.value(cell.key) if cell.kind == "num" else cell.text)
                if cell.kind == "num" and cell.key in picked and s:
                    s = "\r\n" + s
                fields.append(s)
            out.append("\t".join(fields))
        return out

    def post(data: bytes, f: str) -> bytes:
        return _r11d_page(rep, rows).replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    return Plan(post=post)


_R11D_SIDE = ("栏目导航", "机构职能", "政策文件", "规划计划", "统计数据", "公开年报", "依申请公开")


def _r11d_side_column(text: str, wide: bool) -> str:
    """The page laid out in a two-column layout table: every line indented by the side
    column's width, its link words beside the middle of the tallest drawn table."""
    lines = text.split("\n")
    width = 18
    grid = [i for i, ln in enumerate(lines) if ln.lstrip()[:1] in ("│", "├", "┌", "└", "|", "+")]
    blocks: list[list[int]] = []
    for i in grid:
        if blocks and i == blocks[-1][-1] + 1:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    tall = max(blocks, key=len) if blocks else []
    start = tall[len(tall) // 2 - len(_R11D_SIDE) // 2] if len(tall) > len(_R11D_SIDE) else -1
    out = []
    for i, ln in enumerate(lines):
        k = i - start
        word = _R11D_SIDE[k] if start >= 0 and 0 <= k < len(_R11D_SIDE) else ""
        out.append(word + " " * (width - _r11d_width(word, wide)) + ln if ln or word else ln)
    return "\n".join(out)


@transform("r11d_w3m_dump_side_column", "11", ("txt",))
def _r11d_w3m_dump_side_column(rep: dict, fmt: str) -> Plan:
    """``w3m -dump`` of a page laid out in a layout table: the report in the right column, a
    column of links on its left, whose words stand on the lines of table 三's box grid
    (``机构职能          │      │1.属于国家秘密 │0 …``).  The words are no part of the table."""
    def post(data: bytes, f: str) -> bytes:
        page = _r11d_page(rep, lambda t, r: _r11d_grid(t, _r11d_text_of(r), style="w3m"))
        return _r11d_side_column(page, True).encode("utf-8")
    return Plan(post=post)


@transform("r11d_links_dump_side_column", "11", ("txt",))
def _r11d_links_dump_side_column(rep: dict, fmt: str) -> Plan:
    """``links -dump`` of the same two-column page: the ASCII grid laid out by characters, the
    side column's words on its lines, padded by characters too."""
    def post(data: bytes, f: str) -> bytes:
        page = _r11d_page(rep, lambda t, r: _r11d_grid(t, _r11d_text_of(r), style="links"))
        return _r11d_side_column(page, False).encode("utf-8")
    return Plan(post=post)


@transform("r11d_w3m_dump_blank_row_collapsed", "11", ("txt",))
def _r11d_w3m_dump_blank_row_collapsed(rep: dict, fmt: str) -> Plan | None:
    """``w3m -dump`` of a page whose zeros are printed as empty cells: a row whose every cell is
    empty (table 四's figure row of an agency with no case) is drawn with no height — its top
    rule right above its bottom rule.  The row is there: fifteen blank cells, zeros."""
    cells = rep["cells"]
    if any(cells.get(f"t4.{b}.{c}") for b in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS):
        return None

    def text_of(r: Any) -> Callable[[Any], str]:
        return lambda cell: ("" if cells.get(cell.key) == 0 else r.value(cell.key)) \
            if cell.kind == "num" else cell.text

    def post(data: bytes, f: str) -> bytes:
        page = _r11d_page(rep, lambda t, r: _r11d_grid(t, text_of(r), style="w3m", collapse=True))
        return page.encode("utf-8")
    # a zero printed blank in a table-三 row or column whose identity fails (the agency's own
    # figures) may be a lost digit: flagging it is honest (NOTES L46)
    return Plan(post=post, flag_ok={k for k, v in cells.items() if k.startswith("t3.") and v == 0})


@transform("r11d_word_text_label_paragraphs", "11", ("txt",))
def _r11d_word_text_label_paragraphs(rep: dict, fmt: str) -> Plan:
    """Word's "save as plain text" of a report whose long labels were broken by hand into two
    paragraphs inside their cells: ``一、本年新收政府`` on a line of its own, then
    ``信息公开申请数量\\t32\\t2…`` — the words line is the first half of the next row's label,
    no row of its own (a row whose cells all vanished would print its whole label)."""
    def split(text: str) -> str:
        if len(text) > 8 and not re.fullmatch(r"[\d.,/—-]*", text):
            return text[:len(text) // 2] + "\r\n" + text[len(text) // 2:]
        return text

    def rows(t: R.Table, r: Any) -> list[str]:
        return ["\t".join("" if cont else (r.value(cell.key) if cell.kind == "num" else split(cell.text))
                          for _c, cell, cont in line) for line in t.placed]

    def post(data: bytes, f: str) -> bytes:
        return _r11d_page(rep, rows).replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
    return Plan(post=post)
# ---- adversary round 11 (r11ue)
# HTML as office suites and rich-text editors make it (Excel's "save as web page", Word pasted
# into a CMS editor); see docs/adversary-findings.md "Round 11 (r11ue)".

#: a table cell whose only text is one figure (inside any inline/paragraph wrappers)
_R11U_FIGURE_TD = re.compile(r"<td([^>]*)>((?:<(?!/)[^>]*>)*)\s*([-+]?\d[\d.]*)\s*((?:</[^>]+>)*)</td>")


def _r11u_html_tables(post_table: Callable[[str], str], where: tuple[str, str] | None = None
                      ) -> Callable[[bytes, str], bytes]:
    """A post edit applying ``post_table`` to every ``<table>…</table>`` of the page (or only to
    those between the headings ``where``)."""
    def post(data: bytes, f: str) -> bytes:
        text = data.decode("utf-8")
        lo, hi = 0, len(text)
        if where:
            lo = text.find(where[0])
            hi = text.find(where[1], lo + 1) if lo >= 0 else -1
            if lo < 0 or hi < 0:
                return data
        part = re.sub(r"(?s)<table\b.*?</table>", lambda m: post_table(m.group(0)), text[lo:hi])
        return (text[:lo] + part + text[hi:]).encode("utf-8")
    return post


@transform("r11u_xl_accounting_dash_zeros", "5", ("html",))
def _r11u_xl_accounting_dash_zeros(rep: dict, fmt: str) -> Plan:
    """Excel's "save as web page" of a sheet in an accounting format: every 0 shows as ``-``, its
    value kept in ``x:num="0"`` (``<td class=xl67 x:num="0">-</td>``): still 0, not "not
    applicable"."""
    def zero(m: re.Match) -> str:
        if float(m.group(3)) != 0:
            return m.group(0)
        return f'<td{m.group(1)} class=xl67 x:num="0">{m.group(2)} - {m.group(4)}</td>'
    return Plan(post=_r11u_html_tables(lambda t: _R11U_FIGURE_TD.sub(zero, t)))


@transform("r11u_xl_negative_without_sign", "5", ("html",))
def _r11u_xl_negative_without_sign(rep: dict, fmt: str) -> Plan | None:
    """Excel's number format ``0;[Red]0``: a negative 本年增/减 shows in red without its minus
    sign, the value kept in ``x:num`` (``<td style="color:red" x:num="-6">6</td>``): -6."""
    if not any(isinstance(v, (int, float)) and v < 0 for v in rep["cells"].values()):
        return None

    def neg(m: re.Match) -> str:
        if not m.group(3).startswith("-"):
            return m.group(0)
        return f'<td{m.group(1)} x:num="{m.group(3)}">{m.group(2)}{m.group(3)[1:]}{m.group(4)}</td>'
    return Plan(post=_r11u_html_tables(lambda t: _R11U_FIGURE_TD.sub(neg, t)))


@transform("r11u_xl_label_overflow", "5", ("html",))
def _r11u_xl_label_overflow(rep: dict, fmt: str) -> Plan:
    """Excel's "save as web page" with zeros hidden: a row label runs over the empty cell on its
    right, written as one cell with ``colspan`` and ``mso-ignore:colspan`` (the empty cell not
    written) — the figure columns after it keep their places; the covered cell is a blank (0)."""
    label_then_zero = re.compile(
        r'<td(?P<a>[^>]*?)(?:\s+colspan="?(?P<cs>\d+)"?)?(?P<b>[^>]*)>(?P<lab>(?:(?!</td>).)*?[\u4e00-\u9fff](?:(?!</td>).)*?)</td>'
        r'<td(?:(?!colspan)[^>])*>(?:<(?!/)[^>]*>)*\s*0\s*(?:</[^>]+>)*</td>', re.S)

    def row(m: re.Match) -> str:
        cs = int(m.group("cs") or 1) + 1
        return (f'<td{m.group("a")} colspan="{cs}"{m.group("b")} style="mso-ignore:colspan">'
                f'{m.group("lab")}</td>')

    def table(t: str) -> str:
        return re.sub(r"(?s)<tr\b.*?</tr>", lambda r: label_then_zero.sub(row, r.group(0), count=1), t)
    return Plan(post=_r11u_html_tables(table))


@transform("r11u_hidden_serial_column", "5", ("html",))
def _r11u_hidden_serial_column(rep: dict, fmt: str) -> Plan:
    """A sheet's hidden first column of row numbers, saved as web page: every row opens with a
    cell the page does not display (``<td style="display:none">7</td>``)."""
    def table(t: str) -> str:
        n = iter(range(1, 10_000))
        return re.sub(r"<tr\b([^>]*)>", lambda m: f'<tr{m.group(1)}><td style="display:none">{next(n)}</td>', t)
    return Plan(post=_r11u_html_tables(table))


@transform("r11u_t3_blank_applicants_merged", "5", ("html",))
def _r11u_t3_blank_applicants_merged(rep: dict, fmt: str) -> Plan | None:
    """An editor merged the five empty 法人或其他组织 cells of table-三 rows into one blank cell
    (``<td colspan="5"></td>``) wherever the five are 0: each covered column is blank, 0."""
    zero = r'<td(?:(?!colspan)[^>])*>(?:<(?!/)[^>]*>)*\s*0?\s*(?:</[^>]+>)*</td>'
    fig = r'<td(?:(?!colspan)[^>])*>(?:<(?!/)[^>]*>)*\s*\d*\s*(?:</[^>]+>)*</td>'
    pat = re.compile(rf"({fig})(?:{zero}){{5}}({fig}\s*</tr>)")
    cells = rep["cells"]
    if not any(all(cells.get(f"t3.{r}.{c}") == 0 for c in vocab.T3_APPLICANT_COLS[1:])
               for r in {k.split(".")[1] for k in cells if k.startswith("t3.")}):
        return None

    def table(t: str) -> str:
        return pat.sub(lambda m: m.group(1) + '<td colspan="5"></td>' + m.group(2), t)
    return Plan(post=_r11u_html_tables(table, where=("三、收到和处理", "行政复议")))


@transform("r11u_bare_title_signed_above_chrome", "5", ("html",))
def _r11u_bare_title_signed_above_chrome(rep: dict, fmt: str) -> Plan | None:
    """A CMS page of a report whose title prints no agency (2022年政府信息公开工作年度报告): the
    report signs with its agency above the date, then the site's chrome follows (上一篇/下一篇
    naming other agencies' reports, the footer)."""
    agency, year = rep["agency"], rep["year"]
    if re.search(r"(?:办公室|办公厅)$", agency):
        return None   # an office's name alone is refused by design (NOTES: the office rule)

    def post(data: bytes, f: str) -> bytes:
        text = data.decode("utf-8").replace(f"{agency}{year}", f"{year}")
        text = re.sub(r"本报告(?:是)?由[^。<]*?(?:编制|制作|撰写)[^。<]*。?", "", text)
        if agency in text:
            return data   # the agency printed elsewhere too: nothing to test
        chrome = (f"<p>{agency}</p><p>{year + 1}年1月20日</p></div>"
                  f'<div class="prevnext"><p>上一篇：<a href="/a.html">示例市统计局{year}年政府信息公开工作年度报告</a></p>'
                  f'<p>下一篇：<a href="/b.html">示例市审计局{year}年政府信息公开工作年度报告</a></p></div>'
                  '<div class="footer">主办单位：示例市人民政府办公室 网站标识码：3213220037</div>')
        i = text.rfind("</div>")
        return (text[:i] + chrome + text[i + len("</div>"):]).encode("utf-8") if i >= 0 else data
    return Plan(post=post)


@transform("r11u_t4_empty_cells_removed", "5", ("html",))
def _r11u_t4_empty_cells_removed(rep: dict, fmt: str) -> Plan | None:
    """A CMS sanitiser (remove-empty-elements) after an editor printed zeros blank: table 四's
    zero cells are gone from its data row, which now ends columns before its header — which
    result word each remaining figure stood under is lost: table 四 may be flagged, never
    read shifted."""
    t4 = _keys(rep["cells"], "t4.")
    if not any(rep["cells"][k] == 0 for k in t4):
        return None
    zero = re.compile(r"<td(?:(?!colspan)[^>])*>(?:<(?!/)[^>]*>)*\s*0?\s*(?:</[^>]+>)*</td>")

    def post(data: bytes, f: str) -> bytes:
        text = data.decode("utf-8")
        lo = text.find("行政复议", text.find("四、"))
        hi = text.find("五、", lo)
        if lo < 0 or hi < 0:
            return data
        return (text[:lo] + zero.sub("", text[lo:hi]) + text[hi:]).encode("utf-8")
    return Plan(post=post, flag_ok=t4)


@transform("r11u_item_change_as_arrows", "extra")
def _r11u_item_change_as_arrows(rep: dict, fmt: str) -> Plan | None:
    """本年增/减 typed with arrows (an Excel format ``▲0;▼0`` pasted into the editor as text):
    ``▲3`` an increase, ``▼6`` a decrease."""
    keys = {k for k, v in rep["cells"].items() if k.endswith(".item_count_change") and v}
    if not keys:
        return None

    def text(k: str, s: str) -> str:
        if k not in keys:
            return s
        return "▼" + s[1:] if s.startswith("-") else "▲" + s
    return Plan(opts={"value_text": text})
# ---- adversary round 11 (r11comp): pipelines of several steps (agency edit, producer,
# converter, re-posting site), each step a defence of its own; these two are where two steps
# together got through (docs/adversary-findings.md, "Round 11 (r11comp)")


def _r11c_get_text(data: bytes) -> bytes:
    """A crawler's get_text of a page: every cell on a line of its own, blank cells and blank
    lines gone, no indentation."""
    lines = [ln.strip(" \t\u3000\xa0") for ln in data.decode("utf-8").split("\n")]
    return "\n".join(ln for ln in lines if ln).encode("utf-8")


@transform("r11c_get_text_blank_zeros", "5", ("txt",))
def _r11c_get_text_blank_zeros(rep: dict, fmt: str) -> Plan | None:
    """Zeros printed as empty cells (an agency's habit) and the page then saved by a crawler's
    get_text (a cell a line, empty lines dropped): a table-二 row 1 | (blank) | 11 comes out as
    '1' and '11', whose only cut into three cells is 1|1|1.  Blank cells leave no trace, so any
    cell may be flagged; none may be read wrong."""
    if not any(v == 0 for k, v in rep["cells"].items() if k.startswith("t2.")):
        return None

    def post(data: bytes, f: str) -> bytes:
        lines = _r11c_get_text(data).decode("utf-8").split("\n")
        out, in_t2 = [], False
        for ln in lines:
            if ln.startswith("第二十条"):
                in_t2 = True
            elif ln.startswith("三、"):
                in_t2 = False
            if in_t2 and ln == "0":
                continue   # table 二's zeros printed blank too (the render blanks tables 三/四)
            out.append(ln)
        return "\n".join(out).encode("utf-8")
    return Plan(opts={"blank_zeros": True}, post=post,
                flag_ok={k for k in rep["cells"] if k.startswith(("t2.", "t3.", "t4."))}, complete=False)


@transform("r11c_page_line_above_one_line_title", "extra", ("txt",))
def _r11c_page_line_above_one_line_title(rep: dict, fmt: str) -> Plan | None:
    """A re-posting site's date bar (…2024年12月31日 星期二) or the page's <title> (年报) on
    the line right above a title printed whole on one line, the report's first lines not naming
    the agency again: the agency is the title's, not 星期二示例局 or 年报示例局."""
    agency, year = rep["agency"], int(rep["year"])

    def post(data: bytes, f: str) -> bytes:
        text = data.decode("utf-8")
        lines = text.split("\n")
        i = next((i for i, ln in enumerate(lines) if ln.strip().startswith(agency)), None)
        if i is None:
            return data
        if str(year) not in lines[i]:
            lines[i] = lines[i].rstrip() + lines[i + 1].strip()   # the title on one line
            del lines[i + 1]
        for j in range(i + 1, min(len(lines), i + 20)):
            lines[j] = lines[j].replace(agency, "本机关")
        bar = "网站首页 | 政务公开 | 2024年12月31日 星期二" if year % 2 else "年报"
        return "\n".join(lines[:i] + [bar] + lines[i:]).encode("utf-8")
    return Plan(post=post)


def _r11c_t2_yoy_col(g: Grid, r: Any) -> None:
    """Table 二 with a 比上年增减 column on the right (signed changes of the figures beside it)."""
    col: list[Cell | None] = []
    for i, row in enumerate(g.slots):
        kinds = {g.cells[c].kind for c in row}
        if "title" in kinds:
            col.append(None)
        elif "head" in kinds:
            col.append(head("比上年增减"))
        else:
            d = (i * 5) % 9 - 4
            col.append(lit(f"{d:+d}" if d else "0"))
    g.insert_col(g.ncols, col)


@transform("r11c_t2_yoy_change_col_pdf_text", "extra", ("pdf",))
def _r11c_t2_yoy_change_col_pdf_text(rep: dict, fmt: str) -> Plan | None:
    """A 2021-template table 二 with a 比上年增减 column added by the agency, printed to PDF and
    saved as text by pdfplumber: the signed figures are no 本年增/减 (the 2019 item-list
    change; the row prints no 上一年项目数量) — never a plain item_count_change key."""
    if rep["template"] != "2021":
        return None

    def post(data: bytes, f: str) -> bytes:
        import pdfplumber
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join((p.extract_text() or "") for p in pdf.pages).encode("utf-8")
    # complete=False: pdfplumber's text of a blank-zero or wrapped-header table loses cells of
    # table 三 too (round 10, "still weak"); what this transform holds is no phantom key
    return Plan(opts={"tables": tables_hook(t2=_r11c_t2_yoy_col)}, post=post, ext=".txt",
                flag_ok={k for k in rep["cells"] if k.startswith("t2.")}, complete=False)


@transform("r11c_taiwan_phrases_get_text", "13", ("html",))
def _r11c_taiwan_phrases_get_text(rep: dict, fmt: str) -> Plan:
    """A page re-posted through a 繁體 switch that converts phrases too (OpenCC s2twp: 政府資訊
    公開, 規範性檔案, 上一年專案數量), then saved by a crawler's get_text (a cell a line): the
    template's words come back and the report is read — never refused as a non-report."""
    import opencc
    cc = opencc.OpenCC("s2twp")

    def post(data: bytes, f: str) -> bytes:
        from lxml import html as lhtml
        root = lhtml.fromstring(data)
        for bad in root.xpath("//script|//style"):
            bad.getparent().remove(bad)
        text = "\n".join(t.strip() for t in root.itertext() if t.strip())
        return cc.convert(text).encode("utf-8")
    return Plan(post=post, ext=".txt", complete=False)
# ---- adversary round 11 (r11old): the 2019–2020 template and the year boundary


def _r11o_t2_heads(rep: dict, words: dict[str, str]) -> Plan | None:
    if rep["template"] != "2019" or not any(k.endswith(".prior_year_item_count") for k in rep["cells"]):
        return None

    def t2(g: Grid, r: Any) -> None:
        g.relabel(lambda c: replace(c, text=words.get(c.text, c.text)) if c.kind == "head" else c)
    return Plan(opts={"tables": tables_hook(t2=t2)})


@transform("r11o_t2_items_named_by_year", "extra")
def _r11o_t2_items_named_by_year(rep: dict, fmt: str) -> Plan | None:
    """A 2019-form table 二 whose item columns name their years (``2019年项目数量``, and Shandong's
    ``2020年项目数量``) instead of 上一年项目数量 / 本年项目数量: the years say which is which."""
    y = int(rep["year"])
    return _r11o_t2_heads(rep, {"上一年项目数量": f"{y - 1}年项目数量", "本年项目数量": f"{y}年项目数量"})


@transform("r11o_t2_change_increase_decrease", "extra")
def _r11o_t2_change_increase_decrease(rep: dict, fmt: str) -> Plan | None:
    """本年增/减 written 本年增加/减少数量, 处理决定数量 written 处理决定数 (2019 form)."""
    return _r11o_t2_heads(rep, {"本年增/减": "本年增加/减少数量", "处理决定数量": "处理决定数"})


@transform("r11o_pdf_running_header_row_cut", "extra", ("pdf",))
def _r11o_pdf_running_header_row_cut(rep: dict, fmt: str) -> Plan | None:
    """A Word document printed by LibreOffice: a running page header (agency and year) on every
    page, and table 三 cut by a page break inside the （二）部分公开 row — its figures stay above
    the break beside ``（二）``, the label's words go on at the next page's top in a row of blank
    cells, under the running header.  The blank cells are no zeros: the figures are the row's."""
    if not any(k.startswith("t3.partially_granted.") for k in rep["cells"]):
        return None

    def t3(g: Grid, r: Any) -> Any:
        at = g.row_of("t3.partially_granted.")
        lab = next(c for c in g.slots[at] if "部分公开" in g.cells[c].text)
        words = g.cells[lab].text
        g.cells[lab] = replace(g.cells[lab], text="（二）")
        col = g.slots[at].index(lab)
        tail = [lit() for _ in range(g.ncols)]
        tail[col] = lit(words.replace("（二）", "", 1))
        g.insert_row(at + 1, tail, keep_spans=False)
        top, rest = g.copy(), g.copy()
        top.delete_rows(list(range(at + 1, len(g.slots))))
        rest.delete_rows(list(range(0, at + 1)))
        return [top.table(), "\f", rest.table(header_rows=0)]
    return Plan(opts={"tables": tables_hook(t3=t3),
                      "running_header": f"{rep['agency']} {rep['year']}年度政府信息公开工作年度报告"})


@transform("r11o_pdf_year_only_in_running_footer", "extra", ("pdf",))
def _r11o_pdf_year_only_in_running_footer(rep: dict, fmt: str) -> Plan | None:
    """A yearless title (…政府信息公开工作年度报告, the document properties' title too)
    whose year is printed only as （2020年度） in every page's footer — also at the foot of the
    page where table 三 is cut inside its （二）部分公开 row (as in
    ``r11o_pdf_running_header_row_cut``).  The body's own sentences may name the year too."""
    plan = _r11o_pdf_running_header_row_cut(rep, fmt)
    if plan is None:
        return None
    opts = dict(plan.opts)
    opts.pop("running_header")
    opts.update(title_lines=[f"{rep['agency']}政府信息公开工作年度报告"],
                meta_title=f"{rep['agency']}政府信息公开工作年度报告", running_footer=f"（{rep['year']}年度）")
    return Plan(opts=opts)


@transform("r11o_pdf_paged_running_footer_row_cut", "extra", ("pdf",))
def _r11o_pdf_paged_running_footer_row_cut(rep: dict, fmt: str) -> Plan | None:
    """Table 三 cut inside its （二）部分公开 row (as in ``r11o_pdf_running_header_row_cut``) at
    the foot of a page whose running footer prints the page number beside its words
    (``…年度报告 第2页``): the footer differs from page to page only in its number."""
    plan = _r11o_pdf_running_header_row_cut(rep, fmt)
    if plan is None:
        return None
    opts = dict(plan.opts)
    opts.pop("running_header")
    opts["running_footer"] = f"{rep['agency']}{rep['year']}年度政府信息公开工作年度报告 第{{page}}页"
    return Plan(opts=opts)


@transform("r11o_pdf_header_from_page_two_row_cut", "extra", ("pdf",))
def _r11o_pdf_header_from_page_two_row_cut(rep: dict, fmt: str) -> Plan | None:
    """Word's different first page: the running header is printed from page 2 on, so its first
    printing stands at the top of the page where table 三's cut （二）部分公开 row goes on (as in
    ``r11o_pdf_running_header_row_cut``) — no repeat yet to know it by."""
    plan = _r11o_pdf_running_header_row_cut(rep, fmt)
    if plan is None:
        return None
    return Plan(opts=dict(plan.opts, running_header_from=2))
# ---- adversary round 11 (r11pdf)

def _pdfium_bytes(doc: Any) -> bytes:
    """A pypdfium2 document saved to bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _r11p_rebuild(data: bytes, place: Callable[[Any, Any, Any, int], None], size: Callable[[float, float], tuple],
                  per_sheet: int = 1, rotate: int = 0) -> bytes:
    """A new PDF whose sheets draw the source pages as form XObjects: ``place(sheet, xobj_factory,
    pdfium, k)`` puts the k-th page of the sheet; ``size(w, h)`` is the sheet's size."""
    import pypdfium2 as pdfium
    src = pdfium.PdfDocument(data)
    dst = pdfium.PdfDocument.new()
    try:
        w, h = src[0].get_size()
        sw, sh = size(w, h)
        n = len(src)
        for start in range(0, n, per_sheet):
            sheet = dst.new_page(sw, sh)
            for k, i in enumerate(range(start, min(start + per_sheet, n))):
                place(sheet, lambda i=i: src.page_as_xobject(i, dst), pdfium, k)
            if rotate:
                sheet.set_rotation(rotate)
            sheet.gen_content()
        return _pdfium_bytes(dst)
    finally:
        dst.close()
        src.close()


@transform("r11p_two_up_sheets", "extra", ("pdf",))
def _r11p_two_up_sheets(rep: dict, fmt: str) -> Plan:
    """Printed 2-up (两页合一): each landscape sheet holds two portrait pages side by side, shrunk
    to 0.7.  Read whole, the left page's title and the right page's table rows share heights
    and would join into one line (the title lost: a valid report refused)."""
    def post(data: bytes, f: str) -> bytes:
        def place(sheet, xobj, pdfium, k):
            s = 421 / 595.0
            po = xobj().as_pageobject()
            po.transform(pdfium.PdfMatrix().scale(s, s).translate(k * 421, (595 - 842 * s) / 2))
            sheet.insert_obj(po)
        return _r11p_rebuild(data, place, lambda w, h: (842, 595), per_sheet=2)
    return Plan(post=post)


@transform("r11p_rotated_fake_bold", "extra", ("pdf",))
def _r11p_rotated_fake_bold(rep: dict, fmt: str) -> Plan:
    """A page shown rotated (/Rotate 90, its content drawn turned the other way, as a landscape
    page saved from a portrait one) whose every glyph is printed twice 0.3 pt apart (fake bold
    of a font without a bold face).  Such a page is read by pdfminer, which keeps both copies:
    2023 read as 22002233, 规章 as 规规章章 — the title lost, or every figure doubled."""
    def post(data: bytes, f: str) -> bytes:
        def place(sheet, xobj, pdfium, k):
            for dx in (0.0, 0.3):
                po = xobj().as_pageobject()
                # drawn turned 90° counter-clockwise: /Rotate 90 shows it upright
                po.transform(pdfium.PdfMatrix(0, 1, -1, 0, 595 + dx, 0))
                sheet.insert_obj(po)
        return _r11p_rebuild(data, place, lambda w, h: (595, 842), rotate=90)
    return Plan(post=post)


@transform("r11p_line_through_figures", "extra", ("pdf",))
def _r11p_line_through_figures(rep: dict, fmt: str) -> Plan:
    """A thin line drawn through the middle of every figure of table 三 (a strikethrough of the
    whole row, or a rule drawn across the figures) with no other figure beside it: the struck
    figure is the only one printed there.  Dropped as an old figure, the cell would read blank
    (0): each struck cell is kept and flagged."""
    def post(data: bytes, f: str) -> bytes:
        import pdfplumber
        import pypdfium2 as pdfium
        from reportlab.pdfgen import canvas
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            sizes = [(float(p.width), float(p.height)) for p in pdf.pages]
            marks = []
            for p in pdf.pages:
                words = p.extract_words()
                start = next((w["top"] for w in words if "申请人情况" in w["text"] or "自然人" in w["text"]), None)
                stop = next((w["top"] for w in words if w["text"].startswith("四、")), None)
                marks.append([w for w in words if re.fullmatch(r"\d+", w["text"])
                              and (start is None or w["top"] > start) and (stop is None or w["top"] < stop)]
                             if start is not None or marks and marks[-1] else [])
        over = io.BytesIO()
        c = canvas.Canvas(over)
        for (w, h), ws in zip(sizes, marks):
            c.setPageSize((w, h))
            c.setLineWidth(0.5)
            for wd in ws:
                y = h - (wd["top"] + wd["bottom"]) / 2
                c.line(wd["x0"] - 1, y, wd["x1"] + 1, y)
            c.showPage()
        c.save()
        base, top = pdfium.PdfDocument(data), pdfium.PdfDocument(over.getvalue())
        try:
            for i in range(len(base)):
                po = top.page_as_xobject(i, base).as_pageobject()
                page = base[i]
                page.insert_obj(po)
                page.gen_content()
            return _pdfium_bytes(base)
        finally:
            base.close()
            top.close()
    return Plan(post=post, flag_ok=_keys(rep["cells"], "t3."))


@transform("r11p_unruled_figures_bottom", "extra", ("pdf",))
def _r11p_unruled_figures_bottom(rep: dict, fmt: str) -> Plan:
    """A table without rules in tall rows (1.3 cm, table 三 split before （四）), each label centred in its cell and the
    figures set to the cell's bottom (Word's 靠下对齐): each row prints as a label line, then a
    line of figures with no label nearer the next row's label.  Read as they stand, every label
    row is blank (0) and the figures belong to no row; with a group label (三、本年度办理结果)
    on the figures' line, the figures went to the sub-row below.  Which label owns the figures
    the text cannot prove: flags allowed, never a wrong figure."""
    return Plan(opts={"ruled": False, "num_valign": "BOTTOM", "row_height": 36.0,
                      "split_table3": True},
                flag_ok=_keys(rep["cells"], "t2.") | _keys(rep["cells"], "t3.") | _keys(rep["cells"], "t4."))


@transform("r11p_title_year_larger_latin", "extra", ("pdf",))
def _r11p_title_year_larger_latin(rep: dict, fmt: str) -> Plan:
    """The title's year set in Times at 19 pt inside a one-line 15 pt CJK title (Word: Latin text in
    its own font and size): on one baseline, but the larger glyphs' tops stand higher, so the
    year came out as a line of its own above 「…年政府信息公开工作年度报告」 and the title had
    no year: a valid report refused."""
    title = f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告"
    # the file's metadata names no report (Word's default: the document's first words or none)
    return Plan(opts={"title_digits": ("Times-Roman", 19), "title_lines": [title], "meta_title": "附件"})


@transform("r11p_table_figures_as_pictures", "extra", ("pdf",))
def _r11p_table_figures_as_pictures(rep: dict, fmt: str) -> Plan:
    """Every figure of tables 二–四 printed as a small picture of itself and no text (Word's
    "bitmap text when fonts may not be embedded", or a converter outlining a font it may not
    embed): the cells read blank, and blank means 0.  A blank cell with a picture or a filled
    outline inside prints something the text layer does not hold: flagged, never 0."""
    def post(data: bytes, f: str) -> bytes:
        import pypdfium2 as pdfium
        import pypdfium2.raw as raw
        doc = pdfium.PdfDocument(data)
        try:
            started = False
            for page in doc:
                tp = page.get_textpage()
                text = tp.get_text_range()
                started = started or "主动公开政府信息情况" in text
                if not started:
                    continue
                scale = 4
                picture = page.render(scale=scale).to_pil()
                height = page.get_height()
                figures = []
                for obj in list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], textpage=tp)):
                    got = obj.extract()
                    if got and re.fullmatch(r"[\d.]+", got.strip()):
                        figures.append(obj)
                for obj in figures:
                    x0, y0, x1, y1 = obj.get_bounds()
                    crop = picture.crop((int(x0 * scale), int((height - y1) * scale),
                                         int(x1 * scale) + 1, int((height - y0) * scale) + 1))
                    page.remove_obj(obj)
                    img = pdfium.PdfImage.new(doc)
                    img.set_bitmap(pdfium.PdfBitmap.from_pil(crop.convert("RGB")))
                    img.set_matrix(pdfium.PdfMatrix().scale(x1 - x0, y1 - y0).translate(x0, y0))
                    page.insert_obj(img)
                page.gen_content()
                tp.close()
            buf = io.BytesIO()
            doc.save(buf)
            return buf.getvalue()
        finally:
            doc.close()
    return Plan(post=post, flag_ok=_keys(rep["cells"], "t2.") | _keys(rep["cells"], "t3.") | _keys(rep["cells"], "t4."))


@transform("r11p_landscape_turned_on_portrait", "extra", ("pdf",))
def _r11p_landscape_turned_on_portrait(rep: dict, fmt: str) -> Plan:
    """A landscape report printed onto portrait paper (a printer driver's "rotate to fit"):
    every page portrait with no /Rotate, its content drawn turned 90°.  Read as it lies, every
    line is a column of sideways glyphs: the title not found, a valid report refused."""
    def post(data: bytes, f: str) -> bytes:
        def place(sheet, xobj, pdfium, k):
            po = xobj().as_pageobject()
            po.transform(pdfium.PdfMatrix(0, 1, -1, 0, 595, 0))
            sheet.insert_obj(po)
        return _r11p_rebuild(data, place, lambda w, h: (595, 842))
    return Plan(opts={"landscape": True}, post=post)

