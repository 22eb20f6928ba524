"""The turfs list of a race: filter, sort, search, pages, bulk actions, map view, print.

Every form works without JavaScript (post, then back to the same filtered page); with it,
static/js/turf-list.js sends the same forms with `Accept: application/json` and swaps the
changed rows in place from the HTML this module answers.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.auth.models import User
from fieldapp.errorhandlers import wants_json
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import CoverageMapData, TurfSummary, build_coverage_map_fragment
from fieldapp.turf import bulk, listing
from fieldapp.turf.blueprint import bp
from fieldapp.turf.forms import AssignForm, CutForm
from fieldapp.turf.models import Turf
from fieldapp.turf.views import _members as members
from fieldapp.turf.walk_list import walk_list

MAP_TURFS = 3000


def _members(organization_id: int):
    return members(organization_id)


def _back(race_id: int) -> str:
    """Where to go after a form: the list page it came from (same filter), else the list."""
    target = request.form.get("next", "")
    base = url_for("turf.race_turfs", race_id=race_id)
    return target if target.startswith(base) and "//" not in target else base


@bp.route("/races/<int:race_id>/turfs")
@login_required
def race_turfs(race_id: int):
    """A race's turfs as a compact table: filter, sort, search, one page at a time."""
    race = access.race_for_manager(db.session, current_user, race_id)
    page = listing.list_turfs(db.session, race, listing.parse_filter(request.args))
    assign_form = AssignForm()
    assign_form.volunteer.choices = _members(race.organization_id)
    any_turf = db.session.scalar(sa.select(Turf.id).where(Turf.race_id == race.id).limit(1)) is not None
    return render_template("turf/race_turfs.html", race=race, page=page, f=page.filter,
                           members=assign_form.volunteer.choices[1:], any_turf=any_turf,
                           shifts=listing.shift_dates(db.session, race), cut_form=CutForm(),
                           assign_form=assign_form, button=EmptyForm(), here=request.full_path)


def _rows_json(race, turf_ids: list[int], message: str, removed: bool = False):
    rows = listing.rows_by_id(db.session, race, turf_ids)
    html = {row.id: render_template("turf/_list_row.html", row=row, button=EmptyForm(),
                                    race=race) for row in rows}
    return jsonify({"message": message, "rows": {} if removed else html,
                    "removed": turf_ids if removed else []})


@bp.route("/races/<int:race_id>/turfs/bulk", methods=["POST"])
@login_required
def bulk_action(race_id: int):
    """Assign, take back, archive or print the picked turfs (take back and archive ask first)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    if not EmptyForm().validate_on_submit():
        raise DomainError("Your form expired: reload the page and try again.", {"csrf": "missing"})
    action = request.form.get("action", "")
    turfs = bulk.selected_turfs(db.session, current_user, race, request.form.getlist("turf"))
    ids = [t.id for t in turfs]
    if action == "print":
        return redirect(url_for("turf.print_sheets", race_id=race.id,
                                ids=",".join(map(str, ids))), code=303)
    if action == "assign":
        form = AssignForm()
        form.volunteer.choices = _members(race.organization_id)
        form.validate()
        if form.shift_date.errors:
            raise DomainError("The shift date is not a date.", {"shift_date": "not a date"})
        volunteer = db.session.get(User, form.volunteer.data or 0)
        count = bulk.bulk_assign(db.session, turfs, volunteer, current_user, form.shift_date.data)
        message = ngettext("%(num)s turf assigned to %(name)s.", "%(num)s turfs assigned to %(name)s.",
                           count, name=volunteer.display_name)
    elif action in ("take_back", "archive"):
        ending = bulk.endings(db.session, turfs)
        if request.form.get("confirmed") != "1":
            return _confirm(race, turfs, action, ending)
        if action == "take_back":
            count = bulk.bulk_take_back(db.session, turfs)
            message = ngettext("%(num)s assignment ended; the knocks stay.",
                               "%(num)s assignments ended; the knocks stay.", count)
        else:
            count = bulk.bulk_archive(db.session, turfs)
            message = ngettext("%(num)s turf archived; their doors are free.",
                               "%(num)s turfs archived; their doors are free.", count)
    else:
        raise DomainError("Pick an action.", {"action": "assign, take_back, archive or print"})
    db.session.commit()
    if wants_json():
        return _rows_json(race, ids, message, removed=action == "archive")
    flash(message, "success")
    return redirect(_back(race.id), code=303)


def _confirm(race, turfs: list[Turf], action: str, ending: list[bulk.Ending]):
    """The question asked before a take-back or an archive, naming what ends."""
    verb = gettext("Take back") if action == "take_back" else gettext("Archive")
    if not wants_json():  # the page words its own question, with the endings listed
        return render_template("turf/list_confirm.html", race=race, turfs=turfs, action=action,
                               verb=verb, endings=ending, button=EmptyForm(),
                               back=_back(race.id))
    lines = [e.describe() for e in ending]
    question = (ngettext("%(verb)s %(num)s turf?", "%(verb)s %(num)s turfs?", len(turfs), verb=verb)
                + " "
                + (ngettext("%(num)s assignment end: %(list)s.", "%(num)s assignments end: %(list)s.",
                            len(lines), list="; ".join(lines[:20]) + ("…" if len(lines) > 20 else ""))
                   if lines else gettext("No volunteer holds them."))
                + " " + (gettext("Their doors become free for another cut; knocks are kept.")
                         if action == "archive" else gettext("Knocks already logged are kept.")))
    return jsonify({"confirm": question}), 409


@bp.route("/races/<int:race_id>/turfs/sheets")
@login_required
def print_sheets(race_id: int):
    """Walk sheets of several turfs as one print page (one turf a printed page)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    raw = [part for part in request.args.get("ids", "").split(",") if part.strip()]
    turfs = bulk.selected_turfs(db.session, current_user, race, raw)
    sheets = [(turf, walk_list(db.session, turf)) for turf in turfs]
    return render_template("turf/sheets.html", race=race, sheets=sheets)


@bp.route("/races/<int:race_id>/turfs/map")
@login_required
def turfs_map(race_id: int):
    """The same filtered list on a map: click a turf to see it and open it to assign it."""
    race = access.race_for_manager(db.session, current_user, race_id)
    f = listing.parse_filter(request.args)
    f.page, f.per_page = 1, MAP_TURFS
    page = listing.list_turfs(db.session, race, f)
    boundaries = dict(db.session.execute(sa.select(Turf.id, Turf.boundary)
                                 .where(Turf.id.in_([r.id for r in page.rows]))).all())
    summaries = [TurfSummary(id=row.id, name=row.name, boundary=boundaries.get(row.id),
                             doors=row.doors, knocked=row.knocked,
                             volunteers=[h.name for h in row.holders],
                             url=url_for("turf.detail", turf_id=row.id))
                 for row in page.rows if boundaries.get(row.id)]
    data = CoverageMapData(district=race.district, turfs=summaries)
    return map_response("turf/list_map.html", race=race, page=page, f=f,
                        map=map_fragment(build_coverage_map_fragment, data, height="70vh"))
