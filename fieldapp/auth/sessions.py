"""Bridges Flask-Login to the login sessions and API tokens kept in the database."""
from __future__ import annotations

from flask import Request, g

from fieldapp.auth import api_callers, services
from fieldapp.auth.models import User
from fieldapp.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = "Log in to continue."
login_manager.login_message_category = "info"
# Sessions are server-side records; IP-bound protection would log phones out between towers.
login_manager.session_protection = None


@login_manager.user_loader
def load_user(token: str):
    """Flask-Login's loader: the cookie holds a login-session token, not a user id."""
    return services.load_session(db.session, token)


@login_manager.request_loader
def load_user_from_bearer(request: Request):
    """API clients authenticate with `Authorization: Bearer <token>`."""
    header = request.headers.get("Authorization", "")
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


@login_manager.unauthorized_handler
def unauthorized():
    """401 JSON for the API; the login page for browsers."""
    from flask import flash, redirect, request, url_for

    from fieldapp.errorhandlers import json_error, wants_json

    if wants_json():
        return json_error(401, "unauthorized", "Log in or send an API token.")
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
