"""Command line: ``python -m etl {parse,ingest,checks,verify,synth,bundle} …``.

Only argument parsing lives here; each command calls one function of the module that owns
the work, imported lazily so that ``--help`` is instant.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "warehouse.duckdb"

EPILOG = """\
examples:
  python -m etl parse report.html            # print one report as JSON (the spec's format)
  python -m etl ingest data/reports/ new/    # load files or folders into data/warehouse.duckdb
  python -m etl checks                       # list identity checks that fail, and where
  python -m etl verify                       # re-read every stored source, compare with the warehouse
  python -m etl synth --reports 1000 --out data/synth   # fictional corpus for benchmarks
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
    sp.add_argument("paths", nargs="+", type=Path, help="report files or folders (searched recursively)")
    sp.add_argument("--db", type=Path, default=DEFAULT_DB, help="warehouse file (default: %(default)s)")
    sp.add_argument("--workers", type=int, default=0, help="parser processes (default: all cores)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")

    sp = sub.add_parser("checks", help="show identity checks that fail (per report and across years)")
    sp.add_argument("--db", type=Path, default=DEFAULT_DB)
    sp.add_argument("--all", action="store_true", help="also list passing and not-assessable checks")
    sp.add_argument("--agency", help="only agencies whose name contains this text")

    sp = sub.add_parser("verify", help="re-read every stored source and compare with the warehouse")
    sp.add_argument("--db", type=Path, default=DEFAULT_DB)

    sp = sub.add_parser("synth", help="generate a fictional corpus (labelled synthetic) with ground truth")
    sp.add_argument("--reports", type=int, default=100)
    sp.add_argument("--seed", type=int, default=1)
    sp.add_argument("--out", type=Path, default=Path("data/synth"))
    sp.add_argument("--formats", default="txt,html,docx,md,pdf,json",
                    help="comma-separated formats to render (default: %(default)s)")
    sp.add_argument("--defect-rate", type=float, default=0.0,
                    help="share of reports with an injected defect (broken identity or damaged text)")

    sp = sub.add_parser("bundle", help="parse report files into structured JSON report files (data/reports/)")
    sp.add_argument("paths", nargs="+", type=Path)
    sp.add_argument("--out", type=Path, default=Path("data/reports"))
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "parse":
        from etl.extract import cli_parse
        return cli_parse(args)
    if args.command in ("ingest", "checks", "verify"):
        from etl import warehouse
        return getattr(warehouse, f"cli_{args.command}")(args)
    if args.command == "synth":
        from etl.synth import cli_synth
        return cli_synth(args)
    if args.command == "bundle":
        from etl.extract import cli_bundle
        return cli_bundle(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
