"""The clock-free polish of a walk path (2-opt, Or-opt)."""
from __future__ import annotations

import numpy as np

from fieldapp.streets.tour import improve_path, path_cost


def test_a_scrambled_street_is_walked_end_to_end():
    xs = np.arange(12) * 10.0  # doors every 10 m along one street
    dist = np.abs(xs[:, None] - xs[None, :])
    scrambled = np.array([5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6])
    best = improve_path(dist, scrambled)
    assert sorted(best.tolist()) == list(range(12))
    assert path_cost(dist, best) == 110.0  # one end to the other, no doubling back


def test_never_longer_and_keeps_every_stop():
    rng = np.random.default_rng(4)
    xy = rng.random((40, 2)) * 500
    dist = np.abs(xy[:, None, :] - xy[None, :, :]).sum(-1)  # blocks: Manhattan distances
    start = rng.permutation(40)
    out = improve_path(dist, start)
    assert sorted(out.tolist()) == list(range(40))
    assert path_cost(dist, out) < 0.5 * path_cost(dist, start)
    assert np.array_equal(improve_path(dist, out), out)  # a local optimum stays put


def test_a_start_stays_first():
    xs = np.arange(12) * 10.0
    dist = np.abs(xs[:, None] - xs[None, :])
    out = improve_path(dist, np.array([4, 0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11]), start=4)
    assert out[0] == 4 and sorted(out.tolist()) == list(range(12))
    # From door 4: down to 0 first, then up to 11 (40 + 110 m), however the 0-3 run goes.
    assert path_cost(dist, out) == 150.0
    assert improve_path(dist, np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), start=4)[0] == 4
