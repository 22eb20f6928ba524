"""Every organizer page, tried by anonymous, volunteer, other chapter's organizer, organizer."""
from __future__ import annotations

import pytest

from fieldapp.jobs.services import start_job
from tests import factories

# (method, path, form data, status for the chapter's organizer)
ORGANIZER_PAGES = [
    ("GET", "/races/", {}, 200),
    ("GET", "/races/{race}", {}, 200),
    ("GET", "/orgs/ny-wfp/members", {}, 200),
    ("POST", "/orgs/ny-wfp/members", {"role": "volunteer"}, 200),
    ("POST", "/orgs/ny-wfp/members/{volunteer}/role", {"role": "volunteer"}, 302),
    ("GET", "/orgs/ny-wfp/members/{volunteer}/deactivate", {}, 200),  # asks first
    ("POST", "/orgs/ny-wfp/members/{volunteer}/reset-link", {}, 200),
    ("POST", "/orgs/ny-wfp/members/{volunteer}/deactivate", {}, 302),
    ("POST", "/orgs/ny-wfp/members/{volunteer}/reactivate", {}, 302),
    ("GET", "/races/{race}/district", {}, 200),
    ("POST", "/races/{race}/district", {}, 422),  # no file chosen
    ("GET", "/races/{race}/streets", {}, 200),
    ("POST", "/races/{race}/streets", {}, 422),  # no file chosen
    ("GET", "/races/{race}/ungeocoded", {}, 200),
    ("GET", "/races/{race}/field-added", {}, 200),
    ("POST", "/races/{race}/field-added/1/merge", {"into": ""}, 422),  # nobody added yet
    ("GET", "/races/{race}/import", {}, 200),
    ("POST", "/races/{race}/import", {}, 422),  # no file chosen
    ("GET", "/races/{race}/turfs", {}, 200),
    ("POST", "/races/{race}/turfs/cut", {"doors": "5"}, 302),  # refused size: back to the list
    ("GET", "/races/{race}/turfs/recut?doors=20&scope=all", {}, 200),  # the preview
    ("GET", "/races/{race}/outside-doors", {}, 200),
    ("POST", "/races/{race}/turfs/recut", {"doors": "5", "scope": "all"}, 302),  # refused size
    ("GET", "/turfs/{turf}", {}, 200),
    ("POST", "/turfs/{turf}/assign", {"volunteer": "{volunteer}"}, 302),
    ("POST", "/assignments/{assignment}/return", {}, 200),  # asks first
    ("POST", "/assignments/{assignment}/return", {"confirmed": "1"}, 303),
    ("GET", "/turfs/{turf}/retire", {}, 200),  # asks first
    ("POST", "/turfs/{turf}/retire", {}, 200),  # asks first
    ("POST", "/turfs/{turf}/retire", {"confirmed": "1"}, 303),
    ("POST", "/races/{race}/turfs/bulk", {"action": "assign", "turf": "{turf}",
                                          "volunteer": "{volunteer}"}, 303),
    ("GET", "/races/{race}/turfs/sheets?ids={turf}", {}, 200),
    ("GET", "/races/{race}/turfs/map", {}, 200),
    ("POST", "/turfs/{turf}/split/preview", {"mode": "count", "parts": "2"}, 200),
    ("POST", "/turfs/{turf}/split", {"mode": "count", "parts": "9"}, 422),  # 5 doors: refused
    ("POST", "/turfs/{turf}/merge/preview", {"other": "{turf}"}, 422),  # itself: refused
    ("POST", "/turfs/{turf}/merge", {"other": "{turf}"}, 422),
    ("POST", "/races/{race}/outside-doors/archive", {}, 422),  # none outside: nothing to do
    ("POST", "/races/{race}/outside-doors/restore", {}, 303),
    ("GET", "/jobs/{job}", {}, 200),
    ("POST", "/jobs/{job}/retry", {}, 302),  # not failed: back to its page, saying so
    ("GET", "/races/{race}/held", {}, 200),
    ("POST", "/races/{race}/held/decide", {"action": "reject"}, 302),  # none chosen: back
    ("GET", "/api/v1/races/{race}/progress", {}, 200),
    ("GET", "/api/v1/races/{race}/turfs", {}, 200),
    ("GET", "/api/v1/races/{race}/turfs.geojson", {}, 200),
    ("GET", "/races/new", {}, 200),
    ("POST", "/races/new", {"org": "ny-wfp", "name": ""}, 422),
    ("GET", "/races/{race}/edit", {}, 200),
    ("POST", "/races/{race}/edit", {"name": ""}, 422),
    ("GET", "/races/{race}/archive", {}, 200),  # asks first, naming what ends
    ("POST", "/races/{race}/archive", {}, 302),
    ("GET", "/races/{race}/script", {}, 200),
    ("POST", "/races/{race}/script", {"intro": "Hi"}, 302),
    ("POST", "/races/{race}/script/copy", {"source": ""}, 302),
    ("GET", "/races/{race}/script.json", {}, 200),
    ("POST", "/races/{race}/script/import", {}, 302),  # no file: back to the editor
    ("GET", "/api/v1/races/{race}", {}, 200),
    ("GET", "/api/v1/races/{race}/script", {}, 200),
]
# Pages about the user's own chapters: another chapter's organizer gets their own answer.
# (API writes need a token or X-CSRFToken: their 401/403 are in api/test_race_setup_api.py.)
OWN_CHAPTER = {("GET", "/races/new"): 200, ("POST", "/races/new"): 422}
WHO = ["anonymous", "volunteer", "other_organizer", "organizer"]


