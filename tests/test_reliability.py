"""Reliability and security of the ETL: per-file limits, crashes mid-load, concurrent ingests,
read-only / full disks, hostile and malformed files, hostile file names, verify and
reconciliation.

Crash tests run ``python -m etl ingest`` in a subprocess that pauses at a named stage
(``GKNB_TEST_PAUSE_AT``, see :mod:`etl.limits`) and ``kill -9`` it there.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl import cli, verify, limits, warehouse
from synth import render
from synth import generate as synth
from etl.document import ReportError
import etl.workers

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
    with contextlib.suppress(ProcessLookupError):  # parser workers of a pool: the whole group is ours
        os.killpg(p.pid, signal.SIGKILL)
    assert p.returncode == -signal.SIGKILL


# ----------------------------------------------------------------------------- 1. per-file limits
def _sleepy_parse(real):
    def parse(path):
        if "slow" in Path(path).name:
            try:  # noqa: SIM105 — a parser's own broad except must not swallow the deadline
                time.sleep(30)
            except Exception:
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
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "1.5")
    src = tmp_path / "in"
    write_reports(src, range(2))
    (src / "slow.txt").write_text("x")
    db = tmp_path / "w.duckdb"
    t = time.monotonic()
    s = warehouse.ingest([src], db, workers=1, progress=False, in_process=True)
    assert time.monotonic() - t < 20
    assert s.loaded == 2 and s.failed == [(str(src / "slow.txt"), "解析超时（超过 1.5 秒）")]
    con = warehouse.connect_readonly(db)
    try:
        assert con.execute("select status, reason from load_log where source_path like '%slow.txt'").fetchall() \
            == [("failed", "解析超时（超过 1.5 秒）")]
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
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "3")    # the first parse in a fresh worker imports modules
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
    assert {Path(f).name: r for f, r in s.failed} == {"slow3.txt": "解析超时（超过 3 秒）"}
    assert s.loaded == 3 and n_reports(db) == 3


def test_workers_run_under_a_streamlit_script(tmp_path, monkeypatch):
    """With a Streamlit script as ``__main__`` (streamlit run, AppTest) multiprocessing's spawn
    would re-run the app in every worker; ours are ``python -m etl.workers`` and never do."""
    import types
    fake = types.ModuleType("__main__")
    fake.__file__ = str(ROOT / "dashboard.py")
    monkeypatch.setitem(sys.modules, "__main__", fake)
    src = tmp_path / "in"
    write_reports(src, range(2))
    s = warehouse.ingest([src], tmp_path / "w.duckdb", workers=2, progress=False)
    assert s.loaded == 2 and not s.failed


# ----------------------------------------------------------------------------- 2. crash safety
@pytest.fixture()
def live(tmp_path):
    """A warehouse with two reports, and a folder of three new ones to load next."""
    db = tmp_path / "data" / "warehouse.duckdb"
    first = tmp_path / "first"
    write_reports(first, range(2))
    s = warehouse.ingest([first], db, workers=1, progress=False)
    assert s.loaded == 2
    new = tmp_path / "new"
    write_reports(new, range(2, 5))
    return db, new


@pytest.mark.parametrize("stage,workers", [("parse", 1), ("parse", 2), ("load", 1), ("checkpoint", 1),
                                           ("replace", 1)])
def test_kill_9_leaves_the_live_warehouse_identical_and_a_rerun_completes(live, stage, workers):
    db, new = live
    before = sha(db)
    p = start_ingest([new], db, workers=workers, GKNB_TEST_PAUSE_AT=stage, GKNB_TEST_PAUSE_SECONDS="60")
    wait_for_pause(p, stage)
    assert temps(db.parent), "the staging copy should exist when the run is killed"
    kill9(p)
    assert sha(db) == before
    assert n_reports(db) == 2
    stale = temps(db.parent)
    assert stale                                  # the killed run left its staging copy
    s = warehouse.ingest([new], db, workers=1, progress=False)
    assert (s.loaded, s.failed, s.reconciled) == (3, [], True)
    assert n_reports(db) == 5
    assert temps(db.parent) == []                  # the next writer removed the stale copy
    assert verify.verify(db)[1] == []


def test_two_ingests_at_once(tmp_path, live):
    """A holds the lock (paused mid-load); B with a short lock timeout stops with the lock
    message; C (the CLI, default timeout) waits and loads after A.  Nothing is corrupted."""
    db, new = live
    other = tmp_path / "other"
    write_reports(other, range(5, 7))
    gate = tmp_path / "gate"
    gate.touch()                       # A holds the lock, paused mid-load, while this file exists
    a = start_ingest([new], db, GKNB_TEST_PAUSE_AT="load", GKNB_TEST_PAUSE_SECONDS="60",
                     GKNB_TEST_PAUSE_WHILE=str(gate))
    wait_for_pause(a, "load")
    b = subprocess.run([PY, "-c", f"""
