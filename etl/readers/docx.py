"""DOCX reader: turns a Word .docx file into a neutral :class:`Document`.

Role in the ETL: before python-docx sees the file, inspect the zip with :mod:`zipfile` and
reject zip bombs, oversized archives, archives without ``word/document.xml`` and XML parts that
carry a ``<!DOCTYPE``/``<!ENTITY`` (billion laughs).  Then open it with python-docx and walk
the body XML in order (descending into ``w:sdt`` content controls), emitting

* :class:`Paragraph` blocks for body paragraphs (one per line; ``w:br`` splits lines);
* :class:`Table` blocks — rows and cells in document order, also those wrapped in content
  controls or w:customXml — with merged cells expanded into the grid: ``w:gridSpan`` copies and
  ``w:vMerge="continue"`` copies are flagged ``is_span_copy`` (the same merge semantics as
  python-docx's ``row.cells``, where the repeated cells share one ``_tc``), leading
  ``w:gridBefore`` positions become blank cells, cells deleted with track changes
  (``w:cellDel``) are dropped.  A one-cell table inside a cell is a box around the cell's text
  (its text is the cell's); other tables nested in cells are emitted as their own Table blocks
  right after the table that contains them.  Text boxes (DrawingML or VML
shapes: a WPS layout puts a table in one) are read right after the paragraph they are anchored
in, the mc:Fallback copy of a box skipped; a box anchored in a cell's paragraph gives its table
after the containing table and its paragraphs to the cell's text.

A paragraph's text is its runs' inside any nesting of inline wrappers (content controls,
insertions, moves in, smart tags, fields, hyperlinks, custom XML, mc:Choice); deleted and
moved-out runs, mc:Fallback copies, ruby annotations and content controls still showing their
placeholder prompt (a form's empty field) are not text.
A ``w:altChunk`` (an "export to Word" that imports a web page or an MHT as the document's
content) is read with the HTML / MHT reader and its blocks follow the body's; a DOCX chunk (a
document merger's) is read with this reader, one level deep.  A main part other than
word/document.xml (Word Online's word/document2.xml) is found by _rels/.rels.  A ``w:sym`` is
the character it prints (Symbol-font codes through the Symbol table); a note reference's custom
mark (``w:customMarkFollows``) is no text.

A Strict OOXML package (``http://purl.oclc.org/ooxml/...`` namespaces) is read as its
transitional equivalent (:func:`transitional`); namespace prefixes (``w:``, ``ns0:``) do not
matter, lxml reads by URI.

Runs that print no figure ink — struck, hidden, superscript (a footnote mark) or white on a
plain ground — are no part of the text, whether direct formatting or a style in styles.xml
(paragraph or character style, through ``w:basedOn``) makes them so (:class:`_Styles`).

Cell text: the cell's paragraphs joined like the HTML reader does (a break between two Chinese
ideographs is dropped, any other break stays ``\\n``); cells holding only spaces, U+00A0 or
U+3000 come out as ``''``.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib

from lxml import etree

from etl.document import Cell, Document, Paragraph, ReportError, Table
from etl.numbers import INVISIBLE
from etl.readers.html import join_cell_lines

MAX_BYTES = 20 * 1024 * 1024  # the .docx file itself
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # sum of all members
MAX_RATIO = 100  # uncompressed / compressed, over the whole archive
MAX_MEMBERS = 10_000

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W_NS
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_CUSTOM_XML = _W + "customXml"
# Run content of a paragraph in document order: runs directly in the paragraph or inside any
# nesting of the inline wrappers Word writes (hyperlinks, insertions, moves in, smart tags,
# simple fields, custom XML, inline content controls, mc:Choice) — a content control around a
# tracked insertion holds a form's figure as surely as a bare run does.  Not text: runs of a
# nested paragraph (text boxes are read after the paragraph: :func:`_text_boxes`), deleted and
# moved-out runs, mc:Fallback copies, ruby annotations (w:rt) and the content control's own
# properties, and a content control still showing its placeholder (``w:showingPlcHdr``: a form's
# field left empty — the grey prompt is no content; one holding a digit is read).  ``depth``: how many w:p enclose the
# paragraph's own runs.
_RUN_TEXT_ANY = etree.XPath(
    ".//w:r[count(ancestor::w:p) = $depth and not(ancestor::w:del or ancestor::w:moveFrom"
    " or ancestor::mc:Fallback or ancestor::w:rt or ancestor::w:sdtPr"
    " or ancestor::w:sdt[w:sdtPr/w:showingPlcHdr][not(w:sdtContent//w:t[translate(., '0123456789０１２３４５６７８９', '') != .])])]"
    "/*[self::w:t[not(preceding-sibling::*[1][self::w:footnoteReference or self::w:endnoteReference]"
    "[@w:customMarkFollows = '1' or @w:customMarkFollows = 'true' or @w:customMarkFollows = 'on'])]"
    " or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen or self::w:sym]",
    namespaces={"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"})
# the fast path, for paragraphs whose runs all sit directly in them
_RUN_TEXT_DIRECT = etree.XPath(
    "(./w:r | ./w:r/w:ruby/w:rubyBase/w:r)"
    "/*[self::w:t[not(preceding-sibling::*[1][self::w:footnoteReference or self::w:endnoteReference]"
    "[@w:customMarkFollows = '1' or @w:customMarkFollows = 'true' or @w:customMarkFollows = 'on'])]"
    " or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen or self::w:sym]",
    namespaces={"w": W_NS})


def _run_text(p_el) -> list:
    """The text elements of a paragraph's own runs, in document order (see _RUN_TEXT_ANY).  The
    common paragraph (runs, properties, bookmarks) is walked here: _RUN_TEXT_DIRECT's result
    without the XPath call, which costs more than the walk."""
    out = []
    for child in p_el:
        tag = child.tag
        if tag == _R:
            for el in child:
                t = el.tag
                if t in _TEXT_TAGS:
                    out.append(el)
                elif t == _RUBY or t in _NOTE_REFS:
                    return _run_text_xpath(p_el)
        elif tag != _PPR and not (isinstance(tag, str) and tag.endswith(_MARKERS)):
            return _run_text_xpath(p_el)
    return out


def _run_text_xpath(p_el) -> list:
    """:func:`_run_text` by the compiled XPaths."""
    for child in p_el:
        if child.tag not in (_R, _PPR) and not (isinstance(child.tag, str) and child.tag.endswith(_MARKERS)):
            break
    else:
        return _RUN_TEXT_DIRECT(p_el)
    depth = 1
    for _ in p_el.iterancestors(_P):
        depth += 1
    return _RUN_TEXT_ANY(p_el, depth=depth)


_T, _TAB, _BR, _CR, _R = (_W + t for t in ("t", "tab", "br", "cr", "r"))
_TEXT_TAGS = frozenset(_W + t for t in ("t", "tab", "br", "cr", "noBreakHyphen", "sym"))
_SYM = _W + "sym"
# w:sym (Insert > Symbol): a glyph of a symbol font by its code in that font (F000 + byte for
# the 8-bit symbol fonts).  The Symbol font's glyphs that can stand in a table cell, as Unicode:
# its hyphen is a minus sign (a negative 本年增/减, or a dash for "not applicable"), 0xBE its
# horizontal line; its digits and ASCII punctuation are themselves.
_SYMBOL_GLYPHS = {0x2D: "\u2212", 0xBE: "\u23af", 0xB1: "\u00b1", 0xB4: "\u00d7", 0xB8: "\u00f7",
                  0x2B: "+", 0x2C: ",", 0x2E: ".", 0x2F: "/", 0x28: "(", 0x29: ")", 0x20: " ",
                  **{c: chr(c) for c in range(0x30, 0x3A)}}
_RUBY = _W + "ruby"
# a note reference: with w:customMarkFollows the run's next w:t is the note's own mark (Insert
# Footnote > Custom mark), printed as the mark whatever its formatting — no part of the figure
# before it; the XPaths leave that w:t out, the fast walks hand such runs to them
_NOTE_REFS = frozenset((_W + "footnoteReference", _W + "endnoteReference"))
# paragraph children that hold no run: bookmarks, comment and permission ranges, proofing marks
_MARKERS = ("bookmarkStart", "bookmarkEnd", "proofErr", "commentRangeStart", "commentRangeEnd",
            "permStart", "permEnd", "lastRenderedPageBreak")
_TC_PR, _GRID_SPAN, _V_MERGE, _CELL_DEL = _W + "tcPr", _W + "gridSpan", _W + "vMerge", _W + "cellDel"
_DANGEROUS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_WS_RUN = re.compile(r"[ \t\r\f\v\xa0\u3000\u2002\u2003\u2009]+")


# Strict OOXML (ISO/IEC 29500 Strict; "Strict Open XML Document" in Word, LibreOffice's and
# WPS's strict export) writes the same elements under other namespace URIs: read as transitional
_STRICT_NS = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": W_NS.encode(),
    b"http://purl.oclc.org/ooxml/officeDocument/relationships":
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    b"http://purl.oclc.org/ooxml/drawingml/main": b"http://schemas.openxmlformats.org/drawingml/2006/main",
    b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing":
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    b"http://purl.oclc.org/ooxml/officeDocument/math": b"http://schemas.openxmlformats.org/officeDocument/2006/math",
}


def transitional(xml: bytes) -> bytes:
    """A part's XML with Strict OOXML namespace URIs replaced by the transitional ones."""
    if b"purl.oclc.org/ooxml/" not in xml:
        return xml
    for strict, trans in _STRICT_NS.items():
        xml = xml.replace(strict, trans)
    return xml


