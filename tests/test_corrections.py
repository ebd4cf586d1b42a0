"""复核: corrections of real corpus reports, kept as data and applied at every publish.

A real report with flagged cells (corpus 005: crawler-damaged flat text, failing table-三
identities) is ingested into a temporary warehouse; corrections are made through
:func:`etl.review.submit` (the warehouse's one writer).  Properties, not fixed numbers:
the published figure equals the corrected value, the checks equal :mod:`etl.checks` re-run on
the overlaid cells, the parsed rows never change, re-ingest keeps a correction, a replaced
file reopens it, and of two reviewers correcting one cell, one wins and the other is told.
"""
from __future__ import annotations

import random
import shutil
import subprocess
import sys
import threading
import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from app import queries as q
from etl import accounts, corrections, review
from etl import warehouse as wh
from etl.metrics import PIVOT_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
FLAGGED = "005.txt"      # corpus report with uncertain cells and failing identities
OTHER = "014.md"


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("wh") / "w.duckdb"
    s = wh.ingest([corpus / "raw" / FLAGGED], db, in_process=True, progress=False)
    assert s.ok and s.loaded == 1
    return db


@pytest.fixture()
def db(built, tmp_path) -> Path:
    out = tmp_path / "w.duckdb"
    shutil.copy(built, out)
    return out


def ro(db: Path):
    return duckdb.connect(str(db), read_only=True)


def one(con, sql, params=()):
    return con.execute(sql, list(params)).fetchall()[0][0]


def failing_check_on_metric(con) -> tuple[str, str, float, float, float]:
    """(report, cell on the lhs of a failing identity that feeds a published metric, its value,
    lhs, rhs) — read from the warehouse, not written down."""
    pivot = {k for _c, k in PIVOT_COLUMNS}
    for rid, cid, lhs, rhs, single in con.execute("""
            select k.report_id, k.check_id, k.lhs, k.rhs, r.other_as_single_row from fact_check k
            join dim_report r using (report_id) where k.status = 'fail' and k.identity in ('I2', 'I3', 'I4')
            order by k.check_id desc""").fetchall():
        key = corrections.cells_of_check(cid, single)[0]        # the lhs: a total
        if key in pivot:
            value = one(con, "select value from fact_cell where report_id = ? and cell_key = ?", [rid, key])
            return rid, key, value, lhs, rhs
    pytest.skip("no failing identity on a published total in this report")


