"""A user's walk on the bundled real figures (data/reports): filter → any-two-years change →
机构画像 → drill-down → export, plus the share button, in Chromium."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import duckdb
import pytest
from playwright.sync_api import expect

from app import queries as q
from app.ui import csv_bytes
from tests.e2e.conftest import nav_to, wait_for_app

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def params(page) -> dict:
    return {k: v for k, v in parse_qs(urlparse(page.url).query).items()}


def test_walk_filter_change_profile_drill_export(bundled_server, page):
    page.goto(bundled_server.url, timeout=90_000)
    wait_for_app(page, 120_000)
    # 1. filter: one province (平潭综合实验区 reported all seven years)
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text="省份").click()
    page.get_by_role("option", name="福建省").click()
    wait_for_app(page)
    expect(page.get_by_text("当前筛选：福建省", exact=False).first).to_be_visible()
    # 2. any two years: 2025 against 2019, like for like, stated on the page and kept in the URL
    page.get_by_test_id("stSelectbox").filter(has_text="对比年度").click()
    page.get_by_role("option", name="2019", exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text("与 2019 年相比", exact=False).first).to_be_visible()
    assert params(page).get("from_year") == ["2019"]
    delta = page.get_by_test_id("stMetric").filter(has_text="本年新收申请").get_by_test_id("stMetricDelta")
    expect(delta).to_contain_text("同口径")
    # share: the button copies the address with every choice in it
    frame = page.frame_locator("iframe[title='st.iframe']").first
    frame.get_by_role("button").click()
    got = frame.locator("#u").input_value()
    assert "from_year=2019" in got and "province=" in got
    # 3. 机构画像 keeps the filter and opens on the province's agency
    nav_to(page, "机构画像")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="平潭综合实验区").first).to_be_visible()
    assert "profile=" in page.url and "福建省" in unquote(page.url)
    # 4. drill-down: click a point of the trend → the reports behind it, with links to 报告详情
    chart = page.get_by_test_id("stPlotlyChart").first
    chart.scroll_into_view_if_needed()
    chart.locator(".scatterlayer .trace .points path").first.click(force=True)
    wait_for_app(page)
    expect(page.get_by_text("背后的 1 份年报", exact=False).first).to_be_visible(timeout=30_000)
    # 5. export: built on request, then the CSV equals the filtered query
    nav_to(page, "数据导出")
    wait_for_app(page)
    expect(page.get_by_test_id("stDownloadButton")).to_have_count(0)
    page.get_by_role("button", name="生成宽表文件").click()
    wait_for_app(page)
    with page.expect_download() as dl:
        page.get_by_test_id("stDownloadButton").filter(has_text="下载宽表 CSV").get_by_role("button").click()
    got = Path(dl.value.path()).read_bytes()
    con = duckdb.connect(str(bundled_server.db), read_only=True)
    try:
        want = csv_bytes(q.q_export_wide(con, q.Filters(province="福建省")))
    finally:
        con.close()
    assert got == want
