"""POST /api/v1/knocks and /knocks/batch: exactly once, field errors, who may knock where."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from fieldapp.knocklog.models import DoorKnock
from fieldapp.models_base import utcnow
from fieldapp.voters.models import Household
from tests.world import knock


def _post(client, world, body, who="vol1"):
    return client.post("/api/v1/knocks", json=body, headers=world.headers(who))


def _count(db):
    return db.scalar(sa.select(sa.func.count()).select_from(DoorKnock))


def test_created_then_replayed_then_conflict(db, client, world):
    body = knock(world.doors[0], note="Nice dog")
    first = _post(client, world, body)
    assert first.status_code == 201
    stored = first.get_json()
    assert stored["outcome"] == "not_home" and stored["note"] == "Nice dog"
    assert stored["knocked_at"].endswith("-04:00")  # the device's zone is kept
    replay = _post(client, world, body)
    assert replay.status_code == 200
    assert replay.get_json() == stored
    conflict = _post(client, world, body | {"outcome": "refused"})
    assert conflict.status_code == 409
    assert conflict.get_json()["error"]["code"] == "conflict"
    assert _count(db) == 1


def test_latest_outcome_becomes_the_door_status(db, client, world):
    early = utcnow() - dt.timedelta(hours=2)
    _post(client, world, knock(world.doors[0], "contact"))
    _post(client, world, knock(world.doors[0], "not_home", knocked_at=early.isoformat()))
    door = db.get(Household, world.doors[0])
    assert door.last_outcome == "contact"  # the later knock by device time wins
    assert door.knock_count == 2


def test_two_volunteers_knocking_one_door_both_count(db, client, world):
    assert _post(client, world, knock(world.doors[1], "not_home"), "vol1").status_code == 201
    assert _post(client, world, knock(world.doors[1], "contact"), "organizer").status_code == 201
    assert _count(db) == 2
    assert db.get(Household, world.doors[1]).last_outcome == "contact"


@pytest.mark.parametrize("change,field", [
    ({"outcome": "maybe"}, "outcome"),
    ({"knocked_at": "yesterday"}, "knocked_at"),
    ({"knocked_at": "2017-05-20T14:05:00"}, "knocked_at"),  # no offset
    ({"client_uuid": "not-a-uuid"}, "client_uuid"),
    ({"household_id": None}, "household_id"),
    ({"location": {"lat": 140, "lon": 0}}, "location.lat"),
    ({"note": "x" * 2001}, "note"),
])
def test_field_errors_are_422_with_the_field_named(client, world, change, field):
    response = _post(client, world, knock(world.doors[0]) | change)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_knock_in_the_future_is_refused(client, world):
    future = (utcnow() + dt.timedelta(minutes=6)).isoformat()
    response = _post(client, world, knock(world.doors[0], knocked_at=future))
    assert response.status_code == 422
    assert "future" in response.get_json()["error"]["fields"]["knocked_at"]
    soon = (utcnow() + dt.timedelta(minutes=4)).isoformat()  # phone clocks drift a little
    assert _post(client, world, knock(world.doors[0], knocked_at=soon)).status_code == 201


def test_answers_must_belong_to_this_race(client, world):
    bad = _post(client, world, knock(world.doors[0], "contact",
                                     answers={str(world.other_question): world.choices[0]}))
    # Held for review, not refused: the script may have changed since the phone loaded it.
    assert bad.status_code == 202
    assert bad.get_json()["status"] == "held" and bad.get_json()["held_id"]
    assert f"answers.{world.other_question}" in bad.get_json()["reason"]
    wrong_choice = _post(client, world, knock(world.doors[0], "contact",
                                              answers={str(world.question): 999999}))
    assert wrong_choice.status_code == 202
    good = _post(client, world, knock(world.doors[0], "contact",
                                      answers={str(world.question): world.choices[4]}))
    assert good.status_code == 201
    assert good.get_json()["answers"] == {str(world.question): world.choices[4]}


@pytest.mark.parametrize("who,door_set,expected", [
    ("vol1", "doors", 201),
    ("vol1", "other_turf_doors", 202),        # another volunteer's turf: held for review
    ("vol1", "other_org_doors", 202),         # another chapter: held
    ("organizer", "other_turf_doors", 201),   # organizers may log any door of their chapter
    ("pa_organizer", "doors", 202),
])
def test_who_may_knock_where(client, world, who, door_set, expected):
    door = getattr(world, door_set)[0]
    assert _post(client, world, knock(door), who).status_code == expected


def test_unknown_door_is_held_like_any_other_not_yours(client, world):
    """A deleted door is held (nothing dropped), with no more said than for a foreign door."""
    response = _post(client, world, knock(987654))
    assert response.status_code == 202 and response.get_json()["status"] == "held"


def test_far_knock_is_kept_but_flagged(db, client, world):
    door = db.get(Household, world.doors[2])
    near = _post(client, world, knock(door.id, location={"lat": door.lat + 0.0005, "lon": door.lon,
                                                          "accuracy_m": 12}))
    far = _post(client, world, knock(door.id, location={"lat": door.lat + 0.01, "lon": door.lon}))
    assert near.status_code == far.status_code == 201
    assert near.get_json()["flagged_far"] is False and 50 < near.get_json()["distance_m"] < 60
    assert far.get_json()["flagged_far"] is True and far.get_json()["distance_m"] > 1000


def test_undo_within_a_minute_voids_the_knock(db, client, world):
    original = knock(world.doors[3], "refused")
    assert _post(client, world, original).status_code == 201
    undo = {"client_uuid": str(uuid.uuid4()), "household_id": world.doors[3],
            "voids": original["client_uuid"], "knocked_at": utcnow().isoformat()}
    response = _post(client, world, undo)
    assert response.status_code == 201
    assert response.get_json()["outcome"] == "void"
    door = db.get(Household, world.doors[3])
    assert door.last_outcome is None and door.knock_count == 0
    assert _count(db) == 2  # append-only: the undo is an event, nothing deleted


def test_undo_after_the_window_is_held(client, world):
    old = utcnow() - dt.timedelta(minutes=10)
    original = knock(world.doors[4], knocked_at=old.isoformat())
    _post(client, world, original)
    undo = {"client_uuid": str(uuid.uuid4()), "household_id": world.doors[4],
            "voids": original["client_uuid"], "knocked_at": utcnow().isoformat()}
    response = _post(client, world, undo)
    assert response.status_code == 202
    assert "within a minute" in response.get_json()["reason"]


def test_batch_with_mixed_items(db, client, world):
    good = knock(world.doors[0])
    already = knock(world.doors[1])
    _post(client, world, already)
    items = [
        good,
        already,                                        # duplicate
        already | {"outcome": "moved"},                 # conflict
        knock(world.doors[2], "dancing"),               # invalid
        knock(world.other_turf_doors[0]),               # held: not this volunteer's door
        "not even an object",                           # invalid
        knock(world.doors[3], "contact"),
        good,                                           # same UUID twice in one batch
    ]
    response = client.post("/api/v1/knocks/batch", json={"knocks": items},
                           headers=world.headers("vol1"))
    assert response.status_code == 200
    statuses = [r["status"] for r in response.get_json()["results"]]
    assert statuses == ["created", "duplicate", "conflict", "invalid", "held", "invalid",
                        "created", "duplicate"]
    assert [r["client_uuid"] for r in response.get_json()["results"]][:2] == \
        [good["client_uuid"], already["client_uuid"]]
    assert _count(db) == 3


def test_batch_limits_and_shape(client, world):
    too_many = {"knocks": [knock(world.doors[0]) for _ in range(501)]}
    assert client.post("/api/v1/knocks/batch", json=too_many,
                       headers=world.headers("vol1")).status_code == 422
    assert client.post("/api/v1/knocks/batch", json={"nope": 1},
                       headers=world.headers("vol1")).status_code == 422


def test_session_clients_need_the_csrf_header(app, db, client, auth, world):
    app.config["WTF_CSRF_ENABLED"] = True
    auth.login("vol1@example.org")
    body = knock(world.doors[0])
    refused = client.post("/api/v1/knocks", json=body)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf"
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client, "/my/turfs")
    accepted = client.post("/api/v1/knocks", json=body, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_replay_after_the_turf_was_taken_back_is_still_a_duplicate(db, client, world):
    """An outbox that syncs late must not be told 'forbidden' for a knock already stored."""
    from fieldapp.turf.models import Assignment

    body = knock(world.doors[5])
    assert _post(client, world, body).status_code == 201
    db.execute(sa.update(Assignment).where(Assignment.turf_id == world.turf)
               .values(status="ended"))
    db.commit()
    assert _post(client, world, body).status_code == 200
    assert _post(client, world, body | {"outcome": "moved"}).status_code == 409
    assert _post(client, world, knock(world.doors[5])).status_code == 202  # held, not lost
    assert _count(db) == 1


def test_undo_in_the_same_batch_as_its_knock(db, client, world):
    first = knock(world.doors[2], "contact")
    undo = {"client_uuid": str(uuid.uuid4()), "household_id": world.doors[2],
            "voids": first["client_uuid"], "knocked_at": utcnow().isoformat()}
    again = knock(world.doors[2], "not_home")
    response = client.post("/api/v1/knocks/batch", json={"knocks": [first, undo, again]},
                           headers=world.headers("vol1"))
    results = response.get_json()["results"]
    assert [r["status"] for r in results] == ["created", "created", "created"]
    assert results[1]["knock"]["voids_knock_id"] == results[0]["knock"]["id"]
    stored = db.get(DoorKnock, results[1]["knock"]["id"])
    assert stored.voids_knock_id == results[0]["knock"]["id"]
    door = db.get(Household, world.doors[2])
    assert door.knock_count == 1 and door.last_outcome == "not_home"


def test_a_whole_outbox_sent_twice_is_stored_once(db, client, world):
    """The second delivery finds every UUID taken (by the INSERT itself): all duplicates,
    with the stored knocks, and the doors' counts do not move."""
    items = [knock(door) for door in world.doors]
    first = client.post("/api/v1/knocks/batch", json={"knocks": items},
                        headers=world.headers("vol1")).get_json()["results"]
    second = client.post("/api/v1/knocks/batch", json={"knocks": items},
                         headers=world.headers("vol1")).get_json()["results"]
    assert {r["status"] for r in first} == {"created"}
    assert {r["status"] for r in second} == {"duplicate"}
    assert [r["knock"] for r in second] == [r["knock"] for r in first]
    assert _count(db) == len(world.doors)
    assert sum(db.get(Household, d).knock_count for d in world.doors) == len(world.doors)


