"""Households (the doors), the voters living in them, and import bookkeeping."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow


class Household(db.Model):
    """A door to knock: one address (with its unit) inside a race's universe.

    `turf_id` and `walk_seq` place the door in at most one active turf, in walk order; the
    `last_*` columns cache the latest knock so maps and lists need no scan of the knocks.
    """

    __table_args__ = (
        sa.UniqueConstraint("race_id", "household_key"),
        # A race's doors by turf, and the progress counts read from the index alone.
        sa.Index("ix_household_race_progress", "race_id", "turf_id", "last_outcome",
                 "last_knocked_at"),
        # A turf's doors in walk order (walk lists, turf maps, recounts) and ON DELETE SET NULL.
        sa.Index("ix_household_turf_walk", "turf_id", "walk_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"))
    household_key: Mapped[str] = mapped_column(sa.String(400))
    building_key: Mapped[str] = mapped_column(sa.String(400), default="")
    street_key: Mapped[str] = mapped_column(sa.String(200), default="")
    address_line: Mapped[str] = mapped_column(sa.String(300))
    unit: Mapped[str] = mapped_column(sa.String(50), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    state: Mapped[str] = mapped_column(sa.String(2), default="")
    zip5: Mapped[str] = mapped_column(sa.String(5), default="")
    precinct: Mapped[str] = mapped_column(sa.String(50), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    geocode_source: Mapped[str] = mapped_column(sa.String(40), default="")
    geocode_accuracy: Mapped[str] = mapped_column(sa.String(40), default="")
    external_id: Mapped[str | None] = mapped_column(sa.String(64))
    is_synthetic: Mapped[bool] = mapped_column(default=False)
    turf_id: Mapped[int | None] = mapped_column(sa.ForeignKey("turf.id", ondelete="SET NULL"))
    # Set when an organizer archives the door (e.g. outside a new district, fieldapp.turf.
    # outside): it leaves its turf, the cuts and the race's totals; its knocks are kept.
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    walk_seq: Mapped[int | None]
    last_outcome: Mapped[str | None] = mapped_column(sa.String(20))
    last_knocked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    knock_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A unit or door a canvasser found missing from the list (fieldapp.canvass.talk).
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    voters: Mapped[list[Voter]] = relationship(
        back_populates="household", order_by="Voter.id", cascade="all, delete-orphan"
    )

    @property
    def is_geocoded(self) -> bool:
        """True when the door has coordinates."""
        return self.lat is not None and self.lon is not None

    @property
    def full_address(self) -> str:
        """Address line with its unit, for lists and walk sheets."""
        return f"{self.address_line} #{self.unit}" if self.unit else self.address_line


class Voter(db.Model):
    """A person registered at a household."""

    __table_args__ = (
        sa.UniqueConstraint("race_id", "external_id"),
        sa.Index("ix_voter_household_id", "household_id"),
        # a person met at the door is added once, whatever the phone's replays
        sa.UniqueConstraint("added_by_id", "added_client_uuid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"))
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"))
    external_id: Mapped[str | None] = mapped_column(sa.String(64))
    first_name: Mapped[str] = mapped_column(sa.String(100), default="")
    last_name: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # A person met at the door who was not on the list: who added them, by which knock (the
    # knock's client_uuid made the add exactly-once), and the imported voter an organizer
    # found they are (exports then name that voter).
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    added_client_uuid: Mapped[str | None] = mapped_column(sa.String(36))
    added_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("voter.id"))

    household: Mapped[Household] = relationship(back_populates="voters")

    @property
    def added_in_field(self) -> bool:
        """True for a person a canvasser added at the door."""
        return self.added_by_id is not None

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}".strip()


class GeocodeCache(db.Model):
    """What a geocoder answered for a normalised address, so nothing is asked twice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(sa.String(400), unique=True)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    source: Mapped[str] = mapped_column(sa.String(40))
    accuracy: Mapped[str] = mapped_column(sa.String(40), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImportRun(db.Model):
    """One voter-file import: who, what file, and the report of every row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    filename: Mapped[str] = mapped_column(sa.String(300))
    column_set: Mapped[str] = mapped_column(sa.String(40), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="running")
    counts: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # The last line of the file whose row is committed (with `counts`): an import stopped
    # half-way goes on after it, so no row is counted twice (fieldapp/jobs).
    resume_after_line: Mapped[int] = mapped_column(default=0, server_default="0")
    # The background job running it, if one does (None for `flask imports voters` in line).
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    rejections: Mapped[list[ImportRejection]] = relationship(
        order_by="ImportRejection.line_number", cascade="all, delete-orphan"
    )


class ImportRejection(db.Model):
    """A row an import could not take, with its line number and the reason."""

    id: Mapped[int] = mapped_column(primary_key=True)
    import_run_id: Mapped[int] = mapped_column(sa.ForeignKey("import_run.id"), index=True)
    line_number: Mapped[int]
    category: Mapped[str] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.String(500))
    raw: Mapped[str] = mapped_column(sa.Text, default="")
