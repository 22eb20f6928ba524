"""Race list and race detail, for organizers."""
from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.jobs.kinds import KINDS
from fieldapp.jobs.services import latest_jobs
from fieldapp.races.blueprint import bp
from fieldapp.reports.figures import race_figures
from fieldapp.reports.race_setup import setup_checklist
from fieldapp.voters.geocoding import geocoder_configured


@bp.route("/")
@login_required
def index():
    """The races of the chapters the user organizes, with their headline figures."""
    access.require_some_manager(current_user)
    every = access.races_for_manager(db.session, current_user, include_archived=True)
    races = [race for race in every if race.is_active]
    archived = [race for race in every if not race.is_active]
    figures = race_figures(db.session, [race.id for race in races])
    return render_template("races/index.html", races=races, archived=archived, figures=figures)


@bp.route("/<int:race_id>")
@login_required
def detail(race_id: int):
    """One race: its figures, its background jobs, its district, its script."""
    race = access.race_for_manager(db.session, current_user, race_id)
    figures = race_figures(db.session, [race.id])[race.id]
    return render_template("races/detail.html", race=race, figures=figures,
                           jobs=latest_jobs(db.session, race.id), kinds=KINDS,
                           can_geocode=geocoder_configured(current_app.config),
                           checklist=setup_checklist(db.session, race), button=EmptyForm())
