"""年报评估: each indicator on small hand-made reports whose answer is known, the sections
splitter, the similarity pass on synthetic copies, the warehouse scores, and the real corpus.

The hand-made texts below are our own sentences (no real report's words)."""
from __future__ import annotations

import json
import random

import duckdb
import pytest

from etl import assess, assess_store
from etl.document import Document, Paragraph
from etl.report import ParsedReport
from etl.sections import SECTION_KEYS, split_sections, split_text
from etl.similarity import SectionDoc, jaccard, peer_matches, previous_matches, shingles
from paths import CORPUS

RUBRIC = assess.load_rubric()

HEAD = {"general": "一、总体情况", "proactive": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
        "review": "四、政府信息公开行政复议、行政诉讼情况", "problems": "五、存在的主要问题及改进情况",
        "other": "六、其他需要报告的事项"}
BODY = {
    "general": "本单位全年共受理政府信息公开申请713件，办结700件，结转下年度继续办理13件。全年被申请行政复议3起。"
               "本单位印发行政规范性文件12件。",
    "proactive": "见下表。", "requests": "见下表。", "review": "见下表。",
    "problems": "一是网站栏目更新不够及时，部分栏目长期没有新内容；二是政策解读形式有待丰富，图解和视频解读较少；"
                "三是业务培训覆盖面不足，基层人员对办理流程掌握不够。针对上一年度报告所列问题，已逐项整改落实。",
    "other": "本年度未收取信息处理费，无其他需要报告的事项。",
}
CELLS = {"t3.new_received.total": 713, "t3.carried_over_from_prior.total": 0, "t3.result_total.total": 700,
         "t3.carried_to_next.total": 13, "t4.admin_reconsideration.total": 3,
         "t4.litigation_direct.total": 0, "t4.litigation_after_reconsideration.total": 0,
         "t2.normative_documents.issued_count": 12, "t2.normative_documents.repealed_count": 1,
         "t3.granted.total": 500}


def text_of(body: dict[str, str], order=SECTION_KEYS, heads=HEAD) -> str:
    return "测试局2024年政府信息公开工作年度报告\n" + "\n".join(f"{heads[k]}\n{body[k]}" for k in order if k in body)


def report(body=None, cells=None, *, year=2024, template="2021", order=SECTION_KEYS, checks=()) -> ParsedReport:
    rep = ParsedReport(agency="测试县测试局", year=year, template=template, cells=dict(CELLS if cells is None else cells))
    rep.sections = [s.to_json() for s in split_text(text_of(BODY if body is None else body, order))]
    rep.checks = list(checks)
    return rep


def findings(rep, **kw) -> list[assess.Finding]:
    return assess.assess_report(assess.facts_from_report(rep, "r1", **kw), [], RUBRIC)


def failed(fs, indicator=None) -> list[assess.Finding]:
    return [f for f in fs if f.status == "fail" and (indicator is None or f.indicator == indicator)]


# --------------------------------------------------------------------------- sections
@pytest.mark.parametrize("numbering", ["top", "mixed", "flat"])
def test_sections_found_by_words_whatever_the_numbering(numbering):
    heads = dict(HEAD)
    if numbering == "mixed":     # 013-style: table sections numbered from 一
        heads.update(proactive="一、主动公开政府信息情况", requests="二、收到和处理政府信息公开申请情况")
    text = text_of(BODY, heads=heads)
    if numbering == "flat":      # crawler text: one line, headings run into the text before
        text = text.replace("\n", "")
    got = split_text(text)
    assert [s.key for s in got] == ["preamble", *SECTION_KEYS]
    for s in got[1:]:
        assert s.text.startswith(BODY[s.key][:4])


def test_intro_listing_the_section_names_is_not_a_heading():
    text = "本报告包括总体情况、主动公开政府信息情况、存在的主要问题及改进情况等六部分。\n" + text_of(BODY)
    got = {s.key: s for s in split_text(text)}
    assert got["general"].heading == "一、总体情况"
    assert got["problems"].heading == HEAD["problems"]


def test_a_sub_heading_does_not_beat_the_top_level_heading():
    body = dict(BODY, general="（一）主动公开政府信息情况\n本单位主动公开信息。")
    got = {s.key: s for s in split_text(text_of(body))}
    assert got["proactive"].heading == HEAD["proactive"]


def test_split_sections_on_a_document_keeps_pages():
    doc = Document("x.pdf", "pdf", [Paragraph(text_of(BODY).split("五、")[0], page=1),
                                     Paragraph("五、" + text_of(BODY).split("五、")[1], page=2)])
    got = {s.key: s for s in split_sections(doc)}
    assert got["general"].page == 1 and got["problems"].page == 2


