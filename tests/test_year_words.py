"""The 2019 template's item columns named by year or in other words; years and page furniture.

An agency on the 2019 form may name its item columns by year (2019年项目数量 | 2020年项目数量)
instead of 上一年项目数量 | 本年项目数量, or write 本年增加/减少数量 for 本年增/减.  The header's
own words say which column is which: they are read, not guessed in template order.  Also: a
running page header or footer between the parts of a row cut at a page break is furniture, and
a yearless title takes its year from a line that is only the year (NOTES L51).
"""
from __future__ import annotations

import pytest

from etl.extract import parse_bytes
from test_layouts import _html, _tr


def _report(header: list[str], rows: list[list[str]], year: int = 2020):
    t2 = ("<p>二、主动公开政府信息情况</p><table border=1>"
          + _tr(f"第二十条第（五）项@1x{len(header)}") + _tr(*header)
          + "".join(_tr(*r) for r in rows) + "</table>")
    return parse_bytes(_html(t2).replace("2023年".encode(), f"{year}年".encode()), "r.html")


@pytest.mark.parametrize("prior, current", [("2019年项目数量", "2020年项目数量"),
                                            ("截至2019年底项目数量", "截至2020年底项目数量")])
def test_item_columns_named_by_year_are_read_by_the_year(prior, current):
    """Named by the year, or as year-end counts (截至2019年底项目数量)."""
    rep = _report(["信息内容", prior, current, "本年增/减", "处理决定数量"],
                  [["行政许可", "12", "14", "2", "30"], ["其他对外管理服务事项", "7", "5", "-2", "9"]])
    want = {"prior_year_item_count": 12, "current_item_count": 14, "item_count_change": 2, "decision_count": 30}
    for col, v in want.items():
        key = f"t2.admin_licensing.{col}"
        assert key not in rep.uncertain, (key, rep.uncertain.get(key))
        assert rep.cells.get(key) == v, key


def test_prior_year_named_by_year_without_current_column():
    rep = _report(["信息内容", "2019年项目数量", "增减情况", "处理决定数量"],
                  [["行政许可", "12", "2", "30"]])
    for col, v in {"prior_year_item_count": 12, "item_count_change": 2, "decision_count": 30}.items():
        key = f"t2.admin_licensing.{col}"
        assert key not in rep.uncertain, (key, rep.uncertain.get(key))
        assert rep.cells.get(key) == v, key
    assert "t2.admin_licensing.current_item_count" not in rep.cells


def test_a_year_that_is_neither_this_nor_last_is_no_column_of_this_report():
    rep = _report(["信息内容", "2018年项目数量", "2020年项目数量", "本年增/减", "处理决定数量"],
                  [["行政许可", "12", "14", "2", "30"]])
    assert rep.cells.get("t2.admin_licensing.prior_year_item_count") in (None, 12) or \
        "t2.admin_licensing.prior_year_item_count" in rep.uncertain
    assert rep.cells.get("t2.admin_licensing.prior_year_item_count") != 14


def test_change_column_written_as_increase_or_decrease():
    rep = _report(["信息内容", "上一年项目数量", "本年增加/减少数量", "处理决定数"],
                  [["行政许可", "12", "-2", "30"]])
    for col, v in {"prior_year_item_count": 12, "item_count_change": -2, "decision_count": 30}.items():
        key = f"t2.admin_licensing.{col}"
        assert key not in rep.uncertain, (key, rep.uncertain.get(key))
        assert rep.cells.get(key) == v, key


