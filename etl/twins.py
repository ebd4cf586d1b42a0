"""Twin warehouse files: a publish writes the file readers are not using, never copies it whole.

``warehouse.duckdb`` is a symbolic link to one of two files beside it, ``warehouse.duckdb.a`` and
``warehouse.duckdb.b`` (the *twins*).  Readers resolve the link and open the file it names
read-only (:func:`resolve`).  A publish (:class:`etl.warehouse.Staging`) writes the other twin,
the *standby*, then moves the link onto it (:func:`flip`: ``os.replace`` of a fresh link, atomic).

The standby is one publish behind the live file.  Each publish records what it did to its file
in a *delta* (``warehouse.duckdb.delta``): every state-changing statement with its parameters
and every row appended, in order (:class:`Recorder`, a connection that journals what passes
through it).  The next publish opens the standby, replays that delta (the *catch-up*, O(change)),
then applies its own batch there.  Replaying statements, not re-running Python, makes the
catch-up exact: the Python side (timestamps, the similarity pass, the marts' rows) reaches the
file only as parameters and appended rows, which the delta holds; SQL that derives rows
(``insert … select``) re-runs on a file in exactly the state the live one had.

The fast path is only taken when nothing can be wrong (:func:`catch_up`); otherwise the publish
copies the live file as before (``IngestSummary.fallback`` says why):

* the delta names the live file and its (inode, size, mtime) as that publish left it, and the
  standby with its stamp from before that publish: a file written by anything else, a publish
  killed before its flip, a missing twin: all show as a mismatch;
* the standby's ``publish_meta.generation`` equals the delta's starting generation and it has no
  WAL; a catch-up first marks it ``dirty`` (committed), so a publish killed on it is never
  trusted;
* a reader still holding the standby open makes DuckDB refuse the writer at once: copy;
* a delta too large to beat a copy, or a full rebuild's (recomputing every derived table twice
  would cost more than the copy), is not replayable.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import struct
import uuid
from collections.abc import Iterable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any

import duckdb

TWINS = ("a", "b")
DIRTY = "dirty"
DELTA_MIN_BYTES = 4 << 20      # a delta may always be this large …
DELTA_SHARE = 1 / 16           # … or this share of the live file; larger: the next publish copies
_READS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def twin(db: Path, name: str) -> Path:
    return db.with_name(f"{db.name}.{name}")


def delta_path(db: Path) -> Path:
    return db.with_name(f"{db.name}.delta")


def files(db: Path) -> list[Path]:
    """Every file of a warehouse except its lock: the link, the twins, their WALs, the delta."""
    return [db, Path(f"{db}.wal"), *(q for t in TWINS for q in (twin(db, t), Path(f"{twin(db, t)}.wal"))),
            delta_path(db)]


def resolve(db: Path) -> Path:
    """The file readers open: the twin the link names (or ``db`` itself, an older warehouse)."""
    return Path(os.path.realpath(db))


def live_twin(db: Path) -> Path | None:
    """The live twin, or None when ``db`` is missing or a plain file (built before twins)."""
    if not db.is_symlink() or not db.exists():
        return None
    real = resolve(db)
    return real if real.parent == resolve(db.parent) and real.name in {twin(db, t).name for t in TWINS} else None


def standby(db: Path) -> Path:
    """The twin the next publish writes: the one the link does not name."""
    live = live_twin(db)
    return twin(db, "b" if live is not None and live.name == twin(db, "a").name else "a")


def stamp(p: Path) -> tuple[int, int, int] | None:
    try:
        s = os.stat(p)
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_size, s.st_mtime_ns)


def generation(con: Any) -> str:
    """``publish_meta.generation``: "0" for a file written before twins (or empty)."""
    if not con.execute("select count(*) from information_schema.tables where table_name = 'publish_meta'"
                       ).fetchall()[0][0]:
        return "0"
    row = con.execute("select value from publish_meta where key = 'generation'").fetchall()
    return row[0][0] if row else "0"


def set_generation(con: Any, value: str) -> None:
    con.execute("insert or replace into publish_meta values ('generation', ?)", [value])


def flip(db: Path, target: Path, tmp: Path) -> None:
    """Point ``db`` at ``target`` atomically (a new link renamed over the old one)."""
    with suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target.name, tmp)        # relative: the folder may move
    try:
        os.replace(tmp, db)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def fsync_file(p: Path) -> None:
    with open(p, "rb+") as f:
        os.fsync(f.fileno())


# ----------------------------------------------------------------------------- the journal
class Journal:
    """Entries pickled one after another into a private file; closed with a meta entry and
    the 8-byte offset of that entry.  A rolled-back transaction's entries are cut off."""

    def __init__(self, path: Path, limit: int):
        self.path, self.limit = path, limit
        self.f: Any = open(path, "wb")  # noqa: SIM115 — open until close() or discard()
        self.replayable = True
        self._begin: int | None = None
        self._after_begin = -1
        self.schema: str | None = None     # sha of the last schema text run in this session

    def add(self, entry: tuple) -> None:
        if not self.replayable:
            return
        pickle.dump(entry, self.f, protocol=pickle.HIGHEST_PROTOCOL)
        if self.f.tell() > self.limit:
            self.give_up()

    def add_pickled(self, data: bytes) -> None:
        """Entries already pickled (an appender's)."""
        if not self.replayable:
            return
        self.f.write(data)
        if self.f.tell() > self.limit:
            self.give_up()

    def give_up(self) -> None:
        """This publish's delta will not be replayed (too large, or a full rebuild)."""
        self.replayable = False
        self.f.seek(0)
        self.f.truncate()

    def begin(self, entry: tuple) -> None:
        self._begin = self.f.tell()
        self.add(entry)
        self._after_begin = self.f.tell()

    def commit(self, entry: tuple) -> None:
        """Record a commit; a transaction that recorded nothing is cut off instead."""
        if self._begin is not None and self.replayable and self._after_begin == self.f.tell():
            self.rollback()
            return
        self._begin = None
        self.add(entry)

    def position(self) -> int:
        return self.f.tell() if self.replayable else -1

    def rollback(self) -> None:
        if self._begin is not None and self.replayable:
            self.f.seek(self._begin)
            self.f.truncate()
        self._begin = None

    def close(self, meta: dict, dest: Path) -> None:
        """Write the meta entry, fsync, and move the journal to ``dest`` (atomic)."""
        if not self.replayable:
            self.f.seek(0)
            self.f.truncate()
        at = self.f.tell()
        pickle.dump({**meta, "replayable": self.replayable}, self.f, protocol=pickle.HIGHEST_PROTOCOL)
        self.f.write(struct.pack("<Q", at))
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        os.replace(self.path, dest)

    def discard(self) -> None:
        with suppress(Exception):
            self.f.close()
        with suppress(FileNotFoundError):
            self.path.unlink()


