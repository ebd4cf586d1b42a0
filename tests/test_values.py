"""Values as printed: footnote markers, decimal points in counts, garbled digits, implausible
counts, and money units in every scope (cell > column header > table caption > document).

Each case prints one cell of a fictional report differently (by replacing what the renderer
prints for that key) in every format, and holds the rule "right or flagged": the changed cell is
right or listed under ``uncertain``, every other cell is right, and nothing else is flagged.
"""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as hs

from etl import vocab
from etl.numbers import count_value, declared_unit, money_value, parse_cell, to_wan_yuan
from synth import render as render_mod
from test_parse import make_report, parse

FORMATS = [("txt", {}, "r.txt"), ("html", {"style": "word"}, "r.html"), ("docx", {}, "r.docx"),
           ("md", {}, "r.md"), ("pdf", {"ruled": True}, "r.pdf")]
FMT_IDS = [f for f, _, _ in FORMATS]


def printed_as(monkeypatch, texts: dict[str, str]) -> None:
    """Make the renderer print ``texts[key]`` for those keys (everything else as usual)."""
    orig = render_mod._R.value

    def value(self, key: str) -> str:
        return texts[key] if key in texts else orig(self, key)

    monkeypatch.setattr(render_mod._R, "value", value)


def parse_printed(monkeypatch, report: dict, texts: dict[str, str], fmt: str, opts: dict, name: str):
    if fmt == "pdf":
        pytest.importorskip("etl.readers.pdf")
    printed_as(monkeypatch, texts)
    return parse(render_mod.render(report, fmt, **opts), name)


def assert_right_or_flagged(rep, truth: dict, changed: set[str], *, must_flag: bool) -> None:
    for k, v in truth.items():
        if k in changed:
            if must_flag:
                assert k in rep.uncertain, (k, rep.cells.get(k))
            else:
                assert rep.cells.get(k) == pytest.approx(v) or k in rep.uncertain, k
        else:
            assert rep.cells.get(k) == pytest.approx(v), (k, rep.cells.get(k), truth[k])
    # bounded: only the changed cells (and, in lossy sources, none more than their row) flagged
    assert set(rep.uncertain) <= changed, set(rep.uncertain) - changed
    assert set(rep.cells) <= set(truth)


# --------------------------------------------------------------------------- markers, decimals, garbage

T3_KEY, T2_KEY = "t3.granted.natural_person", "t2.admin_penalty.decision_count"
T3_LAST = "t3.granted.total"   # the row's last cell: text there must not shift the row

CASES = [  # (key, printed text given the true value, must the cell be flagged?)
    ("marker-circled", T3_KEY, lambda v: f"{v}①", False),
    ("marker-circled-t2", T2_KEY, lambda v: f"{v}⑳", False),
    ("marker-superscript", T3_KEY, lambda v: f"{v}¹", False),
    ("marker-bracket", T2_KEY, lambda v: f"{v}[2]", False),
    ("marker-note", T2_KEY, lambda v: f"{v}注1", False),
    ("marker-asterisk", T3_KEY, lambda v: f"{v}*", True),
    ("marker-kome", T2_KEY, lambda v: f"{v}※", True),
    ("decimal-count", T3_KEY, lambda v: f"{v}.5", True),
    ("decimal-thousands", T2_KEY, lambda v: "517.645", True),
    ("garbled-l", T2_KEY, lambda v: "l100", True),
    ("garbled-mid", T3_KEY, lambda v: "24l8", True),
    ("garbled-O", T2_KEY, lambda v: "O", True),
    ("garbled-letter-last", T3_LAST, lambda v: f"1{v}b2", True),             # OCR's 13b2: no candidate
    ("share-in-brackets-last", T3_LAST, lambda v: f"{v}（45.5%）", False),    # the count with its share
    ("mixed-width", T3_KEY, lambda v: "１2 3", True),
    ("too-large", T3_KEY, lambda v: "1000000000000000", True),
    ("beyond-double", T2_KEY, lambda v: str(2**53 + 1), True),
    ("bracket-count", T3_KEY, lambda v: f"（{v}）", True),     # never negative: (n) means nothing sure
    ("minus-count", T3_KEY, lambda v: f"-{v or 7}", True),     # a count is never negative: a stray dash
    ("minus-count-t2", T2_KEY, lambda v: f"－{v or 7}", True),
]


