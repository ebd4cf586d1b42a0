"""Web archive reader: a page saved as one file (MHTML, ``.mht``/``.mhtml``; Word's "single file
web page", often renamed ``.doc``).

Role in the ETL: such a file is a MIME message (RFC 2557, ``multipart/related``) whose parts are
the page and its pictures and style sheets, each in a transfer encoding (quoted-printable or
base64) and a charset of its own.  The reader takes the page — the part the ``start``
parameter names, else the first ``text/html`` part — decodes its transfer encoding and hands
it to :func:`etl.readers.html.read_html`.  The part's MIME charset is the evidence for its
bytes when the bytes are not UTF-8 and decode by it (the page's own ``<meta>`` may be stale).
A file holding no HTML part is refused with a reason.
"""
from __future__ import annotations

import codecs
import email
import email.policy
import re

from etl.document import Document, ReportError
from etl.readers.charset import DOUBLE_BYTE, decode_cjk

_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}

#: a MIME header block at the top of the file (Word writes MIME-Version first, Chromium
#: writes From: <Saved by Blink> / Snapshot-Content-Location: before it)
_MIME_HEAD = re.compile(rb"^(?:[A-Za-z][A-Za-z0-9-]*:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*){0,12}?"
                        rb"MIME-Version:\s*1\.0", re.I)
_MULTIPART = re.compile(rb"Content-Type:\s*multipart/related", re.I)


def looks_mht(head: bytes) -> bool:
    """Whether the first bytes of a file are the header of a MIME web archive."""
    head = head.lstrip(b"\r\n\t ")
    return bool(_MIME_HEAD.match(head)) and bool(_MULTIPART.search(head))


def _page_part(msg: email.message.Message) -> email.message.Message | None:
    parts = [p for p in msg.walk() if not p.is_multipart()]
    start = (msg.get_param("start") or "")
    if isinstance(start, str) and start:
        cid = start.strip("<>")
        for p in parts:
            if (p.get("Content-ID") or "").strip().strip("<>") == cid:
                return p
    return next((p for p in parts if p.get_content_type() in ("text/html", "application/xhtml+xml")), None)


def _recode(body: bytes, charset: str) -> bytes:
    """The part's bytes as UTF-8 (with BOM) by its MIME charset; a double-byte charset is
    checked against the other tables (:func:`etl.readers.charset.decode_cjk`); a charset that
    does not fit leaves the bytes to the HTML reader's own evidence."""
    try:
        name = codecs.lookup(_ALIASES.get(charset.lower(), charset)).name
    except LookupError:
        return body
    if name in DOUBLE_BYTE:
        got = decode_cjk(body, name)
        return body if got is None else codecs.BOM_UTF8 + got[0].encode("utf-8")
    try:
        return codecs.BOM_UTF8 + body.decode(name).encode("utf-8")
    except UnicodeDecodeError:
        return body


def read_mht(data: bytes, source: str) -> Document:
    """Read a MIME web archive's page into a Document (fmt="html")."""
    from etl.readers.html import read_html

    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
        part = _page_part(msg)
        body = part.get_payload(decode=True) if part is not None else None
    except (ValueError, TypeError, LookupError, IndexError) as e:
        raise ReportError(f"网页存档（MHT）无法解析：{type(e).__name__}", "unreadable") from e
    if not isinstance(body, bytes) or not body.strip():
        raise ReportError("网页存档（MHT）中没有网页正文（text/html 部分）", "not_a_report")
    charset = part.get_content_charset()
    if charset and not body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            body = _recode(body, charset)
    doc = read_html(body, source)
    doc.warnings.append("网页存档（MHT）：读取其中的网页正文")
    return doc
