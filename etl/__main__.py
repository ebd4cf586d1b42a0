"""Command line: ``python -m etl {parse,ingest,crawl,checks,verify,account,bundle} …``.

Only argument parsing lives here; each command is a function of :mod:`etl.cli`, imported
lazily so that ``--help`` is instant.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "warehouse.duckdb"
DEFAULT_ARCHIVE = Path("data/archive")

EPILOG = """\
examples:
  python -m etl parse report.html            # print one report as JSON (the spec's format)
  python -m etl ingest data/reports/ new/    # load files or folders into data/warehouse.duckdb
  python -m etl crawl seeds.csv              # harvest reports from websites into data/archive/
  python -m etl ingest data/archive          # load a crawl archive (source URL and publication date kept)
  python -m etl checks                       # list identity checks that fail, and where
  python -m etl verify                       # re-read every stored source, compare with the warehouse
  python -m etl account add 张三              # a local account for 复核 and 导入 (password from prompt/stdin)
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m etl",
        description="读取政府信息公开工作年度报告 (text, HTML, Word, PDF, markdown), check them, load them into DuckDB.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sp = sub.add_parser("parse", help="parse one report file and print its JSON")
    sp.add_argument("file", type=Path)
    sp.add_argument("--compact", action="store_true", help="only agency, year, template, cells, uncertain")

    sp = sub.add_parser("ingest", help="parse files/folders and load them into the warehouse")
    sp.add_argument("paths", nargs="+", type=Path,
                    help="report files or folders (searched recursively); a crawl archive folder is read by its manifest")
    sp.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    sp.add_argument("--workers", type=int, default=0,
                    help="parser processes (default: all cores); with --executor dask, the LocalCluster's workers")
    sp.add_argument("--executor", choices=("local", "dask"), default="local",
                    help="where files are parsed: local = supervised processes here, dask = a Dask cluster "
                         "(the `cluster` extra); loading and publishing stay here (default: %(default)s)")
    sp.add_argument("--scheduler", metavar="ADDRESS",
                    help="with --executor dask: a running scheduler (tcp://host:8786) whose workers read the "
                         "same paths; without it a LocalCluster of --workers processes starts")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    sp.add_argument("--ocr", choices=("auto", "never", "only"), default="auto",
                    help="scanned reports: auto = read them by OCR (slow, own time limit GKNB_OCR_TIMEOUT), "
                         "never = refuse them (defer), only = read nothing but scans (default: %(default)s)")

    sp = sub.add_parser("crawl", help="harvest reports from government websites into an archive")
    sp.add_argument("seeds", type=Path, help="CSV with columns agency,url (a 年报 column, a report page or a file)")
    sp.add_argument("--out", type=Path, default=DEFAULT_ARCHIVE, help="archive folder (default: %(default)s)")
    sp.add_argument("--max-pages", type=int, default=500, help="requests per seed at most (default: %(default)s)")
    sp.add_argument("--delay", type=float, default=1.0,
                    help="seconds between two requests to one host (default: %(default)s)")
    sp.add_argument("--timeout", type=float, default=20.0, help="seconds per request (default: %(default)s)")
    sp.add_argument("--retries", type=int, default=2, help="retries on 5xx/timeouts (default: %(default)s)")
    sp.add_argument("--backoff", type=float, default=1.0, help="first retry wait, doubled each time (default: %(default)s)")
    sp.add_argument("--resume", action="store_true", help="continue the last unfinished crawl of this archive")
    sp.add_argument("--quiet", action="store_true", help="no progress lines")

    sp = sub.add_parser("checks", help="show identity checks that fail (per report and across years)")
    sp.add_argument("--db", type=Path, default=DEFAULT_DB)
    sp.add_argument("--all", action="store_true", help="also list passing and not-assessable checks")
    sp.add_argument("--agency", help="only agencies whose name contains this text")

    sp = sub.add_parser("verify", help="re-read every stored source and compare with the warehouse")
    sp.add_argument("--db", type=Path, default=DEFAULT_DB)
    sp.add_argument("--workers", type=int, default=0, help="parser processes (default: all cores)")

    sp = sub.add_parser("account", help="add or replace a local reviewer account (复核/导入 sign-in)")
    sp.add_argument("action", choices=("add",))
    sp.add_argument("name")
    sp.add_argument("--accounts", type=Path, default=None,
                    help="account file (default: $GKNB_ACCOUNTS or data/accounts.toml)")
    sp.add_argument("--generate", action="store_true",
                    help="generate a random password and print it once (instead of the prompt/stdin)")

    sp = sub.add_parser("bundle", help="parse report files into structured JSON report files (data/reports/)")
    sp.add_argument("paths", nargs="+", type=Path)
    sp.add_argument("--out", type=Path, default=Path("data/reports"))
    sp.add_argument("--only", nargs="*", default=None,
                    help="write only these file names (all files are still read: 雷同 compares them)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "crawl":
        from etl.crawl import cli_crawl
        return cli_crawl(args)
    from etl import cli
    return getattr(cli, f"cli_{args.command}")(args)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `python -m etl parse f | head`: the reader left; not an error of ours
        sys.stderr.close()
        sys.exit(0)
