"""Cutting turf by hand from the race map: preview a drawn shape, save it, split, merge.

The drawing page (Leaflet-Geoman on the coverage map) calls these with the browser session
and the X-CSRFToken header; scripts can call them with a bearer token.
"""
from __future__ import annotations

from flask import jsonify, url_for
from flask_login import current_user

from fieldapp import access
from fieldapp.api.auth import json_body
from fieldapp.api.blueprint import bp
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.turf import manual
from fieldapp.turf.models import Turf


def _active(turf: Turf) -> Turf:
    if turf.status != "active":
        raise DomainError(f"{turf.name} is archived.", {"turf": "archived"})
    return turf


def _turf_json(turf: Turf) -> dict:
    return {"id": turf.id, "name": turf.name, "doors": turf.door_count, "code": turf.code,
            "route_length_m": turf.route_length_m, "boundary": turf.boundary,
            "url": url_for("turf.detail", turf_id=turf.id)}


@bp.post("/races/<int:race_id>/turfs/preview")
def preview_drawn_turf(race_id: int):
    """How many doors a drawn polygon holds, and which turfs already hold some of them."""
    race = access.race_for_manager(db.session, current_user, race_id)
    return jsonify(manual.preview_polygon(db.session, race, json_body().get("polygon")).as_json())


@bp.post("/races/<int:race_id>/turfs")
def create_drawn_turf(race_id: int):
    """Save a drawn polygon as a turf: body {"name", "polygon"} (GeoJSON Polygon)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    body = json_body()
    name = body.get("name")
    if not isinstance(name, str):
        raise DomainError("Give the turf a name.", {"name": "required"})
    turf = manual.create_turf(db.session, race, body.get("polygon"), name, current_user)
    db.session.commit()
    return jsonify(_turf_json(turf)), 201


@bp.post("/turfs/<int:turf_id>/split")
def split_turf(turf_id: int):
    """Move the doors of a turf inside a drawn polygon into a new turf: {"polygon", "name"?}."""
    turf = _active(access.turf_for_manager(db.session, current_user, turf_id))
    body = json_body()
    name = body.get("name") if isinstance(body.get("name"), str) else ""
    part = manual.split_turf(db.session, turf, body.get("polygon"), name, current_user)
    db.session.commit()
    return jsonify({"turf": _turf_json(turf), "new_turf": _turf_json(part)}), 201


@bp.post("/turfs/<int:turf_id>/merge")
def merge_turf(turf_id: int):
    """Move every door of another turf of the race into this one: {"other_turf_id"}."""
    keep = _active(access.turf_for_manager(db.session, current_user, turf_id))
    other_id = json_body().get("other_turf_id")
    if not isinstance(other_id, int) or isinstance(other_id, bool):
        raise DomainError("Name the turf to merge in.", {"other_turf_id": "expected an integer"})
    other = _active(access.turf_for_manager(db.session, current_user, other_id))
    manual.merge_turfs(db.session, keep, other)
    db.session.commit()
    return jsonify(_turf_json(keep))
