"""The source of a cell as printed, for 复核: a PNG of the PDF page region around its row.

The warehouse keeps each cell's page and its row's printed texts (``fact_cell.page``,
``value_raw``); this module finds, on that page of the stored source file, the line whose words
carry the row's printed values in order, crops the page around it (a little above and below,
for the row label and the header) and frames the cell.  Cheap (one page, pdfplumber, 100 dpi)
and best effort: ``None`` when the file is gone, is not a PDF, or the row is not found; the page
then shows the text only.
"""
from __future__ import annotations

import io
from pathlib import Path

MARGIN = 36.0          # points above and below the row


def _lines(words: list[dict], tol: float = 3.0) -> list[list[dict]]:
    out: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if out and abs(out[-1][0]["top"] - w["top"]) <= tol:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in out]


def _find(line: list[dict], raws: list[str]) -> list[int] | None:
    """Indexes of words matching ``raws`` in order (a subsequence), or None."""
    idx, j = [], 0
    for i, w in enumerate(line):
        if j < len(raws) and w["text"].strip() == raws[j]:
            idx.append(i)
            j += 1
    return idx if j == len(raws) else None


def pdf_row_png(path: str | Path, page_no: int, row_raws: list[str], cell_index: int,
                occurrence: int = 0) -> bytes | None:
    """PNG of page ``page_no`` (1-based) around the line printing ``row_raws`` (the row's cells'
    printed texts, left to right), the ``cell_index``-th of them framed; None if not found.
    ``occurrence``: which of the lines printing the same texts (rows of zeros repeat), top first."""
    raws = [r.strip() for r in row_raws if r and r.strip()]
    p = Path(path)
    if not raws or not p.is_file() or p.suffix.lower() != ".pdf" or not 0 <= cell_index < len(raws):
        return None
    try:
        import pdfplumber
        with pdfplumber.open(p) as pdf:
            if not 1 <= page_no <= len(pdf.pages):
                return None
            page = pdf.pages[page_no - 1]
            for line in _lines(page.extract_words()):
                hit = _find(line, raws)
                if hit is None:
                    continue
                if occurrence > 0:
                    occurrence -= 1
                    continue
                top = max(0.0, min(w["top"] for w in line) - MARGIN)
                bottom = min(float(page.height), max(w["bottom"] for w in line) + MARGIN)
                img = page.crop((0, top, float(page.width), bottom)).to_image(resolution=100)
                w = line[hit[cell_index]]
                img.draw_rect((w["x0"] - 2, w["top"] - 2, w["x1"] + 2, w["bottom"] + 2), stroke=(220, 40, 40),
                              fill=None, stroke_width=2)
                buf = io.BytesIO()
                img.annotated.save(buf, format="PNG")
                return buf.getvalue()
    except Exception:       # a damaged file, a missing renderer: the text stays
        return None
    return None
