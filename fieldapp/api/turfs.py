"""A turf with its doors in walk order, for the phone's walk list."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from fieldapp import access
from fieldapp.api.blueprint import bp
from fieldapp.extensions import db
from fieldapp.streets.turfs import walk_minutes
from fieldapp.turf.models import Turf
from fieldapp.turf.walk_list import walk_list


def walk_json(turf: Turf) -> dict:
    """The turf's walking distance (metres) and estimated minutes, null without a route."""
    length = turf.route_length_m
    return {"length_m": round(length, 1) if length is not None else None,
            "minutes": walk_minutes(length, turf.door_count), "doors": turf.door_count}


@bp.get("/turfs/<int:turf_id>")
def get_turf(turf_id: int):
    """The turf, its doors in walk order with voters and last outcome, its route and walk."""
    turf = access.turf_for_user(db.session, current_user, turf_id)
    return jsonify(walk_list(db.session, turf) | {"walk": walk_json(turf)})