def _check_zip(data: bytes) -> None:
    """Raise ReportError unless ``data`` is a sane-looking DOCX package."""
    zf, _ = _open_checked(data)
    zf.close()


def _open_checked(data: bytes) -> tuple[zipfile.ZipFile, dict[str, bytes]]:
    """The package opened, once its sanity is checked (:func:`_check_zip`'s errors), and the XML
    and .rels parts the check inflated, by name (the last member of a name, as ``zf.read``):
    the reader takes document.xml and styles.xml from here instead of inflating them again."""
    if len(data) > MAX_BYTES:
        raise ReportError(f"DOCX 文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）", "too_large")
    if not data:
        raise ReportError("空文件：没有任何文字", "not_a_report")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise ReportError(f"不是有效的 DOCX 文件（zip 结构损坏：{e}）", "corrupt_docx") from e
    parts: dict[str, bytes] = {}
    try:
        if len(infos) > MAX_MEMBERS:
            raise ReportError("DOCX 压缩包成员过多，疑似恶意文件", "corrupt_docx")
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if total > 1024 * 1024 and total > MAX_RATIO * max(packed, 1):
            raise ReportError(f"DOCX 压缩比异常（{total // max(packed, 1)}:1），疑似 zip 炸弹",
                              "corrupt_docx")
        if total > MAX_UNCOMPRESSED:
            raise ReportError(f"DOCX 解压后过大（{total // 1024 // 1024} MB，上限 "
                              f"{MAX_UNCOMPRESSED // 1024 // 1024} MB）", "too_large")
        names = {i.filename for i in infos}
        if "word/document.xml" not in names:
            main = _main_part_name(zf, names)
            if main is None:
                raise ReportError("不是有效的 DOCX 文件（缺少 word/document.xml）", "corrupt_docx")
            zf.close()
            return _open_checked(_renamed_main_part(data, main))
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                part = zf.read(info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                    RuntimeError, zlib.error) as e:   # zlib.error: a corrupt deflate stream
                raise ReportError(f"DOCX 成员 {info.filename} 无法解压：{e}", "corrupt_docx") from e
            head = part
            if part[:2] in (b"\xff\xfe", b"\xfe\xff"):
                head = part.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
            if b"!" in head and _DANGEROUS.search(head):   # memchr first: 400 KB of styles hold no "!"
                raise ReportError(f"DOCX 含有 DTD/实体声明（{info.filename}），拒绝解析", "corrupt_docx")
            parts[info.filename] = part
    except BaseException:
        zf.close()
        raise
    return zf, parts


