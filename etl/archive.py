"""Read a crawl archive (written by :mod:`etl.crawl`) back for ``python -m etl ingest``.

An archive folder holds ``manifest.jsonl`` and ``files/``.  A *report* is a report page and
the report files attached to it (or a report file on its own); every crawl run in which one of
its files was new or changed gives a *snapshot* of it, and each snapshot loads as one report:
the member that parses to the most cells (fewer uncertain, then exact formats, then the page)
is used, and ``source_choice`` says which and what the others gave.  Snapshots are loaded in
the order they were fetched, so the latest version of a report is the current one and the
earlier ones stay as history; ``source_version`` is the version of the URL the chosen file
came from (1 = the first content ever fetched there), ``first_fetched_at`` when version 1 was
fetched.  The provenance (URL, page, publication date and how it was read) goes into
``ParsedReport.source`` and from there into ``dim_report``.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.report import ParsedReport

MANIFEST = "manifest.jsonl"
_FORMAT_RANK = {"docx": 3, "html": 3, "xlsx": 2, "txt": 2, "md": 2, "pdf": 1}


def is_archive(path: Path) -> bool:
    return Path(path).is_dir() and (Path(path) / MANIFEST).is_file()


def read_records(root: Path) -> list[dict]:
    """Journal records; a torn last line (a crawl killed mid-write) is ignored."""
    out = []
    with open(Path(root) / MANIFEST, "rb") as fh:
        for line in fh:
            if not line.endswith(b"\n"):
                break
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                break
    return out


def crawl_runs(root: Path, limit: int = 20) -> list[dict]:
    """The last crawl runs of an archive, newest first: seeds, requests (pages), reports found,
    new, changed, unchanged, failed URLs with reasons, skipped; ``finished`` is False for a run
    that was interrupted (counted from its journal lines so far)."""
    runs: dict[str, dict] = {}
    for r in read_records(root):
        t, rid = r.get("type"), r.get("run_id")
        if t == "run":
            runs[rid] = {"run_id": rid, "started_at": r.get("started_at"), "ended_at": None,
                         "seeds": len(r.get("seeds") or []), "finished": False, "pages": 0, "found": 0,
                         "new": 0, "changed": 0, "unchanged": 0, "failed": [], "skipped": 0}
        elif rid not in runs:
            continue
        elif t == "run_end":
            runs[rid].update(ended_at=r.get("ended_at"), finished=True)
        elif t == "skip":
            runs[rid]["skipped"] += 1
        elif t == "fetch":
            run = runs[rid]
            run["pages"] += 1
            if r.get("error"):
                run["failed"].append((r["url"], r["error"]))
            elif r.get("kind") in ("report", "attachment"):
                run["found"] += 1
                change = r.get("change")
                run[change if change in ("new", "changed") else "unchanged"] += 1
    return list(reversed(runs.values()))[:limit]


@dataclass
class Member:
    """One file of a report snapshot."""

    url: str
    page_url: str
    kind: str                  # page | attachment
    path: Path
    sha256: str
    fetched_at: str
    published_at: str | None
    published_at_method: str | None
    version: int
    first_fetched_at: str | None
    agency: str


def snapshots(root: Path) -> list[list[Member]]:
    """Report snapshots in fetch order: per crawl run, each report (page + its files) in which
    a file was new or changed, as it stood at the end of that run."""
    root = Path(root)
    recs = [r for r in read_records(root) if r.get("type") == "fetch" and r.get("sha256")
            and r.get("kind") in ("report", "attachment")]
    page_urls = {r["final_url"] for r in recs if r["kind"] == "report"}
    first: dict[str, str] = {}
    state: dict[str, dict[str, Member]] = {}
    out: list[list[Member]] = []
    dirty: list[str] = []
    run = None

    def flush() -> None:
        out.extend(list(state[g].values()) for g in dirty)
        dirty.clear()

    for r in recs:
        if r.get("run_id") != run:
            flush()
            run = r.get("run_id")
        url = r["final_url"]
        if int(r.get("version") or 1) == 1:
            first.setdefault(url, r.get("fetched_at") or "")
        if r["kind"] == "report":
            group, kind = url, "page"
        else:
            ref = r.get("referrer")
            group, kind = (ref if ref in page_urls else url), "attachment"
        members = state.setdefault(group, {})
        old = members.get(url)
        if old is not None and old.sha256 == r["sha256"]:
            continue
        members[url] = Member(url=url, page_url=group, kind=kind, path=root / r["path"], sha256=r["sha256"],
                              fetched_at=r.get("fetched_at") or "", published_at=r.get("published_at"),
                              published_at_method=r.get("published_at_method"),
                              version=int(r.get("version") or 1), first_fetched_at=first.get(url),
                              agency=r.get("agency") or "")
        if group not in dirty:
            dirty.append(group)
    flush()
    return out


def plan(root: Path, known: set[str]) -> tuple[list[list[Member]], int]:
    """Snapshots still to load, and how many are already in the warehouse.  A report's first
    snapshot was loaded if one of its files is a known report_id (sha256 prefix: the choice is
    deterministic); a later one if one of the files that *changed* in it is known — so a
    corrected page that is richer than the attachment loaded before is not skipped.  (A changed
    file that lost the choice is parsed again at each ingest: correct, and rare.)"""
    todo, n_known = [], 0
    before: dict[str, set[str]] = {}
    for snap in snapshots(root):
        shas = {m.sha256 for m in snap}
        prev = before.get(snap[0].page_url)
        before[snap[0].page_url] = shas
        if any(sha[:16] in known for sha in (shas if prev is None else shas - prev)):
            n_known += 1
        else:
            todo.append(snap)
    return todo, n_known


def files_of(snaps: Iterable[list[Member]]) -> list[Path]:
    seen: dict[Path, None] = {}
    for snap in snaps:
        for m in snap:
            seen.setdefault(m.path, None)
    return list(seen)


def _score(rep: ParsedReport, kind: str) -> tuple:
    known = sum(1 for v in rep.cells.values() if v is not None)
    fmt = str(rep.source.get("format") or "")
    return (known - len(rep.uncertain), _FORMAT_RANK.get(fmt, 0), kind == "page")


def choose(snap: list[Member], results: dict[str, tuple[ParsedReport | None, str | None]]
           ) -> tuple[str, ParsedReport | None, str | None]:
    """The richest member of a snapshot, with the archive provenance put into ``source``."""
    scored: list[tuple[tuple, Member, ParsedReport]] = []
    notes: list[str] = []
    for m in snap:
        rep, err = results.get(str(m.path), (None, "未解析 not parsed"))
        label = "网页 page" if m.kind == "page" else "附件 attachment"
        if rep is None:
            notes.append(f"{label} {m.path.suffix.lstrip('.')}: 无法解析（{err}）")
        else:
            n = sum(1 for v in rep.cells.values() if v is not None)
            notes.append(f"{label} {rep.source.get('format')}: {n} 个数值, {len(rep.uncertain)} 个存疑")
            scored.append((_score(rep, m.kind), m, rep))
    page = next((m for m in snap if m.kind == "page"), snap[0])
    if not scored:
        return page.url, None, "网页和附件都无法解析 no member parses: " + "; ".join(notes)
    scored.sort(key=lambda t: t[0], reverse=True)
    _s, m, rep = scored[0]
    used = "网页 page" if m.kind == "page" else "附件 attachment"
    dated = page if page.published_at else m
    rep.source.update({
        "name": Path(m.url.split("?", 1)[0]).name or m.path.name,
        "url": m.url, "page_url": m.page_url,
        "published_at": dated.published_at, "published_at_method": dated.published_at_method,
        "fetched_at": m.fetched_at, "version": m.version, "first_fetched_at": m.first_fetched_at,
        "choice": f"采用 used {used}; " + "; ".join(notes),
    })
    return str(m.path), rep, None


def batches(snaps: list[list[Member]], size: int) -> Iterator[list[list[Member]]]:
    for i in range(0, len(snaps), size):
        yield snaps[i:i + size]


def load(root: Path, known: set[str], parse: Callable[[list[Path]], Iterable[tuple[str, Any, Any]]],
         size: int = 500) -> tuple[int, int, Iterator[tuple[str, ParsedReport | None, str | None]]]:
    """(snapshots already loaded, snapshots to load, iterator of (path, report, error) in order).
    ``parse`` maps files to (path, report | None, error | None) (the warehouse's worker pool)."""
    todo, n_known = plan(root, known)

    def gen():
        for batch in batches(todo, size):
            results = {p: (rep, err) for p, rep, err in parse(files_of(batch))}
            for snap in batch:
                yield choose(snap, results)
    return n_known, len(todo), gen()
