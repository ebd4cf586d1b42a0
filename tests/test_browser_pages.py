"""What a browser makes of a government CMS page (adversary round 10, r10chrome).

A page printed to PDF by Chromium (a table wider than the paper cut at its edge, 人民 written
as CJK radicals, table 四's header cut by a page break), saved as its text (a metadata line
and a 相关阅读 line run together; table rows with their cells' separators lost): each figure
right or flagged, the agency the report's own.  The synthetic text here is invented.
"""
from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from etl import extract
from etl.parse_state import Row
from etl.readers import pdf as pdf_reader
from etl.readers.html import join_cell_lines
from test_parse import make_report, parse, render

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def test_joining_a_cut_row_onto_an_empty_cell_does_not_crash():
    # a PDF row cut by a page break whose rest lands in a cell with no text yet
    assert join_cell_lines(["", "不予处理"]) == "不予处理"
    assert join_cell_lines(["12", "", "34"]) == "12\n34"
    assert join_cell_lines(["", ""]) == ""


class _Page:
    def __init__(self, texts):
        self.chars = [{"text": t} for t in texts]


def test_cjk_radicals_of_a_browser_print_read_as_ideographs():
    # Chromium with Noto CJK maps 人 to U+2F08 (Kangxi) and 民 to U+2EA0 (radicals supplement)
    page = _Page(["\u2f08", "\u2ea0", "政", "\u2ed3", "\u2ee2", "氵"])
    pdf_reader._radicals_as_ideographs(page)
    assert "".join(c["text"] for c in page.chars) == "人民政长马氵"


def _clipped_table_pdf(last_value: str, gap: float) -> bytes:
    """A ruled table whose last column's right rule lies beyond the paper's right edge."""
    w, h = A4
    b = io.BytesIO()
    c = canvas.Canvas(b, pagesize=A4)
    c.setFont(FONT, 10)
    xs = [60, 200, 300, 400, 500]          # vertical rules drawn; the last column runs off the page
    rows = [["申请人", "自然人", "商业企业", "科研机构", "总计"],
            ["本年新收", "3", "4", "5", last_value],
            ["上年结转", "1", "0", "0", "1"]]
    top = h - 100
    for i in range(len(rows) + 1):
        c.line(xs[0], top - 20 * i, w + 40, top - 20 * i)
    for x in xs:
        c.line(x, top, x, top - 20 * len(rows))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            x = xs[j] + 4 if j < len(xs) else None
            if j == len(row) - 1:
                x = w - gap - pdfmetrics.stringWidth(text, FONT, 10)
            c.drawString(x, top - 20 * i - 14, text)
    c.save()
    return b.getvalue()


@pytest.mark.parametrize("gap", [30.0, 0.5])
def test_a_column_cut_by_the_paper_edge_is_read_not_dropped(gap):
    doc = pdf_reader.read_pdf(_clipped_table_pdf("12", gap), "clipped.pdf")
    t = next(b for b in doc.blocks if isinstance(b, pdf_reader.Table))
    last = [row[-1] for row in t.rows]
    assert [c.text for c in last] == ["总计", "12", "1"]
    # a figure ending at the paper's edge may have lost glyphs there: doubtful
    assert (last[1].doubt is not None) == (gap < 1)
    assert last[2].doubt is None or gap < 1


def _row(table, cells, labels, label_cols):
    return Row(labels=labels, values=[], value_cols=[], table=table, header_like=True,
               label_cols=label_cols, head_cells=cells)


def test_table_4_header_cut_by_a_page_break_is_not_read_as_one_grid():
    # page 4: 行政复议 | 行政诉讼 (10 grid columns); page 5: the result words (17 columns)
    p4 = [_row(1, [(0, 2, "行政复议"), (2, 8, "行政诉讼")], ["行政复议", "行政诉讼"], [0, 2]),
          _row(1, [(0, 1, "结果"), (1, 1, "尚未"), (2, 4, "未经复议直接起诉"), (6, 4, "复议后起诉")],
               ["结果", "尚未", "未经复议直接起诉", "复议后起诉"], [0, 1, 2, 6])]
    words = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    p5 = [_row(2, [(0, 1, ""), (1, 1, ""), (2, 1, "维持"), (3, 1, "纠正"), (4, 1, "结果"), (5, 1, "审结"),
                   (6, 1, "")] + [(7 + i, 1, w) for i, w in enumerate(words * 2)],
               ["维持", "纠正", "结果", "审结", *words * 2], [2, 3, 4, 5, *range(7, 17)])]
    assert extract._one_grid(p4 + p5) == p5
    assert extract._one_grid(p5) == p5
    cmap = extract._header_map(p4 + p5, extract.headers.t4_by_grid, extract.headers.t4_col_order, 15,
                               extract.headers.t4_key)
    # page 4's block columns (2: 未经复议直接起诉) never name page 5's grid columns
    assert cmap is None or not any(k.startswith("litigation_direct") and c < 7 for c, k in cmap.by_col.items())


