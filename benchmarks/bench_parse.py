"""Parse throughput per input format, on one core, end to end from bytes to ParsedReport.

    python benchmarks/bench_parse.py [--n 200] [--formats txt,html,docx,md,pdf]

Reports are fictional (etl.synth), rendered once per format before timing; the timer covers
reading + parsing + checks (``etl.extract.parse_bytes``).  Accuracy is checked on the same
run: every parsed cell must equal the generated truth.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.extract import parse_bytes  # noqa: E402
from etl.render import render  # noqa: E402
from etl.synth import generate  # noqa: E402

EXT = {"txt": "r.txt", "html": "r.html", "docx": "r.docx", "md": "r.md", "pdf": "r.pdf", "flat": "r.txt"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--formats", default="txt,html,docx,md,pdf")
    args = ap.parse_args()
    reports = [r if isinstance(r, dict) else r.to_json() for r in generate(args.n, seed=42)]
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.n} synthetic reports per format, one process")
    print(f"{'format':6} {'reports/s':>10} {'ms p50':>8} {'ms p95':>8} {'cells right':>12}")
    for fmt in args.formats.split(","):
        n = args.n if fmt not in ("pdf", "docx") else max(20, args.n // 4)
        files = [render(r, "flat" if fmt == "flat" else fmt) for r in reports[:n]]
        times, right, total = [], 0, 0
        for r, data in zip(reports, files):
            t0 = time.perf_counter()
            rep = parse_bytes(data, EXT[fmt])
            times.append(time.perf_counter() - t0)
            for k, v in r["cells"].items():
                total += 1
                got = rep.cells.get(k)
                right += got is not None and abs(float(got) - float(v)) < 1e-9
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{fmt:6} {len(times) / sum(times):10.1f} {statistics.median(times) * 1e3:8.1f} "
              f"{p95 * 1e3:8.1f} {right / total:12.4%}")


if __name__ == "__main__":
    main()
