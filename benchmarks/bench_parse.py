"""Parse and load throughput per input format, on one core, end to end.

    python benchmarks/bench_parse.py [--n 200] [--formats txt,html,docx,md,pdf,flat]

Reports are fictional (synth.generate), rendered once per format before timing.  Two timings:

* parse: ``etl.extract.parse_bytes`` (read + parse + checks) per report, CPU seconds of this
  process (``time.process_time``, so a busy machine does not distort it), p50/p95 per report;
* end to end: the same files written to a folder and loaded with ``etl.warehouse.ingest``
  (workers=1, one core) into a fresh DuckDB file — parse, checks, agency placement, load,
  marts and the atomic publish — as reports per CPU second of this process.

Accuracy is checked on the same run: every parsed cell must equal the generated truth.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.extract import parse_bytes  # noqa: E402
from synth.render import render  # noqa: E402
from synth.generate import generate  # noqa: E402
from etl.warehouse import ingest  # noqa: E402

EXT = {"txt": "r.txt", "html": "r.html", "docx": "r.docx", "md": "r.md", "pdf": "r.pdf", "flat": "r.txt"}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--formats", default="txt,html,docx,md,pdf")
    args = ap.parse_args()
    reports = [r if isinstance(r, dict) else r.to_json() for r in generate(args.n, seed=42)]
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{args.n} synthetic reports per format, one process")
    print(f"{'format':6} {'parse/s':>8} {'ms p50':>8} {'ms p95':>8} {'cells right':>12} {'ingest/s':>9}")
    for fmt in args.formats.split(","):
        n = args.n if fmt not in ("pdf", "docx") else max(20, args.n // 4)
        files = [render(r, "flat" if fmt == "flat" else fmt) for r in reports[:n]]
        times, right, total = [], 0, 0
        for r, data in zip(reports, files):
            t0 = time.process_time()
            rep = parse_bytes(data, EXT[fmt])
            times.append(time.process_time() - t0)
            for k, v in r["cells"].items():
                total += 1
                got = rep.cells.get(k)
                right += got is not None and abs(float(got) - float(v)) < 1e-9
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{fmt:6} {len(times) / sum(times):8.1f} {statistics.median(times) * 1e3:8.1f} "
              f"{p95 * 1e3:8.1f} {right / total:12.4%} {ingest_rate(files, fmt):9.1f}")


def ingest_rate(files: list[bytes], fmt: str) -> float:
    """Reports per CPU second for a one-process ingest of these files into a fresh warehouse."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for i, data in enumerate(files):
            (src / f"{i:05d}{Path(EXT[fmt]).suffix}").write_bytes(data)
        t0 = time.process_time()
        summary = ingest([src], Path(tmp) / "w.duckdb", workers=1, progress=False)
        cpu = time.process_time() - t0
        assert not summary.failed, summary.failed[:3]
        return len(files) / cpu


if __name__ == "__main__":
    main()
