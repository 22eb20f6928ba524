"""The same outbox, or the same single knock, sent twice at the same moment (a phone retrying
while its first try is still in flight): every knock is stored once, and each copy gets a
verdict that empties the outbox (created for one, duplicate for the other), on SQLite and
PostgreSQL."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from fieldapp.canvass.models import DoorKnock
from fieldapp.voters.models import Household
from tests.world import knock


def test_two_deliveries_at_once_store_each_knock_once(app, db, world):
    rounds = 4
    for _ in range(rounds):
        items = [knock(door) for door in world.doors]
        barrier = threading.Barrier(2)
        answers: list[list[dict]] = []
        failures: list[BaseException] = []

        def deliver():
            try:
                client = app.test_client()
                barrier.wait(timeout=10)
                response = client.post("/api/v1/knocks/batch", json={"knocks": items},
                                       headers=world.headers("vol1"))
                assert response.status_code == 200, response.get_data(as_text=True)
                answers.append(response.get_json()["results"])
            except BaseException as error:  # noqa: BLE001 (reported below)
                failures.append(error)

        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures, failures
        for index, item in enumerate(items):
            verdicts = sorted(answer[index]["status"] for answer in answers)
            assert verdicts == ["created", "duplicate"], (item["client_uuid"], verdicts)
            ids = {answer[index]["knock"]["id"] for answer in answers}
            assert len(ids) == 1  # both answers name the one stored knock
    db.expire_all()
    stored = db.scalar(sa.select(sa.func.count()).select_from(DoorKnock))
    assert stored == rounds * len(world.doors)
    counts = db.scalars(sa.select(Household.knock_count).where(Household.id.in_(world.doors)))
    assert sum(counts) == stored


def test_one_knock_sent_twice_at_once_is_stored_once(app, db, world):
    rounds = 6
    for index in range(rounds):
        item = knock(world.doors[index % len(world.doors)])
        barrier = threading.Barrier(2)
        statuses: list[int] = []
        failures: list[BaseException] = []

        def deliver():
            try:
                client = app.test_client()
                barrier.wait(timeout=10)
                response = client.post("/api/v1/knocks", json=item, headers=world.headers("vol1"))
                statuses.append(response.status_code)
            except BaseException as error:  # noqa: BLE001 (reported below)
                failures.append(error)

        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures, failures
        assert sorted(statuses) == [200, 201], statuses
    db.expire_all()
    stored = db.scalar(sa.select(sa.func.count()).select_from(DoorKnock))
    assert stored == rounds
    counts = db.scalars(sa.select(Household.knock_count).where(Household.id.in_(world.doors)))
    assert sum(counts) == stored
