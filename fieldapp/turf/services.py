"""Turf operations: cut a race automatically, route a turf, archive, assign, hand out by code.

Plain functions over a session; they flush, the caller commits. The geometry and routing
themselves are pure functions in turf.cutting, turf.boundaries and turf.walk_order.
"""
from __future__ import annotations

import datetime as dt
import secrets
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from shapely.geometry import shape
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.i18n.marks import N_
from fieldapp.knocklog.models import DoorKnock
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.turf.boundaries import turf_boundaries
from fieldapp.turf.cutting import cut_turfs
from fieldapp.turf.limits import MAX_DOORS, MIN_DOORS
from fieldapp.turf.membership import move_doors, set_door_turf
from fieldapp.turf.models import Assignment, Turf
from fieldapp.turf.recut import geojson, give_ground, next_names, plan_cut
from fieldapp.turf.walk_order import path_length_m, walk_order, walk_orders
from fieldapp.voters.models import Household

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in the street


@dataclass
class CutSummary:
    """What `cut_race` did, for the CLI, the page and the API."""

    turfs: int = 0
    doors: int = 0
    sizes: list[int] = field(default_factory=list)
    not_geocoded: int = 0
    already_in_turf: int = 0
    archived: int = 0
    shrunk: int = 0  # turfs that gave their doors still to knock to the new turfs
    outside_district: int = 0  # doors left out: outside the race's district
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """Figures for the API and the CLI."""
        sizes = self.sizes or [0]
        return {"turfs": self.turfs, "doors": self.doors, "min_doors": min(sizes),
                "median_doors": statistics.median(sizes), "max_doors": max(sizes),
                "not_geocoded": self.not_geocoded, "already_in_turf": self.already_in_turf,
                "archived_turfs": self.archived, "shrunk_turfs": self.shrunk,
                "outside_district": self.outside_district, "warnings": self.warnings}


def check_target(target: int) -> int:
    """Doors per turf must be MIN_DOORS to MAX_DOORS."""
    if not isinstance(target, int) or not MIN_DOORS <= target <= MAX_DOORS:
        raise DomainError(f"Doors per turf must be between {MIN_DOORS} and {MAX_DOORS}.",
                          {"doors": f"a whole number from {MIN_DOORS} to {MAX_DOORS}"})
    return target


def new_code(db: Session) -> str:
    """A short unused handout code, e.g. 'K7QM-3XTP'."""
    return new_codes(db, 1)[0]


def new_codes(db: Session, count: int) -> list[str]:
    """`count` distinct short unused handout codes (looked up 500 at a time)."""
    codes: list[str] = []
    while len(codes) < count:
        fresh = {_random_code() for _ in range(count - len(codes))} - set(codes)
        taken: set[str] = set()
        batch = sorted(fresh)
        for start in range(0, len(batch), 500):
            taken.update(db.scalars(sa.select(Turf.code).where(
                Turf.code.in_(batch[start:start + 500]))))
        codes.extend(c for c in batch if c not in taken)
    return codes


def _random_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def turf_has_knocks(db: Session, turf: Turf) -> bool:
    """True when any knock was logged in this turf (then it is archived, never deleted)."""
    return db.scalar(sa.select(DoorKnock.id).where(DoorKnock.turf_id == turf.id).limit(1)) is not None


def retire_turf(db: Session, turf: Turf) -> str:
    """Free the turf's doors; delete it if nothing hangs on it, else archive it. Returns which."""
    doors = db.scalars(sa.select(Household.id).where(Household.turf_id == turf.id)).all()
    set_door_turf(db, doors, None)
    db.execute(sa.update(Household).where(Household.id.in_(doors)).values(walk_seq=None),
               execution_options={"synchronize_session": False})
    # Once handed to someone, a turf is history a phone's offline knocks are judged against
    # (fieldapp.turf.membership): archived, never deleted.
    if turf_has_knocks(db, turf) or turf.assignments:
        turf.status, turf.archived_at, turf.code = "archived", utcnow(), None
        for assignment in turf.assignments:
            if assignment.status == "active":
                assignment.status, assignment.ended_at = "returned", utcnow()
        db.flush()
        return "archived"
    db.delete(turf)
    db.flush()
    return "deleted"


def _nothing_to_cut() -> DomainError:
    return DomainError("This race has no geocoded households without a turf to cut (in its "
                       "district): import or geocode voters first, or choose another kind of "
                       "cut.", {"race": "nothing to cut"})


def check_something_to_cut(db: Session, race: Race, replace: bool = False, *,
                           scope: str | None = None, outcomes: tuple[str, ...] = (),
                           include_outside: bool = False) -> None:
    """DomainError unless a cut would find doors (asked before a cut is queued)."""
    if not plan_cut(db, race, scope or ("all" if replace else "free"), outcomes,
                    include_outside).rows:
        raise _nothing_to_cut()


