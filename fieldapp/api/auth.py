"""Authentication for every /api/v1 route: a Bearer token, or the session plus X-CSRFToken."""
from __future__ import annotations

from flask import current_app, g, request, session
from flask_babel import gettext
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from wtforms import ValidationError

from fieldapp.api.blueprint import bp
from fieldapp.auth.api_callers import (
    ApiCaller,
    api_token_refusal,
    caller_for_api_token,
    caller_for_login_session,
)
from fieldapp.errorhandlers import json_error
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.fastsql.engine import statements_connection

# create_app exempts this blueprint from CSRFProtect's form check (token clients have no
# cookie to forge); session clients are checked below instead.
PUBLIC_ENDPOINTS = {"api.openapi"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def on_connection(view):
    """Mark a view that works on one Core connection (`api_database()`), not the ORM session:
    the caller's lookup and its own statements, each committing alone on PostgreSQL
    (fieldapp.fastsql.engine.statements_connection)."""
    view.on_connection = True
    return view


def knock_delivery(view):
    """Mark a view that delivers a phone's knocks: a volunteer deactivated since may still call
    it, so knocks logged before the deactivation are not lost (fieldapp/auth/api_callers.py)."""
    view.knock_delivery = True
    return view


@bp.before_request
def authenticate():
    """Refuse anonymous calls; demand the CSRF header when a browser session is used.

    The caller is known from one query (fieldapp/auth/api_callers.py); the full user is
    loaded only by views that touch `current_user`.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if getattr(current_app.view_functions.get(request.endpoint), "on_connection", False):
        g.api_connection = statements_connection(db.engine)
    caller = _identify()
    if caller is None:
        return json_error(401, "unauthorized", _refusal())
    view = current_app.view_functions.get(request.endpoint)
    if caller.deactivated_at is not None and not getattr(view, "knock_delivery", False):
        return json_error(401, "unauthorized", gettext("This account is deactivated."))
    g.api_caller = caller
    if caller.token_touched:  # the token's last use moved (at most once a minute): keep it
        api_database().commit()
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
        return caller_for_api_token(api_database(), header[7:].strip())
    token = session.get("_user_id")  # where Flask-Login keeps our login-session token
    return caller_for_login_session(api_database(), token) if isinstance(token, str) else None


def _refusal() -> str:
    """The 401's message: why a Bearer token was refused, or how to get in."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return api_token_refusal(api_database(), header[7:].strip())
    return gettext("Log in or send an API token.")


@bp.teardown_request
def _close_connection(_error: BaseException | None) -> None:
    """Give back the connection of an `on_connection` view (rolling back what it left)."""
    connection = g.pop("api_connection", None)
    if connection is not None:
        connection.close()


def api_database() -> Session | Connection:
    """Where this request's statements run: its Core connection, or the ORM session."""
    connection = g.get("api_connection")
    return db.session if connection is None else connection


def api_caller() -> ApiCaller:
    """The caller authenticate() let in."""
    return g.api_caller


def json_body() -> dict:
    """The request's JSON object, or a 422 naming the problem."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError("The body must be a JSON object.", {"body": "expected a JSON object"})
    return body
