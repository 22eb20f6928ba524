"""Shared geometry for turf cutting, boundaries and walk order.

Everything here works on plain numpy arrays. Doors come in as (lat, lon) degrees (EPSG:4326)
and are projected to a local equirectangular plane in metres about their centroid: at the
scale of a district (tens of km) its distortion is far below the precision of geocoding.

The *contiguity graph* is the Delaunay triangulation of the distinct door locations with the
gap edges removed. An edge is a gap when it is longer than ``GAP_FACTOR`` times the local door
spacing at both ends; a location's spacing is the distance to its ``SPACING_K``-th nearest other
location (at least ``MIN_SPACING_M``), smoothed by the median over the location and its
``SPACING_K`` nearest neighbours. A speck of at most ``SPACING_K`` locations that this cuts off
(a lone farmhouse, a stray geocode) rejoins through its shortest Delaunay edge. So a river,
rail line or park that leaves a strip without doors wider than about three door spacings
breaks the graph, a lone farmhouse does not, and an isolated hamlet of 7+ spots does.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError, cKDTree

EARTH_RADIUS_M = 6_371_008.8
SPACING_K = 6
GAP_FACTOR = 3.0
TABU = 25  # balancing steps before a moved unit may move again
MIN_SPACING_M = 5.0  # geocodes closer than this are one spot; never call such an edge a gap


@dataclass(frozen=True)
class LocalProjection:
    """Equirectangular projection about a reference point, metres east (x) and north (y)."""

    lat0: float
    lon0: float

    @property
    def kx(self) -> float:
        """Metres per degree of longitude at the reference latitude."""
        return np.pi / 180.0 * EARTH_RADIUS_M * np.cos(np.radians(self.lat0))

    @property
    def ky(self) -> float:
        """Metres per degree of latitude."""
        return np.pi / 180.0 * EARTH_RADIUS_M

    def forward(self, coords: np.ndarray) -> np.ndarray:
        """(lat, lon) degrees to (x, y) metres."""
        coords = np.asarray(coords, dtype=float).reshape(-1, 2)
        return np.column_stack(((coords[:, 1] - self.lon0) * self.kx,
                                (coords[:, 0] - self.lat0) * self.ky))

    def inverse_lonlat(self, xy: np.ndarray) -> np.ndarray:
        """(x, y) metres to (lon, lat) degrees, GeoJSON order."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        return np.column_stack((xy[:, 0] / self.kx + self.lon0, xy[:, 1] / self.ky + self.lat0))


def check_coords(coords: np.ndarray) -> np.ndarray:
    """Validate an (n, 2) array of finite (lat, lon) degrees and return it as float."""
    arr = np.asarray(coords, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"coords must be an (n, 2) array of (lat, lon), got shape {arr.shape}")
    if len(arr) == 0:
        raise ValueError("coords is empty: there are no doors")
    if not np.isfinite(arr).all():
        bad = int(np.flatnonzero(~np.isfinite(arr).all(axis=1))[0])
        raise ValueError(f"coords must be finite (lat, lon) degrees; row {bad} is {arr[bad]}")
    if (np.abs(arr[:, 0]) > 90).any() or (np.abs(arr[:, 1]) > 180).any():
        raise ValueError("coords must be (lat, lon) degrees with |lat| <= 90 and |lon| <= 180")
    return arr


def project(coords: np.ndarray) -> tuple[np.ndarray, LocalProjection]:
    """Validate (lat, lon) degrees and project them to metres about their centroid."""
    arr = check_coords(coords)
    proj = LocalProjection(float(arr[:, 0].mean()), float(arr[:, 1].mean()))
    return proj.forward(arr), proj


