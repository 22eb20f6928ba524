"""Automatic turf cutting: partition a district's doors into compact, contiguous turfs.

Input is an (n, 2) array of (lat, lon) degrees and a target number of doors per turf
(fieldapp.turf.limits: 10..400).
Each door gets a turf label 0..k-1; labels are numbered in reading order (bands from north to
south, west to east inside a band) so the service can name turfs "... 001", "... 002".

Definitions
-----------
* **Unit**: doors that must stay together -- the same ``group_id`` (building, address with many
  units) or the same spot (rounded to 1 cm). A spot holding more than ``target`` doors of
  different groups is packed into chunks of at most ``target`` doors, whole groups each.
* **Contiguous**: a turf's units form one connected piece of the contiguity graph of
  :mod:`fieldapp.turf.geometry` -- the Delaunay graph of the door locations without the edges
  that are longer than ``GAP_FACTOR`` (3) times the local door spacing at both ends. A river or
  park wider than a few lots is a break; a lone farmhouse is not.
* **Island**: a connected component of that graph. Islands are cut separately, so no turf ever
  spans a gap. Each island gets the number of turfs that puts its turfs in
  [ceil(0.9 * target), floor(1.1 * target)] when any number does; otherwise the nearest count and
  an issue in ``CutResult.issues`` (e.g. an isolated hamlet of 7 doors, or 130 doors with a
  target of 50: two turfs of 65 or three of 43 are both outside the bounds).

Method, and why (benchmarks/turf_cut.py, this 2-core machine, target 50)
-----------------------------------------------------------------------
1. Recursive coordinate bisection (RCB) of each island, weighted by unit size, into k parts:
   exact balance and ~0.2 s for 100,000 doors, but ragged: alone it gave a distance ratio of
   1.076 against the hexagon bound on uniform doors, and its straight cuts ignore gaps.
2. The RCB centroids seed a *capacity-constrained power diagram* (balanced k-means): a unit
   joins the centre minimising ``|x - c|^2 - w_c`` among its 12 nearest centres; ``w`` rises
   for small turfs and falls for big ones (damped step, 0.15 -- 0.5 oscillated) until sizes
   are within 6%, then centres move to their turfs' centroids; 6 rounds. Power cells are convex,
   so turfs come out hexagon-like, and the candidate lists keep every pass O(n), where exact
   size-constrained k-means is cubic and only usable on blocks of ~1,000 doors.
3. Repair on the graph: a turf's stray pieces (a convex cell can straddle a bay of a U-shaped
   island) join the neighbouring turf they share most edges with; then each turf outside the
   bounds shifts boundary units along the shortest chain of neighbouring turfs to one with room,
   never splitting the turf a unit leaves.

Measured, 100,000 doors -> 2,000 turfs: uniform 2.5 s, sizes 47..53, ratio 0.99-1.00; clustered
towns 2.7 s, 45..55, ratio 0.99-1.05; street grid with 5% apartment buildings (2-24 doors) and a
river 2.0 s, 0 turfs in pieces, ratio 0.97, but ~6 of 2,000 turfs stay outside +-10% (whole
buildings of 20+ doors make sizes jump; they are reported). METIS (pymetis, reported ~5 s and
+-3% on a Delaunay graph) would add a dependency and still need the contiguity repair.
"""
from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from fieldapp.forked import workers_default
from fieldapp.turf.geometry import (
    GraphBalancer,
    components,
    contiguity_edges,
    project,
    unique_locations,
)
from fieldapp.turf.limits import MAX_DOORS as MAX_TARGET
from fieldapp.turf.limits import MIN_DOORS as MIN_TARGET

TOLERANCE = 0.10
CANDIDATES = 12  # nearest centres a unit may join; more only costs time
LLOYD_ROUNDS = 6


@dataclass(frozen=True)
class TurfIssue:
    """A turf that cannot meet the size bounds, and why."""

    turf: int
    size: int
    reason: str


