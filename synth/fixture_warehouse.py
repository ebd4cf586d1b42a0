"""A small fixture warehouse for dashboard tests and benchmarks, built by code (Datasette's write_fixture_database).

``build_warehouse(path)`` executes ``etl/schema.sql`` in a fresh DuckDB file and inserts a
handful of fictional reports: two provinces, province/city/county agencies, governments and
departments, years 2019–2024 in both templates, one missing year, one superseded file, a
synthetic agency, failing identity checks and uncertain cells.  ``REPORTS`` keeps every
report's cells as Python dicts so tests compute expected numbers without SQL.

All names are fictional stand-ins; none of the figures come from a real report.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from etl import vocab

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "etl" / "schema.sql"

REGIONS = [
    # code, name, level, parent, province, city, county
    ("320000", "江苏省", "province", None, "江苏省", None, None),
    ("320800", "淮安市", "city", "320000", "江苏省", "淮安市", None),
    ("320813", "洪泽区", "county", "320800", "江苏省", "淮安市", "洪泽区"),
    ("370000", "山东省", "province", None, "山东省", None, None),
    ("371500", "聊城市", "city", "370000", "山东省", "聊城市", None),
    ("371502", "东昌府区", "county", "371500", "山东省", "聊城市", "东昌府区"),
]


@dataclass(frozen=True)
class Agency:
    key: str
    name: str
    region_code: str
    level: str
    kind: str
    scale: int               # applications per year, roughly
    synthetic: bool = False

    @property
    def agency_id(self) -> str:
        return hashlib.sha1(self.name.encode()).hexdigest()[:12]

    @property
    def region(self) -> tuple:
        return next(r for r in REGIONS if r[0] == self.region_code)


AGENCIES = [
    Agency("js_gov", "江苏省人民政府办公厅", "320000", "province", "government", 400),
    Agency("ha_gov", "淮安市人民政府", "320800", "city", "government", 200),
    Agency("ha_mz", "淮安市民政局", "320800", "city", "department", 60),
    Agency("hz_gov", "淮安市洪泽区人民政府", "320813", "county", "government", 90),
    Agency("lc_mz", "聊城市民政局", "371500", "city", "department", 8),     # < 30 applications
    Agency("dcf_gov", "聊城市东昌府区人民政府", "371502", "county", "government", 120),
    Agency("demo", "示例市虚构局", "371500", "city", "department", 300, synthetic=True),
]
AGENCY = {a.key: a for a in AGENCIES}
YEARS = range(2019, 2025)
MISSING = {("ha_mz", 2022)}                  # a report that was never published
OLD_LAYOUT_T3 = {("hz_gov", 2023)}           # 2021 template but table 三 keeps （六）其他处理 as one row
# A report whose printed （七）总计 is off: value added to t3.result_total.total
BROKEN_TOTAL = {("ha_gov", 2021): 2}
UNCERTAIN = {
    ("dcf_gov", 2023): {"t3.granted.natural_person": "数字粘连，按位数拆分"},
    ("hz_gov", 2020): {"t4.admin_reconsideration.total": "行标签缺失，按顺序读取"},
}

APPLICANT_WEIGHTS = {  # shares of each applicant column in new_received
    "natural_person": 0.62, "commercial_enterprise": 0.18, "research_institution": 0.02,
    "social_welfare_org": 0.03, "legal_service_org": 0.1,
}
OUTCOME_SHARES = [  # (row, share of result_total) — the remainder goes to 其他处理
    ("granted", 0.40), ("partially_granted", 0.10), ("denied_state_secret", 0.0),
    ("denied_prohibited_by_law", 0.01), ("denied_security_stability", 0.0),
    ("denied_third_party_rights", 0.02), ("denied_internal_affairs", 0.01),
    ("denied_process_info", 0.03), ("denied_enforcement_file", 0.01),
    ("denied_admin_query", 0.04), ("unavailable_not_held", 0.22),
    ("unavailable_needs_creation", 0.05), ("unavailable_unclear_after_correction", 0.02),
    ("not_processed_petition_complaint", 0.03), ("not_processed_duplicate", 0.03),
    ("not_processed_publication", 0.0), ("not_processed_excessive", 0.01),
    ("not_processed_confirmation", 0.0),
]


@dataclass
class FixtureReport:
    agency: Agency
    year: int
    template: str
    other_as_single_row: bool
    cells: dict[str, float | None]
    raw: dict[str, str]
    uncertain: dict[str, str] = field(default_factory=dict)
    is_current: bool = True
    version: int = 1

    @property
    def report_id(self) -> str:
        return hashlib.sha256(f"{self.agency.name}|{self.year}|v{self.version}".encode()).hexdigest()[:16]

    def v(self, key: str) -> float:
        """Cell value, None as 0 (for expected sums)."""
        return self.cells.get(key) or 0


def _n(x: float) -> int:
    return int(round(x))


def _make_report(a: Agency, year: int, prior: dict[str, int] | None, version: int = 1) -> FixtureReport:
    template = "2019" if year <= 2020 else "2021"
    single = template == "2019" or (a.key, year) in OLD_LAYOUT_T3
    cells: dict[str, float | None] = {}
    raw: dict[str, str] = {}
    growth = 1 + 0.08 * (year - 2019) + (0.05 * version if version > 1 else 0)
    n_new = _n(a.scale * growth * (1.1 if a.key == "ha_gov" and year == 2024 else 1))
    t3_rows = vocab.t3_rows_for(template, single)
    for col in vocab.T3_APPLICANT_COLS:
        new = _n(n_new * APPLICANT_WEIGHTS[col]) if col != "other_org" else \
            n_new - sum(_n(n_new * w) for w in APPLICANT_WEIGHTS.values())
        carried_in = (prior or {}).get(col, _n(new * 0.05))
        accepted = new + carried_in
        carried_out = accepted // 10
        result = accepted - carried_out
        vals = {"new_received": new, "carried_over_from_prior": carried_in,
                "result_total": result, "carried_to_next": carried_out}
        used = 0
        for row, share in OUTCOME_SHARES:
            vals[row] = _n(result * share)
            used += vals[row]
        rest = result - used
        if single:
            vals["other_total"] = rest
        else:
            vals["other_no_correction"] = rest // 2
            vals["other_fee_unpaid"] = 0
            vals["other_other"] = rest - rest // 2
        for row in t3_rows:
            cells[f"t3.{row}.{col}"] = vals[row]
    for row in t3_rows:
        cells[f"t3.{row}.total"] = sum(cells[f"t3.{row}.{c}"] for c in vocab.T3_APPLICANT_COLS)
    if (a.key, year) in BROKEN_TOTAL:
        cells["t3.result_total.total"] += BROKEN_TOTAL[(a.key, year)]
    # table 四: some pending cases so that corrected/(total - pending) differs from corrected/total
    k = max(1, a.scale // 40) + (year - 2019) % 3
    for i, row in enumerate(vocab.T4_ROW_KEYS):
        upheld, corrected, other, pending = k + i, (k // 2 + year % 2) if i < 2 else 0, i, (k // 3 + 1)
        if a.key == "lc_mz":  # a tiny agency with no cases at all: rates must show —
            upheld = corrected = other = pending = 0
        cells.update({f"t4.{row}.upheld": upheld, f"t4.{row}.corrected": corrected,
                      f"t4.{row}.other": other, f"t4.{row}.pending": pending,
                      f"t4.{row}.total": upheld + corrected + other + pending})
    # table 二
    s = a.scale // 20 + 1
    if template == "2019":
        for row in ("regulations", "normative_documents"):
            cells.update({f"t2.{row}.newly_made_count": s, f"t2.{row}.newly_published_count": s,
                          f"t2.{row}.total_published_count": 10 * s + year - 2019})
        for row in ("admin_licensing", "other_external_services", "admin_penalty", "admin_coercion"):
            cells.update({f"t2.{row}.prior_year_item_count": 3 * s, f"t2.{row}.item_count_change": -1,
                          f"t2.{row}.decision_count": 50 * s + year})
        cells.update({"t2.admin_fees.prior_year_item_count": 4, "t2.admin_fees.item_count_change": None,
                      "t2.centralized_procurement.procurement_project_count": 2 * s + year - 2019,
                      "t2.centralized_procurement.procurement_amount_wan_yuan": round(123.456 * s + (year - 2019), 3)})
    else:
        for row in ("regulations", "normative_documents"):
            cells.update({f"t2.{row}.issued_count": s, f"t2.{row}.repealed_count": 1,
                          f"t2.{row}.in_force_count": 5 * s + year - 2021})
        for row in ("admin_licensing", "admin_penalty", "admin_coercion"):
            cells[f"t2.{row}.decision_count"] = 60 * s + year
        cells["t2.admin_fees.fee_amount_wan_yuan"] = round(10.5 * s + (year - 2021) * 0.25, 2)
    for key, val in cells.items():
        if val is None:
            raw[key] = "/"
        elif key.startswith("t3.denied_state_secret") and template == "2019":
            raw[key] = ""   # printed blank, read as 0
        elif key.endswith("procurement_amount_wan_yuan"):
            raw[key] = f"{val * 10000:.0f}元"
        else:
            raw[key] = f"{val:g}" if isinstance(val, float) else str(val)
    unc = dict(UNCERTAIN.get((a.key, year), {}))
    return FixtureReport(a, year, template, single, cells, raw, unc, version=version)


def _build_reports() -> list[FixtureReport]:
    out: list[FixtureReport] = []
    for a in AGENCIES:
        prior = None
        for y in YEARS:
            if (a.key, y) in MISSING:
                prior = None
                continue
            r = _make_report(a, y, prior)
            out.append(r)
            prior = {c: int(r.cells[f"t3.carried_to_next.{c}"]) for c in vocab.T3_APPLICANT_COLS}
    # a superseded file: 江苏省人民政府办公厅 2024 was first loaded with other numbers, then replaced
    old = _make_report(AGENCY["js_gov"], 2024, None, version=2)
    old.is_current = False
    out.append(old)
    return out


REPORTS: list[FixtureReport] = _build_reports()


def current(include_synthetic: bool = False) -> list[FixtureReport]:
    return [r for r in REPORTS if r.is_current and (include_synthetic or not r.agency.synthetic)]


def find(agency_key: str, year: int) -> FixtureReport:
    return next(r for r in REPORTS if r.agency.key == agency_key and r.year == year and r.is_current)


# ----------------------------------------------------------------------------- checks
def _checks(r: FixtureReport) -> list[tuple]:
    rows = []
    c = r.cells
    outcome = [k for k in vocab.t3_rows_for(r.template, r.other_as_single_row)
               if k not in ("new_received", "carried_over_from_prior", "result_total", "carried_to_next")]
    for col in vocab.T3_COL_KEYS:
        lhs = c[f"t3.new_received.{col}"] + c[f"t3.carried_over_from_prior.{col}"]
        rhs = c[f"t3.result_total.{col}"] + c[f"t3.carried_to_next.{col}"]
        rows.append((f"I1.t3.{col}", "I1", f"表三 {vocab.col_zh('t3', col)}列：新收+结转 = 总计+结转下年", lhs, rhs))
        lhs = c[f"t3.result_total.{col}"]
        rhs = sum(c[f"t3.{k}.{col}"] for k in outcome)
        rows.append((f"I2.t3.{col}", "I2", f"表三 {vocab.col_zh('t3', col)}列：（七）总计 = 各办理结果之和", lhs, rhs))
    for row in vocab.T4_ROW_KEYS:
        lhs = sum(c[f"t4.{row}.{k}"] for k in ("upheld", "corrected", "other", "pending"))
        rows.append((f"I4.t4.{row}", "I4", f"表四 {vocab.row_zh('t4', row)}：维持+纠正+其他+尚未审结 = 总计",
                     lhs, c[f"t4.{row}.total"]))
    return [(r.report_id, cid, ident, scope, float(l), float(rh), float(l - rh),
             "pass" if l == rh else "fail", None) for cid, ident, scope, l, rh in rows]


def failed_checks(r: FixtureReport) -> list[tuple]:
    return [c for c in _checks(r) if c[7] == "fail"]


def _cross_checks() -> list[tuple]:
    out = []
    cur = {(r.agency.key, r.year): r for r in REPORTS if r.is_current}
    for (key, year), r in sorted(cur.items()):
        prev = cur.get((key, year - 1))
        if prev is None:
            continue
        lhs, rhs = r.cells["t3.carried_over_from_prior.total"], prev.cells["t3.carried_to_next.total"]
        out.append((r.agency.agency_id, year, "I6.total", "I6", "上年结转 = 上一年度结转下年度（总计列）",
                    float(lhs), float(rhs), float(lhs - rhs), "pass" if lhs == rhs else "fail", None))
    return out


# ----------------------------------------------------------------------------- writing
_T2_ORDER = [r.key for r in vocab.T2_ROWS]


def _position(r: FixtureReport, key: str) -> tuple[int, int, int, int]:
    table, row, col = vocab.split_key(key)
    if table == "t2":
        return 0, 2 + _T2_ORDER.index(row), 1 + [c.key for c in vocab.T2_COLS].index(col), 2
    if table == "t3":
        rows = vocab.t3_rows_for(r.template, r.other_as_single_row)
        return 1, 3 + rows.index(row), 2 + vocab.T3_COL_KEYS.index(col), 3
    return 2, 2 + vocab.T4_ROW_KEYS.index(row), 1 + vocab.T4_COL_KEYS.index(col), 4


def schema_sql() -> str:
    """etl/schema.sql as shipped; works around ``load_log.at`` (a DuckDB keyword) until the
    warehouse owner quotes it."""
    sql = SCHEMA.read_text(encoding="utf-8")
    try:
        duckdb.connect().execute(sql)
    except duckdb.ParserException:
        sql = re.sub(r"^(\s+)at(\s+timestamp)", r'\1"at"\2', sql, flags=re.M)
    return sql


def build_warehouse(path: str | Path) -> Path:
    """Create ``path`` (overwriting) with the schema and the fixture rows; returns the path."""
    path = Path(path)
    for p in (path, Path(str(path) + ".wal")):
        if p.exists():
            p.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute(schema_sql())
        con.executemany("insert into dim_region values (?,?,?,?,?,?,?)", REGIONS)
        ag_rows = []
        for a in AGENCIES:
            reg = a.region
            ag_rows.append((a.agency_id, a.name, a.region_code, reg[4], reg[5], reg[6], a.level, a.kind,
                            a.synthetic, "override"))
        con.executemany("insert into dim_agency values (?,?,?,?,?,?,?,?,?,?)", ag_rows)
        rep_rows, cell_rows, check_rows = [], [], []
        loaded = datetime(2025, 3, 1, 9, 0)
        js_new = find("js_gov", 2024).report_id
        for r in REPORTS:
            checks = _checks(r)
            check_rows += checks
            ext = "json" if r.agency.synthetic else ("html" if r.year % 2 else "pdf")
            name = f"{r.agency.name}{r.year}年政府信息公开工作年度报告.{ext}"
            rep_rows.append((
                r.report_id, r.agency.agency_id, r.agency.name, r.year, r.template, r.other_as_single_row,
                f"{r.agency.name}{r.year}年政府信息公开工作年度报告", f"data/raw/{name}", name,
                hashlib.sha256(name.encode()).hexdigest(), ext, 10_000 + r.year, "1.0.0", loaded,
                r.is_current, None if r.is_current else js_new, r.agency.synthetic,
                len(r.cells), len(r.uncertain), sum(1 for c in checks if c[7] == "fail")))
            for key, val in r.cells.items():
                table, row, col = vocab.split_key(key)
                raw = r.raw[key]
                sem = "na" if val is None else ("blank" if raw == "" else "number")
                unc = key in r.uncertain
                st, sr, sc, page = _position(r, key)
                cell_rows.append((r.report_id, table, row, col, key, val, raw, sem, unc,
                                  r.uncertain.get(key), "split" if unc and table == "t3" else
                                  ("order" if unc else "cell"), st, sr, sc, page))
        import pandas as pd
        for table, rows in (("dim_report", rep_rows), ("fact_cell", cell_rows), ("fact_check", check_rows),
                            ("fact_cross_check", _cross_checks())):
            cols = [d[0] for d in con.execute(f"select * from {table} limit 0").description]
            cols = cols[:len(rows[0])] if rows else cols   # columns added later (crawl provenance) stay null
            df = pd.DataFrame(rows, columns=cols)  # noqa: F841 — scanned by DuckDB
            con.execute(f"insert into {table} ({', '.join(cols)}) select * from df")
        con.execute("insert into load_log values ('fixture', ?, 'fixture', 'loaded', null, null)", [loaded])
        from etl import assess_store
        assess_store.recompute(con)      # 年报评估 scores, as a publish computes them
        con.execute("checkpoint")
    finally:
        con.close()
    return path


def write_report_json(path: str | Path, agency: str = "测试县测试局", year: int = 2024) -> Path:
    """A structured report file in the spec's JSON form (``python -m etl parse`` output), for uploads."""
    a = Agency("upload", agency, "371502", "county", "department", 50)
    r = _make_report(a, year, None)
    doc = {"agency": agency, "year": year, "template": r.template, "cells": r.cells, "uncertain": {},
           "title": f"{agency}{year}年政府信息公开工作年度报告",
           "other_as_single_row": r.other_as_single_row, "synthetic": False}
    path = Path(path)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


if __name__ == "__main__":  # python tests/dashboard_fixtures.py /tmp/fixture.duckdb
    import sys
    print(build_warehouse(sys.argv[1] if len(sys.argv) > 1 else "/tmp/gknb_fixture.duckdb"))
