"""Issue 15's done-when: a re-cut while a phone is offline loses none of its knocks.

The volunteer opens their walk list, loses signal, logs three not-homes; meanwhile the
organizer re-cuts the race (every turf retired, every assignment ended). Back online, the
phone sends them and all three are stored, attributed to the volunteer: a knock is judged by
the moment it was logged (fieldapp.turf.membership, fieldapp.canvass.knocks).
"""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.races.models import Race
from fieldapp.turf import services as turf_services
from fieldapp.turf.models import Assignment
from tests import factories
from tests.e2e.conftest import set_offline
from tests.e2e.test_phone_walk import (  # noqa: F401
    VOLUNTEER,
    app_config,
    log_not_home,
    open_walk,
    turf,
    wait_for_knocks,
    wait_queued,
)


def test_recut_while_offline_keeps_the_three_not_homes(db, phone, turf):  # noqa: F811
    page = open_walk(phone, turf["id"], offline_ready=True)
    set_offline(phone, True)
    for _ in range(3):
        log_not_home(page)
    wait_queued(page, 3)
    # The organizer re-cuts the race meanwhile: the old turf is retired, its assignment ended.
    race = db.get(Race, turf["race"])
    summary = turf_services.cut_race(db, race, 10, replace=True)
    db.commit()
    assert summary.archived == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(Assignment)
                     .where(Assignment.status == "active")) == 0
    set_offline(phone, False)
    page.click("#sync-now")
    wait_queued(page, 0, timeout=15_000)
    stored = wait_for_knocks(db, 3)
    volunteer = factories.get_user(db, VOLUNTEER)
    assert len(stored) == 3
    assert {k.user_id for k in stored} == {volunteer.id}
    assert {k.outcome for k in stored} == {"not_home"}
    assert {k.household_id for k in stored} == set(turf["doors"][:3])
    assert {k.turf_id for k in stored} == {turf["id"]}  # the turf they were walked in
