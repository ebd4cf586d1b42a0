"""The vocabulary against literal labels: every row and column of tables 二, 三 and 四 as the
two national templates print it, with the key it must get, written out here by hand.

Round-trip tests render and parse through the same vocabulary, so two keys swapped in
``etl/vocab.py`` pass them; these do not (issue 11, mutation "two rows' keys swapped").  The
parse-level tests read a hand-written report in which every row carries its own distinct
numbers, and compare with literal keys and values.
"""
from __future__ import annotations

import pytest

from etl import vocab
from etl.extract import parse_bytes

T2_ROWS = [
    ("规章", "regulations"),
    ("规范性文件", "normative_documents"),
    ("行政规范性文件", "normative_documents"),
    ("行政许可", "admin_licensing"),
    ("其他对外管理服务事项", "other_external_services"),
    ("行政处罚", "admin_penalty"),
    ("行政强制", "admin_coercion"),
    ("行政事业性收费", "admin_fees"),
    ("政府集中采购", "centralized_procurement"),
]
T2_COLS = [
    ("本年新制作数量", "newly_made_count"),
    ("本年新公开数量", "newly_published_count"),
    ("对外公开总数量", "total_published_count"),
    ("上一年项目数量", "prior_year_item_count"),
    ("本年项目数量", "current_item_count"),
    ("本年增/减", "item_count_change"),
    ("处理决定数量", "decision_count"),
    ("本年处理决定数量", "decision_count"),
    ("采购项目数量", "procurement_project_count"),
    ("采购总金额", "procurement_amount_wan_yuan"),
    ("本年制发件数", "issued_count"),
    ("本年废止件数", "repealed_count"),
    ("现行有效件数", "in_force_count"),
    ("本年收费金额（单位：万元）", "fee_amount_wan_yuan"),
]
T3_ROWS = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over_from_prior"),
    ("（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("（三）不予公开 1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_prohibited_by_law"),
    ("3.危及“三安全一稳定”", "denied_security_stability"),
    ("4.保护第三方合法权益", "denied_third_party_rights"),
    ("5.属于三类内部事务信息", "denied_internal_affairs"),
    ("6.属于四类过程性信息", "denied_process_info"),
    ("7.属于行政执法案卷", "denied_enforcement_file"),
    ("8.属于行政查询事项", "denied_admin_query"),
    ("（四）无法提供 1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unavailable_unclear_after_correction"),
    ("（五）不予处理 1.信访举报投诉类申请", "not_processed_petition_complaint"),
    ("2.重复申请", "not_processed_duplicate"),
    ("3.要求提供公开出版物", "not_processed_publication"),
    ("4.无正当理由大量反复申请", "not_processed_excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "not_processed_confirmation"),
    ("（六）其他处理", "other_total"),
    ("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_fee_unpaid"),
    ("3.其他", "other_other"),
    ("（七）总计", "result_total"),
    ("四、结转下年度继续办理", "carried_to_next"),
]
T3_COLS = [("自然人", "natural_person"), ("商业企业", "commercial_enterprise"), ("科研机构", "research_institution"),
           ("社会公益组织", "social_welfare_org"), ("法律服务机构", "legal_service_org"), ("其他", "other_org"),
           ("总计", "total")]
T4_ROWS = [("行政复议", "admin_reconsideration"), ("未经复议直接起诉", "litigation_direct"),
           ("复议后起诉", "litigation_after_reconsideration")]
T4_COLS = [("结果维持", "upheld"), ("结果纠正", "corrected"), ("其他结果", "other"), ("尚未审结", "pending"),
           ("总计", "total")]


@pytest.mark.parametrize("label,key", T2_ROWS)
def test_t2_row_labels(label, key):
    assert vocab.match_t2_row(label).key == key


@pytest.mark.parametrize("label,key", T2_COLS)
def test_t2_column_labels(label, key):
    assert vocab.match_label(vocab.T2_COLS, label).key == key


@pytest.mark.parametrize("label,key", T3_ROWS)
def test_t3_row_labels(label, key):
    assert vocab.match_t3_row(label).key == key


@pytest.mark.parametrize("label,key", T3_COLS)
def test_t3_column_labels(label, key):
    assert vocab.match_label(vocab.T3_COLS, label).key == key


@pytest.mark.parametrize("label,key", T4_ROWS)
def test_t4_row_labels(label, key):
    assert vocab.match_label(vocab.T4_ROWS[::-1], label).key == key


@pytest.mark.parametrize("label,key", T4_COLS)
def test_t4_column_labels(label, key):
    assert vocab.match_label(vocab.T4_COLS, label).key == key


def test_template_layouts_are_the_printed_columns():
    assert vocab.T2_LAYOUT["2021"] == {
        "regulations": ("issued_count", "repealed_count", "in_force_count"),
        "normative_documents": ("issued_count", "repealed_count", "in_force_count"),
        "admin_licensing": ("decision_count",), "admin_penalty": ("decision_count",),
        "admin_coercion": ("decision_count",), "admin_fees": ("fee_amount_wan_yuan",)}
    assert vocab.T2_LAYOUT["2019"]["centralized_procurement"] == ("procurement_project_count",
                                                                  "procurement_amount_wan_yuan")
    assert vocab.T2_LAYOUT["2019"]["admin_fees"] == ("prior_year_item_count", "item_count_change")
    assert vocab.T3_COL_KEYS == ("natural_person", "commercial_enterprise", "research_institution",
                                 "social_welfare_org", "legal_service_org", "other_org", "total")
    assert vocab.T4_ROW_KEYS == ("admin_reconsideration", "litigation_direct", "litigation_after_reconsideration")
    assert vocab.T4_COL_KEYS == ("upheld", "corrected", "other", "pending", "total")


# --------------------------------------------------------------------------- a hand-written report

REPORT_2021 = """示例省示例市示例局2023年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 11 12 13
行政规范性文件 21 22 23
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 31
第二十条第（六）项
信息内容 本年处理决定数量
行政处罚 41
行政强制 51
第二十条第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 61.5
三、收到和处理政府信息公开申请情况
申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
一、本年新收政府信息公开申请数量 101 102 103 104 105 106 107
二、上年结转政府信息公开申请数量 201 202 203 204 205 206 207
（一）予以公开 301 302 303 304 305 306 307
（二）部分公开 401 402 403 404 405 406 407
（三）不予公开 1.属于国家秘密 501 502 503 504 505 506 507
2.其他法律行政法规禁止公开 601 602 603 604 605 606 607
3.危及“三安全一稳定” 701 702 703 704 705 706 707
4.保护第三方合法权益 801 802 803 804 805 806 807
5.属于三类内部事务信息 901 902 903 904 905 906 907
6.属于四类过程性信息 1001 1002 1003 1004 1005 1006 1007
7.属于行政执法案卷 1101 1102 1103 1104 1105 1106 1107
8.属于行政查询事项 1201 1202 1203 1204 1205 1206 1207
（四）无法提供 1.本机关不掌握相关政府信息 1301 1302 1303 1304 1305 1306 1307
2.没有现成信息需要另行制作 1401 1402 1403 1404 1405 1406 1407
3.补正后申请内容仍不明确 1501 1502 1503 1504 1505 1506 1507
（五）不予处理 1.信访举报投诉类申请 1601 1602 1603 1604 1605 1606 1607
2.重复申请 1701 1702 1703 1704 1705 1706 1707
3.要求提供公开出版物 1801 1802 1803 1804 1805 1806 1807
4.无正当理由大量反复申请 1901 1902 1903 1904 1905 1906 1907
5.要求行政机关确认或重新出具已获取信息 2001 2002 2003 2004 2005 2006 2007
（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 2101 2102 2103 2104 2105 2106 2107
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 2201 2202 2203 2204 2205 2206 2207
3.其他 2301 2302 2303 2304 2305 2306 2307
（七）总计 2401 2402 2403 2404 2405 2406 2407
四、结转下年度继续办理 2501 2502 2503 2504 2505 2506 2507
四、政府信息公开行政复议、行政诉讼情况
行政复议 结果维持 结果纠正 其他结果 尚未审结 总计
行政复议 1 2 3 4 10
行政诉讼未经复议直接起诉 5 6 7 8 26
行政诉讼复议后起诉 9 10 11 12 42
五、存在的主要问题及改进情况
"""

T3_KEYS_2021 = ["new_received", "carried_over_from_prior", "granted", "partially_granted",
                "denied_state_secret", "denied_prohibited_by_law", "denied_security_stability",
                "denied_third_party_rights", "denied_internal_affairs", "denied_process_info",
                "denied_enforcement_file", "denied_admin_query", "unavailable_not_held",
                "unavailable_needs_creation", "unavailable_unclear_after_correction",
                "not_processed_petition_complaint", "not_processed_duplicate", "not_processed_publication",
                "not_processed_excessive", "not_processed_confirmation", "other_no_correction",
                "other_fee_unpaid", "other_other", "result_total", "carried_to_next"]
COLS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
        "legal_service_org", "other_org", "total"]


