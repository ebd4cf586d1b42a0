"""Radicals in a PDF's text layer (r10pdftext): text extracted from a report printed to PDF with a
CJK font whose ToUnicode names the radical for a glyph it shares with a character (⼈⺠政府).

The report must read as the plain one: agency, year and every figure, nothing refused or flagged
beyond the plain file.  Sources are corpus golds (read at run time) whose agency names hold such
characters (人民政府, 民政局), through the transform ``r10p_pdf_text_radicals``.
"""
from __future__ import annotations

import pytest

from etl.radicals import fold_text
from paths import CORPUS
from synth.metamorphic import runner

SOURCES = runner.all_sources(CORPUS)


def test_fold_text_maps_supplement_and_kangxi_radicals():
    assert fold_text("⼈⺠政府⼯作，⻔⼾⽹站") == "人民政府工作，门户网站"
    assert fold_text("⾏政许可 12 ⼀、") == "行政许可 12 一、"
    assert fold_text("12 34（五）") == "12 34（五）"


@pytest.mark.parametrize("sid", ["g000", "g001", "g003", "g011", "g015"])
@pytest.mark.parametrize("fmt", ["txt", "flat", "html", "docx"])
def test_radical_text_reads_like_the_plain_report(sid, fmt):
    if sid not in SOURCES:
        pytest.skip("corpus not available")
    s = runner.run("r10p_pdf_text_radicals", sid, SOURCES[sid], fmt)
    assert s is not None
    assert s.ok, s.details[:5]
    plain = runner.run("identity", sid, SOURCES[sid], fmt)
    assert s.flagged <= plain.flagged
