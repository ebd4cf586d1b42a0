"""Browser tests against a real ``streamlit run`` (Debian /usr/bin/chromium, never `playwright install`).

Run with ``pytest --e2e``; without the option every test here is skipped (tests/conftest.py).  Each test
module gets its own server (free port, fixture warehouse in a temp folder, stdout to a temp
file that is printed when the server fails to come up), as in Streamlit's own e2e harness.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.server import CHROMIUM, DashboardServer, wait_for_app  # noqa: F401 (tests import it from here)


@pytest.fixture(scope="session", autouse=True)
def _chromium_present():
    """The --e2e switch and the skip live in tests/conftest.py; here: no browser, no e2e run.
    CI sets GKNB_REQUIRE_E2E=1 so a missing browser fails instead of skipping."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("GKNB_REQUIRE_E2E"):
            pytest.fail(f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)")
        pytest.skip(f"{CHROMIUM} is missing")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update",
                     "--no-first-run", "--disable-sync", "--disable-quic"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1400, "height": 1000}, "accept_downloads": True}


class Server(DashboardServer):
    """The app on a fixture warehouse built by code (synth/fixture_warehouse.py) in ``folder``."""

    def __init__(self, folder: Path):
        from synth import fixture_warehouse as fx
        super().__init__(fx.build_warehouse(folder / "warehouse.duckdb"), folder)
        self.uploads = folder / "uploads"


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("e2e"))
    try:
        s.wait_healthy(30)
        yield s
    finally:
        s.stop()
        out = s.output()
        if "Traceback" in out:
            print(out)


@pytest.fixture(scope="module")
def bundled_server(tmp_path_factory):
    """The app on the bundled real figures: a copy of data/reports ingested into a temp warehouse."""
    import shutil

    from etl.warehouse import ingest
    folder = tmp_path_factory.mktemp("bundled")
    src = folder / "reports"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data" / "reports", src)
    db = folder / "warehouse.duckdb"
    assert ingest([src], db, workers=1, progress=False).ok
    s = DashboardServer(db, folder)
    try:
        s.wait_healthy(60)
        yield s
    finally:
        s.stop()


def nav_to(page, title: str) -> None:
    """Open the page ``title`` from the menu at the top (section dropdown, then the link)."""
    from app.ui import nav_section
    page.get_by_test_id("stTopNavSection").filter(has_text=nav_section(title)).click()
    page.get_by_test_id("stTopNavDropdownLink").filter(has_text=title).first.click()


def sign_in(page, name: str, password: str) -> None:
    """Sign in with a local account through a writing page's form (app/auth.py)."""
    from playwright.sync_api import expect
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    wait_for_app(page)
    expect(page.get_by_text(f"已登录：{name}", exact=False)).to_be_visible(timeout=30_000)
