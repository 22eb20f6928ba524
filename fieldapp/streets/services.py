"""A race's street network: import a street file (checked before anything is replaced),
read the stored network, list the doors matched far from every street.

Plain functions over a session; they flush, the caller commits. An import never touches
turfs: the next automatic cut uses the new network (turf management re-cuts, with preview).
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from shapely.geometry import box, shape
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.races.models import Race
from fieldapp.streets.checks import (
    StreetFileError,
    check_covers,
    check_doors_near,
    ways_from_geojson,
)
from fieldapp.streets.matching import FAR_M, house_number, match_doors, street_of_address
from fieldapp.streets.models import DoorStreet, StreetNetworkRecord
from fieldapp.streets.network import Way, build_network
from fieldapp.streets.osm import MARGIN_DEG, read_osm
from fieldapp.streets.store import dump_network, load_network
from fieldapp.voters.models import Household

FORMATS = ("osm", "osm.bz2", "osm.gz", "osm.pbf", "geojson")
NOT_A_STREET_FILE = ("This is neither an OpenStreetMap extract (.osm, .osm.bz2, .osm.pbf) nor "
                     "GeoJSON street lines (a FeatureCollection, or one Feature a line).")


@dataclass
class StreetImportReport:
    """What an import kept and how the doors matched, for the page, the job and the CLI."""

    source_format: str
    ways: int
    segments: int
    barrier_segments: int
    barrier_lines: int
    length_km: float
    doors: int
    doors_far: int
    doors_by_name: int

    def summary(self) -> str:
        """One sentence for people."""
        return (f"{self.segments:,} street segments ({self.length_km:,.1f} km; "
                f"{self.barrier_segments:,} on main roads crossed only at corners, "
                f"{self.barrier_lines:,} lines never crossed) from {self.ways:,} ways; "
                f"{self.doors:,} doors placed on a block face, {self.doors_far:,} of them "
                f"{FAR_M:.0f} m or more from the street (look at those).")

    def as_json(self) -> dict:
        """Figures for the job's result and the API."""
        return {**self.__dict__, "summary": self.summary()}


def sniff_format(path: str | Path) -> str:
    """The street file's format from its first bytes (an upload's name says nothing)."""
    with open(path, "rb") as stream:
        head = stream.read(4096)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"BZh"):
        return "osm.bz2"
    if head.startswith(b"\x1f\x8b"):
        return "osm.gz"
    if b"OSMHeader" in head[:64]:
        return "osm.pbf"
    if text.startswith(b"<") and b"<osm" in head:
        return "osm"
    if text.startswith((b"{", b"\x1e")):
        return "geojson"
    raise StreetFileError(NOT_A_STREET_FILE)


def _geojson_features(path: str | Path) -> dict:
    """A FeatureCollection from a GeoJSON file or GeoJSON lines (RFC 8142 or one per line)."""
    raw = Path(path).read_text(encoding="utf-8", errors="replace")
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        pass
    features = []
    for number, line in enumerate(raw.splitlines(), start=1):
        line = line.strip().lstrip("\x1e")
        if not line:
            continue
        try:
            features.append(json.loads(line))
        except json.JSONDecodeError:
            raise StreetFileError(f"Line {number} is not GeoJSON. {NOT_A_STREET_FILE}") from None
    return {"type": "FeatureCollection", "features": features}


def read_ways(path: str | Path, fmt: str, bbox: tuple[float, float, float, float]) -> list[Way]:
    """The walkable and barrier ways of the file near bbox (south, west, north, east)."""
    if fmt == "geojson":
        ways = ways_from_geojson(_geojson_features(path))
        s, w, n, e = (bbox[0] - MARGIN_DEG, bbox[1] - MARGIN_DEG, bbox[2] + MARGIN_DEG,
                      bbox[3] + MARGIN_DEG)
        return [way for way in ways
                if any(s <= la <= n and w <= lo <= e for la, lo in way.coords)]
    try:
        return read_osm(str(path), bbox, fmt=fmt)
    except ValueError:
        raise StreetFileError(f"The file looks like {fmt} but pyosmium cannot read it: is it "
                              "cut short or damaged?") from None


def _area(db: Session, race: Race):
    """The district (lon/lat polygon), else the box around the race's doors."""
    if race.district:
        return shape(race.district)
    lat = db.execute(sa.select(sa.func.min(Household.lat), sa.func.min(Household.lon),
                               sa.func.max(Household.lat), sa.func.max(Household.lon))
                     .where(Household.race_id == race.id)).one()
    if lat[0] is None:
        raise DomainError("Upload the race's district boundary or import its voters first: "
                          "the streets are kept around them.", {"file": "no district"})
    return box(lat[1], lat[0], lat[3], lat[2]).buffer(1e-4)


