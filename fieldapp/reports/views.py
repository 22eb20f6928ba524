"""The race dashboard and exports, for the race's organizers."""
from __future__ import annotations

import logging

from flask import Response, jsonify, render_template, stream_with_context, url_for
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
        "reports/dashboard.html", race=race, board=board,
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


def _log_export(race, kind: str) -> None:
    """Who exported what: ids only, never personal data."""
    log.info("export kind=%s race=%s user=%s", kind, race.id, current_user.id)


def _csv(lines, filename: str) -> Response:
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/races/<int:race_id>/export/knocks-van.csv")
@login_required
def export_van(race_id: int):
    """Knocks in VAN's canvass-results bulk-upload shape."""
    race = access.race_for_manager(db.session, current_user, race_id)
    _log_export(race, "van_csv")
    return _csv(exports.van_csv(db.session, race), f"race-{race.id}-knocks-van.csv")


@bp.route("/races/<int:race_id>/export/survey-van.csv")
@login_required
def export_van_survey(race_id: int):
    """Survey responses in VAN's bulk-upload shape (VAN question and response ids)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    _log_export(race, "van_survey_csv")
    return _csv(exports.van_survey_csv(db.session, race), f"race-{race.id}-survey-van.csv")


@bp.route("/races/<int:race_id>/export/knocks.csv")
@login_required
def export_plain(race_id: int):
    """Every field of every live knock."""
    race = access.race_for_manager(db.session, current_user, race_id)
    _log_export(race, "plain_csv")
    return _csv(exports.plain_csv(db.session, race), f"race-{race.id}-knocks.csv")


@bp.route("/races/<int:race_id>/export/turfs.geojson")
@login_required
def export_geojson(race_id: int):
    """District and turfs as GeoJSON."""
    race = access.race_for_manager(db.session, current_user, race_id)
    _log_export(race, "geojson")
    response = jsonify(exports.turfs_geojson(db.session, race))
    response.mimetype = "application/geo+json"
    response.headers["Content-Disposition"] = f'attachment; filename="race-{race.id}-turfs.geojson"'
    return response