_META_KEYS = {"from_gen", "to_gen", "live", "live_stamp", "base", "base_stamp", "replayable"}


def read_meta(path: Path) -> dict | None:
    """The meta entry closing a delta, or None when it is missing or damaged (then the next
    publish copies: a delta is an optimisation, never a requirement)."""
    try:
        with open(path, "rb") as f:
            f.seek(-8, os.SEEK_END)
            (at,) = struct.unpack("<Q", f.read(8))
            f.seek(at)
            meta = pickle.load(f)
    except Exception:                    # noqa: BLE001 — a damaged delta: copy instead, never fail
        return None
    if not isinstance(meta, dict) or not meta.keys() >= _META_KEYS:
        return None
    return {**meta, "_end": at}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def replay(con: duckdb.DuckDBPyConnection, path: Path, end: int, pause: Any = None,
           base_schema: str | None = None) -> None:
    """Apply a delta's entries to ``con`` in order (``pause``: a test seam after the first
    commit).  ``base_schema``: the schema text the file last ran (sha), whose DDL need not run."""
    with open(path, "rb") as f:
        while f.tell() < end:
            kind, *rest = pickle.load(f)
            if kind == "sql":
                sql, params = rest
                con.execute(sql) if params is None else con.execute(sql, params)
                if pause is not None and sql.strip().lower().startswith("commit"):
                    pause()
                    pause = None
            elif kind == "schema":          # idempotent DDL: only when the file saw another text
                if base_schema is None or _sha(rest[0]) != base_schema:
                    con.execute(rest[0])
            elif kind == "many":
                con.executemany(*rest)
            else:
                table, columns, kw, rows = rest
                with con.appender(table, columns=columns, **kw) as ap:
                    ap.append_rows(rows)


