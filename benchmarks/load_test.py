"""Bounded load test of the dashboard: N concurrent headless browser sessions for D seconds.

Starts ``streamlit run dashboard.py`` on a free port on 127.0.0.1 (health check
``/_stcore/health``) over a temporary warehouse (the bundled reports plus ``--synth`` fictional
ones), then drives ``--users`` sessions — one Chromium browser, one context per user (Debian's
/usr/bin/chromium; never ``playwright install``) — each clicking through the pages in the
sidebar, in its own order, until ``--seconds`` have passed.  Per page load it records the time
from the click to the finished script run (page heading shown, script state ``notRunning``, no
skeleton); an exception box (``[data-testid="stException"]``) or a timeout is an error.
Prints p50/p95/max per page and overall, errors, and the server's peak RSS.

    python benchmarks/load_test.py                       # 20 users, 60 s
    python benchmarks/load_test.py --users 5 --seconds 30 --synth 200

Bounded: loopback only, at most 50 users and 600 s, one server, one browser; everything it
starts is stopped at the end (also on Ctrl-C).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from app.server import DashboardServer  # noqa: E402
from app.ui import nav_section  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
# menu title → url path (the router in dashboard.py)
PAGES = {"总览": "", "主动公开": "proactive", "依申请公开": "requests", "申请人构成": "applicants",
         "采购与收费": "procurement-fees", "复议诉讼": "review-litigation", "机构对比": "compare",
         "数据质量": "quality", "报告详情": "report", "数据导出": "export", "导入年报": "upload"}
MAX_USERS, MAX_SECONDS = 50, 600
TIMEOUT_MS = 60_000


def build_warehouse(folder: Path, n_synth: int) -> Path:
    from etl import warehouse
    from synth import generate as synth
    db = folder / "warehouse.duckdb"
    warehouse.ingest([ROOT / "data" / "reports"], db, workers=1, progress=False)
    if n_synth:
        reps = [synth.to_parsed_report(r) for r in synth.generate(n_synth, seed=11)]
        warehouse.load_reports(reps, db)
    return db


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a live process (0 if gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle since boot (/proc/stat)."""
    f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(f) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")   # minus idle and iowait


def tree_cpu_seconds(root: int, exclude: int) -> float:
    """CPU seconds of the live descendants of ``root`` (the Playwright driver and Chromium),
    leaving out the subtree of ``exclude`` (the Streamlit server)."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
    total = 0.0
    for pid in parent:
        p, inside = pid, False
        while p in parent and p > 1:
            if p == exclude:
                inside = False
                break
            p = parent[p]
            if p == root:
                inside = True
                break
        if inside:
            total += cpu_seconds(pid)
    return total


class Server(DashboardServer):
    """The shared harness (app/server.py) plus what the load test measures."""

    def __init__(self, db: Path, folder: Path):
        super().__init__(db, folder, log=open(folder / "streamlit.log", "wb"))  # noqa: SIM115 — closed in stop()
        self.peak_rss = 0.0
        self.browser_cpu = 0.0

    def stop(self) -> None:
        super().stop()
        self.log.close()


async def wait_for_run(page, title: str | None) -> None:
    """The script run started by the last action has finished and shows ``title``."""
    await page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                                 timeout=TIMEOUT_MS)
    if title:
        await page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=TIMEOUT_MS)
    await page.wait_for_timeout(100)
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS)
    await page.get_by_test_id("stSkeleton").first.wait_for(state="detached", timeout=TIMEOUT_MS)


async def user(i: int, browser, base: str, deadline: float, samples: list, errors: list, stagger: float) -> None:
    await asyncio.sleep(i * stagger)
    ctx = await browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                    viewport={"width": 1400, "height": 1000})
    page = await ctx.new_page()
    rng = random.Random(i)
    order = list(PAGES)
    try:
        t = time.monotonic()
        try:
            await page.goto(base + "/", timeout=TIMEOUT_MS)
            await wait_for_run(page, "总览")
            samples.append(("总览 (first load)", time.monotonic() - t, i))
        except Exception as e:  # noqa: BLE001 - any failure of a load is an error sample
            errors.append(("总览 (first load)", f"{type(e).__name__}: {str(e).splitlines()[0][:160]}", i))
            return
        while time.monotonic() < deadline:
            rng.shuffle(order)
            for title in order:
                if time.monotonic() >= deadline:
                    break
                t = time.monotonic()
                try:
                    await page.get_by_test_id("stTopNavSection").filter(has_text=nav_section(title)).click(
                        timeout=TIMEOUT_MS)
                    await page.get_by_test_id("stTopNavDropdownLink").filter(has_text=title).first.click(
                        timeout=TIMEOUT_MS)
                    await wait_for_run(page, title)
                    dt = time.monotonic() - t
                    n_exc = await page.locator('[data-testid="stException"]').count()
                    if n_exc:
                        text = (await page.locator('[data-testid="stException"]').first.inner_text())[:200]
                        errors.append((title, "stException: " + " ".join(text.split()), i))
                    else:
                        samples.append((title, dt, i))
                except Exception as e:  # noqa: BLE001
                    errors.append((title, f"{type(e).__name__}: {str(e).splitlines()[0][:160]}", i))
                    try:                 # start over from a fresh page load
                        await page.goto(base + "/", timeout=TIMEOUT_MS)
                        await wait_for_run(page, "总览")
                    except Exception:  # noqa: BLE001
                        return
    finally:
        await ctx.close()


def cell(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (CJK characters take two)."""
    import unicodedata
    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - w, 0)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


