"""复核 in Chromium on the bundled real figures: sign in with a local account, resolve the
first flagged cell of the queue, see 报告详情 mark it, and download the corrections list."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from etl import accounts
from tests.e2e.conftest import sign_in, wait_for_app

pytestmark = pytest.mark.e2e


def test_resolve_a_flagged_cell_and_see_it_on_the_report_page(bundled_server, page):
    server = bundled_server
    page.goto(f"{server.url}/review", timeout=90_000)
    wait_for_app(page, 120_000)
    box = page.get_by_label("复核值（按年报原件填写）")
    expect(box).to_be_disabled()                       # read-only: no sign-in configured yet
    accounts.add("复核员", "correct horse", server.folder / "accounts.toml")
    page.reload()
    wait_for_app(page, 120_000)
    sign_in(page, "复核员", "correct horse")
    box = page.get_by_label("复核值（按年报原件填写）")
    old = box.input_value()
    new = str(int(float(old or 0)) + 1)
    box.fill(new)
    box.press("Enter")
    wait_for_app(page)
    page.get_by_label("理由", exact=False).first.fill("按原件核对")
    page.get_by_label("理由", exact=False).first.press("Tab")
    wait_for_app(page)
    page.get_by_role("button", name="提交更正").click()
    wait_for_app(page)
    expect(page.get_by_text("已更正", exact=False)).to_be_visible(timeout=60_000)
    con = duckdb.connect(str(server.db), read_only=True)
    try:
        rid, key, value, who = con.execute("select report_id, cell_key, new_value, reviewer from correction").fetchall()[0]
    finally:
        con.close()
    assert value == float(new) and who == "复核员"
    # 报告详情 uses and marks the corrected figure
    page.goto(f"{server.url}/report?report={rid}")
    wait_for_app(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="人工复核更正")).to_contain_text("1")
    expect(page.get_by_text("经人工复核更正", exact=False)).to_be_visible()
    # the corrections list downloads as CSV
    page.goto(f"{server.url}/review")
    wait_for_app(page)
    page.get_by_role("tab", name="复核记录", exact=False).click()
    wait_for_app(page)
    with page.expect_download() as dl:
        page.get_by_test_id("stDownloadButton").filter(has_text="下载复核清单").get_by_role("button").click()
    got = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    assert key in got and "复核员" in got and "已生效" in got
