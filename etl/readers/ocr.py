"""OCR reader: page images (scanned PDFs, report pictures in Word files) → :class:`Document`.

Role in the ETL: :func:`etl.readers.pdf.read_pdf` hands an image-only PDF to
:func:`read_scanned_pdf`; :func:`read_images` reads pictures pasted into a DOCX that holds no
text table.  The engine is RapidOCR (``rapidocr-onnxruntime``, the optional extra ``ocr``): the
PP-OCRv4 Chinese detection and recognition models ship inside its wheel and run on
onnxruntime, CPU, offline.  Nothing is ever downloaded.

Per page (numpy/OpenCV; OpenCV comes with the engine):

1. **Image.**  Pages are rendered with pypdfium2 at the embedded image's own resolution,
   clamped to 150–300 dpi.  The working grey image is the *red* channel, so a red seal
   (红章) mostly vanishes while black print stays; the seal itself is found as red pixels
   (:func:`_stamp_mask`) and every cell it covers is flagged, never read.
2. **Deskew.**  Small rotations (±4°) are measured by the sharpness of the row-ink profile
   and undone.
3. **Text boxes.**  The detector finds text boxes; **table rules** are found by morphological
   opening of the ink with long thin kernels (longer than any glyph stroke) and erased.
   Each box is cut where its ink has a gap wider than a glyph or a vertical rule crosses it
   (the detector joins "0   12  3381" into one box; the recogniser would read "0123381"),
   and every piece is recognised on its own, with a confidence per character.
4. **Same Document as a text PDF.**  Pieces become pdfplumber ``char`` objects and rules
   ``line`` objects on a blank page of the image's size in points; the PDF reader's own
   :func:`etl.readers.pdf._read_page` then rebuilds ruled and unruled tables, paragraphs and
   page furniture exactly as for a text PDF.  Table cells carry their ``bbox``; each cell
   gets ``conf`` (the lowest character confidence of its text) and ``doubt`` (a reason:
   low confidence, a seal over it, ink where nothing was read).

:func:`review_report` (called by :func:`etl.extract.parse_bytes` for OCR documents) then
writes ``method="ocr"`` and ``confidence`` into every value's provenance and moves to
``uncertain`` every value that is doubtful: a low-confidence character, a seal, a count with an
impossible shape (a decimal point, a leading zero, a misplaced comma), or a cell through which
an identity check fails.  OCR mistakes are silent by nature; here they are flagged.
"""
from __future__ import annotations

import io
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from statistics import median

from etl.document import Document, ReportError, Table

ENGINE = "rapidocr-onnxruntime (PP-OCRv4)"
MIN_DPI, MAX_DPI, DEFAULT_DPI = 150, 300, 200
#: a value whose weakest character is recognised below this is uncertain
MIN_CONFIDENCE = 0.90
MAX_PAGES = 60
MODES = ("auto", "never", "only")
#: called when OCR starts (etl.limits registers its longer time limit here; no import back)
ON_START: list = []
#: reason prefix of a file that ``--ocr only`` leaves for a normal run (not a failure)
SKIPPED_PREFIX = "跳过（--ocr only）"
NOT_INSTALLED = "扫描件（无文字层）：需要 OCR，但未安装 OCR 组件（pip install '.[ocr]'）"
NO_TEXT = "扫描件经 OCR 未识别出任何文字（空白页或照片，不是年度报告）"


def mode() -> str:
    """``GKNB_OCR``: auto (OCR scans), never (refuse them), only (read nothing but scans)."""
    m = os.environ.get("GKNB_OCR", "auto").strip().lower()
    return m if m in MODES else "auto"


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    eng = RapidOCR(params={"Global.print_verbose": False})
    det = eng.text_det
    det.limit_type, det.limit_side_len = "max", 1600   # detection needs no more than ~140 dpi
    return eng


def engine_version() -> str:
    try:
        from importlib.metadata import version
        return f"{ENGINE} {version('rapidocr-onnxruntime')}"
    except Exception:  # noqa: BLE001
        return ENGINE


# ----------------------------------------------------------------------------- image steps

def _to_work_gray(rgb):
    """Red channel: black print stays dark, red seals turn light."""
    return rgb[:, :, 0].copy()


