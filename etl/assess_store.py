"""The assessment in the warehouse: rows of a report's text at load, findings at publish.

:func:`section_rows` / :func:`input_rows` are what :meth:`etl.warehouse.Staging.apply` appends
for one report (its text sections; the text findings a bundled report ships).
:func:`band_rows`: the LSH band keys of its compared sections (``report_section_band``).
:func:`recompute` runs at every publish (after the cross-year checks): it gathers each current
report's facts with a few set-wise queries (tables present and all-zero, figures equal to last
year's, failing checks, the cells the text may state), runs the similarity pass over the
narrative sections (etl.similarity), scores every report with the rubric (etl.assess) and
replaces ``fact_assessment`` and ``fact_score``.  Given the publish's touched reports it does
this only for the reports they can affect (:func:`affected`), finding peer candidates through
the stored band keys: O(change), and equal to the full pass (tests/test_publish.py).
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from etl import assess
from etl.similarity import SectionDoc, lsh_shape, peer_matches, previous_matches, section_bands

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


def gather(con, only: set[str] | None = None) -> list[assess.ReportFacts]:
    """Facts of every current report (``only``: of these current reports)."""
    cond, cells = "", "v_fact_cell"
    if only is not None:
        _id_table(con, "_gather_ids", only)
        cond = " and r.report_id in (select report_id from _gather_ids)"
        # their cells, read once (three queries below would each scan all of fact_cell)
        con.execute("""create or replace temp table _gather_cells as
                       select report_id, table_key, cell_key, value from v_fact_cell
                       where report_id in (select report_id from _gather_ids)""")
        cells = "_gather_cells"
    pub = "published_at::varchar" if _has_column(con, "dim_report", "published_at") else "null"
    facts: dict[str, assess.ReportFacts] = {}
    for rid, aid, year, tmpl, level, kind, published in con.execute(f"""
            select r.report_id, r.agency_id, r.year, r.template, a.level, a.kind, {pub}
            from dim_report r left join dim_agency a using (agency_id) where r.is_current{cond}""").fetchall():
        facts[rid] = assess.ReportFacts(rid, aid, int(year), tmpl, level, kind, published_at=published)
    for rid, key, heading, text, position, page, level in con.execute(f"""
            select s.report_id, s.section_key, s.heading, s.text, s.position, s.page, s.level
            from report_section s join dim_report r using (report_id) where r.is_current{cond}
            order by s.report_id, s.ord""").fetchall():
        facts[rid].sections.append({"key": key, "heading": heading or "", "text": text, "position": position,
                                    "page": page, "level": level})
    originals = dict(con.execute("""select i.original_id, i.report_id from report_assessment_input i
                                      join dim_report r using (report_id) where r.is_current""").fetchall())
    for rid, findings in con.execute(f"""select i.report_id, i.findings from report_assessment_input i
                                        join dim_report r using (report_id) where r.is_current{cond}""").fetchall():
        shipped = json.loads(findings)
        for f in shipped:   # the other report by its original file's id → the loaded one's
            if f.get("other_report_id"):
                f["other_report_id"] = originals.get(f["other_report_id"], f["other_report_id"])
        facts[rid].bundled = shipped
    for rid, table, n, zero in con.execute(f"""
            select c.report_id, c.table_key, count(c.value), coalesce(bool_and(c.value = 0), false)
            from {cells} c join dim_report r using (report_id) where r.is_current{cond} group by all""").fetchall():
        facts[rid].table_values[table] = int(n)
        facts[rid].table_zero[table] = bool(zero)
    keys = ", ".join(f"'{k}'" for k in assess.CLAIM_KEYS)   # fixed registry, no user text
    for rid, key, value in con.execute(f"""
            select c.report_id, c.cell_key, c.value from {cells} c join dim_report r using (report_id)
            where r.is_current{cond} and c.cell_key in ({keys})
              and c.report_id in (select report_id from report_section)""").fetchall():
        facts[rid].cells[key] = value
    for rid, prev_id, prev_year, compared, same in con.execute(f"""
            with cur as (select report_id, agency_id, year from dim_report r where is_current{cond}),
            pairs as (select n.report_id as cur_id, p.report_id as prev_id, p.year as prev_year
                      from cur n join cur p on p.agency_id = n.agency_id and p.year = n.year - 1)
            select pr.cur_id, pr.prev_id, pr.prev_year, count(*), count(*) filter (where a.value = b.value)
            from pairs pr join {cells} a on a.report_id = pr.cur_id
            join {cells} b on b.report_id = pr.prev_id and b.cell_key = a.cell_key
            where a.value is not null and b.value is not null and not (a.value = 0 and b.value = 0)
            group by all""").fetchall():
        facts[rid].previous = (prev_id, int(prev_year), int(compared), int(same))
    for rid, cid, scope, lhs, rhs in con.execute(f"""
            select k.report_id, k.check_id, k.scope, k.lhs, k.rhs from v_fact_check k
            join dim_report r using (report_id) where r.is_current{cond} and k.status = 'fail'
            order by k.report_id, k.check_id""").fetchall():
        facts[rid].failed_checks.append((cid, scope, _n(lhs), _n(rhs)))
    for rid, cid, scope, lhs, rhs in con.execute(f"""
            select r.report_id, x.check_id, x.scope, x.lhs, x.rhs from fact_cross_check x
            join dim_report r on r.agency_id = x.agency_id and r.year = x.year and r.is_current{cond}
            where x.status = 'fail' order by r.report_id, x.check_id""").fetchall():
        facts[rid].failed_cross.append((cid, scope, _n(lhs), _n(rhs)))
    return list(facts.values())


def _n(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def assess_all(facts: list[assess.ReportFacts], rubric: dict, *, peers: Sequence[SectionDoc] = (),
               bands: dict[tuple[str, str], list[int]] | None = None) -> dict[str, list[assess.Finding]]:
    """Findings of every report, the similarity pass included (pure; the benchmark and tests call it).

    ``peers``: sections of other reports that may be the peers of these (a publish passes the
    sections sharing a band key with them; their own findings are not computed).  ``bands``:
    stored band keys by (report id, section key); the ones computed here are added to it."""
    r = rubric["similarity"]
    keys = set(r["sections"])
    docs = [SectionDoc(f.report_id, f.agency_id, f.year, s["key"], s["text"])
            for f in facts for s in f.sections if s["key"] in keys]
    only = {f.report_id for f in facts} if peers else None
    matches = previous_matches(docs, r["shingle"], r["min_chars"]) + peer_matches(
        [*docs, *peers], r["threshold_peer"], r["num_perm"], r["shingle"], r["min_chars"], only=only, bands=bands)
    by_report: dict[str, list] = defaultdict(list)
    for m in matches:
        by_report[m.report_id].append(m)
    texts = {(d.report_id, d.key): d.text for d in (*peers, *docs)}
    out: dict[str, list[assess.Finding]] = {}
    for f in facts:
        fs = assess.assess_report(f, by_report.get(f.report_id, []), rubric)
        assess.attach_passages(fs, texts, f.report_id, r["passage_min_chars"])
        out[f.report_id] = fs
    return out


def band_rows(report: Any, report_id: str, rubric: dict) -> list[tuple]:
    """``report_section_band`` rows of one report (its compared sections' LSH band keys)."""
    r = rubric["similarity"]
    keys, seen, out = set(r["sections"]), set(), []
    for s in report.sections:
        if s["key"] not in keys or s["key"] in seen:
            continue
        seen.add(s["key"])
        bk = section_bands(s["text"], r["threshold_peer"], r["num_perm"], r["shingle"], r["min_chars"])
        out += [(report_id, report.year, s["key"], b, h) for b, h in enumerate(bk or ())]
    return out


def bands_version(rubric: dict) -> str:
    """What the stored band keys depend on: incremental publishes need the same value."""
    r = rubric["similarity"]
    return json.dumps({"sections": sorted(r["sections"]), "num_perm": r["num_perm"], "shingle": r["shingle"],
                       "min_chars": r["min_chars"], "shape": lsh_shape(r["threshold_peer"], r["num_perm"])})


def _id_table(con, name: str, ids: Iterable[str]) -> None:
    con.execute(f"create or replace temp table {name} (report_id varchar)")
    with con.appender(name) as ap:
        ap.append_rows([(i,) for i in ids])


def affected(con, scope: Iterable[str]) -> set[str]:
    """The current reports whose findings a change to the reports ``scope`` (loaded, or no
    longer current) can alter: every current report of their agencies (previous-year figures
    and text, cross-year checks) and of the agencies of their peer candidates (sections sharing
    a band key: one of them may now have, or have lost, its most similar peer), and bundled
    reports whose shipped findings name one of them by its original file's id."""
    _id_table(con, "_scope", scope)
    aff = {r[0] for r in con.execute("""
        with cand as (
            select report_id from _scope
            union
            select o.report_id from report_section_band t
            join report_section_band o on o.year = t.year and o.section_key = t.section_key
                 and o.band = t.band and o.hash = t.hash
            where t.report_id in (select report_id from _scope)),
        ag as (select distinct agency_id from dim_report where report_id in (select report_id from cand))
        select report_id from dim_report where is_current and agency_id in (select agency_id from ag)""").fetchall()}
    originals = [r[0] for r in con.execute("""select original_id from report_assessment_input
        where original_id is not null and report_id in (select report_id from _scope)""").fetchall()]
    for oid in originals:        # bundled reports are rare: a text search over their findings is fine
        aff |= {r[0] for r in con.execute("""select i.report_id from report_assessment_input i
            join dim_report r using (report_id) where r.is_current and contains(i.findings, ?)""", [oid]).fetchall()}
    return aff


def _peer_docs(con, reports: set[str], rubric: dict) -> tuple[list[SectionDoc], dict[tuple[str, str], list[int]]]:
    """The compared sections of every current report sharing a band key with ``reports``
    (those reports included), and the band keys of all of them."""
    _id_table(con, "_peer_of", reports)
    con.execute("""create or replace temp table _peer as
        select distinct o.report_id from report_section_band t
        join report_section_band o on o.year = t.year and o.section_key = t.section_key
             and o.band = t.band and o.hash = t.hash
        join dim_report r on r.report_id = o.report_id and r.is_current
        where t.report_id in (select report_id from _peer_of)""")
    bands: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for rid, key, band, h in con.execute("""select report_id, section_key, band, hash from report_section_band
            where report_id in (select report_id from _peer)""").fetchall():
        bands[(rid, key)].append((band, h))
    keys = ", ".join(f"'{k}'" for k in rubric["similarity"]["sections"])   # rubric keys, no user text
    docs = [SectionDoc(rid, aid, int(year), key, text) for rid, aid, year, key, text in con.execute(f"""
            select s.report_id, r.agency_id, r.year, s.section_key, s.text from report_section s
            join dim_report r using (report_id)
            where s.report_id in (select report_id from _peer) and s.report_id not in (select report_id from _peer_of)
              and s.section_key in ({keys})
            order by s.report_id, s.ord""").fetchall()]
    return docs, {k: [h for _b, h in sorted(v)] for k, v in bands.items()}


def recompute(con, rubric: dict | None = None, scope: Iterable[str] | None = None) -> int:
    """Replace fact_assessment and fact_score (and the band keys) for every current report;
    with ``scope`` (report ids loaded or no longer current in this publish), only for the
    reports :func:`affected` by them.  Returns the number of reports scored."""
    rubric = rubric or assess.load_rubric()
    if scope is None:
        facts = gather(con)
        bands: dict[tuple[str, str], list[int]] = {}
        results = assess_all(facts, rubric, bands=bands)
        con.execute("delete from fact_assessment")
        con.execute("delete from fact_score")
        con.execute("delete from report_section_band")
        year = {f.report_id: f.year for f in facts}
        with con.appender("report_section_band") as ap:
            ap.append_rows([(rid, year[rid], key, b, h) for (rid, key), bk in bands.items() for b, h in enumerate(bk)])
    else:
        scope = set(scope)
        aff = affected(con, scope)
        facts = gather(con, aff)
        peers, bands = _peer_docs(con, aff, rubric)
        results = assess_all(facts, rubric, peers=peers, bands=bands)
        _id_table(con, "_rescored", aff | scope)
        con.execute("delete from fact_assessment where report_id in (select report_id from _rescored)")
        con.execute("delete from fact_score where report_id in (select report_id from _rescored)")
    _write_findings(con, facts, results, rubric)
    return len(results)


def _write_findings(con, facts: list[assess.ReportFacts], results: dict[str, list[assess.Finding]],
                    rubric: dict) -> None:
    bundled = {f.report_id for f in facts if not f.sections and f.bundled}
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
    if f_rows:
        with con.appender("fact_assessment") as ap:
            ap.append_rows(f_rows)
        with con.appender("fact_score") as ap:
            ap.append_rows(s_rows)


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
