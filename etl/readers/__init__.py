"""Pick a reader by content (magic bytes, markup) as well as by extension, and run it.

A file still gzip-compressed (a crawler that saved the HTTP body as sent) is decompressed,
bounded, and read as what it holds; a saved HTTP response (headers first) is read as its body.  An RTF file (also under a ``.doc`` name) is refused with
its reason.

A DOCX without any text table but with pictures (a scan pasted into Word) is read by OCR
(:mod:`etl.readers.ocr`); under ``GKNB_OCR=only`` (``ingest --ocr only``) every file that needs
no OCR is skipped.

``read_bytes(data, name)`` returns a :class:`etl.document.Document` or raises
:class:`etl.document.ReportError` with a one-line reason.  ``read_regular(path)`` is the only
way the ETL reads a file from disk: regular files only (after resolving links), size-bounded.
Structured report files
(the spec's JSON, as bundled in ``data/reports/``) are not documents: :mod:`etl.extract`
recognises them before calling this.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import stat
from pathlib import Path

from etl.document import Document, Paragraph, ReportError
from etl.readers.mht import looks_http_response, looks_mht
from etl.readers.wordxml import looks_word_xml
from etl.readers.charset import utf16_without_bom

MAX_FILE_BYTES = 50 * 1024 * 1024

_HTML_SNIFF = re.compile(rb"<\s*(html|body|table|p|div|meta|!doctype)\b", re.I)


# what may come before a page's first element: white space, comments, <?xml?>, <!DOCTYPE>,
# script and style blocks (a server page's directives leave blank lines, a browser's "saved
# from url" comment, a CMS's scripts)
_PROLOGUE = re.compile(rb"(?:\s+|<!--.*?-->|<\?[^>]*>|<!doctype[^>]*>|<(script|style)\b[^>]*>.*?</\1\s*>)",
                       re.I | re.S)
_HTML_START = re.compile(rb"<(html|head|body|meta|title|table|div|p|link|center|form)\b", re.I)


def _starts_with_markup(data: bytes) -> bool:
    """Whether the bytes open with an HTML element once the prologue is skipped."""
    pos = 3 if data.startswith(codecs.BOM_UTF8) else 0
    while pos < len(data):
        m = _PROLOGUE.match(data, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
    return _HTML_START.match(data, pos) is not None


_MD_HEADING = re.compile(rb"(?m)^#{1,6}[ \t]+\S")


def _markdown_before(head: bytes, ext: str, data: bytes) -> bool:
    """Is the text before a file's first HTML tag markdown (pandoc's gfm keeps a table with
    merged cells as an HTML <table> inside the markdown; under a short title it starts in the
    first bytes)?  A .md name whose bytes do not open with markup, or a markdown heading line
    before the tag."""
    if ext in (".md", ".markdown"):
        return not _starts_with_markup(data[:65536])
    return bool(_MD_HEADING.search(head))


def sniff_format(data: bytes, name: str) -> str:
    """Detected format: pdf, docx, html, mht (web archive), wordxml (Word as one XML file), md,
    txt, doc (legacy Office), rtf or zip (other archive)."""
    head = data[:2048]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or name.lower().endswith(".docx") else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    ext = Path(name).suffix.lower()
    if looks_word_xml(head):
        return "wordxml"
    if looks_mht(head) or (ext in (".mht", ".mhtml") and b"multipart/related" in head.lower()):
        return "mht"
    stripped = head.lstrip()
    if ext in (".html", ".htm", ".shtml", ".xhtml"):
        return "html"
    if tag := _HTML_SNIFF.search(stripped[:512]):
        if not _markdown_before(stripped[:tag.start()], ext, data):
            return "html"
        return "md"
    if ext not in (".md", ".markdown") and _starts_with_markup(data[:65536]):
        return "html"   # a JSP/ASP page's blank lines, a saved page's comments and scripts first
    utf16 = utf16_without_bom(head[:len(head) // 2 * 2]) if not head.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else (head.decode("utf-16", "ignore"), "utf-16")
    if utf16 is not None and _HTML_SNIFF.search(utf16[0].lstrip("\ufeff \r\n\t")[:512].encode("utf-8")):
        return "html"   # a "Unicode" (UTF-16) page under a name that says nothing
    if ext in (".md", ".markdown"):
        return "md"
    if ext == ".pdf" and b"%PDF" in data[:1024]:   # the header may follow a little junk
        return "pdf"
    # a .pdf/.docx name on text bytes (a crawler naming by the link, not the content): the
    # content decides; binary bytes of no known kind are refused by the text reader
    return "txt"


def read_bytes(data: bytes, source: str) -> Document:
    doc = _read_bytes(data, source)
    if doc.ocr is None:
        from etl.readers.ocr import SKIPPED_PREFIX, mode
        if mode() == "only":
            raise ReportError(f"{SKIPPED_PREFIX}：有文字层，不需要 OCR", "ocr_skipped")
    return doc


def _read_bytes(data: bytes, source: str) -> Document:
    if not data or not data.strip(b" \t\r\n\x0b\x0c\x00"):   # NUL padding alone is no content either
        raise ReportError("空文件", "empty")
    if len(data) > MAX_FILE_BYTES:
        raise ReportError(f"文件过大（{len(data) // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）", "too_large")
    if looks_http_response(data[:64]):
        return _http_response(data, source)
    if data[:2] == b"\x1f\x8b":
        return _gunzipped(data, source)
    fmt = sniff_format(data, source)
    if fmt == "rtf":
        raise ReportError("RTF 文件不支持（Word/WPS 另存的 .rtf，或改名为 .doc 的 RTF），请另存为 .docx 或网页",
                          "unsupported")
    if fmt == "pdf":
        from etl.readers.pdf import read_pdf
        try:
            return read_pdf(data, source)
        except ReportError as e:
            if e.code != "scanned_pdf":
                raise
        from etl.readers.ocr import read_scanned_pdf
        return read_scanned_pdf(data, source)   # or a refusal saying why (no OCR, --ocr never)
    if fmt == "docx":
        from etl.readers.docx import read_docx
        try:
            doc = read_docx(data, source)
        except ReportError as e:
            if e.code != "not_a_report" or not _docx_pictures(data):
                raise
            doc = Document(source=source, fmt="docx")
        if not doc.tables and _docx_pictures(data):
            return _ocr_pictures(doc, _docx_pictures(data))
        return doc
    if fmt == "doc":
        raise ReportError(_legacy_office_reason(source), "unsupported")
    if fmt == "zip":
        raise ReportError("压缩包或未知的 Office 文件，不是 Word 文档", "unsupported")
    if fmt == "wordxml":
        from etl.readers.wordxml import read_word_xml
        return read_word_xml(data, source)
    if fmt == "mht":
        from etl.readers.mht import read_mht
        return read_mht(data, source)
    if fmt == "html":
        from etl.readers.html import read_html
        return read_html(data, source)
    from etl.readers.text import read_text
    return read_text(data, source, fmt)


_LEGACY_OFFICE = {".xls": "Excel .xls", ".et": "WPS 表格 .et", ".wps": "WPS 文字 .wps",
                  ".ppt": "PowerPoint .ppt", ".dps": "WPS 演示 .dps"}


def _legacy_office_reason(source: str) -> str:
    """Why an OLE2 (legacy Office) file is refused, naming the program its extension says."""
    kind = _LEGACY_OFFICE.get(Path(source).suffix.lower())
    if kind:
        return f"旧版 Office 二进制文件（{kind}）不支持，请另存为 .docx 或网页"
    return "旧版 Word（.doc）或其他 Office 二进制文件不支持，请另存为 .docx"


def _http_response(data: bytes, source: str) -> Document:
    """A saved HTTP response: its body, decompressed if gzip, decoded by the header's charset
    when the bytes are not UTF-8 (:func:`etl.readers.mht.http_body`)."""
    from etl.readers.mht import http_body, recode

    body, charset, encoding = http_body(data)
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    elif encoding not in ("", "identity"):
        raise ReportError(f"保存的 HTTP 响应正文为 {encoding[:20]} 压缩，无法解压", "unsupported")
    if charset:
        body = recode(body, charset)
    if looks_http_response(body[:64]):
        raise ReportError("HTTP 响应中还是 HTTP 响应，未读取", "unsupported")
    doc = _read_bytes(body, source)
    doc.warnings.append("文件为保存的 HTTP 响应（含响应头），读取其正文")
    return doc


def _gunzipped(data: bytes, source: str) -> Document:
    """A page a crawler saved still gzip-compressed (``Content-Encoding: gzip`` body written
    as is): read what it decompresses to (:func:`_gunzip`)."""
    doc = _read_bytes(_gunzip(data), source)
    doc.warnings.append("文件为 gzip 压缩（网页按压缩传输保存），已解压读取")
    return doc


def _gunzip(data: bytes) -> bytes:
    """What gzip bytes decompress to, at most :data:`MAX_FILE_BYTES` (a gzip bomb is refused
    after that many bytes, not after inflating it all); one level only."""
    import zlib

    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        inner = inflater.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error as e:
        raise ReportError(f"gzip 压缩文件已损坏，无法解压（{e}）", "unreadable") from e
    if len(inner) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        raise ReportError(f"gzip 压缩文件解压后过大（上限 {MAX_FILE_BYTES // 1024 // 1024} MB）", "too_large")
    if inner[:2] == b"\x1f\x8b" or looks_http_response(inner[:64]):
        raise ReportError("gzip 压缩文件中还是压缩文件或 HTTP 响应，未读取", "unsupported")
    return inner


def read_regular(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file (links resolved), at most ``max_bytes``; else ReportError.

    A FIFO, a device (``/dev/zero``, ``/dev/urandom``), a socket or a folder is refused before
    anything is read: the file is opened non-blocking (a FIFO without writer would block the
    open) and checked with ``fstat`` on the open descriptor (no race with a rename)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        raise ReportError(f"无法读取文件：{e.strerror or e}", "io") from e
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ReportError("不是普通文件（管道、设备或文件夹），未读取", "not_regular")
        if st.st_size > max_bytes:
            raise ReportError(f"文件过大（{st.st_size // 1024 // 1024} MB，上限 {max_bytes // 1024 // 1024} MB）",
                              "too_large")
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(max_bytes + 1)     # a file growing while read is still bounded
    except OSError as e:
        raise ReportError(f"无法读取文件：{e.strerror or e}", "io") from e
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise ReportError(f"文件过大（上限 {max_bytes // 1024 // 1024} MB）", "too_large")
    return data


def hash_regular(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """sha256 hex of a regular file of at most ``max_bytes``, else None (the parse then says why)."""
    try:
        return hashlib.sha256(read_regular(path, max_bytes)).hexdigest()
    except ReportError:
        return None


_PICTURE = re.compile(r"^word/media/[^/]+\.(png|jpe?g|tiff?|bmp)$", re.I)


def _docx_pictures(data: bytes) -> list[bytes]:
    """Pictures of a (vetted) DOCX package in their numbering order: image1, image2, …"""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = [n for n in zf.namelist() if _PICTURE.match(n)]
            names.sort(key=lambda n: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", n)])
            return [zf.read(n) for n in names]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError):
        return []


def _ocr_pictures(text_doc: Document, pictures: list[bytes]) -> Document:
    """A report pasted into Word as pictures (no text table): OCR them; the file's own text
    paragraphs (a typed title) come first."""
    from etl.readers.ocr import read_images

    doc = read_images(pictures, text_doc.source, text_doc.fmt)
    doc.blocks[:0] = [b for b in text_doc.blocks if isinstance(b, Paragraph)]
    doc.title_hint = text_doc.title_hint
    doc.warnings[:0] = text_doc.warnings
    return doc
