"""Render a transformed report, parse it in-process, and score the parse against the truth.

A parse of one transformed file is scored cell by cell against the transform's truth:

* **right** — the value equals the truth and the cell is not flagged;
* **flagged** — the cell is listed under ``uncertain`` (whatever its value);
* **silent** — the value differs from the truth and the cell is not flagged (the worst defect),
  or the file prints the cell twice with different values and the parse does not flag it;
* **missing** — a cell the file prints is absent from ``cells`` and not flagged;
* **phantom** — a key the file does not print appears in ``cells`` without a flag.

The property (:attr:`Score.ok`): no silent, missing or phantom cell, agency and year right (or the
file refused with a reason where the transform allows it), and — where the transform leaves the
evidence complete — at most a small share of cells flagged beyond those the transform damaged,
so that a parser that flags everything fails too.

Sources: the sixteen real corpus golds' figures (read at run time from the shared corpus)
and a few synthetic reports of every shape :mod:`synth.generate` makes.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from etl.document import ReportError
from etl.extract import parse_bytes
from synth import generate as G
from synth import render as R

from .transforms import FORMATS, TRANSFORMS, Plan

#: the shared corpus (``GKNB_SHARED`` overrides ../shared beside the project), as tests/paths.py
CORPUS = Path(os.environ.get("GKNB_SHARED", Path(__file__).resolve().parents[2].parent / "shared")) / "corpus"

_EXT = {"txt": "txt", "flat": "txt", "md": "md", "html": "html", "docx": "docx", "pdf": "pdf"}
FLAG_SHARE = 0.05      # share of cells a parser may flag beyond the damaged ones (complete evidence)
FLAG_MIN = 2


# --------------------------------------------------------------------------- sources


def gold_sources(corpus: Path = CORPUS) -> dict[str, dict]:
    """The real reports' figures (agency, year, template, cells) by id ``gNNN``."""
    out = {}
    for f in sorted((corpus / "gold").glob("*.json")):
        d = json.loads(f.read_text(encoding="utf-8"))
        out[f"g{f.stem}"] = {k: d[k] for k in ("agency", "year", "template", "cells")}
    return out


_SHAPES = ("2019", "2021", "shandong_item_count", "hubei_other_documents_row", "single_other_row_2021",
           "blank_zeros", "procurement_in_yuan")


def synth_sources(seed: int = 17, n: int = 1500) -> dict[str, dict]:
    """One synthetic report of every shape, each with enough applications to fill tables."""
    found: dict[str, dict] = {}
    for rep in G.generate(n, seed=seed):
        v = rep["meta"]["variants"]
        if (rep["cells"].get("t3.new_received.total") or 0) < 12:
            continue
        for shape in _SHAPES:
            if shape in found:
                continue
            if (shape in ("2019", "2021") and rep["template"] == shape and not v) or shape in v:
                found[shape] = rep
        if len(found) == len(_SHAPES):
            break
    return {f"s_{k}": found[k] for k in _SHAPES if k in found}


def all_sources(corpus: Path = CORPUS) -> dict[str, dict]:
    """Synthetic sources, then the corpus golds when the shared corpus is present."""
    src = dict(synth_sources())
    if (corpus / "gold").is_dir():
        src.update(gold_sources(corpus))
    return src


# --------------------------------------------------------------------------- cases


@dataclass
class Case:
    transform: str
    fmt: str
    source: str
    data: bytes
    name: str
    truth: dict[str, Any]
    plan: Plan
    agency: str
    year: int


def make_case(tname: str, src_id: str, src: dict, fmt: str) -> Case | None:
    """The transformed file and its truth; None when the transform does not apply."""
    t = TRANSFORMS[tname]
    if fmt not in t.formats:
        return None
    plan = t.make(src, fmt)
    if plan is None:
        return None
    agency = plan.agency or src["agency"]
    rep = {"agency": agency, "year": src["year"], "template": src["template"],
           "cells": plan.cells if plan.cells is not None else src["cells"],
           "options": dict(src.get("options") or {})}
    opts = dict(plan.opts)
    if fmt == "html":
        opts.setdefault("style", "plain")
    data = R.render(rep, fmt, **opts)
    if plan.post:
        data = plan.post(data, fmt)
    truth = plan.truth if plan.truth is not None else dict(src["cells"])
    ext = f".{_EXT[fmt]}" if plan.ext is None else plan.ext
    return Case(tname, fmt, src_id, data, f"{src_id}_{tname}{ext}", truth, plan,
                agency, int(src["year"]))


# --------------------------------------------------------------------------- scoring


def same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class Score:
    transform: str
    fmt: str
    source: str
    n: int = 0
    right: int = 0
    flagged: int = 0
    silent: int = 0
    missing: int = 0
    phantom: int = 0
    extra_flags: int = 0          # flags beyond the transform's damaged cells
    budget: int | None = None     # allowed extra flags (None: evidence incomplete, no bound)
    rejected: str | None = None
    may_reject: bool = False
    title_wrong: str | None = None
    crash: str | None = None
    details: list[str] = field(default_factory=list)

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.extra_flags > self.budget

    @property
    def ok(self) -> bool:
        if self.crash or (self.rejected and not self.may_reject):
            return False
        return not (self.silent or self.missing or self.phantom or self.title_wrong or self.over_budget)

    def why(self) -> str:
        parts = []
        if self.crash:
            parts.append(f"crash: {self.crash}")
        if self.rejected and not self.may_reject:
            parts.append(f"rejected: {self.rejected}")
        if self.title_wrong:
            parts.append(f"title: {self.title_wrong}")
        if self.over_budget:
            parts.append(f"{self.extra_flags} cells flagged beyond the damaged ones (budget {self.budget})")
        parts += self.details[:12]
        if len(self.details) > 12:
            parts.append(f"… {len(self.details) - 12} more")
        return f"{self.source} {self.transform} {self.fmt}: " + "; ".join(parts)


