"""Plain-text and markdown readers: Word-exported text, converter markdown, crawler text.

* Word's "save as text" (the seed): a table cell is a line starting with a TAB, a line
  without a TAB continues the cell above (header words broken across lines), a blank line
  ends a table row.  Rows with at least one TAB line form tables; other lines are paragraphs.
* Markdown from PDF converters: ``| a | b |`` lines form table rows, ``|---|`` lines are
  skipped, everything else is a paragraph (leading ``#`` removed).  Such output is lossy, so
  the document is marked ``damaged``.
* Anything else: one paragraph per line.  Crawler text that runs a whole table into one line
  is recognised later by the parser (:mod:`etl.recover`).

Decoding: BOM, then UTF-16 without BOM (zero bytes in every other position), then UTF-8,
then the double-byte table that reads as a report — GB18030 (a superset of GBK/GB2312) or Big5
— or a line-by-line UTF-8/GBK mixture (:mod:`etl.readers.charset`); the choice is recorded as
a warning when it is not UTF-8.
"""
from __future__ import annotations

from collections import Counter

import codecs
import re
import unicodedata

from etl.document import Cell, Document, Paragraph, ReportError, Table
from etl.numbers import parse_cell
from etl.readers.charset import decode_cjk, looks_binary, utf16_without_bom  # noqa: F401 (re-exported)

MAX_BYTES = 20 * 1024 * 1024


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file; returns (text, encoding)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace").lstrip("\ufeff"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    got = decode_cjk(data)   # GB18030, Big5 (CP950/HKSCS) or a UTF-8/GBK mixture, as it reads
    if got is not None:
        return got
    try:
        from charset_normalizer import from_bytes
        best = from_bytes(data).best()
        if best is not None:
            return str(best), best.encoding
    except Exception:  # pragma: no cover - library failure falls through to the error
        pass
    raise ReportError("无法识别文本编码（不是 UTF-8、GBK/GB18030）", "encoding")


def _without_stray_nuls(data: bytes) -> tuple[bytes, str | None]:
    """A text file with a few NUL bytes (a download padded to its announced length, a tool's
    stray terminator): NUL has no ink, so the text is the bytes without them.  Only when they are
    a trailing run or at most one byte in a thousand — else the file stays binary."""
    body = data.rstrip(b"\x00")
    inner = body.count(0)
    if inner > len(body) // 1000:
        return data, None
    return body.replace(b"\x00", b""), f"文本中有 {len(data) - len(body) + inner} 个 NUL 字节（无字形），已略去"


def read_text(data: bytes, source: str, fmt: str = "txt") -> Document:
    if len(data) > MAX_BYTES:
        raise ReportError(f"文件过大（{len(data) // 1024 // 1024} MB，上限 {MAX_BYTES // 1024 // 1024} MB）", "too_large")
    bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    utf16 = None if bom else utf16_without_bom(data)   # a BOM says the encoding itself
    nul_note = None
    if utf16 is None and not bom and b"\x00" in data:
        data, nul_note = _without_stray_nuls(data)
    if utf16 is None and not bom and looks_binary(data):
        raise ReportError("不是文本文件（二进制内容）", "binary")
    text, enc = utf16 or decode_text(data)
    doc = Document(source=source, fmt=fmt)
    if nul_note:
        doc.warnings.append(nul_note)
    if enc not in ("utf-8", "utf-8-sig"):
        doc.warnings.append(f"文本编码按 {enc} 读取")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if sum(1 for ln in lines if _BOX_ANY.search(ln)) >= 5 or \
            any((m := _ASCII_TOP.match(ln)) and m.group(1) for ln in lines):
        lines = _box_side_text_apart(lines)
    boxed = sum(1 for ln in lines if _BOX_LINE.search(ln)) >= 5
    if boxed:
        lines = [ln.translate(_BOX_TO_ASCII) if _BOX_LINE.search(ln) else ln for ln in lines]
    if fmt != "md" and _flanked_tabs(lines) >= 20:
        lines = _paragraph_rows(lines)   # a browser's innerText of paragraph cells: rows of TABs
    if fmt == "md" and _HTML_TABLE.search(text):
        # converters (MinerU, marker) write a markdown file's tables as HTML <table> blocks
        doc.damaged = True
        doc.blocks = _markdown_with_html_tables(text, source)
    elif fmt == "md" or sum(1 for ln in lines if ln.lstrip().startswith("|")) >= 5 or _pipe_markdown(lines):
        doc.fmt = "md"
        # a text browser's drawn grid shows a blank cell as plainly as the page does; a
        # converter's markdown may have lost a figure there (NOTES L46)
        doc.damaged = not boxed
        doc.blocks = _markdown_blocks(lines)
    elif (lead := sum(1 for ln in lines if ln.startswith("\t"))) >= 20 and not _tab_rows(lines, lead):
        doc.blocks = _word_text_blocks(lines)
    elif sum(1 for ln in lines if "\t" in ln.strip(" \u3000")[1:]) >= 10:
        doc.blocks = _tab_row_blocks(lines)
    else:
        lines = _unwrapped(lines, doc)
        doc.blocks = [Paragraph(ln.strip()) for ln in lines if ln.strip()]
    if _cut_in_table(lines):
        doc.mark_cut_tail(CUT_TAIL)
    return doc


