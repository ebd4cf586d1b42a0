"""Reading one printed cell as a value: numbers, blanks, not-applicable marks and units.

``parse_cell`` is the only place that decides what a cell's text means:

* ``''`` (blank, &nbsp;, full-width spaces) → 0 with semantic ``blank``;
* ``/ - — 无 不适用`` … → ``None`` with semantic ``na``;
* numbers with full-width digits, spaces, thousands separators, a sign or 增/减, and a unit
  (万元, 元, 千元, 亿元, 件, 个, 项, 条) → the number, semantic ``number``; money is converted to
  万元 by :func:`to_wan_yuan` (exact decimal arithmetic, so 251000元 is 25.1, not 25.099…);
* footnote markers after (or before) a number (①–⑳, ⑴, ¹²³, [1], 注1) are stripped *before*
  NFKC, which would fold ``9①`` into ``91``; the raw text keeps them.  Markers that may as well
  be a damaged digit (※ * †) are stripped too, but the cell is marked doubtful (``doubt``);
* text that is a number with look-alike letters (``l100``, ``24l8``, ``O``) → semantic
  ``garbled``, value ``None``, the look-alike reading offered in ``doubt`` (never auto-corrected);
  mostly digits with other Latin letters (``13b2``) → ``garbled`` without a candidate;
* a figure with a bracketed note in words or its share (``26（含网上申请24件）``, ``26（45.5%）``)
  → the figure;
  digits mixing widths or spaced off the thousands grouping (``１2 3``) are read but doubtful.

Anything else (a label, prose) is not a value: ``parse_cell`` returns ``None``.

:func:`count_value` and :func:`money_value` judge a read value for its column: a count is a
whole number no larger than the column's plausible bound (:data:`etl.vocab.COUNT_BOUNDS`);
money needs a unit from the cell or its scope (:func:`declared_unit`), else it is doubtful.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal, InvalidOperation

NA_TOKENS = frozenset({"/", "-", "\u2212", "\u23af", "—", "——", "–", "－", "―", "无", "不适用", "n/a", "N/A", "NA", "／", "\\", "…", "--", "---"})

_NUM = re.compile(
    r"^(?P<sign>[+\-−]|增|减|增加|减少)?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<unit>万元|千元|亿元|元|万|亿|件次|人次|件|个|项|条|次|宗|份|家|户|起|批|例)?$")
#: A cell holding only the numeral zero written as a character (〇 / 零, with a count word):
#: zero.  The white circles ○/◯ stay look-alikes (a symbol typed for 〇, or damage): flagged.
_ZERO_WORD = re.compile(r"[〇零](?:件次|人次|件|个|项|条|次|宗|份|家|户|起|批|例)?")
_CN_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千]+")


def zero_word(text: str) -> bool:
    """Is a cell's text only the numeral zero written as a character (〇, 零, 〇件)?"""
    return bool(_ZERO_WORD.fullmatch(clean(strip_markers(text or "")[0])))


def cn_numeral(text: str) -> bool:
    """Is a cell's text a count in Chinese numerals other than a lone zero (十三, 一百〇五)?"""
    t = clean(text or "")
    return bool(_CN_NUMERAL.fullmatch(t)) and not _ZERO_WORD.fullmatch(t)


#: An arrow before a figure: the sign of a 本年增/减 (▲ / ↑ an increase, ▼ / ↓ a decrease).
_ARROW = re.compile(r"([▲↑▼↓])(\d{1,3}(?:,\d{3})+|\d+)")

#: The yuan sign before an amount (￥1036290): the amount is in 元.
_YUAN_SIGN = re.compile(r"^[￥¥]")

#: Footnote markers that cannot be a digit: stripped, the number is trusted.
#: Word's review-comment anchor (``[A1]``: the reviewer's initials and the comment's number).
_SURE_MARK = (r"[\u2460-\u249b\u24ea\u2776-\u2793\u00b9\u00b2\u00b3\u2070-\u2079]"
              r"|[\[［〔【]\s*(?:注\s*)?\d{1,2}\s*[\]］〕】]|注\s*\d{1,2}"
              r"|\s*[\[［](?:[A-Za-zＡ-Ｚａ-ｚ]{1,4}|[\u4e00-\u9fff]{1,3})\d{1,3}[\]］]")
#: Markers that may also be a damaged digit: stripped, the number is doubtful.
_ODD_MARK = r"[※*＊†‡§]"
_MARKS = re.compile(rf"^(?P<pre>(?:{_SURE_MARK}|{_ODD_MARK})*)(?P<body>.*?)(?P<post>(?:{_SURE_MARK}|{_ODD_MARK})*)$",
                    re.S)
