"""Scanned reports read by OCR: every cell right or flagged, nothing phantom; refusals clear.

One damaged scan (JPEG, skew, a red seal over a number) goes through ``ingest --ocr only``
beside a text PDF (skipped) and the warehouse is held to the truth.  The doubt rules of
:func:`etl.readers.ocr.review_report` are tested on a text PDF's Document marked as OCR'd
(no OCR run needed).  The large sweep over dpi and damage is benchmarks/bench_ocr.py.
"""
from __future__ import annotations

import io

import duckdb
import pytest

from etl import checks
from etl import warehouse as wh
from etl.document import ReportError
from etl.extract import parse_bytes, parse_document
from etl.readers import ocr
from etl.readers.pdf import read_pdf
from synth import generate, render, scanned

needs_ocr = pytest.mark.skipif(not ocr.available(), reason="OCR extra not installed (pip install '.[ocr]')")


def _report(seed: int = 5) -> dict:
    return next(iter(generate.generate(1, seed=seed)))


# ----------------------------------------------------------------------------- the doubt rules (no OCR)

def _as_if_ocr(rep: dict):
    doc = read_pdf(render.render_pdf(rep), "r.pdf")
    doc.ocr = {"engine": "test"}
    for t in doc.tables:
        for row in t.rows:
            for c in row:
                c.conf = 0.99
    return doc


def _value_cell(doc, text_ok=lambda s: s.isdigit() and s != "0"):
    for t in doc.tables:
        for row in t.rows[1:]:
            for c in row[1:]:
                if not c.is_span_copy and text_ok(c.text):
                    return t, c
    raise AssertionError("no value cell")


def _parse(doc):
    rep = parse_document(doc)
    rep.checks = checks.run_checks(rep)
    ocr.review_report(doc, rep)
    return rep


def _key_of(rep, table, cell):
    return next(k for k, p in rep.provenance.items() if (p.table, p.row, p.col) == (table.index, cell.row, cell.col))


def test_every_ocr_value_carries_method_and_confidence():
    doc = _as_if_ocr(_report())
    rep = _parse(doc)
    assert rep.provenance and all(p.method == "ocr" and p.confidence == 0.99 for p in rep.provenance.values())
    assert rep.source["ocr"]["cells"] == len(rep.provenance)
    assert rep.to_json()["provenance"][next(iter(rep.provenance))]["confidence"] == 0.99


def test_low_confidence_and_seal_are_uncertain():
    doc = _as_if_ocr(_report())
    t, low = _value_cell(doc)
    low.conf = 0.42
    low.doubt = "OCR 识别置信度低（0.42）"
    rep = _parse(doc)
    key = _key_of(rep, t, low)
    assert "置信度低" in rep.uncertain[key] and rep.provenance[key].confidence == 0.42


@pytest.mark.parametrize("bad", ["1.0", "007", "1,234.5"])
def test_count_with_impossible_shape_is_uncertain(bad):
    doc = _as_if_ocr(_report())
    t, cell = _value_cell(doc)
    cell.text = bad
    rep = _parse(doc)
    reason = rep.uncertain[_key_of(rep, t, cell)]
    # the number reader may have flagged it first ("计数不应有小数"): either reason is right
    assert "不是件数应有的写法" in reason or "小数" in reason, reason


def test_cells_of_a_failed_identity_are_uncertain():
    rep0 = _report()
    doc = _as_if_ocr(rep0)
    # misread one table-三 number (what OCR does): the column's identities fail
    t3 = next(t for t in doc.tables if any("申请人情况" in c.text for r in t.rows for c in r))
    t, cell = _value_cell(type(doc)(doc.source, doc.fmt, [t3]))
    cell.text = str(int(cell.text) + 3)
    rep = _parse(doc)
    key = _key_of(rep, t3, cell)
    assert any(c["status"] == "fail" for c in rep.checks)
    assert "勾稽校验" in rep.uncertain.get(key, "")
    # and nothing that passes every identity is flagged for it
    assert all("勾稽校验" not in v for k, v in rep.uncertain.items() if not k.startswith("t3."))


def test_text_pdf_is_skipped_under_ocr_only(monkeypatch):
    monkeypatch.setenv("GKNB_OCR", "only")
    with pytest.raises(ReportError) as e:
        parse_bytes(render.render_pdf(_report()), "text.pdf")
    assert e.value.reason.startswith(ocr.SKIPPED_PREFIX)


