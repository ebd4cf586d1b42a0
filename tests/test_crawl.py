"""The crawler against a fictional site on 127.0.0.1 (tests/crawl_site.py), and crawl → ingest.

Nothing here talks to any address but 127.0.0.1: the site is served by the test process on an
ephemeral port, the in-process crawler ignores proxy settings (``trust_env=False``) and the
subprocess runs get an environment without proxy variables.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

import crawl_site
from etl import crawl, timeliness
from app.queries import Filters, q_report_timeliness
from etl.archive import crawl_runs, read_records, snapshots
from etl.warehouse import ingest
from paths import ROOT

FAST = dict(delay=0.0, timeout=1.5, retries=1, backoff=0.01, trust_env=False)
FAST_FLAGS = ["--delay", "0", "--timeout", "1.5", "--retries", "1", "--backoff", "0.01"]


@pytest.fixture
def site():
    s, server, expected, seeds = crawl_site.start()
    yield s, expected, seeds
    server.shutdown()
    server.server_close()


def _run(s, seeds, out: Path, **kw) -> crawl.RunStats:
    crawl_site.write_seeds(out.parent / "seeds.csv", s, seeds)
    found, errors = crawl.read_seeds(out.parent / "seeds.csv")
    assert not errors
    c = crawl.Crawler(out, **{**FAST, **kw})
    try:
        return c.run(found)
    finally:
        c.close()


def _fetches(out: Path, run: int = -1) -> list[dict]:
    recs = read_records(out)
    runs = [r["run_id"] for r in recs if r.get("type") == "run"]
    return [r for r in recs if r.get("type") == "fetch" and r["run_id"] == runs[run]]


def _rel(s, url: str) -> str:
    return url.replace(s.base, "")


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(ROOT)
    return env


# --------------------------------------------------------------------------- one crawl
def test_crawl_finds_exactly_the_reports_with_their_dates(site, tmp_path):
    s, expected, seeds = site
    stats = _run(s, seeds, tmp_path / "archive")
    recs = _fetches(tmp_path / "archive")
    got = {(_rel(s, r["final_url"]), r["kind"], r["published_at"]) for r in recs
           if r.get("kind") in ("report", "attachment")}
    assert got == {(e.url, e.kind, e.published_at) for e in expected}
    years = {_rel(s, r["final_url"]): r["year"] for r in recs if r.get("kind") in ("report", "attachment")}
    # a file given as a seed has no title or link text naming its year: the crawler says None
    assert years == {e.url: None if e.url == "/files/direct.docx" else e.year for e in expected}
    assert stats.found == len(expected) and stats.new == len(expected)
    asked = s.requests()
    # robots.txt: the disallowed report is never requested, and recorded as skipped
    assert not [p for p in asked if p.startswith("/portal/private/")]
    assert any("/portal/private/" in u and "robots" in why for u, why in stats.skipped)
    # not opened: the non-report notice and the pre-2019 report
    assert "/trs/nb/202301/t20230110_99.html" not in asked and "/trs/nb/201803/t20180301_5.html" not in asked
    # 500 then 200: retried once and archived; 404 and the slow page: failed, with reasons
    assert [st for p, st in s.log if p == "/gbk/show.php?id=7"] == [500, 200]
    failed = {_rel(s, u): why for u, why in stats.failed}
    assert set(failed) == {"/trs/nb/202001/t20200120_404.html", "/portal/art/slow.html"}
    assert "404" in failed["/trs/nb/202001/t20200120_404.html"] and "超时" in failed["/portal/art/slow.html"]
    # the redirect is followed and recorded
    red = next(r for r in recs if _rel(s, r["url"]) == "/trs/nb/old/2020.html")
    assert red["redirects"][0][1] == 301 and _rel(s, red["final_url"]) == "/trs/nb/202103/t20210305_9.html"
    # the endless calendar stops after MAX_BARREN_LISTS pages without a report link
    assert 0 < sum(p.startswith("/portal/cal/") for p in asked) <= crawl.MAX_BARREN_LISTS
    assert not [p for p in asked if "view=" in p]
    # the request count is exact: every page once, plus robots.txt, one retry each for the 500
    # and the slow page, and the redirect's second hop
    assert len(asked) == stats.requests == stats.pages + 1 + 2 + 1
    # GBK pages are read correctly
    gbk = next(r for r in recs if _rel(s, r["url"]) == "/gbk/show.php?id=1")
    assert gbk["title"] == crawl_site.report_title("示例县民政局", 2021)
    # archived bodies are under their content hash
    for r in recs:
        if r.get("path"):
            data = (tmp_path / "archive" / r["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == r["sha256"] and r["sha256"] in r["path"]


def test_page_bound_limits_requests(site, tmp_path):
    s, _expected, seeds = site
    stats = _run(s, seeds[:1], tmp_path / "archive", max_pages=2)
    assert stats.pages == 2
    assert len(s.requests()) == 3                       # robots.txt + 2 pages
    assert any("上限" in why for _u, why in stats.skipped)


# --------------------------------------------------------------------------- re-runs and versions
def test_rerun_is_conditional_and_a_change_becomes_a_version(site, tmp_path):
    s, expected, seeds = site
    out = tmp_path / "archive"
    _run(s, seeds, out)
    files_before = sorted(p for p in (out / "files").rglob("*") if p.is_file())
    n = len(s.log)
    stats = _run(s, seeds, out)
    second = s.log[n:]
    ok_before = {p for p, st in s.log[:n] if st == 200}
    # nothing unchanged is fetched again: every page that answered 200 answers 304 now, except
    # the calendar (served without ETag/Last-Modified) and pages whose view counter moved
    counters = {p for p, (b, _c) in s.pages.items() if b"{views}" in b}
    assert len(counters) == 3
    volatile = counters | {p for p, _st in second if p.startswith("/portal/cal/")}
    assert {p for p, st in second if st == 200} - volatile == {"/robots.txt"}
    assert [(p, st) for p, st in second if p in ok_before - volatile - s.slow and p != "/robots.txt"
            and st != 304] == []
    # a moved view counter is not a new version, and stores no file
    assert {r["change"] for r in _fetches(out) if r["final_url"].replace(s.base, "") in counters} == {"unchanged"}
    assert stats.new == 0 and stats.changed == 0 and stats.unchanged == len(expected)
    assert sorted(p for p in (out / "files").rglob("*") if p.is_file()) == files_before
    # the 2022 report of 示例市教育局 is corrected on the site
    path = expected[0].url
    body, ctype = s.pages[path]
    s.set(path, body.replace(b"</body>", "<p>（更正说明：示例）</p></body>".encode(), 1), ctype)
    stats = _run(s, seeds, out)
    assert stats.changed == 1 and stats.new == 0
    versions = [r for r in read_records(out) if r.get("type") == "fetch" and _rel(s, r["url"]) == path
                and r.get("change") in ("new", "changed")]
    assert [r["version"] for r in versions] == [1, 2]
    assert versions[1]["previous_sha256"] == versions[0]["sha256"]
    assert all((out / r["path"]).is_file() for r in versions)         # both kept
    # ingest: both versions loaded, the later one is current, the warehouse knows the first
    db = tmp_path / "w.duckdb"
    summary = ingest([out], db, workers=1, progress=False)
    assert summary.ok and summary.loaded + summary.replaced == len(snapshots(out))
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""select source_version, is_current, first_fetched_at, fetched_at from dim_report
                          where source_url = ? order by source_version""", [s.base + path]).fetchall()
    con.close()
    assert [(v, cur) for v, cur, _f, _t in rows] == [(1, False), (2, True)]
    assert rows[0][2] == rows[1][2] == rows[0][3]                       # first fetch = version 1's fetch
    again = ingest([out], db, workers=1, progress=False)
    assert again.loaded == again.replaced == 0 and again.unchanged == len(snapshots(out))


