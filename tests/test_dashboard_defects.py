"""Issue 10's defects and issue 11 item 9 through AppTest: each test fails on the dashboard before
the fix.  Two warehouses: the fictional fixture (synth/fixture_warehouse.py) and the bundled real
figures (data/reports, the sixteen corpus reports), loaded by the project's own ingest."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from app import queries as q
from app import ui
from etl import checks as chk
from etl.extract import parse_file
from synth import fixture_warehouse as fx
from tests.test_pages_apptest import APP, captions, metric, plotly_array

ROOT = Path(__file__).resolve().parent.parent
BUNDLE = ROOT / "data" / "reports"
HOSTILE = "[x](http://evil) **b** <script>alert(1)</script>局"


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    return fx.build_warehouse(tmp_path_factory.mktemp("wh") / "w.duckdb")


@pytest.fixture(scope="module")
def bundled_db(tmp_path_factory):
    from etl import warehouse as wh
    path = tmp_path_factory.mktemp("bundle") / "b.duckdb"
    summary = wh.ingest([BUNDLE], path, progress=False, workers=1)
    assert summary.ok and summary.loaded == len(list(BUNDLE.glob("*.json")))
    return path


@pytest.fixture(scope="module")
def hostile_db(fixture_db, tmp_path_factory):
    """The fixture with one agency renamed to markdown / HTML that must stay text."""
    path = tmp_path_factory.mktemp("hostile") / "h.duckdb"
    shutil.copy(fixture_db, path)
    con = duckdb.connect(str(path))
    aid = fx.AGENCY["dcf_gov"].agency_id
    con.execute("update dim_agency set name = ? where agency_id = ?", [HOSTILE, aid])
    con.execute("update dim_report set agency_name = ? where agency_id = ?", [HOSTILE, aid])
    con.close()
    return path


def run(db, monkeypatch, page="overview", state=None, query=None) -> AppTest:
    monkeypatch.setenv("GKNB_DB", str(db))
    monkeypatch.setenv("GKNB_REPORTS", str(BUNDLE))
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    for k, v in (state or {}).items():
        at.session_state[k] = v
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def texts(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "warning", "info", "error", "success"):
        out += [e.value for e in getattr(at, kind)]
    return out


def frames(at):
    for d in at.dataframe:
        v = d.value
        yield v.data if hasattr(v, "data") else v


# ------------------------------------------------------------------ 1. any two years, like for like
def test_change_across_a_gap_year(fixture_db, monkeypatch):
    a = fx.AGENCY["ha_mz"]                                   # no report for 2022
    at = run(fixture_db, monkeypatch, state={"agency": [a.agency_id], "years": (2021, 2023)})
    new = {y: fx.find("ha_mz", y).v("t3.new_received.total") for y in (2021, 2023)}
    delta = next(m for m in at.metric if m.label == "本年新收申请").delta
    assert delta == f"{new[2023] - new[2021]:+,.0f} 件（同口径）"
    assert any("与 2021 年相比" in c and "1 个机构" in c for c in captions(at))


def test_change_names_the_agencies_it_covers(fixture_db, monkeypatch):
    at = run(fixture_db, monkeypatch, state={"to_year": 2023, "from_year": 2022})
    both = {r.agency.name for r in fx.current() if r.year == 2022} & \
        {r.agency.name for r in fx.current() if r.year == 2023}
    cover = next(d for d in frames(at) if "覆盖" in d.columns)
    assert set(cover[cover["覆盖"] == "计入变化"]["机构"]) == both
    assert "淮安市民政局" in set(cover[cover["覆盖"] != "计入变化"]["机构"])


# ------------------------------------------------------------------ 2. years are categories, gaps stay gaps
def test_year_axis_is_categorical_with_gaps(fixture_db, monkeypatch):
    at = run(fixture_db, monkeypatch, state={"agency": [fx.AGENCY["ha_mz"].agency_id]})
    spec = charts(at)[0]
    assert spec["layout"]["xaxis"]["type"] == "category"
    assert spec["layout"]["xaxis"]["categoryarray"] == [str(y) for y in fx.YEARS]
    tr = next(t for t in spec["data"] if t["name"] == "本年新收")
    ys = dict(zip(tr["x"], plotly_array(tr["y"])))
    assert "2022" in ys and ys["2022"] != ys["2022"]            # a gap (NaN), not a line through
    assert not tr.get("connectgaps")


def test_procurement_years_are_categories(fixture_db, monkeypatch):
    at = run(fixture_db, monkeypatch, "procurement_fees")
    for spec in charts(at):
        assert spec["layout"]["xaxis"]["type"] == "category"


# ------------------------------------------------------------------ 3. trends across different agencies
def test_trend_says_when_agencies_differ(fixture_db, monkeypatch):
    at = run(fixture_db, monkeypatch)
    spec = charts(at)[0]
    sub = spec["layout"]["title"].get("subtitle", {}).get("text", "")
    assert "各年机构数不同" in sub and "2022年 5 个" in sub


def test_applicant_change_is_like_for_like(fixture_db, monkeypatch):
    at = run(fixture_db, monkeypatch, "applicants", state={"ap_to": 2022, "ap_from": 2021})
    table = next(d for d in frames(at) if "变化（件）" in d.columns).set_index("申请人")
    both = {r.agency.key for r in fx.current() if r.year == 2021} & {r.agency.key for r in fx.current() if r.year == 2022}
    want = {y: sum(r.v("t3.new_received.natural_person") for r in fx.current() if r.year == y and r.agency.key in both)
            for y in (2021, 2022)}
    assert table.loc["自然人", "变化（件）"] == want[2022] - want[2021]


# ------------------------------------------------------------------ 4. contradictory figures are flagged
def test_flagged_reports_are_said_next_to_the_figures(fixture_db, monkeypatch):
    at = run(fixture_db, monkeypatch, "review_litigation")
    warn = [w.value for w in at.warning if "校验未通过或读取不确定" in w.value]
    assert warn and "表三合计被拒 1 份" in warn[0]
    links = [e for e in at.get("page_link") if "数据质量" in e.proto.label]
    assert links


def test_contradiction_is_said_beside_the_figure_on_real_data(bundled_db, monkeypatch):
    """淮安市洪泽区 2023 (001) prints 复议 total 0 beside 结果纠正 1."""
    con = duckdb.connect(str(bundled_db), read_only=True)
    aid = con.execute("select agency_id from v_report where agency_name = '淮安市洪泽区人民政府'").fetchone()[0]
    con.close()
    at = run(bundled_db, monkeypatch, "review_litigation", state={"agency": [aid]})
    t = next(d for d in frames(at) if "已审结" in d.columns)
    row = t[(t["年度"] == "2023") & (t["类别"] == "行政复议")].iloc[0]
    assert row["结果纠正"] > row["已审结"] and "矛盾" in row["提示"]
    assert row["纠错率"] == "—"                      # no rate from a total the checks reject


def _rejected_t3(rep) -> bool:
    return any(c["status"] == "fail" and (c["check_id"] in ("I1.t3.total", "I2.t3.total")
                                          or c["check_id"].startswith("I3.t3."))
               for c in chk.run_checks(rep))


def test_rates_skip_totals_the_checks_reject_on_real_data(bundled_db, monkeypatch):
    reps = [parse_file(p) for p in sorted(BUNDLE.glob("*.json"))]
    y2019 = [r for r in reps if r.year == 2019]
    assert any(_rejected_t3(r) for r in y2019)            # 011: the 总计 column is blank
    ok = [r for r in y2019 if not _rejected_t3(r)]
    num = sum((r.cells.get("t3.granted.total") or 0) + (r.cells.get("t3.partially_granted.total") or 0) for r in ok)
    den = sum(r.cells.get("t3.result_total.total") or 0 for r in ok)
    at = run(bundled_db, monkeypatch, state={"to_year": 2019})
    assert metric(at, "公开率（予以公开+部分公开）") == q.fmt_rate(q.rate_value(num, den))


# ------------------------------------------------------------------ 6. provenance a person can follow
def test_report_shows_original_file_origin_and_one_based_positions(bundled_db, monkeypatch):
    con = duckdb.connect(str(bundled_db), read_only=True)
    rid = con.execute("select report_id from v_report where agency_name = '淮安市洪泽区人民政府' and year = 2023").fetchone()[0]
    stored = {k: (t, r, c) for k, t, r, c in con.execute(
        "select cell_key, source_table, source_row, source_col from fact_cell where report_id = ?", [rid]).fetchall()}
    con.close()
    at = run(bundled_db, monkeypatch, "report", query={"report": rid})
    meta = next(d for d in frames(at) if "项目" in d.columns).set_index("项目")["内容"]
    assert meta["原始文件"] == "001.pdf"
    assert "KIROGOVCOMPARE" in meta["来源"]
    assert any("github.com" in b.proto.url for b in at.get("link_button"))
    prov = next(d for d in frames(at) if "source_row" in d.columns)
    for k, t, r, c in zip(prov["cell_key"], prov["source_table"], prov["source_row"], prov["source_col"]):
        assert (t, r, c) == tuple(x + 1 for x in stored[k])          # people count from 1
    assert set(prov["file"]) == {"001.pdf"}


# ------------------------------------------------------------------ 7. counts export as integers
def test_csv_writes_counts_as_integers(fixture_db):
    con = duckdb.connect(str(fixture_db), read_only=True)
    long = q.q_export_long(con.cursor(), q.Filters())
    con.close()
    text = ui.csv_bytes(long).decode("utf-8-sig")
    assert not re.search(r",\d+\.0,", text)
    money = long[long["cell_key"].str.endswith("wan_yuan")]["value"].dropna()
    assert any(f",{v:g}," in text for v in money if v != int(v))        # money keeps its decimals
    assert json.loads(ui.json_bytes(long.head(50)))[0]["value"] == int(long["value"].iloc[0])


# ------------------------------------------------------------------ 8. 机构对比
def test_compare_opens_on_the_fullest_year_and_shows_one_table(fixture_db, monkeypatch):
    ids = [fx.AGENCY[k].agency_id for k in ("ha_mz", "ha_gov")]
    at = run(fixture_db, monkeypatch, "compare", state={"agency": ids, "years": (2021, 2022)})
    assert at.selectbox(key="cmp_year").value == 2021                    # 2022 has one of the two
    assert sum("rank" in d.columns for d in frames(at)) == 1


def test_compare_median_is_exact(fixture_db, monkeypatch):
    reps = {r.agency.key: r.v("t3.new_received.total") for r in fx.current() if r.year == 2024}
    pair = next((a, b) for a in reps for b in reps if a < b and (reps[a] + reps[b]) % 2 == 1)
    ids = [fx.AGENCY[k].agency_id for k in pair]
    at = run(fixture_db, monkeypatch, "compare",
             state={"agency": ids, "cmp_year": 2024, "cmp_metric": "new_received"})
    med = (reps[pair[0]] + reps[pair[1]]) / 2
    assert metric(at, "同侪中位数（参与排名的机构）") == f"{med:,.1f}"


# ------------------------------------------------------------------ 9. Chinese, never None / pass / fail
@pytest.mark.parametrize("page", ["overview", "compare", "quality", "report", "profile", "export", "metrics"])
def test_no_english_codes_or_none_shown(bundled_db, monkeypatch, page):
    at = run(bundled_db, monkeypatch, page)
    bad = re.compile(r"^(None|nan|NaN|pass|fail|warn|not_assessable|cell|split|order|number|blank|na|"
                     r"province|city|county|government|department)$")
    for d in frames(at):
        for col in d.columns:
            if d[col].dtype == object or str(d[col].dtype).startswith("str"):
                shown = {str(v) for v in d[col].tolist() if isinstance(v, str)}
                assert not {v for v in shown if bad.match(v)}, (col, shown)
    assert not [t for t in texts(at) if re.search(r"\bNone\b", t)]
    # Streamlit's multiselect offers an English "Select all" bulk action unless select_all=False
    assert all(m.proto.select_all == 0 for m in at.multiselect)
    assert page != "overview" or len(at.multiselect) >= 3          # the filter frame's three


# ------------------------------------------------------------------ 10. 缺失的年报
def test_missing_reports_only_inside_each_agencys_span(bundled_db, monkeypatch):
    reps = [parse_file(p) for p in sorted(BUNDLE.glob("*.json"))]
    years = {r.year for r in reps}
    by: dict[str, set[int]] = {}
    for r in reps:
        by.setdefault(r.agency, set()).add(r.year)
    want = sum(1 for ys in by.values() for y in years if min(ys) <= y <= max(ys) and y not in ys)
    at = run(bundled_db, monkeypatch, "quality")
    assert metric(at, "缺失的年报（机构×年度）") == f"{want} 份"


# ------------------------------------------------------------------ issue 11 item 9: report text stays text
@pytest.mark.parametrize("page", ["overview", "report", "profile", "compare", "quality", "review_litigation"])
def test_agency_name_is_never_markup(hostile_db, monkeypatch, page):
    aid = fx.AGENCY["dcf_gov"].agency_id
    rid = fx.find("dcf_gov", 2023).report_id
    at = run(hostile_db, monkeypatch, page, state={"agency": [aid]}, query={"report": rid})
    shown = "\n".join(texts(at))
    assert "当前筛选" in shown and "evil" in shown                   # the name is there, as text
    for raw in ("[x](http://evil)", "**b**", "<script>"):
        assert raw not in shown
    for spec in charts(at):
        assert "<script>" not in json.dumps(spec, ensure_ascii=False)
