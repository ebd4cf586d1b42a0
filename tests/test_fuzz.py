"""Property tests (hypothesis) of everything that reads outside input.

Short and deterministic here (``derandomize=True``, no example database, 30–200 examples per
target); ``tests/fuzz_long.py`` runs the same targets for longer with random seeds.

* every reader, through :func:`etl.extract.parse_bytes`: arbitrary bytes (behind the magic
  bytes of each format), and valid reports rendered by :mod:`synth.render` in each format then
  mutated (byte flips, deletions, insertions of format tokens, duplication, truncation; DOCX
  also inside ``word/document.xml``).  The only acceptable failure is ReportError;
* the label matchers (:func:`etl.vocab.match_t3_row` / :func:`~etl.vocab.match_t2_row`):
  never raise, answer a label of their own table, ignore white space;
* the number parser (:func:`etl.numbers.parse_cell`): never raises, and reads back every
  way a number is printed (thousands separators, full-width digits, spaces, signs, units);
* :func:`etl.recover.segment`: every split re-joins to the input digits, keeps the token
  boundaries, has no leading zeros and exactly k parts; bounded count; and for small inputs it
  finds every split a brute-force enumeration finds.

Each check is a plain function (``check_*``) with a strategy (``ST_*``) in :data:`TARGETS`,
so the long run reuses them unchanged.
"""
from __future__ import annotations

import io
import itertools
import re
import zipfile
from decimal import Decimal
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl import numbers, recover, vocab
from synth import render
from synth import generate as synth
from etl.document import ReportError
from etl.extract import parse_bytes

QUICK = dict(derandomize=True, database=None, deadline=5000, print_blob=False,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                    HealthCheck.filter_too_much])


def only_report_errors(data: bytes, name: str):
    """Parse; a ReportError is an accepted answer, anything else fails the property."""
    try:
        rep = parse_bytes(data, name)
    except ReportError as e:
        assert e.reason and "\n" not in e.reason, repr(e.reason)
        return None
    assert rep.year >= 2019 and rep.template in vocab.TEMPLATES
    return rep


# ----------------------------------------------------------------------------- seeds: valid reports
@lru_cache(maxsize=None)
def seeds() -> dict[str, tuple[bytes, str]]:
    """One valid file per format and shape: name → (bytes, file name)."""
    from reportlab import rl_config
    reps = list(synth.generate(12, seed=3))
    r19 = next(r for r in reps if r["template"] == "2019")
    r21 = next(r for r in reps if r["template"] == "2021")
    out = {
        "txt": (render.render(r21, "txt"), "r.txt"),
        "flat": (render.render(r19, "flat"), "r.txt"),
        "md": (render.render(r21, "md"), "r.md"),
        "html": (render.render(r19, "html", style="word"), "r.html"),
        "html_gbk": (render.render(r21, "html", style="nested", encoding="gb18030"), "r.html"),
        "docx": (render.render(r21, "docx"), "r.docx"),
        "pdf": (render.render(r19, "pdf"), "r.pdf"),
        "json": (synth.to_parsed_report(r21).dumps().encode("utf-8"), "r.json"),
    }
    old = rl_config.pageCompression
    rl_config.pageCompression = 0            # content streams in clear: mutations reach the text
    try:
        out["pdf_plain"] = (render.render(r21, "pdf", ruled=False), "r.pdf")
    finally:
        rl_config.pageCompression = old
    return out


TOKENS = [b"\t", b"\n", b"\r\n", b"|", b" ", b"\xe3\x80\x80", b"0", b"7", b"-", b"/", b"\xef\xbc\x90",
          b"99999999999999999999999", b"1,234", b".5", b"\xe4\xb8\x87\xe5\x85\x83",  # 万元
          b"<td>", b"</td>", b"<tr>", b"</table>", b"<table>", b' colspan="999"', b' rowspan="0"', b"<br>",
          b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"&nbsp;", b"<w:tc>", b"</w:tc>", b'<w:gridSpan w:val="64"/>',
          b"<w:vMerge/>", b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"/Count 99999",
          b"R", b"<<", b">>", b"(", b")", b"Tj", b"BT", b"ET", b"\x00", b"\xff", b'"cells": {', b"null", b"1e999",
          "本年新收政府信息公开申请数量".encode(), "结转下年度继续办理".encode(), "二〇二三年".encode(),
          "（七）总计".encode(), "行政复议".encode(), "三、收到和处理政府信息公开申请情况".encode()]

