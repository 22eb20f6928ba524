"""`flask imports streets` and the street network page: a generated city imported, checked,
cut by block face and routed along its streets; bad files refused with nothing replaced."""
from __future__ import annotations

import io
from collections import defaultdict

import numpy as np
import pytest
import shapely
import sqlalchemy as sa

from fieldapp.streets.models import DoorStreet, StreetNetworkRecord
from fieldapp.streets.network import Way
from fieldapp.streets.store import load_network
from fieldapp.turf import services as turf_services
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household
from tests import factories, streets_world


def _import(runner, path, race):
    return runner.invoke(args=["imports", "streets", str(path), "--race", str(race.id)])


@pytest.fixture
def street_turf(db, runner, tmp_path):
    """The generated city imported through the CLI and cut at 40 doors: its first turf."""
    c = streets_world.city()
    race, _ = streets_world.race_with_doors(db, c)
    db.commit()
    assert _import(runner, streets_world.write_osm(c, tmp_path / "city.osm"), race).exit_code == 0
    assert runner.invoke(args=["turf", "cut", str(race.id), "--doors", "40"]).exit_code == 0
    db.expire_all()
    return db.scalars(sa.select(Turf).where(Turf.race_id == race.id)).first()


def test_cli_import_then_cut_follows_block_faces_and_streets(db, runner, tmp_path):
    c = streets_world.city()
    race, doors = streets_world.race_with_doors(db, c)
    db.commit()
    result = _import(runner, streets_world.write_osm(c, tmp_path / "city.osm"), race)
    assert result.exit_code == 0, result.output
    assert "street segments" in result.output and f"{len(doors):,} doors placed" in result.output
    record = db.scalar(sa.select(StreetNetworkRecord))
    assert record.race_id == race.id and record.source_format == "osm"
    assert record.barrier_segments > 0 and record.barrier_lines == 1  # primary road, railway
    assert db.scalar(sa.select(sa.func.count()).select_from(DoorStreet)) == len(doors)
    assert record.doors_far == 0

    result = runner.invoke(args=["turf", "cut", str(race.id), "--doors", "40"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    turfs = db.scalars(sa.select(Turf).where(Turf.race_id == race.id)).all()
    # Whole block faces (6-16 doors, buildings of up to 12) make sizes coarse: a turf out of
    # 36-44 is said so, and they are few.
    off = [t for t in turfs if not 36 <= t.door_count <= 44]
    assert len(off) <= len(turfs) // 4, [t.door_count for t in turfs]
    assert all(f"has {t.door_count} doors" in result.output for t in off), result.output
    faces = defaultdict(set)
    for turf_id, segment, side in db.execute(
            sa.select(Household.turf_id, DoorStreet.segment, DoorStreet.side)
            .join(DoorStreet, DoorStreet.household_id == Household.id)):
        faces[(segment, side)].add(turf_id)
    assert all(len(t) == 1 for t in faces.values()), "a block face is split between turfs"
    net = load_network(record.data, regions=False)
    streets = shapely.union_all(net.seg_lines)
    for turf in turfs:
        doors_in = db.scalars(sa.select(Household).where(Household.turf_id == turf.id)
                              .order_by(Household.walk_seq)).all()
        # The route is drawn through the street geometry: many more points than stops.
        assert len(turf.route["coordinates"]) > len({d.building_key for d in doors_in})
        assert turf.route_length_m > 0
        # ... every vertex on a street's centre line, not at the doors (12 m off it).
        vertices = shapely.points(net.proj.forward(
            np.array(turf.route["coordinates"])[:, ::-1]))
        assert float(shapely.distance(vertices, streets).max()) < 0.5
        seen, last = [], None
        for d in doors_in:  # a building's units together and in natural order
            if d.building_key != last:
                assert d.building_key not in seen, "a building's units are not consecutive"
                seen.append(d.building_key)
                last, units = d.building_key, []
            units.append(d.unit)
            if d.unit and len(units) > 1 and units[-2]:
                a, b = units[-2], units[-1]
                assert (not a.isdigit() or not b.isdigit() or int(a) < int(b)) and \
                    not (a.isalpha() and b.isdigit()), units


def test_geojson_lines_import_and_reimport_keeps_turfs(db, runner, tmp_path):
    c = streets_world.city()
    race, doors = streets_world.race_with_doors(db, c)
    volunteer = factories.user(db, "v@example.org", race.organization)
    turf = factories.turf(db, race, doors[:30])
    factories.assign(db, turf, volunteer)
    db.commit()
    before = [d.id for d in db.scalars(sa.select(Household).where(Household.turf_id == turf.id))]
    path = streets_world.write_geojsonl(c, tmp_path / "city.geojsonl")
    assert _import(runner, path, race).exit_code == 0
    result = _import(runner, path, race)  # again: replaces the network, not the turf
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).select_from(StreetNetworkRecord)) == 1
    assert db.scalar(sa.select(StreetNetworkRecord)).source_format == "geojson"
    after = [d.id for d in db.scalars(sa.select(Household).where(Household.turf_id == turf.id))]
    assert after == before and db.get(Turf, turf.id).status == "active"


