"""Scanned-report generator for the OCR tests and benchmark: a report with known cells is
printed to PDF (the project's own renderer), rasterised, damaged the way scans and phone
photos are, and wrapped as an image-only PDF.  The truth is the report's cells.

Damage (keyword arguments of :func:`scan`): ``dpi`` (150–300), ``jpeg`` (quality, None =
lossless), ``skew`` (degrees), ``noise`` (grey-level sigma), ``stamp`` (a red seal centred
on a printed number of table 三), ``perspective`` (corner shift as a share of the page),
``rotate_page`` (the image is stored sideways and the PDF page says /Rotate 90),
``upside_down`` (the page was scanned upside down).

Reports: :func:`synthetic_reports` (``synth.generate``) and :func:`gold_reports` (the real corpus
golds' *figures*, re-rendered with the renderer's fictional text: no report sentence is used).
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw



@dataclass
class Scan:
    name: str
    pdf: bytes
    truth: dict          # cell key → value
    damage: dict


def render_report(report: dict, **opts) -> bytes:
    from synth import render

    return render.render_pdf(report, **opts)


def _rasterise(pdf: bytes, dpi: int) -> list[Image.Image]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return [p.render(scale=dpi / 72).to_pil().convert("RGB") for p in doc]
    finally:
        doc.close()


def _number_spot(pdf: bytes, dpi: int, rng: random.Random) -> tuple[int, int, int] | None:
    """(page index, x, y) in pixels of a printed digit of table 三, for the seal."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        spots = []
        for i, page in enumerate(doc.pages):
            text = page.extract_text() or ""
            if "申请人情况" not in text and "办理结果" not in text:
                continue
            spots += [(i, ch) for ch in page.chars if ch["text"].isdigit() and ch["top"] > 80]
        if not spots:
            return None
        i, ch = rng.choice(spots)
        s = dpi / 72
        return i, int((ch["x0"] + ch["x1"]) / 2 * s), int((ch["top"] + ch["bottom"]) / 2 * s)


def _seal(img: Image.Image, x: int, y: int, dpi: int) -> None:
    """A translucent red ring with a star, ~4 cm across, over (x, y)."""
    r = int(dpi * 0.8)
    over = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(over)
    w = max(3, dpi // 40)
    d.ellipse((x - r, y - r, x + r, y + r), outline=(220, 30, 30, 200), width=w)
    d.ellipse((x - r + 3 * w, y - r + 3 * w, x + r - 3 * w, y + r - 3 * w), outline=(220, 30, 30, 160), width=w // 2)
    pts = [(x + r * 0.35 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            y - r * 0.35 * math.sin(math.pi / 2 + k * 4 * math.pi / 5)) for k in range(5)]
    d.polygon(pts, fill=(220, 30, 30, 170))
    img.paste(Image.alpha_composite(img.convert("RGBA"), over).convert("RGB"))


def _perspective(img: Image.Image, amount: float, rng: random.Random) -> Image.Image:
    import cv2

    a = np.array(img)
    h, w = a.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + np.float32([[rng.uniform(-1, 1) * amount * w, rng.uniform(-1, 1) * amount * h] for _ in range(4)])
    m = cv2.getPerspectiveTransform(src, dst)
    return Image.fromarray(cv2.warpPerspective(a, m, (w, h), borderValue=(255, 255, 255)))


def scan(report: dict, *, name: str = "", dpi: int = 200, jpeg: int | None = None, skew: float = 0.0,
         noise: float = 0.0, stamp: bool = False, perspective: float = 0.0, rotate_page: bool = False,
         upside_down: bool = False,
         seed: int = 0, render_opts: dict | None = None) -> Scan:
    rng = random.Random(seed)
    pdf = render_report(report, **(render_opts or {}))
    pages = _rasterise(pdf, dpi)
    if stamp:
        spot = _number_spot(pdf, dpi, rng)
        if spot:
            _seal(pages[spot[0]], spot[1], spot[2], dpi)
    out = []
    for img in pages:
        if skew:
            img = img.rotate(skew, resample=Image.BICUBIC, expand=False, fillcolor=(255, 255, 255))
        if perspective:
            img = _perspective(img, perspective, rng)
        if noise:
            a = np.array(img).astype(np.float32)
            a += np.random.default_rng(seed).normal(0, noise, a.shape)
            img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
        if jpeg:
            b = io.BytesIO()
            img.save(b, "JPEG", quality=jpeg)
            img = Image.open(io.BytesIO(b.getvalue())).convert("RGB")
        if rotate_page:
            img = img.rotate(90, expand=True)
        if upside_down:
            img = img.rotate(180)
        out.append(img)
    b = io.BytesIO()
    out[0].save(b, "PDF", resolution=float(dpi), save_all=True, append_images=out[1:])
    data = b.getvalue()
    if rotate_page:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(data)
        for p in doc:
            p.set_rotation(90)
        b = io.BytesIO()
        doc.save(b)
        doc.close()
        data = b.getvalue()
    damage = {"dpi": dpi, "jpeg": jpeg, "skew": skew, "noise": noise, "stamp": stamp,
              "perspective": perspective, "rotate_page": rotate_page, "upside_down": upside_down}
    return Scan(name or report.get("agency", "report"), data, dict(report["cells"]), damage)


def synthetic_reports(n: int, seed: int = 7) -> list[dict]:
    from synth import generate

    return list(generate.generate(n, seed=seed))


def gold_reports() -> list[dict]:
    """The corpus golds' figures as printable reports (cells only; no sentences); [] without
    the shared corpus."""
    from synth.metamorphic.runner import gold_sources

    out = []
    for gid, d in gold_sources().items():
        cells = {k: v for k, v in d["cells"].items() if v is not None}
        if cells:
            out.append(dict(d, cells=cells, name=gid))
    return out


def score(truth: dict, cells: dict, uncertain: dict) -> dict:
    """right (value equal, not flagged) / flagged / silent (wrong, not flagged) / phantom
    (a value for a key the report does not print) / missing (absent and not flagged)."""
    right = flagged = silent = missing = 0
    wrong_keys = []
    for k, v in truth.items():
        if k in uncertain:
            flagged += 1
        elif k not in cells:
            missing += 1
            wrong_keys.append(k)
        elif (cells[k] is None and v is None) or \
                (cells[k] is not None and v is not None and abs(float(cells[k]) - float(v)) < 1e-6):
            right += 1
        else:
            silent += 1
            wrong_keys.append(k)
    phantom = [k for k, v in cells.items() if k not in truth and k not in uncertain and v not in (None, 0)]
    return {"cells": len(truth), "right": right, "flagged": flagged, "silent": silent, "missing": missing,
            "phantom": len(phantom), "wrong_keys": wrong_keys + phantom}
