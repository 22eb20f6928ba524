"""Walk routes along the streets: stops in the best open order on street distances.

A *stop* is one building (the same group id, else the same spot): its doors are visited
together, units in natural order (1, 2, ..., 10, A, B). The order of stops is an open
travelling-salesman path on street distances, solved like the straight-line walk order
(fast_tsp through a dummy node, :mod:`fieldapp.turf.walk_order`). The route is drawn as a
polyline through the street geometry: along the start door's segment to an end, the shortest
street path, along the next door's segment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import shapely

from fieldapp.streets.distance import StreetDistances
from fieldapp.streets.tour import improve_path
from fieldapp.turf.walk_order import _open_path

WALK_M_PER_MIN = 75.0      # 4.5 km/h
MINUTES_PER_DOOR = 1.5     # knock, wait, talk, log


def tsp_seconds(stops: int) -> float:
    """fast_tsp's time budget for a turf's stops. Less than the straight-line walk order's
    (2 ms + 40 us a stop): the 2-opt/Or-opt polish after it closes the gap. Measured on 213
    turfs x 4 (West Oakland at 40 and 60, the synthetic city): the same share of routes over
    1% and 2% of LKH as the larger budget, a third less time a turf."""
    return 0.0015 + 2.5e-5 * stops


def unit_key(unit: str | None) -> tuple:
    """Natural order of apartment numbers: '' first, 2 before 10, numbers before letters."""
    parts = re.findall(r"\d+|[^\d\W]+", (unit or "").lower())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


@dataclass
class Route:
    """Doors in walking order, the route's polyline (lat, lon), metres and minutes."""

    order: np.ndarray
    stops: list[list[int]]
    polyline: list[tuple[float, float]]
    length_m: float   # street walk plus sidewalk-to-door and back at every stop
    minutes: float
    street_m: float = 0.0  # street walk alone, stop to stop


def stops_of(doors: np.ndarray, group_ids, units, coords: np.ndarray) -> list[list[int]]:
    """Doors grouped into stops (building or spot), units in natural order inside each."""
    groups: dict[object, list[int]] = {}
    for d in doors:
        d = int(d)
        g = group_ids[d] if group_ids is not None and group_ids[d] is not None else None
        key = ("g", g) if g is not None else ("p", round(float(coords[d, 0]), 6),
                                              round(float(coords[d, 1]), 6))
        groups.setdefault(key, []).append(d)
    return [sorted(v, key=lambda d: unit_key(units[d] if units is not None else None))
            for v in groups.values()]


def route_turf(sd: StreetDistances, doors: np.ndarray, coords: np.ndarray, group_ids=None,
               units=None, seconds: float | None = None, polyline: bool = True,
               start: tuple[float, float] | None = None) -> Route:
    """The walk route of one turf's doors along the streets (from the stop nearest `start`,
    a (lat, lon) point, along the streets, when given)."""
    route = route_compact(sd, doors, coords, group_ids, units, seconds, polyline, start)
    return route_of(*route)


def route_compact(sd: StreetDistances, doors: np.ndarray, coords: np.ndarray, group_ids=None,
                  units=None, seconds: float | None = None, polyline: bool = True,
                  start: tuple[float, float] | None = None) -> tuple:
    """The route as plain arrays (what a worker process sends back): doors in order, stop
    sizes, (lat, lon) polyline, metres with the sidewalks, minutes, street metres."""
    stops = stops_of(np.asarray(doors), group_ids, units, coords)
    heads = np.array([s[0] for s in stops], np.int64)
    first = None
    if start is not None and len(heads) > 1:
        first = _nearest_stop(sd, heads, start)
    dist, src, pred, dn = sd.trees(heads, predecessors=polyline)
    if len(heads) > 1:
        far = ~np.isfinite(dist)
        if far.any():  # doors on streets that do not meet: a long way round, never a crash
            dist = np.where(far, 3 * float(dist[~far].max(initial=1000.0)), dist)
        budget = tsp_seconds(len(heads)) if seconds is None else seconds
        order = improve_path(dist, _open_path(dist, first, budget), first)
    else:
        order = np.zeros(1, np.int64)
    length = float(sum(dist[a, b] for a, b in zip(order[:-1], order[1:])))
    setback = 2.0 * float(sd.match.distance[heads].sum())  # sidewalk to the door and back
    n_doors = sum(len(s) for s in stops)
    line = (_polyline_latlon(sd, heads[order], src, pred, dn) if polyline
            else np.zeros((0, 2)))
    ordered = [stops[i] for i in order]
    return (np.array([d for s in ordered for d in s], np.int64),
            np.array([len(s) for s in ordered], np.int64), line, length + setback,
            (length + setback) / WALK_M_PER_MIN + MINUTES_PER_DOOR * n_doors, length)


