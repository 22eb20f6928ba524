"""Reading district boundaries from GeoJSON: pure parsing, no database."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import shape

from fieldapp.errors import DomainError
from fieldapp.races.districts import area_km2, parse_district, points_inside

DATA = Path(__file__).resolve().parents[2] / "data" / "districts"
OCD = "ocd-division/country:us/state:ny/sldu:99"


def sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_feature_polygon_with_its_ocd_id():
    parsed = parse_district(sample("square_feature.geojson"), OCD)
    assert parsed.geometry["type"] == "Polygon"
    assert parsed.ocd_id == OCD and parsed.features == 1
    assert not parsed.repaired and parsed.messages == []
    geom = shape(parsed.geometry)
    assert geom.bounds == pytest.approx((-73.48, 40.65, -73.42, 40.71))
    assert 30 < area_km2(geom) < 40  # 0.06° x 0.06° at 40.7 N: about 5 km x 6.7 km


def test_feature_collection_is_unioned_into_one_polygon():
    parsed = parse_district(sample("halves_collection.geojson"), OCD.upper())
    assert parsed.features == 2 and parsed.ocd_id == OCD
    assert parsed.geometry["type"] == "Polygon"  # the shared edge dissolves
    assert shape(parsed.geometry).area == pytest.approx(0.06 * 0.06)


def test_bare_multipolygon_keeps_its_parts():
    parsed = parse_district(sample("two_islands_multipolygon.geojson"))
    assert parsed.geometry["type"] == "MultiPolygon"
    assert len(parsed.geometry["coordinates"]) == 2 and parsed.ocd_id is None


def test_bowtie_is_repaired_and_the_repair_reported():
    parsed = parse_district(sample("bowtie_feature.geojson"))
    assert parsed.repaired
    assert any("not valid geometry" in m and "Self-intersection" in m for m in parsed.messages)
    geom = shape(parsed.geometry)
    assert geom.is_valid and geom.geom_type == "MultiPolygon" and len(geom.geoms) == 2
    assert geom.area == pytest.approx(0.06 * 0.06 / 2)  # two triangles


def test_projected_coordinates_are_refused_with_a_clear_message():
    with pytest.raises(DomainError) as caught:
        parse_district(sample("projected_feet.geojson"))
    assert "not longitude/latitude" in caught.value.message
    assert "EPSG:4326" in caught.value.message and "coordinates" in caught.value.fields


def test_crs_member_naming_another_crs_is_refused():
    doc = json.loads(sample("square_feature.geojson"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2263"}}
    with pytest.raises(DomainError) as caught:
        parse_district(doc)
    assert "EPSG::2263" in caught.value.message and "crs" in caught.value.fields


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326",
                                  "urn:ogc:def:crs:EPSG::4326"])
def test_crs_member_naming_wgs84_is_accepted(name):
    doc = json.loads(sample("square_feature.geojson"))
    doc["crs"] = {"type": "name", "properties": {"name": name}}
    assert parse_district(doc).geometry["type"] == "Polygon"


def test_nad83_is_accepted_with_a_note():
    doc = json.loads(sample("square_feature.geojson"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4269"}}
    assert any("NAD83" in m for m in parse_district(doc).messages)


def test_wrong_ocd_id_is_refused_naming_both():
    other = "ocd-division/country:us/state:ny/sldu:8"
    with pytest.raises(DomainError) as caught:
        parse_district(sample("square_feature.geojson"), other)
    assert OCD in caught.value.message and other in caught.value.message


def test_features_naming_different_divisions_are_refused():
    doc = json.loads(sample("halves_collection.geojson"))
    doc["features"][1]["properties"]["OCD_ID"] = "ocd-division/country:us/state:ny/sldu:8"
    with pytest.raises(DomainError, match="different OCD divisions"):
        parse_district(doc)


def test_a_linestring_is_refused():
    with pytest.raises(DomainError) as caught:
        parse_district(sample("street_linestring.geojson"))
    assert "LineString is not an area" in caught.value.message


@pytest.mark.parametrize("raw,expected", [
    (b"NAME,GEOID\nDistrict 8,3608\n", "not GeoJSON"),
    (b"\xff\xfe\x00garbage", "not GeoJSON"),
    (b"[1, 2]", "not a GeoJSON object"),
    (b'{"type": "FeatureCollection", "features": []}', "no features"),
    (b'{"type": "Feature", "geometry": null}', "no geometry"),
    (b'{"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}', "malformed"),
    (b'{"type": "Polygon", "coordinates": [[["a", "b"]]]}', "not lists of numbers"),
    (b'{"type": "Polygon", "coordinates": []}', "no coordinates"),
])
def test_bad_files_are_refused_with_a_reason(raw, expected):
    with pytest.raises(DomainError, match=expected):
        parse_district(raw)


def test_utf8_bom_and_text_input_are_read():
    raw = sample("square_feature.geojson")
    assert parse_district(b"\xef\xbb\xbf" + raw).geometry == parse_district(raw.decode()).geometry


def test_points_inside_counts_the_edge_as_inside():
    geom = shape(parse_district(sample("square_feature.geojson")).geometry)
    inside = points_inside(geom, [40.68, 40.71 + 5e-5, 40.80], [-73.45, -73.45, -73.45])
    assert inside.tolist() == [True, True, False]
