"""Turfs the barriers leave out of bounds reach across one, and only those (issue 17)."""
from __future__ import annotations

import numpy as np

from fieldapp.streets.across import repair_across
from fieldapp.streets.cutting import _split

LO, HI = 36, 44  # 40 doors a turf, +-10%


def _line_graph(n: int, barrier_after: set[int], extra=()):
    """Faces 0..n-1 in a row (touching neighbours), a barrier after each face in the set."""
    edges = [(i, i + 1) for i in range(n - 1)] + list(extra)
    inside = [not (a == b - 1 and a in barrier_after) for a, b in edges]
    pts = np.column_stack((np.arange(n) * 50.0, np.zeros(n)))
    return np.array(edges, np.int64), np.array(inside, bool), pts


def _sizes(labels, weight):
    size = np.bincount(labels[labels >= 0], weight[labels >= 0])
    return size[size > 0].tolist()


def test_pocket_borrows_a_face_across_the_barrier_and_nothing_else_moves():
    # Region A: faces 0-4, 10 doors each (50: one turf is over, two are under); region B
    # beyond a barrier: faces 5-6, 15 doors each (30: under). Only one face crossing the
    # barrier makes both 40. Turf 2 (faces 7-10, 40 doors) touches A inside and must stay.
    weight = np.array([10.0] * 5 + [15.0, 15.0] + [10.0] * 4)
    edges, inside, pts = _line_graph(7, barrier_after={4}, extra=[(7, 8), (8, 9), (9, 10),
                                                                     (7, 0)])
    labels = np.array([0] * 5 + [1, 1] + [2] * 4)
    pts = np.vstack((pts, pts[:4] + 7))
    region = np.array([0] * 5 + [1, 1] + [2] * 4)
    fits = np.array([False, False, True, False])  # 50 and 30 doors cannot make turfs alone
    out = repair_across(labels, weight, edges, inside, LO, HI, pts, _split, region, fits)
    assert _sizes(out, weight) == [40.0, 40.0, 40.0]
    assert out.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]  # face 4 crossed; turf 2 kept


def test_no_face_crosses_when_a_balanced_cut_exists_inside_the_barriers():
    # Region B: faces 0-1 (turf 1, 38 doors); a barrier; region A: faces 2-6 (turf 0, 46) and
    # 7-10 (turf 2, 34). Face 2 could cross to turf 1 (44 | 40) but turf 2 would stay under:
    # face 6 moving inside A makes 36 | 44, and nothing crosses.
    weight = np.array([20.0, 18.0, 6.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 4.0])
    edges, inside, pts = _line_graph(11, barrier_after={1})
    labels = np.array([1, 1] + [0] * 5 + [2] * 4)
    region = np.array([1, 1] + [0] * 9)
    fits = np.array([True, True, False])
    out = repair_across(labels, weight, edges, inside, LO, HI, pts, _split, region, fits)
    assert out[0] == out[1] and (out[2:] != out[0]).all()
    size = np.bincount(out, weight)
    assert ((size >= LO) & (size <= HI)).all(), size


def test_a_region_that_fits_only_on_paper_crosses_when_the_search_inside_fails():
    # Region A: 5 faces of 10 (50 doors: "fits" is faked true, but no cut of whole faces
    # makes turfs of 36-44 there); region B beyond: 30 doors. The search inside A fails,
    # so a face crosses at the intersection: 40 | 40.
    weight = np.array([10.0] * 5 + [15.0, 15.0])
    edges, inside, pts = _line_graph(7, barrier_after={4})
    labels = np.array([0] * 5 + [1, 1])
    region = np.array([0] * 5 + [1, 1])
    fits = np.array([True, True, False])
    out = repair_across(labels, weight, edges, inside, LO, HI, pts, _split, region, fits)
    assert _sizes(out, weight) == [40.0, 40.0]


def test_small_turf_joins_its_neighbour_across_a_barrier_when_together_they_fit():
    # Turfs 20 | 20 | 40 doors, a barrier between the first two: the two small ones join.
    weight = np.array([10.0, 10.0, 10.0, 10.0, 20.0, 20.0])
    edges, inside, pts = _line_graph(6, barrier_after={1})
    labels = np.array([0, 0, 1, 1, 2, 2])
    out = repair_across(labels, weight, edges, inside, LO, HI, pts, _split)
    assert sorted(_sizes(out, weight)) == [40.0, 40.0]
    assert out[0] == out[1] == out[2] == out[3] and out[4] == out[5] != out[0]


def test_turfs_in_bounds_are_left_alone_and_an_island_stays_as_it_is():
    weight = np.full(8, 10.0)
    edges, inside, pts = _line_graph(8, barrier_after={3})
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    assert repair_across(labels, weight, edges, inside, LO, HI, pts, _split).tolist() == \
        labels.tolist()
    # An island of 28 doors (no face edge out of it) cannot join anyone along the streets.
    weight = np.array([10.0] * 4 + [14.0, 14.0])
    edges = np.array([(0, 1), (1, 2), (2, 3), (4, 5)], np.int64)
    labels = np.array([0, 0, 0, 0, 1, 1])
    out = repair_across(labels, weight, edges, np.ones(4, bool), LO, HI,
                        np.column_stack((np.arange(6.0), np.zeros(6))), _split)
    assert out.tolist() == labels.tolist()