def test_a_batch_stores_every_field_as_sent(db, client, world):
    """Batches take another INSERT than single knocks on PostgreSQL (unnest of arrays):
    every column must come back as it went in, None included."""
    door = db.get(Household, world.doors[0])
    full = knock(door.id, "contact", voter_id=door.voters[0].id, note="Wants a lawn sign",
                 answers={str(world.question): world.choices[3]},
                 location={"lat": door.lat + 0.0001, "lon": door.lon, "accuracy_m": 8.5})
    bare = knock(world.doors[1])  # no voter, answers, note or location
    sent = client.post("/api/v1/knocks/batch", json={"knocks": [full, bare]},
                       headers=world.headers("vol1")).get_json()["results"]
    assert [r["status"] for r in sent] == ["created", "created"]
    stored = {k.client_uuid: k for k in db.scalars(sa.select(DoorKnock))}
    first, second = stored[full["client_uuid"]], stored[bare["client_uuid"]]
    assert first.answers == {str(world.question): world.choices[3]}
    assert (first.voter_id, first.note, first.accuracy_m) == (door.voters[0].id, "Wants a lawn sign", 8.5)
    assert first.latitude == full["location"]["lat"] and 10 < first.distance_m < 12
    assert first.knocked_at.utcoffset().total_seconds() == 0 and first.knocked_at_offset_min == -240
    assert first.flagged_far is False and first.turf_id == world.turf and first.race_id == world.race
    assert second.answers is None and second.voter_id is None and second.latitude is None
    assert second.note == "" and second.distance_m is None and second.voids_knock_id is None
    assert sent[0]["knock"] == client.post("/api/v1/knocks", json=full,
                                           headers=world.headers("vol1")).get_json()