def test_row_cut_by_a_page_break_after_its_ordinal_joins_its_label_tail():
    """LibreOffice cuts a tall row at a page break: the figures stay with 三、本年度办理结果 |
    （二） above the break, the label's words (部分公开（区分处理的…）) go on below it with blank
    cells.  The part below is the rest of that row, not a row of zeros (r11old)."""
    from etl.extract import _join_wrapped_labels
    from etl.numbers import parse_cell
    from etl.parse_state import Row

    def row(labels: list[str], vals: list[str], table: int) -> Row:
        n = len(labels)
        return Row(labels, [parse_cell(v) for v in vals], list(range(n, n + len(vals))), table=table,
                   label_cols=list(range(n)))
    rows = _join_wrapped_labels([
        row(["（一）予以公开"], ["6", "0", "6"], 1),
        row(["三、本年度办理结果", "（二）"], ["6", "0", "6"], 1),
        row(["部分公开（区分处理的，只计这一情形，不计其他情形）"], ["", "", ""], 2)])
    assert len(rows) == 2 and [v.value for v in rows[1].values] == [6, 0, 6]
    rows = _join_wrapped_labels([
        row(["（四）无法提供", "2.没有现成信息需要另行制作"], ["0", "0", "0"], 1),
        row(["（四）无法提供", "3.补正"], ["3", "0", "3"], 1),
        row(["后申请内容仍不明确"], ["", "", ""], 2)])
    assert len(rows) == 2 and [v.value for v in rows[1].values] == [3, 0, 3]


