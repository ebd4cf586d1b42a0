"""The 雷同 pass at scale: previous-report and peer similarity over N synthetic reports with text.

``synth.generate.generate_with_text`` writes each report's sections and knows every deliberate
copy (of the agency's previous report, or of a peer's report of the same year).  This runs the
pass the warehouse runs at publish (``etl.similarity.previous_matches`` + ``peer_matches`` with
the default rubric's thresholds) and reports time, memory and the precision and recall of copy
detection against that truth.

    python benchmarks/bench_similarity.py --reports 100000 [--json out.json]

Peer pairs are scored by copy cluster: two reports whose sections descend from one original
(A copied B, C copied B) are a true pair; previous-report copies are scored per section.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from etl.assess import load_rubric  # noqa: E402
from etl.similarity import SectionDoc, peer_matches, previous_matches  # noqa: E402
from synth.generate import COPY_SECTIONS, generate_with_text  # noqa: E402


def run(n: int, seed: int = 1) -> dict:
    rub = load_rubric()["similarity"]
    t0, c0 = time.perf_counter(), time.process_time()
    docs: list[SectionDoc] = []
    truth_prev: set[tuple[str, str]] = set()
    truth_peer: list[tuple[str, str, str]] = []           # (report, section, source report)
    ids: dict[tuple[str, int], str] = {}
    for i, rep in enumerate(generate_with_text(n, seed)):
        rid = f"r{i}"
        ids[(rep["agency"], rep["year"])] = rid
        for s in rep["sections"]:
            if s["key"] in COPY_SECTIONS:
                docs.append(SectionDoc(rid, rep["agency"], rep["year"], s["key"], s["text"]))
        for key, c in rep["meta"]["copies"].items():
            if c["kind"] == "previous":
                truth_prev.add((rid, key))
            else:
                truth_peer.append((rid, key, ids[(c["agency"], c["year"])]))
    t_gen, c_gen = time.perf_counter() - t0, time.process_time() - c0
    t1, c1 = time.perf_counter(), time.process_time()
    prev = previous_matches(docs, rub["shingle"], rub["min_chars"])
    t_prev, c_prev = time.perf_counter() - t1, time.process_time() - c1
    t2, c2 = time.perf_counter(), time.process_time()
    peer = peer_matches(docs, rub["threshold_peer"], rub["num_perm"], rub["shingle"], rub["min_chars"])
    t_peer, c_peer = time.perf_counter() - t2, time.process_time() - c2
    # previous: per section; "comparable" = long enough to be compared (rubric min_chars)
    from etl.similarity import normalise
    comparable = {(d.report_id, d.key) for d in docs if len(normalise(d.text)) >= rub["min_chars"]}
    pred_prev = {(m.report_id, m.key) for m in prev if m.similarity >= rub["threshold_previous"]}
    tp = len(pred_prev & truth_prev)
    # peers: by copy cluster (union-find over truth edges, per section)
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x
    for rid, key, src in truth_peer:
        parent[find((rid, key))] = find((src, key))
    pred_pairs = {(m.report_id, m.other_report_id, m.key) for m in peer}
    tp_peer = sum(1 for a, b, k in pred_pairs if find((a, k)) == find((b, k)) and (a, k) in parent or
                  find((a, k)) == find((b, k)) and (b, k) in parent)
    found = defaultdict(set)
    for a, b, k in pred_pairs:
        found[(a, k)].add(b)
    rec_peer = sum(1 for rid, key, _ in truth_peer if found.get((rid, key)))
    peer_cmp = [(rid, key) for rid, key, _ in truth_peer if (rid, key) in comparable]
    rec_peer_cmp = sum(1 for x in peer_cmp if found.get(x))
    return {
        "reports": n, "sections_compared": len(docs), "seconds_generate": round(t_gen, 1),
        "seconds_previous": round(t_prev, 1), "seconds_peer": round(t_peer, 1),
        "cpu_seconds": {"generate": round(c_gen, 1), "previous": round(c_prev, 1), "peer": round(c_peer, 1)},
        "comparable": {"truth_previous": len(truth_prev & comparable), "found": len(pred_prev & truth_prev & comparable),
                       "truth_peer": len(peer_cmp), "found_peer": rec_peer_cmp},
        "previous": {"truth": len(truth_prev), "predicted": len(pred_prev), "true_positive": tp,
                     "precision": round(tp / len(pred_prev), 4) if pred_prev else None,
                     "recall": round(tp / len(truth_prev), 4) if truth_prev else None},
        "peer": {"truth_copies": len(truth_peer), "predicted_pairs": len(pred_pairs), "true_pairs": tp_peer,
                 "precision": round(tp_peer / len(pred_pairs), 4) if pred_pairs else None,
                 "recall": round(rec_peer / len(truth_peer), 4) if truth_peer else None},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "thresholds": {"previous": rub["threshold_previous"], "peer": rub["threshold_peer"],
                       "num_perm": rub["num_perm"], "shingle": rub["shingle"]},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    res = run(args.reports, args.seed)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
