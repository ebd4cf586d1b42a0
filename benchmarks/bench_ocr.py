"""OCR accuracy and speed sweep: scanned reports with known cells (synth/scanned.py) at
150/200/300 dpi and each kind of damage, parsed by ``etl.extract.parse_bytes``.

Per configuration it prints cells right / flagged / silent (wrong and not flagged) /
phantom, pages, wall seconds per page and CPU seconds per page (all threads of the process:
seconds per page per core).  Targets (issue 15): >= 97 % right and 0 silent at 200 dpi without
damage; 0 silent at every damage level.

    PYTHONPATH=. python benchmarks/bench_ocr.py --reports 2 --gold 16 --json out.json
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.document import ReportError  # noqa: E402
from etl.extract import parse_bytes  # noqa: E402
from synth import scanned  # noqa: E402

CONFIGS = {
    "150dpi": dict(dpi=150),
    "200dpi": dict(dpi=200),
    "300dpi": dict(dpi=300),
    "jpeg q35": dict(dpi=200, jpeg=35),
    "noise σ10": dict(dpi=200, noise=10),
    "skew 1.5°": dict(dpi=200, skew=1.5),
    "seal": dict(dpi=200, stamp=True),
    "perspective": dict(dpi=200, perspective=0.005),
    "sideways page (/Rotate)": dict(dpi=200, rotate_page=True),
    "upside down": dict(dpi=200, upside_down=True),
    "150dpi jpeg+noise+skew": dict(dpi=150, jpeg=40, noise=6, skew=-0.8),
    "table 三 split over pages": dict(dpi=200, render_opts={"split_table3": True}),
}


def run(config: str, reports: list[dict], seed: int) -> dict:
    tot = {"config": config, "reports": 0, "refused": 0, "pages": 0, "cells": 0, "right": 0, "flagged": 0,
           "silent": 0, "missing": 0, "phantom": 0, "wall": 0.0, "cpu": 0.0, "silent_keys": []}
    for i, rep in enumerate(reports):
        s = scanned.scan(rep, seed=seed + i, **CONFIGS[config])
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            r = parse_bytes(s.pdf, f"{rep.get('name', i)}.pdf")
        except ReportError as e:
            tot["refused"] += 1
            tot["cells"] += len(s.truth)
            tot["flagged"] += len(s.truth)   # nothing loaded: every cell is a known gap
            print(f"  {config} {i}: refused: {e.reason}", file=sys.stderr)
            continue
        finally:
            tot["wall"] += time.perf_counter() - w0
            tot["cpu"] += time.process_time() - c0
        sc = scanned.score(s.truth, r.cells, r.uncertain)
        tot["reports"] += 1
        tot["pages"] += r.source.get("ocr", {}).get("pages", 0)
        for k in ("cells", "right", "flagged", "silent", "missing", "phantom"):
            tot[k] += sc[k]
        tot["silent_keys"] += [(rep.get("name", i), k, s.truth.get(k), r.cells.get(k)) for k in sc["wrong_keys"]]
    return tot


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=2, help="synthetic reports per configuration")
    ap.add_argument("--gold", type=int, default=16, help="corpus golds' figures re-rendered (200 dpi, no damage)")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    synth = scanned.synthetic_reports(args.reports + 8, seed=11)
    rows = []
    for k, name in enumerate(args.configs.split(",")):
        reps = synth[k % 8: k % 8 + args.reports]
        rows.append(run(name, reps, seed=100 * k))
        print(json.dumps({x: rows[-1][x] for x in rows[-1] if x != "silent_keys"}, ensure_ascii=False), flush=True)
    if args.gold:
        golds = scanned.gold_reports()[: args.gold]
        if golds:
            rows.append(run("200dpi", golds, seed=7))
            rows[-1]["config"] = "gold figures 200dpi"
            print(json.dumps({x: rows[-1][x] for x in rows[-1] if x != "silent_keys"}, ensure_ascii=False), flush=True)
    print(f"\nmachine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print("| configuration | reports | pages | cells | right | flagged | silent | phantom | s/page wall | s/page CPU |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for t in rows:
        pages = max(1, t["pages"])
        pct = 100.0 * t["right"] / max(1, t["cells"])
        print(f"| {t['config']} | {t['reports']}{' (+%d refused)' % t['refused'] if t['refused'] else ''} | "
              f"{t['pages']} | {t['cells']} | {t['right']} ({pct:.1f} %) | {t['flagged']} | "
              f"{t['silent'] + t['missing']} | {t['phantom']} | {t['wall'] / pages:.1f} | {t['cpu'] / pages:.1f} |")
    for t in rows:
        for sk in t["silent_keys"]:
            print("silent:", t["config"], *sk)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