def _nearest_stop(sd: StreetDistances, heads: np.ndarray, start: tuple[float, float]) -> int:
    """Index in heads of the stop nearest the (lat, lon) point along the streets."""
    with_start, (point,) = sd.with_points(np.asarray(start, float))
    near = with_start.trees(np.concatenate(([point], heads)), predecessors=False)[0][0, 1:]
    return int(np.argmin(np.where(np.isfinite(near), near, np.inf)))


def route_of(order: np.ndarray, sizes: np.ndarray, line: np.ndarray, length_m: float,
             minutes: float, street_m: float) -> Route:
    """A Route from the plain arrays of :func:`route_compact`."""
    cuts = np.cumsum(sizes)[:-1]
    stops = [part.tolist() for part in np.split(order, cuts)] if len(order) else []
    return Route(order=order, stops=stops, polyline=[tuple(p) for p in line.tolist()],
                 length_m=length_m, minutes=minutes, street_m=street_m)


def leg_path(sd: StreetDistances, a: int, b: int, src, pred, dn=None,
             row: dict[int, int] | None = None) -> list[np.ndarray]:
    """Pieces (x, y arrays) of the street path from door a to door b (dn: Dijkstra's
    distances from each source, else summed along the predecessors; row: source node ->
    its row in them, when the caller has it)."""
    net, m = sd.net, sd.match
    sa, sb = int(m.segment[a]), int(m.segment[b])
    ta, tb = float(m.along[a]), float(m.along[b])
    la, lb = _line(sd, sa), _line(sd, sb)
    if sa == sb:
        across = m.side[a] != m.side[b]
        if across and net.barrier[sa]:  # to the nearer intersection, cross, back
            end = 0.0 if ta + tb <= 2 * net.seg_length[sa] - ta - tb else net.seg_length[sa]
            return [_piece(la, ta, end), _piece(la, end, tb)]
        return [_piece(la, ta, tb)]
    if row is None:
        row = {int(s): i for i, s in enumerate(src)}
    best = None
    for ea, na in ((0.0, net.seg_nodes[sa, 0]), (net.seg_length[sa], net.seg_nodes[sa, 1])):
        for eb, nb in ((0.0, net.seg_nodes[sb, 0]), (net.seg_length[sb], net.seg_nodes[sb, 1])):
            between = (sd_node(sd, row, src, pred, na, nb) if dn is None
                       else float(dn[row[int(na)], int(nb)]) if int(na) in row else np.inf)
            d = abs(ta - ea) + between + abs(tb - eb)
            if best is None or d < best[0]:
                best = (d, ea, na, eb, nb)
    _, ea, na, eb, nb = best
    pieces = [_piece(la, ta, ea)]
    nodes = [int(nb)]
    p = pred[row[int(na)]]
    while nodes[-1] != int(na) and p[nodes[-1]] >= 0:
        nodes.append(int(p[nodes[-1]]))
    nodes.reverse()
    by_pair = _segment_of_pair(sd)
    for x, y in zip(nodes[:-1], nodes[1:]):  # each street between the nodes, as drawn
        s = by_pair[(min(x, y), max(x, y))]
        xy = _line(sd, s)[0]
        pieces.append(xy if int(net.seg_nodes[s, 0]) == x else xy[::-1])
    pieces.append(_piece(lb, eb, tb))
    return pieces


