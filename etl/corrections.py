"""复核: reviewers' corrections of parsed cells, kept as data and applied at every publish.

Role in the ETL (etl never imports app/): the parser's rows stay as they were read
(``fact_cell``, ``fact_check``); a correction is a row of the ``correction`` table
(``etl/schema.sql``) and the published views read ``v_fact_cell`` = fact_cell overlaid by the
applied corrections (their provenance says 人工复核 with reviewer and time) and ``v_fact_check``
= the checks re-run (:mod:`etl.checks`) on every corrected report.  The marts, the cross-year
checks and 年报评估 are built from those views.

Writes
------
* :func:`etl.review.submit` runs :func:`write` through the warehouse's one-writer path
  (:func:`etl.warehouse.staging`: writer lock, standby twin, atomic switch): a reader
  sees the warehouse before or after a correction, never half of it.  (It lives in its own
  module: the warehouse imports this one to call :func:`on_publish`.)
* **Optimistic concurrency**: the reviewer sends the version and value of the cell they saw;
  if another correction was published meanwhile, the write is refused with
  :class:`CorrectionConflict` (who changed it, when, to what).
* A correction must make the identities through the cell hold, or carry a reason why the
  agency's printing is kept (:class:`CorrectionInvalid` otherwise).
* Every write adds an ``audit_log`` row (who, when, action, target, detail).

Lifecycle (:func:`on_publish`, called once per publish, before the marts are built)
-----------------------------------------------------------------------------------
``applied`` → ``superseded`` when a later correction of the same cell is made;
``applied`` → ``to_recheck`` (待重新核对) when a different file replaced the report: the
correction was made against other bytes (``source_sha256``) and is never carried over to the
new file by itself.  Re-ingesting the same file changes nothing (same sha256, same report).
"""
from __future__ import annotations

import functools
import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from etl import checks, vocab
from etl.rows import check_rows

STATUS_ZH = {"applied": "已生效", "to_recheck": "待重新核对", "superseded": "已被后续更正取代"}
PROVENANCE_ZH = "人工复核"


class CorrectionError(ValueError):
    """A correction that cannot be written (the message is for the reviewer, in Chinese)."""


class CorrectionConflict(CorrectionError):
    """Someone else changed the cell after the reviewer looked at it."""


class CorrectionInvalid(CorrectionError):
    """The correction breaks an identity and gives no reason, or names no reviewer/cell."""


@dataclass(frozen=True)
class CellState:
    """What a reviewer sees of one cell: its effective value and its correction version."""
    report_id: str
    cell_key: str
    value: float | None
    value_raw: str | None
    version: int                 # 0 = never corrected; n = n corrections so far


# ----------------------------------------------------------------------------- reading
def cell_state(con, report_id: str, cell_key: str) -> CellState | None:
    row = con.execute("""select value, value_raw from v_fact_cell where report_id = ? and cell_key = ?""",
                      [report_id, cell_key]).fetchall()
    if not row:
        return None
    row = row[0]
    ver = con.execute("select coalesce(max(version), 0) from correction where report_id = ? and cell_key = ?",
                      [report_id, cell_key]).fetchall()[0][0]
    return CellState(report_id, cell_key, row[0], row[1], int(ver))


def effective_cells(con, report_id: str) -> dict[str, float | None]:
    """The report's cells as published (corrections applied)."""
    return dict(con.execute("select cell_key, value from v_fact_cell where report_id = ?", [report_id]).fetchall())


def _single_row(cells: dict[str, Any], printed_single: bool) -> bool:
    """Whether table 三 prints （六）其他处理 as one row (as :func:`etl.checks.run_checks` decides)."""
    return bool(printed_single) or (checks.has_single_other_row(cells) and not any(
        k.startswith(f"t3.{r}.") for r in vocab.T3_OTHER_SUBROWS for k in cells))


def report_checks(cells: dict[str, Any], template: str, printed_single: bool) -> list[dict[str, Any]]:
    """Every single-report identity on these cells (same rules as at load)."""
    return checks.check_cells(cells, template, _single_row(cells, printed_single))


def through(check: dict[str, Any], cell_key: str, single: bool) -> bool:
    """Whether ``check`` involves ``cell_key`` (a table-wide I5 check involves each of its cells)."""
    return check["check_id"] == f"I5.{cell_key[:2]}" or cell_key in cells_of_check(check["check_id"], single)


