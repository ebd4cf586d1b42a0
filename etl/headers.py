"""Column keys of tables 三 and 四 from the header the report prints, whatever its order.

Agencies reorder columns (总计 first, 法人 sub-columns shuffled, 复议后起诉 before 未经复议,
尚未审结 before 其他结果) and half of such tables still pass every identity, so only the
header can tell.  Two readings of a header block (the label-only rows above the values):

* **by grid column** (:func:`column_paths`): every grid column gets the header words above it,
  top to bottom (merged cells' copies included; in pipe tables a merged cell's text is carried
  right over the empty cells after it; in Word text, which prints a merged cell once, the
  grid is rebuilt from the empty cells rows below a merged cell hold, :func:`packed_paths`).
  A value is keyed by its column's path.  Used when every value column of a row gets a
  distinct key, so extra columns (同比增减, 小计, 合计) are named and skipped.
* **by word order** (:func:`t3_order`, :func:`t4_col_order`): where grid positions are not
  reliable (a Word-text header of no single reading), the header words in reading order,
  with the 法人或其他组织 group replaced by its sub-columns.

A header that gives neither is *unmapped*.  With no column words at all the caller reads the
template order and flags the cells unless the layout is exact and the identities hold; a
header that prints column words it cannot map (an unknown or ambiguous word) is ``seen``:
the cells read in template order are always flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from etl import vocab
from etl.parse_state import Row

# leaf words of table 三's applicant columns, abbreviations included (企业, 科研, 公益组织,
# 法律服务, 其他组织); 其他 only outside 法人或其他组织 / 其他处理.  Each word names one column
# only: a header cell holding words of two columns maps to none (:func:`_unique`).
_T3_LEAF = (("natural_person", ("自然人", "公民")), ("commercial_enterprise", ("商业企业", "商业", "企业")),
            ("research_institution", ("科研机构", "科研")), ("social_welfare_org", ("社会公益", "公益")),
            ("legal_service_org", ("法律服务",)), ("total", ("总计", "合计")), ("other_org", ("其他",)))
_T3_GROUP_RE = re.compile("法人[或和及与、]?其他组织")
_T3_GROUP_SPLIT = re.compile(f"({_T3_GROUP_RE.pattern})")
T4_BLOCKS = _T4_BLOCK = (("litigation_direct", ("未经复议", "直接起诉")), ("litigation_after_reconsideration", ("复议后起诉", "复议后")),
             ("admin_reconsideration", ("行政复议",)))
_T4_LEAF = (("upheld", ("维持",)), ("corrected", ("纠正",)), ("other", ("其他",)),
            ("pending", ("尚未审结", "尚未", "未审结")), ("total", ("总计", "合计")))


@dataclass
class ColumnMap:
    """How the values of a table's rows map to column keys."""

    by_col: dict[int, str] = field(default_factory=dict)   # grid column → key (or "block.col")
    order: list[str] = field(default_factory=list)         # keys in printed order
    how: str = ""                                          # grid | order | "" (unmapped)
    other: set[int] = field(default_factory=set)           # value columns headed by other words (备注, 同比)
    seen: bool = False      # unmapped, though the header prints column words: never read by position
    absent: frozenset[str] = frozenset()  # table 三's columns the header visibly omits (not printed)
    guessed: frozenset[int] = frozenset()  # grid columns keyed by their place only (a blank 总计 header)


    @property
    def mapped(self) -> bool:
        return bool(self.how)


def _strip_t3(text: str) -> str:
    # 其他组织 names a column as a cell's last words; with more text after it, it is a wrapped
    # header read line by line across cells (其他 + 组织 of 社会公益组织, OCR): no evidence
    return _OTHER_RUN_ON.sub("", _T3_GROUP_RE.sub("", text)).replace("其他处理", "")


_OTHER_RUN_ON = re.compile("其他组织(?=.)")


