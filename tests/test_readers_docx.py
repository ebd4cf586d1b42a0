"""Tests for the DOCX reader (etl/readers/docx.py): body order, merged cells (gridSpan, vMerge,
gridBefore), nested tables, content controls, and hostile packages (random bytes, missing
document.xml, billion laughs, zip bomb).  All fixtures are built in the test."""
from __future__ import annotations

import io
import os
import time
import zipfile

import docx
import pytest

from etl.document import Paragraph, ReportError
from etl.readers import docx as docx_reader
from etl.readers.docx import read_docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _save(d) -> bytes:
    b = io.BytesIO()
    d.save(b)
    return b.getvalue()


def _replace_member(data: bytes, name: str, content: bytes | None) -> bytes:
    """Rewrite a zip, replacing (or with None: dropping) one member."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == name:
                if content is not None:
                    dst.writestr(name, content)
            else:
                dst.writestr(info, src.read(info))
    return out.getvalue()


def _with_body(body_xml: str) -> bytes:
    """A valid package whose document body is ``body_xml``."""
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<w:document xmlns:w="{W_NS}"><w:body>{body_xml}<w:sectPr/></w:body></w:document>')
    return _replace_member(_save(docx.Document()), "word/document.xml", xml.encode("utf-8"))


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def _tc(text: str = "", span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text) if text else '<w:p/>'}</w:tc>"


def _report_docx() -> bytes:
    d = docx.Document()
    d.core_properties.title = "某局2023年政府信息公开工作年度报告"
    d.add_paragraph("一、总体情况")
    d.add_paragraph("第一行\n第二行")
    d.add_paragraph("   ")  # blank paragraph: dropped
    t = d.add_table(rows=5, cols=5)
    t.cell(0, 0).merge(t.cell(1, 1)).text = "申请人情况"  # 2x2 block
    t.cell(0, 2).merge(t.cell(0, 4)).text = "法人或其他组织"  # horizontal
    for i, v in enumerate(["商业企业", "科研机构", "总计"]):
        t.cell(1, 2 + i).text = v
    t.cell(2, 0).merge(t.cell(4, 0)).text = "（三）不予公开"  # vertical, 3 rows
    t.cell(2, 1).text = "1.属于国家秘密"
    t.cell(3, 1).text = "2.其他法律行政法规禁止公开"
    t.cell(4, 1).text = "3.危及“三安全一稳定”"
    t.cell(2, 2).text = "3"
    t.cell(2, 3).text = "\u3000"
    t.cell(2, 4).text = "3"
    t.cell(3, 2).text = "0"
    t.cell(4, 2).text = "\xa0"
    nested = t.cell(4, 4).add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "行政许可"
    nested.cell(0, 1).text = "9"
    d.add_paragraph("二、结束")
    return _save(d)


def test_body_order_paragraphs_and_tables():
    doc = read_docx(_report_docx(), "r.docx")
    assert doc.fmt == "docx" and doc.source == "r.docx"
    assert doc.title_hint == "某局2023年政府信息公开工作年度报告"
    kinds = [b.text if isinstance(b, Paragraph) else f"T{b.index}" for b in doc.blocks]
    assert kinds == ["一、总体情况", "第一行", "第二行", "T0", "T1", "二、结束"]


def test_merged_cells_expanded_and_flagged():
    t = read_docx(_report_docx(), "r.docx").tables[0]
    assert all(len(r) == 5 for r in t.rows)
    flags = [[c.is_span_copy for c in r] for r in t.rows]
    assert flags[0] == [False, True, False, True, True]
    assert flags[1] == [True, True, False, False, False]
    assert [r[0].is_span_copy for r in t.rows[2:]] == [False, True, True]
    assert t.rows[0][0].rowspan == 2 and t.rows[0][0].colspan == 2
    assert t.rows[0][2].colspan == 3 and t.rows[0][4].colspan == 3
    assert t.rows[2][0].rowspan == 3 and t.rows[4][0].rowspan == 3
    assert t.texts()[1] == ["申请人情况", "申请人情况", "商业企业", "科研机构", "总计"]
    assert t.texts()[2] == ["（三）不予公开", "1.属于国家秘密", "3", "", "3"]
    assert t.texts()[3] == ["（三）不予公开", "2.其他法律行政法规禁止公开", "0", "", ""]
    assert t.texts()[4][:4] == ["（三）不予公开", "3.危及“三安全一稳定”", "", ""]
    assert all(c.row == r and c.col == i for r, row in enumerate(t.rows) for i, c in enumerate(row))


def test_nested_table_is_emitted():
    doc = read_docx(_report_docx(), "r.docx")
    assert doc.tables[1].texts() == [["行政许可", "9"]]
    assert doc.tables[1].index == 1


def test_raw_xml_spans_gridbefore_and_multi_paragraph_cells():
    body = (
        "<w:tbl>"
        f"<w:tr>{_tc('项目', vmerge='restart')}{_tc('本年', span=2)}{_tc('总数')}</w:tr>"
        f"<w:tr>{_tc(vmerge='continue')}{_tc('甲')}{_tc('乙')}{_tc('丙')}</w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
        f"{_tc('7')}{_tc('8')}{_tc('15')}</w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>商业</w:t></w:r></w:p><w:p><w:r><w:t>企业</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc>"
        '<w:tc><w:p><w:hyperlink><w:r><w:t>链</w:t></w:r></w:hyperlink><w:r><w:t>接</w:t></w:r></w:p></w:tc>'
        "<w:tc><w:sdt><w:sdtContent><w:p><w:r><w:t>控件</w:t></w:r></w:p></w:sdtContent></w:sdt></w:tc>"
        "</w:tr></w:tbl>")
    doc = read_docx(_with_body(_p("前言") + body), "raw.docx")
    t = doc.tables[0]
    assert t.texts() == [["项目", "本年", "本年", "总数"],
                         ["项目", "甲", "乙", "丙"],
                         ["", "7", "8", "15"],
                         ["商业企业", "1\n2", "链接", "控件"]]
    assert [c.is_span_copy for c in t.rows[0]] == [False, False, True, False]
    assert [c.is_span_copy for c in t.rows[1]] == [True, False, False, False]
    assert t.rows[0][0].rowspan == 2


def test_body_level_content_control_and_runs_split_words():
    body = (f"<w:sdt><w:sdtContent>{_p('控件内段落')}</w:sdtContent></w:sdt>"
            "<w:p><w:r><w:t>申请人情</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>况</w:t></w:r>"
            "<w:del><w:r><w:delText>删除的</w:delText></w:r></w:del></w:p>")
    doc = read_docx(_with_body(body), "sdt.docx")
    assert [b.text for b in doc.blocks] == ["控件内段落", "申请人情况"]


def test_rows_and_cells_wrapped_in_content_controls_are_read_in_order():
    # a repeating-section control around rows, a control around a cell, w:customXml around a
    # row and a cell (Word form templates): rows and cells in document order, merges kept
    def sdt(xml: str) -> str:
        return f"<w:sdt><w:sdtPr/><w:sdtContent>{xml}</w:sdtContent></w:sdt>"

    def cx(xml: str) -> str:
        return f'<w:customXml w:element="row">{xml}</w:customXml>'

    body = ("<w:tbl>"
            f"<w:tr>{_tc('项目')}{_tc('本年', span=2)}</w:tr>"
            + sdt(f"<w:tr>{_tc('甲', vmerge='restart')}{sdt(_tc('1'))}{_tc('2')}</w:tr>"
                  + sdt(f"<w:tr>{_tc(vmerge='continue')}{cx(_tc('3'))}{_tc('4')}</w:tr>"))
            + cx(f"<w:tr>{_tc('乙')}{_tc('5')}{sdt(cx(_tc('6')))}</w:tr>")
            + "</w:tbl>")
    t = read_docx(_with_body(body), "sdt_rows.docx").tables[0]
    assert t.texts() == [["项目", "本年", "本年"], ["甲", "1", "2"], ["甲", "3", "4"], ["乙", "5", "6"]]
    assert t.rows[2][0].is_span_copy and t.rows[1][0].rowspan == 2


def test_text_boxes_are_read_after_their_paragraph_once():
    # WPS puts a table in a text box: DrawingML (mc:Choice) with its VML copy (mc:Fallback),
    # or VML alone; a box inside a box is read once, with its own box
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    table = f"<w:tbl><w:tr>{_tc('予以公开')}{_tc('26')}</w:tr></w:tbl>"
    inner = f"<w:pict><v:shape><v:textbox><w:txbxContent>{_p('内框')}</w:txbxContent></v:textbox></v:shape></w:pict>"
    body = (f'<w:p xmlns:mc="{mc}" xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>表三</w:t></w:r><w:r>'
            "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx xmlns:wps=\"urn:wps\">"
            f"<w:txbxContent>{table}<w:p><w:r>{inner}</w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
            f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{table}</w:txbxContent></v:textbox></v:shape>"
            "</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
            f'<w:p xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict><v:shape><v:textbox><w:txbxContent>'
            f"{_p('框中段落')}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>" + _p("结束"))
    doc = read_docx(_with_body(body), "boxes.docx")
    kinds = [b.text if isinstance(b, Paragraph) else b.texts() for b in doc.blocks]
    assert kinds == ["表三", [["予以公开", "26"]], "内框", "框中段落", "结束"]


def _with_styles(body_xml: str, styles: str, background: str = "") -> bytes:
    """A package whose body is ``body_xml`` and whose styles.xml has ``styles`` appended."""
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<w:document xmlns:w="{W_NS}">{background}<w:body>{body_xml}<w:sectPr/></w:body></w:document>')
    data = _replace_member(_save(docx.Document()), "word/document.xml", xml.encode("utf-8"))
    old = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode("utf-8")
    return _replace_member(data, "word/styles.xml", old.replace("</w:styles>", styles + "</w:styles>").encode("utf-8"))


def _style(sid: str, rpr: str, kind: str = "character", based_on: str = "", ppr: str = "") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (f'<w:style w:type="{kind}" w:styleId="{sid}"><w:name w:val="{sid}"/>{based}'
            f'{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}<w:rPr>{rpr}</w:rPr></w:style>')


def _figure(old: str, new: str, mark_rpr: str, ppr: str = "") -> str:
    """A paragraph: ``new`` then a run ``old`` formatted by ``mark_rpr``."""
    return (f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}<w:r><w:t>{new}</w:t></w:r>"
            f"<w:r><w:rPr>{mark_rpr}</w:rPr><w:t>{old}</w:t></w:r></w:p>")


def _texts(data: bytes) -> list[str]:
    doc = read_docx(data, "styled.docx")
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)] + [
        c.text for t in doc.tables for row in t.rows for c in row]


def test_character_styles_without_ink_are_skipped_through_based_on():
    # a footnote mark superscripted by a style based on another, a struck / double-struck /
    # hidden old figure by a character style, white ink by a style: the figure is 26
    styles = (_style("noteBase", '<w:vertAlign w:val="superscript"/>') + _style("a7", "", based_on="noteBase")
              + _style("a9", "<w:strike/>") + _style("dbl", "<w:dstrike/>") + _style("hid", "<w:vanish/>")
              + _style("white", '<w:color w:val="FFFFFF"/>'))
    body = "".join(_figure(old, "26", f'<w:rStyle w:val="{sid}"/>')
                   for old, sid in (("1", "a7"), ("7", "a9"), ("8", "dbl"), ("9", "hid"), ("5", "white")))
    assert _texts(_with_styles(body, styles)) == ["26"] * 5


def test_paragraph_style_and_direct_formatting_decide_with_the_character_style():
    styles = (_style("struckPara", "<w:strike/>", kind="paragraph") + _style("a9", "<w:strike/>")
              + _style("sup", '<w:vertAlign w:val="superscript"/>'))
    body = (  # the paragraph style strikes every run; direct strike="0" and a second strike by a
        # character style (a toggle: the two cancel out) print the figure
        '<w:p><w:pPr><w:pStyle w:val="struckPara"/></w:pPr><w:r><w:t>7</w:t></w:r>'
        '<w:r><w:rPr><w:strike w:val="0"/></w:rPr><w:t>26</w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="a9"/></w:rPr><w:t>4</w:t></w:r></w:p>'
        # direct formatting beats the style: vertAlign baseline prints the digit
        + _figure("1", "26", '<w:rStyle w:val="sup"/><w:vertAlign w:val="baseline"/>'))
    assert _texts(_with_styles(body, styles)) == ["264", "261"]


def test_raised_small_mark_after_a_figure_is_a_superscript():
    # WPS fakes a footnote mark as raised small text: 26 with a raised 6-pt 1 is 26; a raised
    # run of the figure's size, a raised run after words, or one alone stays text
    raised_small = '<w:position w:val="6"/><w:sz w:val="12"/>'
    body = (_figure("1", "26", raised_small) + _figure("1", "26", '<w:position w:val="6"/>')
            + _figure("1", "合计", raised_small)
            + f'<w:p><w:r><w:rPr>{raised_small}</w:rPr><w:t>7</w:t></w:r></w:p>'
            # the figure's size from a character style: 12 is no smaller than it
            + '<w:p><w:r><w:rPr><w:rStyle w:val="small"/></w:rPr><w:t>26</w:t></w:r>'
            f'<w:r><w:rPr>{raised_small}</w:rPr><w:t>1</w:t></w:r></w:p>')
    assert _texts(_with_styles(body, _style("small", '<w:sz w:val="12"/>'))) == ["26", "261", "合计1", "7", "261"]


def test_unresolvable_styles_keep_the_run():
    # a style styles.xml does not define, and one whose basedOn chain loops: read as printed
    styles = _style("loopA", "<w:strike/>", based_on="loopB") + _style("loopB", "", based_on="loopA")
    body = _figure("1", "26", '<w:rStyle w:val="noSuchStyle"/>') + _figure("7", "26", '<w:rStyle w:val="loopA"/>')
    assert _texts(_with_styles(body, styles)) == ["261", "267"]


def test_white_ink_is_no_ink_only_on_a_plain_ground():
    styles = (_style("white", '<w:color w:val="FFFFFF"/>')
              + '<w:style w:type="table" w:styleId="darkHead"><w:name w:val="darkHead"/><w:tblPr/>'
              '<w:tblStylePr w:type="firstRow"><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/>'
              '</w:tcPr></w:tblStylePr></w:style>')
    white = '<w:color w:val="FFFFFF"/>'

    def cell(tc_pr: str = "") -> str:
        return f"<w:tc><w:tcPr>{tc_pr}</w:tcPr>{_figure('9', '26', white)}</w:tc>"

    shaded_cell = cell('<w:shd w:val="clear" w:fill="1F4E79"/>')
    body = (_figure("9", "26", white) + _figure("9", "26", white, ppr='<w:shd w:val="clear" w:fill="000000"/>')
            + _figure("9", "26", white + '<w:shd w:val="clear" w:fill="333333"/>')
            + _figure("9", "26", white + '<w:highlight w:val="black"/>')
            + f"<w:tbl><w:tr>{cell()}{shaded_cell}</w:tr></w:tbl>"
            + f'<w:tbl><w:tblPr><w:tblStyle w:val="darkHead"/></w:tblPr><w:tr>{cell()}</w:tr></w:tbl>')
    assert _texts(_with_styles(body, styles)) == ["26", "269", "269", "269", "26", "269", "269"]
    # a dark page colour: white text is printed
    assert _texts(_with_styles(_figure("9", "26", white), "", '<w:background w:color="000000"/>')) == ["269"]


# ----------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize("data", [b"", os.urandom(4096), b"PK\x03\x04" + os.urandom(500)])
def test_garbage_is_rejected(data):
    with pytest.raises(ReportError) as e:
        read_docx(data, "bad.docx")
    assert e.value.code in ("corrupt_docx", "not_a_report")
    if data:
        assert e.value.code == "corrupt_docx"


def test_zip_without_document_xml():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/other.xml", "<x/>")
    with pytest.raises(ReportError) as e:
        read_docx(out.getvalue(), "nodoc.docx")
    assert e.value.code == "corrupt_docx" and "document.xml" in e.value.reason


def test_truncated_docx():
    data = _report_docx()
    with pytest.raises(ReportError) as e:
        read_docx(data[: len(data) // 2], "half.docx")
    assert e.value.code == "corrupt_docx"


def test_billion_laughs_rejected_before_parsing():
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
           + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    data = _replace_member(_save(docx.Document()), "word/document.xml", lol.encode())
    with pytest.raises(ReportError) as e:
        read_docx(data, "lol.docx")
    assert e.value.code == "corrupt_docx" and "DTD" in e.value.reason


def test_zip_bomb_rejected():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/bomb.bin", b"\0" * (60 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    start = time.perf_counter()
    with pytest.raises(ReportError) as e:
        read_docx(data, "bomb.docx")
    assert e.value.code == "corrupt_docx" and "zip" in e.value.reason
    assert time.perf_counter() - start < 1.0  # rejected from the headers, not by inflating


def test_uncompressed_size_cap(monkeypatch):
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 10_000)
    data = _report_docx()
    with pytest.raises(ReportError) as e:
        read_docx(data, "big.docx")
    assert e.value.code == "too_large"


def test_docx_without_text_is_not_a_report():
    with pytest.raises(ReportError) as e:
        read_docx(_save(docx.Document()), "empty.docx")
    assert e.value.code == "not_a_report"


def test_runs_inside_any_nesting_of_inline_wrappers_are_text():
    """A figure's run inside a content control around a tracked insertion, a smart tag inside an
    insertion, a field inside a content control, custom XML inside custom XML: the cell's text.
    Moved-out, deleted and fallback copies and ruby annotations stay out (adversary round 8)."""
    rev = 'w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"'
    sdt = "<w:sdt><w:sdtPr/><w:sdtContent>{}</w:sdtContent></w:sdt>"
    mc = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'

    def r(t: str) -> str:
        return f"<w:r><w:t>{t}</w:t></w:r>"
    cells = [sdt.format(f"<w:ins {rev}>{r('26')}</w:ins>"),
             f"<w:ins {rev}><w:smartTag w:element='x'>{r('13')}</w:smartTag></w:ins>",
             sdt.format(f'<w:fldSimple w:instr=" =SUM(LEFT) ">{r("7")}</w:fldSimple>'),
             f"<w:customXml w:element='a'><w:customXml w:element='b'>{r('4')}</w:customXml></w:customXml>",
             sdt.format(f"<w:hyperlink w:anchor='x'>{r('9')}</w:hyperlink>"),
             f"<w:moveFrom {rev}>{r('5')}</w:moveFrom><w:del {rev}><w:r><w:delText>8</w:delText></w:r></w:del>"
             f"<mc:AlternateContent {mc}><mc:Choice Requires='w14'>{r('3')}</mc:Choice>"
             f"<mc:Fallback>{r('3')}</mc:Fallback></mc:AlternateContent>",
             f"<w:r><w:ruby><w:rubyPr/><w:rt>{r('yi')}</w:rt><w:rubyBase>{r('一')}</w:rubyBase></w:ruby></w:r>"]
    body = "<w:tbl><w:tr>" + "".join(f"<w:tc><w:p>{c}</w:p></w:tc>" for c in cells) + "</w:tr></w:tbl>"
    t = read_docx(_with_body(_p("前言") + body), "wrap.docx").tables[0]
    assert t.texts() == [["26", "13", "7", "4", "9", "3", "一"]]


def test_a_one_cell_table_inside_a_cell_is_the_cells_text():
    """A figure in a one-cell table inside its cell (a web page pasted into Word): the figure is
    the outer cell's text, not a blank cell with a table of its own after the table."""
    box = "<w:tbl><w:tr><w:tc>{}</w:tc></w:tr></w:tbl><w:p/>"
    body = ("<w:tbl>"
            f"<w:tr>{_tc('项目')}{_tc('自然人')}{_tc('总计')}</w:tr>"
            f"<w:tr>{_tc('一、本年新收')}<w:tc>{box.format(_p('26'))}</w:tc><w:tc>{box.format(_p('26'))}</w:tc></w:tr>"
            "</w:tbl>")
    doc = read_docx(_with_body(_p("前言") + body), "box.docx")
    assert len(doc.tables) == 1
    assert doc.tables[0].texts() == [["项目", "自然人", "总计"], ["一、本年新收", "26", "26"]]


