"""Which turf each door belonged to, and when: the history a knock is judged against.

`Household.turf_id` says where a door is now; a phone that logged a knock offline an hour ago
needs to know where it was then. Every move of doors between turfs goes through
`set_door_turf`, which keeps `Household.turf_id` and the door's spans in step: the open span
(ended_at NULL) always names the door's current turf. With the assignments' own start and end
(Assignment.created_at / ended_at) this answers "was this door in a turf assigned to this
volunteer at time T" (fieldapp.canvass.knock_sql.HISTORY).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from fieldapp.extensions import db as _db
from fieldapp.models_base import UTCDateTime, utcnow
from fieldapp.voters.models import Household

CHUNK = 500  # ids per statement: well under SQLite's bound-parameter limit


class DoorTurfSpan(_db.Model):
    """A door's stay in one turf, from `started_at` until `ended_at` (NULL while current)."""

    __tablename__ = "door_turf_span"
    __table_args__ = (
        sa.Index("ix_door_turf_span_household", "household_id", "ended_at"),
        sa.Index("ix_door_turf_span_turf", "turf_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # CASCADE: a door deleted (re-import) or a turf deleted (never assigned, see
    # turf.services.retire_turf) takes its history along; nothing can be judged against it.
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id", ondelete="CASCADE"))
    turf_id: Mapped[int] = mapped_column(sa.ForeignKey("turf.id", ondelete="CASCADE"))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


SPAN = DoorTurfSpan.__table__
DOOR = Household.__table__


def set_door_turf(db: Session | sa.Connection, household_ids: Iterable[int], turf_id: int | None,
                  *, at: dt.datetime | None = None) -> None:
    """Move doors into `turf_id` (None: out of any turf) as of `at` (default now).

    Updates household.turf_id, ends the doors' open spans and opens new ones. Doors already
    in that turf keep their open span (their history is unbroken). Call it instead of writing
    `Household.turf_id`; the caller commits.
    """
    at = at or utcnow()
    ids = sorted({int(i) for i in household_ids})
    for start in range(0, len(ids), CHUNK):
        _move(db, ids[start:start + CHUNK], turf_id, at)


def _move(db: Session | sa.Connection, ids: list[int], turf_id: int | None,
          at: dt.datetime) -> None:
    if isinstance(db, Session):
        # ORM-enabled UPDATE: door objects the session holds see their new turf.
        db.execute(sa.update(Household).where(Household.id.in_(ids)).values(turf_id=turf_id),
                   execution_options={"synchronize_session": "fetch"})
    else:
        db.execute(DOOR.update().where(DOOR.c.id.in_(ids)).values(turf_id=turf_id))
    staying = sa.and_(SPAN.c.turf_id == turf_id) if turf_id is not None else sa.false()
    db.execute(SPAN.update().where(SPAN.c.household_id.in_(ids), SPAN.c.ended_at.is_(None),
                                   sa.not_(staying)).values(ended_at=at))
    if turf_id is None:
        return
    kept = set(db.execute(sa.select(SPAN.c.household_id).where(
        SPAN.c.household_id.in_(ids), SPAN.c.ended_at.is_(None))).scalars())
    rows = [{"household_id": i, "turf_id": turf_id, "started_at": at, "ended_at": None}
            for i in ids if i not in kept]
    if rows:
        db.execute(SPAN.insert(), rows)


def move_doors(db: Session, moves: Sequence[tuple[int, int]], *,
               at: dt.datetime | None = None,
               walk_seq: dict[int, int] | None = None) -> None:
    """Many doors into many turfs at once, each (household id, turf id) as `set_door_turf`
    would move it, with each door's place in its turf's walk order when given (the same
    UPDATE). What a cut of thousands of new turfs does: one call per turf was 80,000
    statements at 1,000,000 doors. The caller commits."""
    at = at or utcnow()
    if not moves:
        return
    target = {int(h): int(t) for h, t in moves}
    ids = sorted(target)
    values = {"turf_id": sa.bindparam("b_turf")}
    if walk_seq is not None:
        values["walk_seq"] = sa.bindparam("b_seq")
    params = [{"b_id": i, "b_turf": target[i]} for i in ids]
    if walk_seq is not None:
        for p in params:
            p["b_seq"] = walk_seq.get(p["b_id"])
    db.execute(DOOR.update().where(DOOR.c.id == sa.bindparam("b_id")).values(**values), params)
    held = getattr(db, "identity_map", None)  # a Session, or Flask-SQLAlchemy's scoped one
    if held is not None:  # doors the session holds: read their new turf next time
        for obj in list(held.values()):
            if isinstance(obj, Household) and obj.id in target:
                db.expire(obj, ["turf_id", "walk_seq"])
    kept: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        open_spans = db.execute(sa.select(SPAN.c.id, SPAN.c.household_id, SPAN.c.turf_id)
                                .where(SPAN.c.household_id.in_(chunk),
                                       SPAN.c.ended_at.is_(None))).all()
        ending = [r.id for r in open_spans if r.turf_id != target[r.household_id]]
        kept.update(r.household_id for r in open_spans if r.turf_id == target[r.household_id])
        if ending:
            db.execute(SPAN.update().where(SPAN.c.id.in_(ending)).values(ended_at=at))
    rows = [{"household_id": i, "turf_id": target[i], "started_at": at, "ended_at": None}
            for i in ids if i not in kept]
    if rows:
        db.execute(SPAN.insert(), rows)
