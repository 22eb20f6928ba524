"""Door knocks: the append-only record of every door a canvasser touched."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.models import User
from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow
from fieldapp.voters.models import Household


class DoorKnock(db.Model):
    """One knock, as the phone recorded it. Never updated or deleted.

    An undo is a new knock with outcome 'void' pointing at the knock it voids.
    `client_uuid` is the offline outbox's idempotency key, unique per user;
    `payload_hash` tells a replay of the same knock from a conflicting one.
    """

    __table_args__ = (
        sa.UniqueConstraint("user_id", "client_uuid"),
        sa.Index("ix_door_knock_race_knocked_at", "race_id", "knocked_at"),
        sa.Index("ix_door_knock_household_id", "household_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(sa.String(36))
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"))
    voter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("voter.id"))
    turf_id: Mapped[int | None] = mapped_column(sa.ForeignKey("turf.id"), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(20))
    answers: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    knocked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The device's UTC offset in minutes, so the local time of the knock is kept.
    knocked_at_offset_min: Mapped[int] = mapped_column(default=0)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    distance_m: Mapped[float | None]
    flagged_far: Mapped[bool] = mapped_column(default=False)
    voids_knock_id: Mapped[int | None] = mapped_column(sa.ForeignKey("door_knock.id"))
    # Who a conversation was with, each with their answers: [{"voter_id", "answers"}]
    # (people met at the door are stored as voters added in the field). None on knocks of
    # older phones (`voter_id` and `answers` then); `someone_else`: talked to no one listed.
    talked_to: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)
    someone_else: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    user: Mapped[User] = relationship()
    household: Mapped[Household] = relationship()


HELD_STATES = ("pending", "accepted", "rejected")


class HeldKnock(db.Model):
    """A knock the server would not take as a fact on its own, kept for an organizer's review.

    Nothing a phone logged is dropped on the server's word: a door not (or no longer) the
    volunteer's, an undo past its minute, an item the phone could not get accepted at all
    (POST /api/v1/knocks/review) lands here with its raw payload (JSON text, escaped to ASCII
    so a NUL or a broken surrogate is stored as sent), who sent it and why. Accepting makes it
    a DoorKnock exactly once (`knock_id`, unique); a replay of the same client_uuid finds it.
    """

    __table_args__ = (
        sa.UniqueConstraint("user_id", "client_uuid"),
        sa.Index("ix_held_knock_race_state", "race_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    race_id: Mapped[int | None] = mapped_column(sa.ForeignKey("race.id"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household.id",
                                                                    ondelete="SET NULL"))
    client_uuid: Mapped[str | None] = mapped_column(sa.String(36))
    payload: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.String(500))
    state: Mapped[str] = mapped_column(sa.String(20), default="pending")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    knock_id: Mapped[int | None] = mapped_column(sa.ForeignKey("door_knock.id"), unique=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
