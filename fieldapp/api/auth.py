"""Authentication for every /api/v1 route: a Bearer token, or the session plus X-CSRFToken."""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from fieldapp.api.blueprint import bp
from fieldapp.auth.api_callers import ApiCaller, caller_for_api_token, caller_for_login_session
from fieldapp.database import statements_alone
from fieldapp.errorhandlers import json_error
from fieldapp.extensions import csrf, db, limiter

# Token clients have no cookie to forge; session clients are checked below instead.
csrf.exempt(bp)


@limiter.request_filter
def _api_not_rate_limited() -> bool:
    """The limits guard password guessing on the login forms. API calls carry a 256-bit token
    or a session already logged in, nothing to guess; and a phone's knocks must never be
    turned away. Skipping the limiter here also saves its lookup on every knock."""
    return request.blueprint == "api"

PUBLIC_ENDPOINTS = {"api.openapi"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def writes_alone(view):
    """Mark a view whose writes are each one atomic statement, or opened together with
    fieldapp.database.begin_writes: its statements, the caller's lookup included, then run
    without BEGIN and COMMIT round trips on PostgreSQL (fieldapp.database.statements_alone)."""
    view.writes_alone = True
    return view


@bp.before_request
def authenticate():
    """Refuse anonymous calls; demand the CSRF header when a browser session is used.

    The caller is known from one query (fieldapp/auth/api_callers.py); the full user is
    loaded only by views that touch `current_user`.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if getattr(current_app.view_functions.get(request.endpoint), "writes_alone", False):
        statements_alone(db.session())  # the request's own Session, not the proxy
    caller = _identify()
    if caller is None:
        return json_error(401, "unauthorized", "Log in or send an API token.")
    g.api_caller = caller
    if caller.token_touched:  # the token's last use moved (at most once a minute): keep it
        db.session.commit()
    if request.method not in SAFE_METHODS and not caller.via_token:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (ValidationError, CSRFError) as error:
            return json_error(400, "csrf", f"Missing or bad X-CSRFToken header: {error}")
    return None


def _identify() -> ApiCaller | None:
    """A Bearer token when one is sent, else the browser's login session."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return caller_for_api_token(db.session, header[7:].strip())
    token = session.get("_user_id")  # where Flask-Login keeps our login-session token
    return caller_for_login_session(db.session, token) if isinstance(token, str) else None


def api_caller() -> ApiCaller:
    """The caller authenticate() let in."""
    return g.api_caller


def json_body() -> dict:
    """The request's JSON object, or a 422 naming the problem."""
    from fieldapp.errors import DomainError

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError("The body must be a JSON object.", {"body": "expected a JSON object"})
    return body
