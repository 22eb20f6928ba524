"""A race's street network through the API: what is imported, and a new street file as a job."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from fieldapp import access
from fieldapp.api.blueprint import bp
from fieldapp.api.jobs import job_json
from fieldapp.body_limits import accepts_upload
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.jobs.submit import submit_upload
from fieldapp.streets.jobs import start_street_import
from fieldapp.streets.services import network_of

FILE_HELP = "Send the street file (.osm, .osm.bz2, .osm.pbf, GeoJSON lines) as `file`."


@bp.get("/races/<int:race_id>/streets")
def get_streets(race_id: int):
    """The race's street network: source, segments, doors matched and far (organizers)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    record = network_of(db.session, race)
    if record is None:
        return jsonify({"network": None})
    return jsonify({"network": {
        "source_name": record.source_name, "source_format": record.source_format,
        "segments": record.segments, "barrier_segments": record.barrier_segments,
        "barrier_lines": record.barrier_lines, "length_km": record.length_km,
        "doors_matched": record.doors_matched, "doors_far": record.doors_far,
        "created_at": record.created_at.isoformat()}})


@bp.post("/races/<int:race_id>/streets")
@accepts_upload
def post_streets(race_id: int):
    """Queue a street network import: multipart/form-data with the street file as `file`.

    202 with the job (GET /api/v1/jobs/<id> follows it); the race's turfs stay as they are
    until the organizer cuts again. A file that is not a street file is 422 at once."""
    race = access.race_for_manager(db.session, current_user, race_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DomainError(FILE_HELP, {"file": "required: multipart/form-data field `file`"})
    job = submit_upload(upload.stream, secure_filename(upload.filename) or "streets.osm",
                        lambda stored: start_street_import(db.session, race, current_user,
                                                           stored))
    response = jsonify({"job": job_json(job)})
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response, 202
