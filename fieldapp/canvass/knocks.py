"""Recording knocks: exactly once per phone UUID, only on doors the canvasser may knock.

One engine serves a single knock and a 500-knock outbox sync: everything a batch needs is
read in a handful of queries, every item gets its own verdict, and the valid ones are
inserted together. Views own the commit.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from geopy.distance import great_circle
from sqlalchemy.orm import Session

from fieldapp.auth.access import managed_org_ids
from fieldapp.auth.models import User
from fieldapp.canvass.knock_input import VOID, KnockInput, KnockInvalid, parse_knock
from fieldapp.canvass.models import DoorKnock
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household, Voter

MAX_BATCH = 500
UNDO_WINDOW = dt.timedelta(seconds=90)  # a minute on the phone, plus slack for slow taps


@dataclass
class KnockResult:
    """The verdict on one knock: created, duplicate, conflict, invalid or forbidden."""

    client_uuid: str | None
    status: str
    knock: DoorKnock | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The batch API's per-item shape."""
        body: dict[str, Any] = {"client_uuid": self.client_uuid, "status": self.status}
        if self.errors:
            body["errors"] = self.errors
        if self.knock is not None:
            body["knock"] = knock_json(self.knock)
        return body


def knock_json(knock: DoorKnock) -> dict[str, Any]:
    """A stored knock as the API returns it (device time back in the device's zone)."""
    zone = dt.timezone(dt.timedelta(minutes=knock.knocked_at_offset_min))
    location = None
    if knock.latitude is not None:
        location = {"lat": knock.latitude, "lon": knock.longitude, "accuracy_m": knock.accuracy_m}
    return {
        "id": knock.id, "client_uuid": knock.client_uuid, "household_id": knock.household_id,
        "voter_id": knock.voter_id, "turf_id": knock.turf_id, "outcome": knock.outcome,
        "answers": knock.answers or {}, "note": knock.note,
        "knocked_at": knock.knocked_at.astimezone(zone).isoformat(),
        "received_at": knock.received_at.isoformat(), "location": location,
        "distance_m": None if knock.distance_m is None else round(knock.distance_m, 1),
        "flagged_far": knock.flagged_far, "voids_knock_id": knock.voids_knock_id,
    }


@dataclass
class _Context:
    """What a batch needs from the database, read once."""

    existing: dict[str, DoorKnock]
    households: dict[int, Household]
    allowed_turfs: set[int]
    managed_orgs: set[int]
    race_orgs: dict[int, int]
    voters: dict[int, int]
    questions: dict[int, tuple[int, str, set[int]]]


def record_knocks(db: Session, user: User, payloads: list[Any], now: dt.datetime | None = None,
                  far_metres: float = 150.0, _retry: bool = False) -> list[KnockResult]:
    """Judge and store knocks; results come back in the order given."""
    now = now or utcnow()
    parsed: list[KnockInput | KnockResult] = []
    for payload in payloads:
        try:
            parsed.append(parse_knock(payload, now))
        except KnockInvalid as error:
            uuid = payload.get("client_uuid") if isinstance(payload, dict) else None
            parsed.append(KnockResult(str(uuid) if uuid else None, "invalid", errors=error.fields))
    inputs = [p for p in parsed if isinstance(p, KnockInput)]
    ctx = _load_context(db, user, inputs)
    results: list[KnockResult] = []
    fresh: dict[str, tuple[KnockInput, DoorKnock]] = {}
    voids: dict[str, DoorKnock] = {}
    for item in parsed:
        results.append(item if isinstance(item, KnockResult)
                       else _judge(item, user, ctx, fresh, voids, now, far_metres))
    if not fresh:
        return results
    try:
        with db.begin_nested():
            db.add_all([knock for _, knock in fresh.values()])
            db.flush()
    except sa.exc.IntegrityError:
        # Another request stored one of these UUIDs between our read and our insert
        # (the same outbox sent twice at once): judge again, it is now a duplicate.
        if _retry:
            raise
        return record_knocks(db, user, payloads, now, far_metres, _retry=True)
    _link_voids(db, voids, fresh)
    _refresh_households(db, ctx, fresh)
    return results