@pytest.mark.parametrize("fmt,opts,name", FORMATS, ids=FMT_IDS)
@pytest.mark.parametrize("case,key,text,must_flag", CASES, ids=[c[0] for c in CASES])
def test_one_cell_printed_oddly_is_right_or_flagged(monkeypatch, fmt, opts, name, case, key, text, must_flag):
    report = make_report("2021")
    truth = report["cells"]
    rep = parse_printed(monkeypatch, report, {key: text(truth[key])}, fmt, opts, name)
    assert_right_or_flagged(rep, truth, {key}, must_flag=must_flag)
    if must_flag:
        raw, printed = ("".join(t.split()) for t in (rep.provenance[key].raw, text(truth[key])))
        assert raw == printed   # the printed text is kept
    else:
        assert rep.cells[key] == truth[key]                           # the marker is not a digit


@pytest.mark.parametrize("fmt,opts,name", FORMATS, ids=FMT_IDS)
def test_words_in_a_rows_last_cell_never_shift_its_figures(monkeypatch, fmt, opts, name):
    # 见说明 where the 总计 figure should be: the row's other figures are right or flagged (a
    # pipe row's empty label cell must not become its first figure), every other row right
    report = make_report("2021")
    truth = report["cells"]
    rep = parse_printed(monkeypatch, report, {T3_LAST: "见说明"}, fmt, opts, name)
    row = {k for k in truth if k.startswith("t3.granted.")}
    assert_right_or_flagged(rep, truth, row, must_flag=False)
    assert T3_LAST in rep.uncertain


def test_flagged_count_offers_the_candidate_without_the_dot():
    cv = parse_cell("517.645")
    assert count_value(cv, 10**6) == (None, "计数不应有小数（原文「517.645」），可能是 517645")
    cv = parse_cell("l100")
    assert cv.value is None and cv.semantic == "garbled" and "1100" in cv.doubt


def test_accounting_brackets_are_negative_only_where_a_column_may_be():
    cv = parse_cell("（3）")
    assert cv.value == -3 and cv.bracketed and parse_cell("(-3)").value == -3
    assert count_value(cv, 10**6, signed=True) == (-3, "")          # 本年增/减
    assert count_value(cv, 10**6)[0] is None and money_value(cv, "万元")[0] is None
    assert parse_cell("（一）") is None and not parse_cell("-3").bracketed


def test_a_minus_sign_is_no_count_but_kept_flagged():
    """A count is never negative (schema): ``-25`` in a count column is a stray dash or an OCR
    slip — kept as printed and flagged; in 本年增/减 it is the decrease it says (round 9)."""
    cv = parse_cell("-25")
    value, why = count_value(cv, 10**6)
    assert value == -25 and "不应为负" in why
    assert count_value(cv, 10**6, signed=True) == (-25, "")
    assert count_value(parse_cell("-0"), 10**6) == (0, "")
    assert "不应为负" in money_value(parse_cell("-12.5万元"), "")[1]


def test_markers_are_stripped_before_normalisation():
    # NFKC would fold ① into 1 and ¹ into 1: 9① must not become 91
    assert parse_cell("9①").value == 9 and parse_cell("517645①").value == 517645
    assert parse_cell("12³").value == 12 and parse_cell("７⑴").value == 7


def test_huge_count_is_never_stored_rounded():
    """2^53+1 cannot go through a double: flagged and null, never a rounded number."""
    report = make_report("2021")
    big = str(2**53 + 1)
    rep = parse(render_mod.render_text(report).replace(f"\t{report['cells'][T2_KEY]}\n", f"\t{big}\n", 1), "r.txt")
    assert rep.provenance[T2_KEY].raw.strip() == big
    dumped = json.loads(rep.dumps())
    assert dumped["cells"].get(T2_KEY) is None and T2_KEY in dumped["uncertain"]
    assert str(2**53) not in rep.dumps()


