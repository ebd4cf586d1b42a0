"""The DuckDB warehouse: load parsed reports, publish atomically, check and verify.

Guarantees
----------
* **Schema** from ``etl/schema.sql`` (idempotent DDL), executed on every open.
* **Identity**: ``report_id`` = first 16 hex of the source file's sha256.  Loading the same
  file again is ``unchanged`` and writes nothing (a run where every file is unchanged does not
  publish at all, not even load_log rows: the live file stays byte-identical); another file for the same agency + year
  becomes ``is_current`` and the old one stays as history (``is_current = false``,
  ``superseded_by`` = the new id): ``replaced``.  Within one batch the order is by source
  path, so the outcome does not depend on which worker finished first.
* **Atomic publish**: the live file is never written in place.  A publish copies
  ``warehouse.duckdb`` to a hidden temp file in the same folder (or creates one), applies the
  batch there, recomputes ``fact_cross_check`` and ``mart_report_metrics``, ``CHECKPOINT``,
  closes, fsyncs and ``os.replace`` s it onto the live path.  Any exception before the
  replace deletes the temp file: the live file stays byte-identical.  A run killed outright
  (``kill -9``) leaves its temp file behind; the next writer deletes it under the lock.
  Readers holding the old file keep reading the old inode; new connections see the new data.
* **One writer**: ``fcntl.flock`` on ``warehouse.duckdb.lock``: a second ingest tries once
  without blocking, then waits up to ``lock_timeout`` seconds, then stops with
  "另一个导入正在进行".
* **Reconciliation**: after loading, per report, the number of ``fact_cell`` rows equals
  ``len(report.cells)`` (and ``fact_check`` rows equal the checks run); otherwise the
  publish is aborted (:class:`ReconciliationError`).  Checked once per run, before the
  publish, for every report the run loaded.
* Facts go in through the DuckDB appender (never ``executemany``).
* :func:`ingest` hashes each file first; a file whose sha256 is already stored is counted as
  unchanged without being parsed (so a new parser version does not reload old files: use
  ``python -m etl verify`` to see what it would change).

Batching choice: :func:`ingest` holds at most ``chunk_size`` (500) parsed reports in memory;
each chunk is applied to the *same* staging copy in its own transaction, and the staging
copy is published **once at the end**.  An ingest is therefore all-or-nothing for the live
file (files that fail to parse are logged and skipped; a database error aborts the whole
run), and the live file is copied once per run rather than once per chunk.
"""
from __future__ import annotations

import fcntl
import hashlib
import math
import multiprocessing as mp
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from etl import agencies, archive, assess_store, checks, limits, vocab
from etl.report import ParsedReport
from etl.safe_names import printable, storable

SCHEMA_SQL = Path(__file__).resolve().parent / "schema.sql"
DEFAULT_LOCK_TIMEOUT = 30.0
CHUNK_SIZE = 500
LOCK_MESSAGE = "另一个导入正在进行"

FACT_CELL_COLS = ("report_id", "table_key", "row_key", "col_key", "cell_key", "value", "value_raw",
                  "semantic", "uncertain", "uncertain_reason", "method", "source_table", "source_row",
                  "source_col", "page")
FACT_CHECK_COLS = ("report_id", "check_id", "identity", "scope", "lhs", "rhs", "delta", "status", "detail")
DIM_REPORT_COLS = ("report_id", "agency_id", "agency_name", "year", "template", "other_as_single_row",
                   "title", "source_path", "source_name", "source_sha256", "source_format", "source_bytes",
                   "parser_version", "loaded_at", "is_current", "superseded_by", "is_synthetic", "n_cells",
                   "n_uncertain", "n_checks_failed")
DIM_AGENCY_COLS = ("agency_id", "name", "region_code", "province", "city", "county", "level", "kind",
                   "is_synthetic", "name_source")
_TABLES = ("t2", "t3", "t4")
# crawl provenance (etl/archive.py puts it in ParsedReport.source): dim_report column ← source key
CRAWL_COLS = (("source_url", "url"), ("page_url", "page_url"), ("published_at", "published_at"),
              ("published_at_method", "published_at_method"), ("fetched_at", "fetched_at"),
              ("source_version", "version"), ("first_fetched_at", "first_fetched_at"),
              ("source_choice", "choice"))


class WarehouseBusy(RuntimeError):
    """Another ingest holds the warehouse lock."""


class ReconciliationError(RuntimeError):
    """Stored rows do not match what was parsed: the publish is aborted."""


