"""District boundaries from GeoJSON: parse, check, repair, and set them on a race.

`parse_district(raw)` is pure: it takes the file (bytes, text or a parsed dict) and returns the
district as one GeoJSON Polygon or MultiPolygon in EPSG:4326, or raises a DomainError saying
what is wrong and how to fix it. Accepted input: a bare geometry, a Feature, or a
FeatureCollection (several features are unioned: a district published as its precincts).

Checks, in order: JSON at all; a `crs` member (old GeoJSON) naming anything but WGS 84 (or
NAD83, which the Census Bureau's TIGER/Line files use and which is within two metres of it in
the US); areas only (Polygon / MultiPolygon); every coordinate a longitude in -180..180 and a
latitude in -90..90 (projected files in metres or feet fail here). Invalid geometry (a ring
crossing itself, overlapping parts) is repaired with `shapely.make_valid`, keeping the
polygonal parts, and the repair is reported, never silent.

`load_district(db, race, raw)` sets the race's district, clears `district_is_synthetic`, moves
the race centre to a point inside the district and counts the race's geocoded doors outside it.
It flushes; the caller commits.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from fieldapp.errors import DomainError
from fieldapp.races.models import Race

# A door this close to the boundary line (about 10 m) counts as inside: geocodes of doors on a
# boundary street fall either side of it.
EDGE_TOLERANCE_DEG = 1e-4
OCD_KEYS = ("ocd_id", "ocd_division_id", "ocdid", "ocd_division")
_WGS84_NAMES = {"crs84", "epsg:4326", "4326", "wgs84", "wgs 84"}
_NAD83_NAMES = {"crs83", "epsg:4269", "4269", "nad83"}
_AREAS = ("Polygon", "MultiPolygon")
_KM_PER_DEGREE = 111.32


@dataclass
class ParsedDistrict:
    """A district read from a file: the geometry, and what had to be done to it."""

    geometry: dict[str, Any]
    features: int = 1
    ocd_id: str | None = None
    repaired: bool = False
    messages: list[str] = field(default_factory=list)


@dataclass
class DistrictReport:
    """What loading a district did: for the flash message, the CLI and the tests."""

    features: int
    parts: int
    area_km2: float
    centre: tuple[float, float]
    repaired: bool = False
    ocd_id: str | None = None
    households_geocoded: int = 0
    households_outside: int = 0
    messages: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One sentence for people."""
        parts = f"{self.parts} parts, " if self.parts > 1 else ""
        return (f"District boundary saved ({parts}{self.area_km2:,.1f} km² from "
                f"{self.features} feature{'s' if self.features != 1 else ''}). "
                f"{self.households_outside:,} of {self.households_geocoded:,} geocoded doors "
                f"fall outside it.")


def parse_district(raw: bytes | str | dict, expected_ocd_id: str | None = None) -> ParsedDistrict:
    """The district in a GeoJSON document, checked and (if need be) repaired.

    An `ocd_id` property (or ocd_division_id, OCD_ID) must equal expected_ocd_id when both are
    given; a mismatch is refused naming both.
    """
    document = _load_json(raw)
    _check_crs(document, "the file")
    geometries, properties = _geometries(document)
    messages: list[str] = []
    if _is_nad83(document):
        messages.append("The file is in NAD83 (EPSG:4269); it was used as WGS 84, which differs "
                        "by at most a couple of metres in the United States.")
    shapes = []
    for index, geometry in enumerate(geometries):
        _check_coordinates(geometry, index, len(geometries))
        shapes.append(_to_shape(geometry, index, len(geometries)))
    repaired = False
    for index, geom in enumerate(shapes):
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            shapes[index] = _polygonal(shapely.make_valid(geom))
            repaired = True
            where = f" (feature {index + 1})" if len(shapes) > 1 else ""
            messages.append(f"The boundary{where} was not valid geometry ({reason}); it was "
                            "repaired with shapely's make_valid. Check it on the map.")
    merged = _polygonal(shapely.union_all(shapes)) if len(shapes) > 1 else shapes[0]
    if merged.is_empty or merged.area == 0:
        raise DomainError("The boundary encloses no area.", {"file": "empty area"})
    ocd_id = _ocd_id(properties)
    if ocd_id and expected_ocd_id and expected_ocd_id.strip().lower() != ocd_id:
        raise DomainError(f"This boundary is for {ocd_id}, but the race is {expected_ocd_id}. "
                          "Upload the boundary of the race's own district.",
                          {"ocd_id": f"{ocd_id} is not {expected_ocd_id}"})
    geometry = json.loads(shapely.to_geojson(shapely.force_2d(merged)))
    return ParsedDistrict(geometry=geometry, features=len(shapes), ocd_id=ocd_id,
                          repaired=repaired, messages=messages)


