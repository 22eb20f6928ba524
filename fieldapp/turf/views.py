"""Organizer pages for turf: cut, assign, rename, print (the list: list_views; split,
merge, take back and delete, each asking first: split_views)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.auth.models import User
from fieldapp.chapters.models import Membership
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.jobs.submit import submit
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import MAX_DOORS, MapFragment, build_turf_map_fragment
from fieldapp.reports.map_data import turf_map_data
from fieldapp.turf import services
from fieldapp.turf.blueprint import bp
from fieldapp.turf.forms import AssignForm, CutForm, RenameForm
from fieldapp.turf.jobs import start_turf_cut
from fieldapp.turf.limits import MAX_DOORS as MAX_TURF_DOORS
from fieldapp.turf.limits import MIN_DOORS as MIN_TURF_DOORS
from fieldapp.turf.manual import rename_turf
from fieldapp.turf.models import Turf
from fieldapp.turf.walk_list import walk_list


def _members(organization_id: int) -> list[tuple[int, str]]:
    """(user id, name) of a chapter's members, for the assign drop-down; nobody is picked
    until the organizer picks (a preselected name made wrong assignments one click away)."""
    rows = db.session.execute(
        sa.select(User.id, User.name, User.email, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id, User.active.is_(True))
        .order_by(Membership.role.desc(), User.name)).all()
    return [(0, "Choose…")] + [(uid, f"{name or email.split('@')[0]} ({role})")
                               for uid, name, email, role in rows]


@bp.route("/races/<int:race_id>/turfs/cut", methods=["POST"])
@login_required
def cut(race_id: int):
    """Cut the race's free doors (or all of them, with replace) into turfs: a worker does it,
    and its job's page shows the progress and the summary."""
    race = access.race_for_manager(db.session, current_user, race_id)
    form = CutForm()
    if not form.validate_on_submit():
        flash(gettext("Doors per turf must be between %(min)s and %(max)s.", min=MIN_TURF_DOORS,
                      max=MAX_TURF_DOORS), "error")
        return redirect(url_for("turf.race_turfs", race_id=race.id))
    if form.replace.data:  # retires every turf: the preview asks first (turf.recut_views)
        return redirect(url_for("turf.recut", race_id=race.id, doors=form.doors.data,
                                scope="all"))
    try:
        job = submit(start_turf_cut(db.session, race, current_user, form.doors.data,
                                    form.replace.data))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("turf.race_turfs", race_id=race.id))
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.route("/turfs/<int:turf_id>/assign", methods=["POST"])
@login_required
def assign(turf_id: int):
    """Give the turf to a chapter member, optionally for a shift date."""
    turf = access.turf_for_manager(db.session, current_user, turf_id)
    form = AssignForm()
    form.volunteer.choices = _members(turf.race.organization_id)
    if form.validate_on_submit():
        volunteer = db.session.get(User, form.volunteer.data)
        services.assign_turf(db.session, turf, volunteer, current_user, form.shift_date.data)
        db.session.commit()
        flash(gettext("%(name)s assigned to %(volunteer)s.", name=turf.name,
                      volunteer=volunteer.display_name), "success")
    else:
        flash(gettext("Pick a volunteer of this chapter."), "error")
    if request.form.get("next") == url_for("turf.detail", turf_id=turf.id):
        return redirect(url_for("turf.detail", turf_id=turf.id))  # assigned from the turf page
    return redirect(url_for("turf.race_turfs", race_id=turf.race_id))


@bp.route("/turfs/<int:turf_id>", methods=["GET", "POST"])
@login_required
def detail(turf_id: int):
    """One turf: doors in walk order, handout code and QR, rename, retire."""
    turf = access.turf_for_manager(db.session, current_user, turf_id)
    form = RenameForm(obj=turf)
    if form.validate_on_submit():
        rename_turf(db.session, turf, form.name.data)
        db.session.commit()
        flash(gettext("Renamed."), "success")
        return redirect(url_for("turf.detail", turf_id=turf.id))
    claim_url = url_for("canvass.my_turfs", code=turf.code, _external=True) if turf.code else None
    from fieldapp.turf.split_views import detail_context  # split_views imports this module

    return map_response("turf/detail.html", turf=turf, form=form, button=EmptyForm(),
                        claim_url=claim_url, map=_turf_map(turf, height="55vh", geoman=True),
                        **detail_context(turf))


@bp.route("/turfs/<int:turf_id>/sheet")
@login_required
def sheet(turf_id: int):
    """The printable walk sheet: doors in walk order with voters, outcome boxes, the script."""
    turf = access.turf_for_user(db.session, current_user, turf_id)
    data = walk_list(db.session, turf)
    return map_response("turf/sheet.html", turf=turf, data=data,
                        map=_turf_map(turf, height="100%", interactive=False))


def _turf_map(turf: Turf, **options) -> MapFragment | None:
    """The turf's map (numbered route, doors by outcome) from the one shared map builder."""
    data = turf_map_data(db.session, turf)
    if not data.doors or len(data.doors) > MAX_DOORS:
        return None
    return map_fragment(build_turf_map_fragment, data, **options)
