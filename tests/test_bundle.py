"""The bundled data (data/reports/*.json) are the figures of all the real corpus reports, kept in
sync with the parser and the gold, and they load like any other input.  Figures and
provenance only: no sentence of a report goes into the repository."""
from __future__ import annotations

import json
import math
import re

import pytest

from paths import CORPUS, ROOT
from etl.extract import parse_file

BUNDLE = sorted((ROOT / "data" / "reports").glob("*.json"))
RAW = sorted(p for p in (CORPUS / "raw").glob("*") if p.is_file()) if (CORPUS / "raw").is_dir() else []


def _doc(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_bundle_holds_every_corpus_report():
    assert len(BUNDLE) >= 16
    if not RAW:
        pytest.skip("../shared/corpus is absent")
    assert sorted(_doc(p)["source"]["name"] for p in BUNDLE) == sorted(p.name for p in RAW)


def _strings(x):
    if isinstance(x, dict):
        for v in x.values():
            yield from _strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from _strings(v)
    elif isinstance(x, str):
        yield x


@pytest.mark.parametrize("path", BUNDLE, ids=[p.stem for p in BUNDLE])
def test_bundled_report_loads_as_input(path):
    rep = parse_file(path)
    assert rep.source["format"] == "json"
    assert rep.source["original"]["sha256"]  # provenance back to the published file
    assert rep.cells and not rep.synthetic
    d = _doc(path)
    # figures, not prose: no raw cell text longer than a number, no sentence anywhere
    assert all(len(p["raw"]) <= 40 for p in d["provenance"].values())
    # the parser's and the assessment's own notes are the project's words; report text is not kept
    ours = {k: v for k, v in d.items() if k not in ("uncertain", "warnings", "assessment")}
    assert not [a.get("quote") for a in d.get("assessment", []) if a.get("quote")]
    assert not [s for s in _strings(ours) if re.search(r"[。；！？，]", s)]
    # no path of the machine that built it
    assert "/" not in d["source"]["path"]


@pytest.mark.parametrize("path", BUNDLE, ids=[p.stem for p in BUNDLE])
def test_bundle_equals_parser_and_gold(path):
    d = _doc(path)
    raw = CORPUS / "raw" / d["source"]["name"]
    if not raw.exists():
        pytest.skip("../shared/corpus is absent")
    fresh = parse_file(raw)
    assert fresh.cells == d["cells"], "re-run: python -m etl bundle ../shared/corpus/raw --out data/reports"
    assert fresh.uncertain == d["uncertain"]
    assert (fresh.agency, fresh.year, fresh.template) == (d["agency"], d["year"], d["template"])
    gold = json.loads((CORPUS / "gold" / f"{raw.stem}.json").read_text(encoding="utf-8"))
    assert (d["agency"], d["year"], d["template"]) == (gold["agency"], gold["year"], gold["template"])
    wrong = {k: (v, d["cells"].get(k)) for k, v in gold["cells"].items() if k not in d["uncertain"]
             and not (v is None and d["cells"].get(k) is None
                      or v is not None and d["cells"].get(k) is not None and math.isclose(v, d["cells"][k]))}
    assert wrong == {}
