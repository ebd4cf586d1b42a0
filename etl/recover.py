"""Recovering figures from damaged text, using the structure the template guarantees.

Crawler text often runs a whole table together: ``…予以公开7000007（二）部分公开…``.  The
labels survive, the cell boundaries do not.  :func:`parse_flat` cuts the text into
(label, digit run) pairs, strips the ordinal of the next label (``…00000002.其他法律…``: the
final ``2`` is the ordinal) and segments each digit run into the row's cells:

* a run is split into non-negative integers without leading zeros (``0`` itself is fine);
  spaces in the run are cell boundaries that must be kept;
* table 三: each row must satisfy 总计 = sum of the six applicant columns; if several rows
  still have more than one split, the column identities (outcomes sum to （七）总计, new +
  carried = total + carried to next) choose among the combinations;
* table 四: the 15 cells must satisfy 维持 + 纠正 + 其他 + 尚未审结 = 总计 in each block;
* table 二 has no identity: a run with more than one split is flagged ``uncertain`` with
  its candidates, and the value shown is the most plausible one (本年增/减 = 0, equal
  新制作/新公开 counts, stock ≥ flow), never presented as certain — unless the report's
  narrative states a figure of the row that only some cuts print (:mod:`etl.narrative`):
  those cuts are kept, and the cells they all agree on are read (method ``narrative``);
* a table-二 cell printed ``—`` is a cell of the run (null: not applicable), as in
  :func:`etl.numbers.parse_cell`; ``——`` may be one cell or two, cut like digits;
* a table-二 sub-table printed transposed (its items 规章 行政规范性文件 as columns, one row per
  column head) is read per column head: the run holds one cell per item, cut as above and
  flagged when several cuts fit; a head or row it cannot match one to one flags every cell.

Every value read this way has provenance method ``split``.
"""
from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Callable

from etl import headers, narrative, vocab
from etl.numbers import INVISIBLE, CellValue, parse_cell
from etl.parse_state import ParseState, Row

_VALID = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
#: a table-二 cell printed ``—`` (not applicable: null by the spec); ``——`` is one dash in
#: Chinese typesetting, so a run of dashes is cut like a run of digits
_DASH_CELL = re.compile(r"—{1,2}")
_DASHES = re.compile(r"[—―–]")
MAX_CANDIDATES = 5000


def looks_flat(text: str) -> bool:
    """Table 三's labels run together with the digits of their rows (no cell separators)."""
    n = vocab.norm(text)
    if "本年新收政府信息公开申请数量" in n and ("结转下年度" in n or "转下一年度" in n):
        return True
    # the agency's own wording of some rows (本年度新收到的申请): table 三's heading and most of
    # its other row labels are in the text
    if not any(m in n for m in ("收到和处理政府信息公开申请情况", "本列数据的勾稽关系")):
        return False
    if sum(1 for lab in vocab.T3_ROWS if lab.matches(n)) >= len(vocab.T3_ROWS) // 2:
        return True
    # short labels and zero rows left out (fewer labels than that): rows whose label words
    # run straight into a row's worth of digits (seven figures) are table 三 run together
    return sum(1 for lab in vocab.T3_ROWS if any(
        re.search(re.escape(f) + r"[^\d。，；]{0,8}\d(?:\s?\d){6}", n) for f in lab.match)) >= 4


MAX_DIGITS = 10  # a printed count or amount never has more digits than this


def segment(tokens: list[str], k: int, limit: int = MAX_CANDIDATES,
            prune: Callable[[list[str]], bool] | None = None) -> list[list[str]]:
    """All ways to cut the tokens (space-separated digit strings) into exactly k numbers.

    Spaces are kept as cell boundaries; a number has no leading zero (``0`` itself is fine)
    and at most :data:`MAX_DIGITS` digits.  ``prune(parts)`` is called on every prefix and
    may return False to abandon it (identities checked as soon as their cells are known).
    """
    tokens = [t for t in tokens if t]
    text = "".join(tokens)
    ends: list[int] = []
    pos = 0
    for t in tokens:
        pos += len(t)
        ends.append(pos)
    boundary = set(ends)
    n = len(text)
    out: list[list[str]] = []

    def rec(start: int, parts: list[str]) -> None:
        if len(out) >= limit:
            return
        left = k - len(parts)
        if left == 0:
            if start == n:
                out.append(parts)
            return
        # every remaining token boundary needs a cut, and every part needs a character
        if n - start < left or sum(1 for e in ends if e > start) > left:
            return
        for end in range(start + 1, min(n, start + MAX_DIGITS + 12) + 1):
            piece = text[start:end]
            if len(piece.split(".")[0].lstrip("-")) > MAX_DIGITS:
                break
            if _VALID.fullmatch(piece) or _DASH_CELL.fullmatch(piece):
                nxt = parts + [piece]
                if prune is None or prune(nxt):
                    rec(end, nxt)
            elif re.match(r"-?0\d", piece) or (piece[0] == "—" and not _DASH_CELL.fullmatch(piece)):
                break  # a leading zero never becomes valid by growing (0.04 does: 0. grows)
            if end in boundary:
                break  # cannot cut across a space

    if k >= len(tokens):
        rec(0, [])
    return out


def _chunks(region: str, allow_decimal: bool, dashes: bool = False) -> list[tuple[str, str, str]]:
    """(label text, digit run, unit) triples in order; ordinals of following labels removed.
    With ``dashes`` a ``—`` (a cell printed not applicable) is part of a run, as a digit is."""
    # a comma before three digits is a thousands separator inside a cell (4,119), not a label
    if dashes:
        region = _DASHES.sub("—", region)
        pat = re.compile(r"(?:-?\d|—)(?:[\d —-]|,(?=\d{3}))*(?:\.\d+)?")
    else:
        pat = re.compile(r"-?\d(?:[\d -]|,(?=\d{3}))*(?:\.\d+)?" if allow_decimal else r"\d(?:[\d ]|,(?=\d{3}))*")
    out: list[tuple[str, str, str]] = []
    label_acc = ""
    pos = 0
    for m in pat.finditer(region):
        run = m.group(0)
        label_acc += region[pos:m.start()]
        after = region[m.end():m.end() + 2]
        pos = m.end()
        ordinal = ""
        if after[:1] in (".", "、", "．") and len(after) > 1 and not after[1].isdigit() and not after[1].isspace() \
                and run.rstrip()[-1:].isdigit():
            # '…00000002.其他法律…': the last digit is the next label's ordinal
            stripped = run.rstrip()
            ordinal, run = stripped[-1], stripped[:-1]
        rest = region[pos:pos + 3].lstrip()
        unit = next((u for u in ("万元", "亿元", "千元", "元") if rest.startswith(u)), "")
        if run.strip():
            out.append((label_acc, run.replace(",", "").strip(), unit))
            label_acc = ""
        label_acc += ordinal
    return out