_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_MAIN_PART = re.compile(r"word/[A-Za-z0-9_.-]{1,64}\.xml")


def _main_part_name(zf: zipfile.ZipFile, names: set[str]) -> str | None:
    """The main document part the package's _rels/.rels names when it is not
    word/document.xml (Word Online writes word/document2.xml): a part of word/ that exists,
    else None."""
    if "_rels/.rels" not in names:
        return None
    try:
        rels = zf.read("_rels/.rels")
        if _DANGEROUS.search(rels):
            return None
        root = etree.fromstring(transitional(rels), etree.XMLParser(resolve_entities=False, no_network=True))
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, zlib.error, etree.XMLSyntaxError):
        return None
    for rel in root.iterfind(f"{{{_REL_NS}}}Relationship"):
        if (rel.get("Type") or "").rsplit("/", 1)[-1] != _OFFICE_DOCUMENT.rsplit("/", 1)[-1]:
            continue
        target = (rel.get("Target") or "").lstrip("/")
        if _MAIN_PART.fullmatch(target) and target in names:
            return target
    return None


def _renamed_main_part(data: bytes, main: str) -> bytes:
    """The package with its main part ``main`` (and that part's .rels) under the usual names,
    word/document.xml and word/_rels/document.xml.rels: the same folder, so the part's
    relationship targets stay valid."""
    base = main.split("/", 1)[1]
    renames = {main: "word/document.xml", f"word/_rels/{base}.rels": "word/_rels/document.xml.rels"}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "word/_rels/document.xml.rels":
                continue   # a stray .rels under the usual name gives way to the main part's
            dst.writestr(renames.get(info.filename, info.filename), src.read(info))
    return out.getvalue()


def _clean_lines(text: str) -> list[str]:
    if text.isprintable() and "  " not in text:
        # the common line: no invisible character, no white space but single spaces (a
        # printable character is never INVISIBLE nor white space other than " ")
        text = text.strip()
        return [text] if text else []
    text = INVISIBLE.sub("", text)   # zero-width spaces, BOMs: no ink, no gap inside a figure
    if "\n" not in text:
        line = _WS_RUN.sub(" ", text).strip()
        return [line] if line else []
    out = []
    for line in text.split("\n"):
        line = _WS_RUN.sub(" ", line).strip()
        if line:
            out.append(line)
    return out


def _iter_block_items(container):
    """Yield w:p and w:tbl elements of a body or cell (or of a list of elements) in order,
    descending into content controls (w:sdt/w:sdtContent) and w:customXml wrappers,
    iteratively."""
    stack = [iter(container)]
    while stack:
        try:
            el = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        tag = el.tag
        if tag in (_P, _TBL):
            yield el
        elif tag == _SDT:
            content = _child(el, _SDT_CONTENT)
            if content is not None and not _showing_placeholder(el):
                stack.append(iter(content))
        elif tag in (_CUSTOM_XML, _SDT_CONTENT):
            stack.append(iter(el))


def _showing_placeholder(sdt) -> bool:
    """A content control still showing its placeholder prompt (a form's field left empty).  A
    control marked so whose content holds a digit is read all the same: a template engine
    that filled it may leave the mark, and a prompt of 0 prints 0."""
    pr = _child(sdt, _W + "sdtPr")
    if pr is None or _child(pr, _W + "showingPlcHdr") is None:
        return False
    return not any(ch.isdigit() for t in sdt.iter(_T) for ch in (t.text or ""))


def _wrapped_children(parent, tag: str):
    """The ``tag`` children of ``parent`` in document order, descending (iteratively) into the
    content controls (w:sdt/w:sdtContent) and w:customXml elements that wrap them: a
    repeating-section control around table rows, a control around each cell (Word forms)."""
    stack = [iter(parent)]
    while stack:
        el = next(stack[-1], None)
        if el is None:
            stack.pop()
            continue
        t = el.tag
        if t == tag:
            yield el
        elif t == _SDT:
            content = _child(el, _SDT_CONTENT)
            if content is not None:
                stack.append(iter(content))
        elif t == _CUSTOM_XML:
            stack.append(iter(el))


_TXBX = _W + "txbxContent"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _text_boxes(p_el) -> list:
    """The text boxes (w:txbxContent of a DrawingML or VML shape) anchored in paragraph
    ``p_el``, outermost first; the mc:Fallback copy of a box its mc:Choice holds is skipped."""
    out = []
    for box in p_el.iter(_TXBX):
        for anc in box.iterancestors():
            if anc is p_el:
                out.append(box)
                break
            if anc.tag in (_MC_FALLBACK, _TXBX):
                break   # the fallback copy, or a box inside a box (read with its own box)
    return out


def _child(el, tag: str):
    """The first child of ``el`` with ``tag`` (``el.find(tag)`` without the ElementPath machinery,
    a quarter of its cost), or None."""
    for child in el.iterchildren(tag):
        return child
    return None


def _int_attr(el, name: str, default: int) -> int:
    if el is None:
        return default
    v = el.get(_W + name)
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


_RPR, _PPR, _R_STYLE, _P_STYLE, _BASED_ON = (_W + t for t in ("rPr", "pPr", "rStyle", "pStyle", "basedOn"))
_TOGGLES = (_W + "strike", _W + "dstrike", _W + "vanish", _W + "webHidden")
_VERT_ALIGN, _COLOR, _SHD, _HIGHLIGHT = (_W + t for t in ("vertAlign", "color", "shd", "highlight"))
_POSITION, _SZ = _W + "position", _W + "sz"
_OFF = {"0", "false", "off"}
_NO_FILL = {None, "", "auto", "FFFFFF", "ffffff", "none"}


