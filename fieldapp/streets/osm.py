"""Read the ways of an OpenStreetMap extract (.osm, .osm.bz2, .osm.pbf) with pyosmium.

Streaming: pyosmium reads the file once, keeping only node locations (its own index) and the
ways we keep, those with a point inside the district's box plus a margin. Ways that
reference nodes missing from the extract (cut at its edge) keep their known points, or are
skipped when fewer than two are known.
"""
from __future__ import annotations

import osmium

from fieldapp.streets.network import Way, classify

STREET_KEYS = ("highway", "railway", "waterway", "natural")
MARGIN_DEG = 0.003  # ~300 m: streets just outside the district still connect it


class _Ways(osmium.SimpleHandler):
    """Collects classified ways touching the box."""

    def __init__(self, box: tuple[float, float, float, float]) -> None:
        super().__init__()
        self.box = box
        self.ways: list[Way] = []
        self.seen = 0
        self.incomplete = 0

    def way(self, w) -> None:  # noqa: D102 - pyosmium callback
        self.seen += 1
        s, west, north, e = self.box
        # Far from the district, most of a big extract: rejected before its tags are read.
        for n in w.nodes:
            loc = n.location
            if loc.valid() and s <= loc.lat <= north and west <= loc.lon <= e:
                break
        else:
            return
        kind = classify({t.k: t.v for t in w.tags})
        if kind is None:
            return
        coords, ids = [], []
        for n in w.nodes:
            if n.location.valid():
                coords.append((n.location.lat, n.location.lon))
                ids.append(n.ref)
        if len(coords) < len(w.nodes):
            self.incomplete += 1
        if len(coords) < 2:
            return
        self.ways.append(Way(coords=coords, kind=kind, name=w.tags.get("name", ""),
                             node_ids=ids))


def read_osm(path: str, bbox: tuple[float, float, float, float],
             margin_deg: float = MARGIN_DEG, fmt: str | None = None) -> list[Way]:
    """Walkable and barrier ways of `path` near `bbox` (south, west, north, east).

    `fmt` ('osm', 'osm.bz2', 'osm.pbf') for a file whose name does not say (an upload)."""
    box = (bbox[0] - margin_deg, bbox[1] - margin_deg, bbox[2] + margin_deg,
           bbox[3] + margin_deg)
    handler = _Ways(box)
    try:
        source = osmium.io.File(str(path), fmt) if fmt else str(path)
        # Only ways with these keys reach Python (the node locations are still all kept).
        handler.apply_file(source, locations=True, idx="flex_mem",
                           filters=[osmium.filter.KeyFilter(*STREET_KEYS).enable_for(
                               osmium.osm.WAY)])
    except RuntimeError as exc:
        raise ValueError(f"{path} is not an OpenStreetMap file pyosmium can read: {exc}") from exc
    return handler.ways
