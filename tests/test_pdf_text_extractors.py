"""Text that crawlers extract from PDFs (r10pdftext): the round-10 transforms over corpus golds.

* ``r10p_plumber_layout_unruled`` — pdfplumber's layout text pads every line with spaces to the
  page's width; the text reader took the common line length for a hard wrap and joined the
  lines, after which nearly every figure was flagged.
* ``r10p_layout_text_right_edge`` — the same without the padding (pypdf's layout mode): table
  rows end at their last column, one length again; columns apart by runs of spaces.
* ``r10p_pdfium_text_wrapped_labels`` — pdfium's text of narrow label columns: a wrapped
  label's first line, the figures, then the label's tail (形）) on a line of its own; the
  tail was taken for a row, the figures flagged as maybe another row's.
* ``r10p_pdftotext_t4_labels_apart`` — pdftotext read table 四's label column apart from its
  figures; the last label (复议后起诉) named the first unlabeled figure row: silent wrong values.

Sources are read from the corpus at run time; every pair must pass the metamorphic property.
"""
from __future__ import annotations

import pytest

from etl.extract import _t3_shape
from etl.parse_state import Row
from paths import CORPUS
from synth.metamorphic import runner

SOURCES = runner.all_sources(CORPUS)
GOLDS = ["g000", "g001", "g002", "g003", "g006", "g011", "g015"]


@pytest.mark.parametrize("tname", ["r10p_plumber_layout_unruled", "r10p_layout_text_right_edge",
                                   "r10p_pdftotext_t4_labels_apart", "r10p_pdfium_text_wrapped_labels"])
@pytest.mark.parametrize("sid", GOLDS)
def test_extracted_pdf_text_is_right_or_flagged(tname, sid):
    if sid not in SOURCES:
        pytest.skip("corpus not available")
    s = runner.run(tname, sid, SOURCES[sid], "txt")
    assert s is not None
    assert s.ok, (s.silent, s.missing, s.phantom, s.flagged, s.budget, s.details[:5])


def test_other_rows_shape_open_when_sub_row_labels_print_after_the_section():
    """（六）其他处理 in table 三's section, its sub-rows' labels only after the next heading (a
    page's label column read after it): either form may be printed, so both are flagged."""
    rows = [Row(["（六）其他处理"], [], [])]
    later = "四、政府信息公开行政复议、行政诉讼情况 1.申请人无正当理由逾期不补正 2.申请人逾期未按收费通知要求缴纳费用"
    assert _t3_shape(rows, "（六）其他处理 " + later, None) is None
    assert _t3_shape(rows, "（六）其他处理", None) is True
