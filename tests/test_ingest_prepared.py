"""Ingest builds each report's fact_cell rows in the parse worker (workers.parse_prepared)
and reuses the checks parse_bytes ran: what it stores must equal what the loading process
would have built itself from the parsed report (cells with provenance, and checks)."""
from __future__ import annotations

import duckdb
import pytest

from etl import checks
from synth import render
from synth import generate as synth
from etl import warehouse as wh
from etl.extract import parse_file
from etl.workers import parse_prepared


def _corpus(folder, n=8):
    folder.mkdir()
    files = []
    for i, rep in enumerate(synth.generate(n, seed=11)):
        fmt = ("html", "txt", "md", "flat")[i % 4]
        p = folder / f"{i:03d}.{ 'txt' if fmt == 'flat' else fmt}"
        data = render.render(rep, fmt)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        files.append(p)
    return files


@pytest.mark.parametrize("workers", [1, 2])
def test_prepared_rows_equal_rows_built_in_the_loader(tmp_path, workers):
    files = _corpus(tmp_path / "in")
    db = tmp_path / "w.duckdb"
    s = wh.ingest([tmp_path / "in"], db, workers=workers, progress=False)
    assert s.ok and s.loaded == len(files)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for f in files:
            rep = parse_file(f)
            rep.source["path"] = str(f)
            rid = wh.report_id_of(rep)
            want_cells = sorted(wh.cell_rows(rep, rid), key=lambda r: r[4])
            got_cells = con.execute(f"select {', '.join(wh.FACT_CELL_COLS)} from fact_cell where report_id = ? "
                                    "order by cell_key", [rid]).fetchall()
            assert [tuple(r) for r in got_cells] == want_cells
            want_checks = sorted(wh.check_rows(checks.run_checks(rep), rid), key=lambda r: r[1])
            got_checks = con.execute(f"select {', '.join(wh.FACT_CHECK_COLS)} from fact_check where report_id = ? "
                                     "order by check_id", [rid]).fetchall()
            assert [tuple(r) for r in got_checks] == want_checks
    finally:
        con.close()


def test_prepared_rows_of_another_report_are_refused(tmp_path):
    files = _corpus(tmp_path / "in", n=2)
    a = parse_prepared(str(files[0]))
    b = parse_prepared(str(files[1]))
    assert a.report_id and a.rows and b.rows
    with wh.staging(tmp_path / "w.duckdb") as st:
        st.apply([a.report], prepared={a.report_id: b.rows})   # rows that do not belong to the report
    s = st.summary
    assert s.loaded == 0 and len(s.failed) == 1 and "不符" in s.failed[0][1]
