"""etl.queries on the fixture warehouse: the numbers equal the fixture's, filters are parameters."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from app import queries as q
from etl.metrics import metrics_view_sql
from synth import fixture_warehouse as fx


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return fx.build_warehouse(tmp_path_factory.mktemp("wh") / "w.duckdb")


@pytest.fixture()
def con(db):
    c = duckdb.connect(str(db), read_only=True)
    yield c.cursor()
    c.close()


def sum_cell(reports, key):
    return sum(r.v(key) for r in reports)


def test_schema_block_is_last_and_matches_queries():
    text = fx.SCHEMA.read_text(encoding="utf-8")
    block = text[text.index("-- ---------------------------------------------------------------- marts: dashboard"):]
    assert metrics_view_sql() in block
    assert block.rstrip().endswith(metrics_view_sql().rstrip())


def test_where_clause_uses_parameters_only():
    f = q.Filters(years=(2021, 2024), province="江苏省", levels=("county", "city"), agencies=("a", "b"),
                  template="2021")
    sql, params = f.where_clause(alias="r")
    assert "江苏省" not in sql and "2021" not in sql
    assert params == [2021, 2024, "江苏省", "2021", "county", "city", "a", "b"]
    assert sql.count("?") == len(params)
    assert "not r.is_synthetic" in sql


def test_human_clause():
    f = q.Filters(years=(2021, 2024), province="江苏省", levels=("county",), agencies=tuple("abcdefghijkl"))
    assert f.human_clause() == "江苏省 · 县级 · 2021–2024年 · 12 个机构"
    assert q.Filters().human_clause() == "全国 · 全部年度"
    assert "/" not in q.Filters(years=(2019, 2020)).file_stem()


def test_hostile_filter_value_is_just_a_value(con):
    f = q.Filters(province="江苏省' or 1=1 --")
    assert q.q_yearly(con, f).empty


def test_yearly_counts_equal_fixture(con):
    df = q.q_yearly(con, q.Filters()).set_index("year")
    for y in fx.YEARS:
        reps = [r for r in fx.current() if r.year == y]
        assert df.loc[y, "n_reports"] == len(reps)
        assert df.loc[y, "new_received"] == sum_cell(reps, "t3.new_received.total")
        assert df.loc[y, "carried_to_next"] == sum_cell(reps, "t3.carried_to_next.total")
        # rates leave out a report whose table-三 totals fail their identities (fx.BROKEN_TOTAL)
        ok = [r for r in reps if (r.agency.key, r.year) not in fx.BROKEN_TOTAL]
        assert df.loc[y, "n_rate_excluded"] == len(reps) - len(ok)
        num = sum_cell(ok, "t3.granted.total") + sum_cell(ok, "t3.partially_granted.total")
        assert df.loc[y, "disclosure_rate"] == pytest.approx(num / sum_cell(ok, "t3.result_total.total"))
        corr = sum_cell(reps, "t4.admin_reconsideration.corrected")
        decided = sum_cell(reps, "t4.admin_reconsideration.total") - sum_cell(reps, "t4.admin_reconsideration.pending")
        assert df.loc[y, "recon_correction_rate"] == pytest.approx(corr / decided)


def test_synthetic_only_with_toggle_and_superseded_never(con):
    off = q.q_yearly(con, q.Filters()).set_index("year")
    on = q.q_yearly(con, q.Filters(include_synthetic=True)).set_index("year")
    assert off["n_synthetic"].sum() == 0
    assert on.loc[2024, "n_reports"] == off.loc[2024, "n_reports"] + 1
    assert on.loc[2024, "new_received"] == sum_cell([r for r in fx.current(True) if r.year == 2024],
                                                    "t3.new_received.total")
    old = next(r for r in fx.REPORTS if not r.is_current)
    assert q.q_report_list(con, q.Filters())["report_id"].tolist().count(old.report_id) == 0


def test_region_and_level_filters(con):
    f = q.Filters(province="江苏省", levels=("county",), years=(2021, 2024))
    df = q.q_yearly(con, f)
    exp = [r for r in fx.current() if r.agency.region[4] == "江苏省" and r.agency.level == "county" and r.year >= 2021]
    assert df["n_reports"].sum() == len(exp)
    assert df["new_received"].sum() == sum_cell(exp, "t3.new_received.total")


def test_denied_total_includes_admin_query_and_other_all(con):
    wide = q.q_export_wide(con, q.Filters()).set_index("report_id")
    for r in fx.current():
        row = wide.loc[r.report_id]
        denied = sum(r.v(f"t3.{k}.total") for k in ("denied_state_secret", "denied_prohibited_by_law",
                     "denied_security_stability", "denied_third_party_rights", "denied_internal_affairs",
                     "denied_process_info", "denied_enforcement_file", "denied_admin_query"))
        assert row["denied_total"] == denied
        other = r.cells.get("t3.other_total.total")
        if other is None:
            other = sum(r.v(f"t3.{k}.total") for k in ("other_no_correction", "other_fee_unpaid", "other_other"))
        assert row["other_all"] == other
        assert row["new_legal_person"] == r.v("t3.new_received.total") - r.v("t3.new_received.natural_person")


def test_zero_denominator_is_none_and_small_samples_unranked(con):
    df = q.q_agency_compare(con, q.Filters(), 2024, "recon_correction_rate").set_index("agency_name")
    assert df.loc["聊城市民政局", "value"] is None or df.loc["聊城市民政局", "value"] != df.loc["聊城市民政局", "value"]
    assert q.fmt_rate(None) == "—"
    dr = q.q_agency_compare(con, q.Filters(), 2024, "disclosure_rate").set_index("agency_name")
    assert bool(dr.loc["聊城市民政局", "small_sample"]) and dr.loc["聊城市民政局", "rank"] != dr.loc["聊城市民政局", "rank"]
    ranked = dr[~dr["small_sample"]]
    assert ranked["rank"].min() == 1 and ranked["peer_median"].iloc[0] == pytest.approx(ranked["value"].median())


def test_review_litigation_decided_excludes_pending(con):
    df = q.q_review_litigation(con, q.Filters())
    row = df[(df["year"] == 2023) & (df["block"] == "litigation_direct")].iloc[0]
    reps = [r for r in fx.current() if r.year == 2023]
    tot = sum_cell(reps, "t4.litigation_direct.total")
    pend = sum_cell(reps, "t4.litigation_direct.pending")
    assert row["decided"] == tot - pend
    assert row["correction_rate"] == pytest.approx(sum_cell(reps, "t4.litigation_direct.corrected") / (tot - pend))


def test_quality_queries(con):
    f = q.Filters()
    fails = q.q_check_failures(con, f)
    broken = fx.find("ha_gov", 2021)
    assert set(fails["report_id"]) == {broken.report_id}
    assert sorted(fails["delta"].tolist()) == [-2.0, 2.0]
    unc = q.q_uncertain_cells(con, f)
    assert sorted(unc["cell_key"]) == sorted(k for v in fx.UNCERTAIN.values() for k in v)
    cov = q.q_coverage(con, f)
    missing = cov[cov["present"] == 0]
    assert list(zip(missing["agency_name"], missing["year"])) == [("淮安市民政局", 2022)]


def test_t2_procurement_and_applicants(con):
    f = q.Filters()
    pf = q.q_procurement_fees(con, f).set_index("year")
    for y in (2019, 2020):
        reps = [r for r in fx.current() if r.year == y]
        assert pf.loc[y, "procurement_wan_yuan"] == pytest.approx(
            sum_cell(reps, "t2.centralized_procurement.procurement_amount_wan_yuan"))
    assert pf.loc[2024, "fee_wan_yuan"] == pytest.approx(
        sum_cell([r for r in fx.current() if r.year == 2024], "t2.admin_fees.fee_amount_wan_yuan"))
    ap = q.q_applicants(con, f)
    a = ap[ap["year"] == 2022].set_index("col_key")
    reps = [r for r in fx.current() if r.year == 2022]
    assert a.loc["natural_person", "value"] == sum_cell(reps, "t3.new_received.natural_person")
    assert "total" not in a.index  # never double counts the total column
    t2 = q.q_t2_by_year(con, f)
    assert set(t2[t2["year"] == 2021]["template"]) == {"2021"}


def test_report_detail_and_exports(con):
    r = fx.find("dcf_gov", 2023)
    cells = q.q_report_cells(con, r.report_id)
    assert len(cells) == len(r.cells) and cells["uncertain"].sum() == 1
    assert q.q_report(con, r.report_id).iloc[0]["agency_name"] == "聊城市东昌府区人民政府"
    f = q.Filters(province="山东省")
    long = q.q_export_long(con, f)
    exp = [x for x in fx.current() if x.agency.region[4] == "山东省"]
    assert len(long) == sum(len(x.cells) for x in exp)
    assert {"label_zh", "value_raw", "page"} <= set(long.columns)
    assert len(q.q_export_wide(con, f)) == len(exp)


def test_materialised_mart_is_used_and_agrees(db, tmp_path):
    copy = tmp_path / "m.duckdb"
    shutil.copy(db, copy)
    w = duckdb.connect(str(copy))
    w.execute("create table mart_report_metrics as select * from v_report_metrics")
    w.close()
    c = duckdb.connect(str(copy), read_only=True)
    try:
        assert q.metrics_relation(c) == "mart_report_metrics"
        a = q.q_yearly(c, q.Filters())
    finally:
        c.close()
    c = duckdb.connect(str(db), read_only=True)
    try:
        assert q.metrics_relation(c) == "v_report_metrics"
        b = q.q_yearly(c, q.Filters())
    finally:
        c.close()
    assert a.equals(b)


@pytest.mark.parametrize("agencies", [(), ("ha_mz",), ("ha_mz", "js_gov")])
def test_change_panel_any_two_years_is_like_for_like(con, agencies):
    """Every pair of years (gaps included): sums over exactly the agencies present in both."""
    ids = tuple(fx.AGENCY[a].agency_id for a in agencies)
    f = q.Filters(agencies=ids)
    reps = [r for r in fx.current() if not ids or r.agency.agency_id in ids]
    years = sorted({r.year for r in reps})
    for i, y0 in enumerate(years):
        for y1 in years[i + 1:]:
            both = {r.agency.key for r in reps if r.year == y0} & {r.agency.key for r in reps if r.year == y1}
            panel = q.q_change_panel(con, f, y0, y1).set_index("year")
            cover = q.q_panel_agencies(con, f, y0, y1)
            assert set(cover[cover["in_panel"]]["agency_name"]) == {fx.AGENCY[k].name for k in both}
            if not both:
                assert panel.empty
                continue
            for y in (y0, y1):
                assert int(panel.loc[y, "n_agencies"]) == len(both)
                assert panel.loc[y, "new_received"] == sum_cell(
                    [r for r in reps if r.year == y and r.agency.key in both], "t3.new_received.total")


def test_coverage_counts_only_years_inside_each_agency_span(con):
    """Defect 10: a year before an agency's first report, or one nobody reported, is not missing."""
    f = q.Filters(agencies=(fx.AGENCY["ha_mz"].agency_id,), years=(2021, 2023))
    cov = q.q_coverage(con, f)
    assert list(cov[cov["present"] == 0]["year"]) == [2022]
    # an agency that reported only 2023-2024 in the selected range 2019-2024 misses nothing
    f = q.Filters(agencies=(fx.AGENCY["ha_mz"].agency_id,), years=(2023, 2024))
    assert (q.q_coverage(con, f)["present"] == 1).all()
