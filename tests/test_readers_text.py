"""Tests for the plain-text and markdown readers (etl/readers/text.py): pipe tables keep every
cell in its column.  All fixtures are text written here."""
from __future__ import annotations

from etl.document import Table
from etl.readers.text import read_text


def _tables(text: str) -> list[list[list[str]]]:
    doc = read_text(text.encode("utf-8"), "r.md", "md")
    return [b.texts() for b in doc.blocks if isinstance(b, Table)]


def test_gfm_rows_with_trailing_empty_cells_dropped_are_padded_to_the_table_width():
    # GFM: "the remainder of the cells are empty"; the header row may be short too, the
    # |---| row then gives the columns
    md = ("| 示例表 |  | 申请人 |\n"
          "|---|---|---|---|---|\n"
          "|  |  | 甲 | 乙 | 总计 |\n"
          "| 一、新收 |  | 5 | 3 | 8 |\n"
          "| 二、结转 |  | 2 |\n"
          "| 三、办结 |  | 1 | 4 |\n")
    assert _tables(md) == [[["示例表", "", "申请人", "", ""],
                            ["", "", "甲", "乙", "总计"],
                            ["一、新收", "", "5", "3", "8"],
                            ["二、结转", "", "2", "", ""],
                            ["三、办结", "", "1", "4", ""]]]


def test_pipe_table_without_separator_takes_its_first_row_width_and_keeps_long_rows():
    md = ("说明文字\n"
          "| 项目 | 甲 | 乙 |\n"
          "| 一 | 1 |\n"
          "| 二 | 2 | 3 | 备注 |\n"
          "\n"
          "| 另表 | 数量 |\n"
          "|---|---|\n"
          "| 丙 |\n")
    assert _tables(md) == [[["项目", "甲", "乙"], ["一", "1", ""], ["二", "2", "3", "备注"]],
                           [["另表", "数量"], ["丙", ""]]]


def test_backslash_escaped_punctuation_in_pipe_cells_is_the_character():
    r"""turndown / pandoc escape markdown punctuation (CommonMark): ``3\.其他`` is 3.其他, ``26\*``
    a figure with its note mark ``*``, ``\*三安全\*`` literal asterisks (no emphasis), ``\(`` a
    bracket (adversary round 8, `md_turndown_escapes`)."""
    md = ("项目 | 甲 | 乙\n"
          "---|---|---\n"
          r"3\.其他 | 26\* | 4" + "\n"
          r"危及\*三安全\*\(示例\) | \*\*5\*\* | **7**" + "\n")
    assert _tables(md) == [[["项目", "甲", "乙"], ["3.其他", "26*", "4"],
                            ["危及*三安全*(示例)", "**5**", "7"]]]


def test_html2text_tables_one_cell_rows_and_dash_delimiter():
    """html2text writes a table whose first row is one cell (a colspan caption) with a ``---``
    delimiter without pipes, its rows as cells joined by `` | `` without outer pipes (two
    trailing spaces), and a later one-cell row without any pipe: one table, the pipes are
    separators — never a garbled figure ``|`` (adversary round 8, `md_html2text_tables`)."""
    md = ("第一项  \n"
          "---  \n"
          "名称 | 甲 | 乙  \n"
          "规章 | 0 | 12  \n"
          "第二项  \n"
          "名称 | 丙  \n"
          "许可 | 708  \n"
          "\n"
          "后文\n")
    assert _tables(md) == [[["名称", "甲", "乙"], ["规章", "0", "12"], ["第二项", "", ""],
                            ["名称", "丙", ""], ["许可", "708", ""]]]


def test_no_outer_pipes_a_trailing_pipe_is_an_empty_cell():
    """In a table without outer pipes, a row ending in a pipe (html2text's row whose last cells
    are blank: ``二 | 5 |  |``) keeps its last empty cell: the row is as wide as its neighbours."""
    md = ("名称 | 甲  \n"
          "---|---  \n"
          "一 | 1 | 2 | 3  \n"
          "二 | 5 |  |   \n")
    assert _tables(md) == [[["名称", "甲"], ["一", "1", "2", "3"], ["二", "5", "", ""]]]