def test_a_correction_changes_the_published_figure_checks_and_queries(db):
    con = ro(db)
    rid, key, value, lhs, rhs = failing_check_on_metric(con)
    col = next(c for c, k in PIVOT_COLUMNS if k == key)
    parsed_cells = con.execute("select * from fact_cell order by report_id, cell_key").fetchall()
    parsed_checks = con.execute("select * from fact_check order by report_id, check_id").fetchall()
    queue_before = q.q_review_queue(con, q.Filters(include_synthetic=True))
    con.close()
    new = value + (rhs - lhs)             # the value that makes the failing identity hold
    need_reason = any(c["status"] == "fail" for c in corrections.preview(ro(db), rid, key, new))
    if need_reason:
        with pytest.raises(corrections.CorrectionInvalid, match="理由"):
            review.submit(db, report_id=rid, cell_key=key, new_value=new, reviewer="甲", seen_version=0,
                               seen_value=value)
    row = review.submit(db, report_id=rid, cell_key=key, new_value=new, reviewer="甲", seen_version=0,
                             seen_value=value, reason="按原件" if need_reason else "", evidence="原件第2页")
    assert row["version"] == 1 and row["status"] == "applied" and row["keeps_failure"] == need_reason
    con = ro(db)
    # the parsed rows stay as read
    assert con.execute("select * from fact_cell order by report_id, cell_key").fetchall() == parsed_cells
    assert con.execute("select * from fact_check order by report_id, check_id").fetchall() == parsed_checks
    # the published figure is the corrected one, marked 人工复核 with who and when
    assert one(con, f"select {col} from mart_report_metrics where report_id = ?", [rid]) == new
    cell = q.q_report_cells(con, rid).set_index("cell_key").loc[key]
    assert cell["value"] == new and cell["parsed_value"] == value and bool(cell["corrected"])
    assert cell["method"] == "review" and cell["corrected_by"] == "甲" and not cell["uncertain"]
    # the checks are etl.checks re-run on the overlaid cells
    head = con.execute("select template, other_as_single_row from dim_report where report_id = ?", [rid]).fetchall()[0]
    cells = dict(con.execute("select cell_key, value from fact_cell where report_id = ?", [rid]).fetchall())
    cells[key] = new
    want = sorted((c["check_id"], c["status"]) for c in corrections.report_checks(cells, *head))
    assert sorted(con.execute("select check_id, status from v_fact_check where report_id = ?", [rid]).fetchall()) == want
    n_fail = sum(s == "fail" for _c, s in want)
    assert one(con, "select n_checks_failed from v_report where report_id = ?", [rid]) == n_fail
    assert one(con, "select n_corrected from mart_report_metrics where report_id = ?", [rid]) == 1
    # the queue, the export and the corrections list follow
    queue = q.q_review_queue(con, q.Filters(include_synthetic=True))
    assert key in set(queue_before["item"]) or len(queue_before[queue_before["kind"] == "check"]) > 0
    assert key not in set(queue[queue["kind"] == "uncertain"]["item"])
    long = q.q_export_long(con, q.Filters(include_synthetic=True))
    assert long["corrected"].sum() == 1 and long.loc[long["corrected"], "cell_key"].item() == key
    corr = q.q_corrections(con, q.Filters(include_synthetic=True))
    assert corr["new_value"].tolist() == [new] and corr["status_zh"].tolist() == ["已生效"]
    audit = con.execute("select actor, action, target from audit_log").fetchall()
    assert audit == [("甲", "correct", f"{rid}.{key}")]
    # the review page shows the version and value a next write compares with (etl.corrections.cell_state)
    shown = q.q_cell_review(con, rid, key).iloc[0]
    assert (shown["value"], shown["version"]) == (new, 1) == (corrections.cell_state(con, rid, key).value,
                                                                corrections.cell_state(con, rid, key).version)


def test_the_review_page_reads_a_cell_through_cell_state(db, monkeypatch):
    """One definition of what a reviewer saw: q_cell_review asks etl.corrections.cell_state."""
    con = ro(db)
    rid, key = con.execute("select report_id, cell_key from v_fact_cell order by all limit 1").fetchall()[0]
    monkeypatch.setattr(corrections, "cell_state", lambda _c, r, k: corrections.CellState(r, k, 12.5, "12.5", 7))
    shown = q.q_cell_review(con, rid, key).iloc[0]
    assert (shown["value"], shown["version"], shown["cell_key"]) == (12.5, 7, key)
    monkeypatch.setattr(corrections, "cell_state", lambda *_a: None)
    assert q.q_cell_review(con, rid, key).empty


def test_reingest_of_the_same_file_and_other_publishes_keep_the_correction(db, corpus):
    con = ro(db)
    rid, key, value, _lhs, _rhs = failing_check_on_metric(con)
    con.close()
    review.submit(db, report_id=rid, cell_key=key, new_value=value + 1, reviewer="甲", seen_version=0,
                       seen_value=value, reason="按原件")
    s = wh.ingest([corpus / "raw" / FLAGGED], db, in_process=True, progress=False)
    assert s.unchanged == 1 and s.loaded == 0
    s = wh.ingest([corpus / "raw" / OTHER], db, in_process=True, progress=False)   # another publish
    assert s.loaded == 1
    con = ro(db)
    assert con.execute("select status from correction").fetchall() == [("applied",)]
    assert one(con, "select value from v_fact_cell where report_id = ? and cell_key = ?", [rid, key]) == value + 1


