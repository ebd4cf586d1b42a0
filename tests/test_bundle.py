"""The bundled data (data/reports/*.json) are the figures of the real corpus, kept in sync
with the parser, and they load like any other input."""
from __future__ import annotations

import json

import pytest

from paths import CORPUS, ROOT
from etl.extract import parse_file

BUNDLE = sorted((ROOT / "data" / "reports").glob("*.json"))


def test_bundle_is_present():
    assert len(BUNDLE) >= 8


@pytest.mark.parametrize("path", BUNDLE, ids=[p.stem for p in BUNDLE])
def test_bundled_report_loads_as_input(path):
    rep = parse_file(path)
    assert rep.source["format"] == "json"
    assert rep.source["original"]["sha256"]  # provenance back to the published file
    assert rep.cells and not rep.synthetic
    # figures, not prose: no free text longer than a title or our own notes
    d = json.loads(path.read_text(encoding="utf-8"))
    assert all(len(p["raw"]) <= 40 for p in d["provenance"].values())


@pytest.mark.parametrize("path", BUNDLE, ids=[p.stem for p in BUNDLE])
def test_bundle_in_sync_with_the_parser(path):
    d = json.loads(path.read_text(encoding="utf-8"))
    raw = CORPUS / "raw" / d["source"]["name"]
    if not raw.exists():
        pytest.skip("../shared/corpus is absent")
    fresh = parse_file(raw)
    assert fresh.cells == d["cells"], "re-run: python -m etl bundle ../shared/corpus/raw --out data/reports"
    assert fresh.uncertain == d["uncertain"]
    assert (fresh.agency, fresh.year, fresh.template) == (d["agency"], d["year"], d["template"])
