"""Cutting turf by hand through the API: preview, save, refusal naming the turf, split, merge."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household


def _box(lat0, lon0, lat1, lon1):
    return {"type": "Polygon", "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1],
                                                [lon0, lat1], [lon0, lat0]]]}


def _free_doors(db, world, n=10):
    """n doors of the NY race, in no turf, in a row north of the world's turfs."""
    from fieldapp.races.models import Race

    race = db.get(Race, world.race)
    doors = []
    for i in range(n):
        door = Household(race_id=race.id, household_key=f"{i} FREE ST", address_line=f"{i} Free St",
                         lat=race.centre_lat + 0.01, lon=race.centre_lon + i * 0.0002,
                         street_key="FREE ST", building_key=f"{i} FREE ST")
        db.add(door)
        doors.append(door)
    db.commit()
    return race, _box(race.centre_lat + 0.009, race.centre_lon - 0.0005,
                      race.centre_lat + 0.011, race.centre_lon + n * 0.0002)


def test_preview_then_save_a_drawn_turf(client, db, world):
    race, box = _free_doors(db, world)
    headers = world.headers("organizer")
    preview = client.post(f"/api/v1/races/{race.id}/turfs/preview", json={"polygon": box},
                          headers=headers)
    assert preview.status_code == 200
    assert preview.json == {"doors": 10, "free_doors": 10, "taken_by": {}}
    saved = client.post(f"/api/v1/races/{race.id}/turfs", json={"polygon": box, "name": "Free St"},
                        headers=headers)
    assert saved.status_code == 201, saved.json
    assert saved.json["doors"] == 10 and saved.json["code"]
    turf_id = saved.json["id"]
    seqs = db.scalars(sa.select(Household.walk_seq).where(Household.turf_id == turf_id)
                      .order_by(Household.walk_seq)).all()
    assert seqs == list(range(len(seqs))) or seqs == list(range(1, len(seqs) + 1))


def test_drawing_over_another_turfs_doors_is_refused_naming_it(client, db, world):
    headers = world.headers("organizer")
    race_centre = db.scalar(sa.select(Household.lat).where(Household.id == world.doors[0]))
    lon = db.scalar(sa.select(Household.lon).where(Household.id == world.doors[0]))
    box = _box(race_centre - 0.0001, lon - 0.0001, race_centre + 0.0001, lon + 0.0009)
    preview = client.post(f"/api/v1/races/{world.race}/turfs/preview", json={"polygon": box},
                          headers=headers)
    assert preview.json["taken_by"] == {"A": preview.json["doors"]}
    refused = client.post(f"/api/v1/races/{world.race}/turfs", json={"polygon": box, "name": "X"},
                          headers=headers)
    assert refused.status_code == 422
    assert "A" in refused.json["error"]["message"]
    assert "polygon" in refused.json["error"]["fields"]


def test_bad_shapes_get_field_errors(client, world):
    headers = world.headers("organizer")
    url = f"/api/v1/races/{world.race}/turfs"
    line = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    bow = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    far = _box(10, 10, 11, 11)
    for polygon in (None, line, bow, far, "nonsense"):
        answer = client.post(url, json={"polygon": polygon, "name": "x"}, headers=headers)
        assert answer.status_code == 422
        assert "polygon" in answer.json["error"]["fields"]
    assert client.post(url, json={"polygon": far}, headers=headers).status_code == 422


def test_split_and_merge(client, db, world):
    headers = world.headers("organizer")
    lat = db.scalar(sa.select(Household.lat).where(Household.id == world.doors[0]))
    lon = db.scalar(sa.select(Household.lon).where(Household.id == world.doors[0]))
    box = _box(lat - 0.0001, lon - 0.0001, lat + 0.0001, lon + 0.00045)  # first three doors
    split = client.post(f"/api/v1/turfs/{world.turf}/split", json={"polygon": box, "name": "A2"},
                        headers=headers)
    assert split.status_code == 201, split.json
    assert split.json["new_turf"]["doors"] == 3 and split.json["turf"]["doors"] == 3
    new_id = split.json["new_turf"]["id"]
    merged = client.post(f"/api/v1/turfs/{world.turf}/merge", json={"other_turf_id": new_id},
                         headers=headers)
    assert merged.status_code == 200 and merged.json["doors"] == 6
    db.expire_all()
    assert db.get(Turf, new_id) is None or db.get(Turf, new_id).status != "active"


def test_only_organizers_of_the_chapter_draw(client, world):
    box = _box(0, 0, 1, 1)
    assert client.post(f"/api/v1/races/{world.race}/turfs/preview", json={"polygon": box},
                       headers=world.headers("vol1")).status_code == 403
    assert client.post(f"/api/v1/races/{world.race}/turfs", json={"polygon": box, "name": "x"},
                       headers=world.headers("pa_organizer")).status_code == 403
    assert client.post(f"/api/v1/turfs/{world.turf}/merge", json={"other_turf_id": world.other_turf},
                       headers=world.headers("vol2")).status_code == 403
    assert client.post(f"/api/v1/races/{world.race}/turfs/preview",
                       json={"polygon": box}).status_code == 401
