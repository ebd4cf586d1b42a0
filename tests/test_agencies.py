"""Agency registry: canonical names from report titles, region placement, classification."""
from __future__ import annotations


import pytest

from etl.agencies import agency_id, canonical_agency, place_agency, region_rows


@pytest.mark.parametrize("raw,expected", [
    ("洪泽区人民政府", "淮安市洪泽区人民政府"),
    ("上海市科委", "上海市科学技术委员会"),
    ("沐阳县人民政府", "沭阳县人民政府"),
    ("沭阳县发改局", "沭阳县发展和改革局"),
    ("沭阳县发展和改革局", "沭阳县发展和改革局"),
    ("聊城市民政局", "聊城市民政局"),
    ("平潭综合实验区", "平潭综合实验区"),
    ("上海市人民政府办公厅", "上海市人民政府办公厅"),
    ("淮安市洪泽区人民政府", "淮安市洪泽区人民政府"),
    ("徐汇区人民政府", "上海市徐汇区人民政府"),          # district of a 直辖市
    ("2024 年上海市科委政府信息公开工作年度报告", "上海市科学技术委员会"),
    ("淮安市府办", "淮安市人民政府办公室"),
    # a second name in brackets: the full-width brackets official names print, however typed
    ("示例市农业农村局（示例市乡村振兴局）", "示例市农业农村局（示例市乡村振兴局）"),
    ("示例市农业农村局(示例市乡村振兴局)", "示例市农业农村局（示例市乡村振兴局）"),
])
def test_canonical_names(raw, expected):
    assert canonical_agency(raw)[0] == expected


def test_unchanged_names_have_no_warnings():
    for n in ("沭阳县发展和改革局", "聊城市民政局", "平潭综合实验区", "上海市人民政府办公厅", "沭阳县人民政府"):
        assert canonical_agency(n) == (n, [])


def test_ocr_warning_text():
    name, warnings = canonical_agency("沐阳县人民政府")
    assert name == "沭阳县人民政府"
    assert "机构名称疑似 OCR 错误：沐阳县 → 沭阳县" in warnings


def test_counties_and_county_cities_not_prefixed():
    assert canonical_agency("沭阳县人民政府")[0] == "沭阳县人民政府"
    assert canonical_agency("仙桃市人民政府")[0] == "仙桃市人民政府"


def test_ambiguous_district_is_not_guessed():
    name, warnings = canonical_agency("鼓楼区人民政府")
    assert name == "鼓楼区人民政府"
    assert any("不唯一" in w for w in warnings)
    assert place_agency(name)["name_source"] == "unplaced"


def test_bare_department_with_region_hint():
    assert canonical_agency("市科委", region_hint="上海市")[0] == "上海市科学技术委员会"
    assert canonical_agency("市科委")[0] == "市科学技术委员会"    # no hint: not invented


def test_no_fragment_expansion():
    # 科委 inside a longer word is not an abbreviation
    assert canonical_agency("上海市科委员会办公室")[0] == "上海市科委员会办公室"


@pytest.mark.parametrize("name,region_code,province,city,county,level,kind,source", [
    ("淮安市洪泽区人民政府", "320813", "江苏省", "淮安市", "洪泽区", "county", "government", "gazetteer"),
    ("上海市科学技术委员会", "310000", "上海市", None, None, "province", "department", "gazetteer"),
    ("沭阳县人民政府", "321322", "江苏省", "宿迁市", "沭阳县", "county", "government", "gazetteer"),
    ("沭阳县发展和改革局", "321322", "江苏省", "宿迁市", "沭阳县", "county", "department", "gazetteer"),
    ("聊城市民政局", "371500", "山东省", "聊城市", None, "city", "department", "gazetteer"),
    ("平潭综合实验区", "350128", "福建省", "平潭综合实验区", None, "city", "government", "override"),
    ("上海市人民政府办公厅", "310000", "上海市", None, None, "province", "department", "gazetteer"),
    ("淮安市洪泽区岔河镇人民政府", "320813", "江苏省", "淮安市", "洪泽区", "township", "government", "gazetteer"),
    ("上海市徐汇区人民政府", "310104", "上海市", "上海市", "徐汇区", "county", "government", "gazetteer"),
])
def test_place_agency(name, region_code, province, city, county, level, kind, source):
    p = place_agency(name)
    assert (p["region_code"], p["province"], p["city"], p["county"], p["level"], p["kind"], p["name_source"]) == (
        region_code, province, city, county, level, kind, source)
    assert p["agency_id"] == agency_id(name) and len(p["agency_id"]) == 12 and p["name"] == name


def test_kind_rules():
    assert place_agency("北京市城市管理委员会")["kind"] == "department"
    assert place_agency("平潭综合实验区管理委员会")["kind"] == "government"
    assert place_agency("平潭综合实验区财政金融局")["kind"] == "department"
    assert place_agency("淮安市住房和城乡建设局")["level"] == "city"      # 城乡 is not a township


def test_unplaced():
    p = place_agency("某某局")
    assert p["name_source"] == "unplaced" and p["region_code"] is None and p["level"] == "unknown"


def test_region_rows_tree():
    rows = region_rows()
    by_code = {r["region_code"]: r for r in rows}
    assert len(by_code) == len(rows) > 3000
    assert by_code["350128"]["name"] == "平潭综合实验区" and by_code["350128"]["level"] == "city"
    assert by_code["320813"]["parent_code"] == "320800"
    assert by_code["310104"]["parent_code"] == "310000"          # no 市辖区 placeholder
    assert not [r for r in rows if r["name"] in ("市辖区", "县", "省直辖县级行政区划")]
    for r in rows:
        assert r["level"] in ("province", "city", "county")
        assert (r["parent_code"] is None) == (r["level"] == "province")
        if r["parent_code"]:
            assert r["parent_code"] in by_code


@pytest.mark.parametrize("raw,expected", [
    ("聊城市民政局（本级）", "聊城市民政局"),            # a scope in brackets is no part of the name
    ("上海市科学技术委员会(汇总)", "上海市科学技术委员会"),
    ("沭阳县政府", "沭阳县人民政府"),                  # a government printed short
    ("上海市政府办公厅", "上海市人民政府办公厅"),
    ("示例甲省示例江市卫健委", "示例甲省示例江市卫生健康委员会"),   # an abbreviation after an unknown place
    ("示例市政府信息公开办公室", "示例市政府信息公开办公室"),         # 政府 not at the end: kept
    ("示例市人民政府办公室（示例市人民政府外事办公室）", "示例市人民政府办公室（示例市人民政府外事办公室）"),
])
def test_scope_suffix_and_short_names(raw, expected):
    name, warnings = canonical_agency(raw)
    assert name == expected and (warnings or name == raw)
