"""Split a turf (by a drawn line, or into N by door count) and merge two neighbouring turfs.

Each change is planned first (`plan_*`: which doors go where, the names, who holds what), so
the page can show the plan before anything is saved; `apply_*` then writes exactly that plan.
Doors keep their knocks and their relative walk order; a turf's volunteers keep every door
they held (a split copies the active assignments to the new parts, a merge moves them).
Door moves go through `membership.set_door_turf`, so the door-to-turf history stays whole.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import LineString, Point, shape
from shapely.ops import split as split_geometry
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.models_base import utcnow
from fieldapp.turf.boundaries import turf_boundaries
from fieldapp.turf.membership import set_door_turf
from fieldapp.turf.models import Assignment, Turf
from fieldapp.turf.services import _geojson, new_code
from fieldapp.turf.walk_order import path_length_m
from fieldapp.voters.models import Household

MAX_PARTS = 10
MERGE_GAP_M = 150.0  # turfs further apart than this are not neighbours
HULL_BUFFER_DEG = 0.0003  # ~30 m around the doors of a turf drawn without a boundary


@dataclass
class Part:
    """One turf a split makes (the first keeps the original turf)."""

    name: str
    door_ids: list[int]
    knocked: int = 0
    boundary: object = None


@dataclass
class SplitPlan:
    """What a split will do: the parts, and the volunteers who follow the doors."""

    turf: Turf
    parts: list[Part]
    holders: list[str] = field(default_factory=list)


@dataclass
class MergePlan:
    """What a merge will do: the doors of `other` join `keep`, whose name stays."""

    keep: Turf
    other: Turf
    doors: int
    knocked: int
    gap_m: float
    holders: list[str] = field(default_factory=list)


def _doors(db: Session, turf: Turf) -> list:
    """The turf's doors in walk order: id, lat, lon, knocked."""
    return db.execute(sa.select(Household.id, Household.lat, Household.lon,
                                Household.last_outcome.is_not(None).label("knocked"))
                      .where(Household.turf_id == turf.id)
                      .order_by(Household.walk_seq.nulls_last(), Household.id)).all()


def _region(turf: Turf, doors: list):
    """The turf's ground: its boundary, or the doors' hull with a margin."""
    if turf.boundary:
        return shapely.make_valid(shape(turf.boundary))
    points = [(d.lon, d.lat) for d in doors if d.lat is not None]
    return shapely.MultiPoint(points).convex_hull.buffer(HULL_BUFFER_DEG)


def _holders(db: Session, turf_ids: list[int]) -> list[str]:
    return [name or email.split("@")[0] for name, email in db.execute(
        sa.select(User.name, User.email).join(Assignment, Assignment.volunteer_id == User.id)
        .where(Assignment.turf_id.in_(turf_ids), Assignment.status == "active")
        .order_by(User.name))]


def _names(turf: Turf, count: int, names: list[str] | None) -> list[str]:
    """The original name first, then the organizer's names or '<name> b', '<name> c'…"""
    given = [n.strip()[:200] for n in (names or [])]
    result = [turf.name]
    for k in range(1, count):
        wanted = given[k] if k < len(given) and given[k] else f"{turf.name} {chr(ord('a') + k)}"
        result.append(wanted[:200])
    return result


def parse_line(raw) -> LineString:
    """A LineString from GeoJSON text or dict (a Feature or a geometry)."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
        data = data.get("geometry", data) if isinstance(data, dict) else data
        line = shape(data)
    except Exception:
        raise DomainError("Draw a line across the turf first.", {"line": "not a line"}) from None
    if line.geom_type != "LineString" or len(line.coords) < 2 or not line.is_valid:
        raise DomainError("Draw a line across the turf first.", {"line": "not a line"})
    return line


def plan_split_by_line(db: Session, turf: Turf, raw_line, names: list[str] | None = None) -> SplitPlan:
    """Cut the turf's ground along a drawn line; each door goes to the piece it lies in."""
    _active(turf)
    line = parse_line(raw_line)
    doors = _doors(db, turf)
    region = _region(turf, doors)
    pieces = [p for p in split_geometry(region, line).geoms if p.area > 0] \
        if region.geom_type == "Polygon" else _split_multi(region, line)
    if len(pieces) < 2:
        raise DomainError("The line does not cut the turf: draw it from one side of the turf "
                          "right across to the other.", {"line": "does not cut the turf"})
    groups: list[list] = [[] for _ in pieces]
    for door in doors:
        if door.lat is None:
            groups[0].append(door)
            continue
        point = Point(door.lon, door.lat)
        groups[min(range(len(pieces)), key=lambda k: pieces[k].distance(point))].append(door)
    kept = [(piece, group) for piece, group in zip(pieces, groups) if group]
    if len(kept) < 2:
        raise DomainError("The line leaves every door on one side: draw it between doors.",
                          {"line": "all doors on one side"})
    kept.sort(key=lambda pg: -len(pg[1]))
    return _plan(db, turf, [g for _p, g in kept], [p for p, _g in kept], names)


