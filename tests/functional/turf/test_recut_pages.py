"""The re-cut preview asks before anything changes; a failed job's page offers to try again."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.jobs import services as jobs
from fieldapp.jobs.models import Job
from fieldapp.turf import services
from fieldapp.turf.jobs import start_turf_cut
from fieldapp.turf.models import Assignment, Turf
from tests import factories
from tests.conftest import csrf_token_from


def setup_race(db) -> int:
    """A cut race of 60 doors (3 turfs), one held by Vera; a PA organizer."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "Test race")
    factories.households(db, race, 60)
    factories.user(db, "organizer@example.org", ny, "organizer")
    vera = factories.user(db, "vera@example.org", ny, "volunteer", name="Vera Volunteer")
    factories.user(db, "pa@example.org", pa, "organizer")
    services.cut_race(db, race, 20)
    turf = db.scalars(sa.select(Turf).order_by(Turf.id)).first()
    factories.assign(db, turf, vera)
    db.commit()
    return race.id


def test_recut_every_door_shows_a_preview_then_runs_on_confirmation(db, client, auth, run_jobs):
    race = setup_race(db)
    auth.login("organizer@example.org")
    token = csrf_token_from(client, f"/races/{race}/turfs")
    asked = client.post(f"/races/{race}/turfs/cut",
                        data={"doors": "30", "replace": "y", "csrf_token": token})
    assert asked.status_code == 302 and "/turfs/recut?" in asked.headers["Location"]
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert "<strong>3</strong> turfs retired" in page
    assert "<strong>1</strong> active assignments end: Vera Volunteer" in page
    assert "Yes, retire 3 turfs and cut" in page
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0  # nothing queued yet
    token = csrf_token_from(client, asked.headers["Location"])
    done = client.post(f"/races/{race}/turfs/recut",
                       data={"doors": "30", "scope": "all", "csrf_token": token})
    assert done.status_code == 302 and "/jobs/" in done.headers["Location"]
    assert run_jobs() == 1
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).where(Turf.status == "active")) == 2
    assert db.scalar(sa.select(Assignment.status)) == "returned"


def test_recut_preview_bad_input_and_access(db, client, auth):
    race = setup_race(db)
    auth.login("organizer@example.org")
    bad = client.get(f"/races/{race}/turfs/recut?doors=5&scope=all", follow_redirects=True)
    assert "between 10 and 400" in bad.get_data(as_text=True)
    odd = client.get(f"/races/{race}/turfs/recut?doors=20&scope=nope", follow_redirects=True)
    assert "Choose what to cut" in odd.get_data(as_text=True)
    left = client.get(f"/races/{race}/turfs/recut?doors=20&scope=leftover")
    assert left.status_code == 200 and 'value="not_home" checked' in left.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0  # previews change nothing
    auth.logout()
    auth.login("pa@example.org")
    assert client.get(f"/races/{race}/turfs/recut?doors=20&scope=all").status_code in (403, 404)
    auth.logout()
    auth.login("vera@example.org")
    assert client.get(f"/races/{race}/turfs/recut?doors=20&scope=all").status_code in (403, 404)


def test_a_failed_job_says_so_and_can_be_tried_again(db, client, auth, run_jobs):
    race_id = setup_race(db)
    from fieldapp.races.models import Race

    job = start_turf_cut(db, db.get(Race, race_id), None, 20, False, scope="unassigned")
    db.commit()
    jobs.fail(db, job.id, None, "Unexpected error (GEOSException): boom")
    db.commit()
    auth.login("organizer@example.org")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "This job failed" in page and "Try again" in page and "boom" in page
    assert "<progress" not in page  # no bar moving as if it still ran
    token = csrf_token_from(client, f"/jobs/{job.id}")
    again = client.post(f"/jobs/{job.id}/retry", data={"csrf_token": token})
    assert again.status_code == 302
    new = db.scalar(sa.select(Job).where(Job.id != job.id))
    assert again.headers["Location"].endswith(f"/jobs/{new.id}")
    assert new.params["scope"] == "unassigned" and new.state == "queued"
    assert run_jobs() == 1
    auth.logout()
    auth.login("pa@example.org")
    assert client.post(f"/jobs/{job.id}/retry", data={}).status_code in (403, 404)


def test_the_api_previews_and_cuts_a_scope(db, client, auth, run_jobs):
    race = setup_race(db)
    from fieldapp.auth import services as auth_services

    token = auth_services.create_api_token(db, factories.get_user(db, "organizer@example.org"))
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    preview = client.get(f"/api/v1/races/{race}/turfs/recut-preview?scope=unassigned",
                         headers=headers)
    assert preview.status_code == 200
    assert preview.get_json()["turfs_retired"] == 2 and preview.get_json()["doors"] == 40
    bad = client.post(f"/api/v1/races/{race}/turfs/cut", headers=headers,
                      json={"doors": 20, "scope": "leftover", "outcomes": ["nope"]})
    assert bad.status_code == 422 and "outcomes" in bad.get_json()["error"]["fields"]
    queued = client.post(f"/api/v1/races/{race}/turfs/cut", headers=headers,
                         json={"doors": 20, "scope": "unassigned"})
    assert queued.status_code == 202 and run_jobs() == 1
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).where(Turf.status == "active")) == 3


def test_doors_outside_the_district_are_listed_with_a_way_to_include_them(db, client, auth,
                                                                           run_jobs):
    from fieldapp.races.models import Race
    from fieldapp.voters.models import Household

    race_id = setup_race(db)
    race = db.get(Race, race_id)
    db.add_all([Household(race_id=race_id, household_key=f"FAR{i}", address_line=f"{i} Far Rd",
                          lat=race.centre_lat + 0.05, lon=race.centre_lon + i * 0.0003,
                          street_key="FAR RD", building_key=f"FAR{i}") for i in range(12)])
    db.commit()
    auth.login("organizer@example.org")
    assert "Doors outside the district" in client.get(f"/races/{race_id}").get_data(as_text=True)
    page = client.get(f"/races/{race_id}/outside-doors").get_data(as_text=True)
    assert "<strong>12</strong> geocoded doors lie outside" in page and "0 Far Rd" in page
    include = f"/races/{race_id}/turfs/recut?scope=free&include_outside=1"
    assert include.replace("&", "&amp;") in page
    preview = client.get(include + "&doors=12").get_data(as_text=True)
    assert "<strong>12</strong> doors cut" in preview
    # Without them there is nothing to cut: said at once, nothing queued.
    refused = client.post(f"/races/{race_id}/turfs/cut", data={"doors": "12"},
                          follow_redirects=True).get_data(as_text=True)
    assert "no geocoded households without a turf to cut (in its district)" in refused
    assert run_jobs() == 0
    auth.logout()
    auth.login("pa@example.org")
    assert client.get(f"/races/{race_id}/outside-doors").status_code in (403, 404)
