"""Recording knocks: exactly once per phone UUID, judged by the moment each was logged.

A knock is a fact when, at its device time, its door was in a turf assigned to the canvasser
(or the canvasser organizes the chapter): what happened to turfs and assignments since does
not matter (fieldapp.turf.membership keeps that history). What the server still will not take
as a fact on its own (not the canvasser's door then, a deleted door, a script answer gone, an
undo past its minute) is held for an organizer's review (fieldapp.canvass.held), never dropped.

One engine serves a single knock and a 500-knock outbox sync. It is the hottest path of the
app (every door of every shift), so it speaks SQL Core with statements built once
(fieldapp/canvass/knock_sql.py): a fresh knock costs one read of its doors with the permission
worked out in SQL (a conversation's voter and script in the same read), an INSERT ... ON
CONFLICT DO NOTHING that also finds replays, and one UPDATE of the doors' cached status (with
the INSERT, one statement for a single knock on PostgreSQL), whether it comes alone or with 499
others. Every item gets its own verdict and the valid ones are inserted together. Views own
the commit.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.canvass import knock_sql as sql
from fieldapp.canvass import knock_store as store
from fieldapp.canvass import talk
from fieldapp.canvass.held import Hold, store_held
from fieldapp.canvass.knock_input import VOID, KnockInput, KnockInvalid, parse_knock
from fieldapp.canvass.knock_store import Knock
from fieldapp.fastsql.engine import begin_writes
from fieldapp.models_base import utcnow
from fieldapp.races.models import SINGLE_CHOICE_KINDS

MAX_BATCH = 500
UNDO_WINDOW = dt.timedelta(seconds=90)  # a minute on the phone, plus slack for slow taps
# Phone and server clocks differ a little: a knock logged just before its turf was handed over
# (by the server's clock) still counts.
CLOCK_SLACK = dt.timedelta(minutes=2)
NOT_YOURS = "this door was not in a turf assigned to you when the knock was logged"



@dataclass
class KnockResult:
    """The verdict on one knock: created, duplicate, conflict, invalid or held."""

    client_uuid: str | None
    status: str
    knock: Knock | None = None
    errors: dict[str, str] = field(default_factory=dict)
    hold: Hold | None = None  # why and where it is held (status "held")

    def as_json(self) -> dict[str, Any]:
        """The batch API's per-item shape."""
        body: dict[str, Any] = {"client_uuid": self.client_uuid, "status": self.status}
        if self.errors:
            body["errors"] = self.errors
        if self.hold is not None:
            body["reason"], body["held_id"] = self.hold.reason, self.hold.held_id
        if self.knock is not None:
            body["knock"] = knock_json(self.knock)
        return body


def knock_json(knock: Knock) -> dict[str, Any]:
    """A stored knock as the API returns it (device time back in the device's zone)."""
    zone = dt.timezone(dt.timedelta(minutes=knock["knocked_at_offset_min"]))
    location = None
    if knock["latitude"] is not None:
        location = {"lat": knock["latitude"], "lon": knock["longitude"],
                    "accuracy_m": knock["accuracy_m"]}
    distance = knock["distance_m"]
    return {
        "id": knock["id"], "client_uuid": knock["client_uuid"],
        "household_id": knock["household_id"], "voter_id": knock["voter_id"],
        "turf_id": knock["turf_id"], "outcome": knock["outcome"],
        "answers": knock["answers"] or {}, "note": knock["note"],
        "knocked_at": knock["knocked_at"].astimezone(zone).isoformat(),
        "received_at": knock["received_at"].isoformat(), "location": location,
        "distance_m": None if distance is None else round(distance, 1),
        "flagged_far": knock["flagged_far"], "voids_knock_id": knock["voids_knock_id"],
        "talked_to": knock.get("talked_to"), "someone_else": bool(knock.get("someone_else")),
    }


@dataclass
class _Context:
    """What a batch needs from the database, read once."""

    existing: dict[str, Knock]
    doors: dict[int, Any]  # id -> row (id, race_id, turf_id, lat, lon, allowed)
    voters: dict[int, int]
    questions: dict[int, tuple[int, str, set[int]]]
    history: dict[int, list[Any]] = field(default_factory=dict)  # door -> HISTORY rows
    trusted: bool = False  # an organizer accepting a held knock: no turf or undo checks
    logged_by: dt.datetime | None = None  # the sender's deactivation: later knocks are held


