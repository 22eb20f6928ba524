"""Turf cut by block face: whole block faces, contiguous along walkable streets, barriers kept.

A **block face** is one side of one segment (:mod:`.network`), id ``2 * segment + (side > 0)``.
Two faces touch when a canvasser walks from one to the other without crossing a barrier
mid-block: the two sides of a small street (zig-zag), the two faces around each corner of an
intersection (half-edges sorted by angle), both sides around a dead end, and the two sides of a
barrier street at an intersection, where one crosses it (an edge across regions: without it
the median of a dual carriageway, Mandela Parkway's, was an island of 28 doors).

Method: faces are grouped into *areas*, the connected pieces of the face graph inside one
barrier region. An area whose doors cannot make turfs within the bounds (too few doors, or a
count between k * hi and (k + 1) * lo) is joined to the neighbouring area across a barrier
with which it can: crossing a barrier only when no balanced cut exists without it. Each area is
partitioned with METIS (pymetis; face weights are door counts, contiguous parts; a region too
small for a turf of its own is costly to cut, so it stays in one turf), then boundary
faces move between neighbouring turfs until sizes fit (:class:`GraphBalancer`, which never
splits a turf). A face with more doors than the upper bound is the only face ever split: into
consecutive runs along the street, whole buildings each, a turf of its own per run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pymetis
import shapely

from fieldapp.forked import fork_map, workers_default
from fieldapp.streets.across import repair_across
from fieldapp.streets.balance import polish
from fieldapp.streets.matching import Matches
from fieldapp.streets.network import StreetNetwork, bearings, node_degree
from fieldapp.turf.cutting import CutResult, TurfIssue, check_target, size_bounds
from fieldapp.turf.geometry import GraphBalancer, components

METIS_TRIES = 4
PARALLEL_MIN_DOORS = 20_000  # below this, starting workers costs more than it saves
MANY_TURFS = 200  # an area this big stops trying METIS seeds once one gains nothing
CUT_INSIDE, CUT_ACROSS = 20, 1  # METIS edge weights: keep regions whole
CUT_POCKET = 400  # inside a region too small for turfs of its own: keep it in one turf
FACE_OFFSET_M = 4.0  # a face's sample point, this far to its side of the street's middle


def face_ids(match: Matches) -> np.ndarray:
    """Block face of each door."""
    return 2 * match.segment + (match.side > 0)


def face_points(net: StreetNetwork) -> np.ndarray:
    """(2s, 2) a point just inside each block face, for its region."""
    lines = np.asarray(net.seg_lines)
    half = shapely.length(lines) / 2
    p = shapely.get_coordinates(shapely.line_interpolate_point(lines, np.maximum(half - 0.5, 0)))
    q = shapely.get_coordinates(shapely.line_interpolate_point(lines, half + 0.5))  # clamped
    d = q - p
    nrm = np.column_stack((-d[:, 1], d[:, 0])) / np.maximum(
        np.linalg.norm(d, axis=1), 1e-9)[:, None]
    mid = (p + q) / 2
    out = np.empty((2 * net.n_segments, 2))
    out[0::2] = mid - FACE_OFFSET_M * nrm   # right side (side -1)
    out[1::2] = mid + FACE_OFFSET_M * nrm   # left side (side +1)
    return out


def face_edges(net: StreetNetwork) -> np.ndarray:
    """Pairs of touching faces (across small streets, around corners and dead ends, and
    across a barrier street at an intersection, where a canvasser may cross it)."""
    deg = node_degree(net)
    at_junction = (deg[net.seg_nodes] >= 3).any(axis=1)
    seg = np.arange(net.n_segments)
    across = seg[~np.asarray(net.barrier, bool) | at_junction]
    # Half-edges around each node, sorted by angle: the face on the left of one touches the
    # face on the right of the next one round.
    u, v = net.seg_nodes[:, 0], net.seg_nodes[:, 1]
    real = seg[u != v]
    start, end = bearings(net)
    node = np.concatenate((u[real], v[real]))
    angle = np.concatenate((start[real], end[real]))
    left = np.concatenate((2 * real + 1, 2 * real))
    right = np.concatenate((2 * real, 2 * real + 1))
    order = np.lexsort((right, left, angle, node))
    node, left, right = node[order], left[order], right[order]
    first = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
    size = np.diff(np.r_[first, len(node)])
    group_start = np.repeat(first, size)
    nxt = np.arange(len(node)) + 1
    wrap = nxt == np.repeat(first + size, size)
    nxt[wrap] = group_start[wrap]
    corner = left != right[nxt]
    e = np.vstack((np.column_stack((2 * across, 2 * across + 1)),
                   np.column_stack((left[corner], right[nxt][corner])))).astype(np.int64)
    return np.unique(np.sort(e, axis=1), axis=0)


@dataclass
class StreetCut:
    """The cut (turf per door) and the turf of every block face (-1: no turf, no doors near)."""

    cut: CutResult
    face_label: np.ndarray


def cut_by_faces(net: StreetNetwork, match: Matches, target: int = 50,
                 group_ids=None, *, tolerance: float = 0.10,
                 workers: int | None = None) -> StreetCut:
    """Turf label per door from whole block faces (see the module's docstring); areas are
    cut over `workers` processes (default: the cores) when there are many doors."""
    target = check_target(target)
    lo, hi = size_bounds(target, tolerance)
    n = len(match.segment)
    door_face = face_ids(match)
    nf = 2 * net.n_segments
    weight = np.bincount(door_face, minlength=nf).astype(float)
    pts = face_points(net)
    region = net.region_of(pts)
    edges = face_edges(net)
    inside = region[edges[:, 0]] == region[edges[:, 1]]
    labels = np.full(n, -1, np.int64)
    notes: dict[int, str] = {}
    nxt = 0
    big = weight > hi
    for f in np.flatnonzero(big):  # the only faces split: more doors than a turf holds
        doors = np.flatnonzero(door_face == f)
        doors = doors[np.argsort(match.along[doors], kind="stable")]
        k = math.ceil(len(doors) / target)
        for chunk in _runs(doors, group_ids, k):
            labels[chunk] = nxt
            if len(chunk) > hi or len(chunk) < lo:
                notes[nxt] = f"one block face with {len(doors)} doors, more than {hi}"
            nxt += 1
    ok = ~big[edges[:, 0]] & ~big[edges[:, 1]]
    area = _areas(nf, edges[ok & inside], edges[ok], weight * ~big, lo, hi)
    face_label = np.full(nf, -1, np.int64)
    fits = [_fits(w, lo, hi) for w in np.bincount(region[region >= 0], weight[region >= 0])]
    pocket = ~np.array([*fits, True])[region]  # (region -1 indexes the last entry)
    whole = inside & pocket[edges[:, 0]]
    areas, tasks = [], []
    for a in np.unique(area[(weight > 0) & ~big]):
        members = np.flatnonzero(area == a)
        k, reason = _turf_count(float(weight[members].sum()), target, lo, hi)
        sub_e, sub_w, sub_whole = _sub_edges(edges[ok], members, inside[ok], whole[ok])
        areas.append((members, k, reason))
        tasks.append((pts[members], weight[members], sub_e, sub_w, k, lo, hi, sub_whole))
    # Areas are cut independently: over the cores when the cut is big (1,000,000 doors: two
    # areas of ~5,000 turfs and four of ~2,500 take most of the time).
    workers = workers_default() if workers is None else workers
    subs = fork_map(_split_task, tasks, workers if n >= PARALLEL_MIN_DOORS else 1,
                    weights=[len(members) for members, _, _ in areas])
    for (members, k, reason), sub in zip(areas, subs):
        face_label[members] = sub + nxt
        if reason:
            for j in range(k):
                notes[nxt + j] = reason
        nxt += int(sub.max()) + 1
    # Turfs left out of bounds get a wider search; across a barrier only into or out of a
    # region whose doors cannot make turfs of the size alone (issue 17).
    face_label = repair_across(face_label, weight * ~big, edges[ok], inside[ok], lo, hi, pts,
                               _split, region, np.array([*fits, False]))
    size = np.bincount(face_label[face_label >= 0], weight[face_label >= 0])
    notes = {t: r for t, r in notes.items()
             if not r.startswith("its area") or (t < len(size) and not lo <= size[t] <= hi)}
    free = labels < 0
    labels[free] = face_label[door_face[free]]
    result, rank = _result(net, pts, door_face, labels, target, lo, hi, notes)
    face_label[face_label >= 0] = rank[face_label[face_label >= 0]]
    return StreetCut(result, face_label)


def _runs(doors: np.ndarray, group_ids, k: int) -> list[np.ndarray]:
    """Doors (in order along the face) in k consecutive runs, never splitting a building."""
    cuts = [round(len(doors) * j / k) for j in range(1, k)]
    out, start = [], 0
    for c in cuts:
        while group_ids is not None and 0 < c < len(doors) and \
                group_ids[doors[c]] is not None and group_ids[doors[c]] == group_ids[doors[c - 1]]:
            c += 1
        if c > start:
            out.append(doors[start:c])
            start = c
    out.append(doors[start:])
    return [r for r in out if len(r)]


def _areas(nf: int, inner: np.ndarray, every: np.ndarray, weight: np.ndarray,
           lo: int, hi: int) -> np.ndarray:
    """Face -> area: pieces inside one region, joined across barriers where they must be."""
    comp = components(nf, inner)
    parent = np.arange(int(comp.max()) + 1)

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    pairs = np.sort(comp[every], axis=1)
    pairs = np.unique(pairs[pairs[:, 0] != pairs[:, 1]], axis=0)
    for _ in range(50):
        root = np.array([find(c) for c in range(len(parent))])
        w = np.bincount(root[comp], weight, minlength=len(parent))
        bad = [c for c in np.flatnonzero(w > 0) if not _fits(w[c], lo, hi)]
        if not bad:
            break
        changed = False
        for c in sorted(bad, key=lambda c: w[c]):
            c = find(int(c))
            if _fits(w[c], lo, hi):
                continue
            nb = {find(int(y)) for x, y in pairs if find(int(x)) == c} | \
                 {find(int(x)) for x, y in pairs if find(int(y)) == c}
            nb.discard(c)
            nb = [x for x in nb if w[x] > 0] or list(nb)
            if not nb:
                continue
            good = [x for x in nb if _fits(w[c] + w[x], lo, hi)]
            pick = min(good or nb, key=lambda x: w[x])
            parent[c] = pick
            w[pick] += w[c]
            changed = True
        if not changed:
            break
    return np.array([find(int(c)) for c in comp])


def _fits(w: float, lo: int, hi: int) -> bool:
    """Whether w doors can make turfs within [lo, hi]."""
    return math.ceil(w / hi) <= math.floor(w / lo)


def _turf_count(w: float, target: int, lo: int, hi: int) -> tuple[int, str]:
    """Turfs for an area of w doors, and why they miss the bounds (or '')."""
    k_min, k_max = math.ceil(w / hi), math.floor(w / lo)
    if k_min <= k_max:
        return int(min(max(round(w / target), k_min), k_max)), ""
    k = max(1, round(w / target))
    return k, f"its area between barriers has {int(w)} doors, which cannot make turfs of {lo} to {hi}"


def _sub_edges(edges: np.ndarray, members: np.ndarray, *flags: np.ndarray):
    """Edges among `members`, renumbered 0..len(members)-1, and each of `flags` for them."""
    pos = np.full(int(max(edges.max(initial=0), members.max())) + 1, -1)
    pos[members] = np.arange(len(members))
    e = pos[edges]
    keep = (e >= 0).all(axis=1)
    return (e[keep], *(f[keep] for f in flags))


def _split_task(args: tuple) -> np.ndarray:
    """One area's cut, as a worker process runs it."""
    return _split(*args)


def _split(pos: np.ndarray, weight: np.ndarray, edges: np.ndarray, inside: np.ndarray,
           k: int, lo: int, hi: int, whole: np.ndarray | None = None) -> np.ndarray:
    """k contiguous parts of one area's faces: METIS, then the balancer (`whole`: edges
    inside a region too small for a turf, which METIS should not cut)."""
    m = len(pos)
    if k <= 1 or m <= 1:
        return np.zeros(m, np.int64)
    both = np.vstack((edges, edges[:, ::-1]))
    # METIS cuts the cheapest edges: an edge across a barrier costs least, so a joined
    # area is cut along its barrier wherever the sizes allow.
    ew = np.where(np.concatenate((inside, inside)), CUT_INSIDE, CUT_ACROSS)
    if whole is not None:
        ew = np.where(np.concatenate((whole, whole)), CUT_POCKET, ew)
    order = np.lexsort((both[:, 1], both[:, 0]))
    both, ew = both[order], ew[order]
    xadj = np.concatenate(([0], np.cumsum(np.bincount(both[:, 0], minlength=m))))
    vw = np.maximum(weight.astype(np.int64), 0) * 10 + 1  # empty faces weigh a little
    adj = pymetis.CSRAdjacency(xadj.tolist(), both[:, 1].tolist())
    best, best_score = None, None
    for seed in range(METIS_TRIES):  # METIS is randomised: keep the best balanced try
        opts = pymetis.Options(seed=seed, ufactor=30, contig=1)
        try:
            part = pymetis.part_graph(k, adj, vweights=vw.tolist(), eweights=ew.tolist(),
                                      options=opts)
        except Exception:  # noqa: BLE001 - METIS may refuse contiguity: the balancer repairs
            opts.contig = 0
            part = pymetis.part_graph(k, adj, vweights=vw.tolist(), eweights=ew.tolist(),
                                      options=opts)
        labels = np.asarray(part[1], np.int64)
        GraphBalancer(pos, weight, edges, labels, k, lo, hi).run()
        labels = polish(labels, weight, edges, inside, k, lo, hi)
        size = np.bincount(labels, weight, minlength=k)
        score = (int(((size < lo) | (size > hi)).sum()), float(np.abs(size - size.mean()).sum()))
        gained = best_score is None or score[0] < best_score[0]
        if best_score is None or score < best_score:
            best, best_score = labels, score
        if score[0] == 0 or (k >= MANY_TURFS and not gained):
            # A big area: a seed that fixed no more turfs than the last is a second of METIS
            # and balancing for nothing (measured at 1,000,000 doors: every try the same
            # count); the repair after the cut takes the few turfs left.
            break
    return np.unique(best, return_inverse=True)[1].ravel()


def _result(net, pts, door_face, labels, target, lo, hi, notes) -> tuple[CutResult, np.ndarray]:
    """Number turfs north to south, west to east; sizes, centroids and issues."""
    xy = pts[door_face]
    k = int(labels.max()) + 1
    size = np.bincount(labels, minlength=k)
    used = size > 0
    centre = np.column_stack([np.bincount(labels, xy[:, d], minlength=k) for d in (0, 1)])
    centre[used] /= size[used, None]
    old = np.flatnonzero(used)
    order = old[np.lexsort((centre[old, 0], -np.round(centre[old, 1] / 300.0)))]
    rank = np.full(k, -1)
    rank[order] = np.arange(len(order))
    issues = []
    for new, o in enumerate(order):
        reason = notes.get(int(o))
        if reason is None and not lo <= size[o] <= hi:
            reason = f"could not be balanced within {lo} to {hi} doors here"
        if reason:
            issues.append(TurfIssue(new, int(size[o]), reason))
    lonlat = net.proj.inverse_lonlat(centre[order])
    return CutResult(labels=rank[labels], sizes=size[order], centroids=lonlat[:, ::-1].copy(),
                     target=target, lower=lo, upper=hi, issues=issues), rank
