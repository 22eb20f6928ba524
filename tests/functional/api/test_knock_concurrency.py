"""The same outbox, or the same single knock, sent twice at the same moment (a phone retrying
while its first try is still in flight): every knock is stored once, and each copy gets a
verdict that empties the outbox (created for one, duplicate for the other), on SQLite and
PostgreSQL."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from fieldapp.knocklog.models import DoorKnock
from fieldapp.voters.models import Household
from tests.world import knock


def twice_at_once(app, path: str, body: dict, headers: dict) -> list:
    """POST body to path from two clients released at the same instant; both responses."""
    barrier = threading.Barrier(2)
    responses: list = []
    failures: list[BaseException] = []

    def deliver():
        try:
            client = app.test_client()
            barrier.wait(timeout=10)
            responses.append(client.post(path, json=body, headers=headers))
        except BaseException as error:  # noqa: BLE001 (reported below)
            failures.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures
    return responses


def stored_once_each(db, world, expected: int) -> None:
    """The knocks in the database, and the doors' cached counts adding up to them."""
    db.expire_all()
    stored = db.scalar(sa.select(sa.func.count()).select_from(DoorKnock))
    assert stored == expected
    counts = db.scalars(sa.select(Household.knock_count).where(Household.id.in_(world.doors)))
    assert sum(counts) == stored


def test_two_deliveries_at_once_store_each_knock_once(app, db, world):
    rounds = 4
    for _ in range(rounds):
        items = [knock(door) for door in world.doors]
        responses = twice_at_once(app, "/api/v1/knocks/batch", {"knocks": items},
                                  world.headers("vol1"))
        assert [r.status_code for r in responses] == [200, 200], \
            [r.get_data(as_text=True) for r in responses]
        answers = [r.get_json()["results"] for r in responses]
        for index, item in enumerate(items):
            verdicts = sorted(answer[index]["status"] for answer in answers)
            assert verdicts == ["created", "duplicate"], (item["client_uuid"], verdicts)
            ids = {answer[index]["knock"]["id"] for answer in answers}
            assert len(ids) == 1  # both answers name the one stored knock
    stored_once_each(db, world, rounds * len(world.doors))


def test_one_knock_sent_twice_at_once_is_stored_once(app, db, world):
    rounds = 6
    for index in range(rounds):
        item = knock(world.doors[index % len(world.doors)])
        responses = twice_at_once(app, "/api/v1/knocks", item, world.headers("vol1"))
        assert sorted(r.status_code for r in responses) == [200, 201]
    stored_once_each(db, world, rounds)
