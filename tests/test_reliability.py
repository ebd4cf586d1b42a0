"""Reliability and security of the ETL: per-file limits, crashes mid-load, concurrent ingests,
read-only / full disks, hostile and malformed files, hostile file names, verify and
reconciliation.

Crash tests run ``python -m etl ingest`` in a subprocess that pauses at a named stage
(``GKNB_TEST_PAUSE_AT``, see :mod:`etl.limits`) and ``kill -9`` it there.
"""
from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl import limits, render, synth, warehouse
from etl.document import ReportError

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


# ----------------------------------------------------------------------------- helpers
_REPS: list[dict] = []


def synth_reports(n: int) -> list[dict]:
    if len(_REPS) < n:
        _REPS[:] = list(synth.generate(max(n, 8), seed=7))
    return _REPS[:n]


def write_reports(folder: Path, idx: range, fmt: str = "txt", prefix: str = "r") -> list[Path]:
    """Rendered fictional reports (each a distinct agency/year) as files."""
    folder.mkdir(parents=True, exist_ok=True)
    reps = synth_reports(max(idx) + 1)
    out = []
    for i in idx:
        p = folder / f"{prefix}{i}.{fmt}"
        p.write_bytes(render.render(reps[i], fmt))
        out.append(p)
    return out


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def n_reports(db: Path) -> int:
    con = warehouse.connect_readonly(db)
    try:
        return con.execute("select count(*) from v_report").fetchall()[0][0]
    finally:
        con.close()


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


def cli_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GKNB_")}
    env.update(extra)
    return env


