"""Harvest annual reports from government websites into a content-addressed archive.

``python -m etl crawl SEEDS.csv`` reads seeds (``agency,url``: a site's 年报 column, a report
page or a file URL), walks each column's pagination, opens every article whose title looks
like a 政府信息公开工作年度报告 of 2019 or later, and stores the report page and its attached
report files under ``<out>/files/<sha256[:2]>/<sha256><ext>``, with one append-only journal
``<out>/manifest.jsonl`` (see :mod:`etl.archive` for reading it back).

Politeness and safety
---------------------
* robots.txt per host (protego); a 5xx or unreachable robots.txt disallows the host
  (RFC 9309 §2.3.1.4), a 4xx allows everything.  ``Crawl-delay`` raises the delay.
* One request at a time (concurrency 1 per host by construction), at least ``delay`` seconds
  between two requests to the same host; timeouts; retries with exponential backoff on 5xx,
  timeouts and connection errors; redirects followed by hand (≤ 5), each hop recorded and
  checked against robots.txt and the seed's host (never leaves it).
* Bounds: ``max_pages`` requests per seed; URLs longer than 500 characters, paths repeating a
  segment, more than 100 list pages of one path differing by query string, and pagination
  chains that go 3 pages without a report link not seen before (a calendar, an endless
  "下一页", a sidebar repeating the same reports) are not followed.
* Conditional requests: a URL fetched before is asked for with ``If-None-Match`` /
  ``If-Modified-Since``; a 304 reuses the archived body (its links are still followed).
* Same URL, new content = a new ``version`` (both files kept; version 1 is the first seen).
  "New content" ignores a page's view counter (浏览次数：123): see :func:`fingerprint`.

Journal and resume
------------------
A body is written to a temp file and renamed to its content-hash name *before* its journal
line is appended; both are handed to the OS at once, so a kill -9 leaves at most a body
without a line (the resumed run fetches it again and finds the same name) or a torn last line
(cut off on open).  Against power loss, fsync is a group commit at most every 0.5 s and at
every run record: the new bodies and their folders first, then the journal; on open, a line
whose body is missing or short is cut off with everything after it.  ``--resume`` continues the last unfinished run: URLs that run already journaled
are not requested again (their archived bodies are re-read to rebuild the frontier).

Dates: ``published_at`` comes from meta tags (PubDate, firstpublishedtime, …), then the
labelled metadata boxes of the common CMSes (发布日期 > 发布时间 > 公开日期 > 发文日期 >
成文日期 > 时间), then the TRS URL stamp ``t20230120_``; the method says which.  Strict
regexes, not a general date parser: these CMS dates are regular, and a parser that reads
"3月" in a sentence as a date would invent publication dates.
"""
from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import re
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit, urlunsplit

USER_AGENT = "gongkai-nianbao-crawler/0.1 (annual-report archive; obeys robots.txt)"
MANIFEST = "manifest.jsonl"
FILES = "files"
FILE_EXTS = (".pdf", ".docx", ".doc", ".wps", ".xlsx", ".xls", ".et")
MAX_BYTES = 60 * 1024 * 1024
MAX_URL = 500
MAX_QUERY_VARIANTS = 100     # list pages of one path with different query strings (list.php?page=N)
MAX_BARREN_LISTS = 3
MAX_REDIRECTS = 5
SYNC_SECONDS = 0.5            # group commit of bodies + journal (a kill -9 loses nothing either way)
NEXT_TEXTS = {"下一页", "下页", "后页", "下一頁", ">", "›", "»", ">>", "next"}

_YEAR = r"((?:19|20)\d{2}|[二][〇零○Ｏ0][一二三四五六七八九〇零○][一二三四五六七八九〇零○])"
_YEAR_RE = re.compile(_YEAR + r"\s*年")
_REPORT_RE = re.compile(r"(信息公开|政务公开).{0,16}(年度报告|年报|工作报告)|公开年报|公开工作年度报告")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0"}
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)"
_DATE_RE = re.compile(_DATE)
LABELS = ("发布日期", "发布时间", "公开日期", "发文日期", "成文日期", "时间")
_LABEL_RE = re.compile(r"(发布日期|发布时间|公开日期|发文日期|成文日期|(?<![布开文成])时间)\s*[:：]?\s*" + _DATE)
META_DATES = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "publishtime",
              "releasedate", "dcterms.issued", "dc.date.issued", "dc.date", "createdate")
