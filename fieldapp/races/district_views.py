"""The race's district boundary: see it on a map, upload a new one (organizers)."""
from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.body_limits import accepts_upload
from fieldapp.extensions import db
from fieldapp.jobs.submit import submit_form_upload
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import build_coverage_map_fragment
from fieldapp.races.blueprint import bp
from fieldapp.races.forms import DistrictForm
from fieldapp.races.jobs import start_district_import
from fieldapp.reports import district_impact
from fieldapp.voters.locations import pin_map_data


@bp.route("/<int:race_id>/district", methods=["GET", "POST"])
@accepts_upload
@login_required
def district(race_id: int):
    """Show the race's district; replace it with an uploaded GeoJSON boundary (checked at
    once, then saved and measured against the doors by a worker: see its job's page)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = DistrictForm()
    status = 200
    ask = district_impact.needs_confirmation(race)
    valid = form.validate_on_submit()
    if valid and ask and not form.confirm_replace.data:  # a real boundary: asked first
        form.confirm_replace.errors = ["Tick the box to replace the current boundary: "
                                       "nothing was uploaded."]
        status = 422
    elif valid:
        job = submit_form_upload(form.file, "district.geojson", lambda stored: (
            start_district_import(db.session, race, current_user, stored)))
        if job is not None:
            return redirect(url_for("jobs.job_page", job_id=job.id))
        status = 422
    elif form.is_submitted():
        status = 422
    data = pin_map_data(db.session, race)
    fragment = (map_fragment(build_coverage_map_fragment, data, height="55vh")
                if race.district or data.doors is not None else None)
    response = map_response("races/district.html", race=race, form=form, map=fragment,
                            impact=district_impact.replace_impact(db.session, race) if ask else None)
    return response, status
