"""DOCX reader: turns a Word .docx file into a neutral :class:`Document`.

Role in the ETL: before python-docx sees the file, inspect the zip with :mod:`zipfile` and
reject zip bombs, oversized archives, archives without ``word/document.xml`` and XML parts that
carry a ``<!DOCTYPE``/``<!ENTITY`` (billion laughs).  Then open it with python-docx and walk
the body XML in order (descending into ``w:sdt`` content controls), emitting

* :class:`Paragraph` blocks for body paragraphs (one per line; ``w:br`` splits lines);
* :class:`Table` blocks with merged cells expanded into the grid: ``w:gridSpan`` copies and
  ``w:vMerge="continue"`` copies are flagged ``is_span_copy`` (the same merge semantics as
  python-docx's ``row.cells``, where the repeated cells share one ``_tc``), leading
  ``w:gridBefore`` positions become blank cells.  Tables nested in cells are emitted as their
  own Table blocks right after the table that contains them.

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
# Run content of a paragraph in document order: runs directly in the paragraph or wrapped in
# hyperlinks, insertions, smart tags, simple fields and inline content controls.  Text boxes
# (w:drawing / mc:AlternateContent) and deleted runs are not part of the paragraph's text.
_RUN_TEXT = etree.XPath(
    "(./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:moveTo/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r"
    " | ./w:customXml/w:r | ./w:sdt/w:sdtContent/w:r | ./w:hyperlink/w:ins/w:r"
    " | ./w:ins/w:hyperlink/w:r | ./w:moveTo/w:hyperlink/w:r | ./w:smartTag/w:smartTag/w:r)"
    "/*[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]",
    namespaces={"w": W_NS})
_T, _TAB, _BR, _CR = (_W + t for t in ("t", "tab", "br", "cr"))
_TC_PR, _GRID_SPAN, _V_MERGE = _W + "tcPr", _W + "gridSpan", _W + "vMerge"
_DANGEROUS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_WS_RUN = re.compile(r"[ \t\r\f\v\xa0\u3000\u2002\u2003\u2009]+")


def _check_zip(data: bytes) -> None:
    """Raise ReportError unless ``data`` is a sane-looking DOCX package."""
    if len(data) > MAX_BYTES:
        raise ReportError(f"DOCX 文件过大（上限 {MAX_BYTES // 1024 // 1024} MB）", "too_large")
    if not data:
        raise ReportError("空文件：没有任何文字", "not_a_report")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise ReportError(f"不是有效的 DOCX 文件（zip 结构损坏：{e}）", "corrupt_docx") from e
    with zf:
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
            raise ReportError("不是有效的 DOCX 文件（缺少 word/document.xml）", "corrupt_docx")
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
            if _DANGEROUS.search(head):
                raise ReportError(f"DOCX 含有 DTD/实体声明（{info.filename}），拒绝解析", "corrupt_docx")


def _clean_lines(text: str) -> list[str]:
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
            content = el.find(_SDT_CONTENT)
            if content is not None:
                stack.append(iter(content))
        elif tag in (_CUSTOM_XML, _SDT_CONTENT):
            stack.append(iter(el))


def _int_attr(el, name: str, default: int) -> int:
    if el is None:
        return default
    v = el.get(_W + name)
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


_RPR = _W + "rPr"
_NO_INK = {_W + "strike", _W + "dstrike", _W + "vanish", _W + "webHidden"}
_OFF = {"0", "false", "off"}


def _no_ink(run) -> bool:
    """A run printed struck out (the old figure before the corrected one), hidden, or as a
    superscript (a footnote mark: 26 with a superscript 1 is 26): not part of the text read."""
    rpr = run.find(_RPR)
    if rpr is None:
        return False
    for child in rpr:
        if child.tag in _NO_INK and child.get(_W + "val") not in _OFF:
            return True
        if child.tag == _W + "vertAlign" and child.get(_W + "val") == "superscript":
            return True
    return False


def paragraph_text(p_el) -> str:
    """Text of one w:p: w:t text, w:tab as a tab, w:br/w:cr as a newline (like python-docx's
    ``Paragraph.text``, but one compiled XPath instead of one per run).  Moved-in runs
    (w:moveTo) are text, moved-out (w:moveFrom) and deleted ones are not; struck, hidden and
    superscript runs are skipped (:func:`_no_ink`)."""
    parts = []
    last_run, skip = None, False
    for el in _RUN_TEXT(p_el):
        run = el.getparent()
        if run is not last_run:
            last_run, skip = run, _no_ink(run)
        if skip:
            continue
        tag = el.tag
        if tag == _T:
            if el.text:
                parts.append(el.text)
        elif tag == _TAB:
            parts.append("\t")
        elif tag == _BR:
            if el.get(_W + "type") in (None, "textWrapping"):
                parts.append("\n")
        elif tag == _CR:
            parts.append("\n")
        else:
            parts.append("-")
    return "".join(parts)


class _Reader:
    def __init__(self, body, document: Document):
        self._body = body
        self.out = document
        self.n_tables = 0

    @staticmethod
    def paragraph_text(p_el) -> str:
        return paragraph_text(p_el)

    def cell_text(self, tc, nested: list) -> str:
        lines: list[str] = []
        for item in tc:  # fast path: a cell's children are almost always plain w:p
            tag = item.tag
            if tag == _P:
                text = paragraph_text(item)
                if text:
                    lines.extend(_clean_lines(text))
            elif tag == _TBL:
                nested.append(item)
            elif tag in (_SDT, _CUSTOM_XML):
                for sub in _iter_block_items([item]):
                    if sub.tag == _P:
                        lines.extend(_clean_lines(paragraph_text(sub)))
                    else:
                        nested.append(sub)
        return join_cell_lines(lines)

    def table(self, tbl) -> None:
        nested: list = []
        grid: list[list[Cell]] = []
        origins: list[list[Cell]] = []  # origins[r][c]: the original cell covering (r, c)
        for r, tr in enumerate(tbl.iterchildren(_TR)):
            row: list[Cell] = []
            orow: list[Cell] = []
            tr_pr = tr.find(_W + "trPr")
            before = _int_attr(tr_pr.find(_W + "gridBefore") if tr_pr is not None else None, "val", 0)
            for _ in range(max(0, min(before, 64))):
                blank = Cell("", r, len(row))
                row.append(blank)
                orow.append(blank)
            for tc in tr.iterchildren(_TC):
                span, vmerge = 1, None
                tc_pr = tc.find(_TC_PR)
                if tc_pr is not None:
                    for prop in tc_pr:
                        if prop.tag == _GRID_SPAN:
                            span = max(1, min(_int_attr(prop, "val", 1), 64))
                        elif prop.tag == _V_MERGE:
                            vmerge = prop
                c0 = len(row)
                above = origins[r - 1] if r > 0 else []
                if (vmerge is not None and vmerge.get(_W + "val", "continue") == "continue"
                        and c0 < len(above)):
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
                text = self.cell_text(tc, nested)
                origin = Cell(text, r, c0, rowspan=1, colspan=span)
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
            self.table(inner)

    def run(self) -> None:
        for item in _iter_block_items(self._body):
            if item.tag == _P:
                for line in _clean_lines(self.paragraph_text(item)):
                    self.out.blocks.append(Paragraph(line))
            else:
                self.table(item)


def read_docx(data: bytes, source: str) -> Document:
    """Read a .docx file into a Document (fmt="docx")."""
    _check_zip(data)
    # The package was vetted by _check_zip (sizes, ratio, no DTD/entities); parse its two parts
    # with lxml directly: python-docx's package loading cost 40% of the reader's time.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            root = etree.fromstring(zf.read("word/document.xml"), parser)
            core_xml = zf.read("docProps/core.xml") if "docProps/core.xml" in zf.namelist() else None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, etree.XMLSyntaxError) as e:
        raise ReportError(f"DOCX 文件无法打开（{type(e).__name__}: {str(e)[:80]}）", "corrupt_docx") from e
    body = root.find(f"{_W}body")
    if body is None:
        raise ReportError("DOCX 文件无法打开（document.xml 没有 body）", "corrupt_docx")
    out = Document(source=source, fmt="docx")
    if core_xml:
        try:
            title = etree.fromstring(core_xml, parser).findtext("{http://purl.org/dc/elements/1.1/}title")
            if title and title.strip():
                out.title_hint = title.strip()
        except etree.XMLSyntaxError:  # a broken core.xml is not fatal
            out.warnings.append("core properties unreadable")
    try:
        _Reader(body, out).run()
    except RecursionError as e:
        raise ReportError("DOCX 结构嵌套过深", "corrupt_docx") from e
    except Exception as e:
        raise ReportError(f"DOCX 内容无法解析（{type(e).__name__}）", "corrupt_docx") from e
    if not any(isinstance(b, Paragraph) or any(c.text for row in b.rows for c in row)
               for b in out.blocks):
        raise ReportError("DOCX 中没有任何文字", "not_a_report")
    return out
