"""The attack table of BENCHMARKS.md (Reliability): hostile inputs against ``python -m etl ingest``
and the upload path, each beside two good reports; prints one markdown row per input
(input → outcome, wall time, whether the good reports loaded).

    PYTHONPATH=. python benchmarks/bench_attacks.py [--out benchmarks/attack_results.json]

Everything is made here (synthetic reports from :mod:`synth`, hand-built PDFs); nothing is
downloaded.  Each ingest runs in a subprocess with a 300 s cap, so a hang shows as "hang".
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synth import generate, render  # noqa: E402
from synth.hostile import pdf_stream_bomb  # noqa: E402


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="o", strength=128))
    c.drawString(100, 700, "2023")
    c.save()
    return buf.getvalue()


def html_with(tag: str, rep: dict) -> bytes:
    return render.render(rep, "html").decode().replace("<body>", "<body>" + tag, 1).encode()


def run_ingest(folder: Path, db: Path, env: dict | None = None) -> tuple[str, float, str]:
    t = time.monotonic()
    try:
        p = subprocess.run([sys.executable, "-m", "etl", "ingest", str(folder), "--db", str(db), "--quiet",
                            "--workers", "2"], cwd=ROOT, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    except subprocess.TimeoutExpired:
        return "hang (killed at 300 s)", time.monotonic() - t, ""
    return p.stdout + p.stderr, time.monotonic() - t, str(p.returncode)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    reps = list(generate.generate(12, seed=91))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        def case(name: str, make, env: dict | None = None, expect: str = "attack") -> None:
            folder = tmp / f"c{len(rows)}"
            folder.mkdir()
            for i in (0, 1):
                (folder / f"good{i}.txt").write_bytes(render.render(reps[i], "txt"))
            make(folder)
            out, secs, rc = run_ingest(folder, tmp / f"w{len(rows)}.duckdb", env)
            lines = [ln.strip() for ln in out.splitlines() if expect in ln or "WARNING" in ln]
            loaded = next((ln for ln in out.splitlines() if ln.startswith("导入完成")), "")
            ok = "新增 loaded 2" in loaded or "新增 loaded 3" in loaded or "新增 loaded 4" in loaded
            summary = " · ".join(part.strip() for part in loaded.split("·")[1:6])
            rows.append({"input": name, "outcome": " / ".join(lines)[:300] or summary or out[-300:],
                         "seconds": round(secs, 1),
                         "exit": rc, "good_reports_loaded": ok})
            print(f"| {name} | {rows[-1]['outcome']} | {secs:.1f} s | {'yes' if ok else 'NO'} |", flush=True)

        case("PDF, 20 KB: /Contents lists one 1 MB stream 3,000 times",
             lambda f: (f / "attack.pdf").write_bytes(pdf_stream_bomb(b"q Q\n" * 262_144, 1, 3000)))
        case("PDF, 1.5 MB: one stream inflating to 1.5 GB",
             lambda f: (f / "attack.pdf").write_bytes(pdf_stream_bomb(b"q Q\n" * 262_144, 1536, 1)))
        case("FIFO named attack.txt", lambda f: os.mkfifo(f / "attack.txt"))
        case("link to /dev/zero", lambda f: os.symlink("/dev/zero", f / "attack.html"))
        case("link to /dev/urandom", lambda f: os.symlink("/dev/urandom", f / "attack.pdf"))
        for n in (50_000, 300_000):
            case(f"HTML report + one element with {n:,} attributes",
                 lambda f, n=n: (f / "attack.html").write_bytes(
                     html_with("<div " + " ".join(f'a{i}="x"' for i in range(n)) + ">x</div>", reps[2])),
                 expect="版本冲突")
        case("HTML report + one 15 MB attribute",
             lambda f: (f / "attack.html").write_bytes(html_with('<div data-x="' + "A" * 15 * 2**20 + '">x</div>',
                                                                 reps[3])), expect="版本冲突")
        case("encrypted PDF (user password)", lambda f: (f / "attack.pdf").write_bytes(encrypted_pdf()))
        case("worker aborts mid-parse (pdfium at its memory cap, OOM kill)",
             lambda f: (f / "attack.txt").write_bytes(render.render(reps[4], "txt")),
             env={"GKNB_TEST_PAUSE_AT": "parse", "GKNB_TEST_PAUSE_MATCH": "attack", "GKNB_TEST_PAUSE_ACTION": "abort"})
        case("worker stuck in C code (ignores its alarm), limit 5 s",
             lambda f: (f / "attack.txt").write_bytes(render.render(reps[5], "txt")),
             env={"GKNB_TEST_PAUSE_AT": "parse", "GKNB_TEST_PAUSE_MATCH": "attack", "GKNB_TEST_PAUSE_ACTION": "hang",
                  "GKNB_TEST_PAUSE_SECONDS": "600", "GKNB_PARSE_TIMEOUT": "5"})
        other = dict(reps[6], cells=dict(reps[6]["cells"]))
        other["cells"]["t3.granted.total"] += 1

        def conflict(f: Path) -> None:
            (f / "attack_a.txt").write_bytes(render.render(reps[6], "txt"))
            (f / "attack_b.html").write_bytes(render.render(other, "html"))
        case("two files, one agency-year, different figures", conflict, expect="版本冲突")

        from app.uploads import parse_upload
        for name, data in (("upload: 20 KB PDF bomb", pdf_stream_bomb(b"q Q\n" * 262_144, 1, 3000)),
                           ("upload: HTML with 300,000 attributes",
                            html_with("<div " + " ".join(f'a{i}="x"' for i in range(300_000)) + ">x</div>", reps[7]))):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t = time.monotonic()
            item = parse_upload(data, name.split()[-1] + (".pdf" if "PDF" in name else ".html"), tmp / "uploads")
            grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
            kept = sorted(p.name for p in (tmp / "uploads").iterdir())
            outcome = item.get("error") or f"parsed: {item['report'].agency} {item['report'].year}"
            rows.append({"input": name, "outcome": f"{outcome}; server peak RSS +{grew:.0f} MB; kept: {kept}",
                         "seconds": round(time.monotonic() - t, 1), "exit": "", "good_reports_loaded": None})
            print(f"| {name} | {rows[-1]['outcome']} | {rows[-1]['seconds']} s | — |", flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
