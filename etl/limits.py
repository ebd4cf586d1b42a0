"""Per-file resource limits for parsing, and the crash-test pause hook of the loader.

Role in the ETL: :func:`parse_file_limited` is what :func:`etl.warehouse.ingest` runs for
each file.  It calls :func:`etl.extract.parse_file` under

* a **wall-clock limit** (``signal.setitimer`` + ``SIGALRM``): a file that takes longer than
  ``seconds`` fails with ``ReportError("解析超时（超过 N 秒）", "timeout")`` and the batch
  goes on.  The alarm needs the main thread of a process (pool workers and the CLI are);
  in any other thread (e.g. a Streamlit script thread) no timer is set.  The handler raises a
  private ``BaseException`` so that the parsers' own ``except Exception`` blocks cannot
  swallow it; it becomes the ReportError here.  Python checks signals between bytecodes
  (and inside ``re`` matching), so a single long C call (one huge lxml parse) is interrupted
  only when it returns;
* an **address-space limit** (``resource.RLIMIT_AS``), set in worker processes only
  (``multiprocessing.parent_process() is not None``), never in the process that also holds
  DuckDB: a file whose parse needs more than ``memory_mb`` gets ``MemoryError`` from the
  allocator instead of the machine's OOM killer, and that becomes
  ``ReportError(..., "too_large")``.  The limit stays set for the worker's life (it only
  parses).

Defaults come from the environment so that they reach spawned workers:
``GKNB_PARSE_TIMEOUT`` (seconds, default 120) and ``GKNB_PARSE_MEMORY_MB`` (default 2048).
OCR is slower: when a reader starts OCR it calls :func:`allow_ocr_time`, which resets the
running alarm to ``GKNB_OCR_TIMEOUT`` (seconds from that moment, default 900).

:func:`pause_at` is a test seam: with ``GKNB_TEST_PAUSE_AT=<stage>`` in the environment the
loader announces ``GKNB_TEST_PAUSE <stage> <pid>`` on stderr and sleeps
(``GKNB_TEST_PAUSE_SECONDS``, default 60) at that stage, so a test can ``kill -9`` it there;
``GKNB_TEST_PAUSE_MATCH=<text>`` restricts the ``parse`` pause to paths containing the text;
``GKNB_TEST_PAUSE_WHILE=<path>`` ends the pause early once that file is gone;
``GKNB_TEST_PAUSE_NOTE=<path>`` appends the pausing process's pid to that file (a parser
process under a Dask worker, whose stderr the test does not hold).
``GKNB_TEST_PAUSE_ACTION=hang`` blocks SIGALRM for the pause (a C call that never returns to
Python: only the parent's deadline ends it); ``=abort`` aborts the process instead (a worker
killed by pdfium at its memory cap, or by the OOM killer).
Stages: ``parse`` (inside the time limit, per file), ``load`` (rows appended to the staging
copy, before commit), ``derived`` (the publish transaction, derived tables half updated),
``checkpoint`` and ``replace`` (staging copy complete, right before
``os.replace``).  Without the variable it does nothing.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from etl.document import ReportError

DEFAULT_SECONDS = 120.0
DEFAULT_OCR_SECONDS = 900.0
_limit_in_force: list[float] = []   # the alarm's current limit (seconds), for the timeout message
DEFAULT_MEMORY_MB = 2048


class _Deadline(BaseException):
    """Raised by the SIGALRM handler; BaseException so parsers' ``except Exception`` let it by."""


def _env_number(name: str, default: float, env: Mapping[str, str] | None = None) -> float:
    try:
        v = float((os.environ if env is None else env).get(name, ""))
    except ValueError:
        return default
    return v if v > 0 else default


def default_seconds(env: Mapping[str, str] | None = None) -> float:
    return _env_number("GKNB_PARSE_TIMEOUT", DEFAULT_SECONDS, env)


def ocr_seconds() -> float:
    return _env_number("GKNB_OCR_TIMEOUT", DEFAULT_OCR_SECONDS)


