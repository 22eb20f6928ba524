"""Placing doors without coordinates by hand: the API call and the page listing them."""
from __future__ import annotations

import pytest

from fieldapp.voters.models import Household
from tests.world import World


def unplace(db, *ids: int) -> None:
    """Take the coordinates off some doors."""
    for household_id in ids:
        door = db.get(Household, household_id)
        door.lat = door.lon = None
        door.geocode_source = door.geocode_accuracy = ""
    db.commit()


def post(client, world: World, who: str | None, household_id: int, body):
    headers = world.headers(who) if who else {}
    return client.post(f"/api/v1/households/{household_id}/location", json=body, headers=headers)


def test_organizer_places_a_door(client, db, world):
    unplace(db, world.doors[0])
    response = post(client, world, "organizer", world.doors[0], {"lat": 40.6805, "lon": -73.4511})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == world.doors[0] and body["race_id"] == world.race
    assert (body["lat"], body["lon"]) == (40.6805, -73.4511)
    assert (body["geocode_source"], body["geocode_accuracy"]) == ("manual", "rooftop")
    db.expire_all()
    door = db.get(Household, world.doors[0])
    assert (door.lat, door.lon, door.geocode_source) == (40.6805, -73.4511, "manual")


@pytest.mark.parametrize("body,fields", [
    ({"lat": 91, "lon": -73.45}, {"lat"}),
    ({"lat": 40.68, "lon": -181}, {"lon"}),
    ({"lat": "40.68", "lon": True}, {"lat", "lon"}),
    ({"lon": -73.45}, {"lat"}),
    ({"lat": 41.5, "lon": -73.45}, {"lat", "lon"}),  # a real place, outside the district
])
def test_bad_locations_are_422_field_errors(client, db, world, body, fields):
    unplace(db, world.doors[0])
    response = post(client, world, "organizer", world.doors[0], body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert set(error["fields"]) == fields and error["message"]
    db.expire_all()
    assert db.get(Household, world.doors[0]).lat is None


def test_body_must_be_json(client, world):
    response = client.post(f"/api/v1/households/{world.doors[0]}/location", data="lat=1",
                           headers=world.headers("organizer"))
    assert response.status_code == 422


@pytest.mark.parametrize("who,expected", [(None, 401), ("vol1", 403), ("pa_organizer", 403)])
def test_only_the_chapters_organizers(client, db, world, who, expected):
    unplace(db, world.doors[0])
    response = post(client, world, who, world.doors[0], {"lat": 40.68, "lon": -73.45})
    assert response.status_code == expected
    db.expire_all()
    assert db.get(Household, world.doors[0]).lat is None


def test_unknown_household_is_404(client, world):
    assert post(client, world, "organizer", 99999, {"lat": 40.68, "lon": -73.45}).status_code == 404


def test_browser_session_needs_the_csrf_header(client, auth, db, world):
    auth.login("org@example.org")
    response = client.post(f"/api/v1/households/{world.doors[0]}/location",
                           json={"lat": 40.68, "lon": -73.45})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf"


def test_page_lists_the_doors_without_coordinates(client, auth, db, world):
    unplace(db, world.doors[1], world.doors[2])
    auth.login("org@example.org")
    response = client.get(f"/races/{world.race}/ungeocoded")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "102 Test St" in html and "104 Test St" in html and "100 Test St" not in html
    assert f"/api/v1/households/{world.doors[1]}/location" in html
    assert "js/pin-drag.js" in html and "vendor/leaflet-1.9.4/leaflet.js" in html
    csp = response.headers["Content-Security-Policy"]
    assert "nonce-" in csp and "unsafe-inline" not in csp
    assert "2 doors without a location" in client.get(f"/races/{world.race}").get_data(as_text=True)


def test_page_is_paginated_by_fifty(client, auth, db, world):
    db.add_all([Household(race_id=world.race, household_key=f"{n} OAK AVE|||",
                          address_line=f"{n} Oak Ave", city="Testville", state="NY",
                          zip5="11758") for n in range(60)])
    db.commit()
    auth.login("org@example.org")
    first = client.get(f"/races/{world.race}/ungeocoded").get_data(as_text=True)
    second = client.get(f"/races/{world.race}/ungeocoded?page=2").get_data(as_text=True)
    assert first.count('class="link pin-pick"') == 50
    assert second.count('class="link pin-pick"') == 10
    assert "Page 1 of 2" in first and "Next 50" in first and "Previous 50" in second


@pytest.mark.parametrize("email,expected", [("vol1@example.org", 403), ("pa@example.org", 403),
                                            (None, 302)])
def test_page_is_for_the_chapters_organizers(client, auth, world, email, expected):
    if email:
        auth.login(email)
    assert client.get(f"/races/{world.race}/ungeocoded").status_code == expected