def _region(n: str, start_marks: tuple[str, ...], end_marks: tuple[str, ...], after: int = 0) -> tuple[int, int]:
    starts = [n.find(m, after) for m in start_marks]
    starts = [s for s in starts if s >= 0]
    if not starts:
        return -1, -1
    s = min(starts)
    ends = [n.find(m, s + 1) for m in end_marks]
    ends = [e for e in ends if e > s]
    return s, (min(ends) if ends else len(n))


_FLAT_MARK = re.compile(r"(?<=[0-9０-９])(?:[\u2460-\u249b\u24ea\u2776-\u2793\u00b9\u00b2\u00b3\u2070-\u2079]"
                        r"|[\[［〔【]\s*(?:注\s*)?\d{1,2}\s*[\]］〕】]|注\s*\d{1,2})")
_DIGIT_RUN = re.compile(r"[0-9０-９][0-9０-９ \u3000]*[0-9０-９]")
GARBLE_MARK = "⸮"   # put before a run of digits that cannot be read as printed


def _mark_mixed_width(m: re.Match) -> str:
    run = m.group(0)
    wide = any("０" <= c <= "９" for c in run)
    return GARBLE_MARK + run if wide and any("0" <= c <= "9" for c in run) else run


def _flat_text(text: str) -> str:
    """Run-together text for the flat readers: footnote markers after a digit become a cell
    boundary before NFKC (which would fold ① into 1: 48① → 481); a run mixing full- and
    half-width digits (１2 3) is marked as unreadable (:data:`GARBLE_MARK`)."""
    import unicodedata
    if not text.isascii():
        text = _DIGIT_RUN.sub(_mark_mixed_width, _FLAT_MARK.sub(" ", text))
    t = unicodedata.normalize("NFKC", INVISIBLE.sub("", text))
    t = t.replace("\u3000", " ").replace("\xa0", " ").replace("\u2212", "-")
    t = re.sub(r"[\t\r\n ]+", " ", t)
    return _CJK_SPACE.sub("", t)   # 规 章, 行 政 许 可: spaces inside a label are no cell boundary


_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def parse_flat(text: str, template: str, state: ParseState) -> bool:
    """Read tables 二/三/四 from run-together text into the parser state ``state``."""
    n = _flat_text(text)
    t3_marks = ("收到和处理政府信息公开申请情况", "本列数据的勾稽关系")
    s2, _ = _region(n, ("第二十条第",), t3_marks)
    s3, e3 = _region(n, t3_marks, ("行政复议",), after=max(s2, 0))
    if s2 >= 0:
        _flat_t2(n[s2:s3 if s3 > s2 else len(n)], template, state)
    single = template == "2019"
    if s3 >= 0:
        shape = _flat_t3(n[s3:e3], state)
        single = single if shape is None else shape
        s4, e4 = _region(n, ("行政复议",), ("存在的主要问题", "五、", "其他需要报告"), after=e3 - 1)
        if s4 >= 0:
            _flat_t4(n[s4:e4], state)
    return single


def _row(label: str) -> Row:
    return Row([label], [], [], table=None, row=None, page=None)


def _put_split(state: ParseState, key: str, raw: str, value: int | None, row: Row,
               method: str = "split") -> None:
    cv = CellValue(Decimal(str(value)) if value is not None else None,
                   "number" if value is not None else "unknown", "", raw)
    state.put(key, cv, row, 0, method=method)


# --------------------------------------------------------------------------- table 三

