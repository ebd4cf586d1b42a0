"""HTML reader: turns a saved web page (or an HTML fragment) into a neutral :class:`Document`.

Role in the ETL: decode the bytes robustly (BOM, declared charset, else UTF-8 then GB18030),
parse with lxml, and walk the tree *iteratively* (``etree.iterwalk``), emitting

* :class:`Paragraph` blocks for block-level text outside data tables, in document order;
* :class:`Table` blocks for data tables, with rowspan/colspan expanded into a grid (copies
  flagged ``is_span_copy``).  A table whose cells contain other tables is a layout table: it is
  not emitted; its loose text becomes paragraphs and its inner tables are emitted.

Cell text joins inline markup without spaces (Word-pasted ``<span>``/``<font>``/``<o:p>`` runs
split words), reads a form field by what it shows (a text input's value, a textarea, a select's
chosen option: an online 填报 system's print view), turns ``<br>``/``<p>`` boundaries inside a
cell into ``\\n``, and maps cells that
hold only ``&nbsp;``/U+3000 to ``''``.  Text without ink — hidden, struck, superscript, white on
a plain ground, by tag, inline style or a class of the page's ``<style>`` (:class:`_Ink`) — is
no part of it; but a cell whose only text is raised (``<td><sup>72</sup></td>``) is read with
it: no figure precedes it to be marked.  No NFKC here: the parser normalises.

A CMS page whose article is an ``<iframe srcdoc="…">`` (the document HTML-escaped in the
attribute) is read with the frame's document in the frame's place (:func:`lift_srcdoc`): the
browser shows it as the page's content.  An ``<iframe src>`` (another file) is not read.

Hostile input: 20 MB cap (:data:`MAX_BYTES`), over-long start tags cut before parsing
(:func:`cap_tags`), lxml with ``huge_tree=False`` and no network;
pages nested beyond libxml2's depth limit are flattened and re-parsed instead of crashing.
"""
from __future__ import annotations

import codecs
import html
import re

from lxml import etree

from etl.document import Cell, Document, Paragraph, ReportError, Table
from etl import titles as _titles
from etl.numbers import INVISIBLE
from etl.readers.charset import DOUBLE_BYTE, decode_cjk, genre_score, utf16_without_bom

MAX_BYTES = 20 * 1024 * 1024
MAX_COLSPAN = 1000  # HTML spec limit
MAX_GRID_CELLS = 200_000  # per table; hostile rowspan/colspan must not exhaust memory
# A start tag longer than this (tens of thousands of attributes, one 15 MB attribute, an
# inline image) is cut to its name and its rowspan/colspan before lxml sees it: libxml2's
# duplicate-attribute check is quadratic (50k attributes cost minutes of uninterruptible C),
# and a text node past 10 MB makes it drop the rest of the page.  No report needs such a tag.
MAX_TAG_CHARS = 4096
_LONG_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9:_-]*)([^<>]{%d,})>" % MAX_TAG_CHARS)
# an <iframe> start tag's srcdoc attribute (quoted; a raw ">" may sit inside the quotes)
_SRCDOC = re.compile(r"""(<iframe\b[^<>]*?\s)srcdoc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_SRCDOC_ID = "data-srcdoc-index"
MAX_FRAME_DEPTH = 3   # srcdoc documents inside srcdoc documents read at most this deep
_SPAN_ATTR = re.compile(r"""\s((?:row|col)span)\s*=\s*["']?\s*(\d{1,6})""", re.I)

_SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "iframe",
                        "object", "embed", "svg", "math", "select", "option", "textarea",
                        "button", "meta", "link", "input"})
_BLOCK_TAGS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
                         "dt", "dd", "table", "tbody", "thead", "tfoot", "tr", "td", "th",
                         "caption", "blockquote", "pre", "section", "article", "header",
                         "footer", "nav", "aside", "main", "form", "hr", "br", "address",
                         "figure", "figcaption", "center", "body", "html", "fieldset",
                         "legend", "details", "summary", "menu", "dir", "ucapcontent"})
