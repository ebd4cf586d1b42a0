"""年报评估 in a real browser on the bundled real reports (data/reports): every report's page of
evidence shows each of its deductions, both CSVs equal the page's tables (the read model's
frames), and once an original file is ingested its evidence shows the report's own words."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import expect

from app import queries as q
from app.ui import csv_bytes
from etl.warehouse import ingest
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def _frame(db: Path, fn, *args):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return fn(con, *args)
    finally:
        con.close()


def test_scores_and_deductions_csv_equal_the_page(bundled_server, page):
    s = bundled_server
    page.goto(f"{s.url}/assessment", timeout=60_000)
    wait_for_app(page, 90_000)
    expect(page.get_by_role("heading", name="年报评估", exact=True).first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    for label, fn, stem in (("下载得分 CSV", q.q_assessment_scores, "年报得分"),
                            ("下载整改清单 CSV", q.q_assessment_deductions, "整改清单")):
        with page.expect_download() as dl:
            page.get_by_test_id("stDownloadButton").filter(has_text=label).get_by_role("button").click()
        got = Path(dl.value.path()).read_bytes()
        want = csv_bytes(_frame(s.db, fn, q.Filters()))   # the page's CSV: counts as integers
        assert dl.value.suggested_filename.startswith(stem)
        assert got == want
        assert len(want.splitlines()) > 2


def test_every_deduction_shows_its_evidence(bundled_server, page):
    s = bundled_server
    ded = _frame(s.db, q.q_assessment_deductions, q.Filters())
    assert len(ded) and set(ded["evidence_url"].str.split("?").str[0]) <= {"assessment", "text-diff", "report"}
    for rid, group in ded.groupby("report_id"):
        page.goto(f"{s.url}/assessment?report={rid}", timeout=60_000)
        wait_for_app(page, 90_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        for msg in group["message"]:
            expect(page.get_by_text(msg, exact=True).first).to_be_attached()
        # bundled reports ship no text: the page says so instead of showing words
        expect(page.get_by_text("只有结构化数字", exact=False).first).to_be_visible()


def test_original_file_brings_the_words(bundled_server, page, tmp_path):
    """A report file (our own synthetic text) whose text says one figure and whose table says
    another: the deduction's evidence on the page is the sentence itself."""
    from synth.generate import generate_with_text
    from synth.render import render
    rep = next(r for r in generate_with_text(50, seed=2) if (r["cells"]["t3.new_received.total"] or 0) > 3)
    n = rep["cells"]["t3.new_received.total"]
    for sec in rep["sections"]:
        if sec["key"] == "general":
            sec["text"] = sec["text"].replace(f"新收政府信息公开申请{n}件", f"新收政府信息公开申请{n + 5}件")
    path = tmp_path / "synthetic_report.txt"
    path.write_bytes(render(rep, "txt"))
    s = bundled_server
    ingest([path], s.db, workers=1, progress=False)
    rid = _frame(s.db, lambda con: con.execute(
        "select report_id from dim_report where source_name = 'synthetic_report.txt'").fetchone()[0])
    found = _frame(s.db, q.q_report_findings, rid)
    quoted = found[(found["status"] == "fail") & found["quote"].notna()]
    assert "claim.new_received" in set(quoted["item"])
    page.goto(f"{s.url}/assessment?report={rid}&synthetic=true", timeout=60_000)
    wait_for_app(page, 90_000)
    page.get_by_role("button", name="重新加载数据").click()
    wait_for_app(page, 90_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    for quote in quoted["quote"]:
        expect(page.get_by_text(quote, exact=True).first).to_be_attached()
    assert len(_frame(s.db, q.q_report_sections, rid)) >= 6
    # the side-by-side page opens on the report's text
    page.goto(f"{s.url}/{q.text_diff_url(rid, rid, 'general')}&synthetic=true", timeout=60_000)
    wait_for_app(page, 90_000)
    expect(page.get_by_role("heading", name="年报对照", exact=True).first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("相同文字占比")).to_be_visible()
    shots = os.environ.get("GKNB_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "text_diff.png"), full_page=True)
        page.goto(f"{s.url}/assessment?report={rid}&synthetic=true", timeout=60_000)
        wait_for_app(page, 90_000)
        page.screenshot(path=str(Path(shots) / "assessment.png"), full_page=True)
