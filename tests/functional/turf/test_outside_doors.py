"""Doors outside the district archived from their page (asked first), then brought back."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.reports.progress import race_progress
from fieldapp.turf import services
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household
from tests import factories
from tests.conftest import csrf_token_from


def _race(db):
    """40 doors in the district, cut into two turfs, then 3 moved far outside (one knocked)."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    doors = factories.households(db, race, 40)
    factories.user(db, "org@example.org", ny, "organizer")
    services.cut_race(db, race, 20)
    for door in doors[:3]:  # a new district left them out: 5.5 km north
        door.lat += 0.05
    doors[0].last_outcome = "not_home"
    db.commit()
    return race, doors


def test_archive_asks_first_naming_what_is_lost_then_archives(client, auth, db):
    race, doors = _race(db)
    turf_id = doors[0].turf_id
    auth.login("org@example.org")
    url = f"/races/{race.id}/outside-doors"
    page = client.get(url).get_data(as_text=True)
    assert "<strong>3</strong> geocoded doors lie outside" in page and "Archive them" in page
    token = csrf_token_from(client, url)
    asked = client.post(f"{url}/archive", data={"csrf_token": token})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Archive 3 doors outside the district?" in html
    assert "1 of them were knocked" in html and "3 doors" in html
    db.expire_all()
    assert db.get(Household, doors[0].id).archived_at is None  # nothing changed yet

    done = client.post(f"{url}/archive", data={"csrf_token": token, "confirmed": "1"})
    assert done.status_code == 303
    db.expire_all()
    for door in doors[:3]:
        again = db.get(Household, door.id)
        assert again.archived_at is not None and again.turf_id is None
    assert db.get(Turf, turf_id).door_count == 17
    assert race_progress(db, race)["households"] == 37
    page = client.get(url).get_data(as_text=True)
    assert "Every geocoded door lies inside the district" in page
    assert "<strong>3</strong> archived doors" in page
    # A cut of the free doors leaves the archived ones out.
    with_nothing = client.post(f"/races/{race.id}/turfs/cut", data={"csrf_token": token,
                                                                     "doors": "10"})
    assert with_nothing.status_code == 302
    db.expire_all()
    assert all(db.get(Household, d.id).turf_id is None for d in doors[:3])


def test_restore_brings_archived_doors_back_without_a_turf(client, auth, db):
    race, doors = _race(db)
    auth.login("org@example.org")
    url = f"/races/{race.id}/outside-doors"
    token = csrf_token_from(client, url)
    client.post(f"{url}/archive", data={"csrf_token": token, "confirmed": "1"})
    back = client.post(f"{url}/restore", data={"csrf_token": token})
    assert back.status_code == 303
    db.expire_all()
    again = db.get(Household, doors[1].id)
    assert again.archived_at is None and again.turf_id is None
    assert race_progress(db, race)["households"] == 40
    assert "<strong>3</strong> geocoded doors lie outside" in client.get(url).get_data(as_text=True)


def test_archive_with_nothing_outside_changes_nothing(client, auth, db):
    race, doors = _race(db)
    auth.login("org@example.org")
    url = f"/races/{race.id}/outside-doors"
    token = csrf_token_from(client, url)
    for door in doors[:3]:
        door.lat -= 0.05
    db.commit()
    nothing = client.post(f"{url}/archive", data={"csrf_token": token, "confirmed": "1"})
    assert nothing.status_code == 422 and "nothing to archive" in nothing.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).where(Household.archived_at.is_not(None))) == 0