def _split_multi(region, line) -> list:
    pieces = []
    for polygon in region.geoms if hasattr(region, "geoms") else [region]:
        if polygon.geom_type == "Polygon":
            pieces.extend(p for p in split_geometry(polygon, line).geoms if p.area > 0)
    return pieces


def plan_split_by_count(db: Session, turf: Turf, parts: int, names: list[str] | None = None) -> SplitPlan:
    """Split into `parts` turfs of about equal door counts, in strips along the turf's length."""
    _active(turf)
    doors = list(_doors(db, turf))
    if not isinstance(parts, int) or not 2 <= parts <= min(MAX_PARTS, len(doors)):
        raise DomainError(f"Split into 2 to {min(MAX_PARTS, max(2, len(doors)))} parts "
                          f"(this turf has {len(doors)} doors).", {"parts": "out of range"})
    located = [d for d in doors if d.lat is not None]
    coords = np.array([(d.lat, d.lon) for d in located], dtype=float)
    xy = np.column_stack([coords[:, 1] * math.cos(math.radians(coords[:, 0].mean())), coords[:, 0]])
    centred = xy - xy.mean(axis=0)
    axis = np.linalg.svd(centred, full_matrices=False)[2][0] if len(located) > 1 else np.array([1, 0])
    order = np.argsort(centred @ axis, kind="stable")
    labels = np.empty(len(located), dtype=int)
    for index, chunk in enumerate(np.array_split(order, parts)):
        labels[chunk] = index
    groups = [[located[i] for i in np.flatnonzero(labels == k)] for k in range(parts)]
    groups[0].extend(d for d in doors if d.lat is None)
    boundaries = turf_boundaries(coords, labels, clip=_region(turf, doors))
    return _plan(db, turf, groups, boundaries, names)


def _plan(db: Session, turf: Turf, groups: list[list], boundaries: list, names) -> SplitPlan:
    labels = _names(turf, len(groups), names)
    parts = [Part(labels[k], [d.id for d in group], sum(1 for d in group if d.knocked),
                  boundaries[k] if k < len(boundaries) else None)
             for k, group in enumerate(groups)]
    return SplitPlan(turf, parts, _holders(db, [turf.id]))


def apply_split(db: Session, plan: SplitPlan, actor: User | None) -> list[Turf]:
    """Write a split plan: new turfs for parts 2..N, holders follow, walk order kept."""
    turf = plan.turf
    turf.boundary = _geojson(plan.parts[0].boundary) or turf.boundary
    made = []
    active = [a for a in turf.assignments if a.status == "active"]
    for part in plan.parts[1:]:
        new = Turf(race_id=turf.race_id, name=part.name, boundary=_geojson(part.boundary),
                   cut_method="manual", created_by_id=actor.id if actor else None,
                   code=new_code(db))
        db.add(new)
        db.flush()
        set_door_turf(db, part.door_ids, new.id)
        for assignment in active:
            db.add(Assignment(turf_id=new.id, volunteer_id=assignment.volunteer_id,
                              shift_date=assignment.shift_date,
                              assigned_by_id=actor.id if actor else None))
        made.append(new)
    db.flush()
    for each in [turf, *made]:
        keep_walk_order(db, each)
    return made


def _active(turf: Turf) -> None:
    if turf.status != "active":
        raise DomainError(f"{turf.name} is archived.", {"turf": "archived"})


def gap_m(a, b) -> float:
    """Shortest distance between two lon/lat geometries, in metres (local approximation)."""
    if a.intersects(b):
        return 0.0
    lat = math.radians((a.centroid.y + b.centroid.y) / 2)
    scale = lambda g: shapely.transform(g, lambda c: c * [111_320 * math.cos(lat), 110_540])  # noqa: E731
    return float(scale(a).distance(scale(b)))


