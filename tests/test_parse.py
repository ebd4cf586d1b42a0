"""The parser on the project's own fixtures: one report in every format, both templates, the
local variants, damaged text, and every kind of bad input.

Fixture reports are fictional and built by code (:func:`make_report`); the renderers in
:mod:`synth.render` print them the way agencies publish.
"""
from __future__ import annotations

import io
import re
import random
import zipfile

import pytest

from etl import recover, vocab
from etl.document import ReportError
from etl.extract import parse_bytes
from etl.numbers import parse_cell
from etl.parse_state import Row
from synth.render import render, render_flat, render_html, render_text


def make_report(template: str = "2021", *, seed: int = 7, shandong: bool = False,
                hubei: bool = False, single_other: bool | None = None, year: int | None = None) -> dict:
    """A fictional report whose figures satisfy every identity."""
    rng = random.Random(seed)
    year = year or (2020 if template == "2019" else 2023)
    single = (template == "2019") if single_other is None else single_other
    cells: dict[str, int | float] = {}
    for row, cols in vocab.T2_LAYOUT[template].items():
        for col in cols:
            if col in vocab.MONEY_COLS:
                cells[f"t2.{row}.{col}"] = round(rng.uniform(1, 900), 3)
            elif col == "item_count_change":
                cells[f"t2.{row}.{col}"] = rng.randint(-9, 9)
            else:
                cells[f"t2.{row}.{col}"] = rng.randint(0, 400)
    if shandong:
        for row in ("admin_licensing", "other_external_services", "admin_penalty", "admin_coercion"):
            prior = cells[f"t2.{row}.prior_year_item_count"]
            cur = rng.randint(0, 50)
            cells[f"t2.{row}.current_item_count"] = cur
            cells[f"t2.{row}.item_count_change"] = cur - prior
    if hubei:
        for col in vocab.T2_LAYOUT[template]["regulations"]:
            cells[f"t2.other_proactive_documents.{col}"] = rng.randint(0, 30)
    outcome = [k for k in vocab.t3_rows_for(template, single)
               if k not in ("new_received", "carried_over_from_prior", "result_total", "carried_to_next")]
    for c in vocab.T3_APPLICANT_COLS:
        scale = 40 if c == "natural_person" else 3
        vals = {k: (rng.randint(0, scale) if rng.random() < 0.5 else 0) for k in outcome}
        carried_in = rng.randint(0, 4)
        carried_out = rng.randint(0, 4)
        result = sum(vals.values())
        new = result + carried_out - carried_in
        if new < 0:
            carried_in += -new
            new = 0
        vals.update(new_received=new, carried_over_from_prior=carried_in, result_total=result,
                    carried_to_next=carried_out)
        for k, v in vals.items():
            cells[f"t3.{k}.{c}"] = v
    for k in vocab.t3_rows_for(template, single):
        cells[f"t3.{k}.total"] = sum(cells[f"t3.{k}.{c}"] for c in vocab.T3_APPLICANT_COLS)
    for r in vocab.T4_ROW_KEYS:
        parts = [rng.randint(0, 12) for _ in range(4)]
        for c, v in zip(vocab.T4_COL_KEYS, parts + [sum(parts)]):
            cells[f"t4.{r}.{c}"] = v
    return {"agency": "示例省示例市示例局", "year": year, "template": template, "cells": cells}


def parse(data: bytes | str, name: str):
    return parse_bytes(data.encode("utf-8") if isinstance(data, str) else data, name)


FORMATS = [
    ("txt", {}, "r.txt"),
    ("html", {"style": "plain"}, "r.html"),
    ("html", {"style": "word"}, "r.html"),
    ("html", {"style": "nested"}, "r.html"),
    ("html", {"style": "plain", "encoding": "gb18030", "declare_charset": False}, "r.html"),
    ("docx", {}, "r.docx"),
    ("md", {}, "r.md"),
    ("pdf", {"ruled": True}, "r.pdf"),
    ("pdf", {"ruled": False}, "r.pdf"),
    ("pdf", {"split_table3": True}, "r.pdf"),
    ("pdf", {"wrap_headers": True}, "r.pdf"),
]


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("fmt,opts,name", FORMATS, ids=[f"{f}-{'-'.join(map(str, o.values())) or 'default'}" for f, o, _ in FORMATS])
def test_every_format_parses_to_the_same_cells(template, fmt, opts, name):
    if fmt == "pdf":
        pytest.importorskip("etl.readers.pdf")
    report = make_report(template)
    rep = parse(render(report, fmt, **opts), name)
    assert (rep.agency, rep.year, rep.template) == (report["agency"], report["year"], template)
    assert rep.cells == pytest.approx(report["cells"])
    assert rep.uncertain == {}
    assert all(c["status"] != "fail" for c in rep.checks)


def test_blank_cells_are_zero_and_remembered_as_blank():
    report = make_report("2019")
    rep = parse(render_text(report, blank_zeros=True), "r.txt")
    assert rep.cells == pytest.approx(report["cells"])
    zero_keys = [k for k, v in report["cells"].items() if v == 0 and k.startswith("t3.")]
    assert zero_keys and all(rep.provenance[k].semantic == "blank" for k in zero_keys)


