"""The street graph: walkable ways split into segments between intersections, plus barriers.

Input is a list of :class:`Way` in (lat, lon) degrees; everything inside is in metres of one
local projection (:class:`fieldapp.turf.geometry.LocalProjection`).

* **Walkable** ways (residential streets up to primary roads, footways, paths, steps) become
  the graph: a way is split at every node it shares with another walkable way (OSM node id, or
  the same point to 1 cm when ids are unknown) and where it crosses a barrier line, so each
  *segment* runs between two graph nodes: one street between two intersections.
* **Barriers** are the lines a canvasser does not cross mid-block: motorway, trunk, railways
  and water are not walkable at all; primary and secondary roads are walked along and crossed
  at intersections only (``StreetNetwork.barrier[s]``).
* **Regions**: the district's bounding box cut by every barrier line (shapely ``polygonize``).
  Two places in different regions are across a barrier; a barrier line that ends inside the
  box separates nothing, as one can walk around its end.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from shapely.geometry import LineString, box

from fieldapp.turf.geometry import LocalProjection

WALKABLE = frozenset({
    "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
    "residential", "living_street", "unclassified", "road", "service", "pedestrian",
    "footway", "path", "steps", "track", "cycleway"})
BARRIER_STREETS = frozenset({"primary", "primary_link", "secondary", "secondary_link"})
BARRIER_LINES = frozenset({"motorway", "motorway_link", "trunk", "trunk_link", "railway",
                           "waterway", "water"})
RAILWAYS = frozenset({"rail", "light_rail", "narrow_gauge", "preserved", "monorail"})
WATERWAYS = frozenset({"river", "canal", "riverbank"})
EDGE_M = 200.0  # a barrier ending this close to the edge goes on past it
SAME_POINT_DEG = 7  # decimals of a degree: points equal to ~1 cm are one node


@dataclass(frozen=True)
class Way:
    """A line from a street file: its points (lat, lon), class, name, OSM node ids, and its
    house number ranges (left from, left to, right from, right to; TIGER/Line's, left and
    right as seen walking from the first point to the last)."""

    coords: Sequence[tuple[float, float]]
    kind: str = "residential"
    name: str = ""
    node_ids: Sequence[int] | None = None
    ranges: tuple[float, float, float, float] | None = None


def classify(tags: dict[str, str]) -> str | None:
    """The kind of an OSM way from its tags ('residential', 'railway', ...) or None to skip."""
    if tags.get("tunnel") in ("yes", "building_passage") or tags.get("area") == "yes":
        return None
    hw = tags.get("highway")
    if hw in WALKABLE or hw in BARRIER_LINES:
        if tags.get("access") in ("private", "no") and hw in ("service", "track"):
            return None
        return hw
    if tags.get("railway") in RAILWAYS and tags.get("service") not in ("siding", "spur", "yard"):
        return "railway"
    if tags.get("waterway") in WATERWAYS:
        return "waterway"
    if tags.get("natural") == "water" or tags.get("waterway") == "riverbank":
        return "water"
    return None


@dataclass
class StreetNetwork:
    """Segments (one street between two graph nodes) and barrier regions, in metres."""

    proj: LocalProjection
    node_xy: np.ndarray                 # (m, 2) graph nodes
    seg_nodes: np.ndarray               # (s, 2) end nodes (u, v) of each segment
    seg_lines: list[LineString]         # geometry from u to v
    seg_length: np.ndarray              # (s,) metres
    seg_name: list[str]
    seg_kind: list[str]
    barrier: np.ndarray                 # (s,) bool: crossed at intersections only
    barrier_lines: list[LineString]     # not walkable: motorway, rail, water
    # (s, 6) house numbers on each side (left from, to, right from, to: interpolated along
    # the way) and each side's parity (0 even, 1 odd, NaN mixed); None: no ranges in the file
    seg_ranges: np.ndarray | None = None
    regions: list = field(default_factory=list)  # shapely Polygons
    cut_lines: list = field(default_factory=list)  # barrier lines + barrier streets: regions
    bbox: tuple | None = None                      # (south, west, north, east) of the regions
    _region_tree: object = None

    @property
    def n_segments(self) -> int:
        """Number of segments."""
        return len(self.seg_lines)

    def graph(self):
        """Symmetric sparse matrix of segment lengths between nodes (shortest of parallels)."""
        m = len(self.node_xy)
        u, v = self.seg_nodes[:, 0], self.seg_nodes[:, 1]
        keep = u != v
        # Parallel segments: keep the shortest per pair (coo would sum duplicates).
        order = np.argsort(-self.seg_length[keep])
        uu, vv, ll = u[keep][order], v[keep][order], self.seg_length[keep][order]
        a, b = np.minimum(uu, vv), np.maximum(uu, vv)
        key = a.astype(np.int64) * m + b
        _, first = np.unique(key[::-1], return_index=True)
        pick = len(key) - 1 - first
        a, b, ll = a[pick], b[pick], np.maximum(ll[pick], 0.01)
        return coo_matrix((np.concatenate((ll, ll)), (np.concatenate((a, b)),
                                                      np.concatenate((b, a)))),
                          shape=(m, m)).tocsr()

    def region_of(self, xy: np.ndarray) -> np.ndarray:
        """Region index of each point (x, y); -1 outside every region."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        out = np.full(len(xy), -1, dtype=np.int64)
        if not self.regions:
            return np.zeros(len(xy), dtype=np.int64)
        if self._region_tree is None:
            self._region_tree = shapely.STRtree(self.regions)
        pts = shapely.points(xy)
        idx = self._region_tree.query(pts, predicate="within")
        out[idx[0]] = idx[1]
        return out


