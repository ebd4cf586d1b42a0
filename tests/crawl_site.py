"""A fictional government website on 127.0.0.1 for the crawler's tests and benchmark.

Three CMS styles, all agencies fictional (示例…), reports rendered by the project's own
synthetic renderer:

* ``/trs/nb/``   TRS-like, UTF-8: ``createPageHTML(3, 0, "index", "html")`` pagination
  (index_1.html, index_2.html), relative links, ``<meta name="PubDate">``, report inline.
  A non-report notice, a pre-2019 report, a 404 report link, a 301 to the 2020 report; the
  article pages carry a server-side view counter (浏览次数) that changes on every request.
* ``/gbk/``      a GBK-encoded list.php?page=N with 下一页 links; article pages with a
  metadata table (发文日期 / 成文日期, no meta tags) and the report as a PDF or DOCX attachment;
  one article answers 500 once, then 200.
* ``/portal/``   absolute links, 下一页 pagination, ``firstpublishedtime`` meta, report inline
  (Word-pasted HTML) and as a PDF attachment; a report under robots-disallowed
  ``/portal/private/``; a page slower than the crawler's timeout; the last list page's
  下一页 leads into an endless calendar (whose sidebar repeats a report link on every day).
* ``/files/direct.docx``  a report file given directly as a seed.

Every response carries an ETag and Last-Modified and answers conditional requests with 304.
``site.log`` records (path, status) of every request; ``site.pages`` may be edited between
runs (``site.set(path, body)``) to make a report change.
"""
from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from synth import generate as _gen
from synth import render as _render

LAST_MODIFIED = "Wed, 01 Feb 2023 08:00:00 GMT"
SLOW_SECONDS = 5.0


def fictional_report(agency: str, year: int, k: int = 0) -> dict:
    """Cells of a generated synthetic report of the year's template, under our agency name."""
    template = "2019" if year <= 2020 else "2021"
    pool = [r for r in _gen.generate(60, seed=7) if r["template"] == template]
    rep = dict(pool[k % len(pool)])
    rep.update(agency=agency, year=year, options={})
    return rep


def report_title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def _wrap(inner_html: bytes, *, head: str = "", box: str = "", codec: str = "utf-8") -> bytes:
    """Put a CMS head (meta tags) and a metadata box around a rendered report page."""
    text = inner_html.decode(codec)
    text = text.replace("<head>", "<head>" + head, 1)
    text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + box, text, count=1)
    return text.encode(codec)


def _page(title: str, body: str, *, head: str = "", charset: str = "utf-8") -> bytes:
    decl = "gb2312" if charset != "utf-8" else "utf-8"
    html = (f"<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset={decl}\">"
            f"{head}<title>{title}</title></head><body><div class=\"main\">{body}</div>"
            "<div class=\"footer\">示例政府网站（虚构） 主办：示例单位</div></body></html>")
    return html.encode("gb18030" if charset != "utf-8" else "utf-8")


def _li(href: str, text: str, day: str = "") -> str:
    short = text if len(text) <= 18 else text[:16] + "…"
    return f'<li><a href="{href}" title="{text}" target="_blank">{short}</a><span>{day}</span></li>'


@dataclass
class Expected:
    url: str
    published_at: str | None
    kind: str                 # report | attachment
    agency: str
    year: int


@dataclass
class Site:
    """Pages of the fictional site; :meth:`serve` starts it on an ephemeral 127.0.0.1 port."""

    pages: dict[str, tuple[bytes, str]] = field(default_factory=dict)   # path → (body, content type)
    redirects: dict[str, str] = field(default_factory=dict)
    flaky: dict[str, int] = field(default_factory=dict)                 # path → 500s left
    slow: set[str] = field(default_factory=set)
    log: list[list] = field(default_factory=list)                       # [path, status] per request
    base: str = ""
    calendar_prefix: str = "/portal/cal/"
    views: int = 100

    def set(self, path: str, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.pages[path] = (body, ctype)

    def requests(self) -> list[str]:
        return [p for p, _s in self.log]

    def statuses(self, since: int = 0) -> list[int | None]:
        return [st for _p, st in self.log[since:]]

    # ------------------------------------------------------------------ server
    def serve(self) -> tuple[ThreadingHTTPServer, threading.Thread]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):          # quiet
                pass

            def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8",
                      headers: dict | None = None) -> None:
                self._entry[1] = status
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if status != 304:
                    self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

            def do_GET(self):  # noqa: N802 (http.server's name)
                path = self.path
                self._entry = [path, None]           # logged on arrival: a timed-out request counts too
                site.log.append(self._entry)
                try:
                    if path in site.redirects:
                        return self._send(301, b"", headers={"Location": site.redirects[path]})
                    if site.flaky.get(path, 0) > 0:
                        site.flaky[path] -= 1
                        return self._send(500, b"<h1>500</h1>")
                    if path in site.slow:
                        time.sleep(SLOW_SECONDS)
                    if path.startswith(site.calendar_prefix):
                        return self._send(200, site.calendar_page(path))
                    if path not in site.pages:
                        return self._send(404, b"<h1>404 Not Found</h1>")
                    body, ctype = site.pages[path]
                    if b"{views}" in body:             # a server-side view counter: new bytes each visit
                        site.views += 1
                        body = body.replace(b"{views}", str(site.views).encode())
                    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                    headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
                    if self.headers.get("If-None-Match") == etag:
                        return self._send(304, b"", headers=headers)
                    return self._send(200, body, ctype, headers)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        th = threading.Thread(target=server.serve_forever, daemon=True)
        th.start()
        return server, th

    def calendar_page(self, path: str) -> bytes:
        """An endless calendar: every day links to the next one with 下一页."""
        day = path.rsplit("/", 1)[-1].split(".")[0]
        try:
            n = int(day.replace("-", ""))
        except ValueError:
            n = 20240101
        links = "".join(f'<a href="?view={i}">{i}</a> ' for i in range(1, 31))
        side = f'<div class="side"><a href="/portal/art/2024/0131/c1.html">{report_title("示例区人民政府", 2023)}</a></div>'
        return _page(f"活动日历 {day}", f"<h2>活动日历 {day}</h2>{links}{side}"
                     f'<a href="{self.calendar_prefix}{n + 1}.html">下一页</a>')


