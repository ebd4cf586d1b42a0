"""The synthetic corpus generator (synth.generate) and the renderers (synth.render).

Identities are recomputed here from docs/report-schema.md, independently of
``synth.generate.identity_failures``.  The round-trip tests (render → file → etl.extract.parse_file)
check the parser against the truth for every format; a format whose reader is not written yet
is skipped, not failed.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from synth import render as R
from etl import vocab
from synth import generate as synth
N = 3000  # reports checked for identities (about 0.3 s to generate)


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    return list(synth.generate(N, seed=11))


def _find(reports: list[dict], pred) -> dict:
    for r in reports:
        if pred(r):
            return r
    raise AssertionError("no report with the wanted shape in the sample")


@pytest.fixture(scope="module")
def samples(reports) -> dict[str, dict]:
    """One report of every shape the generator makes."""
    v = lambda name: (lambda r: name in r["meta"]["variants"])  # noqa: E731
    return {
        "2019": _find(reports, lambda r: r["template"] == "2019" and not r["meta"]["variants"]
                      and r["cells"]["t3.new_received.total"] > 3),
        "2021": _find(reports, lambda r: r["template"] == "2021" and not r["meta"]["variants"]
                      and r["cells"]["t3.new_received.total"] > 3),
        "shandong": _find(reports, v("shandong_item_count")),
        "hubei": _find(reports, v("hubei_other_documents_row")),
        "single_other_2021": _find(reports, v("single_other_row_2021")),
        "blank_zeros": _find(reports, lambda r: "blank_zeros" in r["meta"]["variants"] and r["template"] == "2021"),
        "yuan": _find(reports, v("procurement_in_yuan")),
    }


# --------------------------------------------------------------------------- determinism


def test_generate_is_deterministic_and_prefix_stable():
    a = list(synth.generate(400, seed=5))
    b = list(synth.generate(400, seed=5))
    assert a == b
    assert list(synth.generate(150, seed=5)) == a[:150]
    assert list(synth.generate(50, seed=6)) != a[:50]


@pytest.mark.parametrize("fmt", R.FORMATS)
def test_render_same_report_same_bytes(samples, fmt):
    for rep in (samples["2019"], samples["2021"]):
        assert R.render(rep, fmt) == R.render(rep, fmt)


def test_corpus_same_seed_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    fmts = ("txt", "html", "md", "json", "flat")
    synth.write_corpus(a, 40, seed=3, formats=fmts, defect_rate=0.3)
    synth.write_corpus(b, 40, seed=3, formats=fmts, defect_rate=0.3)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert len(files) == 40 * 2 + 1
    for rel in files:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


# --------------------------------------------------------------------------- identities (spec)

OUTCOME_ROWS = [r for r in vocab.T3_ROW_KEYS if r not in
                ("new_received", "carried_over_from_prior", "result_total", "carried_to_next")]


def test_identities_hold(reports):
    for r in reports:
        c = r["cells"]
        rows = {k.split(".")[1] for k in c if k.startswith("t3.")}
        for col in vocab.T3_COL_KEYS:
            # 1. new + carried over = result total + carried to next
            assert c[f"t3.new_received.{col}"] + c[f"t3.carried_over_from_prior.{col}"] == \
                c[f"t3.result_total.{col}"] + c[f"t3.carried_to_next.{col}"], (r["agency"], r["year"], col)
            # 2. result total = sum of outcome rows printed
            assert sum(c[f"t3.{row}.{col}"] for row in OUTCOME_ROWS if row in rows) == c[f"t3.result_total.{col}"]
        # 3. per row, total = six applicant columns
        for row in rows:
            assert sum(c[f"t3.{row}.{a}"] for a in vocab.T3_COL_KEYS[:6]) == c[f"t3.{row}.total"]
        # 4. table 四
        for row in vocab.T4_ROW_KEYS:
            assert sum(c[f"t4.{row}.{x}"] for x in ("upheld", "corrected", "other", "pending")) == c[f"t4.{row}.total"]
        # 5. counts never negative
        for k, v in c.items():
            if not k.endswith("item_count_change"):
                assert v >= 0, k
        # 7. Shandong: change = current - prior
        for k, v in c.items():
            if k.endswith(".current_item_count"):
                row = k.split(".")[1]
                assert c[f"t2.{row}.item_count_change"] == v - c[f"t2.{row}.prior_year_item_count"]


def test_carry_over_continuity_and_in_force_stock(reports):
    by = defaultdict(dict)
    for r in reports:
        by[r["agency"]][r["year"]] = r["cells"]
    pairs = 0
    for years in by.values():
        for y, c in years.items():
            prev = years.get(y - 1)
            if prev is None:
                continue
            pairs += 1
            for col in vocab.T3_COL_KEYS:  # 6.
                assert c[f"t3.carried_over_from_prior.{col}"] == prev[f"t3.carried_to_next.{col}"]
            if y >= 2022:  # 8. (never across 2020→2021)
                for row in ("regulations", "normative_documents"):
                    assert c[f"t2.{row}.in_force_count"] == prev[f"t2.{row}.in_force_count"] + \
                        c[f"t2.{row}.issued_count"] - c[f"t2.{row}.repealed_count"]
    assert pairs > N // 2


def test_keys_are_what_the_template_prints(reports):
    for r in reports:
        single = r["other_as_single_row"]
        expected = set(vocab.expected_keys(r["template"], single))
        variants = r["meta"]["variants"]
        if "shandong_item_count" in variants:
            expected |= {f"t2.{row}.current_item_count" for row in
                         ("admin_licensing", "other_external_services", "admin_penalty", "admin_coercion")}
        if "hubei_other_documents_row" in variants:
            expected |= {f"t2.other_proactive_documents.{c}" for c in vocab.T2_LAYOUT["2019"]["regulations"]}
        assert set(r["cells"]) == expected
        assert r["template"] == ("2019" if r["year"] <= 2020 else "2021")
        assert single == (r["template"] == "2019" or "single_other_row_2021" in variants)


def test_mix_is_heavy_tailed_and_varied(reports):
    levels = {r["meta"]["level"] for r in reports}
    assert levels == {"province", "city", "county", "township"}
    totals = sorted(r["cells"]["t3.new_received.total"] for r in reports)
    assert totals[len(totals) // 2] <= 10          # most agencies get few applications
    assert totals[-1] >= 500                       # a few get very many
    gov = [r for r in reports if r["agency"].endswith("省人民政府")]
    assert gov and min(r["cells"]["t3.new_received.total"] for r in gov) >= 100
    kinds = {v for r in reports for v in r["meta"]["variants"]}
    assert {"shandong_item_count", "hubei_other_documents_row", "single_other_row_2021", "blank_zeros",
            "procurement_in_yuan"} <= kinds
    assert {r["year"] for r in reports} == set(range(2019, 2026))


def test_synthetic_labelling(reports, samples):
    for r in reports:
        assert r["synthetic"] is True
        assert r["agency"].startswith("示例")
    pr = synth.to_parsed_report(samples["2021"])
    assert pr.synthetic is True and pr.to_json()["synthetic"] is True
    for fmt in ("txt", "md", "flat"):
        assert "示例" in R.render(samples["2021"], fmt).decode("utf-8").split("一、总体情况")[0]


# --------------------------------------------------------------------------- rendering

SHAPES = ("2019", "2021", "shandong", "hubei", "single_other_2021", "blank_zeros", "yuan")
VARIANT_CALLS = [
    ("txt", {}), ("txt", {"pad_numbers": 1.0, "blank_zeros": True}), ("flat", {}), ("md", {}),
    ("html", {"style": "plain"}), ("html", {"style": "word"}), ("html", {"style": "nested"}),
    ("html", {"style": "word", "encoding": "gb18030"}), ("html", {"declare_charset": False}),
    ("docx", {}), ("pdf", {}), ("pdf", {"ruled": False, "split_table3": True, "wrap_headers": True}),
    ("pdf", {"split_table3": True, "repeat_header": False}),
]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("fmt,opts", VARIANT_CALLS, ids=[f"{f}-{'-'.join(map(str, o.values())) or 'default'}"
                                                         for f, o in VARIANT_CALLS])
def test_every_format_renders(samples, shape, fmt, opts):
    if fmt in ("docx", "pdf") and shape not in ("2019", "2021", "shandong"):
        pytest.skip("slow formats: the three main shapes suffice")
    data = R.render(samples[shape], fmt, **opts)
    assert isinstance(data, bytes) and len(data) > 1000


def _printed(rep: dict, key: str, *, blank_zeros: bool = False, unit: str = "万元") -> str:
    v = rep["cells"][key]
    col = key.rsplit(".", 1)[1]
    if col == "procurement_amount_wan_yuan":
        return f"{round(v * 10000)}元" if unit == "元" else R._fmt_money(v) + unit
    if col in vocab.MONEY_COLS:
        return R._fmt_money(v)
    if blank_zeros and v == 0 and key[:2] in ("t3", "t4"):
        return ""
    return str(v)


def _ordered_keys(rep: dict) -> list[str]:
    """Keys in the order the tables print them (row by row, left to right)."""
    t2, t3, t4 = R._skeleton(rep["template"], *R.report_layout(rep["cells"]))
    return [cell.key for t in (t2, t3, t4) for row in t.rows for cell in row if cell.kind == "num"]


@pytest.mark.parametrize("shape", SHAPES)
def test_word_text_cells_in_order(samples, shape):
    rep = dict(samples[shape])
    opts = rep["options"]
    text = R.render_text(rep, pad_numbers=0.5)
    assert "\t第二十条第（一）项\n" in text and "\t信息内容\n" in text
    for heading in vocab.TABLE_ZH.values():
        if heading.startswith("四") and opts["t4_heading"] != "standard":
            continue
        assert "\n" + heading + "\n" in text
    # every table cell: a tab-prefixed line (continuation lines of wrapped words are not)
    cells = [ln[1:] for ln in text.splitlines() if ln.startswith("\t")]
    numeric = re.compile(r"^-?\d+(\.\d+)?(万元|元)?$")
    got = [c.strip(" \u3000") for c in cells if numeric.match(c.strip(" \u3000"))]
    want = [_printed(rep, k, blank_zeros=opts["blank_zeros"], unit=opts["procurement_unit"])
            for k in _ordered_keys(rep)]
    assert got == [w for w in want if w != ""]
    n_blank_expected = sum(1 for w in want if w == "")
    assert sum(1 for c in cells if c == "") >= n_blank_expected
    # merged group labels: printed once, then empty cells below
    assert text.count("\t三、本年度办理结果\n") == 1
    assert "\t（三）不予公开\n\t1.属于国家秘密\n" in text
    assert "\t\n\t\n\t2.其他法律行政法规禁止公开\n" in text


def test_text_wraps_headers_and_pads_numbers(samples):
    text = R.render_text(samples["2019"], pad_numbers=1.0)
    assert "\u3000" in text
    lines = text.split("二、主动公开政府信息情况", 1)[1].split("五、存在的主要问题", 1)[0].splitlines()
    continuation = [ln for ln in lines if ln.strip() and not ln.startswith("\t")
                    and not ln.startswith(("三、", "四、"))]
    assert continuation, "some header words should be broken over two lines"
    assert not any(ch in "\t" for ch in "".join(continuation))


def test_variant_labels_present(samples):
    t = R.render_text(samples["shandong"], wrap_headers=False)
    assert "\t本年项目数量\n" in t and "\t本年处理决定数量\n" in t
    t = R.render_text(samples["hubei"], wrap_headers=False)
    assert "\t其他主动公开文件\n" in t
    t = R.render_text(samples["single_other_2021"], wrap_headers=False)
    assert "\t（六）其他处理\n\t" in t and "逾期不补正" not in t and "\t本年制发件数\n" in t
    t = R.render_text(samples["2021"], wrap_headers=False)
    assert "逾期不补正" in t and "集中采购" not in t and "\t行政规范性文件\n" in t
    t = R.render_text(samples["2019"], wrap_headers=False)
    assert "\t政府集中采购\n" in t and "\t其他对外管理服务事项\n" in t and "\t本年新制作数量\n" in t
    yuan = samples["yuan"]
    amount = yuan["cells"]["t2.centralized_procurement.procurement_amount_wan_yuan"]
    assert f"{round(amount * 10000)}元" in R.render_text(yuan, procurement_unit="元")
    assert f"{R._fmt_money(amount)}万元" in R.render_text(yuan, procurement_unit="万元")


def test_flat_runs_cells_together(samples):
    rep = samples["2021"]
    flat = R.render_flat(rep)
    assert "\t" not in flat and "==================== 正文 ====================" in flat
    body = flat.split("正文", 1)[1]
    assert "信息内容本年制发件数本年废止件数现行有效件数规章" in body
    assert body.count("\n") == 2


def test_markdown_pipe_tables(samples):
    md = R.render_markdown(samples["2021"])
    assert "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n" in md
    rows = [ln for ln in md.splitlines() if ln.startswith("| 一、本年新收")]
    c = samples["2021"]["cells"]
    assert rows and rows[0].endswith(" | ".join(str(c[f"t3.new_received.{k}"]) for k in vocab.T3_COL_KEYS) + " |")


def _html_grid(data: bytes, encoding: str) -> list[list[list[str]]]:
    from lxml import html as lh
    doc = lh.fromstring(data.decode(encoding))
    tables = [t for t in doc.iter("table") if "信息内容" in t.text_content() or "申请人情况" in t.text_content()
              or "行政复议" in t.text_content()]
    tables = [t for t in tables if not t.xpath(".//table")]  # innermost only
    return [[["".join(td.text_content().split()).replace("\xa0", "") for td in tr.iter("td")]
             for tr in t.iter("tr")] for t in tables]


@pytest.mark.parametrize("style", ["plain", "word", "nested"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_html_tables_and_encoding(samples, style, encoding):
    rep = samples["blank_zeros"]
    data = R.render_html(rep, style=style, encoding=encoding)
    if encoding == "gb18030":
        assert b"charset=gb2312" in data
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    assert b"charset" not in R.render_html(rep, style=style, encoding=encoding, declare_charset=False)
    grids = _html_grid(data, encoding)
    assert len(grids) == 3
    t3 = grids[1]
    assert t3[0][0].startswith("（本列数据的勾稽关系为")
    row = next(r for r in t3 if r and r[0].startswith("一、本年新收"))
    want = [_printed(rep, f"t3.new_received.{k}", blank_zeros=True) for k in vocab.T3_COL_KEYS]
    assert row[1:] == want
    assert len(grids[2][-1]) == 15
    if style == "word":
        assert b"class=MsoNormal" in data and b"<o:p>&nbsp;</o:p>" in data


def test_docx_merged_cells(samples):
    import docx
    d = docx.Document(io.BytesIO(R.render_docx(samples["2019"])))
    assert len(d.tables) == 3
    t2, t3, t4 = d.tables
    assert len(t3.columns) == 10 and len(t4.columns) == 15
    # merged cells read back as the same cell in every grid position they cover
    assert t3.rows[5].cells[0]._tc is t3.rows[10].cells[0]._tc
    assert t3.rows[5].cells[0].text == "三、本年度办理结果"
    assert t4.rows[0].cells[0]._tc is t4.rows[0].cells[4]._tc and t4.rows[0].cells[0].text == "行政复议"
    assert t2.rows[0].cells[0].text == "第二十条第（一）项"
    assert all(p.text for p in d.paragraphs[:2])


def test_pdf_text_is_extractable(samples):
    pdfplumber = pytest.importorskip("pdfplumber")
    rep = samples["2021"]
    with pdfplumber.open(io.BytesIO(R.render_pdf(rep, split_table3=True))) as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
        tables = [t for p in pdf.pages for t in p.extract_tables()]
    text = "\n".join(pages)
    assert rep["agency"] in text.replace("\n", "")
    assert "三、收到和处理政府信息公开申请情况" in text and "- 2 -" in text
    assert any("1.本机关不掌握相关政府信息" in pages[i] and "申请人" in pages[i] for i in range(1, len(pages)))
    t4 = next(t for t in tables if len(t[-1]) == 15)
    assert t4[-1] == [str(rep["cells"][f"t4.{r}.{c}"]) for r in vocab.T4_ROW_KEYS for c in vocab.T4_COL_KEYS]
    with pdfplumber.open(io.BytesIO(R.render_pdf(rep, ruled=False))) as pdf:
        assert not any(p.lines for p in pdf.pages)


# --------------------------------------------------------------------------- corpus writer and CLI


def test_cli_writes_files_truth_and_manifest(tmp_path):
    from synth.__main__ import main
    out = tmp_path / "syn"
    rc = main(["--reports", "21", "--seed", "2", "--out", str(out),
               "--formats", "txt,html,md,json,docx,pdf,flat", "--defect-rate", "0.3"])
    assert rc == 0
    rows = list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 21
    assert [r["format"] for r in rows[:7]] == ["txt", "html", "md", "json", "docx", "pdf", "flat"]
    for r in rows:
        assert (out / r["file"]).stat().st_size > 500
        truth = json.loads((out / "truth" / f"{r['id']}.json").read_text(encoding="utf-8"))
        assert truth["synthetic"] is True and truth["agency"].startswith("示例")
        assert truth["cells"] and truth["template"] in ("2019", "2021")
        assert (truth["defect"] or {}).get("kind", "") == r["defect"]
    assert any(r["defect"] for r in rows)


def test_defects_are_recorded(tmp_path):
    stats = synth.write_corpus(tmp_path, 60, seed=9, formats=("txt", "html", "md", "json"), defect_rate=1.0)
    assert stats["reports"] == 60
    rows = list(csv.DictReader((tmp_path / "manifest.csv").read_text(encoding="utf-8").splitlines()))
    kinds = {r["defect"] for r in rows}
    assert kinds == {"broken_identity", "damaged_text"}
    for r in rows:
        truth = json.loads((tmp_path / "truth" / f"{r['id']}.json").read_text(encoding="utf-8"))
        if r["defect"] == "broken_identity":
            key = truth["defect"]["key"]
            assert truth["cells"][key] == truth["defect"]["printed"] != truth["defect"]["consistent"]
            assert truth["expected_check_failures"], r
        else:
            assert truth["expected_check_failures"] == []
            data = (tmp_path / r["file"]).read_bytes().decode("utf-8")
            assert "\t" not in data and "<td" not in data and "| 信息内容" not in data


def test_identity_failures_helper_agrees(samples):
    cells = dict(samples["2021"]["cells"])
    assert synth.identity_failures(cells) == []
    cells["t3.granted.natural_person"] += 1
    assert set(synth.identity_failures(cells)) == {"result_total.natural_person", "applicant_total.granted"}


def test_unknown_format_is_an_error(tmp_path):
    with pytest.raises(ValueError):
        synth.write_corpus(tmp_path, 1, formats=("xls",))


# --------------------------------------------------------------------------- round trip through the parser

ROUND_TRIP = [
    ("txt", {}), ("txt", {"blank_zeros": True, "pad_numbers": 0.5}), ("md", {}),
    ("html", {"style": "plain"}), ("html", {"style": "word"}), ("html", {"style": "nested", "encoding": "gb18030"}),
    ("html", {"style": "plain", "encoding": "gb18030", "declare_charset": False}),
    ("docx", {}), ("pdf", {}), ("pdf", {"split_table3": True}), ("pdf", {"ruled": False}),
    ("pdf", {"wrap_headers": True, "split_table3": True, "repeat_header": False}),
]
EXT = {"txt": "txt", "flat": "txt", "md": "md", "html": "html", "docx": "docx", "pdf": "pdf"}


def _parse_or_skip(path: Path):
    extract = pytest.importorskip("etl.extract")
    try:
        return extract.parse_file(path)
    except (NotImplementedError, ModuleNotFoundError, ImportError) as e:
        pytest.skip(f"parser not ready for {path.suffix}: {e}")


@pytest.mark.parametrize("shape", ["2019", "2021", "shandong", "hubei", "single_other_2021", "yuan"])
@pytest.mark.parametrize("fmt,opts", ROUND_TRIP, ids=[f"{f}-{'-'.join(map(str, o.values())) or 'default'}"
                                                      for f, o in ROUND_TRIP])
def test_round_trip_through_parser(samples, tmp_path, shape, fmt, opts):
    if fmt in ("docx", "pdf") and shape not in ("2019", "2021", "shandong"):
        pytest.skip("slow formats: the three main shapes suffice")
    rep = samples[shape]
    o = {**rep["options"], **opts}
    path = tmp_path / f"report.{EXT[fmt]}"
    path.write_bytes(R.render(rep, fmt, **o))
    parsed = _parse_or_skip(path)
    assert parsed.year == rep["year"] and parsed.template == rep["template"]
    assert parsed.agency.startswith("示例")
    wrong = {k: (parsed.cells.get(k), v) for k, v in rep["cells"].items() if parsed.cells.get(k) != v}
    extra = sorted(set(parsed.cells) - set(rep["cells"]))
    silent = {k: x for k, x in wrong.items() if k not in parsed.uncertain}
    assert not silent and not extra, (silent, extra)   # never wrong without a flag
    assert not wrong, wrong
    assert parsed.other_as_single_row == rep["other_as_single_row"]


@pytest.mark.parametrize("shape", ["2019", "2021", "shandong"])
def test_round_trip_crawler_text_never_silently_wrong(samples, tmp_path, shape):
    """Crawler text runs digits together: a value may be uncertain, but never wrong and unflagged."""
    rep = samples[shape]
    path = tmp_path / "report.txt"
    path.write_bytes(R.render(rep, "flat", **{**rep["options"], "blank_zeros": False}))
    parsed = _parse_or_skip(path)
    silent = {k: (parsed.cells.get(k), v) for k, v in rep["cells"].items()
              if parsed.cells.get(k) != v and k not in parsed.uncertain}
    assert not silent


def test_round_trip_unruled_pdf_blank_zeros_is_flagged(samples, tmp_path):
    rep = samples["2021"]
    path = tmp_path / "report.pdf"
    path.write_bytes(R.render(rep, "pdf", **{**rep["options"], "blank_zeros": True, "ruled": False}))
    parsed = _parse_or_skip(path)
    silent = {k: (parsed.cells.get(k), v) for k, v in rep["cells"].items()
              if parsed.cells.get(k) != v and k not in parsed.uncertain}
    assert not silent, f"{len(silent)} cells wrong or missing without a flag"