def test_shandong_extra_column_is_kept():
    report = make_report("2019", shandong=True)
    rep = parse(render_text(report), "r.txt")
    assert rep.cells == pytest.approx(report["cells"])
    assert "t2.admin_licensing.current_item_count" in rep.cells
    i7 = [c for c in rep.checks if c["identity"] == "I7"]
    assert i7 and all(c["status"] == "pass" for c in i7)


def test_hubei_extra_row_is_kept():
    report = make_report("2019", hubei=True)
    rep = parse(render_html(report), "r.html")
    assert rep.cells["t2.other_proactive_documents.newly_made_count"] == report["cells"]["t2.other_proactive_documents.newly_made_count"]


def test_2021_report_with_old_single_other_row():
    report = make_report("2021", single_other=True)
    rep = parse(render_html(report), "r.html")
    assert rep.template == "2021" and rep.other_as_single_row
    assert rep.cells == pytest.approx(report["cells"])
    assert not any(k.startswith("t3.other_no_correction") for k in rep.cells)


def test_procurement_in_yuan_is_converted_to_wan_yuan():
    report = make_report("2019")
    report["cells"]["t2.centralized_procurement.procurement_amount_wan_yuan"] = 25.1
    rep = parse(render_text(report, procurement_unit="元"), "r.txt")
    assert rep.cells["t2.centralized_procurement.procurement_amount_wan_yuan"] == 25.1
    assert rep.provenance["t2.centralized_procurement.procurement_amount_wan_yuan"].raw.strip().endswith("元")


def test_template_comes_from_table_two_not_the_year():
    report = make_report("2019", year=2021)  # a 2021 report still printed on the old form
    rep = parse(render_text(report), "r.txt")
    assert rep.template == "2019"


# --------------------------------------------------------------------------- damaged text

def test_flattened_digits_recovered_by_identities():
    report = make_report("2021", seed=11)
    rep = parse(render_flat(report), "r.txt")
    t34 = {k: v for k, v in report["cells"].items() if not k.startswith("t2.")}
    for k, v in t34.items():
        assert rep.cells[k] == v or k in rep.uncertain, k
    assert all(rep.provenance[k].method == "split" for k in t34)


def test_segment_one_and_several_valid_splits():
    # one valid split: 151/3/0/0/0/0/154 is the only one whose total is the sum
    cands = [c for c in recover.segment(["15130000154"], 7) if int(c[6]) == sum(map(int, c[:6]))]
    assert cands == [["151", "3", "0", "0", "0", "0", "154"]]
    # several: 27/0/0/2/0/1/30 and 2/7/0/0/20/1/30 both satisfy the row total
    cands = {tuple(c) for c in recover.segment(["270020130"], 7) if int(c[6]) == sum(map(int, c[:6]))}
    assert ("27", "0", "0", "2", "0", "1", "30") in cands and ("2", "7", "0", "0", "20", "1", "30") in cands
    # spaces are cell boundaries that must be kept: '230 000023' never becomes 2/30/…
    splits = recover.segment(["230", "000023"], 7)
    assert ["230", "0", "0", "0", "0", "2", "3"] in splits
    assert all(not c[0].startswith("2") or c[0] in ("2", "23", "230") for c in splits)
    valid = [c for c in splits if int(c[6]) == sum(map(int, c[:6]))]
    assert valid == [["23", "0", "0", "0", "0", "0", "23"]]
    # a leading zero is never part of a longer number
    assert all(not (len(x) > 1 and x.startswith("0")) for c in recover.segment(["1000001"], 7) for x in c)


def test_ambiguous_table_two_run_is_flagged_not_guessed_silently():
    text = ("示例县人民政府2019年政府信息公开工作年度报告 二、主动公开政府信息情况 第二十条第（一）项"
            "信息内容本年新制作数量本年新公开数量对外公开总数量规章000规范性文件898989"
            "第二十条第（九）项信息内容采购项目数量采购总金额政府集中采购13575394432.52元"
            "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
            "一、本年新收政府信息公开申请数量15130000154二、上年结转政府信息公开申请数量0000000"
            "四、结转下年度继续办理0000000"
            "四、政府信息公开行政复议、行政诉讼情况行政复议总计000000000000000五、存在的主要问题")
    rep = parse(text, "r.txt")
    assert rep.cells["t2.regulations.newly_made_count"] == 0 and "t2.regulations.newly_made_count" not in rep.uncertain
    assert "t2.normative_documents.newly_made_count" in rep.uncertain
    assert rep.cells.get("t2.centralized_procurement.procurement_amount_wan_yuan") is None
    assert "t2.centralized_procurement.procurement_amount_wan_yuan" in rep.uncertain
    assert [rep.cells[f"t3.new_received.{c}"] for c in vocab.T3_COL_KEYS] == [151, 3, 0, 0, 0, 0, 154]


_FLAT_T3 = ("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
            "一、本年新收政府信息公开申请数量15130000154二、上年结转政府信息公开申请数量0000000"
            "四、结转下年度继续办理0000000"
            "四、政府信息公开行政复议、行政诉讼情况行政复议总计000000000000000五、存在的主要问题")