def _flat_t3(region: str, state: ParseState) -> bool | None:
    """Read table 三; returns whether （六）其他处理 is printed as a single row (None: the
    region holds no table 三 to tell)."""
    rows: dict[str, tuple[str, list[list[int]]]] = {}
    no_fit: set[str] = set()  # rows none of whose splits satisfies the row total
    twice: dict[str, str] = {}  # rows printed again with other digits: the second run
    head = region[:region.find("本年新收")] if "本年新收" in region else ""
    if "申请人情况" in head:
        head = head[head.rfind("申请人情况"):]
    printed_order = headers.flat_t3_header_order(head)
    # 总计 printed first: each split is put in the template's order (总计 last) before the
    # row-sum test.  The header's words alone do not tell it from a 总计 head spanning the
    # three header rows at the right (申请人情况 总计 自然人 … in reading order): the figures must
    # — some row sums only with 总计 first, none only with 总计 last; else flagged as before
    to_tmpl = None if printed_order in (None, list(vocab.T3_COL_KEYS)) else \
        [printed_order.index(k) for k in vocab.T3_COL_KEYS]
    chunks = _chunks(region, allow_decimal=False)
    if to_tmpl is not None:
        first = last = 0
        seen: set[str] = set()
        for label, run, _ in chunks:
            lab = vocab.match_t3_row(label)
            if lab is None or lab.key in seen:
                continue
            seen.add(lab.key)
            raw = [[int(x) for x in c] for c in segment(run.split(), 7, limit=500)]
            f = any(c[0] == sum(c[1:]) for c in raw)
            t = any(c[6] == sum(c[:6]) for c in raw)
            first += f and not t
            last += t and not f
        if not first or last:
            to_tmpl = printed_order = None

    def tmpl(c: list[int]) -> list[int]:
        return c if to_tmpl is None else [c[i] for i in to_tmpl]
    for label, run, _ in chunks:
        lab = vocab.match_t3_row(label)
        if lab is not None and lab.key in rows and run.replace(" ", "") != rows[lab.key][0].replace(" ", ""):
            twice.setdefault(lab.key, run)
        if lab is None or lab.key in rows:
            continue
        toks = run.split()
        cands = [tmpl([int(x) for x in c]) for c in segment(toks, 7)]
        ok = [c for c in cands if c[6] == sum(c[:6])]
        if len(cands) >= MAX_CANDIDATES:  # too many raw splits to list: keep only valid ones
            ok = [tmpl([int(x) for x in c]) for c in segment(
                toks, 7, prune=lambda p: len(p) < 7 or (int(tmpl(p)[6]) == sum(map(int, tmpl(p)[:6]))))]
        rows[lab.key] = (run, ok if ok else cands)
        if not ok and cands:
            no_fit.add(lab.key)
    nreg = vocab.norm(region)
    if not re.search(r"\d", re.sub(r"\d[.、．](?=\D)", "", nreg)):
        # not a single digit in the whole table: every cell was blank in the source — if its
        # rows are there; a region holding no row label (table 四's heading printed beside
        # table 三's, the rows further on) is no table: nothing is read, the shape is unknown
        single = "其他处理" in nreg and not any(f in nreg for f in ("逾期不补正", "收费通知"))
        labels = {lab.key: lab for lab in vocab.T3_ROWS}
        printed = [k for k in vocab.t3_rows_for("", single) if labels[k].matches(nreg)]
        if len(printed) < 3:
            return None
        row = _row("表三")
        for k in printed:
            for c in vocab.T3_COL_KEYS:
                state.put(f"t3.{k}.{c}", CellValue(Decimal(0), "blank", "", ""), row, 0, method="split")
                state.uncertain[f"t3.{k}.{c}"] = "转换后的文本中整张表三没有数字：按空白=0 记录，但无法确认原表确为空白"
        return single
    has_sub = any(f in nreg for k in vocab.T3_OTHER_SUBROWS for lab in vocab.T3_ROWS if lab.key == k
                  for f in lab.match)
    single = not has_sub and ("other_total" in rows or "其他处理" in nreg)
    order = vocab.t3_rows_for("", single)
    labels = {lab.key: lab for lab in vocab.T3_ROWS}
    for k in order:
        if k not in rows and labels[k].matches(nreg):
            rows[k] = ("", [[0] * 7])  # label printed, no digit after it: a row of blank cells
    keys = [k for k in order if k in rows]
    ambiguous = [k for k in keys if len(rows[k][1]) > 1]
    chosen: dict[str, list[int]] = {k: rows[k][1][0] for k in keys if len(rows[k][1]) == 1}
    resolved_by_columns: set[str] = set()
    if ambiguous:
        combos = itertools.product(*[rows[k][1] for k in ambiguous])
        good = []
        for i, combo in enumerate(combos):
            if i > 200_000:
                break
            trial = dict(chosen)
            trial.update(zip(ambiguous, combo))
            if _t3_columns_ok(trial, single):
                good.append(combo)
                if len(good) > 1:
                    break
        if len(good) == 1:
            chosen.update(zip(ambiguous, good[0]))
            resolved_by_columns = set(ambiguous)
        else:
            for k in ambiguous:
                chosen[k] = rows[k][1][0]
                cands = "；".join("/".join(map(str, c)) for c in rows[k][1][:5])
                for c in vocab.T3_COL_KEYS:
                    state.uncertain[f"t3.{k}.{c}"] = f"单元格连在一起的数字串 {rows[k][0]!r} 有多种切分：{cands}"
    for k in no_fit & set(chosen):
        for c in vocab.T3_COL_KEYS:
            state.uncertain[f"t3.{k}.{c}"] = (f"连写数字串 {rows[k][0]!r} 的任何切分都不满足行合计（总计 = 六类申请人之和）："
                                           "单元格可能在转换中丢失，或原表有误")
    if printed_order is None:
        for k in chosen:  # the splits verify rows and columns, not which column is which
            for c in vocab.T3_COL_KEYS:
                state.uncertain.setdefault(
                    f"t3.{k}.{c}", "连写文本中表三的表头列序与模板不同或无法识别：列的对应无法验证")
    complete = all(k in chosen for k in order)
    if chosen and not (complete and _t3_columns_ok(chosen, single)):
        # a valid table satisfies its column identities; when the chosen splits do not (or some
        # rows could not be split at all, so they cannot be verified), cells may have vanished in
        # the flattening (blank cells leave no digit) or the agency erred: trust no split
        for k in chosen:
            for c in vocab.T3_COL_KEYS:
                state.uncertain.setdefault(
                    f"t3.{k}.{c}", "连写文本切分后无法用表三列勾稽关系验证：可能有空白单元格在转换中消失，切分不可靠")
    for k in keys:
        if k not in chosen:
            for c in vocab.T3_COL_KEYS:
                state.cells.setdefault(f"t3.{k}.{c}", None)
                state.uncertain[f"t3.{k}.{c}"] = f"数字串 {rows[k][0]!r} 无法切分为 7 个单元格"
            continue
        row = _row(vocab.row_zh("t3", k))
        for c, v in zip(vocab.T3_COL_KEYS, chosen[k]):
            _put_split(state, f"t3.{k}.{c}", rows[k][0], v, row)
    for k, run in twice.items():  # never "first wins": which printing is the report's is unknown
        state.warnings.append(f"表三「{vocab.row_zh('t3', k)}」行出现两次且数字不同")
        for c in vocab.T3_COL_KEYS:
            state.flag(f"t3.{k}.{c}", f"表三该行在连写文本中出现两次，数字串不同（{rows[k][0]!r} 与 {run!r}），"
                                      "无法判断哪一个是本报告的数")
    if resolved_by_columns:
        state.warnings.append("表三以下行的数字串由列勾稽关系唯一确定切分：" + "、".join(
            vocab.row_zh("t3", k) for k in sorted(resolved_by_columns)))
    return single


def _t3_columns_ok(rows: dict[str, list[int]], single: bool) -> bool:
    outcome = vocab.T3_OUTCOME_2019 if single else vocab.T3_OUTCOME_2021
    for ci in range(7):
        if (all(k in rows for k in outcome) and "result_total" in rows
                and sum(rows[k][ci] for k in outcome) != rows["result_total"][ci]):
            return False
        need = ("new_received", "carried_over_from_prior", "result_total", "carried_to_next")
        if all(k in rows for k in need) and (rows["new_received"][ci] + rows["carried_over_from_prior"][ci]
                                             != rows["result_total"][ci] + rows["carried_to_next"][ci]):
            return False
    return True


# --------------------------------------------------------------------------- table 四