@given(hs.integers(min_value=0, max_value=10**6))
@settings(max_examples=200, deadline=None)
def test_counts_within_the_bound_are_exact_and_unflagged(n):
    for text in (str(n), f"{n:,}", f"{n}件", f"{n}①"):
        assert count_value(parse_cell(text), vocab.count_bound("t3.granted.total")) == (n, "")


@given(hs.integers(min_value=10**6 + 1, max_value=10**30))
@settings(max_examples=100, deadline=None)
def test_counts_above_the_bound_are_flagged_and_null(n):
    value, doubt = count_value(parse_cell(str(n)), vocab.count_bound("t3.granted.total"))
    assert value is None and "上限" in doubt


def test_count_bounds_are_documented_orders_of_magnitude():
    assert vocab.count_bound("t3.new_received.total") == 10**6
    assert vocab.count_bound("t4.admin_reconsideration.total") == 10**5
    assert vocab.count_bound("t2.admin_penalty.decision_count") == 10**9
    assert vocab.count_bound("t2.regulations.issued_count") == 10**7
    assert max(vocab.COUNT_BOUNDS.values()) < 2**53


# --------------------------------------------------------------------------- money units

@pytest.mark.parametrize("text,unit,wan", [
    ("1.5亿元", "亿元", Decimal("15000")), ("2亿", "亿", Decimal("20000")),
    ("3000千元", "千元", Decimal("300")), ("251000元", "元", Decimal("25.1")),
    ("434.936万元", "万元", Decimal("434.936")), ("7万", "万", Decimal("7")),
])
def test_every_money_unit_is_converted_exactly(text, unit, wan):
    cv = parse_cell(text)
    assert cv.unit == unit
    assert money_value(cv, "") == (wan, "")


@given(hs.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False))
@settings(max_examples=200, deadline=None)
def test_unit_factors_round_trip_exactly(v):
    assert to_wan_yuan(v, "亿元") == v * 10000
    assert to_wan_yuan(v, "元") * 10000 == v
    assert to_wan_yuan(v, "千元") * 10 == v
    assert to_wan_yuan(v, "万元") == v


@pytest.mark.parametrize("text,unit", [
    ("（金额单位：元）", "元"), ("单位：件、元", "元"), ("单位：万元", "万元"), ("（亿元）", "亿元"),
    ("本年收费金额（单位：万元）", "万元"), ("采购总金额（单位：元）", "元"), ("单位：件", ""),
    ("单位：人民币千元", "千元"), ("收费金额（元）", "元"), ("单位：万元、元", ""),
])
def test_declared_unit(text, unit):
    assert declared_unit(text) == unit


FEE = "t2.admin_fees.fee_amount_wan_yuan"
PROC = "t2.centralized_procurement.procurement_amount_wan_yuan"


@pytest.fixture
def fee_header(monkeypatch):
    """Print another 本年收费金额 header (the renderer caches its table skeletons: cleared)."""
    def set_header(header: str) -> None:
        heads = dict(render_mod._T2_COL_HEAD["2021"])
        heads["fee_amount_wan_yuan"] = header
        monkeypatch.setitem(render_mod._T2_COL_HEAD, "2021", heads)
        render_mod._skeleton.cache_clear()
    yield set_header
    render_mod._skeleton.cache_clear()


@pytest.mark.parametrize("fmt,opts,name", FORMATS, ids=FMT_IDS)
@pytest.mark.parametrize("header,printed,expect", [
    ("本年收费金额（单位：元）", "1234500", 123.45),      # a header unit is read, not ignored
    ("本年收费金额（亿元）", "1.5", 15000),               # 亿元 in a header is 亿元
    ("本年收费金额（单位：千元）", "2500", 250),
    ("本年收费金额（单位：元）", "12.5万元", 12.5),        # the cell's own unit wins over the header
])
def test_header_unit_scope(monkeypatch, fee_header, fmt, opts, name, header, printed, expect):
    report = make_report("2021")
    fee_header(header)
    rep = parse_printed(monkeypatch, report, {FEE: printed}, fmt, opts, name)
    assert rep.cells[FEE] == pytest.approx(expect) and FEE not in rep.uncertain


