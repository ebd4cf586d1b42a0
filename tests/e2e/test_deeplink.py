"""A deep link as the very first request on a fresh server gets the frame (config, filters, nav)."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def test_first_request_deep_link_runs_through_frame(app_server, page):
    page.goto(f"{app_server.url}/report?province=山东省", timeout=60_000)
    wait_for_app(page, 90_000)
    page.wait_for_timeout(1000)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="报告详情", exact=True).first).to_be_visible()
    expect(page.get_by_test_id("stTopNavSection").filter(has_text="数据")).to_be_visible()
    expect(page.get_by_text("当前筛选：山东省", exact=False).first).to_be_visible()