def test_content_control_showing_its_placeholder_and_tracked_deleted_cell_print_nothing():
    """A form's empty field shows its placeholder (``w:showingPlcHdr``): no text of the cell.  A
    cell deleted with track changes (``w:cellDel``) is no cell of the table (adversary round 8)."""
    plc = ('<w:tc><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
           '<w:p><w:r><w:t>单击或点击此处输入文字。</w:t></w:r></w:p></w:sdtContent></w:sdt></w:tc>')
    inline = ('<w:tc><w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
              '<w:r><w:t>单击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt></w:p></w:tc>')
    gone = ('<w:tc><w:tcPr><w:cellDel w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z"/></w:tcPr>'
            '<w:p><w:del w:id="2" w:author="a" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>7</w:delText>'
            '</w:r></w:del></w:p></w:tc>')
    body = ("<w:tbl>"
            f"<w:tr>{_tc('项目')}{_tc('自然人')}{_tc('商业企业')}{_tc('总计')}</w:tr>"
            f"<w:tr>{_tc('一、本年新收')}{_tc('26')}{plc}{gone}{_tc('26')}</w:tr>"
            f"<w:tr>{_tc('二、上年结转')}{inline}{_tc('1')}{_tc('1')}</w:tr>"
            f"<w:tr>{_tc('三、办理结果')}{plc.replace('单击或点击此处输入文字。', '7')}"
            f"{inline.replace('单击此处输入文字。', '0')}{_tc('7')}</w:tr>"
            "</w:tbl>")
    t = read_docx(_with_body(_p("前言") + body), "form.docx").tables[0]
    # a control still marked as showing its placeholder but holding a figure (a template
    # engine filled it; a prompt of 0 prints 0) is read
    assert t.texts() == [["项目", "自然人", "商业企业", "总计"], ["一、本年新收", "26", "", "26"],
                         ["二、上年结转", "", "1", "1"], ["三、办理结果", "7", "0", "7"]]


