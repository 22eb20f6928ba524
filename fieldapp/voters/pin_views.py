"""Doors without coordinates: list them and place each by hand on a map (organizers)."""
from __future__ import annotations

from flask import request
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.extensions import db
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import build_coverage_map_fragment
from fieldapp.voters.blueprint import bp
from fieldapp.voters.locations import pin_map_data, ungeocoded_query

PER_PAGE = 50


@bp.route("/races/<int:race_id>/ungeocoded")
@login_required
def ungeocoded(race_id: int):
    """The race's doors with no coordinates, 50 a page, and a map to drop each one's pin on."""
    race = access.race_for_manager(db.session, current_user, race_id)
    page = db.paginate(ungeocoded_query(race), page=request.args.get("page", 1, type=int),
                       per_page=PER_PAGE, error_out=False)
    data = pin_map_data(db.session, race)
    fragment = map_fragment(build_coverage_map_fragment, data, height="60vh")
    start = None  # nothing to fit the map to: start at the race centre, else the whole country
    if not race.district and data.doors is None:
        start = ((race.centre_lat, race.centre_lon, 14) if race.centre_lat is not None
                 and race.centre_lon is not None else (39.8, -98.6, 4))
    return map_response("voters/ungeocoded.html", race=race, page=page, map=fragment,
                        start=start)
