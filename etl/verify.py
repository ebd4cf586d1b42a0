"""``etl verify``: recompute everything the warehouse stores that can be recomputed, and list
every difference.

Role in the ETL: the warehouse is a file anyone with write access can edit.  Verify trusts
nothing in it that it can derive again:

* **Structure** (SQL, no source needed): exactly one current report per agency-year; the
  version chain (a current report is superseded by nobody, an old one by a report of the same
  agency-year) agrees with ``load_log`` (a report the log says replaced another is not
  itself superseded by the one it replaced; every report the log loaded still exists);
  ``dim_report``'s counts (cells, uncertain, failed checks) equal the fact tables; no facts
  without a report; every mart table equals the view it materialises; ``fact_cross_check``
  equals a fresh computation.
* **Against the source** (every stored report, current and history, re-parsed in supervised
  workers): the source file exists and has the stored sha256 (an old version whose file a
  newer version has since rewritten in place is only checked for presence); agency, year, template,
  the single-other-row flag and the synthetic mark; every cell's value and its uncertain
  flag; every identity check's status and sides.

Each difference is one line ``report_id <TAB> agency year <TAB> what <TAB> detail`` with file
names escaped (:func:`etl.safe_names.printable`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from etl import agencies, checks, warehouse
from etl.rows import cell_rows
from etl.safe_names import printable


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def _structure(con) -> list[str]:
    """Differences visible inside the warehouse alone."""
    out: list[str] = []

    def add(rid, who, what, detail=""):
        out.append(f"{rid}\t{who}\t{what}\t{printable(str(detail))}".rstrip("\t"))

    for aid, year, n in con.execute("""
            select agency_id, year, count(*) filter (where is_current) from dim_report
            group by all having count(*) filter (where is_current) <> 1 order by all""").fetchall():
        add("-", f"{aid} {year}", "当前版本数不是 1 current versions", n)
    for rid, name, year, cur, sup, why in con.execute("""
            select r.report_id, r.agency_name, r.year, r.is_current, r.superseded_by,
                   case when r.is_current and r.superseded_by is not null then 'current but superseded'
                        when not r.is_current and s.report_id is null then 'superseded by a missing report'
                        when not r.is_current and (s.agency_id <> r.agency_id or s.year <> r.year)
                             then 'superseded by another agency-year'
                        when r.report_id = r.superseded_by then 'superseded by itself' end
            from dim_report r left join dim_report s on s.report_id = r.superseded_by
            where (r.is_current and r.superseded_by is not null)
               or (not r.is_current and (s.report_id is null or s.agency_id <> r.agency_id
                                         or s.year <> r.year or r.report_id = r.superseded_by))
            order by all""").fetchall():
        add(rid, f"{name} {year}", "版本链错误 version chain", f"{why} (is_current={cur}, superseded_by={sup})")
    for rid, old, in con.execute("""
            select l.report_id, trim(substr(l.reason, 10)) from load_log l
            where l.status = 'replaced' and l.reason like 'replaces %' order by all""").fetchall():
        row = con.execute("""select o.superseded_by, o.is_current, n.superseded_by from dim_report o
                             left join dim_report n on n.report_id = ? where o.report_id = ?""",
                          [rid, old]).fetchall()
        if row and (row[0][1] or row[0][2] == old):
            add(rid, "-", "当前/历史版本被调换 current/superseded swapped",
                f"load_log: {rid} replaced {old}, but {old} is_current={row[0][1]}")
    for rid, status in con.execute("""
            select distinct l.report_id, l.status from load_log l
            where l.status in ('loaded', 'replaced') and l.report_id is not null
              and l.report_id not in (select report_id from dim_report) order by all""").fetchall():
        add(rid, "-", "报告被删除 report deleted", f"load_log says {status}, dim_report has no row")
    for rid, in con.execute("""
            select distinct report_id from (select report_id from fact_cell union all select report_id from fact_check)
            where report_id not in (select report_id from dim_report) order by all""").fetchall():
        add(rid, "-", "报告被删除 report deleted", "facts without a dim_report row")
    for rid, name, year, what, stored, actual in con.execute("""
            with c as (select report_id, count(*) n, count(*) filter (where uncertain) u from fact_cell group by all),
                 k as (select report_id, count(*) filter (where status = 'fail') f from fact_check group by all)
            select r.report_id, r.agency_name, r.year, x.what, x.stored, x.actual
            from dim_report r left join c using (report_id) left join k using (report_id),
            lateral (values ('n_cells', r.n_cells, coalesce(c.n, 0)),
                            ('n_uncertain', r.n_uncertain, coalesce(c.u, 0)),
                            ('n_checks_failed', r.n_checks_failed, coalesce(k.f, 0))) x(what, stored, actual)
            where x.stored is distinct from x.actual order by all""").fetchall():
        add(rid, f"{name} {year}", f"计数不符 {what}", f"stored={stored} facts={actual}")
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    for table, (view, _what, _key) in warehouse.MARTS.items():
        if table not in tables:
            continue
        n = con.execute(f"""select (select count(*) from (select * from {table} except all select * from {view}))
                                 + (select count(*) from (select * from {view} except all select * from {table}))"""
                        ).fetchall()[0][0]
        if n:
            add("-", table, "汇总表与视图不一致 mart differs from its view", f"{view}: {n} rows differ")
    n = con.execute(f"""with fresh as ({warehouse.cross_checks_sql()})
        select (select count(*) from (select * from fact_cross_check except all select * from fresh))
             + (select count(*) from (select * from fresh except all select * from fact_cross_check))""").fetchall()[0][0]
    if n:
        add("-", "fact_cross_check", "跨年校验与重新计算不符 cross-year checks differ", f"{n} rows differ")
    return out


def verify(db_path: Path, *, workers: int = 1, in_process: bool = False) -> tuple[int, list[str]]:
    """Check the warehouse (see the module docstring).

    Returns (number of reports re-parsed, list of difference lines)."""
    con = warehouse.connect_readonly(Path(db_path))
    try:
        diffs = _structure(con)
        reports = con.execute("""select report_id, source_path, agency_name, year, template, other_as_single_row,
                                        is_synthetic, is_current from dim_report
                                 order by source_path, report_id""").fetchall()
        cells: dict[str, dict[str, tuple[float | None, bool]]] = {}
        for rid, key, value, unc in con.execute("select report_id, cell_key, value, uncertain from fact_cell").fetchall():
            cells.setdefault(rid, {})[key] = (value, bool(unc))
        stored_checks: dict[str, dict[str, tuple]] = {}
        for rid, cid, status, lhs, rhs in con.execute(
                "select report_id, check_id, status, lhs, rhs from fact_check").fetchall():
            stored_checks.setdefault(rid, {})[cid] = (status, lhs, rhs)
    finally:
        con.close()
    by_path: dict[str, list[tuple]] = {}
    for r in reports:
        p = Path(r[1])
        if not p.is_file():
            diffs.append(f"{r[0]}\t{r[2]} {r[3]}\t源文件不存在 source missing\t{printable(r[1])}")
        else:
            by_path.setdefault(r[1], []).append(r)
    compared = 0
    for res in warehouse.parse_results([Path(p) for p in by_path], workers, in_process=in_process):
        for rid, path, agency, year, template, single, synthetic, current in by_path.get(res.path, []):
            who = f"{agency} {year}"
            rep = res.report
            if rep is None:
                diffs.append(f"{rid}\t{who}\t无法重新解析 cannot re-parse\t{printable(path)}: {printable(res.error or '')}")
                continue
            d: list[tuple[str, str]] = []
            rep = next((p for p in rep.parts if str(p.source.get("sha256"))[:16] == rid), rep)  # a bundle's part
            if rep.source.get("sha256") and str(rep.source["sha256"])[:16] != rid:
                if not current:
                    continue      # an old version whose file was since rewritten by a newer one
                d.append(("源文件已改变 source file changed since load", printable(path)))
            compared += 1
            name_c = agencies.canonical_agency(rep.agency)[0] or rep.agency
            for what, have, new in (("机构 agency", agency, name_c), ("年度 year", year, rep.year),
                                    ("模板 template", template, rep.template),
                                    ("other_as_single_row", bool(single), bool(rep.other_as_single_row)),
                                    ("示例数据 synthetic", bool(synthetic), bool(rep.synthetic))):
                if have != new:
                    d.append((f"{what} 不符", f"stored={have} reparsed={new}"))
            have_cells = cells.get(rid, {})
            # the rows a load makes: the cells and the flagged cells with no value (rows.cell_rows)
            new_cells = {r[4]: r[5] for r in cell_rows(rep, rid)}
            for k in sorted(set(have_cells) | set(new_cells)):
                if k not in new_cells:
                    d.append((k, f"仓库有、重新解析无 stored={_fmt(have_cells[k][0])} reparsed=absent"))
                elif k not in have_cells:
                    d.append((k, f"重新解析多出 stored=absent reparsed={_fmt(new_cells[k])}"))
                else:
                    if not _same(have_cells[k][0], new_cells[k]):
                        d.append((k, f"值不同 stored={_fmt(have_cells[k][0])} reparsed={_fmt(new_cells[k])}"))
                    if have_cells[k][1] != (k in rep.uncertain):
                        d.append((k, f"不确定标记不同 uncertain stored={have_cells[k][1]} reparsed={k in rep.uncertain}"))
            have_checks = stored_checks.get(rid, {})
            new_checks = {c["check_id"]: (c["status"], c["lhs"], c["rhs"]) for c in checks.run_checks(rep)}
            for cid in sorted(set(have_checks) | set(new_checks)):
                a, b = have_checks.get(cid), new_checks.get(cid)
                if a is None or b is None or a[0] != b[0] or not _same(a[1], b[1]) or not _same(a[2], b[2]):
                    d.append((f"校验 check {cid}", f"stored={a} recomputed={b}"))
            diffs += [f"{rid}\t{who}\t{what}\t{detail}" for what, detail in d]
    return compared, diffs
