"""The assessment in the warehouse: rows of a report's text at load, findings at publish.

:func:`section_rows` / :func:`input_rows` are what :meth:`etl.warehouse.Staging.apply` appends
for one report (its text sections; the text findings a bundled report ships).
:func:`recompute` runs at every publish (after the cross-year checks): it gathers each current
report's facts with a few set-wise queries (tables present and all-zero, figures equal to last
year's, failing checks, the cells the text may state), runs the similarity pass over the
narrative sections (etl.similarity), scores every report with the rubric (etl.assess) and
replaces ``fact_assessment`` and ``fact_score``.
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from etl import assess
from etl.similarity import SectionDoc, peer_matches, previous_matches

FINDING_COLS = ("report_id", "indicator", "item", "status", "points_lost", "message", "section_key", "position",
                "length", "quote", "cell_key", "cell_value", "stated_value", "other_report_id", "other_year",
                "similarity", "passages", "origin")


def section_rows(report: Any, report_id: str) -> list[tuple]:
    return [(report_id, i, s["key"], s.get("heading") or None, s["text"], s.get("position"), s.get("page"),
             s.get("level")) for i, s in enumerate(report.sections)]


def input_rows(report: Any, report_id: str) -> list[tuple]:
    if report.sections or not report.assessment:
        return []
    original = str((report.source.get("original") or {}).get("sha256") or "")[:16] or None
    return [(report_id, original, json.dumps(report.assessment, ensure_ascii=False))]


def _has_column(con, table: str, column: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.columns where table_name = ? and column_name = ?",
                            [table, column]).fetchone()[0])


def gather(con) -> list[assess.ReportFacts]:
    """Facts of every current report."""
    pub = "published_at::varchar" if _has_column(con, "dim_report", "published_at") else "null"
    facts: dict[str, assess.ReportFacts] = {}
    for rid, aid, year, tmpl, level, kind, published in con.execute(f"""
            select r.report_id, r.agency_id, r.year, r.template, a.level, a.kind, {pub}
            from dim_report r left join dim_agency a using (agency_id) where r.is_current""").fetchall():
        facts[rid] = assess.ReportFacts(rid, aid, int(year), tmpl, level, kind, published_at=published)
    for rid, key, heading, text, position, page, level in con.execute("""
            select s.report_id, s.section_key, s.heading, s.text, s.position, s.page, s.level
            from report_section s join dim_report r using (report_id) where r.is_current
            order by s.report_id, s.ord""").fetchall():
        facts[rid].sections.append({"key": key, "heading": heading or "", "text": text, "position": position,
                                    "page": page, "level": level})
    originals = dict(con.execute("""select i.original_id, i.report_id from report_assessment_input i
                                      join dim_report r using (report_id) where r.is_current""").fetchall())
    for rid, findings in con.execute("""select i.report_id, i.findings from report_assessment_input i
                                        join dim_report r using (report_id) where r.is_current""").fetchall():
        shipped = json.loads(findings)
        for f in shipped:   # the other report by its original file's id → the loaded one's
            if f.get("other_report_id"):
                f["other_report_id"] = originals.get(f["other_report_id"], f["other_report_id"])
        facts[rid].bundled = shipped
    for rid, table, n, zero in con.execute("""
            select c.report_id, c.table_key, count(c.value), coalesce(bool_and(c.value = 0), false)
            from v_fact_cell c join dim_report r using (report_id) where r.is_current group by all""").fetchall():
        facts[rid].table_values[table] = int(n)
        facts[rid].table_zero[table] = bool(zero)
    keys = ", ".join(f"'{k}'" for k in assess.CLAIM_KEYS)   # fixed registry, no user text
    for rid, key, value in con.execute(f"""
            select c.report_id, c.cell_key, c.value from v_fact_cell c join dim_report r using (report_id)
            where r.is_current and c.cell_key in ({keys})
              and c.report_id in (select report_id from report_section)""").fetchall():
        facts[rid].cells[key] = value
    for rid, prev_id, prev_year, compared, same in con.execute("""
            with cur as (select report_id, agency_id, year from dim_report where is_current),
            pairs as (select n.report_id as cur_id, p.report_id as prev_id, p.year as prev_year
                      from cur n join cur p on p.agency_id = n.agency_id and p.year = n.year - 1)
            select pr.cur_id, pr.prev_id, pr.prev_year, count(*), count(*) filter (where a.value = b.value)
            from pairs pr join v_fact_cell a on a.report_id = pr.cur_id
            join v_fact_cell b on b.report_id = pr.prev_id and b.cell_key = a.cell_key
            where a.value is not null and b.value is not null and not (a.value = 0 and b.value = 0)
            group by all""").fetchall():
        facts[rid].previous = (prev_id, int(prev_year), int(compared), int(same))
    for rid, cid, scope, lhs, rhs in con.execute("""
            select k.report_id, k.check_id, k.scope, k.lhs, k.rhs from v_fact_check k
            join dim_report r using (report_id) where r.is_current and k.status = 'fail'
            order by k.report_id, k.check_id""").fetchall():
        facts[rid].failed_checks.append((cid, scope, _n(lhs), _n(rhs)))
    for rid, cid, scope, lhs, rhs in con.execute("""
            select r.report_id, x.check_id, x.scope, x.lhs, x.rhs from fact_cross_check x
            join dim_report r on r.agency_id = x.agency_id and r.year = x.year and r.is_current
            where x.status = 'fail' order by r.report_id, x.check_id""").fetchall():
        facts[rid].failed_cross.append((cid, scope, _n(lhs), _n(rhs)))
    return list(facts.values())


def _n(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def assess_all(facts: list[assess.ReportFacts], rubric: dict) -> dict[str, list[assess.Finding]]:
    """Findings of every report, the similarity pass included (pure; the benchmark and tests call it)."""
    r = rubric["similarity"]
    keys = set(r["sections"])
    docs = [SectionDoc(f.report_id, f.agency_id, f.year, s["key"], s["text"])
            for f in facts for s in f.sections if s["key"] in keys]
    matches = previous_matches(docs, r["shingle"], r["min_chars"]) + peer_matches(
        docs, r["threshold_peer"], r["num_perm"], r["shingle"], r["min_chars"])
    by_report: dict[str, list] = defaultdict(list)
    for m in matches:
        by_report[m.report_id].append(m)
    texts = {(d.report_id, d.key): d.text for d in docs}
    out: dict[str, list[assess.Finding]] = {}
    for f in facts:
        fs = assess.assess_report(f, by_report.get(f.report_id, []), rubric)
        assess.attach_passages(fs, texts, f.report_id, r["passage_min_chars"])
        out[f.report_id] = fs
    return out


def recompute(con, rubric: dict | None = None) -> int:
    """Replace fact_assessment and fact_score for the current reports; returns reports scored."""
    rubric = rubric or assess.load_rubric()
    facts = gather(con)
    bundled = {f.report_id for f in facts if not f.sections and f.bundled}
    results = assess_all(facts, rubric)
    name = str(rubric.get("rubric", {}).get("name", "rubric"))
    f_rows: list[tuple] = []
    s_rows: list[tuple] = []
    for rid, fs in results.items():
        for x in fs:
            d = x.to_json()
            origin = "bundled" if rid in bundled and assess.is_text_finding(x) else "computed"
            f_rows.append((rid, *(d[c] for c in FINDING_COLS[1:-1]), origin))
        for ind, (full, lost, status) in assess.score(fs, rubric).items():
            s_rows.append((rid, ind, full, lost, status, name))
    con.execute("delete from fact_assessment")
    con.execute("delete from fact_score")
    if f_rows:
        with con.appender("fact_assessment") as ap:
            ap.append_rows(f_rows)
        with con.appender("fact_score") as ap:
            ap.append_rows(s_rows)
    return len(results)


def bundle_findings(reports: list[Any], rubric: dict | None = None) -> dict[str, list[dict[str, Any]]]:
    """Text findings of parsed reports (one batch, e.g. the corpus), as a bundled report ships
    them: figures and positions, no sentences.  Keyed and cross-referenced by the original
    file's report id (sha256, 16 hex)."""
    from etl.agencies import canonical_agency
    rubric = rubric or assess.load_rubric()
    by_key = {(r.agency, r.year): r for r in reports}
    facts = []
    for r in reports:
        rid = str(r.source["sha256"])[:16]
        prev = by_key.get((r.agency, r.year - 1))
        facts.append(assess.facts_from_report(
            r, rid, canonical_agency(r.agency)[0] or r.agency, previous=prev,
            previous_id=str(prev.source["sha256"])[:16] if prev else ""))
    return {rid: assess.strip_text(fs) for rid, fs in assess_all(facts, rubric).items()}
