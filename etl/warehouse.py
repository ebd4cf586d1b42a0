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
* **Atomic publish**: the live file is never written.  ``warehouse.duckdb`` is a link to one
  of two twin files (:mod:`etl.twins`); a publish writes the other one, the *standby*: it first
  replays the previous publish's recorded change onto it (the catch-up, O(change)), applies the
  batch, updates the derived tables (``fact_cross_check``, the assessment, the marts),
  ``CHECKPOINT``, closes, fsyncs, writes its own change as the next delta and moves the link
  (``os.replace`` of a new link).  When the standby cannot be trusted or is held by a reader,
  the publish copies the live file to a hidden temp file instead and moves that onto the
  standby's name (``IngestSummary.fallback`` says why).  Any exception before the link moves
  leaves the live file byte-identical; a run killed outright (``kill -9``) leaves a temp file,
  which the next writer deletes under the lock, or a standby marked ``dirty``, which it copies
  over.  Readers holding the old file keep reading it; new connections see the new data.
* **One writer**: ``fcntl.flock`` on ``warehouse.duckdb.lock``: a second ingest tries once
  without blocking, then waits up to ``lock_timeout`` seconds, then stops with
  "另一个导入正在进行".
* **Reconciliation**: after loading, per report, the number of ``fact_cell`` rows equals
  :func:`etl.rows.n_cell_rows` (its cells and its flagged cells with no value; and
  ``fact_check`` rows equal the checks run); otherwise the
  publish is aborted (:class:`ReconciliationError`).  Checked once per run, before the
  publish, for every report the run loaded.
* Facts go in through the DuckDB appender (never ``executemany``).
* :func:`ingest` hashes each file first; a file whose sha256 is already stored is counted as
  unchanged without being parsed (so a new parser version does not reload old files: use
  ``python -m etl verify`` to see what it would change).

Batching choice: :func:`ingest` holds at most ``chunk_size`` (500) parsed reports in memory;
each chunk is applied to the *same* staging file in its own transaction, and it is published
**once at the end**.  An ingest is therefore all-or-nothing for the live file (files that fail
to parse are logged and skipped; a database error aborts the whole run).

Publish in O(change): the derived tables are updated only for the reports a run touched
(loaded, or no longer current): :meth:`Staging._scope` says when everything is rebuilt instead
(fresh warehouse, large batch, derived tables written by other code: ``publish_meta``); see
``recompute_cross_checks``, ``etl.assess_store.recompute`` and :func:`materialize_marts`, each
with a ``touched`` argument, and docs/architecture.md §6.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from etl import agencies, archive, assess, assess_store, checks, corrections, limits, twins, vocab
from etl import workers as workers_mod
from etl.readers import hash_regular
from etl.report import ParsedReport
from etl.rows import cell_rows, check_rows, n_cell_rows, report_id_of
from etl.safe_names import printable, storable
from etl.workers import ParseResult

SCHEMA_SQL = Path(__file__).resolve().parent / "schema.sql"
DEFAULT_LOCK_TIMEOUT = 30.0
CHUNK_SIZE = 500
FULL_REBUILD_SHARE = 0.25     # a publish touching more of the current reports rebuilds derived tables
MART_INCREMENTAL_MAX = 5000   # more touched reports than this: marts are rebuilt whole (one scan each)
LOCK_MESSAGE = "另一个导入正在进行"

FACT_CELL_COLS = ("report_id", "table_key", "row_key", "col_key", "cell_key", "value", "value_raw",
                  "semantic", "uncertain", "uncertain_reason", "method", "source_table", "source_row",
                  "source_col", "page", "confidence")
FACT_CHECK_COLS = ("report_id", "check_id", "identity", "scope", "lhs", "rhs", "delta", "status", "detail")
DIM_REPORT_COLS = ("report_id", "agency_id", "agency_name", "year", "template", "other_as_single_row",
                   "title", "source_path", "source_name", "source_sha256", "source_format", "source_bytes",
                   "parser_version", "loaded_at", "is_current", "superseded_by", "is_synthetic", "n_cells",
                   "n_uncertain", "n_checks_failed", "read_by_ocr")
DIM_AGENCY_COLS = ("agency_id", "name", "region_code", "province", "city", "county", "level", "kind",
                   "is_synthetic", "name_source")
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
    skipped: int = 0            # left for another run (``--ocr only``: files with a text layer)
    failed: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    reconciled: bool = True
    cells: int = 0
    seconds: float = 0.0
    batch_id: str = ""
    db_path: str = ""
    phases: dict[str, float] = field(default_factory=dict)   # publish phase → seconds (benchmarks)
    fallback: str = ""          # why this publish copied the live file instead of catching up a twin

    @property
    def ok(self) -> bool:
        return not self.failed and self.reconciled

    def __str__(self) -> str:
        n = self.loaded + self.replaced + self.unchanged + len(self.failed)
        rate = f" · {n / self.seconds:.1f} 份/s" if self.seconds > 0 else ""
        lines = [
            f"导入完成 ingest {self.batch_id}: 共 {n} 个文件 files · 新增 loaded {self.loaded} · "
            f"替换 replaced {self.replaced} · 未变 unchanged {self.unchanged} · "
            + (f"跳过 skipped {self.skipped} · " if self.skipped else "") + f"失败 failed {len(self.failed)} · "
            f"单元格 cells {self.cells} · 核对 reconciled {'✓' if self.reconciled else '✗'} · "
            f"{self.seconds:.1f} s{rate}",
        ]
        if self.db_path:
            lines.append(f"  数据库 warehouse: {self.db_path}")
        for line in self.conflicts:
            lines.append(f"  警告 WARNING {printable(line)}")
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


