"""What an independent attack found (issue 11), one test per finding: hangs and exhaustion
(PDF bombs, FIFOs and devices, attribute floods, uploads), integrity (verify against each
tampering, conflicting files, synthetic reports), output (escaped names, honest reasons),
and tests that could not fail (the CSV BOM, the writer lock, the atomic publish, CI)."""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from synth.hostile import pdf_stream_bomb

from etl import cli, warehouse
from etl.document import ReportError
from etl.verify import verify
from synth import generate as synth
from synth import render

ROOT = Path(__file__).resolve().parent.parent


def _reports(n: int, seed: int = 21) -> list[dict]:
    return list(synth.generate(n, seed=seed))


def _write(folder: Path, reps: list[dict], fmt: str = "txt", prefix: str = "r") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, r in enumerate(reps):
        p = folder / f"{prefix}{i}.{fmt}"
        p.write_bytes(render.render(r, fmt))
        out.append(p)
    return out


def pdf_with_contents(plain: bytes, repeat: int) -> bytes:
    """A one-page PDF whose /Contents lists a text stream, then one Flate stream ``repeat`` times."""
    return pdf_stream_bomb(plain, 1, repeat)


# ----------------------------------------------------------------------------- 1. PDF bombs, dead workers
@pytest.mark.parametrize("plain,repeat", [(b"q Q\n" * 262_144, 3000),          # 1 MB stream listed 3,000 times
                                          (b"q Q\n" * (100 * 2**18), 1)])       # one stream inflating to 100 MB
def test_pdf_bomb_is_refused_before_it_is_inflated(plain, repeat):
    from etl.readers.pdf import read_pdf
    with pytest.raises(ReportError) as e:
        read_pdf(pdf_with_contents(plain, repeat), "bomb.pdf")
    assert e.value.code == "too_large" and "解压后过大" in e.value.reason


def test_pdf_bomb_in_a_batch_fails_alone(tmp_path):
    src = tmp_path / "in"
    _write(src, _reports(2))
    (src / "bomb.pdf").write_bytes(pdf_with_contents(b"q Q\n" * 262_144, 3000))
    s = warehouse.ingest([src], tmp_path / "w.duckdb", workers=2, progress=False)
    assert s.loaded == 2 and [Path(p).name for p, _ in s.failed] == ["bomb.pdf"]


@pytest.mark.parametrize("action,reason", [("abort", "解析进程异常退出（SIGABRT"), ("hang", "解析进程已终止")])
def test_a_dead_or_stuck_worker_is_one_failed_file(tmp_path, monkeypatch, action, reason):
    """A worker that aborts (pdfium at its memory cap) or never returns to Python (a C call that
    ignores the alarm) fails that file; the parent does not wait for it, the rest loads."""
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "5" if action == "hang" else "60")   # roomy for the good files
    monkeypatch.setenv("GKNB_TEST_PAUSE_AT", "parse")
    monkeypatch.setenv("GKNB_TEST_PAUSE_MATCH", "bad")
    monkeypatch.setenv("GKNB_TEST_PAUSE_SECONDS", "600")
    monkeypatch.setenv("GKNB_TEST_PAUSE_ACTION", action)
    monkeypatch.setattr("etl.workers.GRACE", 1.0)
    src = tmp_path / "in"
    reps = _reports(4)
    _write(src, reps[:3])
    _write(src, reps[3:], prefix="bad")
    s = warehouse.ingest([src], tmp_path / "w.duckdb", workers=2, progress=False)
    assert s.loaded == 3
    assert [(Path(p).name, reason in r) for p, r in s.failed] == [("bad0.txt", True)], s.failed


