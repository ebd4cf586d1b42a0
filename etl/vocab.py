"""The canonical vocabulary of a report: cell keys, their Chinese labels, and how labels are recognised.

This module is the single Python rendering of ``docs/report-schema.md``.  Every other
module (parser, checks, warehouse, dashboard) takes keys and labels from here, so a figure
means the same thing whatever template, format or agency it came from.

Label matching works on *normalised* text (NFKC, no white space, no quotes, ASCII brackets):
see :func:`norm`.  Each row or column lists distinctive fragments; a label matches when it
contains one of them.  Fragments are chosen so that the variant wordings seen in real
reports (行政规范性文件 / 规范性文件, typos such as 其他法律行政止公开, line breaks inside
labels) still match, while no fragment of one key occurs in another key's label.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from etl.numbers import INVISIBLE

TEMPLATES = ("2019", "2021")

# --------------------------------------------------------------------------- text helpers
_QUOTES = re.compile("[\"'“”‘’「」『』]")   # a class, not str.translate: a dict lookup per character
_WS = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """Normalise a label for matching: NFKC (full-width → ASCII), drop white space and quotes."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text or ""))
    text = text.replace("\u3000", "").replace("\xa0", "")
    text = _WS.sub("", text)
    return _QUOTES.sub("", text)


@dataclass(frozen=True)
class Label:
    """One row or column: its key, the label as the template prints it, and match fragments."""

    key: str
    zh: str
    match: tuple[str, ...]

    def matches(self, normalised: str) -> bool:
        for m in self.match:  # noqa: SIM110 - a loop, not any(): ~10^3 calls per report
            if m in normalised:
                return True
        return False


# --------------------------------------------------------------------------- table 二
T2_ROWS: tuple[Label, ...] = (
    Label("regulations", "规章", ("规章",)),
    Label("normative_documents", "规范性文件", ("规范性文件",)),
    Label("other_external_services", "其他对外管理服务事项", ("其他对外管理服务", "对外管理服务事项")),
    Label("admin_licensing", "行政许可", ("行政许可",)),
    Label("admin_penalty", "行政处罚", ("行政处罚",)),
    Label("admin_coercion", "行政强制", ("行政强制",)),
    Label("admin_fees", "行政事业性收费", ("事业性收费",)),
    Label("centralized_procurement", "政府集中采购", ("集中采购",)),
    Label("other_proactive_documents", "其他主动公开文件", ("其他主动公开文件", "其他主动公开")),
)

# Column labels; order matters where one fragment contains another (本年项目数量 vs 上一年项目数量).
T2_COLS: tuple[Label, ...] = (
    Label("newly_made_count", "本年新制作数量", ("新制作", "制作数")),
    Label("newly_published_count", "本年新公开数量", ("新公开", "本年公开")),
    Label("total_published_count", "对外公开总数量", ("对外公开总", "累计公开")),
    Label("issued_count", "本年制发件数", ("制发",)),
    Label("repealed_count", "本年废止件数", ("废止",)),
    Label("in_force_count", "现行有效件数", ("现行有效",)),
    Label("prior_year_item_count", "上一年项目数量", ("上一年项目", "上年项目")),
    Label("current_item_count", "本年项目数量", ("本年项目数",)),
    Label("item_count_change", "本年增/减", ("增/减", "增减", "增(减)", "增加/减少", "增加(减少)")),
    Label("decision_count", "处理决定数量", ("处理决定", "决定数")),
    Label("fee_amount_wan_yuan", "本年收费金额（单位：万元）", ("收费金额",)),
    Label("procurement_project_count", "采购项目数量", ("采购项目数", "项目数")),
    Label("procurement_amount_wan_yuan", "采购总金额", ("采购总金额", "采购金额", "总金额")),
)

#: Column layout of each table-二 row as the national templates print it (local variants add
#: columns, e.g. Shandong's current_item_count; the parser reads those from the header).
T2_LAYOUT: dict[str, dict[str, tuple[str, ...]]] = {
    "2019": {
        "regulations": ("newly_made_count", "newly_published_count", "total_published_count"),
        "normative_documents": ("newly_made_count", "newly_published_count", "total_published_count"),
        "admin_licensing": ("prior_year_item_count", "item_count_change", "decision_count"),
        "other_external_services": ("prior_year_item_count", "item_count_change", "decision_count"),
        "admin_penalty": ("prior_year_item_count", "item_count_change", "decision_count"),
        "admin_coercion": ("prior_year_item_count", "item_count_change", "decision_count"),
        "admin_fees": ("prior_year_item_count", "item_count_change"),
        "centralized_procurement": ("procurement_project_count", "procurement_amount_wan_yuan"),
    },
    "2021": {
        "regulations": ("issued_count", "repealed_count", "in_force_count"),
        "normative_documents": ("issued_count", "repealed_count", "in_force_count"),
        "admin_licensing": ("decision_count",),
        "admin_penalty": ("decision_count",),
        "admin_coercion": ("decision_count",),
        "admin_fees": ("fee_amount_wan_yuan",),
    },
}

