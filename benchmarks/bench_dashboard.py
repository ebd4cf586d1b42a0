"""Dashboard benchmark: each page's queries (p50/p95) and time to first chart on a cold start.

    python benchmarks/bench_dashboard.py --db data/warehouse.duckdb
    python benchmarks/bench_dashboard.py --scale 100000          # fixture replicated to ~100k reports
    python benchmarks/bench_dashboard.py --scale 100000 --no-mart  # the view, not the materialised table

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
    "总览": [("q_yearly", ()), ("q_movers", ("new_received", 2024))],
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
    "数据导出": [("q_export_size", ()), ("q_export_wide", ())],
    "数据导出·长表": [("q_export_long", ())],
    "侧栏选项": [("q_filter_options", None)],
}


def build_scaled(n_reports: int, folder: Path, mart: bool) -> Path:
    from tests import dashboard_fixtures as fx
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
    con.close()
    return rows


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
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="gknb_bench_")
    db = args.db or build_scaled(args.scale or 1000, Path(tmp.name), not args.no_mart)
    filters = {"全部": q.Filters(), "江苏省·县级": q.Filters(province="江苏省", levels=("county",))}
    rows = time_queries(db, args.runs, filters)
    print("\n| 筛选 | 页面 | p50 ms | p95 ms | 行数 |\n|---|---|---:|---:|---:|")
    for fname, page, p50, p95, n in rows:
        print(f"| {fname} | {page} | {p50:.1f} | {p95:.1f} | {n:,} |")
    if not args.no_browser:
        t = cold_start(db)
        print("\n冷启动到第一张图（streamlit run → chromium 中出现第一张 plotly 图）："
              + ("不可用" if t is None else f"{t:.1f} s"))
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