def test_transposed_table_two_in_crawler_text_reads_cuts_that_are_pinned_and_flags_the_rest():
    """Items as columns, one row per column head: a run holds one cell per item; '128242' for
    two items has several cuts, so neither item's cell is ever presented as certain."""
    text = ("示例县人民政府2021年政府信息公开工作年度报告 二、主动公开政府信息情况 "
            "第二十条第（一）项信息内容规章行政规范性文件本年制发件数069本年废止件数03现行有效件数0 665"
            "第二十条第（六）项信息内容行政处罚行政强制本年处理决定数量128242"
            "第二十条第（八）项信息内容行政事业性收费本年收费金额（单位：万元）252.31" + _FLAT_T3)
    rep = parse(text, "r.txt")
    want = {"regulations": (0, 0, 0), "normative_documents": (69, 3, 665)}
    for row, vals in want.items():
        for col, v in zip(("issued_count", "repealed_count", "in_force_count"), vals):
            assert rep.cells[f"t2.{row}.{col}"] == v and f"t2.{row}.{col}" not in rep.uncertain
    for row in ("admin_penalty", "admin_coercion"):
        assert f"t2.{row}.decision_count" in rep.uncertain
    assert rep.cells["t2.admin_coercion.decision_count"] != 128242
    assert rep.cells["t2.admin_fees.fee_amount_wan_yuan"] == 252.31


def test_transposed_table_two_with_an_unknown_row_head_is_flagged_not_guessed():
    text = ("示例县人民政府2021年政府信息公开工作年度报告 二、主动公开政府信息情况 "
            "第二十条第（一）项信息内容规章行政规范性文件本年制发件数069其中修订件数03现行有效件数0 665"
            + _FLAT_T3)
    rep = parse(text, "r.txt")
    for row in ("regulations", "normative_documents"):
        for col in ("issued_count", "in_force_count"):
            assert rep.cells.get(f"t2.{row}.{col}") is None and f"t2.{row}.{col}" in rep.uncertain


def test_dash_cells_of_table_two_in_crawler_text_are_null_not_dropped():
    """— is not applicable (null by the spec, as parse_cell reads it); ——— under three columns
    is three cells, and a dash is a cell boundary inside a run (6-6—)."""
    text = ("示例县人民政府2019年政府信息公开工作年度报告 二、主动公开政府信息情况 第二十条第（一）项"
            "信息内容本年新制作数量本年新公开数量对外公开总数量规章———规范性文件3315"
            "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可6-6—"
            "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费——" + _FLAT_T3)
    rep = parse(text, "r.txt")
    for key in ("t2.regulations.newly_made_count", "t2.regulations.total_published_count",
                "t2.admin_fees.prior_year_item_count", "t2.admin_fees.item_count_change",
                "t2.admin_licensing.item_count_change"):
        assert key in rep.cells
    for key in ("t2.regulations.newly_made_count", "t2.admin_fees.item_count_change",
                "t2.admin_licensing.decision_count"):
        assert rep.cells.get(key) is None and key not in rep.uncertain
    assert rep.cells["t2.admin_licensing.prior_year_item_count"] == 6
    assert rep.cells["t2.admin_licensing.item_count_change"] == -6
    assert "t2.admin_licensing.item_count_change" not in rep.uncertain
    assert [rep.cells[f"t2.normative_documents.{c}"] for c in vocab.T2_LAYOUT["2019"]["regulations"]] == [3, 3, 15]


def test_table_two_row_without_digits_in_crawler_text_is_flagged_not_dropped():
    """A row whose cells print no digit (``/ / /``, ``无``, Chinese numerals 十二): its label runs
    into the next row's label; the row is printed, so its cells are flagged (adversary round 8)."""
    for cells in ("/ / /", "无 无 无", "一 〇 十二"):
        text = ("示例县人民政府2019年政府信息公开工作年度报告 二、主动公开政府信息情况 第二十条第（一）项"
                f"信息内容本年新制作数量本年新公开数量对外公开总数量规章 {cells} 规范性文件3315"
                "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可606"
                "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费000" + _FLAT_T3)
        rep = parse(text, "r.txt")
        for c in vocab.T2_LAYOUT["2019"]["regulations"]:
            assert f"t2.regulations.{c}" in rep.uncertain, (cells, c)
        assert [rep.cells[f"t2.normative_documents.{c}"] for c in vocab.T2_LAYOUT["2019"]["regulations"]] == [3, 3, 15]
    # the last row of its sub-table, the next sub-table's heading after it: its own header's
    # columns (本年项目数量 of a local variant) are flagged, not the next header's
    text = ("示例县人民政府2019年政府信息公开工作年度报告 二、主动公开政府信息情况 第二十条第（一）项"
            "信息内容本年新制作数量本年新公开数量对外公开总数量规章000规范性文件3315"
            "第二十条第（五）项信息内容上一年项目数量本年项目数量本年增/减处理决定数量行政许可六五减一十二"
            "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费000" + _FLAT_T3)
    rep = parse(text, "r.txt")
    for c in ("prior_year_item_count", "current_item_count", "item_count_change", "decision_count"):
        assert f"t2.admin_licensing.{c}" in rep.uncertain, c
    # a row's first figure in words before its digits (规范性文件三315): the run is a part of the
    # row, its one cut (3|1|5) no proof
    text = ("示例县人民政府2019年政府信息公开工作年度报告 二、主动公开政府信息情况 第二十条第（一）项"
            "信息内容本年新制作数量本年新公开数量对外公开总数量规章000规范性文件三315"
            "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可606"
            "第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费000" + _FLAT_T3)
    rep = parse(text, "r.txt")
    for c in vocab.T2_LAYOUT["2019"]["regulations"]:
        assert f"t2.normative_documents.{c}" in rep.uncertain, c
        assert f"t2.regulations.{c}" not in rep.uncertain, c