OPS = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "token", "dup", "truncate"]),
                         st.floats(0, 1), st.integers(1, 64), st.binary(min_size=1, max_size=16),
                         st.sampled_from(TOKENS)),
               min_size=1, max_size=6)


def mutate(data: bytes, ops) -> bytes:
    b = bytearray(data)
    for op, where, n, payload, token in ops:
        i = min(int(where * len(b)), max(len(b) - 1, 0))
        if op == "flip" and b:
            b[i] ^= payload[0] or 0x20
        elif op == "delete":
            del b[i:i + n]
        elif op == "insert":
            b[i:i] = payload
        elif op == "token":
            b[i:i] = token * (1 + n // 16)
        elif op == "dup":
            b[i:i] = b[i:i + n] * (1 + n % 4)
        elif op == "truncate" and where > 0.02:
            del b[i:]
    return bytes(b)


def _rezip(docx: bytes, document_xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, document_xml if info.filename == "word/document.xml" else zin.read(info))
    return out.getvalue()


# ----------------------------------------------------------------------------- checks
def check_arbitrary_bytes(args) -> None:
    prefix, body, name = args
    only_report_errors(prefix + body, name)


def check_mutated(fmt: str):
    def check(ops) -> None:
        data, name = seeds()[fmt]
        only_report_errors(mutate(data, ops), name)
    check.__name__ = f"check_mutated_{fmt}"
    return check


def check_mutated_docx_xml(ops) -> None:
    data, name = seeds()["docx"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml")
    only_report_errors(_rezip(data, mutate(xml, ops)), name)


def check_label_matchers(text: str) -> None:
    for match, table in ((vocab.match_t3_row, vocab.T3_ROWS), (vocab.match_t2_row, vocab.T2_ROWS)):
        lab = match(text)
        assert lab is None or lab in table
        assert match(text) == lab                       # deterministic


def check_label_whitespace(args) -> None:
    """A printed label still names its row with white space, full-width spaces or line breaks
    inside it and noise around it that names no other row."""
    i, cuts, pad = args
    rows = vocab.T3_ROWS + vocab.T2_ROWS
    lab = rows[i % len(rows)]
    match = vocab.match_t3_row if lab in vocab.T3_ROWS else vocab.match_t2_row
    zh = lab.zh
    spaced = "".join(ch + (cuts[j % len(cuts)] if cuts else "") for j, ch in enumerate(zh))
    assert match(zh) == lab and match(spaced) == lab and match(pad + spaced) == lab, (lab.key, spaced)


def check_parse_cell_total(text: str) -> None:
    cv = numbers.parse_cell(text)
    if cv is not None:
        assert cv.semantic in ("number", "blank", "na", "garbled")
        assert (cv.value is None) == (cv.semantic in ("na", "garbled"))
        assert (cv.semantic == "garbled") <= bool(cv.doubt)   # a garbled value always says why
        if cv.value is not None:
            assert cv.value.is_finite()


_FW = str.maketrans("0123456789,.-+", "０１２３４５６７８９，．－＋")


def check_parse_cell_round_trip(args) -> None:
    value, places, style, unit, sign = args
    d = Decimal(value).scaleb(-places)
    text = f"{abs(d):f}"
    if style in ("comma", "fullwidth_comma"):
        whole, _, frac = text.partition(".")
        text = f"{int(whole):,}" + ("." + frac if frac else "")
    if style.startswith("fullwidth"):
        text = text.translate(_FW)
    if style == "spaced":
        text = " " + "\u3000".join(text) + "\xa0"
    want = abs(d)
    if sign in ("-", "−", "减"):
        want = -want
    if value < 0 and sign == "":
        return
    cv = numbers.parse_cell(sign + text + unit)
    assert cv is not None and cv.semantic == "number", (sign + text + unit, cv)
    assert cv.value == want and cv.unit == unit


_VALID = re.compile(r"0|[1-9]\d*")


def _brute_splits(tokens: list[str], k: int) -> set[tuple[str, ...]]:
    def token_splits(tok: str):
        for n in range(len(tok)):
            for cuts in itertools.combinations(range(1, len(tok)), n):
                parts = [tok[a:b] for a, b in zip((0, *cuts), (*cuts, len(tok)))]
                if all(_VALID.fullmatch(p) for p in parts):
                    yield parts
    out = set()
    for combo in itertools.product(*[list(token_splits(t)) for t in tokens]):
        flat = tuple(p for parts in combo for p in parts)
        if len(flat) == k:
            out.add(flat)
    return out


def check_segment(args) -> None:
    tokens, k, limit = args
    res = recover.segment(list(tokens), k, limit=limit)
    assert len(res) <= limit
    assert len({tuple(r) for r in res}) == len(res)     # no split twice
    joined = "".join(tokens)
    bounds, pos = set(), 0
    for t in tokens:
        pos += len(t)
        bounds.add(pos)
    for split in res:
        assert len(split) == k and "".join(split) == joined
        assert all(_VALID.fullmatch(p) for p in split), split
        ends, pos = set(), 0
        for p in split:
            pos += len(p)
            ends.add(pos)
        assert bounds <= ends                            # a space in the run is a cell boundary
    if len(joined) <= 9 and len(res) < limit:
        assert {tuple(r) for r in res} == _brute_splits(list(tokens), k)


# ----------------------------------------------------------------------------- strategies
PREFIXES = [b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body><table><tr><td>", b"\xef\xbb\xbf", b"\xff\xfe",
            b"{", b'{"agency": "x", "year": 2023, "template": "2021", "cells": ', b"\xd0\xcf\x11\xe0"]
ST_ARBITRARY = st.tuples(st.sampled_from(PREFIXES), st.binary(max_size=2048),
                         st.sampled_from(["a.txt", "a.md", "a.html", "a.docx", "a.pdf", "a.json", "a"]))
ST_TEXT = st.one_of(st.text(max_size=60),
                    st.lists(st.one_of(st.sampled_from([f for lab in vocab.T3_ROWS + vocab.T2_ROWS
                                                        for f in (*lab.match, lab.zh)]),
                                       st.text(max_size=4)), max_size=6).map("".join))
ST_LABEL_WS = st.tuples(st.integers(0, 1000), st.lists(st.sampled_from([" ", "\u3000", "\n", "\t", "\xa0", ""]),
                                                       max_size=5),
                        st.text(alphabet="0123456789 :：.、（）()", max_size=8))
ST_NUMBER = st.tuples(st.integers(-10**15, 10**15), st.integers(0, 4),
                      st.sampled_from(["plain", "comma", "fullwidth", "fullwidth_comma", "spaced"]),
                      st.sampled_from(["", "万元", "元", "亿元", "件", "个", "项", "条"]),
                      st.sampled_from(["", "+", "-", "−", "增", "减"]))
ST_SEGMENT = st.tuples(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=7), min_size=1, max_size=4),
                       st.integers(1, 12), st.sampled_from([5000, 5000, 40, 3]))