def _flat_t4(region: str, state: ParseState) -> None:
    cut = region.rfind("总计")
    tail = region[cut + 2:] if cut >= 0 else region
    m = re.match(r"\s*(\d[\d ]*)", tail)
    if not m:
        if cut >= 0 and not re.search(r"\d", tail[:40]):
            row = _row("表四")
            for r in vocab.T4_ROW_KEYS:
                for c in vocab.T4_COL_KEYS:
                    state.put(f"t4.{r}.{c}", CellValue(Decimal(0), "blank", "", ""), row, 0, method="split")
                    state.uncertain[f"t4.{r}.{c}"] = "转换后的文本中表四没有数字：按空白=0 记录，但无法确认原表确为空白"
        return
    run = m.group(1).strip()
    toks = run.split()
    header_ok = headers.flat_t4_header_is_template(region[:cut + 2 + m.start(1)])
    def blocks_ok(parts: list[str]) -> bool:
        if len(parts) % 5:
            return True
        v = [int(x) for x in parts[-5:]]
        return sum(v[:4]) == v[4]

    cands = [[int(x) for x in c] for c in segment(toks, 15, limit=21, prune=blocks_ok)]
    row = _row("行政复议、行政诉讼")
    keys = [f"t4.{r}.{c}" for r in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS]
    if not cands:
        for k in keys:
            state.cells.setdefault(k, None)
            state.uncertain[k] = f"表四数字串 {run!r} 没有满足各块合计的切分"
        return
    for k, v in zip(keys, cands[0]):
        _put_split(state, k, run, v, row)
        if not header_ok:
            state.uncertain.setdefault(k, "连写文本中表四的表头顺序与模板不同或无法识别：列的对应无法验证")
    if len(cands) > 1:
        alts = "；".join("/".join(map(str, c)) for c in cands[:3])
        for k in keys:
            state.uncertain[k] = f"表四数字串 {run!r} 有多种满足合计的切分：{alts}"


# --------------------------------------------------------------------------- table 二

_T2_ROW_NAMES = re.compile(
    r"其他对外管理服务事项(?:\([^)]*\))?|行政规范性文件|规范性文件|规章|行政许可|行政处罚|行政强制|"
    r"行政事业性收费|政府集中采购|其他主动公开文件")


_GARBLED_RUN = re.compile(r"\d[lIi|Oo〇○◯SZB]|[lIi|Oo〇○◯SZB⸮]\d")


def _garbled_t2_rows(region: str) -> dict[str, str]:
    """Table-二 rows whose run of digits holds a look-alike letter (l100, 24l8): the digits
    alone would read as a shorter, wrong number.  {row key: the damaged run}."""
    if not _GARBLED_RUN.search(region):
        return {}
    names = list(_T2_ROW_NAMES.finditer(region))
    out: dict[str, str] = {}
    for i, m in enumerate(names):
        body = region[m.end(): names[i + 1].start() if i + 1 < len(names) else len(region)]
        lab = vocab.match_t2_row(m.group(0))
        bad = _GARBLED_RUN.search(body)
        if lab and bad:
            out[lab.key] = body[max(0, bad.start() - 6): bad.end() + 6]
    return out


#: a figure written in Chinese numerals (六, 十三, 一〇五); 万 alone is a unit, not a figure
_CN_FIGURE = re.compile(r"[零〇○一二两三四五六七八九十百千][零〇○一二两三四五六七八九十百千万]*")
_BRACKETED_NOTE = re.compile(r"[（(][^（()）]*[）)]")
_NOTE_MARK = re.compile(r"注\s*[:：]?\s*(\d{1,2})\s*[.．、:：)）]")


