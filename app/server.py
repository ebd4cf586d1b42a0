"""Run the dashboard as a ``streamlit run`` child process on a free loopback port.

The one server harness of the project: the browser tests (tests/e2e), the load test and the
dashboard benchmark start the app through :class:`DashboardServer` and wait on its health
endpoint, as Streamlit's own e2e harness does.  It binds 127.0.0.1 only.
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
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DashboardServer:
    """``streamlit run dashboard.py`` on ``db`` (uploads and bundled reports under ``folder``)."""

    def __init__(self, db: Path, folder: Path, log: IO[bytes] | None = None, env: dict | None = None):
        self.db = db
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log if log is not None else tempfile.TemporaryFile()  # noqa: SIM115 — lives with the server
        full_env = {**os.environ, "GKNB_DB": str(db), "GKNB_UPLOADS": str(folder / "uploads"),
                    "GKNB_REPORTS": str(folder / "no-bundled-reports"),
                    "GKNB_ACCOUNTS": str(folder / "accounts.toml"), **(env or {})}
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless=true",
             f"--server.port={self.port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
             "--server.fileWatcherType=none"], cwd=ROOT, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 60) -> float:
        """Seconds from start until ``/_stcore/health`` answers ok; raises with the log if it never does."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        return time.monotonic() - self.started
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"streamlit did not start:\n{self.output()}")

    def output(self) -> str:
        try:
            self.log.seek(0)
            return self.log.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until the script run that the last action triggered has finished (Streamlit's wait_for_app_run)."""
    from playwright.sync_api import expect  # the browser tests' extra
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)
