"""Text similarity for the 雷同 indicator: shingles, MinHash/LSH (datasketch), matching passages.

A section's text is normalised (NFKC, white space and punctuation dropped, every run of digits
replaced by ``#`` so that a copy with this year's figures still counts as a copy) and cut into
character k-shingles (k = 5 by default: Chinese has no spaces, and 5 characters are about two
words).  Similarity is the Jaccard index of two shingle sets.

* **Previous report** of the same agency: the exact Jaccard index (two texts, cheap).
* **Peers** of the same year: a MinHash signature per section cut into LSH bands (band count
  and width from ``datasketch.MinHashLSH``'s optimum); sections sharing a band key in one
  (year, section) are candidates, confirmed with the exact index.  This is what lets the pass
  scale to 100k reports (benchmarks/bench_similarity.py); the band keys are stored per section
  (``report_section_band``) so that a publish matches only the sections it touches.
* **Passages**: :func:`passages` lists the runs of text the two sections share
  (``difflib.SequenceMatcher``), as character offsets into each section's text, so the
  evidence can be shown (or, for bundled reports without text, located) later.
"""
from __future__ import annotations

import difflib
import functools
import hashlib
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


def lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows of the peer index: tuned below the decision threshold (more candidates,
    fewer misses near it); each candidate is then confirmed with the exact Jaccard index."""
    return _lsh_params(max(0.3, threshold - 0.2), num_perm)


def band_hashes(sig: LeanMinHash, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per LSH band (blake2b of the band's hash values): two sections are
    peer candidates when they share a key in the same band.  Stable across processes, so the
    warehouse stores them (``report_section_band``) and a publish finds a new section's
    candidates with one join instead of re-hashing every section of the year."""
    hv = sig.hashvalues.astype("<u8")
    return [int.from_bytes(hashlib.blake2b(hv[i * rows:(i + 1) * rows].tobytes(), digest_size=8).digest(),
                           "little", signed=True) for i in range(bands)]


def section_bands(text: str, threshold: float = 0.8, num_perm: int = 128, k: int = 5,
                  min_chars: int = 50) -> list[int] | None:
    """The band keys of one section's text; None when it is too short to be compared."""
    t = normalise(text)
    if len(t) < min_chars:
        return None
    return band_hashes(signature(shingles(t, k, normalised=True), num_perm), *lsh_shape(threshold, num_perm))


def peer_matches(docs: Iterable[SectionDoc], threshold: float = 0.8, num_perm: int = 128, k: int = 5,
                 min_chars: int = 50, *, only: set[str] | None = None,
                 bands: dict[tuple[str, str], list[int]] | None = None) -> list[Match]:
    """For each section, the most similar section of another agency in the same year, when
    its similarity reaches ``threshold``: candidates share an LSH band key (:func:`band_hashes`),
    each is confirmed with the exact Jaccard index; ties go to the smaller report id, so the
    answer does not depend on the order of ``docs``.

    ``only``: report ids to match (the other docs are candidates only: a publish passes the
    touched reports plus every section sharing a band key with them).  ``bands``: band keys by
    (report id, section key) as stored; missing ones are computed (and added to the dict)."""
    groups: dict[tuple[int, str], list[tuple[SectionDoc, str]]] = defaultdict(list)
    for d in docs:
        t = normalise(d.text)
        if len(t) >= min_chars:
            groups[(d.year, d.key)].append((d, t))
    out: list[Match] = []
    n_bands, rows = lsh_shape(threshold, num_perm)
    bands = {} if bands is None else bands
    for pairs in groups.values():      # singletons too: their band keys are wanted for later
        group = [d for d, _ in pairs]
        sh: dict[int, set[str]] = {}

        def shingled(i: int, sh: dict[int, set[str]] = sh, pairs: list = pairs) -> set[str]:
            if i not in sh:
                sh[i] = shingles(pairs[i][1], k, normalised=True)
            return sh[i]

        keys: list[list[int]] = []
        buckets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, d in enumerate(group):
            bk = bands.get((d.report_id, d.key))
            if bk is None:
                bk = bands[(d.report_id, d.key)] = band_hashes(signature(shingled(i), num_perm), n_bands, rows)
            keys.append(bk)
            for b, h in enumerate(bk):
                buckets[(b, h)].append(i)
        for i, d in enumerate(group):
            if only is not None and d.report_id not in only:
                continue
            cands = {j for b, h in enumerate(keys[i]) for j in buckets[(b, h)]}
            best: tuple[float, str, int] | None = None
            for j in cands:
                o = group[j]
                if j == i or o.agency_id == d.agency_id:
                    continue
                sim = jaccard(shingled(i), shingled(j))
                if sim >= threshold and (best is None or sim > best[0] or (sim == best[0] and o.report_id < best[1])):
                    best = (sim, o.report_id, j)
            if best is not None:
                o = group[best[2]]
                out.append(Match(d.report_id, d.key, "peer", o.report_id, o.year, round(best[0], 4), True))
    return out
