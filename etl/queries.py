"""Read functions the dashboard pages use: every SQL statement of the UI lives here.

Each public ``q_*`` function takes a DuckDB connection or cursor and a :class:`Filters`
and returns a pandas DataFrame.  User input only ever reaches SQL as ``?`` parameters;
the only text spliced into SQL are identifiers chosen from the fixed registries below
(``METRICS``, ``RATES``), never values typed by a user.

The pages read one pre-aggregated relation, ``v_report_metrics`` (one row per current
report with the key figures, declared in ``etl/schema.sql``), or the table
``mart_report_metrics`` when the publisher materialised it (same columns, much faster at
100k reports).  Pages on table 二/三 cells and on data quality read the marts declared in
``etl/schema.sql`` (``v_cell_by_group``, ``v_check_by_group``, ``v_check_failure``,
``v_uncertain_cell``), materialised at publish as ``mart_*`` (:func:`has_mart`); without
them (a warehouse from an older version), and with an agency filter for the per-group marts
(they have no agency column), those queries read ``fact_cell`` / ``fact_check``.  Derived rates are *not official*: each carries its formula and caveat,
and a zero denominator yields null (shown as "—"), never 0 % or 100 %.

No streamlit import here: the pages get caching from ``ui.py``.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from etl import vocab

# _df_arrow: DuckDB notes that Arrow output of an execute() result copies the rows; still faster
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)

# ----------------------------------------------------------------------------- labels
LEVEL_ZH = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇级"}
KIND_ZH = {"government": "政府", "department": "部门"}
TEMPLATE_ZH = {"2019": "2019年版模板（2019–2020年度）", "2021": "2021年版模板（2021年度起）"}

# ----------------------------------------------------------------------------- the metrics mart
# (column, cell key) pairs pivoted into v_report_metrics; table 三 uses the 总计 column.
_T3 = [(k, f"t3.{k}.total") for k in vocab.T3_ROW_KEYS]
_APPL = [(f"new_{c}", f"t3.new_received.{c}") for c in vocab.T3_APPLICANT_COLS]
_T4_PREFIX = {"admin_reconsideration": "recon", "litigation_direct": "litd",
              "litigation_after_reconsideration": "lita"}
_T4 = [(f"{_T4_PREFIX[r]}_{c}", f"t4.{r}.{c}") for r in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS]
_T2 = [
    ("regs_made", "t2.regulations.newly_made_count"),
    ("regs_total_published", "t2.regulations.total_published_count"),
    ("regs_issued", "t2.regulations.issued_count"),
    ("regs_repealed", "t2.regulations.repealed_count"),
    ("regs_in_force", "t2.regulations.in_force_count"),
    ("norm_made", "t2.normative_documents.newly_made_count"),
    ("norm_total_published", "t2.normative_documents.total_published_count"),
    ("norm_issued", "t2.normative_documents.issued_count"),
    ("norm_repealed", "t2.normative_documents.repealed_count"),
    ("norm_in_force", "t2.normative_documents.in_force_count"),
    ("licensing_decisions", "t2.admin_licensing.decision_count"),
    ("penalty_decisions", "t2.admin_penalty.decision_count"),
    ("coercion_decisions", "t2.admin_coercion.decision_count"),
    ("procurement_projects", "t2.centralized_procurement.procurement_project_count"),
    ("procurement_wan_yuan", "t2.centralized_procurement.procurement_amount_wan_yuan"),
    ("fee_wan_yuan", "t2.admin_fees.fee_amount_wan_yuan"),
]
PIVOT_COLUMNS: list[tuple[str, str]] = _T3 + _APPL + _T4 + _T2

_DENIED = [k for k in vocab.T3_ROW_KEYS if k.startswith("denied_")]
_UNAVAIL = [k for k in vocab.T3_ROW_KEYS if k.startswith("unavailable_")]
_NOTPROC = [k for k in vocab.T3_ROW_KEYS if k.startswith("not_processed_")]


def _sum_nullable(cols: list[str]) -> str:
    """Sum that is null only when every term is null (a report that printed none of them)."""
    return "case when " + " and ".join(f"{c} is null" for c in cols) + " then null else " + \
        " + ".join(f"coalesce({c}, 0)" for c in cols) + " end"


def metrics_view_sql() -> str:
    """DDL of ``v_report_metrics``; ``etl/schema.sql`` carries exactly this text (a test checks)."""
    pivots = ",\n".join(f"        max(value) filter (where cell_key = '{key}') as {col}"
                        for col, key in PIVOT_COLUMNS)
    keys = ", ".join(f"'{key}'" for _, key in PIVOT_COLUMNS)
    derived = [
        ("denied_total", _sum_nullable(_DENIED)),
        ("unavailable_total", _sum_nullable(_UNAVAIL)),
        ("not_processed_total", _sum_nullable(_NOTPROC)),
        ("other_all", f"coalesce(other_total, {_sum_nullable(list(vocab.T3_OTHER_SUBROWS))})"),
        ("accepted", "new_received + carried_over_from_prior"),
        ("new_legal_person", _sum_nullable([c for c, _ in _APPL[1:]])),
        ("recon_decided", "recon_total - recon_pending"),
        ("lit_total", "litd_total + lita_total"),
        ("lit_corrected", "litd_corrected + lita_corrected"),
        ("lit_decided", "litd_total - litd_pending + lita_total - lita_pending"),
    ]
    derived_sql = ",\n".join(f"    {expr} as {name}" for name, expr in derived)
    return f"""create or replace view v_report_metrics as
