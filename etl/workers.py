"""Parser worker processes that the loading process supervises: a dead or stuck worker is one
failed file, never a hung run.

Role in the ETL: :func:`etl.warehouse.ingest` and the upload page parse every file in a
child process (``python -m etl.workers``; no ``multiprocessing`` start method, so it works the
same under ``streamlit run``).  The parent sends one path at a time over a pipe and gets one
:class:`ParseResult` back (pickled), so the rows a worker built come back as an explicit
return value.

* **Wall-clock limit, enforced by the parent.**  Inside the child
  :func:`etl.limits.parse_file_limited` sets its own alarm (``seconds``; the clean reason
  "解析超时"); the parent also keeps a deadline per file (``seconds`` + :data:`GRACE`) and
  ``SIGKILL`` s a worker that has not answered by then (a C call that ignores signals: lxml,
  pdfium).  The file fails with a reason and a fresh worker takes the next file.
* **Memory limit.**  Each worker lowers ``RLIMIT_AS`` to ``memory_mb`` when it starts.  An
  allocation past it is ``MemoryError`` (→ "too_large") or, inside C code such as pdfium, an
  abort: the parent sees the pipe close and records the file as failed with the signal.
* A worker that dies for any other reason (OOM killer, segfault) is the same: that file fails,
  the batch goes on.  Orphaned workers (the parent killed) see their request pipe close and exit;
  on Linux the kernel also kills a worker whose parent died mid-file (``PR_SET_PDEATHSIG``).
* **OCR** has its own, longer limit: a worker that starts OCR tells the parent, which moves
  that file's deadline to ``GKNB_OCR_TIMEOUT`` + :data:`GRACE`.

:class:`Pool` keeps its processes across calls (a Dask worker thread of :mod:`etl.cluster`
keeps one for its life); :func:`parse_files` is one pool for one batch (the local executor).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from etl import limits
from etl.rows import cell_rows, report_id_of
import contextlib

ROOT = Path(__file__).resolve().parent.parent
GRACE = 5.0                  # seconds the parent waits past the child's own alarm
TASKS_PER_WORKER = 500       # a worker is replaced after this many files (memory fragmentation)


@dataclass
class ParseResult:
    """What a worker returns for one file: the report and its fact_cell rows, or an error."""
    path: str
    report: object | None = None          # ParsedReport
    report_id: str | None = None          # the id ``rows`` were built for
    rows: list[tuple] | None = None       # fact_cell rows (provenance is in them, not in report)
    error: str | None = None


def parse_prepared(path: str) -> ParseResult:
    """Parse one file under :mod:`etl.limits` and build its fact_cell rows; never raises."""
    from etl import checks
    from etl.document import ReportError
    try:
        rep = limits.parse_file_limited(Path(path))
    except ReportError as e:
        return ParseResult(path, error=e.reason)
    except Exception as e:            # a parser bug must not stop the batch
        return ParseResult(path, error=f"{type(e).__name__}: {e}")
    rep.source["path"] = path
    res = ParseResult(path, report=rep)
    try:
        if not rep.checks:              # not from parse_bytes (a stand-in parser): run them here
            rep.checks = checks.run_checks(rep)
        rid = report_id_of(rep)
        res.rows, res.report_id = cell_rows(rep, rid), rid
        rep.provenance = {}            # it is in the rows now; not sent twice
    except Exception:   # malformed: Staging builds the rows again and records why it fails
        res.rows = res.report_id = None
    return res


# ----------------------------------------------------------------------------- parent side
def _died(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"解析进程异常退出（{name}，可能超出内存上限 {limits.default_memory_mb()} MB 或文件结构异常）"
    return f"解析进程异常退出（退出码 {code}）"


class _Worker:
    def __init__(self, seconds: float, memory_mb: int, env: dict[str, str] | None = None):
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        env = {**os.environ, **(env or {})}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
        env["GKNB_PARSE_TIMEOUT"] = f"{seconds:g}"
        env["GKNB_PARSE_MEMORY_MB"] = str(memory_mb)
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "etl.workers", str(req_r), str(res_w)],
                                         pass_fds=(req_r, res_w), env=env, stdin=subprocess.DEVNULL,
                                         stdout=sys.stderr.fileno() if _has_fileno(sys.stderr) else None)
        finally:
            os.close(req_r)
            os.close(res_w)
        self.req = Connection(req_w, readable=False)
        self.res = Connection(res_r, writable=False)
        self.path: str | None = None
        self.deadline = 0.0
        self.limit = seconds
        self.done = 0

    def send(self, path: str, seconds: float) -> None:
        self.path, self.limit = path, seconds
        self.deadline = time.monotonic() + seconds + GRACE
        self.req.send(path)

    def stop(self, kill: bool = False) -> int | None:
        for c in (self.req, self.res):
            with contextlib.suppress(OSError):
                c.close()
        if kill and self.proc.poll() is None:
            self.proc.kill()
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def _has_fileno(f) -> bool:
    try:
        f.fileno()
        return True
    except (AttributeError, OSError, ValueError):
        return False


class Pool:
    """``workers`` supervised parser processes that live across calls of :meth:`imap` (the
    local executor uses one per run; a Dask worker keeps one per thread for its whole life)."""

    def __init__(self, workers: int = 1, *, seconds: float | None = None, memory_mb: int | None = None,
                 env: dict[str, str] | None = None):
        """``env``: settings for the parser processes over this process's environment (a Dask
        task brings the ingesting process's ``GKNB_*``); limits default from it."""
        self.env = dict(env or {})
        merged = {**os.environ, **self.env}
        self.n = max(1, int(workers))
        self.seconds = limits.default_seconds(merged) if seconds is None else float(seconds)
        self.memory_mb = limits.default_memory_mb(merged) if memory_mb is None else int(memory_mb)
        self.idle: list[_Worker] = []

    def __enter__(self) -> "Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        while self.idle:
            self.idle.pop().stop()

    def imap(self, paths: Iterable[str]) -> Iterator[ParseResult]:
        """Parse ``paths``; yield results as they finish.  Every path yields exactly one result:
        a worker that dies or overruns its deadline is killed and its file gets an error."""
        seconds = self.seconds
        todo = list(paths)[::-1]
        n = min(self.n, len(todo))
        busy: dict[Connection, _Worker] = {}
        try:
            while todo or busy:
                while todo and len(busy) < n:
                    w = self.idle.pop() if self.idle else _Worker(seconds, self.memory_mb, self.env)
                    path = todo.pop()
                    try:
                        w.send(path, seconds)
                    except OSError:               # died between files: take a fresh one
                        w.stop(kill=True)
                        todo.append(path)
                        continue
                    busy[w.res] = w
                now = time.monotonic()
                timeout = max(0.0, min(w.deadline for w in busy.values()) - now)
                for conn in wait(list(busy), timeout=timeout):
                    w = busy[conn]
                    try:
                        res = conn.recv()
                    except (EOFError, OSError):
                        del busy[conn]
                        yield ParseResult(w.path or "", error=_died(w.stop(kill=True)))
                        continue
                    if isinstance(res, tuple) and res[:1] == ("extend",):   # OCR started: its own limit
                        w.limit = float(res[1])
                        w.deadline = time.monotonic() + w.limit + GRACE
                        continue
                    del busy[conn]
                    w.done += 1                 # back in the pool before the caller sees the result:
                    if w.done >= TASKS_PER_WORKER:  # a caller that takes one result and stops
                        w.stop()                # (next(pool.imap([path]))) must not lose the worker
                    else:
                        self.idle.append(w)
                    yield res
                now = time.monotonic()
                for conn, w in list(busy.items()):
                    if now >= w.deadline:
                        del busy[conn]
                        w.stop(kill=True)
                        yield ParseResult(w.path or "", error=f"解析超时（超过 {w.limit:g} 秒），解析进程已终止")
        finally:
            for w in busy.values():     # the caller stopped early: those files are not finished
                w.stop(kill=True)