def _stamp_mask(rgb):
    import cv2
    import numpy as np

    r, g, b = (rgb[:, :, i].astype(np.int16) for i in range(3))
    red = ((r - g > 60) & (r - b > 40) & (r > 110)).astype(np.uint8)
    if red.sum() < 200:
        return None
    red = cv2.dilate(red, np.ones((5, 5), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(red)
    keep = np.zeros_like(red)
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] >= 400:  # a seal, not a red character or a speck
            keep[lab == i] = 1
    return keep if keep.any() else None


def _deskew_angle(gray) -> float:
    """Rotation (degrees) that makes text rows horizontal, from the row-ink profile."""
    import cv2
    import numpy as np

    h, w = gray.shape
    f = 600.0 / max(h, w)
    small = cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    if ink.sum() < 50:
        return 0.0
    c = (small.shape[1] / 2, small.shape[0] / 2)

    def score(a: float) -> float:
        m = cv2.getRotationMatrix2D(c, a, 1.0)
        rot = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_LINEAR)
        prof = rot.sum(axis=1)
        return float(np.square(np.diff(prof)).sum())

    best = max((a / 4 for a in range(-16, 17)), key=score)
    best = max((best + d / 20 for d in range(-5, 6)), key=score)
    return best


def _rotate(img, angle: float, fill):
    import cv2

    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)


def _rules(ink, glyph: float):
    """(horizontal, vertical) rule segments as (x0, y0, x1, y1) pixel boxes, and their mask."""
    import cv2
    import numpy as np

    hk = max(15, int(4 * glyph))
    vk = max(15, int(1.6 * glyph))
    hmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1)))
    vmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk)))
    out = []
    for mask, horiz in ((hmask, True), (vmask, False)):
        segs = []
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        for i in range(1, n):
            x, y, w, h = stats[i, :4]
            if (horiz and w >= hk and h <= max(6, w / 12)) or (not horiz and h >= vk and w <= max(6, h / 12)):
                segs.append((x, y, x + w, y + h))
        out.append(segs)
    both = cv2.dilate(((hmask | vmask) > 0).astype(np.uint8), np.ones((3, 3), np.uint8))
    return out[0], out[1], both


@dataclass
class Piece:
    """One recognised run of text: pixel box, text, per-character confidences."""

    x0: int
    y0: int
    x1: int
    y1: int
    text: str = ""
    confs: tuple = ()

    @property
    def conf(self) -> float:
        return min(self.confs) if self.confs else 0.0


def _cut_box(ink, x0: int, y0: int, x1: int, y1: int, vrule_xs: list[int]) -> list[tuple[int, int, int, int]]:
    """Split one detected box at ink gaps wider than a glyph and at vertical rules."""
    import numpy as np

    sub = ink[y0:y1, x0:x1]
    if sub.size == 0:
        return []
    rows = np.nonzero(sub.any(axis=1))[0]
    cols = sub.any(axis=0)
    if not len(rows):
        return []
    gy0, gy1 = y0 + int(rows[0]), y0 + int(rows[-1]) + 1
    glyph = max(8, gy1 - gy0)
    for vx in vrule_xs:
        if x0 < vx < x1:
            cols[max(0, vx - x0 - 2): vx - x0 + 3] = False
            cols[vx - x0] = False
    pieces: list[list[int]] = []   # [start, end) runs of ink columns, split at wide gaps and rules
    for i in np.nonzero(cols)[0].tolist():
        if pieces and i - pieces[-1][1] <= 1.1 * glyph and \
                not any(x0 + pieces[-1][1] <= vx < x0 + i for vx in vrule_xs):
            pieces[-1][1] = i + 1
        else:
            pieces.append([i, i + 1])
    out = []
    for a, z in pieces:
        sub2 = ink[y0:y1, x0 + a:x0 + z]
        rr = np.nonzero(sub2.any(axis=1))[0]
        if not len(rr) or (z - a) * len(rr) < 6:
            continue  # a speck
        out.append((x0 + a, y0 + int(rr[0]), x0 + z, y0 + int(rr[-1]) + 1))
    return out


