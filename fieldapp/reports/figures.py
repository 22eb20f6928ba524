"""Headline figures of races (doors, geocoded, knocked, contacts), one query for many races."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.knocklog.outcomes import CONTACT_CODES
from fieldapp.voters.models import Household


@dataclass(frozen=True)
class RaceFigures:
    """Headline numbers of a race: its universe and how much of it has been knocked."""

    households: int = 0
    geocoded: int = 0
    knocked: int = 0
    contacts: int = 0

    @property
    def knocked_share(self) -> float:
        """Share of households knocked at least once."""
        return self.knocked / self.households if self.households else 0.0


def race_figures(db: Session, race_ids: list[int]) -> dict[int, RaceFigures]:
    """Households, geocoded, knocked and contacted households for each race, in one query."""
    if not race_ids:
        return {}
    rows = db.execute(
        sa.select(
            Household.race_id,
            sa.func.count(),
            sa.func.count(Household.lat),
            sa.func.count(Household.last_outcome),
            sa.func.sum(sa.case((Household.last_outcome.in_(CONTACT_CODES), 1), else_=0)),
        )
        .where(Household.race_id.in_(race_ids))
        .group_by(Household.race_id)
    ).all()
    figures = {race_id: RaceFigures() for race_id in race_ids}
    for race_id, total, geocoded, knocked, contacts in rows:
        figures[race_id] = RaceFigures(total, geocoded, knocked, int(contacts or 0))
    return figures
