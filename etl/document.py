"""The neutral representation every reader produces, and the project's own error type.

A reader (text, markdown, HTML, DOCX, PDF) turns a file into a :class:`Document`: an ordered
list of blocks, each a :class:`Paragraph` or a :class:`Table`.  A table is a grid of
:class:`Cell` s after span expansion: a cell covered by a rowspan/colspan appears in every
grid position it covers, with ``is_span_copy`` set on all but the top-left one, so the
parser can read labels from copies but never counts a number twice.

Nothing here knows about the report templates; :mod:`etl.extract` does.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_CONTROL_RUN = re.compile(r"[\x00-\x1f\x7f]+")


class ReportError(Exception):
    """A file that cannot be read as a supported report.  The message is one line for the user,
    naming the reason; callers prefix the file name."""

    def __init__(self, reason: str, code: str = "unreadable"):
        reason = _CONTROL_RUN.sub(" ", str(reason)).strip()  # one line, whatever a library's message held
        super().__init__(reason)
        self.reason = reason
        self.code = code  # short machine word: empty, binary, scanned_pdf, pre_2019, not_a_report, ...


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    is_span_copy: bool = False
    page: int | None = None
    # where and how well it was read (not part of equality: two readers of one page agree on
    # the grid, not on the last decimal of a position)
    bbox: tuple[float, float, float, float] | None = field(default=None, compare=False)  # x0, top, x1, bottom (pt)
    conf: float | None = field(default=None, compare=False)   # OCR: lowest character confidence of the text
    doubt: str | None = field(default=None, compare=False)    # OCR: why the value cannot be trusted


@dataclass
class Table:
    rows: list[list[Cell]]
    index: int = 0  # position among the document's tables
    page: int | None = None
    # Word "save as text": a merged cell is printed once and the rows it covers below hold an
    # empty cell, so a row's cells are not grid columns (:func:`etl.headers.packed_paths`)
    packed: bool = False

    @classmethod
    def from_texts(cls, rows: list[list[str]], index: int = 0, page: int | None = None) -> "Table":
        """Build a table from plain rows of strings (no spans)."""
        grid = [[Cell(t, r, c, page=page) for c, t in enumerate(row)] for r, row in enumerate(rows)]
        return cls(grid, index=index, page=page)

    def texts(self) -> list[list[str]]:
        return [[c.text for c in row] for row in self.rows]


@dataclass
class Paragraph:
    text: str
    page: int | None = None


@dataclass
class Document:
    """What a reader saw in a file.

    ``fmt`` is the detected format (txt, md, html, docx, pdf).  ``title_hint`` is a title the
    container declares (HTML ``<title>``, PDF metadata) — a hint, not the report title.
    ``page_titles`` is what page headers print (DOCX): read for a title only when the body
    prints none, before ``title_hint``.
    ``flat`` is set by readers that could not recover any table structure, so that the
    parser knows cell boundaries may be lost.
    """

    source: str
    fmt: str
    blocks: list[Paragraph | Table] = field(default_factory=list)
    title_hint: str | None = None
    page_titles: list[str] = field(default_factory=list)   # text of page headers (then footers; DOCX, PDF), first page's first
    warnings: list[str] = field(default_factory=list)
    damaged: bool = False  # OCR / converter output: blank cells are not trusted as zero
    ocr: dict | None = None  # set when the text was recognised from images (etl.readers.ocr)
    ocr_layer: bool = False  # a PDF's text layer lies over page pictures: another tool's OCR

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All paragraph text and table cell text, in order, one line per paragraph/row."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                for row in b.rows:
                    out.append(" ".join(c.text for c in row if not c.is_span_copy))
        return "\n".join(out)

    def mark_cut_tail(self, why: str) -> bool:
        """The file ends inside its last table (a download cut short): the last figure before
        the end may have lost digits, and the row it ends in lost its later cells, so the
        figures it keeps cannot be placed by their count: every cell of that row is doubtful.
        True if marked."""
        if not self.blocks or not isinstance(self.blocks[-1], Table):
            return False
        for row in reversed(self.blocks[-1].rows):
            if any(c.text.strip() for c in row):
                for cell in row:
                    cell.doubt = why
                self.warnings.append(why)
                return True
        return False
