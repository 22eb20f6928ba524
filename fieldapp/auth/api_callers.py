"""Who is calling the API: a user id from one small query, the full User only on demand.

Every knock a phone sends starts here, so this answers with the least the knock needs (the
caller's user id, checked live) from one statement on the driver's cursor
(fieldapp/fastsql/direct.py). Views that need the whole user (its name, its memberships) get it
through Flask-Login's `current_user`, loaded by id when first touched.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import ApiToken, LoginSession, User
from fieldapp.auth.services import hash_token, login_is_live
from fieldapp.fastsql.direct import DirectStatement
from fieldapp.models_base import utcnow

# Recording every use would make each API call a write; a minute's precision is enough.
TOKEN_USE_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class ApiCaller:
    """An authenticated API caller: by API token, or by a browser's login session."""

    user_id: int
    via_token: bool
    token_touched: bool = False  # the token's last use was written: the caller must commit
    # Set when the user was deactivated after this credential's phone logged its knocks: such a
    # caller may only deliver knocks (api/auth.py), judged as of this moment (canvass/knocks.py).
    deactivated_at: dt.datetime | None = None


_TOKEN = DirectStatement(
    sa.select(ApiToken.id, ApiToken.user_id, ApiToken.revoked_at, ApiToken.last_used_at,
              ApiToken.expires_at, User.active, User.deactivated_at)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == sa.bindparam("hash")))
_TOUCH_TOKEN = DirectStatement(
    sa.update(ApiToken).where(ApiToken.id == sa.bindparam("token_id"))
    .values(last_used_at=sa.bindparam("now", type_=ApiToken.last_used_at.type)))
_SESSION = DirectStatement(
    sa.select(LoginSession.user_id, LoginSession.revoked_at, LoginSession.expires_at, User.active,
              User.deactivated_at)
    .join(User, User.id == LoginSession.user_id)
    .where(LoginSession.token_hash == sa.bindparam("hash")))


def caller_for_api_token(db: Session, raw: str, now: dt.datetime | None = None) -> ApiCaller | None:
    """The caller behind a live, unexpired API token of an active user, or None (or, for a
    token its user's deactivation revoked, a caller that may only deliver knocks)."""
    found = _TOKEN.rows(db, {"hash": hash_token(raw)})
    if not found:
        return None
    token = found[0]
    now = now or utcnow()
    if _aware(token.expires_at) <= now:
        return None
    if not token.active or token.revoked_at is not None:
        cutoff = _revoked_by_deactivation(token)
        return None if cutoff is None else ApiCaller(token.user_id, True, deactivated_at=cutoff)
    touched = token.last_used_at is None or now - token.last_used_at > TOKEN_USE_PRECISION
    if touched:
        _TOUCH_TOKEN.many(db, [{"token_id": token.id, "now": now}])
    return ApiCaller(token.user_id, via_token=True, token_touched=touched)


def _aware(value: dt.datetime) -> dt.datetime:
    """The driver's cursor hands SQLite's timestamps back naive (they are stored in UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def api_token_refusal(db: Session, raw: str, now: dt.datetime | None = None) -> str:
    """Why a Bearer token was refused, for the 401's message (asked only after a refusal, so
    the knock path's one query stays one)."""
    found = _TOKEN.rows(db, {"hash": hash_token(raw)})
    if not found:
        return "Unknown API token."
    token = found[0]
    if not token.active:
        return "This account is deactivated; its API tokens no longer work."
    if token.revoked_at is not None:
        return "This API token was revoked."
    if _aware(token.expires_at) <= (now or utcnow()):
        return "This API token has expired; create a new one on your tokens page."
    return "Log in or send an API token."


def caller_for_login_session(db: Session, token: str,
                             now: dt.datetime | None = None) -> ApiCaller | None:
    """The caller behind a live login session (the phone pages' cookie), or None."""
    found = _SESSION.rows(db, {"hash": hash_token(token)})
    if not found:
        return None
    login = found[0]
    now = now or utcnow()
    if not login_is_live(login.revoked_at, login.expires_at, login.active, now):
        cutoff = _revoked_by_deactivation(login) if _aware(login.expires_at) > now else None
        return None if cutoff is None else ApiCaller(login.user_id, False, deactivated_at=cutoff)
    return ApiCaller(login.user_id, via_token=False)


def _revoked_by_deactivation(credential) -> dt.datetime | None:
    """When the credential's user was deactivated, if that (not a log-out or revocation before
    it) is what ended the credential: knocks its phone logged until then are still facts."""
    if credential.active or credential.deactivated_at is None or credential.revoked_at is None:
        return None
    deactivated = _aware(credential.deactivated_at)
    return deactivated if _aware(credential.revoked_at) >= deactivated else None

