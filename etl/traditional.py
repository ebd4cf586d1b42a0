"""Traditional characters → simplified, for pages fetched through a site's 繁體 switch.

The parser's vocabulary is simplified (收到和处理政府信息公开申请情况); a page converted to
traditional (收到和處理政府信息公開申請情況) would fail with "找不到报告标题".  When a document's
text holds several characters that exist only in traditional script, every paragraph, table
cell and the container title are converted with OpenCC's ``t2s`` table (the maintained
converter; the pure-Python ``opencc-python-reimplemented`` package), and a warning says so —
the agency name in the report is then the simplified form.  Digits and punctuation are not
touched, so no figure can change.
"""
from __future__ import annotations

import re
from functools import lru_cache

from etl.document import Document, Paragraph

#: Frequent characters of these reports that exist only in traditional script.
_TRADITIONAL_ONLY = re.compile("[開資訊處請關於與統計複議訟結審總數據條規範許罰強費購縣區機構報單體內門會義務歸類執辦營權並們說時無發現]")
_MIN_HITS = 5


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC
    return OpenCC("t2s")


def looks_traditional(text: str) -> bool:
    """Several traditional-only characters in the first 20,000 characters."""
    return any(hits >= _MIN_HITS for hits, _ in enumerate(_TRADITIONAL_ONLY.finditer(text, 0, 20_000), start=1))


def to_simplified(doc: Document, text: str | None = None) -> bool:
    """Convert ``doc`` in place when it is written in traditional characters; True if it was."""
    if not looks_traditional(doc.text() if text is None else text):
        return False
    conv = _converter().convert
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            b.text = conv(b.text)
        else:
            for row in b.rows:
                for c in row:
                    c.text = conv(c.text)
    if doc.title_hint:
        doc.title_hint = conv(doc.title_hint)
    doc.warnings.append("文件为繁体字，已转换为简体字读取（机构名称按简体记录）")
    return True