def test_bad_files_are_refused_and_the_previous_network_kept(db, runner, tmp_path):
    c = streets_world.city()
    race, _ = streets_world.race_with_doors(db, c)
    db.commit()
    assert _import(runner, streets_world.write_osm(c, tmp_path / "city.osm"), race).exit_code == 0
    kept = db.scalar(sa.select(StreetNetworkRecord.id))

    text = tmp_path / "voters.csv"
    text.write_text("id,name\n1,Ana\n")
    result = _import(runner, text, race)
    assert result.exit_code != 0 and "neither an OpenStreetMap extract" in result.output

    projected = streets_world.write_geojsonl(c, tmp_path / "utm.geojsonl", scale=10000.0)
    result = _import(runner, projected, race)
    assert result.exit_code != 0 and "EPSG:4326" in result.output

    west = [w for w in c.ways if max(lon for _, lon in w.coords) < sum(c.bbox[1::2]) / 2]
    half = streets_world.write_osm(c, tmp_path / "half.osm", ways=west)
    result = _import(runner, half, race)
    assert result.exit_code != 0 and "of its area is outside the file" in result.output, \
        result.output

    (south, west), (north, east) = c.coords.min(axis=0) - 8e-4, c.coords.max(axis=0) + 8e-4
    ring = [(south, west), (south, east), (north, east), (north, west), (south, west)]
    frame = [Way(coords=[a, b], kind="residential", name="Ring Road")
             for a, b in zip(ring[:-1], ring[1:])]
    result = _import(runner, streets_world.write_osm(c, tmp_path / "ring.osm", ways=frame), race)
    assert result.exit_code != 0 and "from every walkable street" in result.output, result.output

    broken = tmp_path / "broken.osm"
    broken.write_text('<?xml version="1.0"?>\n<osm version="0.6"><node id="1" lat=')
    result = _import(runner, broken, race)
    assert result.exit_code != 0 and "cannot read it" in result.output
    db.expire_all()
    assert db.scalar(sa.select(StreetNetworkRecord.id)) == kept


def test_street_page_upload_runs_as_a_job(db, client, auth, run_jobs, tmp_path):
    c = streets_world.city()
    race, _ = streets_world.race_with_doors(db, c)
    factories.user(db, "o@example.org", race.organization, role="organizer")
    db.commit()
    auth.login("o@example.org")
    page = client.get(f"/races/{race.id}/streets")
    assert page.status_code == 200 and b"has no street network" in page.data
    data = streets_world.write_osm(c, tmp_path / "city.osm").read_bytes()
    response = client.post(f"/races/{race.id}/streets",
                           data={"file": (io.BytesIO(data), "city.osm")},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    run_jobs()
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Street network import" in job_page and "street segments" in job_page
    page = client.get(f"/races/{race.id}/streets")
    assert b"street segments" in page.data and b"city.osm" in page.data
    junk = client.post(f"/races/{race.id}/streets",
                       data={"file": (io.BytesIO(b"hello, world"), "streets.osm")},
                       content_type="multipart/form-data")
    assert junk.status_code == 422 and b"neither an OpenStreetMap extract" in junk.data


def test_walk_sheet_and_turf_page_show_time_and_group_units(db, client, auth, runner, tmp_path):
    c = streets_world.city()
    race, _ = streets_world.race_with_doors(db, c)
    factories.user(db, "o@example.org", race.organization, role="organizer")
    db.commit()
    assert _import(runner, streets_world.write_osm(c, tmp_path / "city.osm"), race).exit_code == 0
    assert runner.invoke(args=["turf", "cut", str(race.id), "--doors", "40"]).exit_code == 0
    db.expire_all()
    turf = max(db.scalars(sa.select(Turf).where(Turf.race_id == race.id)),
               key=lambda t: sum(1 for d in t.households if d.unit))
    auth.login("o@example.org")
    sheet = client.get(f"/turfs/{turf.id}/sheet").get_data(as_text=True)
    assert " min" in sheet and "km, about" in sheet
    units = [d for d in turf.households if d.unit]
    # The second unit of a building is listed under the first, without its address again.
    assert units and f"↳ #{units[1].unit}" in sheet
    page = client.get(f"/turfs/{turf.id}").get_data(as_text=True)
    assert "km, about" in page


def test_rerouting_one_turf_follows_the_streets_too(db, street_turf):
    turf = street_turf
    before = turf.route_length_m
    turf.route = None
    turf_services.route_turf(db, turf)  # after a manual change of its doors, say
    db.commit()
    net = load_network(db.scalar(sa.select(StreetNetworkRecord)).data, regions=False)
    vertices = shapely.points(net.proj.forward(np.array(turf.route["coordinates"])[:, ::-1]))
    assert float(shapely.distance(vertices, shapely.union_all(net.seg_lines)).max()) < 0.5
    assert turf.route_length_m <= before * 1.05


def test_organizers_start_point_begins_the_street_route(db, street_turf):
    turf = street_turf
    last = [d for d in turf.households if not d.unit][-1]  # the far end of today's route
    assert turf.households[0].id != last.id
    turf.start_lat, turf.start_lon = last.lat + 1e-5, last.lon  # parked by that door
    turf_services.route_turf(db, turf)
    db.commit()
    db.expire_all()
    assert turf.households[0].id == last.id
    net = load_network(db.scalar(sa.select(StreetNetworkRecord)).data, regions=False)
    vertices = shapely.points(net.proj.forward(np.array(turf.route["coordinates"])[:, ::-1]))
    assert float(shapely.distance(vertices, shapely.union_all(net.seg_lines)).max()) < 0.5
