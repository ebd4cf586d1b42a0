"""Agency registry: canonical names, region placement and classification of reporting agencies.

Regions come from the gazetteer shipped with the ``cpca`` package
(``cpca/resources/adcodes.csv``: 3,500 provinces, cities and counties with their GB/T 2260
codes) read directly into memory once (:func:`gazetteer`, cached), plus
``data/agency_overrides.csv`` for places cpca lacks or gets wrong (平潭综合实验区).  We do not
call ``cpca.transform`` per name: it builds a pandas DataFrame per call and is ~100× slower
than a dictionary walk over the same gazetteer, and it silently guesses ambiguous districts.

Name rules (:func:`canonical_agency`):

* a department abbreviation printed alone after the place is expanded from the small table
  :data:`ABBREVIATIONS` (市科委 → 市科学技术委员会, 发改局 → 发展和改革局, 市府办 →
  市人民政府办公室 …); only whole abbreviations are expanded, never fragments of a name;
* a city district (市辖区, name ending in 区) printed without its city gets the city in front
  (洪泽区人民政府 → 淮安市洪泽区人民政府; districts of 直辖市 get the municipality);
  counties (县) and county-level cities are left as printed (沭阳县人民政府);
* a bare ``市科委`` with a known region (``region_hint``) gets the region in front;
* a place name not in the gazetteer that is one *visually similar* character away from
  exactly one real place is corrected with a warning (OCR: 沐阳县 → 沭阳县).  "Visually
  similar" = listed in :data:`CONFUSABLES`, or both characters in the same stretch of the
  CJK block (≤ 160 code points apart — the block is ordered by radical then stroke count, so
  this means same radical, similar stroke count: 沐 U+6C90 / 沭 U+6CAD).

Classification (:func:`place_agency`): ``level`` is the level of the most specific region in
the name (province-level for 直辖市 and their departments, township for 乡/镇/街道);
``kind`` is ``government`` for a 人民政府, a 管委会/管理委员会 of an area, a 街道办事处 and an
area named alone (平潭综合实验区); everything else is a ``department`` — including the
government's general office (人民政府办公厅/办公室), which publishes a report of its own beside
the government's (the corpus manifest classes 上海市人民政府办公厅 as a department), so counting
it as a government would count one government twice.  A name whose place cannot be settled is ``name_source = 'unplaced'`` with
``level = 'unknown'``.
"""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

OVERRIDES_CSV = Path(__file__).resolve().parent.parent / "data" / "agency_overrides.csv"

#: Province-level municipalities (直辖市): their districts belong directly to them.
MUNICIPALITIES = ("11", "12", "31", "50")
#: cpca rows that are not real cities (placeholders between a province and its counties).
_PLACEHOLDER_CITIES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

#: Common department abbreviations (as printed in report titles) → full names.
#: Expanded only when the abbreviation is the whole department part of the name.
ABBREVIATIONS: dict[str, str] = {
    "科委": "科学技术委员会",
    "科技局": "科学技术局",
    "发改委": "发展和改革委员会",
    "发改局": "发展和改革局",
    "府办": "人民政府办公室",
    "政府办": "人民政府办公室",
    "人社局": "人力资源和社会保障局",
    "住建局": "住房和城乡建设局",
    "住建委": "住房和城乡建设委员会",
    "卫健委": "卫生健康委员会",
    "卫健局": "卫生健康局",
    "市监局": "市场监督管理局",
    "市场监管局": "市场监督管理局",
    "工信局": "工业和信息化局",
    "经信委": "经济和信息化委员会",
    "教委": "教育委员会",
    "文旅局": "文化和旅游局",
    "交通局": "交通运输局",
    "应急局": "应急管理局",
    "医保局": "医疗保障局",
    "退役军人局": "退役军人事务局",
    "城管局": "城市管理局",
    "国资委": "国有资产监督管理委员会",
    "生态环境局": "生态环境局",
    "资规局": "自然资源和规划局",
}

#: OCR confusions between characters of different radicals (the same-radical case is covered
#: by the code-point rule).  Each string is one group of mutually confusable characters.
CONFUSABLES: tuple[str, ...] = (
    "己已巳", "日曰", "未末", "土士", "天夭", "人入八", "凤风", "乌鸟", "戌戍戊", "兰当",
    "阳阴", "汩汨", "冶治", "沐沭", "茅茆", "壶壸", "崇祟", "候侯", "拔拨", "眯咪",
)

