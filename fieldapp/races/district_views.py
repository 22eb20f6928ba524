"""The race's district boundary: see it on a map, upload a new one (organizers)."""
from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from fieldapp.auth import access
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import build_coverage_map_fragment
from fieldapp.races.blueprint import bp
from fieldapp.races.districts import load_district
from fieldapp.races.forms import DistrictForm
from fieldapp.voters.locations import pin_map_data


@bp.route("/<int:race_id>/district", methods=["GET", "POST"])
@login_required
def district(race_id: int):
    """Show the race's district; replace it with an uploaded GeoJSON boundary."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = DistrictForm()
    status = 200
    if form.validate_on_submit():
        try:
            report = load_district(db.session, race, form.file.data.read())
        except DomainError as error:
            db.session.rollback()
            form.file.errors.append(error.message)
            status = 422
        else:
            db.session.commit()
            flash(report.summary(), "success")
            for message in report.messages:
                flash(message, "info")
            return redirect(url_for("races.district", race_id=race.id))
    elif form.is_submitted():
        status = 422
    data = pin_map_data(db.session, race)
    fragment = (map_fragment(build_coverage_map_fragment, data, height="55vh")
                if race.district or data.doors is not None else None)
    response = map_response("races/district.html", race=race, form=form, map=fragment)
    return response, status
