"""Edits of a rendered report that once made the parser silently wrong (the adversary's findings).

Each edit changes the bytes of a rendered report the way a CMS, converter or crawler does,
never its figures; cells whose evidence the edit damages may be flagged.  The property is
the metamorphic one (:mod:`synth.metamorphic.runner`): no silent, phantom or missing cell,
agency and year right.  Each edit runs on every source of one shape it can reach (a few
synthetic reports and corpus golds), since the damage depends on the figures.
"""
from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

import pytest

from paths import CORPUS
from synth.metamorphic import runner
from synth.metamorphic.transforms import _docx_edit

SOURCES = runner.all_sources(CORPUS)
PICK = ["s_2019", "s_2021", "s_shandong_item_count", "s_procurement_in_yuan", "s_blank_zeros",
        "s_hubei_other_documents_row", "g003", "g004", "g006", "g012"]


def _in_t2(text: str, fn) -> str:
    """Apply ``fn`` to table 二's part of a text (from its first 第二十条 to table 三)."""
    a = text.find("第二十条")
    b = text.find("收到和处理政府信息公开申请情况", a)
    return text if a < 0 or b < 0 else text[:a] + fn(text[a:b]) + text[b:]


def _numbers(mark: str):
    return lambda part: re.sub(r"(?<![\d.])(\d)(\d{2,})", lambda m: m.group(1) + mark + m.group(2), part)


EDITS = {
    # U+200B / soft hyphen inside figures (CMS markup, hyphenation)
    "zero_width_in_numbers": (("flat", "txt", "md", "html"), _numbers("\u200b")),
    "soft_hyphen_in_numbers": (("flat", "txt", "md", "html"), _numbers("\u00ad")),
    # a unit or a word inside table 二's run of digits in crawler text (11件434.936万元, 持平)
    "t2_units_in_flat_runs": (("flat",), lambda t: _in_t2(t, lambda p: re.sub(r"(?<=\d)(?=[\u4e00-\u9fff])(?!万元|元)", "件", p))),
    # the minus sign as U+2212
    "unicode_minus": (("flat", "txt"), lambda t: re.sub(r"-(?=\d)", "\u2212", t)),
    # short labels spaced out (规 章, 行 政 许 可)
    "t2_labels_spaced": (("flat",), lambda t: _in_t2(t, lambda p: re.sub(r"(规章|行政许可|行政处罚|行政强制)", lambda m: " ".join(m.group(1)), p))),
    # markup that prints no figure: a superscript footnote mark, the struck-out old figure,
    # a hidden digit (anti-scraping), a hidden or struck run in Word
    "html_superscript_mark": (("html",), lambda t: re.sub(r"(<p[^>]*>)(\d+)(</p>)", r"\1\2<sup>1</sup>\3", t)),
    "html_struck_old_figure": (("html",), lambda t: re.sub(r"(<p[^>]*>)(\d+)(</p>)", r"\1<del>9</del><s>8</s>"
                                                           r'<span style="text-decoration: line-through">7</span>\2\3', t)),
    "html_hidden_digit": (("html",), lambda t: re.sub(r"(<p[^>]*>)(\d)(\d+</p>)", r'\1\2<span style="display:none">9</span>\3', t)),
    "docx_superscript_struck_hidden": (("docx",), lambda t: re.sub(
        r"<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>(\d+)</w:t></w:r>",
        r'<w:r><w:rPr><w:strike/></w:rPr><w:t>9</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>8</w:t></w:r>'
        r'<w:r>\1<w:t>\2</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>1</w:t></w:r>', t)),
    # a tracked move: the figures moved in are the text (moved-out ones are not)
    "docx_moved_figures": (("docx",), lambda t: re.sub(
        r"(<w:r>(?:<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t>\d+</w:t></w:r>)",
        r'<w:moveFrom w:id="1" w:author="a"><w:r><w:t>7</w:t></w:r></w:moveFrom>'
        r'<w:moveTo w:id="2" w:author="a">\1</w:moveTo>', t)),
}


