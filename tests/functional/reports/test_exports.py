"""Exports parse back: every live knock once, with the chapter's VAN result id."""
from __future__ import annotations

import csv
import io
import uuid

import pytest
import sqlalchemy as sa

from fieldapp.chapters.models import Organization
from fieldapp.knocklog.outcomes import DEFAULT_VAN_RESULT_IDS
from fieldapp.models_base import utcnow
from tests.world import knock

OUTCOMES = ["not_home", "contact", "refused", "moved", "lit_drop", "come_back"]


@pytest.fixture
def knocked(db, client, world):
    """Six knocks by vol1 and one undone knock; returns the live client UUIDs by outcome."""
    live = {}
    for door, outcome in zip(world.doors, OUTCOMES):
        body = knock(door, outcome)
        assert client.post("/api/v1/knocks", json=body, headers=world.headers("vol1")).status_code == 201
        live[body["client_uuid"]] = outcome
    undone = knock(world.doors[0], "refused")
    client.post("/api/v1/knocks", json=undone, headers=world.headers("vol1"))
    client.post("/api/v1/knocks", headers=world.headers("vol1"), json={
        "client_uuid": str(uuid.uuid4()), "household_id": world.doors[0],
        "voids": undone["client_uuid"], "knocked_at": utcnow().isoformat()})
    return live


def _csv(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_van_csv_has_every_live_knock_once_with_mapped_ids(db, client, auth, world, knocked):
    organization = db.scalar(sa.select(Organization).where(Organization.slug == "ny-wfp"))
    organization.van_result_ids = {"not_home": 101, "refused": 102}
    db.commit()
    auth.login("org@example.org")
    rows = _csv(client.get(f"/races/{world.race}/export/knocks-van.csv"))
    assert list(rows[0]) == ["vanid", "contacttypeid", "resultid", "datecanvassed", "canvassedby"]
    assert len(rows) == 2 * len(knocked)  # a row per voter of the door (two each)
    expected = {"not_home": "101", "refused": "102"}
    got = sorted(r["resultid"] for r in rows)
    want = sorted(2 * [expected.get(o, str(DEFAULT_VAN_RESULT_IDS[o])) for o in OUTCOMES])
    assert got == want
    assert {r["contacttypeid"] for r in rows} == {"2"}
    assert len({r["vanid"] for r in rows}) == len(rows)  # each voter once
    assert all(r["vanid"].startswith("V") for r in rows)


def test_plain_csv_has_every_field_of_every_live_knock(client, auth, world, knocked):
    auth.login("org@example.org")
    rows = _csv(client.get(f"/races/{world.race}/export/knocks.csv"))
    assert {r["client_uuid"]: r["outcome"] for r in rows} == knocked
    assert {"address", "turf_name", "canvasser", "answers", "flagged_far"} <= set(rows[0])
    assert all(r["knocked_at"].endswith("-04:00") for r in rows)


def test_geojson_export(client, auth, world, knocked):
    auth.login("org@example.org")
    response = client.get(f"/races/{world.race}/export/turfs.geojson")
    body = response.get_json()
    assert response.mimetype == "application/geo+json"
    kinds = [f["properties"]["kind"] for f in body["features"]]
    assert kinds == ["district", "turf", "turf"]
    assert body["features"][1]["properties"]["knocked"] == 6


@pytest.mark.parametrize("path", ["knocks-van.csv", "survey-van.csv", "knocks.csv",
                                  "turfs.geojson"])
@pytest.mark.parametrize("who,expected", [("vol1@example.org", 403), ("pa@example.org", 403)])
def test_exports_are_for_organizers_only(client, auth, world, path, who, expected):
    auth.login(who)
    assert client.get(f"/races/{world.race}/export/{path}").status_code == expected


def test_export_is_logged_without_personal_data(client, auth, world, knocked, caplog):
    auth.login("org@example.org")
    with caplog.at_level("INFO", logger="fieldapp.exports"):
        client.get(f"/races/{world.race}/export/knocks.csv").get_data()
    assert f"export kind=plain_csv race={world.race}" in caplog.text
    assert "Test St" not in caplog.text and "@" not in caplog.text


def test_dashboard_page(client, auth, world, knocked):
    auth.login("org@example.org")
    html = client.get(f"/races/{world.race}/dashboard").get_data(as_text=True)
    assert 'id="dash-knocked">6 / 12' in html
    assert "<svg" in html and "Volunteers" in html
    auth.logout()
    auth.login("vol1@example.org")
    assert client.get(f"/races/{world.race}/dashboard").status_code == 403


@pytest.mark.parametrize("path", ["knocks-van.csv", "knocks.csv"])
def test_csv_exports_stream_outside_the_tests_app_context(app, db, world, knocked, path):
    """As under a real server: the request pushes its own app context, which ends (and its
    database session with it) before the CSV body streams. Anything the stream needs from
    the race must be read before that (the VAN export once answered 500 here)."""
    import threading

    from flask.testing import FlaskClient

    from tests.conftest import AuthActions

    answer: dict = {}

    def download():  # a new thread has no app context: the request makes its own
        client = FlaskClient(app, use_cookies=True)
        AuthActions(client).login("org@example.org")
        response = client.get(f"/races/{world.race}/export/{path}")
        answer["status"] = response.status_code
        answer["body"] = response.get_data(as_text=True)

    thread = threading.Thread(target=download)
    thread.start()
    thread.join(timeout=60)
    assert answer["status"] == 200
    rows = list(csv.DictReader(io.StringIO(answer["body"])))
    per_knock = 2 if path == "knocks-van.csv" else 1  # the VAN file: a row per voter (two)
    assert len(rows) == per_knock * len(knocked)
