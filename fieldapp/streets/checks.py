"""Street files in, checked: GeoJSON street lines, and the checks an import makes before it
replaces anything (the file covers the district, most doors have a street near them).

Errors are :class:`StreetFileError` with a sentence for the organizer.
"""
from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import shape

from fieldapp.streets.matching import FAR_M, Matches
from fieldapp.streets.network import BARRIER_LINES, WALKABLE, Way, classify

MISSING_OK = 0.02      # share of the district an extract may leave out (rounding, edges)
FAR_DOORS_MAX = 0.5    # more doors than this far from every street: the wrong file


class StreetFileError(ValueError):
    """A street file that cannot be used, and why."""


def _crs_ok(data: dict) -> bool:
    """Whether a GeoJSON's (legacy) crs member, if any, names EPSG:4326 / CRS84."""
    name = str(((data.get("crs") or {}).get("properties") or {}).get("name", ""))
    return not name or name.endswith(("4326", "CRS84"))


def ways_from_geojson(data: dict) -> list[Way]:
    """Ways from a GeoJSON FeatureCollection of (Multi)LineStrings in EPSG:4326.

    A feature's class is its OSM-like tags (``highway``, ``railway``, ``waterway``) or TIGER's
    ``MTFCC`` (S1100 primary, S1200 secondary, S1400 local, R1011 rail, H.... water); its name
    is ``name`` or TIGER's ``FULLNAME``; its house numbers per side are TIGER's address
    ranges when present (:func:`address_ranges`).
    """
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise StreetFileError("not a GeoJSON FeatureCollection of street lines")
    if not _crs_ok(data):
        raise StreetFileError("the street lines must be in longitude/latitude (EPSG:4326); "
                              "reproject them first, e.g. ogr2ogr -t_srs EPSG:4326")
    ways, other = [], 0
    for feat in data.get("features") or []:
        geom = (feat or {}).get("geometry")
        props = (feat or {}).get("properties") or {}
        if not geom or geom.get("type") not in ("LineString", "MultiLineString"):
            other += 1
            continue
        kind = _kind(props)
        if kind is None:
            continue
        for part in shapely.get_parts(shape(geom)):
            xy = np.asarray(part.coords)[:, :2]
            if (np.abs(xy[:, 0]) > 180).any() or (np.abs(xy[:, 1]) > 90).any():
                raise StreetFileError("coordinates are not longitude/latitude degrees "
                                      "(EPSG:4326); reproject the file first")
            ways.append(Way(coords=[(float(la), float(lo)) for lo, la in xy], kind=kind,
                            name=str(props.get("name") or props.get("FULLNAME") or ""),
                            ranges=address_ranges(props)))
    if not ways:
        raise StreetFileError(f"no street lines found ({other} features of other types)")
    return ways


RANGE_KEYS = (("lfromadd", "ltoadd", "rfromadd", "rtoadd"),
              ("lfromhn", "ltohn", "rfromhn", "rtohn"))


def _number(value) -> float:
    """A house number from a range field ('1201', 1201, '' or None -> NaN)."""
    text = str(value if value is not None else "").strip()
    return float(text) if text.isdigit() else np.nan


def address_ranges(props: dict) -> tuple[float, float, float, float] | None:
    """(left from, left to, right from, right to) from TIGER/Line fields: LFROMADD/LTOADD/
    RFROMADD/RTOADD (edges), LFROMHN/... or FROMHN/TOHN with SIDE L or R (address ranges),
    any case; None when the feature has none (a side left NaN)."""
    low = {str(k).lower(): v for k, v in props.items()}
    for keys in RANGE_KEYS:
        if any(k in low for k in keys):
            out = tuple(_number(low.get(k)) for k in keys)
            return out if np.isfinite(out).any() else None
    side = str(low.get("side") or "").upper()
    if side in ("L", "R") and ("fromhn" in low or "tohn" in low):
        pair = (_number(low.get("fromhn")), _number(low.get("tohn")))
        out = pair + (np.nan, np.nan) if side == "L" else (np.nan, np.nan) + pair
        return out if np.isfinite(out).any() else None
    return None


def _kind(props: dict) -> str | None:
    """A feature's class from OSM-like tags or a TIGER MTFCC code."""
    kind = classify({k: str(v) for k, v in props.items() if v is not None})
    if kind is not None:
        return kind
    code = str(props.get("MTFCC") or "")
    if code in ("S1100",):
        return "motorway"
    if code == "S1200":
        return "primary"
    if code in ("S1400", "S1640", "S1740"):
        return "residential"
    if code in ("S1710", "S1720", "S1730", "S1780", "S1820", "S1830"):
        return "footway"
    if code.startswith("R1"):
        return "railway"
    if code.startswith("H"):
        return "waterway"
    return None


def check_covers(ways: list[Way], district) -> None:
    """Refuse a file whose streets leave part of the district (a shapely polygon, lon/lat) out."""
    pts = [p for w in ways if w.kind in WALKABLE | BARRIER_LINES for p in w.coords]
    if not pts:
        raise StreetFileError("the file has no walkable street")
    lat, lon = np.array(pts).T
    # Padded by about FAR_M: the doors of a district's last street stand beyond its line.
    pad = FAR_M / 111_000.0
    hull = shapely.box(lon.min() - pad, lat.min() - pad, lon.max() + pad, lat.max() + pad)
    missing = 1.0 - district.intersection(hull).area / max(district.area, 1e-18)
    if missing > MISSING_OK:
        raise StreetFileError(f"the streets cover only {100 * (1 - missing):.0f}% of the "
                              f"district: {100 * missing:.0f}% of its area is outside the "
                              "file; use an extract that covers the whole district")


def check_doors_near(match: Matches) -> None:
    """Refuse a network with no walkable street near most doors (the wrong place or file)."""
    far = float(match.far.mean()) if len(match.far) else 0.0
    if far > FAR_DOORS_MAX:
        raise StreetFileError(f"{100 * far:.0f}% of the doors are {FAR_M:.0f} m or more from "
                              "every walkable street in the file: is it the right place?")