def plan_merge(db: Session, keep: Turf, other: Turf) -> MergePlan:
    """Check two turfs can merge (same race, both active, neighbours) and count the result."""
    if keep.id == other.id:
        raise DomainError("Pick another turf to merge with.", {"other": "same turf"})
    if keep.race_id != other.race_id:
        raise DomainError(f"{other.name} is in another race: only turfs of the same race merge.",
                          {"other": "another race"})
    _active(keep)
    _active(other)
    doors_keep, doors_other = _doors(db, keep), _doors(db, other)
    gap = gap_m(_region(keep, doors_keep), _region(other, doors_other)) \
        if doors_keep and doors_other else 0.0
    if gap > MERGE_GAP_M:
        raise DomainError(f"{keep.name} and {other.name} are {gap:,.0f} m apart: merge only "
                          f"neighbouring turfs (at most {MERGE_GAP_M:.0f} m).", {"other": "too far"})
    doors = doors_keep + doors_other
    return MergePlan(keep, other, len(doors), sum(1 for d in doors if d.knocked), gap,
                     _holders(db, [keep.id, other.id]))


def apply_merge(db: Session, plan: MergePlan) -> Turf:
    """Write a merge: `other`'s doors join the end of `keep`'s walk, its holders move over,
    and `other` is archived (never deleted: its knocks and door history point at it)."""
    keep, other = plan.keep, plan.other
    moving = [d.id for d in _doors(db, other)]
    start = (db.scalar(sa.select(sa.func.max(Household.walk_seq))
                       .where(Household.turf_id == keep.id)) or 0) + 1
    set_door_turf(db, moving, keep.id)
    db.execute(sa.update(Household), [{"id": door_id, "walk_seq": start + k}
                                      for k, door_id in enumerate(moving)])
    if keep.boundary and other.boundary:
        keep.boundary = _geojson(shapely.union(shapely.make_valid(shape(keep.boundary)),
                                               shapely.make_valid(shape(other.boundary))))
    held = {a.volunteer_id for a in keep.assignments if a.status == "active"}
    for assignment in list(other.assignments):
        if assignment.status != "active":
            continue
        if assignment.volunteer_id in held:
            assignment.status, assignment.ended_at = "returned", utcnow()
        else:
            assignment.turf_id = keep.id
    other.status, other.archived_at, other.code = "archived", utcnow(), None
    db.flush()
    db.expire(keep, ["assignments"])
    keep_walk_order(db, keep)
    return keep


def keep_walk_order(db: Session, turf: Turf) -> None:
    """Renumber a turf's doors 0..n-1 in their present walk order and redraw its route."""
    doors = db.execute(sa.select(Household.id, Household.lat, Household.lon)
                       .where(Household.turf_id == turf.id)
                       .order_by(Household.walk_seq.nulls_last(), Household.id)).all()
    turf.door_count = len(doors)
    if doors:
        db.execute(sa.update(Household), [{"id": d.id, "walk_seq": k} for k, d in enumerate(doors)])
    located = [d for d in doors if d.lat is not None]
    if len(located) < 1:
        turf.route, turf.route_length_m = None, None
    else:
        coords = np.array([(d.lat, d.lon) for d in located], dtype=float)
        turf.route = {"type": "LineString",
                      "coordinates": [[round(d.lon, 6), round(d.lat, 6)] for d in located]}
        turf.route_length_m = float(path_length_m(coords, np.arange(len(located))))
    db.flush()


def neighbours(db: Session, turf: Turf) -> list[Turf]:
    """Active turfs of the same race within MERGE_GAP_M of this one, nearest first."""
    doors = _doors(db, turf)
    if not doors:
        return []
    region = _region(turf, doors)
    pad = MERGE_GAP_M / 80_000
    minx, miny, maxx, maxy = region.bounds
    near = []
    for other in db.scalars(sa.select(Turf).where(
            Turf.race_id == turf.race_id, Turf.status == "active", Turf.id != turf.id)):
        if not other.boundary:
            continue
        geometry = shapely.make_valid(shape(other.boundary))
        ominx, ominy, omaxx, omaxy = geometry.bounds
        if ominx > maxx + pad or omaxx < minx - pad or ominy > maxy + pad or omaxy < miny - pad:
            continue
        gap = gap_m(region, geometry)
        if gap <= MERGE_GAP_M:
            near.append((gap, other.name, other))
    return [other for _gap, _name, other in sorted(near, key=lambda t: (t[0], t[1]))]
