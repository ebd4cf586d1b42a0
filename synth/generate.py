"""A deterministic generator of fictional annual reports, with ground truth, for tests and benchmarks.

Everything it makes is labelled synthetic: agency names start with 示例 (示例东省示例甲市教育局,
示例东省示例甲市示例乙县示例丙镇人民政府, …), every truth file and ParsedReport carries
``"synthetic": true``, and the narrative says the report is an example.

Model
-----
* Agencies form a hierarchy built lazily, six provinces at a time, from ``random.Random``
  seeded with the corpus seed: each province has a government and departments, cities under
  it, counties/districts under cities, townships/streets under counties; governments at each
  level have departments (教育局, 公安局, 民政局, 自然资源和规划局, …).  Agencies of a batch
  of six provinces are shuffled, so any prefix of the corpus mixes levels and provinces.
* Each agency publishes reports for a run of consecutive years within 2019–2025 (template
  2019 for 2019–2020, 2021 from 2021).  Its figures are simulated for every year, so
  carried_over_from_prior(Y) = carried_to_next(Y−1) holds across its consecutive reports.
* Application volume is lognormal around a median per level (a provincial government gets
  thousands, a township a handful or none); table 三 is built per column from draws, so every
  identity of the spec holds by construction: new_received + carried_over = result_total +
  carried_to_next, result_total = Σ outcomes, total = Σ applicant columns, table 四 total =
  Σ outcomes; Shandong-style item_count_change = current − prior.
* Local variants: provinces with index ≡ 1 (mod 6) print Shandong's 本年项目数量 column in
  2019-template reports; provinces ≡ 3 (mod 6) give half their agencies Hubei's extra row
  其他主动公开文件 (2019 template); about 6% of agencies keep the single （六）其他处理 row in
  their 2021-template reports.  Rendering options (blank zeros, money unit, padding) are per
  agency, as a site's CMS would be.

Output
------
:func:`generate` yields report dicts (agency, year, template, cells, synthetic, options,
meta); :func:`to_parsed_report` turns one into a :class:`~etl.report.ParsedReport`.
:func:`cli_synth` (``python -m synth``) writes, under ``--out``:

* ``reports/NNNNNN.<ext>`` — the input files (ingest this folder, not ``--out``: the truth
  files are valid structured reports too and would load every report twice); report *i* is rendered in ONE format, ``formats[i % len(formats)]``
  (rotation over ``--formats``; ``json`` writes the ParsedReport JSON, ``flat`` crawler text
  as ``.txt``); the style within a format (Word text or crawler text, HTML plain/word/nested
  and its encoding, PDF ruled/split/wrapped) is drawn per report;
* ``truth/NNNNNN.json`` — the spec's JSON of what the file prints, ``"synthetic": true``, plus
  ``expected_check_failures`` (identities the file breaks on purpose), ``defect`` and ``render``;
* ``manifest.csv`` — one row per report: id, file, format, style, agency, level, year,
  template, variants, defect, defect_detail.

Defects (``--defect-rate``): a report gets, with that probability, either a broken identity
(one printed cell changed; the truth keeps the printed value and lists the identities that
now fail) or damaged text (the tables' cells printed as one run without separators, as a bad
copy-paste or crawl gives; truth cells unchanged).
"""
from __future__ import annotations

import csv
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from etl import vocab

YEARS = tuple(range(2019, 2026))
PROVINCES_PER_BATCH = 6

_NAME_CHARS = "东西南北中甲乙丙丁戊己庚辛壬癸江河湖海山川林泉石云青白金安平"
_PROV_DEPTS = ("教育厅", "公安厅", "民政厅", "自然资源厅", "市场监督管理局", "生态环境厅", "财政厅",
               "人力资源和社会保障厅", "住房和城乡建设厅", "交通运输厅", "卫生健康委员会", "农业农村厅",
               "司法厅", "应急管理厅", "发展和改革委员会")
_CITY_DEPTS = ("教育局", "公安局", "民政局", "自然资源和规划局", "市场监督管理局", "生态环境局", "财政局",
               "人力资源和社会保障局", "住房和城乡建设局", "交通运输局", "卫生健康委员会", "农业农村局",
               "司法局", "应急管理局", "发展和改革委员会", "城市管理局", "医疗保障局")
_COUNTY_DEPTS = ("教育局", "公安局", "民政局", "自然资源局", "市场监督管理局", "财政局",
                 "人力资源和社会保障局", "住房和城乡建设局", "交通运输局", "卫生健康局", "农业农村局",
                 "司法局", "应急管理局", "发展和改革局")
