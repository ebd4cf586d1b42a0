"""Web archive reader: a page saved as one file (MHTML, ``.mht``/``.mhtml``; Word's "single file
web page", often renamed ``.doc``).

Role in the ETL: such a file is a MIME message (RFC 2557, ``multipart/related``) whose parts are
the page and its pictures and style sheets, each in a transfer encoding (quoted-printable or
base64) and a charset of its own.  The reader takes the page — the part the ``start``
parameter names, else the first ``text/html`` part — decodes its transfer encoding and hands
it to :func:`etl.readers.html.read_html`.  The part's MIME charset is the evidence for its
bytes when the bytes are not UTF-8 and decode by it (the page's own ``<meta>`` may be stale).
A file holding no HTML part is refused with a reason.

A crawler's dump of a whole HTTP response (status line, headers, body) is read as its body:
joined if chunked, its ``Content-Type`` charset used like a part's (:func:`http_body`).
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


def recode(body: bytes, charset: str) -> bytes:
    """A part's (or an HTTP body's) bytes as UTF-8 (with BOM) by its MIME charset, unless they
    are UTF-8 already or carry a BOM; a double-byte charset is
    checked against the other tables (:func:`etl.readers.charset.decode_cjk`); a charset that
    does not fit leaves the bytes to the HTML reader's own evidence."""
    if body.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body
    try:
        body.decode("utf-8")
        return body
    except UnicodeDecodeError:
        pass
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
    if charset:
        body = recode(body, charset)
    doc = read_html(body, source)
    doc.warnings.append("网页存档（MHT）：读取其中的网页正文")
    return doc


_HTTP_STATUS = re.compile(rb"HTTP/[123](?:\.[019])? +\d{3}\b[^\r\n]*\r?\n")
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def looks_http_response(head: bytes) -> bool:
    """A crawler's dump of a whole HTTP response: a status line, headers, a blank line, the body."""
    return _HTTP_STATUS.match(head) is not None


def http_body(data: bytes) -> tuple[bytes, str | None, str]:
    """(body, charset of its Content-Type, content encoding) of a saved HTTP response; a chunked
    body is joined (a chunk size that does not parse ends it)."""
    status = _HTTP_STATUS.match(data)
    end = _HEAD_END.search(data, status.end() - 2) if status is not None else None
    if status is None or end is None:
        raise ReportError("保存的 HTTP 响应没有正文", "not_a_report")
    msg = email.message_from_bytes(data[status.end():end.start()] + b"\r\n\r\n", policy=email.policy.compat32)
    body = data[end.end():]
    if "chunked" in (msg.get("Transfer-Encoding") or "").lower():
        body = _dechunk(body)
    return body, msg.get_content_charset(), (msg.get("Content-Encoding") or "").strip().lower()


def _dechunk(body: bytes) -> bytes:
    out, pos = [], 0
    while pos < len(body):
        eol = body.find(b"\n", pos)
        if eol < 0:
            break
        try:
            size = int(body[pos:eol].split(b";")[0].strip() or b"x", 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(body[eol + 1:eol + 1 + size])
        pos = eol + 1 + size
        pos += 2 if body[pos:pos + 2] == b"\r\n" else 1 if body[pos:pos + 1] == b"\n" else 0
    return b"".join(out)
