"""The narrative as evidence for ambiguous table-二 cells (etl.narrative, NOTES L19).

The property: a figure the report's sentences state settles a cell only when the table itself
prints it there; a sentence altered to a wrong figure (one the table does not print for that
cell) leaves the cell flagged or right, never silently wrong, and a sentence never overrides a
row the table prints unambiguously.  Checked on the corpus files the narrative settles cells
of, and on synthetic reports in every text format.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal

import pytest

from etl import narrative, vocab
from etl.extract import parse_bytes, parse_file
from paths import CORPUS, HAVE_CORPUS
from synth import render as R
from synth.metamorphic import runner

D = Decimal


def _same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(float(a), float(b)))


# ----------------------------------------------------------------------------- claims

@pytest.mark.parametrize("text, want", [
    ("全年主动公开示例县规章 5 件、示例县行政规范性文件 12 件、其他文件 30 件。",
     {"regulations.issued_count": {5}, "regulations.newly_published_count": {5},
      "normative_documents.issued_count": {12}, "normative_documents.newly_published_count": {12}}),
    ("动态更新本年度制发的规范性文件７件。", {"normative_documents.issued_count": {7},
                                "normative_documents.newly_made_count": {7}}),
    ("集中发布现行有效行政规范性文件 86 件。", {"normative_documents.in_force_count": {86}}),
    ("经清理，宣布废止规范性文件3件。", {"normative_documents.repealed_count": {3}}),
    # a sum of several kinds, a count of something else, a figure of another kind in between
    ("刊登示例县规章、行政规范性文件等 40 件。", {}),
    ("对规范性文件先后进行4次专项清理。", {}),
    ("印发通知12份及规范性文件3件。", {}),
    ("政策、规范性文件类信息68条。", {}),
])
def test_claims(text, want):
    got = narrative.t2_claims(text)
    assert got == {k: {D(v) for v in vs} for k, vs in want.items()}


def test_narrow_keeps_only_cuts_that_print_the_figure():
    layout = ["issued_count", "repealed_count", "in_force_count"]
    cands = [[D(1), D(2), D(345)], [D(12), D(3), D(45)], [D(12), D(34), D(5)]]
    kept, used = narrative.narrow({"normative_documents.issued_count": {D(12)}}, "normative_documents", layout, cands)
    assert kept == cands[1:] and used == {"issued_count": D(12)}
    assert narrative.agreed(kept) == [D(12), None, None]
    # two figures for one cell: no evidence
    both = {"normative_documents.issued_count": {D(12), D(1)}}
    assert narrative.narrow(both, "normative_documents", layout, cands) == (cands, {})
    # a figure no cut prints disables every claim about the row
    off = {"normative_documents.issued_count": {D(12)}, "normative_documents.in_force_count": {D(99)}}
    assert narrative.narrow(off, "normative_documents", layout, cands) == (cands, {})


# ----------------------------------------------------------------------------- the corpus

_ITEM = r"((?:规章|规范性文件)\s*(?:共计|共|计|合计)?\s*){v}(\s*(?:件|部|个|份|篇))"


def _wrong(v: int, printed: str) -> int:
    """A figure other than ``v`` that the table does not print (not in its digits)."""
    w = v + 1
    while str(w) in printed:
        w += 1
    return w


def _narrative_cells():
    """(file, row, stated figure) for every table-二 row the narrative settles cells of, once
    per figure the narrative states for the row's settled cells."""
    if not HAVE_CORPUS:
        return []
    out = []
    for raw in sorted((CORPUS / "raw").iterdir()):
        if raw.suffix not in (".txt", ".md", ".html"):
            continue
        rep = parse_file(raw)
        text = raw.read_text(encoding="utf-8")
        rows = {k.rsplit(".", 1)[0] for k, p in rep.provenance.items() if p.method == "narrative"}
        for row in sorted(rows):
            figs = {int(v) for k, v in rep.cells.items() if k.startswith(row + ".") and v is not None
                    and rep.provenance[k].method == "narrative"}
            out += [(raw.name, row, v) for v in sorted(figs) if re.search(_ITEM.format(v=v), text)]
    return out


NARRATIVE_CELLS = _narrative_cells()


@pytest.mark.skipif(not HAVE_CORPUS, reason="shared corpus absent")
def test_corpus_has_narrative_cells():
    assert NARRATIVE_CELLS, "the narrative settles no corpus cell"


@pytest.mark.parametrize("name, row, v", NARRATIVE_CELLS)
def test_corpus_narrative_altered_leaves_cells_flagged(name, row, v):
    import json
    raw = CORPUS / "raw" / name
    gold = json.loads((CORPUS / "gold" / (raw.stem + ".json")).read_text(encoding="utf-8"))["cells"]
    rep = parse_file(raw)
    settled = [k for k, p in rep.provenance.items() if k.startswith(row + ".") and p.method == "narrative"]
    assert all(_same(rep.cells[k], gold[k]) and k not in rep.uncertain for k in settled)
    text = raw.read_text(encoding="utf-8")
    w = _wrong(v, "".join(rep.provenance[k].raw for k in settled))
    altered = re.sub(_ITEM.format(v=v), lambda m: f"{m.group(1)}{w}{m.group(2)}", text)
    bad = parse_bytes(altered.encode("utf-8"), name)
    assert [k for k in settled if k not in bad.uncertain] == []
    silent = [k for k, g in gold.items() if k not in bad.uncertain and not _same(bad.cells.get(k), g)]
    assert silent == []