_PLACE_SUFFIX = "省市区县旗州盟"
_TOWNSHIP = re.compile(r"^([\u4e00-\u9fff]{1,10}?(?:街道|镇|乡))(?=(?:人民政府|政府|办事处)?$)")
_YEAR_PREFIX = re.compile(r"^(?:19|20)\d\d\s*年度?")
_TITLE_TAIL = re.compile(r"(?:政府信息公开(?:工作)?)?(?:年度)?(?:工作)?报告$")


@dataclass(frozen=True)
class Region:
    code: str          # 6 digits
    name: str
    level: str         # province | city | county
    parent_code: str | None
    province: str
    city: str | None
    county: str | None
    source: str = "gazetteer"   # gazetteer | override


@dataclass
class Gazetteer:
    regions: dict[str, Region]                    # code → region
    by_name: dict[str, list[Region]]              # name (and alias) → regions
    by_pattern: dict[str, list[str]]              # name with one char as '?' → names
    max_len: int


def _cpca_csv() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.origin:
        raise RuntimeError("the cpca package is required for the region gazetteer (pip install cpca)")
    return Path(spec.origin).parent / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """Read cpca's adcodes.csv and the overrides once; index names for prefix matching."""
    raw: dict[str, str] = {}
    with open(_cpca_csv(), encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            raw[rec["adcode"][:6]] = rec["name"]
    regions: dict[str, Region] = {}
    for code, name in raw.items():
        pcode = code[:2] + "0000"
        province = raw.get(pcode, name)
        if code.endswith("0000"):
            regions[code] = Region(code, name, "province", None, name, None, None)
        elif code.endswith("00"):
            if name in _PLACEHOLDER_CITIES:
                continue
            regions[code] = Region(code, name, "city", pcode, province, name, None)
        elif name in _PLACEHOLDER_CITIES:       # county-level "市辖区" rows of old codes
            continue
        else:
            ccode = code[:4] + "00"
            cname = raw.get(ccode)
            if cname is None or cname in _PLACEHOLDER_CITIES:
                city = province if code[:2] in MUNICIPALITIES else None
                regions[code] = Region(code, name, "county", pcode, province, city, name)
            else:
                regions[code] = Region(code, name, "county", ccode, province, cname, name)
    aliases: dict[str, str] = {}
    if OVERRIDES_CSV.exists():
        with open(OVERRIDES_CSV, encoding="utf-8") as f:
            for rec in csv.DictReader(f):
                code = rec["region_code"].strip()
                regions[code] = Region(code, rec["name"].strip(), rec["level"].strip(),
                                       rec["parent_code"].strip() or None, rec["province"].strip(),
                                       rec["city"].strip() or None, rec["county"].strip() or None,
                                       source="override")
                for a in (rec.get("aliases") or "").split(";"):
                    if a.strip():
                        aliases[a.strip()] = code
    by_name: dict[str, list[Region]] = {}
    for r in regions.values():
        by_name.setdefault(r.name, []).append(r)
    for alias, code in aliases.items():
        by_name[alias] = [regions[code]]
    by_pattern: dict[str, list[str]] = {}
    for name in by_name:
        for i in range(len(name) - 1):          # never the suffix character
            by_pattern.setdefault(name[:i] + "?" + name[i + 1:], []).append(name)
    return Gazetteer(regions, by_name, by_pattern, max(len(n) for n in by_name))


def _is_descendant(r: Region, anc: Region) -> bool:
    if r.level == "province" or anc.level == "county" or r.code == anc.code:
        return False
    if anc.level == "province":
        return r.code[:2] == anc.code[:2]
    return r.parent_code == anc.code


def _similarity(a: str, b: str) -> int:
    """2 = a known OCR confusion, 1 = same radical and similar stroke count, 0 = unrelated."""
    if any(a in g and b in g for g in CONFUSABLES):
        return 2
    if "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff" and abs(ord(a) - ord(b)) <= 160:
        return 1
    return 0


def _ocr_candidate(text: str, chain: list[Region]) -> tuple[str, str] | None:
    """(printed, real) if ``text`` starts with a non-place one similar character from exactly one place.

    Known confusions (:data:`CONFUSABLES`) win; the weaker code-point rule is used only when no
    known confusion applies, and only if it leaves exactly one place.
    """
    gz = gazetteer()
    for length in range(min(gz.max_len, len(text)), 1, -1):
        s = text[:length]
        if s[-1] not in _PLACE_SUFFIX or s in gz.by_name:
            continue
        found: dict[int, set[str]] = {1: set(), 2: set()}
        for i in range(length - 1):
            for name in gz.by_pattern.get(s[:i] + "?" + s[i + 1:], ()):
                sim = _similarity(s[i], name[i])
                if sim and any(not chain or _is_descendant(r, chain[-1]) for r in gz.by_name[name]):
                    found[sim].add(name)
        for strength in (2, 1):
            if len(found[strength]) == 1:
                return s, found[strength].pop()
            if found[strength]:
                return None
    return None


@dataclass
class _Parse:
    chain: list[Region]
    rest: str
    ambiguous: list[Region]
    text: str                # the name with OCR corrections applied
    warnings: list[str]


def _parse(name: str, fix_ocr: bool = True) -> _Parse:
    """Walk the leading place names (province → city → county) of an agency name."""
    gz = gazetteer()
    chain: list[Region] = []
    warnings: list[str] = []
    i, text = 0, name
    while i < len(text):
        hit: list[Region] = []
        for length in range(min(gz.max_len, len(text) - i), 1, -1):
            cands = gz.by_name.get(text[i:i + length])
            if cands:
                hit = [r for r in cands if not chain or _is_descendant(r, chain[-1])]
                if hit:
                    break
        if not hit and fix_ocr:
            ocr = _ocr_candidate(text[i:], chain)
            if ocr:
                printed, real = ocr
                warnings.append(f"机构名称疑似 OCR 错误：{printed} → {real}")
                text = text[:i] + real + text[i + len(printed):]
                continue
        if not hit:
            break
        if len(hit) > 1:
            return _Parse(chain, text[i:], hit, text, warnings)
        chain.append(hit[0])
        i += len(hit[0].name) if text.startswith(hit[0].name, i) else length
    return _Parse(chain, text[i:], [], text, warnings)


#: NFKC turns a name's full-width brackets into ASCII ones; official names print （）.
_WIDE_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def _clean(raw: str) -> str:
    s = unicodedata.normalize("NFKC", raw or "").translate(_WIDE_BRACKETS)
    s = re.sub(r"\s+", "", s)
    s = _YEAR_PREFIX.sub("", s)
    s = _TITLE_TAIL.sub("", s) if len(s) > 6 else s
    return s


def _expand(rest: str) -> str:
    """Expand a whole department abbreviation, optionally after a bare 省/市/区/县."""
    lead = rest[:1] if rest[:1] in "省市区县" and rest[1:] in ABBREVIATIONS else ""
    core = rest[len(lead):]
    return lead + ABBREVIATIONS[core] if core in ABBREVIATIONS else rest


#: a report's scope printed after the agency (示例局（本级）, （汇总）): no part of its name
_SCOPE = re.compile(r"[（(](本级|机关本级|局本级|本部|汇总|合并|全系统|系统汇总|含下属单位|含所属单位)[）)]$")
#: a government printed short (示例县政府, 示例市政府办公厅): its name is 人民政府 (a
#: 特别行政区政府 is named so)
_GOVERNMENT_SHORT = re.compile(r"(?<=[省市县区旗州盟镇乡])(?<!行政区)政府(?=(?:办公室|办公厅)?$)")


def _expand_unplaced(name: str) -> str:
    """A department abbreviation ending a name whose place the gazetteer does not know
    (示例市卫健委): expanded when a place word (省/市/县/区…) stands right before it."""
    for short in sorted(ABBREVIATIONS, key=len, reverse=True):
        head = name[: -len(short)]
        if name.endswith(short) and len(head) >= 2 and head[-1] in _PLACE_SUFFIX:
            return head + ABBREVIATIONS[short]
    return name


def canonical_agency(raw: str, region_hint: str | None = None) -> tuple[str, list[str]]:
    """Canonical agency name and warnings, from the agency as printed in a report title.

    ``region_hint`` (optional) is a place known from elsewhere (site, folder, report body),
    used only to complete a bare ``市科委``-style name.  A scope in brackets after the name
    (（本级）, （汇总）) is dropped with a warning; a government printed short (…县政府,
    …市政府办公厅) gets its full name (…县人民政府).
    """
    s = _clean(raw)
    if not s:
        return s, ["机构名称为空"]
    scope = _SCOPE.search(s)
    scope_warning = []
    if scope and len(s) - len(scope.group(0)) >= 2:
        s = s[: scope.start()]
        scope_warning = [f"报告范围：{scope.group(1)}（不是机构名称的一部分）"]
    full = _GOVERNMENT_SHORT.sub("人民政府", s)
    if full != s:
        scope_warning.append(f"机构简称已展开：{s} → {full}")
        s = full
    p = _parse(s)
    warnings = scope_warning + list(p.warnings)
    if p.ambiguous:
        places = "、".join(f"{r.province}{r.city or ''}" for r in p.ambiguous[:4])
        warnings.append(f"机构所在地不唯一：{p.ambiguous[0].name}（{places}）")
        return p.text, warnings
    rest = _expand(p.rest)
    if rest == p.rest and not p.chain:
        rest = _expand_unplaced(rest)
    if rest != p.rest:
        warnings.append(f"机构简称已展开：{p.rest} → {rest}")
    chain = list(p.chain)
    prefix = "".join(r.name for r in chain)
    if not chain and region_hint and rest[:1] in "省市区县" and rest != p.rest:
        hint = _parse(_clean(region_hint), fix_ocr=False).chain
        if hint and hint[-1].name.endswith(rest[0]):
            prefix, rest = "".join(r.name for r in hint), rest[1:]
            warnings.append(f"机构名称补全地区：{region_hint}")
    elif chain and chain[0].level == "county" and chain[0].name.endswith("区") and chain[0].source == "gazetteer":
        parent = gazetteer().regions.get(chain[0].parent_code or "")
        in_municipality = parent is not None and parent.level == "province" and parent.code[:2] in MUNICIPALITIES
        if in_municipality or (parent is not None and parent.level == "city"):
            prefix = parent.name + prefix
    return prefix + rest, warnings


def _kind(rest: str) -> str:
    if rest == "" or re.fullmatch(r"(?:人民)?政府", rest):
        return "government"
    if re.search(r"(?:管委会|管理委员会|街道办事处)$", rest) and "城市管理" not in rest:
        return "government"
    return "department"


@lru_cache(maxsize=65536)
def _place(name: str) -> tuple[tuple[str, Any], ...]:
    p = _parse(name, fix_ocr=False)
    out: dict[str, Any] = {"agency_id": agency_id(name), "name": name, "region_code": None,
                           "province": None, "city": None, "county": None, "level": "unknown",
                           "kind": "department", "name_source": "unplaced"}
    rest = p.rest
    if p.ambiguous:
        provinces = {r.province for r in p.ambiguous}
        if len(provinces) == 1:
            out["province"] = provinces.pop()
        rest = rest[len(p.ambiguous[0].name):]
    elif p.chain:
        r = p.chain[-1]
        out.update(region_code=r.code, province=r.province, city=r.city, county=r.county,
                   level=r.level, name_source="override" if any(c.source == "override" for c in p.chain) else "gazetteer")
        m = _TOWNSHIP.match(rest)
        if m:
            out["level"] = "township"
            rest = rest[len(m.group(1)):] or "人民政府"
    out["kind"] = _kind(rest)
    return tuple(out.items())


def place_agency(name: str) -> dict[str, Any]:
    """Region, level and kind of an agency (give it the canonical name)."""
    return dict(_place(name))


def agency_id(name: str) -> str:
    """Stable id: first 12 hex of the sha1 of the canonical name."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]


def region_rows() -> list[dict[str, Any]]:
    """Rows of dim_region: every province, city and county (gazetteer + overrides)."""
    return [{"region_code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent_code,
             "province": r.province, "city": r.city, "county": r.county}
            for r in sorted(gazetteer().regions.values(), key=lambda r: r.code)]
