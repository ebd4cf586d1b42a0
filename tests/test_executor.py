"""Where the parse runs (issue 16): the Dask executor loads the same warehouse as the local pool,
and a parser process or a Dask worker killed mid-file never hangs the run.

The mixed corpus is real reports in four formats (read in place from the shared corpus via
tests/paths.py), synthetic reports in three more, and one broken file.  A worker is killed from
outside with SIGKILL (what the OOM killer does) while it is inside a file: the test seam
``GKNB_TEST_PAUSE_AT=parse`` holds the parser on the file named ``zz_bad`` and writes its pid to
``GKNB_TEST_PAUSE_NOTE``.
"""
from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import duckdb
import pytest

from etl import warehouse
from paths import CORPUS, HAVE_CORPUS
from synth import generate as synth
from synth import render

distributed = pytest.importorskip("distributed")

REAL = ("000.txt", "001.pdf", "011.html", "013.md")   # one real report per format


def _corpus(folder: Path, n_synth: int = 3) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if HAVE_CORPUS:
        for name in REAL:
            shutil.copy(CORPUS / "raw" / name, folder / f"real_{name}")
    for i, (rep, fmt) in enumerate(zip(synth.generate(n_synth, seed=16), ("docx", "html", "txt"))):
        (folder / f"synth_{i}.{fmt}").write_bytes(render.render(rep, fmt))
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return folder


def _tables(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted, without the columns a run stamps (batch id, load time)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        tables = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                            "where table_type = 'BASE TABLE' order by 1").fetchall()]
        for t in tables:
            cols = [c for c, typ in con.execute(
                "select column_name, data_type from information_schema.columns where table_name = ? "
                "order by ordinal_position", [t]).fetchall()
                if c != "batch_id" and not typ.startswith("TIMESTAMP")]
            select = ", ".join('"' + c + '"' for c in cols)
            out[t] = con.execute(f"select {select} from {t} order by all").fetchall()
        return out
    finally:
        con.close()


def test_dask_executor_loads_the_same_warehouse_as_the_local_pool(tmp_path, monkeypatch):
    from etl import cluster
    monkeypatch.setattr(cluster, "batch_size", lambda n, slots: 2)     # as in a large run: batches
    src = _corpus(tmp_path / "in")
    local = warehouse.ingest([src], tmp_path / "local.duckdb", workers=2, progress=False)
    dask = warehouse.ingest([src], tmp_path / "dask.duckdb", workers=2, progress=False, executor="dask")
    n_files = len(list(src.iterdir()))
    assert local.loaded + len(local.failed) == n_files
    assert [Path(p).name for p, _ in local.failed] == ["broken.docx"]
    assert (dask.loaded, dask.failed) == (local.loaded, local.failed)
    a, b = _tables(tmp_path / "local.duckdb"), _tables(tmp_path / "dask.duckdb")
    assert a.keys() == b.keys()
    assert len(a["fact_cell"]) > 1000 and a["fact_check"] and a["dim_report"]
    for t in a:
        assert a[t] == b[t], f"{t} differs between the executors"


# ----------------------------------------------------------------------------- killed workers
def _pause_bad_file(monkeypatch, tmp_path: Path) -> tuple[Path, Path]:
    note, gate = tmp_path / "paused.pids", tmp_path / "gate"
    gate.touch()
    monkeypatch.setenv("GKNB_TEST_PAUSE_AT", "parse")
    monkeypatch.setenv("GKNB_TEST_PAUSE_MATCH", "zz_bad")
    monkeypatch.setenv("GKNB_TEST_PAUSE_SECONDS", "120")
    monkeypatch.setenv("GKNB_TEST_PAUSE_WHILE", str(gate))
    monkeypatch.setenv("GKNB_TEST_PAUSE_NOTE", str(note))
    return note, gate


