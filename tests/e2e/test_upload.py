"""Upload a structured report (the spec's JSON form) in the browser and load it into the warehouse."""
from __future__ import annotations

import duckdb
import pytest
from playwright.sync_api import expect

from etl import accounts
from synth import fixture_warehouse as fx
from tests.e2e.conftest import sign_in, wait_for_app

pytestmark = pytest.mark.e2e


def count_reports(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("select count(*) from v_report where agency_name = '测试县测试局'").fetchone()[0]
    finally:
        con.close()


def test_upload_loads_a_report(app_server, page, tmp_path):
    pytest.importorskip("etl.warehouse")
    pytest.importorskip("etl.extract")
    report = fx.write_report_json(tmp_path / "测试县测试局2024年报.json")
    assert count_reports(app_server.db) == 0
    page.goto(f"{app_server.url}/upload")
    wait_for_app(page)
    # writing needs a signed-in name: read-only until an account exists and its owner signs in
    expect(page.get_by_text("尚未配置登录", exact=False)).to_be_visible()
    expect(page.locator("input[type=file]")).to_have_count(0)
    accounts.add("上传员", "correct horse", app_server.folder / "accounts.toml")
    page.reload()
    wait_for_app(page)
    sign_in(page, "上传员", "correct horse")
    page.locator("input[type=file]").set_input_files(str(report))
    wait_for_app(page)
    expect(page.get_by_text("解析结果")).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="载入数据库").click()
    expect(page.get_by_text("已载入", exact=False)).to_be_visible(timeout=60_000)
    assert count_reports(app_server.db) == 1
    assert list(app_server.uploads.iterdir())
    # the new data shows without a restart (connection re-opened on the swapped file)
    page.goto(f"{app_server.url}/report")
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="年报").click()
    expect(page.get_by_role("option", name="测试县测试局 · 2024年", exact=False)).to_be_visible()