# ----------------------------------------------------------------------------- 2. FIFOs and devices
def test_fifo_and_device_links_fail_without_reading(tmp_path):
    src = tmp_path / "in"
    _write(src, _reports(1))
    os.mkfifo(src / "pipe.txt")
    os.symlink("/dev/zero", src / "zero.html")
    os.symlink("/dev/urandom", src / "random.pdf")
    s = warehouse.ingest([src], tmp_path / "w.duckdb", workers=1, progress=False)
    assert s.loaded == 1
    assert sorted(Path(p).name for p, _ in s.failed) == ["pipe.txt", "random.pdf", "zero.html"]
    assert all("不是普通文件" in r for _, r in s.failed)


def test_hashing_is_bounded_like_parsing(tmp_path, monkeypatch):
    from etl import readers
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2048)
    assert readers.hash_regular(big, max_bytes=1024) is None
    with pytest.raises(ReportError, match="文件过大"):
        readers.read_regular(big, max_bytes=1024)
    assert readers.hash_regular(big, max_bytes=4096)


# ----------------------------------------------------------------------------- 3. attribute floods, 11. one huge attribute
def _page_with(tag_html: str) -> bytes:
    base = render.render(_reports(1)[0], "html").decode("utf-8")
    return base.replace("<body>", "<body>" + tag_html, 1).encode("utf-8")


@pytest.mark.parametrize("tag", [
    "<div " + " ".join(f'a{i}="x"' for i in range(300_000)) + ">x</div>",   # 300k attributes on one element
    '<div data-x="' + "A" * (15 * 2**20) + '">x</div>',                      # one 15 MB attribute
])
def test_hostile_tags_are_cut_and_the_report_still_parses(tag):
    from etl.extract import parse_bytes
    from etl.readers.html import MAX_TAG_CHARS, cap_tags
    data = _page_with(tag)
    capped, n = cap_tags(data.decode("utf-8"))
    assert n == 1 and len(capped) < len(data) - len(tag) + MAX_TAG_CHARS
    rep = parse_bytes(data, "page.html")       # a report, not "no text"
    plain = parse_bytes(_page_with(""), "page.html")
    assert rep.cells == plain.cells and any("over-long HTML tag" in w for w in rep.warnings)


def test_cut_tags_keep_their_spans():
    from etl.readers.html import cap_tags
    tag = '<td rowspan="2" ' + 'x="1" ' * 2000 + 'colspan="3">'
    assert cap_tags(tag)[0] == '<td rowspan="2" colspan="3">'


def test_encrypted_pdf_says_encrypted():
    pdfencrypt = pytest.importorskip("reportlab.lib.pdfencrypt")
    from reportlab.pdfgen import canvas

    from etl.readers.pdf import read_pdf
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="o", strength=128))
    c.drawString(100, 700, "2023")
    c.save()
    with pytest.raises(ReportError) as e:
        read_pdf(buf.getvalue(), "locked.pdf")
    assert e.value.code == "encrypted" and "加密" in e.value.reason


# ----------------------------------------------------------------------------- 4. uploads
def test_upload_is_parsed_in_a_worker_and_rejected_files_are_not_kept(tmp_path, monkeypatch):
    from app.uploads import parse_upload
    folder = tmp_path / "uploads"
    good = render.render(_reports(1)[0], "txt")
    item = parse_upload(good, "report.txt", folder)
    assert item["report"].year and Path(item["path"]).exists() and item["rows"]
    bomb = parse_upload(pdf_with_contents(b"q Q\n" * 262_144, 3000), "bomb.pdf", folder)
    assert "解压后过大" in bomb["error"]
    # a parse that never returns is killed by the server's side, not waited for
    monkeypatch.setenv("GKNB_PARSE_TIMEOUT", "1")
    monkeypatch.setenv("GKNB_TEST_PAUSE_AT", "parse")
    monkeypatch.setenv("GKNB_TEST_PAUSE_ACTION", "hang")
    monkeypatch.setenv("GKNB_TEST_PAUSE_SECONDS", "600")
    monkeypatch.setattr("etl.workers.GRACE", 1.0)
    stuck = parse_upload(render.render(_reports(2)[1], "txt"), "stuck.txt", folder)
    assert "解析进程已终止" in stuck["error"]
    assert [p.name for p in folder.iterdir()] == [Path(item["path"]).name]