def start_ingest(paths: list[Path], db: Path, *, workers: int = 1, **env: str) -> subprocess.Popen:
    return subprocess.Popen([PY, "-m", "etl", "ingest", *map(str, paths), "--db", str(db), "--quiet",
                             "--workers", str(workers)],
                            cwd=ROOT, env=cli_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def wait_for_pause(p: subprocess.Popen, stage: str, timeout: float = 60) -> None:
    """Read the child's stderr until it announces the pause at ``stage``."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(f"GKNB_TEST_PAUSE {stage} "):
            return
    p.kill()
    raise AssertionError(f"child never paused at {stage}: {''.join(seen)[-2000:]}")


def kill9(p: subprocess.Popen) -> None:
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=10)
    try:  # parser workers of a pool, if any: the whole group is ours
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    assert p.returncode == -signal.SIGKILL


# ----------------------------------------------------------------------------- 1. per-file limits
def _sleepy_parse(real):
    def parse(path):
        if "slow" in Path(path).name:
            try:
                time.sleep(30)
            except Exception:          # a parser's own broad except must not swallow the deadline
                pass
            time.sleep(30)
        return real(path)
    return parse


def test_parse_file_limited_times_out_and_restores_the_alarm(tmp_path, monkeypatch):
    import etl.extract
    monkeypatch.setattr(etl.extract, "parse_file", _sleepy_parse(etl.extract.parse_file))
    (tmp_path / "slow.txt").write_text("x")
    prev = signal.getsignal(signal.SIGALRM)
    t = time.monotonic()
    with pytest.raises(ReportError) as ei:
        limits.parse_file_limited(tmp_path / "slow.txt", seconds=0.3)
    assert time.monotonic() - t < 5
    assert (ei.value.code, ei.value.reason) == ("timeout", "解析超时（超过 0.3 秒）")
    assert signal.getsignal(signal.SIGALRM) is prev and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    # a fast file under the same limit parses normally and leaves no alarm behind
    good = write_reports(tmp_path, range(1))[0]
    assert limits.parse_file_limited(good, seconds=5).year >= 2019
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_timer_outside_the_main_thread(tmp_path):
    """Streamlit runs pages in script threads: no SIGALRM there (signal.signal would raise)."""
    import threading
    good = write_reports(tmp_path, range(1))[0]
    out = {}
    th = threading.Thread(target=lambda: out.setdefault("rep", limits.parse_file_limited(good, seconds=1)))
    th.start()
    th.join()
    assert out["rep"].cells


def test_memory_limit_turns_memory_error_into_too_large(tmp_path):
    """RLIMIT_AS is process-wide, so this runs in a child: a parse that allocates 1.5 GB under
    a 600 MB limit fails as too_large, and the child is still alive to report it."""
    code = f"""
import etl.extract, resource
from etl import limits
from etl.document import ReportError
def hog(path):
    blocks = [bytearray(100 * 1024 * 1024) for _ in range(15)]
    return len(blocks)
etl.extract.parse_file = hog
try:
    limits.parse_file_limited({str(tmp_path / 'a.txt')!r}, seconds=30, memory_mb=600, memory_limit=True)
    print("no error")
except ReportError as e:
    print(e.code, resource.getrlimit(resource.RLIMIT_AS)[0] // 2**20)
"""
    out = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["too_large", "600"], out.stderr


def test_memory_limit_only_in_workers():
    import resource
    before = resource.getrlimit(resource.RLIMIT_AS)
    assert not limits.in_worker()
    with pytest.raises(ReportError):
        limits.parse_file_limited("/nonexistent/file.txt", seconds=1, memory_mb=64)
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_ingest_reports_a_hanging_file_and_loads_the_others(tmp_path, monkeypatch):
    import etl.extract
    monkeypatch.setattr(etl.extract, "parse_file", _sleepy_parse(etl.extract.parse_file))
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "0.5")
    src = tmp_path / "in"
    write_reports(src, range(2))
    (src / "slow.txt").write_text("x")
    db = tmp_path / "w.duckdb"
    t = time.monotonic()
    s = warehouse.ingest([src], db, workers=1, progress=False)
    assert time.monotonic() - t < 20
    assert s.loaded == 2 and s.failed == [(str(src / "slow.txt"), "解析超时（超过 0.5 秒）")]
    con = warehouse.connect_readonly(db)
    try:
        assert con.execute("select status, reason from load_log where source_path like '%slow.txt'").fetchall() \
            == [("failed", "解析超时（超过 0.5 秒）")]
    finally:
        con.close()


def clean_main(monkeypatch) -> None:
    """AppTest (test_pages_apptest) leaves dashboard.py as ``__main__``; give spawned workers a
    plain one so these tests exercise the pool whatever ran before."""
    import types
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


def test_worker_pool_reports_a_hanging_file_and_loads_the_others(tmp_path, monkeypatch):
    """The same through the spawned pool: the worker pauses inside the time limit on one file."""
    clean_main(monkeypatch)
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "1")
    monkeypatch.setenv("GKNB_TEST_PAUSE_AT", "parse")
    monkeypatch.setenv("GKNB_TEST_PAUSE_MATCH", "slow")
    monkeypatch.setenv("GKNB_TEST_PAUSE_SECONDS", "60")
    src = tmp_path / "in"
    write_reports(src, range(3))
    write_reports(src, range(3, 4), prefix="slow")
    db = tmp_path / "w.duckdb"
    t = time.monotonic()
    s = warehouse.ingest([src], db, workers=2, progress=False)
    assert time.monotonic() - t < 40
    assert {Path(f).name: r for f, r in s.failed} == {"slow3.txt": "解析超时（超过 1 秒）"}
    assert s.loaded == 3 and n_reports(db) == 3


def test_no_worker_pool_under_a_streamlit_script(tmp_path, monkeypatch):
    """With a Streamlit script as ``__main__`` (streamlit run, AppTest) spawned workers would
    re-run the app; ingest parses in-process instead, and still loads everything."""
    import multiprocessing
    import types
    fake = types.ModuleType("__main__")
    fake.__file__ = str(ROOT / "dashboard.py")
    monkeypatch.setitem(sys.modules, "__main__", fake)
    monkeypatch.setattr(multiprocessing.context.SpawnContext, "Pool",
                        lambda *a, **k: pytest.fail("a worker pool was started"))
    src = tmp_path / "in"
    write_reports(src, range(2))
    s = warehouse.ingest([src], tmp_path / "w.duckdb", workers=2, progress=False)
    assert s.loaded == 2 and not s.failed
    # a plain main (python -m etl, a script on the command line) keeps the pool
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    assert warehouse._spawn_safe()
