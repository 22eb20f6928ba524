"""Plain-data inputs of the map builders: no database, no Flask, just numbers and strings.

Coordinates are WGS 84 degrees. Geometries are GeoJSON geometry dicts (``Polygon`` or
``MultiPolygon``, lon/lat order as GeoJSON has it). Door arrays may be lists or numpy arrays;
an outcome is an index into ``palette.OUTCOMES``, an outcome code string, or None (or -1 in an
integer array) for a door nobody has knocked yet.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fieldapp.maps.palette import OUTCOMES, outcome_index

Geometry = dict[str, Any]
ArrayLike = Sequence[float] | np.ndarray


@dataclass(frozen=True)
class DoorPoints:
    """Many doors as parallel arrays: latitude, longitude, latest outcome."""

    lat: ArrayLike
    lon: ArrayLike
    outcome: Sequence[int | str | None] | np.ndarray

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lat float64, lon float64, outcome int8 with -1 for not knocked), validated."""
        lat = np.asarray(self.lat, dtype=np.float64).reshape(-1)
        lon = np.asarray(self.lon, dtype=np.float64).reshape(-1)
        outcome = _outcome_array(self.outcome)
        if not (lat.shape == lon.shape == outcome.shape):
            raise ValueError("lat, lon and outcome must have the same length")
        keep = np.isfinite(lat) & np.isfinite(lon)
        return lat[keep], lon[keep], outcome[keep]


@dataclass(frozen=True)
class ContactPoints:
    """Contacts with a support score 1 (strongly against) to 5 (strongly for)."""

    lat: ArrayLike
    lon: ArrayLike
    support: ArrayLike

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lat, lon, support) as float64 arrays, rows without a finite 1–5 score dropped."""
        lat = np.asarray(self.lat, dtype=np.float64).reshape(-1)
        lon = np.asarray(self.lon, dtype=np.float64).reshape(-1)
        support = np.asarray(self.support, dtype=np.float64).reshape(-1)
        if not (lat.shape == lon.shape == support.shape):
            raise ValueError("lat, lon and support must have the same length")
        keep = np.isfinite(lat) & np.isfinite(lon) & (support >= 1) & (support <= 5)
        return lat[keep], lon[keep], support[keep]


@dataclass(frozen=True)
class TurfSummary:
    """One turf on the coverage map: its outline and its counts."""

    id: int | str
    name: str
    boundary: Geometry | None
    doors: int = 0
    knocked: int = 0
    contacts: int = 0
    volunteers: Sequence[str] = ()
    url: str | None = None  # link shown in the popup (site-relative or http(s) only)


@dataclass(frozen=True)
class CoverageMapData:
    """Everything the race coverage map shows."""

    district: Geometry | None
    turfs: Sequence[TurfSummary] = ()
    doors: DoorPoints | None = None
    contacts: ContactPoints | None = None


@dataclass(frozen=True)
class WalkDoor:
    """One door of a walk list, in walk order."""

    lat: float
    lon: float
    outcome: int | str | None = None
    label: str = ""  # e.g. the address; shown as text, never as HTML
    door_id: int | str | None = None


@dataclass(frozen=True)
class TurfMapData:
    """One turf: outline, doors in walk order and (optionally) the walking route."""

    boundary: Geometry | None
    doors: Sequence[WalkDoor] = ()
    route: Sequence[tuple[float, float]] | None = None  # (lat, lon); None: door to door
    name: str = ""


@dataclass(frozen=True)
class MapFragment:
    """A map to embed in a page: tags for <head>, the map element, and the script after it."""

    header: str
    html: str
    script: str
    map_id: str = ""  # the map element's id, for FieldMaps.locate(lat, lon, acc, map_id)

    def document(self, title: str = "Map") -> str:
        """The fragment as a minimal standalone HTML document."""
        from html import escape

        return (
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n{self.header}\n</head>\n<body>\n"
            f"{self.html}\n{self.script}\n</body>\n</html>\n"
        )


def _outcome_array(values: Sequence[int | str | None] | np.ndarray) -> np.ndarray:
    """Outcomes as int8 indexes, -1 for not knocked."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        out = values.astype(np.int16).reshape(-1)
    elif isinstance(values, np.ndarray) and values.dtype.kind == "f":
        out = np.where(np.isfinite(values), values, -1).astype(np.int16).reshape(-1)
    else:
        out = np.fromiter((outcome_index(v) for v in values), dtype=np.int16, count=len(values))
    if out.size and (out.min() < -1 or out.max() >= len(OUTCOMES)):
        raise ValueError("outcome index out of range")
    return out.astype(np.int8)
