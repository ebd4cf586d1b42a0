"""Tests for the HTML reader (etl/readers/html.py): decoding, span grids, cell text, layout
tables, hostile input, and the real corpus pages 011/015 when the shared corpus exists (tests/paths.py)."""
from __future__ import annotations

import json

import pytest

from etl.document import Paragraph, ReportError, Table
from etl.readers import html as html_reader
from etl.readers.html import MAX_BYTES, read_html
from paths import CORPUS, HAVE_CORPUS

needs_corpus = pytest.mark.skipif(not HAVE_CORPUS, reason="shared corpus not available")


def _row(table: Table, label: str) -> list[str]:
    for row in table.rows:
        if row and row[0].text == label:
            return [c.text for c in row]
    raise AssertionError(f"no row {label!r} in {table.texts()}")


def _find_row(doc, label: str) -> list[str]:
    """First row in any table whose some cell equals label; returns texts from that cell on."""
    for t in doc.tables:
        for row in t.rows:
            for i, c in enumerate(row):
                if c.text == label and not c.is_span_copy:
                    return [x.text for x in row[i:]]
    raise AssertionError(f"label {label!r} not found")


SPAN_PAGE = """<html><head><title> 某局2023年政府信息公开工作年度报告 </title>
<style>td {color: red}</style><script>var x = "<table><tr><td>假</td></tr></table>";</script></head>
<body>
<div class="nav"><a href="/">首页</a></div>
<h1>某局2023年政府信息公开工作年度报告</h1>
<p>一、总体情况</p>
<p>第一段<br>第二段</p>
<table border="1">
  <tr><td rowspan="3" colspan="3">（本列数据的勾稽关系）</td><td colspan="7">申请人情况</td></tr>
  <tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
  <tr><td>商业<br/>企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
  <tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
      <td>5</td><td>&nbsp;</td><td>\u3000</td><td> </td><td>1</td><td>0</td><td>6</td></tr>
  <tr><td rowspan="2">三、本年度办理结果</td><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td>
      <td>2</td><td></td><td></td><td></td><td></td><td></td><td>2</td></tr>
  <tr><td>2.其他法律行政法规禁止公开</td>
      <td>0</td><td></td><td></td><td></td><td></td><td></td><td>0</td></tr>
</table>
<p>四、结束语</p>
</body></html>"""


