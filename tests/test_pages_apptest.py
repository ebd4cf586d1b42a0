"""Every page through AppTest (no browser): no exception, and the numbers shown equal the fixture's.

One AppTest per scenario, state seeded before the first run (stack.md §1.10: frame widgets
vanish from AppTest after a rerun in st.navigation apps).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from synth import fixture_warehouse as fx

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGES = ["overview", "proactive", "requests", "applicants", "procurement_fees", "review_litigation",
         "compare", "quality", "report", "export", "upload", "review", "assessment", "text_diff", "profile", "map", "metrics", "crawl"]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fx.build_warehouse(tmp_path_factory.mktemp("wh") / "w.duckdb")


@pytest.fixture()
def app(db, monkeypatch, tmp_path):
    monkeypatch.setenv("GKNB_DB", str(db))
    monkeypatch.setenv("GKNB_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.setenv("GKNB_ACCOUNTS", str(tmp_path / "accounts.toml"))   # none: writing pages read-only

    def make(page: str = "overview", query: dict | None = None, state: dict | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        for k, v in (query or {}).items():
            at.query_params[k] = v
        for k, v in (state or {}).items():
            at.session_state[k] = v
        at.run()
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


def plotly_array(a) -> list:
    """Plotly 7 serialises numeric arrays as typed arrays ({dtype, bdata}); decode either form."""
    if isinstance(a, dict) and "bdata" in a:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(a["bdata"]), dtype=a["dtype"]).tolist()
    return list(a)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(app, page):
    at = app(page)
    assert at.title
    assert not at.error
    if page not in ("upload", "metrics"):
        assert any(c.startswith("当前筛选：") for c in captions(at))
        assert not at.warning or all("示例" not in w.value for w in at.warning)


def test_overview_headline_equals_fixture(app):
    at = app()
    reps = [r for r in fx.current() if r.year == 2024]
    prev = [r for r in fx.current() if r.year == 2023]
    new = sum(r.v("t3.new_received.total") for r in reps)
    assert metric(at, "本年新收申请") == f"{new:,.0f}"
    num = sum(r.v("t3.granted.total") + r.v("t3.partially_granted.total") for r in reps)
    den = sum(r.v("t3.result_total.total") for r in reps)
    assert metric(at, "公开率（予以公开+部分公开）") == f"{num / den * 100:.1f}%"
    delta = next(m for m in at.metric if m.label == "本年新收申请").delta
    assert delta == f"{new - sum(r.v('t3.new_received.total') for r in prev):+,.0f} 件（同口径）"
    charts = at.get("plotly_chart")
    assert len(charts) >= 3
    spec = json.loads(charts[0].proto.spec)
    ys = plotly_array([t for t in spec["data"] if t["name"] == "本年新收"][0]["y"])
    assert ys[-1] == new


def test_filter_from_url_applies(app):
    # bound multiselects put the option's label in the URL (?level=县级), as Streamlit serialises it
    at = app(query={"province": "江苏省", "level": ["县级"]})
    reps = [r for r in fx.current() if r.year == 2024 and r.agency.region[4] == "江苏省" and r.agency.level == "county"]
    assert metric(at, "本年新收申请") == f"{sum(r.v('t3.new_received.total') for r in reps):,.0f}"
    assert "当前筛选：江苏省 · 县级 · 全部年度" in captions(at)


def test_the_agency_filter_travels_in_the_url_as_its_id_and_old_name_links_still_work(app):
    a = fx.AGENCY["ha_mz"]
    reps = [r for r in fx.current() if r.year == 2024 and r.agency.key == "ha_mz"]
    want = f"{sum(r.v('t3.new_received.total') for r in reps):,.0f}"
    for given in (a.agency_id, a.name):             # ?agency=<id>, and a link from before (?agency=<name>)
        at = app(query={"agency": given})
        assert metric(at, "本年新收申请") == want
        assert any(c.endswith(a.name) for c in captions(at) if c.startswith("当前筛选："))
        assert at.query_params.get("agency") == a.agency_id      # the URL now carries the id
    at = app(query={"agency": "不存在的机构"})                     # an unknown name or id: no filter, dropped
    assert "agency" not in at.query_params
    assert "当前筛选：全国 · 全部年度" in captions(at)


def test_synthetic_toggle_adds_banner_and_data(app):
    at = app(state={"synthetic": True})
    assert any("包含示例（虚构）数据" in w.value for w in at.warning)
    reps = [r for r in fx.current(include_synthetic=True) if r.year == 2024]
    assert metric(at, "本年新收申请") == f"{sum(r.v('t3.new_received.total') for r in reps):,.0f}"


def test_procurement_page_numbers(app):
    at = app("procurement_fees")
    reps = [r for r in fx.current() if r.template == "2019"]
    amount = sum(r.v("t2.centralized_procurement.procurement_amount_wan_yuan") for r in reps)
    assert metric(at, "采购总金额（万元）") == f"{amount:,.2f}"
    fee = sum(r.v("t2.admin_fees.fee_amount_wan_yuan") for r in fx.current() if r.template == "2021")
    assert metric(at, "收费金额合计（万元）") == f"{fee:,.2f}"


def test_quality_page_numbers(app):
    at = app("quality")
    assert metric(at, "校验未通过（本年报内）") == "2 项"
    assert metric(at, "读取不确定的单元格") == "2 个"
    assert metric(at, "缺失的年报（机构×年度）") == "1 份"
    fails = at.dataframe[0].value
    assert set(fails["agency_name"]) == {"淮安市人民政府"} and sorted(fails["delta"]) == [-2.0, 2.0]


def test_report_page_reads_id_from_url(app):
    r = fx.find("dcf_gov", 2023)
    at = app("report", query={"report": r.report_id})
    assert metric(at, "单元格") == str(len(r.cells))
    assert metric(at, "读取不确定") == "1"
    t3 = next(d.value for d in at.dataframe if "自然人" in getattr(d.value, "columns", []))
    data = t3.data if hasattr(t3, "data") else t3
    assert data.loc["一、本年新收政府信息公开申请数量", "总计"] == f"{r.cells['t3.new_received.total']:g}"


def test_compare_page_keeps_small_samples_out_of_ranking(app):
    at = app("compare", state={"cmp_year": 2024, "cmp_metric": "disclosure_rate"})
    table = at.dataframe[-1].value
    small = table[table["agency_name"] == "聊城市民政局"].iloc[0]
    assert bool(small["small_sample"]) and small["rank"] != small["rank"]
    assert table["rank"].min() == 1


def test_review_page_decided_cases(app):
    at = app("review_litigation")
    df = next(d.value for d in at.dataframe if "已审结" in d.value.columns)
    row = df[(df["年度"] == "2024") & (df["类别"] == "行政复议")].iloc[0]
    reps = [r for r in fx.current() if r.year == 2024]
    corr = sum(r.v("t4.admin_reconsideration.corrected") for r in reps)
    dec = sum(r.v("t4.admin_reconsideration.total") - r.v("t4.admin_reconsideration.pending") for r in reps)
    assert row["已审结"] == dec and row["纠错率"] == f"{corr / dec * 100:.1f}%"


def test_export_builds_files_only_when_asked(app):
    """Defect 7: the page shows no file until asked; after 生成 the CSV/JSON/Parquet buttons appear."""
    at = app("export")
    assert not at.get("download_button")
    assert {"生成长表文件", "生成宽表文件"} <= {b.label for b in at.button}
    at.button(key="ex_build_wide").click().run()
    assert not at.exception
    labels = {b.label for b in at.get("download_button")}
    assert {"下载宽表 CSV", "下载宽表 JSON", "下载宽表 Parquet"} <= labels


def _published_late(db, monkeypatch, tmp_path) -> tuple[str, str, int]:
    """A copy of the fixture warehouse where one department's report was published 10 days late
    and read by OCR: (report_id, agency_id, year)."""
    import shutil

    import duckdb
    wh = tmp_path / "w.duckdb"
    shutil.copy(db, wh)
    con = duckdb.connect(str(wh))
    rid, aid, year = con.execute("""select r.report_id, r.agency_id, r.year from dim_report r join dim_agency a using (agency_id)
                               where r.is_current and a.kind = 'department' and a.level in ('province', 'city', 'county')
                               and not r.is_synthetic order by r.report_id limit 1""").fetchone()
    con.execute("update dim_report set published_at = ?, published_at_method = 'meta', read_by_ocr = true "
                "where report_id = ?", [f"{year + 1}-02-10", rid])
    con.close()
    monkeypatch.setenv("GKNB_DB", str(wh))
    monkeypatch.setenv("GKNB_UPLOADS", str(tmp_path / "uploads"))
    return rid, aid, year


def test_quality_and_profile_pages_show_timeliness(db, monkeypatch, tmp_path):
    rid, aid, year = _published_late(db, monkeypatch, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/quality.py").run()
    assert not at.exception
    assert metric(at, "逾期") == "1"
    assert any(s.value.startswith("版本冲突") for s in at.subheader)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["profile"] = aid
    at.run()
    at.switch_page("pages/profile.py").run()
    assert not at.exception
    assert any(f"{year}年 逾期 10 天" in c for c in captions(at))


def test_report_page_says_when_published_whether_on_time_and_how_read(db, monkeypatch, tmp_path):
    """报告详情 shows the publication date, timeliness (条例第四十九条) and OCR reading of a report."""
    rid, _, year = _published_late(db, monkeypatch, tmp_path)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["report"] = rid
    at.run()
    at.switch_page("pages/report.py").run()
    assert not at.exception
    meta = next(d.value for d in at.dataframe if "项目" in getattr(d.value, "columns", []))
    rows = dict(zip(meta["项目"], meta["内容"]))
    assert rows["发布日期"].startswith(f"{year + 1}-02-10")
    assert rows["按时公布"] == "逾期 10 天"          # departments: 31 January
    assert rows["读取方式"].startswith("OCR")
    assert any("OCR" in i.value for i in at.info)
