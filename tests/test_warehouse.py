"""Warehouse loading: idempotence, history, failures, crash safety, locking, readers, cross-year checks."""
from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from etl import cli, checks, warehouse
from etl.report import ParsedReport
from etl.rows import n_cell_rows
from paths import CORPUS

GOLD = CORPUS / "gold"
ROOT = Path(__file__).resolve().parent.parent


def _consistent_cells() -> dict:
    from tests.test_checks import consistent_cells
    return consistent_cells("2021", False)


def make_report(agency: str = "沭阳县人民政府", year: int = 2023, tag: str = "a", cells: dict | None = None,
                template: str = "2021") -> ParsedReport:
    cells = dict(cells if cells is not None else _consistent_cells())
    body = json.dumps([agency, year, tag, sorted(cells.items())], ensure_ascii=False).encode()
    return ParsedReport(agency=agency, year=year, template=template, cells=cells,
                        uncertain={"t3.granted.natural_person": "test flag"} if "t3.granted.natural_person" in cells else {},
                        source={"path": f"/reports/{agency}{year}{tag}.txt", "name": f"{agency}{year}{tag}.txt",
                                "sha256": hashlib.sha256(body).hexdigest(), "format": "txt", "bytes": len(body)},
                        synthetic=True)


def gold_reports() -> list[ParsedReport]:
    reps = []
    for f in sorted(GOLD.glob("*.json")):
        d = json.loads(f.read_text())
        d["other_as_single_row"] = "t3.other_total.total" in d["cells"]
        d["source"] = {"path": str(f), "name": f.name, "sha256": hashlib.sha256(f.read_bytes()).hexdigest(),
                       "format": "json", "bytes": f.stat().st_size}
        reps.append(ParsedReport.from_json(d))
    return reps


def sample_reports() -> list[ParsedReport]:
    return gold_reports() if GOLD.exists() else [make_report(year=y) for y in (2021, 2022, 2023)]


def counts(db: Path) -> dict[str, int]:
    con = warehouse.connect_readonly(db)
    try:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
                for t in ("dim_agency", "dim_report", "fact_cell", "fact_check", "fact_cross_check", "load_log")}
    finally:
        con.close()


def cell_checksum(db: Path) -> str:
    con = warehouse.connect_readonly(db)
    try:
        rows = con.execute("""select report_id, cell_key, value, value_raw, semantic, uncertain
                              from fact_cell order by report_id, cell_key""").fetchall()
    finally:
        con.close()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def file_sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_load_and_idempotence(tmp_path):
    db = tmp_path / "w.duckdb"
    reps = sample_reports()
    s1 = warehouse.load_reports(reps, db)
    assert (s1.loaded, s1.replaced, s1.unchanged, s1.failed, s1.reconciled) == (len(reps), 0, 0, [], True)
    c1, h1, f1 = counts(db), cell_checksum(db), file_sha(db)
    assert c1["fact_cell"] == sum(n_cell_rows(r) for r in reps)
    s2 = warehouse.load_reports(sample_reports(), db)
    assert (s2.loaded, s2.replaced, s2.unchanged) == (0, 0, len(reps))
    assert counts(db) == c1 and cell_checksum(db) == h1
    assert file_sha(db) == f1          # nothing written at all
    assert "unchanged" in str(s2) and "未变" in str(s2)


def test_same_file_twice_in_one_batch(tmp_path):
    db = tmp_path / "w.duckdb"
    r = make_report()
    s = warehouse.load_reports([r, copy.deepcopy(r)], db)
    assert (s.loaded, s.unchanged) == (1, 1)
    assert counts(db)["dim_report"] == 1


def test_replacement_keeps_history(tmp_path):
    db = tmp_path / "w.duckdb"
    old = make_report(tag="old")
    warehouse.load_reports([old], db)
    cells = dict(old.cells)
    cells["t2.admin_licensing.decision_count"] = 999
    new = make_report(tag="new", cells=cells)
    s = warehouse.load_reports([new], db)
    assert (s.loaded, s.replaced) == (0, 1)
    old_id, new_id = warehouse.report_id_of(old), warehouse.report_id_of(new)
    con = warehouse.connect_readonly(db)
    try:
        rows = dict((r[0], r[1:]) for r in con.execute(
            "select report_id, is_current, superseded_by from dim_report").fetchall())
        assert rows == {old_id: (False, new_id), new_id: (True, None)}
        assert con.execute("select report_id from v_report").fetchall() == [(new_id,)]
        assert con.execute("select count(distinct report_id) from fact_cell").fetchall()[0][0] == 2
        assert con.execute("select value from v_cell where cell_key = 't2.admin_licensing.decision_count'"
                           ).fetchall() == [(999.0,)]
        log = con.execute("select status, report_id, reason from load_log order by \"at\", status").fetchall()
        assert ("replaced", new_id, f"replaces {old_id}") in log
    finally:
        con.close()
    # the old file again: unchanged, stays history
    s = warehouse.load_reports([make_report(tag="old")], db)
    assert s.unchanged == 1
    con = warehouse.connect_readonly(db)
    try:
        assert con.execute("select report_id from v_report").fetchall() == [(new_id,)]
    finally:
        con.close()