def _load_context(db: Session, user: User, inputs: list[KnockInput]) -> _Context:
    """Read existing UUIDs, doors, the user's turfs, voters and scripts in a few queries."""
    uuids = {i.client_uuid for i in inputs} | {i.void_client_uuid for i in inputs if i.void_client_uuid}
    existing = {k.client_uuid: k for k in db.scalars(
        sa.select(DoorKnock).where(DoorKnock.user_id == user.id, DoorKnock.client_uuid.in_(uuids))
    )} if uuids else {}
    household_ids = {i.household_id for i in inputs}
    households = {h.id: h for h in db.scalars(
        sa.select(Household).where(Household.id.in_(household_ids)))} if household_ids else {}
    race_ids = {h.race_id for h in households.values()}
    race_orgs = dict(db.execute(sa.select(Race.id, Race.organization_id)
                                .where(Race.id.in_(race_ids))).all()) if race_ids else {}
    allowed_turfs = set(db.scalars(
        sa.select(Assignment.turf_id).join(Turf, Turf.id == Assignment.turf_id)
        .where(Assignment.volunteer_id == user.id, Assignment.status == "active",
               Turf.status == "active")))
    voter_ids = {i.voter_id for i in inputs if i.voter_id is not None}
    voters = dict(db.execute(sa.select(Voter.id, Voter.household_id)
                             .where(Voter.id.in_(voter_ids))).all()) if voter_ids else {}
    question_ids = {q for i in inputs for q in i.answers}
    questions: dict[int, tuple[int, str, set[int]]] = {}
    if question_ids:
        for q in db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.id.in_(question_ids))):
            questions[q.id] = (q.race_id, q.kind, set())
        for choice_id, question_id in db.execute(
                sa.select(SurveyChoice.id, SurveyChoice.question_id)
                .where(SurveyChoice.question_id.in_(questions))):
            questions[question_id][2].add(choice_id)
    return _Context(existing, households, allowed_turfs, managed_org_ids(user), race_orgs,
                    voters, questions)


def _judge(item: KnockInput, user: User, ctx: _Context, fresh: dict, voids: dict,
           now: dt.datetime, far_metres: float) -> KnockResult:
    """The verdict for one parsed knock; a new knock is added to `fresh`."""
    digest = item.payload_hash()
    seen = ctx.existing.get(item.client_uuid) or (fresh.get(item.client_uuid) or (None, None))[1]
    if seen is not None:
        if seen.payload_hash == digest:
            return KnockResult(item.client_uuid, "duplicate", seen)
        return KnockResult(item.client_uuid, "conflict", seen, {
            "client_uuid": "already used for a different knock"})
    household = ctx.households.get(item.household_id)
    if household is None or not _may_knock(household, ctx):
        return KnockResult(item.client_uuid, "forbidden",
                           errors={"household_id": "this door is not in your turfs"})
    errors = _check_against_door(item, household, ctx)
    target = None
    if item.outcome == VOID:
        target, problem = _void_target(item, household, ctx, fresh)
        if problem:
            errors["voids"] = problem
    if errors:
        return KnockResult(item.client_uuid, "invalid", errors=errors)
    distance = None
    if item.lat is not None and household.lat is not None:
        distance = great_circle((item.lat, item.lon), (household.lat, household.lon)).meters
    knock = DoorKnock(
        client_uuid=item.client_uuid, payload_hash=digest, user_id=user.id,
        race_id=household.race_id, household_id=household.id, voter_id=item.voter_id,
        turf_id=household.turf_id, outcome=item.outcome,
        answers={str(k): v for k, v in item.answers.items()} or None, note=item.note,
        knocked_at=item.knocked_at, knocked_at_offset_min=item.offset_min, received_at=now,
        latitude=item.lat, longitude=item.lon, accuracy_m=item.accuracy_m, distance_m=distance,
        flagged_far=distance is not None and distance > far_metres,
    )
    fresh[item.client_uuid] = (item, knock)
    if target is not None:
        voids[item.client_uuid] = target
    return KnockResult(item.client_uuid, "created", knock)


def _may_knock(household: Household, ctx: _Context) -> bool:
    """Organizers of the door's chapter, or a volunteer holding the door's turf."""
    if ctx.race_orgs.get(household.race_id) in ctx.managed_orgs:
        return True
    return household.turf_id is not None and household.turf_id in ctx.allowed_turfs


