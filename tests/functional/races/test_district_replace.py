"""Replacing a race's real district boundary asks first, naming what it affects."""
from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa

from fieldapp.jobs.models import Job
from fieldapp.races.models import Race
from tests import factories

SQUARE = (Path(__file__).resolve().parents[2] / "data" / "districts"
          / "square_feature.geojson").read_bytes()


def _race(db):
    """A race with a real boundary, 6 doors in two turfs, one held by Vera."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    doors = factories.households(db, race, 6)
    turf = factories.turf(db, race, doors[:3], name="A")
    factories.turf(db, race, doors[3:], name="B")
    factories.user(db, "org@example.org", ny, "organizer")
    vera = factories.user(db, "vera@example.org", ny, "volunteer", name="Vera")
    factories.assign(db, turf, vera)
    db.commit()
    return race


def _upload(client, race_id: int, **extra):
    data = {"file": (io.BytesIO(SQUARE), "square.geojson"), **extra}
    return client.post(f"/races/{race_id}/district", data=data,
                       content_type="multipart/form-data")


def test_replacing_a_real_boundary_names_what_it_affects_and_needs_a_tick(client, auth, db):
    race = _race(db)
    before = dict(race.district)
    auth.login("org@example.org")
    page = client.get(f"/races/{race.id}/district").get_data(as_text=True)
    assert 'id="replace-impact"' in page
    assert "6 geocoded doors" in page and "2 active turfs (6 doors)" in page
    assert "assignments of 1 volunteer stay" in page
    refused = _upload(client, race.id)
    assert refused.status_code == 422
    assert "Tick the box to replace the current boundary" in refused.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0  # nothing uploaded or queued
    db.expire_all()
    assert db.get(Race, race.id).district == before
    taken = _upload(client, race.id, confirm_replace="y")
    assert taken.status_code == 302 and "/jobs/" in taken.headers["Location"]
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 1


def test_a_first_or_synthetic_boundary_is_not_asked_about(client, auth, db):
    race = _race(db)
    race.district_is_synthetic = True
    db.commit()
    auth.login("org@example.org")
    assert 'id="replace-impact"' not in client.get(f"/races/{race.id}/district").get_data(as_text=True)
    assert _upload(client, race.id).status_code == 302


def test_cli_names_what_a_replacement_affects_and_asks(db, runner, tmp_path):
    race = _race(db)
    before = dict(race.district)
    path = tmp_path / "square.geojson"
    path.write_bytes(SQUARE)
    args = ["imports", "district", str(path), "--race", "NY race"]
    refused = runner.invoke(args=args, input="n\n")
    assert refused.exit_code == 1
    assert "6 geocoded doors" in refused.output and "2 active turfs (6 doors)" in refused.output
    assert "1 volunteer stay" in refused.output and "Replace the district of NY race?" in refused.output
    db.expire_all()
    assert db.get(Race, race.id).district == before  # nothing saved
    taken = runner.invoke(args=[*args, "--yes"])
    assert taken.exit_code == 0, taken.output
    assert "Replace the district" not in taken.output and "District boundary saved" in taken.output
    db.expire_all()
    assert db.get(Race, race.id).district != before


def test_cli_does_not_ask_about_a_synthetic_boundary(db, runner, tmp_path):
    race = _race(db)
    race.district_is_synthetic = True
    db.commit()
    path = tmp_path / "square.geojson"
    path.write_bytes(SQUARE)
    result = runner.invoke(args=["imports", "district", str(path), "--race", str(race.id)])
    assert result.exit_code == 0, result.output
    assert "Replace the district" not in result.output
    db.expire_all()
    assert db.get(Race, race.id).district_is_synthetic is False
