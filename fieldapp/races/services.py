"""Race figures and race set-up, computed in SQL so they stay fast at 100,000 doors."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.canvass.outcomes import CONTACT_CODES
from fieldapp.races.models import Race
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


def get_race_by_ref(db: Session, ref: str) -> Race:
    """A race by id, or by exact name when the CLI is given words."""
    from fieldapp.errors import NotFound

    if ref.isdigit():
        race = db.get(Race, int(ref))
    else:
        found = db.scalars(sa.select(Race).where(Race.name == ref).limit(2)).all()
        if len(found) > 1:
            raise NotFound(f"Several chapters have a race {ref!r}: give its id "
                           "(`flask races list`).")
        race = found[0] if found else None
    if race is None:
        raise NotFound(f"No race {ref!r}. Use `flask races list` to see race ids.")
    return race