def connect_readonly(db_path: Path, attempts: int = 20, pause: float = 0.05) -> duckdb.DuckDBPyConnection:
    """Read-only connection for the dashboard and the CLI, to the file the warehouse link names
    now (:mod:`etl.twins`).  DuckDB caches instances per path inside one process: close the old
    connection before reconnecting to see a newer publish.  A file a writer has just taken (the
    link moved on between resolving and opening) is retried on the new target."""
    for attempt in range(attempts):
        try:
            return duckdb.connect(str(twins.resolve(Path(db_path))), read_only=True)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower() or attempt == attempts - 1:
                raise
            time.sleep(pause)
    raise AssertionError("unreachable")


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


# ----------------------------------------------------------------------------- versions of one agency-year
@dataclass
class _Version:
    rid: str
    path: str
    rank: tuple
    figures: str
    url: str = ""          # crawled: the address it was fetched from (a later fetch is a new version)


PREFERENCE_RULE = ("更少校验未通过 fewer failed checks > 更少不确定单元格 fewer uncertain cells > "
                   "更多有值单元格 more cells with a value > 更大的源文件 larger source file > sha256")


def preference(rep: ParsedReport, n_failed: int) -> tuple:
    """Which of two files for one agency-year in one batch becomes current: the larger tuple.

    The rule (NOTES.md, "Conflicting files"): fewer failed identity checks, then fewer uncertain
    cells, then more cells with a value, then the larger source file, then the larger sha256
    (arbitrary but fixed by the contents).  Never the file's path or the order of arrival."""
    filled = sum(1 for v in rep.cells.values() if v is not None)
    return (-n_failed, -len(rep.uncertain), filled, int(rep.source.get("bytes") or 0), str(rep.source.get("sha256")))


_RANK_WHY = ("校验未通过更少 fewer failed checks", "不确定单元格更少 fewer uncertain cells",
             "有值单元格更多 more cells with a value", "源文件更大 larger source file", "sha256 较大 (tie)")


def _explain(win: tuple, lose: tuple) -> str:
    for i, (a, b) in enumerate(zip(win, lose)):
        if a != b:
            return f"规则 rule: {_RANK_WHY[i]}"
    return "规则 rule: 相同 identical"


def _figures(rep: ParsedReport) -> str:
    return hashlib.sha256(json.dumps(sorted(rep.cells.items()), default=str).encode()).hexdigest()


def _validate(rep: ParsedReport) -> tuple[str, list[str]]:
    """The canonical agency name and its warnings; ValueError when the report cannot be stored."""
    name_c, name_warn = agencies.canonical_agency(rep.agency)
    name_c = name_c or rep.agency
    if not name_c:
        raise ValueError("报告没有机构名称 (no agency)")
    if not isinstance(rep.year, int) or not 2000 <= rep.year <= 2100:
        raise ValueError(f"年度不合理：{rep.year!r}")
    if rep.template not in vocab.TEMPLATES:
        raise ValueError(f"未知模板：{rep.template!r}")
    return name_c, name_warn


@dataclass
class _Batch:
    """The rows of one chunk, built before anything is written."""
    now: datetime
    reports: list[tuple] = field(default_factory=list)
    cells: list[tuple] = field(default_factory=list)
    checks: list[tuple] = field(default_factory=list)
    warnings: list[tuple] = field(default_factory=list)
    conflicts: list[tuple] = field(default_factory=list)
    log: list[tuple] = field(default_factory=list)
    agencies: dict[str, tuple] = field(default_factory=dict)
    superseded: dict[str, str] = field(default_factory=dict)
    expected: dict[str, tuple[int, int]] = field(default_factory=dict)
    crawl: list[tuple] = field(default_factory=list)
    sections: list[tuple] = field(default_factory=list)        # report_section (etl.assess_store)
    bands: list[tuple] = field(default_factory=list)           # report_section_band
    assess_inputs: list[tuple] = field(default_factory=list)   # report_assessment_input


