"""Compact encodings of map data for inline scripts, decoded by static/js/maps/*.js.

* Coordinates are integers in units of 1/SCALE degree (1e-5° ≈ 1.1 m) relative to an origin.
* Doors: sorted into 0.001° latitude strips walked boustrophedon, so consecutive doors are
  neighbours; latitude deltas then longitude deltas as zigzag LEB128 varints, then the outcome
  of each door in a nibble (0 = not knocked, k = OUTCOMES[k-1]); all in one base64 string.
  About 4.5 bytes a door before gzip, 2.7 after. "c" counts the doors by code (0 = not
  knocked), so its length is the number of codes, which the page's script reads from it.
* Geometries: per polygon, per ring, a flat list [dlat, dlon, dlat, dlon, ...] of deltas from
  the previous vertex (the first from the origin), consecutive duplicates dropped.
* Support hexagons: binned in Web-Mercator "world" coordinates (0–1 across the world), so they
  are regular hexagons on screen at every zoom.
"""
from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np
import shapely

from fieldapp.maps.palette import OUTCOMES

SCALE = 100_000  # integer units per degree
STRIP = 100  # door sort strip height in integer units (0.001°)
SIMPLIFY_ABOVE = 2_000  # rings with more vertices than this are simplified
SIMPLIFY_DEGREES = 2e-5  # ... to this tolerance (≈ 2 m)
EARTH_CIRCUMFERENCE_M = 40_075_016.686
NCODES = len(OUTCOMES) + 1  # door codes: 0 = not knocked, k = OUTCOMES[k - 1]
if NCODES > 16:  # a door's code is one nibble of the encoding
    raise ValueError(f"the door encoding holds 15 outcomes at most, not {NCODES - 1}")

_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: Any) -> str:
    """JSON that is safe to paste inside an inline <script> (no <, >, & or line separators)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).translate(_SCRIPT_UNSAFE)


def varints(values: np.ndarray) -> np.ndarray:
    """Signed integers as zigzag LEB128 varint bytes (vectorised)."""
    v = np.asarray(values, dtype=np.int64)
    if v.size == 0:
        return np.zeros(0, dtype=np.uint8)
    z = ((v << 1) ^ (v >> 63)).view(np.uint64)
    nbytes = np.ones(z.shape, dtype=np.int64)
    for k in range(1, 10):
        more = z >= np.uint64(1 << (7 * k))
        if not more.any():
            break
        nbytes += more
    ends = np.cumsum(nbytes)
    starts = ends - nbytes
    out = np.zeros(int(ends[-1]), dtype=np.uint8)
    for k in range(int(nbytes.max())):
        sel = nbytes > k
        chunk = (z[sel] >> np.uint64(7 * k)) & np.uint64(0x7F)
        cont = np.where(nbytes[sel] > k + 1, np.uint64(0x80), np.uint64(0))
        out[starts[sel] + k] = (chunk | cont).astype(np.uint8)
    return out


def encode_doors(lat: np.ndarray, lon: np.ndarray, outcome: np.ndarray) -> dict[str, Any]:
    """Doors as {"n", "o": [lat0, lon0], "k": SCALE, "b": base64, "c": counts by outcome}."""
    qlat = np.round(lat * SCALE).astype(np.int64)
    qlon = np.round(lon * SCALE).astype(np.int64)
    counts = np.bincount(outcome.astype(np.int64) + 1, minlength=NCODES)[:NCODES].tolist()
    if qlat.size == 0:
        return {"n": 0, "o": [0, 0], "k": SCALE, "b": "", "c": counts}
    origin = (int(qlat.min()), int(qlon.min()))
    strip = (qlat - origin[0]) // STRIP
    along = np.where(strip % 2 == 0, qlon, -qlon)
    order = np.lexsort((along, strip))
    dlat = np.diff(qlat[order], prepend=origin[0])
    dlon = np.diff(qlon[order], prepend=origin[1])
    codes = (outcome[order].astype(np.int64) + 1).astype(np.uint8)
    if codes.size % 2:
        codes = np.append(codes, np.uint8(0))
    nibbles = (codes[0::2] | (codes[1::2] << 4)).astype(np.uint8)
    blob = np.concatenate([varints(dlat), varints(dlon), nibbles]).tobytes()
    return {"n": int(qlat.size), "o": list(origin), "k": SCALE,
            "b": base64.b64encode(blob).decode("ascii"), "c": counts}


def polygon_rings(geometry: dict[str, Any] | None) -> list[list[np.ndarray]]:
    """A Polygon/MultiPolygon GeoJSON geometry as polygons of rings of (lon, lat) arrays."""
    if not geometry:
        return []
    kind = geometry.get("type")
    if kind == "Feature":
        return polygon_rings(geometry.get("geometry"))
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = geometry["coordinates"]
    elif kind == "GeometryCollection":
        return [p for g in geometry.get("geometries", []) for p in polygon_rings(g)]
    else:
        raise ValueError(f"expected a Polygon or MultiPolygon geometry, got {kind!r}")
    out = []
    for polygon in polygons:
        rings = [np.asarray(ring, dtype=np.float64).reshape(-1, 2)[:, :2] for ring in polygon]
        rings = [r for r in rings if len(r) >= 3]
        if rings:
            out.append(rings)
    return out


def _quantize_ring(ring: np.ndarray) -> np.ndarray:
    """A (lon, lat) ring as integer (lat, lon) rows, simplified when huge, no repeats."""
    if len(ring) > SIMPLIFY_ABOVE:
        simple = shapely.simplify(shapely.linearrings(ring), SIMPLIFY_DEGREES,
                                  preserve_topology=True)
        ring = shapely.get_coordinates(simple)
    q = np.round(ring[:, ::-1] * SCALE).astype(np.int64)
    keep = np.ones(len(q), dtype=bool)
    keep[1:] = np.any(q[1:] != q[:-1], axis=1)
    q = q[keep]
    if len(q) > 1 and np.array_equal(q[0], q[-1]):
        q = q[:-1]  # Leaflet closes rings itself
    return q


def encode_geometry(geometry: dict[str, Any] | None, origin: tuple[int, int]) -> list:
    """A polygon geometry as [[ring deltas, ...], ...] relative to origin (lat, lon) ints."""
    out = []
    for polygon in polygon_rings(geometry):
        rings = []
        for ring in polygon:
            q = _quantize_ring(ring)
            if len(q) < 3:
                continue
            deltas = np.diff(q, axis=0, prepend=np.asarray([origin], dtype=np.int64))
            rings.append(deltas.reshape(-1).tolist())
        if rings:
            out.append(rings)
    return out


def encode_path(latlon: np.ndarray, origin: tuple[int, int]) -> list[int]:
    """A polyline of (lat, lon) rows as flat integer deltas relative to origin."""
    q = np.round(np.asarray(latlon, dtype=np.float64).reshape(-1, 2) * SCALE).astype(np.int64)
    if len(q) == 0:
        return []
    return np.diff(q, axis=0, prepend=np.asarray([origin], dtype=np.int64)).reshape(-1).tolist()


def origin_of(lat: float, lon: float) -> tuple[int, int]:
    """An integer origin near a point."""
    return round(lat * SCALE), round(lon * SCALE)


def mercator(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web-Mercator world coordinates in [0, 1] (x east, y south), as Leaflet's zoom 0 / 256."""
    s = np.clip(np.sin(np.radians(lat)), -0.9999, 0.9999)
    return 0.5 + np.asarray(lon) / 360.0, 0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)


