"""Races by reference (the figures of races: fieldapp.reports.figures)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.errors import NotFound
from fieldapp.races.models import Race


def get_race_by_ref(db: Session, ref: str) -> Race:
    """A race by id, or by exact name when the CLI is given words."""
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
