"""A StreetNetwork to bytes and back: one compressed numpy archive, no pickle.

Geometry is kept in the network's own metres (float32: a millimetre over tens of km) with the
projection's origin, so a loaded network is the same graph, segment for segment, as the one
built at import: the doors' stored segment numbers stay valid.
"""
from __future__ import annotations

import io

import numpy as np
import shapely

from fieldapp.streets.network import BARRIER_STREETS, StreetNetwork, _regions
from fieldapp.turf.geometry import LocalProjection


def _lines_to_arrays(lines) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, xy) of a list of LineStrings."""
    counts = np.array([len(line.coords) for line in lines], np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    xy = (np.vstack([np.asarray(line.coords)[:, :2] for line in lines])
          if lines else np.zeros((0, 2)))
    return offsets, xy.astype(np.float32)


def _arrays_to_lines(offsets: np.ndarray, xy: np.ndarray) -> list:
    """LineStrings back from (offsets, xy)."""
    if len(offsets) <= 1:
        return []
    index = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    return list(shapely.linestrings(xy.astype(float), indices=index))


def _text(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct strings as one UTF-8 byte array (newline-separated) and an index per value."""
    distinct, index = np.unique(np.array(values if values else [""], dtype=object).astype(str),
                                return_inverse=True)
    joined = "\n".join(s.replace("\n", " ") for s in distinct).encode()
    return np.frombuffer(joined, np.uint8), index[:len(values)].astype(np.int32)


def _untext(raw: np.ndarray, index: np.ndarray) -> list[str]:
    distinct = bytes(raw).decode().split("\n")
    return [distinct[i] for i in index]


def dump_network(net: StreetNetwork) -> bytes:
    """The archive of `net` (its bbox and cut lines rebuild the barrier regions)."""
    seg_off, seg_xy = _lines_to_arrays(net.seg_lines)
    cut_off, cut_xy = _lines_to_arrays(net.cut_lines)
    names, name_idx = _text(net.seg_name)
    kinds, kind_idx = _text(net.seg_kind)
    out = io.BytesIO()
    np.savez_compressed(
        out, origin=np.array([net.proj.lat0, net.proj.lon0]), bbox=np.asarray(net.bbox, float),
        node_xy=net.node_xy.astype(np.float64), seg_nodes=net.seg_nodes.astype(np.int32),
        seg_off=seg_off, seg_xy=seg_xy, names=names, name_idx=name_idx, kinds=kinds,
        kind_idx=kind_idx, cut_off=cut_off, cut_xy=cut_xy,
        n_bars=np.array([len(net.barrier_lines)]),
        **({"ranges": net.seg_ranges} if net.seg_ranges is not None else {}))
    return out.getvalue()


def load_network(data: bytes, regions: bool = True) -> StreetNetwork:
    """The network stored by :func:`dump_network` (with its barrier regions if `regions`:
    the cut needs them, a route or a street name does not)."""
    z = np.load(io.BytesIO(data), allow_pickle=False)
    proj = LocalProjection(float(z["origin"][0]), float(z["origin"][1]))
    lines = _arrays_to_lines(z["seg_off"], z["seg_xy"])
    kinds = _untext(z["kinds"], z["kind_idx"])
    cut_lines = _arrays_to_lines(z["cut_off"], z["cut_xy"])
    n_bars = int(z["n_bars"][0])
    length = np.asarray(shapely.length(np.array(lines, dtype=object)), float) if lines \
        else np.zeros(0)
    net = StreetNetwork(proj=proj, node_xy=z["node_xy"], seg_nodes=z["seg_nodes"].astype(np.int64),
                        seg_lines=lines, seg_length=length,
                        seg_name=_untext(z["names"], z["name_idx"]), seg_kind=kinds,
                        barrier=np.array([k in BARRIER_STREETS for k in kinds], bool),
                        barrier_lines=cut_lines[:n_bars])
    net.bbox = tuple(float(b) for b in z["bbox"])
    if "ranges" in z.files:
        net.seg_ranges = z["ranges"]
    net.cut_lines = cut_lines
    if regions:
        net.regions = _regions(proj, net.bbox, cut_lines)
    return net