def unique_locations(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct positions (rounded to 1 cm) and, per input row, the index of its position."""
    key = np.round(np.asarray(xy, dtype=float), 2)
    if len(key) == 0:
        return key.reshape(0, 2), np.zeros(0, np.int64)
    # np.unique(key, axis=0) in the same row order (x, then y), 3x faster at 1,000,000 rows.
    order = np.lexsort((key[:, 1], key[:, 0]))
    ranked = key[order]
    first = np.r_[True, (ranked[1:] != ranked[:-1]).any(axis=1)]
    inverse = np.empty(len(key), np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ranked[first], inverse


def delaunay_edges(points: np.ndarray) -> np.ndarray:
    """Undirected edges (m, 2) of the Delaunay triangulation of distinct points."""
    n = len(points)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    if n == 2:
        return np.array([[0, 1]], dtype=np.int64)
    try:
        simplices = Delaunay(points).simplices
    except QhullError:
        # All points on a line (one street): chain them in order along the line.
        centred = points - points.mean(axis=0)
        axis = np.linalg.svd(centred, full_matrices=False)[2][0]
        order = np.argsort(centred @ axis)
        return np.column_stack((order[:-1], order[1:])).astype(np.int64)
    e = np.vstack((simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]))
    e = np.sort(e, axis=1).astype(np.int64)
    key = np.unique(e[:, 0] * n + e[:, 1])  # one integer per edge: sorts as (a, b) does
    return np.column_stack((key // n, key % n))


def local_spacing(points: np.ndarray, k: int = SPACING_K) -> np.ndarray:
    """Typical door spacing around each distinct point (metres).

    The distance to the k-th nearest other point, smoothed by taking its median over the point
    and its k nearest neighbours, so a few stray doors on a bank do not look like a sparse area.
    """
    n = len(points)
    if n < 2:
        return np.full(n, MIN_SPACING_M)
    kk = min(k, n - 1)
    dist, idx = cKDTree(points).query(points, k=kk + 1)
    own = np.maximum(dist[:, kk], MIN_SPACING_M)
    return np.median(own[idx], axis=1)


def contiguity_edges(points: np.ndarray) -> np.ndarray:
    """Delaunay edges of distinct points minus gap edges (see the module docstring)."""
    edges = delaunay_edges(points)
    if len(edges) == 0:
        return edges
    spacing = local_spacing(points)
    length = np.linalg.norm(points[edges[:, 0]] - points[edges[:, 1]], axis=1)
    limit = GAP_FACTOR * np.maximum(spacing[edges[:, 0]], spacing[edges[:, 1]])
    kept = length <= limit
    for _ in range(3):  # specks of at most SPACING_K spots rejoin by their shortest edge
        comp = components(len(points), edges[kept])
        small = np.bincount(comp) <= SPACING_K
        if not small[comp].any() or small.all():
            break
        ca, cb = comp[edges[:, 0]], comp[edges[:, 1]]
        out = ~kept & (ca != cb) & (small[ca] | small[cb])
        cand = np.flatnonzero(out)
        if len(cand) == 0:
            break
        owner = np.where(small[ca[cand]], ca[cand], cb[cand])
        order = np.lexsort((length[cand], owner))
        first = np.unique(owner[order], return_index=True)[1]
        kept[cand[order[first]]] = True
    return edges[kept]


def adjacency(n: int, edges: np.ndarray) -> csr_matrix:
    """Symmetric 0/1 sparse adjacency matrix from undirected edges."""
    if len(edges) == 0:
        return csr_matrix((n, n), dtype=np.int8)
    rows = np.concatenate((edges[:, 0], edges[:, 1]))
    cols = np.concatenate((edges[:, 1], edges[:, 0]))
    return coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n)).tocsr()


def components(n: int, edges: np.ndarray) -> np.ndarray:
    """Connected-component label of each of n nodes."""
    return connected_components(adjacency(n, edges), directed=False)[1]


def pieces_per_label(n: int, edges: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Number of connected pieces of each label's nodes, keeping only edges inside a label."""
    labels = np.asarray(labels)
    inside = edges[labels[edges[:, 0]] == labels[edges[:, 1]]] if len(edges) else edges
    comp = components(n, inside)
    pairs = np.unique(np.column_stack((labels, comp)), axis=0)
    return np.bincount(pairs[:, 0], minlength=int(labels.max()) + 1)


def door_pieces(coords: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Pieces per turf in the contiguity graph of the doors (1 everywhere means contiguous)."""
    xy, _ = project(coords)
    uniq, loc = unique_locations(xy)
    labels = np.asarray(labels)
    # Doors on one spot are adjacent; the spot's Delaunay edges join every door on either end.
    pairs = np.unique(np.column_stack((loc, labels)), axis=0)
    by_loc: dict[int, list[int]] = {}
    for i, (a, _b) in enumerate(pairs):
        by_loc.setdefault(int(a), []).append(i)
    edges = []
    for a, b in contiguity_edges(uniq):
        edges.extend((i, j) for i in by_loc[int(a)] for j in by_loc[int(b)])
    node_edges = np.array(edges, dtype=np.int64).reshape(-1, 2)
    return pieces_per_label(len(pairs), node_edges, pairs[:, 1])


class GraphBalancer:
    """Moves boundary units along chains of neighbouring turfs, never splitting a turf.

    Works in place on `labels` (turf per unit) over the contiguity graph `edges`; the cutting
    module's last step, kept here with the other graph code.
    """

    def __init__(self, pos: np.ndarray, weight: np.ndarray, edges: np.ndarray,
                 labels: np.ndarray, k: int, lo: int, hi: int) -> None:
        self.pos, self.weight, self.labels = pos, weight, labels
        self.k, self.lo, self.hi = k, lo, hi
        n = len(pos)
        both = np.vstack((edges, edges[:, ::-1])) if len(edges) else edges.reshape(0, 2)
        order = np.argsort(both[:, 0], kind="stable")
        self.nbr = both[order, 1]
        self.ptr = np.concatenate(([0], np.cumsum(np.bincount(both[:, 0], minlength=n))))
        self.size = np.bincount(labels, weight, minlength=k)
        self.moved = np.full(n, -10**9)  # clock tick of each unit's last move
        self.clock = 0

    def neighbours(self, u: int) -> np.ndarray:
        """Units adjacent to u."""
        return self.nbr[self.ptr[u]:self.ptr[u + 1]]

    def run(self) -> None:
        """Fix the worst turf first until all fit or no chain of moves helps."""
        blocked: set[int] = set()
        for _ in range(20 * self.k + 50):
            bad = [t for t in np.flatnonzero((self.size > self.hi) | (self.size < self.lo))
                   if int(t) not in blocked]
            if not bad:
                return
            cap = self.weight.sum() / self.k
            worst = int(max(bad, key=lambda t: abs(self.size[t] - cap)))
            over = self.size[worst] > self.hi
            need = max(1.0, abs(self.size[worst] - cap))  # move no unit heavier than this
            path = self._path(worst, over)
            ok = False
            # A heavy unit may overshoot by up to the width of the band; the tabu on recently
            # moved units stops the next turf from handing it straight back.
            for limit in (need, need + self.hi - self.lo):
                if path is not None and not ok:
                    steps = list(zip(path[:-1], path[1:]))
                    if not over:
                        steps = [(b, a) for a, b in reversed(steps)]
                    ok = all(self._move(a, b, limit) for a, b in steps)
            if not ok:
                blocked.add(worst)
            self.clock += 1

    def _path(self, start: int, over: bool) -> list[int] | None:
        """Shortest chain of adjacent turfs from `start` to one with room (or spare doors)."""
        prev = {start: start}
        queue = deque([start])
        cap = self.weight.sum() / self.k
        while queue:
            t = queue.popleft()
            if t != start and ((over and self.size[t] < cap) or
                               (not over and self.size[t] > cap)):
                path = [t]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return path[::-1]
            for nb in self._turf_neighbours(t):
                if nb not in prev:
                    prev[nb] = t
                    queue.append(nb)
        return None

    def _turf_neighbours(self, t: int) -> list[int]:
        """Turfs sharing an edge with turf t."""
        members = np.flatnonzero(self.labels == t)
        if len(members) == 0:
            return []
        nb = np.concatenate([self.neighbours(u) for u in members])
        return [int(x) for x in np.unique(self.labels[nb]) if x != t]

    def _move(self, src: int, dst: int, need: float) -> bool:
        """Move the boundary unit of src that best suits dst, if src stays in one piece."""
        members = np.flatnonzero(self.labels == src)
        if len(members) <= 1:
            return False
        c_src = self.pos[members].mean(axis=0)
        c_dst = self.pos[self.labels == dst].mean(axis=0)
        border = [u for u in members if self.weight[u] <= need
                  and self.clock - self.moved[u] > TABU
                  and (self.labels[self.neighbours(u)] == dst).any()]
        score = [((self.pos[u] - c_dst) ** 2).sum() - ((self.pos[u] - c_src) ** 2).sum()
                 for u in border]
        for i in np.argsort(score):
            u = border[i]
            if self._removable(u, src):
                self.labels[u] = dst
                self.moved[u] = self.clock
                self.size[src] -= self.weight[u]
                self.size[dst] += self.weight[u]
                return True
        return False

    def _removable(self, u: int, src: int) -> bool:
        """Whether turf src stays connected without unit u."""
        inner = [int(v) for v in self.neighbours(u) if self.labels[v] == src]
        if len(inner) <= 1:
            return True
        want, seen, queue = set(inner), {u, inner[0]}, deque([inner[0]])
        want.discard(inner[0])
        while queue and want:
            for v in self.neighbours(queue.popleft()):
                v = int(v)
                if v not in seen and self.labels[v] == src:
                    seen.add(v)
                    want.discard(v)
                    queue.append(v)
        return not want
