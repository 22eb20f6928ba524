"""Properties of turf boundaries: no overlaps, each turf's polygon holds its doors."""
from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon

from fieldapp.turf.boundaries import polygon_contains, turf_boundaries
from fieldapp.turf.cutting import cut_turfs

FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
M_PER_DEG = math.pi / 180 * 6_371_008.8


def latlon(xy: np.ndarray) -> np.ndarray:
    """Metres east/north about (40, -75) as (lat, lon) degrees."""
    return np.column_stack((40.0 + xy[:, 1] / M_PER_DEG,
                            -75.0 + xy[:, 0] / (M_PER_DEG * math.cos(math.radians(40.0)))))


def check(coords: np.ndarray, labels: np.ndarray, polys: list) -> None:
    """Pairwise overlap ~0 and every door strictly inside its turf's polygon."""
    k = int(labels.max()) + 1
    assert len(polys) == k and all(p.is_valid and not p.is_empty for p in polys)
    area = np.array([p.area for p in polys])
    tree = shapely.STRtree(polys)
    left, right = tree.query(polys, predicate="intersects")
    for a, b in zip(left, right):
        if a < b:
            assert polys[a].intersection(polys[b]).area <= 1e-9 * min(area[a], area[b])
    for t in range(k):
        assert polygon_contains(polys[t], coords[labels == t]).all()


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(30, 800), target=st.integers(10, 100),
       dup=st.floats(0, 0.3))
def test_boundaries_do_not_overlap_and_hold_their_doors(seed: int, n: int, target: int,
                                                        dup: float) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2)) * 1000
    copy = rng.random(n) < dup
    xy[copy] = xy[rng.integers(0, n, copy.sum())]
    coords = latlon(xy)
    labels = cut_turfs(coords, target).labels
    check(coords, labels, turf_boundaries(coords, labels))


def test_clip_to_district_and_lon_lat_order() -> None:
    rng = np.random.default_rng(2)
    coords = latlon(rng.random((400, 2)) * 1000)
    labels = cut_turfs(coords, 50).labels
    lat0, lon0 = coords.min(axis=0) - 1e-4
    lat1, lon1 = coords.max(axis=0) + 1e-4
    district = Polygon([(lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1)])
    polys = turf_boundaries(coords, labels, clip=district)
    check(coords, labels, polys)
    union = shapely.union_all(polys)
    assert abs(union.area - district.area) <= 1e-6 * district.area
    assert district.buffer(1e-9).contains(union)


def test_doors_outside_the_district_are_still_inside_their_turf() -> None:
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [0.0, 100.0], [100.0, 100.0], [500.0, 500.0]])
    coords = latlon(xy)
    labels = np.array([0, 0, 1, 1, 1])
    lat1, lon1 = latlon(np.array([[150.0, 150.0]]))[0]
    lat0, lon0 = latlon(np.array([[-50.0, -50.0]]))[0]
    district = Polygon([(lon0, lat0), (lon1, lat0), (lon1, lat1), (lon0, lat1)])
    check(coords, labels, turf_boundaries(coords, labels, clip=district))


def test_single_door_and_collinear_doors() -> None:
    one = latlon(np.array([[0.0, 0.0]]))
    check(one, np.array([0]), turf_boundaries(one, np.array([0])))
    line = latlon(np.column_stack((np.arange(20) * 15.0, np.zeros(20))))
    labels = np.repeat([0, 1], 10)
    check(line, labels, turf_boundaries(line, labels))


def test_polygon_contains_is_a_mask() -> None:
    square = Polygon([(-75.001, 39.999), (-74.999, 39.999), (-74.999, 40.001), (-75.001, 40.001)])
    coords = np.array([[40.0, -75.0], [40.5, -75.0], [40.0005, -75.0005]])
    assert polygon_contains(square, coords).tolist() == [True, False, True]
    assert polygon_contains(square, np.empty((0, 2))).shape == (0,)
