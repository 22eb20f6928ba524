"""Accounts: users, memberships, passwords, login sessions, invites and API tokens.

Plain functions over a SQLAlchemy session; they flush but never commit (callers own the commit).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from fieldapp.auth.models import ApiToken, Invite, LoginSession, User
from fieldapp.chapters.models import Organization
from fieldapp.chapters.services import check_role, set_membership
from fieldapp.errors import DomainError, NotFound
from fieldapp.i18n.marks import N_
from fieldapp.models_base import utcnow

SESSION_TTL = dt.timedelta(days=14)
MIN_PASSWORD_LENGTH = 10
API_TOKEN_TTL = dt.timedelta(days=90)  # the default; FIELDAPP_API_TOKEN_TTL_DAYS overrides it
MAX_INVITE_USES = 1000
MAX_INVITE_TTL = dt.timedelta(days=90)
# Verified when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_token(raw: str) -> str:
    """SHA-256 of a random token: what the database keeps instead of the token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def normalize_email(email: str) -> str:
    """E-mails compare case-insensitively and without surrounding blanks."""
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            "Password too short.",
            {"password": f"Use at least {MIN_PASSWORD_LENGTH} characters."},
        )


def create_user(db: Session, email: str, password: str, name: str = "") -> User:
    """Create a user with a hashed password; a taken e-mail is a field error."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise DomainError(N_("Invalid e-mail address."), {"email": N_("Enter a valid e-mail address.")})
    if db.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise DomainError(N_("E-mail already registered."),
                          {"email": N_("This e-mail already has an account.")})
    check_password_rules(password)
    user = User(email=email, name=name.strip(), password_hash=generate_password_hash(password))
    db.add(user)
    db.flush()
    return user


def authenticate(db: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (with no hint which part was wrong)."""
    user = db.scalar(sa.select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def start_session(db: Session, user: User, now: dt.datetime | None = None) -> str:
    """Open a new login session for user; the returned token goes into the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.add(LoginSession(token_hash=hash_token(token), user_id=user.id, created_at=now,
                        expires_at=now + SESSION_TTL))
    db.flush()
    user.session_token = token
    return token


_SESSION_AND_USER = (sa.select(LoginSession, User).join(User, User.id == LoginSession.user_id)
                     .where(LoginSession.token_hash == sa.bindparam("hash")))


def login_is_live(revoked_at: dt.datetime | None, expires_at: dt.datetime, user_active: bool,
                  now: dt.datetime) -> bool:
    """A login session logs its user in while not revoked, not expired, the user active (pages
    and the API's callers, fieldapp/auth/api_callers.py, both ask this)."""
    return revoked_at is None and expires_at > now and user_active


def load_session(db: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """The user of a live login session, or None if it ended, expired or never existed."""
    now = now or utcnow()
    found = db.execute(_SESSION_AND_USER, {"hash": hash_token(token)}).first()
    if found is None:
        return None
    login, user = found
    if not login_is_live(login.revoked_at, login.expires_at, user.active, now):
        return None
    user.session_token = token
    return user


def end_session(db: Session, token: str) -> None:
    """Revoke a login session so its cookie no longer logs anyone in."""
    db.execute(
        sa.update(LoginSession)
        .where(LoginSession.token_hash == hash_token(token), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def create_invite(db: Session, org: Organization, role: str, created_by: User | None,
                  ttl: dt.timedelta, note: str = "", max_uses: int = 1,
                  turf_id: int | None = None) -> tuple[Invite, str]:
    """Create an invite link for up to max_uses joins, optionally carrying a turf of this
    chapter; returns it and the raw token for the link (shown once)."""
    check_role(role)
    errors = {}
    if not 1 <= max_uses <= MAX_INVITE_USES:
        errors["max_uses"] = f"Between 1 and {MAX_INVITE_USES}."
    if ttl <= dt.timedelta(0) or ttl > MAX_INVITE_TTL:
        errors["expires"] = f"Between 1 hour and {MAX_INVITE_TTL.days} days."
    if turf_id is not None:
        from fieldapp.turf.models import Turf  # turf sits above auth: an invite's turf

        turf = db.get(Turf, turf_id)
        if turf is None or turf.race.organization_id != org.id or turf.status != "active":
            errors["turf"] = "Not an active turf of this chapter."
    if errors:
        raise DomainError("The invite cannot be made: " + " ".join(errors.values()), errors)
    token = secrets.token_urlsafe(24)
    invite = Invite(organization=org, role=role, token_hash=hash_token(token), note=note[:200],
                    created_by=created_by, expires_at=utcnow() + ttl, max_uses=max_uses,
                    uses=0, turf_id=turf_id)
    db.add(invite)
    db.flush()
    return invite, token


def find_invite(db: Session, token: str) -> Invite | None:
    """The invite behind a link's token, whatever its state."""
    return db.scalar(sa.select(Invite).where(Invite.token_hash == hash_token(token)))


class InviteError(DomainError):
    """An invite link that cannot be used: `state` is 'unknown', 'used', 'revoked' or 'expired'."""

    def __init__(self, state: str) -> None:
        messages = {
            "unknown": N_("This invite link is not valid. Ask your organizer for a new one."),
            "used": N_("This invite link has already been used. Log in, or ask for a new link."),
            "revoked": N_("This invite link was withdrawn. Ask your organizer for a new one."),
            "expired": N_("This invite link has expired. Ask your organizer for a new one."),
        }
        super().__init__(messages[state])
        self.state = state


def accept_invite(db: Session, token: str, email: str, password: str, name: str = "",
                  now: dt.datetime | None = None) -> User:
    """Create the account for an open invite and give it the invite's role; one use only."""
    now = now or utcnow()
    invite = find_invite(db, token)
    if invite is None:
        raise InviteError("unknown")
    state = invite.state(now)
    if state != "open":
        raise InviteError(state)
    user = create_user(db, email, password, name)
    set_membership(db, user, invite.organization, invite.role)
    # Conditional update: phones racing on a link's last use cannot both join.
    claimed = db.execute(
        sa.update(Invite).where(Invite.id == invite.id, Invite.uses < Invite.max_uses)
        .values(uses=Invite.uses + 1, used_at=now, used_by_id=user.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise InviteError("used")
    db.refresh(invite)
    if invite.turf is not None and invite.turf.status == "active":
        from fieldapp.turf.services import assign_turf  # turf sits above auth

        db.refresh(user, ["memberships"])
        assign_turf(db, invite.turf, user, invite.created_by)
    return user


def holds_turf(db: Session, user_id: int, turf_id: int) -> bool:
    """True when the user has an active assignment on this turf."""
    from fieldapp.turf.models import Assignment  # turf sits above auth

    return db.scalar(sa.select(Assignment.id).where(
        Assignment.turf_id == turf_id, Assignment.volunteer_id == user_id,
        Assignment.status == "active")) is not None


def revoke_invite(db: Session, invite: Invite) -> None:
    """Withdraw an invite that still has uses left."""
    if invite.uses < invite.max_uses and invite.revoked_at is None:
        invite.revoked_at = utcnow()


def create_api_token(db: Session, user: User, name: str = "",
                     ttl: dt.timedelta = API_TOKEN_TTL) -> str:
    """Create an API token for user, valid for ttl; the raw token is returned once and stored
    hashed."""
    if ttl <= dt.timedelta(0):
        raise DomainError("A token must last at least a day.", {"days": "at least 1"})
    raw = "fa_" + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, name=name[:100], prefix=raw[:10], token_hash=hash_token(raw),
                    expires_at=utcnow() + ttl))
    db.flush()
    return raw


def revoke_api_token(db: Session, user: User, token_id: int) -> None:
    """Revoke one of user's own API tokens."""
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