#: a text browser's table borders (w3m, elinks -dump: ┌─┬─┐ │ ├─┼─┤): drawn in box characters
#: of one column each, they are the grid table's + - | (NOTES L48)
_BOX_LINE = re.compile(r"^\s*[┌├└╔╠╚┏┣┗│║┃]")
_BOX_TO_ASCII = str.maketrans({**{c: "+" for c in "┌┬┐├┼┤└┴┘╔╦╗╠╬╣╚╩╝┏┳┓┣╋┫┗┻┛╒╤╕╞╪╡╘╧╛╓╥╖╟╫╢╙╨╜"},
                               **{c: "-" for c in "─━╌┄"}, "═": "=",
                               **{c: "|" for c in "│┃║╎┆"}})


_BOX_ANY = re.compile(r"[┌├└│]")
_ASCII_TOP = re.compile(r"^([^|+]*?)\+-[-+]*\+\s*$")   # a table's top border: nothing drawn before it
_BOX_EDGE = frozenset("┌├└│┼┬┴┤┐┘─")


def _at_display_col(line: str, col: int) -> tuple[str, str] | None:
    """The line cut at display column ``col`` (a CJK character two columns wide): (before,
    from there on); None when a wide character straddles the column."""
    w = 0
    for i, ch in enumerate(line):
        if w == col:
            return line[:i], line[i:]
        if w > col:
            return None
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return (line, "") if w == col else None


def _box_side_text_apart(lines: list[str]) -> list[str]:
    """A text browser's dump of a page laid out in a table (a side column of links beside the
    report): the side column's words stand on the lines of a drawn table, left of its edge
    (``机构概况    │  │1.属于国家秘密 │0 …``).  Each drawn table's lines are cut at its left
    edge (its top border's column); the words cut off follow the table as lines of their own."""
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        m = re.match(r"^([^│├┌└|+]*?)┌[─┬]+┐\s*$", lines[i])
        ascii_ = m is None and (m := _ASCII_TOP.match(lines[i])) is not None
        if not m:
            out.append(lines[i])
            i += 1
            continue
        # links lays a table out by characters, w3m and elinks by display columns
        col = len(m.group(1)) if ascii_ else \
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in m.group(1))
        side: list[str] = []
        j = i
        while j < n:
            cut = (lines[j][:col], lines[j][col:]) if ascii_ else _at_display_col(lines[j], col)
            if cut is None or not cut[1] or cut[1][0] not in ("|+" if ascii_ else _BOX_EDGE):
                break
            if cut[0].strip():
                side.append(cut[0].strip())
            out.append(" " * col + cut[1])
            j += 1
            if cut[1][0] == "└" or (ascii_ and j - 1 > i and _ASCII_TOP.match(lines[j - 1])):
                break
        if j == i:
            out.append(lines[i])
            j = i + 1
        out += side
        i = j
    return out


def _pipe_markdown(lines: list[str]) -> bool:
    """Markdown under a .txt name (html2text's output saved as text): pipe tables without
    outer pipes, each under its delimiter row (``---|---``, or ``---`` under a one-cell first
    row), and ``#`` headings or many `` | `` rows."""
    delims = 0
    for i, ln in enumerate(lines[:-1]):
        s = ln.strip()
        if " | " in lines[i + 1] and (re.fullmatch(r"-{3,}", s) or (_md_delim(s, dashes=3) is not None)):
            delims += 1
    rows = sum(1 for ln in lines if " | " in ln)
    return delims >= 2 and rows >= 8


CUT_TAIL = "文件在表格中途结束（下载不完整或被截断）：最后一个数字可能缺少位数"