def test_hand_written_2021_report_gets_the_literal_keys():
    rep = parse_bytes(REPORT_2021.encode("utf-8"), "literal.txt")
    assert (rep.agency, rep.year, rep.template) == ("示例省示例市示例局", 2023, "2021")
    expect = {
        "t2.regulations.issued_count": 11, "t2.regulations.repealed_count": 12, "t2.regulations.in_force_count": 13,
        "t2.normative_documents.issued_count": 21, "t2.normative_documents.repealed_count": 22,
        "t2.normative_documents.in_force_count": 23, "t2.admin_licensing.decision_count": 31,
        "t2.admin_penalty.decision_count": 41, "t2.admin_coercion.decision_count": 51,
        "t2.admin_fees.fee_amount_wan_yuan": 61.5,
        "t4.admin_reconsideration.upheld": 1, "t4.admin_reconsideration.corrected": 2,
        "t4.admin_reconsideration.other": 3, "t4.admin_reconsideration.pending": 4,
        "t4.admin_reconsideration.total": 10, "t4.litigation_direct.upheld": 5,
        "t4.litigation_direct.corrected": 6, "t4.litigation_direct.other": 7,
        "t4.litigation_direct.pending": 8, "t4.litigation_direct.total": 26,
        "t4.litigation_after_reconsideration.upheld": 9, "t4.litigation_after_reconsideration.corrected": 10,
        "t4.litigation_after_reconsideration.other": 11, "t4.litigation_after_reconsideration.pending": 12,
        "t4.litigation_after_reconsideration.total": 42,
    }
    for i, row in enumerate(T3_KEYS_2021, start=1):
        for j, col in enumerate(COLS, start=1):
            expect[f"t3.{row}.{col}"] = i * 100 + j
    assert rep.cells == expect
    assert rep.uncertain == {}


