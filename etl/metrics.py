"""The metrics view ``v_report_metrics``: one row per current report with its key figures.

The schema owns it: ``etl/schema.sql`` carries exactly the text :func:`metrics_view_sql` returns
(a test checks), and the publisher materialises it as ``mart_report_metrics``.  The dashboard's
read model (``app.queries``) reads the columns named here.
"""
from __future__ import annotations

from etl import vocab

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


def derived_columns() -> list[tuple[str, str]]:
    """(column, SQL expression over the pivoted columns) of v_report_metrics' derived figures."""
    return [
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


def metrics_view_sql() -> str:
    """DDL of ``v_report_metrics``; ``etl/schema.sql`` carries exactly this text (a test checks)."""
    pivots = ",\n".join(f"        max(value) filter (where cell_key = '{key}') as {col}"
                        for col, key in PIVOT_COLUMNS)
    keys = ", ".join(f"'{key}'" for _, key in PIVOT_COLUMNS)
    derived = derived_columns()
    derived_sql = ",\n".join(f"    {expr} as {name}" for name, expr in derived)
    # pivoted has one row per current report (the left join keeps reports without such cells) and
    # comes first: a filter on report_id then reaches fact_cell (a publish rebuilds a few reports'
    # rows: etl.warehouse.materialize_marts)
    return f"""create or replace view v_report_metrics as
with pivoted as (
    select cur.report_id,
{pivots}
    from dim_report cur left join v_fact_cell c on c.report_id = cur.report_id and c.cell_key in ({keys})
    where cur.is_current
    group by cur.report_id
)
select p.report_id, r.agency_id, r.agency_name, r.year, r.template, r.other_as_single_row,
       r.province, r.city, r.county, r.region_code, r.level, r.kind, r.is_synthetic,
       r.source_name, r.n_cells, r.n_uncertain, r.n_checks_failed, r.n_corrected,
       p.* exclude (report_id),
{derived_sql}
from pivoted p join v_report r using (report_id);"""