def _cut_in_table(lines: list[str]) -> bool:
    """The text ends inside a table row: no line end after the last line, which is a table
    line (a cell line of Word text, a tab-separated row, a markdown row whose closing ``|`` is
    missing while the row above has one)."""
    if not lines or lines[-1] == "":      # the text ends with a line end: a whole line
        return False
    last = lines[-1]
    if last.lstrip().startswith("|"):
        above = next((ln for ln in reversed(lines[:-1]) if ln.strip()), "")
        return not last.rstrip().endswith("|") and above.rstrip().endswith("|")
    return "\t" in last and last.strip() != ""


#: A line laid out by position: padded at its end, or a gap of 3+ spaces between columns.
_LAID_OUT = re.compile(r"\s$|\S {3,}\S")


def _unwrapped(lines: list[str], doc: Document) -> list[str]:
    """Text saved hard-wrapped at a fixed width (a crawler's or mailer's N characters a line):
    the breaks fall inside labels and figures alike, so a line of exactly that width is joined
    to the next.  Only when at least 20 lines, and four in five of the lines that long or
    longer, have the one same width — prose wrapped by sentence never does."""
    lens = [len(ln) for ln in lines if len(ln) >= 20]
    if len(lens) < 20:
        return lines
    width, n = Counter(lens).most_common(1)[0]
    if n < 20 or n < 0.8 * sum(1 for x in lens if x >= width):
        return lines
    if sum(1 for ln in lines if len(ln) == width and _LAID_OUT.search(ln)) * 2 > n:
        # an extractor's layout text (pdfplumber ``layout=True``, pypdf's layout mode,
        # pdftotext -layout; r10pdftext): lines padded with spaces to the page's width, or table
        # rows whose last column ends at one position, columns kept apart by runs of spaces —
        # one length, and no break inside a word
        return lines
    out: list[str] = []
    carry = ""
    for ln in lines:
        if len(ln) == width:
            carry += ln
            continue
        out.append(carry + ln)
        carry = ""
    if carry:
        out.append(carry)
    doc.warnings.append(f"文本按每行 {width} 个字符硬换行保存：已把断开的行接回")
    return out


def _numbered(blocks: list) -> list:
    """The blocks, each table given its index among the document's tables."""
    for i, t in enumerate(b for b in blocks if isinstance(b, Table)):
        t.index = i
    return blocks


def _flush_packed(blocks: list, rows: list[list[str]]) -> None:
    """Close a run of text rows as one table whose merged cells print once (``packed``)."""
    if rows:
        blocks.append(Table.from_texts([r[:] for r in rows]))
        blocks[-1].packed = True
        rows.clear()


_MAX_ROW_CELLS = 40   # table 四, the widest, has 16 cells with its label


def _word_text_blocks(lines: list[str]) -> list:
    """Word-exported text: TAB lines are cells, blank lines end rows."""
    blocks: list = []
    table_rows: list[list[str]] = []

    def flush_table() -> None:
        _flush_packed(blocks, table_rows)

    group: list[str] = []

    def flush_group() -> None:
        if not group:
            return
        if any(ln.startswith("\t") for ln in group):
            # lines before the first cell (no TAB, nothing to continue) are text printed above
            # the table without a blank line (a section heading), not a cell of its first row
            lead = next(i for i, ln in enumerate(group) if ln.startswith("\t"))
            if lead:
                flush_table()
                blocks.extend(Paragraph(ln.strip()) for ln in group[:lead] if ln.strip())
                del group[:lead]
            cells: list[str] = []
            for ln in group:
                if ln.startswith("\t"):
                    cells.append(ln[1:])
                elif cells:
                    cells[-1] = cells[-1] + ln
                else:
                    cells.append(ln)
            if len(cells) > _MAX_ROW_CELLS:
                # no table row is this wide: the blank lines between rows were lost, so the
                # cells are text one per line (read as run-together text, never as one row)
                flush_table()
                blocks.extend(Paragraph(c.strip()) for c in cells if c.strip())
            else:
                table_rows.extend(_split_run_rows(cells))
        else:
            flush_table()
            for ln in group:
                if ln.strip():
                    blocks.append(Paragraph(ln.strip()))
        group.clear()

    for ln in lines:
        if ln.strip() == "" and not ln.startswith("\t"):
            flush_group()
        else:
            group.append(ln)
    flush_group()
    flush_table()
    return _numbered(blocks)


def _tab_rows(lines: list[str], lead: int) -> bool:
    """Are the lines that start with a TAB rows of TAB-separated fields (a row whose first
    cells are empty, as Excel copies a grid), not Word text's one cell per line?  Word text
    has no TAB between two fields of a line; a grid copy has one on most of its lines."""
    inner = sum(1 for ln in lines if "\t" in ln.strip(" \u3000\t"))
    return inner >= 10 and 2 * inner >= lead