def test_rows_whose_label_survives_elsewhere_keep_the_order_value_flagged():
    """Converters print a lost label on a line of its own: the row is printed, the value placed
    by order is the best guess, and it is flagged."""
    report = make_report("2021", seed=3)
    lines = render(report, "md").decode("utf-8").split("\n")
    lab = "2.没有现成信息需要另行制作"
    lines = [ln.replace(f"| {lab} |", "|", 1) for ln in lines]
    i = next(i for i, ln in enumerate(lines) if ln.startswith("| ") and "予以公开" in ln)
    lines.insert(i, lab)  # the label, shredded out of its row, on a line above the table body
    rep = parse("\n".join(lines), "r.md")
    for c in vocab.T3_COL_KEYS:
        key = f"t3.unavailable_needs_creation.{c}"
        assert rep.cells[key] == report["cells"][key] and key in rep.uncertain
        assert rep.provenance[key].method == "order"


def test_rows_that_lost_their_labels_are_placed_by_order_and_flagged():
    report = make_report("2021", seed=3)
    md = render(report, "md").decode("utf-8")
    # remove the labels of two adjacent rows, as PDF-to-markdown converters do
    lines = md.split("\n")
    for lab in ("2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"):
        lines = [ln.replace(f"| {lab} |", "|", 1) if f"| {lab} |" in ln else ln for ln in lines]
    rep = parse("\n".join(lines), "r.md")
    for r in ("unavailable_needs_creation", "unavailable_unclear_after_correction"):
        for c in vocab.T3_COL_KEYS:
            key = f"t3.{r}.{c}"
            # placed by order, and the labels are nowhere in the table, so nothing shows the
            # report prints these rows: null and flagged, the candidate kept in the provenance
            assert rep.cells.get(key) is None and key in rep.uncertain
            assert rep.provenance[key].method == "order"
            assert rep.provenance[key].raw.strip() == str(report["cells"][key])


# --------------------------------------------------------------------------- bad input

def _docx_bytes() -> bytes:
    return render(make_report("2021"), "docx")


BAD = {
    "empty": (b"", "empty.txt", "empty"),
    "whitespace": (b"  \n\t\n", "blank.txt", "empty"),
    "binary": (bytes(range(256)) * 40, "garbage.txt", "binary"),
    "corrupt_docx": (b"PK\x03\x04" + b"\x00garbage" * 100, "broken.docx", None),
    "not_a_report_html": ("<html><head><title>首页</title></head><body><p>欢迎访问示例市人民政府门户网站</p>"
                          "<table><tr><td>新闻</td><td>通知公告</td></tr></table></body></html>".encode(), "index.html", "not_a_report"),
    "pre_2019": ("示例市示例局2017年政府信息公开工作年度报告\n一、概述\n二、主动公开政府信息情况\n"
                 "三、依申请公开政府信息情况\n当面申请 3 件，网络申请 5 件，信息不存在 1 件。\n".encode(), "old.txt", "pre_2019"),
    "tables_missing": ("示例市示例局2022年政府信息公开工作年度报告\n一、总体情况\n本年度工作平稳有序。\n"
                       "五、存在的主要问题及改进情况\n无。\n".encode(), "notables.txt", "no_tables"),
    "legacy_doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc", "unsupported"),
    "bad_json": (b'{"agency": "x"', "r.json", "bad_json"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_gives_one_clear_reason(case):
    data, name, code = BAD[case]
    with pytest.raises(ReportError) as ei:
        parse_bytes(data, name)
    assert ei.value.reason and "\n" not in ei.value.reason
    if code:
        assert ei.value.code == code


def test_gbk_text_without_declaration_is_read():
    report = make_report("2021")
    data = render_text(report).encode("gb18030")
    rep = parse_bytes(data, "gbk.txt")
    assert rep.cells == pytest.approx(report["cells"])
    assert any("gb18030" in w for w in rep.warnings)


def test_zip_that_is_not_word():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReportError):
        parse_bytes(buf.getvalue(), "x.zip")


# --------------------------------------------------------------------------- values and labels

@pytest.mark.parametrize("text,value,semantic,unit", [
    ("", 0, "blank", ""), ("\u3000", 0, "blank", ""), ("\xa0", 0, "blank", ""),
    ("　2　", 2, "number", ""), ("１２３", 123, "number", ""), ("1,234", 1234, "number", ""),
    ("-85", -85, "number", ""), ("减6", -6, "number", ""), ("434.936万元", 434.936, "number", "万元"),
    ("251000元", 251000, "number", "元"), ("/", None, "na", ""), ("—", None, "na", ""),
    ("无", None, "na", ""), ("1 234", 1234, "number", ""),
])
def test_parse_cell(text, value, semantic, unit):
    cv = parse_cell(text)
    assert cv is not None and cv.semantic == semantic and cv.unit == unit
    assert (cv.value is None and value is None) or float(cv.value) == value


@pytest.mark.parametrize("text", ["规章", "申请人情况", "本年增/减", "三、本年度办理结果"])
def test_labels_are_not_values(text):
    assert parse_cell(text) is None


