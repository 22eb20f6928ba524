"""Properties of automatic turf cutting: coverage, balance, contiguity, groups, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.turf.cutting import cut_turfs, size_bounds
from fieldapp.turf.geometry import door_pieces

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
M_PER_DEG = math.pi / 180 * 6_371_008.8


def latlon(xy: np.ndarray, lat0: float = 40.0, lon0: float = -75.0) -> np.ndarray:
    """Metres east/north about (lat0, lon0) as (lat, lon) degrees."""
    return np.column_stack((lat0 + xy[:, 1] / M_PER_DEG,
                            lon0 + xy[:, 0] / (M_PER_DEG * math.cos(math.radians(lat0)))))


def uniform_doors(seed: int, n: int, density_per_km2: float = 1500.0) -> np.ndarray:
    """n doors uniform in a square."""
    side = math.sqrt(n / density_per_km2) * 1000
    return latlon(np.random.default_rng(seed).random((n, 2)) * side)


def buildings(seed: int, n_buildings: int, max_units: int) -> tuple[np.ndarray, np.ndarray]:
    """Buildings uniform in a square, each with 1..max_units doors on one spot (one group)."""
    rng = np.random.default_rng(seed)
    units = rng.integers(1, max_units + 1, n_buildings)
    side = math.sqrt(n_buildings / 800.0) * 1000
    spots = rng.random((n_buildings, 2)) * side
    return latlon(np.repeat(spots, units, axis=0)), np.repeat(np.arange(n_buildings), units)


def check_partition(labels: np.ndarray, n: int) -> int:
    """Every door has exactly one label and labels are 0..k-1 with none empty."""
    assert labels.shape == (n,)
    k = int(labels.max()) + 1
    assert labels.min() == 0 and (np.bincount(labels, minlength=k) > 0).all()
    return k


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(150, 1500), target=st.integers(10, 120))
def test_uniform_doors_are_covered_balanced_and_contiguous(seed: int, n: int, target: int) -> None:
    coords = uniform_doors(seed, n)
    result = cut_turfs(coords, target)
    k = check_partition(result.labels, n)
    lo, hi = size_bounds(target)
    assert (result.sizes == np.bincount(result.labels)).all()
    flagged = {issue.turf for issue in result.issues}
    for t in range(k):
        assert t in flagged or lo <= result.sizes[t] <= hi
    if math.ceil(n / hi) <= n // lo:  # some turf count fits: nothing may be flagged
        assert not result.issues, result.warnings
    assert (door_pieces(coords, result.labels) == 1).all()


@FAST
@given(seed=st.integers(0, 10_000), n_buildings=st.integers(60, 500),
       max_units=st.integers(1, 12), target=st.integers(20, 150))
def test_groups_are_never_split(seed: int, n_buildings: int, max_units: int, target: int) -> None:
    coords, groups = buildings(seed, n_buildings, max_units)
    result = cut_turfs(coords, target, group_ids=groups)
    check_partition(result.labels, len(coords))
    per_group = [np.unique(result.labels[groups == g]).size for g in np.unique(groups)]
    assert max(per_group) == 1
    assert (door_pieces(coords, result.labels) == 1).all()
    lo, hi = size_bounds(target)
    bad = (result.sizes < lo) | (result.sizes > hi)
    assert set(np.flatnonzero(bad)) <= {i.turf for i in result.issues}


def test_river_gap_is_never_crossed_and_isolated_cluster_is_reported() -> None:
    rng = np.random.default_rng(3)
    west = rng.random((600, 2)) * [400, 800]
    east = rng.random((600, 2)) * [400, 800] + [700, 0]  # 300 m of river between them
    hamlet = rng.random((7, 2)) * 30 + [200, 2500]  # 7 doors, 1.7 km away
    xy = np.vstack((west, east, hamlet))
    result = cut_turfs(latlon(xy), 50)
    labels = result.labels
    assert not set(labels[:600]) & set(labels[600:1200])
    assert np.unique(labels[1200:]).size == 1
    hamlet_turf = int(labels[1200])
    assert (labels == hamlet_turf).sum() == 7
    assert [i.turf for i in result.issues] == [hamlet_turf]
    assert "isolated cluster of 7 doors" in result.warnings[0]


def test_building_bigger_than_target_is_one_reported_turf() -> None:
    coords = uniform_doors(5, 400)
    coords = np.vstack((coords, np.repeat(coords[:1], 120, axis=0)))
    groups = np.concatenate((np.arange(400), np.full(120, 400)))
    groups[0] = 400  # the first door is also in the tower
    result = cut_turfs(coords, 50, group_ids=groups)
    tower = int(result.labels[400])
    assert (result.labels == tower).sum() == 121
    assert [i.turf for i in result.issues] == [tower]
    assert "single building" in result.warnings[0]


def test_labels_are_in_reading_order_and_centroids_match() -> None:
    coords = uniform_doors(1, 2000)
    result = cut_turfs(coords, 50)
    north_west = np.argmax(coords[:, 0] - coords[:, 1] * 0.76)
    south_east = np.argmin(coords[:, 0] - coords[:, 1] * 0.76)
    assert result.labels[north_west] < result.labels[south_east]
    assert result.labels[north_west] < 8
    mean = np.array([coords[result.labels == t].mean(axis=0) for t in range(result.n_turfs)])
    assert np.allclose(mean, result.centroids, atol=1e-9)


def test_small_inputs_and_duplicates() -> None:
    one = cut_turfs(np.array([[40.0, -75.0]]), 10)
    assert one.labels.tolist() == [0] and len(one.issues) == 1
    same = cut_turfs(np.tile([[40.0, -75.0]], (25, 1)), 10)  # 25 units geocoded to one spot
    assert check_partition(same.labels, 25) == 3
    assert sorted(same.sizes.tolist()) == [8, 8, 9] or not same.issues
    line = latlon(np.column_stack((np.arange(100) * 15.0, np.zeros(100))))
    result = cut_turfs(line, 20)
    assert check_partition(result.labels, 100) == 5 and not result.issues
    assert (door_pieces(line, result.labels) == 1).all()


@pytest.mark.parametrize("target", [9, 401, 0, -50, 50.5, "50", None, True])
def test_bad_target_raises(target) -> None:
    with pytest.raises(ValueError, match="target"):
        cut_turfs(uniform_doors(0, 100), target)


@pytest.mark.parametrize("coords", [np.empty((0, 2)), np.array([[40.0, np.nan]]),
                                    np.array([[40.0, -75.0, 1.0]]), np.array([[95.0, 0.0]])])
def test_bad_coords_raise(coords) -> None:
    with pytest.raises(ValueError, match="coords"):
        cut_turfs(coords, 50)


def test_group_ids_length_must_match() -> None:
    with pytest.raises(ValueError, match="group_ids"):
        cut_turfs(uniform_doors(0, 100), 50, group_ids=np.arange(99))