def _rpr_props(rpr) -> dict:
    """The ink-related properties a w:rPr sets: the toggles (strike, dstrike, vanish, webHidden)
    as booleans, vertAlign, color and the run's own background (shading fill, highlight)."""
    props: dict = {}
    for child in rpr:
        tag = child.tag
        if tag in _TOGGLES:
            props[tag] = child.get(_W + "val") not in _OFF
        elif tag in (_VERT_ALIGN, _COLOR):
            props[tag] = child.get(_W + "val")
        elif tag == _SHD:
            props[tag] = child.get(_W + "fill")
        elif tag == _HIGHLIGHT:
            props[tag] = None if child.get(_W + "val") == "none" else child.get(_W + "val")
        elif tag in (_POSITION, _SZ):
            val = child.get(_W + "val") or ""
            if val.lstrip("-").isdigit():
                props[tag] = int(val)
    return props


def _no_ink_props(props: dict, plain_ground: bool) -> bool:
    """Struck, double-struck, hidden, superscript (a footnote mark: 26 with a superscript 1 is
    26) or white ink on a ground known to be white (the old figure "hidden" in white)."""
    if any(props.get(t) for t in _TOGGLES) or props.get(_VERT_ALIGN) == "superscript":
        return True
    return (plain_ground and (props.get(_COLOR) or "").upper() == "FFFFFF"
            and props.get(_SHD) in _NO_FILL and not props.get(_HIGHLIGHT))


def _raised_as_ink(props: dict, raised_ink: bool) -> dict:
    return {**props, _VERT_ALIGN: None} if raised_ink and props.get(_VERT_ALIGN) == "superscript" else props


class _Styles:
    """The ink-related run properties styles.xml gives a run: document defaults (rPrDefault),
    the paragraph's style (w:pStyle, else the default paragraph style) and the run's character
    style (w:rStyle), each resolved through its w:basedOn chain (a nearer definition wins).
    As ECMA-376 §17.7.3 says, a toggle property set in both the paragraph and the character
    style cancels out, and direct formatting is absolute.  A style id styles.xml does not
    define (or a basedOn chain that loops or leads nowhere) contributes nothing: the run is
    read as its direct formatting says, as before.

    White ink (color FFFFFF) counts as no ink only on a ground known to be plain
    (:meth:`plain_ground`): no page colour, no shading of the table, its table style, the cell,
    the paragraph or its style — a white figure on a dark header fill is printed."""

    def __init__(self, root, background_color: str | None):
        self.by_id: dict[str, object] = {}
        self.default_para: str | None = None
        if root is not None:
            for st in root.iterchildren(_W + "style"):
                sid = st.get(_W + "styleId")
                if sid is None:
                    continue
                self.by_id.setdefault(sid, st)
                if st.get(_W + "type") == "paragraph" and st.get(_W + "default") in ("1", "true", "on"):
                    self.default_para = self.default_para or sid
        rpr_default = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_RPR}") if root is not None else None
        self.defaults = _rpr_props(rpr_default) if rpr_default is not None else {}
        self.page_plain = (background_color or "auto").upper() in ("AUTO", "FFFFFF")
        self._chains: dict[str, list | None] = {}
        self._resolved: dict[str, dict | None] = {}
        self._shaded: dict[str | None, bool] = {}
        self._runs: dict[tuple, dict] = {}

    def _chain(self, sid: str) -> list | None:
        """The style elements from ``sid`` up its basedOn chain, or None if unresolvable."""
        if sid in self._chains:
            return self._chains[sid]
        chain, cur = [], sid
        while cur is not None:
            st = self.by_id.get(cur)
            if st is None or len(chain) > 32 or st in chain:
                chain = None
                break
            chain.append(st)
            based = _child(st, _BASED_ON)
            cur = based.get(_W + "val") if based is not None else None
        self._chains[sid] = chain
        return chain

    def shaded(self, sid: str | None) -> bool:
        """Whether style ``sid`` (through basedOn, conditional table formats included) may
        paint a ground: any shading fill, or a style that cannot be resolved."""
        if sid is None:
            return False
        if sid not in self._shaded:
            chain = self._chain(sid)
            self._shaded[sid] = chain is None or any(
                shd.get(_W + "fill") not in _NO_FILL for st in chain for shd in st.iter(_SHD))
        return self._shaded[sid]

    def plain_ground(self, tbl=None, tc=None) -> bool:
        """Nothing paints the page, the table ``tbl`` (its own or its style's shading) or the
        cell ``tc``."""
        if not self.page_plain:
            return False
        for el, style_tag in ((tbl, _W + "tblStyle"), (tc, None)):
            if el is None:
                continue
            pr = _child(el, _W + "tblPr" if style_tag else _TC_PR)
            if pr is None:
                continue
            shd = _child(pr, _SHD)
            if shd is not None and shd.get(_W + "fill") not in _NO_FILL:
                return False
            st = _child(pr, style_tag) if style_tag else None
            if st is not None and self.shaded(st.get(_W + "val")):
                return False
        return True

    def style(self, sid: str | None) -> dict | None:
        """Ink properties of style ``sid`` through its basedOn chain, or None if unresolvable."""
        if sid is None:
            return None
        if sid not in self._resolved:
            chain = self._chain(sid)
            props: dict | None = None
            if chain is not None:
                props = {}
                for st in reversed(chain):
                    rpr = _child(st, _RPR)
                    if rpr is not None:
                        props.update(_rpr_props(rpr))
            self._resolved[sid] = props
        return self._resolved[sid]

    def run_props(self, p_style: str | None, r_style: str | None) -> dict:
        """A run's properties from the defaults and its paragraph and character styles."""
        key = (p_style, r_style)
        out = self._runs.get(key)
        if out is None:
            para = self.style(p_style if p_style is not None else self.default_para) or {}
            char = self.style(r_style) or {}
            out = dict(self.defaults)
            for tag in _TOGGLES:
                if tag in para or tag in char:
                    out[tag] = bool(para.get(tag)) != bool(char.get(tag))
            for tag in (_VERT_ALIGN, _COLOR, _SHD, _HIGHLIGHT, _POSITION, _SZ):
                for level in (para, char):
                    if tag in level:
                        out[tag] = level[tag]
            self._runs[key] = out
        return out


