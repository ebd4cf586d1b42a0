"""Browser tests against a real ``streamlit run`` (Debian /usr/bin/chromium, never `playwright install`).

Run with ``pytest --e2e``; without the option every test here is skipped (tests/conftest.py).  Each test
module gets its own server (free port, fixture warehouse in a temp folder, stdout to a temp
file that is printed when the server fails to come up), as in Streamlit's own e2e harness.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, folder: Path):
        sys.path.insert(0, str(ROOT))
        from tests import dashboard_fixtures as fx
        self.folder = folder
        self.db = fx.build_warehouse(folder / "warehouse.duckdb")
        self.uploads = folder / "uploads"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 — lives as long as the server
        env = {**os.environ, "GKNB_DB": str(self.db), "GKNB_UPLOADS": str(self.uploads),
               "GKNB_REPORTS": str(folder / "no-bundled-reports")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 30) -> None:
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not start:\n{self.output()}")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="module")
def app_server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("e2e"))
    try:
        s.wait_healthy()
        yield s
    finally:
        s.stop()
        out = s.output()
        if "Traceback" in out:
            print(out)


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the script run that the last action triggered has finished (Streamlit's wait_for_app_run)."""
    from playwright.sync_api import expect
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
