"""Which Chinese double-byte encoding a file's bytes are in, and pages that mix two encodings.

Role in the ETL: the text and HTML readers decode bytes that are not UTF-8.  GB18030 accepts
almost any byte sequence, so a Big5 file (a 繁體 page saved from a Taiwan- or Hong Kong-style
site, or a site's traditional switch saved as Big5) decodes "cleanly" as GB18030 into nonsense
characters — and a page that declares ``gb2312`` while holding Big5 bytes does the same.  The
decoding that reads as these reports' language wins: :func:`cjk_decode` decodes with each
double-byte family that accepts the bytes (GB18030, CP950/Big5, Big5-HKSCS) and keeps the one
whose text holds most of the frequent characters of the genre (simplified or traditional
forms); nonsense from the wrong table holds next to none of them.

A page assembled from two sources (a CMS template in UTF-8 around an article stored as GBK, or
the reverse) is valid in neither encoding as a whole.  :func:`mixed_decode` decodes it line by
line — UTF-8 where a line is valid UTF-8 with non-ASCII characters, else the double-byte
family — when both kinds of lines occur; digits are ASCII in both, so no figure changes.
"""
from __future__ import annotations

import re

# frequent characters of these reports, simplified and traditional forms (a wrong decoding
# table turns them into unrelated characters)
_FREQUENT = frozenset(
    "政府信息公开申请年度报告工作情况本收到处理主动行政复议诉讼费用办理机关单位数量总计其他"
    "不予同意部分第三方法律规定的一是在了有和人中大为上个我以要他时来们到作地于出对成会可发"
    "資訊開請報況處動複訴費關單數總計規為個們時來對會發門義務區縣機構統結審類許罰強購"
)
_DOUBLE_BYTE = ("gb18030", "cp950", "big5hkscs")
#: codec names (as ``codecs.lookup`` spells them) of the Chinese double-byte tables
DOUBLE_BYTE = frozenset(_DOUBLE_BYTE) | {"gbk", "gb2312", "big5"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def genre_score(text: str) -> float:
    """Share of the text's ideographs that are frequent characters of these reports."""
    cjk = _CJK.findall(text[:200_000])
    if not cjk:
        return 0.0
    return sum(1 for c in cjk if c in _FREQUENT) / len(cjk)


def cjk_decode(data: bytes, first: str = "gb18030") -> tuple[str, str] | None:
    """(text, encoding) of the double-byte family that decodes ``data`` strictly and reads most
    like a report; ``first`` (a declared charset) wins ties.  None if none decodes strictly."""
    got: list[tuple[float, int, str, str]] = []
    order = [first] + [e for e in _DOUBLE_BYTE if e != first]
    for rank, enc in enumerate(order):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        got.append((genre_score(text), -rank, text, enc))
        if enc == first and got[-1][0] >= 0.2:
            break   # the declared / usual table reads as a report: no need to try the others
    if not got:
        return None
    _score, _rank, text, enc = max(got, key=lambda g: (g[0], g[1]))
    return text, enc


def _utf8_line(line: bytes) -> bool:
    """Valid UTF-8 holding an ideograph (a line of GBK bytes is valid UTF-8 only by chance, and
    then rarely decodes to ideographs)."""
    try:
        return _CJK.search(line.decode("utf-8")) is not None
    except UnicodeDecodeError:
        return False


def mixed_decode(data: bytes, other: str = "gb18030") -> tuple[str, str] | None:
    """Decode a file whose lines are partly UTF-8, partly ``other``: (text, "utf-8+other"), or
    None when the file is not such a mixture (every non-ASCII line is of one kind).  The caller
    compares it with a one-table decoding by :func:`genre_score`."""
    lines = data.splitlines(keepends=True)
    wide = [ln for ln in lines if max(ln, default=0) >= 0x80]
    n_utf8 = sum(1 for ln in wide if _utf8_line(ln))
    if not wide or n_utf8 == 0 or n_utf8 == len(wide):
        return None
    out = []
    for ln in lines:
        if max(ln, default=0) < 0x80 or _utf8_line(ln):
            out.append(ln.decode("utf-8", errors="replace"))
        else:
            out.append(ln.decode(other, errors="replace"))
    return "".join(out), f"utf-8+{other}"


def decode_cjk(data: bytes, first: str = "gb18030") -> tuple[str, str] | None:
    """Bytes that are not UTF-8: the best one-table decoding (:func:`cjk_decode`) or, when it
    reads clearly less like a report, the line-by-line mixture (:func:`mixed_decode`)."""
    single = cjk_decode(data, first)
    mixed = mixed_decode(data, single[1] if single else first)
    if mixed is None:
        return single
    if single is None or genre_score(mixed[0]) > genre_score(single[0]) + 0.05:
        return mixed
    return single


def utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a BOM (Windows "Unicode" text): ASCII characters (digits, tabs,
    newlines) leave a zero byte in every other position.  Returns (text, encoding) or None."""
    head = data[:4096]
    pairs = len(head) // 2
    if pairs < 8 or b"\x00" not in head:
        return None
    even, odd = head[0::2].count(0) / pairs, head[1::2].count(0) / pairs
    for enc, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros < 0.1 or zeros <= other:
            continue
        # 开, 所, 一 … end in a zero byte too: with few ASCII characters between the Chinese
        # ones the other position holds zeros as well, so the text itself must then read as a
        # report (etl.readers.charset.genre_score)
        try:
            text = data[:len(data) // 2 * 2].decode(enc)
        except UnicodeDecodeError:
            return None
        if looks_binary(text[:4096].encode("utf-8")):
            return None
        if other <= zeros / 5 or genre_score(text[:4096]) >= 0.1:
            return text, enc
    return None


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 9 or (13 < b < 32))
    return len(head) > 0 and ctrl / len(head) > 0.05