def test_a_replaced_file_reopens_its_corrections_as_to_recheck(db, corpus, tmp_path):
    con = ro(db)
    rid, key, value, _lhs, _rhs = failing_check_on_metric(con)
    col = next(c for c, k in PIVOT_COLUMNS if k == key)
    con.close()
    review.submit(db, report_id=rid, cell_key=key, new_value=value + 1, reviewer="甲", seen_version=0,
                       seen_value=value, reason="按原件")
    newer = tmp_path / "newer" / FLAGGED
    newer.parent.mkdir()
    newer.write_bytes((corpus / "raw" / FLAGGED).read_bytes() + b"\n\n")     # other bytes, same report
    s = wh.ingest([newer], db, in_process=True, progress=False)
    assert s.replaced == 1
    con = ro(db)
    new_rid = one(con, "select report_id from dim_report where is_current")
    assert new_rid != rid
    assert con.execute("select status, recheck_report_id from correction").fetchall() == [("to_recheck", new_rid)]
    # never carried over: the new file's figure is its own parsed value
    parsed = one(con, "select value from fact_cell where report_id = ? and cell_key = ?", [new_rid, key])
    assert one(con, f"select {col} from mart_report_metrics") == parsed
    assert one(con, "select count(*) from v_fact_cell where corrected") == 0
    queue = q.q_review_queue(con, q.Filters(include_synthetic=True))
    recheck = queue[queue["kind"] == "recheck"]
    assert recheck["item"].tolist() == [key] and recheck["report_id"].tolist() == [new_rid]
    assert ("system", "reopen") in con.execute("select actor, action from audit_log").fetchall()
    con.close()
    # settling it on the new file closes the old one
    review.submit(db, report_id=new_rid, cell_key=key, new_value=parsed, reviewer="乙", seen_version=0,
                       seen_value=parsed, reason="新文件与原件一致")
    con = ro(db)
    assert sorted(con.execute("select report_id, status from correction").fetchall()) == sorted(
        [(rid, "superseded"), (new_rid, "applied")])


