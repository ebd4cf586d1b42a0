"""Publish in O(change): derived tables updated incrementally equal a full rebuild; a publish
killed at any point leaves the last published state; a reader never sees a partial report.

Reports come from ``synth.generate.generate_with_text`` (figures and text with deliberate
copies); batches mix new reports, new versions of current ones (``replaced``), two versions
of one agency-year in one batch, and sections copied from a peer of the same year (so the
雷同 pass finds new peers among reports that were already published).
``GKNB_PUBLISH=incremental`` makes even these small warehouses publish incrementally.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from etl import twins, warehouse
from synth.generate import generate_with_text, to_parsed_report

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DERIVED = ("fact_cross_check", "fact_assessment", "fact_score", "dim_agency", "fact_check_reviewed", "report_reviewed",
           *warehouse.MARTS)


@pytest.fixture(scope="module")
def stream():
    """120 generated reports with text, in generation order (agency by agency, year by year)."""
    return list(generate_with_text(120, seed=5, copy_previous=0.3, copy_peer=0.1))


def fresh(rep: dict, rng: random.Random, stream: list[dict] | None = None):
    """A new file for the same agency-year (figures changed), sometimes with a peer's section."""
    p = to_parsed_report(rep)
    key = rng.choice(sorted(k for k, v in p.cells.items() if isinstance(v, (int, float))))
    p.cells[key] = (p.cells[key] or 0) + rng.randint(1, 5)
    if stream:
        peers = [r for r in stream if r["year"] == rep["year"] and r["agency"] != rep["agency"]]
        if peers:
            other = next(s for s in rng.choice(peers)["sections"] if s["key"] == "general")
            for s in p.sections:
                if s["key"] == "general":
                    s["text"] = other["text"]
    p.source = {"sha256": hashlib.sha256(p.dumps().encode()).hexdigest(), "name": f"v{rng.random()}.json"}
    return p


def batches(stream: list[dict], seed: int, n_base: int = 60, n_batches: int = 5):
    """The base load, then batches of new reports, new versions and in-batch rivals."""
    rng = random.Random(seed)
    base = [to_parsed_report(r) for r in stream[:n_base]]
    out, nxt = [], n_base
    for _ in range(n_batches):
        b = [to_parsed_report(r) for r in stream[nxt:nxt + rng.randint(1, 8)]]
        nxt += len(b)
        seen = stream[:nxt]
        for rep in rng.sample(seen, rng.randint(0, 3)):          # new versions of published reports
            b.append(fresh(rep, rng, seen))
        if rng.random() < 0.5:                                   # two files for one agency-year
            rep = rng.choice(seen)
            b += [fresh(rep, rng), fresh(rep, rng, seen)]
        out.append(b)
    return base, out


def snapshot(db: Path) -> dict[str, list]:
    """Every derived table's rows, sorted, floats rounded (sums may be added in another order)."""
    con = warehouse.connect_readonly(db)
    try:
        out = {}
        for t in DERIVED:
            rows = con.execute(f"select * from {t}").fetchall()
            out[t] = sorted((tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in rows), key=repr)
        out["bands"] = sorted(con.execute("""select b.* from report_section_band b join dim_report r using (report_id)
                                             where r.is_current""").fetchall())
        return out
    finally:
        con.close()


def full_rebuild(db: Path, tmp: Path) -> dict[str, list]:
    ref = tmp / "ref.duckdb"
    shutil.copyfile(db, ref)
    warehouse.rebuild_derived(ref)
    return snapshot(ref)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_publishes_equal_a_full_rebuild(tmp_path, monkeypatch, stream, seed):
    db = tmp_path / "w.duckdb"
    base, later = batches(stream, seed)
    s = warehouse.load_reports(base, db)
    assert s.phases["incremental"] == 0          # a fresh warehouse is built whole
    monkeypatch.setenv("GKNB_PUBLISH", "incremental")
    for batch in later:
        s = warehouse.load_reports(batch, db)
        assert s.phases["incremental"] == 1 and s.ok, str(s)
        got, want = snapshot(db), full_rebuild(db, tmp_path)
        for table in want:
            assert got[table] == want[table], table
    con = warehouse.connect_readonly(db)
    try:   # the batches did exercise what the incremental path must get right
        assert con.execute("select count(*) from dim_report where not is_current").fetchone()[0] > 0
        assert con.execute("select count(*) from fact_assessment where item like 'peer.%' "
                           "and status = 'fail'").fetchone()[0] > 0
    finally:
        con.close()


