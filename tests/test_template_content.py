"""How agencies vary the content of the national template (adversary round 10, r10tmpl).

Literal reports written for these tests (a fictional 示例县示例局): a 其中 row under a table-三
row named with that row's words, zeros typed as the numeral 〇, a 同比增减 column of
percentages added to table 二, and a report whose year is printed only at the opening of
section 一.  Each holds "right or flagged" without spending flags on cells the file prints
plainly.
"""
from __future__ import annotations

import pytest

from etl import vocab
from etl.document import ReportError
from etl.extract import parse_bytes
from test_layouts import _tr

_AGENCY = "示例县示例局"
_T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _t2(extra_col: str | None = None, extra_cells: tuple[str, ...] = ()) -> str:
    ex = [extra_col] if extra_col else []
    w = 4 + len(ex)

    def cells(*vals: str, i: int = 0) -> list[str]:
        return list(vals) + ([extra_cells[i % len(extra_cells)]] if extra_col else [])

    return ("<p>二、主动公开政府信息情况</p><table border=1>"
            + _tr(f"第二十条第（一）项@1x{w}")
            + _tr("信息内容", "本年制发件数", "本年废止件数", "现行有效件数", *ex)
            + _tr("规章", *cells("0", "0", "0", i=0))
            + _tr("行政规范性文件", *cells("5", "1", "40", i=1))
            + _tr(f"第二十条第（五）项@1x{w}")
            + _tr("信息内容", "本年处理决定数量@1x3", *ex)
            + _tr("行政许可", "120@1x3", *cells(i=2))
            + _tr(f"第二十条第（六）项@1x{w}")
            + _tr("信息内容", "本年处理决定数量@1x3", *ex)
            + _tr("行政处罚", "33@1x3", *cells(i=3))
            + _tr("行政强制", "4@1x3", *cells(i=4))
            + _tr(f"第二十条第（八）项@1x{w}")
            + _tr("信息内容", "本年收费金额（单位：万元）@1x3", *ex)
            + _tr("行政事业性收费", "12.5@1x3", *cells(i=5))
            + "</table>")