# ----------------------------------------------------------------------------- staging copy
class Staging:
    """The file batches are applied to, then published once: the standby twin, caught up, or a
    private copy of the live file (:meth:`open`); every write goes through ``con``, a
    :class:`etl.twins.Recorder`, so the publish's change can be replayed onto the other twin."""

    def __init__(self, db_path: Path, batch_id: str):
        self.db_path = Path(db_path)
        self.batch_id = batch_id
        self.tmp = Path(f"{twins.new_tmp(self.db_path)}.tmp")
        self.con: twins.Recorder | None = None
        self.summary = IngestSummary(batch_id=batch_id, db_path=str(self.db_path))
        self._current: dict[tuple[str, int], str] = {}
        self._known: set[str] = set()
        self._fresh = False
        # report → (cells, checks) loaded by this run; reconciled once, in finish(): a check per
        # chunk scanned the whole growing fact_cell table (quadratic over a national corpus)
        self._expected: dict[str, tuple[int, int]] = {}
        self._batch_versions: dict[str, _Version] = {}    # reports loaded by this run
        # [复核] etl/corrections.py: a correction sets ``changed`` (publish with no file loaded);
        # ``audit`` holds audit_log rows of this write (who uploaded, …), written at publish
        self.changed = False
        self.audit: list[tuple] = []
        # reports loaded or no longer current: what the derived tables are updated for at publish
        self._touched: set[str] = set()
        self._derived_ok = False        # the derived tables were built by this code (publish_meta)
        self._rubric: dict = {}
        self.mode = os.environ.get("GKNB_PUBLISH", "auto")   # auto | full | incremental (see _scope)
        self.force = False              # publish even when nothing changed (rebuild_derived)
        self.journal: twins.Journal | None = None
        self.raw: duckdb.DuckDBPyConnection | None = None
        self.work = self.tmp            # the file being written: a private copy, or the standby twin

    def open(self) -> "Staging":
        """Open the file this publish writes: the standby twin brought up to the live state by
        replaying the last publish's delta (:mod:`etl.twins`), or else a private copy of the
        live file (``summary.fallback`` says why)."""
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._fresh = not self.db_path.exists()
        t0 = time.perf_counter()
        self.target = twins.standby(self.db_path)
        self._live = twins.live_twin(self.db_path)
        self._base_stamp = twins.stamp(self._live) if self._live is not None else None
        raw, meta, why = (None, {}, "新建 fresh") if self._fresh else twins.catch_up(
            self.db_path, self.target, lambda: limits.pause_at("catch_up"))
        self._gen, self._base_schema = meta.get("to_gen", "0"), meta.get("schema")   # what the live file saw
        self.summary.fallback = why
        self.summary.phases["fallback"] = float(raw is None)
        if raw is None:
            if not self._fresh:
                shutil.copyfile(self.db_path, self.tmp)
            self._phase("copy", t0)
            raw = duckdb.connect(str(self.tmp))
            self._gen = twins.generation(raw)
            self.work = self.tmp
        else:
            self._phase("catch_up", t0)
            self.work = self.target
        self.raw = raw
        self.journal = twins.Journal(Path(f"{self.tmp}.delta.tmp"),
                                     twins.journal_limit(None if self._fresh else twins.resolve(self.db_path)))
        self.con = twins.Recorder(raw, self.journal)
        self.con.schema(schema_sql())
        if self.con.execute("select count(*) from dim_region").fetchall()[0][0] == 0:
            regions = agencies.region_rows()
            with self.con.appender("dim_region") as ap:
                ap.append_rows([(r["region_code"], r["name"], r["level"], r["parent_code"], r["province"],
                                 r["city"], r["county"]) for r in regions])
        self._rubric = assess.load_rubric()
        stored = self.con.execute("select value from publish_meta where key = 'derived_version'").fetchall()
        self._derived_ok = bool(stored) and stored[0][0] == derived_version(self._rubric)
        self._known = {r[0] for r in self.con.execute("select report_id from dim_report").fetchall()}
        self._current = {(a, int(y)): rid for rid, a, y in self.con.execute(
            "select report_id, agency_id, year from dim_report where is_current").fetchall()}
        self._opened_at = self.journal.position()
        return self

    def _phase(self, name: str, t0: float) -> float:
        """Add the seconds since ``t0`` to phase ``name`` (IngestSummary.phases); the time now."""
        now = time.perf_counter()
        self.summary.phases[name] = self.summary.phases.get(name, 0.0) + now - t0
        return now

    def discard(self) -> None:
        """Close and delete this publish's private files (a standby written in place stays:
        it is not live, and its generation says it cannot be trusted)."""
        if self.con is not None:
            with suppress(Exception):
                self.con.close()
            self.con = None
        if self.journal is not None:
            self.journal.discard()
        for p in (self.tmp, Path(str(self.tmp) + ".wal"), Path(f"{self.tmp}.link.tmp")):
            with suppress(FileNotFoundError):
                p.unlink()

    def apply(self, reports: Sequence[ParsedReport], failures: Iterable[tuple[str, str]] = (),
              prepared: Mapping[str, list[tuple]] | None = None) -> None:
        """Load one chunk in one transaction: dims, facts, checks, load_log (reconciled at finish).

        ``prepared`` maps a report_id to the fact_cell rows a parse worker built for it
        (:class:`etl.workers.ParseResult`); reports without them get their rows built here."""
        t0 = time.perf_counter()
        self._write(self._build(reports, failures, prepared or {}))
        self._phase("apply", t0)

    def _fail(self, b: _Batch, path: str, reason: str, rid: str | None = None) -> None:
        path, reason = storable(str(path)), storable(str(reason))
        b.log.append((self.batch_id, b.now, path, "failed", rid, reason))
        self.summary.failed.append((path, reason))

    def _build(self, reports: Sequence[ParsedReport], failures: Iterable[tuple[str, str]],
               prepared: Mapping[str, list[tuple]]) -> _Batch:
        """The rows of one chunk (nothing written): validates each report, decides which version
        of an agency-year is current (:func:`preference`), records conflicts."""
        b = _Batch(now=datetime.now())
        s = self.summary
        for path, reason in failures:
            self._fail(b, path, reason)
        # crawled versions of a report load in fetch order (the latest is current); files: by path
        for rep in sorted(reports, key=lambda r: (str(r.source.get("fetched_at") or ""), _source_fields(r)[0],
                                                  report_id_of(r))):
            rid = report_id_of(rep)
            path, name, fmt, size = _source_fields(rep)
            if rid in self._known:
                b.log.append((self.batch_id, b.now, path, "unchanged", rid, None))
                s.unchanged += 1
                continue
            try:
                name_c, name_warn = _validate(rep)
                if rid in prepared:
                    cells = prepared[rid]
                    if len(cells) != n_cell_rows(rep) or any(r[0] != rid for r in cells):
                        raise ValueError("解析进程交来的行与报告不符 (prepared rows do not match the report)")
                    rep_checks = rep.checks
                else:
                    cells = cell_rows(rep, rid)
                    rep_checks = checks.run_checks(rep)
            except Exception as e:   # a malformed report: record it, load the others
                self._fail(b, path, f"{type(e).__name__}: {e}" if not isinstance(e, ValueError) else str(e), rid)
                continue
            place = agencies.place_agency(name_c)
            aid = place["agency_id"]
            b.agencies[aid] = tuple(place[c] if c != "is_synthetic" else bool(rep.synthetic) for c in DIM_AGENCY_COLS)
            n_failed = sum(1 for c in rep_checks if c["status"] == "fail")
            mine = _Version(rid, path, preference(rep, n_failed), _figures(rep), str(rep.source.get("url") or ""))
            key = (aid, rep.year)
            old = self._current.get(key)
            rival = self._batch_versions.get(old) if old else None
            current, superseded_by, detail = True, None, f"replaces {old}" if old else None
            status = "replaced" if old else "loaded"
            if rival is not None and mine.url and mine.url == rival.url:
                rival = None               # a later fetch of one address: the newer version is current
            if rival is not None:          # two files for one agency-year in this batch
                win, lose = (mine, rival) if mine.rank > rival.rank else (rival, mine)
                if mine.figures != rival.figures:
                    why = _explain(win.rank, lose.rank)
                    b.conflicts.append((self.batch_id, aid, rep.year, win.rid, lose.rid, win.path, lose.path, why))
                    msg = (f"版本冲突 CONFLICT {name_c} {rep.year}: {printable(win.path)} 为当前版本，"
                           f"{printable(lose.path)} 保留为历史版本（数字不同；{why}）")
                    s.conflicts.append(msg)
                    for r in (win.rid, lose.rid):
                        b.warnings.append((r, "conflict", msg))
                if win is rival:           # the earlier file stays current; this one is history
                    current, superseded_by, status = False, rival.rid, "loaded"
                    detail = f"version of {rival.rid} (not current)"
            if current:
                if old:
                    b.superseded[old] = rid
                    self._touched.add(old)
                self._current[key] = rid
            self._touched.add(rid)
            self._known.add(rid)
            self._batch_versions[rid] = mine
            b.reports.append((rid, aid, name_c, rep.year, rep.template, bool(rep.other_as_single_row),
                              rep.title or None, path, name, str(rep.source["sha256"]), fmt, size,
                              rep.parser_version, b.now, current, superseded_by, bool(rep.synthetic),
                              n_cell_rows(rep), len(rep.uncertain), n_failed,
                              bool(rep.source.get("ocr"))))
            b.cells += cells
            b.checks += check_rows(rep_checks, rid)
            b.sections += assess_store.section_rows(rep, rid)
            b.bands += assess_store.band_rows(rep, rid, self._rubric)
            b.assess_inputs += assess_store.input_rows(rep, rid)
            b.warnings += [(rid, "parser", str(w)) for w in rep.warnings]
            b.warnings += [(rid, "agency", w) for w in name_warn]
            if name_c != rep.agency:
                b.warnings.append((rid, "loader", f"机构名称规范化：{rep.agency} → {name_c}"))
            b.expected[rid] = (n_cell_rows(rep), len(rep_checks))
            if rep.source.get("url"):
                b.crawl.append((rid, *(rep.source.get(k) for _c, k in CRAWL_COLS)))
            b.log.append((self.batch_id, b.now, path, status, rid, detail))
            s.loaded += status == "loaded"
            s.replaced += status == "replaced"
            s.cells += len(cells)
        return b

    def _write(self, b: _Batch) -> None:
        """Append one chunk's rows in one transaction (the appender, never executemany)."""
        assert self.con is not None
        con = self.con
        con.execute("begin transaction")
        try:
            if b.agencies and self._derived_ok and self._moved(list(b.agencies.values())):
                self._derived_ok = False      # an agency's place changed: every derived table is rebuilt
            if b.agencies:
                with con.appender("dim_agency", action="upsert") as ap:
                    ap.append_rows(list(b.agencies.values()))
            for table, rows in (("dim_report", b.reports), ("fact_cell", b.cells),
                                ("fact_check", b.checks), ("report_warning", b.warnings),
                                ("report_conflict", b.conflicts), ("report_section", b.sections),
                                ("report_section_band", b.bands),
                                ("report_assessment_input", b.assess_inputs), ("load_log", b.log)):
                if rows:
                    cols = list(DIM_REPORT_COLS) if table == "dim_report" else None
                    with con.appender(table, columns=cols) as ap:
                        ap.append_rows(rows)
            if b.crawl:
                _set_crawl_provenance(con, b.crawl)
            if b.superseded:
                con.execute("create or replace temp table _superseded (old_id varchar, new_id varchar)")
                with con.appender("_superseded") as ap:
                    ap.append_rows(list(b.superseded.items()))
                con.execute("""update dim_report set is_current = false, superseded_by = s.new_id
                               from _superseded s where dim_report.report_id = s.old_id""")
                con.execute("drop table _superseded")
            limits.pause_at("load")       # test seam: kill -9 mid-load (etl/limits.py)
            con.execute("commit")
            self._expected.update(b.expected)
        except BaseException:
            con.execute("rollback")
            raise

    def touch(self, report_ids: Iterable[str]) -> None:
        """Have this publish recompute the derived rows of these reports too (e.g. corrected)."""
        self._touched.update(report_ids)

    def _moved(self, rows: list[tuple]) -> bool:
        """Whether upserting these dim_agency rows changes a stored agency's place or kind
        (the marts' filter groups of its reports would move)."""
        assert self.con is not None
        cols = [c for c in DIM_AGENCY_COLS if c != "is_synthetic"]
        idx = [DIM_AGENCY_COLS.index(c) for c in cols]
        ids = [r[0] for r in rows]
        stored = {r[0]: r for r in self.con.execute(
            f"select {', '.join(cols)} from dim_agency where agency_id in (select unnest(?::varchar[]))",
            [ids]).fetchall()}
        return any(r[0] in stored and tuple(r[i] for i in idx) != stored[r[0]] for r in rows)

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
        """Cross-year checks, marts, checkpoint, close, and the link moved onto the file."""
        assert self.con is not None
        con = self.con
        if not (self.summary.loaded or self.summary.replaced or self.summary.failed or self._fresh
                or self.changed or self.force):
            if self.work == self.target and self.journal.position() == self._opened_at:
                self._close_work(self._gen, replayable=True)   # caught up, nothing else written
            return self.summary          # every file unchanged: nothing is published
        scope = self._scope()
        self.summary.phases["incremental"] = float(scope is not None)
        if scope is None:
            self.journal.give_up()       # replaying a full rebuild would cost more than a copy
        con.execute("begin transaction")
        try:
            t = time.perf_counter()
            self._reconcile(self._expected)
            corrections.on_publish(con, self.audit, scope)   # [复核] reopen/re-check corrections before the marts
            t = self._phase("reconcile", t)
            recompute_cross_checks(con, scope)
            t = self._phase("cross_checks", t)
            assess_store.recompute(con, self._rubric, scope)   # 年报评估: findings and scores
            t = self._phase("assessment", t)
            limits.pause_at("derived")       # test seam: kill -9 mid-publish, derived tables half done
            agencies = "" if scope is None else "and agency_id in (select agency_id from _cross_agencies)"
            con.execute(f"""update dim_agency set is_synthetic = s.syn
                           from (select agency_id, bool_and(is_synthetic) as syn from dim_report
                                 where true {agencies} group by all) s
                           where dim_agency.agency_id = s.agency_id and dim_agency.is_synthetic <> s.syn""")
            materialize_marts(con, scope)
            con.execute("insert or replace into publish_meta values ('derived_version', ?)",
                        [derived_version(self._rubric)])
            t = self._phase("marts", t)
            con.execute("commit")
            self._phase("commit", t)
        except BaseException:
            con.execute("rollback")
            raise
        limits.pause_at("checkpoint")
        self._close_work(str(int(self._gen) + 1) if self._gen.isdigit() else "1", replayable=None)
        return self.summary

    def _close_work(self, gen: str, replayable: bool | None) -> None:
        """Stamp the generation, checkpoint, close and fsync the file written; move it onto the
        standby's name (a copy); write this publish's delta; point the link at it.
        ``replayable``: None publishes; True only records that the standby caught up."""
        assert self.con is not None
        t = time.perf_counter()
        twins.set_generation(self.raw, gen)          # not journaled: each twin gets its own
        self.con.execute("checkpoint")
        self.con.close()
        self.con = None
        t = self._phase("checkpoint", t)
        twins.fsync_file(self.work)
        if replayable is None:
            _before_replace_hook()
            limits.pause_at("replace")
        if self.work != self.target:
            with suppress(FileNotFoundError):
                Path(f"{self.target}.wal").unlink()   # of a standby a killed publish wrote
            os.replace(self.work, self.target)
            self.work = self.target
        assert self.journal is not None
        if replayable:       # the delta just replayed is spent: the next one starts from here
            self.journal.give_up()
            self.journal.replayable = True
        live = twins.resolve(self.db_path) if replayable else self.target
        self.journal.close({"from_gen": self._gen, "to_gen": gen,
                            "live": live.name, "live_stamp": twins.stamp(live),
                            "base": self.target.name if replayable else (self._live.name if self._live else None),
                            "base_stamp": twins.stamp(self.target) if replayable else self._base_stamp,
                            "schema": None if replayable else self.journal.schema,
                            "base_schema": None if replayable else self._base_schema},
                           twins.delta_path(self.db_path))
        self.journal = None
        if replayable is None:
            twins.flip(self.db_path, self.target, Path(f"{self.tmp}.link.tmp"))
        _fsync_dir(self.db_path.parent)
        self._phase("fsync_replace", t)
        if replayable is None:
            limits.pause_at("published")

    def _scope(self) -> set[str] | None:
        """The reports the derived tables are updated for, or None for a full rebuild: a fresh
        warehouse, derived tables built by other code or rubric (publish_meta), an agency that
        moved, or a batch touching more than FULL_REBUILD_SHARE of the current reports (then
        rebuilding is cheaper).  ``GKNB_PUBLISH=full|incremental`` forces one (tests, repairs)."""
        if self._fresh or not self._derived_ok or self.mode == "full":
            return None
        if self.mode != "incremental" and len(self._touched) > FULL_REBUILD_SHARE * len(self._current):
            return None
        return set(self._touched)


