"""复核 in Chromium on the bundled real figures — issue 12's "Done when", step by step.

Pick one real bundled report whose open items are all uncertain cells with a corpus gold value
(the fewest such cells, preferring one where the parser's guess is wrong).  Filter the app to its
agency and year through the URL, see 总览 warn about it and 报告详情 count its uncertain cells;
sign in with a local account, resolve every flagged cell of the report on 复核 with the gold
value (a reason where an identity through the cell would still fail), then see the 总览 warning
go, 报告详情 mark the corrected cells, and download the corrections list with all of them.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import duckdb
import pytest
from playwright.sync_api import expect

from etl import accounts
from tests.e2e.conftest import nav_to, sign_in, wait_for_app
from tests.paths import CORPUS, HAVE_CORPUS

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not HAVE_CORPUS, reason="the corpus gold is absent")]

WARNING = "含校验未通过或读取不确定的数字"          # 总览's note on flagged reports behind its figures
VALUE_BOX = "复核值（按年报原件填写）"


def gold_by_report() -> dict[tuple[str, int], dict[str, float]]:
    out = {}
    for p in sorted((CORPUS / "gold").glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        out[(g["agency"], int(g["year"]))] = g["cells"]
    return out


def pick_report(db: Path) -> tuple[dict, dict[str, tuple[float | None, float]]]:
    """The report to review and its flagged cells: key → (parsed value, gold value).

    Only reports without failed checks qualify: a failure whose printing is kept (with a reason)
    stays failed, so such a report would stay flagged on 总览 however carefully it is reviewed."""
    gold = gold_by_report()
    con = duckdb.connect(str(db), read_only=True)
    try:
        reps = con.execute("""select report_id, agency_id, agency_name, year from v_report
                              where n_uncertain > 0 and n_checks_failed = 0""").fetchall()
        best = None
        for rid, agency_id, name, year in reps:
            g = gold.get((name, int(year)))
            cells = con.execute("select cell_key, value from v_fact_cell where report_id = ? and uncertain",
                                [rid]).fetchall()
            if g is None or any(k not in g for k, _ in cells):
                continue
            flagged = {k: (v, float(g[k])) for k, v in cells}
            wrong = any(v is None or abs(v - gv) > 1e-9 for v, gv in flagged.values())
            rank = (not wrong, len(flagged), rid)
            if best is None or rank < best[0]:
                best = (rank, {"report_id": rid, "agency_id": agency_id, "agency_name": name, "year": int(year)},
                        flagged)
    finally:
        con.close()
    assert best is not None, "no bundled report with only uncertain cells that the gold settles"
    return best[1], best[2]


def metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def open_page(page, title: str, rep: dict) -> None:
    """Menu → page; the filters travel with the session (and the URL)."""
    nav_to(page, title)
    wait_for_app(page)
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible(timeout=60_000)
    expect(page.get_by_text(f"当前筛选：全国 · {rep['year']}年 · {rep['agency_name']}", exact=False)
           ).to_be_visible()


def test_resolve_every_flagged_cell_of_a_real_report(bundled_server, page):
    server = bundled_server
    rep, flagged = pick_report(server.db)
    n = len(flagged)
    # the filters as a shared link: this agency, this year only
    query = urlencode([("agency", rep["agency_name"]), ("years", rep["year"]), ("years", rep["year"])])
    page.goto(f"{server.url}/?{query}", timeout=90_000)
    wait_for_app(page, 120_000)
    expect(page.get_by_text(f"当前筛选：全国 · {rep['year']}年 · {rep['agency_name']}", exact=False)
           ).to_be_visible(timeout=60_000)
    expect(page.get_by_text(WARNING, exact=False)).to_be_visible()          # before: 总览 warns
    open_page(page, "报告详情", rep)
    # a link by name (made before ids) resolves; the address now carries the agency's id
    assert parse_qs(urlparse(page.url).query).get("agency") == [rep["agency_id"]]
    expect(metric(page, "读取不确定")).to_have_text(str(n))
    expect(metric(page, "人工复核更正")).to_have_text("0")

    # 复核: read-only until a local account exists and its owner signs in
    open_page(page, "复核", rep)
    expect(page.get_by_label(VALUE_BOX)).to_be_disabled()
    accounts.add("复核员", "correct horse", server.folder / "accounts.toml")
    page.reload()
    wait_for_app(page, 120_000)
    sign_in(page, "复核员", "correct horse")
    expect(page.get_by_text(f"1 份年报，共 {n} 项", exact=False)).to_be_visible()
    shown_key = page.get_by_test_id("stMarkdownContainer").locator("code").filter(
        has_text=re.compile("^(" + "|".join(map(re.escape, flagged)) + ")$"))
    done: list[str] = []
    for _ in range(n):            # the queue moves on to the next open item after each correction
        expect(shown_key).to_have_count(1)
        if done:   # a rerun under load can still show the item just corrected: wait it out
            expect(shown_key).not_to_have_text(re.compile("^(" + "|".join(map(re.escape, done)) + ")$"),
                                               timeout=60_000)
        key = shown_key.inner_text().strip()
        assert key not in done
        box = page.get_by_label(VALUE_BOX)
        expect(box).to_have_count(1, timeout=60_000)   # the previous item's form gone
        value = f"{flagged[key][1]:g}"
        for _ in range(3):   # a rerun still running under load resets the box to its value: type again
            box.fill(value)
            box.press("Enter")
            wait_for_app(page)
            if box.input_value() == value:
                break
        expect(box).to_have_value(value)
        if page.get_by_text("勾稽关系不成立", exact=False).count():   # the agency's printing is kept
            page.get_by_label("理由（必填）").fill("按年报原件核对，保留机关所印数字")
            page.get_by_label("理由（必填）").press("Tab")
            wait_for_app(page)
        page.get_by_role("button", name="提交更正").click()
        wait_for_app(page)
        expect(page.get_by_text(re.compile(f"^已更正 .*→ {re.escape(value)}（版本 1）"))).to_be_visible(timeout=60_000)
        done.append(key)
    expect(page.get_by_text("当前筛选下没有待复核的项目", exact=False)).to_be_visible()
    assert sorted(done) == sorted(flagged)
    con = duckdb.connect(str(server.db), read_only=True)
    try:
        now = dict(con.execute("select cell_key, value from v_fact_cell where report_id = ? and corrected",
                               [rep["report_id"]]).fetchall())
    finally:
        con.close()
    assert now == {k: g for k, (_, g) in flagged.items()}

    # 总览 of this agency-year: its figures no longer rest on an uncertain reading
    open_page(page, "总览", rep)
    expect(page.get_by_role("heading", name=f"{rep['year']}年度")).to_be_visible()
    expect(page.get_by_text(WARNING, exact=False)).to_have_count(0)
    # 报告详情 marks every corrected cell
    open_page(page, "报告详情", rep)
    expect(metric(page, "读取不确定")).to_have_text("0")
    expect(metric(page, "人工复核更正")).to_have_text(str(n))
    expect(page.get_by_text(f"本报告有 {n} 个数字经人工复核更正", exact=False)).to_be_visible()
    # the corrections list (整改/复核清单) downloads with every one of them
    open_page(page, "复核", rep)
    page.get_by_role("tab", name="复核记录", exact=False).click()
    wait_for_app(page)
    with page.expect_download() as dl:
        page.get_by_test_id("stDownloadButton").filter(has_text="下载复核清单").get_by_role("button").click()
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_bytes().decode("utf-8-sig"))))
    assert len(rows) == n
    for r in rows:
        parsed, gold = flagged[r["单元格键"]]
        assert (r["年报编号"], r["复核人"], r["状态"]) == (rep["report_id"], "复核员", "已生效")
        assert float(r["复核值"]) == gold
        assert (float(r["原值"]) if r["原值"] else None) == parsed
    assert {r["单元格键"] for r in rows} == set(flagged)