_MARKS = (b"strike", b"vanish", b"webHidden", b"superscript", b"w:position")
_WHITE = re.compile(rb"<w:color\b[^>]*\bw:val=[\"']ffffff[\"']", re.I)
_STYLE_TYPE = re.compile(rb"""w:type=["'](\w+)""")


def _styles_take_ink(styles_xml: bytes) -> bool:
    """Whether styles.xml may take a run's ink: a mark or white colour in the document defaults,
    a paragraph or a character style.  A byte scan: parsing a template's 350 KB of table styles
    for nothing costs as much as reading the document.  Styles written with another namespace
    prefix than ``w:`` are parsed."""
    if b"<w:styles" not in styles_xml[:4096]:
        return True
    for token in _MARKS:
        if styles_xml.find(token) >= 0:
            return True   # templates seldom strike, hide or superscript: rare, parse
    for m in _WHITE.finditer(styles_xml):
        start = styles_xml.rfind(b"<w:style ", 0, m.start())
        if start < 0:
            return True   # in the document defaults
        kind = _STYLE_TYPE.search(styles_xml, start, styles_xml.find(b">", start))
        if kind is None or kind.group(1) != b"table":
            return True   # table styles' white text is printed on their own fills
    return False


_TAKE_INK_CACHE: dict[tuple[int, int], bool] = {}   # styles.xml (CRC-32, size) → take ink
_CACHE_MAX = 256


def _read_styles(zf: zipfile.ZipFile, document_xml: bytes, parts: dict[str, bytes]
                 ) -> tuple[bytes | None, bool]:
    """styles.xml's bytes (None when absent) and whether they, the document's white ink or its
    raised runs make styles matter (``parts``: the package's inflated XML parts by name).  Files
    made from one template share styles.xml: the scan is cached by the member's CRC-32 and size."""
    try:
        info = zf.getinfo("word/styles.xml")
    except KeyError:
        info = None
    # white ink (the ground comes from styles), raised runs (their sizes come from styles)
    white = ((b"FFFFFF" in document_xml or b"ffffff" in document_xml) and _WHITE.search(document_xml) is not None
             or b"w:position" in document_xml)
    if info is None:
        return None, white
    key = (info.CRC, info.file_size)
    take = _TAKE_INK_CACHE.get(key)
    if take is False and not white:
        return None, False
    data = transitional(parts["word/styles.xml"])
    if take is None:
        take = _styles_take_ink(data)
        if len(_TAKE_INK_CACHE) >= _CACHE_MAX:
            _TAKE_INK_CACHE.clear()
        _TAKE_INK_CACHE[key] = take
    return data, take or white


def _run_style(rpr) -> str | None:
    el = _child(rpr, _R_STYLE)
    return el.get(_W + "val") if el is not None else None


def _paragraph_style(p_el) -> str | None:
    ppr = _child(p_el, _PPR)
    if ppr is None:
        return None
    el = _child(ppr, _P_STYLE)
    return el.get(_W + "val") if el is not None else None


def _paragraph_shaded(p_el, styles: _Styles, p_style: str | None) -> bool:
    ppr = _child(p_el, _PPR)
    shd = _child(ppr, _SHD) if ppr is not None else None
    return ((shd is not None and shd.get(_W + "fill") not in _NO_FILL)
            or styles.shaded(p_style if p_style is not None else styles.default_para))


def paragraph_text(p_el, styles: _Styles | None = None, plain_ground: bool = False,
                   raised_ink: bool = False) -> str:
    """Text of one w:p: w:t text, w:tab as a tab, w:br/w:cr as a newline (like python-docx's
    ``Paragraph.text``, but one compiled XPath instead of one per run).  Moved-in runs
    (w:moveTo) are text, moved-out (w:moveFrom) and deleted ones are not; runs without ink
    (struck, hidden, superscript, white on white: :func:`_no_ink_props`) are skipped, by their
    direct formatting and, given ``styles``, by their paragraph and character styles.
    ``plain_ground``: the caller knows nothing paints the ground (page, table, cell:
    :meth:`_Styles.plain_ground`).

    A footnote mark faked as raised small text (WPS: ``w:position`` above the baseline and a
    smaller ``w:sz`` than the figure it follows) is a superscript too; sizes come from the run,
    its styles and the document defaults — a size nothing gives leaves the run as text.
    ``raised_ink``: superscript runs are read (a cell whose only text is raised: its figure)."""
    if styles is None:
        text = _direct_paragraph_text(p_el, raised_ink)
        if text is not None:
            return text
    parts = []
    last_run, skip = None, False
    p_style = _MISSING
    prev_size = None   # the size of the last run read
    for el in _run_text(p_el):
        run = el.getparent()
        if run is not last_run:
            last_run = run
            if styles is None:
                rpr = _child(run, _RPR)
                skip = rpr is not None and _no_ink_props(_raised_as_ink(_rpr_props(rpr), raised_ink), False)
            else:
                if p_style is _MISSING:
                    p_style = _paragraph_style(p_el)
                    plain_ground = plain_ground and not _paragraph_shaded(p_el, styles, p_style)
                rpr = _child(run, _RPR)
                props = styles.run_props(p_style, None if rpr is None else _run_style(rpr))
                if rpr is not None:
                    props = {**props, **_rpr_props(rpr)}
                size = props.get(_SZ)
                skip = _no_ink_props(_raised_as_ink(props, raised_ink), plain_ground) or not raised_ink and (
                    props.get(_POSITION, 0) > 0 and size is not None and prev_size is not None
                    and size < prev_size and bool(parts) and parts[-1][-1:].isdigit())
                if not skip:
                    prev_size = size
        if skip:
            continue
        parts.append(_piece(el))
    return "".join(parts)


