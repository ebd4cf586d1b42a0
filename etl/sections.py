"""The report's text, split into the six sections of the national format.

Both templates (国办公开办函〔2019〕60号 and 〔2021〕30号) print six sections: 一、总体情况 ·
二、主动公开政府信息情况 · 三、收到和处理政府信息公开申请情况 · 四、政府信息公开行政复议、
行政诉讼情况 · 五、存在的主要问题及改进情况 · 六、其他需要报告的事项.  Numbering varies (013
numbers 主动公开 as 一、; 015 has a （一）主动公开… sub-heading inside 总体情况), and crawler
text runs headings into the line before them, so headings are found by their **words**:

* a numbered heading (``二、``, ``（二）``, ``2.``) followed by the section's words, anywhere in
  the text, unless it sits inside a list (``…包括总体情况、主动公开…``);
* or a line that is nothing but the section's words.

For each section the first top-level heading (``X、``) wins; a sub-level one (``（X）``,
``X.``) is used only when no top-level heading names that section.  A section's text runs
from the end of its heading to the next chosen heading; the text before the first heading is
the preamble (title, introduction), kept under the key ``preamble``.

:func:`split_sections` works on a :class:`~etl.document.Document`; :func:`split_text` on plain
text (what a Document's paragraphs and table rows print, one line each).  Positions are
character offsets into that text, with the page of the heading where the reader knows it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl.document import Document, Paragraph

# key → (Chinese name as the format prints it, regex of the heading's words)
SECTIONS: dict[str, tuple[str, str]] = {
    "general": ("一、总体情况", r"(?:总体情况|基本情况|工作概述|概述)"),
    "proactive": ("二、主动公开政府信息情况", r"主动公开政府信息(?:的)?(?:工作)?情况"),
    "requests": ("三、收到和处理政府信息公开申请情况", r"收到和处理政府信息公开申请(?:的)?情况"),
    "review": ("四、政府信息公开行政复议、行政诉讼情况",
               r"(?:因)?(?:政府信息公开(?:工作)?)?(?:被申请)?行政.?复议[、和及与]?(?:提起)?行政诉讼(?:的)?情况"),
    "problems": ("五、存在的主要问题及改进情况",
                 r"(?:\d{4}\s*年度?(?:工作中)?)?(?:政府信息公开(?:工作)?)?存在(?:的)?(?:主要)?问题(?:的)?"
                 r"(?:及|和|与)?(?:改进|整改)?(?:情况|措施|方向)?|主要问题(?:及改进情况)?"),
    "other": ("六、其他需要报告的事项", r"其他需要报告的(?:事项|情况)"),
}
SECTION_KEYS: tuple[str, ...] = tuple(SECTIONS)
SECTION_ZH: dict[str, str] = {k: v[0] for k, v in SECTIONS.items()} | {"preamble": "标题和引言"}

_NUM_TOP = r"[一二三四五六七八九十]{1,2}\s*[、.．]"
_NUM_SUB = r"[（(][一二三四五六七八九十]{1,2}[)）]|[1-9１-９]\s*[、.．](?![\d０-９])"
_BEFORE_OK = "、，,和及与括"   # a heading word right after these is inside a list, not a heading
# the lookahead names every character a heading can start with (a numeral, a bracket, white
# space, the first character of a section's words): it fails fast where none can start
_HEAD = re.compile(
    r"(?=[一二三四五六七八九十（(1-9１-９\s\d总基工概主收因政被行存其])"
    rf"(?P<num>{_NUM_TOP}|{_NUM_SUB})?\s*(?P<words>"
    + "|".join(f"(?P<{k}>{rx})" for k, (_, rx) in SECTIONS.items()) + ")")
_LINE_MAX = 40


@dataclass
class Section:
    key: str                 # general | proactive | requests | review | problems | other | preamble
    heading: str             # as printed ('' for the preamble)
    text: str                # the section's text, heading excluded
    position: int            # character offset of the heading in the document text
    page: int | None = None
    level: str = "top"       # top (X、) | sub (（X） or X.) | line (a line of the words alone) | none

    def to_json(self) -> dict:
        # asdict's deep copy is a fifth of the split's time; every field is a str, int or None
        return {"key": self.key, "heading": self.heading, "text": self.text, "position": self.position,
                "page": self.page, "level": self.level}


def document_lines(doc: Document) -> list[tuple[str, int | None]]:
    """The document as (line, page): paragraph lines and one line per table row, as
    :meth:`Document.text` prints them."""
    out: list[tuple[str, int | None]] = []
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            out.extend((ln, b.page) for ln in b.text.split("\n"))
        else:
            for row in b.rows:
                page = next((c.page for c in row if c.page is not None), b.page)
                out.append((" ".join(c.text for c in row if not c.is_span_copy), page))
    return out


def _candidates(text: str) -> list[tuple[str, int, int, str]]:
    """(key, start, end, level) of every heading-like match."""
    out = []
    norm = text
    for m in _HEAD.finditer(norm):
        key = next(k for k in SECTIONS if m.group(k))
        start = m.start("num") if m.group("num") else m.start("words")
        num = (m.group("num") or "").strip()
        # what precedes the heading on its line
        line_start = norm.rfind("\n", 0, start) + 1
        before = norm[line_start:start].rstrip()
        line_end = norm.find("\n", m.end())
        line_end = len(norm) if line_end < 0 else line_end
        if num:
            if before and before[-1] in _BEFORE_OK:
                continue
            level = "top" if re.fullmatch(_NUM_TOP, num) else "sub"
        else:
            # no numeral: only a line that is the words alone (maybe with 表X： before it, no)
            if before or norm[m.end():line_end].strip() or len(m.group("words")) > _LINE_MAX:
                continue
            level = "line"
        out.append((key, start, m.end(), level))
    return out


def split_text(text: str, pages: list[tuple[int, int | None]] | None = None) -> list[Section]:
    """Sections of ``text`` in printed order, the preamble first (if any text precedes the first
    heading).  ``pages``: (offset where a page's text starts, page) pairs, ascending."""
    cands = _candidates(text)
    chosen: dict[str, tuple[int, int, str]] = {}
    rank = {"top": 0, "sub": 1, "line": 2}
    for key in SECTIONS:
        mine = [c for c in cands if c[0] == key]
        if not mine:
            continue
        best = min(mine, key=lambda c: (rank[c[3]], c[1]))
        chosen[key] = (best[1], best[2], best[3])
    order = sorted(chosen.items(), key=lambda kv: kv[1][0])

    def page_at(off: int) -> int | None:
        if not pages:
            return None
        pg = None
        for start, p in pages:
            if start > off:
                break
            pg = p
        return pg

    out: list[Section] = []
    first = order[0][1][0] if order else len(text)
    if text[:first].strip():
        out.append(Section("preamble", "", text[:first].strip(), 0, page_at(0), "none"))
    for i, (key, (start, end, level)) in enumerate(order):
        stop = order[i + 1][1][0] if i + 1 < len(order) else len(text)
        body = text[end:stop].strip()
        out.append(Section(key, text[start:end].strip(), body, start, page_at(start), level))
    return out


def split_sections(doc: Document) -> list[Section]:
    """The sections of a parsed document (see the module docstring)."""
    lines = document_lines(doc)
    pages: list[tuple[int, int | None]] = []
    off = 0
    last_page: object = object()
    for ln, page in lines:
        if page != last_page:
            pages.append((off, page))
            last_page = page
        off += len(ln) + 1
    text = "\n".join(ln for ln, _ in lines)
    return split_text(text, pages if any(p is not None for _, p in pages) else None)


def sections_json(doc: Document) -> list[dict]:
    """The parser's hook: the sections as plain dicts for :class:`~etl.report.ParsedReport`."""
    return [s.to_json() for s in split_sections(doc)]