def build_network(ways: Sequence[Way], bbox: tuple[float, float, float, float] | None = None,
                  ) -> StreetNetwork:
    """The street graph of `ways`; `bbox` (south, west, north, east) bounds the regions."""
    pts = [np.asarray(w.coords, dtype=float).reshape(-1, 2) for w in ways if len(w.coords) >= 2]
    if not pts:
        raise ValueError("no street lines with two or more points")
    allp = np.vstack(pts)
    if bbox is None:
        bbox = (allp[:, 0].min(), allp[:, 1].min(), allp[:, 0].max(), allp[:, 1].max())
    proj = LocalProjection((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
    walk = [w for w in ways if w.kind in WALKABLE and len(w.coords) >= 2]
    bars = [LineString(proj.forward(np.asarray(w.coords, float))) for w in ways
            if w.kind in BARRIER_LINES and len(w.coords) >= 2]
    keys_of = [_node_keys(w) for w in walk]
    uses: dict[object, int] = {}
    for keys in keys_of:
        for k in set(keys):
            uses[k] = uses.get(k, 0) + 1
        for k in (keys[0], keys[-1]):
            uses[k] = uses.get(k, 0) + 2  # way ends are always nodes
    cut_lines = bars + [LineString(proj.forward(np.asarray(w.coords, float)))
                        for w in walk if w.kind in BARRIER_STREETS]
    tree = shapely.STRtree(cut_lines) if cut_lines else None
    node_id: dict[object, int] = {}
    node_xy: list[tuple[float, float]] = []
    seg_nodes, lines, names, kinds, ranges = [], [], [], [], []

    def node(key, xy) -> int:
        if key not in node_id:
            node_id[key] = len(node_xy)
            node_xy.append((float(xy[0]), float(xy[1])))
        return node_id[key]

    for w, keys in zip(walk, keys_of):
        xy = proj.forward(np.asarray(w.coords, float))
        xy, keys, split = _insert_crossings(xy, list(keys), w.kind in BARRIER_STREETS, tree,
                                            cut_lines)
        start = 0
        cum = np.concatenate(([0.0], np.cumsum(np.linalg.norm(np.diff(xy, axis=0), axis=1))))
        for i in range(1, len(xy)):
            if i == len(xy) - 1 or uses.get(keys[i], 0) > 1 or split[i]:
                if i > start:
                    seg_nodes.append((node(keys[start], xy[start]), node(keys[i], xy[i])))
                    lines.append(LineString(xy[start:i + 1]))
                    names.append(w.name or "")
                    kinds.append(w.kind)
                    ranges.append(_part_of_ranges(w.ranges, cum[start], cum[i], cum[-1]))
                start = i
    length = shapely.length(np.array(lines, dtype=object)) if lines else np.zeros(0)
    net = StreetNetwork(proj=proj, node_xy=np.array(node_xy, float).reshape(-1, 2),
                        seg_nodes=np.array(seg_nodes, np.int64).reshape(-1, 2), seg_lines=lines,
                        seg_length=np.asarray(length, float), seg_name=names, seg_kind=kinds,
                        barrier=np.array([k in BARRIER_STREETS for k in kinds], bool),
                        barrier_lines=bars)
    if any(w.ranges is not None for w in walk):
        net.seg_ranges = np.array(ranges, float).reshape(-1, 6)
    net.regions = _regions(proj, bbox, cut_lines)
    net.cut_lines, net.bbox = cut_lines, tuple(float(b) for b in bbox)
    return net


def _part_of_ranges(ranges, t0: float, t1: float, total: float) -> tuple:
    """A way's house number ranges on its part from t0 to t1 metres (interpolated, as TIGER's
    geocoders do) and each side's parity, or NaNs when the way has none."""
    if ranges is None:
        return (np.nan,) * 6
    a, b = (t0 / total, t1 / total) if total > 0 else (0.0, 1.0)
    out, parity = [], []
    for lo, hi in ((ranges[0], ranges[1]), (ranges[2], ranges[3])):
        out += [lo + (hi - lo) * a, lo + (hi - lo) * b]
        same = np.isfinite(lo) and np.isfinite(hi) and int(lo) % 2 == int(hi) % 2
        parity.append(float(int(lo) % 2) if same else np.nan)
    return (*out, *parity)


def _node_keys(w: Way) -> list:
    """One key per point: the OSM node id, else the point rounded to ~1 cm."""
    if w.node_ids is not None and len(w.node_ids) == len(w.coords):
        return [("n", int(i)) for i in w.node_ids]
    return [("p", round(float(a), SAME_POINT_DEG), round(float(b), SAME_POINT_DEG))
            for a, b in w.coords]


def _insert_crossings(xy: np.ndarray, keys: list, own_barrier: bool, tree, cut_lines):
    """Add a point where the line crosses a barrier line, so a segment ends at the barrier."""
    split = [False] * len(xy)
    if tree is None or len(xy) < 2:
        return xy, keys, split
    line = LineString(xy)
    hits = []
    for j in tree.query(line, predicate="intersects"):
        other = cut_lines[int(j)]
        if own_barrier and other.equals(line):
            continue
        inter = line.intersection(other)
        for p in getattr(inter, "geoms", [inter]):
            if p.geom_type == "Point":
                hits.append(line.project(p))
    if not hits:
        return xy, keys, split
    cum = np.concatenate(([0.0], np.cumsum(np.linalg.norm(np.diff(xy, axis=0), axis=1))))
    out_xy, out_keys, out_split = [xy[0]], [keys[0]], [False]
    hits = sorted({round(h, 2) for h in hits})
    hi = 0
    for i in range(1, len(xy)):
        while hi < len(hits) and hits[hi] < cum[i] - 0.5:
            d = hits[hi]
            if d > cum[i - 1] + 0.5:
                p = xy[i - 1] + (xy[i] - xy[i - 1]) * (d - cum[i - 1]) / (cum[i] - cum[i - 1])
                out_xy.append(p)
                out_keys.append(("x", round(p[0], 2), round(p[1], 2)))
                out_split.append(True)
            elif out_keys:
                out_split[-1] = True
            hi += 1
        if hi < len(hits) and abs(hits[hi] - cum[i]) <= 0.5:
            out_split.append(True)
            hi += 1
        else:
            out_split.append(False)
        out_xy.append(xy[i])
        out_keys.append(keys[i])
    return np.array(out_xy), out_keys, out_split


def _regions(proj: LocalProjection, bbox, cut_lines) -> list:
    """The bounding box (plus 50 m) cut into polygons by every barrier line.

    A barrier that ends within ``EDGE_M`` of the box's edge (a road leaving the district or
    the extract) is drawn on to the edge, so it still separates both sides.
    """
    lo = proj.forward(np.array([[bbox[0], bbox[1]]]))[0] - 50.0
    hi = proj.forward(np.array([[bbox[2], bbox[3]]]))[0] + 50.0
    frame = box(lo[0], lo[1], hi[0], hi[1])
    if not cut_lines:
        return [frame]
    lines = [_reach_edge(line, frame) for line in cut_lines]
    lines = shapely.intersection(np.array(lines, dtype=object), frame)
    merged = shapely.union_all(np.concatenate((lines, [frame.exterior])))
    polys = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(merged))))
    return [p for p in polys if p.area > 1.0] or [frame]