#: a line holding one figure (or a not-applicable mark) and nothing else
_FIGURE_LINE = re.compile(r"^[ \u3000\xa0]*(?:[-+−]?[\d０-９][\d０-９,，.．]*[ \u3000]*(?:万元|元|%)?|[/／—–－-]{1,2})[ \u3000\xa0]*$")


def _blank(line: str) -> bool:
    return not line.strip(" \u3000\xa0")


def _cell_paragraphs_joined(lines: list[str]) -> list[str]:
    """A browser's innerText of a table whose cells hold paragraphs (Word-pasted ``<p
    class=MsoNormal>``): a paragraph's text goes on a line of its own between blank lines, after
    the TAB that opens its cell (``行政许可\t``, ``""``, ``550``, ``""``, ``\t``, ``""``, ``2``).
    A row line ending in a TAB and followed, after blank lines, by a line of one figure is
    that cell; a line starting with a TAB after blank lines then opens the row's next cell.
    Only figures are pulled up: a line of words after a row's blank last cell is the next row.
    Word's "save as text" writes a cell's paragraphs on lines of their own with no blank line
    between: a row line ending in a TAB right before a line of one figure (a cell whose first
    paragraph is empty: ``3.其他\t108\t2\t0\t0\t0\t0\t`` then ``110``) is that cell too — no
    row of a report table is a figure alone."""
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        i += 1
        while line.rstrip(" \u3000").endswith("\t") and line.strip(" \u3000\t"):
            j = i
            while j < n and _blank(lines[j]):
                j += 1
            if j >= n or not _FIGURE_LINE.match(lines[j]) or (j == i and "\t" in lines[j]):
                break
            line = line.rstrip(" \u3000") + lines[j].strip(" \u3000\xa0")
            i = j + 1
            k = i
            while k < n and _blank(lines[k]):
                k += 1
            if k > i and k < n and lines[k].startswith("\t"):
                line += lines[k].rstrip(" \u3000")
                i = k + 1
        out.append(line)
    return out


def _lone_tab(line: str) -> bool:
    return line.strip(" \u3000") == "\t"


def _flanked_tabs(lines: list[str]) -> int:
    """Lines holding only a TAB with a blank line on each side: innerText's cell boundary in a
    table whose every cell is a paragraph (in Word text a TAB line never stands between two
    blank lines: a row's cells are consecutive lines)."""
    return sum(1 for i in range(1, len(lines) - 1)
               if _lone_tab(lines[i]) and _blank(lines[i - 1]) and _blank(lines[i + 1]))


def _paragraph_rows(lines: list[str]) -> list[str]:
    """innerText of a table whose every cell is a paragraph (``规章``, ``""``, ``\t``, ``""``,
    ``1`` …): each row joined into one TAB-separated line.  A TAB line followed (after blank
    lines) by another TAB line is an empty cell's."""
    split: list[str] = []
    for line in lines:   # a row's first TAB printed at the end of its label's line
        text = line.rstrip(" \u3000")
        split += [text[:-1], "", "\t"] if text.endswith("\t") and text.strip("\t") else [line]
    lines = split
    out: list[str] = []
    i, n = 0, len(lines)
    while i < n:
        line = lines[i].strip(" \u3000\xa0")
        i += 1
        if _blank(line):
            continue   # paragraph spacing: rows are now one line each
        if _lone_tab(line):
            out.append(line)
            continue
        empty = False   # the last cell was empty: the row goes on at a TAB line (at ``i``)
        while True:
            j = i
            while j < n and _blank(lines[j]):
                j += 1
            if (j > i or empty) and j < n and lines[j].startswith("\t") and not _lone_tab(lines[j]):
                # the row's next cells typed without paragraphs: a line starting with its TAB
                line += lines[j].rstrip(" \u3000")
                i, empty = j + 1, False
                if line.endswith("\t"):
                    lines[j + 1:j + 1] = ["", "\t"]   # its last cell a paragraph again
                    n = len(lines)
                continue
            if not ((j > i or empty) and j < n and _lone_tab(lines[j])):
                break
            k = j + 1
            while k < n and _blank(lines[k]):
                k += 1
            empty = k < n and _lone_tab(lines[k])
            if empty:
                line += "\t"          # an empty cell: the next TAB line opens the cell after it
                i = k
                continue
            if not (k > j + 1 and k < n):
                break
            line += "\t" + lines[k].strip(" \u3000\xa0")
            i = k + 1
        out.append(line)
    return out