_ODD_RE = re.compile(_ODD_MARK)
_MARK_HINT = re.compile(rf"{_SURE_MARK}|{_ODD_MARK}")
#: Letters OCR and typists put for digits, and the digit each stands for.
#: ``○``/``◯`` (white circles from a symbol palette) are typed for 〇 as often as 〇 for 0.
_LOOKALIKE = str.maketrans({"l": "1", "I": "1", "i": "1", "|": "1", "O": "0", "o": "0", "〇": "0",
                            "○": "0", "◯": "0", "S": "5", "Z": "2", "B": "8"})
_GARBLED = re.compile(r"[\dlIi|Oo〇○◯SZB]*[lIi|Oo〇○◯SZB][\dlIi|Oo〇○◯SZB]*(?:\.\d+)?")
_WIDE_DIGIT = re.compile(r"[０-９]")
#: Full-width digits → ASCII, one character for one (positions in the text stay put, unlike NFKC).
WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SPACED = re.compile(r"\d[\s\u3000\xa0]+\d")
_GROUPED = re.compile(r"[+\-−]?\d{1,3}(?:[\s\u3000\xa0]+\d{3})+(?:\.\d+)?\D*")


#: A whole number in accounting brackets (NFKC brackets), ``(3)`` or ``(-3)``: −3 in a column that
#: may be negative (本年增/减, :func:`count_value`).
_BRACKETED = re.compile(r"\([-−]?(\d+)\)")
#: A figure followed by a bracketed note in words (NFKC brackets): 26(含网上申请24件); or by
#: its share of the column, a percentage: 26(45.5%).  The note and the share are no count.
_NOTE = re.compile(r"(.+?)\((?:[^()]*[\u4e00-\u9fff][^()]*|[+\-]?\d+(?:\.\d+)?%)\)")
#: A number some of whose digits came out as Latin letters other than the look-alikes
#: (OCR's 13b2, 4A7): mostly digits, so a damaged value of its cell — not a label that
#: would shift the row — with no candidate offered.
_ALNUM = re.compile(r"(?=(?:[^\d]*\d){2})[0-9A-Za-z]{2,12}")


@dataclass(frozen=True)
class CellValue:
    value: Decimal | None
    semantic: str          # number | blank | na | garbled
    unit: str = ""         # unit printed inside the cell ('' if none)
    raw: str = ""
    doubt: str = ""        # why the reading cannot be trusted ('' = it can)
    bracketed: bool = False  # accounting brackets, (3): negative only where a column may be


#: Invisible format characters (zero-width spaces and joiners, soft hyphens, BOMs, bidi marks):
#: no ink, so no part of a number or a label.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