# --------------------------------------------------------------------------- 1 completeness
def test_complete_report_loses_nothing_on_completeness():
    assert not failed(findings(report()), "completeness")


def test_missing_section_five_is_named():
    body = {k: v for k, v in BODY.items() if k != "problems"}
    f = failed(findings(report(body)), "completeness")
    assert [x.item for x in f] == ["section.problems"]
    assert "五" in f[0].message


def test_sections_out_of_order():
    order = ("general", "proactive", "requests", "review", "other", "problems")
    assert [x.item for x in failed(findings(report(order=order)), "completeness")] == ["order"]


def test_fee_statement_only_required_by_the_2021_format():
    body = dict(BODY, other="无其他需要报告的事项。")
    assert [x.item for x in failed(findings(report(body)), "completeness")] == ["fee_statement"]
    assert not failed(findings(report(body, template="2019")), "completeness")


def test_missing_table_from_the_cells():
    cells = {k: v for k, v in CELLS.items() if not k.startswith("t4.")}
    assert [x.item for x in failed(findings(report(cells=cells)), "completeness")] == ["table.t4"]


# --------------------------------------------------------------------------- 2 text vs tables
def test_text_agrees_with_the_tables():
    fs = [f for f in findings(report()) if f.indicator == "text_tables"]
    assert {f.item for f in fs} >= {"claim.new_received", "claim.result_total", "claim.carried_to_next",
                                    "claim.reconsideration", "claim.normative_documents"}
    assert all(f.status == "pass" for f in fs)


@pytest.mark.parametrize("key,claim", [("t3.new_received.total", "claim.new_received"),
                                       ("t4.admin_reconsideration.total", "claim.reconsideration"),
                                       ("t2.normative_documents.issued_count", "claim.normative_documents"),
                                       ("t3.carried_to_next.total", "claim.carried_to_next")])
def test_text_713_table_718_names_both(key, claim):
    cells = dict(CELLS)
    cells[key] = CELLS[key] + 5
    f = failed(findings(report(cells=cells)), "text_tables")
    assert [x.item for x in f] == [claim]
    x = f[0]
    assert x.stated_value == CELLS[key] and x.cell_value == CELLS[key] + 5
    assert str(CELLS[key]) in x.message and str(CELLS[key] + 5) in x.message
    sec = next(s for s in report(cells=cells).sections if s["key"] == x.section_key)
    assert sec["text"][x.position:x.position + x.length].endswith(x.message.split()[1].split("，")[0] + "件") or \
        str(CELLS[key]) in sec["text"][x.position:x.position + x.length]
    assert str(CELLS[key]) in x.quote


def test_claim_on_a_missing_cell_is_unknown_not_a_deduction():
    cells = {k: v for k, v in CELLS.items() if k != "t3.new_received.total"}
    fs = [f for f in findings(report(cells=cells)) if f.item == "claim.new_received"]
    assert fs and all(f.status == "unknown" and f.points_lost == 0 for f in fs)


# --------------------------------------------------------------------------- 3 similarity
def test_copied_report_is_caught_and_an_independent_one_is_not():
    rng = random.Random(3)
    words = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土"
    own = "".join(rng.choice(words) for _ in range(400))
    other = "".join(rng.choice(words) for _ in range(400))
    docs = [SectionDoc("a2023", "A", 2023, "general", own),
            SectionDoc("a2024", "A", 2024, "general", own.replace("甲", "乙", 3) + "2024年新收申请9件"),
            SectionDoc("b2024", "B", 2024, "general", own[:390] + "十一"),
            SectionDoc("c2024", "C", 2024, "general", other)]
    prev = {m.report_id: m for m in previous_matches(docs)}
    assert prev["a2024"].other_report_id == "a2023" and prev["a2024"].similarity > 0.9
    peers = {(m.report_id, m.other_report_id) for m in peer_matches(docs, threshold=0.8)}
    assert ("b2024", "a2024") in peers and ("a2024", "b2024") in peers
    assert not any("c2024" in p for p in peers)
    fs = assess.similarity_findings(list(prev.values()), RUBRIC)
    assert fs[0].status == "fail" and fs[0].points_lost == RUBRIC["similarity"]["per_section_previous"]


def test_digits_do_not_hide_a_copy():
    a = "全年新收申请123件，办结120件。" * 10
    b = "全年新收申请456件，办结450件。" * 10
    assert jaccard(shingles(a), shingles(b)) == 1.0


