"""Who am I, and what am I assigned."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from fieldapp.api.auth import json_body
from fieldapp.api.blueprint import bp
from fieldapp.canvass import services as canvass_services
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.i18n import services as i18n_services


@bp.get("/me")
def me():
    """The caller, their organizations and roles."""
    return jsonify({
        "id": current_user.id,
        "name": current_user.display_name,
        "email": current_user.email,
        "language": current_user.language,  # None: the browser's language decides
        "organizations": [
            {"id": m.organization.id, "slug": m.organization.slug, "name": m.organization.name,
             "role": m.role}
            for m in current_user.memberships
        ],
    })


@bp.patch("/me")
def update_me():
    """Change the caller's own settings: {"language": "en" | "es" | null (the browser's)}."""
    body = json_body()
    if "language" not in body:
        raise DomainError("Send the setting to change.", {"language": "required"})
    i18n_services.set_language(current_user, body["language"])
    db.session.commit()
    return me()


@bp.get("/assignments")
def assignments():
    """The caller's active assignments with doors and doors knocked."""
    views = canvass_services.assignments_for(db.session, current_user)
    return jsonify({"assignments": [view.as_json() for view in views]})