def _pdf_with_running_header(header: str, at_foot: bool = False, title: str = "示例县示例局2020年政府信息公开工作年度报告") -> bytes:
    """Table 三 cut after （二）'s figures, the label's words going on at the next page's top
    (LibreOffice's split of a tall row), a running header on every page."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    from synth.render import _register_font
    _register_font()
    st = ParagraphStyle("n", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    z7 = ["0"] * 7
    head = [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况", "", "", "", "", "", ""],
            ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]]
    top = head + [["一、本年新收政府信息公开申请数量", ""] + ["9", "0", "0", "0", "0", "0", "9"],
                  ["二、上年结转政府信息公开申请数量", ""] + z7,
                  ["三、本年度办理结果", "（一）予以公开"] + ["3", "0", "0", "0", "0", "0", "3"],
                  ["", "（二）"] + ["6", "0", "0", "0", "0", "0", "6"]]
    rest = [["", "部分公开（区分处理的，只计这一情形，不计其他情形）"] + [""] * 7]
    for lab in ("（三）不予公开 1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
                "（四）无法提供 1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确",
                "（五）不予处理 1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                "5.要求行政机关确认或重新出具已获取信息", "（六）其他处理"):
        rest.append(["", lab] + z7)
    rest += [["", "（七）总计"] + ["9", "0", "0", "0", "0", "0", "9"], ["四、结转下年度继续办理", ""] + z7]

    def table(rows):
        data = [[Paragraph(c, st) for c in r] for r in rows]
        t = Table(data, colWidths=[90, 110] + [42] * 7)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        return t

    def deco(canvas, _doc):
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(60, 30 if at_foot else A4[1] - 30, header)

    story = [Paragraph(title, st),
             Paragraph("三、收到和处理政府信息公开申请情况", st), table(top), PageBreak(), table(rest),
             Paragraph("四、政府信息公开行政复议、行政诉讼情况", st), Paragraph("无。", st)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story, onFirstPage=deco, onLaterPages=deco)
    return out.getvalue()


def test_running_header_between_the_parts_of_a_cut_row_is_page_furniture():
    rep = parse_bytes(_pdf_with_running_header("示例县示例局 2020年度政府信息公开工作年度报告"), "r.pdf")
    for col, v in (("natural_person", 6), ("total", 6)):
        key = f"t3.partially_granted.{col}"
        assert key in rep.uncertain or rep.cells.get(key) == v, (key, rep.cells.get(key))
    assert rep.year == 2020


def test_year_named_item_columns_in_a_header_run_into_one_line():
    """Word text joined by spaces: the whole header is one label (信息内容 2019年项目数量 …)."""
    from etl.extract import _t2_header_cols_of
    cols, _ = _t2_header_cols_of(("信息内容 2019年项目数量 2020年项目数量 增减情况 处理决定数量",), 2020)
    assert cols == ("prior_year_item_count", "current_item_count", "item_count_change", "decision_count")
    cols, _ = _t2_header_cols_of(("信息内容 2019年项目数量 增减情况 处理决定数量",), 2020)
    assert cols == ("prior_year_item_count", "item_count_change", "decision_count")


def test_a_yearless_title_takes_the_year_from_a_line_that_is_only_the_year():
    """（2020年度） under a yearless title or in the footer is the year reported on; two such
    lines of different years prove none; a signature date never is a year of report."""
    from etl.titles import report_year
    assert report_year("示例局政府信息公开工作年度报告\n一、总体情况\n示例局\n2021年1月20日\n（2020年度）\n") == 2020
    assert report_year("示例局政府信息公开工作年度报告\n（二〇二〇年度）\n一、总体情况\n") == 2020
    assert report_year("示例局政府信息公开工作年度报告\n2019年度\n2020年度\n") is None
    assert report_year("示例局政府信息公开工作年度报告\n一、总体情况\n示例局\n2021年1月20日\n") is None


def test_running_footer_naming_the_year_of_a_yearless_title():
    """A yearless title, （2020年度） in every page's footer (also at the foot of the page a
    table-三 row is cut on): the year is the footer's, the cut row's figures are its own."""
    pdf = _pdf_with_running_header("（2020年度）", at_foot=True, title="示例县示例局政府信息公开工作年度报告")
    rep = parse_bytes(pdf, "r.pdf")
    assert rep.year == 2020
    for col, v in (("natural_person", 6), ("total", 6)):
        key = f"t3.partially_granted.{col}"
        assert key in rep.uncertain or rep.cells.get(key) == v, (key, rep.cells.get(key))


def test_docx_footer_naming_the_year_of_a_yearless_title():
    import io

    import docx
    d = docx.Document()
    d.sections[0].footer.paragraphs[0].text = "（2020年度）"
    for t in ("示例县示例局政府信息公开工作年度报告", "一、总体情况", "本年度工作平稳推进。",
              "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况", "无。", "示例县示例局", "2021年1月20日"):
        d.add_paragraph(t)
    buf = io.BytesIO()
    d.save(buf)
    from etl.readers import read_bytes
    from etl.titles import find_title
    agency, year, _ = find_title(read_bytes(buf.getvalue(), "r.docx"))
    assert (agency, year) == ("示例县示例局", 2020)


def test_running_footer_with_its_page_number_is_furniture(monkeypatch):
    """The footer prints the page number beside its words (…年度报告 第1页 共2页): the same
    running line on every page, not a line of the text between a cut row's parts."""
    from reportlab.pdfgen import canvas

    orig = canvas.Canvas.drawString

    def draw(self, x, y, text, *a, **k):
        if text == "PAGED":
            text = f"示例县示例局政府信息公开工作年度报告 第{self.getPageNumber()}页 共2页"
        return orig(self, x, y, text, *a, **k)
    monkeypatch.setattr(canvas.Canvas, "drawString", draw)
    rep = parse_bytes(_pdf_with_running_header("PAGED", at_foot=True), "r.pdf")
    for col, v in (("natural_person", 6), ("total", 6)):
        key = f"t3.partially_granted.{col}"
        assert key in rep.uncertain or rep.cells.get(key) == v, (key, rep.cells.get(key))


def test_page_header_first_printed_on_page_two_parts_no_cut_row(monkeypatch):
    """Word's different first page: the header is printed from page 2 on, so its first printing
    stands between the two parts of the row cut at page 1's foot — a line of text between two
    pages' tables, no row of its own; the blank tail below it joins the figures above."""
    from reportlab.pdfgen import canvas

    orig = canvas.Canvas.drawString

    def draw(self, x, y, text, *a, **k):
        if text == "LATER":
            if self.getPageNumber() < 2:
                return None
            text = "示例县示例局2020年度政府信息公开工作年度报告"
        return orig(self, x, y, text, *a, **k)
    monkeypatch.setattr(canvas.Canvas, "drawString", draw)
    rep = parse_bytes(_pdf_with_running_header("LATER"), "r.pdf")
    for col, v in (("natural_person", 6), ("total", 6)):
        key = f"t3.partially_granted.{col}"
        assert key in rep.uncertain or rep.cells.get(key) == v, (key, rep.cells.get(key))
