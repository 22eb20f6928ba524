"""Who may see what: the one place views, the API and the CLI ask, object by object.

The policy sits above the domains: it reads chapters' memberships, races, turfs and their
assignments, doors and jobs, and no domain imports it (only views, API resources and
commands do). The `can_*` predicates answer yes or no; the `require_*` and `*_for_*`
functions raise NotFound or Forbidden, and the latter return the object checked. Nothing
here reads the request.
"""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.chapters.models import Organization
from fieldapp.chapters.services import managed_org_ids
from fieldapp.errors import Forbidden, NotFound
from fieldapp.jobs.models import Job
from fieldapp.races.models import Race
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household

__all__ = [
    "can_manage", "can_manage_race", "can_walk_turf", "household_for_manager", "is_manager",
    "job_for_manager", "managed_org_ids", "organization_for_manager", "race_for_manager",
    "races_for_manager", "require_admin_of", "require_manager_of", "require_some_manager",
    "turf_for_manager", "turf_for_user",
]

RaceObject = TypeVar("RaceObject", Household, Job)  # objects that belong to one race


def can_manage(user: User, organization_id: int) -> bool:
    """True when user is an admin or organizer of this organization."""
    return organization_id in managed_org_ids(user)


def can_manage_race(user: User, race: Race) -> bool:
    """True when user organizes the race's chapter."""
    return can_manage(user, race.organization_id)


def is_manager(user: User) -> bool:
    """True when user organizes at least one chapter."""
    return bool(managed_org_ids(user))


def can_walk_turf(db: Session, user: User, turf: Turf) -> bool:
    """True for organizers of the turf's race, and for a volunteer holding the (active) turf."""
    if can_manage_race(user, turf.race):
        return True
    held = db.scalar(sa.select(Assignment.id).where(
        Assignment.turf_id == turf.id, Assignment.volunteer_id == user.id,
        Assignment.status == "active"))
    return held is not None and turf.status == "active"


def require_some_manager(user: User) -> None:
    """Raise Forbidden unless user organizes some chapter (volunteers have no race pages)."""
    if not is_manager(user):
        raise Forbidden("Only organizers can see this page.")


def require_manager_of(user: User, organization_id: int) -> None:
    """Raise Forbidden unless user organizes this organization."""
    if not can_manage(user, organization_id):
        raise Forbidden("Only this chapter's organizers can do that.")


def require_admin_of(user: User, organization_id: int) -> None:
    """Raise Forbidden unless user is an admin of this organization."""
    if user.role_in(organization_id) != "admin":
        raise Forbidden("Only this chapter's admins can do that.")


def organization_for_manager(db: Session, user: User, slug: str) -> Organization:
    """The organization with this slug, if user organizes it."""
    org = db.scalar(sa.select(Organization).where(Organization.slug == slug))
    if org is None:
        raise NotFound("No such organization.")
    require_manager_of(user, org.id)
    return org


def race_for_manager(db: Session, user: User, race_id: int) -> Race:
    """A race that user organizes, or NotFound / Forbidden."""
    race = db.get(Race, race_id)
    if race is None:
        raise NotFound("No such race.")
    require_manager_of(user, race.organization_id)
    return race


def races_for_manager(db: Session, user: User, include_archived: bool = False) -> list[Race]:
    """The races of every organization user organizes, newest election first."""
    org_ids = managed_org_ids(user)
    if not org_ids:
        return []
    query = sa.select(Race).where(Race.organization_id.in_(org_ids))
    if not include_archived:
        query = query.where(Race.status == "active")
    return list(db.scalars(query.order_by(Race.election_date.desc().nulls_last(), Race.name)))


def turf_for_user(db: Session, user: User, turf_id: int) -> Turf:
    """A turf user may walk or manage: organizers of its race, or a volunteer holding it."""
    turf = db.get(Turf, turf_id)
    if turf is None:
        raise NotFound("No such turf.")
    if not can_walk_turf(db, user, turf):
        raise Forbidden("This turf is not assigned to you.")
    return turf


def turf_for_manager(db: Session, user: User, turf_id: int) -> Turf:
    """A turf whose race user organizes."""
    turf = db.get(Turf, turf_id)
    if turf is None:
        raise NotFound("No such turf.")
    require_manager_of(user, turf.race.organization_id)
    return turf


def _of_managed_race(db: Session, user: User, model: type[RaceObject], object_id: int,
                     missing: str) -> RaceObject:
    """An object with a race_id, if user organizes that race's chapter."""
    found = db.get(model, object_id)
    if found is None:
        raise NotFound(missing)
    require_manager_of(user, db.get(Race, found.race_id).organization_id)
    return found


def household_for_manager(db: Session, user: User, household_id: int) -> Household:
    """A door whose race user organizes."""
    return _of_managed_race(db, user, Household, household_id, "No such household.")


def job_for_manager(db: Session, user: User, job_id: int) -> Job:
    """A background job of a race user organizes (its files and reports are the chapter's)."""
    return _of_managed_race(db, user, Job, job_id, "No such job.")
