"""Street files refused with a clear reason before anything is replaced."""
from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from fieldapp.streets.checks import (
    StreetFileError,
    check_covers,
    check_doors_near,
    ways_from_geojson,
)
from fieldapp.streets.matching import match_doors
from fieldapp.streets.network import build_network


def line(coords, **props):
    """A GeoJSON LineString feature."""
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "LineString", "coordinates": coords}}


def collection(*features, **extra):
    """A GeoJSON FeatureCollection."""
    return {"type": "FeatureCollection", "features": list(features), **extra}


def test_osm_tags_and_tiger_codes_give_classes_and_names():
    ways = ways_from_geojson(collection(
        line([[-122.30, 37.80], [-122.29, 37.80]], highway="residential", name="Pine St"),
        line([[-122.30, 37.81], [-122.29, 37.81]], MTFCC="S1200", FULLNAME="W Grand Ave"),
        line([[-122.30, 37.82], [-122.29, 37.82]], MTFCC="R1011"),
        line([[-122.30, 37.83], [-122.29, 37.83]], building="yes")))
    assert [(w.kind, w.name) for w in ways] == [
        ("residential", "Pine St"), ("primary", "W Grand Ave"), ("railway", "")]
    assert ways[0].coords[0] == (37.80, -122.30)  # (lat, lon) inside


@pytest.mark.parametrize("data, message", [
    ({"type": "Feature"}, "not a GeoJSON FeatureCollection"),
    (collection({"type": "Feature", "properties": {},
                 "geometry": {"type": "Point", "coordinates": [0, 0]}}), "no street lines"),
    (collection(line([[550000, 4180000], [550100, 4180000]], highway="residential")),
     "EPSG:4326"),
    (collection(line([[-122.3, 37.8], [-122.29, 37.8]], highway="residential"),
                crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::26910"}}),
     "EPSG:4326"),
])
def test_bad_geojson_is_refused(data, message):
    with pytest.raises(StreetFileError, match=message):
        ways_from_geojson(data)


def test_extract_missing_part_of_the_district_says_how_much():
    ways = ways_from_geojson(collection(
        line([[-122.30, 37.80], [-122.28, 37.80], [-122.28, 37.82]], highway="residential")))
    check_covers(ways, box(-122.30, 37.80, -122.28, 37.82))  # covered: no error
    with pytest.raises(StreetFileError, match="cover only 51%"):  # 60 m pad: doors beyond
        check_covers(ways, box(-122.30, 37.80, -122.26, 37.82))


def test_network_far_from_most_doors_is_refused():
    ways = ways_from_geojson(collection(
        line([[-122.30, 37.80], [-122.29, 37.80]], highway="residential")))
    net = build_network(ways)
    near = np.array([[37.8001, -122.295]] * 3)
    check_doors_near(match_doors(net, near))
    far = np.array([[37.81, -122.295]] * 3 + [[37.8001, -122.295]])
    with pytest.raises(StreetFileError, match="75% of the doors"):
        check_doors_near(match_doors(net, far))


def test_tiger_address_ranges_put_a_door_on_its_side_by_house_number():
    from fieldapp.streets.matching import house_number
    from fieldapp.streets.store import dump_network, load_network

    # Main St runs west to east (left is north): odd numbers north, even south, in two
    # TIGER edges split at Cross St. Its other spellings name the same ranges.
    lon0, lat0, d = -122.28, 37.81, 0.001  # ~90 m of longitude
    data = collection(
        line([[lon0, lat0], [lon0 + d, lat0]], MTFCC="S1400", FULLNAME="Main St",
             LFROMADD="101", LTOADD="199", RFROMADD="100", RTOADD="198"),
        line([[lon0 + d, lat0], [lon0 + 2 * d, lat0]], MTFCC="S1400", FULLNAME="Main St",
             lfromhn=201, ltohn=299, rfromhn=200, rtohn=298),
        line([[lon0 + d, lat0 - d], [lon0 + d, lat0 + d]], MTFCC="S1400", FULLNAME="Cross St"))
    ways = ways_from_geojson(data)
    assert ways[0].ranges == (101.0, 199.0, 100.0, 198.0)
    assert ways[1].ranges == (201.0, 299.0, 200.0, 298.0) and ways[2].ranges is None
    side_l = ways_from_geojson(collection(line([[0, 0], [0.001, 0]], highway="residential",
                                               FROMHN="11", TOHN="19", SIDE="L")))[0]
    assert side_l.ranges[:2] == (11.0, 19.0) and np.isnan(side_l.ranges[2:]).all()
    net = load_network(dump_network(build_network(ways)))  # stored and read back
    assert net.seg_ranges is not None and net.seg_ranges.shape == (net.n_segments, 6)
    # Geocodes a little off: "150 Main St" (even: south) fell 3 m north of the line, "233"
    # (odd: north, east edge) fell on the west edge's south side.
    addresses = ["150 Main St", "233 Main St", "151 Main St"]
    coords = np.array([(lat0 + 0.00003, lon0 + d / 2), (lat0 - 0.00003, lon0 + 0.9 * d),
                       (lat0 + 0.00003, lon0 + d / 2)])
    streets = ["main st"] * 3
    numbers = [house_number(a) for a in addresses]
    assert numbers == [150, 233, 151]
    plain = match_doors(net, coords, streets)
    ranged = match_doors(net, coords, streets, numbers)
    assert plain.side.tolist() == [1, -1, 1]  # by geometry: north, south, north
    assert ranged.side.tolist() == [-1, 1, 1]  # by number: even south, odd north
    east = {s for s in range(net.n_segments) if net.seg_ranges[s, 0] >= 200}
    assert int(ranged.segment[1]) in east and int(plain.segment[1]) not in east
