"""Reading one printed cell as a value: numbers, blanks, not-applicable marks and units.

``parse_cell`` is the only place that decides what a cell's text means:

* ``''`` (blank, &nbsp;, full-width spaces) → 0 with semantic ``blank``;
* ``/ - — 无 不适用`` … → ``None`` with semantic ``na``;
* numbers with full-width digits, spaces, thousands separators, a sign or 增/减, and a unit
  (万元, 元, 亿元, 件, 个, 项, 条) → the number, semantic ``number``; money is converted to
  万元 by :func:`to_wan_yuan` (exact decimal arithmetic, so 251000元 is 25.1, not 25.099…).

Anything else (a label, prose) is not a value: ``parse_cell`` returns ``None``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal, InvalidOperation

NA_TOKENS = frozenset({"/", "-", "—", "——", "–", "－", "―", "无", "不适用", "n/a", "N/A", "NA", "／", "\\", "…", "--", "---"})

_NUM = re.compile(
    r"^(?P<sign>[+\-−]|增|减|增加|减少)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<unit>万元|元|亿元|万|件|个|项|条|次|宗|人次)?$")


@dataclass(frozen=True)
class CellValue:
    value: Decimal | None
    semantic: str          # number | blank | na
    unit: str = ""         # unit printed inside the cell ('' if none)
    raw: str = ""


def clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\u3000\xa0\u200b\ufeff]+", "", text)


@lru_cache(maxsize=1 << 16)
def parse_cell(text: str) -> CellValue | None:
    """Interpret a cell's text; ``None`` when it is not a value at all (a label, prose).
    Cached: reports repeat the same few cell texts ('0', '', '/') thousands of times."""
    raw = text or ""
    t = clean(raw)
    if t == "":
        return CellValue(Decimal(0), "blank", "", raw)
    if t in NA_TOKENS or t.lower() in NA_TOKENS:
        return CellValue(None, "na", "", raw)
    m = _NUM.match(t)
    if not m:
        return None
    try:
        num = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    sign = m.group("sign") or ""
    if sign in ("-", "−", "减", "减少"):
        num = -num
    return CellValue(num, "number", m.group("unit") or "", raw)


def to_wan_yuan(value: Decimal, unit: str, default_unit: str = "万元") -> Decimal:
    """Money in 万元 whatever unit the cell (or, failing that, its header) used."""
    unit = unit or default_unit
    if unit == "元":
        return value / Decimal(10000)
    if unit == "亿元":
        return value * Decimal(10000)
    return value


def to_json_number(value: Decimal | None, money: bool) -> int | float | None:
    """A JSON-friendly number: counts as int, money as float (int when whole)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
