"""Bulk actions on turfs picked in the turfs list: assign, take back, archive.

Every action checks the whole selection first (each turf exists, is the acting organizer's,
is of this race, is in a state the action fits) and only then writes, so a bad selection
changes nothing. Plain functions over a session; they flush, the caller commits.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.chapters.services import managed_org_ids
from fieldapp.errors import DomainError, Forbidden
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.turf.membership import set_door_turf
from fieldapp.turf.models import Assignment, Turf
from fieldapp.turf.services import assign_turf
from fieldapp.voters.models import Household

MAX_SELECTION = 500


def move_doors(db: Session, household_ids: Iterable[int], turf_id: int | None) -> None:
    """Every door move goes through the door-to-turf history (membership.set_door_turf)."""
    set_door_turf(db, list(household_ids), turf_id)


def selected_turfs(db: Session, user: User, race: Race, raw_ids: Iterable) -> list[Turf]:
    """The picked turfs, checked: 403 if any is another chapter's, 422 if any is unknown,
    of another race, or if nothing was picked."""
    try:
        ids = sorted({int(i) for i in raw_ids})
    except (TypeError, ValueError):
        raise DomainError("The selection holds something that is not a turf.",
                          {"turf": "expected turf ids"}) from None
    if not ids:
        raise DomainError("Pick at least one turf first.", {"turf": "nothing picked"})
    if len(ids) > MAX_SELECTION:
        raise DomainError(f"Pick at most {MAX_SELECTION} turfs at a time.",
                          {"turf": f"at most {MAX_SELECTION}"})
    turfs = list(db.scalars(sa.select(Turf).where(Turf.id.in_(ids))))
    if len(turfs) != len(ids):
        raise DomainError("Some of the picked turfs no longer exist: reload the list.",
                          {"turf": "unknown turf"})
    managed = managed_org_ids(user)
    if any(t.race.organization_id not in managed for t in turfs):
        raise Forbidden("Some of the picked turfs belong to another chapter: nothing was changed.")
    strays = [t.name for t in turfs if t.race_id != race.id]
    if strays:
        raise DomainError(f"{', '.join(strays[:5])} belong to another race: nothing was changed.",
                          {"turf": "another race"})
    return sorted(turfs, key=lambda t: t.name)


def _refuse_archived(turfs: list[Turf]) -> None:
    archived = [t.name for t in turfs if t.status != "active"]
    if archived:
        raise DomainError(f"{', '.join(archived[:5])} {'is' if len(archived) == 1 else 'are'} "
                          "archived: nothing was changed.", {"turf": "archived"})


def bulk_assign(db: Session, turfs: list[Turf], volunteer: User | None, actor: User,
                shift_date: dt.date | None) -> int:
    """Give every picked turf to one chapter member (for a shift date); returns how many."""
    if volunteer is None or volunteer.role_in(turfs[0].race.organization_id) is None:
        raise DomainError("Pick a volunteer of this chapter.", {"volunteer": "required"})
    _refuse_archived(turfs)
    for turf in turfs:
        assign_turf(db, turf, volunteer, actor, shift_date)
    db.flush()
    return len(turfs)


@dataclass(frozen=True)
class Ending:
    """An active assignment a take-back (or archive) would end, for the confirmation."""

    assignment_id: int
    turf_name: str
    volunteer: str
    shift_date: dt.date | None
    knocked: int

    def describe(self) -> str:
        """'Turf 7 from Val (shift 2026-12-08; 12 doors knocked)'."""
        shift = f"shift {self.shift_date.isoformat()}; " if self.shift_date else ""
        return f"{self.turf_name} from {self.volunteer} ({shift}{self.knocked} doors knocked)"


def endings(db: Session, turfs: list[Turf], volunteer_id: int | None = None) -> list[Ending]:
    """The active assignments of these turfs (of one volunteer, if given): what would end."""
    ids = [t.id for t in turfs]
    knocked = dict(db.execute(
        sa.select(Household.turf_id, sa.func.count(Household.last_outcome))
        .where(Household.turf_id.in_(ids)).group_by(Household.turf_id)).all()) if ids else {}
    query = (sa.select(Assignment.id, Turf.name, Turf.id, User.name, User.email,
                       Assignment.shift_date)
             .join(Turf, Turf.id == Assignment.turf_id)
             .join(User, User.id == Assignment.volunteer_id)
             .where(Assignment.turf_id.in_(ids), Assignment.status == "active")
             .order_by(Turf.name, Assignment.id))
    if volunteer_id:
        query = query.where(Assignment.volunteer_id == volunteer_id)
    return [Ending(a_id, t_name, name or email.split("@")[0], shift, knocked.get(t_id, 0))
            for a_id, t_name, t_id, name, email, shift in db.execute(query)]


def bulk_take_back(db: Session, turfs: list[Turf]) -> int:
    """End every active assignment of the picked turfs (kept as history); returns how many."""
    ended = 0
    for turf in turfs:
        for assignment in turf.assignments:
            if assignment.status == "active":
                assignment.status, assignment.ended_at = "returned", utcnow()
                ended += 1
    db.flush()
    return ended


def archive_turf(db: Session, turf: Turf) -> None:
    """Archive one turf: its doors become free, its assignments end, its knocks stay with it."""
    doors = list(db.scalars(sa.select(Household.id).where(Household.turf_id == turf.id)))
    if doors:
        move_doors(db, doors, None)
    turf.status, turf.archived_at, turf.code = "archived", utcnow(), None
    for assignment in turf.assignments:
        if assignment.status == "active":
            assignment.status, assignment.ended_at = "returned", utcnow()


def bulk_archive(db: Session, turfs: list[Turf]) -> int:
    """Archive every picked turf; returns how many."""
    _refuse_archived(turfs)
    for turf in turfs:
        archive_turf(db, turf)
    db.flush()
    return len(turfs)
