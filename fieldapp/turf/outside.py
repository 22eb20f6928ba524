"""Doors outside the race's district: what archiving them ends, archiving them, bringing them back.

An archived door (``Household.archived_at``) leaves its turf (the turf's door count, walk
order, route and outline follow), the maps' door layers, every cut and the race's totals;
its knocks and voters are kept, and it can be brought back (then it is a door without a turf,
for the next cut). Operations flush; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.errors import DomainError
from fieldapp.models_base import utcnow
from fieldapp.races.districts import district_shape
from fieldapp.races.models import Race
from fieldapp.turf.boundaries import within_region
from fieldapp.turf.models import Turf
from fieldapp.turf.recut import geojson, outside_doors
from fieldapp.turf.split_merge import keep_walk_order
from fieldapp.voters.models import Household


@dataclass
class ArchiveImpact:
    """What archiving the outside doors takes away, named before it is done."""

    doors: int
    knocked: int  # of those, doors with a knock (the knocks stay, out of the totals)
    turfs: list[tuple[str, int]] = field(default_factory=list)  # (turf name, doors it loses)


def archive_impact(db: Session, race: Race) -> ArchiveImpact:
    """How many outside doors would be archived, how many were knocked, which turfs shrink."""
    rows = outside_doors(db, race)
    if not rows:
        raise DomainError("No door lies outside the district: nothing to archive.",
                          {"doors": "none outside"})
    ids = [r.id for r in rows]
    knocked = db.scalar(sa.select(sa.func.count()).where(
        Household.id.in_(ids), Household.last_outcome.is_not(None))) or 0
    losing: dict[int, int] = {}
    for r in rows:
        if r.turf_id is not None:
            losing[r.turf_id] = losing.get(r.turf_id, 0) + 1
    names = dict(db.execute(sa.select(Turf.id, Turf.name).where(Turf.id.in_(losing))).all())
    turfs = sorted(((names.get(t, f"turf {t}"), n) for t, n in losing.items()),
                   key=lambda tn: (-tn[1], tn[0]))
    return ArchiveImpact(doors=len(ids), knocked=int(knocked), turfs=turfs)


def archive_outside_doors(db: Session, race: Race) -> int:
    """Archive every geocoded door outside the district; the turfs that held them are redrawn."""
    rows = outside_doors(db, race)
    ids = [r.id for r in rows]
    turf_ids = {r.turf_id for r in rows if r.turf_id is not None}
    if not ids:
        return 0
    for chunk in range(0, len(ids), 500):  # bounded IN lists for SQLite's variable limit
        db.execute(sa.update(Household).where(Household.id.in_(ids[chunk:chunk + 500]))
                   .values(archived_at=utcnow(), turf_id=None, walk_seq=None))
    _redraw(db, race, turf_ids)
    db.flush()
    return len(ids)


def restore_archived_doors(db: Session, race: Race) -> int:
    """Bring every archived door of the race back, as doors without a turf."""
    result = db.execute(sa.update(Household).where(Household.race_id == race.id,
                                                   Household.archived_at.is_not(None))
                        .values(archived_at=None))
    db.flush()
    return int(result.rowcount or 0)


def archived_count(db: Session, race: Race) -> int:
    """How many of the race's doors are archived."""
    return db.scalar(sa.select(sa.func.count()).where(
        Household.race_id == race.id, Household.archived_at.is_not(None))) or 0


def _redraw(db: Session, race: Race, turf_ids: set[int]) -> None:
    """Each turf that lost doors: door count, walk numbers and route without them, and its
    outline cut back to the district (the ground drawn around its outside doors goes)."""
    district = district_shape(race.district)
    for turf in db.scalars(sa.select(Turf).where(Turf.id.in_(turf_ids))):
        keep_walk_order(db, turf)
        if district is not None and turf.boundary:
            turf.boundary = geojson(within_region(turf.boundary, district))
