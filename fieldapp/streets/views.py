"""The race's street network page: what is imported, far doors, upload a new street file."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.body_limits import accepts_upload
from fieldapp.extensions import db
from fieldapp.jobs.submit import submit_form_upload
from fieldapp.streets.blueprint import bp
from fieldapp.streets.forms import StreetFileForm
from fieldapp.streets.jobs import start_street_import
from fieldapp.streets.services import far_doors, network_of
from fieldapp.streets.turfs import walk_minutes


@bp.route("/<int:race_id>/streets", methods=["GET", "POST"])
@accepts_upload
@login_required
def streets(race_id: int):
    """Show the race's street network; import a new one (checked, then built by a worker)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = StreetFileForm()
    status = 200
    if form.validate_on_submit():
        job = submit_form_upload(form.file, "streets.osm", lambda stored: start_street_import(
            db.session, race, current_user, stored))
        if job is not None:
            return redirect(url_for("jobs.job_page", job_id=job.id))
        status = 422
    elif form.is_submitted():
        status = 422
    network = network_of(db.session, race)
    far = far_doors(db.session, network) if network is not None else []
    return render_template("races/streets.html", race=race, form=form, network=network,
                           far=far), status


@bp.app_template_global("walk_minutes")
def walk_minutes_global(length_m: float | None, doors: int) -> int | None:
    """Estimated minutes of a turf (walking plus a per-door allowance), for the templates."""
    return walk_minutes(length_m, doors)
