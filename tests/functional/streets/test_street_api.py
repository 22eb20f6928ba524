"""Street networks through /api/v1: a street file imported as a job, field-by-field errors,
organizers only; a turf's walking distance and estimated time in its JSON."""
from __future__ import annotations

import io

import sqlalchemy as sa

from fieldapp.auth import services as auth_services
from fieldapp.auth.models import User
from fieldapp.jobs.models import Job
from fieldapp.streets.models import StreetNetworkRecord
from fieldapp.turf.models import Turf
from tests import factories, streets_world


def _city_race(db):
    c = streets_world.city()
    race, _ = streets_world.race_with_doors(db, c)
    org = factories.user(db, "o@example.org", race.organization, role="organizer")
    vol = factories.user(db, "v@example.org", race.organization, role="volunteer")
    tokens = {who: {"Authorization": f"Bearer {auth_services.create_api_token(db, person)}"}
              for who, person in (("organizer", org), ("volunteer", vol))}
    db.commit()
    return c, race, tokens


def _file(data: bytes, name: str = "city.osm") -> dict:
    return {"file": (io.BytesIO(data), name)}


def test_street_file_posted_runs_as_a_job_then_turfs_walk_the_streets(
        db, client, runner, run_jobs, tmp_path):
    c, race, tokens = _city_race(db)
    url = f"/api/v1/races/{race.id}/streets"
    assert client.get(url, headers=tokens["organizer"]).json == {"network": None}
    data = streets_world.write_osm(c, tmp_path / "city.osm").read_bytes()
    queued = client.post(url, headers=tokens["organizer"], data=_file(data),
                         content_type="multipart/form-data")
    assert queued.status_code == 202, queued.json
    job = queued.json["job"]
    assert job["kind"] == "street_import" and job["state"] == "queued"
    assert queued.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
    run_jobs()
    done = client.get(queued.headers["Location"], headers=tokens["organizer"]).json
    assert done["state"] == "finished", done
    network = client.get(url, headers=tokens["organizer"]).json["network"]
    assert network["source_name"] == "city.osm" and network["segments"] > 30
    assert network["doors_matched"] == len(c.coords)
    # A cut on the network: each turf's JSON says how far it walks and how long it takes.
    assert runner.invoke(args=["turf", "cut", str(race.id), "--doors", "40"]).exit_code == 0
    turf = db.scalars(sa.select(Turf).where(Turf.race_id == race.id)).first()
    factories.assign(db, turf, db.scalar(sa.select(User).where(User.email == "v@example.org")))
    db.commit()
    body = client.get(f"/api/v1/turfs/{turf.id}", headers=tokens["volunteer"]).json
    walk = body["walk"]
    assert walk["doors"] == turf.door_count == len(body["households"])
    assert abs(walk["length_m"] - turf.route_length_m) < 0.1 and walk["length_m"] > 100
    # 4.5 km/h plus 1.5 minutes a door
    assert walk["minutes"] == round(turf.route_length_m / 75 + 1.5 * turf.door_count)


def test_bad_street_posts_are_422_field_by_field_and_queue_nothing(db, client, tmp_path):
    _, race, tokens = _city_race(db)
    url = f"/api/v1/races/{race.id}/streets"
    missing = client.post(url, headers=tokens["organizer"], data={},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and set(missing.json["error"]["fields"]) == {"file"}
    junk = client.post(url, headers=tokens["organizer"],
                       data=_file(b"hello, world", "streets.osm"),
                       content_type="multipart/form-data")
    assert junk.status_code == 422 and set(junk.json["error"]["fields"]) == {"file"}
    assert "neither an OpenStreetMap extract" in junk.json["error"]["message"]
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0
    assert db.scalar(sa.select(sa.func.count(StreetNetworkRecord.id))) == 0


def test_only_the_chapters_organizers_import_streets(db, client, tmp_path):
    c, race, tokens = _city_race(db)
    other = factories.org(db, "pa-wfp")
    outsider = factories.user(db, "pa@example.org", other, role="organizer")
    outsider_token = {"Authorization":
                      f"Bearer {auth_services.create_api_token(db, outsider)}"}
    db.commit()
    url = f"/api/v1/races/{race.id}/streets"
    data = streets_world.write_osm(c, tmp_path / "city.osm").read_bytes()
    for headers, status in (({}, 401), (tokens["volunteer"], 403), (outsider_token, 403)):
        answer = client.post(url, headers=headers, data=_file(data),
                             content_type="multipart/form-data")
        assert answer.status_code == status
        assert client.get(url, headers=headers).status_code == status
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_turf_json_walk_is_null_before_a_route(client, db, world):
    turf = db.get(Turf, world.turf)
    turf.route_length_m = None
    db.commit()
    body = client.get(f"/api/v1/turfs/{world.turf}", headers=world.headers("vol1")).json
    assert body["walk"] == {"length_m": None, "minutes": None, "doors": turf.door_count}