def _recognise(gray, boxes: list[tuple[int, int, int, int]]) -> list[Piece]:
    import numpy as np

    if not boxes:
        return []
    crops = []
    H, W = gray.shape
    for x0, y0, x1, y1 in boxes:
        m = max(2, (y1 - y0) // 8)
        c = gray[max(0, y0 - m):min(H, y1 + m), max(0, x0 - 2):min(W, x1 + 2)]
        crops.append(np.dstack([c, c, c]))
    res, _ = _engine().text_rec(crops, True)
    out = []
    for (x0, y0, x1, y1), r in zip(boxes, res):
        text = r[0]
        confs = tuple(float(c) for c in r[2][4]) if text else ()
        out.append(Piece(x0, y0, x1, y1, text.strip(), confs[:len(text)]))
    return [p for p in out if p.text]


# ----------------------------------------------------------------------------- page → pdfplumber objects

_NARROW = re.compile(r"[0-9A-Za-z.,:;%()\-+/ ]")


def _char_weights(text: str) -> list[float]:
    return [0.35 if ch in ".,:;" else 0.55 if _NARROW.match(ch) else 1.0 for ch in text]


def _page_objects(pieces: list[Piece], hsegs, vsegs, scale: float, page_no: int, doctop0: float,
                  height: float) -> dict:
    """pdfplumber char and line objects (points, top-down) for one page."""
    chars = []
    if pieces:
        heights = [p.y1 - p.y0 for p in pieces]
        med = median(heights)
        # one text line: pieces whose vertical centres lie within half a glyph → same top/bottom
        order = sorted(pieces, key=lambda p: (p.y0 + p.y1) / 2)
        lines: list[list[Piece]] = []
        for p in order:
            ym = (p.y0 + p.y1) / 2
            if lines and abs(ym - median((q.y0 + q.y1) / 2 for q in lines[-1])) <= 0.5 * med:
                lines[-1].append(p)
            else:
                lines.append([p])
        for line in lines:
            top = median(q.y0 for q in line) * scale
            bottom = median(q.y1 for q in line) * scale
            top, bottom = min(top, bottom - 1), bottom
            for p in line:
                h = (p.y1 - p.y0)
                size = med * scale if 0.55 * med <= h <= 1.6 * med else h * scale
                ws = _char_weights(p.text)
                total = sum(ws)
                x = p.x0 * scale
                span = (p.x1 - p.x0) * scale
                for ch, w in zip(p.text, ws):
                    cw = span * w / total
                    chars.append(_char(ch, x, x + cw, top, bottom, size, page_no, doctop0, height))
                    x += cw
    lines_out = []
    for x0, y0, x1, y1 in hsegs:
        y = (y0 + y1) / 2 * scale
        lines_out.append(_line(x0 * scale, y, x1 * scale, y, page_no, doctop0, height))
    for x0, y0, x1, y1 in vsegs:
        x = (x0 + x1) / 2 * scale
        lines_out.append(_line(x, y0 * scale, x, y1 * scale, page_no, doctop0, height))
    return {"char": chars, "line": lines_out}


def _char(text, x0, x1, top, bottom, size, page_no, doctop0, height) -> dict:
    return {"object_type": "char", "page_number": page_no, "text": text, "fontname": "OCR", "size": size,
            "adv": x1 - x0, "upright": True, "x0": x0, "x1": x1, "y0": height - bottom, "y1": height - top,
            "width": x1 - x0, "height": bottom - top, "top": top, "bottom": bottom,
            "doctop": doctop0 + top, "matrix": (1, 0, 0, 1, x0, 0), "mcid": None, "tag": None,
            "ncs": None, "stroking_color": None, "non_stroking_color": (0, 0, 0)}


def _line(x0, top, x1, bottom, page_no, doctop0, height) -> dict:
    return {"object_type": "line", "page_number": page_no, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "y0": height - bottom, "y1": height - top, "width": x1 - x0, "height": bottom - top, "doctop": doctop0 + top,
            "linewidth": 1, "stroke": True, "fill": False, "evenodd": False, "stroking_color": (0, 0, 0),
            "non_stroking_color": (0, 0, 0), "mcid": None, "tag": None,
            "pts": [(x0, top), (x1, bottom)], "dash": None}


# ----------------------------------------------------------------------------- one page

@dataclass
class _Page:
    pieces: list
    hsegs: list
    vsegs: list
    ink: object          # uint8 ink mask with rules erased
    stamp: object        # uint8 seal mask or None
    scale: float         # points per pixel
    size: tuple          # (width, height) in points
    angle: float


def _detect(gray) -> list:
    import numpy as np

    boxes, _ = _engine().text_det(np.dstack([gray, gray, gray]))
    return [] if boxes is None else list(boxes)


def _upright(gray, stamp):
    """Turn a page upright: a quarter turn when most text runs are tall (a landscape table
    scanned sideways), then the angle classifier on the longest runs decides 0/180."""
    import cv2
    import numpy as np

    boxes = _detect(gray)
    dims = [(q[:, 0].max() - q[:, 0].min(), q[:, 1].max() - q[:, 1].min()) for q in boxes]
    tall = sum(1 for w, h in dims if h > 5 * w)   # a run of several characters, not one tall "1"
    wide = sum(1 for w, h in dims if w > 5 * h)

    def turn(img, code):
        return None if img is None else cv2.rotate(img, code)

    if tall > wide and tall >= 3:
        gray, stamp = turn(gray, cv2.ROTATE_90_CLOCKWISE), turn(stamp, cv2.ROTATE_90_CLOCKWISE)
        boxes = _detect(gray)
    crops = []
    for q in sorted(boxes, key=lambda q: -(q[:, 0].max() - q[:, 0].min()))[:12]:
        x0, y0 = int(max(0, q[:, 0].min())), int(max(0, q[:, 1].min()))
        x1, y1 = int(q[:, 0].max()), int(q[:, 1].max())
        c = gray[y0:y1, x0:x1]
        if c.size:
            crops.append(np.dstack([c, c, c]))
    if crops:
        _, res, _ = _engine().text_cls(crops)
        if sum(1 for label, _ in res if label == "180") > len(res) / 2:
            gray, stamp = turn(gray, cv2.ROTATE_180), turn(stamp, cv2.ROTATE_180)
            boxes = _detect(gray)
    return gray, stamp, boxes


def _analyse(rgb, dpi: float) -> _Page:
    import numpy as np

    stamp = _stamp_mask(rgb)
    gray = _to_work_gray(rgb)
    angle = _deskew_angle(gray)
    if abs(angle) >= 0.1:
        gray = _rotate(gray, angle, 255)
        if stamp is not None:
            stamp = _rotate(stamp, angle, 0)
    gray, stamp, boxes = _upright(gray, stamp)
    ink = (gray < 150).astype(np.uint8)
    rects = []
    for q in boxes:
        xs, ys = q[:, 0], q[:, 1]
        rects.append((int(max(0, xs.min())), int(max(0, ys.min())), int(math.ceil(xs.max())),
                      int(math.ceil(ys.max()))))
    glyph = median([y1 - y0 for _, y0, _, y1 in rects]) if rects else dpi / 7
    hsegs, vsegs, rule_mask = _rules(ink, glyph * 0.8)
    clean = ink.copy()
    clean[rule_mask > 0] = 0
    gray_clean = gray.copy()
    gray_clean[rule_mask > 0] = 255
    vxs = sorted({(x0 + x1) // 2 for x0, _, x1, _ in vsegs})
    cut: list[tuple[int, int, int, int]] = []
    for x0, y0, x1, y1 in rects:
        vx_here = [vx for vx in vxs if any(s[0] <= vx <= s[2] and s[1] <= (y0 + y1) / 2 <= s[3] for s in vsegs)]
        cut.extend(_cut_box(clean, x0, y0, x1, y1, vx_here))
    pieces = _recognise(gray_clean, cut)
    scale = 72.0 / dpi
    h, w = gray.shape
    return _Page(pieces, hsegs, vsegs, clean, stamp, scale, (w * scale, h * scale), angle)


def _annotate(table: Table, pg: _Page) -> None:
    """conf and doubt of each cell of an OCR'd table, from its bbox."""
    s = pg.scale
    for row in table.rows:
        for cell in row:
            if cell.is_span_copy or cell.bbox is None:
                continue
            x0, top, x1, bottom = cell.bbox
            px = (x0 / s, top / s, x1 / s, bottom / s)
            inside = [p for p in pg.pieces if px[0] <= (p.x0 + p.x1) / 2 <= px[2]
                      and px[1] <= (p.y0 + p.y1) / 2 <= px[3]]
            confs = [c for p in inside for ch, c in zip(p.text, p.confs) if not ch.isspace()]
            cell.conf = round(min(confs), 4) if confs else None
            ix0, iy0 = int(px[0]) + 2, int(px[1]) + 2
            ix1, iy1 = int(px[2]) - 2, int(px[3]) - 2
            if ix1 <= ix0 or iy1 <= iy0:
                continue
            if pg.stamp is not None and pg.stamp[iy0:iy1, ix0:ix1].any():
                cell.doubt = "印章（红章）覆盖该单元格，数字可能被遮挡"
            elif cell.conf is not None and cell.conf < MIN_CONFIDENCE:
                cell.doubt = f"OCR 识别置信度低（{cell.conf:.2f}）"
            elif not inside:
                region = pg.ink[iy0:iy1, ix0:ix1]
                if int(region.sum()) >= max(12, (ix1 - ix0) * (iy1 - iy0) // 400):
                    cell.doubt = "单元格内有笔迹但 OCR 未识别出文字"


def _read_images(images: list, dpis: list[float], source: str, fmt: str) -> Document:
    """OCR page images (RGB numpy arrays) into a Document (see the module docstring)."""
    import pdfplumber
    import pypdfium2 as pdfium

    from etl.readers.pdf import _read_page

    pages = [_analyse(img, dpi) for img, dpi in zip(images, dpis)]
    if not any(p.pieces for p in pages):
        raise ReportError(NO_TEXT, "scanned_pdf")
    blank = pdfium.PdfDocument.new()
    for p in pages:
        blank.new_page(p.size[0], p.size[1])
    buf = io.BytesIO()
    blank.save(buf)
    blank.close()
    doc = Document(source=source, fmt=fmt)
    n_tables = 0
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        for page_no, (page, pg) in enumerate(zip(pdf.pages, pages), start=1):
            page._objects = _page_objects(pg.pieces, pg.hsegs, pg.vsegs, pg.scale, page_no, page.initial_doctop,
                                          float(page.height))
            first = len(doc.blocks)
            n_tables = _read_page(page, page_no, doc, n_tables)
            for b in doc.blocks[first:]:
                if isinstance(b, Table):
                    _annotate(b, pg)
    for i, t in enumerate(doc.tables):
        t.index = i
    doc.ocr = {"engine": engine_version(), "pages": len(pages),
               "dpi": [round(d) for d in dpis], "deskew_degrees": [round(p.angle, 2) for p in pages],
               "seal_pages": [i + 1 for i, p in enumerate(pages) if p.stamp is not None]}
    if not doc.blocks:
        raise ReportError(NO_TEXT, "scanned_pdf")
    return doc


def _check_mode() -> None:
    if mode() == "never":
        raise ReportError("扫描件（无文字层）：本次导入未启用 OCR（--ocr never）", "scanned_pdf")
    if not available():
        raise ReportError(NOT_INSTALLED, "scanned_pdf")
    for hook in ON_START:
        hook()


def read_scanned_pdf(data: bytes, source: str) -> Document:
    """OCR every page of an image-only PDF, each rendered at its image's own resolution."""
    _check_mode()
    import numpy as np
    import pypdfium2 as pdfium

    pdoc = pdfium.PdfDocument(data)
    try:
        if len(pdoc) > MAX_PAGES:
            raise ReportError(f"扫描件页数过多（{len(pdoc)} 页，OCR 上限 {MAX_PAGES}）", "too_large")
        images, dpis = [], []
        for page in pdoc:
            dpi = _image_dpi(page)
            bitmap = page.render(scale=dpi / 72)
            images.append(np.array(bitmap.to_pil().convert("RGB")))
            dpis.append(dpi)
            page.close()
    finally:
        pdoc.close()
    return _read_images(images, dpis, source, "pdf")


def _image_dpi(page) -> float:
    """Resolution of the largest image on the page, clamped to [MIN_DPI, MAX_DPI]."""
    import pypdfium2.raw as raw

    best = 0.0
    try:
        w_pt = page.get_width()
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,)):
            px_w, _ = obj.get_px_size()
            l_, _, r_, _ = obj.get_pos()
            if r_ - l_ > 0.3 * w_pt:
                best = max(best, px_w / ((r_ - l_) / 72.0))
    except Exception:  # noqa: BLE001 - unusual image objects: the default resolution
        best = 0.0
    if best <= 0:
        return float(DEFAULT_DPI)
    return float(min(MAX_DPI, max(MIN_DPI, best)))


def read_images(blobs: list[bytes], source: str, fmt: str) -> Document:
    """OCR pictures (PNG/JPEG bytes, e.g. from a Word file) as the pages of one report."""
    _check_mode()
    import numpy as np
    from PIL import Image

    images, dpis = [], []
    for b in blobs:
        try:
            im = Image.open(io.BytesIO(b))
            im.load()
        except Exception:  # noqa: BLE001 - not a picture Pillow reads: skip it
            continue
        if min(im.size) < 300:
            continue  # an icon, a logo
        dpi = im.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
        images.append(np.array(im.convert("RGB")))
        dpis.append(float(min(MAX_DPI, max(MIN_DPI, float(dpi)))))
    if not images:
        raise ReportError(NO_TEXT, "scanned_pdf")
    return _read_images(images[:MAX_PAGES], dpis[:MAX_PAGES], source, fmt)


# ----------------------------------------------------------------------------- after the parse

_COUNT_SHAPE = re.compile(r"^(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:件|个|项|条|次)?$")
_SIGNED = re.compile(r"^(?:[+\-−]|增加?|减少?)")
_MONEY_SHAPE = re.compile(r"^(?:[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d*|0)(?:\.\d+)?(?:万元|元|亿元)?$")


def _cell_at(doc: Document, table: int | None, row: int | None, col: int | None):
    if table is None or row is None or col is None:
        return None
    tables = doc.tables
    if not 0 <= table < len(tables):
        return None
    rows = tables[table].rows
    if not 0 <= row < len(rows) or not 0 <= col < len(rows[row]):
        return None
    return rows[row][col]


def _failing_terms(rep, keys: list[str]) -> dict[str, list[str]]:
    """Failed check id → the given keys whose value moves it (each value perturbed once)."""
    from etl.checks import run_checks

    base = {c["check_id"]: c.get("delta") for c in rep.checks if c.get("status") == "fail"}
    terms: dict[str, list[str]] = {}
    if not base:
        return terms
    for key in keys:
        v = rep.cells.get(key)
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            continue
        rep.cells[key] = v + 1
        try:
            for c in run_checks(rep):
                if c["check_id"] in base and c.get("delta") != base[c["check_id"]]:
                    terms.setdefault(c["check_id"], []).append(key)
        finally:
            rep.cells[key] = v
    return terms


def review_report(doc: Document, rep) -> None:
    """OCR provenance and doubts (see the module docstring); also ``source["ocr"]``."""
    from etl import vocab

    ocr_keys = []
    for key, prov in rep.provenance.items():
        cell = _cell_at(doc, prov.table, prov.row, prov.col)
        if cell is None:
            continue
        prov.method = "ocr"
        prov.confidence = cell.conf
        ocr_keys.append(key)
        if cell.doubt:
            rep.uncertain.setdefault(key, cell.doubt)
            continue
        raw = unicodedata.normalize("NFKC", prov.raw or "").replace(" ", "")
        if prov.semantic != "number" or not raw:
            continue
        col = key.rsplit(".", 1)[1]
        money = col in vocab.MONEY_COLS
        if col.endswith("_change"):   # 本年增/减 may carry a sign
            raw = _SIGNED.sub("", raw, count=1)
        if not (_MONEY_SHAPE if money else _COUNT_SHAPE).match(raw):
            rep.uncertain.setdefault(key, f"OCR 读出「{prov.raw}」，不是{'金额' if money else '件数'}应有的写法")
    flag_failing_terms(rep, ocr_keys, "OCR 读数可能有误")
    rep.source["ocr"] = dict(doc.ocr or {}, cells=len(ocr_keys))


def flag_failing_terms(rep, keys: list[str], why: str, explained: bool = False) -> None:
    """Every one of ``keys`` through which an identity check fails goes to ``uncertain``:
    recognised figures (ours, or another tool's text layer over a scan) are not exact, so a
    failing identity is a doubt on its terms, not the agency's arithmetic.  ``explained``: an
    identity one of whose terms is already uncertain is left alone (that cell explains it)."""
    deltas = {c["check_id"]: c.get("delta") for c in rep.checks}
    before = set(rep.uncertain)
    for check_id, terms in _failing_terms(rep, keys).items():
        if explained and before & set(terms):
            continue
        for key in terms:
            rep.uncertain.setdefault(key, f"勾稽校验 {check_id} 不成立（差 {deltas.get(check_id)}）：{why}")
