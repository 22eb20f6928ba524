"""Who a conversation was with: several voters of the door, people met there, each with their
own answers (VAN records a survey response per person).

The knock engine (fieldapp.canvass.knocks) calls these: what a knock names, the checks against
the door, and the people met at the door stored as voters added in the field, exactly once:
they are created with the knock that names them, which the knock's client_uuid makes unique.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
import sqlalchemy.dialects.sqlite

from fieldapp.canvass.knock_input import KnockInput
from fieldapp.knocklog.models import DoorKnock
from fieldapp.voters.models import Household, Voter

VOTER = Voter.__table__
DOOR = Household.__table__
_COPIED = ("race_id", "building_key", "street_key", "address_line", "city", "state", "zip5",
           "precinct", "lat", "lon", "geocode_source", "geocode_accuracy", "turf_id", "walk_seq")
KNOCK = DoorKnock.__table__


def named_voters(item: KnockInput) -> set[int]:
    """The ids of listed voters a knock names (older single-voter payloads included)."""
    ids = {person["voter_id"] for person in item.talked_to or () if "voter_id" in person}
    return ids | ({item.voter_id} if item.voter_id is not None else set())


def answered(item: KnockInput) -> set[int]:
    """Every question id a knock answers, at the top level or per person."""
    return set(item.answers) | {int(q) for person in item.talked_to or ()
                                for q in person["answers"]}


def check_people(item: KnockInput, door_id: int, voters: dict[int, int],
                 check_answers) -> dict[str, str]:
    """Field errors: a named voter not of this door, an answer not of the script (checked by
    `check_answers(answers, prefix)`, the engine's own check)."""
    errors: dict[str, str] = {}
    for index, person in enumerate(item.talked_to or ()):
        voter_id = person.get("voter_id")
        if voter_id is not None and voters.get(voter_id) != door_id:
            errors[f"talked_to.{index}.voter_id"] = "this voter does not live at this door"
        answers = {int(q): value for q, value in person["answers"].items()}
        errors.update(check_answers(answers, f"talked_to.{index}."))
    return errors


def stored_fields(item: KnockInput) -> dict[str, Any]:
    """The knock columns a conversation fills: `voter_id` is the first listed voter named (so
    lists and maps that show one person still do)."""
    if item.talked_to is None:
        return {"talked_to": None, "someone_else": item.someone_else}
    first = next((p["voter_id"] for p in item.talked_to if "voter_id" in p), None)
    return {"talked_to": item.talked_to or None, "someone_else": item.someone_else,
            "voter_id": first}


def add_people(conn: sa.Connection, user_id: int, knocks: Iterable[dict[str, Any]],
               now: dt.datetime) -> None:
    """Store the people met at the door of these newly stored knocks as voters added in the
    field, and name them by voter id in the knocks' `talked_to`."""
    for knock in knocks:
        people = knock.get("talked_to") or []
        if knock.get("id") is None or not any("person" in p for p in people):
            continue
        resolved = []
        for entry in people:
            if "person" in entry:
                entry = {"voter_id": _add_person(conn, user_id, knock, entry["person"], now),
                         "answers": entry["answers"], "added": True}
            resolved.append(entry)
        knock["talked_to"] = resolved
        conn.execute(KNOCK.update().where(KNOCK.c.id == knock["id"]).values(talked_to=resolved))


def _add_person(conn: sa.Connection, user_id: int, knock: dict[str, Any],
                person: dict[str, str], now: dt.datetime) -> int:
    """The voter for a person met at the door: found by (canvasser, client uuid) when an
    earlier knock already added them, else inserted."""
    found = conn.execute(sa.select(VOTER.c.id).where(
        VOTER.c.added_by_id == user_id,
        VOTER.c.added_client_uuid == person["client_uuid"])).scalar()
    if found is not None:
        return found
    return conn.execute(VOTER.insert().values(
        race_id=knock["race_id"], household_id=knock["household_id"], external_id=None,
        first_name=person["first_name"], last_name=person["last_name"],
        phone=person["phone"] or None, email=person["email"] or None, added_by_id=user_id,
        added_client_uuid=person["client_uuid"], added_at=now).returning(VOTER.c.id)).scalar_one()


def people_of(knock: Any) -> list[tuple[int, dict[str, Any]]]:
    """(voter id, answers) per person a stored knock talked to, older knocks included."""
    if knock.talked_to:
        return [(p["voter_id"], p.get("answers") or {}) for p in knock.talked_to
                if "voter_id" in p]
    if knock.voter_id is not None:
        return [(knock.voter_id, knock.answers or {})]
    return []


def add_doors(conn: sa.Connection, user_id: int, knocks: dict[str, dict[str, Any]],
              new_doors: dict[str, dict[str, str]], now: dt.datetime) -> None:
    """Add the units and doors missing from the list that these new knocks were logged at,
    next to the listed door the canvasser stood at (same place, turf and walk position), and
    move each knock onto its door. The door's key carries the phone's uuid for it: added once,
    whatever the replays (ON CONFLICT DO NOTHING, then read)."""
    for client_uuid, door in new_doors.items():
        knock = knocks.get(client_uuid)
        if knock is None:
            continue
        anchor = conn.execute(sa.select(DOOR).where(DOOR.c.id == knock["household_id"])).one()
        key = f"{anchor.household_key}|field:{door['client_uuid']}"[-400:]
        values = {name: getattr(anchor, name) for name in _COPIED}
        values.update(household_key=key, unit=door["unit"] or anchor.unit, added_by_id=user_id,
                      address_line=door["address_line"] or anchor.address_line,
                      created_at=now, knock_count=0)
        insert = (sa.dialects.postgresql.insert(DOOR) if conn.dialect.name == "postgresql"
                  else sa.dialects.sqlite.insert(DOOR))
        conn.execute(insert.values(values).on_conflict_do_nothing(
            index_elements=["race_id", "household_key"]))
        knock["household_id"] = conn.execute(sa.select(DOOR.c.id).where(
            DOOR.c.race_id == anchor.race_id, DOOR.c.household_key == key)).scalar_one()
