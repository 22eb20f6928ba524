"""The organizer's import page: upload with CSRF on, the report, the rejected rows CSV, access."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.auth import services
from fieldapp.jobs.models import Job
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


def test_upload_queues_a_job_whose_page_shows_the_report(db, client, auth, chapters, csrf_on,
                                                          run_jobs):
    auth.login("organizer@example.org")
    page = client.get(f"/races/{chapters}").get_data(as_text=True)
    assert f'href="/races/{chapters}/import"' in page  # the race page links here
    response = upload(client, chapters, (DATA / "van.csv").read_bytes(), "van export.csv")
    assert response.status_code == 302
    job = db.scalar(sa.select(Job))
    assert response.headers["Location"].endswith(f"/jobs/{job.id}")
    assert job.state == "queued" and job.filename == "van_export.csv"
    assert db.scalar(sa.select(sa.func.count(ImportRun.id))) == 0  # nothing in the request
    queued = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'id="job-progress"' in queued and "js/job-progress.js" in queued
    assert f"Job {job.id}" in client.get(f"/races/{chapters}").get_data(as_text=True)
    assert run_jobs() == 1
    html = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Import of van_export.csv" in html and 'id="job-state">finished<' in html
    assert 'id="count-imported">3<' in html and 'id="count-merged">2<' in html
    run = db.scalar(sa.select(ImportRun))
    imports = client.get(f"/races/{chapters}/import?run={run.id}").get_data(as_text=True)
    assert 'id="past-imports"' in imports and "van_export.csv" in imports
    assert 'id="count-imported">3<' in imports
    assert run.user_id is not None and db.scalar(sa.select(sa.func.count(Household.id))) == 3
    assert client.get("/imports/9999/rejections.csv").status_code == 404


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


def test_anonymous_is_sent_to_log_in(client, chapters):
    response = client.get(f"/races/{chapters}/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04 a workbook", "This file is an Excel workbook (.xlsx) or a zip archive, not a CSV"),
    (b"", "The file is empty."),
    (b"   \n\n", "The file is empty."),
    (b"\x00\x01binary\x00", "contains binary data (NUL bytes)"),
])
def test_a_file_that_cannot_be_imported_is_refused_on_the_page_before_any_job(
        app, db, client, auth, chapters, csrf_on, content, message):
    auth.login("organizer@example.org")
    response = upload(client, chapters, content, "voters.xlsx")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0
    assert not list((Path(app.instance_path) / "uploads").glob("*"))  # nothing kept


def test_rejections_csv_for_the_organizer(db, client, auth, chapters, csrf_on, run_jobs):
    auth.login("organizer@example.org")
    location = upload(client, chapters, BAD.encode()).headers["Location"]
    run_jobs()
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
                                                                    who, status, run_jobs):
    auth.login("organizer@example.org")
    upload(client, chapters, BAD.encode())
    run_jobs()
    run_id, job_id = db.scalar(sa.select(ImportRun.id)), db.scalar(sa.select(Job.id))
    auth.logout()
    auth.login(f"{who}@example.org")
    assert client.get(f"/races/{chapters}/import").status_code == status
    assert client.get(f"/imports/{run_id}/rejections.csv").status_code == status
    assert client.get(f"/jobs/{job_id}").status_code == status
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == status


@pytest.fixture
def small_uploads(app_config):
    app_config["FIELDAPP_MAX_UPLOAD_BYTES"] = 4096


def test_an_upload_over_the_limit_is_a_clear_413(small_uploads, app, db, client, auth, chapters):
    auth.login("organizer@example.org")
    response = upload(client, chapters, b"address,city\n" + b"1 Elm St,Testville\n" * 1000)
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "File too large" in html and "(4 KB)" in html
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0
    assert db.scalar(sa.select(sa.func.count(ImportRun.id))) == 0
    assert upload(client, chapters, b"address,city\n1 Elm St,Testville\n").status_code == 302


class Unreadable(io.RawIOBase):
    """A request body that fails the test if the server reads a byte of it."""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:  # the test client measures the stream; it has no end
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def readinto(self, buffer) -> int:
        raise AssertionError("the server read a body it should have refused unread")


def test_json_routes_take_2_mb_and_refuse_more_unread(app, db, client, auth, chapters):
    token = services.create_api_token(db, factories.get_user(db, "organizer@example.org"))
    db.commit()
    api = app.test_client()
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    big = api.post("/api/v1/knocks/batch", headers=headers, input_stream=Unreadable(),
                   environ_overrides={"CONTENT_LENGTH": str(2 * 1024 * 1024 + 1)})
    assert big.status_code == 413
    assert big.get_json()["error"] == {
        "code": "too_large", "message": "The request body is larger than this call accepts "
        "(2 MB).", "fields": {"body": "at most 2 MB"}}
    # Under the limit is read: 500 knocks with notes of 2,000 characters, answered one by one.
    knocks = [{"client_uuid": f"00000000-0000-4000-8000-{i:012d}", "household_id": 1,
               "outcome": "not_home", "knocked_at": "2017-05-01T10:00:00-04:00",
               "note": "n" * 2000} for i in range(500)]
    fits = api.post("/api/v1/knocks/batch", json={"knocks": knocks}, headers=headers)
    assert fits.status_code == 200 and len(fits.get_json()["results"]) == 500
    # The pages' forms are held to the small limit too; only the upload routes take files.
    login = app.test_client().post("/login", input_stream=Unreadable(), environ_overrides={
        "CONTENT_LENGTH": str(3 * 1024 * 1024),
        "CONTENT_TYPE": "application/x-www-form-urlencoded"})
    assert login.status_code == 413