def test_span_grid_and_copies():
    doc = read_html(SPAN_PAGE.encode("utf-8"), "span.html")
    assert doc.fmt == "html" and doc.source == "span.html"
    assert doc.title_hint == "某局2023年政府信息公开工作年度报告"
    assert len(doc.tables) == 1  # the table inside <script> is not a table
    t = doc.tables[0]
    assert len(t.rows) == 6 and all(len(r) == 10 for r in t.rows)
    top = t.rows[0]
    assert not top[0].is_span_copy and top[0].rowspan == 3 and top[0].colspan == 3
    assert all(c.is_span_copy and c.text == "（本列数据的勾稽关系）" for c in top[1:3])
    assert t.rows[2][0].is_span_copy and t.rows[2][3].is_span_copy and t.rows[2][3].text == "自然人"
    assert [c.text for c in t.rows[2][4:9]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert _row(t, "一、本年新收政府信息公开申请数量") == [
        "一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量",
        "一、本年新收政府信息公开申请数量", "5", "", "", "", "1", "0", "6"]
    # vertical copies of group labels, originals only in the first row
    r5 = t.rows[5]
    assert [c.text for c in r5[:3]] == ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"]
    assert r5[0].is_span_copy and r5[1].is_span_copy and not r5[2].is_span_copy
    assert [c.text for c in r5[3:]] == ["0", "", "", "", "", "", "0"]
    # row/col coordinates are grid positions
    assert all(c.row == r and c.col == i for r, row in enumerate(t.rows) for i, c in enumerate(row))


def test_paragraph_order_and_skipped_content():
    doc = read_html(SPAN_PAGE.encode("utf-8"), "x")
    kinds = [("T" if isinstance(b, Table) else b.text) for b in doc.blocks]
    assert kinds == ["首页", "某局2023年政府信息公开工作年度报告", "一、总体情况", "第一段", "第二段",
                     "T", "四、结束语"]
    assert "var x" not in doc.text() and "color" not in doc.text()


def test_word_pasted_spans_join_without_spaces():
    page = """<table><tr>
      <td><p><span style="x">申请人情</span><span><font face="宋体">况</font></span><span><o:p></o:p></span></p></td>
      <td><p><span>（三）</span><span>不予公开</span></p>
          <p><span>1.属于国家</span><span>秘密</span></p></td>
      <td><p><span>1</span><span>2</span></p></td>
      <td><p>3</p><p>4</p></td></tr></table>"""
    doc = read_html(page.encode("utf-8"), "w")
    assert doc.tables[0].texts() == [["申请人情况", "（三）不予公开\n1.属于国家秘密", "12", "3\n4"]]


def test_source_line_wraps_inside_chinese_text_are_dropped():
    page = "<p>本年新收政府信息\n      公开申请数量 共 12 件</p>"
    doc = read_html(page.encode("utf-8"), "w")
    assert doc.blocks == [Paragraph("本年新收政府信息公开申请数量 共 12 件")]


def test_layout_table_is_descended_into():
    page = """<table class="layout"><tr><td>栏目导航</td>
      <td><p>正文标题</p>
        <table><tr><td>行政许可</td><td>7</td></tr><tr><td>行政处罚</td><td>3</td></tr></table>
        <p>落款</p>
      </td></tr></table>"""
    doc = read_html(page.encode("utf-8"), "l")
    assert [t.texts() for t in doc.tables] == [[["行政许可", "7"], ["行政处罚", "3"]]]
    texts = [b.text if isinstance(b, Paragraph) else "T" for b in doc.blocks]
    assert texts == ["栏目导航", "正文标题", "T", "落款"]


def _cells(page: str) -> list[str]:
    doc = read_html(page.encode("utf-8"), "css.html")
    return [c.text for t in doc.tables for row in t.rows for c in row]


def test_style_sheet_classes_take_ink_like_inline_styles():
    # an old figure struck, hidden or white by a class of the page's <style>, a footnote mark
    # superscripted by one: the figure is the new one
    sheet = """<style><!--
      .del { text-decoration: line-through; color: #999 }
      span.gone, .x.y { display:none } .vis {visibility: hidden}
      .MsoFootnoteReference { vertical-align: super } .ink { color: #FFF }
      @media print { .noprint { display: none } }
    --></style>"""
    cells = ["<span class='del'>652</span>708", '<span class="gone">6</span>708', '<span class="x y">6</span>708',
             '<span class="vis">6</span>708', '708<span class="MsoFootnoteReference">1</span>',
             '<span class="ink">9</span>708']
    page = sheet + "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"
    assert _cells(page) == ["708"] * 6


def test_style_sheet_cascade_and_what_is_not_guessed():
    sheet = "<style>.del{text-decoration:line-through} .keep{text-decoration:none!important} .w{color:white}</style>"
    cells = [
        '<span class="del" style="text-decoration:none">652</span>708',   # inline wins: printed
        '<span class="del keep">652</span>708',                           # !important wins
        '<div class="gone">6</div>708',                                   # unknown class
        '<span class="w" style="background:#000">9</span>708',            # white on black
        '<b class="del">652</b>708',                                      # tag.cls elsewhere
    ]
    page = ("<style>@media print { .gone {display:none} } div > .gone, #id {display:none}"
            " b.del {text-decoration:line-through}</style>" + sheet
            + "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells)
            + '</tr><tr><td bgcolor="#1F4E79"><span class="w">9</span>708</td>'
            '<td><span style="color:#ffffff">9</span>708</td></tr></table>')
    assert _cells(page) == ["652708", "652708", "6\n708", "9708", "708", "9708", "708"]


def test_ragged_rows_and_hostile_spans():
    page = """<table><tr><td colspan="0">a</td><td colspan="99999">b</td></tr>
              <tr><td rowspan="500">c</td><td rowspan="abc">d</td></tr>
              <tr><td>e</td></tr></table>"""
    doc = read_html(page.encode("utf-8"), "r")
    t = doc.tables[0]
    assert t.rows[0][0].text == "a" and len(t.rows[0]) == 1 + html_reader.MAX_COLSPAN
    assert t.rows[1][0].rowspan == 2  # clamped to the rows that exist
    assert [c.text for c in t.rows[2]] == ["c", "e"] and t.rows[2][0].is_span_copy


def test_span_explosion_is_bounded(monkeypatch):
    monkeypatch.setattr(html_reader, "MAX_GRID_CELLS", 50)
    page = '<table><tr><td rowspan="40" colspan="40">x</td></tr>' + "<tr><td>y</td></tr>" * 39 + "</table>"
    t = read_html(page.encode("utf-8"), "s").tables[0]
    assert t.rows[0][0].rowspan == 1 and t.rows[0][0].colspan == 1  # span refused, cell kept
    with pytest.raises(ReportError) as e:
        read_html(("<table>" + "<tr><td>1</td></tr>" * 60 + "</table>").encode(), "many")
    assert e.value.code == "too_large"


# ----------------------------------------------------------------------------- decoding

GBK_BODY = "<html><body><p>一、本年新收政府信息公开申请数量</p><table><tr><td>自然人</td><td>12</td></tr></table></body></html>"


def test_gbk_without_declaration():
    doc = read_html(GBK_BODY.encode("gbk"), "gbk.html")
    assert doc.blocks[0] == Paragraph("一、本年新收政府信息公开申请数量")
    assert doc.tables[0].texts() == [["自然人", "12"]]
    assert not doc.warnings


def test_declared_gb2312_meta_and_http_equiv():
    for head in ('<meta charset="gb2312">',
                 '<meta http-equiv="Content-Type" content="text/html; charset=GBK">'):
        page = f"<html><head>{head}<title>标题</title></head><body><p>行政复议</p></body></html>"
        doc = read_html(page.encode("gbk"), "g")
        assert doc.title_hint == "标题" and doc.blocks == [Paragraph("行政复议")]


def test_stale_declaration_on_utf8_page():
    page = '<html><head><meta charset="gb2312"></head><body><p>结果纠正</p></body></html>'
    assert read_html(page.encode("utf-8"), "stale").blocks == [Paragraph("结果纠正")]
    assert read_html(b"\xef\xbb\xbf" + page.encode("utf-8"), "bom").blocks == [Paragraph("结果纠正")]


def test_declared_big5():
    page = '<html><head><meta charset="big5"></head><body><p>政府資訊公開</p></body></html>'
    assert read_html(page.encode("big5"), "b5").blocks == [Paragraph("政府資訊公開")]


def test_utf16_bom():
    page = "<p>行政诉讼</p>"
    doc = read_html(page.encode("utf-16"), "u16")
    assert doc.blocks == [Paragraph("行政诉讼")]


def test_xml_declaration_is_tolerated():
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><p>总计</p></body></html>'
    assert read_html(page.encode("utf-8"), "x").blocks == [Paragraph("总计")]


# ----------------------------------------------------------------------------- hostile input

@pytest.mark.parametrize("data", [b"", b"   \n ", b"<html><head><title>t</title></head><body></body></html>"])
def test_empty_input_is_not_a_report(data):
    with pytest.raises(ReportError) as e:
        read_html(data, "e")
    assert e.value.code == "not_a_report"


def test_too_large(monkeypatch):
    assert MAX_BYTES == 20 * 1024 * 1024
    monkeypatch.setattr(html_reader, "MAX_BYTES", 1000)
    with pytest.raises(ReportError) as e:
        read_html(b"<p>x</p>" * 200, "big")
    assert e.value.code == "too_large"


def test_nested_5000_levels_does_not_crash_and_keeps_content():
    page = ("<html><body><p>前言</p>" + "<div><span>" * 5000 + "深层文字" + "</span></div>" * 5000
            + "<table><tr><td>行政许可</td><td>3</td></tr></table><p>结尾</p></body></html>")
    doc = read_html(page.encode("utf-8"), "deep")
    assert doc.tables[0].texts() == [["行政许可", "3"]]
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts == ["前言", "深层文字", "结尾"]
    assert doc.warnings


def test_nested_5000_tables_does_not_crash():
    page = "<table><tr><td>" * 5000 + "核心" + "</td></tr></table>" * 5000
    doc = read_html(page.encode("utf-8"), "deep-tables")
    assert "核心" in doc.text()


# ----------------------------------------------------------------------------- real corpus

def _gold(name):
    return json.loads((CORPUS / "gold" / f"{name}.json").read_text(encoding="utf-8"))["cells"]


@needs_corpus
def test_corpus_011_fragment():
    doc = read_html((CORPUS / "raw" / "011.html").read_bytes(), "011.html")
    gold = _gold("011")
    assert len(doc.tables) == 3
    t2 = doc.tables[0]
    assert _row(t2, "规章")[1:] == ["13", "13", "13", "524"]
    lic = t2.rows[[c.text for c in (r[0] for r in t2.rows)].index("行政许可")]
    assert [c.text for c in lic if not c.is_span_copy] == ["行政许可", "0", "0", "0"]
    assert _row(t2, "信息内容")[1] == "本年新制作数量"
    new = _find_row(doc, "一、本年新收政府信息公开申请数量")
    values = [v for v in new if v != new[0]]
    assert values == ["821", "35", "", "", "2", "1", "859"]
    assert int(values[0]) == gold["t3.new_received.natural_person"]
    secret = _find_row(doc, "1.属于国家秘密")
    assert secret[1:] == ["14", "", "", "", "", "", ""]
    assert gold["t3.denied_state_secret.natural_person"] == 14
    t4 = doc.tables[2]
    assert [c.text for c in t4.rows[-1]][:5] == ["5", "", "", "2", "7"]


@needs_corpus
def test_corpus_015_saved_page():
    doc = read_html((CORPUS / "raw" / "015.html").read_bytes(), "015.html")
    gold = _gold("015")
    assert doc.title_hint and "政府信息公开年度报告" in doc.title_hint
    t3 = next(t for t in doc.tables if any(c.text == "申请人情况" for c in t.rows[0]))
    header = [c.text for c in t3.rows[2] if not c.is_span_copy]
    assert header == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    new = _find_row(doc, "一、本年新收政府信息公开申请数量")
    values = [v for v in new if v != new[0]]
    assert values == ["26", "", "", "", "", "", "26"]
    assert gold["t3.new_received.natural_person"] == 26 and gold["t3.new_received.total"] == 26
    other = _find_row(doc, "3.其他")
    assert other[1:] == ["0", "", "", "", "", "", "0"]
    norm = _find_row(doc, "规范性文件")
    assert norm == ["规范性文件", "8", "0", "18"]
    assert gold["t2.normative_documents.in_force_count"] == 18


def test_inline_style_is_judged_by_its_declarations_like_a_sheet_rule():
    # one judge of "no ink" for inline styles and sheet rules: visibility:collapse hides, the
    # last declaration of a property wins, and a vendor property is not display
    cells = ['<span style="visibility:collapse">652</span>708',
             '<span style="display:none; display:inline">6</span>708',
             '<span style="mso-display:none">6</span>708']
    page = "<table><tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr></table>"
    assert _cells(page) == ["708", "6708", "6708"]


def test_iframe_srcdoc_is_read_in_the_frames_place():
    """A CMS page whose article is an <iframe srcdoc> (HTML escaped in the attribute, longer than
    a start tag may be): the frame's document is the page's content at the frame's place, its
    tables numbered after the page's; a hidden frame and an <iframe src> are not read."""
    import html as h
    inner = ("<html><body><p>正文第一段</p><table><tr><td>行政许可</td><td>7</td></tr></table>"
             + "<p>" + "填充" * 3000 + "</p><p>结语</p></body></html>")
    page = (f"<body><table><tr><td>页面表</td><td>1</td></tr></table><h1>标题</h1>"
            f"<iframe width='100%' srcdoc=\"{h.escape(inner, quote=True)}\"></iframe><p>页脚</p>"
            f"<iframe style=\"display:none\" srcdoc=\"&lt;p&gt;隐藏&lt;/p&gt;\"></iframe>"
            f"<iframe src=\"other.html\">外部</iframe></body>")
    doc = read_html(page.encode("utf-8"), "f.html")
    kinds = [("T" if isinstance(b, Table) else b.text[:4]) for b in doc.blocks]
    assert kinds == ["T", "标题", "正文第一", "T", "填充填充", "结语", "页脚"]
    assert [t.index for t in doc.tables] == [0, 1]
    assert doc.tables[1].texts() == [["行政许可", "7"]]
    assert "隐藏" not in doc.text() and "外部" not in doc.text()


def test_iframe_srcdoc_nesting_is_bounded():
    import html as h
    page = "<p>底</p>"
    for _ in range(html_reader.MAX_FRAME_DEPTH + 2):
        page = f"<p>层</p><iframe srcdoc=\"{h.escape(page, quote=True)}\"></iframe>"
    doc = read_html(page.encode("utf-8"), "n.html")
    assert doc.text().count("层") == html_reader.MAX_FRAME_DEPTH + 1 and "底" not in doc.text()


def test_read_only_form_fields_show_their_values():
    """An online 填报 system's print view: figures in read-only ``<input value>``, ``<textarea>``
    and a ``<select>``'s chosen option are what the page shows; hidden inputs and buttons are
    not (adversary round 8)."""
    page = ("<html><body><table><tr><td>项目</td><td>自然人</td><td>商业企业</td><td>总计</td></tr>"
            '<tr><td>一、本年新收</td><td><input type="text" value="26" readonly></td>'
            '<td><input type="hidden" name="id" value="9"><textarea readonly>3</textarea></td>'
            '<td><select><option>0</option><option selected>29</option></select></td></tr>'
            '<tr><td>二、上年结转</td><td><input value="1"><input type="button" value="保存"></td>'
            '<td><input type="number" value="0"></td><td>1</td></tr></table></body></html>')
    t = read_html(page.encode("utf-8"), "form.html").tables[0]
    assert t.texts() == [["项目", "自然人", "商业企业", "总计"], ["一、本年新收", "26", "3", "29"],
                         ["二、上年结转", "1", "0", "1"]]


def test_a_cell_printed_wholly_in_superscript_is_its_figure():
    """``<td><sup>72</sup></td>``: an editor's small raised type, no figure before it — the
    cell's figure, not a footnote mark (``26<sup>1</sup>`` stays 26) (adversary round 8)."""
    page = ("<html><body><table><tr><td>行政复议</td><td>结果维持</td><td>总计</td></tr>"
            "<tr><td>本年</td><td><p><sup>72</sup></p></td><td>26<sup>1</sup></td></tr>"
            "<tr><td>规章<sup>2</sup></td><td><del>5</del></td><td><sup style='display:none'>9</sup></td></tr>"
            "</table></body></html>")
    t = read_html(page.encode("utf-8"), "sup.html").tables[0]
    assert t.texts()[1:] == [["本年", "72", "26"], ["规章", "", ""]]


def test_font_colour_attribute_white_is_no_ink():
    """LibreOffice's and Word's "save as web page" write a colour as ``<font color=…>``: an old
    figure kept in white ink before the new one (``<font color="#ffffff">2421</font>2418``) is
    not printed — on a plain ground; on a dark cell it is (adversary round 9,
    `docx_white_old_figure` exported to HTML by LibreOffice)."""
    page = ('<table><tr><td><font face="Cambria, serif"><font color="#ffffff">2421</font>2418</font></td>'
            '<td><font color="white">9</font>708</td><td><font color="#000000">7</font>08</td>'
            '<td bgcolor="#1F4E79"><font color="#ffffff">9</font>708</td>'
            '<td><font color="#ffffff" style="color:#000">9</font>708</td></tr></table>')
    assert _cells(page) == ["2418", "708", "708", "9708", "9708"]


def test_excel_accounting_dash_with_x_num_reads_the_cells_value():
    """Excel's "save as web page" keeps a cell's value in ``x:num`` when the display differs:
    the accounting format prints 0 as ``-`` (``<td x:num="0">-</td>``); that cell is 0, not
    "not applicable".  A dash without ``x:num`` stays a dash, and a displayed figure is read
    as displayed (adversary round 11, r11ue ``xl_dash_zero``)."""
    page = ('<table><tr><td class=xl66 x:str>行政许可</td><td class=xl67 x:num="0"> - </td>'
            '<td class=xl67 x:num="0">－</td><td>-</td><td class=xl67 x:num="1234.5">1,235</td>'
            '<td class=xl67 x:num>7</td><td class=xl67 x:num="abc">-</td></tr></table>')
    assert _cells(page) == ["行政许可", "0", "0", "-", "1,235", "7", "-"]


def test_excel_overflow_colspan_is_one_cell_and_blanks():
    """Excel's "save as web page" writes a label overflowing into the empty cells on its right
    as ``colspan=N style='mso-ignore:colspan'`` (the cells it covers are not written): in the
    sheet they are cells of their own, empty — blank cells, not copies of the label (adversary
    round 11, r11ue ``xl_overflow``)."""
    page = ("<table><tr><td>项目</td><td>自然人</td><td>商业企业</td><td>总计</td></tr>"
            "<tr><td colspan=2 class=xl65 style='mso-ignore:colspan'>二、上年结转政府信息公开申请数量</td>"
            "<td x:num>3</td><td x:num>3</td></tr>"
            "<tr><td colspan=2>合并</td><td>1</td><td>1</td></tr></table>")
    t = read_html(page.encode("utf-8"), "xl.html").tables[0]
    assert [[c.text for c in row if not c.is_span_copy] for row in t.rows[1:]] == [
        ["二、上年结转政府信息公开申请数量", "", "3", "3"], ["合并", "1", "1"]]


def test_a_hidden_cell_takes_no_column():
    """A cell the page does not display (``style='display:none'``, a class that hides it, the
    ``hidden`` attribute: Excel's hidden column of row numbers) takes no place in the grid, as
    in a browser; a row of such cells is not a column of figures (adversary round 11, r11ue
    ``xl_hidden_col``)."""
    page = ("<html><head><style>td.xl70{display:none}</style></head><body><table>"
            "<tr><td style='display:none'>100</td><td>项目</td><td>自然人</td><td>总计</td></tr>"
            "<tr><td class=xl70>101</td><td>一、本年新收</td><td>26</td><td>26</td></tr>"
            "<tr><td hidden>102</td><td>二、上年结转</td><td>1</td><td>1</td></tr></table></body></html>")
    t = read_html(page.encode("utf-8"), "hidden.html").tables[0]
    assert t.texts() == [["项目", "自然人", "总计"], ["一、本年新收", "26", "26"], ["二、上年结转", "1", "1"]]


def test_excel_negative_shown_without_its_sign_reads_the_cells_value():
    """Excel's number format ``0;[Red]0`` shows a negative number in red without its minus
    sign; the "save as web page" keeps the value in ``x:num`` (``<td x:num="-6">6</td>``): the
    cell is -6 (a 本年增/减 column), never +6 (adversary round 11, r11ue ``xl_red_nosign``)."""
    page = ('<table><tr><td>行政许可</td><td class=xl67 style="color:red" x:num="-6">6</td>'
            '<td class=xl67 x:num="-1234">1,234</td><td class=xl67 x:num="-6">(6)</td>'
            '<td class=xl67 x:num="6">6</td><td x:num="-7">6</td></tr></table>')
    assert _cells(page) == ["行政许可", "-6", "-1234", "(6)", "6", "6"]
