"""Chains of face moves that bring a turf back within bounds when no single move can.

A turf over the bound gives a boundary face to a neighbour; if that neighbour is then over,
it gives one on, and so on (at most ``DEPTH`` moves) until a turf with room takes the last
face. A turf under the bound takes a face from a neighbour, which may take one from its own
neighbour in turn. Every turf on the chain ends within bounds and stays in one piece (moves
follow ``move_nbr``: never across a barrier); a chain that cannot end so is undone.
"""
from __future__ import annotations

import numpy as np

from fieldapp.streets.balance import _removable

DEPTH = 3
BRANCH = 24  # candidate faces tried per step (the largest-effect first)
ROUNDS = 4   # chains started from one turf


class _Chains:
    """Face labels, turf sizes and the faces of each turf, changed move by move."""

    def __init__(self, labels, weight, nbr, move_nbr, size, lo, hi) -> None:
        self.labels, self.weight, self.nbr, self.move_nbr = labels, weight, nbr, move_nbr
        self.size, self.lo, self.hi = size, lo, hi
        self.faces: dict[int, set[int]] = {}
        for f in np.flatnonzero(labels >= 0):  # empty faces too: they join a turf's streets
            self.faces.setdefault(int(labels[f]), set()).add(int(f))

    def ok(self, t: int) -> bool:
        return self.lo <= self.size[t] <= self.hi

    def move(self, f: int, dst: int) -> None:
        src = int(self.labels[f])
        w = float(self.weight[f])
        self.labels[f] = dst
        self.size[src] -= w
        self.size[dst] += w
        self.faces[src].discard(f)
        self.faces.setdefault(dst, set()).add(f)

    def out_moves(self, t: int, banned: set[int]):
        """(face of t, touching turf) pairs, faces ordered by weight (heaviest first)."""
        out = []
        for f in self.faces.get(t, ()):
            if self.weight[f] <= 0:
                continue
            for g in self.move_nbr[f]:
                u = int(self.labels[g])
                if u != t and u not in banned:
                    out.append((float(self.weight[f]), f, u))
        out.sort(reverse=True)
        seen, res = set(), []
        for _, f, u in out:
            if (f, u) not in seen:
                seen.add((f, u))
                res.append((f, u))
        return res[:BRANCH]

    def push(self, t: int, path: set[int], depth: int, root: bool = False) -> bool:
        """Move a face out of t (over the bound) so that every turf on the chain fits (the
        root of the chain may stay over: it is pushed again)."""
        top = np.inf if root else self.hi
        for f, u in self.out_moves(t, path):
            w = float(self.weight[f])
            if not self.lo <= self.size[t] - w <= top or not _removable(f, t, self.labels,
                                                                        self.nbr):
                continue
            self.move(f, u)
            if self.ok(u) or (depth > 1 and self.size[u] > self.hi and
                              self.push(u, path | {u}, depth - 1)):
                return True
            self.move(f, t)
        return False

    def pull(self, t: int, path: set[int], depth: int, root: bool = False) -> bool:
        """Move a face into t (under the bound) from a neighbour, which may pull in turn (the
        root may stay under: it pulls again)."""
        bottom = -np.inf if root else self.lo
        cands = []
        for g in self.faces.get(t, ()):
            for f in self.move_nbr[g]:
                u = int(self.labels[f])
                if u != t and u not in path and self.weight[f] > 0:
                    cands.append((float(self.weight[f]), int(f), u))
        cands = sorted(set(cands), reverse=True)[:BRANCH]
        for w, f, u in cands:
            if not bottom <= self.size[t] + w <= self.hi or not _removable(f, u, self.labels,
                                                                           self.nbr):
                continue
            self.move(f, t)
            if self.ok(u) or (depth > 1 and self.size[u] < self.lo and
                              self.pull(u, path | {u}, depth - 1)):
                return True
            self.move(f, u)
        return False


def fix_by_chains(labels: np.ndarray, weight: np.ndarray, nbr, move_nbr, size: np.ndarray,
                  lo: int, hi: int) -> np.ndarray:
    """Labels after trying one chain for every turf out of bounds (changed in place)."""
    state = _Chains(labels, weight, nbr, move_nbr, size, lo, hi)
    for t in np.flatnonzero((size < lo) | (size > hi)):
        t = int(t)
        if state.ok(t):
            continue
        for _ in range(ROUNDS):
            if state.ok(t):
                break
            moved = (state.push(t, {t}, DEPTH, root=True) if state.size[t] > hi
                     else state.pull(t, {t}, DEPTH, root=True))
            if not moved:
                break
    return state.labels
