"""Turfs (groups of doors walked together) and their assignments to volunteers."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.models import User
from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow
from fieldapp.races.models import Race
from fieldapp.voters.models import Household

TURF_STATUSES = ("active", "archived")
ASSIGNMENT_STATUSES = ("active", "returned")


class Turf(db.Model):
    """A walkable group of doors in one race, with its boundary and route.

    Doors point at their turf (`Household.turf_id`), so a door is in at most one active turf;
    an archived turf keeps its name and its knocks (which carry `turf_id`) as history.
    """

    __table_args__ = (sa.Index("ix_turf_race_status", "race_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    # GeoJSON Polygon/MultiPolygon (lon, lat) drawn around the doors.
    boundary: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # GeoJSON LineString of the walk route, door to door in walk order.
    route: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    route_length_m: Mapped[float | None]
    start_lat: Mapped[float | None]
    start_lon: Mapped[float | None]
    # Short code a volunteer types to claim the turf (handout by code or QR).
    code: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    door_count: Mapped[int] = mapped_column(default=0)
    cut_method: Mapped[str] = mapped_column(sa.String(20), default="manual")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    race: Mapped[Race] = relationship()
    households: Mapped[list[Household]] = relationship(
        primaryjoin="Turf.id == Household.turf_id",
        order_by="Household.walk_seq",
        viewonly=True,
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="turf", cascade="all, delete-orphan"
    )


class Assignment(db.Model):
    """A turf handed to a volunteer, optionally for a shift date."""

    __table_args__ = (sa.Index("ix_assignment_volunteer_status", "volunteer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    turf_id: Mapped[int] = mapped_column(sa.ForeignKey("turf.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    shift_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    turf: Mapped[Turf] = relationship(back_populates="assignments")
    volunteer: Mapped[User] = relationship(foreign_keys=[volunteer_id])