def cut_race(db: Session, race: Race, target: int = 50, actor: User | None = None,
             replace: bool = False, progress: Callable[[int, int], None] | None = None, *,
             scope: str | None = None, outcomes: tuple[str, ...] = (),
             include_outside: bool = False) -> CutSummary:
    """The one entry point of an automatic cut: partition a race's doors into turfs of about
    `target` doors.

    `scope` (fieldapp.turf.recut) says which doors: "free" (default; "all" with `replace`),
    "unassigned", "leftover" (doors still to knock: never knocked or last outcome in
    `outcomes`) or "all". Doors outside the district are left out unless `include_outside`.
    New boundaries never overlap the turfs that stay. Everything is worked out before the
    first write, so the writes come in one short stretch at the end (on SQLite, phones wait
    for the write lock while it is held).
    """
    from fieldapp.streets.turfs import street_cut  # streets builds on turf: no import cycle

    check_target(target)
    plan = plan_cut(db, race, scope or ("all" if replace else "free"), outcomes, include_outside)
    summary = CutSummary(outside_district=plan.outside)
    counts = db.execute(
        sa.select(sa.func.count(Household.lat), sa.func.count(),
                  sa.func.count(Household.turf_id)).where(Household.race_id == race.id,
                                                          Household.archived_at.is_(None))).one()
    summary.not_geocoded = counts[1] - counts[0]
    rows = plan.rows
    if not rows:
        raise _nothing_to_cut()
    ids = np.array([r.id for r in rows])
    coords = np.array([(r.lat, r.lon) for r in rows], dtype=float)
    groups = np.unique([r.building_key or str(r.id) for r in rows], return_inverse=True)[1]
    # With a street network the cut is by block face and routed along the streets (issue 17).
    street = street_cut(db, race, [int(i) for i in ids], coords, target, groups)
    result = street.cut if street else cut_turfs(coords, target, group_ids=groups)
    summary.warnings.extend(result.warnings)
    labels = np.asarray(result.labels)
    turf_count = int(labels.max()) + 1
    # Turfs that keep some doors (knock what's left) get their boundary rebuilt with the new
    # ones, as extra labels after the new turfs'.
    kept = [db.execute(sa.select(Household.lat, Household.lon).where(
        Household.turf_id == t.id, Household.lat.is_not(None),
        Household.id.not_in([int(i) for i in ids]))).all() for t in plan.shrink]
    all_coords = np.vstack([coords] + [np.array(k, dtype=float).reshape(-1, 2) for k in kept])
    all_labels = np.concatenate([labels] + [np.full(len(k), turf_count + j)
                                            for j, k in enumerate(kept)])
    clip = shape(race.district) if race.district else None
    boundaries = turf_boundaries(all_coords, all_labels, clip=clip, others=plan.stay_coords)
    streets = [r.street_key for r in rows]
    doors_of = result.doors_by_turf()
    routes = []
    if street:
        for index, members in enumerate(doors_of):
            routes.append((members, *street.route(members)))
            if progress:
                progress(index + 1, turf_count)
    else:  # over the cores for a big cut
        orders = walk_orders(coords, doors_of, streets, progress=progress)
        routes = [(members, *_line(coords[members], order))
                  for members, order in zip(doors_of, orders)]
    for turf in plan.retire:
        retire_turf(db, turf)
        summary.archived += 1
    summary.already_in_turf = db.scalar(sa.select(sa.func.count()).where(
        Household.race_id == race.id, Household.turf_id.is_not(None))) or 0
    names = next_names(db, race, turf_count)
    codes = new_codes(db, turf_count)
    turfs = [Turf(race_id=race.id, name=names[index], cut_method="auto",
                  boundary=geojson(boundaries[index]), door_count=len(members),
                  created_by_id=actor.id if actor else None, code=codes[index],
                  route=route, route_length_m=length)
             for index, (members, _, route, length) in enumerate(routes)]
    db.add_all(turfs)
    db.flush()  # one batch of INSERTs for every new turf
    moves, walk_seq = [], {}
    for turf, (members, order, _, _) in zip(turfs, routes):
        moves.extend((int(ids[k]), turf.id) for k in members)
        walk_seq.update((int(ids[members[k]]), seq) for seq, k in enumerate(order))
        summary.sizes.append(len(members))
    move_doors(db, moves, walk_seq=walk_seq)
    for j, turf in enumerate(plan.shrink):
        turf.boundary = geojson(boundaries[turf_count + j])
        route_turf(db, turf)
    give_ground(plan.stay, boundaries[:turf_count])
    summary.turfs, summary.doors = turf_count, len(rows)
    summary.shrunk = len(plan.shrink)
    db.flush()
    return summary