# dept word → volume multiplier (applications go mostly to land, housing, police)
_DEPT_MULT = {"自然资源": 3.0, "住房": 2.0, "公安": 1.8, "人力资源": 1.3, "市场监督": 1.2,
              "教育": 0.7, "财政": 0.6, "司法": 0.5, "应急": 0.4}
# level → (median new applications per year, sigma of the agency's lognormal scale)
_LEVEL_SCALE = {("province", "gov"): (1800, 0.6), ("province", "dept"): (120, 1.0),
                ("city", "gov"): (260, 0.8), ("city", "dept"): (20, 1.1),
                ("county", "gov"): (35, 1.0), ("county", "dept"): (3.5, 1.2),
                ("township", "gov"): (0.6, 1.0)}

_OUTCOMES_2021 = vocab.T3_OUTCOME_2021           # granted … other_other (21 rows)
_OUTCOME_BASE = (0.42, 0.07,                       # granted, partially_granted
                 0.01, 0.01, 0.005, 0.01, 0.01, 0.015, 0.005, 0.01,   # denied ×8
                 0.20, 0.04, 0.03,                 # unavailable ×3
                 0.05, 0.02, 0.005, 0.005, 0.01,   # not processed ×5
                 0.03, 0.003, 0.02)                # other ×3
_APPLICANT_REST = (0.5, 0.03, 0.04, 0.2, 0.23)     # shares of non-natural-person applicants
_T4_SPLIT = (0.6, 0.1, 0.15, 0.15)                 # upheld, corrected, other, pending


# --------------------------------------------------------------------------- random helpers

def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n < 40:
        return sum(1 for _ in range(n) if rng.random() < p)
    mu, sd = n * p, math.sqrt(n * p * (1 - p))
    return min(n, max(0, round(rng.gauss(mu, sd))))


def _multinomial(rng: random.Random, n: int, weights: tuple[float, ...] | list[float]) -> list[int]:
    k = len(weights)
    out = [0] * k
    if n <= 0:
        return out
    total = sum(weights)
    if n <= 64:
        cum, acc = [], 0.0
        for w in weights:
            acc += w
            cum.append(acc)
        for i in rng.choices(range(k), cum_weights=cum, k=n):
            out[i] += 1
        return out
    left, rest = n, total
    for i, w in enumerate(weights[:-1]):
        if left <= 0:
            break
        x = _binomial(rng, left, w / rest if rest > 0 else 0)
        out[i] = x
        left -= x
        rest -= w
    out[-1] += left
    return out


# --------------------------------------------------------------------------- agencies

def _name_pool(rng: random.Random, n: int) -> list[str]:
    """n distinct short fictional place words (示例 + one or two characters)."""
    chars = list(_NAME_CHARS)
    rng.shuffle(chars)
    names = [f"示例{c}" for c in chars]
    i = 0
    while len(names) < n:
        a, b = chars[i % len(chars)], chars[(i * 7 + 3) % len(chars)]
        if a != b and f"示例{a}{b}" not in names:
            names.append(f"示例{a}{b}")
        i += 1
    return names[:n]


def _province_name(pi: int) -> str:
    n = len(_NAME_CHARS)
    if pi < n:
        return f"示例{_NAME_CHARS[pi]}省"
    return f"示例{_NAME_CHARS[pi % n]}{_NAME_CHARS[(pi // n) % n]}省"


def _build_province(seed: int, pi: int) -> list[dict[str, Any]]:
    rng = random.Random(seed * 1_000_003 + pi * 7919 + 17)
    P = _province_name(pi)
    style = "shandong" if pi % 6 == 1 else "hubei" if pi % 6 == 3 else "national"
    ags: list[dict[str, Any]] = []

    def add(name: str, level: str, kind: str, dept: str = "") -> None:
        ags.append({"name": name, "level": level, "kind": kind, "dept": dept, "province": P,
                    "province_index": pi, "province_style": style})

    add(f"{P}人民政府", "province", "gov")
    for d in rng.sample(_PROV_DEPTS, rng.randint(8, 12)):
        add(f"{P}{d}", "province", "dept", d)
    for city in _name_pool(rng, rng.randint(5, 9)):
        C = f"{P}{city}市"
        add(f"{C}人民政府", "city", "gov")
        for d in rng.sample(_CITY_DEPTS, rng.randint(7, 12)):
            add(f"{C}{d}", "city", "dept", d)
        for county in _name_pool(rng, rng.randint(3, 7)):
            K = f"{C}{county}{rng.choice('县县区')}"
            add(f"{K}人民政府", "county", "gov")
            for d in rng.sample(_COUNTY_DEPTS, rng.randint(5, 9)):
                add(f"{K}{d}", "county", "dept", d)
            for town in _name_pool(rng, rng.randint(4, 9)):
                suffix = rng.choice(("镇人民政府", "镇人民政府", "乡人民政府", "街道办事处"))
                add(f"{K}{town}{suffix}", "township", "gov")
    return ags