# --------------------------------------------------------------------------- kill -9 and --resume
def _wait_lines(manifest: Path, n: int, proc, timeout: float = 60.0) -> None:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if manifest.exists() and manifest.read_bytes().count(b'"type": "fetch"') >= n:
            return
        if proc.poll() is not None:
            pytest.fail("the crawl ended before it could be killed")
        time.sleep(0.02)
    pytest.fail("the crawl made no progress")


@pytest.mark.parametrize("kill_after", [3, 9])
def test_kill_9_then_resume_loses_and_duplicates_nothing(site, tmp_path, kill_after):
    s, _expected, seeds = site
    ref = tmp_path / "reference"
    _run(s, seeds, ref)
    s.flaky["/gbk/show.php?id=7"] = 1
    out = tmp_path / "archive"
    crawl_site.write_seeds(tmp_path / "seeds.csv", s, seeds)
    cmd = [sys.executable, "-m", "etl", "crawl", str(tmp_path / "seeds.csv"), "--out", str(out), "--quiet",
           "--delay", "0.1", "--timeout", "1.5", "--retries", "1", "--backoff", "0.01"]
    proc = subprocess.Popen(cmd, env=_env(), cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_lines(out / "manifest.jsonl", kill_after, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = {r["url"] for r in read_records(out) if r.get("type") == "fetch"}
    n = len(s.log)
    res = subprocess.run(cmd + ["--resume"], env=_env(), cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode in (0, 1), res.stderr
    assert "resuming" in res.stderr or "继续" in res.stderr or not res.stderr
    # URLs journaled before the kill are not requested again
    assert not {s.base + p for p in s.requests()[n:]} & done_before
    recs = read_records(out)
    runs = [r for r in recs if r.get("type") == "run"]
    assert len(runs) == 1 and sum(r.get("type") == "run_end" for r in recs) == 1
    fetches = [r for r in recs if r.get("type") == "fetch"]
    assert len({r["url"] for r in fetches}) == len(fetches)          # nothing journaled twice
    # nothing lost (compared by fingerprint: the view counters differ between the two crawls)
    want = {(r["final_url"], r["fingerprint"]) for r in _fetches(ref) if r.get("sha256")}
    assert {(r["final_url"], r["fingerprint"]) for r in fetches if r.get("sha256")} == want
    on_disk = {p.relative_to(out).as_posix() for p in (out / "files").rglob("*") if p.is_file()}
    assert on_disk == {r["path"] for r in fetches if r.get("path")}    # no orphan, no temp file
    for rel in on_disk:
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() in rel


# --------------------------------------------------------------------------- README: crawl → ingest
def _readme_commands() -> list[str]:
    """The README's crawl → ingest block (marked as needing a website: tests/test_docs.py skips it)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Using the ETL", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"<!-- needs a website:[^\n]*-->\n```bash\n(.*?)```", section, re.S)
    assert block, "README's Using the ETL section has no crawl block"
    return [re.sub(r"\s+#\s.*$", "", line).strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_crawl_then_ingest_works_against_the_test_site(site, tmp_path):
    """The README's two lines, run as printed in a folder holding seeds.csv for the local site,
    plus flags that make the local run fast (``--delay 0 …`` on crawl; ``--workers 1`` on ingest)."""
    s, expected, seeds = site
    cmds = _readme_commands()
    assert len(cmds) == 2 and " -m etl crawl seeds.csv" in cmds[0] and " -m etl ingest data/archive" in cmds[1]
    crawl_site.write_seeds(tmp_path / "seeds.csv", s, seeds)
    for cmd, more in zip(cmds, [FAST_FLAGS + ["--quiet"], ["--workers", "1", "--quiet"]]):
        argv = [sys.executable] + shlex.split(cmd)[1:] + more
        res = subprocess.run(argv, env=_env(), cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert res.returncode in (0, 1), res.stderr      # 1: the site's 404 and slow page are reported
        assert "Traceback" not in res.stderr
    assert (tmp_path / "data" / "archive" / "manifest.jsonl").is_file()
    db = tmp_path / "data" / "demo.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("""select agency_name, year, source_url, page_url, published_at, published_at_method,
                                 source_choice from dim_report where is_current""").fetchall()
    con.close()
    by_key = {(a, y): (u, pg, pub, how, choice) for a, y, u, pg, pub, how, choice in rows}
    want = {(e.agency, e.year) for e in expected}
    assert set(by_key) == want
    for e in expected:
        url, page, pub, how, choice = by_key[(e.agency, e.year)]
        assert pub == date.fromisoformat(e.published_at) and how
        if url == s.base + e.url:
            assert choice.startswith("采用")
    # the GBK reports' pages hold no tables: their attachment was used, and said so
    gbk = by_key[("示例县民政局", 2021)]
    assert gbk[0].endswith(".pdf") and gbk[1].endswith("show.php?id=1") and "附件" in gbk[4].split(";")[0]
    # the read models of the 采集 page: the last crawl, and timeliness per report
    runs = crawl_runs(tmp_path / "data" / "archive")
    assert len(runs) == 1 and runs[0]["finished"] and runs[0]["found"] == len(expected)
    assert {u.replace(s.base, "") for u, _why in runs[0]["failed"]} == {"/trs/nb/202001/t20200120_404.html",
                                                                     "/portal/art/slow.html"}
    con = duckdb.connect(str(db), read_only=True)
    tl = q_report_timeliness(con, Filters(include_synthetic=True))
    con.close()
    assert len(tl) == len(want)
    for row in tl.itertuples():
        t = timeliness.assess(row.year, row.published_at, row.level, row.kind)
        assert (row.timeliness_status, row.timeliness) == (t.status, t.label)


# --------------------------------------------------------------------------- rules
DATES = [("2023-01-20", "2023-01-20"), ("2023/1/5", "2023-01-05"), ("2023年1月5日", "2023-01-05"),
         ("2023.01.05 10:00", "2023-01-05"), ("2023 年 12 月 31 日", "2023-12-31")]


@pytest.mark.parametrize("label", crawl.LABELS)
@pytest.mark.parametrize("text,iso", DATES)
def test_labelled_dates_in_every_format(label, text, iso):
    for sep in ("：", ":", " ", "："):
        page = f"首页 > 年报 {label}{sep}{text} 来源：示例局 浏览次数：12"
        assert crawl.published_date({}, page, "http://127.0.0.1/x.html") == (iso, f"label:{label}")


def test_date_priority_meta_then_labels_then_url():
    text = "成文日期：2023-01-02 发布日期：2023-01-20"
    assert crawl.published_date({}, text, "") == ("2023-01-20", "label:发布日期")
    assert crawl.published_date({"pubdate": "2023-01-21 09:00"}, text, "")[1] == "meta:pubdate"
    assert crawl.published_date({}, "无日期", "http://127.0.0.1/a/t20230125_9.html") == ("2023-01-25", "url:t_yyyymmdd")
    assert crawl.published_date({}, "发布日期：2023-02-30", "") == (None, None)      # not a date: not invented
    assert crawl.published_date({}, "3月份共发布信息12条", "") == (None, None)


@pytest.mark.parametrize("title,year,is_report", [
    ("示例市教育局2023年政府信息公开工作年度报告", 2023, True),
    ("示例县二〇二一年度政府信息公开工作年度报告", 2021, True),
    ("2020年政务公开工作年报", 2020, True),
    ("示例局2017年政府信息公开年度报告", 2017, True),
    ("关于做好2023年政务公开工作的通知", 2023, False),
    ("政府信息公开申请表", None, False)])
def test_report_titles(title, year, is_report):
    assert crawl.looks_like_report(title) is is_report
    assert crawl.report_year(title) == year


def test_seeds_with_bom_and_a_bad_row(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("\ufeffagency,url\n示例局,http://127.0.0.1:9/a/\n,ftp://127.0.0.1/x\n,http://127.0.0.1:9/b#frag\n",
                 encoding="utf-8")
    seeds, errors = crawl.read_seeds(p)
    assert [(x.agency, x.url) for x in seeds] == [("示例局", "http://127.0.0.1:9/a/"), ("", "http://127.0.0.1:9/b")]
    assert len(errors) == 1 and "s.csv:3" in errors[0]


def test_torn_journal_line_is_cut_on_open(tmp_path):
    a = crawl.Archive(tmp_path)
    a.append({"type": "fetch", "url": "u1"})
    a.close()
    with open(tmp_path / "manifest.jsonl", "ab") as fh:
        fh.write(b'{"type": "fetch", "url": "u2", "sha')
    a = crawl.Archive(tmp_path)
    assert [r["url"] for r in a.records] == ["u1"]
    a.append({"type": "fetch", "url": "u3"})
    a.close()
    lines = (tmp_path / "manifest.jsonl").read_text().splitlines()
    assert [json.loads(x)["url"] for x in lines] == ["u1", "u3"]


@pytest.mark.parametrize("level,kind,due", [("county", "department", date(2024, 1, 31)),
                                            ("province", "government", date(2024, 3, 31)),
                                            ("city", "department", date(2024, 1, 31))])
def test_timeliness_around_the_deadline(level, kind, due):
    from datetime import timedelta
    for delta in (-30, -1, 0, 1, 45):
        t = timeliness.assess(2023, due + timedelta(days=delta), level, kind)
        assert t.deadline == due
        assert (t.status, t.days_late) == (("late", delta) if delta > 0 else ("on_time", 0))
        assert t.label == (f"逾期 {delta} 天" if delta > 0 else "按时")


def test_timeliness_unknown_when_no_rule_or_no_date():
    assert timeliness.assess(2023, "2024-01-02", "township", "government").status == "unknown"
    assert timeliness.assess(2017, "2018-01-02", "city", "department").status == "unknown"
    t = timeliness.assess(2023, None, "city", "department")
    assert t.status == "unknown" and t.deadline == date(2024, 1, 31)


def test_a_corrected_page_richer_than_the_loaded_attachment_is_loaded(site, tmp_path):
    """Snapshot 1: the page only says 全文见附件 (the PDF is loaded).  The agency then puts the
    whole report on the page: the next ingest loads the page, although the PDF is known."""
    s, _expected, seeds = site
    out, db = tmp_path / "archive", tmp_path / "w.duckdb"
    _run(s, seeds[1:2], out)
    assert ingest([out], db, workers=1, progress=False).ok
    path = "/gbk/show.php?id=1"
    body, ctype = s.pages[path]
    rep = crawl_site.fictional_report("示例县民政局", 2021, 3)
    inline = crawl_site._render.render_html(rep, style="plain", encoding="gb18030").decode("gb18030")
    table_html = inline.split('<div class="article">', 1)[1].rsplit("</div>", 1)[0]
    s.set(path, body.decode("gb18030").replace("</body>", table_html + "</body>").encode("gb18030"), ctype)
    _run(s, seeds[1:2], out)
    summary = ingest([out], db, workers=1, progress=False)
    assert summary.ok and summary.replaced == 1
    con = duckdb.connect(str(db), read_only=True)
    cur = con.execute("""select source_url, source_version, source_choice from dim_report
                         where is_current and agency_name = '示例县民政局' and year = 2021""").fetchall()
    con.close()
    assert len(cur) == 1 and cur[0][0] == s.base + path and cur[0][1] == 2 and "网页" in cur[0][2].split(";")[0]


@pytest.mark.parametrize("counter", ["浏览次数：{n}", "访问量: {n}", "点击数 <span>{n}</span>", "阅读次数：<b>{n}</b>次",
                                     "浏览人次:&nbsp;<font>{n}</font>"])
def test_view_counters_do_not_make_a_version_but_figures_do(counter):
    page = "<html><head><meta charset='utf-8'></head><body><p>{c}</p><table><tr><td>新收申请</td><td>{v}</td></tr>" \
           "</table></body></html>"

    def fp(n, v):
        return crawl.fingerprint(page.format(c=counter.format(n=n), v=v).encode(), "text/html; charset=utf-8")
    assert fp(12, 5) == fp(13579, 5)
    assert fp(12, 5) != fp(12, 6)


def test_timeliness_of_a_missing_date_from_a_dataframe_is_unknown():
    """A report without a publication date reaches timeliness as pandas NaT (a datetime subclass)."""
    import pandas as pd

    from etl import timeliness
    assert timeliness.assess(2023, pd.NaT, "county", "government").status == "unknown"
    assert timeliness.assess(2023, float("nan"), "county", "department").status == "unknown"
    assert timeliness.assess(2023, pd.Timestamp("2024-04-02"), "county", "government").label == "逾期 2 天"