@pytest.mark.parametrize("label,key", [
    ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("三、本年度办理结果（三）不予公开 1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政止公开", "denied_prohibited_by_law"),
    ("5.要求行政机关确认或重新\n出具已获取信息", "not_processed_confirmation"),
    ("（七）总计", "result_total"),
    ("四、结转下年度继续办理", "carried_to_next"),
    ("3. 其他", "other_other"),
])
def test_t3_label_variants(label, key):
    assert vocab.match_t3_row(label).key == key


def test_t2_note_in_brackets_does_not_confuse_rows():
    assert vocab.match_t2_row("其他对外管理服务事项（指除行政许可以外的行政权力事项）").key == "other_external_services"
    assert vocab.match_t2_row("规章（设区的市、自治州人民政府应提供相关数据）").key == "regulations"


def test_money_without_any_unit_is_flagged_not_assumed():
    """No unit in the cell, header, caption or text: the amount is shown as 万元 but flagged,
    and it is the only cell flagged."""
    report = make_report("2019")
    report["cells"]["t2.centralized_procurement.procurement_amount_wan_yuan"] = 12.5
    rep = parse(render_text(report, procurement_unit=""), "r.txt")
    key = "t2.centralized_procurement.procurement_amount_wan_yuan"
    assert rep.cells[key] == 12.5
    assert set(rep.uncertain) == {key} and "没有写金额单位" in rep.uncertain[key]


def test_table_two_header_wrapped_over_rows_and_reset_per_sub_table():
    """A sub-table header whose words wrap onto a second row is joined column by column, and a
    row is never read with another sub-table's columns (wrapped header in an unruled PDF)."""
    report = make_report("2019", shandong=True)
    rep = parse(render(report, "pdf", ruled=False, wrap_headers=True), "r.pdf")
    t2 = {k: v for k, v in report["cells"].items() if k.startswith("t2.")}
    assert {k: rep.cells.get(k) for k in t2} == pytest.approx(t2)
    assert not any(k.startswith("t2.admin_licensing.") and k.split(".")[2] not in vocab.T2_ROW_COLS["admin_licensing"]
                   for k in rep.cells)


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "docx"])
def test_total_column_without_header_word_is_read_by_its_place_and_proven_by_the_row_sum(fmt):
    """Table 三's 总计 header cell printed empty: the last column after the six named applicant
    columns is 总计 by its place; a row where it is the sum of the six is right, the one row
    where it is not (a printing error here) is flagged — never dropped, never the whole table."""
    from synth.metamorphic.transforms import TRANSFORMS
    report = make_report("2021", seed=5)
    report["cells"]["t3.granted.total"] += 1
    opts = dict(TRANSFORMS["t3_total_header_blank"].make(report, fmt).opts)
    if fmt == "html":
        opts["style"] = "plain"
    rep = parse(render(report, fmt, **opts), f"r.{fmt}")
    assert rep.cells == pytest.approx(report["cells"])
    assert set(rep.uncertain) == {"t3.granted.total"}


def test_unheaded_last_column_that_only_copies_one_applicant_column_is_no_total():
    """The unheaded last column is 总计 only if a row proves it (two or more applicant figures
    and their sum): where every row has one applicant figure and the column repeats it (a
    其中网上申请 column in 总计's place), its cells are flagged, not presented as totals."""
    from synth.metamorphic.transforms import TRANSFORMS
    report = make_report("2021", seed=5)
    for k in list(report["cells"]):
        if k.startswith("t3.") and k.split(".")[2] not in ("natural_person", "total"):
            report["cells"][k] = 0
    for row in {k.split(".")[1] for k in report["cells"] if k.startswith("t3.")}:
        report["cells"][f"t3.{row}.total"] = report["cells"][f"t3.{row}.natural_person"]
    opts = dict(TRANSFORMS["t3_total_header_blank"].make(report, "md").opts)
    rep = parse(render(report, "md", **opts), "r.md")
    totals = {k for k in rep.cells if k.startswith("t3.") and k.endswith(".total")}
    assert totals and totals <= set(rep.uncertain)
    assert not {k for k in rep.uncertain if k.startswith("t3.") and not k.endswith(".total")}


def _t3_row(label: str, figures: list[str]) -> Row:
    values = [parse_cell(f) for f in figures]
    return Row(labels=[label] if label else [], values=values, value_cols=list(range(1, len(values) + 1)),
               table=0, label_cols=[0] if label else [])


@pytest.mark.parametrize("below,joined", [
    ("4.无正当理由大量反复申请", True),      # nothing unprinted between: the figures are 出版物's
    ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", False),
])
def test_label_row_joins_unlabelled_figures_only_without_an_unprinted_row_between(below, joined):
    """A label row printed blank (zeros blank, or a tall row split in two) and an unlabelled
    figures row below: when the template has rows between it and the next labelled row that the
    table prints nowhere (omitted rows), the figures may be one of those: nothing is joined and
    every candidate row is flagged (NOTES L22)."""
    from etl.extract import _join_label_above
    blank, ones = [""] * 7, ["1", "", "", "", "", "", "1"]
    rows = [_t3_row("2.重复申请", ["25", "", "", "", "", "", "25"]), _t3_row("3.要求提供公开出版物", blank),
            _t3_row("", ones), _t3_row(below, ones)]
    out, unsure = _join_label_above(rows)
    if joined:
        assert len(out) == 3 and out[1].label == "3.要求提供公开出版物" and out[1].values == rows[2].values
        assert not unsure
    else:
        assert len(out) == 4
        assert unsure == {"not_processed_publication", "not_processed_excessive", "not_processed_confirmation"}


