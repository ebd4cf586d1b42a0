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
  the batch goes on.  Orphaned workers (the parent killed) see their request pipe close and exit.
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
    def __init__(self, seconds: float, memory_mb: int):
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        env = dict(os.environ)
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
        self.done = 0

    def send(self, path: str, deadline: float) -> None:
        self.path, self.deadline = path, deadline
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


def parse_files(paths: Iterable[str], workers: int = 1, *, seconds: float | None = None,
                memory_mb: int | None = None) -> Iterator[ParseResult]:
    """Parse ``paths`` in ``workers`` supervised child processes; yield results as they finish.

    Every path yields exactly one result: a worker that dies or overruns its deadline is
    killed and its file gets an error."""
    seconds = limits.default_seconds() if seconds is None else float(seconds)
    memory_mb = limits.default_memory_mb() if memory_mb is None else int(memory_mb)
    todo = list(paths)[::-1]
    n = max(1, min(workers, len(todo)))
    idle: list[_Worker] = []
    busy: dict[Connection, _Worker] = {}
    try:
        while todo or busy:
            while todo and len(busy) < n:
                w = idle.pop() if idle else _Worker(seconds, memory_mb)
                path = todo.pop()
                try:
                    w.send(path, time.monotonic() + seconds + GRACE)
                except OSError:               # died between files: take a fresh one
                    w.stop(kill=True)
                    todo.append(path)
                    continue
                busy[w.res] = w
            now = time.monotonic()
            timeout = max(0.0, min(w.deadline for w in busy.values()) - now)
            for conn in wait(list(busy), timeout=timeout):
                w = busy.pop(conn)
                try:
                    res = conn.recv()
                except (EOFError, OSError):
                    yield ParseResult(w.path or "", error=_died(w.stop(kill=True)))
                    continue
                yield res
                w.done += 1
                if w.done >= TASKS_PER_WORKER:
                    w.stop()
                else:
                    idle.append(w)
            now = time.monotonic()
            for conn, w in list(busy.items()):
                if now >= w.deadline:
                    del busy[conn]
                    w.stop(kill=True)
                    yield ParseResult(w.path or "", error=f"解析超时（超过 {seconds:g} 秒），解析进程已终止")
    finally:
        for w in idle:
            w.stop()
        for w in busy.values():
            w.stop(kill=True)


def parse_one(path: str | Path, *, seconds: float | None = None, memory_mb: int | None = None) -> ParseResult:
    """One file in one supervised worker (the upload page)."""
    return next(parse_files([str(path)], 1, seconds=seconds, memory_mb=memory_mb))


# ----------------------------------------------------------------------------- child side
def _worker_main(req_fd: int, res_fd: int) -> None:
    limits.limit_memory(limits.default_memory_mb())
    import etl.extract  # noqa: F401  - imported before the first file's clock starts
    import etl.readers.html  # noqa: F401
    req = Connection(req_fd, writable=False)
    res = Connection(res_fd, readable=False)
    while True:
        try:
            path = req.recv()
        except (EOFError, OSError):
            return                      # the parent is gone or done
        res.send(parse_prepared(path))


if __name__ == "__main__":
    from etl.workers import _worker_main as main   # results pickle as etl.workers.ParseResult
    main(int(sys.argv[1]), int(sys.argv[2]))