def allow_ocr_time() -> None:
    """Called by a reader about to OCR: the running per-file alarm (if any) becomes the OCR
    limit.  Outside :func:`parse_file_limited` (no alarm) it does nothing."""
    if not _limit_in_force or threading.current_thread() is not threading.main_thread():
        return
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        seconds = ocr_seconds()
        signal.setitimer(signal.ITIMER_REAL, seconds)
        _limit_in_force[-1] = seconds


def default_memory_mb(env: Mapping[str, str] | None = None) -> int:
    return int(_env_number("GKNB_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB, env))


def in_worker() -> bool:
    """True in a multiprocessing child (a parser worker), False in the main process."""
    return mp.parent_process() is not None


def limit_memory(memory_mb: int) -> bool:
    """Lower RLIMIT_AS to ``memory_mb`` (never raise it); True if a limit is in force."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return False
    want = int(memory_mb) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if soft == resource.RLIM_INFINITY or soft > want:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
        except (ValueError, OSError):
            return False
    return True


def _on_alarm(signum, frame):  # noqa: ANN001
    raise _Deadline()


def parse_file_limited(path: str | Path, seconds: float | None = None, memory_mb: int | None = None,
                       *, memory_limit: bool | None = None):
    """:func:`etl.extract.parse_file` under a time limit and (in workers) a memory limit.

    ``memory_limit=None`` means "only in a worker process".  Raises ReportError (codes
    ``timeout`` and ``too_large`` added to the parser's own); anything else the parser raises
    passes through unchanged."""
    from etl import extract  # looked up per call: tests replace extract.parse_file

    seconds = default_seconds() if seconds is None else float(seconds)
    memory_mb = default_memory_mb() if memory_mb is None else int(memory_mb)
    if memory_limit is None:
        memory_limit = in_worker()
    if memory_limit:
        limit_memory(memory_mb)
    from etl.readers import ocr
    if allow_ocr_time not in ocr.ON_START:
        ocr.ON_START.append(allow_ocr_time)
    timer = seconds > 0 and threading.current_thread() is threading.main_thread()
    old_handler = None
    if timer:
        old_handler = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        _limit_in_force.append(seconds)
    try:
        try:
            pause_at("parse", str(path))
            return extract.parse_file(Path(path))
        finally:
            if timer:  # an alarm firing in here is caught below like one during the parse
                signal.setitimer(signal.ITIMER_REAL, 0)
    except _Deadline:
        limit = _limit_in_force[-1] if timer and _limit_in_force else seconds
        raise ReportError(f"解析超时（超过 {limit:g} 秒）", "timeout") from None
    except MemoryError:
        raise ReportError(f"解析所需内存超过上限（{memory_mb} MB），文件过大或结构异常", "too_large") from None
    finally:
        if timer:
            signal.signal(signal.SIGALRM, old_handler)
            _limit_in_force.pop()


def pause_at(stage: str, detail: str = "") -> None:
    """Test seam (see the module docstring): sleep here when GKNB_TEST_PAUSE_AT names ``stage``
    (and, if GKNB_TEST_PAUSE_MATCH is set, it occurs in ``detail``, e.g. the file path)."""
    if os.environ.get("GKNB_TEST_PAUSE_AT") != stage:
        return
    if os.environ.get("GKNB_TEST_PAUSE_MATCH", "") not in detail:
        return
    print(f"GKNB_TEST_PAUSE {stage} {os.getpid()}", file=sys.stderr, flush=True)
    note = os.environ.get("GKNB_TEST_PAUSE_NOTE")
    if note:                        # for a test that cannot read this process's stderr
        with open(note, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
    action = os.environ.get("GKNB_TEST_PAUSE_ACTION", "")
    if action == "abort":
        os.abort()
    if action == "hang":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    end = time.monotonic() + _env_number("GKNB_TEST_PAUSE_SECONDS", 60.0)
    gate = os.environ.get("GKNB_TEST_PAUSE_WHILE")
    while True:
        left = end - time.monotonic()
        if left <= 0 or (gate and not os.path.exists(gate)):
            return
        time.sleep(min(left, 0.05) if gate else left)
