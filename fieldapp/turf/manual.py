"""Cutting turf by hand: a drawn polygon becomes a turf; split, merge, rename, delete.

A door belongs to at most one active turf: drawing over another turf's doors is refused
with that turf's name. Every change re-routes the turfs it touches.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from shapely import contains_xy
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.races.models import Race
from fieldapp.turf.membership import set_door_turf
from fieldapp.turf.models import Turf
from fieldapp.turf.services import _geojson, new_code, polygon_from_geojson, retire_turf, route_turf
from fieldapp.voters.models import Household


@dataclass(frozen=True)
class PolygonPreview:
    """What a drawn polygon would take: its free doors and the turfs already holding others."""

    doors: int
    free_doors: int
    taken_by: dict[str, int]

    def as_json(self) -> dict:
        """Shape for the drawing page's live count."""
        return {"doors": self.doors, "free_doors": self.free_doors, "taken_by": self.taken_by}


def _doors_inside(db: Session, race: Race, polygon) -> list:
    """Geocoded doors of the race inside polygon (bounding-box query, exact test in shapely)."""
    minx, miny, maxx, maxy = polygon.bounds
    rows = db.execute(
        sa.select(Household.id, Household.lat, Household.lon, Household.turf_id)
        .where(Household.race_id == race.id, Household.lat.between(miny, maxy),
               Household.lon.between(minx, maxx))).all()
    if not rows:
        return []
    lats = np.array([r.lat for r in rows])
    lons = np.array([r.lon for r in rows])
    inside = contains_xy(polygon, lons, lats)
    return [row for row, keep in zip(rows, inside) if keep]


def preview_polygon(db: Session, race: Race, raw: dict) -> PolygonPreview:
    """Count the doors a drawn polygon holds, before saving."""
    polygon = polygon_from_geojson(raw, race)
    doors = _doors_inside(db, race, polygon)
    taken = [d.turf_id for d in doors if d.turf_id is not None]
    names = {row.id: row.name for row in db.execute(
        sa.select(Turf.id, Turf.name).where(Turf.id.in_(set(taken))))} if taken else {}
    counts: dict[str, int] = {}
    for turf_id in taken:
        counts[names[turf_id]] = counts.get(names[turf_id], 0) + 1
    return PolygonPreview(len(doors), len(doors) - len(taken), counts)


def create_turf(db: Session, race: Race, raw: dict, name: str, actor: User | None) -> Turf:
    """Save a drawn polygon as a turf of its free doors; refused if it takes another's doors."""
    polygon = polygon_from_geojson(raw, race)
    name = name.strip()
    if not name:
        raise DomainError("Give the turf a name.", {"name": "required"})
    doors = _doors_inside(db, race, polygon)
    taken = {d.turf_id for d in doors if d.turf_id is not None}
    if taken:
        names = sorted(db.scalars(sa.select(Turf.name).where(Turf.id.in_(taken))))
        raise DomainError(f"This shape covers doors already in turf {', '.join(names)}. Redraw it "
                          "around free doors, or edit that turf.", {"polygon": "overlaps " + ", ".join(names)})
    if not doors:
        raise DomainError("This shape holds no geocoded doors.", {"polygon": "no doors inside"})
    turf = Turf(race_id=race.id, name=name[:200], boundary=_geojson(polygon), cut_method="manual",
                created_by_id=actor.id if actor else None, code=new_code(db))
    db.add(turf)
    db.flush()
    set_door_turf(db, [d.id for d in doors], turf.id)
    route_turf(db, turf)
    return turf


def rename_turf(db: Session, turf: Turf, name: str) -> None:
    """Give a turf a new name."""
    if not name.strip():
        raise DomainError("Give the turf a name.", {"name": "required"})
    turf.name = name.strip()[:200]


def split_turf(db: Session, turf: Turf, raw: dict, new_name: str, actor: User | None) -> Turf:
    """Move the turf's doors inside a drawn polygon into a new turf."""
    polygon = polygon_from_geojson(raw, turf.race)
    inside = [d for d in _doors_inside(db, turf.race, polygon) if d.turf_id == turf.id]
    if not inside:
        raise DomainError("The shape holds none of this turf's doors.", {"polygon": "no doors"})
    if len(inside) == turf.door_count:
        raise DomainError("The shape holds all of this turf's doors: nothing left to split off.",
                          {"polygon": "covers the whole turf"})
    part = Turf(race_id=turf.race_id, name=(new_name.strip() or f"{turf.name} b")[:200],
                boundary=_geojson(polygon.intersection(_shape(turf.boundary)) if turf.boundary else polygon),
                cut_method="manual", created_by_id=actor.id if actor else None, code=new_code(db))
    db.add(part)
    db.flush()
    set_door_turf(db, [d.id for d in inside], part.id)
    if turf.boundary:
        turf.boundary = _geojson(_shape(turf.boundary).difference(polygon))
    route_turf(db, turf)
    route_turf(db, part)
    return part


def merge_turfs(db: Session, keep: Turf, other: Turf) -> Turf:
    """Move every door of `other` into `keep`; `other` is deleted or archived."""
    if keep.race_id != other.race_id or keep.id == other.id:
        raise DomainError("Merge two different turfs of the same race.", {"other": "invalid"})
    set_door_turf(db, db.scalars(sa.select(Household.id).where(
        Household.turf_id == other.id)).all(), keep.id)
    if keep.boundary and other.boundary:
        keep.boundary = _geojson(_shape(keep.boundary).union(_shape(other.boundary)))
    retire_turf(db, other)
    route_turf(db, keep)
    return keep


def _shape(geojson: dict):
    """A shapely geometry from GeoJSON."""
    from shapely.geometry import shape

    return shape(geojson)
