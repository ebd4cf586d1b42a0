"""The scale marts (etl.warehouse.MARTS): each materialised table equals its view, the
per-group sums equal fact_cell / fact_check, and the queries that read them give the answers of
the plain queries over fact_cell / fact_check for every kind of filter."""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pytest

from app import queries as q
from etl import vocab
from synth import generate as synth
from etl import warehouse as wh
from etl.rows import n_cell_rows
from synth import fixture_warehouse as fx


@pytest.fixture(scope="module")
def dbs(tmp_path_factory):
    """(fixture warehouse without marts, copy with every mart materialised)."""
    folder = tmp_path_factory.mktemp("marts")
    plain = fx.build_warehouse(folder / "plain.duckdb")
    marts = folder / "marts.duckdb"
    shutil.copy(plain, marts)
    con = duckdb.connect(str(marts))
    wh.materialize_marts(con)
    con.execute("checkpoint")
    con.close()
    return plain, marts


@pytest.fixture()
def mcon(dbs):
    c = duckdb.connect(str(dbs[1]), read_only=True)
    yield c.cursor()
    c.close()


def _same_rows(con, a: str, b: str) -> None:
    n_a = con.execute(f"select count(*) from {a}").fetchone()[0]
    n_b = con.execute(f"select count(*) from {b}").fetchone()[0]
    assert n_a == n_b
    assert con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchone()[0] == 0


@pytest.mark.parametrize("table", list(wh.MARTS))
def test_each_mart_equals_its_view(mcon, table):
    view = wh.MARTS[table][0]
    assert q.has_mart(mcon, table)
    _same_rows(mcon, table, view)
    assert mcon.execute(f"select count(*) from {table}").fetchone()[0] > 0


def test_cell_by_group_sums_equal_fact_cell(mcon):
    got = mcon.execute("""select cell_key, sum(value), sum(n_values)::bigint, sum(n_cells)::bigint
                          from mart_cell_by_group group by all order by cell_key""").fetchall()
    want = mcon.execute("""select c.cell_key, sum(c.value), count(c.value), count(*)
                           from fact_cell c join dim_report r using (report_id)
                           where r.is_current group by all order by c.cell_key""").fetchall()
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g[0] == w[0] and g[2:] == w[2:]
        assert g[1] == w[1] if w[1] is None else g[1] == pytest.approx(w[1], rel=1e-12)


def test_check_marts_equal_fact_check(mcon):
    got = dict(((i, s), n) for i, s, n in mcon.execute(
        "select identity, status, sum(n)::bigint from mart_check_by_group group by all").fetchall())
    want = dict(((i, s), n) for i, s, n in mcon.execute(
        """select k.identity, k.status, count(*) from fact_check k join dim_report r using (report_id)
           where r.is_current group by all""").fetchall())
    assert got == want
    n_fail = mcon.execute("""select count(*) from fact_check k join dim_report r using (report_id)
                             where r.is_current and k.status = 'fail'""").fetchone()[0]
    assert mcon.execute("select count(*) from mart_check_failure").fetchone()[0] == n_fail > 0
    n_unc = mcon.execute("""select count(*) from fact_cell c join dim_report r using (report_id)
                            where r.is_current and c.uncertain""").fetchone()[0]
    assert mcon.execute("select count(*) from mart_uncertain_cell").fetchone()[0] == n_unc > 0


# ----------------------------------------------------------------------------- queries
def _ref_t2(con, f):
    where, params = f.where_clause(alias="r")
    return con.execute(f"""
        select r.year, r.template, c.row_key, c.col_key, sum(c.value) as value, count(c.value) as n_reports
        from fact_cell c join v_report r using (report_id)
        where c.table_key = 't2' and {where}
        group by all order by r.year, c.row_key, c.col_key, r.template""", params).df()


def _ref_t3_rows(con, f, rows, col):
    where, params = f.where_clause(alias="r")
    keys = [f"t3.{r}.{col}" for r in rows]
    df = con.execute(f"""
        select r.year, c.row_key, sum(c.value) as value, count(c.value) as n_reports
        from fact_cell c join v_report r using (report_id)
        where c.cell_key in ({', '.join('?' * len(keys))}) and {where}
        group by all order by r.year, c.row_key""", keys + params).df()
    df["row_zh"] = [vocab.row_zh("t3", k) for k in df["row_key"]]
    return df


def _ref_applicants(con, f, row):
    where, params = f.where_clause(alias="r")
    keys = [f"t3.{row}.{c}" for c in vocab.T3_APPLICANT_COLS]
    df = con.execute(f"""
        select r.year, c.col_key, sum(c.value) as value
        from fact_cell c join v_report r using (report_id)
        where c.cell_key in ({', '.join('?' * len(keys))}) and {where}
        group by all order by r.year, c.col_key""", keys + params).df()
    df["col_zh"] = [vocab.col_zh("t3", k) for k in df["col_key"]]
    tot = df.groupby("year")["value"].transform("sum")
    df["share"] = [q.rate_value(v, t) for v, t in zip(df["value"], tot)]
    return df


