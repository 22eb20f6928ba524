"""People and doors canvassers added in the field, and merging a person with an imported voter.

Plain services: the session and the acting organizer come in as arguments; views commit.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.voters.models import Household, Voter


@dataclass
class FieldPerson:
    """A person met at the door, as the organizer's page lists them."""

    voter: Voter
    door: Household
    added_by: str
    merged_into: Voter | None


def field_people(db: Session, race_id: int) -> list[FieldPerson]:
    """Everyone canvassers added at the doors of a race, newest first."""
    merged = aliased(Voter)
    rows = db.execute(
        sa.select(Voter, Household, User.name, User.email, merged)
        .join(Household, Household.id == Voter.household_id)
        .join(User, User.id == Voter.added_by_id)
        .outerjoin(merged, merged.id == Voter.merged_into_id)
        .where(Voter.race_id == race_id, Voter.added_by_id.is_not(None))
        .order_by(Voter.added_at.desc(), Voter.id.desc())).all()
    return [FieldPerson(voter, door, name or email, into)
            for voter, door, name, email, into in rows]


def field_doors(db: Session, race_id: int) -> list[Household]:
    """Units and doors canvassers found missing from the list."""
    return list(db.scalars(sa.select(Household).where(
        Household.race_id == race_id, Household.added_by_id.is_not(None))
        .order_by(Household.id.desc())))


def merge_person(db: Session, race_id: int, voter_id: int, into: str) -> Voter:
    """Mark a field-added person as an imported voter of the race, found by VAN id (or the
    voter's id in fieldapp as `#123`). Knocks keep naming the person; exports then file
    their results and answers under the imported voter. Raises DomainError."""
    person = db.get(Voter, voter_id)
    if person is None or person.race_id != race_id or person.added_by_id is None:
        raise DomainError("No such person added in the field.", {"voter": "unknown"})
    into = (into or "").strip()
    if not into:
        raise DomainError("Say which voter this is.", {"into": "a VAN id, or #id"})
    if into.startswith("#") and into[1:].isdigit():
        target = db.get(Voter, int(into[1:]))
    else:
        target = db.scalar(sa.select(Voter).where(Voter.race_id == race_id,
                                                  Voter.external_id == into))
    if target is None or target.race_id != race_id:
        raise DomainError("No voter of this race has that id.", {"into": "not found"})
    if target.added_by_id is not None:
        raise DomainError("Merge with a voter from the voter file, not another person added "
                          "in the field.", {"into": "added in the field"})
    person.merged_into_id = target.id
    db.flush()
    return target