def _segment_of_pair(sd: StreetDistances) -> dict[tuple[int, int], int]:
    """The shortest segment between each pair of nodes (the one Dijkstra's graph holds)."""
    cached = getattr(sd, "_by_pair", None)
    if cached is None:
        cached = {}
        for s in np.argsort(-sd.net.seg_length):  # shortest last, so it wins
            u, v = (int(x) for x in sd.net.seg_nodes[s])
            cached[(min(u, v), max(u, v))] = int(s)
        sd._by_pair = cached
    return cached


def sd_node(sd, row, src, pred, na, nb) -> float:
    """Street distance between two nodes from the stored Dijkstra tree (inf if unknown)."""
    i = row.get(int(na))
    if i is None:
        return np.inf
    p, node, total = pred[i], int(nb), 0.0
    while node != int(na):
        prev = int(p[node])
        if prev < 0:
            return np.inf
        total += float(sd.graph[prev, node])
        node = prev
    return total


def _line(sd: StreetDistances, s: int) -> tuple[np.ndarray, np.ndarray]:
    """Segment s's (x, y) vertices and the distance along it at each (cached for all
    segments at once: shapely's per-line coords were a third of the routing time)."""
    geom = getattr(sd, "_geom", None)
    if geom is None:
        xy, idx = shapely.get_coordinates(sd.net.seg_lines, return_index=True)
        off = np.searchsorted(idx, np.arange(sd.net.n_segments + 1))
        step = np.linalg.norm(np.diff(xy, axis=0, prepend=xy[:1]), axis=1)
        step[off[:-1]] = 0.0  # each segment starts at 0 m
        cum = np.cumsum(step)
        geom = sd._geom = (xy, cum - np.repeat(cum[off[:-1]], np.diff(off)), off)
    xy, cum, off = geom
    return xy[off[s]:off[s + 1]], cum[off[s]:off[s + 1]]


def _piece(line: tuple[np.ndarray, np.ndarray], t0: float, t1: float) -> np.ndarray:
    """The part of a line (vertices, distance along) between two offsets, in walking order.

    Called for nearly every leg of every route (a million doors: ~800,000 times), so it works
    on the two bracketing vertices by index instead of masks over the whole line.
    """
    xy, cum = line
    end = float(cum[-1])
    a, b = sorted((min(max(t0, 0.0), end), min(max(t1, 0.0), end)))
    last = len(cum) - 1
    ia = int(np.searchsorted(cum, a, side="right"))   # first vertex beyond a
    start = _at(xy, cum, a, min(max(ia, 1), last))
    if b - a < 1e-6:
        return start[None, :]
    ib = int(np.searchsorted(cum, b, side="left"))    # first vertex at or beyond b
    part = np.empty((max(ib - ia, 0) + 2, 2))
    part[0] = start
    part[1:-1] = xy[ia:ib]
    part[-1] = _at(xy, cum, b, min(max(ib, 1), last))
    return part if t1 >= t0 else part[::-1]


def _at(xy: np.ndarray, cum: np.ndarray, t: float, k: int) -> np.ndarray:
    """The point t metres along the line, between vertices k - 1 and k."""
    span = float(cum[k] - cum[k - 1])
    frac = (t - float(cum[k - 1])) / span if span > 0 else 0.0
    return xy[k - 1] + (xy[k] - xy[k - 1]) * frac


def _polyline_latlon(sd: StreetDistances, heads: np.ndarray, src, pred, dn=None) -> np.ndarray:
    """The whole route, (n, 2) (lat, lon), through the street geometry."""
    pieces = []
    row = {int(s): i for i, s in enumerate(src)}
    for a, b in zip(heads[:-1], heads[1:]):
        pieces.extend(leg_path(sd, int(a), int(b), src, pred, dn, row))
    if not pieces:
        return np.zeros((0, 2))
    xy = np.vstack(pieces)
    keep = np.ones(len(xy), bool)
    keep[1:] = np.linalg.norm(np.diff(xy, axis=0), axis=1) > 0.01
    return sd.net.proj.inverse_lonlat(xy[keep])[:, ::-1]