def test_synthetic_copies_found_with_their_truth():
    """Every deliberate copy in a synthetic sample (long enough to compare) is found."""
    from synth.generate import COPY_SECTIONS, generate_with_text
    reps = list(generate_with_text(600, seed=4, copy_previous=0.2, copy_peer=0.05))
    docs, truth = [], set()
    for i, r in enumerate(reps):
        for s in r["sections"]:
            if s["key"] in COPY_SECTIONS:
                docs.append(SectionDoc(f"r{i}", r["agency"], r["year"], s["key"], s["text"]))
        truth |= {(f"r{i}", k) for k, c in r["meta"]["copies"].items() if c["kind"] == "previous"}
    long_enough = {(d.report_id, d.key) for d in docs if len(d.text) >= 60}
    found = {(m.report_id, m.key) for m in previous_matches(docs) if m.similarity >= 0.5}
    assert truth & long_enough, "the sample has copies"
    assert truth & long_enough <= found
    # independent sections of 100+ characters never reach the threshold (short 六 sections that
    # both say only "no fees" may: that is similarity, not a copy the generator made)
    long_docs = {(d.report_id, d.key) for d in docs if len(d.text) >= 100}
    assert found & long_docs <= truth


# --------------------------------------------------------------------------- 4 timeliness
@pytest.mark.parametrize("published,status", [("2025-01-20", "pass"), ("2025-03-05", "fail"), (None, "unknown")])
def test_timeliness_of_a_department(published, status):
    pytest.importorskip("etl.timeliness", reason="deadline rules (etl/timeliness.py) not merged yet")
    fs = [f for f in findings(report(), level="county", kind="department", published_at=published)
          if f.indicator == "timeliness"]
    assert [f.status for f in fs] == [status]


# --------------------------------------------------------------------------- 5 mechanical
def test_all_zero_table_and_figures_identical_to_last_year():
    zero = {k: (0 if k.startswith("t3.") else v) for k, v in CELLS.items()}
    assert [f.item for f in failed(findings(report(cells=zero)), "mechanical")] == ["all_zero.t3"]
    many = {f"t3.granted.{c}": i + 1 for i, c in enumerate(("natural_person", "commercial_enterprise", "total"))}
    cells = dict(CELLS, **many)
    last = report(cells=cells, year=2023)
    same = [f.item for f in failed(findings(report(cells=cells), previous=last, previous_id="r0"), "mechanical")]
    assert same == ["identical_to_previous"]
    changed = {k: (v + 1 if isinstance(v, int) else v) for k, v in cells.items()}
    assert not failed(findings(report(cells=changed), previous=last, previous_id="r0"), "mechanical")


# --------------------------------------------------------------------------- 6 problems
def test_problems_section_concrete_and_followed_up():
    assert not failed(findings(report()), "problems")
    vague = dict(BODY, problems="下一步将继续努力，做好各项工作。")
    assert {f.item for f in failed(findings(report(vague)), "problems")} == {"concrete", "followup"}
    no_follow = dict(BODY, problems=BODY["problems"].split("针对")[0] + "下一步将加强培训和考核，持续改进。")
    assert [f.item for f in failed(findings(report(no_follow)), "problems")] == ["followup"]


# --------------------------------------------------------------------------- 7 checks and the score
def test_failed_identities_deduct_and_the_score_is_capped():
    chk = [{"check_id": f"I3.t3.r{i}", "identity": "I3", "scope": "表三", "lhs": 1, "rhs": 2, "status": "fail"}
           for i in range(9)]
    fs = findings(report(checks=chk))
    sc = assess.score(fs, RUBRIC)
    assert sc["checks"] == (RUBRIC["checks"]["points"], RUBRIC["checks"]["points"], "fail")
    others = sum(lost for ind, (_, lost, _) in sc.items() if ind != "checks")
    assert sum(full - lost for full, lost, _ in sc.values()) == RUBRIC["rubric"]["total"] - RUBRIC["checks"]["points"] - others


def test_bundled_findings_carry_no_text():
    fs = findings(report(cells=dict(CELLS, **{"t3.new_received.total": 718})))
    shipped = assess.strip_text(fs)
    assert shipped and all(d["quote"] is None for d in shipped)
    rep = report()
    rep.sections, rep.assessment = [], shipped
    again = findings(rep)
    assert [f.item for f in failed(again, "text_tables")] == ["claim.new_received"]