def test_label_row_join_drops_the_blank_label_cell_and_stays_in_its_table():
    """An unruled PDF's figures row carries the empty label cell as a blank: joined to the label
    row above, that blank is the label's cell, not a first figure; a label row of another table
    (a page rebuilt as two tables) joins nothing."""
    from etl.extract import _join_label_above
    label = _t3_row("3.要求提供公开出版物", [""] * 7)
    figures = _t3_row("", ["", "12", "", "", "", "", "", "12"])
    figures.value_cols = list(range(8))
    after = _t3_row("4.无正当理由大量反复申请", ["1"] * 7)
    out, _ = _join_label_above([label, figures, after])
    assert len(out) == 2 and [v.raw for v in out[0].values] == ["12", "", "", "", "", "", "12"]
    assert out[0].value_cols == list(range(1, 8))
    figures.table = 1
    out, _ = _join_label_above([label, figures, after])
    assert len(out) == 3


def _label_cell_html(report: dict, row: str, cells: list[str], label_figure: str) -> bytes:
    """The plain HTML of ``report`` with the row labelled ``row`` printing ``label_figure`` after
    its label in the label cell and ``cells`` as its value cells (in order)."""
    html = render_html(report, style="plain")
    html = html if isinstance(html, str) else html.decode("utf-8")
    m = re.search(rf"<tr><td([^>]*)><p>{row}</p></td>(.*?)</tr>", html)
    tds = re.findall(r"<td([^>]*)><p[^>]*>[^<]*</p></td>", m.group(2))
    assert len(tds) == len(cells)
    new = f"<tr><td{m.group(1)}><p>{row} {label_figure}</p></td>" + "".join(
        f"<td{a}><p>{c}</p></td>" for a, c in zip(tds, cells)) + "</tr>"
    return (html[:m.start()] + new + html[m.end():]).encode("utf-8")


def test_figure_typed_in_the_label_cell_is_its_blank_first_cell():
    """行政许可 274 in the label cell, its own cell blank: the figure is read (method label),
    never the blank as 0; the same where table 二's row has more columns."""
    report = make_report("2021")
    c = report["cells"]
    rep = parse(_label_cell_html(report, "行政许可", [""], "274"), "r.html")
    assert rep.cells["t2.admin_licensing.decision_count"] == c["t2.admin_licensing.decision_count"]
    assert "t2.admin_licensing.decision_count" not in rep.uncertain
    assert rep.provenance["t2.admin_licensing.decision_count"].method == "label"
    row = [str(c[f"t2.normative_documents.{k}"]) for k in ("repealed_count", "in_force_count")]
    rep = parse(_label_cell_html(report, "行政规范性文件", ["", *row], str(c["t2.normative_documents.issued_count"])), "r.html")
    assert rep.cells["t2.normative_documents.issued_count"] == c["t2.normative_documents.issued_count"]
    assert not rep.uncertain


def test_figure_in_the_label_cell_beside_an_inked_first_cell_is_flagged():
    """A figure after the label and a figure in the first cell too: which column it is is
    unknown, so the row's cells are flagged, not read."""
    report = make_report("2021")
    rep = parse(_label_cell_html(report, "行政许可", ["274"], "5"), "r.html")
    assert "标签单元格内印有数字 5" in rep.uncertain["t2.admin_licensing.decision_count"]


def test_table_three_label_figure_goes_where_the_row_sums():
    """Table 三's 本年新收 total typed after its label, the 总计 cell blank: the one blank cell
    where the row's sum holds takes it; where no blank cell makes the row sum, all seven cells
    are flagged."""
    report = make_report("2021")
    c = report["cells"]
    figs = [str(c[f"t3.new_received.{k}"]) for k in vocab.T3_APPLICANT_COLS]
    total = str(c["t3.new_received.total"])
    rep = parse(_label_cell_html(report, "一、本年新收政府信息公开申请数量", [*figs, ""], total), "r.html")
    assert rep.cells["t3.new_received.total"] == c["t3.new_received.total"]
    assert not any(k.startswith("t3.new_received.") for k in rep.uncertain)
    assert rep.provenance["t3.new_received.total"].method == "label"
    rep = parse(_label_cell_html(report, "一、本年新收政府信息公开申请数量", [*figs, ""], total + "1"), "r.html")
    assert all("标签单元格内印有数字" in rep.uncertain[f"t3.new_received.{k}"] for k in vocab.T3_COL_KEYS)


@pytest.mark.parametrize("labels,split", [
    (["行政许可 708"], (["行政许可"], "708")),
    (["行政事业性收费103.629"], (["行政事业性收费"], "103.629")),
    (["（三）不予公开", "1.属于国家秘密"], None),      # the item number leads the label
    (["第二十条第（一）项"], None),
    (["信息内容 2"], None),                            # no row's label
])
def test_label_figure_is_a_number_after_a_row_label(labels, split):
    from etl.extract import _label_figure
    out, cv = _label_figure(labels)
    if split is None:
        assert cv is None and out == labels
    else:
        assert out == split[0] and cv.raw == split[1]


