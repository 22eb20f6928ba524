"""Who am I, and what am I assigned."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from fieldapp.api.blueprint import bp
from fieldapp.canvass import services as canvass_services
from fieldapp.extensions import db


@bp.get("/me")
def me():
    """The caller, their organizations and roles."""
    return jsonify({
        "id": current_user.id,
        "name": current_user.display_name,
        "email": current_user.email,
        "organizations": [
            {"id": m.organization.id, "slug": m.organization.slug, "name": m.organization.name,
             "role": m.role}
            for m in current_user.memberships
        ],
    })


@bp.get("/assignments")
def assignments():
    """The caller's active assignments with doors and doors knocked."""
    views = canvass_services.assignments_for(db.session, current_user)
    return jsonify({"assignments": [view.as_json() for view in views]})
