"""The turfs list (filter, sort, search, pages, bulk actions) and split/merge on the turf page."""
from __future__ import annotations

import json

import sqlalchemy as sa

from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household
from tests import factories
from tests.conftest import csrf_token_from


def _race_with_turfs(db, count=12, doors=4):
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    factories.user(db, "org@example.org", ny, "organizer")
    vol = factories.user(db, "vol@example.org", ny, "volunteer", name="Val Volunteer")
    houses = factories.households(db, race, count * doors)
    turfs = [factories.turf(db, race, houses[k * doors:(k + 1) * doors], name=f"T {k:03d}")
             for k in range(count)]
    for t in turfs:
        t.code = f"AB{t.id:02d}-CDEF"
    db.commit()
    return race, turfs, vol


def test_filter_search_sort_and_pages(client, auth, db):
    race, turfs, vol = _race_with_turfs(db, 60)
    factories.assign(db, turfs[3], vol)
    db.commit()
    auth.login("org@example.org")
    html = client.get(f"/races/{race.id}/turfs").get_data(as_text=True)
    assert html.count('data-turf-id=') == 50 and "page 1 of 2" in html
    html = client.get(f"/races/{race.id}/turfs?page=2").get_data(as_text=True)
    assert html.count('data-turf-id=') == 10
    html = client.get(f"/races/{race.id}/turfs?holder=assigned").get_data(as_text=True)
    assert html.count('data-turf-id=') == 1 and "T 003" in html
    html = client.get(f"/races/{race.id}/turfs?holder=unassigned&per_page=200").get_data(as_text=True)
    assert html.count('data-turf-id=') == 59
    html = client.get(f"/races/{race.id}/turfs?volunteer={vol.id}").get_data(as_text=True)
    assert html.count('data-turf-id=') == 1
    html = client.get(f"/races/{race.id}/turfs?q=t%20005").get_data(as_text=True)
    assert html.count('data-turf-id=') == 1
    code = turfs[7].code.replace("-", "").lower()
    assert client.get(f"/races/{race.id}/turfs?q={code}").get_data(as_text=True).count("data-turf-id=") == 1
    html = client.get(f"/races/{race.id}/turfs?sort=name&desc=1").get_data(as_text=True)
    assert html.index("T 059") < html.index("T 058")
    assert client.get(f"/races/{race.id}/turfs?min_pct=1").get_data(as_text=True).count("data-turf-id=") == 0
    assert client.get(f"/races/{race.id}/turfs?sort=bogus&page=x").status_code == 200


def test_bulk_assign_take_back_archive(client, auth, db):
    race, turfs, vol = _race_with_turfs(db)
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/races/{race.id}/turfs")
    picked = [str(t.id) for t in turfs[:5]]
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "assign", "turf": picked, "volunteer": str(vol.id),
        "shift_date": "2026-12-08"}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_json()
    assert "5 turfs assigned to Val Volunteer" in body["message"]
    assert set(body["rows"]) == set(picked) and "Val Volunteer" in body["rows"][picked[0]]
    assert db.scalar(sa.select(sa.func.count()).select_from(Assignment)
                     .where(Assignment.status == "active")) == 5
    # Take back asks first, naming the volunteer; nothing ends until confirmed.
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "take_back", "turf": picked[:2]})
    assert r.status_code == 200 and "Val Volunteer" in r.get_data(as_text=True)
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "take_back", "turf": picked[:2]},
        headers={"Accept": "application/json"})
    assert r.status_code == 409 and "Val Volunteer" in r.get_json()["confirm"]
    assert db.scalar(sa.select(sa.func.count()).select_from(Assignment)
                     .where(Assignment.status == "active")) == 5
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "take_back", "turf": picked[:2], "confirmed": "1",
        "next": f"/races/{race.id}/turfs?holder=assigned"})
    assert r.status_code == 303 and r.headers["Location"].endswith("holder=assigned")
    assert db.scalar(sa.select(sa.func.count()).select_from(Assignment)
                     .where(Assignment.status == "active")) == 3
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "archive", "turf": picked[4:], "confirmed": "1"})
    assert r.status_code == 303
    db.expire_all()
    archived = db.get(Turf, turfs[4].id)
    assert archived.status == "archived" and archived.code is None
    assert db.scalar(sa.select(sa.func.count()).where(Household.turf_id == archived.id)) == 0
    html = client.get(f"/races/{race.id}/turfs?archived=1").get_data(as_text=True)
    assert html.count("data-turf-id=") == 1
    # Print: one page with every picked turf's sheet.
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "print", "turf": picked[:3]})
    assert r.status_code == 303
    sheets = client.get(r.headers["Location"]).get_data(as_text=True)
    assert sheets.count('class="sheet-page"') == 3


def test_bulk_on_another_chapters_turfs_is_403_and_changes_nothing(client, auth, db):
    race, turfs, vol = _race_with_turfs(db, 3)
    pa = factories.org(db, "pa-wfp")
    pa_race = factories.race(db, pa, "PA race")
    pa_turf = factories.turf(db, pa_race, factories.households(db, pa_race, 3), name="PA 1")
    db.commit()
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/races/{race.id}/turfs")
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "assign", "turf": [str(turfs[0].id), str(pa_turf.id)],
        "volunteer": str(vol.id)}, headers={"Accept": "application/json"})
    assert r.status_code == 403
    assert db.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
    r = client.post(f"/races/{race.id}/turfs/bulk", data={
        "csrf_token": token, "action": "assign", "turf": [str(turfs[0].id)], "volunteer": "0"},
        headers={"Accept": "application/json"})
    assert r.status_code == 422 and "volunteer" in r.get_json()["error"]["fields"]
    r = client.post(f"/races/{race.id}/turfs/bulk", data={"csrf_token": token, "action": "assign"})
    assert r.status_code == 422 and "Pick at least one turf" in r.get_data(as_text=True)