def _piece(el) -> str:
    """The text a run's text element prints (w:t, a tab, a line break — not a page or column
    break —, a carriage return; a no-break hyphen prints "-")."""
    tag = el.tag
    if tag == _T:
        text = el.text or ""
        return _symbol_font_text(el, text) if _PUA_SYMBOL.search(text) else text
    if tag == _TAB:
        return "\t"
    if tag == _BR:
        return "\n" if el.get(_W + "type") in (None, "textWrapping") else ""
    if tag == _CR:
        return "\n"
    if tag == _SYM:
        return _sym_text(el)
    return "-"


_PUA_SYMBOL = re.compile("[\uf020-\uf0ff]")
_RFONTS = _W + "rFonts"


def _symbol_font_text(t_el, text: str) -> str:
    """A run's text holding private-use F0xx characters: a symbol font's glyphs written as text
    (LibreOffice exports a w:sym so, the font named in the run's w:rFonts).  In the Symbol font
    they are read as :func:`_sym_text` reads a w:sym; in any other font (or none named) they are
    U+FFFD, ink of no known text."""
    font = ""
    run_el = t_el.getparent()
    rpr = _child(run_el, _RPR) if run_el is not None else None
    fonts = _child(rpr, _RFONTS) if rpr is not None else None
    if fonts is not None:
        font = (fonts.get(_W + "ascii") or fonts.get(_W + "hAnsi") or "").strip().lower()
    glyphs = _SYMBOL_GLYPHS if font == "symbol" else {}
    return _PUA_SYMBOL.sub(lambda m: glyphs.get(ord(m.group()) - 0xF000, "\ufffd"), text)


def _sym_text(el) -> str:
    """The character a w:sym prints.  A code outside the private-use F000 block is the Unicode
    character itself; a Symbol-font code is read by :data:`_SYMBOL_GLYPHS`; any other glyph (a
    dingbat font's picture, a Symbol letter) is U+FFFD: ink of no known text, so that a cell
    holding it is no clean figure and no blank."""
    try:
        code = int(el.get(_W + "char") or "", 16)
    except ValueError:
        return "\ufffd"
    if not 0xF000 <= code <= 0xF0FF:
        return chr(code) if 0 < code < 0x110000 and code != 0xFFFE else "\ufffd"
    font = (el.get(_W + "font") or "").strip().lower()
    if font == "symbol":
        return _SYMBOL_GLYPHS.get(code - 0xF000, "\ufffd")
    return "\ufffd"


_MISSING = object()


def _direct_paragraph_text(p_el, raised_ink: bool) -> str | None:
    """:func:`paragraph_text` without styles of a paragraph whose runs all sit directly in it
    (no ruby): one walk over the runs, each run's first w:rPr found on the way.  None for any
    other paragraph (the general path reads it)."""
    parts: list[str] = []
    for child in p_el:
        tag = child.tag
        if tag == _R:
            rpr = None
            texts = []
            for el in child:
                t = el.tag
                if t in _TEXT_TAGS:
                    texts.append(el)
                elif t == _RPR:
                    if rpr is None:
                        rpr = el
                elif t == _RUBY or t in _NOTE_REFS:
                    return None
            if not texts or (rpr is not None
                             and _no_ink_props(_raised_as_ink(_rpr_props(rpr), raised_ink), False)):
                continue
            parts.extend(map(_piece, texts))
        elif tag != _PPR and not (isinstance(tag, str) and tag.endswith(_MARKERS)):
            return None
    return "".join(parts)


