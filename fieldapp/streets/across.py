"""Last resort of the block-face cut: a wider search for turfs still out of bounds.

Inside each area (:mod:`.cutting`) turfs never cross a barrier, and a few stay out of bounds:
faces are too coarse to balance there (three turfs of 108 doors must all be exactly 36), or a
region's doors cannot make turfs of the size alone. Only for those turfs, after the search
inside the barriers gave up: a turf under the bound joins a touching turf whole when together
they fit, then chains of single face moves (:func:`fieldapp.streets.chains.fix_by_chains`),
then the turf and those around it are cut again together (METIS, then seeded random face
moves). Faces may change turf across a barrier (at an intersection, where one crosses) only
into or out of a region that cannot make turfs alone: "cross a barrier only when no balanced
cut exists without it". When that search still leaves turfs out of bounds (a region that
makes turfs on paper may not with whole faces: 271 doors in faces of 6-14 make five turfs of
45-55 with 4 doors to spare), it runs again with every region allowed to cross. A change is
kept only if it leaves fewer turfs out of bounds, every turf in one piece, and no more turfs
newly straddling a barrier than turfs it brings within bounds, so turfs far from one out of
bounds are never touched. A pocket with no walkable street out of it stays as it is.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from fieldapp.streets.balance import _removable, adjacency
from fieldapp.streets.chains import fix_by_chains
from fieldapp.turf.geometry import components

ANNEAL_DOORS = 3.0     # how far a random move may go out of bounds, at first
WANDER_STEPS = 4_000   # random face moves tried when re-cutting a few turfs
RINGS = (1, 2, 3, 4)     # neighbourhoods re-cut around a turf out of bounds, smallest first


def repair_across(face_label: np.ndarray, weight: np.ndarray, edges: np.ndarray,
                  inside: np.ndarray, lo: int, hi: int, pts: np.ndarray, split: Callable,
                  face_region: np.ndarray | None = None,
                  region_fits: np.ndarray | None = None) -> np.ndarray:
    """Face labels (-1: no turf) with out-of-bounds turfs fixed where a wider search can
    (`split`: how the cut parts an area, to re-cut a bad turf with its neighbours). With
    `face_region` and `region_fits`, a turf may straddle a barrier only if one of its regions
    cannot make turfs alone."""
    labels = face_label.copy()
    k = int(labels.max(initial=-1)) + 1
    if k == 0 or not _out_of_bounds(labels, weight, k, lo, hi):
        return labels
    used = labels >= 0
    both = used[edges[:, 0]] & used[edges[:, 1]]
    e, flags = edges[both], inside[both]
    if face_region is None or region_fits is None:
        face_region = np.zeros(len(labels), np.int64)
        region_fits = np.array([False])
    labels = _repair(labels, weight, e, flags, lo, hi, pts, split, face_region, region_fits)
    if _out_of_bounds(labels, weight, k, lo, hi) and region_fits.any():
        # A region that can make turfs alone on paper may not in practice (271 doors in
        # faces of 6-14 make five turfs of 45-55 only with 4 doors to spare): the search
        # inside it failed, so those turfs too may now cross at an intersection.
        labels = _repair(labels, weight, e, flags, lo, hi, pts, split, face_region,
                         np.zeros_like(region_fits))
    return labels


def _out_of_bounds(labels: np.ndarray, weight: np.ndarray, k: int, lo: int, hi: int) -> bool:
    """Whether any turf with doors is outside [lo, hi]."""
    used = labels >= 0
    size = np.bincount(labels[used], weight[used], minlength=k)
    has = np.bincount(labels[used], minlength=k) > 0
    return bool((has & ((size < lo) | (size > hi))).any())


def _repair(labels, weight, e, flags, lo, hi, pts, split, face_region, region_fits):
    """Merge small turfs, chains of moves, re-cuts around: crossing a barrier (edges not
    `flags`) only into or out of a region that `region_fits` says cannot make turfs alone."""
    k = int(labels.max(initial=-1)) + 1
    used = labels >= 0
    size = np.bincount(labels[used], weight[used], minlength=k).astype(float)
    ok_region = region_fits[face_region]  # (-1 indexes the last entry: pass one more)
    may = flags | ~ok_region[e[:, 0]] | ~ok_region[e[:, 1]]
    _merge_small(labels, size, e[may], lo, hi)
    nbr, move = adjacency(len(labels), e, may)
    labels = fix_by_chains(labels, weight, nbr, move, size, lo, hi)
    allowed = _Allowed(weight, face_region, region_fits)
    return _recut_around(labels, weight, e, flags, lo, hi, pts, split, allowed)


class _Allowed:
    """Whether a re-cut part may be kept: in one piece, and straddling only a region that
    cannot make turfs alone."""

    def __init__(self, weight, face_region, region_fits) -> None:
        self.weight, self.face_region, self.region_fits = weight, face_region, region_fits

    def __call__(self, faces: np.ndarray, part: np.ndarray, sub_edges: np.ndarray) -> bool:
        same = part[sub_edges[:, 0]] == part[sub_edges[:, 1]]
        comp = components(len(faces), sub_edges[same])
        for p in np.unique(part):
            mine = part == p
            if len(np.unique(comp[mine])) > 1:
                return False
            doors = faces[mine & (self.weight[faces] > 0)]
            regions = np.unique(self.face_region[doors])
            if len(regions) > 1 and self.region_fits[regions].all():
                return False
        return True

    def straddling(self, faces: np.ndarray, part: np.ndarray) -> int:
        """Parts whose doors lie in more than one barrier region."""
        has = self.weight[faces] > 0
        pairs = np.unique(np.column_stack((part[has], self.face_region[faces[has]])), axis=0)
        return int(len(pairs) - len(np.unique(pairs[:, 0])))


def _recut_around(labels, weight, edges, inside, lo, hi, pts, split, allowed) -> np.ndarray:
    """Each turf still out of bounds is cut again with the turfs around it (those touching
    it, then up to RINGS steps away): kept when fewer of them end out of bounds (faces too
    coarse for single moves: three turfs of 108 doors must all be exactly 36)."""
    k = int(labels.max()) + 1
    for rings in RINGS:
        size = np.bincount(labels[labels >= 0], weight[labels >= 0], minlength=k)
        for t in np.flatnonzero((size > 0) & ((size < lo) | (size > hi))):
            size = np.bincount(labels[labels >= 0], weight[labels >= 0], minlength=k)
            if lo <= size[t] <= hi or size[t] == 0:
                continue
            group = {int(t)}
            for _ in range(rings):
                a, b = labels[edges[:, 0]], labels[edges[:, 1]]
                near = np.isin(a, list(group)) | np.isin(b, list(group))
                group |= {int(x) for x in np.concatenate((a[near], b[near]))}
            turfs = sorted(group)
            faces = np.flatnonzero(np.isin(labels, turfs))
            w = float(weight[faces].sum())
            if not np.ceil(w / hi) <= len(turfs) <= np.floor(w / lo):
                continue
            pos = np.full(len(labels), -1)
            pos[faces] = np.arange(len(faces))
            sub = pos[edges]
            keep = (sub >= 0).all(axis=1)
            old = size[turfs]
            worst = int(((old < lo) | (old > hi)).sum())
            # Barriers kept as METIS' cheapest cuts first; then the balancer too may cross.
            for flags in (inside[keep], np.ones(int(keep.sum()), bool)):
                part = split(pts[faces], weight[faces], sub[keep], flags, len(turfs), lo, hi)
                part = _wander(part, weight[faces], sub[keep], len(turfs), lo, hi)
                new = np.bincount(part, weight[faces], minlength=len(turfs))
                fixed = worst - int(((new < lo) | (new > hi)).sum())
                # No more turfs newly straddling a barrier than turfs brought within bounds.
                if fixed > 0 and allowed(faces, part, sub[keep]) and \
                        allowed.straddling(faces, part) <= allowed.straddling(
                            faces, np.searchsorted(turfs, labels[faces])) + fixed:
                    labels[faces] = np.asarray(turfs)[part]
                    break
    return labels


def _merge_small(labels: np.ndarray, size: np.ndarray, edges: np.ndarray, lo: int,
                 hi: int) -> None:
    """Each turf under the bound joins a touching turf whole where the two fit together
    (the touching turf nearest the bounds' middle; changed in place)."""
    mid = (lo + hi) / 2
    for t in np.flatnonzero((size > 0) & (size < lo)):
        t = int(t)
        if size[t] <= 0 or size[t] >= lo:
            continue
        mine = labels[edges] == t
        touch = np.unique(np.concatenate((labels[edges[mine[:, 0], 1]],
                                          labels[edges[mine[:, 1], 0]])))
        fit = [int(u) for u in touch if u != t and lo <= size[u] + size[t] <= hi]
        if not fit:
            continue
        u = min(fit, key=lambda u: (abs(size[u] + size[t] - mid), u))
        labels[labels == t] = u
        size[u] += size[t]
        size[t] = 0.0


def _wander(part: np.ndarray, weight: np.ndarray, edges: np.ndarray, k: int, lo: int,
            hi: int, steps: int = WANDER_STEPS) -> np.ndarray:
    """Random single-face moves between touching parts, annealed: a move adding doors outside
    the bounds is taken now and then, less often as the steps run out (plain descent stalled
    where every move first makes things worse: give 7 doors, then take 3 back elsewhere); the
    best state seen is returned. Seeded, so the cut stays the same run to run. For a few
    turfs' faces only: cheap."""
    part = part.copy()
    n = len(part)
    nbr: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges.tolist():
        nbr[a].append(b)
        nbr[b].append(a)
    size = np.bincount(part, weight, minlength=k).astype(float).tolist()
    rng = np.random.default_rng(0)

    def out(s: float) -> float:  # one turf's doors outside the bounds
        return max(lo - s, 0.0) + max(s - hi, 0.0)

    cur = sum(out(s) for s in size)
    best, best_part = cur, part.copy()
    chance = rng.random(steps)

    for step, f in enumerate(rng.integers(0, n, steps).tolist()):
        if best == 0:
            break
        src = int(part[f])
        dsts = sorted({int(part[g]) for g in nbr[f]} - {src})
        if not dsts or weight[f] <= 0:
            continue
        dst = dsts[int(rng.integers(len(dsts)))]
        w = float(weight[f])
        # Only the two turfs change: the excess moves by their difference (door counts are
        # whole numbers, so this is exactly the sum over every turf).
        new = cur - out(size[src]) - out(size[dst]) + out(size[src] - w) + out(size[dst] + w)
        heat = ANNEAL_DOORS * (1.0 - step / steps)
        take = new <= cur or (heat > 0 and chance[step] < np.exp((cur - new) / heat))
        if take and size[src] - w > 0 and _removable(f, src, part, nbr):
            size[src] -= w
            size[dst] += w
            part[f] = dst
            cur = new
            if cur < best:
                best, best_part = cur, part.copy()
    return best_part
