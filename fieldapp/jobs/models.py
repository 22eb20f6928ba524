"""A job: one long piece of work for a race, run by a background worker, with its progress."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow

if TYPE_CHECKING:  # types only: a job belongs to a race, by table name (jobs imports no domain)
    from fieldapp.auth.models import User
    from fieldapp.races.models import Race

QUEUED, RUNNING, FINISHED, FAILED = "queued", "running", "finished", "failed"
ACTIVE_STATES = (QUEUED, RUNNING)


class Job(db.Model):
    """Who started what for which race, how far it is (done of total) and how it ended.

    `active_key` is set while the job is queued or running and cleared when it ends; being
    unique, it makes a second start of the same work (the same file into the same race, a
    second cut of one race) fail in the database even when two requests race each other.
    """

    __table_args__ = (sa.Index("ix_job_race_id_id", "race_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    state: Mapped[str] = mapped_column(sa.String(20), default=QUEUED)
    phase: Mapped[str] = mapped_column(sa.String(200), default="")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    unit: Mapped[str] = mapped_column(sa.String(20), default="")
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    error_line: Mapped[int | None]
    filename: Mapped[str] = mapped_column(sa.String(300), default="")
    upload_path: Mapped[str | None] = mapped_column(sa.String(500))
    upload_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    file_digest: Mapped[str | None] = mapped_column(sa.String(64))
    active_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    worker: Mapped[str | None] = mapped_column(sa.String(200))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    race: Mapped[Race] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def is_active(self) -> bool:
        """Queued or running."""
        return self.state in ACTIVE_STATES

    @property
    def percent(self) -> int | None:
        """How far, 0-100, when the total is known."""
        if self.state == FINISHED:
            return 100
        if not self.total:
            return None
        return max(0, min(100, int(100 * self.done / self.total)))