_GROUP_HEAD = re.compile(r"^(?:[一二三四]、|[（(][一二三四五六七][）)])")   # 三、本年度办理结果, （三）不予公开


def _is_tab_row(line: str) -> bool:
    return "\t" in line.strip(" \u3000")[1:]


def _names_row_only_joined(words: str, row: str) -> bool:
    """Whether a line of words and the TAB row after it are one row's label: joined they name
    a table row, and neither part alone names another (a row whose cells all vanished, its
    label alone on a line, is a row of its own: 行政强制 before 行政事业性收费\t…)."""
    from etl import vocab

    def key(text: str) -> str | None:
        lab = vocab.match_t2_row(text) or vocab.match_t3_row(text)
        return lab.key if lab else None
    fields = [f.strip() for f in row.split("\t")]
    if not fields[0] or not all(not f or _FIGURE_LINE.match(f) for f in fields[1:]):
        return False   # the row's label and then its figures (or blanks): no header row
    joined = key(words + fields[0])
    if joined is None or vocab.match_t4_any(words):
        return False
    return all(k in (None, joined) for k in (key(words), key(fields[0])))


def _label_paragraphs_joined(lines: list[str]) -> list[str]:
    """Word's "save as text" of a label cell holding two paragraphs (a label broken by hand:
    ``一、本年新收政府`` / ``信息公开申请数量\t32\t2…``): a short line of words standing
    between two TAB rows is the first paragraph of the next row's first cell where together
    with the row's labels they name a row and neither part names another.  A section heading between
    two tables (…情况) stays a line."""
    out: list[str] = []
    n = len(lines)
    for i, line in enumerate(lines):
        s = line.strip(" \u3000")
        nxt = lines[i + 1] if i + 1 < n else ""
        if s and "\t" not in s and len(s) <= 40 and out and _is_tab_row(out[-1]) and _is_tab_row(nxt) \
                and not _FIGURE_LINE.match(s) and not s.endswith(("情况", "报告")) \
                and nxt.strip(" \u3000")[:1] not in ("\t", "") and _names_row_only_joined(s, nxt):
            lines[i + 1] = s + nxt.lstrip(" \u3000")
            continue
        fields = s.split("\t")
        if "\t" in s and fields[-1].strip() and out and _is_tab_row(out[-1]) and _is_tab_row(nxt) \
                and all(not f.strip() or _GROUP_HEAD.match(f.strip()) for f in fields[:-1]) \
                and not any(_FIGURE_LINE.match(f) and f.strip() for f in fields) \
                and nxt.strip(" \u3000")[:1] not in ("\t", "") and _names_row_only_joined(fields[-1].strip(), nxt):
            # the same in a row whose label is not its first cell (a merged group cell's row
            # printed with an empty first field: \t\t2.申请人逾期未按收费通知要求缴纳费 / 用、…)
            lines[i + 1] = line.rstrip(" \u3000") + nxt.lstrip(" \u3000")
            continue
        out.append(line)
    return out


def _tab_row_blocks(lines: list[str]) -> list:
    """Text copied from a web page (a browser's innerText): one line per table row, the cells
    starting in that row joined by TABs, an empty field for a blank cell.  A run of such lines
    is a table whose merged cells are printed once, as in Word text (``packed``).

    Excel copies a grid instead: every row as many fields, a merged cell's text in its first
    field and empty fields after it (as a pipe table prints it).  A run whose rows all have
    the same number of fields is read as that grid, column by column."""
    blocks: list = []
    rows: list[list[str]] = []
    lines = _label_paragraphs_joined(_cell_paragraphs_joined(lines))

    def flush() -> None:
        if len(rows) > 1 and len({len(r) for r in rows}) == 1:
            blocks.append(Table.from_texts([r[:] for r in rows]))
            rows.clear()
        _flush_packed(blocks, rows)

    for ln in lines:
        s = ln.strip(" \u3000")
        if "\t" in s[1:]:
            rows.append([c.strip() for c in s.split("\t")])
            continue
        flush()
        if s.strip():
            blocks.append(Paragraph(s.strip()))
    flush()
    return _numbered(blocks)