def _leaf_pattern(leaves: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[re.Pattern, dict[str, str]]:
    key_of = {f: k for k, frags in leaves for f in frags}
    frags = sorted(key_of, key=len, reverse=True)  # the longest word wins where one holds another
    return re.compile("|".join(map(re.escape, frags))), key_of


_T3_PAT, _T3_KEY = _leaf_pattern(_T3_LEAF)
_T4_PAT, _T4_KEY = _leaf_pattern(_T4_LEAF)


@lru_cache(maxsize=4096)
def t3_leaf_keys(text: str) -> tuple[tuple[int, str], ...]:
    """(position, key) of every table-三 applicant column word in a normalised text."""
    return tuple((m.start(), _T3_KEY[m.group(0)]) for m in _T3_PAT.finditer(_strip_t3(text)))


@lru_cache(maxsize=4096)
def t4_leaf_keys(text: str) -> tuple[tuple[int, str], ...]:
    """(position, key) of every table-四 result column word in a normalised text."""
    return tuple((m.start(), _T4_KEY[m.group(0)]) for m in _T4_PAT.finditer(text))


def t4_block_of(text: str) -> str | None:
    for key, frags in _T4_BLOCK:
        if any(f in text for f in frags):
            return key
    return None


def column_paths(header: list[Row], keyer: Callable[[str], str | None] | None = None) -> dict[int, str]:
    """Grid column → normalised header words above it, top to bottom.

    Pipe tables print a merged cell once, then empty cells: an empty cell takes the text on
    its left when the row above spans both columns (same words there), so a group heading
    reaches its sub-columns but never crosses into a neighbouring column.  Word text prints
    a merged cell once and nothing after it (:func:`packed_paths`); where its structure
    allows several readings, ``keyer`` (a path's column key) picks the one reading that keys
    the most columns, each once — a tie between different maps gives no paths at all."""
    packed = [r for r in header if r.packed and r.head_cells]
    if packed:
        return dict(_packed_choice(tuple(tuple(vocab.norm(t) for _c, _s, t in sorted(r.head_cells)) for r in packed),
                                   keyer))
    paths: dict[int, str] = {}
    above: dict[int, str] = {}
    for row in header:
        here: dict[int, str] = {}
        carry, prev = "", None
        for col, _span, text in sorted(row.head_cells):
            t = vocab.norm(text)
            if not t and not row.spans_known and prev is not None and above.get(col) == above.get(prev):
                t = carry
            carry, prev = t, col
            here[col] = t
            if t:
                paths[col] = paths.get(col, "") + t
        above = {c: paths.get(c, "") for c in here}
    return paths


_PACKED_MAX = 256   # readings of a Word-text header tried at most


@lru_cache(maxsize=1024)
def _packed_choice(rows: tuple[tuple[str, ...], ...], keyer) -> tuple[tuple[int, str], ...]:
    """:func:`_choose` over :func:`_chains`, cached: a header block is read several times."""
    return tuple(_choose(_chains([list(r) for r in rows]), keyer).items())


def packed_paths(header: list[Row]) -> list[dict[int, str]]:
    """Every reading of a Word-text header block as grid column (counted from the right, as
    :attr:`Row.grid_cols`) → header words above it.

    Word's "save as text" prints a merged cell once: a cell spanning columns is one cell, a
    cell spanning rows leaves an empty cell in each row below.  So the bottom header row has
    one cell per column, and each cell of the row above covers either one empty cell below
    (the same column continued down) or a run of non-empty cells (its sub-columns).  Where a
    run of sub-columns could be split between neighbouring group cells in several ways, every
    split is a reading.  Returns [] when the rows do not fit this shape."""
    rows = [[vocab.norm(t) for _c, _s, t in sorted(r.head_cells)] for r in header]
    return _chains(rows)


def _parents(above: list[str], below: list[tuple[str, int, int]], limit: int,
             absorb: bool = False) -> list[list[tuple[str, int, int]]]:
    """Ways the cells ``above`` cover the (text, from, to) cells ``below``: an empty cell
    below is one column continued from above; a run of non-empty cells is split into groups.
    ``absorb``: empty cells after a run may be cells of its group too (a blank 总计 head under
    申请人情况, its word lost), tried only where no reading fits otherwise."""
    out: list[list[tuple[str, int, int]]] = []

    def go(i: int, j: int, acc: list[tuple[str, int, int]]) -> None:
        if len(out) >= limit:
            return
        if i == len(above) or j == len(below):
            if i == len(above) and j == len(below):
                out.append(list(acc))
            return
        if not below[j][0]:
            go(i + 1, j + 1, [*acc, (above[i], below[j][1], below[j][2])])
            return
        k = j
        while k < len(below) and (below[k][0] or (absorb and k > j)):
            k += 1
            go(i + 1, k, [*acc, (above[i], below[j][1], below[k - 1][2])])
    go(0, 0, [])
    return out


def _chains(rows: list[list[str]], absorb: bool = False) -> list[dict[int, str]]:
    """Every top-to-bottom reading of packed header ``rows`` as column → words; where none
    fits, the readings whose groups also take the empty cells after their runs."""
    out: list[dict[int, str]] = []
    n = len(rows[-1])
    bottom = [(t, j - n, j - n + 1) for j, t in enumerate(rows[-1])]

    def up(level: int, below: list[tuple[str, int, int]], acc: list[list[tuple[str, int, int]]]) -> None:
        if len(out) >= _PACKED_MAX:
            return
        if level < 0:
            paths: dict[int, str] = {}
            for cells in reversed(acc):
                for t, lo, hi in cells:
                    for c in range(lo, hi):
                        if t:
                            paths[c] = paths.get(c, "") + t
            out.append(paths)
            return
        for cover in _parents(rows[level], below, _PACKED_MAX, absorb):
            up(level - 1, cover, [*acc, cover])
    up(len(rows) - 2, bottom, [bottom])
    if not out and not absorb and len(rows) > 1:
        return _chains(rows, absorb=True)
    return out if len(out) < _PACKED_MAX else []


def _choose(readings: list[dict[int, str]], keyer: Callable[[str], str | None] | None) -> dict[int, str]:
    """The one reading of a header that keys the most columns, each key once; {} on a tie
    between readings that key the columns differently."""
    if len(readings) <= 1:
        return readings[0] if readings else {}
    if keyer is None:
        return {}
    best: list[tuple[dict[int, str], dict[int, str]]] = []
    top = -1
    for paths in readings:
        keyed = {c: k for c, p in paths.items() if (k := keyer(p))}
        if len(set(keyed.values())) != len(keyed):
            continue
        if len(keyed) > top:
            top, best = len(keyed), [(paths, keyed)]
        elif len(keyed) == top:
            best.append((paths, keyed))
    if not best or any(k != best[0][1] for _, k in best):
        return {}
    return best[0][0]


def _unique(keys: list[str]) -> str | None:
    s = set(keys)
    return s.pop() if len(s) == 1 else None


def t3_key(path: str) -> str | None:
    """The table-三 applicant column a header path names (one column word only)."""
    return _unique([k for _, k in t3_leaf_keys(path)])


def t3_by_grid(header: list[Row]) -> dict[int, str]:
    out: dict[int, str] = {}
    for col, path in column_paths(header, t3_key).items():
        key = t3_key(path)
        if key:
            out[col] = key
    return out


def t3_partial(header: list[Row]) -> ColumnMap | None:
    """Table 三 printed without some applicant columns, its header naming each column it
    prints: 法人或其他组织 as one column (自然人, 法人或其他组织, 总计: the group column is read
    as nothing, its five sub-columns are not printed and their sum is no key), or no 总计
    column (the six applicant columns).  A map of the named columns with the keys the table
    visibly omits (``absent``) — also a table printing only 总计; None unless every column word heads one run of columns, no
    other column holds a column word, and (without 总计) no unnamed column is printed — but
    one: the six applicant columns named and one last column with no header word of its own
    is 总计 by its place (``guessed``), to be proven by the identity."""
    paths = column_paths(header, t3_key)
    grid = t3_by_grid(header)
    if not grid or any(t3_leaf_keys(p) and c not in grid for c, p in paths.items()):
        return None   # a column with two column words: the header is not this layout
    unnamed = [c for c, p in paths.items() if c > min(grid) and _no_words_of_its_own(header, c, p)]
    # a pipe table's carry gives a column with no header text the words on its left: with
    # ink below, it is its own column, not half of a merged one
    grid = {c: k for c, k in grid.items() if c not in unnamed}
    if not grid:
        return None
    cols = sorted(grid)
    runs = column_runs(grid)
    if len(runs) != len(set(runs)):
        return None
    group = [c for c, p in paths.items() if _T3_GROUP_RE.search(p) and not t3_leaf_keys(p)]
    other = {c for c in paths if c > cols[0] and c not in grid}
    if sorted(runs) == ["natural_person", "total"] and len(group) == 1:
        absent = frozenset(vocab.T3_COL_KEYS[1:6])
    elif set(runs) == set(vocab.T3_COL_KEYS) - {"total"} and not group and not other:
        absent = frozenset({"total"})
    elif runs == ["total"] and not group and not other and not unnamed and len(
            {p for c, p in paths.items() if c < cols[0]} - {""}) <= 1:
        # only 总计 printed (申请人情况 | 总计): no applicant column in any form, nothing left of
        # it but the row labels' one header cell (not 数据1 … 数据6: columns without names)
        absent = frozenset(vocab.T3_APPLICANT_COLS)
    elif (set(runs) == set(vocab.T3_COL_KEYS) - {"total"} and not group and unnamed == [cols[-1] + 1]
          and other == {cols[-1] + 1} and max(paths) == cols[-1] + 1):
        # the six applicant columns named, then one last column without a word of its own: 总计's
        # place in the template, its header lost; read as 总计, to be proven by the identity
        # 总计 = the six applicant columns' sum (extract._read_t3)
        return ColumnMap(by_col={**grid, cols[-1] + 1: "total"}, how="grid", guessed=frozenset({cols[-1] + 1}))
    else:
        return None
    return ColumnMap(by_col=grid, how="grid", other=other, absent=absent)


def column_runs(by_col: dict[int, str]) -> list[str]:
    """The keys of a grid map in column order, one per run of neighbouring columns with the
    same key (a header cell over two grid columns names both)."""
    cols = sorted(by_col)
    return [by_col[c] for i, c in enumerate(cols) if i == 0 or by_col[cols[i - 1]] != by_col[c]]


def _no_words_of_its_own(header: list[Row], col: int, path: str) -> bool:
    """Does grid column ``col`` print no header word of its own: no text, copies of the merged
    cell on its left (the same text in column ``col - 1`` of a row whose reader expanded
    spans), or the heading over every applicant column (申请人情况)?  Word-text headers
    (merged cells printed once) are judged by the column's path (``path``)."""
    if any(r.packed for r in header):
        return not path.replace(_T3_HEADING, "")
    for row in header:
        cells = {c: vocab.norm(t) for c, _s, t in row.head_cells}
        t = cells.get(col, "")
        if t and t != _T3_HEADING and not (row.spans_known and t == cells.get(col - 1)):
            return False
    return True


_T3_HEADING = "申请人情况"


def t4_key(path: str) -> str | None:
    """The table-四 block.column a header path names."""
    leaf = _unique([k for _, k in t4_leaf_keys(path.replace("复议后起诉", "").replace("未经复议", ""))])
    block = t4_block_of(path)
    return f"{block}.{leaf}" if leaf and block else None


def t4_by_grid(header: list[Row]) -> dict[int, str]:
    out: dict[int, str] = {}
    for col, path in column_paths(header, t4_key).items():
        key = t4_key(path)
        if key:
            out[col] = key
    return out


def _t3_tokens(row: Row) -> list[str]:
    """Column words of one header row in reading order; the 法人或其他组织 group as GROUP."""
    seq: list[str] = []
    for part in (vocab.norm(t) for t in row.labels):
        for piece in _T3_GROUP_SPLIT.split(part):
            if _T3_GROUP_RE.fullmatch(piece):
                seq.append("GROUP")
            else:
                seq.extend(k for _, k in t3_leaf_keys(piece))
    return seq


_T3_TOP = ("natural_person", "total", "GROUP")


def t3_order(header: list[Row]) -> list[str]:
    """Applicant columns in printed order from header words, or [] when they do not settle it.

    The usual two-level header has one row with 自然人 / 法人或其他组织 / 总计 (in any order)
    and a row of the group's sub-columns below.  Converters also print each top-level word on
    a line of its own (自然人, then 法人或其他组织 and its sub-columns, then 总计): then the
    lines' order is the columns' order.  Anything else (top-level words split over rows that
    also hold others) is ambiguous."""
    rows = [t for t in (_t3_tokens(r) for r in header) if t]
    top_rows = [[k for k in t if k in _T3_TOP] for t in rows]
    subs: list[str] = []
    for t in rows:
        subs.extend(k for k in t if k not in _T3_TOP and k not in subs)
    wide = [i for i, t in enumerate(top_rows) if len(set(t)) >= 2]
    if wide:
        top = list(dict.fromkeys(top_rows[wide[0]]))
        others = {k for i, t in enumerate(top_rows) if i != wide[0] for k in t}
        if not others <= set(top):
            return []
    else:
        top = list(dict.fromkeys(k for t in top_rows for k in t))
    if "GROUP" in top:
        i = top.index("GROUP")
        order = top[:i] + subs + top[i + 1:]
    else:
        order = top + [k for k in subs if k not in top] if not subs or not top else []
        if not order:  # all seven words in one row, no group word
            flat = list(dict.fromkeys(k for t in rows for k in t))
            order = flat if len(rows) == 1 else []
    return order if sorted(order) == sorted(vocab.T3_COL_KEYS) else []


def t4_col_order(header: list[Row]) -> list[str]:
    """Table-四 result columns in printed order, when every block prints them in the same order.

    Each header row must name whole blocks (five result words, or none): a row naming some
    columns of a block while another row names the rest holds words cut from their cells (a
    header cut by a page break: 结果 | 结果 | 其他 | 尚未 | 总计 above, 维持 | 纠正 | 结果 | 审结
    on the next page), whose order row by row is no column order."""
    seq: list[str] = []
    for row in header:
        words: list[str] = []
        for t in row.labels:
            n = vocab.norm(t).replace("复议后起诉", "").replace("未经复议", "")
            words.extend(k for _, k in t4_leaf_keys(n))
        if len(words) % 5:
            return []
        seq.extend(words)
    if not seq:
        return []
    groups = [seq[i:i + 5] for i in range(0, len(seq), 5)]
    if sorted(groups[0]) != sorted(vocab.T4_COL_KEYS) or any(g != groups[0] for g in groups):
        return []
    return groups[0]


def t4_block_order(header: list[Row]) -> list[str]:
    """Table-四 blocks in printed order: the litigation sub-blocks as their words come, and
    行政复议 first or last as it stands to 行政诉讼."""
    lit: list[str] = []
    at: dict[str, tuple[int, int | None]] = {}   # litigation word → (header row, grid column)
    recon_last: bool | None = None
    for i, row in enumerate(header):
        text = "".join(vocab.norm(t) for t in row.labels)
        for _pos, key in sorted(
                (m.start(), k) for k, frags in _T4_BLOCK[:2] for f in frags[:1]
                for m in re.finditer(re.escape(f), text)):
            if key not in lit:
                lit.append(key)
                at[key] = (i, _word_col(row, _T4_BLOCK[0 if key == "litigation_direct" else 1][1][0]))
        cells = [vocab.norm(t) for t in row.labels]
        a = next((i for i, t in enumerate(cells) if "行政复议" in t and "行政诉讼" not in t), -1)
        b = next((i for i, t in enumerate(cells) if "行政诉讼" in t and "行政复议" not in t), -1)
        if a >= 0 and b >= 0 and recon_last is None:  # two header cells (a heading names both)
            recon_last = b < a
    if len(lit) != 2 or recon_last is None:
        return []
    (ra, ca), (rb, cb) = at[lit[0]], at[lit[1]]
    if ra != rb:
        # the two sub-blocks' words on different header lines (a skewed OCR layer, a line
        # grouping that split them): reading order says nothing of left and right; their grid
        # columns do, where the reader placed them (a Word-text row has no such columns)
        if ca is None or cb is None or ca == cb:
            return []
        lit.sort(key=lambda k: at[k][1] or 0)
    return lit + ["admin_reconsideration"] if recon_last else ["admin_reconsideration"] + lit


def t4_reconsideration_last(header: list[Row]) -> bool | None:
    """Does a table-四 header print 行政复议 right of 行政诉讼?  From cells naming one of them,
    or, where an unruled page wrapped them (行政 over 诉讼), from a cell and the one below it
    in the next header line at most a column away.  None: not told (or a Word-text row)."""
    cells: list[tuple[int, str]] = []
    lines = [[(c, vocab.norm(t)) for c, t in zip(r.label_cols, r.labels)]
             for r in header if not r.packed and len(r.label_cols) == len(r.labels)]
    for i, line in enumerate(lines):
        cells += line
        below = lines[i + 1] if i + 1 < len(lines) else []
        for c, t in line:
            near = [(abs(c2 - c), t2) for c2, t2 in below if abs(c2 - c) <= 1]
            if near:
                cells.append((c, t + min(near)[1]))
    recon = {c for c, t in cells if t.endswith("行政复议") and "诉讼" not in t}
    lit = {c for c, t in cells if t.endswith("行政诉讼") and "复议" not in t}
    if not recon or not lit:
        # a text line (an OCR layer, PDF text) holding both in reading order; a heading
        # naming both (…行政复议、行政诉讼情况) tells no columns
        said = {t.find("行政复议") > t.find("行政诉讼") for t in ("".join(vocab.norm(x) for x in r.labels)
                                                              for r in header if not r.packed)
                if "行政复议" in t and "行政诉讼" in t and "、" not in t}
        return said.pop() if len(said) == 1 else None
    if min(recon) > max(lit):
        return True
    return False if max(recon) < min(lit) else None


def _word_col(row: Row, word: str) -> int | None:
    """The grid column of the header cell holding ``word`` (None: a Word-text row, whose
    columns are not the grid's, or no single cell holds it)."""
    if row.packed:
        return None
    cols = {c for c, _s, t in row.head_cells if word in vocab.norm(t)}
    return cols.pop() if len(cols) == 1 else None


def t3_rows_by_grid(header: list[Row]) -> dict[int, str]:
    """A transposed table 三 (outcomes as columns): grid column → table-三 row key."""
    out: dict[int, str] = {}
    for col, path in column_paths(header, _t3_row_key).items():
        lab = vocab.match_t3_row(path)
        if lab is not None:
            out[col] = lab.key
    return out


def _t3_row_key(path: str) -> str | None:
    lab = vocab.match_t3_row(path)
    return lab.key if lab else None


def t3_applicant_of(label: str) -> str | None:
    """The applicant column a transposed row's label names (自然人, 法人或其他组织·商业企业 …)."""
    keys = {k for _, k in t3_leaf_keys(vocab.norm(label))}
    return keys.pop() if len(keys) == 1 else None


_T3_TWO_ROWS = ["natural_person", "GROUP", "total", *vocab.T3_COL_KEYS[1:6]]
_T3_ONE_ROW = list(vocab.T3_COL_KEYS)


#: 总计 printed first (an agency's re-layout): two header rows, or one row of seven
_T3_TOTAL_FIRST = (["total", "natural_person", "GROUP", *vocab.T3_COL_KEYS[1:6]],
                   ["total", *vocab.T3_COL_KEYS[:6]])


def flat_t3_header_order(text: str) -> list[str] | None:
    """Run-together text of table 三's header: the printed order of the seven columns when the
    words are the template's order or 总计 moved first (every row's sum then proves which
    figure is 总计); None when the words tell neither."""
    tokens = _t3_tokens(Row([text], [], []))
    if tokens in (_T3_TWO_ROWS, _T3_ONE_ROW):
        return list(vocab.T3_COL_KEYS)
    if tokens in _T3_TOTAL_FIRST:
        return ["total", *vocab.T3_COL_KEYS[:6]]
    return None


def flat_t4_header_is_template(text: str) -> bool:
    """Run-together text of table 四's header: blocks and result columns in the template's order."""
    n = vocab.norm(text)
    leaves = [k for _, k in t4_leaf_keys(n.replace("复议后起诉", "").replace("未经复议", ""))]
    a, b = n.rfind("行政复议"), n.rfind("行政诉讼")
    d, r = n.find("未经复议"), n.find("复议后起诉")
    return leaves == list(vocab.T4_COL_KEYS) * 3 and 0 <= a < b and 0 <= d < r
