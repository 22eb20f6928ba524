"""`flask turf cut RACE --scope free|unassigned|leftover|all`, invoked as an operator would."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household
from tests import factories


def _race(db):
    """60 doors in the district and one far outside it; Vera is a volunteer."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    doors = factories.households(db, race, 60)
    db.add(Household(race_id=race.id, household_key="FAR", address_line="1 Far Rd",
                     lat=race.centre_lat + 0.5, lon=race.centre_lon, building_key="FAR"))
    vera = factories.user(db, "vera@example.org", ny, "volunteer", name="Vera Volunteer")
    db.commit()
    return race, doors, vera


def _active_turfs(db) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(Turf).where(Turf.status == "active"))


def test_cut_free_doors_then_a_destructive_scope_asks_first(db, runner):
    race, _doors, vera = _race(db)
    result = runner.invoke(args=["turf", "cut", str(race.id), "--doors", "20"])
    assert result.exit_code == 0, result.output
    assert "3 turfs from 60 doors" in result.output
    assert "1 outside the district left out" in result.output
    first = db.scalars(sa.select(Turf).order_by(Turf.id)).first()
    factories.assign(db, first, vera)
    db.commit()

    # Every door again: it names what ends and stops on "no"; nothing changes.
    result = runner.invoke(args=["turf", "cut", "NY race", "--doors", "30", "--scope", "all"],
                           input="n\n")
    assert result.exit_code == 1
    assert "retires 3 turfs" in result.output and "Vera Volunteer" in result.output
    db.expire_all()
    assert _active_turfs(db) == 3
    assert db.scalar(sa.select(Assignment.status)) == "active"

    # Only the unassigned turfs: Vera's stays as it is.
    result = runner.invoke(args=["turf", "cut", str(race.id), "--doors", "10",
                                 "--scope", "unassigned", "--yes"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.get(Turf, first.id).status == "active" and db.get(Turf, first.id).door_count == 20
    assert _active_turfs(db) == 1 + 4  # Vera's, and 40 doors cut again in tens
    assert db.scalar(sa.select(Assignment.status)) == "active"


def test_knock_whats_left_cuts_only_the_doors_still_to_knock(db, runner):
    race, doors, _vera = _race(db)
    assert runner.invoke(args=["turf", "cut", str(race.id), "--doors", "20"]).exit_code == 0
    for door in doors[:30]:
        door.last_outcome = "contact"
    for door in doors[30:40]:
        door.last_outcome = "not_home"
    db.commit()
    result = runner.invoke(args=["turf", "cut", str(race.id), "--doors", "10", "--scope",
                                 "leftover", "--outcome", "not_home", "--yes"])
    assert result.exit_code == 0, result.output
    assert "from 30 doors" in result.output  # 20 never knocked + 10 not home
    db.expire_all()
    finished = {db.get(Household, d.id).turf_id for d in doors[:30]}
    assert all(t is not None for t in finished)  # the finished doors stay where they were
    second = {db.get(Household, d.id).turf_id for d in doors[30:]}
    assert not second & finished


def test_bad_scope_outcome_and_size_are_refused_and_change_nothing(db, runner):
    race, _doors, _vera = _race(db)
    result = runner.invoke(args=["turf", "cut", str(race.id), "--scope", "some"])
    assert result.exit_code == 2 and "'some' is not one of" in result.output
    result = runner.invoke(args=["turf", "cut", str(race.id), "--scope", "leftover",
                                 "--outcome", "maybe", "--yes"])
    assert result.exit_code != 0 and "Unknown outcome 'maybe'" in result.output
    result = runner.invoke(args=["turf", "cut", str(race.id), "--doors", "5"])
    assert result.exit_code != 0 and "between 10 and 400" in result.output
    assert db.scalar(sa.select(sa.func.count()).select_from(Turf)) == 0