#: Shandong's 2019 layout of the item rows (第（五）/（六）项 with 本年项目数量 added): without a
#: header it is read only where its own identity (本年增/减 = 本年项目数量 − 上一年项目数量) holds.
T2_ITEM_VARIANT = ("prior_year_item_count", "current_item_count", "item_count_change", "decision_count")

_DOC_COLS = frozenset(T2_LAYOUT["2019"]["regulations"] + T2_LAYOUT["2021"]["regulations"])
_ITEM_COLS = frozenset({"prior_year_item_count", "current_item_count", "item_count_change", "decision_count"})
#: Every column a table-二 row may have in either template or a known local variant: a header
#: that gives a row columns outside its set belongs to another sub-table.
T2_ROW_COLS: dict[str, frozenset[str]] = {
    "regulations": _DOC_COLS, "normative_documents": _DOC_COLS, "other_proactive_documents": _DOC_COLS,
    "admin_licensing": _ITEM_COLS, "other_external_services": _ITEM_COLS,
    "admin_penalty": _ITEM_COLS, "admin_coercion": _ITEM_COLS,
    "admin_fees": frozenset({"prior_year_item_count", "current_item_count", "item_count_change",
                             "fee_amount_wan_yuan"}),
    "centralized_procurement": frozenset({"procurement_project_count", "procurement_amount_wan_yuan"}),
}

def t2_unnamed_cols(key: str, layout: list[str], template: str) -> list[str]:
    """Columns a table-二 row may print beyond ``layout`` when no header names them: those of
    its row kind (:data:`T2_ROW_COLS`) the report's template or a local variant uses,
    never the other template's own columns."""
    mine = {c for cs in T2_LAYOUT.get(template, {}).values() for c in cs}
    other = {c for t, rows in T2_LAYOUT.items() if t != template for cs in rows.values() for c in cs}
    return sorted(c for c in T2_ROW_COLS.get(key, set()) - set(layout) if c in mine or c not in other)



#: Table-二 column labels that decide the template (spec: detect from table 二, not the year).
TEMPLATE_MARKERS = {
    "2019": ("新制作", "新公开", "对外公开总", "集中采购", "上一年项目", "其他对外管理服务"),
    "2021": ("制发件数", "现行有效", "废止件数", "收费金额"),
}

# --------------------------------------------------------------------------- table 三
T3_COLS: tuple[Label, ...] = (
    Label("natural_person", "自然人", ("自然人",)),
    Label("commercial_enterprise", "商业企业", ("商业企业",)),
    Label("research_institution", "科研机构", ("科研机构",)),
    Label("social_welfare_org", "社会公益组织", ("社会公益",)),
    Label("legal_service_org", "法律服务机构", ("法律服务",)),
    Label("other_org", "其他", ("其他",)),
    Label("total", "总计", ("总计",)),
)
T3_COL_KEYS = tuple(c.key for c in T3_COLS)
T3_APPLICANT_COLS = T3_COL_KEYS[:6]