def test_an_upgrade_or_new_rubric_rebuilds_derived_tables(tmp_path, monkeypatch, stream):
    """Derived tables built by other code are rebuilt, not patched (publish_meta)."""
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([to_parsed_report(r) for r in stream[:20]], db)
    con = duckdb.connect(str(db))
    con.execute("update publish_meta set value = 'older' where key = 'derived_version'")
    con.close()
    monkeypatch.setenv("GKNB_PUBLISH", "incremental")
    s = warehouse.load_reports([to_parsed_report(stream[20])], db)
    assert s.phases["incremental"] == 0
    s = warehouse.load_reports([to_parsed_report(stream[21])], db)
    assert s.phases["incremental"] == 1


def test_a_large_batch_rebuilds_instead(tmp_path, stream):
    db = tmp_path / "w.duckdb"
    warehouse.load_reports([to_parsed_report(r) for r in stream[:20]], db)
    assert warehouse.load_reports([to_parsed_report(stream[20])], db).phases["incremental"] == 1
    big = [to_parsed_report(r) for r in stream[21:40]]        # more than FULL_REBUILD_SHARE of 21
    assert warehouse.load_reports(big, db).phases["incremental"] == 0


# ----------------------------------------------------------------------------- kill -9
def _load_in_subprocess(reports: list, db: Path, tmp: Path, **env: str) -> subprocess.Popen:
    blob = tmp / f"batch{time.monotonic_ns()}.pkl"
    blob.write_bytes(pickle.dumps(reports))
    code = ("import pickle, sys; from etl import warehouse; "
            "warehouse.load_reports(pickle.load(open(sys.argv[1], 'rb')), sys.argv[2])")
    return subprocess.Popen([PY, "-c", code, str(blob), str(db)], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env})


def _wait_pause(p: subprocess.Popen, stage: str) -> None:
    assert p.stderr is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if line.startswith(f"GKNB_TEST_PAUSE {stage}"):
            return
        if not line and p.poll() is not None:
            break
    pytest.fail(f"the publish never reached {stage}")


def _file_sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("stage", ["catch_up", "load", "derived", "checkpoint", "replace", "published"])
def test_kill_9_during_an_incremental_publish(tmp_path, monkeypatch, stream, stage):
    """Killed at each seam of a publish onto the standby twin (replaying the last delta, loading,
    deriving, before and after the link moves): the live file is the last published state, and
    the next publishes recover (a copy first when the standby is dirty, then twins again)."""
    db = tmp_path / "w.duckdb"
    base, later = batches(stream, seed=7, n_batches=3)
    warehouse.load_reports(base, db)
    monkeypatch.setenv("GKNB_PUBLISH", "incremental")
    warehouse.load_reports(later[0], db)
    live = twins.resolve(db)
    before, state = _file_sha(db), snapshot(db)
    p = _load_in_subprocess(later[1], db, tmp_path, GKNB_TEST_PAUSE_AT=stage, GKNB_TEST_PAUSE_SECONDS="60")
    try:
        _wait_pause(p, stage)
        assert not [q for q in tmp_path.iterdir() if q.name.endswith(".tmp") and ".delta." not in q.name]
        os.kill(p.pid, signal.SIGKILL)                        # no private copy: the standby is written
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    if stage == "published":                                  # the new state was already published
        assert twins.resolve(db) != live and snapshot(db) != state
        s = warehouse.load_reports(later[2], db)
        assert s.ok and s.fallback == "" and s.loaded + s.replaced > 0
    else:
        assert twins.resolve(db) == live and _file_sha(db) == before and snapshot(db) == state
        s = warehouse.load_reports(later[1], db)              # the next publish works (a copy) …
        assert s.ok and s.phases["incremental"] == 1 and s.loaded + s.replaced > 0 and s.fallback
        s = warehouse.load_reports(later[2], db)              # … and the one after uses the twin again
        assert s.ok and s.fallback == ""
    assert snapshot(db) == full_rebuild(db, tmp_path)
    assert not [q for q in tmp_path.iterdir() if q.name.endswith((".tmp", ".tmp.wal"))]