def build_site(k: int = 0) -> tuple[Site, list[Expected], list[tuple[str, str]]]:
    """The test site, the reports a crawl must find (relative URLs), and the seeds (agency, path)."""
    s = Site()
    exp: list[Expected] = []
    # ------------------------------------------------------------ style A: TRS, UTF-8
    ag_a = "示例市教育局"
    a_reports = [(2022, "/trs/nb/202301/t20230120_101.html", "2023-01-20 09:30", 0),
                 (2021, "/trs/nb/202201/t20220125_88.html", "2022-01-25 10:00", 1),
                 (2020, "/trs/nb/202103/t20210305_9.html", "2021-03-05 16:00", 2)]
    for year, path, pub, i in a_reports:
        inner = _render.render_html(fictional_report(ag_a, year, i + k), style="plain")
        head = (f'<meta name="ArticleTitle" content="{report_title(ag_a, year)}">'
                f'<meta name="PubDate" content="{pub}"><meta name="ContentSource" content="{ag_a}">')
        box = f'<div class="info">来源：{ag_a} 发布时间：{pub[:10]} 浏览次数：<span>{{views}}</span></div>'
        s.set(path, _wrap(inner, head=head, box=box))
        exp.append(Expected(path, pub[:10], "report", ag_a, year))
    s.redirects["/trs/nb/old/2020.html"] = "/trs/nb/202103/t20210305_9.html"
    notice = "/trs/nb/202301/t20230110_99.html"
    s.set(notice, _page("关于做好2023年政务公开工作的通知",
                        "<h1>关于做好2023年政务公开工作的通知</h1><p>发布日期：2023-01-10</p><p>示例通知正文。</p>"))
    old = "/trs/nb/201803/t20180301_5.html"
    s.set(old, _page(report_title(ag_a, 2017), f"<h1>{report_title(ag_a, 2017)}</h1><p>旧版年报（示例）。</p>"))
    pager = '<script>createPageHTML(3, {cur}, "index", "html");</script>'
    s.set("/trs/nb/index.html", _page("政府信息公开年报", "<ul>"
          + _li("./202301/t20230120_101.html", report_title(ag_a, 2022), "2023-01-20")
          + _li("./202301/t20230110_99.html", "关于做好2023年政务公开工作的通知", "2023-01-10")
          + "</ul>" + pager.format(cur=0)))
    s.set("/trs/nb/index_1.html", _page("政府信息公开年报", "<ul>"
          + _li("../nb/202201/t20220125_88.html", report_title(ag_a, 2021), "2022-01-25")
          + _li("./201803/t20180301_5.html", report_title(ag_a, 2017), "2018-03-01")
          + _li("./202001/t20200120_404.html", report_title(ag_a, 2019), "2020-01-20")
          + "</ul>" + pager.format(cur=1)))
    s.set("/trs/nb/index_2.html", _page("政府信息公开年报", "<ul>"
          + _li("/trs/nb/old/2020.html", report_title(ag_a, 2020), "2021-03-05")
          + "</ul>" + pager.format(cur=2)))
    # ------------------------------------------------------------ style B: GBK, attachments
    ag_b = "示例县民政局"
    gbk = "text/html; charset=gbk"
    b_reports = [(2021, 1, "2022年1月28日", "2022-01-28", "pdf", "/gbk/upload/2022/0128abc.pdf",
                  f"附件：{report_title(ag_b, 2021)}.pdf"),
                 (2019, 7, "2020年1月21日", "2020-01-21", "docx", "/gbk/upload/2020/P0200121.docx", "附件1")]
    for year, aid, cn_day, iso, fmt, fpath, ftext in b_reports:
        rep = fictional_report(ag_b, year, 3 + k)
        data = _render.render(rep, fmt)
        ctype = "application/pdf" if fmt == "pdf" else \
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        s.set(fpath, data, ctype)
        rel = "../gbk/upload/" + fpath.split("/gbk/upload/", 1)[1]
        body = (f"<h1>{report_title(ag_b, year)}</h1>"
                f"<table class=\"xxgk\"><tr><th>索引号</th><td>0001-{aid}</td><th>发文日期</th><td>{cn_day}</td></tr>"
                f"<tr><th>发布机构</th><td>{ag_b}</td><th>成文日期</th><td>{year + 1}年1月2日</td></tr></table>"
                f"<p>{ag_b}{year}年政府信息公开工作年度报告全文见附件。</p>"
                f'<p><a href="{rel}">{ftext}</a></p>'
                '<p><a href="/gbk/upload/shenqingbiao.doc">政府信息公开申请表.doc</a></p>')
        s.set(f"/gbk/show.php?id={aid}", _page(report_title(ag_b, year), body, charset="gbk"), gbk)
        exp.append(Expected(f"/gbk/show.php?id={aid}", iso, "report", ag_b, year))
        exp.append(Expected(fpath, iso, "attachment", ag_b, year))
    s.flaky["/gbk/show.php?id=7"] = 1
    s.set("/gbk/list.php?page=1", _page("年报专栏", "<ul>" + _li("show.php?id=1", report_title(ag_b, 2021), "2022-01-28")
                                        + "</ul><a href=\"list.php?page=2\">下一页</a>", charset="gbk"), gbk)
    s.set("/gbk/list.php?page=2", _page("年报专栏", "<ul>" + _li("show.php?id=7", report_title(ag_b, 2019), "2020-01-21")
                                        + "</ul><a href=\"list.php?page=1\">上一页</a>", charset="gbk"), gbk)
    # ------------------------------------------------------------ style C: portal, absolute links
    ag_c = "示例区人民政府"
    rep_c = fictional_report(ag_c, 2023, 4 + k)
    inner = _render.render_html(rep_c, style="word")
    s.set("/portal/art/2024/0131/c1.pdf", _render.render(rep_c, "pdf"), "application/pdf")
    head = '<meta name="firstpublishedtime" content="2024-01-31 09:00:00"><meta name="ColumnName" content="年报">'
    box = ('<div class="pages-date">2024-01-31 09:00 来源：示例区人民政府办公室</div>'
           '<p><a href="/portal/art/2024/0131/c1.pdf">附件：' + report_title(ag_c, 2023) + '（PDF版）</a></p>')
    s.set("/portal/art/2024/0131/c1.html", _wrap(inner, head=head, box=box))
    exp.append(Expected("/portal/art/2024/0131/c1.html", "2024-01-31", "report", ag_c, 2023))
    exp.append(Expected("/portal/art/2024/0131/c1.pdf", "2024-01-31", "attachment", ag_c, 2023))
    s.set("/portal/private/2022.html", _page(report_title(ag_c, 2022), "<h1>内部</h1>"))
    s.set("/portal/art/slow.html", _page(report_title(ag_c, 2021), "<h1>慢</h1>"))
    s.slow.add("/portal/art/slow.html")
    s.set("/portal/ndbg/index.html", _page("年度报告", "<ul>"
          + _li("{base}/portal/art/2024/0131/c1.html", report_title(ag_c, 2023), "2024-01-31")
          + _li("{base}/portal/private/2022.html", report_title(ag_c, 2022), "2023-03-30")
          + "</ul><a href=\"{base}/portal/ndbg/list_2.html\">下一页</a>"))
    s.set("/portal/ndbg/list_2.html", _page("年度报告", "<ul>"
          + _li("{base}/portal/art/slow.html", report_title(ag_c, 2021), "2022-03-30")
          + "</ul><a href=\"{base}/portal/cal/20240101.html\">下一页</a>"))
    # ------------------------------------------------------------ a file as a seed
    ag_d = "示例市财政局"
    s.set("/files/direct.docx", _render.render(fictional_report(ag_d, 2022, 5 + k), "docx"),
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    exp.append(Expected("/files/direct.docx", "2023-02-01", "attachment", ag_d, 2022))
    s.set("/robots.txt", b"User-agent: *\nDisallow: /portal/private/\n", "text/plain")
    seeds = [(ag_a, "/trs/nb/index.html"), ("", "/gbk/list.php?page=1"), (ag_c, "/portal/ndbg/index.html"),
             (ag_d, "/files/direct.docx")]
    return s, exp, seeds


def start(k: int = 0):
    """Build and serve the site; absolute links get the real base.  Returns (site, server, expected, seeds)."""
    site, exp, seeds = build_site(k)
    server, _th = site.serve()
    for path, (body, ctype) in list(site.pages.items()):
        if b"{base}" in body:
            site.pages[path] = (body.replace(b"{base}", site.base.encode()), ctype)
    return site, server, exp, seeds


def write_seeds(path, site: Site, seeds) -> None:
    lines = ["agency,url"] + [f"{a},{site.base}{p}" for a, p in seeds]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