# group: the outcome heading a row sits under (None for rows outside 三、本年度办理结果)
T3_ROWS: tuple[Label, ...] = (
    Label("new_received", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    Label("carried_over_from_prior", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Label("granted", "（一）予以公开", ("予以公开",)),
    Label("partially_granted", "（二）部分公开", ("部分公开",)),
    Label("denied_state_secret", "1.属于国家秘密", ("国家秘密",)),
    Label("denied_prohibited_by_law", "2.其他法律行政法规禁止公开", ("法律行政法规禁止", "行政法规禁止", "法律行政止公开", "禁止公开")),
    Label("denied_security_stability", "3.危及“三安全一稳定”", ("三安全", "一稳定")),
    Label("denied_third_party_rights", "4.保护第三方合法权益", ("第三方",)),
    Label("denied_internal_affairs", "5.属于三类内部事务信息", ("内部事务",)),
    Label("denied_process_info", "6.属于四类过程性信息", ("过程性",)),
    Label("denied_enforcement_file", "7.属于行政执法案卷", ("执法案卷",)),
    Label("denied_admin_query", "8.属于行政查询事项", ("行政查询",)),
    Label("unavailable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",)),
    Label("unavailable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成")),
    Label("unavailable_unclear_after_correction", "3.补正后申请内容仍不明确", ("仍不明确", "补正后")),
    Label("not_processed_petition_complaint", "1.信访举报投诉类申请", ("信访", "举报投诉")),
    Label("not_processed_duplicate", "2.重复申请", ("重复申请",)),
    Label("not_processed_publication", "3.要求提供公开出版物", ("出版物",)),
    Label("not_processed_excessive", "4.无正当理由大量反复申请", ("大量反复",)),
    Label("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", ("重新出具", "确认或重新")),
    Label("other_total", "（六）其他处理", ("其他处理",)),
    Label("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("逾期不补正",)),
    Label("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ("收费通知", "缴纳费用")),
    Label("other_other", "3.其他", ("3.其他", "3、其他")),
    Label("result_total", "（七）总计", ("(七)总计", "七)总计"),),
    Label("carried_to_next", "四、结转下年度继续办理", ("结转下年度", "转下一年度", "结转下一年")),
)
T3_ROW_KEYS = tuple(r.key for r in T3_ROWS)
T3_OUTCOME_2019 = T3_ROW_KEYS[2:21]  # granted … other_total
T3_OUTCOME_2021 = T3_ROW_KEYS[2:20] + T3_ROW_KEYS[21:24]  # granted … confirmation + three 其他处理 rows
T3_OTHER_SUBROWS = ("other_no_correction", "other_fee_unpaid", "other_other")

# --------------------------------------------------------------------------- table 四
T4_ROWS: tuple[Label, ...] = (
    Label("admin_reconsideration", "行政复议", ("行政复议",)),
    Label("litigation_direct", "行政诉讼·未经复议直接起诉", ("未经复议", "直接起诉")),
    Label("litigation_after_reconsideration", "行政诉讼·复议后起诉", ("复议后起诉",)),
)
T4_COLS: tuple[Label, ...] = (
    Label("upheld", "结果维持", ("维持",)),
    Label("corrected", "结果纠正", ("纠正",)),
    Label("other", "其他结果", ("其他",)),
    Label("pending", "尚未审结", ("尚未", "审结")),
    Label("total", "总计", ("总计",)),
)
T4_ROW_KEYS = tuple(r.key for r in T4_ROWS)
T4_COL_KEYS = tuple(c.key for c in T4_COLS)

# --------------------------------------------------------------------------- keys and labels
TABLE_ZH = {"t2": "二、主动公开政府信息情况", "t3": "三、收到和处理政府信息公开申请情况",
            "t4": "四、政府信息公开行政复议、行政诉讼情况"}

#: Keys whose value is money in 万元 (everything else is a count).
MONEY_COLS = frozenset({"fee_amount_wan_yuan", "procurement_amount_wan_yuan"})
#: The only column that may be negative.
SIGNED_COLS = frozenset({"item_count_change"})

#: Plausible upper bound of a count, by table (and table-二 column).  A count above it is no real
#: agency's order of magnitude and is flagged, never stored.  Orders of magnitude from real
#: reports: the busiest agencies receive ~10^5 disclosure applications a year (a city: ~3·10^3,
#: corpus 003) → table 三 ≤ 10^6; reconsideration and litigation cases are far fewer → table 四
#: ≤ 10^5; 处理决定数量 counts every licence and penalty decision (a city's 行政处罚: ~4·10^6,
#: corpus 003; national traffic penalties ~10^8) → ≤ 10^9; documents and listed items ≤ 10^7.
#: Every bound is far below 2^53, so a stored count is always exact in a double.
COUNT_BOUNDS = {"t3": 10**6, "t4": 10**5, "t2": 10**7, "t2.decision_count": 10**9}


@lru_cache(maxsize=4096)
def count_bound(key: str) -> int:
    """The plausible upper bound of the count in cell ``key`` (see :data:`COUNT_BOUNDS`)."""
    table, _, col = key.partition(".")
    return COUNT_BOUNDS.get(f"{table}.{col.rpartition('.')[2]}", COUNT_BOUNDS.get(table, 10**7))

_ROW_ZH = {**{r.key: r.zh for r in T2_ROWS}, **{r.key: r.zh for r in T3_ROWS}}
_T4_ROW_ZH = {r.key: r.zh for r in T4_ROWS}
_COL_ZH = {**{c.key: c.zh for c in T2_COLS}, **{c.key: c.zh for c in T3_COLS}}
_T4_COL_ZH = {c.key: c.zh for c in T4_COLS}


def split_key(key: str) -> tuple[str, str, str]:
    table, row, col = key.split(".", 2)
    return table, row, col


def label_zh(key: str) -> str:
    """Chinese label of a cell key as the template prints it, e.g. ``一、本年新收… · 自然人``."""
    table, row, col = split_key(key)
    if table == "t4":
        return f"{_T4_ROW_ZH.get(row, row)} · {_T4_COL_ZH.get(col, col)}"
    return f"{_ROW_ZH.get(row, row)} · {_COL_ZH.get(col, col)}"


def row_zh(table: str, row: str) -> str:
    return (_T4_ROW_ZH if table == "t4" else _ROW_ZH).get(row, row)


def col_zh(table: str, col: str) -> str:
    return (_T4_COL_ZH if table == "t4" else _COL_ZH).get(col, col)


def t3_rows_for(template: str, other_as_single_row: bool) -> tuple[str, ...]:
    """Table-三 row keys a report of this shape prints, in order."""
    rows = list(T3_ROW_KEYS)
    if other_as_single_row:
        for k in T3_OTHER_SUBROWS:
            rows.remove(k)
    else:
        rows.remove("other_total")
    return tuple(rows)


def expected_keys(template: str, other_as_single_row: bool | None = None) -> list[str]:
    """Every cell key the national template prints (no local extra columns)."""
    if other_as_single_row is None:
        other_as_single_row = template == "2019"
    keys = [f"t2.{row}.{col}" for row, cols in T2_LAYOUT[template].items() for col in cols]
    keys += [f"t3.{r}.{c}" for r in t3_rows_for(template, other_as_single_row) for c in T3_COL_KEYS]
    keys += [f"t4.{r}.{c}" for r in T4_ROW_KEYS for c in T4_COL_KEYS]
    return keys


PAREN = re.compile(r"\([^()]*\)")


def match_label(labels: tuple[Label, ...], text: str) -> Label | None:
    """First label (in declaration order) whose fragment occurs in ``text``."""
    n = norm(text)
    for lab in labels:
        if lab.matches(n):
            return lab
    return None


def match_t2_row(text: str) -> Label | None:
    """Table-二 row label; explanatory notes in brackets are ignored (其他对外管理服务事项（指除行政许可以外…）)."""
    n = norm(text)
    stripped = PAREN.sub("", n) or n
    return match_label(T2_ROWS, stripped)


@lru_cache(maxsize=65536)
def match_t3_row(text: str) -> Label | None:
    """Table-三 row label.  Merged group cells put the heading before the sub-row
    (（六）其他处理 1.申请人…), so the fragment that ends last wins."""
    n = norm(text)
    best, best_end = None, -1
    for lab in T3_ROWS:
        for frag in lab.match:
            pos = n.rfind(frag)
            if pos >= 0 and pos + len(frag) > best_end:
                best, best_end = lab, pos + len(frag)
    return best


_SUB_ROW = re.compile(r"^其中[:：,，、]?(?=[\u4e00-\u9fff])(?![一二三四五六七八九]、)")


def sub_row_label(text: str) -> bool:
    """A label that names a part of the row above (其中：网上申请予以公开, 其中当面申请): 其中
    followed by words — not a merged 其中 cell alone, nor 其中 before a numbered item
    (其中：1.属于国家秘密, the template's own sub-row under a group printed with its sums)."""
    return bool(_SUB_ROW.match(norm(text)))


def match_t4_any(text: str) -> bool:
    """Does a label belong to table 四 (行政复议 / 行政诉讼 / 结果维持 …)?"""
    n = norm(text)
    return any(f in n for f in ("行政复议", "行政诉讼", "结果维持", "复议后起诉"))


def t2_part_label(label: str, row_key: str) -> bool:
    """A label that names a part of a table-二 row (行政强制措施, 行政强制执行 for 行政强制): the
    row's own words plus more words, not the row's label itself."""
    n = PAREN.sub("", norm(label))
    lab = next(x for x in T2_ROWS if x.key == row_key)
    frag = next((f for f in lab.match if f in n), "")
    rest = n.replace(frag, "", 1) if frag else n
    return bool(re.search(r"[\u4e00-\u9fff]", rest)) and not rest.startswith(("其中", "合计"))