def _split_run_rows(cells: list[str]) -> list[list[str]]:
    """One blank-line group's cells as table rows.  A row reads label cells then figures; a
    label cell after a figure that more figures follow starts the next row: the blank line
    between the rows was lost (``行政事业性收费 5 0 第二十条第（九）项 … 7 81.198``), and the
    figures are the earlier row's, never the later label's.  A text after the last figure
    (a 备注 column) stays in its row."""
    is_value = [parse_cell(c) is not None and parse_cell(c).semantic != "blank" for c in cells]
    is_label = [parse_cell(c) is None for c in cells]
    rows, start, seen_value = [], 0, False
    for i in range(len(cells)):
        if is_label[i] and seen_value and any(is_value[i + 1:]):
            rows.append(cells[start:i])
            start, seen_value = i, False
        seen_value = seen_value or is_value[i]
    rows.append(cells[start:])
    if len(rows) == 1:
        return rows
    out = []
    for r in rows:
        # a sub-table's header run into its first row (第二十条第（六）项 信息内容 上一年项目数量 …
        # 行政处罚 16 4 60): the labels before the row's own label, at least as many as its
        # figures, are the header row
        n_lab = next((i for i, c in enumerate(r) if parse_cell(c) is not None), len(r))
        n_val = sum(1 for c in r[n_lab:] if parse_cell(c) is not None and parse_cell(c).semantic != "blank")
        if n_val and n_lab - 1 >= max(2, n_val):
            out += [r[:n_lab - 1], r[n_lab - 1:]]
        else:
            out.append(r)
    return out


_MD_BR = re.compile(r"<br\s*/?>", re.I)
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def _markdown_with_html_tables(text: str, source: str) -> list:
    """Markdown whose tables are HTML blocks: the markdown between them as markdown, each
    <table> read by the HTML reader (spans and all)."""
    from etl.readers.html import read_html
    blocks: list = []
    pos = 0
    for m in _HTML_TABLE.finditer(text):
        blocks.extend(_markdown_blocks(text[pos:m.start()].split("\n")))
        blocks.extend(b for b in read_html(m.group(0).encode("utf-8"), source).blocks if isinstance(b, Table))
        pos = m.end()
    blocks.extend(_markdown_blocks(text[pos:].split("\n")))
    return _numbered(blocks)


_MD_MARK = re.compile(r"<sup>.*?</sup>|\[\^[^\]]*\]|\^[^^\s|]+\^", re.I)   # 26<sup>1</sup>, 26[^1], 26^1^
_MD_WRAP = re.compile(r"(\*\*|__|\$)(.+?)\1")                               # **26**, $26$


_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")   # CommonMark: \. \* \( … are the characters


def _md_cell(text: str) -> str:
    r"""A pipe-table cell: ``<br>`` is a line break inside the cell (本年收费金额（单位：万<br>元）),
    joined as HTML cells are (no break between two Chinese characters); a footnote mark after a
    figure (``<sup>1</sup>``, ``[^1]``, ``^1^``) is no part of it; bold and maths wrappers go;
    a backslash-escaped punctuation character (``3\.其他``, ``26\*``: turndown, pandoc) is that
    character, taken literally (an escaped ``\*`` is no emphasis, an escaped ``\<`` no tag)."""
    text = text.strip()
    if not any(ch in text for ch in "<[^*_$\\"):
        return text
    escaped = "\\" in text
    if escaped:   # escaped characters are literal: kept out of the patterns below
        text = _MD_ESCAPE.sub(lambda m: f"\x00{ord(m.group(1))}\x01", text)
    text = _MD_WRAP.sub(r"\2", _MD_MARK.sub("", text))
    if "<" in text:
        from etl.readers.html import join_cell_lines
        lines = [re.sub(r"<[^>]+>", "", x).strip() for x in _MD_BR.split(text)]
        text = join_cell_lines([x for x in lines if x])
    text = text.strip()
    return re.sub("\x00(\\d+)\x01", lambda m: chr(int(m.group(1))), text) if escaped else text


_MD_DELIM_CELL = re.compile(r"\s*:?(-+):?\s*")


def _md_delim(s: str, dashes: int = 1) -> tuple[int, bool] | None:
    """A pipe table's delimiter row (``|---|:---:|``, or ``---|:---:`` without outer pipes),
    each cell at least ``dashes`` dashes: its column count and whether it has outer pipes;
    None for any other line."""
    if "-" not in s or "|" not in s:
        return None
    outer = s.startswith("|")
    cells = (s[1:] if outer else s).removesuffix("|").split("|")
    ok = all((m := _MD_DELIM_CELL.fullmatch(c)) and len(m.group(1)) >= dashes for c in cells)
    return (len(cells), outer) if ok else None