_BREAK = "\ue000"  # private-use marker for a block boundary inside collected text

_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WS = r"[ \t\r\n\f\v\xa0\u3000\u2002\u2003\u2009]"
_NL_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\r\n\f\v]*\n[ \t\r\n\f\v]*(?=[{_CJK}])")
_WS_RUN = re.compile(_WS + "+")
# control characters, and invisible format characters (zero-width spaces, BOMs, soft hyphens):
# no ink, so no gap inside a figure (4\u200b47 is 447) nor a word
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f" + INVISIBLE.pattern[1:])
_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_FLATTEN_TAGS = re.compile(
    r"</?(?:div|span|font|section|article|center|b|i|u|em|strong|small|big|a|o:p|"
    r"blockquote|ul|ol|li|dl|dd|dt|main|aside|header|footer|nav|form|label|sup|sub)\b[^>]*>",
    re.I)

_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
                    "cp936": "gb18030", "x-euc-cn": "gb18030", "euc-cn": "gb18030",
                    "unicode": "utf-8", "utf8": "utf-8"}


# ----------------------------------------------------------------------------- decoding

def decode_html(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used): BOM, else UTF-16 without BOM, else strict UTF-8, else the
    declared charset, else GB18030 — a double-byte table (declared or not) checked against the
    others and against a UTF-8/GBK mixture by how the text reads (:mod:`etl.readers.charset`).

    Raises ReportError(code="encoding") if nothing fits."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace"), "utf-16"
    # Strictly valid UTF-8 with non-ASCII bytes is practically never GBK text, whatever the
    # page declares (saved pages often keep a stale gb2312 <meta>), so try it first.
    candidates: list[str] = ["utf-8"]
    m = _META_CHARSET.search(data[:8192])
    if m:
        name = m.group(1).decode("ascii", "ignore").lower()
        name = _CHARSET_ALIASES.get(name, name)
        try:
            declared = codecs.lookup(name).name
        except LookupError:
            declared = None
        if declared and declared not in candidates:
            candidates.append(declared)
    for enc in ("utf-8", "gb18030"):
        if enc not in candidates:
            candidates.append(enc)
    utf16 = utf16_without_bom(data)   # a page saved as "Unicode" without BOM: every other byte 0
    if utf16 is not None:
        return utf16
    for enc in candidates:
        if enc.startswith("utf-16"):
            continue  # a declared utf-16 without BOM is almost always a lie
        if enc in DOUBLE_BYTE:
            # GB18030 accepts Big5 bytes, a declared gb2312 may hold Big5, half a page may be
            # UTF-8: the table that reads as a report wins (etl.readers.charset)
            got = decode_cjk(data, enc)
            if got is not None:
                return got
            continue
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        if enc != "utf-8":
            # a single-byte charset (iso-8859-1, windows-1252) decodes any bytes: a template's
            # stale declaration over Chinese bytes; the Chinese reading wins when it reads better
            got = decode_cjk(data)
            if got is not None and genre_score(got[0]) > genre_score(text):
                return got
        return text, enc
    # Nothing decodes cleanly: take the candidate with the fewest replacement characters.
    best = min(candidates, key=lambda e: data.decode(e, errors="replace").count("\ufffd"))
    text = data.decode(best, errors="replace")
    if text.count("\ufffd") > max(50, len(text) // 20):
        raise ReportError("无法识别网页的字符编码（既非 UTF-8 也非 GBK/GB18030）", "encoding")
    return text, best + "?"


# ----------------------------------------------------------------------------- text helpers

def _clean(raw: str) -> list[str]:
    """Normalise collected text into non-empty lines (split at block-boundary markers)."""
    if raw.isprintable() and "  " not in raw:
        # the common cell: no control, invisible or break character, no newline, no white
        # space but single spaces (a printable character is none of those but " ")
        raw = raw.strip()
        return [raw] if raw else []
    raw = _NL_BETWEEN_CJK.sub("", _CONTROL.sub("", raw))  # source wraps between Chinese chars
    out = []
    for part in raw.split(_BREAK):
        part = _WS_RUN.sub(" ", part).strip()
        if part:
            out.append(part)
    return out


_STRUCK_TAGS = frozenset({"del", "s", "strike", "sup"})
_INK_PROPS = frozenset({"display", "visibility", "text-decoration", "text-decoration-line", "vertical-align",
                        "color", "background", "background-color", "background-image"})
_GROUND_PROPS = ("background", "background-color", "background-image")
_WHITE = re.compile(r"#fff(?:f{3})?|white|rgba?\(\s*255\s*,\s*255\s*,\s*255\s*(?:,\s*1(?:\.0*)?\s*)?\)")
_PLAIN_GROUND = re.compile(r"(?:none|transparent|initial|inherit|unset|" + _WHITE.pattern + r")(?:\s+none)*")
_CSS_COMMENT = re.compile(r"/\*.*?\*/|<!--|-->", re.S)
_CSS_PUNCT = re.compile(r"[{};]")
_SIMPLE_SELECTOR = re.compile(r"([a-z][a-z0-9]*)?((?:\.[\w-]+)*)")


def _declarations(text: str) -> dict[str, tuple[str, bool]]:
    """The ink-related declarations of a CSS block or ``style`` attribute: property → (lowercase
    value, !important)."""
    out: dict[str, tuple[str, bool]] = {}
    for decl in text.split(";"):
        prop, sep, value = decl.partition(":")
        prop = prop.strip().lower()
        if not sep or prop not in _INK_PROPS:
            continue
        value = value.strip().lower()
        important = value.endswith("important") and "!" in value
        if important:
            value = value[:value.rindex("!")].strip()
        out[prop] = (value, important)
    return out


def _css_rules(css: str) -> list[tuple[str | None, frozenset, tuple, dict]]:
    """Top-level rules of a style sheet with simple selectors (``.cls``, ``tag``, ``tag.cls``,
    ``.a.b``) and ink-related declarations: (tag or None, classes, specificity, declarations).
    At-rules (@media, @font-face, @page …) and other selectors are left out: what they would
    hide is not guessed."""
    css = _CSS_COMMENT.sub(" ", css)
    rules = []
    depth, start, at_rule = 0, 0, False
    selector = ""
    for m in _CSS_PUNCT.finditer(css):
        i, ch = m.start(), m.group()
        if ch == "{":
            if depth == 0:
                selector = css[start:i].strip()
                at_rule = selector.startswith("@")
                start = i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:   # a stray brace: start afresh
                depth, start = 0, i + 1
                continue
            if depth == 0:
                if not at_rule:
                    decls = _declarations(css[start:i])
                    if decls:
                        for sel in selector.split(","):
                            m = _SIMPLE_SELECTOR.fullmatch(sel.strip().lower())
                            if m and (m.group(1) or m.group(2)):
                                classes = frozenset(c for c in m.group(2).split(".") if c)
                                rules.append((m.group(1), classes, (len(classes), 1 if m.group(1) else 0), decls))
                start = i + 1
        elif ch == ";" and depth == 0:
            start = i + 1   # @import …; @charset …;
    return rules


def _props_no_ink(props: dict[str, str]) -> bool | None:
    """True: the declarations print no ink (hidden, struck, superscript, transparent); None:
    white ink (no ink only on a plain ground); False: ink."""
    if props.get("display") == "none" or props.get("visibility") in ("hidden", "collapse"):
        return True
    if "line-through" in props.get("text-decoration", "") or "line-through" in props.get("text-decoration-line", ""):
        return True
    if props.get("vertical-align") == "super":
        return True
    color = props.get("color", "")
    if color == "transparent":
        return True
    return None if color and _WHITE.fullmatch(color) else False


class _Ink:
    """What prints no ink in one page: the tags and attributes every page shares (``del``, ``s``,
    ``strike``, ``sup``, ``hidden``, an inline ``style``) and the page's own ``<style>`` rules with
    simple selectors — a class that strikes, hides or superscripts, as an inline style does
    (``<span class="del">652</span>708`` is 708).  Inline declarations win over the sheet's,
    ``!important`` over both, a more specific selector and a later rule over others.  White
    text (``color:#fff``) is no ink only where nothing paints the ground: no ``bgcolor`` or
    background on the element or any ancestor, by attribute, inline style or the sheet."""

    def __init__(self, css: str = ""):
        rules = _css_rules(css) if css else []
        # a sheet none of whose rules can take ink away changes nothing: leave it out
        inky = any(_props_no_ink({k: v for k, (v, _) in d.items()}) is not False for _, _, _, d in rules)
        self.by_class: dict[str, list] = {}
        self.by_tag: dict[str, list] = {}
        if inky:
            for order, (tag, classes, spec, decls) in enumerate(rules):
                entry = (tag, classes, spec, order, decls)
                if classes:
                    self.by_class.setdefault(min(classes), []).append(entry)
                else:
                    self.by_tag.setdefault(tag, []).append(entry)

    def _props(self, el, tag: str) -> dict[str, str] | None:
        """The cascaded ink-related properties of ``el``, or None when no rule of the sheet
        matches it (then the inline style alone speaks)."""
        matched = list(self.by_tag.get(tag, ()))
        cls = el.get("class") if self.by_class else None
        if cls:
            names = set(cls.lower().split())
            for name in names:
                for entry in self.by_class.get(name, ()):
                    if entry[1] <= names and (entry[0] is None or entry[0] == tag):
                        matched.append(entry)
        if not matched:
            return None
        style = el.get("style")
        inline = _declarations(style) if style else {}
        ranked: dict[str, tuple] = {}
        for _, _, spec, order, decls in matched:
            for prop, (value, important) in decls.items():
                rank = (important, 0, spec, order)
                if prop not in ranked or rank > ranked[prop][0]:
                    ranked[prop] = (rank, value)
        for prop, (value, important) in inline.items():
            rank = (important, 1, (0, 0), 0)
            if prop not in ranked or rank > ranked[prop][0]:
                ranked[prop] = (rank, value)
        return {prop: value for prop, (_, value) in ranked.items()}

    def no_ink(self, el, tag: str) -> bool:
        """An element whose text is not part of what the page prints as a figure: hidden
        (display:none, hidden, visibility:hidden), struck out (del, s, strike, line-through: the
        old figure before the corrected one), a superscript footnote mark (sup,
        vertical-align:super: 26<sup>1</sup> is 26) or white on a plain ground."""
        if tag in _STRUCK_TAGS or el.get("hidden") is not None:
            return True
        props = self._props(el, tag) if (self.by_tag or self.by_class) else None
        # <font color="#ffffff">: the presentational attribute (Word's and LibreOffice's "save
        # as web page" write it) is the element's colour where no style sets one
        font = (el.get("color") or "").strip().lower() if tag == "font" else ""
        if props is None:
            style = el.get("style")
            if not style and not font:
                return False
            props = {k: v for k, (v, _) in _declarations(style).items()} if style else {}
        if font and "color" not in props:
            props = {**props, "color": font}
        verdict = _props_no_ink(props)
        return self._plain_ground(el) if verdict is None else verdict

    def raised(self, el, tag: str) -> bool:
        """No ink only for being raised (sup, vertical-align:super): not hidden, struck or white."""
        if (tag in _STRUCK_TAGS and tag != "sup") or el.get("hidden") is not None:
            return False
        props = self._props(el, tag) if (self.by_tag or self.by_class) else None
        if props is None:
            style = el.get("style")
            props = {k: v for k, (v, _) in _declarations(style).items()} if style else {}
        if tag == "sup":
            props = {"vertical-align": "super", **props}
        return _props_no_ink(props) is True and _props_no_ink({**props, "vertical-align": ""}) is False

    def _plain_ground(self, el) -> bool:
        for node in (el, *el.iterancestors()):
            tag = _tag(node)
            if tag is None:
                continue
            bg = (node.get("bgcolor") or "").strip().lower()
            if bg and not _PLAIN_GROUND.fullmatch(bg):
                return False
            props = self._props(node, tag) if (self.by_tag or self.by_class) else None
            if props is None:
                style = node.get("style")
                props = {k: v for k, (v, _) in _declarations(style).items()} if style and "background" in style.lower() else {}
            if any(props.get(p) and not _PLAIN_GROUND.fullmatch(props[p]) for p in _GROUND_PROPS):
                return False
        return True


_PLAIN_INK = _Ink()


def _tag(el) -> str | None:
    t = el.tag
    if not isinstance(t, str):
        return None  # comment / processing instruction
    return t.lower()


_FORM_FIELDS = frozenset({"input", "textarea", "select"})
_TEXT_INPUTS = frozenset({"", "text", "number", "tel"})


def _field_value(el, tag: str) -> str:
    """What a form field in a cell shows (an online 填报 system's print view): a text input's
    value, a textarea's text, a select's chosen (else first) option; nothing for hidden
    inputs, buttons and check boxes."""
    if tag == "input":
        return (el.get("value") or "") if (el.get("type") or "").strip().lower() in _TEXT_INPUTS else ""
    if tag == "textarea":
        return el.text or ""
    options = [o for o in el.iter() if _tag(o) == "option"]
    chosen = next((o for o in options if o.get("selected") is not None), options[0] if options else None)
    return "".join(chosen.itertext()) if chosen is not None else ""


def _cell_text(td, ink: _Ink = _PLAIN_INK, raised_ink: bool = False) -> str:
    """All text inside a cell; inline elements joined without spaces, blocks separated by \\n.
    A cell whose only text is raised (``<td><sup>72</sup></td>``: an editor's small type, no
    figure before it to mark) is read with its raised text: that is its figure."""
    parts: list[str] = []
    raised = False
    walker = etree.iterwalk(td, events=("start", "end"))
    for event, el in walker:
        tag = el.tag   # _tag(el), inline: two calls per element of every cell
        tag = tag.lower() if isinstance(tag, str) else None
        if event == "start":
            if el is not td and (tag is None or tag in _SKIP_TAGS or ink.no_ink(el, tag)):
                if tag in _FORM_FIELDS and not ink.no_ink(el, tag):
                    parts.append(_field_value(el, tag))
                elif tag is not None and ink.raised(el, tag):
                    if raised_ink:
                        if el.text:
                            parts.append(el.text)
                        continue   # read as ink: its children and tail follow
                    raised = True
                walker.skip_subtree()  # its "end" event still fires and adds the tail
                continue
            if tag in _BLOCK_TAGS and el is not td:
                parts.append(_BREAK)
            if el.text:
                parts.append(el.text)
        else:
            if el is td:
                break
            if tag in _BLOCK_TAGS:
                parts.append(_BREAK)
            if el.tail:
                parts.append(el.tail)
    text = join_cell_lines(_clean("".join(parts)))
    if raised and not raised_ink and not text:
        return _cell_text(td, ink, raised_ink=True)
    return text


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def join_cell_lines(lines: list[str]) -> str:
    """Join the lines of one cell: Word wraps labels across paragraphs ("商业" / "企业",
    "本年新<br>制作数量"), so a boundary between two Chinese ideographs is dropped; any other
    boundary (digits, punctuation, Latin) stays a newline so numbers never run together.
    Empty lines add nothing (a cell with no text yet, joined to a cut row's rest)."""
    lines = [line for line in lines if line]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        if _IDEOGRAPH.match(out[-1]) and _IDEOGRAPH.match(line[0]):
            out += line
        else:
            out += "\n" + line
    return out


# ----------------------------------------------------------------------------- tables

def _direct_rows(table, ink: _Ink = _PLAIN_INK) -> list:
    """<tr> elements belonging to this table (not to a nested one), in document order."""
    rows = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("tbody", "thead", "tfoot") and not ink.no_ink(child, tag):
            rows.extend(c for c in child if _tag(c) == "tr")
    return [r for r in rows if not ink.no_ink(r, "tr")]   # a hidden row prints nothing


def _cell_hidden(td, ink: _Ink = _PLAIN_INK) -> bool:
    """A cell the page does not display (``display:none`` inline or by the sheet, the ``hidden``
    attribute — Excel's hidden columns): a browser gives it no place in its row."""
    if td.get("hidden") is not None:
        return True
    props = ink._props(td, _tag(td) or "td") if (ink.by_tag or ink.by_class) else None
    if props is None:
        style = td.get("style")
        if not style:
            return False
        props = {k: v for k, (v, _) in _declarations(style).items()}
    return props.get("display") == "none"


def _span(el, attr: str, default: int = 1) -> int:
    v = el.get(attr)
    if not v:
        return default
    m = re.match(r"\s*(\d+)", v)
    if not m:
        return default
    n = int(m.group(1)[:7])
    return n


# Excel's "save as web page": a cell whose display differs from its value keeps the value in
# ``x:num`` (``<td x:num="0">-</td>``: the accounting format prints 0 as a dash).
_DASH_ONLY = re.compile(r"^[\s\u00a0\u3000]*[-\uff0d\u2012-\u2015\u2212\u23af]+[\s\u00a0\u3000]*$")
_X_NUM = re.compile(r"^\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$")


# Excel's "save as web page": a cell's text running over the empty cells on its right is
# written as one cell with colspan and ``mso-ignore:colspan`` (the sheet's cells stay apart)
_IGNORE_COLSPAN = re.compile(r"mso-ignore\s*:\s*colspan", re.I)


def _excel_value(td, text: str) -> str:
    """A cell's text, or its ``x:num`` value where Excel displays that number as a dash (an
    accounting format's zero) or a negative number without its sign (``0;[Red]0``): the
    producer's own value is the evidence that the cell holds that number, not "not applicable"
    nor a positive one.  Any other display is read as displayed."""
    value = td.get("x:num")
    if not value or not _X_NUM.match(value):
        return text
    number = float(value)
    exact = str(int(number)) if number == int(number) else value.strip()
    if _DASH_ONLY.match(text):
        return exact
    shown = text.strip().replace(",", "")
    if number < 0 and _X_NUM.match(shown) and not shown.lstrip().startswith("-") and float(shown) == -number:
        return exact   # a format that drops the minus sign (0;[Red]0): the sign is the value's
    return text


def build_grid(table, index: int, ink: _Ink = _PLAIN_INK) -> Table:
    """Expand rowspan/colspan into a grid of Cells; copies get is_span_copy=True.

    Interior holes (positions never covered in a row that has cells further right) are filled
    with blank cells so that every row lists its cells in column order; rows are not padded at
    the end.
    """
    trs = _direct_rows(table, ink)
    n_rows = len(trs)
    grid: list[dict[int, Cell]] = [dict() for _ in range(n_rows)]
    budget = MAX_GRID_CELLS
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if _tag(td) not in ("td", "th") or _cell_hidden(td, ink):
                continue
            while c in grid[r]:
                c += 1
            rowspan = _span(td, "rowspan")
            colspan = max(1, min(_span(td, "colspan"), MAX_COLSPAN))
            if rowspan <= 0:  # rowspan="0": to the end of the table
                rowspan = n_rows - r
            rowspan = max(1, min(rowspan, n_rows - r))
            if rowspan * colspan > budget:
                rowspan, colspan = 1, 1  # refuse the span, keep the cell
            budget -= rowspan * colspan
            if budget < 0:
                raise ReportError(f"网页表格过大（超过 {MAX_GRID_CELLS} 个单元格）", "too_large")
            text = _excel_value(td, _cell_text(td, ink))
            overflow = colspan > 1 and _IGNORE_COLSPAN.search(td.get("style") or "") is not None
            for dr in range(rowspan):
                for dc in range(colspan):
                    if overflow:   # Excel: text run over empty cells, each a blank cell of its own
                        grid[r + dr][c + dc] = Cell("" if dc else text, r + dr, c + dc, rowspan, 1,
                                                    is_span_copy=dr != 0)
                        continue
                    grid[r + dr][c + dc] = Cell(text, r + dr, c + dc, rowspan, colspan,
                                                is_span_copy=(dr or dc) != 0)
            c += colspan
    rows: list[list[Cell]] = []
    for r, row in enumerate(grid):
        if not row:
            rows.append([])
            continue
        width = max(row) + 1
        rows.append([row.get(c) or Cell("", r, c) for c in range(width)])
    # drop trailing empty rows (e.g. <tr></tr> at the end)
    while rows and not rows[-1]:
        rows.pop()
    return Table(rows, index=index)


# ----------------------------------------------------------------------------- walk

def _parse(text: str):
    text = _XML_DECL.sub("", text, count=1)
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                              huge_tree=False, no_network=True, recover=True)
    root = etree.fromstring(text.encode("utf-8", errors="replace"), parser)
    too_deep = any("depth" in (e.message or "").lower() for e in parser.error_log)
    return root, too_deep