def load_district(db: Session, race: Race, raw: bytes | str | dict) -> DistrictReport:
    """Set race's district from a GeoJSON document; report what was done and doors outside."""
    parsed = parse_district(raw, race.ocd_division_id)
    messages = list(parsed.messages)
    if parsed.ocd_id and not race.ocd_division_id:
        race.ocd_division_id = parsed.ocd_id
        messages.append(f"The race's division id was set to {parsed.ocd_id} from the file.")
    geom = shape(parsed.geometry)
    point = geom.representative_point()
    race.district = parsed.geometry
    race.district_is_synthetic = False
    race.centre_lat, race.centre_lon = point.y, point.x
    geocoded, outside = count_outside(db, race.id, geom)
    if geocoded and outside == geocoded:
        messages.append("Every geocoded door is outside this boundary: is it the right district, "
                        "and are its coordinates longitude first, then latitude?")
    db.flush()
    return DistrictReport(features=parsed.features, parts=len(getattr(geom, "geoms", [geom])),
                          area_km2=area_km2(geom), centre=(point.y, point.x),
                          repaired=parsed.repaired, ocd_id=parsed.ocd_id,
                          households_geocoded=geocoded, households_outside=outside,
                          messages=messages)


def district_shape(district: dict[str, Any] | None) -> BaseGeometry | None:
    """A race's district as a prepared shapely geometry (fast repeated point tests), or None."""
    if not district:
        return None
    geom = shape(district)
    shapely.prepare(geom)
    return geom


def points_inside(geom: BaseGeometry, lat: Any, lon: Any) -> np.ndarray:
    """For each (lat, lon), True when inside geom or within EDGE_TOLERANCE_DEG of its edge."""
    lat = np.asarray(lat, dtype=float).reshape(-1)
    lon = np.asarray(lon, dtype=float).reshape(-1)
    inside = shapely.contains_xy(geom, lon, lat)
    rest = ~inside
    if rest.any():
        inside[rest] = shapely.dwithin(geom, shapely.points(lon[rest], lat[rest]),
                                       EDGE_TOLERANCE_DEG)
    return inside


def count_outside(db: Session, race_id: int, geom: BaseGeometry) -> tuple[int, int]:
    """(geocoded doors, geocoded doors outside geom) of a race."""
    from fieldapp.voters.models import Household  # voters sits above races: counts only

    rows = db.execute(sa.select(Household.lat, Household.lon).where(
        Household.race_id == race_id, Household.lat.is_not(None),
        Household.lon.is_not(None))).all()
    if not rows:
        return 0, 0
    coords = np.asarray(rows, dtype=float)
    shapely.prepare(geom)
    return len(rows), int((~points_inside(geom, coords[:, 0], coords[:, 1])).sum())


def area_km2(geom: BaseGeometry) -> float:
    """Approximate area in km² (degrees scaled at the shape's latitude: enough for a report)."""
    lat = geom.centroid.y
    return geom.area * _KM_PER_DEGREE ** 2 * math.cos(math.radians(lat))


def _load_json(raw: bytes | str | dict) -> dict:
    """The parsed document, or a DomainError for anything that is not a JSON object."""
    if isinstance(raw, dict):
        return raw
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        document = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise DomainError("The file is not GeoJSON (it does not read as JSON text). Export the "
                          "district as GeoJSON, e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 "
                          "district.geojson district.shp`.", {"file": str(error)[:200]}) from None
    if not isinstance(document, dict):
        raise DomainError("The file is JSON but not a GeoJSON object.", {"file": "not an object"})
    return document


def _crs_name(document: dict) -> str | None:
    """The CRS named by an old-style GeoJSON `crs` member, lower case, or None."""
    crs = document.get("crs")
    if not isinstance(crs, dict):
        return None
    props = crs.get("properties") if isinstance(crs.get("properties"), dict) else {}
    name = str(props.get("name") or props.get("code") or "").strip().lower()
    if not name:
        return None
    # "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326"
    tail = name.replace("::", ":").split(":")
    if tail[-1].isdigit() and len(tail) > 1:
        return f"epsg:{tail[-1]}" if tail[-2] in ("epsg", "") else tail[-1]
    return tail[-1]


def _is_nad83(document: dict) -> bool:
    """True when the document says it is in NAD83."""
    return _crs_name(document) in _NAD83_NAMES


