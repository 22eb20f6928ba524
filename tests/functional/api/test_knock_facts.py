"""Issue 15: a knock is judged by the moment it was logged, bad items get their own verdict,
and nothing is dropped: what the server will not take is held for review."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from fieldapp.canvass import held as held_knocks
from fieldapp.knocklog.models import DoorKnock, HeldKnock
from fieldapp.models_base import utcnow
from fieldapp.turf import services as turf_services
from fieldapp.turf.membership import DoorTurfSpan, set_door_turf
from fieldapp.turf.models import Assignment, Turf
from tests import factories
from tests.world import knock


def _batch(client, world, items, who="vol1"):
    response = client.post("/api/v1/knocks/batch", json={"knocks": items},
                           headers=world.headers(who))
    assert response.status_code == 200
    return response.get_json()["results"]


def _ago(minutes: float) -> str:
    return (utcnow() - dt.timedelta(minutes=minutes)).isoformat()


def _stored(db, user_email="vol1@example.org"):
    user = factories.get_user(db, user_email)
    return db.scalars(sa.select(DoorKnock).where(DoorKnock.user_id == user.id)).all()


def _backdate(db, turf_id: int, minutes: int) -> None:
    """The turf, its spans and assignments began `minutes` ago (the world was set up then)."""
    then = utcnow() - dt.timedelta(minutes=minutes)
    db.execute(sa.update(DoorTurfSpan).where(DoorTurfSpan.turf_id == turf_id).values(started_at=then))
    db.execute(sa.update(Assignment).where(Assignment.turf_id == turf_id).values(created_at=then))
    db.commit()


@pytest.mark.parametrize("change", ["recut", "take_back", "split", "deactivate_turf"])
def test_knocks_logged_before_a_change_are_stored_after_it(db, client, world, change):
    """The WI story: three not-homes logged offline before the organizer changed the turf."""
    _backdate(db, world.turf, 60)
    turf = db.get(Turf, world.turf)
    if change == "recut":
        turf_services.retire_turf(db, turf)  # what cut_race(replace=True) does to each turf
    elif change == "take_back":
        for assignment in turf.assignments:
            turf_services.unassign(db, assignment)
    elif change == "split":
        set_door_turf(db, world.doors[:3], world.other_turf)
    else:
        set_door_turf(db, world.doors, None)
        turf.status = "archived"
    db.commit()
    offline = [knock(door, knocked_at=_ago(20 - i)) for i, door in enumerate(world.doors[:3])]
    results = _batch(client, world, offline)
    assert [r["status"] for r in results] == ["created"] * 3
    stored = _stored(db)
    assert len(stored) == 3 and {k.turf_id for k in stored} == {world.turf}
    # A knock logged after the change (beyond the 2 minutes of clock slack) is not the
    # volunteer's: held for review, not lost.
    later = (utcnow() + dt.timedelta(minutes=3)).isoformat()
    late = _batch(client, world, [knock(world.doors[0], knocked_at=later)])[0]
    assert late["status"] == "held" and late["held_id"]
    assert _batch(client, world, [offline[0]])[0]["status"] == "duplicate"


def test_a_knock_from_before_the_assignment_is_held(db, client, world):
    _backdate(db, world.turf, 10)
    result = _batch(client, world, [knock(world.doors[0], knocked_at=_ago(30))])[0]
    # The door is the volunteer's now, which counts: phones log doors of a turf they hold.
    assert result["status"] == "created"
    set_door_turf(db, world.doors, None)
    db.commit()
    held = _batch(client, world, [knock(world.doors[1], knocked_at=_ago(30))])[0]
    assert held["status"] == "held"


POISON = [
    {"note": "broken emoji \ud83d"},
    {"note": "nul \x00 inside"},
    {"household_id": 2**31},
    {"household_id": 2**63},
    {"household_id": "¹"},
    {"location": {"lat": int("9" * 400), "lon": 0}},
    {"knocked_at": "0001-01-01T00:00:00+14:00"},
    {"knocked_at": "1900-05-01T10:00:00-04:00"},
    {"knocked_at": _ago(60 * 24 * 8)},
    {"answers": {"¹": 1}},
    {"voter_id": 2**40},
]


def test_a_batch_with_poisoned_items_stores_the_others(db, client, world):
    good = [knock(world.doors[0]), knock(world.doors[1])]
    items = [good[0]] + [knock(world.doors[2]) | bad for bad in POISON] + [good[1]]
    results = _batch(client, world, items)
    assert results[0]["status"] == results[-1]["status"] == "created"
    for result, bad in zip(results[1:-1], POISON):
        assert result["status"] == "invalid", bad
        assert set(result["errors"]) & {k.split(".")[0] for k in bad} or result["errors"]
    assert len(_stored(db)) == 2


def test_dates_outside_the_skew_window_say_why(client, world):
    response = client.post("/api/v1/knocks", headers=world.headers("vol1"),
                           json=knock(world.doors[0], knocked_at="1900-05-01T10:00:00-04:00"))
    assert response.status_code == 422
    assert "7 days" in response.get_json()["error"]["fields"]["knocked_at"]


def test_deeply_nested_body_and_huge_ids_are_not_server_errors(client, world):
    deep = '{"knocks": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/api/v1/knocks/batch", data=deep, headers=world.headers("vol1")
                           | {"Content-Type": "application/json"})
    assert response.status_code in (413, 422)
    for path in (f"/api/v1/turfs/{2**31}", f"/api/v1/turfs/{2**63}", "/api/v1/turfs/¹",
                 f"/api/v1/turfs/{10**30}"):
        assert client.get(path, headers=world.headers("vol1")).status_code == 404


def test_undo_counts_from_the_servers_receipt(db, client, world):
    original = knock(world.doors[3], "refused")
    assert _batch(client, world, [original])[0]["status"] == "created"
    # The knock reached the server ten minutes ago; the phone's clock says the undo is fresh.
    db.execute(sa.update(DoorKnock).values(received_at=utcnow() - dt.timedelta(minutes=10),
                                           knocked_at=utcnow() - dt.timedelta(seconds=20)))
    db.commit()
    undo = {"client_uuid": str(uuid.uuid4()), "household_id": world.doors[3],
            "voids": original["client_uuid"], "knocked_at": utcnow().isoformat()}
    result = _batch(client, world, [undo])[0]
    assert result["status"] == "held" and "minute" in result["reason"]
    assert db.scalar(sa.select(sa.func.count()).select_from(DoorKnock)) == 1


def test_review_endpoint_is_idempotent(db, client, world):
    body = {"client_uuid": "phone-item-1", "payload": {"note": "anything", "deep": [[1]]},
            "reason": "kept failing"}
    first = client.post("/api/v1/knocks/review", json=body, headers=world.headers("vol1"))
    again = client.post("/api/v1/knocks/review", json=body, headers=world.headers("vol1"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["held_id"] == again.get_json()["held_id"]
    bad = client.post("/api/v1/knocks/review", json={"payload": 1}, headers=world.headers("vol1"))
    assert bad.status_code == 422 and "client_uuid" in bad.get_json()["error"]["fields"]
    assert db.scalar(sa.select(sa.func.count()).select_from(HeldKnock)) == 1


def test_accepting_a_held_knock_makes_one_knock_for_the_volunteer(db, client, world):
    item = knock(world.other_turf_doors[0], "contact")
    held_id = _batch(client, world, [item])[0]["held_id"]
    assert _batch(client, world, [item])[0]["held_id"] == held_id  # replays find it
    organizer = factories.get_user(db, "org@example.org")
    held = db.get(HeldKnock, held_id)
    assert held_knocks.accept(db, held, organizer) is None
    assert held_knocks.accept(db, held, organizer) is None  # twice: still one knock
    db.commit()
    stored = _stored(db)
    assert len(stored) == 1 and stored[0].client_uuid == item["client_uuid"]
    assert db.get(HeldKnock, held_id).state == "accepted"
    assert db.get(HeldKnock, held_id).knock_id == stored[0].id
    assert _batch(client, world, [item])[0]["status"] == "duplicate"


def _held_in_race(client, world, count):
    items = [knock(world.other_turf_doors[i]) for i in range(count)]
    return [r["held_id"] for r in _batch(client, world, items)]


def test_organizer_reviews_held_knocks_with_confirmation(db, client, auth, world):
    held_ids = _held_in_race(client, world, 3)
    auth.login("org@example.org")
    assert "3 held knocks to review" in client.get(f"/races/{world.race}").get_data(as_text=True)
    assert "3 held knocks" in client.get(f"/races/{world.race}/dashboard").get_data(as_text=True)
    page = client.get(f"/races/{world.race}/held").get_data(as_text=True)
    assert page.count('name="held_id"') == 3
    ask = client.post(f"/races/{world.race}/held/decide",
                      data={"action": "accept", "held_id": held_ids[:2]})
    assert ask.status_code == 200 and "Accept 2 held knocks?" in ask.get_data(as_text=True)
    assert _stored(db) == []  # nothing until confirmed
    done = client.post(f"/races/{world.race}/held/decide",
                       data={"action": "accept", "held_id": held_ids[:2], "confirm": "yes"})
    assert done.status_code == 302
    client.post(f"/races/{world.race}/held/decide",
                data={"action": "reject", "held_id": held_ids[2:], "confirm": "yes"})
    assert len(_stored(db)) == 2  # attributed to vol1, who logged them
    states = dict(db.execute(sa.select(HeldKnock.id, HeldKnock.state)).all())
    assert [states[i] for i in held_ids] == ["accepted", "accepted", "rejected"]
    # Accepting again (a second tab) changes nothing.
    client.post(f"/races/{world.race}/held/decide",
                data={"action": "accept", "held_id": held_ids, "confirm": "yes"})
    assert len(_stored(db)) == 2


def test_other_chapters_organizer_cannot_decide_held_knocks(db, client, auth, world):
    held_ids = _held_in_race(client, world, 1)
    auth.login("pa@example.org")
    assert client.get(f"/races/{world.race}/held").status_code == 403
    response = client.post(f"/races/{world.race}/held/decide",
                           data={"action": "accept", "held_id": held_ids, "confirm": "yes"})
    assert response.status_code == 403
    assert db.get(HeldKnock, held_ids[0]).state == "pending"
