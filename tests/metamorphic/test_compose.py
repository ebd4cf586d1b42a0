"""Compositions of two metamorphic transforms (adversary round 8) and the parser fixes they led to.

A composition (:func:`synth.metamorphic.transforms.compose`) applies two registered transforms
in sequence; its truth is the second's changes applied to the first's truth.  The tests here
check the mechanism itself, then the parser's behaviour on the layouts the sweep of
compositions found silently wrong (docs/adversary-findings.md "Round 8 (r8compose)").  All
text written here is synthetic.
"""
from __future__ import annotations

from paths import CORPUS
from synth import render as R
from synth.metamorphic import runner
from synth.metamorphic.transforms import COMPOSED, TRANSFORMS, composed

import etl.extract as X
from etl.document import Paragraph, Table
from etl.readers.text import read_text

SOURCES = runner.all_sources(CORPUS)


# --------------------------------------------------------------------------- the mechanism


def test_composed_truth_is_the_second_applied_to_the_first():
    # rows left out (truth loses their keys) then another row left out on the result
    src = SOURCES["s_2019"]
    one = TRANSFORMS["t3_row_omitted_next_unlabelled"].make(src, "txt")
    two = TRANSFORMS["t3_result_total_row_omitted"].make(src, "txt")
    both = composed("t3_row_omitted_next_unlabelled", "t3_result_total_row_omitted").make(src, "txt")
    assert both is not None and one is not None and two is not None
    gone = (set(src["cells"]) - set(one.truth)) | (set(src["cells"]) - set(two.truth))
    assert set(both.truth) == set(src["cells"]) - gone
    assert both.flag_ok == one.flag_ok | two.flag_ok


def test_every_registered_composition_renders_and_changes_the_file():
    for name in COMPOSED:
        t = TRANSFORMS[name]
        fmt = next(f for f in ("txt", "md", "html", "flat", "docx", "pdf") if f in t.formats)
        sid = runner.ci_sources(name, fmt, SOURCES)[0]
        case = runner.make_case(name, sid, SOURCES[sid], fmt)
        base = runner.make_case("identity", sid, SOURCES[sid], fmt)
        assert case is not None and case.data != base.data, name


def test_two_titles_do_not_compose():
    assert composed("title_guanyu", "title_year_first").make(SOURCES["s_2019"], "txt") is None


def test_table_hooks_chain_through_pieces():
    """A caption line wrapping table 二 (money unit) and then table 二's columns reversed: the
    second edit reaches the table inside the pieces, the caption stays."""
    name = "money_caption_yiyuan+t2_cols_reversed"
    src = SOURCES["s_procurement_in_yuan"]
    case = runner.make_case(name, "s_procurement_in_yuan", src, "md")
    assert case is not None
    text = case.data.decode("utf-8")
    assert "单位：件、亿元" in text
    assert text != runner.make_case("money_caption_yiyuan", "s_procurement_in_yuan", src, "md").data.decode("utf-8")


# --------------------------------------------------------------------------- the fixes

_LABEL_ROW_BLANK = "t3_label_row_then_unlabelled_figures+t3_legal_reordered_blank_zeros"


def test_word_text_heading_above_first_row_is_no_cell():
    """Word text: a section heading printed right above a table (no blank line) is text, not
    the first cell of the table's first row (it shifted every header cell one column)."""
    rows = "".join(f"\t第{i}行\n\t{i}\n\t{i + 1}\n\n" for i in range(8))   # Word text: 20+ TAB lines
    text = "三、示例表格\n\t表头甲\n\t表头乙\n\n" + rows + "结束语\n"
    doc = read_text(text.encode("utf-8"), "r.txt", "txt")
    kinds = [type(b) for b in doc.blocks]
    assert kinds[:2] == [Paragraph, Table]
    assert doc.blocks[0].text == "三、示例表格"
    assert doc.blocks[1].texts()[0] == ["表头甲", "表头乙"]


def test_unmerged_word_text_with_total_first_and_blank_zeros():
    """Merged cells split (text in the first slot), 总计 first, zeros blank, in Word text: the
    row's leading blanks (the label's empty slots) and trailing blanks (zeros) are told apart
    by the header's grid, never by trimming blanks off one end."""
    name = "unmerged_blank+t3_total_first"
    sc = runner.run(name, "s_blank_zeros", SOURCES["s_blank_zeros"], "txt")
    assert sc is not None and not (sc.silent or sc.phantom or sc.missing), sc.why()


