"""Was an annual report published on time?  The deadlines of the 2019 条例, art. 49.

《中华人民共和国政府信息公开条例》(国务院令第711号, in force 2019-05-15) 第四十九条:
县级以上人民政府部门 submit and publish last year's report **by 31 January**; the
政府信息公开工作主管部门 of a 县级以上地方人民政府 publishes *that government's* report
**by 31 March**.  The article names no date for 乡镇 governments or other bodies (local rules
differ), so their timeliness is ``unknown`` rather than guessed.  A government's general
office (办公厅/办公室) is a department for its own report (etl/agencies.py).  Reports for years
before 2019 fall under the old 条例 and are not judged.

``assess(year, published_at, level, kind)`` → :class:`Timeliness` (status on_time | late |
unknown, days late, the deadline, the rule, a Chinese label such as "按时" / "逾期 33 天").
Pure functions: the dashboard and the ETL both use them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

COUNTY_OR_ABOVE = ("national", "province", "city", "county")
RULE_DEPARTMENT = "条例第四十九条第一款：县级以上人民政府部门每年1月31日前公布上一年度报告"
RULE_GOVERNMENT = "条例第四十九条第二款：县级以上地方人民政府的年度报告每年3月31日前向社会公布"


@dataclass(frozen=True)
class Timeliness:
    status: str                    # on_time | late | unknown
    days_late: int | None
    deadline: date | None
    rule: str

    @property
    def label(self) -> str:
        if self.status == "on_time":
            return "按时"
        if self.status == "late":
            return f"逾期 {self.days_late} 天"
        return f"无法判断（{self.rule}）"


def deadline(year: int, level: str | None, kind: str | None) -> tuple[date | None, str]:
    """Publication deadline of the report for ``year`` and the rule it comes from."""
    if year < 2019:
        return None, "2019年以前的报告适用旧条例，不判断"
    if level not in COUNTY_OR_ABOVE:
        what = "乡镇" if level == "township" else "层级不明的机构"
        return None, f"条例未规定{what}的公布期限"
    if kind == "government":
        return date(year + 1, 3, 31), RULE_GOVERNMENT
    if kind == "department":
        return date(year + 1, 1, 31), RULE_DEPARTMENT
    return None, "机构类型不明"


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "" or value != value:   # value != value: NaN / pandas NaT (no date)
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def assess(year: int, published_at: date | datetime | str | None, level: str | None,
           kind: str | None) -> Timeliness:
    """On time / late by N days / unknown (no date, or no deadline applies)."""
    due, rule = deadline(int(year), level, kind)
    pub = _as_date(published_at)
    if due is None:
        return Timeliness("unknown", None, None, rule)
    if pub is None:
        return Timeliness("unknown", None, due, "没有发布日期")
    late = (pub - due).days
    if late > 0:
        return Timeliness("late", late, due, rule)
    return Timeliness("on_time", 0, due, rule)
