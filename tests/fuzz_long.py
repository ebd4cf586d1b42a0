"""Long fuzzing run: the property targets of ``tests/test_fuzz.py`` with random seeds, for a
time budget or an example count per target.  Prints, per target, the inputs tried, the time
spent, the slowest input and every distinct failure (with hypothesis's shrunk falsifying input); exits 1 if any.

    python tests/fuzz_long.py --minutes 5                  # budget split evenly over targets
    python tests/fuzz_long.py --examples 20000 --only segment,parse_cell_total
    python tests/fuzz_long.py --list

Bounded: no network, no files written; each target stops at its share of the budget (checked
between batches of ``--batch`` examples, so a target may overrun by one batch).
"""
from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402

from tests import test_fuzz as F  # noqa: E402


def run(name: str, seconds: float | None, examples: int | None, batch: int, rng: random.Random) -> dict:
    check, strategy, _ = F.TARGETS[name]
    tried = 0
    slowest = (0.0, None)

    def counted(arg):
        nonlocal tried, slowest
        tried += 1
        t = time.perf_counter()
        try:
            check(arg)
        finally:
            dt = time.perf_counter() - t
            if dt > slowest[0]:
                slowest = (dt, arg)

    failures: dict[str, str] = {}
    t0 = time.monotonic()
    while True:
        left = None if examples is None else examples - tried
        if left is not None and left <= 0:
            break
        if seconds is not None and time.monotonic() - t0 >= seconds:
            break
        n = batch if left is None else min(batch, left)
        before = tried
        test = settings(max_examples=n, derandomize=False, database=None, deadline=None, print_blob=False,
                        phases=(Phase.generate, Phase.shrink),
                        suppress_health_check=list(HealthCheck))(given(strategy)(counted))
        try:
            seed(rng.getrandbits(64))(test)()
        except Exception as e:  # a property failed: keep the shrunk example, go on with a new seed
            where = traceback.extract_tb(e.__traceback__)[-1]
            key = f"{type(e).__name__} at {Path(where.filename).name}:{where.lineno}"
            if key not in failures:
                notes = "\n".join(getattr(e, "__notes__", []))
                failures[key] = f"{type(e).__name__}: {str(e)[:400]}\n{notes[:1500]}"
        if tried == before:   # strategy exhausted (tiny search space)
            break
    return {"target": name, "tried": tried, "seconds": time.monotonic() - t0, "failures": failures,
            "slowest": slowest}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=None, help="total time budget, split evenly over targets")
    ap.add_argument("--examples", type=int, default=None, help="examples per target (instead of a time budget)")
    ap.add_argument("--only", default="", help="comma-separated target names")
    ap.add_argument("--batch", type=int, default=300, help="examples per hypothesis run (one random seed each)")
    ap.add_argument("--seed", type=int, default=None, help="seed of the seeds (default: random)")
    ap.add_argument("--slow", type=float, default=5.0, help="print the slowest input of a target above this (s)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args(argv)
    names = [n for n in F.TARGETS if not args.only or n in args.only.split(",")]
    if args.list:
        print("\n".join(names))
        return 0
    if args.minutes is None and args.examples is None:
        args.minutes = 5.0
    per = None if args.minutes is None else args.minutes * 60 / len(names)
    master = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    rng = random.Random(master)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)   # damaged PDFs: one warning per object
    F.seeds()  # render the seed files once, outside the timings
    print(f"fuzz_long {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · {os.cpu_count()} CPU · "
          f"Python {platform.python_version()} · seed {master} · "
          + (f"{per:.0f} s per target" if per else f"{args.examples} examples per target"), flush=True)
    print(f"{'target':<24}{'inputs':>9}{'seconds':>9}{'inputs/s':>10}{'slowest s':>10}  failures", flush=True)
    total, bad = 0, 0
    for name in names:
        r = run(name, per, args.examples, args.batch, rng)
        total += r["tried"]
        bad += len(r["failures"])
        slow_s, slow_arg = r["slowest"]
        print(f"{name:<24}{r['tried']:>9}{r['seconds']:>9.1f}{r['tried'] / max(r['seconds'], 1e-9):>10.0f}"
              f"{slow_s:>10.2f}  {len(r['failures'])}", flush=True)
        if slow_s > args.slow:
            print(f"  SLOW {slow_s:.1f} s: {slow_arg!r:.600}", flush=True)
        for key, text in r["failures"].items():
            print(f"  FAILURE {key}\n    " + text.replace("\n", "\n    "), flush=True)
    print(f"total: {total} inputs, {bad} distinct failures", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