# ----------------------------------------------------------------------------- twins
def tables(path: Path) -> dict[str, list]:
    """Every table's rows (sorted) of one file; publish_meta without its per-file generation."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("select table_name from information_schema.tables "
                                           "where table_type = 'BASE TABLE' order by 1").fetchall()]
        out = {t: sorted(con.execute(f"select * from {t}").fetchall(), key=repr) for t in names}
        out["publish_meta"] = [r for r in out["publish_meta"] if r[0] != "generation"]
        return out
    finally:
        con.close()


@pytest.mark.parametrize("seed", [1, 2])
def test_both_twins_hold_the_same_rows_after_random_publishes(tmp_path, monkeypatch, stream, seed):
    """After random publishes (new reports, new versions, in-batch rivals, corrections, full
    rebuilds, runs where nothing changed), once the standby has caught up, both twins hold the
    same rows in every table, and the derived ones equal a full rebuild."""
    from etl import corrections, review
    db = tmp_path / "w.duckdb"
    base, later = batches(stream, seed, n_batches=8)
    warehouse.load_reports(base, db)
    monkeypatch.setenv("GKNB_PUBLISH", "incremental")
    rng = random.Random(seed)
    fast = 0
    for batch in later:
        op = rng.random()
        if op < 0.2:
            s = warehouse.rebuild_derived(db)
        elif op < 0.4:
            con = warehouse.connect_readonly(db)
            try:
                rid, key = rng.choice(con.execute(
                    """select c.report_id, c.cell_key from fact_cell c join dim_report r using (report_id)
                       where r.is_current and c.cell_key like 't3.%' order by 1, 2""").fetchall())
                cell = corrections.cell_state(con, rid, key)
            finally:
                con.close()
            review.submit(db, report_id=rid, cell_key=key, new_value=(cell.value or 0) + rng.randint(1, 9),
                          reviewer="测试员", seen_version=cell.version, seen_value=cell.value, reason="测试")
        s = warehouse.load_reports(batch, db)
        assert s.ok, str(s)
        fast += s.fallback == ""
        warehouse.load_reports([], db)                   # nothing changes: the standby catches up
        a, b = tables(twins.twin(db, "a")), tables(twins.twin(db, "b"))
        assert a.keys() == b.keys()
        for t in a:
            assert a[t] == b[t], t
        assert snapshot(db) == full_rebuild(db, tmp_path)
    assert fast >= 3                                      # the twins were used, not only copies


def test_a_standby_held_by_a_reader_or_written_outside_a_publish_is_copied_over(tmp_path, monkeypatch, stream):
    """Safety nets: a reader still on the standby, or a live file changed by other code, makes
    the publish copy the live file (and say so); nothing is lost, the twins resume after."""
    db = tmp_path / "w.duckdb"
    reps = [to_parsed_report(r) for r in stream[:30]]
    monkeypatch.setenv("GKNB_PUBLISH", "incremental")
    for i in range(3):
        warehouse.load_reports(reps[i * 10:(i + 1) * 10], db)
    assert warehouse.load_reports([], db).fallback == ""               # caught up: steady state
    held = duckdb.connect(str(twins.standby(db)), read_only=True)      # a reader left on the old file
    try:
        s = warehouse.load_reports([to_parsed_report(stream[30])], db)
        assert s.ok and s.loaded == 1 and "standby in use" in s.fallback and s.phases["fallback"] == 1
        assert held.execute("select count(*) from dim_report").fetchone()[0] == 30    # its old snapshot
    finally:
        held.close()
    s = warehouse.load_reports([to_parsed_report(stream[31])], db)
    assert s.ok and s.fallback == ""
    con = duckdb.connect(str(db))                                        # written outside a publish
    con.execute("delete from load_log")
    con.close()
    s = warehouse.load_reports([to_parsed_report(stream[32])], db)
    assert s.ok and "live file changed" in s.fallback
    con = warehouse.connect_readonly(db)
    try:
        assert con.execute("select count(*) from dim_report").fetchone()[0] == 33
        assert con.execute("select count(*) from load_log").fetchone()[0] == 1
    finally:
        con.close()
    # a damaged delta (a truncated write, a meta that is no dict, bytes of another file): the
    # next publish copies, it never fails
    for i, damage in enumerate((b"\x80\x05K\x01.", b"garbage" * 3, pickle.dumps([1, 2]) + struct.pack("<Q", 0))):
        twins.delta_path(db).write_bytes(damage)
        s = warehouse.load_reports([to_parsed_report(stream[33 + i])], db)
        assert s.ok and s.loaded == 1 and "no delta" in s.fallback
    s = warehouse.load_reports([to_parsed_report(stream[36])], db)
    assert s.ok and s.fallback == "" and s.loaded == 1


# ----------------------------------------------------------------------------- readers
READER = r"""
import json, sys, time
from pathlib import Path
from etl import warehouse
db, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
n = errors = 0
bad = []
while not stop.exists() or n == 0:
    try:
        con = warehouse.connect_readonly(db)
        try:
            con.execute("begin transaction")
            partial = con.execute('''
                select r.report_id, r.n_cells, count(c.report_id) from dim_report r
                left join fact_cell c using (report_id) group by all having r.n_cells <> count(c.report_id)''').fetchall()
            cur = con.execute("select count(*) from dim_report where is_current").fetchone()[0]
            marts = con.execute("select count(*) from mart_report_metrics").fetchone()[0]
            scored = con.execute("select count(distinct report_id) from fact_score").fetchone()[0]
            cells = con.execute("select coalesce(sum(n_cells), 0) from v_cell_by_group").fetchone()[0]
            want = con.execute("select coalesce(sum(n_cells), 0) from v_report").fetchone()[0]
            grouped = con.execute("select coalesce(sum(n_cells), 0) from mart_cell_by_group").fetchone()[0]
            con.execute("commit")
        finally:
            con.close()
        if partial or not (cur == marts == scored) or not (cells == want == grouped):
            bad.append([repr(partial[:3]), cur, marts, scored, cells, want, grouped])
        n += 1
    except Exception as e:
        errors += 1
        bad.append(repr(e))