def _text_report(title_lines: list[str]) -> tuple[dict, str]:
    rep = make_report("2021")
    text = render(rep, "txt").decode("utf-8")
    lines = text.split("\n")
    # the rendered title is its first two lines (agency, then 年…报告)
    return rep, "\n".join(title_lines + lines[2:])


def test_a_metadata_line_and_a_link_line_are_not_one_title():
    rep, text = _text_report([])
    y = rep["year"]
    title = f"{y}年度{rep['agency']}政府信息公开工作年度报告"
    head = [f"发布机构：{rep['agency']}发文日期：{y + 1}-01-26",
            f"相关阅读示例市交通运输局{y}年政府信息公开工作年度报告{y + 1}-01-19"
            f"示例县教育局{y - 1}年政府信息公开工作年度报告{y}-01-28", title]
    got = parse("\n".join(head) + "\n" + text, "page.txt")
    assert (got.agency, got.year) == (rep["agency"], y)


def test_a_link_wrapped_onto_the_next_line_is_not_the_title():
    rep, text = _text_report([])
    y = rep["year"]
    head = ["相关阅读示例市交通运输局2020年政府信息公开工作年度报告 2021-01-19 示",
            f"例县教育局{y}年政府信息公开工作年度报告{y + 1}-01-28",
            f"{y}年度{rep['agency']}政府信息公开工", "作年度报告"]
    got = parse("\n".join(head) + "\n" + text, "page.txt")
    assert (got.agency, got.year) == (rep["agency"], y)


def test_a_link_box_beside_the_title_line():
    rep, text = _text_report([])
    y = rep["year"]
    head = [f"相关阅读 {y}年度{rep['agency']}政府信息公开工作年度报告"]
    got = parse("\n".join(head) + "\n" + text, "page.pdf.txt")
    assert (got.agency, got.year) == (rep["agency"], y)


def test_a_link_box_beside_a_title_wrapped_over_two_lines():
    # the side column's heading on the title's first line, the title's end on the next
    # (r10c_chromium_portal_page, s_single_other_row_2021: refused before)
    rep, text = _text_report([])
    y = rep["year"]
    head = [f"相关阅读 {y}年度{rep['agency']}政府信息公开工作年", "度报告", "示例市交通运输局"]
    got = parse("\n".join(head) + "\n" + text, "page.pdf.txt")
    assert (got.agency, got.year) == (rep["agency"], y)


def test_links_after_the_report_are_not_reports_of_the_file():
    rep, text = _text_report([rep_title := "示例省示例市示例局", "2023年政府信息公开工作年度报告"])
    assert rep_title == rep["agency"]
    tail = ["相关阅读", "示例市交通运输局2022年政府信息公开工作年度报告2023-01-12",
            "示例县教育局2021年政府信息公开工作年度报告2022-01-20"]
    got = parse(text + "\n" + "\n".join(tail) + "\n", "page.txt")
    assert not got.to_json().get("other_reports")


def test_a_row_label_with_its_figures_run_in_is_flagged_not_dropped():
    # textContent of a page: cells run together, a CSS grid's empty cells as &nbsp;
    rep = make_report("2021")
    c = rep["cells"]
    fee = c["t2.admin_fees.fee_amount_wan_yuan"]
    lines = [rep["agency"] + f"{rep['year']}年政府信息公开工作年度报告", "二、主动公开政府信息情况",
             "第二十条第（八）项", "信息内容本年收费金额（单位：万元）", f"行政事业性收费{fee}",
             "第二十条第（五）项", "信息内容本年处理决定数量",
             f"行政许可{c['t2.admin_licensing.decision_count']}",
             "三、收到和处理政府信息公开申请情况",
             "\u00a0\u00a0\u00a0自然人法人或其他组织\u00a0\u00a0\u00a0\u00a0总计",
             "一、本年新收政府信息公开申请数量\u00a0\u00a0" + "".join(
                 str(c[f"t3.new_received.{k}"]) for k in ("natural_person", "commercial_enterprise",
                                                          "research_institution", "social_welfare_org",
                                                          "legal_service_org", "other_org", "total"))]
    got = parse("\n".join(lines) + "\n", "page.txt").to_json()
    key = "t2.admin_fees.fee_amount_wan_yuan"
    assert key in got["uncertain"] or got["cells"].get(key) == fee