@dataclass
class IngestSummary:
    loaded: int = 0
    replaced: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    reconciled: bool = True
    cells: int = 0
    seconds: float = 0.0
    batch_id: str = ""
    db_path: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed and self.reconciled

    def __str__(self) -> str:
        n = self.loaded + self.replaced + self.unchanged + len(self.failed)
        rate = f" · {n / self.seconds:.1f} 份/s" if self.seconds > 0 else ""
        lines = [
            f"导入完成 ingest {self.batch_id}: 共 {n} 个文件 files · 新增 loaded {self.loaded} · "
            f"替换 replaced {self.replaced} · 未变 unchanged {self.unchanged} · 失败 failed {len(self.failed)} · "
            f"单元格 cells {self.cells} · 核对 reconciled {'✓' if self.reconciled else '✗'} · "
            f"{self.seconds:.1f} s{rate}",
        ]
        if self.db_path:
            lines.append(f"  数据库 warehouse: {self.db_path}")
        for path, reason in self.failed:
            lines.append(f"  失败 FAILED {printable(path)}: {printable(reason)}")  # one line, no escapes
        return "\n".join(lines)


# ----------------------------------------------------------------------------- lock and publish
def lock_path(db_path: Path) -> Path:
    return db_path.parent / (db_path.name + ".lock")


@contextmanager
def writer_lock(db_path: Path, timeout: float = DEFAULT_LOCK_TIMEOUT, poll: float = 0.1) -> Iterator[None]:
    """Exclusive writer lock: try once, then wait up to ``timeout`` s, then :class:`WarehouseBusy`."""
    lp = lock_path(db_path)
    lp.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"{LOCK_MESSAGE}，等待最多 {timeout:g} 秒… (waiting for {lp})", file=sys.stderr)
            deadline = time.monotonic() + timeout
            while True:
                time.sleep(poll)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WarehouseBusy(
                            f"{LOCK_MESSAGE}（{lp} 已被锁定 {timeout:g} 秒），请稍后再试 — "
                            f"another ingest is running on {db_path}") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def schema_sql() -> str:
    return SCHEMA_SQL.read_text(encoding="utf-8")


def connect_readonly(db_path: Path) -> duckdb.DuckDBPyConnection:
    """Read-only connection for the dashboard.  DuckDB caches instances per path inside one
    process: close the old connection before reconnecting to see a newer publish."""
    return duckdb.connect(str(db_path), read_only=True)


# ----------------------------------------------------------------------------- rows of one report
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


def cell_rows(report: ParsedReport, report_id: str) -> list[tuple]:
    """fact_cell rows of a report (raises ValueError on a malformed key or value)."""
    rows = []
    for key, v in report.cells.items():
        parts = key.split(".")
        if len(parts) != 3 or parts[0] not in _TABLES or not all(parts):
            raise ValueError(f"非法单元格键 invalid cell key: {key!r}")
        value = _num(v, key)
        prov = report.provenance.get(key)
        reason = report.uncertain.get(key)
        if prov is not None:
            semantic, raw, method = prov.semantic, prov.raw, prov.method
            pos = (prov.table, prov.row, prov.col, prov.page)
        else:
            semantic = "number" if value is not None else ("unknown" if reason else "na")
            raw, method, pos = None, "cell", (None, None, None, None)
        rows.append((report_id, parts[0], parts[1], parts[2], key, value, raw, semantic or "unknown",
                     reason is not None, reason, method or "cell", *pos))
    return rows


def check_rows(report_checks: list[dict], report_id: str) -> list[tuple]:
    return [(report_id, c["check_id"], c["identity"], c["scope"],
             None if c["lhs"] is None else float(c["lhs"]), None if c["rhs"] is None else float(c["rhs"]),
             None if c["delta"] is None else float(c["delta"]), c["status"], c.get("detail") or None)
            for c in report_checks]


def _source_fields(report: ParsedReport) -> tuple[str, str, str, int | None]:
    src = report.source
    path = storable(str(src.get("path") or src.get("name") or "<memory>"))  # file names need not be UTF-8
    name = storable(str(src.get("name") or Path(path).name))
    fmt = str(src.get("format") or Path(name).suffix.lstrip(".").lower() or "json")
    size = src.get("bytes")
    return path, name, fmt, (int(size) if size is not None else None)