def test_group_heading_on_a_split_rows_figures_line_joins_its_label_row():
    """A tall 其他处理 sub-row split in two (label row, then figures) in a table printing zeros
    blank: Word text prints the merged （六）其他处理 cell on the figures line.  The figures are
    the label row's, not a row of their own beside a row of zeros."""
    name = _LABEL_ROW_BLANK
    for fmt in ("txt", "md", "html", "docx"):
        sc = runner.run(name, "g014", SOURCES["g014"], fmt)
        assert sc is not None and sc.ok, sc.why()


def test_group_row_that_is_not_the_sum_of_its_sub_rows_flags_them(monkeypatch):
    """Without the join, a figures row labelled only （六）其他处理 in a table printing its three
    sub-rows is kept out of the cells; it must be their sum, else the sub-rows are flagged
    (it used to be dropped silently, the sub-row's blank label row read as zeros)."""
    monkeypatch.setattr(X, "_group_heading", lambda text, key: False, raising=False)
    name = _LABEL_ROW_BLANK
    sc = runner.run(name, "g014", SOURCES["g014"], "txt")
    assert sc is not None and not (sc.silent or sc.phantom or sc.missing), sc.why()


def test_blank_total_head_still_read_in_word_text():
    """Word text whose 总计 head is blank (a word lost): the packed header fits only if the
    blank cell belongs to 申请人情况's run (tried where nothing else fits)."""
    sc = runner.run("t3_total_header_blank", "g005", SOURCES["g005"], "txt")
    assert sc is not None and sc.ok, sc.why()


def test_render_hooks_accept_the_composed_pieces():
    rep = SOURCES["s_2019"]
    plan = composed("footnote_markers", "t3_total_first").make(rep, "txt")
    assert plan is not None
    t2, t3, t4 = plan.opts["tables"](*R.skeleton(rep["template"], rep["cells"]), None)
    assert isinstance(t2, list) and isinstance(t3, list) and isinstance(t4, R.Table)


def test_flat_text_with_short_labels_and_zero_rows_left_out_is_read_not_refused():
    """Crawler text (run together) whose table 三 prints short labels and leaves its all-zero
    rows out: too few template labels for the old test of flat text, so the file was refused
    (找不到表二、表三).  Label words running into seven digits are table 三's rows."""
    from etl import recover
    flat = ("三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计"
            "本年新收申请7200 3012上年结转申请1000001予以公开4200006部分公开0000000"
            "其他处理2000002结转下年度办理0000101四、行政复议")
    assert recover.looks_flat(flat)
    assert not recover.looks_flat("三、收到和处理政府信息公开申请情况。本年新收申请12件，予以公开6件。")
    sc = runner.run("t3_zero_rows_omitted+t3_labels_short_unnumbered", "s_2019", SOURCES["s_2019"], "flat")
    assert sc is not None and sc.ok, sc.why()


def test_an_edit_of_a_table_the_first_transform_split_does_not_compose():
    """Table 四 cut in two by the first transform: moving its columns afterwards has no single
    meaning, so the composition does not apply (it is not rendered as a lie)."""
    src = next(s for s in SOURCES.values() if TRANSFORMS["t4_litigation_first"].make(s, "txt") is not None)
    assert composed("t4_two_tables", "t4_litigation_first").make(src, "txt") is None
    assert composed("t4_litigation_first", "t4_two_tables").make(src, "txt") is not None


def test_t4_heads_printing_litigation_first_are_not_read_in_template_order():
    """Table 四 with 行政诉讼 printed before 行政复议 where no header word maps a column (an
    unruled page wrapping 行政/诉讼 over two lines, an OCR layer's text line): the template's
    order is contradicted by the header, so the figures are flagged, never swapped silently."""
    from etl import headers
    from etl.parse_state import Row

    def line(labels, cols=None):
        return Row(labels, [], [], table=1, label_cols=cols or [])
    wrapped = [line(["行政", "行政"], [4, 12]), line(["诉讼", "复议"], [5, 12])]
    assert headers.t4_reconsideration_last(wrapped) is True
    assert headers.t4_reconsideration_last([line(["行政复议行政诉讼"])]) is False
    assert headers.t4_reconsideration_last([line(["四、政府信息公开行政复议、行政诉讼情况"])]) is None
    for name, sid in (("t4_litigation_first+pdf_unruled_split_wrapped", "s_2021"),
                      ("t4_litigation_first+pdf_ocr_layer_column_order", "g003")):
        sc = runner.run(name, sid, SOURCES[sid], "pdf")
        assert sc is not None and not (sc.silent or sc.phantom or sc.missing), sc.why()