def _md_row(s: str, width: int | None, outer: bool) -> list[str]:
    """A pipe-table line's cells.  With outer pipes (``| a | b |``) the first and last pipes are
    the table's edges.  Without them (GFM allows ``a | b``) every pipe separates two cells, so a
    row whose first cell is empty starts with a pipe and one whose last cell is empty ends with
    one: the delimiter row's column count tells which pipes are edges."""
    if not outer and width:
        raw = s.split("|")
        if len(raw) == width:
            return [_md_cell(c) for c in raw]
        if len(raw) == width + 1 and s.startswith("|") != s.endswith("|"):
            return [_md_cell(c) for c in (raw[1:] if s.startswith("|") else raw[:-1])]
        if s.startswith("|") != s.endswith("|"):
            # a table without outer pipes: a pipe at one end only is no edge but an empty
            # cell's (html2text's row ending in blank cells: 结转 |  |  |)
            return [_md_cell(c) for c in raw]
    return [_md_cell(c) for c in s.strip("|").split("|")]


_GRID_BORDER = re.compile(r"\+(?:[-=:]+\+)+")
_GRID_SEP_CHARS = frozenset("|+-=: ")
_GRID_RULE = re.compile(r"\+[-=:]{2,}|[-=:]{2,}\+")
_RULE_SEG = re.compile(r"[-=:]{2,}|\s*")


def _is_rule(text: str) -> bool:
    """A grid table's rule line: ``+--+`` joints (pandoc), or — links -dump, which draws
    ``|-----|`` without joints — every segment between edges all dashes or all blank (a label
    over several rows), at least one of dashes."""
    if _GRID_RULE.search(text):
        return True
    s = text.strip()
    if len(s) < 3 or s[0] not in "|+" or s[-1] not in "|+":
        return False
    segs = re.split(r"[|+]", s[1:-1])
    return all(_RULE_SEG.fullmatch(x) for x in segs) and any(x and x[0] in "-=:" for x in segs)


def _bound_marks(d: list[str]) -> list[int]:
    """Where a line of separator characters marks column edges: its ``+`` joints, and on a rule
    line its ``|`` edges too (links -dump)."""
    if not set(d) <= _GRID_SEP_CHARS:
        return []
    marks = "+|" if _is_rule("".join(d)) else "+"
    return [i for i, ch in enumerate(d) if ch in marks]


def _display(line: str, wide: bool = True) -> list[str]:
    """A line's characters by display column: a wide (CJK) character takes two columns (its
    second is ``""``), as pandoc lays out a grid table; with ``wide`` false every character
    takes one (links -dump lays a table out by characters)."""
    out: list[str] = []
    for ch in line.rstrip():
        out.append(ch)
        if wide and unicodedata.east_asian_width(ch) in "WF":
            out.append("")
    return out


def _grid_table(block: list[str]) -> Table | None:
    """A grid table read by display columns, or by characters where its edges line up only
    that way (a text browser that counts a CJK character as one column)."""
    for wide in (True, False):
        disp = [_display(ln.strip(), wide) for ln in block]
        bounds = {i for d in disp for i in _bound_marks(d)}
        if all(i in bounds for d in disp if d and d[0] == "|" for i, ch in enumerate(d) if ch == "|"):
            return _grid_table_by(disp)
    return _grid_table_by([_display(ln.strip()) for ln in block])