def test_two_reviewers_at_once_one_wins_the_other_is_told(db):
    con = ro(db)
    rid, key, value, _lhs, _rhs = failing_check_on_metric(con)
    con.close()
    barrier = threading.Barrier(2)
    out: dict[str, object] = {}

    def attempt(who: str, v: float) -> None:
        barrier.wait()
        try:
            out[who] = review.submit(db, report_id=rid, cell_key=key, new_value=v, reviewer=who,
                                          seen_version=0, seen_value=value, reason="按原件")
        except corrections.CorrectionError as e:
            out[who] = e
    threads = [threading.Thread(target=attempt, args=(w, value + i + 1)) for i, w in enumerate(("甲", "乙"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [w for w, r in out.items() if isinstance(r, dict)]
    lost = [r for r in out.values() if isinstance(r, corrections.CorrectionConflict)]
    assert len(wins) == 1 and len(lost) == 1
    assert wins[0] in str(lost[0]) and "请刷新" in str(lost[0])
    con = ro(db)
    assert con.execute("select reviewer, status, version from correction").fetchall() == [(wins[0], "applied", 1)]
    assert one(con, "select value from v_fact_cell where report_id = ? and cell_key = ?", [rid, key]) == \
        out[wins[0]]["new_value"]


READER = """
import sys, duckdb, pathlib
db, stop = sys.argv[1], pathlib.Path(sys.argv[2])
n, bad = 0, []
while not stop.exists():
    try:
        c = duckdb.connect(db, read_only=True)
    except duckdb.Error:
        continue
    try:
        q = lambda sql: c.execute(sql).fetchall()[0][0]
        states = (q("select count(*) from correction where status = 'applied'"),
                  q("select count(*) from v_fact_cell where corrected"),
                  q("select coalesce(sum(n_corrected), 0) from mart_report_metrics"),
                  q("select coalesce(sum(n_corrected), 0) from report_reviewed"))
        n += 1
        if len(set(states)) != 1:
            bad.append(repr(states))
    finally:
        c.close()
print(n)
print("\\n".join(bad))
"""


def test_random_corrections_effective_view_is_the_overlay_and_never_half_applied(db):
    """Property over many random corrections: after each publish, v_fact_cell = fact_cell
    overlaid by the latest correction of each cell, the published checks are etl.checks on
    those cells, and a reader polling during the writes only ever sees consistent states."""
    rng = random.Random(12)
    con = ro(db)
    rid = one(con, "select report_id from dim_report where is_current")
    parsed = dict(con.execute("select cell_key, value from fact_cell where report_id = ?", [rid]).fetchall())
    head = con.execute("select template, other_as_single_row from dim_report where report_id = ?", [rid]).fetchall()[0]
    con.close()
    keys = sorted(parsed)
    truth: dict[str, float] = {}
    versions: dict[str, int] = {}
    # the reader is another process: DuckDB shares one instance per path inside a process
    stop = db.parent / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(8):
            key = rng.choice(keys[:12])             # a few cells: repeated corrections happen
            seen = truth.get(key, parsed[key])
            new = float(rng.randint(0, 500))
            review.submit(db, report_id=rid, cell_key=key, new_value=new, reviewer=rng.choice("甲乙丙"),
                               seen_version=versions.get(key, 0), seen_value=seen, reason="性质测试")
            truth[key] = new
            versions[key] = versions.get(key, 0) + 1
            con = ro(db)
            eff = dict(con.execute("select cell_key, value from v_fact_cell where report_id = ?", [rid]).fetchall())
            assert eff == {**parsed, **truth}
            want = sorted((c["check_id"], c["status"], c["lhs"], c["rhs"])
                          for c in corrections.report_checks(eff, *head))
            got = sorted(con.execute("select check_id, status, lhs, rhs from v_fact_check where report_id = ?",
                                     [rid]).fetchall())
            assert got == want
            assert one(con, "select count(*) from correction where status = 'applied'") == len(truth)
            con.close()
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=120)
    seen_states, bad = out.split("\n", 1)
    assert int(seen_states) > 0 and not bad.strip()


def test_account_cli_stores_a_hash_and_checks_passwords(tmp_path):
    path = tmp_path / "accounts.toml"
    r = subprocess.run([sys.executable, "-m", "etl", "account", "add", "张三", "--accounts", str(path)],
                       input="correct horse\n", text=True, capture_output=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "correct horse" not in path.read_text(encoding="utf-8")
    assert accounts.check("张三", "correct horse", path)
    assert not accounts.check("张三", "wrong", path)
    assert not accounts.check("李四", "correct horse", path)
    r = subprocess.run([sys.executable, "-m", "etl", "account", "add", "李四", "--accounts", str(path)],
                       input="short\n", text=True, capture_output=True, cwd=ROOT)
    assert r.returncode == 2 and not accounts.check("李四", "short", path)


def test_account_cli_can_generate_the_password(tmp_path):
    path = tmp_path / "accounts.toml"
    r = subprocess.run([sys.executable, "-m", "etl", "account", "add", "王五", "--generate", "--accounts", str(path)],
                       text=True, capture_output=True, cwd=ROOT, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    pw = r.stdout.strip().rsplit("：", 1)[1]
    assert accounts.check("王五", pw, path) and pw not in path.read_text(encoding="utf-8")


def test_failed_sign_ins_lock_the_name_for_a_while_and_every_attempt_is_logged(tmp_path):
    path = tmp_path / "accounts.toml"
    accounts.add("张三", "correct horse", path)
    t0 = datetime(2026, 1, 1, 9, 0)
    at = [t0 + timedelta(minutes=i) for i in range(accounts.MAX_FAILURES)]
    for t in at[:-1]:
        assert accounts.sign_in("张三", "wrong", path, now=t) == accounts.SignIn(False)
    last = accounts.sign_in("张三", "wrong", path, now=at[-1])
    assert not last.ok and last.wait_minutes == accounts.LOCK.seconds // 60
    locked = accounts.sign_in("张三", "correct horse", path, now=at[-1] + timedelta(minutes=1))
    assert not locked.ok and not locked.checked and locked.wait_minutes == accounts.LOCK.seconds // 60 - 1
    assert locked.message_zh() == f"登录失败次数过多，请 {locked.wait_minutes} 分钟后再试"
    assert accounts.sign_in("李四", "wrong", path, now=at[-1]).wait_minutes == 0       # per name
    later = at[-1] + accounts.LOCK + timedelta(seconds=1)          # attempts while locked did not extend it
    assert accounts.sign_in("张三", "correct horse", path, now=later).ok
    for i in range(accounts.MAX_FAILURES - 1):                     # a success starts the count again
        assert accounts.sign_in("张三", "wrong", path, now=later + timedelta(seconds=i + 1)).wait_minutes == 0
    log = [json.loads(x) for x in accounts.signin_log_path(path).read_text(encoding="utf-8").splitlines()]
    assert [e["event"] for e in log if e["name"] == "张三"] == (
        ["fail"] * accounts.MAX_FAILURES + ["locked", "ok"] + ["fail"] * (accounts.MAX_FAILURES - 1))
    assert "correct horse" not in accounts.signin_log_path(path).read_text(encoding="utf-8")


def test_a_session_trying_many_names_is_locked_out_too(tmp_path):
    path = tmp_path / "accounts.toml"
    accounts.add("张三", "correct horse", path)
    now = datetime(2026, 1, 1, 9, 0)
    fails = [now - timedelta(minutes=i) for i in range(accounts.MAX_FAILURES)]
    res = accounts.sign_in("张三", "correct horse", path, session_failures=fails, now=now)
    assert not res.ok and res.wait_minutes > 0
    assert accounts.sign_in("张三", "correct horse", path, session_failures=fails[:-1], now=now).ok
    assert accounts.wait_minutes(fails, now + accounts.LOCK) == 0


def test_the_page_region_of_every_printed_row_of_a_pdf_is_found(corpus, tmp_path):
    """复核 shows a PDF cell's row as printed (app/snippets.py): for each cell with a page, the
    line printing its row's texts is found and drawn (a PNG)."""
    from app import snippets
    pdf = corpus / "raw" / "001.pdf"
    db = tmp_path / "w.duckdb"
    assert wh.ingest([pdf], db, in_process=True, progress=False).loaded == 1
    con = ro(db)
    rid = one(con, "select report_id from dim_report")
    keys = [k for (k,) in con.execute("""select cell_key from fact_cell where report_id = ? and page is not null
                                         and coalesce(trim(value_raw), '') <> '' order by cell_key""", [rid]).fetchall()]
    assert keys
    found = 0
    for key in keys[::7]:
        row = q.q_cell_row(con, rid, key)
        printed = [k for k, r in zip(row["cell_key"], row["value_raw"]) if r and str(r).strip()]
        raws = [str(r) for r in row["value_raw"] if r and str(r).strip()]
        png = snippets.pdf_row_png(pdf, int(row["page"].iloc[0]), raws, printed.index(key),
                                   int(row["occurrence"].iloc[0]))
        found += png is not None and png.startswith(b"\x89PNG")
    assert found == len(keys[::7])
    assert snippets.pdf_row_png(tmp_path / "gone.pdf", 1, ["1"], 0) is None


def test_a_warehouse_from_before_gains_the_review_views_by_one_publish(db):
    con = duckdb.connect(str(db))
    con.execute("drop view v_fact_check")
    con.execute("drop view v_fact_cell")
    con.close()
    review.upgrade(db)
    con = ro(db)
    assert one(con, "select count(*) from v_fact_cell") == one(con, "select count(*) from fact_cell")
    assert one(con, "select count(*) from v_fact_check") == one(con, "select count(*) from fact_check")


def test_keeping_the_agencys_printing_settles_the_check_but_it_stays_failed(db):
    """A reviewer who confirms the printed figure (value unchanged, with a reason) settles the
    failed identity: it leaves the 复核 queue, and the data still says it fails."""
    con = ro(db)
    rid, key, value, _lhs, _rhs = failing_check_on_metric(con)
    single = one(con, "select other_as_single_row from dim_report where report_id = ?", [rid])
    queue = q.q_review_queue(con, q.Filters(include_synthetic=True))
    through = [c for c in queue[(queue["kind"] == "check") & (queue["report_id"] == rid)]["item"]
               if key in corrections.cells_of_check(c, bool(single))]
    failing_before = one(con, "select count(*) from v_fact_check where report_id = ? and status = 'fail'", [rid])
    con.close()
    assert through, "the failing identity through the cell is in the queue"
    with pytest.raises(corrections.CorrectionInvalid, match="理由"):
        review.submit(db, report_id=rid, cell_key=key, new_value=value, reviewer="甲", seen_version=0,
                      seen_value=value)
    row = review.submit(db, report_id=rid, cell_key=key, new_value=value, reviewer="甲", seen_version=0,
                        seen_value=value, reason="原件如此印制")
    assert row["keeps_failure"]
    con = ro(db)
    queue = q.q_review_queue(con, q.Filters(include_synthetic=True))
    left = set(queue[(queue["kind"] == "check") & (queue["report_id"] == rid)]["item"])
    assert not left & set(through)
    other = [c for c in left if key not in corrections.cells_of_check(c, bool(single))]
    assert sorted(left) == sorted(other)             # checks not through the cell stay open
    assert one(con, "select count(*) from v_fact_check where report_id = ? and status = 'fail'",
               [rid]) == failing_before
    con.close()


def test_an_extra_table3_row_identity_runs_through_its_cells():
    """A table-三 row the template lacks is still checked (I3 on the printed row): the identity
    runs through each of its cells, so a correction there is judged by it (live and at write)."""
    from etl import vocab
    cells = {f"t3.extra_row.{c}": 1.0 for c in vocab.T3_APPLICANT_COLS}
    cells["t3.extra_row.total"] = 99.0
    found = [c for c in corrections.report_checks(cells, "2021", False) if c["check_id"] == "I3.t3.extra_row"]
    assert found and found[0]["status"] == "fail"
    assert all(corrections.through(found[0], k, False) for k in cells)
    assert not corrections.through(found[0], "t3.new_received.total", False)


def test_a_name_longer_than_an_account_name_signs_in_as_no_account(tmp_path):
    # add() refuses names over NAME_MAX characters; sign-in must not cut a typed name down to
    # an account's name (it used to: 64 a's and anything after them signed in as 64 a's)
    path = tmp_path / "accounts.toml"
    name = "a" * accounts.NAME_MAX
    accounts.add(name, "correct horse", path)
    with pytest.raises(ValueError):
        accounts.add(name + "b", "correct horse", path)
    now = datetime(2026, 1, 1, 9, 0)
    assert not accounts.sign_in(name + "b", "correct horse", path, now=now).ok
    for i in range(accounts.MAX_FAILURES):                     # its failures are not the account's
        accounts.sign_in(name + "b", "wrong", path, now=now + timedelta(seconds=i + 1))
    assert accounts.sign_in(name, "correct horse", path, now=now + timedelta(minutes=1)).ok


def test_the_lock_out_survives_the_rotation_of_the_sign_in_log(tmp_path, monkeypatch):
    monkeypatch.setattr(accounts, "LOG_MAX_BYTES", 400)
    path = tmp_path / "accounts.toml"
    accounts.add("张三", "correct horse", path)
    t0 = datetime(2026, 1, 1, 9, 0)
    for i in range(accounts.MAX_FAILURES - 1):
        accounts.sign_in("张三", "wrong", path, now=t0 + timedelta(seconds=i))
    for i in range(40):                                        # other names fill the log: it rotates often
        accounts.sign_in(f"路人{i}", "wrong", path, now=t0 + timedelta(seconds=10 + i))
    assert accounts.signin_log_path(path).with_name(accounts.signin_log_path(path).name + ".1").exists()
    last = accounts.sign_in("张三", "wrong", path, now=t0 + timedelta(minutes=2))
    assert not last.ok and last.wait_minutes == accounts.LOCK.seconds // 60
    assert not accounts.sign_in("张三", "correct horse", path, now=t0 + timedelta(minutes=3)).checked
