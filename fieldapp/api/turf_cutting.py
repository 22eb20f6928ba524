"""A race's turfs as JSON and GeoJSON, and automatic cutting, for organizers."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, url_for
from flask_login import current_user

from fieldapp.api.auth import json_body
from fieldapp.api.blueprint import bp
from fieldapp.api.jobs import job_json
from fieldapp.auth import access
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.jobs.submit import submit
from fieldapp.turf.jobs import start_turf_cut
from fieldapp.turf.models import Turf
from fieldapp.reports.progress import race_progress


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
    """Queue a cut of the race's free doors into turfs: body {"doors": 50, "replace": false}.

    202 with the job; GET /api/v1/jobs/<id> follows it, and its `result` is the cut's summary.
    """
    race = access.race_for_manager(db.session, current_user, race_id)
    body = json_body()
    doors, replace = body.get("doors", 50), body.get("replace", False)
    if not isinstance(replace, bool):
        raise DomainError("replace is true or false.", {"replace": "expected a boolean"})
    job = submit(start_turf_cut(db.session, race, current_user, doors, replace))
    response = jsonify({"job": job_json(job)})
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response, 202