def parse_files(paths: Iterable[str], workers: int = 1, *, seconds: float | None = None,
                memory_mb: int | None = None) -> Iterator[ParseResult]:
    """Parse ``paths`` in ``workers`` supervised child processes; yield results as they finish
    (:meth:`Pool.imap`); the processes end with the iteration."""
    with Pool(workers, seconds=seconds, memory_mb=memory_mb) as pool:
        yield from pool.imap(paths)


def parse_one(path: str | Path, *, seconds: float | None = None, memory_mb: int | None = None) -> ParseResult:
    """One file in one supervised worker (the upload page)."""
    return next(parse_files([str(path)], 1, seconds=seconds, memory_mb=memory_mb))


# ----------------------------------------------------------------------------- child side
def _die_with_parent() -> None:
    """Linux: the kernel sends SIGKILL when the supervising process dies (a Dask worker killed
    mid-file must not leave its parser running); elsewhere the closed request pipe ends it."""
    with contextlib.suppress(Exception):
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)    # PR_SET_PDEATHSIG
        if os.getppid() == 1:            # the parent died before prctl took effect
            os._exit(1)


def _worker_main(req_fd: int, res_fd: int) -> None:
    _die_with_parent()
    limits.limit_memory(limits.default_memory_mb())
    import etl.extract  # noqa: F401  - imported before the first file's clock starts
    import etl.readers.html  # noqa: F401
    from etl.readers import ocr
    req = Connection(req_fd, writable=False)
    res = Connection(res_fd, readable=False)
    # OCR has its own, longer limit (limits.allow_ocr_time resets the alarm in here): tell the
    # parent, whose deadline would otherwise kill the file at the plain parse limit
    ocr.ON_START.append(lambda: res.send(("extend", limits.ocr_seconds())))
    while True:
        try:
            path = req.recv()
        except (EOFError, OSError):
            return                      # the parent is gone or done
        res.send(parse_prepared(path))


if __name__ == "__main__":
    from etl.workers import _worker_main as main   # results pickle as etl.workers.ParseResult
    main(int(sys.argv[1]), int(sys.argv[2]))
