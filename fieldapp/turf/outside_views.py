"""Doors outside the race's district: listed with a map, cut into turfs only if asked,
archived (after a question naming what they leave) or brought back."""
from __future__ import annotations

import numpy as np
from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_number, gettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import build_coverage_map_fragment
from fieldapp.maps.data import CoverageMapData, DoorPoints
from fieldapp.turf import outside as outside_service
from fieldapp.turf.blueprint import bp
from fieldapp.turf.recut import outside_doors

SHOWN = 500  # rows listed; the map shows them all


@bp.route("/races/<int:race_id>/outside-doors")
@login_required
def outside(race_id: int):
    """The geocoded doors outside the district (a cut leaves them out by default)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    rows = outside_doors(db.session, race)
    fragment = None
    if rows:
        doors = DoorPoints(lat=np.array([r.lat for r in rows]), lon=np.array([r.lon for r in rows]),
                           outcome=[None] * len(rows))
        fragment = map_fragment(build_coverage_map_fragment,
                                CoverageMapData(district=race.district, doors=doors), height="45vh")
    return map_response("turf/outside.html", race=race, rows=rows[:SHOWN], total=len(rows),
                        in_turf=sum(1 for r in rows if r.turf_id is not None), map=fragment,
                        archived=outside_service.archived_count(db.session, race),
                        button=EmptyForm())


def _checked_form() -> None:
    if not EmptyForm().validate_on_submit():
        raise DomainError("Your form expired: reload the page and try again.", {"csrf": "missing"})


@bp.route("/races/<int:race_id>/outside-doors/archive", methods=["POST"])
@login_required
def archive_outside(race_id: int):
    """Ask first (how many doors, how many knocked, which turfs shrink), then archive them."""
    race = access.race_for_manager(db.session, current_user, race_id)
    _checked_form()
    impact = outside_service.archive_impact(db.session, race)
    if request.form.get("confirmed") != "1":
        return render_template("turf/outside_confirm.html", race=race, impact=impact,
                               button=EmptyForm())
    count = outside_service.archive_outside_doors(db.session, race)
    db.session.commit()
    flash(gettext("%(count)s doors outside the district archived: out of their turfs, the cuts "
                  "and the totals; their knocks are kept.", count=format_number(count)), "success")
    return redirect(url_for("turf.outside", race_id=race.id), code=303)


@bp.route("/races/<int:race_id>/outside-doors/restore", methods=["POST"])
@login_required
def restore_outside(race_id: int):
    """Bring the race's archived doors back, as doors without a turf."""
    race = access.race_for_manager(db.session, current_user, race_id)
    _checked_form()
    count = outside_service.restore_archived_doors(db.session, race)
    db.session.commit()
    flash(gettext("%(count)s archived doors brought back, without a turf: cut them to place them.",
                  count=format_number(count)), "success")
    return redirect(url_for("turf.outside", race_id=race.id), code=303)
