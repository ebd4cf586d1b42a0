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


#: Taiwan phrasing (OpenCC s2twp: 信息→資訊, 项目→專案, 文件→檔案): a report always says
#: 政府信息公开, so 資訊 in it means the switch converted phrases too.  The reverse table
#: (tw2sp) is not used: it is ambiguous for names (檔案 is both 文件 and 档案: 档案馆 would come
#: back 文件馆; 查詢 comes back 查找).  After ``t2s`` only the template's words are restored, in
#: the contexts they have in a report (NOTES L50).
_TAIWAN_MARK = "資訊"
_TAIWAN_WORDS = (("资讯", "信息"), ("专案", "项目"), ("规范性档案", "规范性文件"), ("公开档案", "公开文件"),
                 ("资料的勾稽", "数据的勾稽"))


def _taiwan_back(text: str) -> str:
    for tw, cn in _TAIWAN_WORDS:
        text = text.replace(tw, cn)
    return text


def looks_traditional(text: str) -> bool:
    """Several traditional-only characters in the first 20,000 characters."""
    return any(hits >= _MIN_HITS for hits, _ in enumerate(_TRADITIONAL_ONLY.finditer(text, 0, 20_000), start=1))


def to_simplified(doc: Document, text: str | None = None) -> bool:
    """Convert ``doc`` in place when it is written in traditional characters; True if it was."""
    text = doc.text() if text is None else text
    if not looks_traditional(text):
        return False
    t2s = _converter().convert
    taiwan = _TAIWAN_MARK in text[:20_000]

    def conv(x: str) -> str:
        return _taiwan_back(t2s(x)) if taiwan else t2s(x)
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            b.text = conv(b.text)
        else:
            for row in b.rows:
                for c in row:
                    c.text = conv(c.text)
    if doc.title_hint:
        doc.title_hint = conv(doc.title_hint)
    doc.warnings.append("文件为繁体字" + ("（含台湾用语，如「資訊」，已按模板用语还原）" if taiwan else "")
                        + "，已转换为简体字读取（机构名称按简体记录）")
    return True
