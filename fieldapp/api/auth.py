"""Authentication for every /api/v1 route: a Bearer token, or the session plus X-CSRFToken."""
from __future__ import annotations

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from fieldapp.api.blueprint import bp
from fieldapp.errorhandlers import json_error
from fieldapp.extensions import csrf, limiter

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


@bp.before_request
def authenticate():
    """Refuse anonymous calls; demand the CSRF header when a browser session is used."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return json_error(401, "unauthorized", "Log in or send an API token.")
    if request.method not in SAFE_METHODS and not g.get("auth_via_token"):
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except (ValidationError, CSRFError) as error:
            return json_error(400, "csrf", f"Missing or bad X-CSRFToken header: {error}")
    return None


def json_body() -> dict:
    """The request's JSON object, or a 422 naming the problem."""
    from fieldapp.errors import DomainError

    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise DomainError("The body must be a JSON object.", {"body": "expected a JSON object"})
    return body
