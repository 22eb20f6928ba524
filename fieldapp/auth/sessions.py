"""Bridges Flask-Login to the login sessions and API tokens kept in the database.

`configure_login(login_manager)` (called by create_app) sets Flask-Login's pages, messages
and loaders; importing this module changes nothing.
"""
from __future__ import annotations

from flask import Request, flash, g, redirect, request, url_for
from flask_babel import gettext
from flask_login import LoginManager

from fieldapp.auth import api_callers, services
from fieldapp.auth.models import User
from fieldapp.errorhandlers import json_error, wants_json
from fieldapp.extensions import db
from fieldapp.i18n.marks import N_

LOGIN_MESSAGE = N_("Log in to continue.")  # translated when flashed


def configure_login(login_manager: LoginManager) -> None:
    """Where Flask-Login sends anonymous people, and how it finds the user of a request."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = LOGIN_MESSAGE
    login_manager.login_message_category = "info"
    # Sessions are server-side records; IP-bound protection would log phones out between towers.
    login_manager.session_protection = None
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_bearer)
    login_manager.unauthorized_handler(unauthorized)


def load_user(token: str):
    """Flask-Login's loader: the cookie holds a login-session token, not a user id."""
    return services.load_session(db.session, token)


def load_user_from_bearer(req: Request):
    """API clients authenticate with `Authorization: Bearer <token>`."""
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    caller = g.get("api_caller")  # the API's authenticate() hook checked the token already
    if caller is None or not caller.via_token:
        caller = api_callers.caller_for_api_token(db.session, header[7:].strip())
        if caller is None:
            return None
        if caller.token_touched:  # last_used_at moved (at most once a minute): keep it
            db.session.commit()
    return db.session.get(User, caller.user_id)


def unauthorized():
    """401 JSON for the API; the login page for browsers."""
    if wants_json():
        return json_error(401, "unauthorized", gettext("Log in or send an API token."))
    flash(gettext(LOGIN_MESSAGE), "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