def _reach_edge(line: LineString, frame) -> LineString:
    """The line drawn on straight from an end near the frame's edge until it meets the edge."""
    c = np.asarray(line.coords)
    if len(c) < 2:
        return line
    edge = frame.exterior
    out = [c]
    for end, prev, at_start in ((c[0], c[1], True), (c[-1], c[-2], False)):
        gap = edge.distance(shapely.Point(end))
        d = end - prev
        norm = float(np.linalg.norm(d))
        if gap > EDGE_M or norm == 0:
            continue
        tip = end + d / norm * (gap + 60.0)
        out = [np.vstack(([tip], out[0]))] if at_start else [np.vstack((out[0], [tip]))]
    return LineString(out[0])


def node_degree(net: StreetNetwork) -> np.ndarray:
    """Segments meeting at each node."""
    return np.bincount(net.seg_nodes.ravel(), minlength=len(net.node_xy))


def bearings(net: StreetNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Direction (radians) of every segment leaving its start, and leaving its end backwards."""
    xy, idx = shapely.get_coordinates(np.asarray(net.seg_lines), return_index=True)
    off = np.searchsorted(idx, np.arange(net.n_segments + 1))
    a, b = xy[off[:-1]], xy[off[:-1] + 1]
    c, d = xy[off[1:] - 1], xy[off[1:] - 2]
    return np.arctan2(b[:, 1] - a[:, 1], b[:, 0] - a[:, 0]), \
        np.arctan2(d[:, 1] - c[:, 1], d[:, 0] - c[:, 0])
