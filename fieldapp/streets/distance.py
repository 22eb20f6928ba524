"""Street distances between doors: Dijkstra (scipy.sparse.csgraph) from the turf's segment ends.

A door stands at ``along`` metres from its segment's start node u. Two doors on different
segments are min over the four pairs of ends (a, b): walk to a, the shortest street path a -> b,
walk from b. Two doors on the same segment walk along it; on opposite sides they also cross,
``CROSS_M`` for the street's width: mid-block on a small street (zig-zag), but on a barrier
street (primary, secondary) only at one of its two intersections, so the walk goes there and
back. Side changes at intersections are free: that is where one crosses.
"""
from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from fieldapp.streets.matching import Matches, match_doors
from fieldapp.streets.network import StreetNetwork

CROSS_M = 10.0
NEAR_LIMIT_M = 1000.0   # smallest first search radius (metres of street)
LOCAL_LIMIT_M = 4000.0  # second radius; the whole graph only if a door is still out of reach


class StreetDistances:
    """Street distance matrices for subsets of doors of one network."""

    def __init__(self, net: StreetNetwork, match: Matches) -> None:
        self.net, self.match = net, match
        self.graph = net.graph()

    def with_points(self, coords: np.ndarray) -> tuple[StreetDistances, np.ndarray]:
        """A copy that also knows these (lat, lon) points, each matched to its nearest street
        (e.g. where the organizer parks), and the points' indices in it."""
        extra = match_doors(self.net, np.asarray(coords, float).reshape(-1, 2))
        fields = ("segment", "side", "along", "distance", "by_name")
        joined = Matches(*(np.concatenate((getattr(self.match, f), getattr(extra, f)))
                           for f in fields))
        out = object.__new__(StreetDistances)
        out.net, out.match, out.graph = self.net, joined, self.graph
        n = len(self.match.segment)
        return out, np.arange(n, n + len(extra.segment))

    def matrix(self, doors: np.ndarray, predecessors: bool = False):
        """(n, n) metres between `doors` (indices into the match); with the Dijkstra trees."""
        best, src, pred, _ = self.trees(doors, predecessors)
        return (best, (src, pred)) if predecessors else best

    def trees(self, doors: np.ndarray, predecessors: bool = True):
        """(matrix, source nodes, predecessors, distances from each source to every node)."""
        doors = np.asarray(doors, np.int64)
        seg = self.match.segment[doors]
        along = self.match.along[doors]
        ends = self.net.seg_nodes[seg]                      # (n, 2) nodes u, v
        length = self.net.seg_length[seg]
        off = np.column_stack((along, length - along))      # walk to u, to v
        src, inv = np.unique(ends.ravel(), return_inverse=True)
        inv = inv.reshape(-1, 2)
        # The graph is symmetric: directed=True gives the same distances without scipy's
        # transposed copy of the whole graph at every call. Dijkstra stops at a radius that
        # grows only when some pair of ends is out of reach (every distance it returns within
        # the radius is exact): a turf's ends are seldom 1 km apart, and the first radius
        # explores ~6x fewer nodes than 4 km did at 1,000,000 doors.
        box = np.ptp(self.net.node_xy[src], axis=0) if len(src) else np.zeros(2)
        near = max(NEAR_LIMIT_M, 3.0 * float(np.hypot(*box)))
        for limit in (near, max(near, LOCAL_LIMIT_M), np.inf):
            res = dijkstra(self.graph, directed=True, indices=src, limit=limit,
                           return_predecessors=predecessors)
            dn, pred = (res if predecessors else (res, None))
            if np.isfinite(dn[:, src]).all():
                break
        sub = dn[:, src]                                     # node-to-node among the ends
        best = np.full((len(doors), len(doors)), np.inf)
        for e in (0, 1):
            for f in (0, 1):
                cand = off[:, e][:, None] + sub[np.ix_(inv[:, e], inv[:, f])] + off[:, f][None, :]
                np.minimum(best, cand, out=best)
        same = seg[:, None] == seg[None, :]
        i, j = np.nonzero(same)
        direct = np.abs(along[i] - along[j])
        opposite = self.match.side[doors][i] != self.match.side[doors][j]
        bar = self.net.barrier[seg[i]]
        via_ends = best[i, j]  # crossing at an intersection (free) and back
        best[i, j] = np.where(opposite, np.where(bar, via_ends,
                                                 np.minimum(via_ends, direct + CROSS_M)), direct)
        np.fill_diagonal(best, 0.0)
        return best, src, pred, dn