def test_a_vertical_merge_written_without_restart_starts_at_its_first_cell():
    """Every cell of a vertical merge written as a bare ``<w:vMerge/>``, the first one too: the
    merge starts at the first such cell under a cell that is not merged, and shows that cell's
    text — not the text of the unmerged cell above it (adversary round 8)."""
    first = '<w:tc><w:tcPr><w:vMerge/></w:tcPr>' + _p("三、本年度办理结果") + "</w:tc>"
    body = ("<w:tbl>"
            f"<w:tr>{_tc('二、上年结转')}{_tc('1')}</w:tr>"
            f"<w:tr>{first}{_tc('13')}</w:tr>"
            f"<w:tr>{_tc(vmerge='continue')}{_tc('3')}</w:tr>"
            "</w:tbl>")
    t = read_docx(_with_body(_p("前言") + body), "vm.docx").tables[0]
    assert t.texts() == [["二、上年结转", "1"], ["三、本年度办理结果", "13"], ["三、本年度办理结果", "3"]]
    assert [r[0].is_span_copy for r in t.rows] == [False, False, True]


def test_a_cell_printed_wholly_in_superscript_is_its_figure():
    """A figure whose run is superscript with no figure before it in the cell (an editor's small
    type): the cell's figure, not a footnote mark (26 with a raised 1 stays 26) (round 8)."""
    sup = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{}</w:t></w:r>'
    hidden = '<w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r>'
    body = ("<w:tbl>"
            f"<w:tr>{_tc('行政复议')}{_tc('结果维持')}{_tc('总计')}</w:tr>"
            f"<w:tr>{_tc('本年')}<w:tc><w:p>{sup.format('72')}</w:p></w:tc>"
            f"<w:tc><w:p><w:r><w:t>26</w:t></w:r>{sup.format('1')}</w:p></w:tc></w:tr>"
            f"<w:tr>{_tc('上年')}<w:tc><w:p>{hidden}</w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"
            "</w:tbl>")
    t = read_docx(_with_body(_p("前言") + body), "sup.docx").tables[0]
    assert t.texts()[1:] == [["本年", "72", "26"], ["上年", "", ""]]


