"""Users, login sessions, invites and API tokens (memberships and roles: fieldapp.chapters)."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.chapters.models import Membership, Organization
from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from fieldapp.turf.models import Turf

class User(UserMixin, db.Model):
    """A person who logs in: organizer or volunteer, in one or more chapters."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When deactivated: knocks a phone logged before it still count (fieldapp/auth/api_callers.py)
    deactivated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # 'en' or 'es' as the person chose; None = the browser's language (fieldapp/i18n)
    language: Mapped[str | None] = mapped_column(sa.String(8))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Set by the session loader: Flask-Login stores the login session, not the user id,
    # so that logging out or rotating a session kills exactly that cookie.
    session_token = None  # type: str | None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        """The login-session token Flask-Login keeps in the cookie."""
        if not self.session_token:
            raise RuntimeError("log in through auth.services.start_session")
        return self.session_token

    def role_in(self, organization_id: int) -> str | None:
        """This user's role in an organization, or None when not a member."""
        for membership in self.memberships:
            if membership.organization_id == organization_id:
                return membership.role
        return None

    @property
    def display_name(self) -> str:
        """The name to show, falling back on the e-mail's local part."""
        return self.name or self.email.split("@")[0]

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class LoginSession(db.Model):
    """A server-side record of one browser login, so logout really ends it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Invite(db.Model):
    """A link that lets people join an organization with a role: once, or up to `max_uses`
    times until it expires; it may carry a turf each newcomer is assigned on joining."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # How many accounts may join by this link; used_at/used_by are those of the latest join.
    max_uses: Mapped[int] = mapped_column(default=1, server_default="1")
    uses: Mapped[int] = mapped_column(default=0, server_default="0")
    turf_id: Mapped[int | None] = mapped_column(sa.ForeignKey("turf.id", ondelete="SET NULL"))

    organization: Mapped[Organization] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])
    turf: Mapped[Turf | None] = relationship()

    def state(self, now: dt.datetime) -> str:
        """'open', 'used' (no uses left), 'revoked' or 'expired'."""
        if self.uses >= self.max_uses:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "open"


class ApiToken(db.Model):
    """A bearer token for scripts and the phone app; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Tokens made before expiry existed got 90 days from the upgrade (migration 0005).
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PasswordReset(db.Model):
    """A one-time link an organizer gives a member to set a new password; only its hash is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
