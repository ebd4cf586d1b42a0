"""The commands of ``python -m etl`` (argument parsing is in :mod:`etl.__main__`).

Each command calls the module that owns the work and turns its outcome into terminal lines and
an exit code.  Anything that came from a file (a file name, an agency name) is printed through
:func:`etl.safe_names.printable`, so a name cannot forge lines or colour the terminal.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

from etl import warehouse
from etl.safe_names import printable
from etl.verify import _fmt


def cli_parse(args: argparse.Namespace) -> int:
    """Print one report as the spec's JSON; a file that is not a report gets one line and exit 1.

    The parse runs under the loader's limits (:func:`etl.limits.parse_file_limited`: wall clock
    ``GKNB_PARSE_TIMEOUT``, memory errors as ``too_large``), so a hostile file ends with a reason,
    not a hang or a traceback; a parser bug is one line too (``GKNB_DEBUG=1`` re-raises it)."""
    import os

    from etl.document import ReportError
    from etl.limits import parse_file_limited
    try:
        rep = parse_file_limited(args.file)
    except ReportError as e:
        print(f"{printable(str(args.file))}: {e.reason}", file=sys.stderr)
        return 1
    except (Exception, RecursionError) as e:  # noqa: BLE001 - one line for a crawler's log
        if os.environ.get("GKNB_DEBUG"):
            raise
        detail = printable(" ".join(str(e).split())[:200])
        print(f"{printable(str(args.file))}: 解析出错（程序内部错误 {type(e).__name__}: {detail}），"
              f"请报告此文件", file=sys.stderr)
        return 1
    d = rep.to_json()
    if args.compact:
        d = {k: d[k] for k in ("agency", "year", "template", "cells", "uncertain")}
    print(json.dumps(d, ensure_ascii=False, indent=1))
    return 0


def _manifest_origins(folder: Path) -> dict[str, str]:
    """``file name → where it was published`` from a corpus ``manifest.csv`` beside or above ``folder``."""
    import csv
    for m in (folder / "manifest.csv", folder.parent / "manifest.csv"):
        if m.is_file():
            with m.open(encoding="utf-8", newline="") as fh:
                return {Path(r["file"]).name: r["source"] for r in csv.DictReader(fh)
                        if r.get("file") and r.get("source")}
    return {}


def cli_bundle(args: argparse.Namespace) -> int:
    """Parse files into structured report JSON (figures and provenance, no prose).

    The source keeps the file's name (no path of this machine) and, when the folder comes with a
    corpus ``manifest.csv``, where the file was published (``origin``: repository:path or URL).
    """
    from etl.assess_store import bundle_findings
    from etl.document import ReportError
    from etl.extract import parse_file
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    failed = 0
    files = [p for a in args.paths for p in (sorted(a.rglob("*")) if a.is_dir() else [a])
             if p.is_file() and p.name != "manifest.csv"]
    parsed = []
    for p in files:
        try:
            parsed.append((p, parse_file(p)))
        except ReportError as e:
            print(f"{printable(str(p))}: {e.reason}", file=sys.stderr)
            failed += 1
    # the text indicators are computed over the whole batch (雷同 needs the other reports) and
    # shipped as figures and positions; the text itself never goes into data/
    findings = bundle_findings([r for _, r in parsed])
    origins: dict[Path, dict[str, str]] = {}
    for p, rep in parsed:
        if args.only and p.name not in args.only:
            continue
        rep.assessment = findings.get(str(rep.source["sha256"])[:16], [])
        rep.sections = []
        d = rep.to_json()
        d.pop("checks", None)
        d["source"]["path"] = p.name
        origin = origins.setdefault(p.parent, _manifest_origins(p.parent)).get(p.name)
        if origin:
            d["source"]["origin"] = origin
        name = f"{rep.year}_{rep.source['sha256'][:12]}.json"
        (out / name).write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{printable(str(p))} → {out / name}")
    return 1 if failed else 0


def cli_ingest(args: argparse.Namespace) -> int:
    if getattr(args, "scheduler", None) and getattr(args, "executor", "local") != "dask":
        print("--scheduler 只用于 --executor dask (--scheduler needs --executor dask)", file=sys.stderr)
        return 2
    try:
        summary = warehouse.ingest(list(args.paths), Path(args.db), workers=args.workers,
                                   progress=not args.quiet, in_process=getattr(args, "in_process", False),
                                   ocr=getattr(args, "ocr", None), executor=getattr(args, "executor", "local"),
                                   scheduler=getattr(args, "scheduler", None))
    except warehouse.WarehouseBusy as e:
        print(str(e), file=sys.stderr)
        return 3
    except warehouse.ReconciliationError as e:
        print(f"导入中止，数据库未改变 (aborted, warehouse unchanged): {e}", file=sys.stderr)
        return 2
    except (OSError, duckdb.Error) as e:   # read-only folder, disk full, ...: one line, no traceback
        detail = printable(" ".join(str(e).split())[:300])
        print(f"导入失败，数据库未改变 (ingest failed, warehouse unchanged): {type(e).__name__}: {detail}",
              file=sys.stderr)
        return 4
    print(summary)
    return 0 if summary.ok else 1


def cli_checks(args) -> int:
    db = Path(args.db)
    if not db.exists():
        print(f"没有数据库 no warehouse at {db}; run `python -m etl ingest` first", file=sys.stderr)
        return 2
    statuses = ("pass", "fail", "not_assessable", "warn") if args.all else ("fail", "warn")
    where = "k.status in (" + ", ".join("?" for _ in statuses) + ")"
    params: list[Any] = list(statuses)
    agency_filter = ""
    if args.agency:
        agency_filter = " and agency_name like ?"
        params_agency = [f"%{args.agency}%"]
    else:
        params_agency = []
    con = warehouse.connect_readonly(db)
    try:
        # the published checks (复核 corrections applied) when the warehouse has them
        rel = "v_fact_check" if con.execute("select count(*) from information_schema.tables "
                                            "where table_name = 'v_fact_check'").fetchall()[0][0] else "fact_check"
        rows = con.execute(f"""
            select r.report_id, r.agency_name, r.year, k.check_id, k.scope, k.lhs, k.rhs, k.delta, k.status
            from {rel} k join v_report r using (report_id)
            where {where}{agency_filter.replace('agency_name', 'r.agency_name')}
            order by r.agency_name, r.year, k.identity, k.check_id""", params + params_agency).fetchall()
        cross = con.execute(f"""
            select a.name, x.year, x.check_id, x.scope, x.lhs, x.rhs, x.delta, x.status
            from fact_cross_check x left join dim_agency a using (agency_id)
            where {where.replace('k.', 'x.')}{agency_filter.replace('agency_name', 'a.name')}
            order by a.name, x.year, x.check_id""", params + params_agency).fetchall()
        n_reports = con.execute("select count(*) from v_report").fetchall()[0][0]
    finally:
        con.close()
    print(f"单年校验 per-report checks ({len(rows)} rows, {n_reports} current reports):")
    print("report_id\tagency\tyear\tcheck\tstatus\tlhs\trhs\tdelta\tscope")
    for rid, ag, yr, cid, scope, lhs, rhs, delta, status in rows:
        print(f"{rid}\t{printable(ag)}\t{yr}\t{cid}\t{status}\t{_fmt(lhs)}\t{_fmt(rhs)}\t{_fmt(delta)}\t{scope}")
    print(f"\n跨年校验 cross-year checks ({len(cross)} rows):")
    print("agency\tyear\tcheck\tstatus\tlhs\trhs\tdelta\tscope")
    for ag, yr, cid, scope, lhs, rhs, delta, status in cross:
        print(f"{printable(str(ag))}\t{yr}\t{cid}\t{status}\t{_fmt(lhs)}\t{_fmt(rhs)}\t{_fmt(delta)}\t{scope}")
    return 0


def cli_verify(args: argparse.Namespace) -> int:
    from etl.verify import verify
    db = Path(args.db)
    if not db.exists():
        print(f"没有数据库 no warehouse at {printable(str(db))}", file=sys.stderr)
        return 2
    compared, diffs = verify(db, workers=getattr(args, "workers", 1),
                             in_process=getattr(args, "in_process", False))
    for line in diffs:
        print("\t".join(printable(f) for f in line.split("\t")))   # one line each, tabs between fields
    print(f"核验 verify: 重新解析 {compared} 份报告 re-parsed, 差异 {len(diffs)} differences",
          file=sys.stderr)
    return 1 if diffs else 0


def cli_account(args) -> int:
    """``account add NAME``: the password from a prompt (twice), stdin's first line, or
    ``--generate`` (random, printed once)."""
    import getpass

    import secrets

    from etl import accounts
    if args.generate:
        pw = secrets.token_urlsafe(12)
    elif sys.stdin.isatty():
        pw = getpass.getpass("密码 password: ")
        if getpass.getpass("再输入一次 again: ") != pw:
            print("两次输入的密码不一致", file=sys.stderr)
            return 2
    else:
        pw = sys.stdin.readline().rstrip("\r\n")
    try:
        path = accounts.add(args.name, pw, args.accounts)
    except ValueError as e:
        print(e, file=sys.stderr)
        return 2
    print(f"账号 {args.name} 已写入 {path}")
    if args.generate:
        print(f"密码（只显示这一次）：{pw}")
    return 0