def _flat_t2(region: str, template: str, state: ParseState) -> None:
    region = _take_transposed_t2(region, state)
    # the numbers of the table's notes (注：1.… / 注1：…): a mark after a row label runs into its figures
    marks = sorted(set(_NOTE_MARK.findall(region)), key=len, reverse=True)
    cols: list[str] = []
    garbled = _garbled_t2_rows(region)
    split = _split_t2_rows(region)
    seq = False        # the sub-table prints a 序号 column: its numbers run into the rows'
    prev: tuple[str, list[str], str] | None = None   # the row read last: key, layout, its run
    printed: list[tuple[str | None, str, list[str], int | None]] = []   # rows in printed order
    chunks = _chunks(region, allow_decimal=True, dashes=True)
    # the text keeps white space between a row's cells (a cell per line, cells joined by spaces):
    # a row with fewer figures than columns lost blank cells, its digits did not run together
    spaced = any(len(run.split()) >= 2 for _lab, run, _u in chunks)
    for label, run, unit in chunks:
        before = cols   # the columns in effect before this chunk's header words
        names = list(_T2_ROW_NAMES.finditer(label))
        head = label[:names[-1].start()] if names else label
        cut = min([i for i in (head.find("第二十条"), names[0].start() if names else -1) if i >= 0], default=len(head))
        if prev is not None and not _ROW_END.fullmatch(label[:cut]):
            # text inside the row's digits (11件434.936, 减少3, 持平, (3), 含修订2件, a look-alike
            # glyph): the run read for the row is only a part of its cells
            _flag_t2_row(state, prev[0], prev[1], f"数字串 {prev[2]!r} 后夹有文字「{label[:cut].strip()[:12]}」，"
                         "单元格边界无法确定")
        prev = None
        header = re.sub(r"\s+", "", head)   # 信息 内容: a header word broken over lines
        if "第二十条" in header:
            cols = []   # a new sub-table: the previous one's columns end here
            seq = "序号" in header[header.rfind("第二十条"):]
        if "信息内容" in header:
            cols = _flat_t2_cols(header[header.rfind("信息内容"):])
        if not names:
            words = _unlabelled_t2_words(header)
            if words is not None:
                printed.append((None, f"{words or '标签为空'}：{run}", cols, None))
            continue
        last = names[-1]
        lab = vocab.match_t2_row(last.group(0))
        for m in names[:-1]:
            # a row named before this one with no digits of its own (its cells printed ／, 无,
            # 十二): printed, not readable — flagged, never dropped
            early = vocab.match_t2_row(m.group(0))
            if early is None or (lab is not None and early.key == lab.key) or early.key in split \
                    or any(k.startswith(f"t2.{early.key}.") for k in state.cells):
                continue
            # its sub-table's columns: those before a 第二十条 heading that follows it; how many
            # cells it prints is not known, so also the columns a local variant adds
            own = before if "第二十条" in label[m.end():last.start()] else cols
            lay = _t2_row_layout(early.key, own, template) or sorted(vocab.T2_ROW_COLS.get(early.key, ()))
            printed.append((early.key, m.group(0), own, None))
            _flag_t2_row(state, early.key, lay + vocab.t2_unnamed_cols(early.key, lay, template),
                         f"「{m.group(0)}」后没有数字（单元格印作／、无或汉字数字等）：该行的值无法读取")
        if lab is None:
            continue
        printed.append((lab.key, last.group(0), cols, None))
        layout = _t2_row_layout(lab.key, cols, template)
        if not layout:
            # a row the template lacks (其他主动公开文件) under a header not fully read: its
            # cells are known by the row, their values are not
            _flag_t2_row(state, lab.key, sorted(vocab.T2_ROW_COLS.get(lab.key, ())),
                         "该行不在模板中，表头列名无法全部识别，数字串无法对应到列")
            continue
        part = label[last.start():].strip()
        if lab.key in split:
            # 行政强制措施 / 行政强制执行 printed for 行政强制: cell boundaries are lost, so the
            # parts cannot be summed with any proof; the row is flagged
            for c in filter(None, layout):
                state.cells.setdefault(f"t2.{lab.key}.{c}", None)
                state.uncertain[f"t2.{lab.key}.{c}"] = f"该行拆成「{part}」等部分印刷，连写文本中无法按部分相加"
            continue
        if lab.key in garbled:
            for c in layout:
                state.cells.setdefault(f"t2.{lab.key}.{c}", None)
                state.uncertain[f"t2.{lab.key}.{c}"] = f"数字串 {garbled[lab.key]!r} 中夹有字母（识别错误），无法读取"
            continue
        if re.search(r"[¥￥]\s*$", label):
            unit = unit or "元"   # ¥1036290: the yuan sign before the amount
        _flat_t2_row(lab.key, layout, run, unit, state, spaced)
        prev = (lab.key, layout, run)
        words = _CN_FIGURE.search(_BRACKETED_NOTE.sub("", label[last.end():]))
        if words:
            # 政府集中采购六25.1万元: the row's first figure in words before the digits — the
            # run holds fewer cells than the row, its cut proves nothing
            _flag_t2_row(state, lab.key, layout, f"行标签后有汉字数字「{words.group(0)}」，数字串 {run!r} "
                         "只是该行的一部分单元格，无法确定对应的列")
        mark = next((m for m in marks if run.startswith(m)), None)
        if mark is not None:
            # a note mark typed after the label (规章1) runs into the figures: the run's first
            # digits may be the mark of the table's note 注：1.… rather than the first cell
            _flag_t2_row(state, lab.key, layout, f"表下注释以 {mark} 编号，数字串 {run!r} 开头的 {mark} "
                         "可能是行标签后的注释符号，也可能是第一个单元格：无法确定")
        if layout is not cols and len(layout) > 1:
            # no header of this sub-table names the columns (or it names fewer than the
            # template's: words not read): the run was cut by the template's count of cells
            why = f"表头缺失或列名无法全部识别，数字串 {run!r} 按模板列数切分，未经证实"
            _flag_t2_row(state, lab.key, layout, why)
            # a column some agencies add (本年项目数量) may be in the run too: known not to be absent
            _flag_t2_row(state, lab.key, sorted(vocab.T2_ROW_COLS.get(lab.key, set()) - set(layout)), why)
        if seq:
            _flag_t2_row(state, lab.key, layout, f"表格有序号列，序号与数字串 {run!r} 连在一起，无法区分")
    _flag_trailing_t2_rows(region, cols, template, split, printed, state)
    flag_unlabelled_t2(state, template, printed)


def _flag_trailing_t2_rows(region: str, cols: list[str], template: str, split: set[str],
                           printed: list, state: ParseState) -> None:
    """Rows named after the table's last figure (行政处罚 行政强制 行政事业性收费 whose cells were
    blank and dropped by the text extraction): printed, not readable — flagged, never dropped."""
    last = max((m.end() for m in re.finditer(r"\d|—", region)), default=0)
    tail = region[last:]
    for m in _T2_ROW_NAMES.finditer(tail):
        lab = vocab.match_t2_row(m.group(0))
        if lab is None or lab.key in split or any(k.startswith(f"t2.{lab.key}.") for k in state.cells):
            continue
        seg = re.sub(r"\s+", "", tail[:m.start()])
        own = cols
        if "信息内容" in seg:
            own = _flat_t2_cols(seg[seg.rfind("信息内容"):])
        elif "第二十条" in seg:
            own = []
        lay = _t2_row_layout(lab.key, own, template) or sorted(vocab.T2_ROW_COLS.get(lab.key, ()))
        printed.append((lab.key, m.group(0), own, None))
        _flag_t2_row(state, lab.key, lay + vocab.t2_unnamed_cols(lab.key, lay, template),
                     f"「{m.group(0)}」后没有数字（单元格空白或印作／、无等，文本中已看不出）：该行的值无法读取")


_SUB_HEAD = re.compile(r"第二十条(?:第\s*[(（]?\s*[0-9一二三四五六七八九十]{1,3}\s*[)）]?\s*项)?")
_FIRST_RUN = re.compile(r"\d|—")
#: what a transposed row label may hold besides its column's words
_COL_FILLER = re.compile(r"[\s:：;；,，。.、()（）/]|单位|[万亿千]?元|本年度?|上一?年度?|数量|件数|[数件个项]")


def _transposed_head(sub: str) -> tuple[int, list[re.Match]] | None:
    """A sub-table of table 二 printed transposed (its items as columns, 规章 行政规范性文件,
    then one row per column head, 本年制发件数 0 69 …): where its body starts and the item
    names of its header; None when the header names a column after no item (the usual layout
    names the columns first and each row's item just before its digits)."""
    h = _SUB_HEAD.match(sub)
    body = h.end() if h else 0
    first = _FIRST_RUN.search(sub, body)
    head = sub[body:first.start() if first else len(sub)]
    names = list(_T2_ROW_NAMES.finditer(head))
    if not names or not any(_flat_t2_cols(re.sub(r"\s+", "", head[names[-1].end():]))):
        return None
    return body, names


def _take_transposed_t2(region: str, state: ParseState) -> str:
    """Read the transposed sub-tables of table 二 (:func:`_flat_t2_transposed`); the rest of the
    region, for the usual reader."""
    starts = [m.start() for m in re.finditer("第二十条", region)]
    keep = [region[:starts[0]] if starts else region]
    for a, b in zip(starts, starts[1:] + [len(region)]):
        sub = region[a:b]
        found = _transposed_head(sub)
        if found is None:
            keep.append(sub)
        else:
            _flat_t2_transposed(sub[found[0]:], found[1], state)
    return "".join(keep)


