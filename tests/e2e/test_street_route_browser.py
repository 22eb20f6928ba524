"""A volunteer's phone shows a turf cut by block face: the walk list in street-route order and
the route drawn along the streets (no tile server), with its distance and estimated time."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldapp.streets.services import import_streets
from fieldapp.turf import services as turf_services
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household
from tests import factories, streets_world
from tests.e2e.conftest import login

VOLUNTEER = "street.walker@example.org"


@pytest.fixture
def app_config(app_config):
    """No tile server: the route must show on its own."""
    return {**app_config, "FIELDAPP_TILES_URL": ""}


def _turns(route) -> bool:
    """Whether a route's line spans both directions (so it turns a corner: ~20 m or more)."""
    xs, ys = zip(*route["coordinates"], strict=True) if route else ((0,), (0,))
    return max(xs) - min(xs) > 0.0002 and max(ys) - min(ys) > 0.0002


@pytest.fixture
def routed_turf(db, tmp_path):
    """The generated city imported as streets, cut at 40 doors, the first turf assigned."""
    c = streets_world.city()
    race, _ = streets_world.race_with_doors(db, c)
    import_streets(db, race, streets_world.write_osm(c, tmp_path / "city.osm"), "city.osm")
    turf_services.cut_race(db, race, 40)
    volunteer = factories.user(db, VOLUNTEER, race.organization, "volunteer")
    # The turf with the most buildings of several units, to see them grouped in order, among
    # those whose route turns a corner (a turf of one straight street draws as one segment).
    turfs = db.scalars(sa.select(Turf).where(Turf.race_id == race.id)).all()
    turf = max(turfs, key=lambda t: (_turns(t.route), sum(1 for d in t.households if d.unit)))
    assert _turns(turf.route), "the generated city should give at least one turf a corner"
    factories.assign(db, turf, volunteer)
    db.commit()
    doors = db.scalars(sa.select(Household).where(Household.turf_id == turf.id)
                       .order_by(Household.walk_seq)).all()
    return turf.id, [d.id for d in doors], len(turf.route["coordinates"])


def test_phone_shows_the_street_route(db, phone, routed_turf):
    turf_id, door_ids, route_points = routed_turf
    page = phone.new_page()
    login(page, VOLUNTEER)
    page.goto(f"/walk/{turf_id}")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    # The list is the street route's order, door for door.
    listed = page.eval_on_selector_all(".door", "els => els.map(e => +e.dataset.householdId)")
    assert listed == door_ids
    # A building's units are one stop: its later units are drawn under its first, joined.
    rows = page.eval_on_selector_all("#door-list li", """els => els.map(e => [
        e.classList.contains('same-building'), e.querySelector('.door-address').textContent])""")
    assert any(grouped for grouped, _ in rows)
    for (_, before), (grouped, address) in zip(rows, rows[1:], strict=False):
        if grouped:
            assert address.split(" #")[0] == before.split(" #")[0]
    estimate = page.inner_text("#walk-estimate")
    assert "km walk" in estimate and "min" in estimate
    # The route is one polyline through the street geometry: it bends at every corner it
    # turns, so it has many more vertices than there are doors' stops on a straight line.
    path = page.locator("#walk-map path.leaflet-interactive[stroke='#5b2a86']")
    assert path.count() == 1
    # What the map drew is the stored street route (the functional tests check that it runs
    # on the street centre lines), not a line from door to door.
    drawn = page.evaluate(f"fetch('/api/v1/turfs/{turf_id}').then(r => r.json())")
    assert len(drawn["route"]["coordinates"]) == route_points
    d = page.get_attribute("#walk-map path.leaflet-interactive[stroke='#5b2a86']", "d")
    assert d.count("L") >= 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/phone_street_route.png", full_page=False)
