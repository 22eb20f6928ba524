"""PUT /api/v1/races/<id>/district: a real boundary is replaced only with "confirm": true."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from fieldapp.jobs.models import Job
from fieldapp.races.models import Race

SQUARE = json.loads((Path(__file__).resolve().parents[2] / "data" / "districts"
                     / "square_feature.geojson").read_text())


def _jobs(db) -> int:
    return db.scalar(sa.select(sa.func.count(Job.id)))


def test_replacing_a_real_boundary_answers_409_naming_what_it_affects(client, db, world):
    headers, url = world.headers("organizer"), f"/api/v1/races/{world.race}/district"
    before = dict(db.get(Race, world.race).district)
    refused = client.put(url, headers=headers, json={"district": SQUARE})
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "conflict" and set(error["fields"]) == {"confirm"}
    assert "12 geocoded doors" in error["message"]
    assert "2 active turfs (12 doors)" in error["message"]
    assert "2 volunteers" in error["message"]
    assert _jobs(db) == 0
    db.expire_all()
    assert db.get(Race, world.race).district == before
    taken = client.put(url, headers=headers, json={"district": SQUARE, "confirm": True})
    assert taken.status_code == 202, taken.json
    assert taken.json["job"]["kind"] == "district_import"
    assert taken.headers["Location"].endswith(f"/api/v1/jobs/{taken.json['job']['id']}")
    assert _jobs(db) == 1


def test_a_synthetic_boundary_needs_no_confirm(client, db, world):
    db.get(Race, world.race).district_is_synthetic = True
    db.commit()
    taken = client.put(f"/api/v1/races/{world.race}/district", headers=world.headers("organizer"),
                       json={"district": SQUARE})
    assert taken.status_code == 202, taken.json


def test_bad_input_is_422_field_by_field_and_queues_nothing(client, db, world):
    headers, url = world.headers("organizer"), f"/api/v1/races/{world.race}/district"
    for body, field in (({"district": "square"}, "district"), ({}, "district"),
                        ({"district": SQUARE, "confirm": "yes"}, "confirm")):
        bad = client.put(url, headers=headers, json=body)
        assert bad.status_code == 422 and field in bad.json["error"]["fields"], body
    not_an_area = client.put(url, headers=headers, json={"confirm": True, "district": {
        "type": "Point", "coordinates": [-73.45, 40.68]}})
    assert not_an_area.status_code == 422
    assert _jobs(db) == 0


def test_only_the_chapters_organizers(client, db, world):
    url = f"/api/v1/races/{world.race}/district"
    body = {"district": SQUARE, "confirm": True}
    assert client.put(url, json=body).status_code == 401
    assert client.put(url, headers=world.headers("vol1"), json=body).status_code == 403
    assert client.put(url, headers=world.headers("pa_organizer"), json=body).status_code == 403
    assert _jobs(db) == 0
