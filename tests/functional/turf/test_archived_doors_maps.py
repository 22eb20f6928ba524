"""Archived doors leave the maps' door layers, and the turfs that held them are redrawn."""
from __future__ import annotations

import sqlalchemy as sa
from shapely.geometry import Point, shape

from fieldapp.knocklog.models import DoorKnock
from fieldapp.models_base import utcnow
from fieldapp.reports.map_data import coverage_map_data, turf_map_data
from fieldapp.turf import outside, services
from fieldapp.turf.models import Turf
from fieldapp.voters.locations import pin_map_data
from fieldapp.voters.models import Household
from tests import factories
from tests.conftest import csrf_token_from


def _race(db):
    """40 doors, 3 of them moved 5.5 km outside the district, all cut into turfs of 20
    ("cut them anyway"): the turfs holding the 3 reach out to them."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    doors = factories.households(db, race, 40)
    factories.user(db, "org@example.org", ny, "organizer")
    for door in doors[:3]:
        door.lat += 0.05
    doors[0].last_outcome = "contact"
    db.flush()
    services.cut_race(db, race, 20, include_outside=True)
    db.commit()
    return race, doors


def _far(doors) -> list[Point]:
    return [Point(d.lon, d.lat) for d in doors[:3]]


def test_archiving_takes_doors_off_the_maps_and_redraws_their_turfs(client, auth, db):
    race, doors = _race(db)
    far = _far(doors)
    losing = {d.turf_id for d in doors[:3]}
    assert len(coverage_map_data(db, race).doors.lat) == 40
    district = shape(race.district)
    for turf in db.scalars(sa.select(Turf).where(Turf.id.in_(losing))):
        outline = shape(turf.boundary)
        assert any(outline.covers(p) for p in far)  # it reached out to its outside doors
        assert outline.difference(district).area > 0

    auth.login("org@example.org")
    url = f"/races/{race.id}/outside-doors"
    done = client.post(f"{url}/archive", data={"csrf_token": csrf_token_from(client, url),
                                               "confirmed": "1"})
    assert done.status_code == 303
    db.expire_all()
    race = db.get(type(race), race.id)
    coverage = coverage_map_data(db, race)
    assert len(coverage.doors.lat) == 37
    assert not any(abs(lat - far[0].y) < 0.01 for lat in coverage.doors.lat)
    assert len(pin_map_data(db, race).doors.lat) == 37
    for turf in db.scalars(sa.select(Turf).where(Turf.id.in_(losing))):
        outline = shape(turf.boundary)
        assert outline.is_valid and not any(outline.intersects(p.buffer(0.0005)) for p in far)
        assert outline.difference(district).area < 1e-12  # back inside the district
        left = db.scalars(sa.select(Household).where(Household.turf_id == turf.id)
                          .order_by(Household.walk_seq)).all()
        assert turf.door_count == len(left) and [d.walk_seq for d in left] == list(range(len(left)))
        assert all(outline.covers(Point(d.lon, d.lat)) for d in left)
        route = turf.route["coordinates"]
        assert len(route) == len(left) and all(lat < far[0].y - 0.01 for _lon, lat in route)
        walk = turf_map_data(db, turf)
        assert len(walk.doors) == len(left) and walk.boundary == turf.boundary
    # The turfs stay disjoint, and both maps' pages draw.
    outlines = [shape(t.boundary) for t in db.scalars(sa.select(Turf).where(
        Turf.race_id == race.id, Turf.status == "active"))]
    for i, a in enumerate(outlines):
        for b in outlines[i + 1:]:
            assert a.intersection(b).area < 1e-12
    assert client.get(f"/races/{race.id}/map").status_code == 200
    assert client.get(f"/turfs/{next(iter(losing))}").status_code == 200


def test_an_archived_doors_contacts_leave_the_support_layer(db):
    race, doors = _race(db)
    volunteer = factories.user(db, "vera@example.org", race.organization, "volunteer")
    question = race.questions[0]
    for k, door in enumerate((doors[0], doors[10])):  # one outside, one inside
        db.add(DoorKnock(client_uuid=f"k{k}", payload_hash="x", user_id=volunteer.id,
                         race_id=race.id, household_id=door.id, outcome="contact",
                         knocked_at=utcnow(), answers={str(question.id): str(question.choices[4].id)}))
    db.commit()
    assert sorted(coverage_map_data(db, race).contacts.lat) == sorted([doors[0].lat, doors[10].lat])
    outside.archive_outside_doors(db, race)
    db.commit()
    assert list(coverage_map_data(db, race).contacts.lat) == [doors[10].lat]
    assert db.scalar(sa.select(sa.func.count()).select_from(DoorKnock)) == 2  # knocks kept