def _set_crawl_provenance(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Source URL, publication date and version of crawled reports (etl/archive.py)."""
    cols = [c for c, _k in CRAWL_COLS]
    types = {"published_at": "date", "fetched_at": "timestamptz", "first_fetched_at": "timestamptz",
             "source_version": "integer"}
    con.execute("create or replace temp table _crawl (report_id varchar, "
                + ", ".join(f"{c} {types.get(c, 'varchar')}" for c in cols) + ")")
    with con.appender("_crawl") as ap:
        ap.append_rows(rows)
    con.execute("update dim_report set " + ", ".join(f"{c} = k.{c}" for c in cols)
                + " from _crawl k where dim_report.report_id = k.report_id")
    con.execute("drop table _crawl")


# ----------------------------------------------------------------------------- staging copy
class Staging:
    """A private copy of the warehouse that batches are applied to, then published once."""

    def __init__(self, db_path: Path, batch_id: str):
        self.db_path = Path(db_path)
        self.batch_id = batch_id
        self.tmp = self.db_path.parent / f".{self.db_path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        self.con: duckdb.DuckDBPyConnection | None = None
        self.summary = IngestSummary(batch_id=batch_id, db_path=str(self.db_path))
        self._current: dict[tuple[str, int], str] = {}
        self._known: set[str] = set()
        self._fresh = False
        # report → (cells, checks) loaded by this run; reconciled once, in finish(): a check per
        # chunk scanned the whole growing fact_cell table (quadratic over a national corpus)
        self._expected: dict[str, tuple[int, int]] = {}

    def open(self) -> "Staging":
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._fresh = not self.db_path.exists()
        if not self._fresh:
            shutil.copyfile(self.db_path, self.tmp)
        self.con = duckdb.connect(str(self.tmp))
        self.con.execute(schema_sql())
        if self.con.execute("select count(*) from dim_region").fetchall()[0][0] == 0:
            regions = agencies.region_rows()
            with self.con.appender("dim_region") as ap:
                ap.append_rows([(r["region_code"], r["name"], r["level"], r["parent_code"], r["province"],
                                 r["city"], r["county"]) for r in regions])
        self._known = {r[0] for r in self.con.execute("select report_id from dim_report").fetchall()}
        self._current = {(a, int(y)): rid for rid, a, y in self.con.execute(
            "select report_id, agency_id, year from dim_report where is_current").fetchall()}
        return self

    def discard(self) -> None:
        if self.con is not None:
            with suppress(Exception):
                self.con.close()
            self.con = None
        for p in (self.tmp, Path(str(self.tmp) + ".wal")):
            with suppress(FileNotFoundError):
                p.unlink()

    def apply(self, reports: Sequence[ParsedReport], failures: Iterable[tuple[str, str]] = ()) -> None:
        """Load one chunk in one transaction: dims, facts, checks, load_log (reconciled at finish)."""
        assert self.con is not None
        con = self.con
        now = datetime.now()
        s = self.summary
        rep_rows: list[tuple] = []
        fact_rows: list[tuple] = []
        chk_rows: list[tuple] = []
        warn_rows: list[tuple] = []
        text_rows: list[tuple] = []     # report_section (etl.assess_store)
        input_rows: list[tuple] = []    # report_assessment_input
        ag_rows: dict[str, tuple] = {}
        log_rows: list[tuple] = []
        superseded: dict[str, str] = {}
        expected: dict[str, tuple[int, int]] = {}
        for path, reason in failures:
            path, reason = storable(str(path)), storable(str(reason))
            log_rows.append((self.batch_id, now, path, "failed", None, reason))
            s.failed.append((path, reason))
        # crawled versions of a report load in fetch order (the latest is current); files: by path
        ordered = sorted(reports, key=lambda r: (str(r.source.get("fetched_at") or ""), _source_fields(r)[0],
                                                 report_id_of(r)))
        crawl_rows: list[tuple] = []
        for rep in ordered:
            rid = report_id_of(rep)
            path, name, fmt, size = _source_fields(rep)
            if rid in self._known:
                log_rows.append((self.batch_id, now, path, "unchanged", rid, None))
                s.unchanged += 1
                continue
            try:
                name_c, name_warn = agencies.canonical_agency(rep.agency)
                name_c = name_c or rep.agency
                if not name_c:
                    raise ValueError("报告没有机构名称 (no agency)")
                if not isinstance(rep.year, int) or not 2000 <= rep.year <= 2100:
                    raise ValueError(f"年度不合理：{rep.year!r}")
                if rep.template not in vocab.TEMPLATES:
                    raise ValueError(f"未知模板：{rep.template!r}")
                pre = rep.__dict__.pop("_prepared", None)     # rows built by the parse worker
                if pre is not None:
                    if pre[0] != rid or pre[1] != len(rep.cells):
                        raise ValueError("解析进程交来的行与报告不符 (prepared rows do not match the report)")
                    cells, rep_checks = pre[2], rep.checks
                else:
                    cells = cell_rows(rep, rid)
                    rep_checks = checks.run_checks(rep)
            except Exception as e:   # a malformed report: record it, load the others
                reason = f"{type(e).__name__}: {e}" if not isinstance(e, ValueError) else str(e)
                log_rows.append((self.batch_id, now, path, "failed", rid, reason))
                s.failed.append((path, reason))
                continue
            place = agencies.place_agency(name_c)
            aid = place["agency_id"]
            ag_rows[aid] = tuple(place[c] if c != "is_synthetic" else bool(rep.synthetic) for c in DIM_AGENCY_COLS)
            key = (aid, rep.year)
            old = self._current.get(key)
            status = "replaced" if old else "loaded"
            if old:
                superseded[old] = rid
            self._current[key] = rid
            self._known.add(rid)
            n_failed = sum(1 for c in rep_checks if c["status"] == "fail")
            rep_rows.append((rid, aid, name_c, rep.year, rep.template, bool(rep.other_as_single_row),
                             rep.title or None, path, name, str(rep.source["sha256"]), fmt, size,
                             rep.parser_version, now, True, None, bool(rep.synthetic), len(rep.cells),
                             len(rep.uncertain), n_failed))
            fact_rows += cells
            chk_rows += check_rows(rep_checks, rid)
            text_rows += assess_store.section_rows(rep, rid)
            input_rows += assess_store.input_rows(rep, rid)
            for w in rep.warnings:
                warn_rows.append((rid, "parser", str(w)))
            for w in name_warn:
                warn_rows.append((rid, "agency", w))
            if name_c != rep.agency:
                warn_rows.append((rid, "loader", f"机构名称规范化：{rep.agency} → {name_c}"))
            expected[rid] = (len(rep.cells), len(rep_checks))
            if rep.source.get("url"):
                crawl_rows.append((rid, *(rep.source.get(k) for _c, k in CRAWL_COLS)))
            log_rows.append((self.batch_id, now, path, status, rid, f"replaces {old}" if old else None))
            s.loaded += status == "loaded"
            s.replaced += status == "replaced"
            s.cells += len(cells)
        con.execute("begin transaction")
        try:
            if ag_rows:
                with con.appender("dim_agency", action="upsert") as ap:
                    ap.append_rows(list(ag_rows.values()))
            for table, rows in (("dim_report", rep_rows), ("fact_cell", fact_rows),
                                ("fact_check", chk_rows), ("report_warning", warn_rows),
                                ("report_section", text_rows), ("report_assessment_input", input_rows),
                                ("load_log", log_rows)):
                if rows:
                    cols = list(DIM_REPORT_COLS) if table == "dim_report" else None
                    with con.appender(table, columns=cols) as ap:
                        ap.append_rows(rows)
            if crawl_rows:
                _set_crawl_provenance(con, crawl_rows)
            if superseded:
                con.execute("create or replace temp table _superseded (old_id varchar, new_id varchar)")
                with con.appender("_superseded") as ap:
                    ap.append_rows(list(superseded.items()))
                con.execute("""update dim_report set is_current = false, superseded_by = s.new_id
                               from _superseded s where dim_report.report_id = s.old_id""")
                con.execute("drop table _superseded")
            limits.pause_at("load")       # test seam: kill -9 mid-load (etl/limits.py)
            con.execute("commit")
            self._expected.update(expected)
        except BaseException:
            con.execute("rollback")
            raise

    def log_unchanged(self, path: str, report_id: str) -> None:
        """Count a file known by its sha256 as unchanged (no load_log row, nothing written)."""
        self.summary.unchanged += 1

    def _reconcile(self, expected: dict[str, tuple[int, int]]) -> None:
        if not expected:
            return
        assert self.con is not None
        con = self.con
        con.execute("create or replace temp table _expected (report_id varchar, n_cells integer, n_checks integer)")
        with con.appender("_expected") as ap:
            ap.append_rows([(k, a, b) for k, (a, b) in expected.items()])
        bad = con.execute("""
            select e.report_id, e.n_cells, coalesce(c.n, 0), e.n_checks, coalesce(k.n, 0)
            from _expected e
            left join (select report_id, count(*) as n from fact_cell
                       where report_id in (select report_id from _expected) group by all) c using (report_id)
            left join (select report_id, count(*) as n from fact_check
                       where report_id in (select report_id from _expected) group by all) k using (report_id)
            where e.n_cells <> coalesce(c.n, 0) or e.n_checks <> coalesce(k.n, 0)
            limit 5""").fetchall()
        con.execute("drop table _expected")
        if bad:
            self.summary.reconciled = False
            raise ReconciliationError("入库核对失败 reconciliation failed (report, cells expected/stored, "
                                      f"checks expected/stored): {bad}")

    def finish(self) -> IngestSummary:
        """Cross-year checks, marts, checkpoint, close, atomic replace of the live file."""
        assert self.con is not None
        con = self.con
        if not (self.summary.loaded or self.summary.replaced or self.summary.failed or self._fresh):
            return self.summary          # every file unchanged: nothing is written, no publish
        con.execute("begin transaction")
        try:
            self._reconcile(self._expected)
            recompute_cross_checks(con)
            assess_store.recompute(con)     # 年报评估: findings and scores of every current report
            con.execute("""update dim_agency set is_synthetic = s.syn
                           from (select agency_id, bool_and(is_synthetic) as syn from dim_report group by all) s
                           where dim_agency.agency_id = s.agency_id and dim_agency.is_synthetic <> s.syn""")
            materialize_marts(con)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        limits.pause_at("checkpoint")
        con.execute("checkpoint")
        con.close()
        self.con = None
        with open(self.tmp, "rb+") as f:
            os.fsync(f.fileno())
        _before_replace_hook()
        limits.pause_at("replace")
        os.replace(self.tmp, self.db_path)
        _fsync_dir(self.db_path.parent)
        return self.summary


def _file_report_id(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()[:16]


def remove_stale_temps(db_path: Path) -> list[Path]:
    """Delete staging copies left by a killed run.  Call only while holding the writer lock:
    then no other writer exists, so every staging file of this warehouse is stale."""
    gone = []
    for p in db_path.parent.glob(f".{db_path.name}.*.tmp*"):
        if p.name.endswith((".tmp", ".tmp.wal")):
            try:
                p.unlink()
                gone.append(p)
            except OSError:
                pass
    return gone


def _before_replace_hook() -> None:
    """Test seam: raising here simulates a crash after the copy was built, before publish."""


@contextmanager
def staging(db_path: Path, batch_id: str | None = None, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Iterator[Staging]:
    """Lock, open a staging copy, yield it; publish on normal exit, discard on any exception."""
    batch_id = batch_id or f"{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    with writer_lock(Path(db_path), timeout=lock_timeout):
        remove_stale_temps(Path(db_path))
        st = Staging(Path(db_path), batch_id)
        try:
            st.open()
            yield st
            st.finish()
        finally:
            st.discard()


def load_reports(reports: list[ParsedReport], db_path: Path, *, batch_id: str | None = None,
                 failures: Sequence[tuple[str, str]] = (), lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> IngestSummary:
    """Load parsed reports in one transaction and publish atomically (see the module docstring)."""
    t0 = time.perf_counter()
    with staging(Path(db_path), batch_id, lock_timeout) as st:
        st.apply(reports, failures)
    st.summary.seconds = time.perf_counter() - t0
    return st.summary


# ----------------------------------------------------------------------------- marts
# table materialised at publish ← the view in schema.sql that defines it (the read model (app.queries) reads the
# table when present, else the view)
MARTS = {
    "mart_report_metrics": ("v_report_metrics", "one row per current report with the key figures"),
    "mart_cell_by_group": ("v_cell_by_group", "cells summed per year × template × region × level × kind × synthetic"),
    "mart_check_by_group": ("v_check_by_group", "check outcomes counted per filter group"),
    "mart_check_failure": ("v_check_failure", "failing per-report checks with report context"),
    "mart_uncertain_cell": ("v_uncertain_cell", "uncertain cells with report context"),
}


def materialize_marts(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)build every mart table from its view (called at publish, inside its transaction)."""
    for table, (view, what) in MARTS.items():
        con.execute(f"create or replace table {table} as select * from {view}")
        con.execute(f"comment on table {table} is '{view} materialised at publish ({what})'")


# ----------------------------------------------------------------------------- cross-year checks (SQL)
def _values(pairs: Iterable[tuple[str, str]]) -> str:
    return ", ".join("('{}', '{}')".format(a, b.replace("'", "''")) for a, b in pairs)


def recompute_cross_checks(con: duckdb.DuckDBPyConnection) -> None:
    """I6 and I8 over all current reports (same results as :func:`etl.checks.run_cross_year`)."""
    t3_cols = _values((c.key, c.zh) for c in vocab.T3_COLS)
    i8_rows = _values((r, vocab.row_zh("t2", r)) for r in checks.I8_ROWS)
    con.execute("delete from fact_cross_check")
    con.execute(f"""
        insert into fact_cross_check
        with cur as (select report_id, agency_id, year, template from dim_report where is_current),
        pairs as (
            select n.agency_id, n.year, n.report_id as cur_id, p.report_id as prev_id,
                   n.template as cur_t, p.template as prev_t
            from cur n join cur p on p.agency_id = n.agency_id and p.year = n.year - 1),
        i6 as (
            select pr.agency_id, pr.year, 'I6.' || c.col as check_id, 'I6' as identity,
                   '表三 ' || c.zh || '列：' || pr.year || '年上年结转 = ' || (pr.year - 1) || '年结转下年度' as scope,
                   a.value as lhs, b.value as rhs
            from pairs pr cross join (values {t3_cols}) c(col, zh)
            left join fact_cell a on a.report_id = pr.cur_id and a.cell_key = 't3.carried_over_from_prior.' || c.col
            left join fact_cell b on b.report_id = pr.prev_id and b.cell_key = 't3.carried_to_next.' || c.col),
        i8 as (
            select pr.agency_id, pr.year, 'I8.' || r.row_key as check_id, 'I8' as identity,
                   '表二 ' || r.zh || '：' || pr.year || '年现行有效 ≈ ' || (pr.year - 1) || '年现行有效+本年制发−本年废止' as scope,
                   now_.value as lhs, before_.value + iss.value - rep.value as rhs
            from pairs pr cross join (values {i8_rows}) r(row_key, zh)
            left join fact_cell now_ on now_.report_id = pr.cur_id and now_.cell_key = 't2.' || r.row_key || '.in_force_count'
            left join fact_cell before_ on before_.report_id = pr.prev_id and before_.cell_key = 't2.' || r.row_key || '.in_force_count'
            left join fact_cell iss on iss.report_id = pr.cur_id and iss.cell_key = 't2.' || r.row_key || '.issued_count'
            left join fact_cell rep on rep.report_id = pr.cur_id and rep.cell_key = 't2.' || r.row_key || '.repealed_count'
            where pr.cur_t = '2021' and pr.prev_t = '2021')
        select agency_id, year, check_id, identity, scope,
               case when lhs is null or rhs is null then null else lhs end,
               case when lhs is null or rhs is null then null else rhs end,
               lhs - rhs,
               case when lhs is null or rhs is null then 'not_assessable'
                    when lhs = rhs then 'pass'
                    when identity = 'I8' then 'warn' else 'fail' end,
               case when lhs is null or rhs is null then '缺少输入 missing input'
                    when identity = 'I8' then '仅提示（修订、清理等会打破此关系）' else '' end
        from (select * from i6 union all select * from i8)
        order by agency_id, year, check_id""")


# ----------------------------------------------------------------------------- ingest
def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Files under the given paths (recursive, sorted), skipping hidden files and folders."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                out += [Path(root) / f for f in sorted(files) if not f.startswith(".")]
        else:
            out.append(p)       # a file named explicitly is taken even if hidden (and may fail)
    seen: set[Path] = set()
    return [p for p in out if not (p in seen or seen.add(p))]


def _parse_one(path: str) -> tuple[str, ParsedReport | None, str | None]:
    """Worker: parse one file under the per-file time/memory limits of :mod:`etl.limits`;
    never raises (spawn-safe: module-level, picklable results)."""
    try:
        from etl.document import ReportError
        from etl.limits import parse_file_limited
    except Exception as e:            # parser not importable: every file fails with the reason
        return path, None, f"解析器不可用 parser unavailable: {type(e).__name__}: {e}"
    try:
        rep = parse_file_limited(Path(path))
        rep.source["path"] = path
        return path, rep, None
    except ReportError as e:
        return path, None, e.reason
    except Exception as e:            # a parser bug must not stop the batch
        return path, None, f"{type(e).__name__}: {e}"


class Progress:
    """A tiny progress bar on stderr (no dependency)."""

    def __init__(self, total: int, enabled: bool = True, label: str = "导入"):
        self.total, self.enabled, self.label = total, enabled and total > 0, label
        self.done = self.failed = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def step(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.2 or self.done == self.total):
            self._last = now
            frac = self.done / self.total
            bar = "#" * int(frac * 30)
            rate = self.done / max(now - self.t0, 1e-9)
            sys.stderr.write(f"\r{self.label} [{bar:<30}] {self.done}/{self.total} "
                             f"失败 {self.failed} · {rate:.1f} 份/s ")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _spawn_safe() -> bool:
    """Spawned workers re-run the parent's ``__main__`` unless it was run with ``-m`` or is the
    script on the command line.  A Streamlit script (``streamlit run``, AppTest) is neither:
    each worker would render the app and may start its own ingest (and a worker that dies at
    start-up hangs the pool).  Then parse in-process instead."""
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) or getattr(main, "__file__", None) is None:
        return True
    try:
        return Path(main.__file__).resolve() == Path(sys.argv[0]).resolve()
    except (OSError, IndexError, ValueError, TypeError):
        return False


