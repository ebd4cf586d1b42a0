"""The parser against the real corpus: every gold cell right or flagged uncertain, none silently wrong.

Skips cleanly when ../shared/corpus is absent.  The corpus files are read in place; nothing
from them is copied into the project.
"""
from __future__ import annotations

import json
import math

import pytest

from paths import CORPUS
from etl.extract import parse_file

GOLD = sorted((CORPUS / "gold").glob("*.json")) if (CORPUS / "gold").is_dir() else []


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def _parse(gold_path):
    raw = next((CORPUS / "raw").glob(gold_path.stem + ".*"))
    return json.loads(gold_path.read_text(encoding="utf-8")), parse_file(raw)


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_report_matches_gold(gold_path):
    gold, rep = _parse(gold_path)
    assert (rep.agency, rep.year, rep.template) == (gold["agency"], gold["year"], gold["template"])
    silent = {k: (v, rep.cells.get(k, "missing")) for k, v in gold["cells"].items()
              if not _same(rep.cells.get(k), v) and k not in rep.uncertain}
    assert silent == {}, f"silently wrong cells: {silent}"
    # no invented cells: every key the parser emits is one the gold reader saw in the report
    assert set(rep.cells) - set(gold["cells"]) == set()
    # what even a careful person could not settle must not be presented as certain
    assert set(gold["uncertain"]) <= set(rep.uncertain)


@pytest.mark.parametrize("gold_path", GOLD, ids=[p.stem for p in GOLD])
def test_identity_failures_are_the_agencys(gold_path):
    """Checks on the parsed cells fail exactly where the gold says the agency's own figures do."""
    gold, rep = _parse(gold_path)
    failing = sorted(c["check_id"] for c in rep.checks if c["status"] == "fail")
    assert len(failing) == len(gold["identity_failures"]), failing


def test_seed_parses_perfectly(corpus):
    seed = next((corpus.parent / "seed").glob("*.txt"))
    gold = json.loads((corpus / "gold" / "000.json").read_text(encoding="utf-8"))
    rep = parse_file(seed)
    assert rep.uncertain == {}
    assert rep.cells == gold["cells"]
    assert all(c["status"] != "fail" for c in rep.checks)


def test_corpus_accuracy_over_98_percent(corpus):
    total = right = 0
    for gp in GOLD:
        gold, rep = _parse(gp)
        for k, v in gold["cells"].items():
            total += 1
            right += _same(rep.cells.get(k), v)
    assert total > 1000
    assert right / total >= 0.98, f"{right}/{total}"