def test_symbol_glyphs_are_read_as_the_characters_they_print():
    """Insert > Symbol writes w:sym (a Symbol-font code in F000 + byte); LibreOffice exports the
    same glyph as private-use text in a Symbol-font run.  The Symbol hyphen is a minus sign (a
    negative 本年增/减, or a dash for not applicable), its 0xBE a horizontal line; a dingbat font's
    glyph is no known text (adversary round 10, r10docx)."""
    sym = '<w:r><w:sym w:font="Symbol" w:char="{}"/></w:r>'
    symbol_run = '<w:r><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr><w:t>{}</w:t></w:r>'
    cells = [sym.format("F02D") + "<w:r><w:t>85</w:t></w:r>",
             sym.format("F02D"),
             sym.format("F0BE"),
             sym.format("2014"),
             '<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>',
             symbol_run.format("\uf02d") + "<w:r><w:t>6</w:t></w:r>",
             symbol_run.format("\uf02d"),
             "<w:r><w:t>\uf02d</w:t></w:r>"]
    body = "<w:tbl><w:tr>" + "".join(f"<w:tc><w:p>{c}</w:p></w:tc>" for c in cells) + "</w:tr></w:tbl>"
    t = read_docx(_with_body(_p("前言") + body), "sym.docx").tables[0]
    assert t.texts() == [["\u221285", "\u2212", "\u23af", "\u2014", "\ufffd", "\u22126", "\u2212", "\ufffd"]]
    from etl.numbers import parse_cell
    assert parse_cell("\u221285").value == -85
    assert parse_cell("\u2212").semantic == "na" and parse_cell("\u23af").semantic == "na"


