"""Re-cut pages: what a cut will retire and end, shown before it runs, confirmed by a click."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.jobs.submit import submit
from fieldapp.knocklog.outcomes import OUTCOMES
from fieldapp.turf import services
from fieldapp.turf.blueprint import bp
from fieldapp.turf.jobs import start_turf_cut
from fieldapp.turf.limits import MAX_DOORS, MIN_DOORS
from fieldapp.turf.recut import DEFAULT_LEFTOVER, SCOPE_LABELS, check_scope, plan_cut, preview_cut


def _choice(source) -> tuple[int, str, tuple[str, ...], bool]:
    """Doors per turf, scope, outcomes and include-outside from a query string or form,
    checked (DomainError names the field)."""
    try:
        doors = int(source.get("doors", "50"))
    except ValueError:
        doors = -1
    services.check_target(doors)
    scope = source.get("scope", "all")
    outcomes = tuple(source.getlist("outcomes")) or (DEFAULT_LEFTOVER if scope == "leftover"
                                                     else ())
    return doors, scope, check_scope(scope, outcomes), source.get("include_outside") == "1"


@bp.route("/races/<int:race_id>/turfs/recut", methods=["GET", "POST"])
@login_required
def recut(race_id: int):
    """GET: the preview of a cut (turfs retired, assignments ended and whose, doors knocked in
    the last day); POST with confirm: queue it. Nothing changes before the confirmation."""
    race = access.race_for_manager(db.session, current_user, race_id)
    source = request.form if request.method == "POST" else request.args
    try:
        doors, scope, outcomes, outside = _choice(source)
        if request.method == "POST" and EmptyForm().validate_on_submit():
            job = submit(start_turf_cut(db.session, race, current_user, doors, scope == "all",
                                        scope=scope, outcomes=outcomes, include_outside=outside))
            return redirect(url_for("jobs.job_page", job_id=job.id))
        preview = preview_cut(db.session, race, plan_cut(db.session, race, scope, outcomes,
                                                         outside))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("turf.race_turfs", race_id=race.id))
    return render_template("turf/recut.html", race=race, preview=preview, doors=doors,
                           min_doors=MIN_DOORS, max_doors=MAX_DOORS,
                           scope=scope, outcomes=outcomes, include_outside=outside,
                           labels=SCOPE_LABELS, all_outcomes=OUTCOMES, button=EmptyForm())
