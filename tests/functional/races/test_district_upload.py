"""Uploading a district boundary: the organizer's page (with CSRF on) and the CLI."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.jobs.models import Job
from fieldapp.races.models import Race
from fieldapp.voters.models import Household
from tests import factories
from tests.conftest import csrf_token_from

DATA = Path(__file__).resolve().parents[2] / "data" / "districts"
OCD = "ocd-division/country:us/state:ny/sldu:99"


@pytest.fixture
def chapters(db):
    """NY race (synthetic district far away) with 4 doors; people in each role; a PA race."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "NY race")
    race.district = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    race.district_is_synthetic = True
    doors = factories.households(db, race, 4)
    doors[3].lat, doors[3].lon = 40.80, -73.45  # north of the uploaded square
    factories.race(db, pa, "PA race")
    factories.user(db, "organizer@example.org", ny, "organizer")
    factories.user(db, "volunteer@example.org", ny, "volunteer")
    factories.user(db, "other_organizer@example.org", pa, "organizer")
    db.commit()
    return race.id


def upload(client, race_id: int, name: str, content: bytes | None = None, csrf: bool = True):
    """POST the upload form with a file from tests/data/districts (or given content)."""
    data = {"file": (io.BytesIO(content if content is not None else (DATA / name).read_bytes()),
                     name)}
    if csrf:
        data["csrf_token"] = csrf_token_from(client, f"/races/{race_id}/district")
    return client.post(f"/races/{race_id}/district", data=data,
                       content_type="multipart/form-data")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def test_organizer_uploads_a_district(client, auth, db, chapters, csrf_on, run_jobs):
    auth.login("organizer@example.org")
    page = client.get(f"/races/{chapters}/district")
    assert page.status_code == 200 and "Upload boundary" in page.get_data(as_text=True)
    assert "nonce-" in page.headers["Content-Security-Policy"]  # the map's CSP
    response = upload(client, chapters, "halves_collection.geojson")
    assert response.status_code == 302
    job = db.scalar(sa.select(Job))
    assert response.headers["Location"].endswith(f"/jobs/{job.id}") and job.state == "queued"
    assert db.get(Race, chapters).district_is_synthetic is True  # a worker saves it
    stored = Path(job.upload_path)
    assert stored.exists() and stored.parent.name == "uploads"
    assert run_jobs() == 1
    db.expire_all()
    assert not stored.exists() and job.upload_path is None and job.state == "finished"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "District boundary saved" in html and "1 of 4 geocoded doors" in html
    assert "division id was set" in html
    race = db.get(Race, chapters)
    assert race.district["type"] == "Polygon" and race.district_is_synthetic is False
    assert race.ocd_division_id == OCD
    assert -73.48 < race.centre_lon < -73.42 and 40.65 < race.centre_lat < 40.71
    assert "District boundary" in client.get(f"/races/{chapters}").get_data(as_text=True)


def test_repair_is_reported_on_the_page(client, auth, db, chapters, run_jobs):
    auth.login("organizer@example.org")
    response = upload(client, chapters, "bowtie_feature.geojson")
    run_jobs()
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "repaired with shapely" in html
    assert db.get(Race, chapters).district["type"] == "MultiPolygon"


@pytest.mark.parametrize("name,message", [
    ("projected_feet.geojson", "not longitude/latitude"),
    ("street_linestring.geojson", "LineString is not an area"),
])
def test_bad_file_is_refused_and_nothing_changes(app, client, auth, db, chapters, name, message):
    auth.login("organizer@example.org")
    response = upload(client, chapters, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0  # refused before any job
    assert not list((Path(app.instance_path) / "uploads").glob("*"))  # and not kept
    race = db.get(Race, chapters)
    assert race.district_is_synthetic is True and race.district["coordinates"][0][1] == [1, 0]


def test_wrong_ocd_id_is_refused(client, auth, db, chapters):
    race = db.get(Race, chapters)
    race.ocd_division_id = "ocd-division/country:us/state:ny/sldu:8"
    db.commit()
    auth.login("organizer@example.org")
    response = upload(client, chapters, "square_feature.geojson")
    assert response.status_code == 422
    assert "sldu:99" in response.get_data(as_text=True)
    assert "sldu:8" in response.get_data(as_text=True)


def test_missing_file_and_missing_csrf(client, auth, chapters, csrf_on):
    auth.login("organizer@example.org")
    token = csrf_token_from(client, f"/races/{chapters}/district")
    response = client.post(f"/races/{chapters}/district", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose a GeoJSON file" in response.get_data(as_text=True)
    assert upload(client, chapters, "square_feature.geojson", csrf=False).status_code == 400


@pytest.mark.parametrize("who,expected", [("volunteer", 403), ("other_organizer", 403),
                                          ("anonymous", 302)])
def test_others_cannot_upload(client, auth, db, chapters, who, expected):
    if who != "anonymous":
        auth.login(f"{who}@example.org")
    assert client.get(f"/races/{chapters}/district").status_code == expected
    assert upload(client, chapters, "square_feature.geojson", csrf=False).status_code == expected
    assert db.get(Race, chapters).district_is_synthetic is True


def test_cli_loads_a_district(runner, db, chapters):
    result = runner.invoke(args=["imports", "district", str(DATA / "square_feature.geojson"),
                                              "--race", str(chapters)])
    assert result.exit_code == 0, result.output
    assert "District boundary saved" in result.output and "1 of 4 geocoded doors" in result.output
    db.expire_all()
    assert db.get(Race, chapters).district_is_synthetic is False


def test_cli_refuses_a_bad_file(runner, db, chapters):
    result = runner.invoke(args=["imports", "district", str(DATA / "projected_feet.geojson"),
                                              "--race", "NY race"])
    assert result.exit_code == 2 and "not longitude/latitude" in result.output
    db.expire_all()
    assert db.get(Race, chapters).district_is_synthetic is True


def test_geocoded_doors_outside_count(db, chapters):
    from fieldapp.races.districts import load_district

    race = db.get(Race, chapters)
    for door in db.scalars(sa.select(Household).where(Household.race_id == race.id)):
        door.lat = None
    report = load_district(db, race, (DATA / "square_feature.geojson").read_bytes())
    assert (report.households_geocoded, report.households_outside) == (0, 0)
