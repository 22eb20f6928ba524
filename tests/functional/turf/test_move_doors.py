"""Moving many doors into many turfs at once keeps each door's turf history as one move would."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from fieldapp.turf.membership import DoorTurfSpan, move_doors, set_door_turf
from fieldapp.voters.models import Household
from tests import factories


def _spans(db, door_id):
    return db.execute(sa.select(DoorTurfSpan.turf_id, DoorTurfSpan.ended_at)
                      .where(DoorTurfSpan.household_id == door_id)
                      .order_by(DoorTurfSpan.id)).all()


def test_move_doors_matches_one_move_per_turf(db):
    org = factories.org(db)
    race = factories.race(db, org)
    doors = factories.households(db, race, 6)
    a = factories.turf(db, race, doors[:3], "A")
    b = factories.turf(db, race, doors[3:5], "B")  # doors[5] in no turf
    before = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    at = before + dt.timedelta(hours=1)
    # doors 0, 3 stay where they are; 1 moves A -> B, 4 moves B -> A, 5 joins A, 2 joins B.
    moves = [(doors[0].id, a.id), (doors[1].id, b.id), (doors[2].id, b.id),
             (doors[3].id, b.id), (doors[4].id, a.id), (doors[5].id, a.id)]
    move_doors(db, moves, at=at, walk_seq={d.id: 10 + i for i, d in enumerate(doors)})
    db.flush()
    rows = {r.id: r for r in db.execute(sa.select(Household.id, Household.turf_id,
                                                   Household.walk_seq)
                                        .where(Household.race_id == race.id))}
    assert [rows[d.id].turf_id for d in doors] == [a.id, b.id, b.id, b.id, a.id, a.id]
    assert [rows[d.id].walk_seq for d in doors] == [10, 11, 12, 13, 14, 15]
    assert doors[1].turf_id == b.id  # the session's door objects see their new turf
    # Unbroken history where a door stayed; one closed span and one open where it moved.
    assert _spans(db, doors[0].id) == [(a.id, None)]
    assert _spans(db, doors[3].id) == [(b.id, None)]
    for door, old, new in ((doors[1], a, b), (doors[4], b, a)):
        (t1, end1), (t2, end2) = _spans(db, door.id)
        assert (t1, t2, end2) == (old.id, new.id, None) and end1 is not None
    assert _spans(db, doors[5].id) == [(a.id, None)]
    # The same moves one turf at a time leave the same doors and the same open spans.
    set_door_turf(db, [doors[1].id], a.id)
    move_doors(db, [(doors[1].id, b.id)])
    assert [t for t, end in _spans(db, doors[1].id) if end is None] == [b.id]


def test_move_doors_without_walk_order_keeps_it(db):
    org = factories.org(db)
    race = factories.race(db, org)
    doors = factories.households(db, race, 2)
    a = factories.turf(db, race, doors, "A")
    b = factories.turf(db, race, [], "B")
    move_doors(db, [(doors[0].id, b.id)])
    db.flush()
    seq = db.scalar(sa.select(Household.walk_seq).where(Household.id == doors[0].id))
    assert seq == 0 and a.id != b.id  # walk_seq untouched when none is given
    assert move_doors(db, []) is None
