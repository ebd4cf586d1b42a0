"""PDF parsing throughput on one core, end to end (bytes -> ParsedReport via etl.extract.parse_bytes).

    python benchmarks/bench_pdf.py [--n 20] [--repeat 3] [--profile]

Inputs: the real corpus file ../shared/corpus/raw/001.pdf (if present; parsed --repeat x 5
times) and N fictional reports (synth.generate.generate, seed 42) rendered by synth.render.render_pdf in
four layouts: ruled grid, unruled (no rules; blank_zeros as each report's options say), ruled
with table 三 split over two pages, unruled with every table-三/四 zero printed as a blank cell.
Rendering happens before timing.  Accuracy on the same run: share of generated truth cells
parsed to exactly the true value (and, for 001.pdf, share of gold cells equal).
Times are CPU seconds of this process (time.process_time), so that reports/s per core holds
on a shared, loaded machine; wall time is only lower or equal on an idle core.
``--profile`` prints the top cumulative cProfile entries of the 001.pdf runs.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.extract import parse_bytes  # noqa: E402
from synth.render import render_pdf  # noqa: E402
from synth.generate import generate  # noqa: E402

CORPUS = Path(os.environ.get("GKNB_SHARED") or ROOT.parent / "shared") / "corpus"
LAYOUTS = {"ruled": {}, "unruled": {"ruled": False}, "split": {"split_table3": True},
           "unruled blank": {"ruled": False, "blank_zeros": True}}


def _same(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 1e-9


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _time(items, repeat: int):
    """items: [(bytes, name, truth cells)] -> (reports/s, ms per report, cells right, total)."""
    times, right, total = [], 0, 0
    for _ in range(repeat):
        for data, name, truth in items:
            t0 = time.process_time()
            rep = parse_bytes(data, name)
            times.append(time.process_time() - t0)
            for k, v in truth.items():
                total += 1
                right += _same(rep.cells.get(k), v)
    return len(times) / sum(times), 1e3 * sum(times) / len(times), right, total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20, help="synthetic reports per layout")
    ap.add_argument("--repeat", type=int, default=3, help="001.pdf: timed runs x 5")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    print(f"machine: {_cpu()}, nproc {os.cpu_count()}, Python {platform.python_version()}, one process")
    print(f"{'input':20} {'pages':>5} {'reports/s':>10} {'ms/report':>10} {'cells right':>14}")
    raw = CORPUS / "raw" / "001.pdf"
    if raw.exists():
        data = raw.read_bytes()
        gold = json.loads((CORPUS / "gold" / "001.json").read_text(encoding="utf-8"))["cells"]
        parse_bytes(data, "001.pdf")  # warm-up (imports)
        rps, ms, right, total = _time([(data, "001.pdf", gold)] * 5, args.repeat)
        print(f"{'001.pdf':20} {_pages(data):5} {rps:10.2f} {ms:10.1f} {right:>7}/{total:<6}")
        if args.profile:
            import cProfile
            import pstats
            pr = cProfile.Profile()
            pr.enable()
            for _ in range(5):
                parse_bytes(data, "001.pdf")
            pr.disable()
            pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    reports = [r if isinstance(r, dict) else r.to_json() for r in generate(args.n, seed=42)]
    for layout, opts in LAYOUTS.items():
        items = [(render_pdf(r, **opts), "r.pdf", r["cells"]) for r in reports]
        pages = sum(_pages(d) for d, _, _ in items) / len(items)
        rps, ms, right, total = _time(items, 1)
        print(f"{'synth ' + layout:20} {pages:5.1f} {rps:10.2f} {ms:10.1f} {right:>7}/{total:<6}")


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


if __name__ == "__main__":
    main()
