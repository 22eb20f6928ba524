"""Every export of the table (reports.exports.EXPORTS), through its one route: who may download
it, its media type, file name and first line; the first per-file URLs still answer."""
from __future__ import annotations

import csv
import io

import pytest

from fieldapp.reports.exports import (
    BY_NAME,
    EXPORTS,
    PLAIN_COLUMNS,
    VAN_COLUMNS,
    VAN_SURVEY_COLUMNS,
)
from tests.world import knock

# The first line of each export; a new export adds its line here (the test fails without it).
HEADER_ROW = {"knocks-van": VAN_COLUMNS, "survey-van": VAN_SURVEY_COLUMNS,
              "knocks": PLAIN_COLUMNS, "turfs": None}  # GeoJSON: checked as JSON below
NAMES = [export.name for export in EXPORTS]
WHO = {"volunteer": "vol1@example.org", "other_organizer": "pa@example.org"}


@pytest.fixture
def knocked(client, world):
    """Two knocks by vol1, so every export has a row."""
    for door, outcome in zip(world.doors, ["not_home", "contact"]):
        body = knock(door, outcome)
        assert client.post("/api/v1/knocks", json=body,
                           headers=world.headers("vol1")).status_code == 201


def test_the_table_names_each_export_once():
    assert len(set(NAMES)) == len(NAMES) and set(NAMES) == set(HEADER_ROW)
    assert len({export.old_path for export in EXPORTS}) == len(EXPORTS)


@pytest.mark.parametrize("name", NAMES)
def test_organizer_downloads_it(client, auth, world, knocked, name):
    export = BY_NAME[name]
    auth.login("org@example.org")
    response = client.get(f"/races/{world.race}/exports/{name}")
    assert response.status_code == 200
    assert response.mimetype == export.media_type
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{export.filename_for(world.race)}"')
    text = response.get_data(as_text=True)
    if HEADER_ROW[name] is None:
        body = response.get_json(force=True)
        assert body["type"] == "FeatureCollection"
        assert body["features"][0]["properties"]["kind"] == "district"
    else:
        assert next(csv.reader(io.StringIO(text))) == HEADER_ROW[name]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("who", sorted(WHO))
def test_others_may_not(client, auth, world, name, who):
    """The race's own volunteers and another chapter's organizers are refused (403, as every
    organizer page: tests/functional/test_access_matrix.py)."""
    auth.login(WHO[who])
    assert client.get(f"/races/{world.race}/exports/{name}").status_code == 403


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_login(client, world, name):
    response = client.get(f"/races/{world.race}/exports/{name}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("name", NAMES)
def test_the_first_url_gives_the_same_file(client, auth, world, knocked, name):
    export = BY_NAME[name]
    auth.login("org@example.org")
    old = client.get(f"/races/{world.race}/export/{export.old_path}")
    old_body = old.get_data()  # a stream: read it before the next request
    new = client.get(f"/races/{world.race}/exports/{name}")
    assert old.status_code == 200
    assert old.headers["Content-Disposition"] == new.headers["Content-Disposition"]
    assert old_body == new.get_data()


@pytest.mark.parametrize("path", ["exports/nothing", "export/nothing.csv"])
def test_unknown_export_is_404(client, auth, world, path):
    auth.login("org@example.org")
    assert client.get(f"/races/{world.race}/{path}").status_code == 404


def test_unknown_race_is_404(client, auth, world):
    auth.login("org@example.org")
    assert client.get("/races/999999/exports/knocks").status_code == 404


def test_dashboard_links_every_export(client, auth, world):
    auth.login("org@example.org")
    html = client.get(f"/races/{world.race}/dashboard").get_data(as_text=True)
    for export in EXPORTS:
        assert f'href="/races/{world.race}/exports/{export.name}">{export.title}</a>' in html
