"""Dashboard benchmark: each page's queries (p50/p95) and time to first chart on a cold start.

    python benchmarks/bench_dashboard.py --db data/warehouse.duckdb
    python benchmarks/bench_dashboard.py --scale 100000          # fixture replicated to ~100k reports
    python benchmarks/bench_dashboard.py --scale 100000 --no-mart  # the view, not the materialised table
    python benchmarks/bench_dashboard.py --scale 100000 --keep /tmp/b100k --pages  # + every page in chromium

``--scale N`` builds a throwaway warehouse by replicating the fictional test fixture (each copy
gets new report and agency ids) and, unless ``--no-mart``, materialises the marts
(``etl.warehouse.materialize_marts``) as the publisher does.  Prints a table; results go to BENCHMARKS.md by hand.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import queries as q  # noqa: E402

PAGES = {
    "总览": [("q_yearly", ()), ("q_flagged_reports", ()), ("q_change_panel", (2021, 2024)),
           ("q_panel_agencies", (2021, 2024)), ("q_movers", ("new_received", 2024, 10, 2021))],
    "主动公开": [("q_t2_by_year", ())],
    "依申请公开": [("q_outcomes", ()), ("q_t3_rows", (tuple(k for k in q.vocab.T3_ROW_KEYS if k.startswith("denied_")), "total")),
                ("q_yearly", ())],
    "申请人构成": [("q_applicants", ("new_received",))],
    "采购与收费": [("q_procurement_fees", ())],
    "复议诉讼": [("q_review_litigation", ())],
    "机构对比": [("q_agency_compare", (2024, "disclosure_rate"))],
    "数据质量": [("q_check_summary", ()), ("q_check_failures", ()), ("q_cross_failures", ()),
              ("q_uncertain_cells", ()), ("q_coverage", ())],
    "报告详情": [("q_report_list", ())],
    "数据导出": [("q_export_size", ()), ("q_export_preview", (200,))],
    "数据导出·生成宽表": [("q_export_wide", ())],
    "地图": [("q_by_region", ("new_received", "province"))],
    "地图·比率": [("q_by_region", ("disclosure_rate", "province"))],
    "下钻（点击一年）": [("q_reports_for", (2024,))],
    "数据导出·长表": [("q_export_long", ())],
    "侧栏选项": [("q_filter_options", None)],
}
# pages about one agency take its id, not the filters
AGENCY_PAGES = {"机构画像": ["q_agency_profile", "q_agency_cells", "q_agency_checks"]}


def build_scaled(n_reports: int, folder: Path, mart: bool) -> Path:
    from synth import fixture_warehouse as fx
    db = fx.build_warehouse(folder / "bench.duckdb")
    base = len(fx.REPORTS)
    copies = max(1, n_reports // base)
    con = duckdb.connect(str(db))
    t0 = time.perf_counter()
    con.execute("create temp table k as select unnest(range(1, ?)) as k", [copies])
    con.execute("""insert into dim_agency select agency_id || '_' || k, name || k, region_code, province, city, county,
                   level, kind, is_synthetic, name_source from dim_agency, k""")
    con.execute("""insert into dim_report select d.* replace (report_id || '_' || k as report_id,
                   agency_id || '_' || k as agency_id, agency_name || k as agency_name,
                   case when superseded_by is null then null else superseded_by || '_' || k end as superseded_by)
                   from dim_report d, k""")
    con.execute("insert into fact_cell select t.* replace (t.report_id || '_' || k as report_id) from fact_cell t, k")
    con.execute("insert into fact_check select t.* replace (t.report_id || '_' || k as report_id) from fact_check t, k")
    con.execute("insert into fact_cross_check select t.* replace (t.agency_id || '_' || k as agency_id) from fact_cross_check t, k")
    if mart:
        from etl.warehouse import materialize_marts
        materialize_marts(con)
    con.execute("checkpoint")
    n = con.execute("select count(*) from dim_report").fetchone()[0]
    cells = con.execute("select count(*) from fact_cell").fetchone()[0]
    con.close()
    print(f"built {n:,} reports, {cells:,} cells in {time.perf_counter() - t0:.1f} s → {db}")
    return db


def time_queries(db: Path, runs: int, filters: dict[str, q.Filters]) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    print(f"metrics relation: {q.metrics_relation(con)}")
    rows = []
    for fname, f in filters.items():
        for page, calls in PAGES.items():
            if page == "数据导出·长表":
                size = q.q_export_size(con, f).iloc[0]["n_cells"]
                if size > 1_000_000:  # the page refuses this too
                    rows.append((fname, page, float("nan"), float("nan"), int(size)))
                    continue
            samples = []
            for _ in range(runs):
                cur = con.cursor()
                t0 = time.perf_counter()
                for name, args in calls:
                    fn = getattr(q, name)
                    df = fn(cur, False) if args is None else fn(cur, f, *args)
                samples.append((time.perf_counter() - t0) * 1000)
                cur.close()
            samples.sort()
            p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
            rows.append((fname, page, statistics.median(samples), p95, len(df)))
    aid = con.execute("select agency_id from v_report group by agency_id order by count(*) desc, agency_id limit 1"
                      ).fetchone()[0]
    for page, names in AGENCY_PAGES.items():
        samples = []
        for _ in range(runs):
            cur = con.cursor()
            t0 = time.perf_counter()
            opts = q.q_filter_options(cur, False)
            for name in names:
                df = getattr(q, name)(cur, aid)
            samples.append((time.perf_counter() - t0) * 1000)
            cur.close()
        samples.sort()
        p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
        rows.append(("一个机构", page, statistics.median(samples), p95, len(df) + 0 * len(opts)))
    con.close()
    return rows


def page_loads(db: Path) -> list[tuple[str, float]] | None:
    """Each page in chromium on a warm server: seconds from navigation to the script run finished
    (Streamlit's ``notRunning`` state, no skeleton), then the server's RSS after every page."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    from app.server import DashboardServer
    from app.ui import MENU
    server = DashboardServer(db, Path(tempfile.mkdtemp(prefix="gknb_pages_")), env={"GKNB_REPORTS": ""})
    out = []
    try:
        server.wait_healthy(60)
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium",
                                  args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = b.new_page(viewport={"width": 1400, "height": 1000})

            def settle(timeout=180_000):
                page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
                page.wait_for_timeout(200)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
                page.wait_for_function("document.querySelectorAll('[data-testid=stSkeleton]').length === 0",
                                       timeout=timeout)
            page.goto(f"{server.url}/", timeout=180_000)
            settle()                                   # warm: the first run builds caches
            for _, _, title, url, _ in MENU:
                for attempt in ("冷", "热"):
                    t0 = time.perf_counter()
                    page.goto(f"{server.url}/{url}", timeout=180_000)
                    settle()
                    out.append((f"{title}（{attempt}缓存）", time.perf_counter() - t0))
            b.close()
        rss = _tree_rss_mb(server.proc.pid)
        out.append(("服务器内存（访问全部页面后，RSS MB）", rss))
    finally:
        server.stop()
    return out


def _tree_rss_mb(pid: int) -> float:
    """RSS of a process and its children, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for t in Path(f"/proc/{p}/task").iterdir():
                kids = (t / "children").read_text().split()
                todo += [int(k) for k in kids]
        except OSError:
            continue
    return total / 1024


def cold_start(db: Path, after=None, query: str = "") -> float | None:
    """Seconds from starting `streamlit run` to the first plotly chart visible in chromium.

    ``after(page, base_url, server_process)``, if given, runs once the first chart is shown,
    before the browser and server stop (benchmarks/bench_scale.py visits every page with it);
    ``query`` is appended to the first URL (e.g. ``?synthetic=true`` for a synthetic corpus)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    from app.server import DashboardServer
    t0 = time.perf_counter()
    server = DashboardServer(db, Path(tempfile.mkdtemp(prefix="gknb_cold_")), env={"GKNB_REPORTS": ""})
    port, proc = server.port, server.proc
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium",
                                  args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            page = b.new_page()
            for _ in range(200):
                try:
                    page.goto(f"http://127.0.0.1:{port}/{query}", timeout=2000)
                    break
                except Exception:  # noqa: BLE001 — server not up yet
                    time.sleep(0.1)
            page.locator("[data-testid='stPlotlyChart']").first.wait_for(timeout=120_000)
            elapsed = time.perf_counter() - t0
            if after is not None:
                after(page, f"http://127.0.0.1:{port}", proc)
            b.close()
        return elapsed
    finally:
        server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, help="an existing warehouse")
    ap.add_argument("--scale", type=int, help="build a replicated fixture warehouse with about N reports")
    ap.add_argument("--no-mart", action="store_true", help="do not materialise the marts")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--no-browser", action="store_true", help="skip the cold-start browser measurement")
    ap.add_argument("--pages", action="store_true", help="also load every page in chromium (seconds) and "
                    "report the server's memory after visiting them all")
    ap.add_argument("--keep", type=Path, help="with --scale: build the warehouse here and keep it")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="gknb_bench_")
    folder = args.keep or Path(tmp.name)
    folder.mkdir(parents=True, exist_ok=True)
    db = args.db or build_scaled(args.scale or 1000, folder, not args.no_mart)
    filters = {"全部": q.Filters(), "江苏省·县级": q.Filters(province="江苏省", levels=("county",))}
    rows = time_queries(db, args.runs, filters)
    print("\n| 筛选 | 页面 | p50 ms | p95 ms | 行数 |\n|---|---|---:|---:|---:|")
    for fname, page, p50, p95, n in rows:
        print(f"| {fname} | {page} | {p50:.1f} | {p95:.1f} | {n:,} |")
    if args.pages:
        loads = page_loads(db)
        print("\n| 页面 | 到可交互 s |\n|---|---:|")
        for name, sec in loads or []:
            print(f"| {name} | {sec:.2f} |")
    if not args.no_browser:
        t = cold_start(db)
        print("\n冷启动到第一张图（streamlit run → chromium 中出现第一张 plotly 图）："
              + ("不可用" if t is None else f"{t:.1f} s"))
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
