"""年报质量评估: score a report the way evaluators do, each deduction with its evidence.

Seven indicators (points and thresholds in ``data/rubric.toml``, or ``$GKNB_RUBRIC``):

1. ``completeness`` — the six sections (etl.sections) present and in order; tables 二/三/四
   present; in a 2021-template report, section 六 speaks of the fees (信息处理费/收费).
2. ``text_tables`` — each figure the text states about a table quantity (新收申请 N 件, 结转
   下年度 N 件, 行政复议 N 起, 规范性文件 N 件 …) equals the table; a disagreement names both.
3. ``similarity`` — 雷同: each narrative section against the agency's previous report and
   against other agencies' reports of the same year (etl.similarity), with shared passages.
4. ``timeliness`` — publication date against 条例第四十九条 (``etl.timeliness`` when present);
   "unknown" without a date.
5. ``mechanical`` — all-zero tables; figures identical to last year's.
6. ``problems`` — section 五 names concrete problems and reports on last year's.
7. ``checks`` — the identity checks (I1–I5, I7) and the cross-year carry-over check (I6).

Everything here is pure: :class:`ReportFacts` in, :class:`Finding` s out.  The warehouse
(:func:`etl.warehouse.recompute_assessment`) gathers the facts at publish; tests build them
from hand-made reports with :func:`facts_from_report`.  A finding's ``quote`` is report text
and exists only where the text does; bundled reports (data/reports) carry their text findings
as figures and positions (:func:`strip_text`), never sentences.
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from etl.numbers import WIDE_DIGITS
from etl.sections import SECTION_KEYS, SECTION_ZH
from etl.similarity import Match

RUBRIC_PATH = Path(__file__).resolve().parents[1] / "data" / "rubric.toml"

INDICATORS: dict[str, str] = {
    "completeness": "完整性", "text_tables": "文表一致", "similarity": "内容雷同", "timeliness": "发布及时",
    "mechanical": "机械填报", "problems": "问题与整改", "checks": "勾稽校验"}
TABLE_ZH = {"t2": "表二（主动公开）", "t3": "表三（依申请公开）", "t4": "表四（复议诉讼）"}


def load_rubric(path: str | Path | None = None) -> dict[str, Any]:
    """The rubric (``path``, else ``$GKNB_RUBRIC``, else data/rubric.toml)."""
    p = Path(path or os.environ.get("GKNB_RUBRIC") or RUBRIC_PATH)
    with open(p, "rb") as fh:
        r = tomllib.load(fh)
    missing = [k for k in INDICATORS if k not in r or "points" not in r[k]]
    if missing:
        raise ValueError(f"{p}: 评分规则缺少指标 {', '.join(missing)}")
    return r


@dataclass
class Finding:
    indicator: str
    item: str                      # machine code, e.g. missing_section.problems
    status: str                    # fail | pass | unknown
    points_lost: float = 0.0
    message: str = ""              # Chinese, figures only (no report sentences)
    section_key: str | None = None
    position: int | None = None    # character offset in the section's text
    length: int | None = None
    quote: str | None = None       # the report's words (only where the text is)
    cell_key: str | None = None
    cell_value: float | None = None
    stated_value: float | None = None
    other_report_id: str | None = None
    other_year: int | None = None
    similarity: float | None = None
    passages: str | None = None    # JSON [[offset here, offset there, length], …]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ReportFacts:
    """What the indicators need to know about one report."""

    report_id: str
    agency_id: str
    year: int
    template: str
    level: str | None = None
    kind: str | None = None
    sections: list[dict[str, Any]] = field(default_factory=list)
    bundled: list[dict[str, Any]] = field(default_factory=list)   # text findings shipped without text
    table_values: dict[str, int] = field(default_factory=dict)    # non-null values per table
    table_zero: dict[str, bool] = field(default_factory=dict)     # every non-null value is 0
    cells: dict[str, float | None] = field(default_factory=dict)  # at least CLAIM_KEYS
    previous: tuple[str, int, int, int] | None = None  # (report_id, year, cells compared, identical)
    failed_checks: list[tuple[str, str, Any, Any]] = field(default_factory=list)  # id, scope, lhs, rhs
    failed_cross: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    published_at: str | None = None


# ----------------------------------------------------------------------------- 2 text vs tables
_N = r"\s*(?:共计?|合计|总计|累计)?\s*(\d+)\s*"


@dataclass(frozen=True)
class Claim:
    key: str
    zh: str
    pattern: re.Pattern
    cells: tuple[tuple[str, ...], ...]   # each alternative: cells summed; the text may state any


CLAIMS: tuple[Claim, ...] = (
    Claim("new_received", "本年新收申请",
          re.compile(r"(?:新收|新接收|收到|受理|接收)(?:各类|群众|公民、法人(?:或|和)其他组织(?:提出)?的?)?"
                     rf"(?:的)?政府信息公开申请{_N}(?:件|条|个|份)"),
          (("t3.new_received.total",), ("t3.new_received.total", "t3.carried_over_from_prior.total"))),
    Claim("carried_over", "上年结转申请",
          re.compile(rf"上一?年度?结转(?:的)?(?:政府信息公开)?(?:申请)?{_N}件"),
          (("t3.carried_over_from_prior.total",),)),
    Claim("carried_to_next", "结转下年度继续办理",
          re.compile(rf"结转(?:至|到)?(?:下一?年度?|\d{{4}}\s*年度?)(?:继续)?(?:办理)?(?:的)?(?:申请)?{_N}件"),
          (("t3.carried_to_next.total",),)),
    Claim("result_total", "办理结果总计",
          re.compile(rf"(?:已?办结|办理完毕)(?:政府信息公开)?(?:申请)?{_N}件"),
          (("t3.result_total.total",),)),
    Claim("reconsideration", "行政复议总计",
          re.compile(rf"(?:被申请)?行政复议(?:案件)?{_N}(?:起|件|宗)"),
          (("t4.admin_reconsideration.total",),)),
    Claim("litigation", "行政诉讼总计",
          re.compile(rf"(?:被提起)?行政诉讼(?:案件)?{_N}(?:起|件|宗)"),
          (("t4.litigation_direct.total", "t4.litigation_after_reconsideration.total"),
           ("t4.litigation_direct.total",), ("t4.litigation_after_reconsideration.total",))),
    Claim("normative_documents", "规范性文件",
          re.compile(rf"(?:制发|印发|出台|制定|发布|公开|新制作)(?:行政)?规范性文件{_N}(?:件|份|个)"),
          (("t2.normative_documents.issued_count",), ("t2.normative_documents.newly_made_count",),
           ("t2.normative_documents.newly_published_count",))),
)
CLAIM_KEYS: tuple[str, ...] = tuple(dict.fromkeys(k for c in CLAIMS for alt in c.cells for k in alt))
_SENTENCE_END = "。；;！!？?\n"


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    a = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    ends = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    b = min(ends) + 1 if ends else len(text)
    if end - a > 160:
        a = max(0, start - 60)
    return a, min(b, a + 200)


def text_table_findings(facts: ReportFacts, rubric: dict) -> list[Finding]:
    r = rubric["text_tables"]
    out: list[Finding] = []
    for sec in facts.sections:
        if sec["key"] == "preamble":
            continue
        text = sec["text"]
        t = text.translate(WIDE_DIGITS)
        for claim in CLAIMS:
            for m in claim.pattern.finditer(t):
                stated = float(m.group(1))
                alts = []
                for alt in claim.cells:
                    vals = [facts.cells.get(k) for k in alt]
                    if all(v is not None for v in vals):
                        alts.append((alt, float(sum(vals))))  # type: ignore[arg-type]
                a, b = _sentence(text, m.start(), m.end())
                base = dict(section_key=sec["key"], position=m.start(), length=m.end() - m.start(),
                            quote=text[a:b].strip(), stated_value=stated, cell_key=claim.cells[0][0])
                if not alts:
                    out.append(Finding("text_tables", f"claim.{claim.key}", "unknown", 0,
                                       f"正文称{claim.zh} {stated:g}，表中该格缺失或不确定，无法核对", **base))
                    continue
                hit = next((x for x in alts if x[1] == stated), None)
                if hit:
                    out.append(Finding("text_tables", f"claim.{claim.key}", "pass", 0,
                                       f"正文{claim.zh} {stated:g} 与表格一致", **base | {"cell_key": hit[0][0],
                                                                                  "cell_value": hit[1]}))
                else:
                    table = alts[0]
                    out.append(Finding("text_tables", f"claim.{claim.key}", "fail", r["per_mismatch"],
                                       f"正文称{claim.zh} {stated:g}，表格为 {table[1]:g}（{'+'.join(table[0])}）",
                                       **base | {"cell_value": table[1]}))
    if facts.sections and not out:
        out.append(Finding("text_tables", "claim.none", "pass", 0, "正文没有陈述可与表格核对的数字（无从核对，不扣分）"))
    return out


# ----------------------------------------------------------------------------- 1 completeness
_FEE = re.compile(r"信息处理费|收取[^。；]{0,8}费|收费|费用")


def completeness_findings(facts: ReportFacts, rubric: dict) -> list[Finding]:
    r = rubric["completeness"]
    out: list[Finding] = []
    if facts.sections:
        found = {s["key"]: s for s in facts.sections if s["key"] in SECTION_KEYS}
        for k in SECTION_KEYS:
            if k in found:
                s = found[k]
                out.append(Finding("completeness", f"section.{k}", "pass", 0, f"找到「{SECTION_ZH[k]}」",
                                   section_key=k, position=0, quote=s.get("heading") or None))
            else:
                out.append(Finding("completeness", f"section.{k}", "fail", r["missing_section"],
                                   f"未找到第{'一二三四五六'[SECTION_KEYS.index(k)]}部分「{SECTION_ZH[k]}」的标题",
                                   section_key=k))
        printed = [s["key"] for s in sorted(found.values(), key=lambda s: s["position"])]
        canon = [k for k in SECTION_KEYS if k in found]
        if printed != canon:
            out.append(Finding("completeness", "order", "fail", r["out_of_order"],
                               "各部分顺序与格式不符：" + " → ".join(SECTION_ZH[k][:2] for k in printed)))
        if facts.template == "2021" and "other" in found:
            text = found["other"]["text"]
            m = _FEE.search(text)
            if m:
                a, b = _sentence(text, m.start(), m.end())
                out.append(Finding("completeness", "fee_statement", "pass", 0, "第六部分说明了收费情况",
                                   section_key="other", position=m.start(), length=m.end() - m.start(),
                                   quote=text[a:b].strip()))
            else:
                out.append(Finding("completeness", "fee_statement", "fail", r["fee_statement"],
                                   "2021年版格式要求第六部分说明信息处理费的收取情况，未见相关表述",
                                   section_key="other"))
    for t in ("t2", "t3", "t4"):
        n = facts.table_values.get(t, 0)
        if n:
            out.append(Finding("completeness", f"table.{t}", "pass", 0, f"{TABLE_ZH[t]}读到 {n} 个数值"))
        else:
            out.append(Finding("completeness", f"table.{t}", "fail", r["missing_table"],
                               f"{TABLE_ZH[t]}：未读到任何数值（表格缺失或无法读取）"))
    return out


# ----------------------------------------------------------------------------- 3 similarity
def similarity_findings(matches: list[Match], rubric: dict) -> list[Finding]:
    r = rubric["similarity"]
    out: list[Finding] = []
    for m in matches:
        th = r["threshold_previous"] if m.kind == "previous" else r["threshold_peer"]
        who = f"本机关 {m.other_year} 年年报" if m.kind == "previous" else f"同年其他机关 {m.other_year} 年年报"
        zh = SECTION_ZH.get(m.key, m.key)
        fail = m.similarity >= th
        pts = (r["per_section_previous"] if m.kind == "previous" else r["per_section_peer"]) if fail else 0
        msg = (f"「{zh}」与{who}相似度 {m.similarity:.0%}（阈值 {th:.0%}）"
               + ("，疑似雷同" if fail else ""))
        out.append(Finding("similarity", f"{m.kind}.{m.key}", "fail" if fail else "pass", pts, msg,
                           section_key=m.key, other_report_id=m.other_report_id, other_year=m.other_year,
                           similarity=m.similarity))
    return out


def attach_passages(findings: list[Finding], texts: dict[tuple[str, str], str], report_id: str,
                    min_len: int) -> None:
    """Shared passages of each failing similarity finding (both texts needed)."""
    from etl.similarity import passages
    for f in findings:
        if f.indicator != "similarity" or f.status != "fail" or not f.other_report_id:
            continue
        a = texts.get((report_id, f.section_key or ""))
        b = texts.get((f.other_report_id, f.section_key or ""))
        if a and b:
            ps = passages(a, b, min_len)
            f.passages = json.dumps(ps)
            if ps:
                f.position, f.length = ps[0][0], ps[0][2]
                longest = max(ps, key=lambda p: p[2])
                f.quote = a[longest[0]:longest[0] + min(longest[2], 200)]


# ----------------------------------------------------------------------------- 4 timeliness
def timeliness_findings(facts: ReportFacts, rubric: dict) -> list[Finding]:
    r = rubric["timeliness"]
    try:
        from etl import timeliness   # the crawl's deadline rules (条例第四十九条)
    except ImportError:
        return [Finding("timeliness", "deadline", "unknown", 0, "无法判断：本版本没有公布期限规则")]
    t = timeliness.assess(facts.year, facts.published_at, facts.level, facts.kind)
    if t.status == "late":
        return [Finding("timeliness", "deadline", "fail", r["late"],
                        f"发布于 {facts.published_at}，期限 {t.deadline}，逾期 {t.days_late} 天（{t.rule}）")]
    if t.status == "on_time":
        return [Finding("timeliness", "deadline", "pass", 0, f"发布于 {facts.published_at}，期限 {t.deadline}，按时")]
    return [Finding("timeliness", "deadline", "unknown", 0, f"无法判断：{t.rule}")]


# ----------------------------------------------------------------------------- 5 mechanical
def mechanical_findings(facts: ReportFacts, rubric: dict) -> list[Finding]:
    r = rubric["mechanical"]
    out: list[Finding] = []
    for t in r["all_zero_tables"]:
        n = facts.table_values.get(t, 0)
        if n >= r["min_cells"] and facts.table_zero.get(t):
            out.append(Finding("mechanical", f"all_zero.{t}", "fail", r["per_all_zero_table"],
                               f"{TABLE_ZH[t]}全部 {n} 个数值均为 0"))
        elif n >= r["min_cells"]:
            out.append(Finding("mechanical", f"all_zero.{t}", "pass", 0, f"{TABLE_ZH[t]}不是全零"))
    if facts.previous:
        rid, year, compared, same = facts.previous
        if compared >= r["identical_min_cells"]:
            share = same / compared
            fail = share >= r["identical_share"]
            out.append(Finding("mechanical", "identical_to_previous", "fail" if fail else "pass",
                               r["identical_to_previous"] if fail else 0,
                               f"与 {year} 年年报相比，{compared} 个非零单元格中 {same} 个数字完全相同（{share:.0%}）",
                               other_report_id=rid, other_year=year, similarity=round(share, 4)))
    return out


# ----------------------------------------------------------------------------- 6 problems
_PROBLEM = re.compile(r"问题|不足|不够|有待|短板|薄弱|欠缺|差距|不到位|不平衡|仍需|尚需|还需|需进一步")
_FOLLOWUP_TMPL = r"(?:上一?年度?|去年|前一年|{prev}\s*年度?)[^。；]{{0,40}}?(?:问题|不足)[^。；]{{0,40}}?(?:整改|改进|解决|落实)|(?:整改|改进)(?:情况|落实)"


def problems_findings(facts: ReportFacts, rubric: dict) -> list[Finding]:
    r = rubric["problems"]
    sec = next((s for s in facts.sections if s["key"] == "problems"), None)
    if not facts.sections:
        return []
    if sec is None:
        return [Finding("problems", "section", "unknown", 0, "没有找到第五部分，已在完整性中扣分")]
    text = sec["text"]
    clauses = [s for s in re.split(r"[。；;！!？?，,：:\n]", text) if s.strip()]
    items = [s for s in clauses if _PROBLEM.search(s)]
    out: list[Finding] = []
    if len(text) < r["min_chars"] or len(items) < r["min_items"]:
        out.append(Finding("problems", "concrete", "fail", r["not_concrete"],
                           f"第五部分 {len(text)} 字，提到问题的分句 {len(items)} 个"
                           f"（规则：至少 {r['min_chars']} 字、{r['min_items']} 个）", section_key="problems"))
    else:
        first = _PROBLEM.search(text)
        out.append(Finding("problems", "concrete", "pass", 0, f"第五部分列出问题 {len(items)} 处",
                           section_key="problems", position=first.start() if first else None))
    fu = re.compile(_FOLLOWUP_TMPL.format(prev=facts.year - 1)).search(text)
    if fu:
        a, b = _sentence(text, fu.start(), fu.end())
        out.append(Finding("problems", "followup", "pass", 0, "第五部分报告了上年问题的整改情况", section_key="problems",
                           position=fu.start(), length=fu.end() - fu.start(), quote=text[a:b].strip()))
    else:
        out.append(Finding("problems", "followup", "fail", r["no_followup"],
                           "第五部分没有报告上一年度所列问题的整改情况", section_key="problems"))
    return out


# ----------------------------------------------------------------------------- 7 checks
def check_findings(facts: ReportFacts, rubric: dict) -> list[Finding]:
    r = rubric["checks"]
    out = [Finding("checks", f"identity.{cid}", "fail", r["per_failed_identity"],
                   f"{scope}：左边 {lhs} ≠ 右边 {rhs}") for cid, scope, lhs, rhs in facts.failed_checks]
    out += [Finding("checks", f"cross.{cid}", "fail", r["per_failed_cross_year"],
                    f"{scope}：左边 {lhs} ≠ 右边 {rhs}") for cid, scope, lhs, rhs in facts.failed_cross]
    if not out:
        out.append(Finding("checks", "all", "pass", 0, "勾稽校验均通过或无法评估"))
    return out


# ----------------------------------------------------------------------------- the report
def assess_report(facts: ReportFacts, matches: list[Match], rubric: dict) -> list[Finding]:
    """Every finding of one report (pass, fail and unknown)."""
    out = completeness_findings(facts, rubric)
    if facts.sections:
        out += text_table_findings(facts, rubric)
        out += problems_findings(facts, rubric)
        out += similarity_findings(matches, rubric)
        if not any(m.kind == "peer" for m in matches):
            th = rubric["similarity"]["threshold_peer"]
            out.append(Finding("similarity", "peer.none", "pass", 0,
                               f"与同年其他机关年报相比，没有哪一部分的相似度达到 {th:.0%}"))
    else:
        shipped = [Finding(**b) for b in facts.bundled]
        out = [f for f in out if not is_text_finding(f)] + shipped
        if not shipped:
            out.append(Finding("text_tables", "no_text", "unknown", 0, "没有报告正文（结构化数据），无法评估文字指标"))
    out += timeliness_findings(facts, rubric)
    out += mechanical_findings(facts, rubric)
    out += check_findings(facts, rubric)
    return out


def score(findings: list[Finding], rubric: dict) -> dict[str, tuple[float, float, str]]:
    """indicator → (full points, points lost (capped), status: fail | pass | unknown)."""
    out: dict[str, tuple[float, float, str]] = {}
    for ind in INDICATORS:
        mine = [f for f in findings if f.indicator == ind]
        full = float(rubric[ind]["points"])
        lost = min(full, sum(f.points_lost for f in mine if f.status == "fail"))
        if any(f.status == "fail" for f in mine):
            st = "fail"
        elif any(f.status == "pass" for f in mine):
            st = "pass"
        else:
            st = "unknown"
        out[ind] = (full, float(lost), st)
    return out


def is_text_finding(f: Finding) -> bool:
    """A finding only the text can give (shipped by bundled reports, :func:`strip_text`)."""
    return (f.indicator in ("text_tables", "problems", "similarity") or f.item.startswith("section.")
            or f.item in ("order", "fee_statement"))


def strip_text(findings: list[Finding]) -> list[dict[str, Any]]:
    """Text findings as shipped in a bundled report: figures and positions, never the sentences."""
    out = []
    for f in findings:
        if is_text_finding(f):
            d = f.to_json()
            d["quote"] = None
            out.append(d)
    return out


# ----------------------------------------------------------------------------- from a parsed report
def table_stats(cells: dict[str, Any]) -> tuple[dict[str, int], dict[str, bool]]:
    n: dict[str, int] = {}
    zero: dict[str, bool] = {}
    for k, v in cells.items():
        if v is None:
            continue
        t = k[:2]
        n[t] = n.get(t, 0) + 1
        zero[t] = zero.get(t, True) and float(v) == 0
    return n, zero


def identical_cells(cells: dict[str, Any], prev: dict[str, Any]) -> tuple[int, int]:
    """(cells compared: present in both, non-zero in either; identical among them)."""
    compared = same = 0
    for k, v in cells.items():
        w = prev.get(k)
        if v is None or w is None or (v == 0 and w == 0):
            continue
        compared += 1
        same += float(v) == float(w)
    return compared, same


def facts_from_report(rep: Any, report_id: str, agency_id: str = "", *, level: str | None = None,
                      kind: str | None = None, previous: Any = None, previous_id: str = "",
                      published_at: str | None = None) -> ReportFacts:
    """Facts of a :class:`~etl.report.ParsedReport` (``previous``: the agency's report of the
    year before, for the identical-figures rule)."""
    n, zero = table_stats(rep.cells)
    prev = None
    if previous is not None and previous.year == rep.year - 1:
        prev = (previous_id, previous.year, *identical_cells(rep.cells, previous.cells))
    return ReportFacts(
        report_id=report_id, agency_id=agency_id or rep.agency, year=rep.year, template=rep.template,
        level=level, kind=kind, sections=list(rep.sections), bundled=list(rep.assessment),
        table_values=n, table_zero=zero, cells=dict(rep.cells), previous=prev,
        failed_checks=[(c["check_id"], c["scope"], c["lhs"], c["rhs"]) for c in rep.checks if c["status"] == "fail"],
        published_at=published_at)