@lru_cache(maxsize=1 << 16)
def clean(text: str) -> str:
    """NFKC, no invisible characters, no white space (cached: cell texts repeat)."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text or ""))
    return re.sub(r"[\s\u3000\xa0]+", "", text)


@lru_cache(maxsize=1 << 16)
def parse_cell(text: str) -> CellValue | None:
    """Interpret a cell's text; ``None`` when it is not a value at all (a label, prose).
    Cached: reports repeat the same few cell texts ('0', '', '/') thousands of times."""
    raw = text or ""
    body, marks = strip_markers(raw)
    t = clean(body)
    if t == "":
        return CellValue(Decimal(0), "blank", "", raw)
    if t in NA_TOKENS or t.lower() in NA_TOKENS:
        return CellValue(None, "na", "", raw)
    if _ZERO_WORD.fullmatch(t):
        # 〇 (U+3007) and 零 are the written numeral zero itself, not a look-alike of a digit
        return CellValue(Decimal(0), "number", "", raw, _doubt(body, marks, Decimal(0)))
    yuan = bool(_YUAN_SIGN.match(t))
    if yuan:
        t = t[1:]
    m = _NUM.match(t)
    if not m and (neg := _BRACKETED.fullmatch(t)):
        return CellValue(-Decimal(neg.group(1)), "number", "", raw, _doubt(body, marks, Decimal(0)), True)
    if not m and (arrow := _ARROW.fullmatch(t)):
        # ▲3 / ▼6 (an increase / a decrease): ▼ negative only where a column may be, as brackets
        num = Decimal(arrow.group(2).replace(",", ""))
        down = arrow.group(1) in "▼↓"
        return CellValue(-num if down else num, "number", "", raw, _doubt(body, marks, num), down)
    if not m and (note := _NOTE.fullmatch(t)):
        m = _NUM.match(note.group(1))   # 26（含网上申请24件）: the figure, then a note on it
    if not m:
        if marks:
            return None
        if _GARBLED.fullmatch(t):
            cand = t.translate(_LOOKALIKE)
            return CellValue(None, "garbled", "", raw, f"数值无法识别（原文「{raw.strip()}」），可能是 {cand}，未自动更正")
        if _ALNUM.fullmatch(t) and sum(ch.isdigit() for ch in t) > len(t) / 2:
            return CellValue(None, "garbled", "", raw, f"数值无法识别（原文「{raw.strip()}」），数字中夹有字母")
        return None
    try:
        num = Decimal(m.group("num").replace(",", ""))
    except InvalidOperation:
        return None
    sign = m.group("sign") or ""
    if sign in ("-", "−", "减", "减少"):
        num = -num
    unit = m.group("unit") or ("元" if yuan else "")
    return CellValue(num, "number", unit, raw, _doubt(body, marks, num))


def strip_markers(raw: str) -> tuple[str, str]:
    """(text without footnote markers around it, the markers) — before NFKC folds ① into 1."""
    if not _MARK_HINT.search(raw):
        return raw, ""
    s = raw.strip()
    m = _MARKS.match(s)
    if not m or not m.group("body"):
        return raw, ""
    marks = m.group("pre") + m.group("post")
    return (m.group("body"), marks) if marks else (raw, "")


def _doubt(body: str, marks: str, num: Decimal) -> str:
    """Why a number that did parse is still not to be trusted ('' when it is)."""
    if _ODD_RE.search(marks):
        return f"数值带有符号「{marks}」（脚注标记或识别错误），读作 {num}，未必正确"
    if _WIDE_DIGIT.search(body) and re.search(r"[0-9]", body):
        return f"数值中全角、半角数字混排（原文「{body.strip()}」），读作 {num}，未必正确"
    if _SPACED.search(body) and not _GROUPED.fullmatch(body.strip()):
        return f"数值中间有空格（原文「{body.strip()}」），读作 {num}，未必正确"
    return ""


_UNIT_LIST = re.compile(r"单位\s*[:：为是]?\s*(?:人民币)?(?P<list>[^)）\]】。；;]{0,12})")
_UNIT_BRACKET = re.compile(r"[(（](?:人民币)?(?P<unit>亿元|千元|万元|元)[)）]")
_MONEY_UNIT = re.compile(r"亿元|千元|万元|元")


def declared_unit(text: str) -> str:
    """The money unit a caption or header declares: 单位：万元, （金额单位：元）, 单位：件、元,
    （亿元）.  '' when it declares none, or more than one."""
    if "元" not in text:
        return ""
    text = re.sub(r"[\s\u3000]+", "", text)   # 万  元 (a wrapped or justified header) is 万元
    found: set[str] = set()
    for m in _UNIT_LIST.finditer(text):
        found.update(_MONEY_UNIT.findall(m.group("list")))
    found.update(m.group("unit") for m in _UNIT_BRACKET.finditer(text))
    return found.pop() if len(found) == 1 else ""


_DOTTED = re.compile(r"\d[.．]\d")
#: A whole count in a spreadsheet's number format (12.00): two zero decimals, never a thousands
#: dot (517.645) nor an OCR'd digit (2.0, 13.2).
_CENTS = re.compile(r"[+\-−]?\d+\.00(?:件|个|项|条|次|宗)?")
_WAN = {"万元": Decimal(1), "万": Decimal(1), "元": Decimal(1) / Decimal(10000),
        "千元": Decimal(1) / Decimal(10), "亿元": Decimal(10000), "亿": Decimal(10000)}
#: Money above this (万元, i.e. 1 万亿元) is no single agency's fee or procurement total.
MONEY_BOUND_WAN = Decimal(10) ** 8
#: Significant digits a money value may have and still go through a float (JSON, warehouse) exactly.
_EXACT_DIGITS = 15


_ZERO_DECIMALS = re.compile(r"[+\-−]?\d+[.．](?P<zeros>0+)(?:件|个|项|条|次|宗)?")
_ANY_DECIMALS = re.compile(r"[+\-−]?\d+[.．]\d+\D{0,2}")


def whole_number_format(cvs: list[CellValue]) -> bool:
    """Whether a table prints its figures in one decimal number format (12.0, 0.0, 7.0 … — a
    spreadsheet's cells pasted into the report): at least six figures and four in five of them
    end in the same run of zeros after the dot, and at most two (a money cell) carry other
    decimals.  Such a dot is the table's format, not a garbled digit (an OCR'd 20 read as 2.0
    is one cell among whole ones, never the whole table)."""
    zeros: set[int] = set()
    dotted = other = numeric = 0
    for cv in cvs:
        if cv.value is None:
            continue
        numeric += 1
        body = clean(strip_markers(cv.raw)[0])
        m = _ZERO_DECIMALS.fullmatch(body)
        if m:
            dotted += 1
            zeros.add(len(m.group("zeros")))
        elif _ANY_DECIMALS.fullmatch(body):
            other += 1
    return dotted >= 6 and len(zeros) == 1 and dotted * 5 >= numeric * 4 and other <= 2


def count_value(cv: CellValue, bound: int, signed: bool = False,
                whole_format: bool = False) -> tuple[Decimal | None, str]:
    """A count as stored, and why it is doubtful: a count is whole and at most ``bound``; a
    bracketed number is negative in a ``signed`` column (本年增/减) and doubtful elsewhere.
    ``whole_format``: the table prints every figure with zero decimals (:func:`whole_number_format`),
    so 12.0 is 12 as 12.00 is."""
    v = cv.value
    if v is None:
        return None, cv.doubt
    if cv.bracketed and not signed:
        return None, f"括号中的数（原文「{cv.raw.strip()}」）：此列不能为负，无法确定含义，可能是 {-v}"
    body = _count_body(cv.raw)
    if v != v.to_integral_value() or (("." in cv.raw or "．" in cv.raw)          # 2.1, also 2.0
                                      and _DOTTED.search(body) and not _CENTS.fullmatch(body)
                                      and not (whole_format and _ZERO_DECIMALS.fullmatch(body))):
        cand = re.sub(r"\D", "", clean(cv.raw).split("元")[0]) or "?"
        return None, f"计数不应有小数（原文「{cv.raw.strip()}」），可能是 {cand}"
    if abs(v) > bound:
        return None, f"计数 {v} 超过合理上限 {bound:,}（原文「{cv.raw.strip()}」）"
    if v < 0 and not signed:   # a count is never negative: a stray dash, an OCR'd rule — kept, flagged
        return v, cv.doubt or f"计数不应为负（原文「{cv.raw.strip()}」），可能是 {-v}"
    return v, cv.doubt


@lru_cache(maxsize=1 << 16)
def _count_body(raw: str) -> str:
    """A count cell's figure as printed: no markers, cleaned, without a note or share after it
    (26（45.5%）)."""
    body = clean(strip_markers(raw)[0])
    if note := _NOTE.fullmatch(body):
        body = note.group(1)
    return body


def money_value(cv: CellValue, scope_unit: str) -> tuple[Decimal | None, str]:
    """Money in 万元 and why it is doubtful: the cell's own unit wins over its scope's
    (column header > table caption > document); with no unit anywhere a non-zero amount is
    read as 万元 but doubtful."""
    v = cv.value
    if v is None:
        return None, cv.doubt
    if cv.bracketed:
        return None, f"括号中的数（原文「{cv.raw.strip()}」）：金额不能为负，无法确定含义"
    unit = cv.unit if cv.unit in _WAN else scope_unit
    doubt = cv.doubt
    if not unit and v != 0:
        doubt = doubt or f"单元格、表头、表格标注和全文都没有写金额单位（原文「{cv.raw.strip()}」），按万元读取，未必正确"
    if v < 0:   # a fee or a procurement total is never negative: kept as printed, flagged
        doubt = doubt or f"金额不应为负（原文「{cv.raw.strip()}」）"
    wan = to_wan_yuan(v, unit)
    if abs(wan) > MONEY_BOUND_WAN:
        return None, f"金额 {wan} 万元超过合理上限（原文「{cv.raw.strip()}」）"
    if len(wan.normalize().as_tuple().digits) > _EXACT_DIGITS:
        return None, f"金额 {wan} 万元的有效数字超过 {_EXACT_DIGITS} 位，无法精确存储（原文「{cv.raw.strip()}」）"
    return wan, doubt


def to_wan_yuan(value: Decimal, unit: str, default_unit: str = "万元") -> Decimal:
    """Money in 万元 whatever unit the cell (or, failing that, its header) used."""
    factor = _WAN.get(unit or default_unit, Decimal(1))
    return value if factor == 1 else value * factor


def to_json_number(value: Decimal | None, money: bool) -> int | float | None:
    """A JSON-friendly number: counts as int, money as float (int when whole)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)
