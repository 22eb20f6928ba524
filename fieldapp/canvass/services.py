"""What a volunteer walks: their assignments with progress."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.races.models import Race
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household


@dataclass(frozen=True)
class AssignmentView:
    """An assignment as the volunteer's home page and the API show it."""

    id: int
    turf_id: int
    turf_name: str
    race_id: int
    race_name: str
    shift_date: dt.date | None
    doors: int
    knocked: int
    synthetic: bool = False  # a demo race: its doors and people are made up

    def as_json(self) -> dict:
        """The API shape."""
        return {
            "id": self.id, "turf_id": self.turf_id, "turf_name": self.turf_name,
            "race_id": self.race_id, "race_name": self.race_name,
            "shift_date": self.shift_date.isoformat() if self.shift_date else None,
            "doors": self.doors, "knocked": self.knocked,
        }


def assignments_for(db: Session, user: User) -> list[AssignmentView]:
    """The user's active assignments on active turfs, with doors and doors knocked, in one query."""
    doors = (
        sa.select(
            Household.turf_id.label("turf_id"),
            sa.func.count().label("doors"),
            sa.func.count(Household.last_outcome).label("knocked"),
        )
        .group_by(Household.turf_id)
        .subquery()
    )
    rows = db.execute(
        sa.select(Assignment, Turf.name, Race.id, Race.name, doors.c.doors, doors.c.knocked,
                  Race.district_is_synthetic)
        .join(Turf, Assignment.turf_id == Turf.id)
        .join(Race, Turf.race_id == Race.id)
        .outerjoin(doors, doors.c.turf_id == Turf.id)
        .where(Assignment.volunteer_id == user.id, Assignment.status == "active",
               Turf.status == "active", Race.status == "active")
        .order_by(Assignment.shift_date.nulls_last(), Turf.name)
    ).all()
    return [
        AssignmentView(a.id, a.turf_id, turf_name, race_id, race_name, a.shift_date,
                       int(n_doors or 0), int(n_knocked or 0), bool(synthetic))
        for a, turf_name, race_id, race_name, n_doors, n_knocked, synthetic in rows
    ]
