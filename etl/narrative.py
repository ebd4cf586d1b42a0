"""The report's own sentences as evidence for table cells its printing leaves ambiguous.

A report's narrative often prints a table figure again: 全年主动公开市政府规章 22 件、行政规范性
文件 34 件; 本年度制发的规范性文件 77 件; 清理并发布现行有效规范性文件 393 件.  Where the table
alone admits several readings of a row — crawler text whose cells ran together (``77132470``),
a row that printed fewer cells than its header has columns — a figure the narrative states for
one of the row's cells is evidence for the reading that prints it there.

The rules (NOTES L19):

* only table 二, which has no identity of its own; table 三/四 readings are settled by their
  identities and never by a sentence — except a table 三 printing 0 in every cell while the
  text says applications came in (收到/受理/新收…申请 N 件, N > 0): the report contradicts
  itself (a print whose program recomputed Word's formula fields to 0, a table left unfilled),
  and its table-三 cells are flagged, never changed;
* a claim narrows the table's own candidates and never adds one: a reading is kept only if it
  prints the stated figure in the stated cell, so the value always is one the table printed;
* a cell the narrative states twice with different figures is no evidence (both have support);
* a claim that no candidate of its row satisfies shows the sentence speaks of something else
  (or one of the two is wrong): then no claim about that row is used, and the row stays flagged;
* a row whose candidates are narrowed to one is read; with several left, only the cells on
  which all of them agree are read, the others stay flagged.

Cells so read carry provenance method ``narrative`` and keep the table's raw text.  The
narrative is the text of sections 一, 五 and 六 (etl.sections): tables 二–四 are not in it.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Sequence

from etl.document import Document
from etl.numbers import WIDE_DIGITS
from etl.sections import split_sections

NARRATIVE_SECTIONS = ("general", "problems", "other")

#: the row a noun names (规章, 规范性文件) → its table-二 row key
_NOUNS = {"规章": "regulations", "规范性文件": "normative_documents"}
#: what a verb or qualifier says of the figure → the columns (of either template) it can be
_MADE = ("issued_count", "newly_made_count")
_PUBLISHED = ("issued_count", "newly_published_count")
_VERBS = {"制发": _MADE, "印发": _MADE, "出台": _MADE, "制定": _MADE, "制作": _MADE,
          "公开": _PUBLISHED, "发布": _PUBLISHED, "公布": _PUBLISHED,
          "废止": ("repealed_count",), "失效": ("repealed_count",)}
_VERB = re.compile("|".join(_VERBS))
_ITEM = re.compile(r"(?P<noun>规章|规范性文件)(?:共计|共|计|合计)?(?P<n>\d{1,7})(?:件|部|个|份|篇)")
_CLAUSE = re.compile(r"[。；;！!？?，,：:]")
_LISTED = re.compile(r"\d+(?:件|部|个|份|篇)、")   # earlier items of the verb's list


def narrative_text(doc: Document) -> str:
    return "\n".join(s.text for s in split_sections(doc) if s.key in NARRATIVE_SECTIONS)


_APPLICATIONS = re.compile(r"(?:新收|收到|受理|接收|共收)[^。；;，,:：\d]{0,12}申请[^。；;，,:：\d]{0,6}(?P<n>\d{1,7})(?:件|个|条|宗)")


def applications_stated(text: str) -> set[int]:
    """The counts of applications received the text states (全年新收政府信息公开申请23件)."""
    t = re.sub(r"\s+", "", text.translate(WIDE_DIGITS))
    return {int(m.group("n")) for m in _APPLICATIONS.finditer(t)}


def t2_claims(text: str) -> dict[str, set[Decimal]]:
    """{row key: …} → the figures the text states, as ``{"regulations.issued_count": {22}}``;
    a claim naming columns of both templates is listed under each."""
    out: dict[str, set[Decimal]] = {}
    t = re.sub(r"\s+", "", text.translate(WIDE_DIGITS))
    for clause in _CLAUSE.split(t):
        for m in _ITEM.finditer(clause):
            before = clause[:m.start()]
            verbs = list(_VERB.finditer(before))
            if not verbs:
                continue
            between = before[verbs[-1].end():]
            if "等" in between or re.search(r"\d", _LISTED.sub("", between)):
                continue   # 规章、文件等 243 件: a sum of kinds; a figure of another kind between
            if "现行有效" in between:
                cols: Sequence[str] = ("in_force_count",)
            elif "废止" in between or "失效" in between:
                cols = ("repealed_count",)
            else:
                cols = _VERBS[verbs[-1].group(0)]
            for c in cols:
                out.setdefault(f"{_NOUNS[m.group('noun')]}.{c}", set()).add(Decimal(m.group("n")))
    return out


def narrow(claims: dict[str, set[Decimal]], row_key: str, layout: Sequence[str],
           cands: list[list[Decimal | None]]) -> tuple[list[list[Decimal | None]], dict[str, Decimal]]:
    """The candidate readings of a table-二 row (values in ``layout`` order, None for a cell the
    reading does not print) that the narrative's claims allow, and the claims used
    ({column: figure}).  Unchanged (and no claim used) when the narrative gives no single
    figure for any of the row's cells, or when one of its claims fits no candidate."""
    used: dict[str, Decimal] = {}
    for col in layout:
        figs = claims.get(f"{row_key}.{col}") if col else None
        if figs and len(figs) == 1:
            used[col] = next(iter(figs))
    if not used:
        return cands, {}
    kept = cands
    for col, fig in used.items():
        i = list(layout).index(col)
        kept = [c for c in kept if c[i] is not None and c[i] == fig]
        if not kept:
            return cands, {}   # the sentence and the table disagree: neither settles the row
    return kept, used


def agreed(cands: list[list[Decimal | None]]) -> list[Decimal | None]:
    """Per column: the value every candidate gives (None where they differ or print nothing)."""
    return [c[0] if c[0] is not None and all(x == c[0] for x in c) else None for c in zip(*cands)]
