"""Scale benchmark: synthetic corpus → ingest → accuracy → dashboard latency, at growing N.

    python benchmarks/bench_scale.py run --sizes 1000,10000                 # HTML corpora
    python benchmarks/bench_scale.py run --sizes 10000 --defect-rate 0.02   # injected damage
    python benchmarks/bench_scale.py run --sizes 10000 --formats txt,html,docx,md,json --defect-rate 0.02
    python benchmarks/bench_scale.py run --sizes 300 --formats pdf
    python benchmarks/bench_scale.py run --sizes 100000 --app-rss           # + streamlit server RSS
    python benchmarks/bench_scale.py plot                                   # benchmarks/scale.html (+ .png)

For each N: ``python -m synth --reports N --formats F --out ROOT/<tag>`` (ROOT defaults to
/tmp/scale), then ``python -m etl ingest ROOT/<tag>/reports --db ROOT/<tag>/warehouse.duckdb
--workers W`` into a fresh warehouse, timed, with the peak memory of the whole process tree
(parent + spawned parser workers) sampled from /proc every 0.2 s (sum of RSS, and sum of PSS
which does not double-count shared pages); then the warehouse size on disk; then accuracy:
every cell of every current report against the generated truth (``truth/*.json``, keyed by
the source file name); then each dashboard page's queries (``bench_dashboard.time_queries``,
the same page → query-function table the dashboard benchmark uses), and with ``--app-rss``
the RSS of a ``streamlit run`` server after a browser visited every page.

Results are merged into ``benchmarks/scale_results.json`` (one entry per tag) so runs done
at different times (the 100k one takes ~20 min) feed one plot; ``plot`` draws cost against N
with a linear projection to 1.2 million reports.  A script, never a timed test.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_dashboard as bd  # noqa: E402
from app import queries as q  # noqa: E402
from etl import twins  # noqa: E402

RESULTS = ROOT / "benchmarks" / "scale_results.json"
PY = sys.executable
PROJECT_TO = 1_200_000


# ----------------------------------------------------------------------------- process-tree memory
def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree(pid: int) -> list[int]:
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB (0, 0 once it is gone)."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Peak summed RSS / PSS of a process and all its descendants, sampled every ``every`` s."""

    def __init__(self, pid: int, every: float = 0.2):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_rss = self.peak_pss = self.peak_procs = 0
        self.series: list[tuple[float, int]] = []     # (seconds since start, tree RSS kB)
        self._halt = threading.Event()

    def run(self) -> None:
        t0 = time.perf_counter()
        while not self._halt.is_set():
            pids = tree(self.pid)
            mems = [_mem_kb(p) for p in pids]
            self.series.append((time.perf_counter() - t0, sum(m[0] for m in mems)))
            self.peak_rss = max(self.peak_rss, sum(m[0] for m in mems))
            self.peak_pss = max(self.peak_pss, sum(m[1] for m in mems))
            self.peak_procs = max(self.peak_procs, len(pids))
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def run_measured(cmd: list[str], log: Path) -> dict:
    """Run a command; wall time, CPU seconds of the whole tree (user+sys of every waited-for
    descendant: independent of other load on the machine), 1-minute load average before/after,
    exit code, peak tree RSS/PSS (MB), largest single process (MB)."""
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = ru0.ru_maxrss
    load0 = os.getloadavg()[0]
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        s = TreeSampler(proc.pid)
        s.start()
        rc = proc.wait()
        wall = time.perf_counter() - t0
        s.stop()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = ru1.ru_maxrss
    cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    return {"seconds": round(wall, 2), "rc": rc, "cpu_seconds": round(cpu, 1),
            "loadavg_1m": [round(load0, 2), round(os.getloadavg()[0], 2)], "peak_tree_rss_mb": round(s.peak_rss / 1024, 1),
            "peak_tree_pss_mb": round(s.peak_pss / 1024, 1), "peak_procs": s.peak_procs,
            # tree RSS over time (MB), at most ~100 points: where in the run memory peaks
            "rss_series_mb": [(round(t, 1), round(kb / 1024)) for t, kb in s.series[::max(1, len(s.series) // 100)]],
            "max_single_rss_mb": round(after / 1024, 1) if after > before else None}


# ----------------------------------------------------------------------------- accuracy
def accuracy(out: Path, db: Path) -> dict:
    """Every truth cell against the warehouse's current reports (joined in DuckDB).

    Categories per truth cell: ``right`` (equal, not flagged), ``right_flagged`` (equal but
    marked uncertain), ``wrong_flagged`` (differs or missing, cell marked uncertain),
    ``wrong_report_flagged`` (differs or missing, cell not marked but the report fails an
    identity check), ``rejected`` (the file failed to load: reported by ingest),
    ``silent`` (differs or missing with no flag at all — must be 0).  ``extra``: cells in the
    warehouse that the truth does not have.  Per report: injected defects and whether each
    was flagged (uncertain cell, failing check, or rejected) or at least shows in provenance that
    its cells were recovered from damaged text (``fact_cell.method`` split/order)."""
    import duckdb
    import pyarrow as pa
    acc_db = out / "accuracy.duckdb"
    for p in (acc_db, Path(str(acc_db) + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(acc_db))
    con.execute("set preserve_insertion_order = false")
    con.execute("create table truth_cell (name varchar, cell_key varchar, value double)")
    con.execute("""create table truth_report (name varchar, defect varchar, defect_key varchar,
                   n_expected_fail integer, style varchar)""")
    t0 = time.perf_counter()
    files = sorted((out / "truth").glob("*.json"))
    names, keys, vals, reps = [], [], [], []

    def flush() -> None:
        if names:
            tbl = pa.table({"name": names, "cell_key": keys, "value": pa.array(vals, pa.float64())})
            con.register("tbl", tbl)
            con.execute("insert into truth_cell select * from tbl")
            con.unregister("tbl")
            names.clear(), keys.clear(), vals.clear()

    for _i, f in enumerate(files):
        t = json.loads(f.read_bytes())
        name = Path(t["source"]["name"]).name
        cells = t["cells"]
        names += [name] * len(cells)
        keys += list(cells)
        vals += [None if v is None else float(v) for v in cells.values()]
        d = t.get("defect") or {}
        reps.append((name, d.get("kind"), d.get("key"), len(t.get("expected_check_failures") or []),
                     f'{t["source"].get("format")}/{t["source"].get("style")}'))
        if len(names) > 1_000_000:
            flush()
    flush()
    with con.appender("truth_report") as ap:
        ap.append_rows(reps)
    load_s = time.perf_counter() - t0
    con.execute(f"attach '{db}' as w (read_only)")
    con.execute("""create temp table cur as
                   select r.report_id, r.source_name as name, r.n_uncertain, r.n_checks_failed,
                          coalesce(m.n_recovered, 0) as n_recovered
                   from w.dim_report r
                   left join (select report_id, count(*) as n_recovered from w.fact_cell
                              where method in ('split', 'order') group by all) m using (report_id)
                   where r.is_current""")
    con.execute("""create temp table rejected as
                   select distinct parse_filename(source_path) as name, reason from w.load_log
                   where status = 'failed'""")
    cells = dict(zip(
        ["truth_cells", "right", "right_flagged", "wrong_flagged", "wrong_report_flagged", "rejected",
         "silent", "extra"],
        con.execute("""
        with wc as (select cur.name, c.cell_key, c.value, c.uncertain, cur.n_checks_failed
                    from w.fact_cell c join cur using (report_id)),
        j as (select t.name as tname, t.value as tv, wc.name as wname, wc.value as wv, wc.uncertain,
                     coalesce(wc.n_checks_failed, r.n_checks_failed) as nfail,
                     r.name is not null as loaded, x.name is not null as is_rejected,
                     t.value is not distinct from wc.value
                       or abs(t.value - wc.value) <= 1e-9 * greatest(1, abs(t.value)) as same
              from truth_cell t
              full outer join wc on wc.name = t.name and wc.cell_key = t.cell_key
              left join cur r on r.name = coalesce(t.name, wc.name)
              left join rejected x on x.name = t.name)
        select count(tname),
               count(*) filter (where tname is not null and wname is not null and same and not uncertain),
               count(*) filter (where tname is not null and wname is not null and same and uncertain),
               count(*) filter (where tname is not null and loaded and not coalesce(same, false) and coalesce(uncertain, false)),
               count(*) filter (where tname is not null and loaded and not coalesce(same, false) and not coalesce(uncertain, false) and nfail > 0),
               count(*) filter (where tname is not null and not loaded and is_rejected),
               count(*) filter (where tname is not null and ((loaded and not coalesce(same, false) and not coalesce(uncertain, false) and coalesce(nfail, 0) = 0)
                                                          or (not loaded and not is_rejected))),
               count(*) filter (where tname is null)
        from j""").fetchone()))
    # per report: injected defects and whether they were flagged
    rows = con.execute("""
        select coalesce(t.defect, 'none') as defect, count(*) as n,
               count(*) filter (where r.name is null and x.name is not null) as rejected,
               count(*) filter (where r.n_checks_failed > 0) as checks_fail,
               count(*) filter (where r.n_uncertain > 0) as has_uncertain,
               count(*) filter (where (r.n_checks_failed > 0 or r.n_uncertain > 0) or (r.name is null and x.name is not null)) as flagged,
               count(*) filter (where r.n_recovered > 0) as recovered,
               count(*) filter (where r.n_checks_failed > 0 or r.n_uncertain > 0 or r.n_recovered > 0
                                      or (r.name is null and x.name is not null)) as flagged_or_recovered,
               count(*) filter (where r.name is null and x.name is null) as missing
        from truth_report t left join cur r using (name) left join rejected x using (name)
        group by all order by defect""").fetchall()
    defects = {d: dict(zip(["n", "rejected", "checks_fail", "has_uncertain", "flagged", "recovered",
                            "flagged_or_recovered", "missing"], vals_))
               for d, *vals_ in rows}
    reasons = con.execute("select reason, count(*) from rejected group by all order by 2 desc limit 5").fetchall()
    # per rendering style (format/style of the file): reports, and those with any flag or wrong cell
    by_style = {st: dict(zip(["reports", "defective", "flagged", "with_wrong_cells", "wrong_cells"], v))
                for st, *v in con.execute("""
        with wrong as (
            select t.name, count(*) as n from truth_cell t
            left join (select cur.name, c.cell_key, c.value from w.fact_cell c join cur using (report_id)) wc
                   on wc.name = t.name and wc.cell_key = t.cell_key
            where not coalesce(t.value is not distinct from wc.value
                               or abs(t.value - wc.value) <= 1e-9 * greatest(1, abs(t.value)), false)
            group by all)
        select t.style, count(*), count(t.defect),
               count(*) filter (where r.n_checks_failed > 0 or r.n_uncertain > 0 or r.name is null),
               count(wrong.name), coalesce(sum(wrong.n), 0)::bigint
        from truth_report t left join cur r using (name) left join wrong using (name)
        group by all order by all""").fetchall()}
    con.close()
    acc_db.unlink(missing_ok=True)
    return {"cells": cells, "defects": defects, "rejected_reasons": reasons, "by_style": by_style, "seconds": round(time.perf_counter() - t0, 1),
            "truth_load_seconds": round(load_s, 1)}


# ----------------------------------------------------------------------------- dashboard
def scale_filters() -> dict[str, q.Filters]:
    """The synthetic corpus is hidden by default: both filters include it.  (Synthetic agencies
    are not in the gazetteer, so province/level are unknown: the narrow filter uses kind + years.)"""
    return {"全部（含示例）": q.Filters(include_synthetic=True),
            "政府·2021–2024": q.Filters(kinds=("government",), years=(2021, 2024), include_synthetic=True)}


APP_PAGES = ["", "proactive", "requests", "applicants", "procurement-fees", "review-litigation", "compare",
             "quality", "report", "export", "upload"]


def app_rss(db: Path) -> dict:
    """Cold start to first chart, then every page (示例 data included); the server's RSS after."""
    from app.server import wait_for_app
    out: dict = {}
    t_page: dict[str, float] = {}

    def visit(page, base: str, proc: subprocess.Popen) -> None:
        for url in APP_PAGES:
            t0 = time.perf_counter()
            page.goto(f"{base}/{url}?synthetic=true", timeout=120_000)
            wait_for_app(page, 180_000)
            t_page[url or "overview"] = round(time.perf_counter() - t0, 2)
        with open(f"/proc/{proc.pid}/status") as f:
            st = {ln.split(":")[0]: ln.split()[1] for ln in f if ln.startswith(("VmRSS", "VmHWM"))}
        out["server_rss_mb"] = round(int(st["VmRSS"]) / 1024, 1)
        out["server_peak_rss_mb"] = round(int(st["VmHWM"]) / 1024, 1)

    cold = bd.cold_start(db, after=visit, query="?synthetic=true")
    out["cold_start_s"] = None if cold is None else round(cold, 1)
    out["page_load_s"] = t_page
    return out


# ----------------------------------------------------------------------------- one size
def _dir_mb(p: Path) -> float:
    return round(sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) / 2**20, 1)


def run_one(n: int, formats: str, defect_rate: float, root: Path, workers: int, runs: int,
            with_app: bool, reuse: bool, seed: int) -> dict:
    tag = f"{formats.replace(',', '+')}-{n}" + (f"-d{defect_rate:g}" if defect_rate else "")
    out = root / tag
    res: dict = {"tag": tag, "n": n, "formats": formats, "defect_rate": defect_rate, "workers": workers,
                 "date": datetime.now().isoformat(timespec="seconds")}
    synth_cmd = [PY, "-m", "synth", "--reports", str(n), "--formats", formats, "--out", str(out),
                 "--seed", str(seed)] + (["--defect-rate", str(defect_rate)] if defect_rate else [])
    res["synth_cmd"] = " ".join(synth_cmd[1:])
    if not (reuse and (out / "manifest.csv").exists()):
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        m = run_measured(synth_cmd, out / "synth.log")
        if m["rc"]:
            raise SystemExit(f"synth failed: {(out / 'synth.log').read_text()[-2000:]}")
        res["synth_seconds"] = m["seconds"]
    res["input_mb"] = _dir_mb(out / "reports")
    db = out / "warehouse.duckdb"
    for p in out.glob("warehouse.duckdb*"):
        p.unlink()
    for p in out.glob(".warehouse.duckdb*"):
        p.unlink()
    ingest_cmd = [PY, "-m", "etl", "ingest", str(out / "reports"), "--db", str(db), "--workers", str(workers),
                  "--quiet"]
    res["ingest_cmd"] = " ".join(ingest_cmd[1:])
    print(f"[{tag}] ingest …", flush=True)
    m = run_measured(ingest_cmd, out / "ingest.log")
    res["ingest"] = m
    res["ingest"]["summary"] = (out / "ingest.log").read_bytes().decode("utf-8", "replace").strip().splitlines()[:2]
    res["ingest"]["reports_per_s"] = round(n / m["seconds"], 1)
    res["warehouse_mb"] = round(twins.resolve(db).stat().st_size / 2**20, 1)   # the live twin
    print(f"[{tag}] ingest {m['seconds']} s, peak tree RSS {m['peak_tree_rss_mb']} MB "
          f"(PSS {m['peak_tree_pss_mb']} MB), warehouse {res['warehouse_mb']} MB", flush=True)
    print(f"[{tag}] accuracy …", flush=True)
    res["accuracy"] = accuracy(out, db)
    print(f"[{tag}] {json.dumps(res['accuracy'], ensure_ascii=False)}", flush=True)
    print(f"[{tag}] page queries …", flush=True)
    rows = bd.time_queries(db, runs, scale_filters())
    res["pages"] = [{"filter": f, "page": p, "p50_ms": None if p50 != p50 else round(p50, 1),
                     "p95_ms": None if p95 != p95 else round(p95, 1), "rows": int(nrows)}
                    for f, p, p50, p95, nrows in rows]
    for r in res["pages"]:
        print(f"  {r['filter']:10} {r['page']:10} p50 {r['p50_ms']} p95 {r['p95_ms']} rows {r['rows']}")
    if with_app:
        print(f"[{tag}] streamlit server …", flush=True)
        res["app"] = app_rss(db)
        print(f"[{tag}] {res['app']}", flush=True)
    return res


def machine() -> dict:
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for ln in f:
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1])
    import duckdb
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem / 2**20, 1),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "kernel": platform.release()}


