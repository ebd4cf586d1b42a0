"""Radical and compatibility code points in a text layer → the Chinese characters they stand for.

A PDF's text layer maps each glyph back to a character through the font's ToUnicode table.
CJK fonts draw a character and the radical of the same shape with one glyph (人 and ⼈ U+2F08,
民 and ⺠ U+2EA0, 门 and ⻔ U+2ED4); a PDF writer that picks the lowest code point for a shared
glyph (Chromium's print to PDF, some Word and WPS exports) writes the radical.  Every extractor
that trusts ToUnicode (pdfminer, pdfplumber, pypdf, and the text a crawler saved from them) then
gives ``淮安市洪泽区⼈⺠政府…⼯作年度报告``: NFKC folds the Kangxi radicals (⼈ → 人) but not the
CJK Radicals Supplement (⺠ stays), so the agency name and the title were not found and a valid
report was refused (r10pdftext).

The fold here is the inverse of that sharing: each radical becomes the character drawn with the
same glyph in a simplified-Chinese CJK face.  The table of the CJK Radicals Supplement was read
from the cmap of Noto Sans CJK SC (radical and ideograph mapped to one glyph id); the Kangxi
radicals follow NFKC except ⼾, whose SC glyph is 户 (NFKC gives the traditional 戶).  CJK
compatibility ideographs (U+F900–U+FAD9) take their canonical form.  Only CJK letters change:
no digit, bracket or white space, so no figure can move.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from etl.document import Document, Paragraph

#: CJK Radicals Supplement → the ideograph sharing its glyph in Noto Sans CJK SC (pairs).
_SUPPLEMENT_SC = (
    "⺂乛⺃乚⺅亻⺉刂⺋㔾⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺤爫⺦丬⺨犭⺭礻⺯糹⺰纟⺱罓⺳㓁⺹耂⺺肀⺾艹"
    "⻂衤⻅见⻆角⻈讠⻉贝⻋车⻌辶⻐钅⻑長⻒镸⻓长⻔门⻖阝⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾"
    "⻫斉⻬齐⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
#: Kangxi radicals whose simplified-Chinese glyph is not their NFKC form.
_KANGXI_SC = {"⼾": "户"}
_FOLDABLE = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufad9]")
WARNING = "文字层中的部分汉字编码为部首或兼容字符（字体共用字形），已换成对应汉字读取"


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table = {ord(_SUPPLEMENT_SC[i]): _SUPPLEMENT_SC[i + 1] for i in range(0, len(_SUPPLEMENT_SC), 2)}
    for cp in range(0x2F00, 0x2FD6):
        ch = chr(cp)
        table[cp] = _KANGXI_SC.get(ch) or unicodedata.normalize("NFKC", ch)
    for cp in range(0xF900, 0xFADA):
        folded = unicodedata.normalize("NFC", chr(cp))
        if len(folded) == 1 and folded != chr(cp):
            table[cp] = folded
    return table


def fold_text(text: str) -> str:
    """``text`` with radicals and compatibility ideographs replaced by the characters they draw."""
    if not text or not _FOLDABLE.search(text):
        return text
    return text.translate(_table())


def fold_radicals(doc: Document, text: str | None = None) -> bool:
    """Fold every paragraph, table cell and the container title of ``doc`` in place; True (and a
    warning) when anything changed."""
    if not _FOLDABLE.search(doc.text() if text is None else text):
        return False
    changed = False
    for b in doc.blocks:
        if isinstance(b, Paragraph):
            new = fold_text(b.text)
            changed |= new != b.text
            b.text = new
        else:
            for row in b.rows:
                for c in row:
                    new = fold_text(c.text)
                    changed |= new != c.text
                    c.text = new
    if doc.title_hint:
        new = fold_text(doc.title_hint)
        changed |= new != doc.title_hint
        doc.title_hint = new
    folded = [fold_text(t) for t in doc.page_titles]
    changed |= folded != doc.page_titles
    doc.page_titles = folded
    if changed:
        doc.warnings.append(WARNING)
    return changed
