"""One parsed report: the spec's JSON (agency, year, template, cells, uncertain) plus provenance.

This is the hand-off between the parser and everything after it (checks, warehouse, bundled
data files in ``data/reports/``).  ``to_json()`` gives exactly what ``python -m etl parse``
prints; ``from_json()`` reads it back, so a structured report file is just another input.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

PARSER_VERSION = "1.0.0"


# Synthetic reports (NOTES.md, "Synthetic reports"): the project's own generator (synth/) names
# every agency 示例… and prints SYNTHETIC_MARK in every rendered format; the parser sets
# ``synthetic`` when it sees either, whatever the file's format, and the dashboard leaves such
# reports out unless the user asks for 示例数据.
SYNTHETIC_PREFIX = "示例"
SYNTHETIC_MARK = "本报告为示例文本，所列机关与数据均为虚构"


def looks_synthetic(agency: str, text: str = "") -> bool:
    return str(agency or "").lstrip().startswith(SYNTHETIC_PREFIX) or SYNTHETIC_MARK in text


@dataclass
class Provenance:
    """Where a value came from and how it was read."""

    raw: str = ""                 # text as printed ('' = blank cell)
    semantic: str = "number"      # number | blank | na | unknown
    method: str = "cell"          # cell | split (digit run segmented) | order (row label lost) | sum | narrative | text | ocr | label (typed in the row's label cell)
    table: int | None = None      # index of the table in the source document
    row: int | None = None
    col: int | None = None
    page: int | None = None
    confidence: float | None = None  # OCR: recognition confidence (0–1) of the cell's text

    def to_json(self) -> dict[str, Any]:
        # not asdict: its deep copy costs more than the rest of a report's JSON (fields are plain)
        d = {"raw": self.raw, "semantic": self.semantic, "method": self.method, "table": self.table,
             "row": self.row, "col": self.col, "page": self.page, "confidence": self.confidence}
        if d["confidence"] is None:
            del d["confidence"]      # only OCR'd cells carry one
        return d


@dataclass
class ParsedReport:
    agency: str
    year: int
    template: str                              # '2019' | '2021'
    cells: dict[str, float | int | None] = field(default_factory=dict)
    uncertain: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    title: str = ""
    agency_as_printed: str = ""
    other_as_single_row: bool = False
    source: dict[str, Any] = field(default_factory=dict)   # path, name, sha256, format, bytes
    warnings: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    parser_version: str = PARSER_VERSION
    synthetic: bool = False
    # the text sections as printed (etl.sections: key, heading, text, position, page, level)
    sections: list[dict[str, Any]] = field(default_factory=list)
    # text indicators computed where the text was (a bundled report ships these, not its text)
    assessment: list[dict[str, Any]] = field(default_factory=list)
    #: the other reports of a bundle file (title, agency, year, where), named but not parsed here
    other_reports: list[dict[str, Any]] = field(default_factory=list)
    #: those reports parsed, for ``ingest`` to load each as its own report (not serialised)
    parts: list["ParsedReport"] = field(default_factory=list, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        extra = {"other_reports": self.other_reports} if self.other_reports else {}
        return {
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "cells": self.cells,
            "uncertain": self.uncertain,
            "title": self.title,
            "agency_as_printed": self.agency_as_printed,
            "other_as_single_row": self.other_as_single_row,
            "source": self.source,
            "parser_version": self.parser_version,
            "synthetic": self.synthetic,
            "warnings": self.warnings,
            "checks": self.checks,
            "provenance": {k: v.to_json() for k, v in self.provenance.items()},
        } | ({"sections": self.sections} if self.sections else {}) | (
            {"assessment": self.assessment} if self.assessment else {}) | extra

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "ParsedReport":
        prov = {k: Provenance(**v) for k, v in (d.get("provenance") or {}).items()}
        return cls(
            agency=d["agency"], year=int(d["year"]), template=str(d["template"]),
            cells=dict(d.get("cells") or {}), uncertain=dict(d.get("uncertain") or {}),
            provenance=prov, title=d.get("title", ""),
            agency_as_printed=d.get("agency_as_printed", ""),
            other_as_single_row=bool(d.get("other_as_single_row", False)),
            source=dict(d.get("source") or {}), warnings=list(d.get("warnings") or []),
            checks=list(d.get("checks") or []),
            parser_version=d.get("parser_version", PARSER_VERSION),
            synthetic=bool(d.get("synthetic", False)),
            sections=list(d.get("sections") or []), assessment=list(d.get("assessment") or []),
            other_reports=list(d.get("other_reports") or []),
        )
