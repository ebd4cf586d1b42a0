"""Every page in a real browser; filters survive page switches and reloads; CSV bytes equal the query."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest
from playwright.sync_api import expect

from app import queries as q
from app.ui import csv_bytes
from tests.e2e.conftest import nav_to, wait_for_app

pytestmark = pytest.mark.e2e

PAGES = {"": "总览", "proactive": "主动公开", "requests": "依申请公开", "applicants": "申请人构成",
         "procurement-fees": "采购与收费", "review-litigation": "复议诉讼", "compare": "机构对比",
         "quality": "数据质量", "report": "报告详情", "export": "数据导出", "upload": "导入年报",
         "assessment": "年报评估", "text-diff": "年报对照",
         "profile": "机构画像", "map": "地图", "metrics": "指标说明", "crawl": "采集"}


@pytest.mark.parametrize("url,title", PAGES.items())
def test_every_page_loads(app_server, page, url, title):
    page.goto(f"{app_server.url}/{url}", timeout=60_000)
    wait_for_app(page, 90_000)
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    if url in ("", "quality", "map", "profile"):
        expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
    shots = os.environ.get("GKNB_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{url or 'overview'}.png"), full_page=True)


def test_filter_survives_page_switch_and_reload(app_server, page):
    page.goto(app_server.url)
    wait_for_app(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_test_id("stSelectbox").filter(has_text="省份").click()
    page.get_by_role("option", name="江苏省").click()
    wait_for_app(page)
    assert "province=" in page.url and "江苏省" in unquote(page.url)
    expect(page.get_by_text("当前筛选：江苏省", exact=False).first).to_be_visible()
    nav_to(page, "依申请公开")
    wait_for_app(page)
    assert "/requests" in page.url and "江苏省" in unquote(page.url)
    expect(page.get_by_text("当前筛选：江苏省", exact=False).first).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_text("当前筛选：江苏省", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name="依申请公开", exact=True).first).to_be_visible()


def test_csv_download_equals_filtered_query(app_server, page):
    page.goto(f"{app_server.url}/export?province=山东省")
    wait_for_app(page)
    page.get_by_role("button", name="生成长表文件").click()
    wait_for_app(page)
    with page.expect_download() as dl:
        page.get_by_test_id("stDownloadButton").filter(has_text="下载长表 CSV").get_by_role("button").click()
    got = Path(dl.value.path()).read_bytes()
    assert dl.value.suggested_filename == "单元格_山东省_全部年度.csv"
    con = duckdb.connect(str(app_server.db), read_only=True)
    try:
        want = csv_bytes(q.q_export_long(con, q.Filters(province="山东省")))
    finally:
        con.close()
    assert got[:3] == b"\xef\xbb\xbf"
    assert got == want
