"""The race dashboard and exports, for the race's organizers."""
from __future__ import annotations

import logging

from flask import Response, abort, render_template, stream_with_context, url_for
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.extensions import db
from fieldapp.knocklog.outcomes import BY_CODE
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import build_coverage_map_fragment
from fieldapp.maps.assets import geoman_urls
from fieldapp.reports import charts, exports
from fieldapp.reports.blueprint import bp
from fieldapp.reports.map_data import coverage_map_data
from fieldapp.reports.progress import dashboard as dashboard_figures
from fieldapp.reports.progress import race_progress

log = logging.getLogger("fieldapp.exports")


@bp.route("/races/<int:race_id>/dashboard")
@login_required
def dashboard(race_id: int):
    """Progress against the goal, outcomes, support, pace, turfs and volunteers."""
    race = access.race_for_manager(db.session, current_user, race_id)
    board = dashboard_figures(db.session, race)
    outcomes = [(BY_CODE[code].label, n) for code, n in board.progress["by_outcome"].items() if n]
    return render_template(
        "reports/dashboard.html", race=race, board=board, exports=exports.EXPORTS,
        outcome_chart=charts.bar_chart(sorted(outcomes, key=lambda item: -item[1]), width=480,
                                       name="Doors by outcome"),
        support_chart=charts.bar_chart(list(board.support.items()), colour="#1b7a3a",
                                       width=480, name="Contacts by support score (1-5)"),
        day_chart=charts.day_chart(board.per_day))


@bp.route("/races/<int:race_id>/map")
@login_required
def coverage_map(race_id: int):
    """The race's coverage map; organizers draw new turfs on it (Leaflet-Geoman, loaded by
    draw-turf.js when they start drawing)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    data = coverage_map_data(db.session, race,
                             turf_url=lambda turf_id: url_for("turf.detail", turf_id=turf_id))
    fragment = map_fragment(build_coverage_map_fragment, data, height="72vh")
    return map_response("reports/map.html", race=race, map=fragment,
                        progress=race_progress(db.session, race),
                        geoman=geoman_urls(url_for("static", filename="")))


# Who may download an export (the table's `audience`): the access check that says so.
AUDIENCES = {"organizers": access.race_for_manager}


def _log_export(race, kind: str) -> None:
    """Who exported what: ids only, never personal data."""
    log.info("export kind=%s race=%s user=%s", kind, race.id, current_user.id)


@bp.route("/races/<int:race_id>/exports/<name>")
@login_required
def export(race_id: int, name: str):
    """One of the race's downloads (reports.exports.EXPORTS), streamed, for its audience."""
    kind = exports.BY_NAME.get(name)
    if kind is None:
        abort(404)
    race = AUDIENCES[kind.audience](db.session, current_user, race_id)
    _log_export(race, kind.log_kind)
    return Response(stream_with_context(kind.build(db.session, race)), mimetype=kind.media_type,
                    headers={"Content-Disposition":
                             f'attachment; filename="{kind.filename_for(race.id)}"'})


@bp.route("/races/<int:race_id>/export/<old_path>")
@login_required
def export_old_url(race_id: int, old_path: str):
    """The first URLs, one per file (/export/knocks-van.csv, ...): the same downloads."""
    kind = exports.BY_OLD_PATH.get(old_path)
    return export(race_id, kind.name if kind else "")
