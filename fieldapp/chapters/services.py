"""Chapters and memberships: look up, create, give a role. They flush, never commit."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.chapters.models import MANAGER_ROLES, ROLES, Membership, Organization
from fieldapp.errors import DomainError, NotFound

if TYPE_CHECKING:  # fieldapp.auth sits above this domain
    from fieldapp.auth.models import User

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")


def get_organization(db: Session, slug: str) -> Organization:
    """The organization with this slug, or NotFound naming the valid ones."""
    org = db.scalar(sa.select(Organization).where(Organization.slug == slug))
    if org is None:
        slugs = db.scalars(sa.select(Organization.slug).order_by(Organization.slug)).all()
        raise NotFound(
            f"No organization {slug!r}. Valid: {', '.join(slugs) or '(none yet)'}.",
            {"org": "unknown organization"},
        )
    return org


def list_organizations(db: Session) -> list[Organization]:
    """Every chapter, by slug."""
    return list(db.scalars(sa.select(Organization).order_by(Organization.slug)))


def create_organization(db: Session, slug: str, name: str) -> Organization:
    """A new chapter with a short slug (2-63 lowercase letters, digits and dashes)."""
    if not SLUG.fullmatch(slug):
        raise DomainError("a slug is 2-63 lowercase letters, digits and dashes.",
                          {"slug": "2-63 lowercase letters, digits and dashes"})
    if db.scalar(sa.select(Organization.id).where(Organization.slug == slug)):
        raise DomainError(f"organization {slug!r} already exists.", {"slug": "already taken"})
    org = Organization(slug=slug, name=name)
    db.add(org)
    db.flush()
    return org


def check_role(role: str) -> str:
    """Return role if it is one of ROLES, else raise naming the valid ones."""
    if role not in ROLES:
        raise DomainError(f"Unknown role {role!r}. Valid: {', '.join(ROLES)}.", {"role": "unknown"})
    return role


def set_membership(db: Session, user: User, org: Organization, role: str) -> Membership:
    """Give user a role in org, replacing any role they had there."""
    check_role(role)
    membership = db.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.organization_id == org.id
        )
    )
    if membership is None:
        membership = Membership(user=user, organization=org, role=role)
        db.add(membership)
    else:
        membership.role = role
    db.flush()
    return membership


def managed_org_ids(user: User) -> set[int]:
    """Organizations where user is an admin or organizer."""
    return {m.organization_id for m in user.memberships if m.role in MANAGER_ROLES}