def _check_crs(document: dict, where: str) -> None:
    """Refuse a `crs` member naming a CRS other than WGS 84 / NAD83 longitude-latitude."""
    name = _crs_name(document)
    if name and name not in _WGS84_NAMES | _NAD83_NAMES:
        shown = document["crs"]["properties"].get("name") or name
        raise DomainError(
            f"{where.capitalize()} is in {shown}, not longitude/latitude (EPSG:4326). Convert it "
            "first, e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson in.geojson`.",
            {"crs": f"{shown} is not EPSG:4326"})


def _geometries(document: dict) -> tuple[list[dict], list[dict]]:
    """The geometries of a geometry, Feature or FeatureCollection, and their properties."""
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise DomainError("The FeatureCollection holds no features.", {"file": "no features"})
    elif kind == "Feature":
        features = [document]
    elif kind in _AREAS:
        return [document], []
    else:
        raise DomainError(_not_an_area(kind), {"type": str(kind)})
    geometries, properties = [], []
    for index, feature in enumerate(features):
        label = f"Feature {index + 1}" if len(features) > 1 else "The feature"
        if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
            raise DomainError(f"{label} has no geometry.", {"file": "feature without geometry"})
        _check_crs(feature, label)
        geometry = feature["geometry"]
        if geometry.get("type") not in _AREAS:
            raise DomainError(f"{label}: {_not_an_area(geometry.get('type'))}",
                              {"type": str(geometry.get("type"))})
        geometries.append(geometry)
        if isinstance(feature.get("properties"), dict):
            properties.append(feature["properties"])
    return geometries, properties


def _not_an_area(kind: Any) -> str:
    """The message for a geometry type that is not a district."""
    return (f"A {kind} is not an area: a district is a Polygon or MultiPolygon "
            "(a Feature or FeatureCollection of them).")


def _check_coordinates(geometry: dict, index: int, count: int) -> None:
    """Every position is finite lon/lat degrees; projected files are named as such."""
    label = f"Feature {index + 1}: " if count > 1 else ""
    try:
        coords = np.asarray(list(_positions(geometry.get("coordinates"))), dtype=float)
    except (TypeError, ValueError):
        raise DomainError(f"{label}The coordinates are not lists of numbers.",
                          {"coordinates": "malformed"}) from None
    if coords.size == 0:
        raise DomainError(f"{label}The geometry has no coordinates.", {"coordinates": "empty"})
    bad = ~(np.isfinite(coords).all(axis=1) & (np.abs(coords[:, 0]) <= 180)
            & (np.abs(coords[:, 1]) <= 90))
    if bad.any():
        x, y = coords[np.argmax(bad)]
        raise DomainError(
            f"{label}Coordinates like ({x:g}, {y:g}) are not longitude/latitude degrees: the file "
            "looks projected (metres or feet, e.g. a State Plane or UTM system). Reproject it to "
            "EPSG:4326, e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson in.geojson`.",
            {"coordinates": "outside lon -180..180 / lat -90..90"})


def _positions(value: Any):
    """Every [x, y] position nested anywhere in a coordinates array."""
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and
                                                 not isinstance(v, bool) for v in value):
        if len(value) < 2:
            raise ValueError("a position needs two numbers")
        yield value[:2]
    elif isinstance(value, list):
        for item in value:
            yield from _positions(item)
    else:
        raise ValueError("not a coordinates array")


def _to_shape(geometry: dict, index: int, count: int) -> BaseGeometry:
    """A shapely geometry, or a DomainError for rings too short to be polygons."""
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException) as error:
        label = f"Feature {index + 1}: " if count > 1 else ""
        raise DomainError(f"{label}The polygon is malformed ({error}); every ring needs at least "
                          "four positions, the last equal to the first.",
                          {"coordinates": "malformed ring"}) from None
    if geom.is_empty:
        raise DomainError("The geometry is empty.", {"coordinates": "empty"})
    return geom


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the polygonal parts of geom (make_valid can leave lines and points behind)."""
    if geom.geom_type in _AREAS:
        return geom
    parts = [part for part in getattr(geom, "geoms", []) if part.geom_type in _AREAS]
    if not parts:
        raise DomainError("The boundary could not be repaired into an area.",
                          {"file": "no area after repair"})
    return _polygonal(shapely.union_all(parts)) if len(parts) > 1 else parts[0]


def _ocd_id(properties: list[dict]) -> str | None:
    """The one OCD division id the features carry (case-insensitive key), or None."""
    found = set()
    for props in properties:
        for key, value in props.items():
            if key.lower() in OCD_KEYS and isinstance(value, str) and value.strip():
                found.add(value.strip().lower())
    if len(found) > 1:
        raise DomainError("The features name different OCD divisions: "
                          f"{', '.join(sorted(found))}. Upload one district.",
                          {"ocd_id": "several divisions"})
    return found.pop() if found else None
