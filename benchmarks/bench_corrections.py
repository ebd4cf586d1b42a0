"""复核 timings for BENCHMARKS.md: one correction's publish (write lock, staging copy, re-run
checks, marts, atomic replace) and the read cost of the corrected views.

    PYTHONPATH=. python benchmarks/bench_corrections.py [--n 10]

On the bundled real figures (data/reports, ingested into a temp warehouse): times ``n``
corrections of uncertain cells (each a full publish), then the wide export query
(``mart_report_metrics``) and the long export (``v_fact_cell`` joined to ``v_report``).
Prints a markdown table; nothing is downloaded.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from app import queries as q  # noqa: E402
from etl import review  # noqa: E402
from etl import warehouse as wh  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10)
    args = ap.parse_args()
    db = Path(tempfile.mkdtemp()) / "w.duckdb"
    wh.ingest([ROOT / "data" / "reports"], db, progress=False, workers=1)
    con = duckdb.connect(str(db), read_only=True)
    n_reports = con.execute("select count(*) from dim_report").fetchall()[0][0]
    n_cells = con.execute("select count(*) from fact_cell").fetchall()[0][0]
    todo = con.execute("""select report_id, cell_key, value from v_fact_cell c join v_report r using (report_id)
                          where c.uncertain and c.value is not null order by report_id, cell_key""").fetchall()
    con.close()
    times = []
    for rid, key, value in todo[:args.n]:
        t0 = time.perf_counter()
        review.submit(db, report_id=rid, cell_key=key, new_value=value + 1, reviewer="bench", seen_version=0,
                      seen_value=value, reason="benchmark")
        times.append(time.perf_counter() - t0)
    con = duckdb.connect(str(db), read_only=True)
    f = q.Filters(include_synthetic=True)

    def timed(fn) -> float:
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            fn(con, f)
            best = min(best, time.perf_counter() - t0)
        return best
    wide, long = timed(q.q_export_wide), timed(q.q_export_long)
    queue = timed(q.q_review_queue)
    con.close()
    print(f"{n_reports} reports, {n_cells} cells, {len(times)} corrections; load average {os.getloadavg()[0]:.1f}\n")
    print("| step | median | max |\n|---|---|---|")
    print(f"| one correction (lock, copy, checks, marts, publish) | {statistics.median(times):.2f} s | {max(times):.2f} s |")
    print(f"| wide export (mart_report_metrics), best of 5 | {wide * 1000:.0f} ms | |")
    print(f"| long export (v_fact_cell ⋈ v_report), best of 5 | {long * 1000:.0f} ms | |")
    print(f"| 复核 queue (q_review_queue), best of 5 | {queue * 1000:.0f} ms | |")


if __name__ == "__main__":
    main()
