"""The parser's working types, shared by :mod:`etl.extract` (tables) and :mod:`etl.recover`
(damaged text): a :class:`Row` of a document and the :class:`ParseState` the cells are put in.

Both modules import this one and never each other's internals, so there is no import cycle.
:meth:`ParseState.put` is the only way a value enters a report: it converts money to 万元,
records provenance, and settles a key read twice (same value: fine; different values:
``uncertain``, never "first wins").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Callable

from etl import vocab
from etl.numbers import CellValue, count_value, money_value, to_json_number
from etl.report import Provenance


@dataclass
class Row:
    """One table row or one short text line: label cells, then value cells."""

    labels: list[str]                 # label cell texts, in order
    values: list[CellValue]           # value cells after the last label
    value_cols: list[int]             # grid column of each value cell
    table: int | None = None          # table index (None for a text line)
    row: int | None = None
    page: int | None = None
    header_like: bool = False         # all cells are labels
    label_cols: list[int] = field(default_factory=list)  # grid column of each label (tables only)
    # header cells as (grid column, colspan, text), empty ones included (tables only): the
    # column paths of table 三/四 headers are built from these
    head_cells: list[tuple[int, int, str]] = field(default_factory=list)
    spans_known: bool = False         # the reader expanded merged cells (HTML, DOCX, PDF grid)
    packed: int = 0                   # Word text (merged cells printed once): the row's cell count
    ragged: bool = False              # its table's rows cover different widths (spans lost)
    #: a figure typed after the row's label inside the label cell (``行政许可 708``), taken out
    #: of ``labels``: the figure of one of the row's value cells (tables only)
    label_figure: CellValue | None = None
    #: each value cell's colspan (tables whose reader kept spans; empty otherwise)
    value_spans: list[int] = field(default_factory=list)

    @property
    def grid_cols(self) -> list[int]:
        """The value cells' columns as header maps key them: in Word text, counted from the
        right (-1 = last cell), since merged label cells shorten a row on its left."""
        return [c - self.packed for c in self.value_cols] if self.packed else self.value_cols

    @property
    def label(self) -> str:
        return "".join(self.labels)

    @property
    def blank(self) -> bool:
        """No ink at all: no label and every value cell blank (a spacer row)."""
        return not self.labels and all(v.semantic == "blank" for v in self.values)


@lru_cache(maxsize=4096)
def _column_kind(key: str) -> tuple[bool, int, bool]:
    """(money column, count bound, signed column) of cell ``key``."""
    col = key.rsplit(".", 1)[1]
    return col in vocab.MONEY_COLS, vocab.count_bound(key), col in vocab.SIGNED_COLS


@dataclass
class ParseState:
    """Cells read so far, with provenance, uncertainties and warnings."""

    cells: dict[str, int | float | None] = field(default_factory=dict)
    prov: dict[str, Provenance] = field(default_factory=dict)
    uncertain: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    money_unit: str = ""   # the money unit the whole document declares (the widest scope)
    omitted: set[str] = field(default_factory=set)  # keys of columns the table visibly does not print
    #: the table-二 figures the report's narrative states (etl.narrative.t2_claims), computed
    #: when first asked for: evidence for a row the table prints ambiguously
    t2_claims: Callable[[], dict[str, set[Decimal]]] | None = None
    #: tables whose figures all print one zero-decimal format (12.0): numbers.whole_number_format
    whole_format_tables: set[int] = field(default_factory=set)

    def put(self, key: str, cv: CellValue, row: Row, idx: int, *, money_unit: str = "",
            method: str = "cell") -> None:
        money, bound, signed = _column_kind(key)
        value, doubt = (money_value(cv, money_unit or self.money_unit) if money
                        else count_value(cv, bound, signed,
                                         whole_format=row.table is not None and row.table in self.whole_format_tables))
        number = to_json_number(value, money)
        if key in self.cells:
            self._read_twice(key, number, cv)
            return
        if doubt:
            self.uncertain.setdefault(key, doubt)
        self.cells[key] = number
        self.prov[key] = Provenance(raw=cv.raw, semantic=cv.semantic, method=method,
                                    table=row.table, row=row.row,
                                    col=row.value_cols[idx] if idx < len(row.value_cols) else None,
                                    page=row.page)

    def _read_twice(self, key: str, number: int | float | None, cv: CellValue) -> None:
        """A key read a second time: the same value confirms it; another value makes it uncertain."""
        first = self.cells[key]
        if first == number:
            return
        self.uncertain[key] = (f"源文件中该单元格出现两次，数值不同（{first!r} 与 {cv.raw.strip() or '空白'}），"
                               "无法判断哪一个是本报告的数")
        self.warnings.append(f"{key} 出现两次且数值不同")

    def flag(self, key: str, why: str) -> None:
        """List a key under ``uncertain`` (keeping the first reason); null if it was never read."""
        self.cells.setdefault(key, None)
        self.uncertain.setdefault(key, why)