def _t3_rows(zero: str = "0", after_granted: str | None = None) -> str:
    rows = []
    for key in vocab.t3_rows_for("2021", False):
        vals = {"new_received": ["6", "2", zero, zero, zero, zero, "8"],
                "granted": ["5", "2", zero, zero, zero, zero, "7"],
                "unavailable_not_held": ["1", zero, zero, zero, zero, zero, "1"],
                "result_total": ["6", "2", zero, zero, zero, zero, "8"]}.get(key, [zero] * 7)
        rows.append(_tr(f"{vocab.row_zh('t3', key)}@1x3", *vals))
        if key == "granted" and after_granted:
            rows.append(_tr(f"{after_granted}@1x3", "3", "1", zero, zero, zero, zero, "4"))
    return ("<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
            + _tr(f"{_T3_NOTE}@3x3", "申请人情况@1x7")
            + _tr("自然人@2x1", "法人或其他组织@1x5", "总计@2x1")
            + _tr("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
            + "".join(rows) + "</table>")


_T4 = ("<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>"
       + _tr("行政复议@2x5", "行政诉讼@1x10")
       + _tr("未经复议直接起诉@1x5", "复议后起诉@1x5")
       + _tr(*["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
       + _tr("1", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0")
       + "</table>")


def _report(*, t2: str | None = None, t3: str | None = None, title: str | None = None,
            opening: str | None = None, section1: str = "2023年，本局稳步推进政务公开。") -> bytes:
    title = f"{_AGENCY}2023年政府信息公开工作年度报告" if title is None else title
    opening = ("本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。" if opening is None else opening)
    return ("<html><body>" + (f"<p>{title}</p>" if title else "") + f"<p>{opening}</p>"
            + f"<p>一、总体情况</p><p>{section1}</p>"
            + (t2 or _t2()) + (t3 or _t3_rows()) + _T4
            + f"<p>五、存在的主要问题及改进情况</p><p>无。</p><p>{_AGENCY}</p><p>2024年1月20日</p>"
            + "</body></html>").encode()


def test_qizhong_row_named_with_the_rows_words_is_not_that_row():
    # 其中：网上申请予以公开 is a part of （一）予以公开, not the row printed again
    rep = parse_bytes(_report(t3=_t3_rows(after_granted="其中：网上申请予以公开")), "r.html")
    assert [rep.cells[f"t3.granted.{c}"] for c in vocab.T3_COL_KEYS] == [5, 2, 0, 0, 0, 0, 7]
    assert not any(k.startswith("t3.") for k in rep.uncertain)
    assert any("其中" in w for w in rep.warnings)


@pytest.mark.parametrize("label", ["其中", "其中：1.属于国家秘密"])
def test_qizhong_alone_or_before_an_item_number_is_no_sub_row(label):
    assert not vocab.sub_row_label(label)
    assert vocab.sub_row_label("其中：当面申请")


def test_zero_written_as_the_numeral_ling():
    rep = parse_bytes(_report(t3=_t3_rows(zero="〇")), "r.html")
    assert rep.cells["t3.new_received.research_institution"] == 0
    assert rep.cells["t3.new_received.total"] == 8
    assert not any(k.startswith("t3.") for k in rep.uncertain)


def test_white_circle_for_zero_stays_flagged():
    rep = parse_bytes(_report(t3=_t3_rows(zero="○")), "r.html")
    assert "t3.new_received.research_institution" in rep.uncertain


def test_t2_percentage_column_of_another_measure_is_not_read():
    # 同比增减 with shares typed as +12%: the row's own cells are still under the template columns
    rep = parse_bytes(_report(t2=_t2("同比增减", ("+12%", "-3%", "5.5%"))), "r.html")
    assert rep.cells["t2.normative_documents.in_force_count"] == 40
    assert rep.cells["t2.admin_licensing.decision_count"] == 120
    assert rep.cells["t2.admin_coercion.decision_count"] == 4
    assert not any(k.startswith("t2.") for k in rep.uncertain)
    assert not any("同比" in k or "item_count_change" in k for k in rep.cells)


def test_year_from_the_opening_of_section_one():
    # no year in the title, no 统计期限; the only sentence before 一 cites next year's plan
    data = _report(title=f"{_AGENCY}政府信息公开工作年度报告",
                   opening="根据《2024年政务公开工作要点》要求，编制本报告。")
    rep = parse_bytes(data, "r.html")
    assert (rep.agency, rep.year) == (_AGENCY, 2023)


def test_no_year_anywhere_is_still_refused():
    data = _report(title=f"{_AGENCY}政府信息公开工作年度报告",
                   opening="根据《2024年政务公开工作要点》要求，编制本报告。",
                   section1="本局稳步推进政务公开，较2022年有所进步。")
    with pytest.raises(ReportError):
        parse_bytes(data, "r.html")


def _t3_total_only() -> str:
    rows = "".join(_tr(f"{vocab.row_zh('t3', key)}@1x3", {"new_received": "8", "granted": "7",
                                                           "unavailable_not_held": "1", "result_total": "8"}.get(key, "0"))
                   for key in vocab.t3_rows_for("2021", False))
    return ("<p>三、收到和处理政府信息公开申请情况</p><table border=1>"
            + _tr(f"{_T3_NOTE}@2x3", "申请人情况") + _tr("总计") + rows + "</table>")


def test_t3_printing_only_the_total_column():
    rep = parse_bytes(_report(t3=_t3_total_only()), "r.html")
    assert rep.cells["t3.new_received.total"] == 8
    assert rep.cells["t3.result_total.total"] == 8
    assert rep.cells["t3.denied_state_secret.total"] == 0
    # the applicant columns are not printed in any form: absent, not flagged, with a warning
    assert not any(k.startswith("t3.") and not k.endswith(".total") for k in rep.cells)
    assert not any(k.startswith("t3.") for k in rep.uncertain)
    assert any("表三未印" in w for w in rep.warnings)


def test_t4_printing_only_each_block_total():
    t4 = ("<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>"
          + _tr("行政复议", "行政诉讼@1x2") + _tr("总计", "未经复议直接起诉（总计）", "复议后起诉（总计）")
          + _tr("3", "1", "0") + "</table>")
    data = _report().replace(_T4.encode(), t4.encode())
    rep = parse_bytes(data, "r.html")
    assert [rep.cells.get(f"t4.{b}.total") for b in vocab.T4_ROW_KEYS] == [3, 1, 0]
    assert not any(k.startswith("t4.") and not k.endswith(".total") for k in rep.cells)
    assert not any(k.startswith("t4.") for k in rep.uncertain)
    assert any("表四只印" in w for w in rep.warnings)


@pytest.mark.parametrize("zero", ["零", "〇"])
def test_zero_word_among_chinese_numerals_is_not_read_alone(zero):
    # a row typed in Chinese numerals: its other figures are no value cells, so a zero read on
    # its own would land in the wrong column — flagged, never a silent 0
    row = ["一", zero, zero, zero, "一", zero, zero, zero, zero, zero, "十三", "二", "四", zero, "十九"]
    t4 = ("<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>"
          + _tr("行政复议@2x5", "行政诉讼@1x10") + _tr("未经复议直接起诉@1x5", "复议后起诉@1x5")
          + _tr(*["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3) + _tr(*row) + "</table>")
    for data, name in ((_report().replace(_T4.encode(), t4.encode()), "r.html"),
                       ("\n".join(["示例县示例局2023年政府信息公开工作年度报告",
                                   "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
                                   "四、政府信息公开行政复议、行政诉讼情况",
                                   "行政复议 结果维持 结果纠正 其他结果 尚未审结 总计",
                                   "复议后起诉 " + " ".join(row[10:])]).encode(), "r.txt")):
        try:
            rep = parse_bytes(data, name)
        except ReportError:
            continue
        want = dict(zip([f"t4.{b}.{c}" for b in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS],
                        [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19]))
        wrong = {k: v for k, v in rep.cells.items() if k in want and k not in rep.uncertain and v != want[k]}
        assert not wrong, (name, wrong)