REPORT_2019_T2 = """示例省示例市示例局2020年政府信息公开工作年度报告
二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年新制作数量 本年新公开数量 对外公开总数量
规章 11 12 13
规范性文件 21 22 23
第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可 31 -2 33
其他对外管理服务事项 41 5 43
第二十条第（六）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政处罚 51 0 53
行政强制 61 7 63
第二十条第（八）项
信息内容 上一年项目数量 本年增/减
行政事业性收费 71 -8
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 81 251000元
三、收到和处理政府信息公开申请情况
"""


def test_hand_written_2019_table_two_gets_the_literal_keys():
    rep = parse_bytes(REPORT_2019_T2.encode("utf-8"), "literal.txt")
    assert rep.template == "2019"
    t2 = {k: v for k, v in rep.cells.items() if k.startswith("t2.")}
    assert t2 == {
        "t2.regulations.newly_made_count": 11, "t2.regulations.newly_published_count": 12,
        "t2.regulations.total_published_count": 13, "t2.normative_documents.newly_made_count": 21,
        "t2.normative_documents.newly_published_count": 22, "t2.normative_documents.total_published_count": 23,
        "t2.admin_licensing.prior_year_item_count": 31, "t2.admin_licensing.item_count_change": -2,
        "t2.admin_licensing.decision_count": 33, "t2.other_external_services.prior_year_item_count": 41,
        "t2.other_external_services.item_count_change": 5, "t2.other_external_services.decision_count": 43,
        "t2.admin_penalty.prior_year_item_count": 51, "t2.admin_penalty.item_count_change": 0,
        "t2.admin_penalty.decision_count": 53, "t2.admin_coercion.prior_year_item_count": 61,
        "t2.admin_coercion.item_count_change": 7, "t2.admin_coercion.decision_count": 63,
        "t2.admin_fees.prior_year_item_count": 71, "t2.admin_fees.item_count_change": -8,
        "t2.centralized_procurement.procurement_project_count": 81,
        "t2.centralized_procurement.procurement_amount_wan_yuan": 25.1,
    }
    assert not any(k.startswith("t2.") for k in rep.uncertain)


@pytest.mark.parametrize("header,printed,wan", [
    ("采购总金额（单位：元）", "251000", 25.1),        # mutation: a header unit （单位：元） ignored
    ("采购总金额（亿元）", "1.5", 15000),               # mutation: a wrong 亿元 factor / 亿元 read as 万元
    ("采购总金额（单位：千元）", "251", 25.1),
    ("采购总金额（单位：万元）", "25.1", 25.1),
])
def test_hand_written_header_units(header, printed, wan):
    text = REPORT_2019_T2.replace("信息内容 采购项目数量 采购总金额", f"信息内容 采购项目数量 {header}").replace(
        "政府集中采购 81 251000元", f"政府集中采购 81 {printed}")
    rep = parse_bytes(text.encode("utf-8"), "literal.txt")
    key = "t2.centralized_procurement.procurement_amount_wan_yuan"
    assert rep.cells[key] == wan and key not in rep.uncertain
