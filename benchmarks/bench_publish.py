"""Publish cost: time of loading k reports into a warehouse of N, phase by phase.

    python benchmarks/bench_publish.py build --reports 10000 --out /tmp/pub/base10k.duckdb
    python benchmarks/bench_publish.py upgrade --base /tmp/pub/base10k.duckdb --out /tmp/pub/after10k.duckdb
    python benchmarks/bench_publish.py measure --base /tmp/pub/after10k.duckdb --reports 10000 \
        --k 1,100,10000 [--tag after] [--json benchmarks/publish_results.json]

``upgrade`` copies a warehouse and rebuilds its derived tables with this code (what the first
publish after a change to the deriving code does): a base built by other code would otherwise
make the first measured publish a full rebuild.  ``build`` once, then ``measure`` as often as
wanted: the 100k base takes ~20 minutes to build on this machine.

``build`` loads the first N reports of ``synth.generate.generate_with_text`` (figures, the six
sections' text, deliberate copies for the 雷同 pass) into a fresh warehouse through
``etl.warehouse.staging`` in chunks, published once (no HTML rendering or parsing: this
measures the warehouse, not the parsers).  ``measure`` copies the base to a scratch file
(untimed; the copy is then in the page cache, as a live warehouse is), loads reports N+1 … N+k
of the same generator with :func:`etl.warehouse.load_reports` and records the wall time and
``IngestSummary.phases`` (copy or catch_up, apply, reconcile, cross_checks, assessment, marts,
commit, checkpoint, fsync_replace), plus the 1-minute load average before and after.  Twin
files (:mod:`etl.twins`): three one-report publishes first bring the scratch warehouse to the
steady state (link, both twins, a delta; the first two publishes of a plain file copy it, the
third is the first whose delta knows which schema text the other twin ran), so reports
N+4 … N+3+k are measured, caught up from a one-report delta (``--warm 0``: measure the first
publish, a copy).  The machine is
shared: read wall times with the load average next to them.  A script, never a timed test.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import twins, warehouse  # noqa: E402
from synth.generate import generate_with_text, to_parsed_report  # noqa: E402


def reports(start: int, stop: int, seed: int = 1):
    """Reports start … stop-1 of the generator (a prefix of a longer run equals a shorter run)."""
    return (to_parsed_report(r) for r in itertools.islice(generate_with_text(stop, seed), start, stop))


def build(n: int, out: Path, chunk: int = 2000) -> dict:
    out.parent.mkdir(parents=True, exist_ok=True)
    clear(out)
    t0 = time.perf_counter()
    with warehouse.staging(out) as st:
        batch: list = []
        for rep in reports(0, n):
            batch.append(rep)
            if len(batch) >= chunk:
                st.apply(batch)
                batch = []
        st.apply(batch)
    return {"reports": n, "seconds": round(time.perf_counter() - t0, 1), "phases": st.summary.phases,
            "bytes": out.stat().st_size}


def clear(db: Path) -> None:
    for p in twins.files(db):
        if p.exists() or p.is_symlink():
            p.unlink()


def measure(base: Path, n: int, k: int, scratch: Path, warm: int = 3) -> dict:
    clear(scratch)
    shutil.copyfile(base, scratch)
    todo = list(reports(n, n + warm + k))       # one pass of the generator (minutes at 100k)
    for i in range(warm):
        warehouse.load_reports(todo[i:i + 1], scratch, batch_id=f"warm-{i}")
    batch = todo[warm:]
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    s = warehouse.load_reports(batch, scratch, batch_id=f"bench-{k}")
    wall = time.perf_counter() - t0
    assert s.loaded + s.replaced == k and not s.failed, str(s)
    return {"N": n, "k": k, "wall_s": round(wall, 3), "phases": {p: round(v, 3) for p, v in s.phases.items()},
            "load_before": load0, "load_after": os.getloadavg()[0], "bytes": scratch.stat().st_size,
            "fallback": s.fallback}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build")
    b.add_argument("--reports", type=int, required=True)
    b.add_argument("--out", type=Path, required=True)
    m = sub.add_parser("measure")
    m.add_argument("--base", type=Path, required=True)
    m.add_argument("--reports", type=int, required=True, help="N: how many reports the base holds")
    m.add_argument("--k", default="1,100,10000")
    m.add_argument("--tag", default="")
    m.add_argument("--json", type=Path)
    m.add_argument("--warm", type=int, default=3, help="one-report publishes before the measured one")
    u = sub.add_parser("upgrade", help="copy a base built by older code and rebuild its derived tables")
    u.add_argument("--base", type=Path, required=True)
    u.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.cmd == "build":
        print(json.dumps(build(a.reports, a.out), indent=1))
        return 0
    if a.cmd == "upgrade":
        clear(a.out)
        shutil.copyfile(a.base, a.out)
        t0 = time.perf_counter()
        s = warehouse.rebuild_derived(a.out)
        print(json.dumps({"seconds": round(time.perf_counter() - t0, 1), "phases": s.phases}))
        return 0
    rows = []
    for k in (int(x) for x in a.k.split(",")):
        r = measure(a.base, a.reports, k, a.base.with_name(a.base.stem + ".scratch.duckdb"), a.warm)
        r.update(tag=a.tag, date=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 machine=f"{platform.machine()} nproc={os.cpu_count()} python={platform.python_version()}")
        print(json.dumps(r), flush=True)
        rows.append(r)
    if a.json:
        old = json.loads(a.json.read_text()) if a.json.exists() else []
        a.json.write_text(json.dumps(old + rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