_URL_DATE_RE = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_")
_PAGER_RE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_COUNT_PAGE_RE = re.compile(r"\bcountPage\s*=\s*(\d+)")
_INDEX_N_RE = re.compile(r"/index_\d+\.s?html?$")


# --------------------------------------------------------------------------- text rules
def report_year(title: str) -> int | None:
    """Reporting year named in a title (2023年 / 二〇二三年度), or None."""
    m = _YEAR_RE.search(title or "")
    if not m:
        return None
    y = m.group(1)
    return int("".join(_CN_DIGIT.get(c, c) for c in y))


def looks_like_report(title: str) -> bool:
    """A title of a 政府信息公开工作年度报告 (any year)."""
    return bool(title) and bool(_REPORT_RE.search(re.sub(r"\s+", "", title)))


def _valid(y: str, m: str, d: str) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def published_date(meta: dict[str, str], text: str, url: str) -> tuple[str | None, str | None]:
    """(ISO date, method) of a page's publication: meta tag, labelled box, then URL stamp."""
    for name in META_DATES:
        v = meta.get(name)
        if v and (m := _DATE_RE.search(v)) and (d := _valid(*m.groups())):
            return d, f"meta:{name}"
    found: dict[str, str] = {}
    for m in _LABEL_RE.finditer(text):
        label = m.group(1)
        if label not in found and (d := _valid(*m.groups()[1:])):
            found[label] = d
    for label in LABELS:
        if label in found:
            return found[label], f"label:{label}"
    if (m := _URL_DATE_RE.search(url)) and (d := _valid(*m.groups())):
        return d, "url:t_yyyymmdd"
    return None, None


# --------------------------------------------------------------------------- URLs
def normalize_url(url: str) -> str:
    """Drop the fragment, lower-case scheme and host, keep an explicit port."""
    url, _ = urldefrag(url.strip())
    p = urlsplit(url)
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", p.query, ""))


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _trap_reason(url: str) -> str | None:
    if len(url) > MAX_URL:
        return "URL 过长 (url too long)"
    segs = [s for s in urlsplit(url).path.split("/") if s]
    if segs and max(segs.count(s) for s in segs) > 3:
        return "路径重复 (repeating path segments)"
    return None


def file_ext(url: str, content_type: str = "") -> str:
    """Archive file extension from the URL or the content type."""
    ct = (content_type or "").split(";")[0].strip().lower()
    by_ct = {"application/pdf": ".pdf", "text/html": ".html", "application/xhtml+xml": ".html",
             "application/msword": ".doc", "application/vnd.ms-excel": ".xls",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
             "text/plain": ".txt"}
    suffix = Path(unquote(urlsplit(url).path)).suffix.lower()
    if suffix in FILE_EXTS:
        return suffix
    if ct in by_ct:
        return by_ct[ct]
    if suffix in (".html", ".htm", ".shtml", ".jsp", ".php", ".asp", ".aspx", ""):
        return ".html"
    return ".bin"


def is_file_url(url: str) -> bool:
    return Path(unquote(urlsplit(url).path)).suffix.lower() in FILE_EXTS


# --------------------------------------------------------------------------- HTML
_SP = r"(?:\s|&nbsp;|</?\w+[^>]*>)*"       # blanks and tags between a counter's label and its number
_VOLATILE_RE = re.compile(r"(浏览|访问|点击|阅读|查看)(次数|量|数|人次)?" + _SP + "[:：]?" + _SP + r"\d+")


