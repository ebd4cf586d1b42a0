"""Contract of the published warehouse (dbt-style tests instead of foreign keys).

Builds a warehouse through the real loader — the gold reports when the shared corpus is
present, fictional reports otherwise, plus a replaced version and a second year — and asserts
unique keys, not-nulls, orphan-free facts, key consistency and value vocabularies.
"""
from __future__ import annotations

import pytest

from etl import warehouse
from tests.test_warehouse import _consistent_cells, make_report, sample_reports


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("contract") / "w.duckdb"
    warehouse.load_reports(sample_reports(), db)
    cells = _consistent_cells()
    warehouse.load_reports([make_report(year=2022), make_report(year=2023, tag="x")], db)
    cells["t3.carried_over_from_prior.total"] = None      # a not-applicable cell
    warehouse.load_reports([make_report(year=2023, tag="y", cells=cells)], db)   # replaces 2023 x
    c = warehouse.connect_readonly(db)
    yield c
    c.close()


def q(con, sql):
    return con.execute(sql).fetchall()


UNIQUE = {
    "dim_region": "region_code",
    "dim_agency": "agency_id",
    "dim_report": "report_id",
    "fact_cell": "report_id, cell_key",
    "fact_check": "report_id, check_id",
    "fact_cross_check": "agency_id, year, check_id",
    "mart_report_metrics": "report_id",
}


@pytest.mark.parametrize("table,key", UNIQUE.items())
def test_unique_keys(con, table, key):
    assert q(con, f"select {key}, count(*) from {table} group by all having count(*) > 1") == []


NOT_NULL = {
    "dim_region": ["region_code", "name", "level", "province"],
    "dim_agency": ["agency_id", "name", "level", "kind", "is_synthetic", "name_source"],
    "dim_report": ["report_id", "agency_id", "agency_name", "year", "template", "other_as_single_row",
                   "source_path", "source_name", "source_sha256", "source_format", "parser_version",
                   "loaded_at", "is_current", "is_synthetic", "n_cells", "n_uncertain", "n_checks_failed"],
    "fact_cell": ["report_id", "table_key", "row_key", "col_key", "cell_key", "semantic", "uncertain", "method"],
    "fact_check": ["report_id", "check_id", "identity", "scope", "status"],
    "fact_cross_check": ["agency_id", "year", "check_id", "identity", "scope", "status"],
    "load_log": ["batch_id", '"at"', "source_path", "status"],
}


@pytest.mark.parametrize("table,cols", NOT_NULL.items())
def test_not_nulls(con, table, cols):
    for c in cols:
        assert q(con, f"select count(*) from {table} where {c} is null") == [(0,)], f"{table}.{c}"


def test_has_rows(con):
    for t in ("dim_region", "dim_agency", "dim_report", "fact_cell", "fact_check", "fact_cross_check", "load_log"):
        assert q(con, f"select count(*) from {t}")[0][0] > 0, t


@pytest.mark.parametrize("child,col,parent,pcol", [
    ("fact_cell", "report_id", "dim_report", "report_id"),
    ("fact_check", "report_id", "dim_report", "report_id"),
    ("report_warning", "report_id", "dim_report", "report_id"),
    ("dim_report", "agency_id", "dim_agency", "agency_id"),
    ("dim_report", "superseded_by", "dim_report", "report_id"),
    ("fact_cross_check", "agency_id", "dim_agency", "agency_id"),
    ("dim_agency", "region_code", "dim_region", "region_code"),
    ("dim_region", "parent_code", "dim_region", "region_code"),
    ("load_log", "report_id", "dim_report", "report_id"),
])
def test_no_orphans(con, child, col, parent, pcol):
    assert q(con, f"""select count(*) from {child} c where c.{col} is not null
                      and not exists (select 1 from {parent} p where p.{pcol} = c.{col})""") == [(0,)]


def test_cell_key_is_table_row_col(con):
    assert q(con, "select count(*) from fact_cell where cell_key <> table_key || '.' || row_key || '.' || col_key") == [(0,)]
    assert q(con, "select count(*) from fact_cell where table_key not in ('t2', 't3', 't4')") == [(0,)]


def test_vocabularies(con):
    assert set(r[0] for r in q(con, "select distinct status from fact_check")) <= {"pass", "fail", "not_assessable"}
    assert set(r[0] for r in q(con, "select distinct status from fact_cross_check")) <= {"pass", "fail", "not_assessable", "warn"}
    assert set(r[0] for r in q(con, "select distinct status from load_log")) <= {"loaded", "replaced", "unchanged", "failed"}
    assert set(r[0] for r in q(con, "select distinct semantic from fact_cell")) <= {"number", "blank", "na", "unknown"}
    assert set(r[0] for r in q(con, "select distinct template from dim_report")) <= {"2019", "2021"}
    assert set(r[0] for r in q(con, "select distinct level from dim_agency")) <= {"province", "city", "county", "township", "unknown"}
    assert set(r[0] for r in q(con, "select distinct kind from dim_agency")) <= {"government", "department"}


def test_one_current_report_per_agency_year(con):
    assert q(con, "select agency_id, year from dim_report where is_current group by all having count(*) > 1") == []
    assert q(con, "select count(*) from dim_report where is_current = (superseded_by is not null)") == [(0,)]


def test_report_counters_match_facts(con):
    assert q(con, """select count(*) from dim_report r where n_cells <>
                     (select count(*) from fact_cell c where c.report_id = r.report_id)""") == [(0,)]
    assert q(con, """select count(*) from dim_report r where n_uncertain <>
                     (select count(*) from fact_cell c where c.report_id = r.report_id and c.uncertain)""") == [(0,)]
    assert q(con, """select count(*) from dim_report r where n_checks_failed <>
                     (select count(*) from fact_check c where c.report_id = r.report_id and c.status = 'fail')""") == [(0,)]


def test_report_id_is_sha_prefix(con):
    assert q(con, "select count(*) from dim_report where report_id <> left(source_sha256, 16)") == [(0,)]


def test_na_cell_is_null(con):
    assert q(con, "select count(*) from fact_cell where semantic = 'na' and value is not null") == [(0,)]
    assert q(con, "select count(*) from fact_cell where semantic in ('number', 'blank') and value is null") == [(0,)]


def test_views_work(con):
    n = q(con, "select count(*) from v_report")[0][0]
    assert n == q(con, "select count(*) from dim_report where is_current")[0][0]
    assert q(con, "select count(*) from mart_report_metrics")[0][0] == n
    assert q(con, "select count(*) from v_report_metrics")[0][0] == n
    assert q(con, "select count(*) from v_cell")[0][0] == q(
        con, "select count(*) from fact_cell join dim_report using (report_id) where is_current")[0][0]
    q(con, "select * from v_check limit 1")
    q(con, "select * from v_cross_check limit 1")


def test_schema_carries_the_metrics_view_text():
    from etl.metrics import metrics_view_sql
    assert metrics_view_sql() in warehouse.schema_sql()