def _layout_tables(root) -> set:
    """Tables that contain another table: layout, not data."""
    layout = set()
    for t in root.iter("table"):
        for anc in t.iterancestors("table"):
            layout.add(anc)
            break
    return layout


def lift_srcdoc(text: str) -> tuple[str, list[str]]:
    """``text`` with each iframe's ``srcdoc`` attribute replaced by an index into the returned
    list of their documents (unescaped): the tag stays short (:func:`cap_tags` would cut it to
    its name) and the frame's document is parsed on its own."""
    docs: list[str] = []

    def lift(m: re.Match) -> str:
        docs.append(html.unescape(m.group(2) if m.group(2) is not None else m.group(3)))
        return f'{m.group(1)}{_SRCDOC_ID}="{len(docs) - 1}"'

    return _SRCDOC.sub(lift, text), docs


def _frame_root(src: str, doc: Document):
    """The parsed tree of a srcdoc document (its own frames lifted), or None."""
    src, n_cut = cap_tags(src)
    if n_cut:
        doc.warnings.append(f"{n_cut} over-long HTML tag(s) in an iframe's document reduced to their names")
    root, too_deep = _parse(src)
    if too_deep:
        doc.warnings.append("an iframe's document nested beyond parser depth limit: not read")
        return None
    return root