def test_a_text_box_anchored_in_a_cell_is_read():
    """WPS frames a table in a text box anchored inside a layout table's cell: the box's table is
    a table of its own after the frame (as a nested table is), read once (not its mc:Fallback
    copy); a box of paragraphs only is more of its cell's text (adversary round 10, r10docx)."""
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    table = f"<w:tbl><w:tr>{_tc('予以公开')}{_tc('26')}</w:tr></w:tbl>"
    boxed = (f'<w:p xmlns:mc="{mc}" xmlns:v="urn:schemas-microsoft-com:vml"><w:r>'
             "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx xmlns:wps=\"urn:wps\">"
             f"<w:txbxContent>{table}<w:p/></w:txbxContent></wps:txbx></w:drawing></mc:Choice>"
             f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{table}<w:p/></w:txbxContent>"
             "</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>")
    label = (f'<w:p xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:pict><v:shape><v:textbox><w:txbxContent>'
             f"{_p('框中文字')}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>")
    body = (_p("表三") + f"<w:tbl><w:tr><w:tc>{boxed}</w:tc><w:tc>{label}</w:tc></w:tr></w:tbl>" + _p("结束"))
    doc = read_docx(_with_body(body), "cellbox.docx")
    kinds = [b.text if isinstance(b, Paragraph) else b.texts() for b in doc.blocks]
    assert kinds == ["表三", [["", "框中文字"]], [["予以公开", "26"]], "结束"]