def test_t4_block_order_of_sub_blocks_on_different_header_lines():
    """A skewed OCR layer puts 复议后起诉 one line above 未经复议直接起诉: their columns, not
    their reading order, give the blocks' order; without columns (Word text) no order."""
    from etl import headers
    from etl.parse_state import Row

    def row(cells: dict[int, str], packed: int = 0) -> Row:
        head = [(c, 1, cells.get(c, "")) for c in range(15)]
        return Row([t for _c, _s, t in head if t], [], [], table=1, head_cells=head, packed=packed)

    top = row({2: "行政复议", 10: "行政诉讼"})
    after, direct = row({12: "复议后起诉"}), row({7: "未经复议直接起诉"})
    want = ["admin_reconsideration", "litigation_direct", "litigation_after_reconsideration"]
    assert headers.t4_block_order([top, after, direct]) == want
    assert headers.t4_block_order([top, row({7: "未经复议直接起诉", 12: "复议后起诉"})]) == want
    assert headers.t4_block_order([top, row({12: "复议后起诉"}, 15), row({7: "未经复议直接起诉"}, 15)]) == []


@pytest.mark.parametrize("text", ["○", "◯", "\u3000○\u3000"])
def test_white_circle_is_a_zero_look_alike_not_a_label(text):
    """``○`` (U+25CB, a white circle from the symbol palette) typed for 〇: a damaged zero, never a
    label that starts a new row of Word text (adversary round 8)."""
    cv = parse_cell(text)
    assert cv is not None and cv.semantic == "garbled" and cv.value is None and "0" in cv.doubt


def test_table_four_row_cut_by_a_text_cell_is_not_right_aligned():
    """Word text whose table-四 data row holds a text cell (``略``) among the figures: the row
    is read as cut there; the part before it must not be placed by the right edge (its figures
    under other columns), every cell right or flagged (adversary round 8)."""
    report = make_report("2021", seed=3)
    text = render_text(report)
    head = text.index("四、政府信息公开行政复议")
    lines = text[head:].split("\n")
    data = [i for i, ln in enumerate(lines) if ln.startswith("\t") and ln.strip().isdigit()]
    lines[data[8]] = "\t略"
    rep = parse(text[:head] + "\n".join(lines), "r.txt")
    for k, v in report["cells"].items():
        if k.startswith("t4."):
            assert k in rep.uncertain or rep.cells.get(k) == v, (k, rep.cells.get(k), v)


def test_table_two_row_with_no_readable_figure_flags_the_columns_its_header_may_add():
    """A table-二 row printed with its label and no figure read (every cell in Chinese
    numerals): its cells are flagged — also the column a local variant adds (本年项目数量),
    never left absent (adversary round 8)."""
    report = make_report("2019", shandong=True, seed=5)
    page = render_html(report, style="plain")
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    page = re.sub(r"(<tr><td><p>行政强制</p></td>)(.*?)(</tr>)",
                  lambda m: m.group(1) + re.sub(r">-?\d+<", ">十二<", m.group(2)) + m.group(3), page, count=1)
    rep = parse(page, "r.html")
    for c in ("prior_year_item_count", "current_item_count", "item_count_change", "decision_count"):
        assert f"t2.admin_coercion.{c}" in rep.uncertain, c


def test_a_total_row_is_never_the_first_line_of_the_blank_row_below():
    """Word's list numbering draws （七） and 四、: the rows read 总计 (figures) and 结转下年度继续
    办理 (zeros printed blank).  The 总计 row is no wrapped first line of the row below: its
    figures must not become 结转下年度继续办理's (adversary round 8)."""
    from etl.extract import _join_wrapped_labels
    from etl.parse_state import Row

    def row(label: str, vals: list[str]) -> Row:
        return Row([label], [parse_cell(v) for v in vals], list(range(1, len(vals) + 1)), table=1)
    rows = _join_wrapped_labels([row("总计", ["21", "5", "26"]), row("结转下年度继续办理", ["", "", ""])])
    assert [r.labels for r in rows] == [["总计"], ["结转下年度继续办理"]]
    # a label wrapped over two rows is still joined
    rows = _join_wrapped_labels([row("5.要求行政机关确认或", ["1", "0", "1"]), row("重新出具已获取信息", ["", "", ""])])
    assert [r.labels for r in rows] == [["5.要求行政机关确认或", "重新出具已获取信息"]]


@pytest.mark.parametrize("text,value", [("3119[A1]", 3119), ("26 [张2]", 26), ("0［LW3］", 0)])
def test_word_comment_anchor_after_a_figure_is_a_mark(text, value):
    """Word's web page of a draft with review comments: ``3119[A1]`` — the comment anchor
    (reviewer's initials and number in brackets) is no part of the figure (adversary round 8)."""
    cv = parse_cell(text)
    assert cv is not None and cv.value == value and not cv.doubt


def test_unnumbered_labels_placed_in_their_gap_by_their_own_words_are_read():
    """Word's list numbering draws the ordinals: rows print 总计 and 其他 for （七）总计 and 3.其他.
    Placed by order into a gap of as many rows, a row whose own words are the template label's
    without its ordinal is that row — read, not flagged as unproven (adversary round 8)."""
    report = make_report("2021", seed=9)
    page = render_html(report, style="plain")
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    page = page.replace("（七）总计", "总计").replace("3.其他<", "其他<")
    rep = parse(page, "r.html")
    for k in ("result_total", "other_other"):
        for c in vocab.T3_COL_KEYS:
            key = f"t3.{k}.{c}"
            assert key not in rep.uncertain and rep.cells[key] == report["cells"][key], key