import sys
from pathlib import Path
from etl import warehouse
try:
    warehouse.ingest([Path({str(other)!r})], Path({str(db)!r}), workers=1, progress=False, lock_timeout=0.5)
except warehouse.WarehouseBusy as e:
    print(e); sys.exit(3)
"""], cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=60)
    c = start_ingest([other], db)
    deadline, waited = time.monotonic() + 60, False
    while not waited and time.monotonic() < deadline:
        line = c.stderr.readline()
        if not line:
            break
        waited = "另一个导入正在进行，等待" in line   # C reached the lock and waits
    gate.unlink()
    out_a, err_a = a.communicate(timeout=60)
    out_c, err_c = c.communicate(timeout=60)
    assert b.returncode == 3 and "另一个导入正在进行" in b.stdout
    assert a.returncode == 0 and "新增 loaded 3" in out_a
    assert c.returncode == 0 and "新增 loaded 2" in out_c and waited
    assert n_reports(db) == 7 and temps(db.parent) == []
    assert verify.verify(db)[1] == []


def _drop_dac():
    """preexec_fn: as root, drop CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH so file modes apply."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:       # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_read_only_data_folder_gives_one_line_and_leaves_the_warehouse(live):
    db, new = live
    before = sha(db)
    os.chmod(db.parent, 0o555)
    try:
        r = subprocess.run([PY, "-m", "etl", "ingest", str(new), "--db", str(db), "--quiet", "--workers", "1"],
                           cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=60,
                           preexec_fn=_drop_dac if os.geteuid() == 0 else None)
    finally:
        os.chmod(db.parent, 0o755)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 4 and len(lines) == 1, r.stderr
    assert lines[0].startswith("导入失败，数据库未改变") and "Permission denied" in lines[0]
    assert sha(db) == before and temps(db.parent) == []


def test_disk_full_inside_duckdb_gives_one_line_and_leaves_the_warehouse(live):
    """A real write failure: the child may not write files larger than the live warehouse
    (RLIMIT_FSIZE), so the copy succeeds and DuckDB's checkpoint fails."""
    import resource
    db, new = live
    before = sha(db)
    size = db.stat().st_size

    def small_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    r = subprocess.run([PY, "-m", "etl", "ingest", str(new), "--db", str(db), "--quiet", "--workers", "1"],
                       cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=60, preexec_fn=small_disk)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 4 and len(lines) == 1, r.stderr
    assert lines[0].startswith("导入失败，数据库未改变") and "Could not write" in lines[0]
    assert sha(db) == before and temps(db.parent) == []


