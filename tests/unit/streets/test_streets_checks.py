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