def hex_bins(lat: np.ndarray, lon: np.ndarray, support: np.ndarray,
             metres: float) -> dict[str, Any]:
    """Contacts binned into pointy-top hexagons about `metres` across: axial q, r, count, mean."""
    if lat.size == 0:
        return {"s": 0.0, "q": [], "r": [], "n": [], "m": []}
    mid = math.radians(float(np.median(lat)))
    size = (metres / math.sqrt(3)) / (EARTH_CIRCUMFERENCE_M * math.cos(mid))  # circumradius
    x, y = mercator(lat, lon)
    qf = (math.sqrt(3) / 3 * x - y / 3) / size
    rf = (2 / 3 * y) / size
    # cube rounding
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    qi, ri = q.astype(np.int64), r.astype(np.int64)
    cells, inverse = np.unique(np.stack([qi, ri], axis=1), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    count = np.bincount(inverse, minlength=len(cells))
    mean = np.bincount(inverse, weights=support, minlength=len(cells)) / count
    return {"s": size, "q": cells[:, 0].tolist(), "r": cells[:, 1].tolist(),
            "n": count.tolist(), "m": np.round(mean * 10).astype(int).tolist()}


def bounds_of(*groups: tuple[np.ndarray, np.ndarray]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around (lat, lon) array pairs, or None if all empty."""
    lats = [g[0] for g in groups if len(g[0])]
    lons = [g[1] for g in groups if len(g[1])]
    if not lats:
        return None
    lat, lon = np.concatenate(lats), np.concatenate(lons)
    return [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]


def geometry_points(geometry: dict[str, Any] | None) -> tuple[np.ndarray, np.ndarray]:
    """All (lat, lon) vertices of a polygon geometry, for bounds."""
    rings = [ring for polygon in polygon_rings(geometry) for ring in polygon]
    if not rings:
        return np.zeros(0), np.zeros(0)
    allpts = np.concatenate(rings)
    return allpts[:, 1], allpts[:, 0]