def _walk(root, doc: Document, frames: list[str] | None = None, depth: int = 0) -> None:
    layout = _layout_tables(root)
    sheets = [s.text for s in root.iter("style") if s.text]
    ink = _Ink("\n".join(sheets)) if sheets else _PLAIN_INK
    buf: list[str] = []
    n_tables = sum(isinstance(b, Table) for b in doc.blocks)

    def flush() -> None:
        if buf:
            for line in _clean("".join(buf)):
                doc.blocks.append(Paragraph(line))
            buf.clear()

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = _tag(el)
        if event == "start":
            if tag == "iframe" and frames and depth < MAX_FRAME_DEPTH and not ink.no_ink(el, tag) and (
                    (i := el.get(_SRCDOC_ID) or "").isdigit() and int(i) < len(frames)):
                # the frame's document is the page's content at this place
                flush()
                inner, inner_frames = lift_srcdoc(frames[int(i)])
                sub = _frame_root(inner, doc)
                if sub is not None:
                    _walk(sub, doc, inner_frames, depth + 1)
                    n_tables = sum(isinstance(b, Table) for b in doc.blocks)
                walker.skip_subtree()
                continue
            if tag is None or tag in _SKIP_TAGS or ink.no_ink(el, tag):
                walker.skip_subtree()  # its "end" event still fires and adds the tail
                continue
            if tag == "table" and el not in layout:
                flush()
                table = build_grid(el, n_tables, ink)
                if table.rows:
                    doc.blocks.append(table)
                    n_tables += 1
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                buf.append(_BREAK)
            if el.text:
                buf.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                buf.append(_BREAK)
            if el.tail:
                buf.append(el.tail)
    flush()


