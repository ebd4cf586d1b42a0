"""The Dask executor's overhead against the local pool, and what a national ingest would need.

    python benchmarks/bench_executor.py run --n 10000 --formats txt --workers 2 --rounds 1
    python benchmarks/bench_executor.py startup          # import and LocalCluster start-up, install size
    python benchmarks/bench_executor.py project          # 1.2 M reports in 24 h / 1 h (from BENCHMARKS.md rates)

``run``: ``python -m synth --reports N --formats F --out ROOT/exec-<N>`` once, then, alternating
the executors round by round, ``python -m etl ingest ROOT/exec-<N>/reports --db <fresh>
--workers W --quiet [--executor dask]``: wall time of the command, and CPU seconds of the whole
process tree (``RUSAGE_CHILDREN``: the CLI, its parser processes and — for Dask — the
LocalCluster's scheduler, nannies, workers and their parsers, all reaped before the CLI exits).
Overhead = dask − local, per report.  Text reports are the cheapest to parse, so the overhead is
the largest share there.  The 1-minute load average before and after each run is recorded: on a
shared machine it says how much the wall times are worth.  Results go to
``benchmarks/executor_results.json``.  A script, never a timed test.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "executor_results.json"
PY = sys.executable


# `python -m etl …` that also prints the CPU seconds of the loading process itself (for Dask it
# also runs the client and, for a LocalCluster, the scheduler): RUSAGE_SELF at exit
SELF_CPU = ("import atexit, resource, runpy, sys\n"
            "def report():\n"
            "    r = resource.getrusage(resource.RUSAGE_SELF)\n"
            "    print('SELF_CPU', r.ru_utime + r.ru_stime, file=sys.stderr)\n"
            "atexit.register(report)\n"
            "sys.argv = sys.argv[1:]\n"
            "runpy.run_module('etl', run_name='__main__', alter_sys=True)\n")


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _save(key: str, entry: dict) -> None:
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    data[key] = entry
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _machine() -> dict:
    return {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
            "date": datetime.now().isoformat(timespec="seconds")}


def run(args: argparse.Namespace) -> None:
    out = Path(args.root) / f"exec-{args.n}-{args.formats.replace(',', '_')}"
    reports = out / "reports"
    if not reports.is_dir() or len(list(reports.iterdir())) < args.n:
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run([PY, "-m", "synth", "--reports", str(args.n), "--formats", args.formats, "--seed", "16",
                        "--out", str(out)], check=True, env=_env(), cwd=ROOT, stdout=subprocess.DEVNULL)
    n_files = len(list(reports.iterdir()))
    runs = []
    for rnd in range(args.rounds):
        for executor in ("local", "dask"):
            db = out / f"{executor}-{rnd}.duckdb"
            for p in out.glob(f"{db.name}*"):
                p.unlink()
            load0 = os.getloadavg()[0]
            cpu0, t0 = _children_cpu(), time.perf_counter()
            argv = ["etl", "ingest", str(reports), "--db", str(db), "--quiet", "--workers", str(args.workers),
                    "--executor", executor]
            r = subprocess.run([PY, "-c", SELF_CPU, *argv], env=_env(), cwd=ROOT, capture_output=True, text=True)
            wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
            line = (r.stdout.strip().splitlines() or [""])[0]
            loader = next((float(x.split()[1]) for x in r.stderr.splitlines() if x.startswith("SELF_CPU ")), None)
            entry = {"executor": executor, "round": rnd, "files": n_files, "wall_s": round(wall, 2),
                     "cpu_s": round(cpu, 2), "loader_cpu_s": loader, "load_before": round(load0, 2),
                     "load_after": round(os.getloadavg()[0], 2), "rc": r.returncode, "summary": line}
            runs.append(entry)
            print(json.dumps(entry, ensure_ascii=False), flush=True)
            for p in out.glob(f"{db.name}*"):
                p.unlink()
    summary = {}
    for ex in ("local", "dask"):
        rs = [r for r in runs if r["executor"] == ex]
        summary[ex] = {"wall_s": min(r["wall_s"] for r in rs), "cpu_s": min(r["cpu_s"] for r in rs),
                       "loader_cpu_s": min((r["loader_cpu_s"] or 0) for r in rs)}
    d_wall = summary["dask"]["wall_s"] - summary["local"]["wall_s"]
    d_cpu = summary["dask"]["cpu_s"] - summary["local"]["cpu_s"]
    d_loader = summary["dask"]["loader_cpu_s"] - summary["local"]["loader_cpu_s"]
    summary["overhead"] = {"wall_s": round(d_wall, 2), "cpu_s": round(d_cpu, 2),
                           "loader_cpu_ms_per_report": round(1000 * d_loader / n_files, 3),
                           "wall_ms_per_report": round(1000 * d_wall / n_files, 3),
                           "cpu_ms_per_report": round(1000 * d_cpu / n_files, 3)}
    print(json.dumps(summary, indent=1))
    _save(f"run-{args.n}-{args.formats}-w{args.workers}", {"machine": _machine(), "command": " ".join(sys.argv),
                                                          "runs": runs, "best": summary})


def _dist_size(names: list[str]) -> dict[str, float]:
    """Installed size (MB) of distributions, from their RECORD files."""
    import importlib.metadata as md
    out = {}
    for n in names:
        try:
            files = md.distribution(n).files or []
        except md.PackageNotFoundError:
            continue
        total = 0
        for f in files:
            p = Path(f.locate())
            if p.is_file():
                total += p.stat().st_size
        out[n] = round(total / 1e6, 1)
    return out


def startup(args: argparse.Namespace) -> None:
    """Import time of dask.distributed, LocalCluster(2 processes) start-up and shutdown,
    install size of dask, distributed and the requirements the project did not have before."""
    code = ("import time; t=time.perf_counter(); import distributed; t1=time.perf_counter();"
            "c=distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,"
            " memory_limit=0, silence_logs=50); cl=distributed.Client(c); t2=time.perf_counter();"
            "cl.close(); c.close(); t3=time.perf_counter(); print(t1-t, t2-t1, t3-t2)")
    times = []
    for _ in range(args.rounds):
        r = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True, env=_env())
        times.append([float(x) for x in r.stdout.split()])
    best = [round(min(t[i] for t in times), 2) for i in range(3)]
    # what `pip install dask distributed` adds to this project's environment
    new = ["dask", "distributed", "cloudpickle", "toolz", "partd", "locket", "zict", "tblib", "msgpack",
           "sortedcontainers", "tornado", "psutil", "fsspec", "click", "importlib-metadata", "zipp", "pyyaml"]
    sizes = _dist_size(new)
    entry = {"machine": _machine(), "load": os.getloadavg()[0], "import_s": best[0], "cluster_start_s": best[1],
             "cluster_stop_s": best[2], "rounds": times, "installed_mb": sizes,
             "installed_total_mb": round(sum(sizes.values()), 1)}
    print(json.dumps(entry, indent=1))
    _save("startup", entry)


# ----------------------------------------------------------------------------- projection
# CPU seconds per report on one core, from BENCHMARKS.md (quiet-machine figures):
COST = {
    "text": 0.0047,      # text/HTML/DOCX parse: mean of txt 2.4, html 4.0, docx 5.9 ms + hashing/rows
    "pdf": 0.156,        # PDF with a text layer: the real 5-page 001.pdf, 156 ms (synthetic 39–64 ms)
    "scanned": 58.0,     # scan by OCR: 11.6 CPU s a page (the corpus golds re-rendered) × 5 pages
}
LOADER_S = 0.0013        # the single loading process, per report (BENCHMARKS.md, Scale)


def project(args: argparse.Namespace) -> None:
    total = args.reports
    mix = {"text": 0.60, "pdf": 0.30, "scanned": 0.10}     # the 30 % PDF, 10 % scanned, rest text/HTML/DOCX
    per = COST
    cpu = {k: total * mix[k] * per[k] for k in mix}
    cpu_total = sum(cpu.values())
    overhead = args.overhead_ms / 1000 * total
    rows = []
    for hours in (24, 1):
        wall = hours * 3600
        cores = (cpu_total + overhead) / wall / args.efficiency
        nodes = cores / args.cores_per_node
        loader = total * LOADER_S
        rows.append({"hours": hours, "cpu_hours": round((cpu_total + overhead) / 3600, 1),
                     "cores": round(cores, 1), "nodes": max(1, round(nodes + 0.4999)),
                     "loader_hours": round(loader / 3600, 2)})
    entry = {"reports": total, "mix": mix, "cpu_hours_by_kind": {k: round(v / 3600, 1) for k, v in cpu.items()},
             "overhead_ms_per_report": args.overhead_ms, "cores_per_node": args.cores_per_node,
             "efficiency": args.efficiency, "rows": rows}
    print(json.dumps(entry, indent=1, ensure_ascii=False))
    _save("projection", entry)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--n", type=int, default=2000)
    r.add_argument("--formats", default="txt")
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--rounds", type=int, default=1)
    r.add_argument("--root", default="/tmp/bench-executor")
    s = sub.add_parser("startup")
    s.add_argument("--rounds", type=int, default=3)
    j = sub.add_parser("project")
    j.add_argument("--reports", type=int, default=1_200_000)
    j.add_argument("--cores-per-node", type=int, default=32)
    j.add_argument("--efficiency", type=float, default=0.8, help="share of a core that goes to parsing")
    j.add_argument("--overhead-ms", type=float, default=0.0, help="measured Dask overhead per report (CPU ms)")
    a = p.parse_args()
    {"run": run, "startup": startup, "project": project}[a.cmd](a)


if __name__ == "__main__":
    main()