def import_streets(db: Session, race: Race, path: str | Path, filename: str = "",
                   actor: User | None = None,
                   progress: Callable[[int, str], None] | None = None) -> StreetImportReport:
    """Read, check, build and match; then replace the race's network (turfs untouched).

    DomainError, with nothing changed, for a file that is not a street file, not EPSG:4326,
    does not cover the district (how much is missing), or has no street near most doors."""
    step = progress or (lambda done, phase: None)
    step(0, "Reading the street file")
    try:
        fmt = sniff_format(path)
        area = _area(db, race)
        west, south, east, north = area.bounds
        bbox = (south, west, north, east)
        ways = read_ways(path, fmt, bbox)
        check_covers(ways, area)
        step(1, "Building the street network")
        net = build_network(ways, (south - MARGIN_DEG, west - MARGIN_DEG, north + MARGIN_DEG,
                                   east + MARGIN_DEG))
        step(2, "Placing each door on its block face")
        doors = db.execute(sa.select(Household.id, Household.lat, Household.lon,
                                     Household.address_line)
                           .where(Household.race_id == race.id, Household.lat.is_not(None))
                           .order_by(Household.id)).all()
        match = None
        if doors:
            coords = np.array([(d.lat, d.lon) for d in doors], float)
            match = match_doors(net, coords, [street_of_address(d.address_line) for d in doors],
                                [house_number(d.address_line) for d in doors])
            check_doors_near(match)
    except StreetFileError as error:
        raise DomainError(str(error), {"file": "this street file cannot be used"}) from None
    except ValueError as error:  # the network builder: nothing walkable at all
        raise DomainError(f"No street network could be built from this file: {error}.",
                          {"file": "no walkable street"}) from None
    step(3, "Saving the network")
    report = _replace(db, race, net, fmt, filename, actor, doors, match)
    report.ways = len(ways)
    return report


def _replace(db: Session, race: Race, net, fmt: str, filename: str, actor: User | None,
             doors: list, match) -> StreetImportReport:
    """Drop the race's previous network and its matches; store the new ones."""
    old = network_of(db, race)
    if old is not None:
        db.execute(sa.delete(DoorStreet).where(DoorStreet.network_id == old.id))
        db.delete(old)
        db.flush()
    far = int(match.far.sum()) if match is not None else 0
    record = StreetNetworkRecord(
        race_id=race.id, source_name=(filename or "")[:300], source_format=fmt,
        segments=net.n_segments, barrier_segments=int(net.barrier.sum()),
        barrier_lines=len(net.barrier_lines), length_km=float(net.seg_length.sum()) / 1000.0,
        doors_matched=len(doors), doors_far=far, data=dump_network(net),
        created_by_id=actor.id if actor else None)
    db.add(record)
    db.flush()
    if match is not None:
        rows = [{"household_id": int(d.id), "network_id": record.id, "segment": int(s),
                 "side": int(side), "distance_m": round(float(dist), 1), "by_name": bool(name)}
                for d, s, side, dist, name in zip(doors, match.segment, match.side,
                                                  match.distance, match.by_name)]
        for start in range(0, len(rows), 5000):
            db.execute(sa.insert(DoorStreet), rows[start:start + 5000])
    db.flush()
    return StreetImportReport(
        source_format=fmt, ways=0, segments=record.segments,
        barrier_segments=record.barrier_segments, barrier_lines=record.barrier_lines,
        length_km=round(record.length_km, 2), doors=len(doors), doors_far=far,
        doors_by_name=int(match.by_name.sum()) if match is not None else 0)


def network_of(db: Session, race: Race) -> StreetNetworkRecord | None:
    """The race's stored street network, if any."""
    return db.scalar(sa.select(StreetNetworkRecord).where(StreetNetworkRecord.race_id == race.id))


def far_doors(db: Session, record: StreetNetworkRecord, limit: int = 100) -> list[dict]:
    """Doors matched FAR_M or more from their street, farthest first, with the street's name."""
    rows = db.execute(sa.select(Household.id, Household.address_line, Household.unit,
                                DoorStreet.segment, DoorStreet.distance_m)
                      .join(DoorStreet, DoorStreet.household_id == Household.id)
                      .where(DoorStreet.network_id == record.id, DoorStreet.distance_m >= FAR_M)
                      .order_by(DoorStreet.distance_m.desc()).limit(limit)).all()
    if not rows:
        return []
    names = load_network(record.data, regions=False).seg_name
    return [{"id": r.id, "address": f"{r.address_line} #{r.unit}" if r.unit else r.address_line,
             "street": names[r.segment] if r.segment < len(names) else "",
             "distance_m": r.distance_m} for r in rows]
