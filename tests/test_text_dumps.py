"""Text browsers' and extractors' plain-text dumps of a report page (adversary round 11, r11dump).

w3m / elinks draw a table in box characters, links in ASCII laid out by characters, html2text
writes markdown that crawlers save as .txt, and an extractor's one-cell-a-line text loses the
blank cells (those cases are metamorphic transforms ``r11d_*``, with their regressions in
tests/metamorphic/test_metamorphic.py).  The tables and sentences here are invented."""
from __future__ import annotations

from etl.extract import parse_bytes
from etl.readers.text import read_text

W3M_TABLE = """\
┌──────────────┬──────────┬──────────┬──────────┐
│信息内容      │本年制发件│本年废止件│现行有效件│
│              │数        │数        │数        │
├──────────────┼──────────┼──────────┼──────────┤
│规章          │3         │0         │12        │
├──────────────┼──────────┼──────────┼──────────┤
│行政规范性文件│7         │1         │40        │
└──────────────┴──────────┴──────────┴──────────┘
"""

LINKS_TABLE = """\
   +----------------------------+
   |第二十条第（一）项                   |
   |----------------------------|
   |信息内容   |本年制发件数|本年废止件数|现行有效件数|
   |-------+------+------+------|
   |规章     |3     |0     |12    |
   |-------+------+------+------|
   |行政规范性文件|7     |1     |40    |
   +----------------------------+
"""


def _rows(text: str) -> list[list[str]]:
    doc = read_text(text.encode("utf-8"), "dump.txt")
    tables = [b for b in doc.blocks if hasattr(b, "rows")]
    assert tables, "no table read"
    return [[c.text for c in row] for row in tables[0].rows]


def test_w3m_box_grid_is_a_table():
    rows = _rows("二、主动公开政府信息情况\n\n" + W3M_TABLE * 2)
    assert rows[0] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert rows[1] == ["规章", "3", "0", "12"]
    assert rows[2] == ["行政规范性文件", "7", "1", "40"]


def test_links_grid_laid_out_by_characters():
    rows = _rows("二、主动公开政府信息情况\n\n" + LINKS_TABLE * 2)
    assert rows[1][0].replace("\n", "") == "信息内容" or rows[1][0] == "信息内容"
    assert rows[2] == ["规章", "3", "0", "12"]
    assert rows[3] == ["行政规范性文件", "7", "1", "40"]


def test_html2text_markdown_under_a_txt_name():
    md = ["# 示例市测试局2022年政府信息公开工作年度报告", "", "本报告为测试编写的示例文本。", "",
          "## 二、主动公开政府信息情况", "", "第二十条第（一）项  ", "---  ",
          "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数  ",
          "规章 | 3 | 0 | 12  ", "行政规范性文件 | 7 | 1 | 40  ", "第二十条第（五）项  ",
          "信息内容 | 本年处理决定数量  ", "行政许可 | 40  ", "第二十条第（六）项  ",
          "信息内容 | 本年处理决定数量  ", "行政处罚 | 5  ", "行政强制 | 0  ",
          "第二十条第（八）项  ", "信息内容 | 本年收费金额（单位：万元）  ", "行政事业性收费 | 0  ", "",
          "## 三、收到和处理政府信息公开申请情况", "", "（略） | 申请人情况  ", "---|---  ",
          "自然人 | 法人或其他组织 | 总计  ", ""]
    rep = parse_bytes("\n".join(md).encode("utf-8"), "page.txt")
    assert rep.agency == "示例市测试局" and rep.year == 2022
    assert rep.cells["t2.regulations.in_force_count"] == 12
    assert rep.cells["t2.admin_penalty.decision_count"] == 5


def test_a_doubtful_row_with_more_figures_than_columns_flags_its_local_column():
    """A 2019-form table 二 whose header rows a crawler dropped, a cell a line: the item rows
    print four figures (the Shandong 本年项目数量 beside the template's three) and nothing names
    them.  Whatever is read, the local column is flagged — never silently absent."""
    lines = ["示例市测试局2020年政府信息公开工作年度报告", "本报告为测试编写的示例文本。",
             "二、主动公开政府信息情况"]
    for label, figs in (("规章", "2 1 1"), ("规范性文件", "1 1 1"), ("行政许可", "6 0 -6 0"),
                        ("其他对外管理服务事项", "92 7 -85 45"), ("行政处罚", "42 3 -39 3"),
                        ("行政强制", "4 0 -4 0"), ("行政事业性收费", "0 0"), ("政府集中采购", "11 434.936")):
        lines += [label, *figs.split()]
    lines += ["三、收到和处理政府信息公开申请情况", "（略）"]
    rep = parse_bytes("\n".join(lines).encode("utf-8"), "page.txt")
    want = {"admin_licensing": 0, "other_external_services": 7, "admin_penalty": 3, "admin_coercion": 0}
    for row, v in want.items():
        key = f"t2.{row}.current_item_count"
        assert key in rep.uncertain or (key in rep.cells and rep.cells[key] == v), key