def _paused(note: Path, count: int, timeout: float = 90) -> list[int]:
    """Wait until ``count`` parser processes have paused on the bad file; their pids."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pids = [int(x) for x in note.read_text().split()] if note.exists() else []
        if len(pids) >= count:
            return pids
        time.sleep(0.05)
    raise AssertionError(f"no parser paused {count} time(s) on the bad file")


def _parent(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def _in_thread(fn) -> tuple[threading.Thread, list]:
    errors: list = []

    def run():
        try:
            fn()
        except BaseException as e:   # noqa: BLE001 - reported by the test
            errors.append(e)
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, errors


def test_local_pool_survives_a_parser_killed_mid_file(tmp_path, monkeypatch):
    """The OOM killer's SIGKILL on a parser process mid-file: that file fails with the signal
    as its reason, the other files load, the run finishes."""
    src = _corpus(tmp_path / "in", n_synth=3)
    (src / "zz_bad.txt").write_bytes(render.render(next(iter(synth.generate(1, seed=99))), "txt"))
    note, _gate = _pause_bad_file(monkeypatch, tmp_path)

    def kill():
        os.kill(_paused(note, 1)[0], signal.SIGKILL)
    killer, errors = _in_thread(kill)
    s = warehouse.ingest([src], tmp_path / "w.duckdb", workers=2, progress=False)
    killer.join(5)
    assert not errors
    failed = dict((Path(p).name, r) for p, r in s.failed)
    assert set(failed) == {"broken.docx", "zz_bad.txt"}
    assert "SIGKILL" in failed["zz_bad.txt"]
    assert s.loaded == len(list(src.iterdir())) - 2


@pytest.fixture
def two_workers(monkeypatch):
    """A 2-worker LocalCluster (processes) whose scheduler re-runs a lost file once."""
    import dask
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                     memory_limit=0, silence_logs=50) as cluster, \
            distributed.Client(cluster) as client:
        yield cluster, client


def _only_bad_running(client, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if sum(len(v) for v in client.processing().values()) == 1:
            return
        time.sleep(0.05)


@pytest.mark.parametrize("batch,kills", [(1, 2), (3, 4)], ids=["file-a-task", "batches"])
def test_dask_worker_killed_mid_file_is_retried_then_failed(tmp_path, monkeypatch, two_workers, batch, kills):
    """A Dask worker killed while it parses a file: the scheduler re-runs the file on another
    worker; killed again, the file fails naming KilledWorker; every other file loads and the
    run finishes.  With several files a task, the lost batch is sent again file by file, so
    only the file that kills its worker fails (two kills for the batch, two for the file)."""
    from etl import cluster as cluster_mod
    monkeypatch.setattr(cluster_mod, "batch_size", lambda n, slots: batch)
    cluster, client = two_workers
    src = _corpus(tmp_path / "in", n_synth=3)
    (src / "zz_bad.txt").write_bytes(render.render(next(iter(synth.generate(1, seed=99))), "txt"))
    note, _gate = _pause_bad_file(monkeypatch, tmp_path)
    killed: list[int] = []

    def kill_twice():
        for attempt in range(1, kills + 1):
            parser = _paused(note, attempt)[-1]
            _only_bad_running(client)
            worker = _parent(parser)        # the Dask worker process running the file
            killed.append(worker)
            os.kill(worker, signal.SIGKILL)
    killer, errors = _in_thread(kill_twice)
    s = warehouse.ingest([src], tmp_path / "w.duckdb", progress=False, executor="dask",
                         scheduler=cluster.scheduler_address)
    killer.join(5)
    assert not errors, errors
    assert len(set(killed)) == kills, "the file was not re-run on another worker"
    failed = dict((Path(p).name, r) for p, r in s.failed)
    assert set(failed) == {"broken.docx", "zz_bad.txt"}
    assert "KilledWorker" in failed["zz_bad.txt"]
    assert s.loaded == len(list(src.iterdir())) - 2


def _two_good_one_bad(src: Path, seed: int, bad_fmt: str) -> Path:
    src.mkdir()
    reps = list(synth.generate(3, seed=seed))
    for i, rep in enumerate(reps[:2]):
        (src / f"r{i}.txt").write_bytes(render.render(rep, "txt"))
    (src / f"zz_bad.{bad_fmt}").write_bytes(render.render(reps[2], bad_fmt))
    return src


def test_dask_worker_killed_once_the_file_is_retried_and_loads(tmp_path, monkeypatch, two_workers):
    cluster, client = two_workers
    src = _two_good_one_bad(tmp_path / "in", seed=7, bad_fmt="html")
    note, gate = _pause_bad_file(monkeypatch, tmp_path)

    def kill_once():
        parser = _paused(note, 1)[0]
        _only_bad_running(client)
        os.kill(_parent(parser), signal.SIGKILL)
        gate.unlink()                       # the re-run parses without pausing
    killer, errors = _in_thread(kill_once)
    s = warehouse.ingest([src], tmp_path / "w.duckdb", progress=False, executor="dask",
                         scheduler=cluster.scheduler_address)
    killer.join(5)
    assert not errors, errors
    assert (s.loaded, s.failed) == (3, [])


def test_a_dask_worker_thread_keeps_one_parser_process(tmp_path):
    """parse_task (what a Dask worker thread runs) reuses its supervised parser: one process
    for many files, not one per file (a fresh Python per report would cost more than the parse)."""
    from etl import cluster
    paths = []
    for i, rep in enumerate(synth.generate(3, seed=5)):
        paths.append(tmp_path / f"r{i}.txt")
        paths[-1].write_bytes(render.render(rep, "txt"))
    env = cluster.settings()
    try:
        results = [cluster.parse_task(str(p), env) for p in paths]
        pool = cluster._local.pool
        assert [r.error for r in results] == [None] * 3 and all(r.rows for r in results)
        assert len(pool.idle) == 1 and pool.idle[0].done == 3
    finally:
        cluster._local.pool.close()
        cluster._local.pool = None


def test_a_silent_cluster_fails_what_is_out_and_the_run_finishes(tmp_path, monkeypatch, two_workers):
    """A cluster that stops answering (here: a parse that takes far longer than the stall limit)
    does not hold the run: past the limit the files still out fail with the reason."""
    from etl import cluster as cluster_mod
    cluster, _client = two_workers
    monkeypatch.setattr(cluster_mod, "stall_seconds", lambda: 3.0)
    src = _two_good_one_bad(tmp_path / "in", seed=8, bad_fmt="txt")
    _pause_bad_file(monkeypatch, tmp_path)
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "600")          # the parser's own limits do not end it
    monkeypatch.setenv("GKNB_TEST_PAUSE_SECONDS", "600")
    s = warehouse.ingest([src], tmp_path / "w.duckdb", progress=False, executor="dask",
                         scheduler=cluster.scheduler_address)
    assert s.loaded == 2
    assert [(Path(p).name, "集群无响应" in r) for p, r in s.failed] == [("zz_bad.txt", True)]