def preview(con, report_id: str, cell_key: str, new_value: float | None) -> list[dict[str, Any]]:
    """The identities through the cell if it held ``new_value`` (nothing is written): both
    sides, difference and status of each; the review page calls it as the reviewer types."""
    row = con.execute("select template, other_as_single_row from dim_report where report_id = ?",
                      [report_id]).fetchall()
    if not row:
        return []
    row = row[0]
    cells = effective_cells(con, report_id)
    if cell_key not in cells:
        return []
    cells[cell_key] = new_value
    single = _single_row(cells, row[1])
    return [c for c in checks.check_cells(cells, row[0], single) if through(c, cell_key, single)]


# ----------------------------------------------------------------------------- writing
def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def _audit(con, actor: str, action: str, target: str, detail: str, at: datetime | None = None) -> None:
    con.execute('insert into audit_log ("at", actor, action, target, detail) values (?, ?, ?, ?, ?)',
                [at or datetime.now(), actor, action, target, detail])


def _fmt(v: float | None) -> str:
    if v is None:
        return "空（不适用）"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def write(con, *, report_id: str, cell_key: str, new_value: float | None, reviewer: str,
          seen_version: int, seen_value: float | None, reason: str = "", evidence: str = "",
          now: datetime | None = None) -> dict[str, Any]:
    """Insert one correction into ``con`` (a staging copy under the writer lock); raises a
    :class:`CorrectionError` (nothing written) when it cannot be made."""
    reviewer, reason, evidence = (reviewer or "").strip(), (reason or "").strip(), (evidence or "").strip()
    if not reviewer:
        raise CorrectionInvalid("更正必须署名：请先登录")
    if new_value is not None and (isinstance(new_value, bool) or not math.isfinite(float(new_value))):
        raise CorrectionInvalid(f"数值不合法：{new_value!r}")
    rep = con.execute("""select agency_id, year, source_sha256, is_current from dim_report where report_id = ?""",
                      [report_id]).fetchall()
    if not rep:
        raise CorrectionInvalid(f"找不到年报 {report_id}")
    agency_id, year, sha, current = rep[0]
    if not current:
        raise CorrectionInvalid("这份年报已被新的文件取代，请在当前版本上复核")
    state = cell_state(con, report_id, cell_key)
    if state is None:
        raise CorrectionInvalid(f"年报 {report_id} 没有单元格 {cell_key}")
    if state.version != int(seen_version) or not _same(state.value, seen_value):
        last = con.execute("""select reviewer, created_at, new_value from correction
                              where report_id = ? and cell_key = ? order by version desc limit 1""",
                           [report_id, cell_key]).fetchall()
        last = last[0] if last else None
        who = f"{last[0]} 于 {last[1]:%Y-%m-%d %H:%M:%S} 改为 {_fmt(last[2])}" if last else "已被他人修改"
        raise CorrectionConflict(
            f"{vocab.label_zh(cell_key)}（{cell_key}）在您查看后已被更改：{who}（版本 {state.version}，"
            f"您看到的是版本 {int(seen_version)}、数值 {_fmt(seen_value)}）。请刷新后重新核对。")
    new_value = None if new_value is None else float(new_value)
    failing = [c for c in preview(con, report_id, cell_key, new_value) if c["status"] == "fail"]
    if failing and not reason:
        listed = "；".join(f"{c['scope']}（{_fmt(c['lhs'])} ≠ {_fmt(c['rhs'])}）" for c in failing[:3])
        raise CorrectionInvalid(f"更正后勾稽关系仍不成立：{listed}。请改正数值，或填写理由说明为何保留机关所印数字。")
    now = now or datetime.now()
    con.execute("""update correction set status = 'superseded'
                   where status in ('applied', 'to_recheck') and cell_key = ?
                     and (report_id = ? or (agency_id = ? and year = ?))""", [cell_key, report_id, agency_id, year])
    row = {"correction_id": uuid.uuid4().hex, "report_id": report_id, "agency_id": agency_id, "year": int(year),
           "cell_key": cell_key, "old_value": state.value, "old_value_raw": state.value_raw,
           "new_value": new_value, "reason": reason, "reviewer": reviewer, "created_at": now,
           "evidence": evidence or None, "source_sha256": sha, "status": "applied",
           "version": state.version + 1, "keeps_failure": bool(failing), "recheck_report_id": None}
    con.execute(f"insert into correction ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))
    _audit(con, reviewer, "correct", f"{report_id}.{cell_key}",
           f"{_fmt(state.value)} → {_fmt(new_value)}（版本 {row['version']}）" + (f"；理由：{reason}" if reason else ""),
           now)
    return row


def audit_rows(actor: str, action: str, target: str, detail: str = "") -> tuple:
    """An ``audit_log`` row for another writer (e.g. an upload) to hand to the staging copy."""
    return (datetime.now(), actor, action, target, detail)


# ----------------------------------------------------------------------------- at publish
def on_publish(con: duckdb.DuckDBPyConnection, audit: list[tuple] = (), scope: set[str] | None = None) -> None:
    """Called once per publish inside its transaction, before the cross-year checks and marts:
    writes pending audit rows, reopens corrections of replaced files, re-runs the checks of the
    corrected reports (``fact_check_reviewed``, ``report_reviewed``): every one when ``scope`` is
    None (a full rebuild), else those among the touched reports ``scope``."""
    if audit:
        con.executemany('insert into audit_log ("at", actor, action, target, detail) values (?, ?, ?, ?, ?)',
                        [list(a) for a in audit])
    reopened = con.execute("""
        select k.correction_id, k.report_id, k.cell_key, c.report_id
        from correction k join dim_report r using (report_id)
        left join dim_report c on c.agency_id = k.agency_id and c.year = k.year and c.is_current
        where k.status = 'applied' and not r.is_current""").fetchall()
    now = datetime.now()
    for cid, rid, key, new_rid in reopened:
        con.execute("update correction set status = 'to_recheck', recheck_report_id = ? where correction_id = ?",
                    [new_rid, cid])
        _audit(con, "system", "reopen", f"{rid}.{key}", f"年报文件已被 {new_rid} 取代：更正待重新核对", now)
    only, params = "", []
    if scope is not None:           # the touched reports (a replaced file's report is one of them)
        only, params = " and k.report_id in (select unnest(?::varchar[]))", [sorted(scope | {r[1] for r in reopened})]
    for table in ("fact_check_reviewed", "report_reviewed"):
        con.execute(f"delete from {table} k where true{only}", params)
    todo = con.execute(f"""
        select k.report_id, any_value(r.template), any_value(r.other_as_single_row), count(*), max(k.created_at)
        from correction k join dim_report r using (report_id)
        where k.status = 'applied'{only} group by k.report_id order by k.report_id""", params).fetchall()
    check_out: list[tuple] = []
    reviewed: list[tuple] = []
    for rid, template, single, n, last in todo:
        cells = effective_cells(con, rid)
        res = report_checks(cells, template, single)
        check_out += check_rows(res, rid)
        n_unc = con.execute("select count(*) from v_fact_cell where report_id = ? and uncertain", [rid]).fetchall()[0][0]
        reviewed.append((rid, int(n_unc), sum(c["status"] == "fail" for c in res), int(n), last))
    if check_out:
        with con.appender("fact_check_reviewed") as ap:
            ap.append_rows(check_out)
    if reviewed:
        with con.appender("report_reviewed") as ap:
            ap.append_rows(reviewed)


@functools.lru_cache(maxsize=4096)
def cells_of_check(check_id: str, single: bool) -> tuple[str, ...]:
    """The cell keys a per-report check sums (both sides); () for a check over a whole table."""
    parts = check_id.split(".")
    if parts[0] == "I5":
        return (".".join(parts[1:]),) if len(parts) == 4 else ()
    if parts[0] == "I7" and len(parts) == 3:
        return tuple(f"t2.{parts[2]}.{c}" for c in ("item_count_change", "prior_year_item_count", "current_item_count"))
    for ident, lhs, rhs in checks.identity_terms(single):
        if ident == check_id:
            return tuple(lhs + rhs)
    if parts[0] == "I3" and len(parts) == 3:       # an extra table-三 row the report printed
        return (f"t3.{parts[2]}.total",) + tuple(f"t3.{parts[2]}.{c}" for c in vocab.T3_APPLICANT_COLS)
    return ()
