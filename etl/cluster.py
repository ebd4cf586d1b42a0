"""The Dask executor of ``ingest --executor dask``: files are parsed on a Dask cluster, rows come back.

Role in the ETL: :func:`etl.warehouse.parse_results` yields one :class:`etl.workers.ParseResult`
per file from the local pool of supervised workers (:mod:`etl.workers`) or, with
``executor="dask"``, from :func:`parse_on_dask` here.  Only the parse moves: the one loading
process still receives every result, and :class:`etl.warehouse.Staging` loads them in bounded
chunks and publishes once, as with the local pool.

* **Where.**  ``scheduler=None`` starts a ``LocalCluster`` of ``workers`` processes (one
  thread each) for the run; ``scheduler="tcp://host:8786"`` uses a running cluster whose
  workers can import this project and read the same paths (a shared file system): tasks carry
  paths, not bytes.
* **Same limits as the local pool.**  A Dask worker thread does not parse in its own process:
  it keeps one supervised parser process (:class:`etl.workers.Pool`) for its life, so the
  per-file alarm, ``RLIMIT_AS``, the parent's kill deadline and the OCR limit are exactly the
  local executor's, and a file that kills its parser is a failed file with the reason, not a
  lost Dask worker.  The run's ``GKNB_*`` settings (limits, ``--ocr``) travel with each task.
* **A dead Dask worker** (OOM killer, a lost node): the scheduler re-runs its file on another
  worker; for a cluster this module starts, ``allowed-failures`` is :data:`RETRIES` (1), so a
  file whose worker dies twice fails with ``KilledWorker`` as its reason (a batch that fails
  is sent again file by file first).  On any cluster, if no task finishes for the longest
  per-file limit × files per task + a margin (:func:`stall_seconds`), the files still out
  fail with "集群无响应" and the run finishes: it never waits on a cluster forever.
* **Bounded.**  At most :data:`IN_FLIGHT_PER_THREAD` tasks per worker thread are out at a
  time, a task being one file or, in a large run, a batch of up to :data:`BATCH_MAX` files
  (a Dask task costs milliseconds; a text report's parse ~5 ms).  Results come back as
  tasks finish and are released as soon as they are handed on.

``dask[distributed]`` is the optional ``cluster`` extra; without it ``--executor dask`` stops
with one line saying so.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence

from etl import limits
from etl import workers as workers_mod
from etl.workers import ParseResult

RETRIES = 1                  # a file whose Dask worker died is re-run once, then fails
IN_FLIGHT_PER_THREAD = 4     # tasks submitted ahead per worker thread
BATCH_MAX = 16               # files per task at most (large runs)
POLL = 0.005                 # seconds between looks at finished tasks
STALL_MARGIN = 60.0          # seconds past the longest per-file limit before the cluster counts as stuck
WORKER_WAIT = 60.0           # seconds to wait for a running cluster to have a worker
CONNECT_TIMEOUT = 20.0       # seconds to reach a scheduler


class ClusterUnavailable(OSError):
    """The Dask executor cannot run (not installed, scheduler unreachable, no workers)."""


def settings() -> dict[str, str]:
    """The run's settings a remote parser must see: limits, ``--ocr`` mode, test seams."""
    return {k: v for k, v in os.environ.items() if k.startswith("GKNB_")}


def stall_seconds() -> float:
    """No result for this long means the cluster is stuck (every file has a deadline)."""
    longest = limits.default_seconds()
    if os.environ.get("GKNB_OCR", "auto") != "never":
        longest = max(longest, limits.ocr_seconds())
    return longest + workers_mod.GRACE + STALL_MARGIN


# ----------------------------------------------------------------------------- worker side
_local = threading.local()


def _pool(env: dict[str, str]) -> workers_mod.Pool:
    key = tuple(sorted(env.items()))
    pool = getattr(_local, "pool", None)
    if pool is None or _local.key != key:
        if pool is not None:
            pool.close()
        pool = workers_mod.Pool(1, env=env)
        _local.pool, _local.key = pool, key
        atexit.register(pool.close)
    return pool


def parse_task(path: str, env: dict[str, str]) -> ParseResult:
    """Runs in a Dask worker thread: one file in this thread's supervised parser process."""
    return next(_pool(env).imap([path]))


def parse_batch(paths: list[str], env: dict[str, str]) -> list[ParseResult]:
    """Runs in a Dask worker thread: several files, one after the other, in the same parser."""
    return list(_pool(env).imap(paths))


