"""Last balancing step of the block-face cut: single faces move between touching turfs.

METIS and :class:`fieldapp.turf.geometry.GraphBalancer` leave a few turfs outside the bounds
when faces are coarse (6-16 doors each). This local search moves one boundary face at a time
to a touching turf when that lowers ``BIG * (doors outside the bounds) + sum of squared
deviations from the mean``, never splitting the turf it leaves and (through ``inside`` edges
only) never moving a face across a barrier. Only turfs within two steps of one outside the
bounds are looked at, so a pass stays cheap on thousands of turfs.
"""
from __future__ import annotations

from collections import deque

import numpy as np

BIG = 1e6
PASSES = 40


def adjacency(n: int, edges: np.ndarray, movable: np.ndarray
              ) -> tuple[list[list[int]], list[list[int]]]:
    """Each face's neighbours along `edges`, and those of them it may trade doors with (the
    edges flagged in `movable`)."""
    nbr: list[list[int]] = [[] for _ in range(n)]
    move: list[list[int]] = [[] for _ in range(n)]
    for (a, b), ok in zip(edges.tolist(), movable.tolist(), strict=True):
        nbr[a].append(b)
        nbr[b].append(a)
        if ok:
            move[a].append(b)
            move[b].append(a)
    return nbr, move


def polish(labels: np.ndarray, weight: np.ndarray, edges: np.ndarray, inside: np.ndarray,
           k: int, lo: int, hi: int) -> np.ndarray:
    """Labels after the local search (a new array)."""
    labels = labels.copy()
    n = len(labels)
    nbr, move_nbr = adjacency(n, edges, inside)
    size = np.bincount(labels, weight, minlength=k).astype(float)
    mean = float(size.sum()) / k

    def cost(s: float) -> float:
        return BIG * (max(0.0, lo - s) + max(0.0, s - hi)) + (s - mean) ** 2

    for _ in range(PASSES):
        bad = np.flatnonzero((size < lo) | (size > hi))
        if len(bad) == 0:
            break
        active = _near(bad, labels, nbr, n)
        improved = False
        for f in np.flatnonzero(np.isin(labels, list(active)) & (weight > 0)):
            src = int(labels[f])
            w = float(weight[f])
            for dst in {int(labels[g]) for g in move_nbr[f]} - {src}:
                gain = cost(size[src]) + cost(size[dst]) - cost(size[src] - w) \
                    - cost(size[dst] + w)
                if gain > 1e-9 and _removable(f, src, labels, nbr):
                    labels[f] = dst
                    size[src] -= w
                    size[dst] += w
                    improved = True
                    break
        if not improved:
            break
    if ((size < lo) | (size > hi)).any():  # no single move helps: chains of moves may
        from fieldapp.streets.chains import fix_by_chains  # chains builds on this module

        labels = fix_by_chains(labels, weight, nbr, move_nbr, size, lo, hi)
    return labels


def _near(bad: np.ndarray, labels: np.ndarray, nbr, n: int) -> set[int]:
    """Turfs within two steps (touching turfs) of the `bad` ones."""
    touch: dict[int, set[int]] = {}
    for f in range(n):
        for g in nbr[f]:
            if labels[f] != labels[g]:
                touch.setdefault(int(labels[f]), set()).add(int(labels[g]))
    out = {int(t) for t in bad}
    for _ in range(2):
        out |= {u for t in list(out) for u in touch.get(t, ())}
    return out


def _removable(f: int, src: int, labels: np.ndarray, nbr) -> bool:
    """Whether turf src stays in one piece without face f (and keeps a face)."""
    inner = [g for g in nbr[f] if labels[g] == src]
    if not inner:
        return False  # f is src's last face there: moving it would empty or cut nothing
    want, seen, queue = set(inner), {f, inner[0]}, deque([inner[0]])
    want.discard(inner[0])
    while queue and want:
        for g in nbr[queue.popleft()]:
            if g not in seen and labels[g] == src:
                seen.add(g)
                want.discard(g)
                queue.append(g)
    return not want