out.write_text(json.dumps({"n": n, "errors": errors, "bad": bad[:5], "n_bad": len(bad)}))
"""


def test_a_reader_during_many_incremental_publishes_never_sees_a_partial_state(tmp_path, monkeypatch, stream):
    n_publish = int(os.environ.get("GKNB_TEST_PUBLISHES", "100"))
    fast = 0
    db = tmp_path / "w.duckdb"
    extra = list(generate_with_text(60 + n_publish, seed=5, copy_previous=0.3, copy_peer=0.1))
    warehouse.load_reports([to_parsed_report(r) for r in extra[:60]], db)
    stop, out = tmp_path / "stop", tmp_path / "reader.json"
    reader = subprocess.Popen([PY, "-c", READER, str(db), str(stop), str(out)], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    monkeypatch.setenv("GKNB_PUBLISH", "incremental")
    rng = random.Random(11)
    try:
        for i in range(n_publish):
            batch = [to_parsed_report(extra[60 + i])]
            if rng.random() < 0.3:
                batch.append(fresh(rng.choice(extra[:60 + i]), rng, extra[:60 + i]))
            s = warehouse.load_reports(batch, db)
            assert s.ok and s.phases["incremental"] == 1
            fast += s.fallback == ""
    finally:
        stop.touch()
        reader.wait(timeout=120)
    res = json.loads(out.read_text())
    assert res["errors"] == 0 and res["n_bad"] == 0, res
    assert res["n"] > 0 and fast > 0          # publishes onto the standby twin, not only copies


def test_a_correction_publishes_incrementally_and_equals_a_full_rebuild(tmp_path, monkeypatch, stream):
    """复核: a correction changes what the views return for one report; the publish that carries
    it redoes that report's derived rows (etl.review.submit touches it) and nothing is stale."""
    from etl import corrections, review
    db = tmp_path / "w.duckdb"
    base, later = batches(stream, seed=4, n_batches=2)
    warehouse.load_reports(base, db)
    monkeypatch.setenv("GKNB_PUBLISH", "incremental")
    warehouse.load_reports(later[0], db)
    con = warehouse.connect_readonly(db)
    try:
        rid, key = con.execute("""select c.report_id, c.cell_key from fact_cell c join dim_report r using (report_id)
                                  where r.is_current and c.cell_key = 't3.new_received.total'
                                  order by c.report_id limit 1""").fetchone()
        state = corrections.cell_state(con, rid, key)
    finally:
        con.close()
    review.submit(db, report_id=rid, cell_key=key, new_value=(state.value or 0) + 7, reviewer="测试员",
                  seen_version=state.version, seen_value=state.value, reason="测试：改正印错的数字")
    got = snapshot(db)
    assert got == full_rebuild(db, tmp_path)
    con = warehouse.connect_readonly(db)
    try:
        assert con.execute("select new_received from mart_report_metrics where report_id = ?",
                           [rid]).fetchone()[0] == (state.value or 0) + 7
    finally:
        con.close()
    # a later incremental publish that need not touch the corrected report keeps its re-checked rows
    warehouse.load_reports(later[1], db)
    assert snapshot(db) == full_rebuild(db, tmp_path)