# ----------------------------------------------------------------------------- synthetic reports

SOURCES = runner.all_sources(CORPUS)
DOC_ROWS = ("regulations", "normative_documents")


def _with_sentence(src: dict, sentence: str) -> dict:
    rep = {k: src[k] for k in ("agency", "year", "template", "cells")} | {"options": dict(src.get("options") or {})}
    rep["sections"] = [{"key": "general", "text": f"{src['year']}年，本机关持续规范信息发布流程。{sentence}"
                        "工作中仍存在信息更新不够及时的不足。"}]
    return rep


def _sentences(src: dict, wrong: bool) -> list[str]:
    """Sentences stating each document row's figures (the made/issued and, in the 2021
    template, the in-force count): true, or each altered to a figure the table does not print."""
    cells = src["cells"]
    out = []
    for row in DOC_ROWS:
        noun = {"regulations": "规章", "normative_documents": "规范性文件"}[row]
        cols = vocab.T2_LAYOUT[src["template"]].get(row, ())
        printed = "".join(str(cells.get(f"t2.{row}.{c}")) for c in cols)
        for col, verb in (("issued_count", "制发"), ("newly_made_count", "制发"), ("in_force_count", "发布现行有效")):
            v = cells.get(f"t2.{row}.{col}")
            if col in cols and v is not None:
                out.append(f"全年{verb}{noun}{_wrong(int(v), printed) if wrong else int(v)}件。")
    return out


CASES = [(sid, fmt, wrong) for sid, src in SOURCES.items() if _sentences(src, False)
         for fmt in ("flat", "txt", "md") for wrong in (False, True)]


@pytest.mark.parametrize("sid, fmt, wrong", CASES)
def test_synthetic_narrative_never_silently_wrong(sid, fmt, wrong):
    src = SOURCES[sid]
    plain = parse_bytes(R.render(_with_sentence(src, ""), fmt), f"{sid}.{fmt}")
    rep = parse_bytes(R.render(_with_sentence(src, "".join(_sentences(src, wrong))), fmt), f"{sid}.{fmt}")
    silent = {k: (v, rep.cells.get(k)) for k, v in src["cells"].items()
              if k not in rep.uncertain and not _same(rep.cells.get(k), v)}
    assert silent == {}
    assert set(rep.cells) <= set(src["cells"])
    t2 = [k for k in src["cells"] if k.split(".")[1] in DOC_ROWS]
    if wrong:
        # a wrong sentence settles nothing: every cell flagged without it still is
        assert not any(rep.provenance[k].method == "narrative" for k in t2 if k in rep.provenance)
        assert {k for k in t2 if k in plain.uncertain} <= set(rep.uncertain)
    else:
        # true sentences flag no more than none do, and what they settle is right
        assert {k for k in t2 if k in rep.uncertain} <= {k for k in t2 if k in plain.uncertain}
    if fmt != "flat":
        # cells the table prints one per cell: the sentence never takes part
        assert not any(p.method == "narrative" for p in rep.provenance.values())
        assert {k: rep.cells.get(k) for k in t2} == {k: plain.cells.get(k) for k in t2}


# ----------------------------------------------------------------------------- table 三 all zero


def _zeroed_t3_markdown(report: dict) -> bytes:
    """The report in markdown, every figure of table 三 printed 0 (its text untouched)."""
    lines = R.render_markdown(report).splitlines()
    start = next(i for i, ln in enumerate(lines) if "收到和处理政府信息公开申请" in ln)
    end = next(i for i, ln in enumerate(lines) if i > start and "行政复议" in ln and not ln.startswith("|"))
    for i in range(start, end):
        if lines[i].startswith("|"):
            lines[i] = "|".join(re.sub(r"^\s*\d+\s*$", " 0 ", c) for c in lines[i].split("|"))
    return "\n".join(lines).encode("utf-8")


def test_all_zero_t3_against_stated_applications_is_flagged():
    """LibreOffice recomputes a DOCX's Word formula fields when it prints it: a table 三 whose
    figures are fields prints 0 in every cell, while the text still says 全年新收政府信息公开申请
    N件.  The report contradicts itself: every table-三 cell is flagged, its printed 0 kept
    (adversary round 9, `docx_totals_as_fields` printed by LibreOffice)."""
    from test_parse import make_report
    report = make_report("2021", seed=3)
    assert report["cells"]["t3.new_received.total"] > 0
    rep = parse_bytes(_zeroed_t3_markdown(report), "r.md")
    t3 = [k for k in rep.cells if k.startswith("t3.")]
    assert t3 and all(rep.cells[k] in (0, None) for k in t3)
    assert all(k in rep.uncertain for k in t3)


def test_all_zero_t3_with_no_applications_stated_is_not_flagged():
    """A table 三 of zeros in a report whose text says no application came in is the report's."""
    from test_parse import make_report
    report = make_report("2021", seed=3)
    for k in report["cells"]:
        if k.startswith("t3."):
            report["cells"][k] = 0
    rep = parse_bytes(R.render_markdown(report).encode("utf-8"), "r.md")
    assert not [k for k in rep.uncertain if k.startswith("t3.")]
    assert narrative.applications_stated("全年新收政府信息公开申请0件，办结0件。") == {0}
    assert narrative.applications_stated("本年度受理政府信息公开申请 21 件") == {21}