def test_a_custom_footnote_mark_is_no_part_of_the_figure():
    """Insert Footnote > Custom mark writes the mark as the w:t after a note reference marked
    w:customMarkFollows; a producer that gives it no superscript style still prints it as the
    note's mark, not as a digit of the figure before it (adversary round 10, r10docx)."""
    mark = '<w:r><w:footnoteReference w:customMarkFollows="1" w:id="2"/><w:t>1</w:t></w:r>'
    endmark = '<w:r><w:endnoteReference w:customMarkFollows="true" w:id="3"/><w:t>2</w:t></w:r>'
    plain = '<w:r><w:footnoteReference w:id="4"/></w:r>'
    cells = [f"<w:r><w:t>26</w:t></w:r>{mark}", f"<w:r><w:t>7</w:t></w:r>{endmark}",
             f"<w:r><w:t>5</w:t></w:r>{plain}<w:r><w:t>0</w:t></w:r>",
             f"<w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t>13</w:t></w:r>{mark}</w:ins>"]
    body = "<w:tbl><w:tr>" + "".join(f"<w:tc><w:p>{c}</w:p></w:tc>" for c in cells) + "</w:tr></w:tbl>"
    t = read_docx(_with_body(_p("前言") + body), "mark.docx").tables[0]
    assert t.texts() == [["26", "7", "50", "13"]]