def _t4_column_numbers(text: str) -> str:
    """A 1 … 15 row (栏次) put above table 四's figures in a pipe table."""
    a = text.find("行政复议")
    lines = text[a:].split("\n")
    last = max(i for i, ln in enumerate(lines) if ln.startswith("|") and i < 12)
    lines.insert(last, "| " + " | ".join(str(i) for i in range(1, 16)) + " |")
    return text[:a] + "\n".join(lines)


def _t3_seq_col(text: str) -> str:
    """A 序号 column (1, 2, 3 …) on the left of table 三 in a pipe table."""
    a, b = text.find("收到和处理政府信息公开申请情况"), text.find("行政复议")
    out, n = [], 0
    for ln in text[a:b].split("\n"):
        if ln.startswith("|---"):
            ln = "|---" + ln
        elif ln.startswith("|") and re.search(r"\|\s*\d+\s*\|", ln):
            n += 1
            ln = f"| {n} " + ln
        elif ln.startswith("|"):
            ln = "| 序号 " + ln
        out.append(ln)
    return text[:a] + "\n".join(out) + text[b:]


def _yiyuan(part: str) -> str:
    """Table 二's money written in 亿元 inside its cell (crawler text): 7545 → 0.7545亿元."""
    def conv(m: re.Match) -> str:
        v = (Decimal(m.group(2)) / 10000).normalize()
        return f"{m.group(1)}{format(v, 'f')}亿元"
    return re.sub(r"(行政事业性收费\s*)(\d+(?:\.\d+)?)(?![\d.])", conv, part)


EDITS.update({
    "money_yiyuan_in_flat_cell": (("flat",), lambda t: _in_t2(t, _yiyuan)),
    # whole counts in a spreadsheet's format (12.00): whole, not doubtful
    # table 二's headers in other words (决定数量, 现行有效) in crawler text: a column not read
    # must not make the run be cut into fewer cells
    "t2_header_synonyms_flat": (("flat",), lambda t: t.replace("处理决定数量", "决定数量").replace("现行有效件数", "现行有效")),
    # markdown figures with a footnote mark or wrappers: 26<sup>1</sup>, 26[^1], **26**, $26$
    "md_figure_marks": (("md",), lambda t: re.sub(r"(?<=\| )(\d+)(?= \|)", lambda m: (
        "{}<sup>1</sup>", "{}[^1]", "**{}**", "${}$")[int(m.group(1)) % 4].format(m.group(1)), t)),
    # counts with a unit word the template does not print (12份, 12件次)
    "t2_counts_with_units": (("html", "txt"), lambda t: _in_t2(t, lambda p: re.sub(
        r"(<p[^>]*>|\t)(\d+)(</p>|\n)", lambda m: m.group(1) + m.group(2) + ("份", "件次")[len(m.group(2)) % 2]
        + m.group(3), p))),
    # the fee in 元 with the yuan sign under a 万元 header: ￥1036290
    "money_yuan_sign": (("html", "flat"), lambda t: re.sub(
        r"(行政事业性收费\D{0,60}?)(\d+(?:\.\d+)?)(?![\d.])",
        lambda m: m.group(1) + "￥" + format((Decimal(m.group(2)) * 10000).normalize(), "f"), t, count=1)
        if "收费金额" in t else t),
    # Word text without the blank lines between table rows: one giant "row" is no row
    "txt_rows_run_together": (("txt",), lambda t: re.sub(r"\n\n(?=\t)", "\n", t)),
    # table 三's 自然人 column headed 公民
    "applicant_gongmin": (("txt", "md", "html"), lambda t: t.replace("自然人", "公民")),
    "counts_as_x00": (("html",), lambda t: re.sub(r"(<p[^>]*>)(\d+)(</p>)", r"\1\2.00\3", t)),
    # a 序号 column left of table 三's labels: its numbers are no figures, the row is no remark
    "t3_seq_col": (("md",), _t3_seq_col),
    # table 三's total row labelled 合计 (not the template's 总计): in a report printing zeros as
    # blanks, its figures went to the blank 结转下年度 row below it
    "t3_total_row_heji": (("txt", "md", "html"), lambda t: t.replace("（七）总计", "（七）合计")),
    "t4_column_numbers": (("md",), _t4_column_numbers),
    # a note after a figure in its cell: 26（含网上申请2件）
    "cell_bracket_note": (("md",), lambda t: re.sub(
        r"^(\|[^\n]*本年新收[^\n]*\| )(\d+)( \|)$", r"\1\2（含网上申请2件）\3", t, flags=re.M)),
    # a header's unit broken by a line break: 本年收费金额（单位：万<br>元）
    "md_unit_broken_by_br": (("md",), lambda t: t.replace("（单位：万元）", "（单位：万<br>元）")),
})


