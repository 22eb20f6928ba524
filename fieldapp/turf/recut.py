"""What a cut takes and what it leaves: the scopes of a cut, its preview, the turf names.

A cut has a *scope*:

* ``free``: the doors without a turf (after an import); every turf stays as it is.
* ``unassigned``: those, plus the doors of turfs nobody holds and nobody knocked, which are
  retired; turfs with knocks or an active assignment stay.
* ``leftover`` ("knock what's left"): the doors still to knock (never knocked, or last
  outcome in a set the organizer picks) leave their turfs for new ones; finished doors stay.
* ``all``: every door; every active turf is retired (archived when it has history).

Doors outside the race's district are left out unless the organizer includes them. The new
turfs' boundaries never overlap the turfs that stay: they are the new doors' Voronoi cells
among all the race's doors, and `give_ground` takes them out of the staying turfs' boundaries.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.knocklog.models import DoorKnock
from fieldapp.knocklog.outcomes import BY_CODE
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household

SCOPES = ("free", "unassigned", "leftover", "all")
SCOPE_LABELS = {
    "free": "Cut the doors without a turf",
    "unassigned": "Re-cut only unassigned turfs (keep turfs with knocks or a volunteer)",
    "leftover": "Knock what's left: new turfs of the doors still to knock",
    "all": "Re-cut every door (every turf is retired)",
}
DEFAULT_LEFTOVER = ("not_home", "come_back")  # outcomes a second pass usually goes back to


@dataclass
class CutPlan:
    """The doors a cut takes and the turfs it touches, worked out before any write."""

    scope: str
    rows: list  # rows (id, lat, lon, building_key, street_key, ...) of the doors to cut
    retire: list[Turf] = field(default_factory=list)  # turfs retired before the cut
    shrink: list[Turf] = field(default_factory=list)  # turfs that lose doors, keep the rest
    stay_coords: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    stay: list[Turf] = field(default_factory=list)  # active turfs the cut leaves as they are
    outside: int = 0  # doors the cut leaves out because they lie outside the district
    outcomes: tuple[str, ...] = ()


def check_scope(scope: str, outcomes: tuple[str, ...] | list[str] = ()) -> tuple[str, ...]:
    """DomainError for an unknown scope or outcome; the outcomes as a tuple."""
    if scope not in SCOPES:
        raise DomainError("Choose what to cut.", {"scope": f"one of {', '.join(SCOPES)}"})
    bad = [o for o in outcomes if o not in BY_CODE]
    if bad:
        raise DomainError(f"Unknown outcome {bad[0]!r}.", {"outcomes": "unknown outcome"})
    return tuple(outcomes)


def plan_cut(db: Session, race: Race, scope: str = "free", outcomes: tuple[str, ...] = (),
             include_outside: bool = False) -> CutPlan:
    """Which doors a cut of this scope takes, which turfs it retires or shrinks."""
    outcomes = check_scope(scope, outcomes)
    doors = db.execute(
        sa.select(Household.id, Household.lat, Household.lon, Household.building_key,
                  Household.street_key, Household.turf_id, Household.last_outcome)
        .where(Household.race_id == race.id, Household.lat.is_not(None),
               Household.archived_at.is_(None))
        .order_by(Household.id)).all()
    active = {t.id: t for t in db.scalars(sa.select(Turf).where(
        Turf.race_id == race.id, Turf.status == "active"))}
    retire: set[int] = set()
    if scope == "all":
        retire = set(active)
    elif scope == "unassigned":
        held = set(db.scalars(sa.select(Assignment.turf_id).where(
            Assignment.turf_id.in_(active), Assignment.status == "active")))
        knocked = set(db.scalars(sa.select(DoorKnock.turf_id).where(
            DoorKnock.turf_id.in_(active)).distinct()))
        retire = set(active) - held - knocked
    to_knock = set(outcomes)

    def taken(d) -> bool:
        if scope == "leftover":
            return d.last_outcome is None or d.last_outcome in to_knock
        return d.turf_id is None or d.turf_id in retire

    cut = [d for d in doors if taken(d)]
    inside = _inside_district(race, cut)
    plan = CutPlan(scope=scope, rows=[], outcomes=outcomes,
                   outside=0 if include_outside else int((~inside).sum()))
    plan.rows = [d for d, ok in zip(cut, inside) if ok or include_outside]
    moving = {d[0] for d in plan.rows}
    plan.retire = [active[t] for t in sorted(retire)]
    if scope == "leftover":
        left = {d.turf_id for d in doors if d.turf_id in active and d[0] not in moving}
        plan.shrink = [active[t] for t in sorted({d.turf_id for d in cut} & left)]
        plan.retire = [active[t] for t in sorted({d.turf_id for d in doors if d[0] in moving
                                                  and d.turf_id in active} - left)]
    gone = {t.id for t in plan.retire} | {t.id for t in plan.shrink}
    stay = [d for d in doors if d.turf_id in active and d.turf_id not in gone
            and d[0] not in moving]
    plan.stay_coords = np.array([(d.lat, d.lon) for d in stay], dtype=float).reshape(-1, 2)
    plan.stay = [t for tid, t in sorted(active.items()) if tid not in gone]
    return plan


def give_ground(stay: list[Turf], new_ground: list[BaseGeometry]) -> int:
    """Take the new turfs' ground out of the staying turfs' boundaries; returns how many changed.

    The new boundaries are the Voronoi cells of the new doors among all the race's doors, so
    no staying door lies in them and every staying turf still holds its doors; after this no
    two boundaries overlap (the coverage map's turfs stay disjoint after an import).
    """
    ground = [g for g in new_ground if g is not None and not g.is_empty]
    if not ground:
        return 0
    union = shapely.make_valid(shapely.union_all(ground))
    changed = 0
    for turf in stay:
        if not turf.boundary:
            continue
        old = shapely.make_valid(shape(turf.boundary))
        if not old.intersects(union) or old.intersection(union).area == 0:
            continue
        try:
            rest = shapely.difference(old, union)
        except shapely.errors.GEOSException:
            rest = shapely.difference(old, union, grid_size=1e-7)
        turf.boundary = geojson(shapely.make_valid(rest))
        changed += 1
    return changed


def _inside_district(race: Race, rows: list) -> np.ndarray:
    """Mask of the doors inside (or on the edge of) the race's district; all when it has none."""
    if not race.district or not rows:
        return np.ones(len(rows), dtype=bool)
    district = shapely.make_valid(shape(race.district))
    lat = np.array([r.lat for r in rows], dtype=float)
    lon = np.array([r.lon for r in rows], dtype=float)
    return np.asarray(shapely.intersects_xy(district, lon, lat), dtype=bool)


def outside_doors(db: Session, race: Race) -> list:
    """The race's geocoded doors outside its district (id, address, unit, lat, lon, turf)."""
    if not race.district:
        return []
    rows = db.execute(
        sa.select(Household.id, Household.address_line, Household.unit, Household.lat,
                  Household.lon, Household.turf_id)
        .where(Household.race_id == race.id, Household.lat.is_not(None),
               Household.archived_at.is_(None))
        .order_by(Household.id)).all()
    inside = _inside_district(race, rows)
    return [r for r, ok in zip(rows, inside) if not ok]


@dataclass
class RecutPreview:
    """What a cut will retire and end, for the organizer to confirm."""

    scope: str
    doors: int
    outside: int
    turfs_retired: int
    turfs_archived: int  # of those, kept as history (knocks or assignments)
    turfs_shrunk: int
    assignments_ended: int
    volunteers: list[str]
    recent_knocks: int  # doors of the retired turfs knocked in the last 24 hours

    @property
    def destructive(self) -> bool:
        """True when the cut retires turfs or ends assignments: it must be confirmed."""
        return bool(self.turfs_retired or self.assignments_ended or self.turfs_shrunk)


def preview_cut(db: Session, race: Race, plan: CutPlan,
                now: dt.datetime | None = None) -> RecutPreview:
    """Figures of a plan: turfs retired, assignments ended and by whom held, recent knocks."""
    ids = [t.id for t in plan.retire]
    since = (now or utcnow()) - dt.timedelta(hours=24)
    held = db.execute(sa.select(Assignment.turf_id, User.name, User.email)
                      .join(User, User.id == Assignment.volunteer_id)
                      .where(Assignment.turf_id.in_(ids), Assignment.status == "active")).all()
    knocked = set(db.scalars(sa.select(DoorKnock.turf_id).where(
        DoorKnock.turf_id.in_(ids)).distinct()))
    recent = db.scalar(sa.select(sa.func.count()).where(
        Household.turf_id.in_(ids), Household.last_knocked_at >= since)) or 0
    names = sorted({name or email.split("@")[0] for _, name, email in held})
    archived = len(knocked | {tid for tid, _, _ in held} |
                   set(db.scalars(sa.select(Assignment.turf_id).where(
                       Assignment.turf_id.in_(ids)))))
    return RecutPreview(scope=plan.scope, doors=len(plan.rows), outside=plan.outside,
                        turfs_retired=len(ids), turfs_archived=archived,
                        turfs_shrunk=len(plan.shrink), assignments_ended=len(held),
                        volunteers=names, recent_knocks=int(recent))


def name_prefix(race: Race) -> str:
    """The race's short name, e.g. 'NSAD' for 'North Side Assembly District ...'."""
    words = "".join(ch for ch in race.name.split("(")[0] if ch.isalnum() or ch == " ").split()
    return "".join(w[0].upper() for w in words[:4]) or "T"


def next_names(db: Session, race: Race, count: int) -> list[str]:
    """Names that continue the race's series: after 'NSAD 060' come 'NSAD 061', ...

    Archived turfs count too, so a name never repeats within a race.
    """
    prefix = name_prefix(race)
    pattern = re.compile(rf"^{re.escape(prefix)}(?:-\d+)? (\d+)$")
    names = db.scalars(sa.select(Turf.name).where(Turf.race_id == race.id))
    last = max((int(m.group(1)) for n in names if (m := pattern.match(n))), default=0)
    return [f"{prefix} {last + i:03d}" for i in range(1, count + 1)]


def geojson(geometry) -> dict | None:
    """A shapely geometry as a plain GeoJSON dict on a 1e-6 degree grid (about 10 cm)."""
    if geometry is None or geometry.is_empty:
        return None
    try:
        snapped = shapely.set_precision(geometry, 1e-6)
    except shapely.errors.GEOSException:  # a degenerate sliver: repair, then snap
        snapped = shapely.set_precision(shapely.make_valid(geometry), 1e-6)
    if snapped.is_empty:
        return None
    return json.loads(shapely.to_geojson(snapped))