def _grid_table_by(disp: list[list[str]]) -> Table | None:
    """A grid table (pandoc's markdown and plain writers: ``+----+----+`` borders, ``|`` cell
    edges): merged cells are read as spans, as an HTML table's — a "—" merged over two columns
    is one cell over both, not a "—" and a blank; a label over several rows is one cell whose
    lines are joined.  None when the block is not a well-formed grid."""
    from etl.readers.html import join_cell_lines
    bounds = sorted({i for d in disp for i in _bound_marks(d)})
    if len(bounds) < 2:
        return None
    ncol = len(bounds) - 1
    col_of = {b: i for i, b in enumerate(bounds)}
    # open[j]: column j's cell above continues into the next row (no rule under it)
    open_cols = [False] * ncol
    owner: list[list | None] = [None] * ncol    # the cell (a dict) each column belongs to now
    rows: list[list[dict]] = []
    group: list[list[str]] = []

    def close_group() -> None:
        if not group:
            return
        pipes = [i for i, ch in enumerate(group[0]) if ch in ("|", "+") and i in col_of]
        if len(pipes) < 2:
            return
        row: list[dict] = []
        for a, b in zip(pipes, pipes[1:]):
            c0, c1 = col_of[a], col_of[b]
            texts = ["".join(d[a + 1:b]).strip() for d in group]
            if all(open_cols[c0:c1]) and owner[c0] is not None:
                cell = owner[c0]
                cell["lines"].extend(texts)
                cell["rs"] += 1
                row.append({"copy": cell, "c0": c0, "c1": c1})
                continue
            cell = {"lines": texts, "c0": c0, "c1": c1, "rs": 1, "row": len(rows)}
            for j in range(c0, c1):
                owner[j] = cell
            row.append(cell)
        rows.append(row)
        group.clear()

    after_rule = False   # the line before was a rule right across the table
    last_rule: list[str] = []
    for d in disp:
        if not d:
            continue
        if _is_rule("".join(ch or " " for ch in d)):
            full = all(bool(seg := d[bounds[j] + 1:bounds[j + 1]]) and all(ch in "-=:" for ch in seg)
                       for j in range(ncol))
            if after_rule and full and not group:
                # two rules right across with no line between: a row whose every cell is
                # empty, drawn with no height (w3m -dump of table 四's figure row, zeros blank);
                # its cells' edges are the joints of either rule (links draws none on the border)
                edges = {i for x in (last_rule, d) for i, ch in enumerate(x) if ch in "+|"}
                group.append(["|" if i in edges else " " for i in range(len(d))])
            after_rule, last_rule = full, d
            # a rule under some columns; a column without one continues its cell (a label
            # over several rows), whose text may go on on this line
            close_group()
            for j in range(ncol):
                seg = d[bounds[j] + 1:bounds[j + 1]]
                rule = bool(seg) and all(ch in "-=:" for ch in seg)
                open_cols[j] = not rule
                text = "".join(seg).strip()
                if not rule and text and owner[j] is not None and owner[j]["c0"] == j:
                    owner[j]["lines"].append(text)
            continue
        if d[0] != "|":
            return None
        after_rule = False
        group.append(d)
    close_group()
    if not rows:
        return None
    out: list[list[Cell]] = []
    for r, row in enumerate(rows):
        cells: list[Cell] = []
        for item in row:
            origin = item.get("copy") or item
            text = join_cell_lines([x for x in origin["lines"] if x])
            first = "copy" not in item
            for c in range(item["c0"], item["c1"]):
                cells.append(Cell(text, r, c, origin["rs"], origin["c1"] - origin["c0"],
                                  is_span_copy=not (first and c == item["c0"])))
        out.append(cells)
    return Table(out)


def _markdown_blocks(lines: list[str]) -> list:
    """Paragraphs and pipe tables.  A table has the columns its header and ``|---|`` rows
    print (without a ``|---|`` row: its first row's): a shorter row is padded with empty cells
    at its end (GFM: "the remainder of the cells are empty"), so a row whose trailing blank
    cells were dropped keeps every cell in its column."""
    blocks: list = []
    rows: list[list[str]] = []
    width, outer = None, True   # the current table's delimiter row: column count, outer pipes

    def flush() -> None:
        if rows:
            w = max(width or 0, len(rows[0]))
            blocks.append(Table.from_texts([r + [""] * (w - len(r)) for r in rows]))
            rows.clear()

    delim_at = -1
    grid_end = -1
    for i, ln in enumerate(lines):
        s = ln.strip()
        if i < grid_end:
            continue
        if _GRID_BORDER.fullmatch(s):
            end = next((j for j in range(i + 1, len(lines)) if not lines[j].strip().startswith(("|", "+"))), len(lines))
            grid = _grid_table(lines[i:end])
            if grid is not None:
                flush()
                width, outer = None, True
                blocks.append(grid)
                grid_end = end
                continue
        if i == delim_at or (rows and _md_delim(s, dashes=3)):
            # the |---|---| delimiter row; converters also print one after every row (a row
            # of single dashes further down is figures: - = not applicable)
            continue
        head = _md_delim(lines[i + 1].strip()) if not rows and "|" in s and i + 1 < len(lines) else None
        if head is not None:
            width, outer = head   # a table's first row: its delimiter row follows
            delim_at = i + 1
        if s.startswith("|") or head is not None or (width and not outer and "|" in s):
            rows.append(_md_row(s, width, outer))
            continue
        if rows and width and not outer and s and i + 1 < len(lines) and " | " in lines[i + 1]:
            rows.append([_md_cell(s)])   # html2text: a one-cell row (a colspan) prints no pipe
            continue
        flush()
        width, outer = None, True
        if re.fullmatch(r"-{3,}", s) and i + 1 < len(lines) and " | " in lines[i + 1]:
            # html2text's delimiter under a one-cell first row (第二十条第（一）项 over a colspan):
            # the rows below are cells joined by " | " without outer pipes
            width, outer = 1, False
            continue
        if s:
            blocks.append(Paragraph(s.lstrip("#").strip()))
    flush()
    return _numbered(blocks)
