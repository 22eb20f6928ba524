"""Race progress and dashboard figures, computed in SQL, scoped to the organizer's chapter."""
from __future__ import annotations

import datetime as dt
import uuid

from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.reports.progress import dashboard
from tests.world import knock


def _log(client, world, door, outcome, who="vol1", **extra):
    response = client.post("/api/v1/knocks", json=knock(door, outcome, **extra),
                           headers=world.headers(who))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_progress_counts_live_knocks(db, client, world):
    _log(client, world, world.doors[0], "not_home")
    _log(client, world, world.doors[0], "contact",
         answers={str(world.question): world.choices[3]})
    _log(client, world, world.doors[1], "refused")
    undone = _log(client, world, world.doors[2], "contact")
    client.post("/api/v1/knocks", headers=world.headers("vol1"), json={
        "client_uuid": str(uuid.uuid4()), "household_id": world.doors[2],
        "voids": undone["client_uuid"], "knocked_at": utcnow().isoformat()})
    body = client.get(f"/api/v1/races/{world.race}/progress",
                      headers=world.headers("organizer")).get_json()
    assert body["households"] == 12
    assert body["knocked_households"] == 2
    assert body["knocks"] == 3 and body["contacts"] == 1
    assert body["contact_rate"] == round(1 / 3, 4)
    assert body["by_outcome"]["not_home"] == 1 and body["by_outcome"]["refused"] == 1
    assert {t["name"]: (t["doors"], t["knocked"]) for t in body["turfs"]} == {"A": (6, 2), "B": (6, 0)}


def test_progress_is_for_the_chapters_organizers_only(client, world):
    url = f"/api/v1/races/{world.race}/progress"
    assert client.get(url, headers=world.headers("vol1")).status_code == 403
    assert client.get(url, headers=world.headers("pa_organizer")).status_code == 403
    assert client.get("/api/v1/races/999/progress", headers=world.headers("organizer")).status_code == 404


def test_dashboard_figures(db, client, world):
    yesterday = utcnow() - dt.timedelta(days=1)
    _log(client, world, world.doors[0], "contact", answers={str(world.question): world.choices[4]})
    _log(client, world, world.doors[1], "not_home", knocked_at=yesterday.isoformat())
    door = world.doors[2]
    _log(client, world, door, "contact", location={"lat": 0.5, "lon": 0.5})  # far away: flagged
    board = dashboard(db, db.get(Race, world.race))
    assert board.support == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    assert sum(day["knocks"] for day in board.per_day) == 3
    assert len(board.per_day) == 2
    vol = board.volunteers[0]
    assert (vol["doors"], vol["contacts"], vol["flagged_far"]) == (3, 2, 1)
    turf_a = next(t for t in board.turfs if t["name"] == "A")
    assert turf_a["knocked"] == 3 and turf_a["volunteers"] and turf_a["last_activity"] is not None
    assert board.projection["remaining"] == 9
    assert board.projection["doors_per_day"] == round(3 / 7, 1)


def test_projection_against_an_election_to_come_and_one_past(db, client, auth, world):
    race = db.get(Race, world.race)
    _log(client, world, world.doors[0], "contact")
    today = dt.date.today()
    race.election_date = today + dt.timedelta(days=30)
    db.commit()
    ahead = dashboard(db, race, today=today).projection
    assert ahead["days_to_election"] == 30 and not ahead["election_passed"]
    assert ahead["on_track"] is False  # 11 doors left at 1/7 a day: long after election day
    race.election_date = dt.date(2017, 5, 23)
    db.commit()
    past = dashboard(db, race, today=today).projection
    assert past["election_passed"] and not past["on_track"] and past["days_to_election"] is None
    auth.login("org@example.org")
    page = client.get(f"/races/{world.race}/dashboard").get_data(as_text=True)
    assert "election day was <strong>2017-05-23</strong> (this race is over)" in page
    assert "behind" not in page