def test_a_blank_merged_over_applicant_columns_is_each_columns_blank():
    """An editor merged a row's five empty 法人或其他组织 cells into one blank cell
    (``<td colspan="5"></td>``): each covered column prints nothing, 0 as any blank — read, not
    a row short of five cells and flagged (adversary round 11, r11ue ``tm_merged_blank``)."""
    rep = make_report("2021")
    c = rep["cells"]
    for col in vocab.T3_APPLICANT_COLS[1:]:
        x = c[f"t3.denied_state_secret.{col}"]
        c[f"t3.denied_state_secret.{col}"] = 0
        c[f"t3.result_total.{col}"] -= x
        c[f"t3.carried_to_next.{col}"] += x
        for row in ("denied_state_secret", "result_total"):
            c[f"t3.{row}.total"] -= x
        c["t3.carried_to_next.total"] += x
    page = render(rep, "html")
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    cell = r"<td[^>]*>(?:<p[^>]*>)?0(?:</p>)?</td>"
    page, n = re.subn(r"(1\.属于国家秘密.*?</td>(?:<td[^>]*>(?:<p[^>]*>)?\d+(?:</p>)?</td>))(?:%s){5}" % cell,
                      r'\1<td colspan="5"></td>', page, count=1, flags=re.S)
    assert n == 1
    got = parse(page, "r.html")
    for col in vocab.T3_COL_KEYS:
        key = f"t3.denied_state_secret.{col}"
        assert key not in got.uncertain and got.cells[key] == c[key], key


def test_a_table_four_row_short_of_its_header_is_not_placed_by_grid():
    """A CMS sanitiser removed the empty cells of table 四's data row (blank zeros): the row
    ends columns before the header does, so its figures no longer stand under their own
    result words — none of them may be stored unflagged where the grid puts them (adversary
    round 11, r11ue ``drop_all_blanks``)."""
    rep = make_report("2021")
    c = rep["cells"]
    for key in [k for k in c if k.startswith("t4.")]:
        if key.endswith((".corrected", ".other")):
            block = key.split(".")[1]
            c[f"t4.{block}.total"] -= c[key]
            c[key] = 0
    page = render(rep, "html")
    page = page.decode("utf-8") if isinstance(page, bytes) else page
    head, sep, tail = page.rpartition("行政复议")
    tail = re.sub(r"<td[^>]*>(?:<p[^>]*>)?\s*0\s*(?:</p>)?</td>", "", tail)
    got = parse(head + sep + tail, "r.html")
    wrong = [k for k in c if k.startswith("t4.") and k not in got.uncertain and got.cells.get(k) != c[k]]
    assert not wrong, wrong
def test_crawled_cell_per_line_text_that_lost_a_blank_t2_cell_is_flagged():
    """A page's get_text puts each cell on its own line and drops a blank (0) cell: 规章 1 | 0 |
    11 becomes '1 11', whose only cut into three cells (1|1|1) splits a figure the text printed
    whole — flagged, not read as 1/1/1 (adversary round 11 r11comp, blank cells + get_text)."""
    from synth import render as render_mod
    report = make_report("2021", year=2022)
    report["cells"].update({"t2.regulations.issued_count": 1, "t2.regulations.repealed_count": 0,
                            "t2.regulations.in_force_count": 11})
    lines = [ln.strip(" \t\u3000") for ln in render_mod.render_text(report).split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    assert "规章\n1\n0\n11\n" in text
    rep = parse(text.replace("规章\n1\n0\n11\n", "规章\n1\n11\n", 1), "r.txt")
    for col, want in (("issued_count", 1), ("repealed_count", 0), ("in_force_count", 11)):
        key = f"t2.regulations.{col}"
        assert rep.cells.get(key) == want or key in rep.uncertain, key


def test_a_yoy_change_column_in_a_2021_table_2_is_no_item_count_change():
    """A 2021-template table 二 with the agency's 比上年增减 column, via PDF and pdfplumber's
    text: the signed figures are no 本年增/减 (that counts an item list, after 上一年项目数量):
    never a plain ``item_count_change`` key (before: phantom keys, adversary round 11 r11comp)."""
    from synth.metamorphic import runner
    report = make_report("2021", year=2022)
    case = runner.make_case("r11c_t2_yoy_change_col_pdf_text", "s", report, "pdf")
    assert b"\xe6\xaf\x94\xe4\xb8\x8a\xe5\xb9\xb4" in case.data   # 比上年 printed
    rep = parse(case.data, case.name)
    for k in rep.cells:
        if k.endswith(".item_count_change"):
            assert k in rep.uncertain, k


def test_run_together_table_3_with_total_printed_first_is_read_by_its_header():
    """Crawler text of a table 三 whose 总计 column the agency printed first: the header words
    give the order and every row's sum proves it — read, not every cell flagged (before: all
    flagged as an unknown column order; adversary round 11 r11comp, docx→LibreOffice text)."""
    from synth.metamorphic import runner
    report = make_report("2021", year=2022)
    case = runner.make_case("t3_total_first", "s", report, "flat")
    rep = parse(case.data, case.name)
    t3 = {k: v for k, v in report["cells"].items() if k.startswith("t3.")}
    assert {k: rep.cells.get(k) for k in t3} == pytest.approx(t3)
    assert not [k for k in rep.uncertain if k.startswith("t3.")]
