"""Text similarity for the 雷同 indicator: shingles, MinHash/LSH (datasketch), matching passages.

A section's text is normalised (NFKC, white space and punctuation dropped, every run of digits
replaced by ``#`` so that a copy with this year's figures still counts as a copy) and cut into
character k-shingles (k = 5 by default: Chinese has no spaces, and 5 characters are about two
words).  Similarity is the Jaccard index of two shingle sets.

* **Previous report** of the same agency: the exact Jaccard index (two texts, cheap).
* **Peers** of the same year: a MinHash signature per section and an LSH index per
  (year, section) (``datasketch.MinHashLSH``); a candidate pair of two agencies is confirmed
  with the exact index when both texts are at hand, else it keeps the MinHash estimate.  This is
  what lets the pass scale to 100k reports (benchmarks/bench_similarity.py).
* **Passages**: :func:`passages` lists the runs of text the two sections share
  (``difflib.SequenceMatcher``), as character offsets into each section's text, so the
  evidence can be shown (or, for bundled reports without text, located) later.
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import LeanMinHash, MinHash, MinHashLSH

_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    t = unicodedata.normalize("NFKC", text or "")
    t = _DIGITS.sub("#", t)
    return _DROP.sub("", t)


def shingles(text: str, k: int = 5, normalised: bool = False) -> set[str]:
    t = text if normalised else normalise(text)
    if len(t) <= k:
        return {t} if t else set()
    return {t[i:i + k] for i in range(len(t) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@functools.lru_cache(maxsize=8)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows for the LSH (datasketch's optimum, computed once rather than per index)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


@functools.lru_cache(maxsize=4)
def _permutations(num_perm: int):
    return MinHash(num_perm=num_perm, seed=1).permutations


def signature(sh: set[str], num_perm: int = 128) -> LeanMinHash:
    """MinHash signature of a shingle set: permutations drawn once per size (not per section)
    and CRC-32 as the 32-bit hash (C speed; deterministic across processes)."""
    m = MinHash(num_perm=num_perm, seed=1, hashfunc=zlib.crc32, permutations=_permutations(num_perm),
                scheme="affine32")
    m.update_batch([s.encode("utf-8") for s in sh])
    return LeanMinHash(m)


def passages(a: str, b: str, min_len: int = 12) -> list[tuple[int, int, int]]:
    """Runs the two texts share, at least ``min_len`` characters: (offset in a, offset in b, length)."""
    if not a or not b:
        return []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [(m.a, m.b, m.size) for m in sm.get_matching_blocks() if m.size >= min_len]


@dataclass(frozen=True)
class SectionDoc:
    """One section of one report, as the similarity pass sees it."""

    report_id: str
    agency_id: str
    year: int
    key: str          # section key (etl.sections)
    text: str


@dataclass
class Match:
    report_id: str
    key: str
    kind: str                 # previous | peer
    other_report_id: str
    other_year: int
    similarity: float         # Jaccard of shingle sets (exact, or the MinHash estimate)
    exact: bool


def previous_matches(docs: Iterable[SectionDoc], k: int = 5, min_chars: int = 50) -> list[Match]:
    """Each section against the same section of the agency's latest earlier report (any year
    before; the page says which).  Every pair is returned, whatever its similarity."""
    by_agency: dict[tuple[str, str], list[SectionDoc]] = defaultdict(list)
    for d in docs:
        if len(normalise(d.text)) >= min_chars:
            by_agency[(d.agency_id, d.key)].append(d)
    out: list[Match] = []
    for group in by_agency.values():
        group.sort(key=lambda d: d.year)
        prev_sh: set[str] | None = None
        prev: SectionDoc | None = None
        for d in group:
            sh = shingles(d.text, k)
            if prev is not None and prev.year < d.year and prev_sh is not None:
                out.append(Match(d.report_id, d.key, "previous", prev.report_id, prev.year,
                                 round(jaccard(sh, prev_sh), 4), True))
            if prev is None or prev.year < d.year:
                prev, prev_sh = d, sh
    return out


def peer_matches(docs: Iterable[SectionDoc], threshold: float = 0.8, num_perm: int = 128, k: int = 5,
                 min_chars: int = 50) -> list[Match]:
    """For each section, the most similar section of another agency in the same year, when
    its similarity reaches ``threshold`` (LSH candidates, then exact Jaccard)."""
    groups: dict[tuple[int, str], list[tuple[SectionDoc, str]]] = defaultdict(list)
    for d in docs:
        t = normalise(d.text)
        if len(t) >= min_chars:
            groups[(d.year, d.key)].append((d, t))
    out: list[Match] = []
    # the LSH is tuned below the decision threshold (more candidates, fewer misses near it);
    # each candidate is then confirmed with the exact Jaccard index
    params = _lsh_params(max(0.3, threshold - 0.2), num_perm)
    for pairs in groups.values():
        if len(pairs) < 2:
            continue
        group = [d for d, _ in pairs]
        lsh = MinHashLSH(num_perm=num_perm, params=params)
        sh = [shingles(t, k, normalised=True) for _, t in pairs]
        sigs = [signature(s, num_perm) for s in sh]
        with lsh.insertion_session() as ins:
            for i, s in enumerate(sigs):
                ins.insert(i, s, check_duplication=False)
        for i, d in enumerate(group):
            best: tuple[float, int] | None = None
            for j in lsh.query(sigs[i]):
                if j == i or group[j].agency_id == d.agency_id:
                    continue
                sim = jaccard(sh[i], sh[j])
                if sim >= threshold and (best is None or sim > best[0]):
                    best = (sim, j)
            if best is not None:
                o = group[best[1]]
                out.append(Match(d.report_id, d.key, "peer", o.report_id, o.year, round(best[0], 4), True))
    return out