def _geojson(geometry) -> dict | None:
    """A shapely geometry as a plain GeoJSON dict (snapped, repaired when snapping fails)."""
    return geojson(geometry)


def _route(coords: np.ndarray, street_keys: list[str],
           start: tuple[float, float] | None = None) -> tuple[np.ndarray, dict, float]:
    """Walk order for one turf's doors, its route line and its length in metres."""
    return _line(coords, np.asarray(walk_order(coords, start=start, street_keys=street_keys)))


def _line(coords: np.ndarray, order: np.ndarray) -> tuple[np.ndarray, dict, float]:
    """The walk order, its route line (GeoJSON) and its length in metres."""
    line = [[round(float(coords[i, 1]), 6), round(float(coords[i, 0]), 6)] for i in order]
    return order, {"type": "LineString", "coordinates": line}, float(path_length_m(coords, order))


def route_turf(db: Session, turf: Turf) -> None:
    """Recompute a turf's walk order and route (after any change of its doors or start)."""
    from fieldapp.streets.turfs import street_route  # streets builds on turf: no import cycle
    doors = db.execute(sa.select(Household.id, Household.lat, Household.lon, Household.street_key)
                       .where(Household.turf_id == turf.id, Household.lat.is_not(None))
                       .order_by(Household.walk_seq, Household.id)).all()
    turf.door_count = db.scalar(sa.select(sa.func.count()).where(Household.turf_id == turf.id))
    if not doors:
        turf.route, turf.route_length_m = None, None
        return
    coords = np.array([(d.lat, d.lon) for d in doors], dtype=float)
    start = (turf.start_lat, turf.start_lon) if turf.start_lat is not None else None
    routed = street_route(db, turf.race, [d.id for d in doors], coords, None, start)
    order, turf.route, turf.route_length_m = routed or _route(
        coords, [d.street_key for d in doors], start)
    db.execute(sa.update(Household),
               [{"id": doors[k].id, "walk_seq": seq} for seq, k in enumerate(order)])
    db.flush()


def assign_turf(db: Session, turf: Turf, volunteer: User, actor: User | None,
                shift_date: dt.date | None = None) -> Assignment:
    """Give an active turf to a member of its chapter (again: keeps the one assignment)."""
    if turf.status != "active":
        raise DomainError("This turf is archived.", {"turf": "archived"})
    if volunteer.role_in(turf.race.organization_id) is None:
        raise DomainError("That person is not a member of this chapter.",
                          {"volunteer": "not a member of this chapter"})
    existing = db.scalar(sa.select(Assignment).where(
        Assignment.turf_id == turf.id, Assignment.volunteer_id == volunteer.id,
        Assignment.status == "active"))
    if existing is not None:
        existing.shift_date = shift_date or existing.shift_date
        return existing
    assignment = Assignment(turf_id=turf.id, volunteer_id=volunteer.id, shift_date=shift_date,
                            assigned_by_id=actor.id if actor else None)
    db.add(assignment)
    db.flush()
    return assignment


def unassign(db: Session, assignment: Assignment) -> None:
    """Take a turf back from a volunteer (the assignment is kept as history)."""
    if assignment.status == "active":
        assignment.status, assignment.ended_at = "returned", utcnow()
        db.flush()


def claim_by_code(db: Session, user: User, code: str) -> Assignment:
    """A volunteer enters a handout code (or scans its QR) and gets that turf."""
    normalized = code.strip().upper().replace(" ", "")
    if len(normalized) == 8:
        normalized = f"{normalized[:4]}-{normalized[4:]}"
    turf = db.scalar(sa.select(Turf).where(Turf.code == normalized, Turf.status == "active"))
    if turf is None or user.role_in(turf.race.organization_id) is None:
        raise DomainError(N_("No turf with that code. Check it with your organizer."),
                          {"code": "unknown code"})
    return assign_turf(db, turf, user, user)


def polygon_from_geojson(raw: dict, race: Race):
    """A valid polygon inside the race's district, from a GeoJSON geometry or Feature."""
    geometry = raw.get("geometry", raw) if isinstance(raw, dict) else None
    try:
        polygon = shape(geometry)
    except Exception:
        raise DomainError("That is not a GeoJSON polygon.", {"polygon": "not a polygon"}) from None
    if polygon.geom_type not in ("Polygon", "MultiPolygon") or polygon.is_empty:
        raise DomainError("Draw a polygon.", {"polygon": f"got a {polygon.geom_type}"})
    if not polygon.is_valid:
        raise DomainError("The shape crosses itself: redraw it without crossing lines.",
                          {"polygon": "self-crossing"})
    if race.district and not shape(race.district).buffer(1e-4).contains(polygon):
        raise DomainError("The shape goes outside the race's district.", {"polygon": "outside"})
    return polygon