@pytest.mark.parametrize("where", ["copy", "replace"])
def test_enospc_gives_one_line_and_leaves_the_warehouse(live, where, monkeypatch, capsys):
    import argparse
    import shutil
    db, new = live
    before = sha(db)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(shutil, "copyfile", full) if where == "copy" else monkeypatch.setattr(os, "replace", full)
    rc = cli.cli_ingest(argparse.Namespace(paths=[new], db=db, workers=1, quiet=True))
    monkeypatch.undo()
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 4 and err == ["导入失败，数据库未改变 (ingest failed, warehouse unchanged): "
                               "OSError: [Errno 28] No space left on device"]
    assert sha(db) == before and temps(db.parent) == []
    assert n_reports(db) == 2


# ----------------------------------------------------------------------------- 3. hostile and malformed files
def _docx_with(document_xml: bytes, compress: int = 8) -> bytes:
    """A real rendered DOCX whose word/document.xml is replaced."""
    import io
    import zipfile
    base = render.render(synth_reports(1)[0], "docx")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                    compresslevel=compress) as zout:
        for info in zin.infolist():
            data = document_xml if info.filename == "word/document.xml" else zin.read(info)
            zout.writestr(info.filename, data)
    return out.getvalue()


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")


def _tiny_pages_pdf(n: int) -> bytes:
    import io

    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for i in range(n):
        c.drawString(72, 720, f"page {i}")
        c.showPage()
    c.save()
    return buf.getvalue()


_HOSTILE: dict[str, tuple[bytes, str | None]] = {}


def hostile_folder(src: Path) -> dict[str, str | None]:
    """Write hostile/malformed files next to two good reports.  Returns name → expected
    failure reason fragment (None: read safely and loaded)."""
    write_reports(src, range(2))
    expect: dict[str, str | None] = {"r0.txt": None, "r1.txt": None}
    if not _HOSTILE:
        _make_hostile()
    for name, (data, reason) in _HOSTILE.items():
        (src / name).write_bytes(data)
        expect[name] = reason
    with open(src / "huge.txt", "wb") as f:          # sparse: 60 MB on paper, nothing on disk
        f.truncate(60 * 1024 * 1024)
    expect["huge.txt"] = "文件过大（60 MB，上限 50 MB）"
    return expect