def record_knocks(db: Session | sa.Connection, user_id: int, payloads: list[Any],
                  now: dt.datetime | None = None, far_metres: float = 150.0,
                  trusted: bool = False,
                  logged_by: dt.datetime | None = None) -> list[KnockResult]:
    """Judge and store knocks; results come back in the order given.

    `trusted`: an organizer accepts these (held) knocks, so the door and undo-window checks
    are theirs, already made. `logged_by`: the sender was deactivated then; knocks logged
    later are held for review, earlier ones judged as usual.

    A UUID seen before is found by the INSERT itself (ON CONFLICT DO NOTHING), not by a read
    ahead of it: a fresh knock, the common case, then costs no lookup of earlier knocks.
    Only undos (which need the knock they void) and refused items (a replay of a knock whose
    door has since left the volunteer's turfs is still a duplicate) look earlier UUIDs up.
    """
    now = now or utcnow()
    parsed: list[KnockInput | KnockResult] = []
    for payload in payloads:
        try:
            parsed.append(parse_knock(payload, now))
        except KnockInvalid as error:
            uuid = payload.get("client_uuid") if isinstance(payload, dict) else None
            uuid = str(uuid)[:36] if isinstance(uuid, (str, int)) and uuid else None
            parsed.append(KnockResult(uuid, "invalid", errors=error.fields))
    inputs = [p for p in parsed if isinstance(p, KnockInput)]
    # Core statements, on the session's connection (in its transaction) when given a session
    conn = db if isinstance(db, sa.Connection) else db.connection()
    ctx = _load_context(conn, user_id, inputs)
    ctx.trusted, ctx.logged_by = trusted, logged_by
    doubtful = {door_id for door_id, door in ctx.doors.items() if not door.allowed}
    if doubtful and not trusted:  # only then: the door's past, for knocks logged offline
        for row in conn.execute(sql.HISTORY, {"uid": user_id, "ids": list(doubtful)}):
            ctx.history.setdefault(row.household_id, []).append(row)
    fresh: dict[str, dict[str, Any]] = {}
    voids: dict[str, str] = {}  # undo's client_uuid -> client_uuid of the knock it voids
    digests = [item.payload_hash() if isinstance(item, KnockInput) else "" for item in parsed]
    results = [item if isinstance(item, KnockResult)
               else _judge(item, digest, user_id, ctx, fresh, voids, now, far_metres)
               for item, digest in zip(parsed, digests)]
    refused = {item.client_uuid for item, result in zip(parsed, results)
               if isinstance(item, KnockInput) and result.status in ("held", "invalid")}
    _load_seen(conn, user_id, refused - ctx.existing.keys(), ctx)
    talks = [i for i in inputs if i.talked_to is not None or i.new_door is not None]
    new_doors = {i.client_uuid: i.new_door for i in talks if i.new_door is not None}
    if new_doors and fresh:
        begin_writes(conn)  # the door and its knock: one transaction
        talk.add_doors(conn, user_id, fresh, new_doors, now)
    lost = store.write(conn, fresh, voids) if fresh else set()
    _load_seen(conn, user_id, lost, ctx)
    if fresh and talks:
        talk.add_people(conn, user_id, fresh.values(), now)
    if fresh and not isinstance(db, sa.Connection):
        store.expire_loaded_doors(db, {knock["household_id"] for knock in fresh.values()})
    again = lost | (refused & ctx.existing.keys())
    results = [_judge_again(r.client_uuid, digest, ctx) if digest and r.client_uuid in again
               else r for r, digest in zip(results, digests)]
    held = [(r.hold, payload) for r, payload in zip(results, payloads) if r.status == "held"]
    if held:
        store_held(conn, user_id, held, now)
    return results


def _load_seen(conn: sa.Connection, user_id: int, uuids: set[str], ctx: _Context) -> None:
    """Add this user's stored knocks with these UUIDs to the context."""
    if uuids:
        ctx.existing.update(store.seen(conn, user_id, list(uuids)))


def _load_context(conn: sa.Connection, user_id: int, inputs: list[KnockInput]) -> _Context:
    """Doors with permissions, voters, scripts and undo targets: one query each, if needed."""
    uuids = {i.void_client_uuid for i in inputs if i.void_client_uuid}
    # An undo needs its target; a batch with one reads all its UUIDs.
    existing = store.seen(conn, user_id, list(uuids | {i.client_uuid for i in inputs})) if uuids else {}
    if (len(inputs) == 1 and inputs[0].talked_to is None
            and (inputs[0].voter_id is not None or inputs[0].answers)):
        return _Context(existing, *_load_talk(conn, user_id, inputs[0]))
    door_ids = list({i.household_id for i in inputs})
    if len(door_ids) == 1:  # a single knock, the phone online: the driver's cursor directly
        found = sql.ONE_DOOR.rows(conn, {"uid": user_id, "id": door_ids[0]})
    else:
        found = conn.execute(sql.DOORS, {"uid": user_id, "ids": door_ids}) if door_ids else []
    doors = {row.id: row for row in found}
    voter_ids = list({i.voter_id for i in inputs if i.voter_id is not None}.union(
        *(talk.named_voters(i) for i in inputs if i.talked_to)))
    voters = dict(conn.execute(sql.VOTERS, {"ids": voter_ids}).all()) if voter_ids else {}
    return _Context(existing, doors, voters, _load_questions(conn, inputs, doors))


