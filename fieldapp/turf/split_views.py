"""The turf page's changes that ask first: split, merge (each previewed), take back, delete.

Each form posts to a preview that shows what will happen (door counts, names, volunteers,
what ends); the preview's own form, carrying the same inputs, saves it.
"""
from __future__ import annotations

import functools

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.errorhandlers import wants_json
from fieldapp.errors import DomainError, Forbidden, NotFound
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.map_pages import map_response
from fieldapp.turf import bulk, services, split_merge
from fieldapp.turf.blueprint import bp
from fieldapp.turf.forms import AssignForm, RenameForm
from fieldapp.turf.list_views import _rows_json
from fieldapp.turf.models import Assignment, Turf
from fieldapp.turf.views import _members, _turf_map


def _checked_form() -> None:
    if not EmptyForm().validate_on_submit():
        raise DomainError("Your form expired: reload the page and try again.", {"csrf": "missing"})


def _on_the_turf_page(view):
    """Bad split or merge input comes back on the turf page with its message (status 422,
    nothing saved) rather than on the generic error page; access errors stay what they are."""
    @functools.wraps(view)
    def wrapper(turf_id: int):
        try:
            return view(turf_id)
        except (Forbidden, NotFound):
            raise
        except DomainError as error:
            if wants_json():
                raise
            db.session.rollback()
            turf = access.turf_for_manager(db.session, current_user, turf_id)
            flash(error.message, "error")
            return turf_page(turf), 422
    return wrapper


def turf_page(turf: Turf):
    """The turf page (doors, map, assign, split, merge) for the turf's organizer."""
    claim_url = url_for("canvass.my_turfs", code=turf.code, _external=True) if turf.code else None
    return map_response("turf/detail.html", turf=turf, form=RenameForm(formdata=None, obj=turf),
                        button=EmptyForm(), claim_url=claim_url,
                        map=_turf_map(turf, height="55vh", geoman=True), **detail_context(turf))


def _split_plan(turf: Turf):
    names = request.form.getlist("name")
    if request.form.get("mode") == "count":
        try:
            parts = int(request.form.get("parts", ""))
        except ValueError:
            raise DomainError("Say how many parts.", {"parts": "a whole number"}) from None
        return split_merge.plan_split_by_count(db.session, turf, parts, names)
    return split_merge.plan_split_by_line(db.session, turf, request.form.get("line", ""), names)


@bp.route("/turfs/<int:turf_id>/split/preview", methods=["POST"])
@login_required
@_on_the_turf_page
def split_preview(turf_id: int):
    """What a split would make: each part's name, doors and knocked doors; nothing saved."""
    turf = access.turf_for_manager(db.session, current_user, turf_id)
    _checked_form()
    plan = _split_plan(turf)
    return render_template("turf/split_preview.html", turf=turf, plan=plan, button=EmptyForm(),
                           mode=request.form.get("mode", "line"), line=request.form.get("line", ""),
                           parts=len(plan.parts))


@bp.route("/turfs/<int:turf_id>/split", methods=["POST"])
@login_required
@_on_the_turf_page
def split(turf_id: int):
    """Save a previewed split."""
    turf = access.turf_for_manager(db.session, current_user, turf_id)
    _checked_form()
    made = split_merge.apply_split(db.session, _split_plan(turf), current_user)
    db.session.commit()
    flash(gettext("%(name)s split: %(parts)s made; volunteers and knocks followed their doors.",
                  name=turf.name, parts=", ".join(t.name for t in made)), "success")
    return redirect(url_for("turf.detail", turf_id=turf.id), code=303)


def _merge_plan(turf: Turf):
    try:
        other_id = int(request.form.get("other", ""))
    except ValueError:
        raise DomainError("Pick the turf to merge with.", {"other": "required"}) from None
    other = access.turf_for_manager(db.session, current_user, other_id)
    return split_merge.plan_merge(db.session, turf, other)


@bp.route("/turfs/<int:turf_id>/merge/preview", methods=["POST"])
@login_required
@_on_the_turf_page
def merge_preview(turf_id: int):
    """What a merge would make: the name kept, the doors, who holds them; nothing saved."""
    turf = access.turf_for_manager(db.session, current_user, turf_id)
    _checked_form()
    return render_template("turf/merge_preview.html", plan=_merge_plan(turf), button=EmptyForm())


@bp.route("/turfs/<int:turf_id>/merge", methods=["POST"])
@login_required
@_on_the_turf_page
def merge(turf_id: int):
    """Save a previewed merge."""
    turf = access.turf_for_manager(db.session, current_user, turf_id)
    _checked_form()
    plan = _merge_plan(turf)
    split_merge.apply_merge(db.session, plan)
    db.session.commit()
    flash(gettext("%(other)s merged into %(name)s: %(doors)s doors.", other=plan.other.name,
                  name=turf.name, doors=turf.door_count), "success")
    return redirect(url_for("turf.detail", turf_id=turf.id), code=303)


@bp.route("/assignments/<int:assignment_id>/return", methods=["POST"])
@login_required
def take_back(assignment_id: int):
    """Take a turf back from a volunteer, once the organizer confirmed (the page asks first)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound("No such assignment.")
    turf = access.turf_for_manager(db.session, current_user, assignment.turf_id)
    _checked_form()
    back = url_for("turf.race_turfs", race_id=turf.race_id)
    nxt = request.form.get("next", "")
    back = nxt if nxt.startswith(back) and "//" not in nxt else back
    if request.form.get("confirmed") != "1":
        ending = [e for e in bulk.endings(db.session, [turf]) if e.assignment_id == assignment.id]
        return render_template("turf/take_back_confirm.html", turf=turf, assignment=assignment,
                               endings=ending, button=EmptyForm(), back=back)
    services.unassign(db.session, assignment)
    db.session.commit()
    message = gettext("%(name)s taken back from %(volunteer)s; knocks are kept.", name=turf.name,
                      volunteer=assignment.volunteer.display_name)
    if wants_json():
        return _rows_json(turf.race, [turf.id], message)
    flash(message, "info")
    return redirect(back, code=303)


@bp.route("/turfs/<int:turf_id>/retire", methods=["GET", "POST"])
@login_required
def retire(turf_id: int):
    """Delete a turf (archived instead if it has history), after saying what goes with it."""
    turf = access.turf_for_manager(db.session, current_user, turf_id)
    race_id, name = turf.race_id, turf.name
    if request.method == "GET" or request.form.get("confirmed") != "1":
        if request.method == "POST":
            _checked_form()
        knocks = services.turf_has_knocks(db.session, turf)
        return render_template("turf/retire_confirm.html", turf=turf, knocks=knocks,
                               endings=bulk.endings(db.session, [turf]), button=EmptyForm(),
                               history=knocks or bool(turf.assignments))
    _checked_form()
    outcome = services.retire_turf(db.session, turf)
    db.session.commit()
    flash(gettext("%(name)s archived.", name=name) if outcome == "archived"
          else gettext("%(name)s deleted.", name=name), "info")
    return redirect(url_for("turf.race_turfs", race_id=race_id), code=303)


def detail_context(turf: Turf) -> dict:
    """What the turf page adds for splitting, merging and assigning."""
    assign_form = AssignForm()
    assign_form.volunteer.choices = _members(turf.race.organization_id)
    near = split_merge.neighbours(db.session, turf) if turf.status == "active" else []
    holders = bulk.endings(db.session, [turf])
    return {"assign_form": assign_form, "neighbours": near, "holders": holders,
            "max_parts": min(split_merge.MAX_PARTS, turf.door_count)}
