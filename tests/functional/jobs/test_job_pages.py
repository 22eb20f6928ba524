"""Jobs as organizers meet them: the API, the cut and geocode buttons, the CLI's --enqueue."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.jobs.models import Job
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household
from tests import factories
from tests.conftest import csrf_token_from
from tests.functional.voters.test_geocoding import config as geocoder_config  # noqa: F401
from tests.functional.voters.test_geocoding import nominatim  # noqa: F401

DATA = Path(__file__).resolve().parents[2] / "data" / "voters"


@pytest.fixture
def race(db):
    """A NY race with 60 doors, its organizer and a volunteer; a PA organizer."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "NY race")
    factories.households(db, race, 60)
    factories.user(db, "organizer@example.org", ny, "organizer", name="Olga Ortiz")
    factories.user(db, "volunteer@example.org", ny, "volunteer")
    factories.user(db, "pa@example.org", pa, "organizer")
    db.commit()
    return race.id


def _token(db, email: str) -> dict[str, str]:
    from fieldapp.auth import services

    token = services.create_api_token(db, factories.get_user(db, email))
    db.commit()
    return {"Authorization": f"Bearer {token}"}


def test_cut_through_the_api_is_a_job_to_follow(db, client, race, run_jobs):
    headers = _token(db, "organizer@example.org")
    queued = client.post(f"/api/v1/races/{race}/turfs/cut", json={"doors": 20}, headers=headers)
    assert queued.status_code == 202
    job = queued.get_json()["job"]
    assert queued.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert job["state"] == "queued" and job["kind"] == "turf_cut" and job["race_id"] == race
    assert job["started_by"]["name"] == "Olga Ortiz" and job["links"]["page"] == f"/jobs/{job['id']}"
    again = client.post(f"/api/v1/races/{race}/turfs/cut", json={"doors": 30}, headers=headers)
    assert again.status_code == 409
    assert f"job {job['id']} (automatic turf cut" in again.get_json()["error"]["message"]
    bad = client.post(f"/api/v1/races/{race}/turfs/cut", json={"doors": 5}, headers=headers)
    assert bad.status_code == 422 and "doors" in bad.get_json()["error"]["fields"]
    assert run_jobs() == 1
    done = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).get_json()
    assert done["state"] == "finished" and done["percent"] == 100
    assert done["result"]["turfs"] == 3 and done["done"] == done["total"] == 3
    assert done["finished_at"] and done["error"] is None
    assert db.scalar(sa.select(sa.func.count(Turf.id))) == 3
    listed = client.get(f"/api/v1/races/{race}/jobs", headers=headers).get_json()["jobs"]
    assert [j["id"] for j in listed] == [job["id"]]


@pytest.mark.parametrize("who, status", [("volunteer@example.org", 403),
                                         ("pa@example.org", 403), (None, 401)])
def test_a_job_is_for_its_chapters_organizers_only(db, client, race, who, status):
    queued = client.post(f"/api/v1/races/{race}/turfs/cut", json={"doors": 20},
                         headers=_token(db, "organizer@example.org")).get_json()["job"]
    headers = _token(db, who) if who else {}
    assert client.get(f"/api/v1/jobs/{queued['id']}", headers=headers).status_code == status
    assert client.get(f"/api/v1/races/{race}/jobs", headers=headers).status_code == status
    assert client.get("/api/v1/jobs/999", headers=_token(db, "organizer@example.org")
                      ).status_code == 404


def test_cut_form_leads_to_the_jobs_page_and_its_summary(db, client, auth, race, run_jobs):
    auth.login("organizer@example.org")
    response = client.post(f"/races/{race}/turfs/cut", data={"doors": "20"})
    job = db.scalar(sa.select(Job))
    assert response.status_code == 302 and response.headers["Location"] == f"/jobs/{job.id}"
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'id="job-state">queued<' in page and "Waiting for a worker" in page
    run_jobs()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "3 turfs cut from 60 doors" in page and f'href="/races/{race}/turfs"' in page
    assert 'id="job-live"' not in page  # nothing left to follow
    race_page = client.get(f"/races/{race}").get_data(as_text=True)
    assert 'id="race-jobs"' in race_page and "Automatic turf cut" in race_page