# --------------------------------------------------------------------------- warehouse
def test_warehouse_stores_sections_and_scores(tmp_path):
    from etl.warehouse import load_reports
    a = report(year=2023)
    a.source = {"sha256": "a" * 64, "name": "a.txt"}
    b = report(cells=dict(CELLS, **{"t3.new_received.total": 718}))
    b.source = {"sha256": "b" * 64, "name": "b.txt"}
    db = tmp_path / "w.duckdb"
    load_reports([a, b], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        n = con.execute("select count(*) from report_section").fetchone()[0]
        assert n == 2 * len(a.sections)
        rows = con.execute("""select report_id, item, points_lost, quote, other_report_id, similarity, passages
                              from fact_assessment where status = 'fail' order by report_id, item""").fetchall()
        by = {(r[0], r[1]): r for r in rows}
        assert ("bbbbbbbbbbbbbbbb", "claim.new_received") in by
        assert "713" in by[("bbbbbbbbbbbbbbbb", "claim.new_received")][3]
        sim = by[("bbbbbbbbbbbbbbbb", "previous.general")]
        assert sim[4] == "aaaaaaaaaaaaaaaa" and sim[5] > 0.9 and json.loads(sim[6])
        score = dict(con.execute("select report_id, score from v_assessment_score").fetchall())
        assert score["bbbbbbbbbbbbbbbb"] < score["aaaaaaaaaaaaaaaa"]
        from app import queries as q
        hits = q.q_section_search(con, q.Filters(), "信息处理费")
        assert set(hits["report_id"]) == {"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}
        other = next(s["text"] for s in b.sections if s["key"] == "other")
        assert (hits["position"] == other.index("信息处理费")).all()
    finally:
        con.close()


# --------------------------------------------------------------------------- real corpus
@pytest.mark.corpus
def test_real_corpus_sections_and_scores():
    raw = CORPUS / "raw"
    if not raw.exists():
        pytest.skip("../shared/corpus is absent")
    from etl.extract import parse_file
    reps = [parse_file(p) for p in sorted(raw.iterdir())]
    for r in reps:   # every real report: the six sections found by their words
        keys = {s["key"] for s in r.sections}
        assert set(SECTION_KEYS) <= keys, (r.source["name"], keys)
    shipped = assess_store.bundle_findings(reps)
    claims = [d for fs in shipped.values() for d in fs if d["indicator"] == "text_tables"]
    assert claims and all(d["status"] in ("pass", "unknown") for d in claims), \
        "no real report's text disagrees with its tables (see NOTES.md)"
    sims = [d["similarity"] for fs in shipped.values() for d in fs
            if d["indicator"] == "similarity" and d["similarity"] is not None]
    assert sims and max(sims) < RUBRIC["similarity"]["threshold_previous"]


def test_rendered_synthetic_copies_are_flagged_in_the_warehouse(tmp_path):
    """Render synthetic reports with text to files, ingest them: every deliberate copy of the
    previous report (long enough to compare) is a 雷同 deduction naming that report, with passages."""
    from etl.similarity import normalise
    from etl.warehouse import ingest
    from synth.generate import generate_with_text
    from synth.render import render
    reps = list(generate_with_text(24, seed=6, copy_previous=0.5, copy_peer=0.0))
    files = tmp_path / "in"
    files.mkdir()
    for i, r in enumerate(reps):
        (files / f"{i:03d}.txt").write_bytes(render(r, "txt"))
    db = tmp_path / "w.duckdb"
    ingest([files], db, workers=1, progress=False)
    con = duckdb.connect(str(db), read_only=True)
    try:
        ids = {(a, int(y)): rid for rid, a, y in con.execute(
            "select report_id, agency_name, year from dim_report").fetchall()}
        flagged = {(rid, key): (other, passages) for rid, key, other, passages in con.execute(
            """select report_id, section_key, other_report_id, passages from fact_assessment
               where indicator = 'similarity' and status = 'fail'""").fetchall()}
    finally:
        con.close()
    truth = {}
    for r in reps:
        for key, c in r["meta"]["copies"].items():
            text = next(s["text"] for s in r["sections"] if s["key"] == key)
            if len(normalise(text)) >= RUBRIC["similarity"]["min_chars"]:
                truth[(ids[(r["agency"], r["year"])], key)] = ids[(c["agency"], c["year"])]
    assert truth, "the sample has copies"
    assert set(truth) == set(flagged)
    for k, other in truth.items():
        assert flagged[k][0] == other and json.loads(flagged[k][1])


def test_bundled_reports_ship_findings_without_sentences():
    from paths import ROOT
    files = sorted((ROOT / "data" / "reports").glob("*.json"))
    assert files
    for p in files:
        d = json.loads(p.read_text(encoding="utf-8"))
        assert "sections" not in d
        assert d["assessment"], p.name
        assert all(f["quote"] is None for f in d["assessment"]), p.name
