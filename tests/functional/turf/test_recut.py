"""Cutting again without damage (issue 16): incremental cuts, re-cut scopes, outside doors."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import shape

from fieldapp.errors import DomainError
from fieldapp.models_base import utcnow
from fieldapp.turf import services
from fieldapp.turf.models import Assignment, Turf
from fieldapp.turf.recut import outside_doors, plan_cut, preview_cut
from fieldapp.voters.models import Household
from tests import factories


@pytest.fixture
def race(db):
    """A race of 60 doors on three short streets, its organizer and two volunteers."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "Test race")
    factories.households(db, race, 60)
    factories.user(db, "organizer@example.org", ny, "organizer")
    factories.user(db, "vera@example.org", ny, "volunteer", name="Vera Volunteer")
    db.commit()
    return race


def add_doors(db, race, count: int, lat0: float, lon0: float, tag: str) -> list[Household]:
    """count more geocoded doors on a grid from (lat0, lon0): a later import."""
    rows = [Household(race_id=race.id, household_key=f"{tag}{i}", address_line=f"{i} {tag} Ave",
                      lat=lat0 + (i // 5) * 0.0004, lon=lon0 + (i % 5) * 0.0004,
                      street_key=f"{tag} AVE", building_key=f"{tag}{i}") for i in range(count)]
    db.add_all(rows)
    db.flush()
    return rows


def active_turfs(db, race) -> list[Turf]:
    return db.scalars(sa.select(Turf).where(Turf.race_id == race.id, Turf.status == "active")
                      .order_by(Turf.id)).all()


def assert_no_overlap(turfs: list[Turf]) -> None:
    """Pairwise overlap area of the turfs' boundaries is zero, to a rounding tolerance."""
    polys = [shapely.make_valid(shape(t.boundary)) for t in turfs if t.boundary]
    for i, a in enumerate(polys):
        for b in polys[i + 1:]:
            assert a.intersection(b).area <= 1e-6 * min(a.area, b.area)


def test_incremental_cuts_never_overlap_and_continue_the_names(db, race):
    first = services.cut_race(db, race, 20)
    assert first.turfs == 3
    assert [t.name for t in active_turfs(db, race)] == ["TR 001", "TR 002", "TR 003"]
    # New doors among and beside the old ones, as an import brings them.
    add_doors(db, race, 10, race.centre_lat + 0.0002, race.centre_lon + 0.0011, "MID")
    add_doors(db, race, 10, race.centre_lat + 0.004, race.centre_lon, "NEW")
    db.commit()
    second = services.cut_race(db, race, 10)
    db.commit()
    turfs = active_turfs(db, race)
    assert second.turfs == 2 and second.doors == 20 and second.already_in_turf == 60
    assert [t.name for t in turfs][3:] == ["TR 004", "TR 005"]
    assert_no_overlap(turfs)
    add_doors(db, race, 15, race.centre_lat - 0.003, race.centre_lon - 0.002, "SOUTH")
    services.cut_race(db, race, 15)
    db.commit()
    turfs = active_turfs(db, race)
    assert turfs[-1].name == "TR 006"
    assert_no_overlap(turfs)
    # The new turfs cover only the ground of their doors, not the whole district.
    district = shape(race.district)
    assert shape(turfs[-1].boundary).area < 0.2 * district.area


def test_recut_only_unassigned_keeps_held_turfs(db, race):
    services.cut_race(db, race, 20)
    turfs = active_turfs(db, race)
    vera = factories.get_user(db, "vera@example.org")
    factories.assign(db, turfs[0], vera)
    db.commit()
    plan = plan_cut(db, race, "unassigned")
    preview = preview_cut(db, race, plan)
    assert preview.turfs_retired == 2 and preview.assignments_ended == 0
    assert len(plan.rows) == 40
    services.cut_race(db, race, 20, scope="unassigned")
    db.commit()
    kept = db.get(Turf, turfs[0].id)
    assert kept.status == "active" and kept.door_count == 20
    assert len(active_turfs(db, race)) == 3
    assert_no_overlap(active_turfs(db, race))


def test_recut_every_door_preview_names_what_ends(db, race):
    services.cut_race(db, race, 20)
    turfs = active_turfs(db, race)
    vera = factories.get_user(db, "vera@example.org")
    factories.assign(db, turfs[1], vera)
    door = turfs[1].households[0]
    door.last_outcome, door.last_knocked_at = "not_home", utcnow() - dt.timedelta(hours=2)
    db.commit()
    preview = preview_cut(db, race, plan_cut(db, race, "all"))
    assert preview.destructive and preview.turfs_retired == 3
    assert preview.assignments_ended == 1 and preview.volunteers == ["Vera Volunteer"]
    assert preview.recent_knocks == 1 and preview.doors == 60
    services.cut_race(db, race, 30, replace=True)
    db.commit()
    assert db.get(Assignment, turfs[1].assignments[0].id).status == "returned"
    assert [t.name for t in active_turfs(db, race)] == ["TR 003", "TR 004"]  # after the kept TR 002


def test_knock_whats_left_moves_only_doors_still_to_knock(db, race):
    services.cut_race(db, race, 20)
    turfs = active_turfs(db, race)
    doors = turfs[0].households
    for door in doors[:8]:
        door.last_outcome = "contact"
    for door in doors[8:12]:
        door.last_outcome = "not_home"
    for door in doors[12:14]:
        door.last_outcome = "refused"
    db.commit()
    finished = {d.id for d in doors[:8]} | {d.id for d in doors[12:14]}
    summary = services.cut_race(db, race, 10, scope="leftover", outcomes=("not_home",))
    db.commit()
    # 6 never knocked + 4 not home in the first turf, and the 40 doors of the other two.
    assert summary.doors == 50 and summary.shrunk == 1 and summary.archived == 2
    first = db.get(Turf, turfs[0].id)
    assert first.status == "active" and first.door_count == 10
    assert {d.id for d in first.households} == finished
    assert_no_overlap(active_turfs(db, race))


def test_doors_outside_the_district_are_left_out_and_counted(db, race):
    add_doors(db, race, 5, race.centre_lat + 0.05, race.centre_lon, "FAR")
    db.commit()
    assert len(outside_doors(db, race)) == 5
    summary = services.cut_race(db, race, 20)
    assert summary.outside_district == 5 and summary.doors == 60
    assert summary.as_json()["outside_district"] == 5
    db.commit()
    summary = services.cut_race(db, race, 10, include_outside=True)
    assert summary.doors == 5 and summary.outside_district == 0


def test_bad_cuts_change_nothing(db, race):
    with pytest.raises(DomainError, match="between 10 and 400"):
        services.cut_race(db, race, 5)
    with pytest.raises(DomainError, match="between 10 and 400"):
        services.cut_race(db, race, 401)
    with pytest.raises(DomainError, match="Choose what to cut"):
        services.cut_race(db, race, 20, scope="everything")
    db.execute(sa.update(Household).values(lat=None, lon=None))
    with pytest.raises(DomainError, match="no geocoded households"):
        services.cut_race(db, race, 20)
    db.rollback()
    assert db.scalar(sa.select(sa.func.count(Turf.id))) == 0
    assert np.all([h.turf_id is None for h in db.scalars(sa.select(Household))])