def test_a_docx_imported_as_an_alt_chunk_is_read_once():
    """A document merger (docxcompose, OpenXML DocumentBuilder) imports a whole DOCX as a
    w:altChunk; Word renders it in place.  Its paragraphs and tables are read after the body's;
    a chunk inside the chunk is not (one level deep) (adversary round 10, r10docx)."""
    r_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    inner = _with_body(_p("示例局2022年政府信息公开工作年度报告") + f"<w:tbl><w:tr>{_tc('予以公开')}{_tc('26')}</w:tr></w:tbl>"
                       + f'<w:altChunk xmlns:r="{r_ns}" r:id="rIdC"/>')
    outer = _with_body(_p("封面") + f'<w:altChunk xmlns:r="{r_ns}" r:id="rIdC"/>')
    rels = zipfile.ZipFile(io.BytesIO(outer)).read("word/_rels/document.xml.rels").decode("utf-8")
    rels = rels.replace("</Relationships>", f'<Relationship Id="rIdC" Type="{r_ns}/aFChunk" Target="chunk1.docx"/>'
                        "</Relationships>")
    outer = _replace_member(outer, "word/_rels/document.xml.rels", rels.encode("utf-8"))
    buf = io.BytesIO(outer)
    with zipfile.ZipFile(buf, "a") as z:
        z.writestr("word/chunk1.docx", inner)
    doc = read_docx(buf.getvalue(), "merged.docx")
    kinds = [b.text if isinstance(b, Paragraph) else b.texts() for b in doc.blocks]
    assert kinds == ["封面", "示例局2022年政府信息公开工作年度报告", [["予以公开", "26"]]]


def test_a_main_part_under_another_name_is_found_by_the_package_rels():
    """Word Online writes the main part as word/document2.xml; _rels/.rels names it (adversary
    round 10, r10docx).  A package whose rels name no main part is still refused."""
    data = _with_body(_p("示例局2022年政府信息公开工作年度报告") + f"<w:tbl><w:tr>{_tc('予以公开')}{_tc('26')}</w:tr></w:tbl>")
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in src.namelist():
            body = src.read(n)
            if n == "word/document.xml":
                n = "word/document2.xml"
            elif n == "word/_rels/document.xml.rels":
                n = "word/_rels/document2.xml.rels"
            elif n in ("_rels/.rels", "[Content_Types].xml"):
                body = body.replace(b"word/document.xml", b"word/document2.xml")
            z.writestr(n, body)
    doc = read_docx(out.getvalue(), "online.docx")
    assert doc.tables[0].texts() == [["予以公开", "26"]]
    broken = _replace_member(out.getvalue(), "_rels/.rels", b'<?xml version="1.0"?><Relationships '
                             b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
    with pytest.raises(ReportError):
        read_docx(broken, "broken.docx")