def derived_version(rubric: dict) -> str:
    """What the derived tables (cross-year checks, assessment, band keys, marts) were computed
    by: the schema, the code that computes them and the rubric.  A publish updates them
    incrementally only when the stored value equals this one, else rebuilds them all."""
    h = hashlib.sha256(schema_sql().encode())
    here = Path(__file__).resolve().parent
    for name in ("warehouse.py", "assess_store.py", "assess.py", "similarity.py", "checks.py", "corrections.py"):
        h.update((here / name).read_bytes())
    h.update(json.dumps(rubric, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def remove_stale_temps(db_path: Path) -> list[Path]:
    """Delete staging copies, journals and links left by a killed run (``.NAME.PID.HEX.tmp…``;
    a standby it left half written is not a temp: its generation says ``dirty``, and the next
    publish copies over it).  Call only while holding the writer lock: then no other writer
    exists, so every staging file of this warehouse is stale."""
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


def rebuild_derived(db_path: Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> IngestSummary:
    """Recompute every derived table from the loaded rows and publish (what the first publish
    after an upgrade does anyway; the one O(N) step, run explicitly, e.g. by the benchmark)."""
    with staging(Path(db_path), None, lock_timeout) as st:
        st.mode, st.force = "full", True
    return st.summary


def load_reports(reports: list[ParsedReport], db_path: Path, *, batch_id: str | None = None,
                 failures: Sequence[tuple[str, str]] = (), lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                 prepared: Mapping[str, list[tuple]] | None = None,
                 audit: Callable[[IngestSummary], Iterable[tuple]] | None = None) -> IngestSummary:
    """Load parsed reports in one transaction and publish atomically (see the module docstring);
    ``prepared``: fact_cell rows by report_id, as parse workers return them; ``audit``: the
    audit_log rows of this load given its summary (who uploaded what, :func:`etl.corrections.audit_rows`),
    published even when every file was unchanged."""
    t0 = time.perf_counter()
    with staging(Path(db_path), batch_id, lock_timeout) as st:
        st.apply(reports, failures, prepared)
        if audit is not None:
            st.audit += audit(st.summary)
            st.changed = True
    st.summary.seconds = time.perf_counter() - t0
    return st.summary


# ----------------------------------------------------------------------------- marts
# table materialised at publish ← the view in schema.sql that defines it, and what its rows are keyed
# by (the read model (app.queries) reads the table when present, else the view).  "report": rows
# of one report (a publish replaces the touched reports' rows); "group": sums over the filter
# group GROUP_COLS (a publish recomputes the groups the touched reports are in).
MARTS = {
    "mart_report_metrics": ("v_report_metrics", "one row per current report with the key figures", "report"),
    "mart_cell_by_group": ("v_cell_by_group", "cells summed per year × template × region × level × kind × synthetic",
                           "group"),
    "mart_check_by_group": ("v_check_by_group", "check outcomes counted per filter group", "group"),
    "mart_check_failure": ("v_check_failure", "failing per-report checks with report context", "report"),
    "mart_uncertain_cell": ("v_uncertain_cell", "uncertain cells with report context", "report"),
}
GROUP_COLS = ("year", "template", "province", "city", "county", "level", "kind", "is_synthetic")


def materialize_marts(con: duckdb.DuckDBPyConnection, touched: Iterable[str] | None = None) -> None:
    """(Re)build every mart table from its view (called at publish, inside its transaction).

    ``touched``: report ids loaded or no longer current in this publish: only their rows and
    groups are recomputed (delete + insert from the view), which equals the full rebuild
    because every mart row depends on the reports of one report id or of one filter group.
    The one place marts are built: anything that changes what a view returns for some reports
    (a correction) passes those reports here."""
    if touched is None:
        for table, (view, what, _key) in MARTS.items():
            con.execute(f"create or replace table {table} as select * from {view}")
            con.execute(f"comment on table {table} is '{view} materialised at publish ({what})'")
        return
    touched = sorted(set(touched))
    if len(touched) > MART_INCREMENTAL_MAX:
        materialize_marts(con)
        return
    # constants, not a temp table: DuckDB pushes a constant IN list through the views' joins and
    # aggregates down to the fact_cell scan, a semi join with a table it does not
    ids = ", ".join(_lit(r) for r in touched) or "null"
    groups = con.execute(f"""select distinct r.year, r.template, a.province, a.city, a.county, a.level, a.kind,
                                    r.is_synthetic
                             from dim_report r left join dim_agency a using (agency_id)
                             where r.report_id in ({ids})""").fetchall()
    in_groups = " or ".join("(" + " and ".join(f"{c} is not distinct from {_lit(v)}" for c, v in zip(GROUP_COLS, g))
                            + ")" for g in groups) or "false"
    for table, (view, _what, key) in MARTS.items():
        cond = f"report_id in ({ids})" if key == "report" else f"({in_groups})"
        con.execute(f"delete from {table} where {cond}")
        # insert … select from the view is planned without the pushdown: fetch, then append
        rows = con.execute(f"select * from {view} where {cond}").fetchall()
        if rows:
            with con.appender(table) as ap:
                ap.append_rows(rows)


def _lit(v: object) -> str:
    """An SQL literal of a report id or a group column's value (ids are hex; names are quoted)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


# ----------------------------------------------------------------------------- cross-year checks (SQL)
def _values(pairs: Iterable[tuple[str, str]]) -> str:
    return ", ".join("('{}', '{}')".format(a, b.replace("'", "''")) for a, b in pairs)


def recompute_cross_checks(con: duckdb.DuckDBPyConnection, touched: Iterable[str] | None = None) -> None:
    """I6 and I8 over all current reports (same results as :func:`etl.checks.run_cross_year`);
    ``touched``: only for the agencies of these reports (a check pairs two years of one agency)."""
    if touched is None:
        con.execute("delete from fact_cross_check")
        con.execute("insert into fact_cross_check " + cross_checks_sql())
        return
    assess_store._id_table(con, "_cross_reports", touched)
    con.execute("""create or replace temp table _cross_agencies as select distinct agency_id from dim_report
                   where report_id in (select report_id from _cross_reports)""")
    con.execute("delete from fact_cross_check where agency_id in (select agency_id from _cross_agencies)")
    con.execute("insert into fact_cross_check "
                + cross_checks_sql("and agency_id in (select agency_id from _cross_agencies)"))


def cross_checks_sql(where: str = "") -> str:
    """The query whose rows ``fact_cross_check`` holds (also what ``etl verify`` recomputes);
    ``where``: a further condition on the current reports (dim_report columns)."""
    t3_cols = _values((c.key, c.zh) for c in vocab.T3_COLS)
    i8_rows = _values((r, vocab.row_zh("t2", r)) for r in checks.I8_ROWS)
    return f"""
        with cur as (select report_id, agency_id, year, template from dim_report where is_current {where}),
        cells as materialized (   -- the (corrected) cells the checks read, of these reports: one scan
            select report_id, cell_key, value from v_fact_cell
            where report_id in (select report_id from cur)
              and (cell_key like 't3.carried%' or cell_key like 't2.%')),
        pairs as (
            select n.agency_id, n.year, n.report_id as cur_id, p.report_id as prev_id,
                   n.template as cur_t, p.template as prev_t
            from cur n join cur p on p.agency_id = n.agency_id and p.year = n.year - 1),
        i6 as (
            select pr.agency_id, pr.year, 'I6.' || c.col as check_id, 'I6' as identity,
                   '表三 ' || c.zh || '列：' || pr.year || '年上年结转 = ' || (pr.year - 1) || '年结转下年度' as scope,
                   a.value as lhs, b.value as rhs
            from pairs pr cross join (values {t3_cols}) c(col, zh)
            left join cells a on a.report_id = pr.cur_id and a.cell_key = 't3.carried_over_from_prior.' || c.col
            left join cells b on b.report_id = pr.prev_id and b.cell_key = 't3.carried_to_next.' || c.col),
        i8 as (
            select pr.agency_id, pr.year, 'I8.' || r.row_key as check_id, 'I8' as identity,
                   '表二 ' || r.zh || '：' || pr.year || '年现行有效 ≈ ' || (pr.year - 1) || '年现行有效+本年制发−本年废止' as scope,
                   now_.value as lhs, before_.value + iss.value - rep.value as rhs
            from pairs pr cross join (values {i8_rows}) r(row_key, zh)
            left join cells now_ on now_.report_id = pr.cur_id and now_.cell_key = 't2.' || r.row_key || '.in_force_count'
            left join cells before_ on before_.report_id = pr.prev_id and before_.cell_key = 't2.' || r.row_key || '.in_force_count'
            left join cells iss on iss.report_id = pr.cur_id and iss.cell_key = 't2.' || r.row_key || '.issued_count'
            left join cells rep on rep.report_id = pr.cur_id and rep.cell_key = 't2.' || r.row_key || '.repealed_count'
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
        order by agency_id, year, check_id"""


# ----------------------------------------------------------------------------- ingest
def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Files under the given paths (recursive, sorted), skipping hidden files and folders.
    Anything that is not a regular file (a FIFO, a link to a device) is listed too and fails
    with its reason when read (:func:`etl.readers.read_regular`)."""
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


def parse_results(files: Sequence[Path], workers: int = 0, *, in_process: bool = False,
                  executor: str = "local", scheduler: str | None = None) -> Iterator[ParseResult]:
    """Each file's :class:`etl.workers.ParseResult`, from supervised worker processes (the
    parent enforces the time limit and survives a worker's death) — on this machine, or with
    ``executor="dask"`` on a Dask cluster (:mod:`etl.cluster`); ``in_process`` parses here
    instead (tests that replace the parser, one-off tools)."""
    names = [str(f) for f in files]
    if in_process:
        for name in names:
            yield workers_mod.parse_prepared(name)
        return
    if executor == "dask":
        from etl import cluster
        yield from cluster.parse_on_dask(names, workers=workers, scheduler=scheduler)
        return
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r} (local, dask)")
    n = workers if workers > 0 else (os.cpu_count() or 1)
    yield from workers_mod.parse_files(names, n)


def ingest(paths: list[Path], db_path: Path, *, workers: int = 0, progress: bool = True,
           chunk_size: int = CHUNK_SIZE, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
           batch_id: str | None = None, in_process: bool = False, ocr: str | None = None,
           executor: str = "local", scheduler: str | None = None) -> IngestSummary:
    """Parse every file under ``paths`` (in worker processes) and load them; one atomic publish.
    ``ocr``: auto (read scans by OCR), never (refuse scans), only (read nothing else); it
    reaches the workers as ``GKNB_OCR``.  ``executor``/``scheduler``: where the parse runs
    (:func:`parse_results`); the loading stays here."""
    if ocr is not None:
        old = os.environ.get("GKNB_OCR")
        os.environ["GKNB_OCR"] = ocr
        try:
            return ingest(paths, db_path, workers=workers, progress=progress, chunk_size=chunk_size,
                          lock_timeout=lock_timeout, batch_id=batch_id, in_process=in_process,
                          executor=executor, scheduler=scheduler)
        finally:
            if old is None:
                os.environ.pop("GKNB_OCR", None)
            else:
                os.environ["GKNB_OCR"] = old
    from etl.readers.ocr import SKIPPED_PREFIX
    t0 = time.perf_counter()
    archives = [Path(p) for p in paths if archive.is_archive(Path(p))]   # crawl archives: by manifest
    files = iter_files([p for p in paths if Path(p) not in archives])
    bar = Progress(len(files), progress)
    with staging(Path(db_path), batch_id, lock_timeout) as st:
        chunk: list[ParsedReport] = []
        rows: dict[str, list[tuple]] = {}        # the workers' fact_cell rows of the reports in chunk
        pending: dict[str, list[tuple]] = {}     # rows of parsed files not yet taken (archive members)
        fails: list[tuple[str, str]] = []
        # a file whose sha256 is already stored is unchanged: no need to parse it again
        todo: list[Path] = []
        for f in files:
            sha = hash_regular(f)       # regular files only, bounded like the parse
            if sha is not None and sha[:16] in st._known:
                st.log_unchanged(str(f), sha[:16])
                bar.step()
            else:
                todo.append(f)

        def parsed(fs: Sequence[Path]) -> Iterator[tuple[str, ParsedReport | None, str | None]]:
            pending.clear()             # members of an earlier archive batch that were not chosen
            for res in parse_results(fs, workers, in_process=in_process, executor=executor, scheduler=scheduler):
                if res.report is not None and res.rows is not None and res.report_id is not None:
                    pending[res.report_id] = res.rows
                yield res.path, res.report, res.error

        def take(items: Iterable[tuple[str, ParsedReport | None, str | None]]) -> None:
            nonlocal chunk, fails, rows
            for path, rep, err in items:
                if rep is None and err and err.startswith(SKIPPED_PREFIX):
                    st.summary.skipped += 1
                elif rep is None:
                    fails.append((path, err or "unknown error"))
                else:
                    chunk.append(rep)
                    rid = report_id_of(rep)
                    if rid in pending:
                        rows[rid] = pending.pop(rid)
                    chunk.extend(rep.parts)   # the other reports of a bundle file, each its own
                bar.step(rep is None and not (err or "").startswith(SKIPPED_PREFIX))
                if len(chunk) + len(fails) >= chunk_size:
                    st.apply(chunk, fails, rows)
                    chunk, fails, rows = [], [], {}

        try:
            take(parsed(todo))
            for root in archives:
                n_known, n_todo, items = archive.load(root, st._known, parsed, chunk_size)
                bar.total += n_known + n_todo
                for _ in range(n_known):
                    st.log_unchanged(str(root), "")
                    bar.step()
                take(items)
            st.apply(chunk, fails, rows)
        finally:
            bar.close()
    st.summary.seconds = time.perf_counter() - t0
    return st.summary