def _title(root) -> str | None:
    """The page's own title: a government CMS's ``<meta name="ArticleTitle">`` (the article, not
    the site), else ``<title>``."""
    for m in root.iter("meta"):
        if (m.get("name") or "").lower() == "articletitle" and (m.get("content") or "").strip():
            return " ".join(_clean(m.get("content")))
    og = None   # Open Graph's og:title: the article's title when <title> is the site's name
    for m in root.iter("meta"):
        if (m.get("property") or m.get("name") or "").lower() == "og:title" and (m.get("content") or "").strip():
            og = " ".join(_clean(m.get("content")))
            break
    for t in root.iter("title"):
        s = " ".join(_clean("".join(t.itertext())))
        if s:
            return s if og is None or not _titles.parse_title(og) or _titles.parse_title(s) else og
    return og


def cap_tags(text: str) -> tuple[str, int]:
    """``text`` with every start tag longer than :data:`MAX_TAG_CHARS` cut to its name and
    its rowspan/colspan (the only attributes the reader uses); and how many were cut."""
    n = 0

    def cut(m: re.Match) -> str:
        nonlocal n
        n += 1
        found: dict[str, str] = {}
        for k, v in _SPAN_ATTR.findall(m.group(2)):
            found.setdefault(k.lower(), v)
        spans = "".join(f' {k}="{v}"' for k, v in found.items())
        return f"<{m.group(1)}{spans}>"

    return _LONG_TAG.sub(cut, text), n


