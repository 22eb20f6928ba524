"""The organizer's import page: upload with CSRF on, the report, the rejected rows CSV, access."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.auth import services
from fieldapp.voters.models import Household, ImportRun
from tests import factories
from tests.conftest import csrf_token_from

DATA = Path(__file__).resolve().parents[2] / "data" / "voters"
BAD = ("first_name,last_name,address,city,zip,external_id\n"
       "Ana,Lopez,12 Main St,Testville,11758,A1\n"
       "Ben,Cole,,Testville,11758,A2\n"
       "=1+2,Dunn,14 Main St,Testville,ABCDE,A3\n")


@pytest.fixture
def chapters(db):
    """A NY race with its organizer and volunteer; a PA chapter's organizer."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "NY race")
    factories.user(db, "organizer@example.org", ny, "organizer")
    factories.user(db, "volunteer@example.org", ny, "volunteer")
    factories.user(db, "other_organizer@example.org", pa, "organizer")
    db.commit()
    return race.id


def upload(client, race_id: int, content: bytes, name: str = "voters.csv", mapping: str = ""):
    """POST the import form with its CSRF token."""
    path = f"/races/{race_id}/import"
    data = {"file": (io.BytesIO(content), name), "mapping": mapping,
            "csrf_token": csrf_token_from(client, path)}
    return client.post(path, data=data, content_type="multipart/form-data")


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True


def test_upload_shows_the_report_and_past_imports(db, client, auth, chapters, csrf_on):
    auth.login("organizer@example.org")
    page = client.get(f"/races/{chapters}").get_data(as_text=True)
    assert f'href="/races/{chapters}/import"' in page  # the race page links here
    response = upload(client, chapters, (DATA / "van.csv").read_bytes(), "van export.csv")
    assert response.status_code == 302
    run = db.scalar(sa.select(ImportRun))
    assert response.headers["Location"].endswith(f"/races/{chapters}/import?run={run.id}")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import of van_export.csv" in html
    assert 'id="count-imported">3<' in html and 'id="count-merged">2<' in html
    assert 'id="past-imports"' in html and "van_export.csv" in html
    assert run.user_id is not None and db.scalar(sa.select(sa.func.count(Household.id))) == 3


def test_without_csrf_token_nothing_is_imported(db, client, auth, chapters, csrf_on):
    auth.login("organizer@example.org")
    response = client.post(f"/races/{chapters}/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"address,city\n1 Elm St,X\n"), "v.csv")})
    assert response.status_code == 400
    assert db.scalar(sa.select(sa.func.count(ImportRun.id))) == 0


def test_refused_file_is_a_form_error_naming_the_columns(db, client, auth, chapters, csrf_on):
    auth.login("organizer@example.org")
    response = upload(client, chapters, b"FirstName,Email\nAna,ana@example.org\n")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "columns were not recognised" in html and "FirstName, Email" in html
    mapped = upload(client, chapters, b"Given,Street,Town\nAna,1 Elm St,Testville\n",
                    mapping="first_name=Given\naddress=Street\ncity=Town")
    assert mapped.status_code == 302


def test_rejections_csv_for_the_organizer(db, client, auth, chapters, csrf_on):
    auth.login("organizer@example.org")
    location = upload(client, chapters, BAD.encode()).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    run_id = db.scalar(sa.select(ImportRun.id))
    assert f'href="/imports/{run_id}/rejections.csv"' in html
    assert "The address is empty." in html
    response = client.get(f"/imports/{run_id}/rejections.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["line_number"], r["category"]) for r in rows] == [("3", "empty_address"),
                                                                 ("4", "bad_zip")]
    assert rows[1]["raw"].startswith("'=1+2,Dunn")  # a spreadsheet will not run it


@pytest.mark.parametrize("who, status", [("volunteer", 403), ("other_organizer", 403)])
def test_page_and_rejections_are_for_this_chapters_organizers_only(db, client, auth, chapters,
                                                                    who, status):
    auth.login("organizer@example.org")
    upload(client, chapters, BAD.encode())
    run_id = db.scalar(sa.select(ImportRun.id))
    auth.logout()
    auth.login(f"{who}@example.org")
    assert client.get(f"/races/{chapters}/import").status_code == status
    assert client.get(f"/imports/{run_id}/rejections.csv").status_code == status
    assert client.get("/imports/9999/rejections.csv").status_code == 404


def test_anonymous_is_sent_to_log_in(client, chapters):
    response = client.get(f"/races/{chapters}/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.fixture
def small_uploads(app_config):
    app_config["MAX_CONTENT_LENGTH"] = 4096


def test_an_upload_over_the_limit_is_a_clear_413(small_uploads, app, db, client, auth, chapters):
    auth.login("organizer@example.org")
    response = upload(client, chapters, b"address,city\n" + b"1 Elm St,Testville\n" * 1000)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "File too large" in html and "(4 KB)" in html
    assert db.scalar(sa.select(sa.func.count(ImportRun.id))) == 0
    token = services.create_api_token(db, factories.get_user(db, "organizer@example.org"))
    db.commit()
    api = app.test_client().post("/api/v1/knocks", data=b"x" * 10000, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert api.status_code == 413
    assert api.get_json()["error"]["message"].startswith("That file is larger")
