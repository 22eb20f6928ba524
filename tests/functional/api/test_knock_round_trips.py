"""The single knock's short paths: one Core connection, a conversation's door, voter and
script read at once; on PostgreSQL statements outside a transaction, an undo's writes opened
together, and pooled connections pinged after a rest instead of before every request."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from fieldapp.canvass import knock_store
from fieldapp.fastsql import engine as database
from fieldapp.knocklog.models import DoorKnock
from fieldapp.models_base import utcnow
from fieldapp.voters.models import Household, Voter
from tests.world import knock


def _post(client, world, body, who="vol1"):
    return client.post("/api/v1/knocks", json=body, headers=world.headers(who))


def _voter(db, door: int) -> int:
    return db.scalars(sa.select(Voter.id).where(Voter.household_id == door)).first()


def _postgres_only(backend) -> None:
    if backend.name != "postgresql":
        pytest.skip("SQLite has no round trips to save")


def test_a_conversation_stores_its_voter_and_answers(db, client, world):
    voter = _voter(db, world.doors[0])
    response = _post(client, world, knock(world.doors[0], "contact", voter_id=voter,
                                          answers={str(world.question): world.choices[1]}))
    assert response.status_code == 201
    assert response.get_json()["voter_id"] == voter
    assert db.get(Household, world.doors[0]).last_outcome == "contact"


@pytest.mark.parametrize("voter_of", ["another door", "nobody"])
def test_a_voter_not_living_at_the_door_is_held_for_review(db, client, world, voter_of):
    voter = _voter(db, world.doors[1]) if voter_of == "another door" else 987654
    response = _post(client, world, knock(world.doors[0], "contact", voter_id=voter,
                                          answers={str(world.question): world.choices[1]}))
    # The voter list may have changed since the phone loaded it: an organizer decides.
    assert response.status_code == 202
    assert response.get_json()["reason"] == "voter_id: this voter does not live at this door"


def test_a_conversation_at_a_door_outside_the_turfs_is_held(db, client, world):
    door = world.other_turf_doors[0]
    response = _post(client, world, knock(door, "contact", voter_id=_voter(db, door)))
    assert response.status_code == 202 and response.get_json()["status"] == "held"


def test_an_undo_is_stored_with_its_door_or_not_at_all(db, client, world, monkeypatch):
    original = knock(world.doors[3], "refused")
    assert _post(client, world, original).status_code == 201

    def broken(*_args):
        raise RuntimeError("the door's cache could not be written")

    monkeypatch.setattr(knock_store, "_refresh_doors", broken)
    undo = {"client_uuid": str(uuid.uuid4()), "household_id": world.doors[3],
            "voids": original["client_uuid"], "knocked_at": utcnow().isoformat()}
    with pytest.raises(RuntimeError):
        _post(client, world, undo)
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).select_from(DoorKnock)) == 1
    assert db.get(Household, world.doors[3]).last_outcome == "refused"


def test_statements_commit_alone_until_writes_are_begun(app, db, backend):
    _postgres_only(backend)
    connection = database.statements_connection(db.get_bind())
    driver = connection.connection.driver_connection
    connection.exec_driver_sql("SELECT 1")
    assert driver.autocommit and driver.info.transaction_status.name == "IDLE"
    database.begin_writes(connection)
    assert driver.info.transaction_status.name == "INTRANS"
    connection.close()  # rolls back what was begun
    assert driver.info.transaction_status.name == "IDLE"
    # Back in the pool, the connection runs transactions again for the next request.
    with db.get_bind().connect() as again:
        assert again.connection.driver_connection is driver and driver.autocommit is False


def test_a_batch_still_runs_in_one_transaction(app, db, client, world, backend, monkeypatch):
    _postgres_only(backend)
    seen = []
    original = knock_store.insert_all

    def spy(conn, *args):
        seen.append(conn.connection.driver_connection.info.transaction_status.name)
        return original(conn, *args)

    monkeypatch.setattr(knock_store, "insert_all", spy)
    body = {"knocks": [knock(world.doors[0]), knock(world.doors[1])]}
    response = client.post("/api/v1/knocks/batch", json=body, headers=world.headers("vol1"))
    assert response.status_code == 200 and seen == ["INTRANS"]


def test_a_connection_dropped_while_resting_is_replaced(app, db, client, world, backend,
                                                        monkeypatch):
    _postgres_only(backend)
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
    db.close()  # the world's last read holds a connection of the pool about to be replaced
    db.get_bind().dispose()  # the pool now holds only the connection read below
    pid = db.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
    db.commit()
    killer = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)
    with killer.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})").scalar()
    killer.dispose()
    assert _post(client, world, knock(world.doors[0])).status_code == 201
