"""DirectStatement runs Core statements on the driver's cursor: it must store and read back
exactly what Session.execute does, on both databases, and fail the way SQLAlchemy fails."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from fieldapp.auth.models import User
from fieldapp.canvass.knock_sql import INSERT_ONE, INSERTS, KNOCK, ONE_DOOR
from fieldapp.fastsql.direct import DirectStatement
from fieldapp.models_base import utcnow
from fieldapp.voters.models import Household


def _vol1(db) -> int:
    return db.scalar(sa.select(User.id).where(User.email == "vol1@example.org"))


def _row(db, world, **changes):
    """Every column of a knock, with values of each type a knock has (and None)."""
    now = utcnow().replace(microsecond=123456)
    row = {
        "client_uuid": str(uuid.uuid4()), "payload_hash": "f" * 64, "user_id": _vol1(db),
        "race_id": world.race, "household_id": world.doors[0], "voter_id": None,
        "turf_id": world.turf, "outcome": "contact", "answers": {"7": 3, "note": "é"},
        "note": "Wants a sign", "knocked_at": now - dt.timedelta(minutes=3),
        "knocked_at_offset_min": -240, "received_at": now, "latitude": 40.6801234,
        "longitude": -73.45, "accuracy_m": 8.5, "distance_m": 11.2, "flagged_far": True,
        "voids_knock_id": None, "talked_to": [{"voter_id": 1, "answers": {"7": 3}}],
        "someone_else": False,
    }
    return row | changes


def _stored(db, client_uuid):
    """The stored row as SQLAlchemy reads it, without the id."""
    found = db.execute(sa.select(KNOCK).where(KNOCK.c.client_uuid == client_uuid)).one()
    return {key: value for key, value in found._mapping.items() if key != "id"}


@pytest.mark.parametrize("changes", [{}, {"answers": None, "latitude": None, "note": "",
                                          "flagged_far": False, "distance_m": None,
                                          "talked_to": None, "someone_else": True}])
def test_a_row_inserted_directly_reads_back_as_one_inserted_by_sqlalchemy(db, world, changes):
    dialect = db.get_bind().dialect.name
    direct, usual = _row(db, world, **changes), _row(db, world, **changes)
    returned = INSERT_ONE[dialect].rows(db, direct)
    db.execute(INSERTS[dialect], [usual])
    db.commit()
    assert [r.client_uuid for r in returned] == [direct["client_uuid"]]
    assert isinstance(returned[0].id, int)
    ours, theirs = _stored(db, direct["client_uuid"]), _stored(db, usual["client_uuid"])
    theirs["client_uuid"] = ours["client_uuid"]
    assert ours == theirs
    assert ours["knocked_at"] == direct["knocked_at"] and ours["knocked_at"].utcoffset() == dt.timedelta(0)
    # And at the SQL level (JSON null against SQL NULL, booleans, timestamp text): identical.
    raw = db.connection().exec_driver_sql(
        "SELECT answers, flagged_far, knocked_at FROM door_knock ORDER BY id").all()
    assert raw[0] == raw[1]


def test_read_rows_have_python_values_and_names(db, world):
    door, owner = db.get(Household, world.doors[0]), _vol1(db)  # vol1 holds turf A
    rows = ONE_DOOR.rows(db, {"uid": owner, "id": door.id})
    assert len(rows) == 1
    assert (rows[0].id, rows[0].turf_id, rows[0].allowed) == (door.id, world.turf, True)
    assert rows[0].allowed is True and rows[0].lat == door.lat  # a bool, not SQLite's 1
    assert ONE_DOOR.rows(db, {"uid": owner, "id": world.other_org_doors[0]})[0].allowed is False
    assert ONE_DOOR.rows(db, {"uid": owner, "id": 999_999}) == []


def test_driver_errors_come_back_as_sqlalchemy_errors(db, world):
    clash = DirectStatement(sa.insert(KNOCK).values(
        {c.name: sa.bindparam(c.name, type_=c.type) for c in KNOCK.columns if not c.primary_key}))
    row = _row(db, world)
    clash.many(db, [row])
    with pytest.raises(sa.exc.IntegrityError):  # the same (user, client_uuid) twice
        clash.many(db, [row])
    db.rollback()


def test_expanding_in_lists_are_refused(db):
    statement = DirectStatement(sa.select(KNOCK.c.id).where(
        KNOCK.c.id.in_(sa.bindparam("ids", expanding=True))))
    with pytest.raises(ValueError, match="expanding"):
        statement.rows(db, {"ids": [1]})


def test_on_a_bare_connection_statements_begin_a_transaction_its_commit_keeps(db, world):
    engine = db.get_bind()
    db.close()
    row = _row(db, world)
    with engine.connect() as connection:
        INSERT_ONE[engine.dialect.name].rows(connection, row)
        assert connection.in_transaction()
        connection.commit()
    with engine.connect() as connection:
        INSERT_ONE[engine.dialect.name].rows(connection, _row(db, world))
    # closed without a commit: rolled back
    assert db.scalar(sa.select(sa.func.count()).select_from(KNOCK)) == 1
    assert _stored(db, row["client_uuid"])["note"] == "Wants a sign"
