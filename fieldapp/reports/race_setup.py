"""A race's setup checklist and what archiving it ends: counts across the domains.

Read by the race's page, its archive confirmation (page and CLI); they count doors, turfs,
assignments and knocks, so they sit in reports, above those domains.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.knocklog.models import DoorKnock
from fieldapp.races.models import Race
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household


@dataclass(frozen=True)
class ArchiveImpact:
    """What archiving a race ends, for the confirmation page and the CLI."""

    turfs: int
    volunteers: int
    knocks: int


def archive_impact(db: Session, race: Race) -> ArchiveImpact:
    """Active turfs and assigned volunteers that leave the phones; knocks that stay."""
    turfs = db.scalar(sa.select(sa.func.count()).select_from(Turf).where(
        Turf.race_id == race.id, Turf.status == "active")) or 0
    volunteers = db.scalar(sa.select(sa.func.count(sa.distinct(Assignment.volunteer_id)))
                           .join(Turf, Turf.id == Assignment.turf_id)
                           .where(Turf.race_id == race.id, Assignment.status == "active")) or 0
    knocks = db.scalar(sa.select(sa.func.count()).select_from(DoorKnock)
                       .where(DoorKnock.race_id == race.id)) or 0
    return ArchiveImpact(turfs, volunteers, knocks)


def setup_checklist(db: Session, race: Race) -> list[tuple[str, bool]]:
    """(step, done) for district, voters, script, turfs, volunteers, in the order to do them."""
    def exists(query) -> bool:
        return db.scalar(sa.select(query.exists())) or False

    return [
        ("district", race.district is not None),
        ("voters", exists(sa.select(Household.id).where(Household.race_id == race.id))),
        ("script", bool(race.current_questions)),
        ("turfs", exists(sa.select(Turf.id).where(Turf.race_id == race.id))),
        ("volunteers", exists(sa.select(Assignment.id).join(Turf, Turf.id == Assignment.turf_id)
                              .where(Turf.race_id == race.id))),
    ]