async def drive(base: str, users: int, seconds: float, stagger: float, server: Server) -> tuple[list, list, float]:
    from playwright.async_api import async_playwright
    samples: list = []
    errors: list = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            t0 = time.monotonic()
            deadline = t0 + seconds
            tasks = [asyncio.create_task(user(i, browser, base, deadline, samples, errors, stagger))
                     for i in range(users)]

            async def watch_rss():
                while not all(t.done() for t in tasks):
                    server.peak_rss = max(server.peak_rss, rss_mb(server.proc.pid))
                    await asyncio.sleep(1)
            await asyncio.gather(*tasks, watch_rss())
            wall = time.monotonic() - t0
            server.browser_cpu = tree_cpu_seconds(os.getpid(), server.proc.pid)
        finally:
            await browser.close()
    return samples, errors, wall


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--synth", type=int, default=1000, help="fictional reports added to the bundled ones")
    ap.add_argument("--stagger", type=float, default=0.5, help="seconds between user arrivals")
    args = ap.parse_args(argv)
    if not 1 <= args.users <= MAX_USERS or not 1 <= args.seconds <= MAX_SECONDS:
        ap.error(f"--users must be 1..{MAX_USERS} and --seconds 1..{MAX_SECONDS}")
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} missing: apt-get install -y chromium fonts-noto-cjk", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="gknb-load-"))
    t = time.monotonic()
    db = build_warehouse(folder, args.synth)
    from etl import warehouse
    con = warehouse.connect_readonly(db)
    n_rep = con.execute("select count(*) from v_report").fetchall()[0][0]
    con.close()
    print(f"load_test {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · {os.cpu_count()} CPU · "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB · "
          f"warehouse {n_rep} reports built in {time.monotonic() - t:.1f} s", flush=True)
    server = Server(db, folder)
    try:
        print(f"streamlit healthy after {server.wait_healthy():.1f} s on {server.url}", flush=True)
        load0, cpu0, busy0 = os.getloadavg()[0], cpu_seconds(server.proc.pid), machine_busy_seconds()
        samples, errors, wall = asyncio.run(drive(server.url, args.users, args.seconds, args.stagger, server))
        server_cpu, load1 = cpu_seconds(server.proc.pid) - cpu0, os.getloadavg()[0]
        busy = machine_busy_seconds() - busy0
    finally:
        server.stop()
        for p in folder.glob("warehouse.duckdb*"):   # keep only the server log
            p.unlink()
    times = [s[1] for s in samples]
    print(f"\n{args.users} users · {wall:.0f} s wall · {len(samples)} page loads · {len(errors)} errors · "
          f"{len(samples) / max(wall, 1e-9):.2f} loads/s · server peak RSS {server.peak_rss:.0f} MB")
    print(f"CPU seconds: whole machine busy {busy:.0f} of {(os.cpu_count() or 1) * wall:.0f} available "
          f"({os.cpu_count()} cores); streamlit server {server_cpu:.0f}; browser (Chromium + driver, live "
          f"processes at the end) {server.browser_cpu:.0f} · 1-min load average {load0:.1f} before "
          f"(other work on the machine counts), {load1:.1f} after")
    print(f"{cell('page', 20)}{'n':>5}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for title in ["总览 (first load)", *PAGES]:
        xs = [s[1] for s in samples if s[0] == title]
        if xs:
            print(f"{cell(title, 20)}{len(xs):>5}{pct(xs, .5):>8.2f}{pct(xs, .95):>8.2f}{max(xs):>8.2f}")
    print(f"{cell('all', 20)}{len(times):>5}{pct(times, .5):>8.2f}{pct(times, .95):>8.2f}"
          f"{(max(times) if times else float('nan')):>8.2f}")
    users_with_loads = len({s[2] for s in samples})
    print(f"users that completed at least one load: {users_with_loads}/{args.users}")
    seen = set()
    for title, msg, i in errors:
        if (title, msg) not in seen:
            seen.add((title, msg))
            print(f"  ERROR {title} (user {i}): {msg}")
    print(f"server log: {folder / 'streamlit.log'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