def _parse_prepared(path: str) -> tuple[str, ParsedReport | None, str | None]:
    """Worker: :func:`_parse_one`, then the report's fact_cell rows, built here rather than in
    the loading process (one process for all workers).  The identity checks come as
    ``rep.checks``: ``extract.parse_bytes`` ran them on these very cells.  Provenance is in the
    rows now and is not sent twice.  :meth:`Staging.apply` uses rows and checks only for the
    report they were built for, and builds both itself for reports from anywhere else."""
    path, rep, err = _parse_one(path)
    if rep is not None:
        try:
            rid = report_id_of(rep)
            if not rep.checks:          # not from parse_bytes (a stand-in parser): run them here
                rep.checks = checks.run_checks(rep)
            rep._prepared = (rid, len(rep.cells), cell_rows(rep, rid))  # type: ignore[attr-defined]
            rep.provenance = {}
        except Exception:   # malformed: apply() builds the rows again and records why it fails
            pass
    return path, rep, err


def _parsed(files: list[Path], workers: int) -> Iterator[tuple[str, ParsedReport | None, str | None]]:
    names = [str(f) for f in files]
    n = workers if workers > 0 else (os.cpu_count() or 1)
    n = min(n, len(names))
    if n <= 1 or not _spawn_safe():
        for name in names:
            yield _parse_prepared(name)
        return
    ctx = mp.get_context("spawn")     # never fork a process that holds DuckDB threads
    chunksize = max(1, min(16, len(names) // (n * 8)))
    with ctx.Pool(n, maxtasksperchild=500) as pool:
        yield from pool.imap_unordered(_parse_prepared, names, chunksize=chunksize)


def ingest(paths: list[Path], db_path: Path, *, workers: int = 0, progress: bool = True,
           chunk_size: int = CHUNK_SIZE, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
           batch_id: str | None = None) -> IngestSummary:
    """Parse every file under ``paths`` (in parallel) and load them; one atomic publish at the end."""
    t0 = time.perf_counter()
    archives = [Path(p) for p in paths if archive.is_archive(Path(p))]   # crawl archives: by manifest
    files = iter_files([p for p in paths if Path(p) not in archives])
    bar = Progress(len(files), progress)
    with staging(Path(db_path), batch_id, lock_timeout) as st:
        chunk: list[ParsedReport] = []
        fails: list[tuple[str, str]] = []
        # a file whose sha256 is already stored is unchanged: no need to parse it again
        todo: list[Path] = []
        for f in files:
            rid = _file_report_id(f)
            if rid is not None and rid in st._known:
                st.log_unchanged(str(f), rid)
                bar.step()
            else:
                todo.append(f)
        def take(items: Iterable[tuple[str, ParsedReport | None, str | None]]) -> None:
            nonlocal chunk, fails
            for path, rep, err in items:
                if rep is None:
                    fails.append((path, err or "unknown error"))
                else:
                    chunk.append(rep)
                bar.step(rep is None)
                if len(chunk) + len(fails) >= chunk_size:
                    st.apply(chunk, fails)
                    chunk, fails = [], []

        try:
            take(_parsed(todo, workers))
            for root in archives:
                n_known, n_todo, items = archive.load(root, st._known, lambda fs: _parsed(fs, workers), chunk_size)
                bar.total += n_known + n_todo
                for _ in range(n_known):
                    st.log_unchanged(str(root), "")
                    bar.step()
                take(items)
            st.apply(chunk, fails)
        finally:
            bar.close()
    st.summary.seconds = time.perf_counter() - t0
    return st.summary


# ----------------------------------------------------------------------------- CLI
def cli_ingest(args) -> int:
    try:
        summary = ingest(list(args.paths), Path(args.db), workers=args.workers, progress=not args.quiet)
    except WarehouseBusy as e:
        print(str(e), file=sys.stderr)
        return 3
    except ReconciliationError as e:
        print(f"导入中止，数据库未改变 (aborted, warehouse unchanged): {e}", file=sys.stderr)
        return 2
    except (OSError, duckdb.Error) as e:   # read-only folder, disk full, ...: one line, no traceback
        detail = " ".join(str(e).split())[:300]
        print(f"导入失败，数据库未改变 (ingest failed, warehouse unchanged): {type(e).__name__}: {detail}",
              file=sys.stderr)
        return 4
    print(summary)
    return 0 if summary.ok else 1


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def cli_checks(args) -> int:
    db = Path(args.db)
    if not db.exists():
        print(f"没有数据库 no warehouse at {db}; run `python -m etl ingest` first", file=sys.stderr)
        return 2
    statuses = ("pass", "fail", "not_assessable", "warn") if args.all else ("fail", "warn")
    where = "k.status in (" + ", ".join("?" for _ in statuses) + ")"
    params: list[Any] = list(statuses)
    agency_filter = ""
    if args.agency:
        agency_filter = " and agency_name like ?"
        params_agency = [f"%{args.agency}%"]
    else:
        params_agency = []
    con = connect_readonly(db)
    try:
        rows = con.execute(f"""
            select r.report_id, r.agency_name, r.year, k.check_id, k.scope, k.lhs, k.rhs, k.delta, k.status
            from fact_check k join v_report r using (report_id)
            where {where}{agency_filter.replace('agency_name', 'r.agency_name')}
            order by r.agency_name, r.year, k.identity, k.check_id""", params + params_agency).fetchall()
        cross = con.execute(f"""
            select a.name, x.year, x.check_id, x.scope, x.lhs, x.rhs, x.delta, x.status
            from fact_cross_check x left join dim_agency a using (agency_id)
            where {where.replace('k.', 'x.')}{agency_filter.replace('agency_name', 'a.name')}
            order by a.name, x.year, x.check_id""", params + params_agency).fetchall()
        n_reports = con.execute("select count(*) from v_report").fetchall()[0][0]
    finally:
        con.close()
    print(f"单年校验 per-report checks ({len(rows)} rows, {n_reports} current reports):")
    print("report_id\tagency\tyear\tcheck\tstatus\tlhs\trhs\tdelta\tscope")
    for rid, ag, yr, cid, scope, lhs, rhs, delta, status in rows:
        print(f"{rid}\t{ag}\t{yr}\t{cid}\t{status}\t{_fmt(lhs)}\t{_fmt(rhs)}\t{_fmt(delta)}\t{scope}")
    print(f"\n跨年校验 cross-year checks ({len(cross)} rows):")
    print("agency\tyear\tcheck\tstatus\tlhs\trhs\tdelta\tscope")
    for ag, yr, cid, scope, lhs, rhs, delta, status in cross:
        print(f"{ag}\t{yr}\t{cid}\t{status}\t{_fmt(lhs)}\t{_fmt(rhs)}\t{_fmt(delta)}\t{scope}")
    return 0


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def verify(db_path: Path) -> tuple[int, list[str]]:
    """Re-parse every current report's source (if it still exists) and compare its cells.

    Returns (number of reports compared, list of difference lines)."""
    from etl.document import ReportError
    from etl.extract import parse_file
    con = connect_readonly(Path(db_path))
    try:
        reports = con.execute("""select report_id, source_path, source_sha256, agency_name, year
                                 from dim_report where is_current order by source_path""").fetchall()
        stored: dict[str, dict[str, float | None]] = {}
        for rid, key, value in con.execute("""select c.report_id, c.cell_key, c.value from fact_cell c
                                              join dim_report r using (report_id) where r.is_current""").fetchall():
            stored.setdefault(rid, {})[key] = value
    finally:
        con.close()
    diffs: list[str] = []
    compared = 0
    for rid, path, _sha, agency, year in reports:
        p = Path(path)
        if not p.is_file():
            diffs.append(f"{rid}\t{agency} {year}\t源文件不存在 source missing: {path}")
            continue
        try:
            rep = parse_file(p)
        except ReportError as e:
            diffs.append(f"{rid}\t{agency} {year}\t无法重新解析 cannot re-parse {path}: {e.reason}")
            continue
        except Exception as e:
            diffs.append(f"{rid}\t{agency} {year}\t解析出错 parser error {path}: {type(e).__name__}: {e}")
            continue
        compared += 1
        if rep.source.get("sha256") and str(rep.source["sha256"])[:16] != rid:
            diffs.append(f"{rid}\t{agency} {year}\t源文件已改变 source file changed since load: {path}")
        have = stored.get(rid, {})
        new = {k: (None if v is None else float(v)) for k, v in rep.cells.items()}
        for k in sorted(set(have) | set(new)):
            if k not in new:
                diffs.append(f"{rid}\t{agency} {year}\t{k}\t仓库有、重新解析无 stored={_fmt(have[k])} reparsed=absent")
            elif k not in have:
                diffs.append(f"{rid}\t{agency} {year}\t{k}\t重新解析多出 stored=absent reparsed={_fmt(new[k])}")
            elif not _same(have[k], new[k]):
                diffs.append(f"{rid}\t{agency} {year}\t{k}\t值不同 stored={_fmt(have[k])} reparsed={_fmt(new[k])}")
    return compared, diffs


def cli_verify(args) -> int:
    db = Path(args.db)
    if not db.exists():
        print(f"没有数据库 no warehouse at {db}", file=sys.stderr)
        return 2
    compared, diffs = verify(db)
    for line in diffs:
        print(line)
    print(f"核验 verify: 重新解析 {compared} 份报告 re-parsed, 差异 {len(diffs)} differences",
          file=sys.stderr)
    return 1 if diffs else 0