def save(res: dict) -> None:
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {"runs": {}}
    data["machine"] = machine()
    data["runs"][res["tag"]] = res
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- plot
def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares a, b of y = a·x + b (through the measured points)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    a = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
    return a, my - a * mx


def series(data: dict) -> dict[str, list]:
    """The HTML-only runs without defects, by N: the scaling series."""
    runs = sorted((r for r in data["runs"].values() if r["formats"] == "html" and not r["defect_rate"]),
                  key=lambda r: r["n"])
    def worst(r, f="全部（含示例）", pages=None):
        # the long export is a download proportional to the selection (refused above 1M cells)
        ps = [p["p95_ms"] for p in r["pages"]
              if p["filter"] == f and p["p95_ms"] is not None and p["page"] != "数据导出·长表"
              and (pages is None or p["page"] in pages)]
        return max(ps) if ps else None
    return {"n": [r["n"] for r in runs],
            "ingest_min": [r["ingest"]["seconds"] / 60 for r in runs],
            "rss_gb": [r["ingest"]["peak_tree_rss_mb"] / 1024 for r in runs],
            "wh_gb": [r["warehouse_mb"] / 1024 for r in runs],
            "p95_ms": [worst(r) for r in runs],
            "p95_agg_ms": [worst(r, pages=AGGREGATE_PAGES) for r in runs],
            "pages": {r["n"]: {p["page"]: p["p95_ms"] for p in r["pages"] if p["filter"] == "全部（含示例）"}
                      for r in runs}}