# ----------------------------------------------------------------------------- client side
def _import_dask():
    try:
        import dask
        import distributed
    except ImportError as e:
        raise ClusterUnavailable(f"--executor dask 需要 Dask：pip install -e '.[cluster]' ({e})") from None
    return dask, distributed


@contextlib.contextmanager
def client_for(scheduler: str | None, workers: int) -> Iterator[object]:
    """A Dask client on ``scheduler``, or on a LocalCluster of ``workers`` processes started here."""
    dask, distributed = _import_dask()
    with dask.config.set({"distributed.scheduler.allowed-failures": RETRIES}):
        if scheduler:
            try:
                client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as e:
                raise ClusterUnavailable(f"无法连接 Dask 调度器 {scheduler}: {e}") from None
            try:
                client.wait_for_workers(1, timeout=WORKER_WAIT)
            except (OSError, TimeoutError):
                client.close()
                raise ClusterUnavailable(f"Dask 调度器 {scheduler} 在 {WORKER_WAIT:g} 秒内没有可用的 worker") from None
            try:
                yield client
            finally:
                client.close()
            return
        n = workers if workers > 0 else (os.cpu_count() or 1)
        with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                      dashboard_address=None, memory_limit=0,
                                      silence_logs=logging.ERROR) as cluster, \
                distributed.Client(cluster) as client:
            yield client


def _failure(path: str, exc: BaseException) -> ParseResult:
    if type(exc).__name__ == "KilledWorker":
        return ParseResult(path, error=f"解析节点异常退出，重试 {RETRIES} 次后仍失败（KilledWorker，"
                                       "可能超出内存或节点失联）")
    detail = " ".join(str(exc).split())[:200]
    return ParseResult(path, error=f"解析节点出错（{type(exc).__name__}: {detail}）")


def batch_size(n_files: int, slots: int) -> int:
    """Files per task: 1 for a small run (a lost worker costs one file), up to :data:`BATCH_MAX`
    for a large one (a Dask task costs a few ms of scheduler and network work: BENCHMARKS.md)."""
    return max(1, min(BATCH_MAX, n_files // (slots * IN_FLIGHT_PER_THREAD * 4)))


def parse_on_dask(names: Sequence[str], *, workers: int = 0, scheduler: str | None = None,
                  client=None) -> Iterator[ParseResult]:
    """One :class:`ParseResult` per name, in the order they finish on the cluster.

    Files go out in batches (:func:`batch_size`); a batch whose task fails (its worker died
    twice, or anything else) is sent again file by file, so only the file that kills its
    worker ends as ``KilledWorker``."""
    if not names:
        return
    if client is None:
        with client_for(scheduler, workers) as c:
            yield from parse_on_dask(names, client=c)
        return
    _, distributed = _import_dask()
    env = settings()
    slots = max(1, sum(client.nthreads().values()))
    size = batch_size(len(names), slots)
    stall = stall_seconds() * size
    todo = [list(names[i:i + size]) for i in range(0, len(names), size)][::-1]
    out: dict[object, list[str]] = {}            # future → its files
    done = distributed.as_completed(with_results=True, raise_errors=False)
    last = time.monotonic()
    try:
        while todo or out:
            while todo and len(out) < slots * IN_FLIGHT_PER_THREAD:
                batch = todo.pop()
                # pure=False: the same path twice is two parses, like the local pool
                f = (client.submit(parse_task, batch[0], env, pure=False) if len(batch) == 1
                     else client.submit(parse_batch, batch, env, pure=False))
                out[f] = batch
                done.add(f)
            got = done.next_batch(block=False)
            if not got:
                if time.monotonic() - last > stall:
                    reason = f"集群无响应（{stall:g} 秒内没有文件完成），未解析"
                    for f, batch in list(out.items()):
                        f.cancel()
                        yield from (ParseResult(p, error=reason) for p in batch)
                    out.clear()
                    while todo:
                        yield from (ParseResult(p, error=reason) for p in todo.pop())
                    return
                time.sleep(POLL)
                continue
            last = time.monotonic()
            for f, result in got:
                batch = out.pop(f)
                if f.status == "finished":
                    yield from ([result] if len(batch) == 1 else result)
                elif len(batch) > 1:
                    todo.extend([p] for p in reversed(batch))    # again, one file a task
                else:
                    exc = result[1] if isinstance(result, tuple) else result
                    yield _failure(batch[0], exc)
                f.release()
    finally:
        for f in out:
            f.cancel()