def _with_caption(text: str, caption: str) -> str:
    """Put a unit note on its own line just under the table-二 heading."""
    head = "二、主动公开政府信息情况"
    assert head in text
    return text.replace(head, f"{head}\n{caption}\n", 1)


@pytest.mark.parametrize("caption,printed,expect", [
    ("（金额单位：元）", "251000", 25.1), ("单位：件、元", "251000", 25.1),
    ("单位：万元", "25.1", 25.1), ("（单位：亿元）", "0.5", 5000),
])
def test_caption_unit_applies_when_the_header_has_none(monkeypatch, caption, printed, expect):
    report = make_report("2019")
    printed_as(monkeypatch, {PROC: printed})
    rep = parse(_with_caption(render_mod.render_text(report, procurement_unit=""), caption), "r.txt")
    assert rep.cells[PROC] == pytest.approx(expect) and PROC not in rep.uncertain


def test_caption_in_html_above_the_table(monkeypatch):
    report = make_report("2019")
    printed_as(monkeypatch, {PROC: "251000"})
    html = render_mod.render_html(report, style="plain", procurement_unit="").decode("utf-8")
    head = "二、主动公开政府信息情况"
    html = html.replace(head, f"{head}</p><p>（金额单位：元）", 1)
    rep = parse(html, "r.html")
    assert rep.cells[PROC] == pytest.approx(25.1) and PROC not in rep.uncertain


def test_column_header_wins_over_caption(monkeypatch):
    report = make_report("2021")
    printed_as(monkeypatch, {FEE: "30"})
    text = _with_caption(render_mod.render_text(report), "（金额单位：元）")
    rep = parse(text, "r.txt")   # header says （单位：万元）
    assert rep.cells[FEE] == 30 and FEE not in rep.uncertain


@pytest.mark.parametrize("fmt,opts,name", FORMATS, ids=FMT_IDS)
def test_no_unit_anywhere_is_flagged(monkeypatch, fmt, opts, name):
    report = make_report("2019")
    rep = parse_printed(monkeypatch, report, {PROC: "12.5"}, fmt, opts, name)
    assert PROC in rep.uncertain and rep.cells[PROC] == 12.5
    assert set(rep.uncertain) == {PROC}


def test_odd_values_in_text_lines_keep_their_rows():
    """Text lines ('label v1 v2 …'): a garbled or marked token is still a value of its row, so
    the row neither vanishes nor shifts; exactly the odd cells are flagged."""
    from test_vocab_literal import REPORT_2021
    text = (REPORT_2021.replace("行政许可 31", "行政许可 l100")
            .replace("（一）予以公开 301 302", "（一）予以公开 301① 3O2")
            .replace("规章 11 12 13", "规章 11 12.5 13※"))
    rep = parse(text, "r.txt")
    assert rep.cells["t3.granted.natural_person"] == 301 and rep.provenance["t3.granted.natural_person"].raw == "301①"
    assert rep.cells["t3.granted.total"] == 307 and rep.cells["t2.regulations.issued_count"] == 11
    assert set(rep.uncertain) == {"t2.admin_licensing.decision_count", "t3.granted.commercial_enterprise",
                                  "t2.regulations.repealed_count", "t2.regulations.in_force_count"}
    assert rep.cells.get("t2.admin_licensing.decision_count") is None and "1100" in rep.uncertain["t2.admin_licensing.decision_count"]
    assert "125" in rep.uncertain["t2.regulations.repealed_count"]