def score(case: Case, parsed: Any | None, error: str | None = None, crash: str | None = None) -> Score:
    """Score one parse (a ParsedReport or anything with agency/year/cells/uncertain)."""
    plan = case.plan
    s = Score(case.transform, case.fmt, case.source, n=len(case.truth), may_reject=plan.may_reject)
    if crash:
        s.crash = crash
        return s
    if parsed is None:
        s.rejected = error or "refused"
        s.flagged = s.n
        return s
    cells, unc = parsed.cells, parsed.uncertain
    for key, want in case.truth.items():
        if key in unc:
            s.flagged += 1
            if key not in plan.flag_ok:
                s.extra_flags += 1
        elif key not in cells:
            s.missing += 1
            s.details.append(f"missing {key} (truth {want})")
        elif key in plan.must_flag:
            s.silent += 1
            s.details.append(f"unflagged {key}: the file prints two values, parsed {cells[key]} (truth {want})")
        elif same(cells[key], want):
            s.right += 1
        else:
            s.silent += 1
            s.details.append(f"silent {key}: truth {want}, parsed {cells[key]}")
    for key in cells:
        if key in case.truth:
            continue
        if key in unc:
            s.extra_flags += key not in plan.flag_ok
        else:
            s.phantom += 1
            s.details.append(f"phantom {key} = {cells[key]}")
    if parsed.agency != case.agency or int(parsed.year) != case.year:
        s.title_wrong = f"parsed {parsed.agency} {parsed.year}, truth {case.agency} {case.year}"
    if plan.complete and case.fmt != "flat":
        s.budget = max(FLAG_MIN, int(FLAG_SHARE * s.n))
    return s


def run_case(case: Case, parse: Callable[[bytes, str], Any] = parse_bytes) -> Score:
    try:
        parsed = parse(case.data, case.name)
    except ReportError as e:
        return score(case, None, error=str(e))
    except Exception as e:  # noqa: BLE001 - a crash is a finding, scored as such
        return score(case, None, crash=f"{type(e).__name__}: {e}")
    return score(case, parsed)


def run(tname: str, src_id: str, src: dict, fmt: str) -> Score | None:
    case = make_case(tname, src_id, src, fmt)
    return None if case is None else run_case(case)


# --------------------------------------------------------------------------- sweeps


def sweep(sources: dict[str, dict], transforms: list[str] | None = None, formats: tuple[str, ...] = FORMATS,
          progress: Callable[[Score], None] | None = None) -> list[Score]:
    out = []
    for tname in transforms or list(TRANSFORMS):
        for fmt in formats:
            for sid, src in sources.items():
                sc = run(tname, sid, src, fmt)
                if sc is not None:
                    out.append(sc)
                    if progress:
                        progress(sc)
    return out


def ci_pairs() -> list[tuple[str, str]]:
    """Every (transform, format) pair the transforms define."""
    return [(t.name, f) for t in TRANSFORMS.values() for f in FORMATS if f in t.formats]


def ci_sources(tname: str, fmt: str, sources: dict[str, dict], per_pair: int = 2) -> list[str]:
    """A deterministic subsample for one pair: a gold and a synthetic report (one report for PDF),
    rotating over the sources from pair to pair so that every source is used; only sources the
    transform applies to."""
    names = list(TRANSFORMS)
    i, j = names.index(tname), FORMATS.index(fmt)
    golds = [k for k in sources if k.startswith("g")]
    synths = [k for k in sources if k.startswith("s_")]
    want = 1 if fmt == "pdf" else per_pair
    picked: list[str] = []
    for pool, off in ((synths, i + j), (golds, 7 * i + 3 * j)):
        for step in range(len(pool)):
            sid = pool[(off + step) % len(pool)]
            if TRANSFORMS[tname].make(sources[sid], fmt) is not None:
                picked.append(sid)
                break
        if len(picked) >= want:
            break
    return picked


def summarize(scores: list[Score]) -> list[dict[str, Any]]:
    """Per transform: files, cells, right, flagged, silent, missing, phantom, failing files."""
    rows: dict[str, dict[str, Any]] = {}
    for s in scores:
        t = TRANSFORMS[s.transform]
        r = rows.setdefault(s.transform, {"transform": s.transform, "class": t.klass, "files": 0, "cells": 0,
                                          "right": 0, "flagged": 0, "silent": 0, "missing": 0, "phantom": 0,
                                          "rejected": 0, "title_wrong": 0, "over_budget": 0, "failing": 0})
        r["files"] += 1
        r["cells"] += s.n
        for k in ("right", "flagged", "silent", "missing", "phantom"):
            r[k] += getattr(s, k)
        r["rejected"] += bool(s.rejected)
        r["title_wrong"] += bool(s.title_wrong)
        r["over_budget"] += s.over_budget
        r["failing"] += not s.ok
    return list(rows.values())