class _Reader:
    def __init__(self, body, document: Document, styles: _Styles | None):
        self._body = body
        self.out = document
        self.n_tables = 0
        self.styles = styles
        self.boxes = False   # the body holds a text box (set by run)

    def paragraph_text(self, p_el, plain_ground: bool, raised_ink: bool = False) -> str:
        return paragraph_text(p_el, self.styles, plain_ground, raised_ink)

    def cell_text(self, tc, nested: list, table_plain: bool, raised_ink: bool = False) -> str:
        """The cell's text; a cell whose only text is raised (superscript: an editor's small
        type, no figure before it to mark) is read with it."""
        text = self._cell_text(tc, nested, table_plain, raised_ink)
        if not text and not raised_ink and any(t.text for t in tc.iter(_T)):
            again: list = []
            text = self._cell_text(tc, again, table_plain, True)
        return text

    def _cell_text(self, tc, nested: list, table_plain: bool, raised_ink: bool) -> str:
        lines: list[str] = []
        plain = table_plain and self.styles is not None and self.styles.plain_ground(tc=tc)
        for item in tc:  # fast path: a cell's children are almost always plain w:p
            tag = item.tag
            if tag == _P:
                text = self.paragraph_text(item, plain, raised_ink)
                if text:
                    lines.extend(_clean_lines(text))
                if self.boxes:
                    self._cell_boxes(item, nested, lines)
            elif tag == _TBL:
                self._nested(item, nested, lines, table_plain)
            elif tag in (_SDT, _CUSTOM_XML):
                for sub in _iter_block_items([item]):
                    if sub.tag == _P:
                        lines.extend(_clean_lines(self.paragraph_text(sub, plain, raised_ink)))
                        if self.boxes:
                            self._cell_boxes(sub, nested, lines)
                    else:
                        self._nested(sub, nested, lines, table_plain)
        return join_cell_lines(lines)

    def _cell_boxes(self, p_el, nested: list, lines: list[str]) -> None:
        """Text boxes anchored in a cell's paragraph (a WPS layout draws a table in a box inside
        a frame cell): a box holding a table is read as blocks of its own after the table that
        contains it, as a nested table is; a box of paragraphs only is more of the cell's text."""
        for box in _text_boxes(p_el):
            if next(box.iter(_TBL), None) is not None:
                nested.append(box)
                continue
            for sub in _iter_block_items(box):
                if sub.tag == _P:
                    lines.extend(_clean_lines(self.paragraph_text(sub, False)))

    def _nested(self, tbl, nested: list, lines: list[str], table_plain: bool) -> None:
        """A table inside a cell: a one-cell table is a box around the cell's text (a web page
        pasted into Word keeps each figure in one) — its text joins the cell's lines; any other
        is a table of its own, emitted after the table holding it."""
        rows = list(_wrapped_children(tbl, _TR))
        tcs = list(_wrapped_children(rows[0], _TC)) if len(rows) == 1 else []
        if len(tcs) != 1:
            nested.append(tbl)
            return
        text = self.cell_text(tcs[0], nested, table_plain)
        if text:
            lines.extend(text.split("\n"))

    def table(self, tbl) -> None:
        nested: list = []
        table_plain = self.styles is not None and self.styles.plain_ground(tbl=tbl)
        grid: list[list[Cell]] = []
        origins: list[list[Cell]] = []  # origins[r][c]: the original cell covering (r, c)
        merged: set[int] = set()   # ids of original cells that carry a w:vMerge
        for r, tr in enumerate(_wrapped_children(tbl, _TR)):
            row: list[Cell] = []
            orow: list[Cell] = []
            tr_pr = _child(tr, _W + "trPr")
            before = _int_attr(_child(tr_pr, _W + "gridBefore") if tr_pr is not None else None, "val", 0)
            for _ in range(max(0, min(before, 64))):
                blank = Cell("", r, len(row))
                row.append(blank)
                orow.append(blank)
            for tc in _wrapped_children(tr, _TC):
                span, vmerge = 1, None
                tc_pr = _child(tc, _TC_PR)
                if tc_pr is not None:
                    deleted = False
                    for prop in tc_pr:
                        tag = prop.tag
                        if tag == _GRID_SPAN:
                            span = max(1, min(_int_attr(prop, "val", 1), 64))
                        elif tag == _V_MERGE:
                            vmerge = prop
                        elif tag == _CELL_DEL:
                            deleted = True
                    if deleted:
                        continue   # a cell deleted with track changes: no cell of the table
                c0 = len(row)
                above = origins[r - 1] if r > 0 else []
                # a continuation under a cell that is no part of a merge (a converter writing
                # the first cell of a merge as a bare w:vMerge too) starts the merge: its own text
                if (vmerge is not None and vmerge.get(_W + "val", "continue") == "continue"
                        and c0 < len(above) and id(above[c0]) in merged):
                    # vertical continuation: copy whatever covers the same grid columns above
                    seen = set()
                    for dc in range(span):
                        origin = above[c0 + dc] if c0 + dc < len(above) else above[-1]
                        if id(origin) not in seen:
                            seen.add(id(origin))
                            origin.rowspan = max(origin.rowspan, r - origin.row + 1)
                        row.append(Cell(origin.text, r, c0 + dc, is_span_copy=True))
                        orow.append(origin)
                    continue
                text = self.cell_text(tc, nested, table_plain)
                origin = Cell(text, r, c0, rowspan=1, colspan=span)
                if vmerge is not None:
                    merged.add(id(origin))
                row.append(origin)
                orow.append(origin)
                for dc in range(1, span):
                    row.append(Cell(text, r, c0 + dc, is_span_copy=True))
                    orow.append(origin)
            grid.append(row)
            origins.append(orow)
        for row, orow in zip(grid, origins):  # copies carry their original's span sizes
            for cell, origin in zip(row, orow):
                if cell.is_span_copy:
                    cell.rowspan, cell.colspan = origin.rowspan, origin.colspan
        if any(grid):
            self.out.blocks.append(Table(grid, index=self.n_tables))
            self.n_tables += 1
        for inner in nested:
            if inner.tag == _TXBX:
                self.blocks(inner, False, True)
            else:
                self.table(inner)

    def run(self) -> None:
        boxes = self.boxes = next(self._body.iter(_TXBX), None) is not None
        self.blocks(self._body, self.styles is not None and self.styles.plain_ground(), boxes)

    def blocks(self, container, plain: bool, boxes: bool) -> None:
        """Paragraphs and tables of the body (or of a text box) in order; a paragraph's text
        boxes right after it (their ground may be filled: white ink there is ink)."""
        for item in _iter_block_items(container):
            if item.tag == _P:
                for line in _clean_lines(self.paragraph_text(item, plain)):
                    self.out.blocks.append(Paragraph(line))
                if boxes:
                    for box in _text_boxes(item):
                        self.blocks(box, False, True)
            else:
                self.table(item)