def _flat_t2_transposed(body: str, names: list[re.Match], state: ParseState) -> None:
    """Read a transposed sub-table: each column head's run holds one cell per item, in the
    header's order of items.  A run that several cuts fit is flagged with its cuts (the value
    shown is the most plausible joint reading); a header or row that cannot be matched to items
    and columns one to one flags every cell of the sub-table — never a guess."""
    head_end = names[-1].end()
    items = [vocab.match_t2_row(m.group(0)) for m in names]
    keys = [lab.key if lab else "" for lab in items]
    gaps = [body[a.end():b.start()] for a, b in zip(names, names[1:])]
    problem = ""
    if "" in keys or len(set(keys)) < len(keys) or any(g.strip(" 、,，/") for g in gaps):
        problem = "表头的项目名称无法一一识别"
    rows: list[tuple[str, str, str]] = []   # (column key or "" for another year's, run, unit)
    for i, (label, run, unit) in enumerate(_chunks(body, allow_decimal=True, dashes=True)):
        words = re.sub(r"\s+", "", label[head_end:] if i == 0 else label)
        cols = _flat_t2_cols(words)
        rest = words
        for lab in vocab.T2_COLS:
            for f in (vocab.norm(lab.zh), *lab.match):
                rest = rest.replace(f, "")
        if len(cols) != 1 or _COL_FILLER.sub("", rest) or cols[0] in {c for c, _, _ in rows}:
            problem = problem or f"行标签「{words[:16]}」无法对应到唯一的列"
        elif cols[0] and not all(cols[0] in vocab.T2_ROW_COLS.get(k, ()) for k in keys if k):
            problem = problem or f"列「{vocab.col_zh('t2', cols[0])}」不属于表头的全部项目"
        rows.append((cols[0] if len(cols) == 1 else "", run, unit))
    names_zh = "、".join(m.group(0) for m in names)
    if problem or not rows:
        why = f"表二转置印刷（{names_zh}为列），{problem or '没有数字'}，单元格无法定位"
        for k in filter(None, keys):
            _flag_t2_row(state, k, sorted({c for c, _, _ in rows if c in vocab.T2_ROW_COLS.get(k, ())}), why)
        return
    n = len(keys)
    per_row: list[list[list[str]]] = []
    for col, run, _unit in rows:
        def ok(c: list[str], col: str = col) -> bool:
            return (col in vocab.MONEY_COLS or not any("." in x for x in c)) and \
                (col in vocab.SIGNED_COLS or not any(x.startswith("-") for x in c))
        per_row.append(_t2_cuts(run, n, ok))
    pick = _joint_pick(keys, [c for c, _, _ in rows], per_row)
    for (col, run, unit), cands, best in zip(rows, per_row, pick):
        if not col:
            continue
        row_keys = [f"t2.{k}.{col}" for k in keys]
        if not cands:
            for k in row_keys:
                state.flag(k, f"表二转置印刷（{names_zh}为列），「{vocab.col_zh('t2', col)}」的数字串 {run!r} "
                           f"无法切分为 {n} 个单元格")
            continue
        for k, raw, item in zip(row_keys, best, keys):
            cv = parse_cell(raw + (unit if col in vocab.MONEY_COLS and raw[0] != "—" else ""))
            state.put(k, CellValue(cv.value, cv.semantic, cv.unit, run), _row(vocab.row_zh("t2", item)), 0,
                      method="split")
        if len(cands) > 1:
            alts = _cuts_text(cands)
            for k in row_keys:
                state.uncertain[k] = (f"表二转置印刷（{names_zh}为列），「{vocab.col_zh('t2', col)}」连在一起的数字串 "
                                      f"{run!r} 有 {len(cands)} 种切分（{alts}），表二没有勾稽关系可以判定；"
                                      "显示的是最可能的一种")


def _cuts_text(cands: list[list[str]]) -> str:
    """The first six cuts of a digit run, for a flag's reason (1/0/7105；10/7/105…)."""
    return "；".join("/".join(c) for c in cands[:6]) + ("…" if len(cands) > 6 else "")


def _joint_pick(keys: list[str], cols: list[str], per_row: list[list[list[str]]]) -> list[list[str]]:
    """One cut per row of a transposed sub-table: the most plausible over the items' columns
    together (:func:`_plausibility` per item) when the combinations are few, else each row's
    cut with the shortest longest cell."""
    def short(c: list[str]) -> int:
        return -max(len(x) for x in c)
    rows = [c or [["—"] * len(keys)] for c in per_row]
    total = 1
    for c in rows:
        total *= len(c)
    if total > MAX_CANDIDATES:
        return [max(c, key=short) for c in rows]

    def score(combo: tuple[list[str], ...]) -> tuple:
        s = 0
        for j in range(len(keys)):
            layout = [c for c in cols if c]
            cells = [combo[i][j] for i, c in enumerate(cols) if c]
            s += _plausibility(layout, cells)[0] if layout else 0
        return (s, sum(short(c) for c in combo))
    return list(max(itertools.product(*rows), key=score))


#: the characters of a sub-table's header in run-together text (第二十条第(六)项信息内容上一年项目数量…)
_T2_HEAD_CHARS = frozenset("第二十条项一三四五六七八九信息内容单位万元件数量金额本上年" + "".join(
    vocab.norm(lab.zh) + "".join(lab.match) for lab in vocab.T2_COLS) + "()（）:：/、,，.。;；")


def _unlabelled_t2_words(label: str) -> str | None:
    """The words of a table-二 row that prints a digit run with no row name before it: "" when
    its label is lost (only a sub-table's header precedes the run), the words when they are a
    short label the vocabulary does not know (规范性档案); None for a note or a header cut by a
    digit."""
    if not any(c not in _T2_HEAD_CHARS and not c.isspace() for c in label):
        return ""
    words = label.strip()
    return words if len(words) <= 12 and "第二十条" not in words else None


