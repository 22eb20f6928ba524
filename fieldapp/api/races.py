"""Races for organizers and integrations: figures, creating, editing, archiving, scripts."""
from __future__ import annotations

import io
import json

from flask import jsonify, url_for
from flask_login import current_user

from fieldapp import access
from fieldapp.api.auth import json_body
from fieldapp.api.blueprint import bp
from fieldapp.api.jobs import job_json
from fieldapp.chapters.models import Organization
from fieldapp.errors import Conflict, DomainError
from fieldapp.extensions import db
from fieldapp.jobs.submit import submit_upload
from fieldapp.races import scripts, setup
from fieldapp.races.jobs import start_district_import
from fieldapp.races.models import Race
from fieldapp.reports import district_impact
from fieldapp.reports.progress import race_progress


def race_json(race: Race) -> dict:
    """A race's own fields, as POST/PATCH take them back."""
    return {"id": race.id, "org": race.organization.slug, "name": race.name,
            "office": race.office, "candidate": race.candidate,
            "election_date": race.election_date.isoformat() if race.election_date else None,
            "ocd_division_id": race.ocd_division_id, "door_goal": race.door_goal,
            "doors_per_turf": race.doors_per_turf, "status": race.status,
            "archived_at": race.archived_at.isoformat() if race.archived_at else None}


@bp.get("/races/<int:race_id>/progress")
def get_progress(race_id: int):
    """Households, knocked, knocks, contacts, contact rate, outcomes, per-turf progress."""
    race = access.race_for_manager(db.session, current_user, race_id)
    return jsonify(race_progress(db.session, race))


def _organization(body: dict) -> Organization:
    """The chapter named by "org" (a slug); may be left out by organizers of one chapter."""
    slug = body.pop("org", None)
    if slug is None:
        managed = access.managed_org_ids(current_user)
        if len(managed) != 1:
            access.require_some_manager(current_user)
            raise DomainError("Say which chapter: \"org\" is its slug.",
                              {"org": "required when you organize several chapters"})
        return db.session.get(Organization, managed.pop())
    if not isinstance(slug, str):
        raise DomainError("\"org\" is a chapter's slug.", {"org": "expected a string"})
    return access.organization_for_manager(db.session, current_user, slug)


@bp.post("/races")
def create_race():
    """Create a race: 201 with the race, or 422 with the wrong fields."""
    access.require_some_manager(current_user)
    body = json_body()
    race = setup.create_race(db.session, _organization(body), body)
    db.session.commit()
    response = jsonify(race_json(race))
    response.headers["Location"] = url_for("api.get_race", race_id=race.id)
    return response, 201


@bp.get("/races/<int:race_id>")
def get_race(race_id: int):
    """One race's fields."""
    return jsonify(race_json(access.race_for_manager(db.session, current_user, race_id)))


@bp.patch("/races/<int:race_id>")
def edit_race(race_id: int):
    """Change the fields given; "status": "archived"/"active" archives or brings back."""
    race = access.race_for_manager(db.session, current_user, race_id)
    body = json_body()
    status = body.pop("status", None)
    if status not in (None, "active", "archived"):
        raise DomainError("status is active or archived.", {"status": "active or archived"})
    setup.edit_race(db.session, race, body)
    if status == "archived" and race.status != "archived":
        setup.archive_race(db.session, race)
    elif status == "active":
        setup.unarchive_race(db.session, race)
    db.session.commit()
    return jsonify(race_json(race))


@bp.get("/races/<int:race_id>/script")
def get_script(race_id: int):
    """The script (intro, current questions with ids); ?retired=1 adds the retired ones."""
    from flask import request

    race = access.race_for_manager(db.session, current_user, race_id)
    return jsonify(scripts.export_script(race, include_retired=request.args.get("retired") == "1"))


@bp.put("/races/<int:race_id>/script")
def put_script(race_id: int):
    """Replace the script: questions with ids are kept (reworded), left out ones retired."""
    race = access.race_for_manager(db.session, current_user, race_id)
    body = json_body()
    source = body.pop("copy_from", None)
    if source is not None:
        if isinstance(source, bool) or not isinstance(source, int):
            raise DomainError("copy_from is a race id.", {"copy_from": "expected a race id"})
        scripts.copy_script(db.session, access.race_for_manager(db.session, current_user, source),
                            race)
    else:
        scripts.save_script(db.session, race, body)
    db.session.commit()
    db.session.refresh(race)
    return jsonify(scripts.export_script(race))


@bp.put("/races/<int:race_id>/district")
def put_district(race_id: int):
    """Replace the race's district: {"district": GeoJSON, "confirm": true}; 202 with the job.

    A real boundary already there answers 409 naming what it affects unless "confirm" is true.
    """
    race = access.race_for_manager(db.session, current_user, race_id)
    body = json_body()
    document, confirm = body.get("district"), body.get("confirm", False)
    if not isinstance(document, dict):
        raise DomainError("district is a GeoJSON object.",
                          {"district": "expected a GeoJSON object"})
    if not isinstance(confirm, bool):
        raise DomainError("confirm is true or false.", {"confirm": "expected a boolean"})
    if not confirm and district_impact.needs_confirmation(race):
        impact = district_impact.replace_impact(db.session, race)
        raise Conflict(f"{impact.summary()} Send \"confirm\": true to replace it.",
                       {"confirm": "required to replace the current boundary"})
    raw = io.BytesIO(json.dumps(document).encode())
    job = submit_upload(raw, "district.geojson", lambda stored: start_district_import(
        db.session, race, current_user, stored))
    response = jsonify({"job": job_json(job)})
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response, 202
