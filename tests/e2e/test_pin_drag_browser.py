"""Placing a door by hand in real Chromium: pick it, click the map, save; no CSP violation."""
from __future__ import annotations

from fieldapp.voters.models import Household
from tests import factories
from tests.e2e.conftest import login

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_organizer_drops_a_pin_and_saves_it(db, context):
    ny = factories.org(db)
    race = factories.race(db, ny)
    doors = factories.households(db, race, 10)
    for door in doors[:2]:
        door.lat = door.lon = None
    factories.user(db, "org@example.org", ny, "organizer")
    db.commit()
    door_id = doors[0].id

    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(WATCH_CSP)
    login(page, "org@example.org")
    page.goto(f"/races/{race.id}/ungeocoded")
    assert page.locator(".pin-pick").count() == 2
    page.locator(".pin-pick").first.click()
    box = page.locator(".leaflet-container").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.6)
    page.wait_for_selector(".leaflet-marker-icon")  # inside the district, south-west of the doors
    page.click("#pin-save")
    page.wait_for_selector(".pin-list li.saved")
    assert "Saved" in page.text_content("#pin-status")
    assert page.evaluate("window.__csp") == [] and errors == []

    db.expire_all()
    placed = db.get(Household, door_id)
    assert placed.geocode_source == "manual" and placed.lat is not None
    assert 40.66 < placed.lat < 40.70 and -73.47 < placed.lon < -73.43
