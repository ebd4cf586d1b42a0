"""PDF figures spread over their cells (分散对齐) read right or flagged, never as a label (NOTES L52)."""
from etl.document import Document, Paragraph, Table
from etl.extract import parse_document

FEE = "t2.admin_fees.fee_amount_wan_yuan"


def _report(rows: list[list[str]]) -> Document:
    return Document("x.pdf", "pdf", [
        Paragraph("示例市示例局2023年政府信息公开工作年度报告", page=1),
        Paragraph("二、主动公开政府信息情况", page=1),
        Table.from_texts(rows, page=1),
    ])


def test_a_figure_spread_over_its_cell_is_no_label():
    # 96171.6 in distributed alignment, read from a table without rules: its pieces stand
    # apart like cells, and 1 . does not read as a figure — it is no part of the row's label
    rep = parse_document(_report([
        ["第二十条第（八）项", "", "", "", "", "", ""],
        ["信息内容", "", "", "", "本年收费金额（单位：万元）", "", ""],
        ["行政事业性收费", "9", "6", "1", "7", "1 .", "6"],
    ]))
    assert FEE in rep.uncertain or rep.cells.get(FEE) == 96171.6


def test_a_fee_row_read_whole_is_read():
    rep = parse_document(_report([
        ["第二十条第（八）项", ""],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", "96171.6"],
    ]))
    assert rep.cells.get(FEE) == 96171.6 and FEE not in rep.uncertain
