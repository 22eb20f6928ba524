"""A chapter's team: role changes, deactivation, password-reset links, password changes.

Plain functions over a SQLAlchemy session taking the acting user; they flush but never commit.
Deactivation is of the account (User.active): its login sessions and API tokens are revoked at
once, its knocks stay. Organizers manage volunteers; only admins touch organizers and admins.
"""
from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from fieldapp.auth.models import ApiToken, LoginSession, PasswordReset, User
from fieldapp.auth.services import check_password_rules, hash_token
from fieldapp.chapters.models import Membership, Organization
from fieldapp.chapters.services import check_role
from fieldapp.errors import DomainError, Forbidden, NotFound
from fieldapp.models_base import utcnow

RESET_TTL = dt.timedelta(hours=24)


def member_of(db: Session, org: Organization, user_id: int) -> Membership:
    """The membership of user_id in org, or NotFound."""
    membership = db.scalar(sa.select(Membership).where(
        Membership.organization_id == org.id, Membership.user_id == user_id))
    if membership is None:
        raise NotFound("No such member in this chapter.")
    return membership


def _require_may_manage(actor: User, membership: Membership) -> None:
    """Organizers manage volunteers; admins manage everyone; nobody manages themselves here."""
    if membership.user_id == actor.id:
        raise Forbidden("You cannot do that to your own account here.")
    actor_role = actor.role_in(membership.organization_id)
    if actor_role not in ("admin", "organizer"):
        raise Forbidden("Only this chapter's organizers can do that.")
    if membership.role != "volunteer" and actor_role != "admin":
        raise Forbidden("Only this chapter's admins can manage its organizers and admins.")


def _admin_count(db: Session, org_id: int) -> int:
    """How many active admins the chapter has."""
    return db.scalar(sa.select(sa.func.count()).select_from(Membership)
                     .join(User, User.id == Membership.user_id)
                     .where(Membership.organization_id == org_id, Membership.role == "admin",
                            User.active.is_(True))) or 0


def change_role(db: Session, actor: User, membership: Membership, role: str) -> None:
    """Give a member another role in the chapter (never leaving it without an admin)."""
    check_role(role)
    _require_may_manage(actor, membership)
    if role != "volunteer" and actor.role_in(membership.organization_id) != "admin":
        raise Forbidden("Only this chapter's admins can make organizers and admins.")
    if membership.role == "admin" and role != "admin" and _admin_count(
            db, membership.organization_id) <= 1:
        raise DomainError("A chapter needs an admin.", {"role": "the chapter's last admin"})
    membership.role = role
    db.flush()


def _require_whole_account(db: Session, actor: User, user: User) -> None:
    """Deactivating locks the whole account: refused unless actor manages each of its chapters."""
    for membership in user.memberships:
        if actor.role_in(membership.organization_id) not in ("admin", "organizer"):
            raise Forbidden("This person is also in a chapter you do not organize; ask its "
                            "organizers, or an admin on the command line.")
        _require_may_manage(actor, membership)


def end_all_sessions(db: Session, user_id: int, keep_token: str | None = None) -> None:
    """Revoke every live login session of a user (but the one whose token is keep_token)."""
    query = sa.update(LoginSession).where(LoginSession.user_id == user_id,
                                          LoginSession.revoked_at.is_(None))
    if keep_token:
        query = query.where(LoginSession.token_hash != hash_token(keep_token))
    db.execute(query.values(revoked_at=utcnow()).execution_options(synchronize_session=False))


def set_active(db: Session, actor: User | None, user: User, active: bool) -> None:
    """Deactivate (sessions and API tokens revoked at once; knocks kept) or reactivate.

    actor None is the command line (a server admin), which may do it to anyone.
    """
    if actor is not None:
        _require_whole_account(db, actor, user)
    if not active:
        for membership in user.memberships:
            if membership.role == "admin" and _admin_count(db, membership.organization_id) <= 1:
                raise DomainError("A chapter needs an admin: make someone else admin first.",
                                  {"user": "the last admin of a chapter"})
        # Stamped before the revocations: a credential revoked at or after it was revoked by
        # this deactivation, and may still deliver knocks logged before it (api_callers.py).
        if user.active:
            user.deactivated_at = utcnow()
        end_all_sessions(db, user.id)
        db.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id,
                                             ApiToken.revoked_at.is_(None))
                   .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    else:
        user.deactivated_at = None
    user.active = active
    db.flush()


def create_reset_link(db: Session, actor: User | None, user: User,
                      ttl: dt.timedelta = RESET_TTL) -> str:
    """A one-time password-reset token for user (earlier unused ones stop working)."""
    if actor is not None:
        _require_whole_account(db, actor, user)
    if not user.active:
        raise DomainError("This account is deactivated: reactivate it first.",
                          {"user": "deactivated"})
    now = utcnow()
    db.execute(sa.update(PasswordReset).where(PasswordReset.user_id == user.id,
                                              PasswordReset.used_at.is_(None))
               .values(used_at=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    db.add(PasswordReset(token_hash=hash_token(token), user_id=user.id,
                         created_by_id=actor.id if actor else None, created_at=now,
                         expires_at=now + ttl))
    db.flush()
    return token


class ResetLinkError(DomainError):
    """A reset link that cannot be used (unknown, used, expired)."""

    status_code = 410


def find_reset(db: Session, token: str, now: dt.datetime | None = None) -> PasswordReset:
    """The open reset behind a link's token, or ResetLinkError saying why not."""
    reset = db.scalar(sa.select(PasswordReset).where(PasswordReset.token_hash == hash_token(token)))
    if reset is None:
        raise ResetLinkError("This password-reset link is not valid. Ask your organizer for a "
                             "new one.")
    if reset.used_at is not None:
        raise ResetLinkError("This password-reset link has already been used. Log in, or ask "
                             "your organizer for a new one.")
    if reset.expires_at <= (now or utcnow()):
        raise ResetLinkError("This password-reset link has expired. Ask your organizer for a "
                             "new one.")
    if not reset.user.active:
        raise ResetLinkError("This account is deactivated.")
    return reset


def use_reset(db: Session, token: str, password: str, now: dt.datetime | None = None) -> User:
    """Set a new password from a reset link, once; every login session of the user ends."""
    now = now or utcnow()
    reset = find_reset(db, token, now)
    check_password_rules(password)
    claimed = db.execute(sa.update(PasswordReset).where(PasswordReset.id == reset.id,
                                                        PasswordReset.used_at.is_(None))
                         .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:  # the same link submitted twice at once
        raise ResetLinkError("This password-reset link has already been used.")
    reset.user.password_hash = generate_password_hash(password)
    end_all_sessions(db, reset.user_id)
    db.flush()
    return reset.user


def change_password(db: Session, user: User, current: str, new: str,
                    keep_session: str | None) -> None:
    """A user changes their own password; their other login sessions end."""
    if not check_password_hash(user.password_hash, current):
        raise DomainError("Wrong current password.", {"current": "Wrong password."})
    check_password_rules(new)
    user.password_hash = generate_password_hash(new)
    end_all_sessions(db, user.id, keep_token=keep_session)
    db.flush()