def flag_unlabelled_t2(state: ParseState, template: str,
                       printed: list[tuple[str | None, str, list[str], int | None]]) -> None:
    """Table-二 rows printed with figures but no label the vocabulary knows (the label cell left
    empty because the row above was omitted, or phrased otherwise) are never dropped silently
    and never taken by position as sure: the template rows such a row could be are flagged.

    ``printed`` is table 二's rows in printed order: (row key, None for such a row; the row as
    printed; the column keys its sub-table's header names; its count of figures, None when
    not known).  The candidates are the template rows not read that sit between the labelled
    rows around it and whose columns include its header's; else every template row not read
    that fits; with none, a warning says the row is not the template's and was not read.  A
    candidate's cells: the template's, the header's, and — when the row prints more figures
    than those (or their count is not known) — the columns some agencies add (本年项目数量)."""
    layout = vocab.T2_LAYOUT.get(template, {})
    order = list(layout)
    pos = {k: i for i, k in enumerate(order)}
    read = {k.split(".")[1] for k in state.cells if k.startswith("t2.")}
    groups: dict[tuple[str, ...], list[tuple[str, set[str], int | None]]] = {}   # candidates: their rows
    for i, (key, text, cols, n) in enumerate(printed):
        if key is not None:
            continue
        named = set(cols) - {""}
        unread = [k for k in order if k not in read and named <= vocab.T2_ROW_COLS.get(k, frozenset())]
        lo = next((pos[k] for k, *_ in reversed(printed[:i]) if k in pos), -1)
        hi = next((pos[k] for k, *_ in printed[i + 1:] if k in pos), len(order))
        groups.setdefault(tuple(k for k in unread if lo < pos[k] < hi) or tuple(unread), []).append((text, named, n))
    for cands, rows in groups.items():
        shown = "；".join(t for t, _, _ in rows[:3]) + (f" 等 {len(rows)} 行" if len(rows) > 3 else "")
        if not cands:
            state.warnings.append(f"表二印有数字但标签无法识别的行（{shown}）：模板中没有未读出的行与之对应，未读取")
            continue
        names = "」或「".join(vocab.row_zh("t2", k) for k in cands)
        why = f"表二印有数字但标签为空或无法识别的行（{shown}）可能是「{names}」行，无法确定"
        named = set().union(*(nm for _, nm, _ in rows))
        for k in cands:
            cols = [*layout[k], *sorted(named & vocab.T2_ROW_COLS.get(k, frozenset()))]
            if any(n is None or n > len(set(cols)) for _, _, n in rows):
                cols += vocab.t2_unnamed_cols(k, cols, template)
            for c in dict.fromkeys(cols):
                state.flag(f"t2.{k}.{c}", why)
        state.warnings.append(why)


_ROW_END = re.compile(r"[\s:：;；,，。.、]*(?:万元|亿元|千元|元)?[\s:：;；,，。.、)）]*")


def _t2_row_layout(key: str, cols: list[str], template: str) -> list[str]:
    """A table-二 row's columns: its sub-table header's when they fit the row and cover the
    template's, else the template's."""
    template_cols = list(vocab.T2_LAYOUT.get(template, {}).get(key, ()))
    fits = set(cols) - {""} <= vocab.T2_ROW_COLS.get(key, set(cols))
    covers = set(template_cols) <= set(cols)   # a header word not read leaves a template column out
    return cols if cols and fits and covers else template_cols


def _flag_t2_row(state: ParseState, key: str, layout: list[str], why: str) -> None:
    for c in filter(None, layout):
        k = f"t2.{key}.{c}"
        state.cells.setdefault(k, None)
        state.uncertain[k] = why


_PRIOR = re.compile(r"上年|去年|同比|上期")


def _split_t2_rows(region: str) -> set[str]:
    """Table-二 rows printed in parts (行政强制措施 / 行政强制执行 for 行政强制): two or more
    different labels of one row, each the row's words plus more."""
    labels: dict[str, set[str]] = {}
    for label, _run, _unit in _chunks(region, allow_decimal=True, dashes=True):
        names = list(_T2_ROW_NAMES.finditer(label))
        lab = vocab.match_t2_row(names[-1].group(0)) if names else None
        if lab is not None:
            labels.setdefault(lab.key, set()).add(vocab.norm(label[names[-1].start():]))
    return {k for k, labs in labels.items() if len(labs) > 1 and all(vocab.t2_part_label(x, k) for x in labs)}


def _flat_t2_cols(h: str) -> list[str]:
    """Column keys of a run-together table-二 header, in order; "" for a column of another
    year's figures (上年处理决定数量 before 本年处理决定数量)."""
    hits = sorted((m.start(), m.end(), lab.key) for lab in vocab.T2_COLS for f in lab.match
                  for m in re.finditer(re.escape(f), h))
    cols: list[str] = []
    last_end = 0
    for start, end, k in hits:
        if start < last_end:
            continue  # a shorter fragment inside a word already read
        before = h[last_end:start]
        cols.append("" if k != "prior_year_item_count" and _PRIOR.search(before) else k)
        last_end = end
    return cols


def _dec(x: str) -> Decimal | None:
    """A cut's cell as a value: None for ``—`` (not applicable)."""
    return None if x.startswith("—") else Decimal(x)


def _t2_cuts(run: str, k: int, ok: Callable[[list[str]], bool]) -> list[list[str]]:
    """The cuts of a table-二 digit run into k cells that ``ok`` accepts, one per reading
    (—— as one cell or two gives the same nulls)."""
    toks = re.findall(r"-?[\d.]+|—+", run)  # a minus sign or a dash always starts a new cell
    seen: set[tuple] = set()
    out = []
    for c in segment(toks, k):
        vals = tuple(_dec(x) for x in c)
        if ok(c) and vals not in seen:
            seen.add(vals)
            out.append(c)
    return out