class _Appender:
    """An appender whose rows reach the journal when it closes without error, one ``append``
    entry per ``append_rows`` call.  Each call's entry is pickled as it arrives and the limit
    checked first: past it the journal gives up and nothing more is held."""

    def __init__(self, rec: "Recorder", table: str, columns: Sequence[str] | None, kw: dict):
        self.rec, self.table, self.columns, self.kw = rec, table, columns, kw
        self._buf = io.BytesIO()
        self.real = rec.raw.appender(table, columns=columns, **kw)

    def __enter__(self) -> "_Appender":
        self.real.__enter__()
        return self

    def buffered(self) -> int:
        """Bytes held for the journal."""
        return self._buf.tell()

    def append_rows(self, rows: Iterable) -> None:
        rows = rows if isinstance(rows, list) else list(rows)
        self.real.append_rows(rows)
        journal = self.rec.journal
        if not journal.replayable:           # a journal given up keeps nothing
            return
        entry = pickle.dumps(("append", self.table, self.columns, self.kw, rows), protocol=pickle.HIGHEST_PROTOCOL)
        if journal.position() + self.buffered() + len(entry) > journal.limit:
            journal.give_up()
            self._buf = io.BytesIO()
            return
        self._buf.write(entry)

    def __exit__(self, *exc: Any) -> Any:
        out = self.real.__exit__(*exc)
        if exc[0] is None and self.buffered():
            self.rec.journal.add_pickled(self._buf.getvalue())
        return out


class Recorder:
    """A DuckDB connection that journals every statement that may change the file.

    Only ``execute``, ``executemany``, ``appender`` and ``close`` are offered: anything else
    would write past the journal, so it fails loudly instead.  Statements are recorded after
    they succeed; pure reads (``select``) and ``checkpoint`` are not recorded."""

    def __init__(self, raw: duckdb.DuckDBPyConnection, journal: Journal):
        self.raw, self.journal = raw, journal

    def execute(self, sql: str, params: Any = None) -> duckdb.DuckDBPyConnection:
        res = self.raw.execute(sql) if params is None else self.raw.execute(sql, params)
        self._note(sql, params)
        return res

    def schema(self, sql: str) -> None:
        """Run the (idempotent) schema DDL; replayed only onto a file that ran another text."""
        self.raw.execute(sql)
        self.journal.add(("schema", sql))
        self.journal.schema = _sha(sql)

    def executemany(self, sql: str, rows: Iterable) -> duckdb.DuckDBPyConnection:
        rows = list(rows)
        res = self.raw.executemany(sql, rows)
        self.journal.add(("many", sql, rows))
        return res

    def appender(self, table: str, columns: Sequence[str] | None = None, **kw: Any) -> _Appender:
        return _Appender(self, table, list(columns) if columns else None, kw)

    def close(self) -> None:
        self.raw.close()

    def _note(self, sql: str, params: Any) -> None:
        word = sql.lstrip().split(None, 1)[0].lower().rstrip(";") if sql.strip() else ""
        if word in ("begin", "start"):
            self.journal.begin(("sql", sql, params))
        elif word in ("rollback", "abort"):
            self.journal.rollback()
        elif word in ("commit", "end"):
            self.journal.commit(("sql", sql, params))
        elif word not in ("checkpoint", "force") and not all(
                s.type in _READS for s in self.raw.extract_statements(sql)):
            self.journal.add(("sql", sql, params))


def journal_limit(live: Path | None) -> int:
    size = live.stat().st_size if live is not None and live.exists() else 0
    return max(DELTA_MIN_BYTES, int(size * DELTA_SHARE))


def new_tmp(db: Path) -> Path:
    """A private stem beside the warehouse (callers add ``.tmp``, which the next writer removes)."""
    return db.parent / f".{db.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}"


def catch_up(db: Path, target: Path, pause: Any = None) -> tuple[duckdb.DuckDBPyConnection | None, dict, str]:
    """Open the standby ``target`` brought up to the live generation: (connection, the delta's
    meta, "") — or (None, {}, why) when the publish must copy the live file instead."""
    live = live_twin(db)
    if live is None:
        return None, {}, "旧式单文件 plain file"
    meta = read_meta(delta_path(db))
    if meta is None:
        return None, {}, "无增量 no delta"
    if not meta["replayable"]:
        return None, {}, "上次发布不可重放 last publish not replayable"
    if meta["live"] != live.name or stamp(live) != meta["live_stamp"]:
        return None, {}, "现行文件被改动 live file changed outside a publish"
    if meta["base"] != target.name or stamp(target) != meta["base_stamp"] or Path(f"{target}.wal").exists():
        return None, {}, "备用文件不符 standby changed"
    try:
        con = duckdb.connect(str(target))
    except duckdb.Error as e:
        return None, {}, f"备用文件被占用 standby in use: {type(e).__name__}"
    try:
        if generation(con) != meta["from_gen"]:
            con.close()
            return None, {}, "代次不符 generation mismatch"
        # committed: a publish killed from here on leaves a WAL or a checkpointed "dirty"
        set_generation(con, DIRTY)
        replay(con, delta_path(db), meta["_end"], pause, meta.get("base_schema"))
        return con, meta, ""
    except Exception as e:               # noqa: BLE001 — never trusted: copy instead
        with suppress(Exception):
            con.close()
        return None, {}, f"重放失败 replay failed: {type(e).__name__}: {e}"