@dataclass
class CutResult:
    """Turf label per door (0..k-1, in reading order) and what could not be balanced."""

    labels: np.ndarray
    sizes: np.ndarray
    centroids: np.ndarray  # (k, 2) (lat, lon) of each turf's doors
    target: int
    lower: int
    upper: int
    issues: list[TurfIssue] = field(default_factory=list)

    @property
    def n_turfs(self) -> int:
        """Number of turfs."""
        return len(self.sizes)

    def doors_by_turf(self) -> list[np.ndarray]:
        """Each turf's door indices (ascending), in turf order."""
        labels = np.asarray(self.labels)
        order = np.argsort(labels, kind="stable")
        bounds = np.searchsorted(labels[order], np.arange(self.n_turfs + 1))
        return [order[bounds[k]:bounds[k + 1]] for k in range(self.n_turfs)]

    @property
    def warnings(self) -> list[str]:
        """Issues as sentences for people (1-based turf numbers, as named by the service)."""
        return [f"Turf {i.turf + 1:03d} has {i.size} doors: {i.reason}" for i in self.issues]


def check_target(target: int) -> int:
    """Doors per turf must be a whole number from MIN_TARGET to MAX_TARGET."""
    if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
        raise ValueError(f"target (doors per turf) must be a whole number, got {target!r}")
    if not MIN_TARGET <= target <= MAX_TARGET:
        raise ValueError(f"target (doors per turf) must be between {MIN_TARGET} and "
                         f"{MAX_TARGET}, got {target}")
    return int(target)


def size_bounds(target: int, tolerance: float = TOLERANCE) -> tuple[int, int]:
    """Smallest and largest acceptable turf size for a target."""
    return math.ceil(target * (1 - tolerance) - 1e-9), math.floor(target * (1 + tolerance) + 1e-9)


def cut_turfs(coords: np.ndarray, target: int = 50, group_ids: np.ndarray | None = None,
              *, tolerance: float = TOLERANCE) -> CutResult:
    """Partition all doors into compact, contiguous turfs of about `target` doors."""
    target = check_target(target)
    xy, proj = project(coords)
    n = len(xy)
    if group_ids is not None and len(group_ids) != n:
        raise ValueError(f"group_ids has {len(group_ids)} entries for {n} doors")
    lo, hi = size_bounds(target, tolerance)
    unit, upos, uweight = _units(xy, group_ids, target)
    edges = _unit_edges(upos)
    ulabel = np.full(len(upos), -1, dtype=np.int64)
    notes: dict[int, str] = {}
    next_label = 0
    big = uweight > hi
    for u in np.flatnonzero(big):  # one building bigger than a turf: a turf of its own
        ulabel[u] = next_label
        notes[next_label] = (f"a single building or address with {int(uweight[u])} doors, "
                             f"more than the upper bound of {hi}")
        next_label += 1
    keep = ~big[edges[:, 0]] & ~big[edges[:, 1]] if len(edges) else np.zeros(0, bool)
    island = components(len(upos), edges[keep])
    rest = np.flatnonzero(~big)
    for isl in np.unique(island[rest]):
        members = rest[island[rest] == isl]
        weight = float(uweight[members].sum())
        k, reason = _turf_count(weight, target, lo, hi)
        sub = _partition(upos[members], uweight[members], _subgraph(edges, members), k, lo, hi)
        ulabel[members] = sub + next_label
        if reason:
            for j in range(k):
                notes[next_label + j] = reason
        next_label += k
    return _result(xy, proj, ulabel[unit], target, lo, hi, notes)


