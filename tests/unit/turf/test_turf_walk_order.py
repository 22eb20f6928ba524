"""Properties of the walk order: a permutation from the requested start, short, street-aware."""
from __future__ import annotations

import math
from itertools import permutations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.turf.walk_order import path_cost_matrix, path_length_m, walk_order

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
M_PER_DEG = math.pi / 180 * 6_371_008.8


def latlon(xy: np.ndarray) -> np.ndarray:
    """Metres east/north about (40, -75) as (lat, lon) degrees."""
    return np.column_stack((40.0 + xy[:, 1] / M_PER_DEG,
                            -75.0 + xy[:, 0] / (M_PER_DEG * math.cos(math.radians(40.0)))))


def doors(seed: int, n: int, dup_share: float) -> np.ndarray:
    """n doors in a 300 m square, some of them repeated (flats in one building)."""
    rng = np.random.default_rng(seed)
    xy = rng.random((n, 2)) * 300
    copy = rng.random(n) < dup_share
    if n > 1:
        xy[copy] = xy[rng.integers(0, n, copy.sum())]
    return latlon(xy)


def best_cost(cost: np.ndarray, start: int | None) -> float:
    """Exact shortest open path by brute force (small n only)."""
    n = len(cost)
    firsts = [start] if start is not None else range(n)
    return min(sum(cost[a, b] for a, b in zip(p[:-1], p[1:]))
               for f in firsts for rest in permutations([i for i in range(n) if i != f])
               for p in [(f, *rest)])


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), dup=st.floats(0, 0.5),
       mode=st.sampled_from(["none", "index", "point"]))
def test_walk_order_is_a_permutation_from_the_start(seed: int, n: int, dup: float,
                                                   mode: str) -> None:
    coords = doors(seed, n, dup)
    start = {"none": None, "index": seed % n, "point": (40.0005, -75.0002)}[mode]
    order = walk_order(coords, start=start)
    assert sorted(order.tolist()) == list(range(n))
    if mode == "index":
        assert order[0] == start
    if mode == "point" and n > 1:  # the first door is the end of the path nearest the point
        d = path_cost_matrix(np.vstack((coords, [start])))[-1, :-1]
        assert d[order[0]] <= d[order[-1]] + 1e-6


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 7), fixed=st.booleans())
def test_small_walks_are_optimal(seed: int, n: int, fixed: bool) -> None:
    coords = doors(seed, n, 0.2)
    start = seed % n if fixed else None
    order = walk_order(coords, start=start)
    cost = path_cost_matrix(coords)
    ours = sum(cost[a, b] for a, b in zip(order[:-1], order[1:]))
    assert ours <= best_cost(cost, start) + 0.01 * n  # integer rounding of decimetres


def test_both_sides_of_a_street_are_walked_together() -> None:
    # Two parallel streets 60 m apart, doors on both sides; without keys the shortest path
    # may hop between the back gardens, with keys each street is one consecutive run.
    xs = np.arange(12) * 15.0
    sides = [np.column_stack((xs, np.full(12, y))) for y in (0, 24, 84, 108)]
    coords = latlon(np.vstack(sides))
    keys = ["Oak"] * 24 + ["Elm"] * 24
    order = walk_order(coords, street_keys=keys)
    seq = [keys[i] for i in order]
    assert sum(a != b for a, b in zip(seq[:-1], seq[1:])) == 1


def test_path_length_and_trivial_cases() -> None:
    one = latlon(np.array([[0.0, 0.0]]))
    assert walk_order(one).tolist() == [0] and path_length_m(one, [0]) == 0.0
    two = latlon(np.array([[0.0, 0.0], [30.0, 40.0]]))
    assert walk_order(two, start=1).tolist() == [1, 0]
    assert path_length_m(two, [0, 1]) == pytest.approx(50.0, rel=1e-3)
    same = np.tile(one, (5, 1))
    assert sorted(walk_order(same, start=3).tolist()) == list(range(5))
    assert walk_order(same, start=3)[0] == 3
    line = latlon(np.column_stack((np.array([0.0, 30, 10, 20]), np.zeros(4))))
    assert walk_order(line).tolist() in ([0, 2, 3, 1], [1, 3, 2, 0])
    assert walk_order(line, start=2).tolist() == [2, 0, 3, 1] or \
        path_length_m(line, walk_order(line, start=2)) == pytest.approx(40.0, rel=1e-3)


def test_default_start_is_the_north_west_end() -> None:
    line = latlon(np.column_stack((np.arange(10) * 20.0, -np.arange(10) * 20.0)))
    assert walk_order(line).tolist() == list(range(10))


@pytest.mark.parametrize("start", [5, -1, (40.0,), (np.nan, -75.0)])
def test_bad_start_raises(start) -> None:
    with pytest.raises(ValueError, match="start"):
        walk_order(doors(0, 5, 0.0), start=start)


def test_walk_orders_over_workers_equal_one_at_a_time(monkeypatch):
    # A cut's turfs are ordered in forked workers, in chunks; turfs of at most 3 doors are
    # solved exactly, so the orders must be the serial ones to the bit, in turf order.
    from fieldapp.turf import walk_order as wo

    coords = doors(7, 600, 0.1)
    keys = [f"street {i % 7}" for i in range(len(coords))]
    perm = np.random.default_rng(7).permutation(len(coords))
    turfs = [perm[i:i + 3] for i in range(0, len(perm), 3)]
    monkeypatch.setattr(wo, "PARALLEL_MIN_DOORS", 0)
    monkeypatch.setattr(wo, "CHUNK_TURFS", 8)
    seen = []
    forked = wo.walk_orders(coords, turfs, keys, workers=2,
                            progress=lambda done, total: seen.append((done, total)))
    serial = [walk_order(coords[t], street_keys=[keys[i] for i in t]) for t in turfs]
    assert len(forked) == len(turfs)
    assert all(np.array_equal(f, s) for f, s in zip(forked, serial))
    assert seen[-1] == (len(turfs), len(turfs)) and len(seen) == math.ceil(len(turfs) / 8)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # progress only goes forward