def _load_talk(conn: sa.Connection, user_id: int, item: KnockInput) -> tuple[dict, dict, dict]:
    """The door, voter and script of one conversation, as _Context holds them."""
    rows = sql.ONE_TALK.rows(conn, {"uid": user_id, "id": item.household_id, "voter": item.voter_id})
    if not rows:
        return {}, {}, {}
    door = rows[0]
    voters = {} if door.voter_door is None else {item.voter_id: door.voter_door}
    return {door.id: door}, voters, _script(
        (row.question_id, door.race_id, row.kind, row.choice_id) for row in rows
        if row.question_id is not None)


def _script(rows) -> dict[int, tuple[int, str, set[int]]]:
    """(question, race, kind, choice) rows as question id -> (race, kind, choice ids)."""
    questions: dict[int, tuple[int, str, set[int]]] = {}
    for question_id, race_id, kind, choice_id in rows:
        choices = questions.setdefault(question_id, (race_id, kind, set()))[2]
        if choice_id is not None:
            choices.add(choice_id)
    return questions


def _load_questions(conn: sa.Connection, inputs: list[KnockInput],
                    doors: dict[int, Any]) -> dict[int, tuple[int, str, set[int]]]:
    """The questions answered, as id -> (race, kind, choice ids): the race's whole script
    when all the doors are of one race (a canvass), else the questions by id."""
    question_ids = list({q for i in inputs
                         for q in (talk.answered(i) if i.talked_to else i.answers)})
    if not question_ids:
        return {}
    races = {door.race_id for door in doors.values()}
    if len(races) == 1:
        found = sql.RACE_SCRIPT.rows(conn, {"race": races.pop()})
    else:
        found = conn.execute(sql.QUESTIONS, {"ids": question_ids})
    return _script(found)


def _judge(item: KnockInput, digest: str, user_id: int, ctx: _Context, fresh: dict,
           voids: dict, now: dt.datetime, far_metres: float) -> KnockResult:
    """The verdict for one parsed knock; a new knock is added to `fresh`."""
    seen = ctx.existing.get(item.client_uuid) or fresh.get(item.client_uuid)
    if seen is not None:
        if seen["payload_hash"] == digest:
            return KnockResult(item.client_uuid, "duplicate", seen)
        return KnockResult(item.client_uuid, "conflict", seen, {
            "client_uuid": "already used for a different knock"})
    door = ctx.doors.get(item.household_id)
    if door is None:
        return _held(item, None, "no such door (deleted, or never in this app)")
    if ctx.logged_by is not None and item.knocked_at > ctx.logged_by:
        return _held(item, door, "logged after the volunteer was deactivated")
    turf_id = door.turf_id if door.allowed or ctx.trusted else _in_turf_then(item, ctx)
    if not (door.allowed or ctx.trusted) and turf_id is None:
        return _held(item, door, NOT_YOURS)
    errors = _check_against_door(item, door, ctx)
    target = None
    if item.outcome == VOID:
        target, problem = _void_target(item, ctx, fresh, now)
        if problem == _OTHER_DOOR:
            return KnockResult(item.client_uuid, "invalid", errors={"voids": problem})
        if problem:
            errors["voids"] = problem
    if errors:  # the script or the knock to undo changed since: an organizer decides
        return _held(item, door, "; ".join(f"{k}: {v}" for k, v in errors.items()))
    distance = None
    if item.lat is not None and door.lat is not None:
        distance = _metres(item.lat, item.lon, door.lat, door.lon)
    knock = {
        "id": None, "client_uuid": item.client_uuid, "payload_hash": digest, "user_id": user_id,
        "race_id": door.race_id, "household_id": door.id, "voter_id": item.voter_id,
        "turf_id": turf_id, "outcome": item.outcome,
        "answers": {str(k): v for k, v in item.answers.items()} or None, "note": item.note,
        "knocked_at": item.knocked_at, "knocked_at_offset_min": item.offset_min,
        "received_at": now, "latitude": item.lat, "longitude": item.lon,
        "accuracy_m": item.accuracy_m, "distance_m": distance,
        "flagged_far": distance is not None and distance > far_metres,
        "voids_knock_id": target["id"] if target is not None else None,
        "talked_to": None, "someone_else": item.someone_else,
    }
    if item.talked_to is not None:
        knock.update(talk.stored_fields(item))
    fresh[item.client_uuid] = knock
    if target is not None and target["id"] is None:  # voids a knock of this same batch
        voids[item.client_uuid] = target["client_uuid"]
    return KnockResult(item.client_uuid, "created", knock)