def _units(xy: np.ndarray, group_ids: np.ndarray | None,
           target: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit of each door, unit positions (centroids) and unit weights (door counts)."""
    n = len(xy)
    _, loc = unique_locations(xy)
    groups = (np.arange(n) if group_ids is None
              else np.unique(np.asarray(group_ids), return_inverse=True)[1].ravel())
    g, nl = int(groups.max()) + 1, int(loc.max()) + 1
    # Doors, groups and spots as one graph: a unit is a connected component of it.
    rows = np.concatenate((np.arange(n), np.arange(n)))
    cols = np.concatenate((n + groups, n + g + loc))
    graph = coo_matrix((np.ones(2 * n), (rows, cols)), shape=(n + g + nl,) * 2)
    unit = connected_components(graph, directed=False)[1][:n]
    unit = np.unique(unit, return_inverse=True)[1].ravel()
    weight = np.bincount(unit)
    for u in np.flatnonzero(weight > target):  # a crowded spot of many groups: pack the groups
        doors = np.flatnonzero(unit == u)
        if len(np.unique(groups[doors])) == 1:
            continue
        chunks = math.ceil(len(doors) / target)
        doors = doors[np.argsort(groups[doors], kind="stable")]
        first = np.r_[True, groups[doors][1:] != groups[doors][:-1]]
        start = np.maximum.accumulate(np.where(first, np.arange(len(doors)), 0))
        # Whole groups into `chunks` nearly equal chunks, by where each group starts.
        unit[doors] = int(unit.max()) + 1 + start * chunks // len(doors)
    unit = np.unique(unit, return_inverse=True)[1].ravel()
    weight = np.bincount(unit).astype(float)
    pos = np.column_stack([np.bincount(unit, xy[:, d]) for d in (0, 1)]) / weight[:, None]
    return unit, pos, weight


def _unit_edges(upos: np.ndarray) -> np.ndarray:
    """Contiguity edges between units; units sharing a spot are chained together."""
    uniq, spot = unique_locations(upos)
    e = contiguity_edges(uniq)
    if len(uniq) == len(upos):
        order = np.empty(len(upos), dtype=np.int64)
        order[spot] = np.arange(len(upos))
        return order[e]
    members: dict[int, list[int]] = {}
    for u, s in enumerate(spot):
        members.setdefault(int(s), []).append(u)
    out = [(a, b) for m in members.values() for a, b in zip(m[:-1], m[1:])]
    out += [(a, b) for s, t in e for a in members[int(s)] for b in members[int(t)]]
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def _subgraph(edges: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Edges among `members`, renumbered 0..len(members)-1."""
    index = np.full(int(max(edges.max(initial=0), members.max())) + 1, -1, dtype=np.int64)
    index[members] = np.arange(len(members))
    sub = index[edges] if len(edges) else edges.reshape(0, 2)
    return sub[(sub >= 0).all(axis=1)] if len(sub) else sub


def _turf_count(weight: float, target: int, lo: int, hi: int) -> tuple[int, str]:
    """Turfs for an island of `weight` doors, and why they miss the bounds (or '')."""
    k_min, k_max = math.ceil(weight / hi), math.floor(weight / lo)
    if k_min <= k_max:
        return int(min(max(round(weight / target), k_min), k_max)), ""
    if weight < lo:
        return 1, (f"an isolated cluster of {int(weight)} doors, smaller than the lower bound "
                   f"of {lo}")
    k = min({max(1, math.floor(weight / target)), math.ceil(weight / target)},
            key=lambda c: abs(weight / c - target))
    return k, (f"its connected area has {int(weight)} doors, which cannot be split into "
               f"turfs of {lo} to {hi} doors")


def _partition(pos: np.ndarray, weight: np.ndarray, edges: np.ndarray, k: int,
               lo: int, hi: int) -> np.ndarray:
    """Labels 0..k-1 for one connected island: RCB seeds, balanced power-Lloyd, graph repair."""
    if k == 1:
        return np.zeros(len(pos), dtype=np.int64)
    labels = _rcb(pos, weight, k)
    labels = _power_lloyd(pos, weight, labels, k)
    labels = _repair(pos, weight, edges, labels, k, lo, hi)
    return np.unique(labels, return_inverse=True)[1].ravel()  # drop turfs left empty


def _rcb(pos: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """Recursive coordinate bisection into k parts of proportional weight."""
    labels = np.zeros(len(pos), dtype=np.int64)
    stack = [(np.arange(len(pos)), k, 0)]
    while stack:
        idx, parts, first = stack.pop()
        if parts == 1 or len(idx) <= 1:
            labels[idx] = first
            continue
        p = pos[idx]
        axis = int(np.ptp(p[:, 0]) < np.ptp(p[:, 1]))
        order = idx[np.argsort(p[:, axis], kind="stable")]
        left = parts // 2
        cum = np.cumsum(weight[order])
        cut = int(np.searchsorted(cum, cum[-1] * left / parts)) + 1
        cut = min(max(cut, 1), len(order) - 1)
        stack.append((order[:cut], left, first))
        stack.append((order[cut:], parts - left, first + left))
    return labels


def _centres(pos: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Weighted centroid of each label."""
    w = np.bincount(labels, weight, minlength=k)
    return np.column_stack([np.bincount(labels, weight * pos[:, d], minlength=k)
                            for d in (0, 1)]) / np.maximum(w, 1e-9)[:, None]


def _power_lloyd(pos: np.ndarray, weight: np.ndarray, labels: np.ndarray, k: int,
                 rounds: int = LLOYD_ROUNDS, inner: int = 40, step: float = 0.15) -> np.ndarray:
    """Capacity-constrained power diagram: balanced, convex, hexagon-like turfs."""
    cap = weight.sum() / k
    # Stop within 6% (the repair pass does the rest); heavy units make sizes jump, allow that.
    tight = max(0.06 * cap, 1.0, float(np.percentile(weight, 99)) / 2)
    power = np.zeros(k)
    n = len(pos)
    c = min(CANDIDATES, k)
    d2 = np.empty((n, c))
    new = np.empty(n, np.int64)
    near = np.empty(n)
    with _Rows(n) as rows:
        for _ in range(rounds):
            centres = _centres(pos, weight, labels, k)
            cand = cKDTree(centres).query(pos, k=c, workers=rows.workers)[1].reshape(n, c)
            rows.run(partial(_distances, d2, pos, centres, cand))
            before = np.abs(np.bincount(labels, weight, minlength=k) - cap).max()
            best, best_err = labels, np.inf
            for _ in range(inner):
                rows.run(partial(_assign, new, near, d2, cand, power))
                size = np.bincount(new, weight, minlength=k)
                err = np.abs(size - cap).max()
                if err < best_err:
                    best, best_err = new.copy(), err
                if err <= tight:
                    break
                # Raising w by dw grows a cell's area by about (pi / 2) dw; its area is about
                # 2 pi times the mean squared distance of its units to the centre. Neighbours
                # adjust at the same time, so take a small step (0.5 oscillates, 0.15 settles).
                spread = np.bincount(new, weight * near, minlength=k)
                area = 2 * np.pi * spread / np.maximum(size, 1)
                area = np.maximum(np.where(size > 0, area, np.median(area[size > 0])),
                                  25.0 * cap)
                power += step * (2 / np.pi) * area * (cap - size) / cap
            if best_err <= 2 * before + tight:  # else (degenerate input) keep the incoming split
                labels = best
    return labels


def _distances(d2, pos, centres, cand, a: int, b: int) -> None:
    """Squared distance of units a..b to each of their candidate centres (into d2)."""
    d2[a:b] = ((pos[a:b, None, :] - centres[cand[a:b]]) ** 2).sum(axis=2)


def _assign(new, near, d2, cand, power, a: int, b: int) -> None:
    """Units a..b to their best candidate cell, with its squared distance (into new, near)."""
    choice = np.argmin(d2[a:b] - power[cand[a:b]], axis=1)
    r = np.arange(b - a)
    new[a:b] = cand[a:b][r, choice]
    near[a:b] = d2[a:b][r, choice]


class _Rows:
    """Row-wise work on (units, candidates) arrays in blocks that fit the CPU cache, over the
    cores in threads (numpy lets go of the GIL in these loops): at 1,000,000 doors one
    assignment pass took 210 ms whole, 80 ms in blocks, 40 ms in blocks on two threads."""

    BLOCK = 65_536

    def __init__(self, n: int) -> None:
        self.blocks = [(a, min(a + self.BLOCK, n)) for a in range(0, n, self.BLOCK)]
        self.workers = workers_default() if len(self.blocks) > 1 else 1
        self.pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def run(self, fn) -> None:
        """fn(start, stop) for every block of rows."""
        if self.pool is None:
            for a, b in self.blocks:
                fn(a, b)
        else:
            for _ in self.pool.map(lambda ab: fn(*ab), self.blocks):
                pass

    def __enter__(self) -> _Rows:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _repair(pos: np.ndarray, weight: np.ndarray, edges: np.ndarray, labels: np.ndarray,
            k: int, lo: int, hi: int) -> np.ndarray:
    """Make every turf one piece, then move boundary units until sizes are within bounds."""
    labels = labels.copy()
    n = len(pos)
    for _ in range(20):  # stray pieces join the turf they share most edges with
        same = labels[edges[:, 0]] == labels[edges[:, 1]]
        comp = components(n, edges[same])
        nc = int(comp.max()) + 1
        comp_label = np.zeros(nc, dtype=np.int64)
        comp_label[comp] = labels
        comp_weight = np.bincount(comp, weight, minlength=nc)
        main = np.full(k, -1)
        for c in np.argsort(comp_weight):  # heaviest last, so it wins
            main[comp_label[c]] = c
        stray = np.ones(nc, dtype=bool)
        stray[main[main >= 0]] = False
        if not stray.any():
            break
        cross = edges[~same]
        both = np.vstack((cross, cross[:, ::-1]))
        both = both[stray[comp[both[:, 0]]]]
        pairs, count = np.unique(np.column_stack((comp[both[:, 0]], labels[both[:, 1]])),
                                 axis=0, return_counts=True)
        order = np.argsort(count, kind="stable")  # most shared edges last, so it wins
        target_of = np.full(nc, -1)
        target_of[pairs[order, 0]] = pairs[order, 1]
        moving = stray[comp] & (target_of[comp] >= 0)
        labels[moving] = target_of[comp[moving]]
    GraphBalancer(pos, weight, edges, labels, k, lo, hi).run()
    return labels


def _result(xy: np.ndarray, proj, labels: np.ndarray, target: int, lo: int, hi: int,
            notes: dict[int, str]) -> CutResult:
    """Renumber turfs in reading order and collect sizes, centroids and issues."""
    k = int(labels.max()) + 1
    size = np.bincount(labels, minlength=k)
    centre = np.column_stack([np.bincount(labels, xy[:, d], minlength=k) for d in (0, 1)])
    centre /= size[:, None]
    # Bands about two turf-widths tall, north to south; west to east inside a band.
    width = math.sqrt(max(np.ptp(xy[:, 0]) * np.ptp(xy[:, 1]), 1.0) / k)
    band = np.floor((centre[:, 1].max() - centre[:, 1]) / (2 * width)).astype(np.int64)
    order = np.lexsort((centre[:, 0], band))
    rank = np.empty(k, dtype=np.int64)
    rank[order] = np.arange(k)
    new_labels = rank[labels]
    issues = []
    for old in order:
        reason = notes.get(int(old))
        s = int(size[old])
        if reason is None and not lo <= s <= hi:
            reason = f"could not be balanced within {lo} to {hi} doors here"
        if reason is not None:
            issues.append(TurfIssue(int(rank[old]), s, reason))
    lonlat = proj.inverse_lonlat(centre[order])
    return CutResult(labels=new_labels, sizes=size[order], centroids=lonlat[:, ::-1].copy(),
                     target=target, lower=lo, upper=hi, issues=issues)