def _flat_t2_row(row_key: str, layout: list[str], run: str, unit: str, state: ParseState,
                 spaced: bool = False) -> None:
    """One run-together table-二 row cut into its cells (``spaced``: other rows of the table keep
    white space between their cells)."""
    def ok(c: list[str]) -> bool:
        if any("." in x for x in c[:-1]) or ("." in c[-1] and layout[-1] not in vocab.MONEY_COLS):
            return False
        return not any(x.startswith("-") and col not in vocab.SIGNED_COLS for x, col in zip(c, layout))
    cands = _t2_cuts(run, len(layout), ok)
    row = _row(vocab.row_zh("t2", row_key))
    keys = [f"t2.{row_key}.{c}" if c else "" for c in layout]  # "": another year's column
    if not cands:
        for k in filter(None, keys):
            state.cells.setdefault(k, None)
            state.uncertain[k] = f"数字串 {run!r} 无法切分为 {len(layout)} 个单元格"
        return
    if len(layout) > 1 and re.search(r"\d\.00\d", run):
        # 10.003831830元: a count printed as 10.00 (a spreadsheet's format) before the amount
        # is one reading, 1|0.003831830 another — the dot cannot be placed with proof
        for k in filter(None, keys):
            state.cells.setdefault(k, None)
            state.uncertain[k] = f"数字串 {run!r} 中的小数点可能属于前一个单元格（如 10.00），无法确定切分"
        return
    told: dict[str, Decimal] = {}
    if len(cands) > 1 and state.t2_claims is not None:
        # the narrative's figures choose among the table's own cuts (etl.narrative)
        vals = [[_dec(x) for x in c] for c in cands]
        kept, told = narrative.narrow(state.t2_claims(), row_key, layout, vals)
        cands = [c for c, v in zip(cands, vals) if v in kept]
    settled = narrative.agreed([[_dec(x) for x in c] for c in cands]) if told else [None] * len(layout)
    best = max(cands, key=lambda c: _plausibility(layout, c))
    if len(cands) > 1 and layout[-1] == "procurement_amount_wan_yuan" and settled[-1] is None:
        best = None  # count and amount run together: no basis for a guess
    for i, k in enumerate(keys):
        if not k:
            continue
        if best is None and settled[i] is None:
            state.cells.setdefault(k, None)
            continue
        raw = (best or cands[0])[i]   # a settled cell: every cut left gives it
        cv = parse_cell(raw + (unit if i == len(keys) - 1 and raw[0] != "—" else ""))
        state.put(k, CellValue(cv.value, cv.semantic, cv.unit, run), row, 0,
                  method="narrative" if settled[i] is not None else "split")
    if told:
        state.warnings.append(f"表二「{vocab.row_zh('t2', row_key)}」连写数字串 {run!r} 由正文所述数字（"
                              + "、".join(f"{vocab.col_zh('t2', c)} {v}" for c, v in told.items())
                              + f"）选定切分，余 {len(cands)} 种")
    if len(cands) == 1 and len(layout) > 1 and re.search(r"\d[ \u00a0\u3000]+\d", run) and \
            len(_t2_cuts(re.sub(r"(?<=\d)[ \u00a0\u3000]+(?=\d)", "", run), len(layout), ok)) > 1:
        # a crawler's space is no proof of a cell boundary (it may fall inside a figure: 1 1
        # for 11); only the spaces made this cut the one left, and table 二 has no identity
        for k in filter(None, keys):
            state.flag(k, f"数字串 {run!r} 只因其中的空格才有唯一切分，而爬取文本中的空格可能在数字内部：无法确定")
    toks = run.split()
    if spaced and len(layout) > 1 and len(toks) < len(layout) and \
            not all(x.startswith("—") for x in toks):
        # cells printed apart elsewhere in the table, fewer figures than columns here: a blank
        # cell (0) dropped by the text extraction is as likely as digits run together (1 11 is
        # 1, blank, 11 rather than 1|1|1) and table 二 has no identity to tell (NOTES L48)
        for k in filter(None, keys):
            state.flag(k, f"本表各单元格之间有空白分隔，此行数字串 {run!r} 的数字个数少于列数（{len(layout)}）："
                          "可能有空白单元格在提取时被略去，无法确定各数所属的列")
    if len(cands) > 1:
        alts = _cuts_text(cands)
        for k, fixed in zip(keys, settled):
            if k and fixed is None:
                state.uncertain[k] = (f"单元格连在一起的数字串 {run!r} 有 {len(cands)} 种切分（{alts}），"
                                   "表二没有勾稽关系可以判定" + ("（正文所述数字已排除其余切分）" if told else "")
                                   + ("；显示的是最可能的一种" if best else ""))


def _plausibility(layout: list[str], cand: list[str]) -> tuple:
    vals = {k: d for k, v in zip(layout, cand) if (d := _dec(v)) is not None}
    score = 0
    if vals.get("item_count_change") == 0:
        score += 2
    if "newly_made_count" in vals and vals["newly_made_count"] == vals.get("newly_published_count"):
        score += 2
    if "total_published_count" in vals and vals["total_published_count"] >= vals.get("newly_published_count", 0):
        score += 1
    if "in_force_count" in vals and \
            vals["in_force_count"] >= vals.get("issued_count", 0) >= vals.get("repealed_count", 0):
        score += 2
    return (score, -max(len(x) for x in cand))


# --------------------------------------------------------------------------- damaged blanks

def flag_damaged_blanks(state: ParseState, single: bool) -> None:
    """In converter/OCR output a blank cell may be a lost digit: where a blank cell sits in a
    failing table-三 row identity (or column identity), flag it rather than trust the zero."""
    cells = state.cells

    def blank(k: str) -> bool:
        p = state.prov.get(k)
        return p is not None and p.semantic == "blank"

    for r in vocab.T3_ROW_KEYS:
        ks = [f"t3.{r}.{c}" for c in vocab.T3_COL_KEYS]
        if any(cells.get(k) is None for k in ks):
            continue
        if sum(cells[k] for k in ks[:6]) != cells[ks[6]]:
            # the 总计 blank and the row's figures not all zero: the shape of a row that lost
            # a cell and was padded with a blank one at its end (every figure after the lost
            # one sits a column left); which cell was lost is unknown (NOTES L46)
            padded = blank(ks[6]) and any(cells[k] for k in ks[:6])
            for k in ks:
                if blank(k):
                    state.uncertain.setdefault(k, "转换后的文本中此格为空（按 0 记录），但该行合计不符：可能是提取时丢失的数字")
                elif padded:
                    state.uncertain.setdefault(k, "该行总计格为空而其余各格之和不为 0：可能有一格在转换中丢失、"
                                                  "其后各数左移一列（行尾补了空格），无法确定各数所属的列")
    for c in vocab.T3_COL_KEYS:
        need = [f"t3.{r}.{c}" for r in ("new_received", "carried_over_from_prior", "result_total", "carried_to_next")]
        if any(cells.get(k) is None for k in need):
            continue
        a, b, t, nx = (cells[k] for k in need)
        if a + b != t + nx:
            for k in need:
                if blank(k):
                    state.uncertain.setdefault(k, "转换后的文本中此格为空（按 0 记录），但本列勾稽关系不符：可能是提取时丢失的数字")
