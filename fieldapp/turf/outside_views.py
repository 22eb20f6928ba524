"""Doors outside the race's district: listed with a map, and cut into turfs only if asked."""
from __future__ import annotations

import numpy as np
from flask_login import current_user, login_required

from fieldapp.auth import access
from fieldapp.extensions import db
from fieldapp.map_pages import map_fragment, map_response
from fieldapp.maps import build_coverage_map_fragment
from fieldapp.maps.data import CoverageMapData, DoorPoints
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
                        in_turf=sum(1 for r in rows if r.turf_id is not None), map=fragment)
