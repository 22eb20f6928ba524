"""What replacing a race's real district boundary affects, named before the upload is taken.

A report across the domains (doors, turfs, volunteers), so it sits above them with the others.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.races.models import Race
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household


@dataclass(frozen=True)
class ReplaceImpact:
    """The doors and turfs a new boundary is measured against."""

    doors_geocoded: int
    doors_in_turfs: int
    active_turfs: int
    volunteers: int  # volunteers holding an active turf of the race

    def summary(self) -> str:
        """One sentence naming what a new boundary affects (the CLI and the API say it)."""
        def n(count: int, word: str) -> str:
            return f"{count:,} {word}{'' if count == 1 else 's'}"

        return (f"Replacing the boundary measures the race's "
                f"{n(self.doors_geocoded, 'geocoded door')} against the new one; doors it "
                f"leaves outside drop out of every later cut. "
                f"{n(self.active_turfs, 'active turf')} ({n(self.doors_in_turfs, 'door')}) and "
                f"the assignments of {n(self.volunteers, 'volunteer')} stay as they are until "
                f"you cut again.")


def needs_confirmation(race: Race) -> bool:
    """A real boundary is replaced only once the organizer has read what it affects; a
    synthetic placeholder (the demo's) or no boundary at all is not asked about."""
    return bool(race.district) and not race.district_is_synthetic


def replace_impact(db: Session, race: Race) -> ReplaceImpact:
    """Counts for the question asked before a boundary is replaced."""
    geocoded, in_turfs = db.execute(
        sa.select(sa.func.count(Household.lat), sa.func.count(Household.turf_id))
        .where(Household.race_id == race.id, Household.archived_at.is_(None))).one()
    turfs = db.scalar(sa.select(sa.func.count()).select_from(Turf).where(
        Turf.race_id == race.id, Turf.status == "active")) or 0
    volunteers = db.scalar(sa.select(sa.func.count(sa.distinct(Assignment.volunteer_id)))
                           .join(Turf, Turf.id == Assignment.turf_id)
                           .where(Turf.race_id == race.id, Turf.status == "active",
                                  Assignment.status == "active")) or 0
    return ReplaceImpact(int(geocoded), int(in_turfs), int(turfs), int(volunteers))