with pivoted as (
    select report_id,
{pivots}
    from fact_cell
    where cell_key in ({keys})
    group by report_id
)
select r.report_id, r.agency_id, r.agency_name, r.year, r.template, r.other_as_single_row,
       r.province, r.city, r.county, r.region_code, r.level, r.kind, r.is_synthetic,
       r.source_name, r.n_cells, r.n_uncertain, r.n_checks_failed,
       p.* exclude (report_id),
{derived_sql}
from v_report r left join pivoted p using (report_id);"""


# ----------------------------------------------------------------------------- registries
@dataclass(frozen=True)
class Metric:
    key: str           # column of v_report_metrics
    zh: str
    unit: str = "件"
    comparable: bool = True   # comparable across the 2020→2021 template break


METRICS: dict[str, Metric] = {m.key: m for m in [
    Metric("new_received", "本年新收申请"),
    Metric("carried_over_from_prior", "上年结转申请"),
    Metric("accepted", "受理合计（新收+上年结转）"),
    Metric("result_total", "办理结果总计"),
    Metric("granted", "予以公开"),
    Metric("partially_granted", "部分公开"),
    Metric("denied_total", "不予公开（8项合计）"),
    Metric("unavailable_total", "无法提供（3项合计）"),
    Metric("unavailable_not_held", "本机关不掌握"),
    Metric("not_processed_total", "不予处理（5项合计）"),
    Metric("other_all", "其他处理"),
    Metric("carried_to_next", "结转下年度"),
    Metric("recon_total", "行政复议总计"),
    Metric("recon_corrected", "行政复议结果纠正"),
    Metric("lit_total", "行政诉讼总计"),
    Metric("lit_corrected", "行政诉讼结果纠正"),
    Metric("licensing_decisions", "行政许可处理决定", comparable=False),
    Metric("penalty_decisions", "行政处罚处理决定", comparable=False),
]}


@dataclass(frozen=True)
class Rate:
    key: str
    zh: str
    num: str            # SQL expression over v_report_metrics columns
    den: str
    formula: str        # shown to the user
    caveat: str = "非官方指标，由本看板按年报数字计算。"
    min_den: int = 30   # below this the rate is shown but kept out of rankings


RATES: dict[str, Rate] = {r.key: r for r in [
    Rate("disclosure_rate", "公开率（予以公开+部分公开）", "granted + partially_granted", "result_total",
         "（予以公开 + 部分公开）÷ 办理结果总计",
         "非官方指标。分母为当年办结的申请（（七）总计），不含结转下年度继续办理的申请。"),
    Rate("not_held_rate", "本机关不掌握占比", "unavailable_not_held", "result_total",
         "本机关不掌握相关政府信息 ÷ 办理结果总计", "非官方指标。分母为当年办结的申请。"),
    Rate("denied_rate", "不予公开占比", "denied_total", "result_total",
         "不予公开（1–8项，含属于行政查询事项）÷ 办理结果总计",
         "非官方指标。“属于行政查询事项”按模板计入不予公开，不计入不予处理。"),
    Rate("carry_rate", "结转率", "carried_to_next", "accepted",
         "结转下年度继续办理 ÷（本年新收 + 上年结转）", "非官方指标。"),
    Rate("natural_person_share", "自然人申请占比", "new_natural_person", "new_received",
         "本年新收申请中自然人 ÷ 本年新收申请总计", "非官方指标。"),
    Rate("recon_correction_rate", "行政复议纠错率", "recon_corrected", "recon_decided",
         "复议结果纠正 ÷（复议总计 − 尚未审结）",
         "非官方指标。分母只计已审结案件，尚未审结的案件不计入。", min_den=1),
    Rate("lit_correction_rate", "行政诉讼纠错率", "lit_corrected", "lit_decided",
         "诉讼结果纠正 ÷（诉讼总计 − 尚未审结），两类诉讼合计",
         "非官方指标。分母只计已审结案件，尚未审结的案件不计入。", min_den=1),
]}


def rate_value(num: Any, den: Any) -> float | None:
    """num/den, or None when the denominator is zero or missing (shown as "—")."""
    if num is None or den is None or pd.isna(num) or pd.isna(den) or den == 0:
        return None
    return float(num) / float(den)


def fmt_rate(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


# ----------------------------------------------------------------------------- filters
@dataclass(frozen=True)
class Filters:
    """The shared sidebar selection.  Renders SQL (with ``?`` params) and a Chinese sentence.

    Empty values mean "no filter".  ``agency_labels`` only feeds the sentence.
    """

    years: tuple[int, int] | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    template: str | None = None
    include_synthetic: bool = False
    agency_labels: tuple[str, ...] = field(default=(), compare=False)

    def where_clause(self, alias: str = "", skip: tuple[str, ...] = ()) -> tuple[str, list[Any]]:
        """SQL predicate (never empty: ``true`` at least) and its parameters, in order.

        ``skip`` names fields to leave out (e.g. ``("years",)`` for a cross-year query).
        """
        a = f"{alias}." if alias else ""
        parts: list[str] = []
        params: list[Any] = []
        if self.years and "years" not in skip:
            parts.append(f"{a}year between ? and ?")
            params += [int(self.years[0]), int(self.years[1])]
        for name in ("province", "city", "county", "template"):
            val = getattr(self, name)
            if val and name not in skip:
                parts.append(f"{a}{name} = ?")
                params.append(val)
        for name, col in (("levels", "level"), ("kinds", "kind"), ("agencies", "agency_id")):
            vals = getattr(self, name)
            if vals and name not in skip:
                parts.append(f"{a}{col} in ({', '.join('?' * len(vals))})")
                params += list(vals)
        if not self.include_synthetic and "include_synthetic" not in skip:
            parts.append(f"not {a}is_synthetic")
        return (" and ".join(parts) or "true"), params

    def human_clause(self) -> str:
        """The selection in words, e.g. ``江苏省 · 县级 · 2021–2024年 · 12 个机构``."""
        bits: list[str] = []
        region = "".join(x for x in (self.province, self.city, self.county) if x)
        bits.append(region or "全国")
        if self.levels:
            bits.append("、".join(LEVEL_ZH.get(x, x) for x in self.levels))
        if self.kinds:
            bits.append("、".join(KIND_ZH.get(x, x) for x in self.kinds))
        if self.years:
            y0, y1 = self.years
            bits.append(f"{y0}年" if y0 == y1 else f"{y0}–{y1}年")
        else:
            bits.append("全部年度")
        if self.template:
            bits.append(f"{self.template}年版模板")
        if self.agencies:
            labels = self.agency_labels
            if labels and len(labels) <= 2:
                bits.append("、".join(labels))
            else:
                bits.append(f"{len(self.agencies)} 个机构")
        if self.include_synthetic:
            bits.append("含示例数据")
        return " · ".join(bits)

    def file_stem(self) -> str:
        """A file-name-safe version of the sentence."""
        s = self.human_clause().replace(" · ", "_").replace("–", "-").replace(" ", "")
        return "".join(ch for ch in s if ch not in '\\/:*?"<>|')


# ----------------------------------------------------------------------------- helpers
def metrics_relation(con) -> str:
    """``mart_report_metrics`` when the publisher materialised it, else the view."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_name = 'mart_report_metrics'"
    ).fetchone()
    return "mart_report_metrics" if row and row[0] else "v_report_metrics"