def test_two_versions_in_one_batch_follow_the_preference_not_the_path(tmp_path):
    """Which of two files for one agency-year is current depends on their contents
    (warehouse.preference), not on their names or the order they arrive in."""
    worse_cells = {**_consistent_cells(), "t2.admin_penalty.decision_count": 7}
    outcomes = set()
    for i, (tag_a, tag_b) in enumerate((("a", "b"), ("b", "a"))):
        for order in (0, 1):
            good, worse = make_report(tag=tag_a), make_report(tag=tag_b, cells=worse_cells)
            worse.uncertain = {**worse.uncertain, "t2.admin_penalty.decision_count": "test flag"}
            db = tmp_path / f"w{i}{order}.duckdb"
            s = warehouse.load_reports([good, worse] if order else [worse, good], db)
            assert s.loaded + s.replaced == 2 and len(s.conflicts) == 1
            con = warehouse.connect_readonly(db)
            try:
                cur = con.execute("select report_id from v_report").fetchall()
                assert cur == [(warehouse.report_id_of(good),)]
                assert con.execute("select count(*) from dim_report where not is_current").fetchall() == [(1,)]
            finally:
                con.close()
            outcomes.add(cur[0][0])
    assert len(outcomes) == 2      # one per content pair; the tags differ, so the ids do


def test_malformed_report_is_a_failure_not_a_crash(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([make_report(year=2021)], db)
    before = cell_checksum(db)
    bad = make_report(year=2022, cells={"t3.bogus": 1})
    worse = make_report(year=2020, cells={"t3.granted.total": "七"})
    s = warehouse.load_reports([bad, worse, make_report(year=2023)], db)
    assert s.loaded == 1 and len(s.failed) == 2
    assert any("invalid cell key" in r for _, r in s.failed)
    con = warehouse.connect_readonly(db)
    try:
        assert con.execute("select count(*) from load_log where status = 'failed'").fetchall()[0][0] == 2
        old = con.execute("select count(*) from fact_cell where report_id = ?",
                          [warehouse.report_id_of(make_report(year=2021))]).fetchall()[0][0]
        assert old == len(_consistent_cells())
    finally:
        con.close()
    assert before != cell_checksum(db)   # the good one was added


def _stub_parse(path: Path) -> ParsedReport:
    from etl.document import ReportError
    name = Path(path).name
    if name.startswith("bad"):
        raise ReportError("不是年报 not a report", "not_a_report")
    if name.startswith("crash"):
        raise ZeroDivisionError("parser bug")
    year = int(name[:4])
    r = make_report(year=year, tag=name)
    r.source["path"] = str(path)
    return r


def test_ingest_failures_do_not_stop_the_batch(tmp_path, monkeypatch, capsys):
    import etl.extract
    monkeypatch.setattr(etl.extract, "parse_file", _stub_parse)
    db = tmp_path / "w.duckdb"
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "2021.txt").write_text("x")
    warehouse.ingest([src], db, workers=1, progress=False, in_process=True)
    before = cell_checksum(db)
    for n in ("bad.txt", "crash.txt", "sub/2022.txt", ".hidden2023.txt"):
        (src / n).write_text("x")
    s = warehouse.ingest([src], db, workers=1, progress=False, in_process=True)
    assert (s.loaded, s.unchanged) == (1, 1)
    reasons = dict((Path(p).name, r) for p, r in s.failed)
    assert reasons == {"bad.txt": "不是年报 not a report", "crash.txt": "ZeroDivisionError: parser bug"}
    con = warehouse.connect_readonly(db)
    try:
        years = [r[0] for r in con.execute("select year from v_report order by year").fetchall()]
        assert years == [2021, 2022]          # hidden file skipped
        rid21 = warehouse.report_id_of(_stub_parse(src / "2021.txt"))
        old = con.execute("""select report_id, cell_key, value, value_raw, semantic, uncertain from fact_cell
                             where report_id = ? order by report_id, cell_key""", [rid21]).fetchall()
    finally:
        con.close()
    assert hashlib.sha256(repr(old).encode()).hexdigest() == before
    # the CLI exits 1 when a file failed, and prints the summary
    import argparse
    (src / "2024.txt").write_text("x")
    rc = cli.cli_ingest(argparse.Namespace(paths=[src], db=db, workers=1, quiet=True, in_process=True))
    out = capsys.readouterr().out
    assert rc == 1 and "失败 FAILED" in out and "bad.txt" in out