def test_geocoding_button_queues_a_job_when_a_geocoder_is_set(db, client, auth, race, app,
                                                               run_jobs, geocoder_config):  # noqa: F811 (a fixture)
    db.execute(sa.update(Household).where(Household.address_line == "100 Test St").values(
        lat=None, lon=None, address_line="10 Main St"))
    db.commit()
    auth.login("organizer@example.org")
    assert "Geocode them" not in client.get(f"/races/{race}").get_data(as_text=True)
    refused = client.post(f"/races/{race}/geocode", follow_redirects=True)
    assert "No geocoder is configured" in refused.get_data(as_text=True)
    app.config.update(geocoder_config)
    assert "Geocode them" in client.get(f"/races/{race}").get_data(as_text=True)
    response = client.post(f"/races/{race}/geocode")
    job = db.scalar(sa.select(Job))
    assert response.headers["Location"] == f"/jobs/{job.id}" and job.total is None
    run_jobs()
    db.expire_all()
    assert db.get(Job, job.id).state == "finished" and db.get(Job, job.id).total == 1
    assert "1 doors geocoded" in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).where(Household.lat.is_(None))) == 0


def test_an_import_with_a_geocoder_set_queues_geocoding_after_it(db, client, auth, race, app,
                                                                 run_jobs, geocoder_config):  # noqa: F811 (a fixture)
    app.config.update(geocoder_config)
    auth.login("organizer@example.org")
    path = f"/races/{race}/import"
    client.post(path, content_type="multipart/form-data", data={
        "file": (io.BytesIO(b"address,city,state,zip\n10 Main St,Testville,NY,11758\n"), "v.csv"),
        "csrf_token": csrf_token_from(client, path)})
    assert run_jobs() == 2  # the import, then the geocoding it queued
    imported = db.scalar(sa.select(Job).where(Job.kind == "voter_import"))
    follow = imported.result["geocode_job_id"]
    assert f'href="/jobs/{follow}"' in client.get(f"/jobs/{imported.id}").get_data(as_text=True)
    assert db.get(Job, follow).state == "finished" and db.get(Job, follow).kind == "geocode"
    assert db.scalar(sa.select(Household.lat).where(Household.address_line == "10 Main St"))


def test_a_job_whose_file_is_gone_fails_and_says_why(db, client, auth, race, run_jobs):
    auth.login("organizer@example.org")
    path = f"/races/{race}/import"
    client.post(path, content_type="multipart/form-data", data={
        "file": (io.BytesIO((DATA / "van.csv").read_bytes()), "van.csv"),
        "csrf_token": csrf_token_from(client, path)})
    job = db.scalar(sa.select(Job))
    Path(job.upload_path).unlink()  # as when a worker elsewhere does not share the folder
    run_jobs()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'id="job-state">failed<' in page and "no longer on this server" in page
    db.expire_all()
    assert db.get(Job, job.id).active_key is None  # the same file may be uploaded again


def test_cli_enqueues_and_a_burst_worker_runs_it(db, runner, race, tmp_path):
    queued = runner.invoke(args=["imports", "voters", str(DATA / "van.csv"), "--race",
                                 str(race), "--enqueue"])
    assert queued.exit_code == 0, queued.output
    job = db.scalar(sa.select(Job))
    assert f"Queued job {job.id} (voter import of van.csv, started by the command line" in \
        queued.output and Path(job.upload_path).exists()
    assert runner.invoke(args=["turf", "cut", str(race), "--doors", "20", "--enqueue"]
                         ).exit_code == 0
    assert "--wait goes with --enqueue" in runner.invoke(
        args=["turf", "cut", str(race), "--wait"]).output
    listed = runner.invoke(args=["jobs", "list"])
    assert "queued    Voter import" in listed.output and "Automatic turf cut" in listed.output
    burst = runner.invoke(args=["jobs", "worker", "--burst"])
    assert burst.exit_code == 0 and "2 queued jobs run." in burst.output
    db.expire_all()
    assert [j.state for j in db.scalars(sa.select(Job).order_by(Job.id))] == ["finished"] * 2
    assert "finished  Voter import" in runner.invoke(args=["jobs", "list", "--race",
                                                           str(race)]).output


def test_a_cut_with_nothing_to_cut_is_refused_at_once(db, client, auth, race):
    db.execute(sa.update(Household).values(lat=None, lon=None))
    db.commit()
    auth.login("organizer@example.org")
    response = client.post(f"/races/{race}/turfs/cut", data={"doors": "20"}, follow_redirects=True)
    assert "no geocoded households without a turf" in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0