# pages that show sums over the selection (their queries read pre-aggregated marts); the others
# list one row per agency or report (coverage grid, comparison, export, report picker, sidebar)
AGGREGATE_PAGES = ("总览", "主动公开", "依申请公开", "申请人构成", "采购与收费", "复议诉讼")


def projection(data: dict) -> dict:
    s = series(data)
    out = {}
    for k in ("ingest_min", "rss_gb", "wh_gb", "p95_ms", "p95_agg_ms"):
        pts = [(x, y) for x, y in zip(s["n"], s[k]) if y is not None]
        if len(pts) < 2:
            continue
        a, b = _fit([float(x) for x, _ in pts], [float(y) for _, y in pts])
        out[k] = {"slope_per_100k": a * 100_000, "intercept": b, "at_1_2m": a * PROJECT_TO + b}
    return out


def plot(png: bool) -> None:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    data = json.loads(RESULTS.read_text(encoding="utf-8"))
    s = series(data)
    proj = projection(data)
    panels = [("ingest_min", "导入耗时 ingest wall time (min, 2 cores)", 20),
              ("rss_gb", "导入峰值内存 peak RSS of process tree (GB)", 2),
              ("wh_gb", "数据库大小 warehouse on disk (GB)", None),
              ("p95_ms", "页面查询 p95：最慢页（蓝）/ 汇总页（绿）(ms)", 300)]
    fig = make_subplots(rows=2, cols=2, subplot_titles=[t for _, t, _ in panels],
                        horizontal_spacing=0.1, vertical_spacing=0.16)
    xs_proj = [1_000, 10_000, 100_000, 300_000, 600_000, PROJECT_TO]
    for i, (k, _title, target) in enumerate(panels):
        r, c = i // 2 + 1, i % 2 + 1
        pts = [(x, y) for x, y in zip(s["n"], s[k]) if y is not None]
        fig.add_trace(go.Scatter(x=[x for x, _ in pts], y=[y for _, y in pts], mode="lines+markers+text",
                                 text=[f"{y:.3g}" for _, y in pts], textposition="bottom right",
                                 name="实测 measured", legendgroup="m", showlegend=i == 0,
                                 line=dict(color="#1f77b4", width=3), marker=dict(size=9)), row=r, col=c)
        if k == "p95_ms" and "p95_agg_ms" in proj:   # the sums-only pages, on the same panel
            agg = [(x, y) for x, y in zip(s["n"], s["p95_agg_ms"]) if y is not None]
            fig.add_trace(go.Scatter(x=[x for x, _ in agg], y=[y for _, y in agg], mode="lines+markers+text",
                                     text=[f"{y:.3g}" for _, y in agg], textposition="bottom center",
                                     name="汇总页最慢 slowest page of sums (marts)", line=dict(color="#2ca02c", width=3),
                                     marker=dict(size=9)), row=r, col=c)
        if k in proj:
            a = proj[k]["slope_per_100k"] / 100_000
            b = proj[k]["intercept"]
            floor = min(y for _, y in pts)      # a fitted line may dip below what was measured
            ys = [max(a * x + b, floor) for x in xs_proj]
            fig.add_trace(go.Scatter(x=xs_proj, y=ys, mode="lines",
                                     name="线性外推 linear fit → 1.2M", legendgroup="p", showlegend=i == 0,
                                     line=dict(color="#ff7f0e", dash="dash")), row=r, col=c)
            # annotations on a log axis take log10 of the value
            fig.add_annotation(x=math.log10(PROJECT_TO), y=math.log10(ys[-1]), text=f"1.2M: {ys[-1]:.3g}",
                               showarrow=True, arrowhead=2, ax=-70, ay=-30, row=r, col=c)
        if target:
            fig.add_trace(go.Scatter(x=[1_000, PROJECT_TO], y=[target, target], mode="lines",
                                     name="目标 target (at 100k)", legendgroup="t", showlegend=i == 0,
                                     line=dict(color="#d62728", dash="dot")), row=r, col=c)
        fig.update_xaxes(type="log", title_text="报告数 reports (N)", row=r, col=c)
        fig.update_yaxes(type="log", row=r, col=c)
    m = data.get("machine", {})
    fig.update_layout(title=f"公开年报看板 — cost vs corpus size (synthetic HTML), {m.get('nproc')} cores "
                            f"{m.get('cpu', '')}, {m.get('ram_gb')} GB RAM",
                      width=1200, height=880, template="plotly_white", font=dict(family="Noto Sans CJK SC, sans-serif"),
                      legend=dict(orientation="h", y=-0.08))
    html = ROOT / "benchmarks" / "scale.html"
    # plotly.min.js beside the page, copied from the installed plotly (untracked: `bench_scale.py plot` writes it)
    fig.write_html(html, include_plotlyjs="directory", full_html=True, config={"displayModeBar": False})
    print(f"wrote {html}")
    if png:
        png_path = ROOT / "benchmarks" / "scale.png"
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--screenshot={png_path}", "--window-size=1200,900", "--virtual-time-budget=5000",
                        html.as_uri()], check=True, capture_output=True)
        print(f"wrote {png_path}")
    print(json.dumps(proj, indent=1))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--sizes", default="1000,10000", help="comma-separated corpus sizes")
    r.add_argument("--formats", default="html")
    r.add_argument("--defect-rate", type=float, default=0.0)
    r.add_argument("--root", type=Path, default=Path("/tmp/scale"))
    r.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    r.add_argument("--runs", type=int, default=10, help="timed repetitions of each page's queries")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--app-rss", action="store_true", help="also start streamlit and measure its RSS")
    r.add_argument("--reuse", action="store_true", help="reuse an existing corpus under --root")
    r.add_argument("--no-save", action="store_true")
    a = sub.add_parser("accuracy", help="recompute accuracy of stored runs (no new ingest)")
    a.add_argument("tags", nargs="+")
    a.add_argument("--root", type=Path, default=Path("/tmp/scale"))
    p = sub.add_parser("plot")
    p.add_argument("--no-png", action="store_true")
    args = ap.parse_args()
    if args.cmd == "plot":
        plot(not args.no_png)
        return 0
    if args.cmd == "accuracy":
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
        for tag in args.tags:
            res = data["runs"][tag]
            res["accuracy"] = accuracy(args.root / tag, args.root / tag / "warehouse.duckdb")
            print(f"[{tag}] {json.dumps(res['accuracy'], ensure_ascii=False)}")
            save(res)
        return 0
    for n in [int(x) for x in args.sizes.split(",")]:
        res = run_one(n, args.formats, args.defect_rate, args.root, args.workers, args.runs, args.app_rss,
                      args.reuse, args.seed)
        if not args.no_save:
            save(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