def _make_hostile() -> None:
    reps = synth_reports(8)

    def put(name: str, data: bytes, reason: str | None) -> None:
        _HOSTILE[name] = (data, reason)

    put("laughs.docx", _docx_with(BILLION_LAUGHS), "DTD/实体声明")
    put("bomb.docx", _docx_with(b"<" + b" " * (30 * 1024 * 1024) + b">", compress=9), "疑似 zip 炸弹")
    html = render.render(reps[2], "html").decode()
    j, k = html.index(">", html.index("<body")) + 1, html.rindex("</body>")
    put("deep_report.html", (html[:j] + "<div>" * 10_000 + html[j:k] + "</div>" * 10_000 + html[k:]).encode(),
        None)
    put("deep_empty.html", b"<html><body>" + b"<q>" * 10_000 + b"x" + b"</q>" * 10_000 + b"</body></html>",
        "不像政府信息公开工作年度报告")
    put("pages.pdf", _tiny_pages_pdf(3000), "PDF 页数过多（3000 页，上限 200）")
    pdf = render.render(reps[3], "pdf")
    put("bad_xref.pdf", pdf[:pdf.rfind(b"startxref")] + b"startxref\n999999\n%%EOF\n", None)
    put("truncated.pdf", pdf[: len(pdf) // 2], "PDF 文件损坏")
    text = render.render(reps[4], "txt").decode()
    put("utf16le_nobom.txt", text.encode("utf-16-le"), None)
    put("utf16be_nobom.txt", render.render(reps[5], "txt").decode().encode("utf-16-be"), None)
    put("big5.txt", render.render(reps[6], "txt").decode().encode("big5", errors="replace"),
        "不像政府信息公开工作年度报告")
    put("noise.txt", bytes(range(256)) * 64, "不是文本文件（二进制内容）")
    put("empty.txt", b"   \n", "空文件")
    put("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "旧版 Word")


@pytest.mark.parametrize("workers", [1, 2])
def test_hostile_files_fail_one_by_one_and_the_rest_loads(tmp_path, monkeypatch, capsys, workers):
    """The CLI (one process) and the worker pool: each hostile file is one failure with a clear
    one-line reason, the rest loads, quickly."""
    import argparse
    clean_main(monkeypatch)
    src = tmp_path / "in"
    expect = hostile_folder(src)
    db = tmp_path / "w.duckdb"
    t = time.monotonic()
    rc = cli.cli_ingest(argparse.Namespace(paths=[src], db=db, workers=workers, quiet=True))
    assert time.monotonic() - t < 40              # 3000 pages, 10,000 levels, 30 MB bomb: all quick
    out = capsys.readouterr().out.splitlines()
    con = warehouse.connect_readonly(db)
    try:
        failed = dict(con.execute("select source_path, reason from load_log where status = 'failed'").fetchall())
        loaded = {r[0] for r in con.execute("select source_name from dim_report").fetchall()}
    finally:
        con.close()
    failed = {Path(p).name: r for p, r in failed.items()}
    assert rc == 1 and set(failed) == {n for n, r in expect.items() if r}
    for name, reason in failed.items():
        assert expect[name] in reason, (name, reason)
        assert "\n" not in reason and len(reason) < 200
    assert loaded == {n for n, r in expect.items() if r is None}
    assert len([ln for ln in out if ln.startswith("  失败 FAILED ")]) == len(failed)
    assert "核对 reconciled ✓" in out[0]
    if workers == 2:
        return
    # read safely means read right: each odd file gives the same cells as a clean copy
    clean = {n: limits.parse_file_limited(p) for n, p in (
        ("deep_report.html", write_reports(tmp_path / "clean", range(2, 3), "html")[0]),
        ("bad_xref.pdf", write_reports(tmp_path / "clean", range(3, 4), "pdf")[0]),
        ("utf16le_nobom.txt", write_reports(tmp_path / "clean", range(4, 5))[0]),
        ("utf16be_nobom.txt", write_reports(tmp_path / "clean", range(5, 6))[0]))}
    con = warehouse.connect_readonly(db)
    try:
        for name, rep in clean.items():
            stored = dict(con.execute("""select c.cell_key, c.value from fact_cell c join dim_report r
                                         using (report_id) where r.source_name = ?""", [name]).fetchall())
            assert stored == {k: (None if v is None else float(v)) for k, v in rep.cells.items()}, name
    finally:
        con.close()


# ----------------------------------------------------------------------------- hostile file names
HOSTILE_NAMES = ["r0\x1b[31mred\x1b[0m.txt", "r1\nFAILED fake line\r.txt", "r2'; drop table fact_cell; --.txt",
                 "长" * 80 + ".txt", "r4\t\x01\x7f\u202etxt.exe.txt", "r5 ..  .txt"]


def test_hostile_file_names_are_stored_exactly_and_printed_on_one_line(tmp_path, capsys):
    import argparse
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    reps = synth_reports(8)
    for i, name in enumerate(HOSTILE_NAMES):
        (src / name).write_bytes(render.render(reps[i], "txt"))
    (tmp_path / "other" / "sub").mkdir(parents=True)
    (tmp_path / "other" / "r6.txt").write_bytes(render.render(reps[6], "txt"))
    dotdot = tmp_path / "other" / "sub" / ".." / "r6.txt"   # a ../ path named on the command line
    raw = os.fsencode(src) + b"/r7\xff\xfe.txt"       # not UTF-8: Python sees lone surrogates
    with open(raw, "wb") as f:
        f.write(render.render(reps[7], "txt"))
    with open(os.fsencode(src) + b"/bad\xff\x1b[2J\n.txt", "wb") as f:
        f.write(b"not a report")
    db = tmp_path / "w.duckdb"
    rc = cli.cli_ingest(argparse.Namespace(paths=[dotdot, src], db=db, workers=1, quiet=True))
    out = capsys.readouterr().out
    assert rc == 1                                     # the junk file failed, nothing crashed
    con = warehouse.connect_readonly(db)
    try:
        names = {r[0] for r in con.execute("select source_name from dim_report").fetchall()}
        paths = {r[0] for r in con.execute("select source_path from dim_report").fetchall()}
        log = con.execute("select source_path, status, reason from load_log where status = 'failed'").fetchall()
    finally:
        con.close()
    assert names == set(HOSTILE_NAMES) | {"r6.txt", "r7\\xff\\xfe.txt"}
    assert str(dotdot) in paths                        # stored as given, parameterised: no injection
    assert log == [(str(src) + "/bad\\xff\x1b[2J\n.txt", "failed", "找不到报告标题（机构名称与年份），不像政府信息公开工作年度报告")]
    # the summary is one line per failure: no raw newline or escape from a file name reaches the terminal
    assert "\x1b" not in out and "\r" not in out
    fail_lines = [ln for ln in out.splitlines() if "FAILED" in ln]
    assert fail_lines == [f"  失败 FAILED {src}/bad\\xff\\x1b[2J\\n.txt: 找不到报告标题（机构名称与年份），不像政府信息公开工作年度报告"]
    assert n_reports(db) == 8


NASTY = ["../../etc/passwd.txt", "..\\..\\boot.ini.txt", "\x1b[31m.pdf", "a\nb.docx", ".hidden.html", "..json",
         "长" * 300 + ".pdf", "con.txt", "a\u202egpj.exe.md", "\x00.txt", "   .htm", "name with spaces.PDF"]


@pytest.mark.parametrize("name", NASTY)
def test_upload_safe_name_is_one_plain_file_name(name, tmp_path):
    from etl.safe_names import upload_name as safe_name
    out = safe_name(b"data", name)
    assert "/" not in out and "\\" not in out and not out.startswith(".")
    assert all(ch.isprintable() for ch in out) and len(out.encode("utf-8")) <= 255
    assert out.endswith(Path(name).suffix.lower())      # the type the page checked is kept
    (tmp_path / out).write_bytes(b"x")                  # creatable, and lands in the folder
    assert [p.name for p in tmp_path.iterdir()] == [out]


def test_upload_safe_name_with_a_hostile_extension():
    from etl.safe_names import upload_name as safe_name
    for name in ("x.t\x1bxt", "x." + "a" * 300):
        out = safe_name(b"data", name)
        assert all(ch.isprintable() for ch in out) and len(out.encode("utf-8")) <= 255


@pytest.mark.parametrize("name", NASTY + ["x.t\x1bxt", "x." + "a" * 300, "r7\udcff\udcfe.txt", "", ".", ".."])
def test_safe_filename(name, tmp_path):
    from etl.safe_names import safe_filename
    out = safe_filename(name)
    assert out and "/" not in out and "\\" not in out and not out.startswith(".")
    assert all(ch.isprintable() for ch in out) and len(out.encode("utf-8")) <= 200
    (tmp_path / out).write_bytes(b"x")
    assert [p.name for p in tmp_path.iterdir()] == [out]
    assert safe_filename(out) == out                    # idempotent


def test_storable_and_printable():
    from etl.safe_names import printable, storable
    assert storable("r7\udcff\udcfe.txt") == "r7\\xff\\xfe.txt" and storable("正常.txt") == "正常.txt"
    assert storable("\ud800") == "\\ud800"
    assert printable("a\nb\x1b[2J\u202e.txt") == "a\\nb\\x1b[2J\\u202e.txt"
    assert printable("长 名.txt") == "长 名.txt"


# ----------------------------------------------------------------------------- 5. verify and reconciliation
def test_verify_exits_1_on_a_tampered_copy_and_0_on_the_original(live, tmp_path, capsys):
    import argparse
    import shutil

    import duckdb
    db, _ = live
    copy = tmp_path / "tampered.duckdb"
    shutil.copyfile(db, copy)
    con = duckdb.connect(str(copy))
    try:
        rid, key, value = con.execute("""select report_id, cell_key, value from fact_cell
                                         where value is not null order by report_id, cell_key limit 1""").fetchall()[0]
        con.execute("update fact_cell set value = value + 7 where report_id = ? and cell_key = ?", [rid, key])
        gone = con.execute("""select cell_key from fact_cell where report_id = ? and cell_key <> ?
                              order by cell_key limit 1""", [rid, key]).fetchall()[0][0]
        con.execute("delete from fact_cell where report_id = ? and cell_key = ?", [rid, gone])
    finally:
        con.close()
    assert cli.cli_verify(argparse.Namespace(db=copy)) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert f"差异 {len(lines)} differences" in err
    assert any(ln.startswith(rid) and f"\t{key}\t值不同 stored={value + 7:g} reparsed={value:g}" in ln for ln in lines)
    assert any(ln.startswith(rid) and f"\t{gone}\t重新解析多出 stored=absent" in ln for ln in lines)
    assert cli.cli_verify(argparse.Namespace(db=db)) == 0
    out, err = capsys.readouterr()
    assert out == "" and "重新解析 2 份报告 re-parsed, 差异 0 differences" in err


def test_each_ingest_reports_its_reconciliation(tmp_path, capsys, monkeypatch):
    """cells parsed = cells stored, per report: printed by the CLI, and a mismatch aborts."""
    import argparse
    src = tmp_path / "in"
    files = write_reports(src, range(3)) + write_reports(src, range(3, 4), "html")
    db = tmp_path / "w.duckdb"
    assert cli.cli_ingest(argparse.Namespace(paths=[src], db=db, workers=1, quiet=True)) == 0
    out = capsys.readouterr().out
    parsed = {f.name: len(limits.parse_file_limited(f).cells) for f in files}
    con = warehouse.connect_readonly(db)
    try:
        stored = dict(con.execute("""select r.source_name, count(*) from fact_cell c join dim_report r
                                     using (report_id) group by all""").fetchall())
        n_cells_col = dict(con.execute("select source_name, n_cells from dim_report").fetchall())
    finally:
        con.close()
    assert stored == parsed == n_cells_col
    assert f"单元格 cells {sum(parsed.values())} · 核对 reconciled ✓" in out
    # a store that loses a row is caught and the publish aborted
    more = write_reports(tmp_path / "more", range(4, 5))
    before = sha(db)
    real = warehouse.cell_rows
    monkeypatch.setattr(warehouse, "cell_rows", lambda rep, rid: real(rep, rid)[1:])
    monkeypatch.setattr(etl.workers, "cell_rows", lambda rep, rid: 1 / 0)   # no worker rows: the loader builds them
    assert cli.cli_ingest(argparse.Namespace(paths=more, db=db, workers=1, quiet=True, in_process=True)) == 2
    err = capsys.readouterr().err
    assert "导入中止，数据库未改变" in err and "入库核对失败" in err
    assert sha(db) == before


def test_pdf_page_count_is_checked_before_listing_pages(monkeypatch):
    """3000 tiny pages: rejected from the page tree's /Count, without listing pages (listing
    costs ~1 ms a page, and pdfplumber's close() lists them all)."""
    import pdfplumber.pdf
    from etl.readers import read_bytes
    data = _HOSTILE["pages.pdf"][0] if _HOSTILE else _tiny_pages_pdf(3000)
    monkeypatch.setattr(pdfplumber.pdf.PDF, "pages", property(lambda self: pytest.fail("pages were listed")))
    with pytest.raises(ReportError) as ei:
        read_bytes(data, "pages.pdf")
    assert (ei.value.code, ei.value.reason) == ("too_large", "PDF 页数过多（3000 页，上限 200）")