def read_html(data: bytes, source: str) -> Document:
    """Read an HTML page or fragment into a Document (fmt="html")."""
    if len(data) > MAX_BYTES:
        raise ReportError(f"网页文件过大（{len(data) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）",
                          "too_large")
    if not data or not data.strip():
        raise ReportError("空文件：没有任何文字", "not_a_report")
    text, encoding = decode_html(data)
    doc = Document(source=source, fmt="html")
    if encoding.endswith("?"):
        doc.warnings.append(f"charset guessed as {encoding[:-1]} with undecodable bytes replaced")
    text, frames = lift_srcdoc(text)
    text, n_cut = cap_tags(text)
    if n_cut:
        doc.warnings.append(f"{n_cut} over-long HTML tag(s) (> {MAX_TAG_CHARS} characters) reduced to their names")
    try:
        root, too_deep = _parse(text)
        if too_deep:
            # Hostile or broken nesting: flatten inline/div wrappers (keep tables and <p>)
            doc.warnings.append("HTML nested beyond parser depth limit; wrappers flattened")
            flat = _FLATTEN_TAGS.sub(lambda m: "<br>" if m.group(0)[1:4].lower() in ("div", "/di") else "",
                                     text)
            root, too_deep = _parse(flat)
            if too_deep:
                doc.warnings.append("still too deep after flattening; text only")
                plain = re.sub(r"<[^>]*>", "\n", flat)
                root, _ = _parse("<html><body><pre>" + plain.replace("&", "&amp;").replace("<", "&lt;")
                                 + "</pre></body></html>")
                doc.damaged = True
        if root is None:
            raise ReportError("网页中没有任何文字", "not_a_report")
        doc.title_hint = _title(root)
        _walk(root, doc, frames)
    except ReportError:
        raise
    except (etree.LxmlError, RecursionError, ValueError, MemoryError) as e:
        raise ReportError(f"无法解析网页：{type(e).__name__}", "not_a_report") from e
    if not doc.blocks:
        raise ReportError("网页中没有任何文字", "not_a_report")
    if _cut_in_table(text):
        doc.mark_cut_tail("网页在表格中途结束（下载不完整或被截断）：最后一个数字可能缺少位数")
    return doc


_TABLE_TAG = re.compile(r"<(/?)table\b", re.I)


def _cut_in_table(text: str) -> bool:
    """The page ends inside a table: inside a tag or a cell's text (not after a whole tag), no
    ``</html>``/``</body>``, and more ``<table>`` than ``</table>`` tags (a download cut short;
    a fragment that closes its tables, or ends with a tag, is whole)."""
    tail = text[-4096:].lower()
    if "</html" in tail or "</body" in tail or tail.rstrip().endswith(">"):
        return False   # a fragment that ends with a whole tag is whole (cells keep their columns)
    depth = 0
    for m in _TABLE_TAG.finditer(text):
        depth += -1 if m.group(1) else 1
    return depth > 0