def has_mart(con, table: str) -> bool:
    """Whether the publisher materialised ``table`` (etl.warehouse.MARTS); a warehouse written by
    an older version has none, and the queries then read fact_cell / fact_check directly."""
    row = con.execute("select count(*) from information_schema.tables where table_name = ?", [table]).fetchone()
    return bool(row and row[0])


def _df(con, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _df_arrow(con, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """Like :func:`_df` through Arrow: about 2× faster for wide results of many rows (the wide
    export at 100k reports).  The same frame as ``.df()`` (an empty result is fetched with
    ``.df()``, and an all-null text column gets the object dtype, as ``.df()`` gives them)."""
    tbl = con.execute(sql, params or []).to_arrow_table()
    if not tbl.num_rows:
        return _df(con, sql, params)
    df = tbl.to_pandas()
    for col in df.columns:       # .df() gives an all-null text column the object dtype
        if isinstance(df[col].dtype, pd.StringDtype) and df[col].isna().all():
            df[col] = pd.Series([None] * len(df), dtype=object, index=df.index)
    return df


def _check_ident(name: str, allowed) -> str:
    if name not in allowed:
        raise ValueError(f"unknown column {name!r}")
    return name


# ----------------------------------------------------------------------------- sidebar options
def q_filter_options(con, include_synthetic: bool = False) -> pd.DataFrame:
    """One row per agency with a current report: id, name, region, level, kind, years."""
    return _df(con, """
        select agency_id, agency_name, province, city, county, level, kind,
               min(year) as first_year, max(year) as last_year, count(*) as n_reports,
               bool_or(is_synthetic) as is_synthetic
        from v_report
        where ? or not is_synthetic
        group by all
        order by province, city nulls first, county nulls first, agency_name""", [include_synthetic])


def q_warehouse_info(con) -> pd.DataFrame:
    return _df(con, """
        select count(*) as n_reports, count(distinct agency_id) as n_agencies,
               min(year) as first_year, max(year) as last_year,
               sum(is_synthetic::int) as n_synthetic,
               (select max("at") from load_log) as last_load
        from v_report""")


# ----------------------------------------------------------------------------- overview and trends
def q_yearly(con, f: Filters, skip_years: bool = False) -> pd.DataFrame:
    """Per year: number of reports/agencies, sums of every METRIC, and each RATE's num/den/value."""
    rel = metrics_relation(con)
    where, params = f.where_clause(skip=("years",) if skip_years else ())
    sums = ",\n".join(f"sum({m}) as {m}" for m in METRICS)
    rates = ",\n".join(f"sum({r.num}) as {k}__num, sum({r.den}) as {k}__den" for k, r in RATES.items())
    df = _df(con, f"""
        select year, count(*) as n_reports, count(distinct agency_id) as n_agencies,
               sum(is_synthetic::int) as n_synthetic,
               {sums},
               {rates}
        from {rel} where {where}
        group by year order by year""", params)
    for k in RATES:
        df[k] = [rate_value(n, d) for n, d in zip(df[f"{k}__num"], df[f"{k}__den"])]
    return df


def q_yoy_panel(con, f: Filters, year: int) -> pd.DataFrame:
    """Like :func:`q_yearly` for ``year``-1 and ``year``, but only over agencies that have a
    report in both years (a like-for-like panel), so a change is never an artefact of which
    agencies happened to report."""
    rel = metrics_relation(con)
    where, params = f.where_clause(skip=("years",))
    sums = ",\n".join(f"sum({m}) as {m}" for m in METRICS)
    rates = ",\n".join(f"sum({r.num}) as {k}__num, sum({r.den}) as {k}__den" for k, r in RATES.items())
    df = _df(con, f"""
        with m as (select * from {rel} where {where} and year in (?, ?)),
        panel as (select agency_id from m group by agency_id having count(distinct year) = 2)
        select year, count(*) as n_reports, count(distinct agency_id) as n_agencies,
               {sums},
               {rates}
        from m where agency_id in (select agency_id from panel)
        group by year order by year""", params + [year - 1, year])
    for k in RATES:
        df[k] = [rate_value(n, d) for n, d in zip(df[f"{k}__num"], df[f"{k}__den"])]
    return df


def q_movers(con, f: Filters, metric: str, year: int, limit: int = 10) -> pd.DataFrame:
    """Agencies whose ``metric`` changed most from ``year``-1 to ``year`` (absolute change)."""
    col = _check_ident(metric, METRICS)
    rel = metrics_relation(con)
    where, params = f.where_clause(skip=("years",))
    return _df(con, f"""
        with m as (select agency_id, agency_name, year, {col} as v from {rel} where {where} and year in (?, ?))
        select c.agency_name, p.v as prev, c.v as cur, c.v - p.v as change,
               case when p.v = 0 then null else (c.v - p.v) / p.v end as change_pct
        from m c join m p on p.agency_id = c.agency_id and p.year = c.year - 1
        where c.year = ? and c.v is not null and p.v is not null
        order by abs(c.v - p.v) desc, c.agency_name limit ?""",
               params + [year - 1, year, year, limit])


def q_coverage(con, f: Filters) -> pd.DataFrame:
    """Agency × year presence (1 = a current report exists) for the filtered agencies.

    Years span the selected range (or all years in the warehouse); missing reports are 0.
    """
    rel = metrics_relation(con)
    where, params = f.where_clause(skip=("years",))
    y0, y1 = f.years if f.years else (None, None)
    return _df(con, f"""
        with ag as (select distinct agency_id, agency_name from {rel} where {where}),
             yr as (select unnest(range(coalesce(?, (select min(year) from v_report))::int,
                                        coalesce(?, (select max(year) from v_report))::int + 1)) as year),
             have as (select agency_id, year, n_checks_failed, n_uncertain from {rel} where {where})
        select ag.agency_name, ag.agency_id, yr.year,
               (have.agency_id is not null)::int as present,
               have.n_checks_failed, have.n_uncertain
        from ag cross join yr left join have using (agency_id, year)
        order by ag.agency_name, yr.year""", params + [y0, y1] + params)


# ----------------------------------------------------------------------------- table 二
def q_t2_by_year(con, f: Filters) -> pd.DataFrame:
    """Table 二 sums per year, template, row and column (long), with report counts."""
    if not f.agencies and has_mart(con, "mart_cell_by_group"):   # pre-summed per filter group
        rel = "mart_cell_by_group"
        where, params = f.where_clause()
        return _df(con, f"""
            select year, template, row_key, col_key, sum(value) as value, sum(n_values)::bigint as n_reports
            from {rel} where table_key = 't2' and {where}
            group by all order by year, row_key, col_key""", params)
    where, params = f.where_clause(alias="r")
    return _df(con, f"""
        select r.year, r.template, c.row_key, c.col_key, sum(c.value) as value,
               count(c.value) as n_reports
        from fact_cell c join v_report r using (report_id)
        where c.table_key = 't2' and {where}
        group by all order by r.year, c.row_key, c.col_key""", params)


def q_procurement_fees(con, f: Filters) -> pd.DataFrame:
    """Per year: procurement totals and project counts (2019 template) and fee amounts (2021)."""
    rel = metrics_relation(con)
    where, params = f.where_clause()
    return _df(con, f"""
        select year, template, count(*) as n_reports,
               sum(procurement_wan_yuan) as procurement_wan_yuan,
               sum(procurement_projects) as procurement_projects,
               count(procurement_wan_yuan) as n_procurement_reports,
               sum(fee_wan_yuan) as fee_wan_yuan,
               count(fee_wan_yuan) as n_fee_reports
        from {rel} where {where}
        group by all order by year, template""", params)


# ----------------------------------------------------------------------------- table 三
OUTCOME_GROUPS = [
    ("granted", "予以公开"), ("partially_granted", "部分公开"), ("denied_total", "不予公开"),
    ("unavailable_total", "无法提供"), ("not_processed_total", "不予处理"), ("other_all", "其他处理"),
]


def q_outcomes(con, f: Filters) -> pd.DataFrame:
    """Per year and outcome group (long): sum of the 总计 column."""
    rel = metrics_relation(con)
    where, params = f.where_clause()
    cols = ", ".join(f"sum({k}) as {k}" for k, _ in OUTCOME_GROUPS)
    wide = _df(con, f"select year, {cols}, sum(result_total) as result_total from {rel} "
                    f"where {where} group by year order by year", params)
    long = wide.melt(id_vars=["year", "result_total"], var_name="group_key", value_name="value")
    long["group_zh"] = long["group_key"].map(dict(OUTCOME_GROUPS))
    long["share"] = [rate_value(v, t) for v, t in zip(long["value"], long["result_total"])]
    return long


def q_t3_rows(con, f: Filters, rows: tuple[str, ...], col: str = "total") -> pd.DataFrame:
    """Per year and table-三 row: sum of one column (reason breakdowns)."""
    for r in rows:
        _check_ident(r, vocab.T3_ROW_KEYS)
    _check_ident(col, vocab.T3_COL_KEYS)
    keys = [f"t3.{r}.{col}" for r in rows]
    if not f.agencies and has_mart(con, "mart_cell_by_group"):
        rel = "mart_cell_by_group"
        where, params = f.where_clause()
        df = _df(con, f"""
            select year, row_key, sum(value) as value, sum(n_values)::bigint as n_reports
            from {rel} where cell_key in ({', '.join('?' * len(keys))}) and {where}
            group by all order by year, row_key""", keys + params)
    else:
        where, params = f.where_clause(alias="r")
        df = _df(con, f"""
            select r.year, c.row_key, sum(c.value) as value, count(c.value) as n_reports
            from fact_cell c join v_report r using (report_id)
            where c.cell_key in ({', '.join('?' * len(keys))}) and {where}
            group by all order by r.year, c.row_key""", keys + params)
    df["row_zh"] = [vocab.row_zh("t3", k) for k in df["row_key"]]
    return df


def q_applicants(con, f: Filters, row: str = "new_received") -> pd.DataFrame:
    """Per year and applicant type (the six applicant columns of one table-三 row)."""
    _check_ident(row, vocab.T3_ROW_KEYS)
    keys = [f"t3.{row}.{c}" for c in vocab.T3_APPLICANT_COLS]
    if not f.agencies and has_mart(con, "mart_cell_by_group"):
        rel = "mart_cell_by_group"
        where, params = f.where_clause()
        df = _df(con, f"""
            select year, col_key, sum(value) as value
            from {rel} where cell_key in ({', '.join('?' * len(keys))}) and {where}
            group by all order by year, col_key""", keys + params)
    else:
        where, params = f.where_clause(alias="r")
        df = _df(con, f"""
            select r.year, c.col_key, sum(c.value) as value
            from fact_cell c join v_report r using (report_id)
            where c.cell_key in ({', '.join('?' * len(keys))}) and {where}
            group by all order by r.year, c.col_key""", keys + params)
    df["col_zh"] = [vocab.col_zh("t3", k) for k in df["col_key"]]
    tot = df.groupby("year")["value"].transform("sum")
    df["share"] = [rate_value(v, t) for v, t in zip(df["value"], tot)]
    return df


# ----------------------------------------------------------------------------- table 四
def q_review_litigation(con, f: Filters) -> pd.DataFrame:
    """Per year and block: the five columns, decided = total − pending, and correction rate."""
    rel = metrics_relation(con)
    where, params = f.where_clause()
    blocks = []
    for row, p in _T4_PREFIX.items():
        blocks.append(f"""select year, '{row}' as block,
            sum({p}_upheld) as upheld, sum({p}_corrected) as corrected, sum({p}_other) as other,
            sum({p}_pending) as pending, sum({p}_total) as total
            from {rel} where {where} group by year""")
    df = _df(con, " union all ".join(blocks) + " order by year, block", params * len(blocks))
    df["block_zh"] = [vocab.row_zh("t4", b) for b in df["block"]]
    df["decided"] = df["total"] - df["pending"]
    df["correction_rate"] = [rate_value(c, d) for c, d in zip(df["corrected"], df["decided"])]
    return df


# ----------------------------------------------------------------------------- agency comparison
def q_agency_compare(con, f: Filters, year: int, metric: str) -> pd.DataFrame:
    """One row per agency for ``year``: value of a METRIC or RATE, its denominator, a rank.

    For a rate, agencies whose denominator is below the rate's ``min_den`` (30 applications
    for table-三 rates) get ``small_sample`` and no rank; ``peer_median`` is the median over
    ranked agencies.
    """
    rel = metrics_relation(con)
    where, params = f.where_clause(skip=("years",))
    if metric in RATES:
        r = RATES[metric]
        df = _df(con, f"""select agency_name, agency_id, level, kind, province, city, county,
                    new_received, {r.num} as num, {r.den} as den
                 from {rel} where {where} and year = ? order by agency_name""", params + [year])
        df["value"] = [rate_value(n, d) for n, d in zip(df["num"], df["den"])]
        df["small_sample"] = df["den"].fillna(0) < r.min_den
        if metric in ("disclosure_rate", "not_held_rate", "denied_rate", "carry_rate", "natural_person_share"):
            df["small_sample"] = df["small_sample"] | (df["new_received"].fillna(0) < 30)
    else:
        col = _check_ident(metric, METRICS)
        df = _df(con, f"""select agency_name, agency_id, level, kind, province, city, county,
                    new_received, {col} as value
                 from {rel} where {where} and year = ? order by agency_name""", params + [year])
        df["small_sample"] = False
    rankable = df[~df["small_sample"] & df["value"].notna()]
    df["rank"] = rankable["value"].rank(ascending=False, method="min").reindex(df.index)
    df["peer_median"] = rankable["value"].median() if len(rankable) else None
    return df.sort_values(["rank", "agency_name"], na_position="last").reset_index(drop=True)


# ----------------------------------------------------------------------------- data quality
def q_check_failures(con, f: Filters) -> pd.DataFrame:
    """Failing per-report identity checks: where (agency, year, check, scope) and by how much."""
    if has_mart(con, "mart_check_failure"):
        where, params = f.where_clause()
        return _df(con, f"""
            select agency_name, year, report_id, source_name, identity, check_id, scope,
                   lhs, rhs, delta, detail
            from mart_check_failure
            where {where}
            order by agency_name, year, check_id""", params)
    where, params = f.where_clause(alias="r")
    return _df(con, f"""
        select r.agency_name, r.year, r.report_id, r.source_name, k.identity, k.check_id, k.scope,
               k.lhs, k.rhs, k.delta, k.detail
        from fact_check k join v_report r using (report_id)
        where k.status = 'fail' and {where}
        order by r.agency_name, r.year, k.check_id""", params)


def q_cross_failures(con, f: Filters) -> pd.DataFrame:
    """Failing cross-year checks (I6 carry-over, I8 stock warnings) of the filtered agencies."""
    where, params = f.where_clause(alias="r")
    return _df(con, f"""
        select r.agency_name, k.year, k.identity, k.check_id, k.scope, k.lhs, k.rhs, k.delta, k.status, k.detail
        from fact_cross_check k join v_report r on r.agency_id = k.agency_id and r.year = k.year
        where k.status in ('fail', 'warn') and {where}
        order by r.agency_name, k.year, k.check_id""", params)


def q_check_summary(con, f: Filters) -> pd.DataFrame:
    if not f.agencies and has_mart(con, "mart_check_by_group"):
        rel = "mart_check_by_group"
        where, params = f.where_clause()
        return _df(con, f"""
            select identity, status, sum(n)::bigint as n from {rel}
            where {where} group by all order by identity, status""", params)
    where, params = f.where_clause(alias="r")
    return _df(con, f"""
        select k.identity, k.status, count(*) as n
        from fact_check k join v_report r using (report_id)
        where {where} group by all order by k.identity, k.status""", params)


def q_uncertain_cells(con, f: Filters, limit: int = 5000) -> pd.DataFrame:
    if has_mart(con, "mart_uncertain_cell"):
        where, params = f.where_clause()
        df = _df(con, f"""
            select agency_name, year, report_id, source_name, cell_key, value, value_raw,
                   uncertain_reason, method, page, source_table, source_row, source_col
            from mart_uncertain_cell
            where {where}
            order by agency_name, year, cell_key limit ?""", params + [limit])
    else:
        where, params = f.where_clause(alias="r")
        df = _df(con, f"""
            select r.agency_name, r.year, r.report_id, r.source_name, c.cell_key, c.value, c.value_raw,
                   c.uncertain_reason, c.method, c.page, c.source_table, c.source_row, c.source_col
            from fact_cell c join v_report r using (report_id)
            where c.uncertain and {where}
            order by r.agency_name, r.year, c.cell_key limit ?""", params + [limit])
    df.insert(5, "label_zh", [vocab.label_zh(k) for k in df["cell_key"]])
    return df


# ----------------------------------------------------------------------------- one report
def q_report_list(con, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Reports for the picker (at most ``limit``; flagged reports first)."""
    rel = metrics_relation(con)
    where, params = f.where_clause()
    return _df(con, f"""select report_id, agency_name, year, template, n_uncertain, n_checks_failed, is_synthetic
                        from {rel} where {where}
                        order by (n_checks_failed + n_uncertain) > 0 desc, agency_name, year desc
                        limit ?""", params + [limit])


def q_export_size(con, f: Filters) -> pd.DataFrame:
    """Number of reports and cells an export of the current filters would hold."""
    rel = metrics_relation(con)
    where, params = f.where_clause()
    return _df(con, f"select count(*) as n_reports, coalesce(sum(n_cells), 0) as n_cells from {rel} where {where}",
               params)


def q_report(con, report_id: str) -> pd.DataFrame:
    """The report's header row (any report, current or superseded)."""
    return _df(con, """select r.*, a.province, a.city, a.county, a.level, a.kind
                       from dim_report r left join dim_agency a using (agency_id)
                       where r.report_id = ?""", [report_id])


def q_report_cells(con, report_id: str) -> pd.DataFrame:
    df = _df(con, """select table_key, row_key, col_key, cell_key, value, value_raw, semantic, uncertain,
                            uncertain_reason, method, source_table, source_row, source_col, page
                     from fact_cell where report_id = ? order by source_table, source_row, source_col""",
             [report_id])
    df["label_zh"] = [vocab.label_zh(k) for k in df["cell_key"]]
    return df


def q_report_checks(con, report_id: str) -> pd.DataFrame:
    return _df(con, """select identity, check_id, scope, lhs, rhs, delta, status, detail
                       from fact_check where report_id = ?
                       order by status = 'fail' desc, identity, check_id""", [report_id])


# ----------------------------------------------------------------------------- export
def q_export_long(con, f: Filters) -> pd.DataFrame:
    """One row per cell of the filtered current reports, Chinese labels beside keys."""
    where, params = f.where_clause(alias="r")
    df = _df(con, f"""
        select r.report_id, r.agency_id, r.agency_name, r.province, r.city, r.county, r.level, r.kind,
               r.year, r.template, c.table_key, c.row_key, c.col_key, c.cell_key,
               c.value, c.value_raw, c.semantic, c.uncertain, c.uncertain_reason, c.method,
               c.page, c.source_table, c.source_row, c.source_col, r.source_name, r.is_synthetic
        from fact_cell c join v_report r using (report_id)
        where {where}
        order by r.agency_name, r.year, c.table_key, c.source_row, c.source_col""", params)
    df.insert(df.columns.get_loc("cell_key") + 1, "label_zh", [vocab.label_zh(k) for k in df["cell_key"]])
    df.insert(df.columns.get_loc("level") + 1, "level_zh", df["level"].map(LEVEL_ZH))
    return df


def q_export_wide(con, f: Filters) -> pd.DataFrame:
    """One row per filtered current report: the metrics mart with its key columns."""
    rel = metrics_relation(con)
    where, params = f.where_clause()
    df = _df_arrow(con, f"select * from {rel} where {where} order by agency_name, year", params)
    df.insert(df.columns.get_loc("level") + 1, "level_zh", df["level"].map(LEVEL_ZH))
    return df


def wide_labels() -> dict[str, str]:
    """Chinese label of each wide-export column that has one (for a second header row)."""
    out = {col: vocab.label_zh(key) for col, key in PIVOT_COLUMNS}
    out.update({k: m.zh for k, m in METRICS.items()})
    return out
