"""Walk order: a short open path through every door of a turf.

The path is an open travelling-salesman path on straight-line distances in metres (local
projection), solved by ``fast_tsp`` (MIT; local search with Or-opt/2-opt moves, exact up to 20
nodes). An open path is a tour through one extra *dummy* node:

* free ends (no start given): the dummy is at distance 0 from every door, so the two doors
  next to it are the path's ends; the path then begins at the end lying further north-west,
  an extreme door of the turf, so the same turf always starts at the same corner;
* a start door s: the dummy is at distance 0 from s and at a constant M > max distance from
  every other door. Every tour pays M once and only tours with s beside the dummy avoid
  paying it twice, so the best tour is the best path starting at s;
* a start point (lat, lon), e.g. where the organizer parks: it is added as an extra node that
  must start the path, and dropped from the result.

Street grouping: with ``street_keys`` (e.g. normalised street names, or street segment ids) a
step between doors of different streets costs ``street_penalty_m`` extra. Every path switches
street at least (streets - 1) times, so the penalty only discourages *extra* switches: the
path finishes both sides of a street before moving on. Doors without a key never pay it.

Quality: fast_tsp reaches the LKH (elkai) optimum on 50-100 doors within a few milliseconds;
the budget grows with turf size (``0.002 s + 40 us per door``, 18 ms at 400 doors). The
benchmark measures the gap against elkai on sampled turfs: 0% on average (fast_tsp was
sometimes a hair shorter), routing 2,000 turfs of 50 doors in ~8.5 s.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import permutations

import fast_tsp
import numpy as np

from fieldapp.forked import fork_map, workers_default
from fieldapp.turf.geometry import LocalProjection, check_coords

STREET_PENALTY_M = 50.0
SCALE = 10  # integer costs in decimetres where they fit
PARALLEL_MIN_DOORS = 20_000  # walk_orders: below this, starting workers costs more than it saves
CHUNK_TURFS = 64             # turfs a worker task: few messages, yet both cores busy to the end


def _project(coords: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """Doors (and an optional extra (lat, lon) point, last) in metres about their centroid."""
    arr = check_coords(coords)
    if extra is not None:
        arr = np.vstack((arr, check_coords(np.asarray(extra, dtype=float).reshape(1, 2))))
    proj = LocalProjection(float(arr[:, 0].mean()), float(arr[:, 1].mean()))
    return proj.forward(arr)


def path_cost_matrix(coords: np.ndarray, street_keys: Sequence[object] | None = None,
                     street_penalty_m: float = STREET_PENALTY_M) -> np.ndarray:
    """Step costs in metres between doors: distance plus the penalty for changing street."""
    xy = _project(coords)
    cost = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    if street_keys is not None:
        if len(street_keys) != len(xy):
            raise ValueError(f"street_keys has {len(street_keys)} entries for {len(xy)} doors")
        keys = np.unique(np.array([str(k) for k in street_keys]), return_inverse=True)[1]
        known = np.array([k is not None and k != "" for k in street_keys])
        switch = (keys[:, None] != keys[None, :]) & known[:, None] & known[None, :]
        cost += street_penalty_m * switch
    return cost


def path_length_m(coords: np.ndarray, order: Sequence[int] | np.ndarray) -> float:
    """Length in metres of the straight-line path visiting doors in `order`."""
    order = np.asarray(order, dtype=np.int64)
    if len(order) < 2:
        return 0.0
    xy = _project(coords)[order]
    return float(np.linalg.norm(np.diff(xy, axis=0), axis=1).sum())


def walk_order(coords: np.ndarray, start: int | Sequence[float] | None = None,
               street_keys: Sequence[object] | None = None, *,
               street_penalty_m: float = STREET_PENALTY_M,
               seconds: float | None = None) -> np.ndarray:
    """Door indices in walking order: an open path from `start` (a door index or (lat, lon))."""
    arr = check_coords(coords)
    n = len(arr)
    point = None
    if start is not None and not isinstance(start, (int, np.integer)):
        point = np.asarray(start, dtype=float).ravel()
        if point.shape != (2,) or not np.isfinite(point).all():
            raise ValueError(f"start must be a door index or a (lat, lon) pair, got {start!r}")
    elif start is not None and not 0 <= int(start) < n:
        raise ValueError(f"start door {start} is out of range for {n} doors")
    cost = path_cost_matrix(arr, street_keys, street_penalty_m)
    if point is not None:  # the start point as node n; no street, so no penalty to leave it
        xy = _project(arr, point)
        first = np.linalg.norm(xy[:n] - xy[n], axis=1)
        cost = np.block([[cost, first[:, None]], [first[None, :], np.zeros((1, 1))]])
        fixed: int | None = n
    else:
        fixed = None if start is None else int(start)
    order = _open_path(cost, fixed, seconds)
    if point is not None:
        return order[order != n]
    if fixed is None and n > 1:
        xy = _project(arr)
        corner = xy[:, 1] - xy[:, 0]  # north-west-ness
        if corner[order[-1]] > corner[order[0]]:
            order = order[::-1].copy()
    return order


def walk_orders(coords: np.ndarray, turfs: Sequence[np.ndarray],
                street_keys: Sequence[object] | None = None, *, workers: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> list[np.ndarray]:
    """walk_order of every turf (door indices into coords, per turf), in the turfs' order: over
    the cores for a big cut (1,000,000 doors are ~20,000 turfs of a few ms each), in chunks of
    CHUNK_TURFS; `progress(turfs done, turfs)` as chunks come in."""
    workers = workers_default() if workers is None else workers
    if sum(len(t) for t in turfs) < PARALLEL_MIN_DOORS:
        workers = 1
    chunks = []
    for start in range(0, len(turfs), CHUNK_TURFS):
        part = turfs[start:start + CHUNK_TURFS]
        chunks.append([(coords[t], None if street_keys is None else
                        [street_keys[i] for i in t]) for t in part])

    def done(i: int) -> None:
        if progress:
            progress(min((i + 1) * CHUNK_TURFS, len(turfs)), len(turfs))
    orders = fork_map(_orders_of_chunk, chunks, workers, done=done)
    return [o for chunk in orders for o in chunk]


def _orders_of_chunk(chunk: list) -> list[np.ndarray]:
    """In a worker: the walk order of each (coords, street keys) turf."""
    return [walk_order(c, street_keys=k) for c, k in chunk]


def _open_path(cost: np.ndarray, start: int | None, seconds: float | None) -> np.ndarray:
    """Shortest open path through all nodes (from `start` if given) via a dummy-node tour."""
    m = len(cost)
    if m <= 3:
        return _brute_force(cost, start)
    tie = np.zeros(m)
    if start is not None:
        tie[:] = cost.max() + 1.0
        tie[start] = 0.0
    full = np.zeros((m + 1, m + 1))
    full[:m, :m], full[m, :m], full[:m, m] = cost, tie, tie
    # fast_tsp takes integers up to 65,535: decimetres, or coarser for a very spread turf.
    scale = min(SCALE, 65_000.0 / max(float(full.max()), 1e-9))
    dist = np.rint(full * scale).astype(np.int64)
    budget = seconds if seconds is not None else 0.002 + 4e-5 * m
    tour = np.asarray(fast_tsp.find_tour(dist.tolist(), duration_seconds=budget), dtype=np.int64)
    cut = int(np.flatnonzero(tour == m)[0])
    path = np.concatenate((tour[cut + 1:], tour[:cut]))
    if start is not None and path[0] != start:
        path = path[::-1].copy()
    if start is not None and path[0] != start:  # heuristic missed: cut the cycle at start
        at = int(np.flatnonzero(path == start)[0])
        path = np.concatenate((path[at:], path[:at]))
    return path


def _brute_force(cost: np.ndarray, start: int | None) -> np.ndarray:
    """Best open path by trying every order (for at most 3 doors)."""
    m = len(cost)
    best, best_cost = None, np.inf
    for perm in permutations(range(m)):
        if start is not None and perm[0] != start:
            continue
        c = sum(cost[a, b] for a, b in zip(perm[:-1], perm[1:]))
        if c < best_cost - 1e-9:
            best, best_cost = perm, c
    return np.array(best, dtype=np.int64)