def test_inner_text_of_paragraph_cells_keeps_each_figure_in_its_row():
    from etl.readers.text import _cell_paragraphs_joined
    lines = ["规章\t", "", "1", "", "\t", "", "20", "", "\t", "", "３", "", "行政许可\t", "", "550", "",
             "第二十条第（六）项"]
    got = [line for line in _cell_paragraphs_joined(lines) if line.strip()]
    assert got == ["规章\t1\t20\t３", "行政许可\t550", "第二十条第（六）项"]
    # a row's blank last cell before the next row's words stays blank
    assert _cell_paragraphs_joined(["其他\t", "", "行政强制\t5"]) == ["其他\t", "", "行政强制\t5"]


def _hrow(cells: list[str], table: int) -> Row:
    return Row(labels=[c for c in cells if c], values=[], value_cols=[], table=table, header_like=True,
               label_cols=[i for i, c in enumerate(cells) if c], head_cells=[(i, 1, c) for i, c in enumerate(cells)])


def _vrow(texts: list[str], table: int) -> Row:
    from etl.numbers import parse_cell
    return Row(labels=[], values=[parse_cell(t) for t in texts], value_cols=list(range(len(texts))), table=table)


def test_table_4_figures_in_a_wider_grid_are_not_replaced_by_a_blank_row():
    # Chromium at 110 mm: the header on one page (15 columns), on the next a table of 16 (the
    # label column left empty): an all-blank row (the header's cut continuation), then the
    # figures.  The blank row must not become the data row (15 zeros, silently).
    from etl.parse_state import ParseState
    words = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    header = [_hrow(["行政复议"] * 5 + ["行政诉讼"] * 10, 1),
              _hrow(words + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5, 1),
              _hrow(words * 3, 1)]
    figures = [str(n) for n in (7, 6, 1, 3, 17, 1, 4, 8, 1, 14, 2, 1, 1, 6, 10)]
    state = ParseState()
    extract._read_t4(header + [_vrow([""] * 16, 2), _vrow([""] + figures, 2)], state, 2024)
    keys = [f"t4.{r}.{c}" for r in ("admin_reconsideration", "litigation_direct", "litigation_after_reconsideration")
            for c in ("upheld", "corrected", "other", "pending", "total")]
    for key, want in zip(keys, figures):
        assert key in state.uncertain or state.cells.get(key) == int(want), (key, state.cells.get(key))


def test_inner_text_of_a_table_of_paragraph_cells_is_read_as_rows():
    # every cell a paragraph: label alone on a line, each next cell a TAB line, blank lines
    # around; an empty cell's TAB line is followed by the next TAB line
    from etl.readers.text import _paragraph_rows
    lines = ["规章", "", "\t", "", "1", "", "\t", "", "\t", "", "11", "", "行政许可", "", "\t", "", "550", ""]
    assert _paragraph_rows(lines) == ["规章\t1\t\t11", "行政许可\t550"]


def test_a_paragraph_cell_then_the_row_s_plain_cells():
    from etl.readers.text import _paragraph_rows
    lines = ["结果维持", "", "\t", "", "总计", "", "１０", "", "\t１\t０\t５", "", "五、存在的主要问题"]
    assert _paragraph_rows(lines) == ["结果维持\t总计", "１０\t１\t０\t５", "五、存在的主要问题"]


def test_a_reporting_sentence_is_not_the_title():
    # the body's title wrapped over three lines (a 110 mm print), the 标题： box's title joined
    # as metadata: the opening sentence 现将…报告如下 names the report but is no title
    rep, text = _text_report([])
    y = rep["year"]
    a = rep["agency"]
    head = [f"标题：{y}年度{a}政府信息公开工作年度报告", f"{y}年度{a[:4]}", f"{a[4:]}政府信息公开工作年度报", "告",
            f"为贯彻落实条例，现将{a}{y}年度", "政府信息公开工作情况报告如下。"]
    got = parse("\n".join(head) + "\n" + text, "page.txt")
    assert not got.agency.startswith("现将")
    assert (got.agency, got.year) == (a, y)
