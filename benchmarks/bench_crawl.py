"""Crawler overhead: pages per second against a local site with no politeness delay, and the
peak memory of a 10,000-page crawl.

    python benchmarks/bench_crawl.py [--pages 10000] [--per-list 20]

A fictional column (示例 agencies) is served on 127.0.0.1 by a separate process (a threaded
``http.server``): ``/col/index.html`` → ``list_N.html`` pages linked by 下一页, each with
``--per-list`` links to small report pages (meta PubDate, a metadata box, ~2 KB).  The crawl
runs as ``python -m etl crawl … --delay 0`` in a child process; its wall time and peak RSS
(``os.wait4`` rusage) are measured, then a second run of the same crawl (every page answers
304 to the conditional request).  Each page costs: one HTTP GET, an lxml parse, a date read,
a content-hash file written with fsync and one fsynced journal line.  Nothing talks to any
address but 127.0.0.1.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVER = r'''
import hashlib, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
per, lists = int(sys.argv[1]), int(sys.argv[2])

def page(path):
    if path == "/robots.txt":
        return b"User-agent: *\nDisallow: /private/\n", "text/plain"
    if path.startswith("/col/"):
        name = path.rsplit("/", 1)[-1]
        n = 0 if name == "index.html" else int(name.split("_")[1].split(".")[0])
        if n >= lists:
            return None, None
        items = "".join(f'<li><a href="/art/{n}/{i}.html">示例市第{n}-{i}局2023年政府信息公开工作年度报告</a>'
                        f'<span>2024-01-{1 + i % 28:02d}</span></li>' for i in range(per))
        nxt = f'<a href="list_{n + 1}.html">下一页</a>' if n + 1 < lists else ""
        body = f"<html><head><meta charset='utf-8'><title>年报</title></head><body><ul>{items}</ul>{nxt}</body></html>"
        return body.encode(), "text/html; charset=utf-8"
    if path.startswith("/art/"):
        n, i = path[5:-5].split("/")
        t = f"示例市第{n}-{i}局2023年政府信息公开工作年度报告"
        body = (f"<html><head><meta charset='utf-8'><meta name='PubDate' content='2024-01-{1 + int(i) % 28:02d} 09:00'>"
                f"<title>{t}</title></head><body><h1>{t}</h1><div>发布日期：2024-01-{1 + int(i) % 28:02d}</div>"
                + "<p>示例正文（虚构）。</p>" * 60 + "</body></html>")
        return body.encode(), "text/html; charset=utf-8"
    return None, None

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # else headers + body in two writes wait ~40 ms for a delayed ACK
    def log_message(self, *a): pass
    def do_GET(self):
        body, ctype = page(self.path)
        if body is None:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304); self.send_header("ETag", etag); self.send_header("Content-Length", "0")
            self.end_headers(); return
        self.send_response(200); self.send_header("Content-Type", ctype); self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
'''


def run_crawl(seeds: Path, out: Path, max_pages: int) -> dict:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(ROOT)
    cmd = [sys.executable, "-m", "etl", "crawl", str(seeds), "--out", str(out), "--delay", "0",
           "--max-pages", str(max_pages), "--quiet"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    out_text = proc.stdout.read().decode()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": ru.ru_maxrss / 1024,
            "exit": proc.returncode, "summary": out_text.strip().splitlines()[0] if out_text.strip() else ""}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--per-list", type=int, default=20)
    ap.add_argument("--out", type=Path, default=None, help="write the results as JSON here (benchmarks/crawl_results.json)")
    args = ap.parse_args()
    lists = max(1, round(args.pages / (args.per_list + 1)))
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(args.per_list), str(lists)],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            seeds = tmp / "seeds.csv"
            seeds.write_text(f"agency,url\n示例市,http://127.0.0.1:{port}/col/index.html\n", encoding="utf-8")
            archive = tmp / "archive"
            first = run_crawl(seeds, archive, args.pages * 2)
            recs = [json.loads(x) for x in (archive / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
            fetched = [r for r in recs if r.get("type") == "fetch"]
            reports = sum(r.get("kind") == "report" for r in fetched)
            dated = sum(bool(r.get("published_at")) for r in fetched if r.get("kind") == "report")
            second = run_crawl(seeds, archive, args.pages * 2)
            n_files = sum(1 for p in (archive / "files").rglob("*") if p.is_file())
            archive_mb = sum(p.stat().st_size for p in archive.rglob("*") if p.is_file()) / 2**20
    finally:
        server.terminate()
        server.wait()
    res = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}",
        "command": " ".join(["python", "benchmarks/bench_crawl.py"] + sys.argv[1:]),
        "pages": len(fetched), "reports": reports, "reports_dated": dated, "files": n_files,
        "archive_mb": round(archive_mb, 1),
        "first": {**first, "pages_per_s": len(fetched) / first["wall_s"]},
        "second_304": {**second, "pages_per_s": len(fetched) / second["wall_s"]},
        "check": hashlib.sha256(str(sorted(r["url"] for r in fetched)).encode()).hexdigest()[:12],
    }
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if args.out:
        args.out.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