def _agencies(seed: int) -> Iterator[dict[str, Any]]:
    """Every agency, batch by batch of six provinces, shuffled within a batch."""
    batch = 0
    while True:
        ags = []
        for pi in range(batch * PROVINCES_PER_BATCH, (batch + 1) * PROVINCES_PER_BATCH):
            ags += _build_province(seed, pi)
        random.Random(seed * 31 + batch).shuffle(ags)
        yield from ags
        batch += 1


# --------------------------------------------------------------------------- figures

class _Agency:
    """One agency's stable traits and its simulated figures for every year."""

    def __init__(self, info: dict[str, Any], seed: int, index: int):
        self.info = info
        rng = self.rng = random.Random((seed * 1_000_003 + index) * 2_654_435_761 % (1 << 62))
        level, kind = info["level"], info["kind"]
        median, sigma = _LEVEL_SCALE[(level, kind)]
        mult = next((m for w, m in _DEPT_MULT.items() if w in info["dept"]), 1.0)
        self.scale = median * mult * math.exp(rng.gauss(0, sigma))
        np_share = 0.72 + 0.25 * rng.random()
        self.applicant_w = (np_share,) + tuple(w * (1 - np_share) * math.exp(rng.gauss(0, 0.5))
                                               for w in _APPLICANT_REST)
        self.outcome_w = tuple(w * math.exp(rng.gauss(0, 0.5)) for w in _OUTCOME_BASE)
        self.p_carry = 0.0 if rng.random() < 0.45 else rng.uniform(0.01, 0.12)
        self.litigious = math.exp(rng.gauss(0, 0.7))
        # span of years published
        first = 2019 if rng.random() < 0.5 else rng.randint(2020, 2025)
        last = 2025 if rng.random() < 0.6 else rng.randint(first, 2025)
        self.years = range(first, last + 1)
        # variants
        style = info["province_style"]
        self.shandong = style == "shandong"
        self.hubei = style == "hubei" and rng.random() < 0.5
        self.single_other_2021 = rng.random() < 0.06
        self.options = {
            "blank_zeros": rng.random() < 0.3,
            "procurement_unit": rng.choices(("万元", "", "元"), (0.5, 0.3, 0.2))[0],
            "pad_numbers": 0.15 if rng.random() < 0.4 else 0.0,
            "t4_heading": "regulation" if rng.random() < 0.1 else "standard",
        }
        self.makes_rules = kind == "gov" and level in ("province", "city")
        self.reports = self._simulate()

    # ---- table 二 helpers
    def _docs_2019(self, rng: random.Random, stock: list[int], lam: float, key: str, cells: dict) -> None:
        made = _poisson(rng, lam)
        published = made - (_binomial(rng, made, 0.1) if made else 0)
        stock[0] += published
        cells[f"t2.{key}.newly_made_count"] = made
        cells[f"t2.{key}.newly_published_count"] = published
        cells[f"t2.{key}.total_published_count"] = stock[0]

    def _docs_2021(self, rng: random.Random, stock: list[int], lam: float, key: str, cells: dict) -> None:
        issued = _poisson(rng, lam)
        repealed = _binomial(rng, stock[0], 0.04) if stock[0] else 0
        stock[0] += issued - repealed
        cells[f"t2.{key}.issued_count"] = issued
        cells[f"t2.{key}.repealed_count"] = repealed
        cells[f"t2.{key}.in_force_count"] = stock[0]

    def _simulate(self) -> dict[int, dict[str, Any]]:
        rng = self.rng
        lvl = self.info["level"]
        size = {"province": 8.0, "city": 3.0, "county": 1.0, "township": 0.25}[lvl]
        if self.info["kind"] == "gov" and lvl != "township":
            size *= 2
        rule_lam = (3.0 if lvl == "province" else 1.0) if self.makes_rules else 0.0
        norm_lam = 2.0 * size
        reg_stock = [rng.randint(30, 200) if lvl == "province" else rng.randint(3, 40)] if self.makes_rules else [0]
        norm_stock = [_poisson(rng, 12 * size)]
        items = {row: max(0, _poisson(rng, 25 * size * rng.uniform(0.2, 2.0)))
                 for row in ("admin_licensing", "other_external_services", "admin_penalty", "admin_coercion")}
        items["admin_fees"] = _poisson(rng, 2 * size)
        decision_rate = {row: math.exp(rng.gauss(1.0, 1.0)) for row in items}
        carry = [_poisson(rng, self.scale * 0.03 * w) for w in self.applicant_w]
        out: dict[int, dict[str, Any]] = {}
        for year in YEARS:
            template = "2019" if year <= 2020 else "2021"
            trend = 1.0 + 0.06 * (year - 2019)
            cells: dict[str, Any] = {}
            # ---- table 二
            if template == "2019":
                self._docs_2019(rng, reg_stock, rule_lam, "regulations", cells)
                self._docs_2019(rng, norm_stock, norm_lam, "normative_documents", cells)
                if self.hubei:
                    other_stock = [_poisson(rng, 20 * size)]
                    self._docs_2019(rng, other_stock, 3 * size, "other_proactive_documents", cells)
                for row in ("admin_licensing", "other_external_services", "admin_penalty", "admin_coercion"):
                    prior = items[row]
                    change = round(rng.gauss(0, 0.15 * prior + 0.5))
                    current = max(0, prior + change)
                    change = current - prior
                    items[row] = current
                    cells[f"t2.{row}.prior_year_item_count"] = prior
                    if self.shandong:
                        cells[f"t2.{row}.current_item_count"] = current
                    cells[f"t2.{row}.item_count_change"] = change
                    cells[f"t2.{row}.decision_count"] = _poisson(rng, current * decision_rate[row] * trend)
                prior = items["admin_fees"]
                change = max(-prior, round(rng.gauss(0, 0.3 * prior + 0.3)))
                items["admin_fees"] = prior + change
                cells["t2.admin_fees.prior_year_item_count"] = prior
                cells["t2.admin_fees.item_count_change"] = change
                projects = _poisson(rng, 4 * size)
                cells["t2.centralized_procurement.procurement_project_count"] = projects
                amount = sum(math.exp(rng.gauss(3.0, 1.2)) for _ in range(projects))
                cells["t2.centralized_procurement.procurement_amount_wan_yuan"] = round(amount, rng.choice((2, 2, 3, 4)))
            else:
                if year == 2021:   # 2021 starts new stock-and-flow columns
                    reg_stock = [max(0, reg_stock[0] // 3)] if self.makes_rules else [0]
                    norm_stock = [max(0, norm_stock[0] // 3)]
                self._docs_2021(rng, reg_stock, rule_lam, "regulations", cells)
                self._docs_2021(rng, norm_stock, norm_lam, "normative_documents", cells)
                for row in ("admin_licensing", "admin_penalty", "admin_coercion"):
                    cells[f"t2.{row}.decision_count"] = _poisson(rng, items[row] * decision_rate[row] * trend)
                fee = 0.0 if rng.random() < 0.5 else math.exp(rng.gauss(2.0, 1.5)) * size
                cells["t2.admin_fees.fee_amount_wan_yuan"] = round(fee, rng.choice((2, 2, 3, 4)))  # 4 decimals of 万元 = whole yuan
            # ---- table 三, per column
            single = template == "2019" or self.single_other_2021
            lam = self.scale * trend * math.exp(rng.gauss(0, 0.3))
            new_total = _poisson(rng, lam)
            new = _multinomial(rng, new_total, self.applicant_w)
            carried_over = carry
            avail = [a + b for a, b in zip(new, carried_over)]
            to_next = [_binomial(rng, a, self.p_carry) for a in avail]
            results = [a - b for a, b in zip(avail, to_next)]
            outcome_cols = [_multinomial(rng, n, self.outcome_w) for n in results]
            t3rows: dict[str, list[int]] = {"new_received": new, "carried_over_from_prior": list(carried_over)}
            for i, row in enumerate(_OUTCOMES_2021):
                t3rows[row] = [col[i] for col in outcome_cols]
            if single:
                subs = [t3rows.pop(k) for k in vocab.T3_OTHER_SUBROWS]
                t3rows["other_total"] = [sum(x) for x in zip(*subs)]
            t3rows["result_total"] = results
            t3rows["carried_to_next"] = to_next
            for row in vocab.t3_rows_for(template, single):
                vals = t3rows[row]
                for c, v in zip(vocab.T3_APPLICANT_COLS, vals):
                    cells[f"t3.{row}.{c}"] = v
                cells[f"t3.{row}.total"] = sum(vals)
            carry = to_next
            # ---- table 四
            for row, rate in zip(vocab.T4_ROW_KEYS, (0.02, 0.008, 0.004)):
                n = _poisson(rng, (new_total + 2) * rate * self.litigious)
                split = _multinomial(rng, n, _T4_SPLIT)
                for c, v in zip(vocab.T4_COL_KEYS[:4], split):
                    cells[f"t4.{row}.{c}"] = v
                cells[f"t4.{row}.total"] = n
            out[year] = {"cells": cells, "other_as_single_row": single}
        return out


def _variants(ag: _Agency, template: str, single: bool) -> list[str]:
    v = []
    if template == "2019" and ag.shandong:
        v.append("shandong_item_count")
    if template == "2019" and ag.hubei:
        v.append("hubei_other_documents_row")
    if template == "2021" and single:
        v.append("single_other_row_2021")
    if ag.options["blank_zeros"]:
        v.append("blank_zeros")
    if template == "2019" and ag.options["procurement_unit"] == "元":
        v.append("procurement_in_yuan")
    return v


def generate(n_reports: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    """Yield ``n_reports`` fictional reports (dicts), deterministic for a seed; a prefix of a
    longer run equals a shorter run.  Each dict: agency, year, template, cells,
    other_as_single_row, synthetic (True), options (rendering options of its agency), meta
    (level, kind, province, variants)."""
    produced = 0
    for index, info in enumerate(_agencies(seed)):
        ag = _Agency(info, seed, index)
        for year in ag.years:
            if produced >= n_reports:
                return
            sim = ag.reports[year]
            template = "2019" if year <= 2020 else "2021"
            yield {
                "agency": info["name"], "year": year, "template": template,
                "cells": dict(sim["cells"]), "other_as_single_row": sim["other_as_single_row"],
                "synthetic": True, "options": dict(ag.options),
                "meta": {"level": info["level"], "kind": info["kind"], "province": info["province"],
                         "variants": _variants(ag, template, sim["other_as_single_row"])},
            }
            produced += 1
        if produced >= n_reports:
            return


def to_parsed_report(rep: dict[str, Any]):
    """The report dict as a :class:`etl.report.ParsedReport` (synthetic=True), with its text
    sections when it has them (:func:`generate_with_text`), placed one after the other."""
    from etl.report import ParsedReport
    sections, pos = [], 0
    for s in rep.get("sections") or ():
        sections.append({**s, "position": pos, "page": 1, "level": "top"})
        pos += len(s["heading"]) + len(s["text"]) + 2
    return ParsedReport(agency=rep["agency"], year=rep["year"], template=rep["template"],
                        cells=dict(rep["cells"]), title=f"{rep['agency']}{rep['year']}年政府信息公开工作年度报告",
                        agency_as_printed=rep["agency"], other_as_single_row=rep["other_as_single_row"],
                        synthetic=True, sections=sections)


# --------------------------------------------------------------------------- identities (for defects)

def identity_failures(cells: dict[str, Any]) -> list[str]:
    """Names of the per-report identities of the spec that ``cells`` break:
    ``balance.<col>`` (1), ``result_total.<col>`` (2), ``applicant_total.<row>`` (3),
    ``t4_total.<row>`` (4), ``non_negative.<key>`` (5), ``item_count_change.<row>`` (7)."""
    fails = []
    g = cells.get
    rows = {k.split(".")[1] for k in cells if k.startswith("t3.")}
    outcome = [r for r in vocab.T3_OUTCOME_2021 + ("other_total",) if r in rows]
    for c in vocab.T3_COL_KEYS:
        if g(f"t3.new_received.{c}", 0) + g(f"t3.carried_over_from_prior.{c}", 0) != \
                g(f"t3.result_total.{c}", 0) + g(f"t3.carried_to_next.{c}", 0):
            fails.append(f"balance.{c}")
        if sum(g(f"t3.{r}.{c}", 0) for r in outcome) != g(f"t3.result_total.{c}", 0):
            fails.append(f"result_total.{c}")
    for r in vocab.T3_ROW_KEYS:
        if r in rows and sum(g(f"t3.{r}.{c}", 0) for c in vocab.T3_APPLICANT_COLS) != g(f"t3.{r}.total", 0):
            fails.append(f"applicant_total.{r}")
    for r in vocab.T4_ROW_KEYS:
        if sum(g(f"t4.{r}.{c}", 0) for c in vocab.T4_COL_KEYS[:4]) != g(f"t4.{r}.total", 0):
            fails.append(f"t4_total.{r}")
    for k, v in cells.items():
        if isinstance(v, (int, float)) and v < 0 and not k.endswith(".item_count_change"):
            fails.append(f"non_negative.{k}")
        if k.endswith(".current_item_count"):
            row = k.split(".")[1]
            if v - g(f"t2.{row}.prior_year_item_count", 0) != g(f"t2.{row}.item_count_change", 0):
                fails.append(f"item_count_change.{row}")
    return fails


def _break_identity(rep: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Change one printed cell so that at least one identity fails; return the defect record."""
    cells = rep["cells"]
    candidates = [k for k in cells if k.startswith(("t3.", "t4.")) and cells[k]] or \
                 [k for k in cells if k.startswith(("t3.", "t4."))]
    key = rng.choice(candidates)
    old = cells[key]
    delta = rng.choice((1, 1, 2, 3, 10)) * (1 if old == 0 or rng.random() < 0.6 else -1)
    cells[key] = max(0, old + delta) if max(0, old + delta) != old else old + 1
    return {"kind": "broken_identity", "key": key, "printed": cells[key], "consistent": old}


# --------------------------------------------------------------------------- CLI

_EXT = {"txt": "txt", "flat": "txt", "html": "html", "md": "md", "docx": "docx", "pdf": "pdf", "json": "json"}


def _render_one(rep: dict[str, Any], fmt: str, rng: random.Random, damaged: bool) -> tuple[bytes, str, dict]:
    """Bytes of one report in a format, the style label and the options used."""
    from synth import render as R
    opts = dict(rep["options"])
    if fmt == "json":
        return to_parsed_report(rep).dumps().encode("utf-8"), "parsed_json", {}
    if damaged:
        opts["blank_zeros"] = False
        flat = R.render_flat(rep, **opts)
        body = flat.split("==================== 正文 ====================\n", 1)[-1]
        if fmt in ("txt", "flat", "md"):
            return flat.encode("utf-8") if fmt != "md" else body.encode("utf-8"), "damaged_flat", opts
        if fmt == "html":
            page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>{rep['agency']}</title></head>"
                    f"<body><div class=\"article\"><p>{body}</p></div></body></html>")
            return page.encode("utf-8"), "damaged_flat", opts
        if fmt == "docx":
            import docx
            import io
            d = docx.Document()
            for line in body.splitlines():
                d.add_paragraph(line)
            buf = io.BytesIO()
            d.save(buf)
            return R._zip_fixed_time(buf.getvalue()), "damaged_flat", opts
        if fmt == "pdf":
            return _flat_pdf(body), "damaged_flat", opts
    if fmt == "flat" or (fmt == "txt" and rng.random() < 0.25):
        opts["blank_zeros"] = False   # blank cells vanish in crawler text; keep such files readable
        return R.render_flat(rep, **opts).encode("utf-8"), "crawler_flat", opts
    if fmt == "txt":
        return R.render_text(rep, **opts).encode("utf-8"), "word_text", opts
    if fmt == "md":
        return R.render_markdown(rep, **opts).encode("utf-8"), "markdown", opts
    if fmt == "html":
        style = rng.choices(("plain", "word", "nested"), (0.4, 0.35, 0.25))[0]
        enc = "utf-8" if rng.random() < 0.7 else "gb18030"
        declare = rng.random() < 0.9
        o = {**opts, "style": style, "encoding": enc, "declare_charset": declare}
        return R.render_html(rep, **o), f"html_{style}_{enc}" + ("" if declare else "_undeclared"), o
    if fmt == "docx":
        return R.render_docx(rep, **opts), "docx", opts
    if fmt == "pdf":
        o = {**opts, "ruled": rng.random() < 0.85, "split_table3": rng.random() < 0.3,
             "wrap_headers": rng.random() < 0.3, "repeat_header": rng.random() < 0.5}
        label = "pdf" + ("" if o["ruled"] else "_unruled") + ("_split" if o["split_table3"] else "") + \
                ("_wrapped" if o["wrap_headers"] else "")
        return R.render_pdf(rep, **o), label, o
    raise ValueError(f"unknown format {fmt!r}")


def _flat_pdf(text: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from synth import render as R
    R._register_font()
    import io
    st = ParagraphStyle("b", fontName=R._FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(
        [Paragraph(R._esc(line), st) for line in text.splitlines() if line.strip()])
    return buf.getvalue()


def write_corpus(out: Path, n_reports: int, seed: int = 1, formats: list[str] | tuple[str, ...] = ("txt",),
                 defect_rate: float = 0.0, text: bool = False) -> dict[str, Any]:
    """Write the corpus (see the module docstring); return counts and timing.  ``text``: reports
    carry varied narrative text with deliberate copies (:func:`generate_with_text`), and each
    truth file says which sections were copied from where (``meta.copies``)."""
    for f in formats:
        if f not in _EXT:
            raise ValueError(f"unknown format {f!r} (known: {', '.join(_EXT)})")
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    (out / "reports").mkdir(exist_ok=True)
    t0 = time.perf_counter()
    per_fmt: dict[str, list[float]] = {}
    rows = []
    for i, rep in enumerate(generate_with_text(n_reports, seed) if text else generate(n_reports, seed)):
        fmt = formats[i % len(formats)]
        rng = random.Random(seed * 9_999_991 + i)
        defect = None
        if defect_rate > 0 and rng.random() < defect_rate:
            if fmt != "json" and rng.random() < 0.4:
                defect = {"kind": "damaged_text", "detail": "table cells run together without separators"}
            else:
                defect = _break_identity(rep, rng)
        t = time.perf_counter()
        data, style, used = _render_one(rep, fmt, rng, damaged=bool(defect and defect["kind"] == "damaged_text"))
        per_fmt.setdefault(fmt, []).append(time.perf_counter() - t)
        name = f"reports/{i:06d}.{_EXT[fmt]}"
        (out / name).write_bytes(data)
        truth = to_parsed_report(rep).to_json()
        truth.pop("provenance", None)
        truth["source"] = {"name": name, "format": fmt, "style": style}
        truth.update({"synthetic": True, "meta": rep["meta"],
                      "render": {"format": fmt, "style": style,
                                 "options": {k: v for k, v in used.items()}},
                      "defect": defect,
                      "expected_check_failures": identity_failures(rep["cells"])})
        if text:
            truth["sections"] = rep["sections"]
        (out / "truth" / f"{i:06d}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        rows.append({"id": f"{i:06d}", "file": name, "format": fmt, "style": style, "agency": rep["agency"],
                     "level": rep["meta"]["level"], "year": rep["year"], "template": rep["template"],
                     "variants": ";".join(rep["meta"]["variants"]),
                     "defect": defect["kind"] if defect else "",
                     "defect_detail": defect.get("key", defect.get("detail", "")) if defect else "",
                     "synthetic": "true"})
    with open(out / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        fields = ["id", "file", "format", "style", "agency", "level", "year", "template", "variants",
                  "defect", "defect_detail", "synthetic"]
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    elapsed = time.perf_counter() - t0
    return {"reports": len(rows), "seconds": elapsed,
            "render_ms_per_report": {f: 1000 * sum(v) / len(v) for f, v in per_fmt.items()}}


def cli_synth(args) -> int:  # noqa: ANN001
    """``python -m synth --reports N --seed S --out DIR --formats txt,html,… --defect-rate R``."""
    formats = [f.strip() for f in str(args.formats).split(",") if f.strip()]
    if not 0.0 <= args.defect_rate <= 1.0:
        print("synth: --defect-rate must be between 0 and 1", file=sys.stderr)
        return 2
    try:
        stats = write_corpus(Path(args.out), args.reports, args.seed, formats, args.defect_rate,
                             text=bool(getattr(args, "text", False)))
    except ValueError as e:
        print(f"synth: {e}", file=sys.stderr)
        return 2
    per = ", ".join(f"{f} {ms:.2f} ms" for f, ms in stats["render_ms_per_report"].items())
    print(f"synth: wrote {stats['reports']} synthetic reports to {args.out} in {stats['seconds']:.1f} s "
          f"(render per report: {per})", file=sys.stderr)
    return 0


# --------------------------------------------------------------------------- text (年报评估)
# Fictional sentences we wrote for the synthetic corpus (no real report's words): fragments
# combined at random so that two independent sections share few 5-character shingles.
_SUBJ = ("本机关", "我单位", "本部门", "机关各科室", "办公室", "信息公开工作机构")
_VERB = ("进一步完善", "持续优化", "认真落实", "全面梳理", "扎实推进", "稳步推进", "严格执行", "不断加强",
         "着力健全", "深入开展", "系统整理", "规范管理", "定期更新", "集中清理", "统筹做好")
_OBJ = ("政府信息公开目录", "政策解读机制", "依申请公开办理流程", "政务新媒体管理", "公开属性源头认定",
        "保密审查制度", "门户网站栏目", "重点领域信息公开", "公开工作标准化建设", "基层公开事项清单",
        "规范性文件清理", "开放日活动安排", "信息发布审核流程", "公开平台建设", "回应社会关切工作",
        "办件答复文书", "公开工作台账", "人员业务培训", "公开考核评议", "数据开放目录", "意见征集渠道",
        "建议提案办理结果公开", "财政预决算公开", "行政执法信息公示", "公共服务事项清单")
_PURPOSE = ("，切实提高公开质量。", "，确保信息发布及时准确。", "，不断提升群众满意度。", "，推动公开工作制度化。",
            "，做到应公开尽公开。", "，方便群众查询办事。", "，防止泄密和不当公开。", "，提升答复的规范性。",
            "，压实各环节责任。", "，形成长效工作机制。", "，扩大公众参与。", "，提高工作透明度。")
_PROBLEM = ("栏目更新不够及时", "政策解读形式较为单一", "答复文书规范性有待提升", "工作人员业务能力仍需加强",
            "公开内容与群众需求衔接不够", "基层公开标准化水平有待提高", "新媒体互动回应不够充分",
            "公开目录动态调整不到位", "数据开放程度不够", "考核评议机制尚需完善")


def _sentences(rng: random.Random, n: int) -> list[str]:
    return [f"{rng.choice(_SUBJ)}{rng.choice(_VERB)}{rng.choice(_OBJ)}{rng.choice(_PURPOSE)}" for _ in range(n)]


def narrative_sections(rep: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """The six sections' text of a fictional report (the tables' sections say only where the
    table is): varied sentences, the year's own figures, problems and their follow-up."""
    c, y = rep["cells"], rep["year"]
    new, done, nxt = (c.get(f"t3.{k}.total") or 0 for k in ("new_received", "result_total", "carried_to_next"))
    recon = c.get("t4.admin_reconsideration.total") or 0
    general = " ".join(_sentences(rng, rng.randint(4, 7))) + (
        f" 全年新收政府信息公开申请{new}件，办结{done}件，结转下年度继续办理{nxt}件。"
        f" 全年因政府信息公开被申请行政复议{recon}起。")
    probs = rng.sample(_PROBLEM, 3)
    problems = (f"{y}年工作中仍存在一些不足：一是{probs[0]}；二是{probs[1]}；三是{probs[2]}。"
                + (f"针对{y - 1}年度报告所列问题，已逐项落实整改。" if rng.random() < 0.6 else "")
                + " ".join(_sentences(rng, rng.randint(2, 4))))
    fee = rng.choice(("本年度未收取信息处理费。", "本年度没有收取信息处理费。", "无其他需要报告的事项。"))
    other = fee + " ".join(_sentences(rng, rng.randint(1, 3)))
    body = {"general": general, "proactive": "主动公开情况见下表。", "requests": "依申请公开情况见下表。",
            "review": "行政复议、行政诉讼情况见下表。", "problems": problems, "other": other}
    from etl.sections import SECTION_ZH   # headings as the format prints them
    return [{"key": k, "heading": SECTION_ZH[k], "text": t} for k, t in body.items()]


COPY_SECTIONS = ("general", "problems", "other")


def generate_with_text(n_reports: int, seed: int = 1, copy_previous: float = 0.1,
                       copy_peer: float = 0.03) -> Iterator[dict[str, Any]]:
    """:func:`generate` plus ``sections`` (the report's text) and ``meta["copies"]``: the truth of
    every deliberate copy, ``{section: {"kind": previous|peer, "agency": …, "year": …}}``.

    A copy repeats a section of the agency's previous report (``copy_previous``) or of another
    agency's report of the same year (``copy_peer``), with this year's figures (digits differ,
    words do not).  The figures and every other field equal :func:`generate`'s for the seed."""
    rng = random.Random(seed * 7_919 + 17)
    last: dict[str, dict[str, Any]] = {}                 # agency → its latest report with text
    pool: dict[int, list[dict[str, Any]]] = {}           # year → recent reports of other agencies
    for rep in generate(n_reports, seed):
        secs = narrative_sections(rep, rng)
        copies: dict[str, dict[str, Any]] = {}
        prev = last.get(rep["agency"])
        peers = [p for p in pool.get(rep["year"], []) if p["agency"] != rep["agency"]]
        for s in secs:
            if s["key"] not in COPY_SECTIONS:
                continue
            src = None
            if prev is not None and prev["year"] == rep["year"] - 1 and rng.random() < copy_previous:
                src, kind = prev, "previous"
            elif peers and rng.random() < copy_peer:
                src, kind = rng.choice(peers), "peer"
            if src is not None:
                old = next(x for x in src["sections"] if x["key"] == s["key"])
                s["text"] = _refigure(old["text"], rng)
                copies[s["key"]] = {"kind": kind, "agency": src["agency"], "year": src["year"]}
        rep["sections"] = secs
        rep["meta"]["copies"] = copies
        last[rep["agency"]] = rep
        bucket = pool.setdefault(rep["year"], [])
        bucket.append(rep)
        if len(bucket) > 200:
            del bucket[0]
        yield rep


def _refigure(text: str, rng: random.Random) -> str:
    """A copied section with this year's figures: every number changed, the words kept."""
    import re
    return re.sub(r"\d+", lambda m: str(max(0, int(m.group()) + rng.randint(-3, 3))), text)
