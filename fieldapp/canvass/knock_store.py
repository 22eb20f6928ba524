"""Storing judged knocks: the INSERTs, replays found by ON CONFLICT, the doors' cached status.

fieldapp.canvass.knocks judges each knock; this module writes the fresh ones (a single knock in
one statement on PostgreSQL, a batch in one multi-row INSERT) and reads back knocks stored
before by UUID. Statements are built once in fieldapp/canvass/knock_sql.py.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from fieldapp.canvass import knock_sql as sql
from fieldapp.canvass.knock_input import VOID
from fieldapp.canvass.knock_sql import DOOR, KNOCK
from fieldapp.fastsql.engine import begin_writes
from fieldapp.fastsql.pg_unnest import column_arrays, unnest_insert
from fieldapp.voters.models import Household

Knock = Mapping[str, Any]  # a stored knock's columns, by name


def write(conn: sa.Connection, fresh: dict[str, dict], voids: dict[str, str]) -> set[str]:
    """Store the new knocks (each gets its id) and move their doors' cached status; return
    the UUIDs another request stored first (the caller judges those again)."""
    knock = next(iter(fresh.values()))
    if len(fresh) == 1 and knock["outcome"] != VOID:
        stored = _insert_one_and_bump(conn, knock)
        if not stored:  # the same UUID came in first from another request
            return {knock["client_uuid"]}
        knock["id"] = stored[0].id
        return set()
    begin_writes(conn)  # several statements: one transaction, whatever the view asked for
    lost = insert_all(conn, fresh, voids)
    _refresh_doors(conn, [k for k in fresh.values() if k["client_uuid"] not in lost])
    return lost


def _insert_one_and_bump(conn: sa.Connection, knock: dict) -> list:
    """One fresh knock and its door's cached status, nothing in between: on SQLite the write
    lock is held from the INSERT to the commit while the other phones' knocks wait for it
    (107 us with the batch path's bookkeeping in between, 54 us for the bare baseline)."""
    if conn.dialect.name == "postgresql":
        return sql.INSERT_AND_BUMP.rows(conn, knock)  # one statement, one round trip
    bump = {"hid": knock["household_id"], "n": 1, "outcome": knock["outcome"],
            "at": knock["knocked_at"]}
    stored = sql.INSERT_ONE["sqlite"].rows(conn, knock)
    if stored:
        sql.BUMP_DOORS.many(conn, [bump])
    return stored


def insert_all(conn: sa.Connection, fresh: dict[str, dict], voids: dict[str, str]) -> set[str]:
    """Insert the new knocks and fill in their ids; return the UUIDs another request took first.

    Undos of a knock of the same batch go in second, once that knock has its id. A UUID
    stored by a concurrent request (the same outbox sent twice at once) is skipped by
    ON CONFLICT DO NOTHING and judged again against what that request stored.
    """
    dialect = conn.dialect.name
    first = [k for uuid, k in fresh.items() if uuid not in voids]
    lost = _insert_rows(conn, dialect, first)
    for uuid, target_uuid in voids.items():
        fresh[uuid]["voids_knock_id"] = fresh[target_uuid]["id"]
    lost |= _insert_rows(conn, dialect, [fresh[uuid] for uuid in voids
                                       if fresh[uuid]["voids_knock_id"] is not None])
    lost |= {uuid for uuid in voids if fresh[uuid]["voids_knock_id"] is None}
    return lost


def _insert_rows(conn: sa.Connection, dialect: str, knocks: list[dict]) -> set[str]:
    """One multi-row INSERT; each knock gets its id; the UUIDs that were already taken."""
    if not knocks:
        return set()
    if len(knocks) == 1:
        rows = sql.INSERT_ONE[dialect].rows(conn, knocks[0])
    elif dialect == "postgresql":
        # One short statement with a typed array per column, not 20 parameters a knock.
        rows = conn.exec_driver_sql(
            unnest_insert(KNOCK, ("user_id", "client_uuid"), ("id", "client_uuid")),
            column_arrays(KNOCK, knocks))
    else:
        rows = conn.execute(sql.INSERTS[dialect], [{k: v for k, v in knock.items() if k != "id"}
                                              for knock in knocks])
    ids = {uuid: id_ for id_, uuid in rows}
    for knock in knocks:
        knock["id"] = ids.get(knock["client_uuid"])
    return {knock["client_uuid"] for knock in knocks if knock["id"] is None}


def seen(conn: sa.Connection, user_id: int, uuids: list[str]) -> dict[str, Knock]:
    """This user's stored knocks with these UUIDs, by UUID."""
    if len(uuids) == 1:
        return {row.client_uuid: row._asdict()
                for row in sql.ONE_SEEN.rows(conn, {"uid": user_id, "uuid": uuids[0]})}
    return {row.client_uuid: row._mapping
            for row in conn.execute(sql.SEEN, {"uid": user_id, "uuids": uuids})}


def _refresh_doors(conn: sa.Connection, knocks: list[dict]) -> None:
    """Keep each door's cached latest outcome and knock count in step with its knocks.

    A new knock moves the cache forward when it is the latest by device time; an undo makes
    the door's latest live knock be looked up again.
    """
    recompute: set[int] = set()
    latest: dict[int, tuple[dict, int]] = {}
    for knock in knocks:
        if knock["outcome"] == VOID:
            recompute.add(knock["household_id"])
            continue
        best, count = latest.get(knock["household_id"], (knock, 0))
        if knock["knocked_at"] >= best["knocked_at"]:
            best = knock
        latest[knock["household_id"]] = (best, count + 1)
    if latest:
        sql.BUMP_DOORS.many(conn, [{"hid": hid, "n": n, "outcome": k["outcome"],
                                 "at": k["knocked_at"]} for hid, (k, n) in latest.items()])
    for household_id in recompute:
        live = conn.execute(sql.LIVE, {"hid": household_id}).all()
        conn.execute(DOOR.update().where(DOOR.c.id == household_id).values(
            knock_count=len(live), last_outcome=live[0].outcome if live else None,
            last_knocked_at=live[0].knocked_at if live else None))


def expire_loaded_doors(db: Session, household_ids: set[int]) -> None:
    """Doors the session already holds as objects must not show their old cached status."""
    loaded = db.identity_map
    for household_id in household_ids if loaded else ():
        door = loaded.get(identity_key(Household, household_id))
        if door is not None:
            db.expire(door, ["knock_count", "last_outcome", "last_knocked_at"])
