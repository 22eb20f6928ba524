"""A turf with its doors in walk order, for the phone's walk list."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from fieldapp import access
from fieldapp.api.blueprint import bp
from fieldapp.extensions import db
from fieldapp.turf.walk_list import walk_list


@bp.get("/turfs/<int:turf_id>")
def get_turf(turf_id: int):
    """The turf, its doors in walk order with voters and last outcome, and its route."""
    turf = access.turf_for_user(db.session, current_user, turf_id)
    return jsonify(walk_list(db.session, turf))