@pytest.fixture
def world(db):
    """Two chapters, each with a race; people in each role; a turf held by the volunteer."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "NY race")
    factories.race(db, pa, "PA race")
    factories.user(db, "organizer@example.org", ny, "organizer")
    volunteer = factories.user(db, "volunteer@example.org", ny, "volunteer")
    factories.user(db, "other_organizer@example.org", pa, "organizer")
    turf = factories.turf(db, race, factories.households(db, race, 5))
    assignment = factories.assign(db, turf, volunteer)
    job = start_job(db, "turf_cut", race, None, params={"doors": 20})
    db.commit()
    return {"race": race.id, "turf": turf.id, "volunteer": volunteer.id,
            "assignment": assignment.id, "job": job.id}


@pytest.mark.parametrize("method,path,data,organizer_status", ORGANIZER_PAGES)
@pytest.mark.parametrize("who", WHO)
def test_organizer_pages(client, auth, world, method, path, data, organizer_status, who):
    if who != "anonymous":
        auth.login(f"{who}@example.org")
    expected = {"anonymous": 302, "volunteer": 403, "other_organizer": 403,
                "organizer": organizer_status}[who]
    if path == "/races/" and who == "other_organizer":
        expected = 200  # their own chapter's list; test_other_chapter_races_are_not_listed
    if (method, path) in OWN_CHAPTER and who == "other_organizer":
        expected = OWN_CHAPTER[(method, path)]  # the chapter chosen is checked, not the page
    if path.startswith("/api/") and who == "anonymous":
        expected = 401
    form = {key: value.format(**world) for key, value in data.items()}
    response = client.open(path.format(**world), method=method, data=form)
    assert response.status_code == expected
    if expected == 302 and who == "anonymous":
        assert "/login" in response.headers["Location"]


def test_other_chapter_races_are_not_listed(client, auth, world):
    auth.login("other_organizer@example.org")
    html = client.get("/races/").get_data(as_text=True)
    assert "PA race" in html and "NY race" not in html


def test_unknown_race_is_404(client, auth, world):
    auth.login("organizer@example.org")
    assert client.get("/races/9999").status_code == 404


@pytest.mark.parametrize("who,expected", [("anonymous", 302), ("volunteer", 200),
                                          ("other_organizer", 403), ("organizer", 200)])
def test_walk_sheet_for_holder_and_organizers(client, auth, world, who, expected):
    if who != "anonymous":
        auth.login(f"{who}@example.org")
    response = client.get(f"/turfs/{world['turf']}/sheet")
    assert response.status_code == expected
    if expected == 200:
        html = response.get_data(as_text=True)
        assert "100 Test St" in html and "Not home" in html and "Support?" in html