def _split_line(turf_doors):
    """A north-south line between the 2nd and 3rd door of a 4-door row."""
    lon = (turf_doors[1].lon + turf_doors[2].lon) / 2
    lat = turf_doors[0].lat
    return json.dumps({"type": "LineString", "coordinates": [[lon, lat - 0.01], [lon, lat + 0.01]]})


def test_split_by_line_previews_then_saves_and_holders_follow(client, auth, db):
    _race, turfs, vol = _race_with_turfs(db, 2)
    turf = turfs[0]
    doors = list(turf.households)
    factories.assign(db, turf, vol)
    doors[3].last_outcome = "not_home"
    db.commit()
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/turfs/{turf.id}")
    bad = json.dumps({"type": "LineString", "coordinates": [[0, 0], [0.001, 0.001]]})
    r = client.post(f"/turfs/{turf.id}/split/preview", data={"csrf_token": token, "mode": "line",
                                                             "line": bad})
    assert r.status_code == 422 and "does not cut the turf" in r.get_data(as_text=True)
    line = _split_line(doors)
    r = client.post(f"/turfs/{turf.id}/split/preview", data={"csrf_token": token, "mode": "line",
                                                             "line": line})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "T 000 b" in html and "Val Volunteer" in html
    assert db.scalar(sa.select(sa.func.count()).select_from(Turf)) == 2  # nothing saved yet
    r = client.post(f"/turfs/{turf.id}/split", data={"csrf_token": token, "mode": "line",
                                                     "line": line, "name": ["T 000", "North"]})
    assert r.status_code == 303
    db.expire_all()
    new = db.scalar(sa.select(Turf).where(Turf.name == "North"))
    assert new.door_count == 2 and db.get(Turf, turf.id).door_count == 2
    assert db.scalar(sa.select(Assignment.volunteer_id).where(Assignment.turf_id == new.id)) == vol.id
    moved = db.get(Household, doors[3].id)
    assert moved.turf_id in (new.id, turf.id) and moved.last_outcome == "not_home"


def test_split_by_count_and_merge_back(client, auth, db):
    _race, turfs, _vol = _race_with_turfs(db, 2, doors=6)
    turf = turfs[0]
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/turfs/{turf.id}")
    r = client.post(f"/turfs/{turf.id}/split", data={"csrf_token": token, "mode": "count",
                                                     "parts": "3"})
    assert r.status_code == 303
    db.expire_all()
    parts = db.scalars(sa.select(Turf).where(Turf.name.like("T 000%"))).all()
    assert sorted(p.door_count for p in parts) == [2, 2, 2]
    other = next(p for p in parts if p.id != turf.id)
    r = client.post(f"/turfs/{turf.id}/merge/preview", data={"csrf_token": token,
                                                             "other": str(other.id)})
    assert r.status_code == 200 and "4 doors" in r.get_data(as_text=True)
    r = client.post(f"/turfs/{turf.id}/merge", data={"csrf_token": token, "other": str(other.id)})
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Turf, turf.id).door_count == 4 and db.get(Turf, other.id).status == "archived"


def test_merge_refuses_other_race_and_far_turfs(client, auth, db):
    race, turfs, _vol = _race_with_turfs(db, 2)
    ny = race.organization
    far_race = factories.race(db, ny, "Other race")
    far = factories.turf(db, far_race, factories.households(db, far_race, 3), name="Far")
    distant = turfs[1]
    for door in distant.households:
        door.lat += 0.05  # about 5.5 km north
    db.commit()
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/turfs/{turfs[0].id}")
    r = client.post(f"/turfs/{turfs[0].id}/merge", data={"csrf_token": token, "other": str(far.id)})
    assert r.status_code == 422 and "another race" in r.get_data(as_text=True)
    r = client.post(f"/turfs/{turfs[0].id}/merge", data={"csrf_token": token,
                                                         "other": str(distant.id)})
    assert r.status_code == 422 and "m apart" in r.get_data(as_text=True)
    db.expire_all()
    assert db.get(Turf, distant.id).status == "active" and db.get(Turf, distant.id).door_count == 4


def test_delete_and_take_back_ask_first(client, auth, db):
    _race, turfs, vol = _race_with_turfs(db, 2)
    assignment = factories.assign(db, turfs[0], vol)
    db.commit()
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/turfs/{turfs[0].id}")
    r = client.post(f"/assignments/{assignment.id}/return", data={"csrf_token": token})
    assert r.status_code == 200 and "Val Volunteer" in r.get_data(as_text=True)
    r = client.post(f"/turfs/{turfs[0].id}/retire", data={"csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "archived rather than deleted" in html and "Val Volunteer" in html
    db.expire_all()
    assert db.get(Assignment, assignment.id).status == "active"
    assert db.get(Turf, turfs[0].id).status == "active"
    gone = turfs[1].id
    r = client.post(f"/turfs/{gone}/retire", data={"csrf_token": token, "confirmed": "1"})
    assert r.status_code == 303
    db.expire_all()
    assert db.get(Turf, gone) is None
