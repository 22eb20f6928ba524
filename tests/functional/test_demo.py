"""`flask demo load`: the five 2017 races, idempotent, usable at once."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.knocklog.models import DoorKnock
from fieldapp.races.models import Race
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household, Voter


def _counts(db):
    return {model.__name__: db.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Race, Household, Voter, Turf, Assignment, DoorKnock)}


def test_demo_load_twice_duplicates_nothing(db, runner):
    first = runner.invoke(args=["demo", "load", "--households-per-race", "120", "--seed", "5"])
    assert first.exit_code == 0, first.output
    assert "SYNTHETIC" in first.output
    assert "organizer@ny-wfp.example.org" in first.output
    assert "password for all: " in first.output
    after_first = _counts(db)
    assert after_first["Race"] == 5
    assert 5 * 100 <= after_first["Household"] <= 5 * 140
    assert after_first["Voter"] > after_first["Household"]
    assert after_first["Turf"] >= 5 and after_first["Assignment"] >= 5
    assert after_first["DoorKnock"] > 0

    second = runner.invoke(args=["demo", "load", "--households-per-race", "120", "--seed", "5"])
    assert second.exit_code == 0, second.output
    assert second.output.count("already there, left as is") == 5
    db.expire_all()
    assert _counts(db) == after_first


def test_demo_races_have_districts_goals_and_walk_order(db, runner):
    assert runner.invoke(args=["demo", "load", "--households-per-race", "60"]).exit_code == 0
    for race in db.scalars(sa.select(Race)):
        assert race.district["type"] in ("Polygon", "MultiPolygon")
        assert race.district_is_synthetic
        assert race.door_goal > 0
        unplaced = db.scalar(sa.select(sa.func.count()).where(
            Household.race_id == race.id, Household.turf_id.is_(None)))
        assert unplaced == 0  # every demo door sits in a turf, in walk order
        seqs = db.scalars(sa.select(Household.walk_seq).where(Household.race_id == race.id)
                          .where(Household.turf_id.is_not(None))).all()
        assert None not in seqs


def test_demo_residents_of_a_door_have_different_first_names(db, runner):
    assert runner.invoke(args=["demo", "load", "--households-per-race", "200"]).exit_code == 0
    same = db.execute(sa.select(Voter.household_id, Voter.first_name, Voter.last_name)
                      .group_by(Voter.household_id, Voter.first_name, Voter.last_name)
                      .having(sa.func.count() > 1)).all()
    assert same == []