MUTATED_FORMATS = ("txt", "flat", "md", "html", "html_gbk", "docx", "pdf", "pdf_plain", "json")

# name → (check, strategy, quick example count)
TARGETS = {
    "arbitrary_bytes": (check_arbitrary_bytes, ST_ARBITRARY, 200),
    **{f"mutated_{f}": (check_mutated(f), OPS, {"pdf": 30, "pdf_plain": 30, "docx": 60}.get(f, 120))
       for f in MUTATED_FORMATS},
    "mutated_docx_xml": (check_mutated_docx_xml, OPS, 60),
    "label_matchers": (check_label_matchers, ST_TEXT, 200),
    "label_whitespace": (check_label_whitespace, ST_LABEL_WS, 150),
    "parse_cell_total": (check_parse_cell_total, st.text(max_size=40), 200),
    "parse_cell_round_trip": (check_parse_cell_round_trip, ST_NUMBER, 200),
    "segment": (check_segment, ST_SEGMENT, 200),
}


def run_target(name: str, **overrides) -> None:
    check, strategy, n = TARGETS[name]
    opts = {**QUICK, "max_examples": n, **overrides}
    settings(**opts)(given(strategy)(check))()


@pytest.mark.parametrize("name", list(TARGETS))
def test_fuzz(name):
    run_target(name)