def _held(item: KnockInput, door: Any, reason: str) -> KnockResult:
    """A knock kept for an organizer's review (stored by store_held once judged)."""
    hold = Hold(item.client_uuid, reason[:500], door.race_id if door is not None else None,
                door.id if door is not None else None)
    return KnockResult(item.client_uuid, "held", hold=hold)


def _in_turf_then(item: KnockInput, ctx: _Context) -> int | None:
    """The turf this door was in, assigned to the canvasser, at the knock's device time
    (give or take CLOCK_SLACK), else None."""
    early, late = item.knocked_at - CLOCK_SLACK, item.knocked_at + CLOCK_SLACK
    for row in ctx.history.get(item.household_id, ()):
        start = max(row.started_at, row.assigned_at)
        returned = row.returned_at
        if returned is None and row.status != "active":  # ended, time unknown: no credit
            returned = row.assigned_at
        ends = [t for t in (row.ended_at, returned) if t is not None]
        end = min(ends) if ends else None
        if start <= late and (end is None or end >= early) and (end is None or start < end):
            return row.turf_id
    return None


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance: geopy's great_circle, step for step (the same floats), without
    its Point parsing, which cost ten times the arithmetic."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlon = math.radians(lon2) - math.radians(lon1)
    sin1, cos1, sin2, cos2 = math.sin(p1), math.cos(p1), math.sin(p2), math.cos(p2)
    y = math.sqrt((cos2 * math.sin(dlon)) ** 2 + (cos1 * sin2 - sin1 * cos2 * math.cos(dlon)) ** 2)
    return 6371.009 * math.atan2(y, sin1 * sin2 + cos1 * cos2 * math.cos(dlon)) * 1000


def _check_against_door(item: KnockInput, door: Any, ctx: _Context) -> dict[str, str]:
    """Voter and answers must belong to this door and this race's script."""
    errors: dict[str, str] = {}
    if item.voter_id is not None and ctx.voters.get(item.voter_id) != door.id:
        errors["voter_id"] = "this voter does not live at this door"

    def check_answers(answers: dict[int, Any], prefix: str = "") -> dict[str, str]:
        found: dict[str, str] = {}
        for question_id, value in answers.items():
            question = ctx.questions.get(question_id)
            if question is None or question[0] != door.race_id:
                found[f"{prefix}answers.{question_id}"] = "not a question of this race's script"
            elif question[1] in SINGLE_CHOICE_KINDS and _choice_id(value) not in question[2]:
                found[f"{prefix}answers.{question_id}"] = "not one of this question's choices"
            elif question[1] == "multi" and not _choice_ids(value) <= question[2]:
                found[f"{prefix}answers.{question_id}"] = \
                    "choice ids of this question, e.g. \"12,15\""
        return found

    errors.update(check_answers(item.answers))
    errors.update(talk.check_people(item, door.id, ctx.voters, check_answers))
    return errors


def _choice_ids(value: Any) -> set[int | None]:
    """A multiple-choice answer: one choice id, or several as a comma-separated string
    (the answer parser takes a number or a short text). {None} when malformed or empty."""
    if isinstance(value, str):
        ids = {_choice_id(part.strip()) for part in value.split(",")}
        return ids if ids else {None}
    return {_choice_id(value)}


def _choice_id(value: Any) -> int | None:
    """A choice id sent as a number or a digit string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


_OTHER_DOOR = "the knock to undo is at another door"


def _void_target(item: KnockInput, ctx: _Context, fresh: dict,
                 now: dt.datetime) -> tuple[Knock | None, str | None]:
    """The knock an undo voids (stored before, or earlier in this batch), or why not.

    "Within a minute" is measured on the server's clock too: from the moment the knock to
    undo reached the server, so a phone's wrong clock cannot void an old knock.
    """
    target = ctx.existing.get(item.void_client_uuid) or fresh.get(item.void_client_uuid)
    if target is None or target["outcome"] == VOID:
        return None, "no knock of yours with this client_uuid to undo"
    if target["household_id"] != item.household_id:
        return None, _OTHER_DOOR
    if ctx.trusted:
        return target, None
    if (item.knocked_at - target["knocked_at"] > UNDO_WINDOW
            or now - target["received_at"] > UNDO_WINDOW):
        return None, "a knock can be undone only within a minute of logging it"
    return target, None


def _judge_again(client_uuid: str, digest: str, ctx: _Context) -> KnockResult:
    """A UUID already stored: a duplicate when the knock is the same, else a conflict."""
    stored = ctx.existing.get(client_uuid)
    if stored is None:  # an undo whose target another request stored as a different knock
        return KnockResult(client_uuid, "invalid",
                           errors={"voids": "no knock of yours with this client_uuid to undo"})
    if stored["payload_hash"] == digest:
        return KnockResult(client_uuid, "duplicate", stored)
    return KnockResult(client_uuid, "conflict", stored,
                       {"client_uuid": "already used for a different knock"})


