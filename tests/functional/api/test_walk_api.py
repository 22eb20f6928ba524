"""GET /api/v1/me, /assignments and /turfs/<id>: what a volunteer's phone downloads."""
from __future__ import annotations

import pytest

from tests.world import knock


def test_assignments_show_progress(client, world):
    client.post("/api/v1/knocks", json=knock(world.doors[0]), headers=world.headers("vol1"))
    body = client.get("/api/v1/assignments", headers=world.headers("vol1")).get_json()
    assert body == {"assignments": [{
        "id": 1, "turf_id": world.turf, "turf_name": "A", "race_id": world.race,
        "race_name": "NY race", "shift_date": None, "doors": 6, "knocked": 1}]}


def test_turf_has_doors_in_walk_order_with_voters(client, world):
    client.post("/api/v1/knocks", json=knock(world.doors[0], "contact"), headers=world.headers("vol1"))
    body = client.get(f"/api/v1/turfs/{world.turf}", headers=world.headers("vol1")).get_json()
    doors = body["households"]
    assert [d["id"] for d in doors] == world.doors
    assert [d["seq"] for d in doors] == [1, 2, 3, 4, 5, 6]
    assert doors[0]["last_outcome"] == "contact" and doors[1]["last_outcome"] is None
    assert len(doors[0]["voters"]) == 2 and set(doors[0]["voters"][0]) == {"id", "name"}
    assert body["route"]["type"] == "LineString"
    assert len(body["route"]["coordinates"]) == 6
    assert body["script"][0]["key"] == "support"
    assert "phone" not in str(body) and "email" not in str(body)  # the walk needs no contact data


@pytest.mark.parametrize("who,turf,expected", [
    ("vol1", "turf", 200), ("vol2", "turf", 403), ("organizer", "turf", 200),
    ("pa_organizer", "turf", 403), ("vol1", None, 404),
])
def test_turf_access(client, world, who, turf, expected):
    turf_id = getattr(world, turf) if turf else 99999
    assert client.get(f"/api/v1/turfs/{turf_id}", headers=world.headers(who)).status_code == expected


def test_anonymous_gets_401_json(client, world):
    response = client.get(f"/api/v1/turfs/{world.turf}")
    assert response.status_code == 401
    assert response.get_json()["error"]["message"]