@pytest.mark.parametrize("text", ["l100", "24l8", "5O", "１2 3", "48①", "48¹", "48[1]"])
def test_odd_value_in_crawler_run_together_text_is_right_or_flagged(monkeypatch, text):
    """Crawler text runs cells together: the digits around a look-alike letter would read as a
    shorter number (l100 → 100), a marker folded by NFKC as a longer one (48① → 481).  The row
    is flagged or right; nothing is silently wrong."""
    report = make_report("2021")
    truth = report["cells"]
    printed_as(monkeypatch, {T2_KEY: text})
    rep = parse(render_mod.render(report, "flat"), "r.txt")
    if text.startswith("48"):   # a footnote marker: NFKC must not fold it into the number (481)
        truth = dict(truth, **{T2_KEY: 48})
        assert rep.cells[T2_KEY] == 48 or T2_KEY in rep.uncertain
    else:
        assert T2_KEY in rep.uncertain and rep.cells.get(T2_KEY) is None
    silent = {k for k, v in truth.items() if k not in rep.uncertain and rep.cells.get(k) != pytest.approx(v)}
    assert silent == set() and set(rep.cells) <= set(truth)


@pytest.mark.parametrize("text", ["-6", "−6", "－6", "-6件"])
def test_a_minus_sign_in_a_count_column_is_doubtful(text):
    """A count is never negative: -6 in a table 三/四 cell (a stray dash before the figure, a
    garbled sign) is kept as printed and flagged, never a silent negative count; in 本年增/减
    it is the change (adversary round 9, r9freshB, r9freshA)."""
    cv = parse_cell(text)
    value, doubt = count_value(cv, 10**6)
    assert value == -6 and "为负" in doubt
    assert count_value(cv, 10**6, signed=True) == (-6, "")


@pytest.mark.parametrize("fmt,opts,name", FORMATS[1:3] + FORMATS[4:], ids=["html", "docx", "pdf"])
@pytest.mark.parametrize("decimals", [".0", ".000"])
def test_a_table_printed_in_one_decimal_format_reads_whole_counts(monkeypatch, fmt, opts, name, decimals):
    """Every figure of table 三 printed as 12.0 (a spreadsheet's number format pasted into the
    report): the dot is the table's format, not a garbled digit, and the counts are read whole
    without a flag — as 12.00 already was (adversary round 9, r9freshB, `t3_decimals_one`)."""
    report = make_report("2021", year=2022)
    texts = {k: f"{v}{decimals}" for k, v in report["cells"].items() if k.startswith("t3.") and v is not None}
    rep = parse_printed(monkeypatch, report, texts, fmt, opts, name)
    t3 = {k: v for k, v in report["cells"].items() if k.startswith("t3.")}
    assert {k: rep.cells.get(k) for k in t3} == t3
    assert not [k for k in rep.uncertain if k.startswith("t3.")]


@pytest.mark.parametrize("fmt,opts,name", FORMATS[1:3], ids=["html", "docx"])
def test_one_dotted_count_among_whole_ones_stays_doubtful(monkeypatch, fmt, opts, name):
    """A single 2.0 among whole counts may be an OCR'd 20: still flagged."""
    report = make_report("2021", year=2022)
    rep = parse_printed(monkeypatch, report, {"t3.granted.natural_person": "2.0"}, fmt, opts, name)
    assert "t3.granted.natural_person" in rep.uncertain


def test_arrows_are_the_sign_of_an_increase_or_decrease():
    """A 本年增/减 typed with arrows (``▲3`` / ``▼6``, an Excel format ``▲0;▼0`` pasted as
    text): ▼ is the decrease (negative only where a column may be, as accounting brackets),
    ▲ the increase (adversary round 11, r11ue ``wps_arrows``)."""
    down, up = parse_cell("▼6"), parse_cell("▲3")
    assert down.value == -6 and down.bracketed and up.value == 3 and not up.bracketed
    assert count_value(down, 10**6, signed=True) == (-6, "")
    assert count_value(down, 10**6)[0] is None
    assert parse_cell("↓12").value == -12 and parse_cell("↑1,200").value == 1200
