"""Word documents saved as one XML file: Flat OPC ("Word XML Document", Word 2007+) and Word
2003 XML (WordprocessingML 2003), often published under a ``.doc`` or ``.xml`` name.

Role in the ETL: Word opens both as documents, so sites publish them as Word files.  Flat OPC
(``<pkg:package>``) holds the parts of a DOCX package inline: the main document part (and its
styles) are taken out and read by :func:`etl.readers.docx.read_docx`, as the DOCX they are.
Word 2003 XML (``<w:wordDocument>``) uses the same element names under its own namespace,
wrapped in ``wx:sect``/``wx:sub-section`` elements: the namespace becomes the DOCX one, the
wrappers are unwrapped, ``w:vmerge``/``w:hmerge`` become ``w:vMerge``/``w:hMerge``, and the body
is read the same way (run formatting is read directly; 2003 inline styles are not resolved).
The XML is parsed without entities, DTDs or network (as the DOCX reader's parts).
"""
from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from etl.document import Document, ReportError

PKG_NS = "http://schemas.microsoft.com/office/2006/xmlPackage"
W2003_NS = "http://schemas.microsoft.com/office/word/2003/wordml"
WX_NS = "http://schemas.microsoft.com/office/word/2003/auxHint"
_HEAD = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(package|wordDocument)\b")
_CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                  b'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def looks_word_xml(head: bytes) -> bool:
    """An XML file whose root is a Flat OPC package or a Word 2003 document (within 4 KB)."""
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        return False
    m = _HEAD.search(head[:4096])
    return m is not None and (b"xmlPackage" in head[:4096] or b"2003/wordml" in head[:4096])


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def read_word_xml(data: bytes, source: str) -> Document:
    """Read a Flat OPC or Word 2003 XML file as the DOCX it stands for (fmt="docx")."""
    from etl.readers.docx import read_docx

    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", data[:65536], re.I):
        raise ReportError("Word XML 文件含有 DTD/实体声明，拒绝解析", "corrupt_docx")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        raise ReportError(f"Word XML 文件无法解析（{str(e)[:80]}）", "corrupt_docx") from e
    parts: dict[str, bytes] = {}
    if root.tag == f"{{{PKG_NS}}}package":
        for part in root.iterfind(f"{{{PKG_NS}}}part"):
            name = (part.get(f"{{{PKG_NS}}}name") or "").lstrip("/")
            xml = part.find(f"{{{PKG_NS}}}xmlData")
            if name in ("word/document.xml", "word/styles.xml") and xml is not None and len(xml):
                parts[name] = etree.tostring(xml[0], xml_declaration=True, encoding="UTF-8")
    elif root.tag == f"{{{W2003_NS}}}wordDocument":
        parts["word/document.xml"] = _from_2003(root)
    if "word/document.xml" not in parts:
        raise ReportError("Word XML 文件中没有正文（word/document.xml）", "corrupt_docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        for name, body in parts.items():
            z.writestr(name, body)
    doc = read_docx(buf.getvalue(), source)
    doc.warnings.append("Word XML 文件（单文件 XML 格式），按 DOCX 读取")
    return doc


def _from_2003(root: etree._Element) -> bytes:
    """A Word 2003 document's XML rewritten into the DOCX vocabulary."""
    for wrapper in list(root.iter(f"{{{WX_NS}}}sect", f"{{{WX_NS}}}sub-section")):
        parent = wrapper.getparent()
        if parent is None:
            continue
        i = parent.index(wrapper)
        parent[i:i + 1] = list(wrapper)
    xml = etree.tostring(root, encoding="UTF-8")
    xml = xml.replace(W2003_NS.encode(), b"http://schemas.openxmlformats.org/wordprocessingml/2006/main")
    return re.sub(rb"(<[A-Za-z_][\w.-]*:)(v|h)merge\b", lambda m: m.group(1) + m.group(2) + b"Merge", xml)
