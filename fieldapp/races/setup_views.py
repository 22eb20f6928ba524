"""Pages to create, edit and archive races (organizers and admins of the chapter)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.chapters.models import Organization
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.races import setup
from fieldapp.races.blueprint import bp
from fieldapp.races.forms import RaceForm
from fieldapp.reports.race_setup import archive_impact


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_race():
    """A new race in one of the chapters the user organizes."""
    access.require_some_manager(current_user)
    orgs = [db.session.get(Organization, i) for i in sorted(access.managed_org_ids(current_user))]
    form = RaceForm()
    form.org.choices = [(o.slug, o.name) for o in orgs]
    if form.validate_on_submit():
        org = access.organization_for_manager(db.session, current_user, form.org.data)
        try:
            race = setup.create_race(db.session, org, form.values())
        except DomainError as error:
            db.session.rollback()
            form.show_errors(error.fields)
        else:
            db.session.commit()
            flash(gettext("Race %(name)s created. Next: its district, voters and script.",
                          name=repr(race.name)), "success")
            return redirect(url_for("races.detail", race_id=race.id))
    return render_template("races/form.html", form=form, race=None), 422 if form.errors else 200


@bp.route("/<int:race_id>/edit", methods=["GET", "POST"])
@login_required
def edit_race(race_id: int):
    """Change a race's name, office, candidate, date, division, goal, turf size."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = RaceForm(obj=race)
    del form.org
    if form.validate_on_submit():
        try:
            setup.edit_race(db.session, race, form.values())
        except DomainError as error:
            db.session.rollback()
            form.show_errors(error.fields)
        else:
            db.session.commit()
            flash(gettext("Race saved."), "success")
            return redirect(url_for("races.detail", race_id=race.id))
    elif not form.is_submitted():
        form.election_date.data = race.election_date.isoformat() if race.election_date else ""
        form.ocd_division_id.data = race.ocd_division_id or ""
    return render_template("races/form.html", form=form, race=race), 422 if form.errors else 200


@bp.route("/<int:race_id>/archive", methods=["GET", "POST"])
@login_required
def archive_race(race_id: int):
    """Confirm, naming what ends, then archive; POST with restore=1 brings it back."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = EmptyForm()
    if form.validate_on_submit():
        if race.status == "archived":
            setup.unarchive_race(db.session, race)
            flash(gettext("%(name)s is active again.", name=race.name), "success")
        else:
            setup.archive_race(db.session, race)
            flash(gettext("%(name)s archived. Its knocks stay, and it stays in the exports.",
                          name=race.name), "success")
        db.session.commit()
        return redirect(url_for("races.detail", race_id=race.id))
    if form.is_submitted():
        abort(400)
    impact = archive_impact(db.session, race)
    return render_template("races/archive.html", race=race, impact=impact, form=form)