def test_seeds_parse_cleanly():
    """The unmutated seeds are real reports: the fuzzing starts from files the parser reads."""
    for fmt, (data, name) in seeds().items():
        rep = parse_bytes(data, name)
        assert len(set(rep.cells) | set(rep.uncertain)) >= 190, fmt
        assert not rep.uncertain or fmt == "flat", fmt   # run-together digits are ambiguous by design


def test_mutate_changes_bytes_and_the_checks_can_fail(monkeypatch):
    """The harness is live: mutations change the input, and the checks catch what they claim to."""
    import etl.extract
    data, _ = seeds()["txt"]
    assert mutate(data, [("delete", 0.5, 10, b"x", b"")]) != data
    monkeypatch.setattr(recover, "segment", lambda tokens, k, limit=0: [["00", "12"]])
    with pytest.raises(AssertionError):
        check_segment((["0012"], 2, 5000))
    monkeypatch.setattr(etl.extract, "parse_document", lambda doc: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        only_report_errors(data, "r.txt")


# ----------------------------------------------------------------------------- regressions found by fuzzing
def test_regression_docx_corrupt_deflate_stream_is_a_report_error():
    """fuzz_long, mutated_docx: a flipped byte in word/document.xml's deflate stream raised
    zlib.error (not an OSError/BadZipFile) out of the DOCX reader's zip check."""
    import struct
    import zlib
    data, name = seeds()["docx"]
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml")
    h = info.header_offset
    start = h + 30 + sum(struct.unpack("<HH", data[h + 26:h + 30]))
    bad = bytearray(data)
    bad[start] ^= 0xFF
    with pytest.raises(zlib.error):
        zipfile.ZipFile(io.BytesIO(bytes(bad))).read("word/document.xml")
    with pytest.raises(ReportError) as ei:
        parse_bytes(bytes(bad), name)
    assert ei.value.code == "corrupt_docx" and "无法解压" in ei.value.reason


def test_regression_report_error_reason_is_one_line():
    """fuzz_long, mutated_docx_xml: a NUL in document.xml put lxml's two-line message into the
    reason ('Char 0x0 out of allowed range\\n, line 2 …'); ReportError keeps reasons on one line."""
    data, name = seeds()["docx"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml")
    with pytest.raises(ReportError) as ei:
        parse_bytes(_rezip(data, xml[:-40] + b"\x00" + xml[-40:]), name)
    assert "XMLSyntaxError" in ei.value.reason and "\n" not in ei.value.reason
    assert ReportError("a\nb\r\n\tc\x1b[2J").reason == "a b c [2J"


ST_TITLE_LINE = st.lists(st.sampled_from(["2023", "2019", "1999", "年", "度", "年度", "政府信息公开", "工作", "报告",
                                          "年报", "某某市", "人民政府", "关于", "：", "-", "0", "x", "公开"]),
                         max_size=40).map("".join)


@settings(max_examples=300, **QUICK)
@given(ST_TITLE_LINE)
def test_regression_title_parse_is_total_and_grounded(line):
    """fuzz_long, mutated_pdf_plain (a PDF sniffed as HTML): the old title search was cubic in
    the line length.  parse_title never fails on noise, and what it returns is in the line: the
    year as printed, the agency a run of the line's own characters ending in an agency word."""
    from etl.titles import parse_title
    got = parse_title(line)
    if got:
        t = vocab.norm(line)
        assert str(got.year) in t and got.agency in t
        assert got.agency == "" or got.agency.endswith(("府", "市"))


def test_regression_long_line_without_title_is_quick():
    import time
    data = ("<html><body><p>" + "2020年" * 3000 + "x" * 40000 + "</p></body></html>").encode()
    t = time.perf_counter()
    with pytest.raises(ReportError):
        parse_bytes(data, "a.html")
    assert time.perf_counter() - t < 2
