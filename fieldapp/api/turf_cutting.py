"""A race's turfs as JSON and GeoJSON, and automatic cutting, for organizers."""
from __future__ import annotations

from dataclasses import asdict

import sqlalchemy as sa
from flask import jsonify, request, url_for
from flask_login import current_user

from fieldapp import access
from fieldapp.api.auth import json_body
from fieldapp.api.blueprint import bp
from fieldapp.api.jobs import job_json
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.jobs.submit import submit
from fieldapp.reports.progress import race_progress
from fieldapp.turf.jobs import start_turf_cut
from fieldapp.turf.models import Turf
from fieldapp.turf.recut import check_scope, plan_cut, preview_cut


def _turfs(race_id: int) -> list[Turf]:
    return list(db.session.scalars(sa.select(Turf).where(
        Turf.race_id == race_id, Turf.status == "active").order_by(Turf.name)))


@bp.get("/races/<int:race_id>/turfs")
def list_turfs(race_id: int):
    """The race's active turfs with doors, knocked and handout code."""
    race = access.race_for_manager(db.session, current_user, race_id)
    progress = {t["id"]: t for t in race_progress(db.session, race)["turfs"]}
    return jsonify({"turfs": [
        {"id": t.id, "name": t.name, "doors": progress.get(t.id, {}).get("doors", 0),
         "knocked": progress.get(t.id, {}).get("knocked", 0), "code": t.code,
         "cut_method": t.cut_method, "route_length_m": t.route_length_m,
         "volunteers": [a.volunteer.display_name for a in t.assignments if a.status == "active"]}
        for t in _turfs(race.id)]})


@bp.get("/races/<int:race_id>/turfs.geojson")
def turfs_geojson(race_id: int):
    """The race's turf boundaries as a GeoJSON FeatureCollection (EPSG:4326)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    features = [{"type": "Feature", "id": t.id, "geometry": t.boundary,
                 "properties": {"id": t.id, "name": t.name, "doors": t.door_count}}
                for t in _turfs(race.id)]
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.mimetype = "application/geo+json"
    return response


@bp.post("/races/<int:race_id>/turfs/cut")
def cut_turfs(race_id: int):
    """Queue a cut into turfs: body {"doors": 50, "scope": "free"|"unassigned"|"leftover"|"all",
    "outcomes": ["not_home", ...] (leftover), "include_outside": false}; "replace": true is
    the older spelling of scope "all".

    202 with the job; GET /api/v1/jobs/<id> follows it, and its `result` is the cut's summary.
    """
    race = access.race_for_manager(db.session, current_user, race_id)
    body = json_body()
    doors, replace = body.get("doors", 50), body.get("replace", False)
    outside, outcomes = body.get("include_outside", False), body.get("outcomes", [])
    for name, value in (("replace", replace), ("include_outside", outside)):
        if not isinstance(value, bool):
            raise DomainError(f"{name} is true or false.", {name: "expected a boolean"})
    if not isinstance(outcomes, list) or not all(isinstance(o, str) for o in outcomes):
        raise DomainError("outcomes is a list of outcome codes.", {"outcomes": "expected a list"})
    # An API client asks first with GET .../turfs/recut-preview (the page's figures).
    job = submit(start_turf_cut(db.session, race, current_user, doors, replace,
                                scope=body.get("scope"), outcomes=tuple(outcomes),
                                include_outside=outside))
    response = jsonify({"job": job_json(job)})
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response, 202


@bp.get("/races/<int:race_id>/turfs/recut-preview")
def recut_preview(race_id: int):
    """What a cut would do, before it runs: ?scope=all&outcomes=not_home&include_outside=1."""
    race = access.race_for_manager(db.session, current_user, race_id)
    scope = request.args.get("scope", "all")
    outcomes = check_scope(scope, tuple(request.args.getlist("outcomes")))
    plan = plan_cut(db.session, race, scope, outcomes, request.args.get("include_outside") == "1")
    return jsonify(asdict(preview_cut(db.session, race, plan)))
