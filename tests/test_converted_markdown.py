"""Markdown written by converters (markdownify, mammoth, markitdown, pandoc's gfm) and LLM
pipelines from a report with merged cells: what such a converter does to a merged "—", to a
row that lost a cell, and to a markdown file whose tables stay HTML.  Every cell is right or
flagged; none is a silent 0."""
from __future__ import annotations

from etl import vocab
from etl.extract import parse_bytes
from synth import render as R
from test_parse import make_report

_T3 = vocab.T3_COL_KEYS


def _row_line(md: str, label: str) -> tuple[list[str], int]:
    lines = md.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("|") and label in ln)
    return lines, i


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _join(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _right_or_flagged(rep, truth: dict, keys) -> list[str]:
    bad = []
    for k in keys:
        if k in rep.uncertain:
            continue
        if k not in rep.cells or rep.cells[k] != truth[k]:
            bad.append(f"{k}: {rep.cells.get(k, 'MISSING')} != {truth[k]}")
    return bad


def test_merged_dash_spread_over_a_blank_cell_is_not_a_silent_zero():
    """A "—" merged over 社会公益组织 and 法律服务机构 comes out as ``— |  |``: the blank
    is the merged mark's second column (not applicable), not a printed blank (0).  The two
    columns are zero in the fictional figures, so every identity still holds."""
    rep = make_report("2021", seed=1)
    c = rep["cells"]
    row = next(r for r in vocab.T3_ROW_KEYS if f"t3.{r}.social_welfare_org" in c and
               c[f"t3.{r}.social_welfare_org"] == 0 == c[f"t3.{r}.legal_service_org"] and
               r.startswith("denied_"))
    md = R.render_markdown(rep)
    lines, i = _row_line(md, vocab.row_zh("t3", row)[:6])
    cells = _cells(lines[i])
    vals = cells[-7:]
    assert vals[3] == vals[4] == "0"
    vals[3], vals[4] = "—", ""
    lines[i] = _join(cells[:-7] + vals)
    got = parse_bytes("\n".join(lines).encode("utf-8"), "converted.md")
    key = f"t3.{row}.legal_service_org"
    assert key in got.uncertain or got.cells.get(key) is None, (got.cells.get(key), got.uncertain.get(key))
    assert got.cells.get(f"t3.{row}.social_welfare_org") is None


def test_row_that_lost_a_cell_padded_blank_at_the_end_is_flagged_not_shifted():
    """A converter dropped one inner cell of a merged-label row and padded the row with a
    blank cell at the end: the figures after the lost one sit one column left."""
    rep = make_report("2021")
    truth = rep["cells"]
    md = R.render_markdown(rep)
    lines, i = _row_line(md, "二、上年结转政府信息公开申请数量")
    cells = _cells(lines[i])
    assert cells[1] == "" and cells[2] == ""   # the merged label's covered cells
    vals = cells[-7:]
    lost = vals[:4] + vals[5:] + [""]
    lines[i] = _join(cells[:-7] + lost)
    got = parse_bytes("\n".join(lines).encode("utf-8"), "converted.md")
    keys = [f"t3.carried_over_from_prior.{c}" for c in _T3]
    assert _right_or_flagged(got, truth, keys) == []


def test_merged_label_row_with_a_blank_total_reads_right_aligned():
    """``| 标签 |  |  | 5 | 0 | … |  |`` (covered label cells, the 总计 printed blank because
    the row is all zero but one n/a): the last cell is 总计, not layout."""
    rep = make_report("2021")
    truth = dict(rep["cells"])
    md = R.render_markdown(rep)
    lines, i = _row_line(md, "四、结转下年度继续办理")
    cells = _cells(lines[i])
    vals = ["0", "", "0", "0", "0", "", ""]
    lines[i] = _join(cells[:-7] + vals)
    for c in _T3:
        truth[f"t3.carried_to_next.{c}"] = 0
    got = parse_bytes("\n".join(lines).encode("utf-8"), "converted.md")
    keys = [f"t3.carried_to_next.{c}" for c in _T3]
    assert _right_or_flagged(got, truth, keys) == []


def test_markdown_file_whose_first_table_is_html_within_its_opening_bytes_is_markdown():
    """pandoc's gfm writes a table with merged cells as an HTML <table> inside the markdown;
    when the title and the first paragraph are short, that table starts within the first
    512 bytes — the file is still markdown (its title and paragraphs are lines)."""
    rep = make_report("2021")
    html = R.render_html(rep).decode("utf-8")
    start = html.index("<table")
    end = html.index("</table>") + len("</table>")
    md = R.render_markdown(rep)
    head = md.split("\n")[0]
    body = "\n".join(ln for ln in md.split("\n")[1:])
    text = f"{head}\n\n正文。\n\n{html[start:end]}\n\n{body}"
    got = parse_bytes(text.encode("utf-8"), "converted.md")
    assert got.agency == "示例省示例市示例局" and got.year == 2023


def test_grid_table_merged_cells_are_spans():
    """pandoc's markdown and plain writers print a table with merged cells as a grid table:
    a "—" over two columns is one cell (no "|" between them), a label over two rows has no
    rule under its first row.  Wide (CJK) characters take two display columns."""
    from etl.readers.text import read_text
    grid = "\n".join([
        "+--------+------+------+------+",
        "| 行标签 | 甲   | 乙   | 丙   |",
        "+========+======+======+======+",
        "| 不予   | 1    | ---         |",
        "| 公开   +------+------+------+",
        "|        | 2    |      | 3    |",
        "+--------+------+------+------+",
    ])
    doc = read_text(("# 标题\n\n" + grid + "\n\n正文。\n").encode("utf-8"), "x.md", fmt="md")
    table = doc.tables[0]
    assert [c.text for c in table.rows[0]] == ["行标签", "甲", "乙", "丙"]
    first = table.rows[1]
    assert [c.text for c in first] == ["不予公开", "1", "---", "---"]
    assert [c.is_span_copy for c in first] == [False, False, False, True]
    second = table.rows[2]
    assert [c.text for c in second] == ["不予公开", "2", "", "3"]
    assert second[0].is_span_copy and not any(c.is_span_copy for c in second[1:])


def test_html_dash_merged_over_two_columns_is_both_columns_mark():
    """In HTML (spans known) a ``<td colspan="2">—</td>`` is the n/a mark of both columns it
    covers: both null, read (not flagged as a row short of a cell)."""
    rep = make_report("2021", seed=1)
    html = R.render_html(rep).decode("utf-8")
    lab = "4.保护第三方合法权益"
    assert rep["cells"]["t3.denied_third_party_rights.social_welfare_org"] == 0
    assert rep["cells"]["t3.denied_third_party_rights.legal_service_org"] == 0
    i = html.index(lab)
    j = html.index("</tr>", i)
    row = html[i:j]
    cells = row.split("<td>")
    # cells[0] is the label's tail; figures follow in T3_COL_KEYS order
    cells[4:6] = ['<p align="center">—</p></td>']
    new = "<td>".join(cells[:4]) + '<td colspan="2">' + "<td>".join(cells[4:])
    got = parse_bytes((html[:i] + new + html[j:]).encode("utf-8"), "converted.html")
    for col in ("social_welfare_org", "legal_service_org"):
        key = f"t3.denied_third_party_rights.{col}"
        assert got.cells.get(key, "MISSING") is None and key not in got.uncertain, (got.cells.get(key), got.uncertain.get(key))
    assert got.cells["t3.denied_third_party_rights.total"] == rep["cells"]["t3.denied_third_party_rights.total"]


def test_t4_header_whose_rowspans_a_converter_dropped_keeps_the_third_block():
    """markdownify drops rowspans: table 四's third header row (the ten result words under
    未经复议直接起诉 and 复议后起诉) starts at the left edge, under 行政复议's columns.  The
    fifteen-figure data row is the template's order, not ten figures under those words."""
    rep = make_report("2021", seed=3)
    truth = rep["cells"]
    md = R.render_markdown(rep)
    lines = md.split("\n")
    i = next(i for i, ln in enumerate(lines) if ln.startswith("|  |  |  |  |  | 结果维持"))
    lines[i] = "| " + " | ".join(_cells(lines[i])[5:]) + " |"
    got = parse_bytes("\n".join(lines).encode("utf-8"), "converted.md")
    keys = [k for k in truth if k.startswith("t4.")]
    assert len(keys) == 15
    assert _right_or_flagged(got, truth, keys) == []
    assert not [k for k in keys if k in got.uncertain]


def test_tab_dump_with_a_merged_group_row_repeated_in_every_column():
    """python-docx's ``row.cells`` repeat a merged cell in every column it covers: a group row
    三、本年度办理结果 merged across table 三 dumps as that text nine times — one heading,
    not a new table's header of nine columns (which dropped every row below it)."""
    from etl.document import Paragraph
    from etl.readers.html import read_html
    rep = make_report("2021")
    truth = rep["cells"]
    doc = read_html(R.render_html(rep), "x.html")
    lines = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            lines.append(b.text)
            continue
        for row in b.rows:
            texts = [c.text for c in row]
            if texts and texts[0].startswith("三、本年度办理结果"):
                lines.append("\t".join(["三、本年度办理结果"] * len(texts)))
                texts = texts[1:]
            lines.append("\t".join(texts))
    got = parse_bytes("\n".join(lines).encode("utf-8"), "dump.txt")
    keys = [k for k in truth if k.startswith("t3.")]
    assert _right_or_flagged(got, truth, keys) == []
    assert len([k for k in keys if k in got.uncertain]) <= 10