#: edits that leave every figure readable: a parser may flag only a small share of cells
COMPLETE = {"t3_seq_col", "counts_as_x00", "applicant_gongmin"}


def _edited(sid: str, fmt: str, edit, complete: bool = False) -> runner.Case | None:
    case = runner.make_case("identity", sid, SOURCES[sid], fmt)
    if case is None:
        return None
    if fmt == "docx":
        new = _docx_edit(case.data, edit)
        if new == _docx_edit(case.data, lambda t: t):
            return None
    else:
        text = case.data.decode("utf-8")
        new = edit(text).encode("utf-8")
        if new == case.data:
            return None
    if complete:
        return replace(case, data=new)
    flag_ok = {k for k in case.truth if k.startswith("t2.")} | case.plan.flag_ok
    return replace(case, data=new, plan=replace(case.plan, flag_ok=flag_ok, complete=False))


@pytest.mark.parametrize("name,fmt", [(n, f) for n, (fmts, _) in EDITS.items() for f in fmts])
def test_edit_is_right_or_flagged(name, fmt):
    bad = []
    for sid in PICK:
        if sid not in SOURCES:
            continue
        case = _edited(sid, fmt, EDITS[name][1], name in COMPLETE)
        if case is None:
            continue
        sc = runner.run_case(case)
        if not sc.ok:
            bad.append(sc.why())
    assert not bad, "\n".join(bad)


def test_markdown_with_html_tables():
    """PDF-to-markdown converters (MinerU, marker) write tables as HTML blocks in the .md file."""
    bad = []
    for sid in PICK:
        case = runner.make_case("identity", sid, SOURCES[sid], "html")
        html = case.data.decode("utf-8")
        body = html[html.find("<body"):]
        parts = re.split(r"(<table\b.*?</table>)", body, flags=re.S)
        md = "".join(p if p.startswith("<table") else
                     "\n".join(x.strip() for x in re.sub(r"<[^>]+>", "\n", p).split("\n") if x.strip()) + "\n\n"
                     for p in parts)
        md_case = replace(runner.make_case("identity", sid, SOURCES[sid], "md"), data=md.encode("utf-8"))
        sc = runner.run_case(md_case)
        if sc.silent or sc.phantom or sc.missing or sc.title_wrong:
            bad.append(sc.why())
    assert not bad, "\n".join(bad)


def test_two_header_blocks_of_two_tables_are_not_joined():
    """Table 四 as two tables in a report printing zeros blank: the second's header is its own,
    never joined to the first's whose figures row was blank (a 1 was read as 行政复议's 总计)."""
    bad = []
    for sid in ("s_2021", "s_2019", "s_single_other_row_2021", "g003"):
        src = dict(SOURCES[sid], options=dict(SOURCES[sid].get("options") or {}, blank_zeros=True))
        case = runner.make_case("t4_two_tables", sid, src, "md")
        sc = runner.run_case(replace(case, plan=replace(case.plan, complete=False)))
        if sc.silent or sc.phantom or sc.missing:
            bad.append(sc.why())
    assert not bad, "\n".join(bad)