# ----------------------------------------------------------------------------- 5. verify against tampering
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two consecutive years of one agency (cross-year checks), one report replaced by a
    corrected file in a second batch (a superseded version), one more agency."""
    root = tmp_path_factory.mktemp("verify")
    reps = _reports(2, seed=33)
    second = dict(reps[0], year=reps[0]["year"] - 1, cells=dict(reps[0]["cells"]))
    second["cells"]["t3.granted.total"] += 1          # as printed: an identity fails (I1)
    _write(root / "a", [reps[0], second, reps[1]])
    db = root / "w.duckdb"
    assert warehouse.ingest([root / "a"], db, workers=1, progress=False).loaded == 3
    fixed = dict(reps[1], cells=dict(reps[1]["cells"]))
    key = next(k for k, v in fixed["cells"].items() if k.startswith("t2.") and isinstance(v, int))
    fixed["cells"][key] += 1
    _write(root / "b", [fixed], prefix="fixed")
    assert warehouse.ingest([root / "b"], db, workers=1, progress=False).replaced == 1
    assert verify(db)[1] == []
    return db


TAMPER = {
    "metrics table scaled": ("update mart_report_metrics set new_received = new_received * 10", "mart differs"),
    "year edited": ("update dim_report set year = year + 5 where report_id = (select min(report_id) from dim_report "
                    "where is_current)", "年度 year 不符"),
    "agency edited": ("update dim_report set agency_name = '某某局' where report_id = (select min(report_id) "
                      "from dim_report where is_current)", "机构 agency 不符"),
    "uncertain flipped": ("update fact_cell set uncertain = not uncertain where (report_id, cell_key) = "
                          "(select (report_id, cell_key) from fact_cell order by all limit 1)", "不确定标记不同"),
    "checks set to pass": ("update fact_check set status = 'pass' where status <> 'pass'", "校验 check"),
    "cross checks set to pass": ("update fact_cross_check set status = 'pass'", "cross-year checks differ"),
    "report deleted": ("delete from dim_report where report_id = (select min(report_id) from dim_report "
                       "where is_current)", "报告被删除"),
    "current/superseded swap": ("update dim_report set is_current = not is_current, superseded_by = case when "
                                "superseded_by is null then (select min(report_id) from dim_report where "
                                "superseded_by is not null) else null end where (agency_id, year) in "
                                "(select (agency_id, year) from dim_report where not is_current)", "调换"),
    "two current": ("update dim_report set is_current = true", "当前版本数不是 1"),
    "cell value": ("update fact_cell set value = value + 1 where (report_id, cell_key) = (select (report_id, cell_key) "
                   "from fact_cell where value is not null order by all limit 1)", "值不同"),
}


@pytest.mark.parametrize("what", sorted(TAMPER))
def test_verify_catches_each_tampering(built, tmp_path, what):
    sql, expect = TAMPER[what]
    if what == "checks set to pass":
        con = duckdb.connect(str(built), read_only=True)
        n = con.execute("select count(*) from fact_check where status <> 'pass'").fetchall()[0][0]
        con.close()
        assert n, "the fixture needs a check that does not pass"
    db = tmp_path / "t.duckdb"
    shutil.copyfile(built, db)
    con = duckdb.connect(str(db))
    con.execute(sql)
    con.close()
    diffs = verify(db)[1]
    assert any(expect in d for d in diffs), diffs


def test_verify_reports_a_missing_source_of_a_superseded_version(built, tmp_path):
    db = tmp_path / "t.duckdb"
    shutil.copyfile(built, db)
    con = duckdb.connect(str(db))
    con.execute("update dim_report set source_path = source_path || '.gone' where not is_current")
    con.close()
    assert any("源文件不存在" in d for d in verify(db)[1])


# ----------------------------------------------------------------------------- 6. conflicting files in one batch
def test_conflicting_files_are_both_kept_and_reported(tmp_path, capsys):
    rep = _reports(1, seed=44)[0]
    other = dict(rep, cells=dict(rep["cells"]))
    key = next(k for k, v in other["cells"].items() if k.startswith("t2.") and isinstance(v, int))
    other["cells"][key] += 3
    src = tmp_path / "in"
    a = _write(src, [rep], prefix="b_first")[0]
    b = _write(src, [other], fmt="html", prefix="a_second")[0]    # alphabetically first, larger file
    db = tmp_path / "w.duckdb"
    assert cli.cli_ingest(argparse.Namespace(paths=[src], db=db, workers=1, quiet=True)) == 0
    out = capsys.readouterr().out
    assert "版本冲突 CONFLICT" in out and a.name in out and b.name in out
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*), count(*) filter (where is_current) from dim_report").fetchall() == [(2, 1)]
        (chosen, rule), = con.execute("select chosen_path, rule from report_conflict").fetchall()
        from app import queries
        q = queries.q_conflicts(con, queries.Filters(include_synthetic=True))
    finally:
        con.close()
    assert chosen == str(b) and "源文件更大" in rule           # the documented rule, not the path
    assert len(q) == 1 and q.loc[0, "n_cells_differ"] == 1


# ----------------------------------------------------------------------------- 7. synthetic reports
@pytest.mark.parametrize("fmt", ["txt", "html", "md", "flat", "docx", "pdf"])
def test_rendered_reports_load_as_synthetic(tmp_path, fmt):
    if fmt == "docx":
        pytest.importorskip("docx")
    if fmt == "pdf":
        pytest.importorskip("reportlab")
    from etl.extract import parse_bytes
    rep = _reports(1, seed=55)[0]
    data = render.render(rep, fmt)
    parsed = parse_bytes(data, f"r.{'txt' if fmt == 'flat' else fmt}")
    assert parsed.synthetic
    from app import queries
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([parsed], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert queries.q_report_list(con, queries.Filters()).empty          # not mixed in by default
        assert len(queries.q_report_list(con, queries.Filters(include_synthetic=True))) == 1
    finally:
        con.close()


def test_a_real_looking_name_is_not_synthetic():
    from etl.report import looks_synthetic
    assert not looks_synthetic("淮安市洪泽区人民政府", "本机关2023年度政府信息公开工作")
    assert looks_synthetic("示例东省示例甲市教育局")


# ----------------------------------------------------------------------------- 10. escaped names on the terminal
def test_verify_and_checks_escape_names(tmp_path, capsys):
    src = tmp_path / "in"
    f = _write(src, _reports(1, seed=66))[0]
    nasty = src / "x\x1b[31mred\nFAKE.txt"
    f.rename(nasty)
    db = tmp_path / "w.duckdb"
    assert warehouse.ingest([src], db, workers=1, progress=False).loaded == 1
    nasty.unlink()
    assert cli.cli_verify(argparse.Namespace(db=db)) == 1
    con = duckdb.connect(str(db))
    con.execute("update dim_report set agency_name = agency_name || chr(27) || '[2J' || chr(10) || 'x'")
    con.execute("update fact_check set status = 'fail' where check_id = (select min(check_id) from fact_check)")
    con.close()
    assert cli.cli_checks(argparse.Namespace(db=db, all=False, agency=None)) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "\\x1b" in out
    assert all(line.count("\t") >= 2 or not line or ":" in line or "(" in line for line in out.splitlines())


# ----------------------------------------------------------------------------- 12, 13. tests that cannot be silent
def test_missing_corpus_fails_under_ci(tmp_path):
    env = {**os.environ, "CI": "true", "GKNB_SHARED": str(tmp_path / "nowhere"), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "pytest", "tests/test_corpus_gold.py", "-q", "-p", "no:cacheprovider"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "corpus" in out.stdout


def test_no_absolute_corpus_paths_in_tests_or_benchmarks():
    machine, hand_made = "/wo" + "rk/", '"shared" / ' + '"corpus"'
    for folder in ("tests", "benchmarks"):
        for p in (ROOT / folder).glob("*.py"):
            text = p.read_text(encoding="utf-8")
            assert machine not in text and (hand_made not in text or p.name == "paths.py"), p


def test_ci_run_fails_when_pytest_collects_nothing(tmp_path):
    """.ci/run on a copy whose README test command collects no test: exit non-zero."""
    copy = tmp_path / "repo"
    (copy / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", copy / ".ci" / "run")
    (copy / "README.md").write_text("<!-- test-command -->\n```\npython -m pytest -q empty_dir\n```\n")
    (copy / "empty_dir").mkdir()
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in ("chromium", "fc-list"):        # pretend the browser is there: no apt-get in a test
        (bin_ / tool).write_text("#!/bin/sh\necho 'Noto Sans CJK SC'\n")
        (bin_ / tool).chmod(0o755)
    (bin_ / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": f"{bin_}:{os.environ['PATH']}"}
    out = subprocess.run(["bash", ".ci/run"], cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode != 0 and "no tests were collected" in out.stderr


# ----------------------------------------------------------------------------- 14. mutations the suite missed
def test_csv_export_starts_with_a_bom_and_round_trips():
    from app import ui
    df = pd.DataFrame({"机构": ["沭阳县人民政府"], "年度": [2023], "数值": [1.5]})
    data = ui.csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(io.BytesIO(data), encoding="utf-8-sig").equals(df)


def test_writer_lock_excludes_another_process(tmp_path):
    """A second process cannot take the lock while this one holds it, and can once it is free."""
    db = tmp_path / "w.duckdb"
    probe = ("import sys; from pathlib import Path; from etl import warehouse\n"
             "try:\n with warehouse.writer_lock(Path(sys.argv[1]), timeout=0.2): print('got')\n"
             "except warehouse.WarehouseBusy: print('busy')")
    run = lambda: subprocess.run([sys.executable, "-c", probe, str(db)], cwd=ROOT, capture_output=True, text=True,  # noqa: E731
                                 env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60).stdout.strip()
    with warehouse.writer_lock(db):
        assert run() == "busy"
    assert run() == "got"


def test_publish_replaces_the_file_and_readers_keep_the_old_one(tmp_path):
    """Without mocks: the live file is never written in place (a new inode after a publish),
    and a reader that opened the old file still reads the old, complete data."""
    src = tmp_path / "in"
    _write(src, _reports(3, seed=77)[:1])
    db = tmp_path / "w.duckdb"
    warehouse.ingest([src], db, workers=1, progress=False)
    inode = db.stat().st_ino
    old = open(db, "rb")          # noqa: SIM115 - held across the publish on purpose
    try:
        before = old.read()
        _write(tmp_path / "more", _reports(3, seed=77)[1:], prefix="m")
        assert warehouse.ingest([tmp_path / "more"], db, workers=1, progress=False).loaded == 2
        assert db.stat().st_ino != inode
        old.seek(0)
        assert old.read() == before
    finally:
        old.close()


def test_a_run_of_only_failures_still_records_them(tmp_path):
    """(a survivor of the publish's mutation run) failures alone are published to load_log."""
    src = tmp_path / "in"
    _write(src, _reports(1, seed=88))
    db = tmp_path / "w.duckdb"
    warehouse.ingest([src], db, workers=1, progress=False)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "not_a_report.txt").write_text("这不是年报", encoding="utf-8")
    s = warehouse.ingest([bad], db, workers=1, progress=False)
    assert len(s.failed) == 1
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from load_log where status = 'failed'").fetchall() == [(1,)]
    finally:
        con.close()