# ----------------------------------------------------------------------------- real OCR

def _image_pdf(img) -> bytes:
    b = io.BytesIO()
    img.save(b, "PDF", resolution=200.0)
    return b.getvalue()


@needs_ocr
def test_blank_page_and_photo_are_refused_clearly():
    import numpy as np
    from PIL import Image, ImageDraw

    blank = Image.new("RGB", (1654, 2339), "white")
    with pytest.raises(ReportError) as e:
        parse_bytes(_image_pdf(blank), "blank.pdf")
    assert e.value.reason == ocr.NO_TEXT
    rng = np.random.default_rng(3)
    photo = Image.fromarray((rng.random((600, 800, 3)) * 60 + 120).astype("uint8"))
    d = ImageDraw.Draw(photo)
    for _ in range(12):
        x, y = rng.integers(0, 700), rng.integers(0, 500)
        d.ellipse((x, y, x + 90, y + 70), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    with pytest.raises(ReportError) as e:
        parse_bytes(_image_pdf(photo), "photo.pdf")
    assert e.value.code in ("scanned_pdf", "not_a_report") and "\n" not in e.value.reason


@needs_ocr
def test_damaged_scan_through_ingest_is_right_or_flagged(tmp_path):
    rep = _report(seed=9)
    s = scanned.scan(rep, dpi=200, jpeg=50, skew=1.0, stamp=True, seed=2)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "scan.pdf").write_bytes(s.pdf)
    (tmp_path / "in" / "text.pdf").write_bytes(render.render_pdf(_report(seed=10)))
    db = tmp_path / "w.duckdb"
    summary = wh.ingest([tmp_path / "in"], db, workers=1, progress=False, ocr="only")
    assert (summary.loaded, summary.skipped, summary.failed) == (1, 1, [])
    con = duckdb.connect(str(db), read_only=True)
    (rid, by_ocr), = con.execute("select report_id, read_by_ocr from dim_report").fetchall()
    assert by_ocr is True
    rows = con.execute("select cell_key, value, uncertain, method, confidence from fact_cell where report_id = ?",
                       [rid]).fetchall()
    con.close()
    cells = {k: v for k, v, _, _, _ in rows}
    uncertain = {k: "" for k, _, u, _, _ in rows if u}
    sc = scanned.score(s.truth, cells, uncertain)
    assert sc["silent"] == sc["missing"] == sc["phantom"] == 0, sc["wrong_keys"]
    assert sc["right"] >= 0.85 * sc["cells"]      # the seal and the damage flag some, not most
    assert sc["flagged"] >= 1                     # the seal covers a number: it is flagged
    read = [r for r in rows if r[3] == "ocr"]
    assert read and all(r[4] is None or 0 <= r[4] <= 1 for r in read)
    assert any(r[4] is not None for r in read)


def test_docx_of_pictures_goes_to_ocr(monkeypatch):
    """A Word file holding the report as pictures and no text table is handed to OCR, its
    pictures in order, its typed paragraphs first; a Word file with tables is not."""
    import docx
    from PIL import Image

    from etl.document import Document, Paragraph
    from etl.readers import read_bytes

    seen = {}

    def fake_read_images(blobs, source, fmt):
        seen["sizes"] = [Image.open(io.BytesIO(b)).size for b in blobs]
        return Document(source, fmt, [Paragraph("OCR 文本")], ocr={"engine": "fake"})

    monkeypatch.setattr(ocr, "read_images", fake_read_images)
    d = docx.Document()
    d.add_paragraph("示例县人民政府2023年政府信息公开工作年度报告")
    for w in (900, 1000):
        b = io.BytesIO()
        Image.new("RGB", (w, 1200), "white").save(b, "PNG")
        b.seek(0)
        d.add_picture(b)
    out = io.BytesIO()
    d.save(out)
    doc = read_bytes(out.getvalue(), "pictures.docx")
    assert seen["sizes"] == [(900, 1200), (1000, 1200)]
    assert doc.ocr and doc.blocks[0].text.startswith("示例县") and doc.blocks[-1].text == "OCR 文本"
    seen.clear()
    text_docx = render.render_docx(_report())
    assert read_bytes(text_docx, "text.docx").ocr is None and not seen