def read_docx(data: bytes, source: str, _chunk: bool = False) -> Document:
    """Read a .docx file into a Document (fmt="docx").  ``_chunk``: the file is a DOCX another
    one imports (w:altChunk); its own imported chunks are not read (one level deep)."""
    # The package is vetted (sizes, ratio, no DTD/entities) and its XML parts inflated once;
    # parse its parts with lxml directly: python-docx's package loading cost 40% of the
    # reader's time.
    zf, parts = _open_checked(data)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    chunks: list[tuple[str, bytes]] = []
    try:
        with zf:
            document_xml = transitional(parts["word/document.xml"])
            root = etree.fromstring(document_xml, parser)
            core_xml = parts.get("docProps/core.xml")
            styles_xml, styles_matter = _read_styles(zf, document_xml, parts)
            if b"altChunk" in document_xml and not _chunk:
                chunks = _alt_chunks(zf, root, parser)
            page_titles = _page_headers(zf, root, parser) if b"headerReference" in document_xml else []
            if b"footerReference" in document_xml:   # a footer (（2020年度）) may name the year
                page_titles += [t for t in _page_headers(zf, root, parser, "footer") if t not in page_titles]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, etree.XMLSyntaxError) as e:
        raise ReportError(f"DOCX 文件无法打开（{type(e).__name__}: {str(e)[:80]}）", "corrupt_docx") from e
    body = _child(root, f"{_W}body")
    if body is None:
        raise ReportError("DOCX 文件无法打开（document.xml 没有 body）", "corrupt_docx")
    out = Document(source=source, fmt="docx", page_titles=page_titles)
    if core_xml:
        try:
            title = etree.fromstring(core_xml, parser).findtext("{http://purl.org/dc/elements/1.1/}title")
            if title and title.strip():
                out.title_hint = title.strip()
        except etree.XMLSyntaxError:  # a broken core.xml is not fatal
            out.warnings.append("core properties unreadable")
    styles = None
    if styles_matter:
        styles_root = None
        try:
            styles_root = etree.fromstring(styles_xml, parser) if styles_xml else None
        except etree.XMLSyntaxError:  # unreadable styles: runs are read by direct formatting
            out.warnings.append("styles unreadable")
        background = _child(root, f"{_W}background")
        styles = _Styles(styles_root, background.get(_W + "color") if background is not None else None)
    try:
        _Reader(body, out, styles).run()
    except RecursionError as e:
        raise ReportError("DOCX 结构嵌套过深", "corrupt_docx") from e
    except Exception as e:
        raise ReportError(f"DOCX 内容无法解析（{type(e).__name__}）", "corrupt_docx") from e
    for name, chunk in chunks:
        _add_chunk(out, name, chunk, source)
    if not any(isinstance(b, Paragraph) or any(c.text for row in b.rows for c in row)
               for b in out.blocks):
        raise ReportError("DOCX 中没有任何文字", "not_a_report")
    return out


_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _alt_chunks(zf: zipfile.ZipFile, root, parser) -> list[tuple[str, bytes]]:
    """The parts ``w:altChunk`` elements import (an OA system's "export to Word" wraps a web
    page, an MHT or another DOCX this way; Word renders them as the document's content), in
    document order: (part name, bytes)."""
    try:
        rels = etree.fromstring(transitional(zf.read("word/_rels/document.xml.rels")), parser)
    except (KeyError, etree.XMLSyntaxError):
        return []
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iterfind(f"{{{_REL_NS}}}Relationship")}
    out = []
    for el in root.iter(_W + "altChunk"):
        target = targets.get(el.get(_R_ID) or "")
        if not target:
            continue
        name = target.lstrip("/") if target.startswith("/") else "word/" + target
        try:
            out.append((name, zf.read(name)))
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
            continue
    return out


_HEADER_ORDER = {"first": 0, "default": 1, "even": 2}


def _page_headers(zf: zipfile.ZipFile, root, parser, part: str = "header") -> list[str]:
    """The text each page header prints (w:headerReference of the sections: a first page's
    header before the default and the even pages'), each header's paragraphs and cells run
    together (a title set as agency | 2020年…报告 cells is one line); ``part="footer"``: the
    page footers' (w:footerReference)."""
    refs = []
    for sect in root.iter(_W + "sectPr"):
        first_page = sect.find(_W + "titlePg") is not None and sect.find(_W + "titlePg").get(_W + "val") not in _OFF
        for ref in sect.iterfind(_W + part + "Reference"):
            kind = ref.get(_W + "type") or "default"
            if kind == "first" and not first_page:
                continue   # defined but not printed: the section prints no different first page
            refs.append((_HEADER_ORDER.get(kind, 3), ref.get(_R_ID) or ""))
    if not refs:
        return []
    try:
        rels = etree.fromstring(transitional(zf.read("word/_rels/document.xml.rels")), parser)
    except (KeyError, etree.XMLSyntaxError):
        return []
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iterfind(f"{{{_REL_NS}}}Relationship")}
    out: list[str] = []
    for _, rid in sorted(refs, key=lambda x: x[0]):
        target = targets.get(rid)
        if not target:
            continue
        name = target.lstrip("/") if target.startswith("/") else "word/" + target
        try:
            header = etree.fromstring(transitional(zf.read(name)), parser)
        except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, etree.XMLSyntaxError):
            continue
        text = "".join(t.text or "" for t in header.iter(_W + "t")).strip()
        if text and text not in out:
            out.append(text)
    return out


def _add_chunk(out: Document, name: str, chunk: bytes, source: str) -> None:
    """Append the blocks of an imported chunk (web page, MHT, DOCX; not deeper than one DOCX)."""
    from etl.readers.html import read_html
    from etl.readers.mht import looks_mht, read_mht

    low = name.lower()
    try:
        if looks_mht(chunk[:2048]) or low.endswith((".mht", ".mhtml")):
            doc = read_mht(chunk, source)
        elif chunk.startswith(b"PK"):
            # a DOCX imported whole (a document merger's altChunk: Word renders it in place)
            doc = read_docx(chunk, source, _chunk=True)
        elif low.endswith((".htm", ".html", ".xhtml", ".xml")) or b"<" in chunk[:512]:
            doc = read_html(chunk, source)
        else:
            return
    except ReportError as e:
        out.warnings.append(f"嵌入的块 {name} 无法读取：{e.reason}")
        return
    base = len(out.tables)
    for b in doc.blocks:
        if isinstance(b, Table):
            b.index = base
            base += 1
        out.blocks.append(b)
    out.title_hint = out.title_hint or doc.title_hint
    out.warnings.append(f"DOCX 的正文在嵌入的块 {name} 中（altChunk），已读取")