def test_crash_before_publish_leaves_live_file_identical(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([make_report(year=2021)], db)
    before = file_sha(db)

    def boom():
        raise KeyboardInterrupt("simulated crash")
    monkeypatch.setattr(warehouse, "_before_replace_hook", boom)
    with pytest.raises(KeyboardInterrupt):
        warehouse.load_reports([make_report(year=2022)], db)
    assert file_sha(db) == before
    # the link, the live twin and its delta, the lock: no temp file, no half-written standby
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w.duckdb.a", "w.duckdb.delta", "w.duckdb.lock"]


def test_crash_mid_load_leaves_live_file_identical(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([make_report(year=2021)], db)
    before = file_sha(db)
    real = warehouse.recompute_cross_checks

    def half(con, *args):
        real(con, *args)
        raise RuntimeError("disk full (simulated)")
    monkeypatch.setattr(warehouse, "recompute_cross_checks", half)
    with pytest.raises(RuntimeError):
        warehouse.load_reports([make_report(year=2022)], db)
    assert file_sha(db) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_reconciliation_failure_aborts(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([make_report(year=2021)], db)
    before = file_sha(db)
    real = warehouse.cell_rows
    monkeypatch.setattr(warehouse, "cell_rows", lambda rep, rid: real(rep, rid)[:-1])
    with pytest.raises(warehouse.ReconciliationError):
        warehouse.load_reports([make_report(year=2022)], db)
    assert file_sha(db) == before


def test_second_ingest_gets_the_lock_message(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer_lock(db):
        t = time.perf_counter()
        with pytest.raises(warehouse.WarehouseBusy, match="另一个导入正在进行"):
            warehouse.load_reports([make_report()], db, lock_timeout=0.3)
        assert 0.25 < time.perf_counter() - t < 3
    assert not db.exists()


def test_second_ingest_waits_for_the_first(tmp_path):
    db = tmp_path / "w.duckdb"
    released = threading.Event()

    def hold():
        with warehouse.writer_lock(db):
            time.sleep(0.5)
        released.set()
    th = threading.Thread(target=hold)
    th.start()
    time.sleep(0.1)
    s = warehouse.load_reports([make_report()], db, lock_timeout=10)
    th.join()
    assert released.is_set() and s.loaded == 1


def test_lock_across_processes(tmp_path):
    db = tmp_path / "w.duckdb"
    code = (f"import time; from pathlib import Path; from etl import warehouse\n"
            f"with warehouse.writer_lock(Path({str(db)!r})):\n    print('locked', flush=True); time.sleep(3)\n")
    p = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "locked"
        with pytest.raises(warehouse.WarehouseBusy, match="另一个导入正在进行"):
            warehouse.load_reports([make_report()], db, lock_timeout=0.2)
    finally:
        p.kill()
        p.wait()


def test_reader_survives_publish_and_new_reader_sees_new_data(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([make_report(year=2021)], db)
    ro = warehouse.connect_readonly(db)
    assert ro.execute("select count(*) from v_report").fetchall()[0][0] == 1
    warehouse.load_reports([make_report(year=2022)], db)          # publishes while ro is open
    assert ro.execute("select count(*) from v_report").fetchall()[0][0] == 1   # old snapshot, still works
    # another process opening now sees the new data
    out = subprocess.run([sys.executable, "-c",
                          f"from etl import warehouse; from pathlib import Path; "
                          f"print(warehouse.connect_readonly(Path({str(db)!r})).execute('select count(*) from v_report').fetchall()[0][0])"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    assert out == "2"
    ro.close()
    ro = warehouse.connect_readonly(db)
    assert ro.execute("select count(*) from v_report").fetchall()[0][0] == 2
    ro.close()


def test_cross_year_sql_matches_python(tmp_path):
    db = tmp_path / "w.duckdb"
    c21, c22, c23 = _consistent_cells(), _consistent_cells(), _consistent_cells()
    c22["t3.carried_over_from_prior.natural_person"] = 9
    c22["t2.regulations.in_force_count"] = 50
    c21["t2.regulations.in_force_count"] = 40
    del c23["t3.carried_over_from_prior.other_org"]
    reps = {2021: make_report(year=2021, cells=c21), 2022: make_report(year=2022, cells=c22),
            2023: make_report(year=2023, cells=c23), 2020: make_report(year=2020, template="2019",
                                                                        cells=_consistent_cells())}
    warehouse.load_reports(list(reps.values()), db)
    expected = set()
    for y in (2021, 2022, 2023):
        for c in checks.run_cross_year(reps[y - 1].cells, reps[y].cells, prev_year=y - 1, cur_year=y,
                                       prev_template=reps[y - 1].template, cur_template=reps[y].template):
            expected.add((y, c["check_id"], c["status"], c["lhs"], c["rhs"], c["delta"], c["scope"]))
    con = warehouse.connect_readonly(db)
    try:
        got = set(con.execute("select year, check_id, status, lhs, rhs, delta, scope from fact_cross_check").fetchall())
    finally:
        con.close()
    assert got == expected
    statuses = {(y, cid): st for y, cid, st, *_ in got}
    assert statuses[(2022, "I6.natural_person")] == "fail"
    assert statuses[(2022, "I8.regulations")] == "warn"
    assert (2021, "I8.regulations") not in statuses          # never across 2020 → 2021
    assert statuses[(2023, "I6.other_org")] == "not_assessable"


def test_checks_stored_and_cli(tmp_path, capsys):
    import argparse
    db = tmp_path / "w.duckdb"
    cells = _consistent_cells()
    cells["t4.litigation_direct.total"] += 2
    warehouse.load_reports([make_report(cells=cells)], db)
    rc = cli.cli_checks(argparse.Namespace(db=db, all=False, agency="沭阳"))
    out = capsys.readouterr().out
    assert rc == 0 and "I4.t4.litigation_direct" in out and "沭阳县人民政府" in out
    con = warehouse.connect_readonly(db)
    try:
        assert con.execute("select n_checks_failed from dim_report").fetchall() == [(1,)]
    finally:
        con.close()


def test_verify_reparses_sources(tmp_path, monkeypatch, capsys):
    import argparse

    import etl.extract
    monkeypatch.setattr(etl.extract, "parse_file", _stub_parse)
    src = tmp_path / "in"
    src.mkdir()
    (src / "2021.txt").write_text("x")
    db = tmp_path / "w.duckdb"
    warehouse.ingest([src], db, workers=1, progress=False, in_process=True)
    assert cli.cli_verify(argparse.Namespace(db=db, in_process=True)) == 0

    def changed(path):
        r = _stub_parse(path)
        r.cells["t3.granted.total"] = 12345
        return r
    monkeypatch.setattr(etl.extract, "parse_file", changed)
    assert cli.cli_verify(argparse.Namespace(db=db, in_process=True)) == 1
    assert "t3.granted.total" in capsys.readouterr().out


@pytest.mark.skipif(not GOLD.exists(), reason="shared corpus not present")
def test_parallel_ingest_with_the_real_parser(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for f in GOLD.glob("*.json"):
        (src / f.name).write_bytes(f.read_bytes())
    (src / "junk.txt").write_text("这不是年报")
    db = tmp_path / "w.duckdb"
    s = warehouse.ingest([src], db, workers=2, progress=False)
    assert s.loaded == len(list(GOLD.glob("*.json"))) and [Path(p).name for p, _ in s.failed] == ["junk.txt"]
    con = warehouse.connect_readonly(db)
    try:
        fails = con.execute("""select agency_name, check_id from v_check where status = 'fail'
                               order by agency_name, check_id""").fetchall()
    finally:
        con.close()
    assert ("上海市科学技术委员会", "I1.t3.total") in fails


def test_an_append_past_the_delta_limit_gives_the_delta_up_at_once(tmp_path):
    """The journal's limit is checked as rows arrive: rows past it are never held for a delta
    that will not be replayed (a full rebuild's millions of cells)."""
    from etl import twins
    journal = twins.Journal(tmp_path / "d.delta.tmp", limit=4096)
    rec = twins.Recorder(duckdb.connect(str(tmp_path / "w.duckdb")), journal)
    rec.execute("create table t (a integer, b varchar)")
    with rec.appender("t") as ap:
        ap.append_rows([(i, "x" * 20) for i in range(10)])
        assert journal.replayable and ap.buffered() > 0
        ap.append_rows([(i, "x" * 20) for i in range(1000)])
        assert not journal.replayable and ap.buffered() == 0
        ap.append_rows([(i, "y") for i in range(10)])
        assert ap.buffered() == 0
    assert rec.execute("select count(*) from t").fetchall()[0][0] == 1020
    rec.close()
    # rows under the limit reach the delta in order, several appends of one appender included
    small = twins.Journal(tmp_path / "e.delta.tmp", limit=1 << 20)
    rec2 = twins.Recorder(duckdb.connect(str(tmp_path / "v.duckdb")), small)
    rec2.execute("create table t (a integer, b varchar)")
    with rec2.appender("t") as ap:
        ap.append_rows([(1, "a")])
        ap.append_rows([(2, "b")])
    rec2.close()
    small.close({}, tmp_path / "e.delta")
    replayed = duckdb.connect(str(tmp_path / "r.duckdb"))
    end = int.from_bytes((tmp_path / "e.delta").read_bytes()[-8:], "little")
    twins.replay(replayed, tmp_path / "e.delta", end)
    assert replayed.execute("select a, b from t order by a").fetchall() == [(1, "a"), (2, "b")]
