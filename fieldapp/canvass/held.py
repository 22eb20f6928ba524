"""Held knocks: what the server would not take as a fact on its own waits for an organizer.

A phone's knock is never dropped on the server's word. The knock path (fieldapp.canvass.knocks)
holds a knock whose door was not the canvasser's when it was logged, whose door is gone, whose
script answer no longer exists, or an undo past its minute; the phone holds an item the server
kept failing on and sends it with POST /api/v1/knocks/review. Either way one row per user and
client_uuid (replays find it), with the raw payload as sent. An organizer of the race's
chapter accepts it (it becomes a DoorKnock exactly once, attributed to the canvasser) or
rejects it.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.canvass.knock_input import _int, text_problem
from fieldapp.canvass.knock_sql import HELD_SEEN, HOLD
from fieldapp.chapters.models import MANAGER_ROLES, Membership
from fieldapp.errors import DomainError
from fieldapp.knocklog.models import HeldKnock
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.voters.models import Household

MAX_PAYLOAD = 16_384  # characters of JSON text kept for review: a knock is well under 2 KB
MAX_REASON = 500


@dataclass
class Hold:
    """Why (and where) one knock is held; `held_id` is known once stored."""

    client_uuid: str | None
    reason: str
    race_id: int | None = None
    household_id: int | None = None
    held_id: int | None = None


def payload_text(payload: Any) -> str:
    """The payload as JSON text, escaped to ASCII (a NUL or half an emoji is kept as an
    escape, which every database stores), cut to MAX_PAYLOAD."""
    try:
        text = json.dumps(payload, ensure_ascii=True, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        text = json.dumps(repr(payload)[:MAX_PAYLOAD])
    return text[:MAX_PAYLOAD]


def store_held(conn: sa.Connection, user_id: int, held: list[tuple[Hold, Any]],
               now: dt.datetime) -> None:
    """Store these held knocks (once per client_uuid) and fill in each Hold's held_id."""
    rows = [{"user_id": user_id, "race_id": hold.race_id, "household_id": hold.household_id,
             "client_uuid": hold.client_uuid, "payload": payload_text(payload),
             "reason": hold.reason[:MAX_REASON], "state": "pending", "received_at": now}
            for hold, payload in held]
    conn.execute(HOLD[conn.dialect.name], rows)
    ids = {uuid: id_ for id_, uuid in conn.execute(
        HELD_SEEN, {"uid": user_id, "uuids": [hold.client_uuid for hold, _ in held]})}
    for hold, _ in held:
        hold.held_id = ids.get(hold.client_uuid)


def submit_for_review(db: Session, user_id: int, body: Any) -> tuple[Hold, bool]:
    """POST /knocks/review: keep what the phone could not get accepted. (hold, created)."""
    errors: dict[str, str] = {}
    if not isinstance(body, dict):
        raise DomainError("Send {\"client_uuid\", \"payload\", \"reason\"}.",
                          {"body": "expected a JSON object"})
    client_uuid, reason = body.get("client_uuid"), body.get("reason", "")
    if not isinstance(client_uuid, str) or not 0 < len(client_uuid) <= 36 or _bad(client_uuid):
        errors["client_uuid"] = "required: the item's client_uuid (at most 36 characters)"
    if not isinstance(reason, str) or len(reason) > MAX_REASON or _bad(reason):
        errors["reason"] = f"text of at most {MAX_REASON} characters"
    if "payload" not in body:
        errors["payload"] = "required: the item as the phone has it"
    elif len(payload_text(body["payload"])) >= MAX_PAYLOAD:
        errors["payload"] = f"at most {MAX_PAYLOAD} characters of JSON"
    if errors:
        raise DomainError("The item for review has invalid fields.", errors)
    existing = db.scalar(sa.select(HeldKnock).where(HeldKnock.user_id == user_id,
                                                    HeldKnock.client_uuid == client_uuid))
    if existing is not None:
        return Hold(client_uuid, existing.reason, existing.race_id, existing.household_id,
                    existing.id), False
    race_id, household_id = _door_of(db, body["payload"])
    hold = Hold(client_uuid, f"sent for review by the phone: {reason}"[:MAX_REASON], race_id,
                household_id)
    store_held(db.connection(), user_id, [(hold, body["payload"])], utcnow())
    return hold, True


def _bad(text: str) -> bool:
    return text_problem(text) is not None


def _door_of(db: Session, payload: Any) -> tuple[int | None, int | None]:
    """The race and door a raw payload names, when it names a real door."""
    door_id = _int(payload.get("household_id")) if isinstance(payload, dict) else None
    row = db.execute(sa.select(Household.race_id, Household.id)
                     .where(Household.id == door_id)).first() if door_id else None
    return (row.race_id, row.id) if row else (None, None)


def managed_races(db: Session, user: User) -> sa.Select:
    """Ids of the races whose chapter this user organizes or administers."""
    return sa.select(Race.id).join(Membership, Membership.organization_id == Race.organization_id).where(
        Membership.user_id == user.id, Membership.role.in_(MANAGER_ROLES))


def pending_counts(db: Session, race_ids: list[int]) -> dict[int, int]:
    """Held knocks waiting for review, per race."""
    if not race_ids:
        return {}
    return dict(db.execute(sa.select(HeldKnock.race_id, sa.func.count())
                           .where(HeldKnock.race_id.in_(race_ids), HeldKnock.state == "pending")
                           .group_by(HeldKnock.race_id)).all())


def accept(db: Session, held: HeldKnock, organizer: User) -> str | None:
    """Make the held knock a knock, attributed to its canvasser, exactly once.

    Returns None when done, else why it cannot become a knock (then it stays pending).
    """
    from fieldapp.canvass.knocks import record_knocks  # knocks imports this module

    if held.state != "pending":
        return None if held.state == "accepted" else "already rejected"
    try:
        payload = json.loads(held.payload)
    except ValueError:
        return "the payload is not a knock"
    results = record_knocks(db, held.user_id, [payload], now=held.received_at, trusted=True)
    result = results[0]
    if result.status not in ("created", "duplicate"):
        problems = result.errors or ({"reason": result.hold.reason} if result.hold else {})
        return "; ".join(f"{k}: {v}" for k, v in problems.items()) or result.status
    # Conditional on still pending: two organizers accepting at once make one knock.
    db.execute(sa.update(HeldKnock).where(HeldKnock.id == held.id,
                                                 HeldKnock.state == "pending")
                      .values(state="accepted", decided_by_id=organizer.id,
                              decided_at=utcnow(), knock_id=result.knock["id"]),
               execution_options={"synchronize_session": "fetch"})
    return None


def reject(db: Session, held: HeldKnock, organizer: User) -> None:
    """Decide the held knock is not a knock (it stays, for the record)."""
    db.execute(sa.update(HeldKnock).where(HeldKnock.id == held.id, HeldKnock.state == "pending")
               .values(state="rejected", decided_by_id=organizer.id, decided_at=utcnow()),
               execution_options={"synchronize_session": "fetch"})
