"""Rows of one parsed report for the warehouse's fact tables (pure functions, no database).

Role in the ETL: the parser workers (:mod:`etl.workers`) build a report's ``fact_cell`` rows
where it was parsed; :class:`etl.warehouse.Staging` builds them itself for reports from
anywhere else, and both use these functions.  ``report_id`` = first 16 hex of the source
file's sha256.
"""
from __future__ import annotations

import hashlib
import math
from typing import Any

from etl.report import ParsedReport

TABLES = ("t2", "t3", "t4")


def report_id_of(report: ParsedReport) -> str:
    sha = report.source.get("sha256")
    if not sha:
        # no source file (a report built in memory): hash its canonical JSON instead
        sha = hashlib.sha256(report.dumps().encode("utf-8")).hexdigest()
        report.source["sha256"] = sha
    return str(sha)[:16]


def _num(v: Any, key: str) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError(f"单元格 {key} 的值不是数字：{v!r}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"单元格 {key} 的值不是有限数：{v!r}")
    return float(v)


def _unread(report: ParsedReport) -> list[str]:
    """Flagged cells with no value: under ``uncertain`` only (``cells`` holds what the report
    prints), loaded as unknown cells so that the review queue shows them."""
    return [k for k in report.uncertain if k not in report.cells and k.count(".") == 2]


def n_cell_rows(report: ParsedReport) -> int:
    """How many fact_cell rows :func:`cell_rows` makes of a report."""
    return len(report.cells) + len(_unread(report))


def cell_rows(report: ParsedReport, report_id: str) -> list[tuple]:
    """fact_cell rows of a report (raises ValueError on a malformed key or value)."""
    rows = []
    for key, v in [*report.cells.items(), *((k, None) for k in _unread(report))]:
        parts = key.split(".")
        if len(parts) != 3 or parts[0] not in TABLES or not all(parts):
            raise ValueError(f"非法单元格键 invalid cell key: {key!r}")
        value = _num(v, key)
        prov = report.provenance.get(key)
        reason = report.uncertain.get(key)
        if prov is not None:
            semantic, raw, method = prov.semantic, prov.raw, prov.method
            pos = (prov.table, prov.row, prov.col, prov.page, prov.confidence)
        else:
            semantic = "number" if value is not None else ("unknown" if reason else "na")
            raw, method, pos = None, "cell", (None, None, None, None, None)
        rows.append((report_id, parts[0], parts[1], parts[2], key, value, raw, semantic or "unknown",
                     reason is not None, reason, method or "cell", *pos))
    return rows


def check_rows(report_checks: list[dict], report_id: str) -> list[tuple]:
    return [(report_id, c["check_id"], c["identity"], c["scope"],
             None if c["lhs"] is None else float(c["lhs"]), None if c["rhs"] is None else float(c["rhs"]),
             None if c["delta"] is None else float(c["delta"]), c["status"], c.get("detail") or None)
            for c in report_checks]