def _check_against_door(item: KnockInput, household: Household, ctx: _Context) -> dict[str, str]:
    """Voter and answers must belong to this door and this race's script."""
    errors: dict[str, str] = {}
    if item.voter_id is not None and ctx.voters.get(item.voter_id) != household.id:
        errors["voter_id"] = "this voter does not live at this door"
    for question_id, value in item.answers.items():
        question = ctx.questions.get(question_id)
        if question is None or question[0] != household.race_id:
            errors[f"answers.{question_id}"] = "not a question of this race's script"
        elif question[1] == "choice" and _choice_id(value) not in question[2]:
            errors[f"answers.{question_id}"] = "not one of this question's choices"
    return errors


def _choice_id(value: Any) -> int | None:
    """A choice id sent as a number or a digit string."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _void_target(item: KnockInput, household: Household, ctx: _Context,
                 fresh: dict) -> tuple[DoorKnock | None, str | None]:
    """The knock an undo voids (stored before, or earlier in this batch), or why not."""
    target = ctx.existing.get(item.void_client_uuid) or \
        (fresh.get(item.void_client_uuid) or (None, None))[1]
    if target is None or target.outcome == VOID:
        return None, "no knock of yours with this client_uuid to undo"
    if target.household_id != household.id:
        return None, "the knock to undo is at another door"
    if item.knocked_at - target.knocked_at > UNDO_WINDOW:
        return None, "a knock can be undone only within a minute"
    return target, None


def _link_voids(db: Session, voids: dict[str, DoorKnock], fresh: dict) -> None:
    """Point each undo at the id of the knock it voids, now that both have ids."""
    for client_uuid, target in voids.items():
        fresh[client_uuid][1].voids_knock_id = target.id
    if voids:
        db.flush()


def _refresh_households(db: Session, ctx: _Context, fresh: dict) -> None:
    """Keep each door's cached latest outcome and knock count in step with its knocks.

    A new knock moves the cache forward when it is the latest by device time; an undo makes
    the door's latest live knock be looked up again.
    """
    recompute: set[int] = set()
    latest: dict[int, tuple[DoorKnock, int]] = {}
    for _item, knock in fresh.values():
        if knock.outcome == VOID:
            recompute.add(knock.household_id)
            continue
        best, count = latest.get(knock.household_id, (knock, 0))
        if knock.knocked_at >= best.knocked_at:
            best = knock
        latest[knock.household_id] = (best, count + 1)
    if latest:
        # Relative UPDATE: two phones knocking the same door at once both count, and the
        # latest outcome by device time wins whatever order the requests commit in.
        table = Household.__table__
        at = sa.bindparam("at", type_=table.c.last_knocked_at.type)
        newer = sa.or_(table.c.last_knocked_at.is_(None), table.c.last_knocked_at <= at)
        db.execute(
            table.update().where(table.c.id == sa.bindparam("hid")).values(
                knock_count=table.c.knock_count + sa.bindparam("n"),
                last_outcome=sa.case((newer, sa.bindparam("outcome")), else_=table.c.last_outcome),
                last_knocked_at=sa.case((newer, at), else_=table.c.last_knocked_at)),
            [{"hid": hid, "n": n, "outcome": k.outcome, "at": k.knocked_at}
             for hid, (k, n) in latest.items()])
        for hid in latest:
            db.expire(ctx.households[hid], ["knock_count", "last_outcome", "last_knocked_at"])
    for household_id in recompute:
        household = ctx.households[household_id]
        voided = sa.select(DoorKnock.voids_knock_id).where(
            DoorKnock.household_id == household_id, DoorKnock.voids_knock_id.is_not(None))
        live = (sa.select(DoorKnock)
                .where(DoorKnock.household_id == household_id, DoorKnock.outcome != VOID,
                       DoorKnock.id.not_in(voided))
                .order_by(DoorKnock.knocked_at.desc(), DoorKnock.id.desc()))
        knocks = db.scalars(live).all()
        household.knock_count = len(knocks)
        household.last_outcome = knocks[0].outcome if knocks else None
        household.last_knocked_at = knocks[0].knocked_at if knocks else None
    db.flush()
