"""Who may see what: the one place views and the API ask, object by object.

Every function takes the acting user and raises NotFound or Forbidden; nothing here reads
the request, so the same checks serve pages, the API and the CLI.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.chapters.models import MANAGER_ROLES, Organization
from fieldapp.errors import Forbidden, NotFound
from fieldapp.races.models import Race


def managed_org_ids(user: User) -> set[int]:
    """Organizations where user is an admin or organizer."""
    return {m.organization_id for m in user.memberships if m.role in MANAGER_ROLES}


def is_manager(user: User) -> bool:
    """True when user organizes at least one chapter."""
    return bool(managed_org_ids(user))


def require_some_manager(user: User) -> None:
    """Raise Forbidden unless user organizes some chapter (volunteers have no race pages)."""
    if not is_manager(user):
        raise Forbidden("Only organizers can see this page.")


def require_manager_of(user: User, organization_id: int) -> None:
    """Raise Forbidden unless user organizes this organization."""
    if organization_id not in managed_org_ids(user):
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


def turf_for_user(db: Session, user: User, turf_id: int):
    """A turf user may walk or manage: organizers of its race, or a volunteer holding it."""
    from fieldapp.turf.models import Assignment, Turf

    turf = db.get(Turf, turf_id)
    if turf is None:
        raise NotFound("No such turf.")
    if turf.race.organization_id in managed_org_ids(user):
        return turf
    held = db.scalar(
        sa.select(Assignment.id).where(
            Assignment.turf_id == turf.id,
            Assignment.volunteer_id == user.id,
            Assignment.status == "active",
        )
    )
    if held is None or turf.status != "active":
        raise Forbidden("This turf is not assigned to you.")
    return turf


def turf_for_manager(db: Session, user: User, turf_id: int):
    """A turf whose race user organizes."""
    from fieldapp.turf.models import Turf

    turf = db.get(Turf, turf_id)
    if turf is None:
        raise NotFound("No such turf.")
    require_manager_of(user, turf.race.organization_id)
    return turf


def _of_managed_race(db: Session, user: User, model, object_id: int, missing: str):
    """An object with a race_id, if user organizes that race's chapter."""
    found = db.get(model, object_id)
    if found is None:
        raise NotFound(missing)
    require_manager_of(user, db.get(Race, found.race_id).organization_id)
    return found


def household_for_manager(db: Session, user: User, household_id: int):
    """A door whose race user organizes."""
    from fieldapp.voters.models import Household

    return _of_managed_race(db, user, Household, household_id, "No such household.")


def job_for_manager(db: Session, user: User, job_id: int):
    """A background job of a race user organizes (its files and reports are the chapter's)."""
    from fieldapp.jobs.models import Job

    return _of_managed_race(db, user, Job, job_id, "No such job.")