def _ref_check_summary(con, f):
    where, params = f.where_clause(alias="r")
    return con.execute(f"""select k.identity, k.status, count(*) as n
        from fact_check k join v_report r using (report_id)
        where {where} group by all order by k.identity, k.status""", params).df()


def _ref_check_failures(con, f):
    where, params = f.where_clause(alias="r")
    return con.execute(f"""
        select r.agency_name, r.year, r.report_id, r.source_name, k.identity, k.check_id, k.scope,
               k.lhs, k.rhs, k.delta, k.detail
        from fact_check k join v_report r using (report_id)
        where k.status = 'fail' and {where}
        order by r.agency_name, r.year, k.check_id""", params).df()


def _ref_uncertain(con, f, limit=5000):
    where, params = f.where_clause(alias="r")
    df = con.execute(f"""
        select r.agency_name, r.year, r.report_id, r.source_name, c.cell_key, c.value, c.value_raw,
               c.uncertain_reason, c.method, c.page, c.source_table, c.source_row, c.source_col
        from fact_cell c join v_report r using (report_id)
        where c.uncertain and {where}
        order by r.agency_name, r.year, c.cell_key limit ?""", params + [limit]).df()
    df.insert(5, "label_zh", [vocab.label_zh(k) for k in df["cell_key"]])
    return df


def _ref_export_wide(con, f):
    where, params = f.where_clause()
    df = con.execute(f"select * from {q.metrics_relation(con)} where {where} order by agency_name, year",
                     params).df()
    df.insert(df.columns.get_loc("level") + 1, "level_zh", df["level"].map(q.LEVEL_ZH))
    return df


DENIED = tuple(k for k in vocab.T3_ROW_KEYS if k.startswith("denied_"))
CASES = [
    ("q_t2_by_year", (), _ref_t2),
    ("q_t3_rows", (DENIED, "total"), _ref_t3_rows),
    ("q_t3_rows", (("granted", "other_total", "other_other"), "natural_person"), _ref_t3_rows),
    ("q_applicants", ("new_received",), _ref_applicants),
    ("q_applicants", ("unavailable_not_held",), _ref_applicants),
    ("q_check_summary", (), _ref_check_summary),
    ("q_check_failures", (), _ref_check_failures),
    ("q_uncertain_cells", (), _ref_uncertain),
    ("q_export_wide", (), _ref_export_wide),
]


def _filters():
    ags = tuple(a.agency_id for a in fx.AGENCIES[:3])
    return [q.Filters(), q.Filters(include_synthetic=True), q.Filters(province="山东省"),
            q.Filters(province="江苏省", levels=("county",), years=(2021, 2024)),
            q.Filters(kinds=("government",), template="2019"), q.Filters(agencies=ags),
            q.Filters(agencies=ags, years=(2022, 2022), include_synthetic=True),
            q.Filters(province="没有这个省")]


def _sorted(df: pd.DataFrame, name: str) -> pd.DataFrame:
    # q_t2_by_year orders by year, row, column; a year printed in two templates may tie
    if name == "q_t2_by_year":
        return df.sort_values(["year", "row_key", "col_key", "template"], kind="stable").reset_index(drop=True)
    return df.reset_index(drop=True)


@pytest.mark.parametrize("name,args,ref", CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(CASES)])
def test_queries_on_marts_equal_plain_queries(dbs, name, args, ref):
    plain = duckdb.connect(str(dbs[0]), read_only=True)
    marts = duckdb.connect(str(dbs[1]), read_only=True)
    try:
        for f in _filters():
            want = ref(plain.cursor(), f, *args)
            for con in (marts, plain):          # the mart tables, and fact_cell when absent
                got = getattr(q, name)(con.cursor(), f, *args)
                if want.empty:
                    assert got.empty and list(got.columns) == list(want.columns), (name, f)
                    continue
                pd.testing.assert_frame_equal(_sorted(got, name), _sorted(want, name), check_exact=False,
                                              rtol=1e-12, obj=f"{name} {f}")
    finally:
        plain.close()
        marts.close()


def test_publish_materialises_every_mart(tmp_path):
    reports = [synth.to_parsed_report(r) for r in synth.generate(6, seed=3)]
    wh.load_reports(reports, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        for table, (view, *_) in wh.MARTS.items():
            _same_rows(con, table, view)
        n_cells = con.execute("select sum(n_cells)::bigint from mart_cell_by_group").fetchone()[0]
        assert n_cells == sum(n_cell_rows(r) for r in reports)
    finally:
        con.close()