def fingerprint(body: bytes, content_type: str = "") -> str:
    """What makes a new version: the sha256 of the body, for an HTML page with its view
    counters (浏览次数：123, 访问量 …) blanked — they change on every visit, the report does not."""
    if b"<" not in body[:1024] or not ("html" in content_type.lower() or not content_type):
        return hashlib.sha256(body).hexdigest()
    text = _VOLATILE_RE.sub(r"\1", decode_html(body, content_type))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_html(body: bytes, content_type: str = "") -> str:
    """Text of an HTML body: header charset, then meta charset, then UTF-8, then GB18030."""
    cands = []
    m = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    if m:
        cands.append(m.group(1))
    m = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", body[:4096], re.I)
    if m:
        cands.append(m.group(1).decode("ascii", "replace"))
    cands += ["utf-8", "gb18030"]
    for enc in cands:
        enc = enc.lower()
        if enc in ("gb2312", "gbk", "gb_2312-80"):
            enc = "gb18030"
        try:
            return body.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("gb18030", "replace")


@dataclass
class Page:
    """What the crawler reads from one HTML page."""

    title: str
    meta: dict[str, str]
    text: str
    links: list[tuple[str, str]]          # (absolute url, anchor text)
    pager: list[str]                      # URLs generated from createPageHTML / countPage


