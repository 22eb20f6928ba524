"""A race's street network (one compact row) and each door's place on it.

The network's segments, their names, classes, barrier flags and geometry are many thousands of
small records read together and never queried one by one, so they are kept as one compressed
numpy archive (:mod:`fieldapp.streets.store`) in ``StreetNetworkRecord.data``; the figures an
organizer reads stay plain columns. Each door's match (segment, side, distance) is a row,
so the far ones can be listed and counted in SQL.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow


class StreetNetworkRecord(db.Model):
    """The street network imported for a race (at most one; a new import replaces it)."""

    __tablename__ = "street_network"

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"), unique=True)
    source_name: Mapped[str] = mapped_column(sa.String(300), default="")
    source_format: Mapped[str] = mapped_column(sa.String(20))  # osm, osm.bz2, osm.pbf, geojson
    segments: Mapped[int] = mapped_column(default=0)
    barrier_segments: Mapped[int] = mapped_column(default=0)
    barrier_lines: Mapped[int] = mapped_column(default=0)
    length_km: Mapped[float] = mapped_column(default=0.0)
    doors_matched: Mapped[int] = mapped_column(default=0)
    doors_far: Mapped[int] = mapped_column(default=0)
    # np.savez_compressed archive: projection, nodes, segment lines, names, classes, barriers.
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DoorStreet(db.Model):
    """Where a door stands on the network: its block face (segment and side) and how far."""

    __table_args__ = (sa.Index("ix_door_street_network_far", "network_id", "distance_m"),)

    household_id: Mapped[int] = mapped_column(
        sa.ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("street_network.id", ondelete="CASCADE"))
    segment: Mapped[int]
    side: Mapped[int] = mapped_column(sa.SmallInteger)  # +1 left of the segment, -1 right
    distance_m: Mapped[float]
    by_name: Mapped[bool] = mapped_column(default=False)  # its address names the street
