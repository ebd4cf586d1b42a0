"""Full sweep of the metamorphic re-layouts: every transform × format × source report.

Prints one row per transform (issue class, files, cells, right, flagged, silent, missing,
phantom, refused, wrong title, over the flag budget, failing files) and the totals, and
writes every case's score (with its first silent/missing/phantom cells) as JSON.

    PYTHONPATH=. GKNB_SHARED=../shared python benchmarks/bench_metamorphic.py \
        [--out benchmarks/metamorphic_results.json] [--jobs 2] [--pdf-golds 4] [--only NAME,…]

PDF is slow to render and parse: every synthetic source and the first ``--pdf-golds`` corpus
golds are swept in PDF; the other formats take every source.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synth.metamorphic import runner  # noqa: E402
from synth.metamorphic.transforms import FORMATS, TRANSFORMS  # noqa: E402

_SOURCES: dict = {}


def _init() -> None:
    _SOURCES.update(runner.all_sources())


def _one(job: tuple[str, str, str]) -> dict | None:
    tname, sid, fmt = job
    t0 = time.perf_counter()
    sc = runner.run(tname, sid, _SOURCES[sid], fmt)
    if sc is None:
        return None
    d = asdict(sc)
    d["ok"] = sc.ok
    d["over_budget"] = sc.over_budget
    d["details"] = sc.details[:20]
    d["seconds"] = round(time.perf_counter() - t0, 3)
    return d


def jobs(sources: dict, only: list[str] | None, pdf_golds: int) -> list[tuple[str, str, str]]:
    golds = [k for k in sources if k.startswith("g")][:pdf_golds]
    out = []
    for tname, t in TRANSFORMS.items():
        if only and tname not in only:
            continue
        for fmt in FORMATS:
            if fmt not in t.formats:
                continue
            for sid in sources:
                if fmt == "pdf" and sid.startswith("g") and sid not in golds:
                    continue
                out.append((tname, sid, fmt))
    return out


def table(rows: list[dict]) -> str:
    cols = ("transform", "class", "files", "cells", "right", "flagged", "silent", "missing", "phantom",
            "rejected", "title_wrong", "over_budget", "failing")
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    tot = {c: 0 for c in cols[2:]}
    for r in rows:
        lines.append("| " + " | ".join(str(r[c]) for c in cols) + " |")
        for c in cols[2:]:
            tot[c] += r[c]
    lines.append("| **all** | | " + " | ".join(f"**{tot[c]}**" for c in cols[2:]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "metamorphic_results.json"))
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--pdf-golds", type=int, default=4)
    ap.add_argument("--only", default="", help="comma-separated transform names")
    a = ap.parse_args(argv)
    only = [x for x in a.only.split(",") if x] or None
    _init()
    todo = jobs(_SOURCES, only, a.pdf_golds)
    t0 = time.perf_counter()
    if a.jobs > 1:
        with ProcessPoolExecutor(a.jobs, initializer=_init) as ex:
            results = [r for r in ex.map(_one, todo, chunksize=8) if r]
    else:
        results = [r for r in map(_one, todo) if r]
    wall = time.perf_counter() - t0
    scores = [runner.Score(**{k: v for k, v in r.items() if k not in ("ok", "over_budget", "seconds")})
              for r in results]
    rows = runner.summarize(scores)
    print(table(rows))
    print(f"\n{len(results)} files, {wall:.0f} s wall, {a.jobs} process(es), {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores")
    Path(a.out).write_text(json.dumps({"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                       "seconds": round(wall, 1), "summary": rows, "cases": results},
                                      ensure_ascii=False, indent=0), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
