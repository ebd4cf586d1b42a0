"""Uploaded report files: parsed in a supervised worker process, kept only when they parse.

Role in the dashboard: the 导入年报 page hands each uploaded file here.  The file is written
under the uploads folder (content-hash name, :func:`etl.safe_names.upload_name`) and parsed by
:func:`etl.workers.parse_one` under the same time and memory limits as ``python -m etl
ingest`` (a PDF bomb or a pathological page costs a child process, never the server).  A file
that does not parse is deleted again: ``data/uploads/`` holds only reports that can be loaded.
:func:`load_uploaded` loads them through the warehouse's one writer, with an audit_log row
naming who uploaded what.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from etl import corrections, warehouse
from etl.safe_names import upload_name
from etl.workers import parse_one


def parse_upload(data: bytes, name: str, folder: Path) -> dict[str, Any]:
    """``{"name", "error"}`` for a rejected file (not kept), else ``{"name", "report", "checks",
    "path", "rows"}`` with ``rows`` = {report_id: fact_cell rows} for :func:`etl.warehouse.load_reports`."""
    target = Path(folder) / upload_name(data, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    res = parse_one(target)
    if res.report is None:
        target.unlink(missing_ok=True)
        return {"name": name, "error": res.error or "无法解析"}
    rows = {res.report_id: res.rows} if res.report_id and res.rows is not None else {}
    return {"name": name, "report": res.report, "checks": res.report.checks, "path": str(target), "rows": rows}


def load_uploaded(reports: list, db_path: Path, prepared: dict, actor: str) -> warehouse.IngestSummary:
    """Load parsed uploads in one atomic publish (:func:`etl.warehouse.load_reports`), recording
    ``actor`` in the audit log, also when every file was already loaded (unchanged)."""
    names = ", ".join(str(r.source.get("name") or "") for r in reports)[:500]
    return warehouse.load_reports(reports, Path(db_path), prepared=prepared, audit=lambda s: [corrections.audit_rows(
        actor, "upload", names, f"新增 {s.loaded}，替换 {s.replaced}，未变 {s.unchanged}，失败 {len(s.failed)}")])