def read_page(body: bytes, url: str, content_type: str = "") -> Page:
    import lxml.html
    html = decode_html(body, content_type)
    try:
        doc = lxml.html.document_fromstring(html)
    except Exception:      # lxml: empty or unparsable document
        return Page("", {}, "", [], [])
    base = url
    for b in doc.xpath("//base[@href]"):
        base = urljoin(url, b.get("href"))
        break
    meta = {}
    for m in doc.xpath("//meta[@content]"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if name and name not in meta:
            meta[name] = m.get("content", "").strip()
    title = meta.get("articletitle") or ""
    if not title:
        h = doc.xpath("//h1")
        title = " ".join(h[0].text_content().split()) if h else ""
    if not title:
        t = doc.xpath("//title")
        title = " ".join(t[0].text_content().split()) if t else ""
    links = []
    for a in doc.xpath("//a[@href]"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        text = " ".join(a.text_content().split())
        tattr = (a.get("title") or "").strip()
        if len(tattr) > len(text):
            text = tattr
        links.append((normalize_url(urljoin(base, href)), text))
    for s in doc.xpath("//script|//style"):
        s.drop_tree()
    text = " ".join(" ".join(doc.itertext()).split())
    pager: list[str] = []
    m = _PAGER_RE.search(html)
    n = int(m.group(1)) if m else None
    stem, ext = (m.group(3), m.group(4)) if m else ("index", "html")
    if n is None and (m2 := _COUNT_PAGE_RE.search(html)):
        n = int(m2.group(1))
    if n:
        pager = [normalize_url(urljoin(url, f"{stem}_{i}.{ext}")) for i in range(1, min(n, 200))]
    return Page(title, meta, text, links, pager)


# --------------------------------------------------------------------------- archive writing
def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Archive:
    """The content-addressed store plus the append-only, fsynced journal."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.files = self.root / FILES
        self.manifest = self.root / MANIFEST
        self.root.mkdir(parents=True, exist_ok=True)
        self.files.mkdir(exist_ok=True)
        self._lock_fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise RuntimeError(f"另一个采集正在写入 {self.root} (another crawl holds the archive)") from None
        for tmp in self.files.glob(".tmp-*"):      # bodies of a killed run that never got a name
            tmp.unlink(missing_ok=True)
        self.records = self._load()
        self._unsynced: list[Path] = []
        self._synced_at = time.monotonic()
        self._fh = open(self.manifest, "ab")  # noqa: SIM115 - held for the run, closed in close()

    def _load(self) -> list[dict]:
        if not self.manifest.exists():
            return []
        data = self.manifest.read_bytes()
        records, good = [], 0
        pos = 0
        while pos < len(data):
            end = data.find(b"\n", pos)
            if end < 0:
                break                                # torn last line (killed mid-write)
            try:
                rec = json.loads(data[pos:end])
            except json.JSONDecodeError:
                break
            if rec.get("path") and rec.get("change") in ("new", "changed") and not self._intact(rec):
                break                                # its body did not reach the disk (power loss)
            records.append(rec)
            pos = good = end + 1
        if good < len(data):
            with open(self.manifest, "r+b") as fh:
                fh.truncate(good)
                os.fsync(fh.fileno())
        return records

    def _intact(self, rec: dict) -> bool:
        try:
            return (self.root / rec["path"]).stat().st_size == rec.get("bytes")
        except OSError:
            return False

    def path_of(self, sha: str, ext: str) -> Path:
        return self.files / sha[:2] / f"{sha}{ext}"

    def store(self, body: bytes, ext: str) -> tuple[str, Path]:
        sha = hashlib.sha256(body).hexdigest()
        dest = self.path_of(sha, ext)
        if dest.exists() and dest.stat().st_size == len(body):
            return sha, dest
        dest.parent.mkdir(exist_ok=True)
        tmp = self.files / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        with open(tmp, "wb") as fh:
            fh.write(body)
        os.replace(tmp, dest)
        self._unsynced.append(dest)
        return sha, dest

    def append(self, record: dict) -> None:
        """Append one line.  It reaches the OS at once (a kill -9 cannot lose it); fsync is a
        group commit, at most every ``SYNC_SECONDS``: the bodies first, then the journal."""
        self._fh.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        self._fh.flush()
        self.records.append(record)
        if time.monotonic() - self._synced_at >= SYNC_SECONDS or record.get("type") != "fetch":
            self.sync()

    def sync(self) -> None:
        """fsync the bodies written since the last sync and their folders, then the journal."""
        folders = set()
        for p in self._unsynced:
            fd = os.open(p, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            folders.add(p.parent)
        for folder in folders:
            _fsync_dir(folder)
        self._unsynced.clear()
        os.fsync(self._fh.fileno())
        self._synced_at = time.monotonic()

    def close(self) -> None:
        self.sync()
        self._fh.close()
        fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        os.close(self._lock_fd)


# --------------------------------------------------------------------------- seeds
@dataclass
class Seed:
    agency: str
    url: str


def read_seeds(path: Path) -> tuple[list[Seed], list[str]]:
    """Seeds of a CSV (``agency,url``; UTF-8 with or without BOM) and one line per bad row."""
    seeds, errors = [], []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return [], [f"{path}: 无法读取种子文件 cannot read seeds: {e}"]
    rows = csv.DictReader(text.splitlines())
    if not rows.fieldnames or "url" not in [f.strip().lower() for f in rows.fieldnames]:
        return [], [f"{path}: 种子文件需要 agency,url 两列 (columns agency,url required)"]
    for i, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        url = row.get("url", "")
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            errors.append(f"{path}:{i}: 不是 http(s) 网址 not an http(s) URL: {url!r}")
            continue
        seeds.append(Seed(row.get("agency", ""), normalize_url(url)))
    return seeds, errors


# --------------------------------------------------------------------------- fetching
@dataclass
class Fetched:
    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    redirects: list[list[Any]] = field(default_factory=list)
    error: str | None = None
    attempts: int = 0


class Fetcher:
    """Polite HTTP: robots.txt, per-host delay, retries with backoff, redirects by hand."""

    def __init__(self, delay: float = 1.0, timeout: float = 20.0, retries: int = 2, backoff: float = 1.0,
                 trust_env: bool = True):
        import httpx
        self.httpx = httpx
        self.delay, self.retries, self.backoff = delay, retries, backoff
        self.client = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=trust_env,
                                   headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"})
        self._last: dict[str, float] = {}
        self._robots: dict[str, Any] = {}
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    def _wait(self, host: str) -> None:
        delay = self.delay
        rp = self._robots.get(host)
        if rp is not None and rp is not False:
            cd = rp.crawl_delay(USER_AGENT)
            if cd:
                delay = max(delay, min(float(cd), 60.0))
        last = self._last.get(host)
        if last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def _get(self, url: str, headers: dict[str, str]):
        host = host_of(url)
        self._wait(host)
        self.requests += 1
        try:
            with self.client.stream("GET", url, headers=headers) as r:
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise ValueError(f"文件过大 (> {MAX_BYTES // 2**20} MB)")
                    chunks.append(chunk)
                return r.status_code, dict(r.headers), b"".join(chunks)
        finally:
            self._last[host] = time.monotonic()

    def robots(self, url: str):
        """The parsed robots.txt of the URL's host (False = the whole host is disallowed)."""
        host = host_of(url)
        if host not in self._robots:
            from protego import Protego
            p = urlsplit(url)
            robots_url = urlunsplit((p.scheme, p.netloc, "/robots.txt", "", ""))
            self._robots[host] = None
            try:
                status, _h, body = self._get(robots_url, {})
            except (self.httpx.HTTPError, ValueError):
                status, body = None, b""
            if status is not None and 200 <= status < 300:
                self._robots[host] = Protego.parse(body.decode("utf-8", "replace"))
            elif status is not None and 400 <= status < 500:
                self._robots[host] = Protego.parse("")
            else:
                self._robots[host] = False        # unreachable or 5xx: complete disallow (RFC 9309)
        return self._robots[host]

    def allowed(self, url: str) -> bool:
        rp = self.robots(url)
        return rp is not False and rp.can_fetch(url, USER_AGENT)

    def fetch(self, url: str, headers: dict[str, str] | None = None, same_host: str | None = None) -> Fetched:
        """GET with retries on 5xx / timeouts / connection errors; redirects recorded, each hop
        checked against robots.txt and kept on ``same_host``."""
        out = Fetched(url=url, final_url=url, status=None)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            status, hdrs, body, err = None, {}, None, None
            for attempt in range(self.retries + 1):
                out.attempts += 1
                try:
                    status, hdrs, body = self._get(current, headers or {})
                    err = None
                except self.httpx.TimeoutException:
                    err = "超时 timeout"
                except self.httpx.HTTPError as e:
                    err = f"连接错误 connection error: {type(e).__name__}"
                except ValueError as e:
                    err = str(e)
                    break
                if err is None and status is not None and status < 500:
                    break
                if attempt < self.retries:
                    time.sleep(min(self.backoff * 2 ** attempt, 60.0))
            if err is not None:
                out.error = f"{err}（{out.attempts} 次尝试 attempts）"
                return out
            out.status, out.headers, out.body = status, {k.lower(): v for k, v in hdrs.items()}, body
            if status in (301, 302, 303, 307, 308) and "location" in out.headers:
                nxt = normalize_url(urljoin(current, out.headers["location"]))
                out.redirects.append([current, status, nxt])
                if same_host and host_of(nxt) != same_host:
                    out.error = f"重定向到其他网站，未跟随 offsite redirect to {nxt}"
                    return out
                if not self.allowed(nxt):
                    out.error = f"重定向目标被 robots.txt 禁止 redirect target disallowed: {nxt}"
                    return out
                current = out.final_url = nxt
                continue
            if status is not None and status >= 500:
                out.error = f"HTTP {status}（{out.attempts} 次尝试 attempts）"
            elif status is not None and status >= 400:
                out.error = f"HTTP {status}"
            return out
        out.error = "重定向过多 too many redirects"
        return out


# --------------------------------------------------------------------------- the crawl
@dataclass
class Task:
    url: str
    kind: str                 # seed | list | article | file
    referrer: str | None
    anchor: str = ""
    barren: int = 0           # list pages in a row without a new report link
    parent: dict | None = None


@dataclass
class RunStats:
    seeds: int = 0
    requests: int = 0
    pages: int = 0
    found: int = 0            # report pages and report files seen this run
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[list[str]] = field(default_factory=list)
    skipped: list[list[str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def _header_date(value: str | None) -> tuple[str | None, str | None]:
    """A file linked from a list page has no page of its own: its Last-Modified, labelled so."""
    if not value:
        return None, None
    try:
        return parsedate_to_datetime(value).date().isoformat(), "header:last-modified"
    except (TypeError, ValueError):
        return None, None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Crawler:
    def __init__(self, out: Path, *, max_pages: int = 500, delay: float = 1.0, timeout: float = 20.0,
                 retries: int = 2, backoff: float = 1.0, resume: bool = False, trust_env: bool = True,
                 log=None):
        self.archive = Archive(out)
        self.fetcher = Fetcher(delay=delay, timeout=timeout, retries=retries, backoff=backoff, trust_env=trust_env)
        self.max_pages = max_pages
        self.log = log or (lambda msg: None)
        self.stats = RunStats()
        # per URL: latest record with content (for conditional requests and versions)
        self.latest: dict[str, dict] = {}
        self.versions: dict[str, int] = {}
        for r in self.archive.records:
            if r.get("type") == "fetch" and r.get("sha256"):
                if r.get("change") in ("new", "changed"):
                    self.versions[r["url"]] = max(self.versions.get(r["url"], 0), int(r.get("version") or 1))
                self.latest[r["url"]] = r
        runs = [r for r in self.archive.records if r.get("type") in ("run", "run_end")]
        unfinished = None
        if runs and runs[-1]["type"] == "run":
            unfinished = runs[-1]["run_id"]
        self.replay: dict[str, dict] = {}
        self.replay_skips: set[str] = set()
        if resume and unfinished:
            self.run_id = unfinished
            for r in self.archive.records:
                if r.get("run_id") == unfinished and r.get("type") == "fetch":
                    self.replay[r["url"]] = r
                elif r.get("run_id") == unfinished and r.get("type") == "skip":
                    self.replay_skips.add(r["url"])
            self.log(f"继续未完成的采集 resuming run {unfinished}: 已记录 {len(self.replay)} 个网址")
            self.resumed = True
        else:
            if resume:
                self.log("没有未完成的采集，开始新的采集 (nothing to resume: new run)")
            elif unfinished:
                self.log(f"上次采集 {unfinished} 未完成；本次重新开始（用 --resume 可继续）")
            self.run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
            self.resumed = False

    # ------------------------------------------------------------------ records
    def _record(self, rec: dict) -> None:
        rec = {"type": "fetch", "run_id": self.run_id, **rec}
        self.archive.append(rec)

    def _skip(self, seed: Seed, url: str, referrer: str | None, reason: str) -> None:
        self.stats.skipped.append([url, reason])
        if url in self.replay_skips:
            return
        self.archive.append({"type": "skip", "run_id": self.run_id, "seed": seed.url, "url": url,
                             "referrer": referrer, "at": _now(), "reason": reason})

    # ------------------------------------------------------------------ one URL
    def _visit(self, seed: Seed, task: Task) -> tuple[dict, bytes | None]:
        """Fetch (or replay) one URL; journal it; return its record and body."""
        url = task.url
        if url in self.replay:
            rec = self.replay[url]
            body = None
            if rec.get("path"):
                p = self.archive.root / rec["path"]
                body = p.read_bytes() if p.exists() else None
            return rec, body
        prev = self.latest.get(url)
        headers = {}
        if prev:
            if prev.get("etag"):
                headers["If-None-Match"] = prev["etag"]
            if prev.get("last_modified"):
                headers["If-Modified-Since"] = prev["last_modified"]
        f = self.fetcher.fetch(url, headers, same_host=host_of(seed.url))
        if f.status == 304 and not (prev and prev.get("path") and (self.archive.root / prev["path"]).is_file()):
            f = self.fetcher.fetch(url, {}, same_host=host_of(seed.url))   # archived body gone: fetch it whole
        rec: dict[str, Any] = {
            "seed": seed.url, "agency": seed.agency, "url": url, "final_url": f.final_url,
            "redirects": f.redirects, "referrer": task.referrer, "anchor": task.anchor or None,
            "fetched_at": _now(), "status": f.status, "attempts": f.attempts,
            "content_type": f.headers.get("content-type"), "etag": f.headers.get("etag"),
            "last_modified": f.headers.get("last-modified"), "sha256": None, "bytes": None, "path": None,
            "error": f.error, "change": "failed" if f.error else None,
        }
        body = None
        if f.error is None and f.status == 304 and prev:
            body = (self.archive.root / prev["path"]).read_bytes() if prev.get("path") else None
            rec.update(sha256=prev["sha256"], bytes=prev.get("bytes"), path=prev.get("path"), change="unchanged",
                       version=self.versions.get(url, 1), etag=rec["etag"] or prev.get("etag"),
                       last_modified=rec["last_modified"] or prev.get("last_modified"),
                       content_type=rec["content_type"] or prev.get("content_type"))
        elif f.error is None and f.status == 200 and f.body is not None:
            body = f.body
            rec["fingerprint"] = fingerprint(body, rec["content_type"] or "")
            if prev and prev.get("path") and prev.get("fingerprint") == rec["fingerprint"] \
                    and (self.archive.root / prev["path"]).is_file():
                # only a view counter moved: the archived body stands for this one (no new version)
                rec.update(sha256=prev["sha256"], bytes=prev.get("bytes"), path=prev["path"], change="unchanged",
                           version=self.versions.get(url, 1))
                return rec, body
            sha, path = self.archive.store(body, file_ext(f.final_url, rec["content_type"] or ""))
            rec.update(sha256=sha, bytes=len(body), path=str(path.relative_to(self.archive.root)))
            if prev is None:
                rec.update(change="new", version=1)
            elif prev.get("sha256") == sha:
                rec.update(change="unchanged", version=self.versions.get(url, 1))
            else:
                v = self.versions.get(url, 1) + 1
                rec.update(change="changed", version=v, previous_sha256=prev.get("sha256"))
        elif f.error is None:
            rec.update(error=f"HTTP {f.status}", change="failed")
        return rec, body

    def _finish_record(self, rec: dict) -> None:
        """Journal a fresh record and keep the in-memory indexes (replayed ones are journaled)."""
        if rec.get("run_id") == self.run_id and rec["url"] in self.replay:
            return
        self._record(rec)
        if rec.get("sha256"):
            self.latest[rec["url"]] = rec
            if rec.get("change") in ("new", "changed"):
                self.versions[rec["url"]] = int(rec.get("version") or 1)

    # ------------------------------------------------------------------ one seed
    def crawl_seed(self, seed: Seed) -> None:
        host = host_of(seed.url)
        queue: deque[Task] = deque([Task(seed.url, "seed", None)])
        seen: set[str] = {seed.url}
        query_variants: dict[str, set[str]] = {}
        budget = self.max_pages
        while queue:
            task = queue.popleft()
            if not self.fetcher.allowed(task.url):
                self._skip(seed, task.url, task.referrer, "robots.txt 禁止 (disallowed by robots.txt)")
                continue
            if budget <= 0:
                self._skip(seed, task.url, task.referrer, f"超出每个种子 {self.max_pages} 页的上限 (page bound)")
                continue
            budget -= 1
            rec, body = self._visit(seed, task)
            self.stats.pages += 1
            if rec.get("error"):
                self.stats.failed.append([task.url, rec["error"]])
                self._finish_record(rec)
                continue
            ctype = (rec.get("content_type") or "").lower()
            is_html = body is not None and ("html" in ctype or (not ctype and body.lstrip()[:1] == b"<")) \
                and not is_file_url(rec["final_url"])
            page = read_page(body, rec["final_url"], ctype) if is_html else None
            kind = self._classify(task, rec, page)
            rec["kind"] = kind
            if page is not None:
                rec["title"] = page.title or None
                pub, how = published_date(page.meta, page.text, rec["final_url"])
                rec["published_at"], rec["published_at_method"] = pub, how
            else:                               # a file: the date of the report page that links it
                rec["title"] = task.anchor or None
                parent = task.parent or {}
                pub, how = parent.get("published_at"), parent.get("published_at_method")
                if pub:
                    rec["published_at"], rec["published_at_method"] = pub, f"page:{how}"
                else:
                    rec["published_at"], rec["published_at_method"] = _header_date(rec.get("last_modified"))
            rec["year"] = None
            if kind in ("report", "attachment"):
                rec["year"] = (report_year(rec.get("title") or "") or report_year(task.anchor)
                               or (task.parent or {}).get("year"))
            self._finish_record(rec)
            if kind in ("report", "attachment"):
                self.stats.found += 1
                change = rec.get("change")
                if change == "new":
                    self.stats.new += 1
                elif change == "changed":
                    self.stats.changed += 1
                else:
                    self.stats.unchanged += 1
            if page is None:
                continue
            for t in self._next_tasks(task, rec, page, kind, seen):
                if t.url in seen:
                    continue
                seen.add(t.url)
                if host_of(t.url) != host:
                    continue                       # never leave the seed's host
                reason = _trap_reason(t.url)
                p = urlsplit(t.url)
                if reason is None and p.query and t.kind == "list":
                    variants = query_variants.setdefault(p.path, set())
                    variants.add(p.query)
                    if len(variants) > MAX_QUERY_VARIANTS:
                        reason = f"同一路径超过 {MAX_QUERY_VARIANTS} 种查询参数 (query-string trap)"
                if reason:
                    self._skip(seed, t.url, task.url, reason)
                    continue
                queue.append(t)

    def _classify(self, task: Task, rec: dict, page: Page | None) -> str:
        if page is None:
            if task.kind == "file" or is_file_url(rec["final_url"]) or task.kind == "seed":
                return "attachment"
            return "other"
        for title in (page.title, task.anchor if task.kind == "article" else ""):
            if looks_like_report(title) and (report_year(title) or 0) >= 2019:
                return "report"
        if task.kind == "article":
            return "page"                          # opened from a report-like link, but is not one
        return "list"

    def _next_tasks(self, task: Task, rec: dict, page: Page, kind: str, seen: set[str]) -> list[Task]:
        out: list[Task] = []
        here = rec["final_url"]
        if kind == "report":
            for url, text in page.links:
                if not is_file_url(url):
                    continue
                name = unquote(Path(urlsplit(url).path).name)
                if looks_like_report(text) or looks_like_report(name) or "附件" in text:
                    out.append(Task(url, "file", here, text, parent=rec))
            return out
        if kind != "list":
            return out
        new_reports = 0
        for url, text in page.links:
            if looks_like_report(text):
                year = report_year(text)
                if year is not None and year < 2019:
                    continue                       # pre-2019 report: old 条例, another layout
                out.append(Task(url, "file" if is_file_url(url) else "article", here, text))
                new_reports += url not in seen     # a sidebar repeating old links is not progress
        barren = 0 if new_reports else task.barren + 1
        if barren >= MAX_BARREN_LISTS:
            return out                             # 3 list pages without a report link: a trap
        pager = list(page.pager)
        folder = here.rsplit("/", 1)[0]
        for url, text in page.links:
            t = text.strip().lower()
            if t in NEXT_TEXTS or (_INDEX_N_RE.search(urlsplit(url).path) and url.rsplit("/", 1)[0] == folder):
                pager.append(url)
        out += [Task(u, "list", here, barren=barren) for u in pager]
        return out

    # ------------------------------------------------------------------ run
    def run(self, seeds: list[Seed]) -> RunStats:
        if not self.resumed:
            self.archive.append({"type": "run", "run_id": self.run_id, "started_at": _now(),
                                 "seeds": [[s.agency, s.url] for s in seeds],
                                 "max_pages": self.max_pages, "delay": self.fetcher.delay})
        self.stats.seeds = len(seeds)
        for seed in seeds:
            self.log(f"采集 {seed.agency or ''} {seed.url}")
            self.crawl_seed(seed)
        self.stats.requests = self.fetcher.requests
        self.archive.append({"type": "run_end", "run_id": self.run_id, "ended_at": _now(),
                             "stats": self.stats.to_json()})
        return self.stats

    def close(self) -> None:
        self.fetcher.close()
        self.archive.close()


def cli_crawl(args) -> int:
    log = (lambda m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    seeds, errors = read_seeds(args.seeds)
    for e in errors:
        print(e, file=sys.stderr)
    if not seeds:
        print(f"{args.seeds}: 没有可用的种子 no usable seeds", file=sys.stderr)
        return 2
    try:
        c = Crawler(args.out, max_pages=args.max_pages, delay=args.delay, timeout=args.timeout,
                    retries=args.retries, backoff=args.backoff, resume=args.resume, log=log)
    except RuntimeError as e:
        print(str(e), file=sys.stderr)
        return 3
    try:
        s = c.run(seeds)
    finally:
        c.close()
    print(f"采集完成 crawl {c.run_id}: 种子 seeds {s.seeds} · 请求 requests {s.requests} · 年报 found {s.found} · "
          f"新增 new {s.new} · 更新 changed {s.changed} · 未变 unchanged {s.unchanged} · "
          f"失败 failed {len(s.failed)} · 跳过 skipped {len(s.skipped)}")
    print(f"  存档 archive: {args.out}")
    for url, reason in s.failed:
        print(f"  失败 FAILED {url}: {reason}")
    return 1 if errors or s.failed else 0
