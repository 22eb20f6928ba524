"""A split line drawn beside the turf, in real Chromium: the organizer lands back on the turf
page with the message, the map and the split form, and nothing was split (issue 16)."""
from __future__ import annotations

import sqlalchemy as sa
from shapely.geometry import shape

from fieldapp.turf.models import Turf
from tests.e2e.conftest import login
from tests.e2e.test_turf_list_browser import _door_point, _page, _race


def test_a_line_that_misses_the_turf_comes_back_with_the_message(db, context, live_server):
    race, _vols = _race(db, 40, 10, columns=40)  # one row of 40 doors: four turfs of 10
    turf = db.scalars(sa.select(Turf).where(Turf.race_id == race.id).order_by(Turf.name)).first()
    west, south, east, north = shape(turf.boundary).bounds

    page, errors = _page(context)
    login(page, "org@example.org")
    page.goto(f"/turfs/{turf.id}")
    page.wait_for_selector(".leaflet-pm-icon-polyline")
    page.evaluate("document.querySelector('.map-frame').scrollIntoView()")
    # An east-west line north of the turf, clear of its boundary (the tool snaps onto it).
    lat = north + 0.2 * (north - south)
    start = _door_point(page, lat, west + 0.3 * (east - west))
    end = _door_point(page, lat, west + 0.7 * (east - west))
    page.click(".leaflet-pm-icon-polyline")
    for point in (start, end, end):  # the last point again finishes the line
        page.mouse.move(point["x"], point["y"])
        page.mouse.click(point["x"], point["y"])
        page.wait_for_timeout(400)  # not a double click (that would zoom)
    page.wait_for_selector("#split-line-preview:not([disabled])")
    with page.expect_response(lambda r: r.url.endswith("/split/preview")) as answer:
        page.click("#split-line-preview")
    assert answer.value.status == 422
    page.wait_for_selector(".flash-error")
    assert "The line does not cut the turf" in page.inner_text(".flash-error")
    assert "Cannot do that" not in page.content()
    page.wait_for_selector("#split-line-form")  # the turf page, its map and split form again
    page.wait_for_selector(".leaflet-pm-icon-polyline")
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).where(Turf.race_id == race.id,
                                                      Turf.status == "active")) == 4
    assert db.get(Turf, turf.id).door_count == 10
    assert errors == []
