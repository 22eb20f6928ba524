"""Organizations and memberships (a user's role in one organization)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow

if TYPE_CHECKING:  # above this domain: named by the relationships, never imported at run time
    from fieldapp.auth.models import User
    from fieldapp.races.models import Race

ROLES = ("admin", "organizer", "volunteer")
# Roles that may manage a chapter's races, turf and people.
MANAGER_ROLES = ("admin", "organizer")


class Organization(db.Model):
    """A state chapter: owns races, voters and members; nothing crosses between them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # The committee's own VAN result ids per fieldapp outcome, for the canvass export.
    van_result_ids: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organization", cascade="all, delete-orphan"
    )
    races: WriteOnlyMapped[Race] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class Membership(db.Model):
    """A user's role in one organization."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "organization_id"),
        sa.CheckConstraint("role IN ('admin', 'organizer', 'volunteer')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")
