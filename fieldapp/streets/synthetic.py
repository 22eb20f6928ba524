"""A synthetic city for tests and benchmarks: grid and curving streets, a primary road, a
railway, a river with bridges and cul-de-sacs, and doors along both sides of the streets.

Everything is generated (no real place): a ``g x g`` grid of blocks ``block_m`` apart, warped
so streets curve; the middle row is a primary road; a railway runs north-south through the
middle of a column of blocks (streets cross it at level crossings); a river runs east-west
between the rows ``g // 4`` and ``g // 4 + 1``, crossed by every fourth street on a bridge,
the other streets ending in cul-de-sacs on each bank. Doors stand every ``spacing_m`` on both
sides of every residential street, ``setback_m`` from its centre line; a share of them are
apartment buildings of 2-12 units (one group id, units '1'..'10', 'A', 'B').
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fieldapp.streets.network import Way
from fieldapp.turf.geometry import LocalProjection

LAT0, LON0 = 37.80, -122.28


@dataclass
class City:
    """Ways, doors (lat, lon), their street names, building ids and unit labels, bbox."""

    ways: list[Way]
    coords: np.ndarray
    streets: list[str]
    group_ids: list[int | None]
    units: list[str | None]
    bbox: tuple[float, float, float, float]
    proj: LocalProjection


def _warp(xy: np.ndarray, amp: float) -> np.ndarray:
    """Bend straight streets into gentle curves (the same map for streets and doors)."""
    x, y = xy[:, 0], xy[:, 1]
    return np.column_stack((x + amp * np.sin(y / 170.0), y + 0.7 * amp * np.sin(x / 230.0)))


def synthetic_city(g: int = 6, block_m: float = 100.0, spacing_m: float = 12.0,
                   setback_m: float = 12.0, apartments: float = 0.05, curve_m: float = 15.0,
                   seed: int = 0) -> City:
    """The city described in the module's docstring."""
    rng = np.random.default_rng(seed)
    proj = LocalProjection(LAT0, LON0)
    primary_row, river_row = g // 2, max(0, g // 4 - 1) if g >= 6 else -1
    rail_x = (g // 2 + 0.5) * block_m if g >= 3 else None
    river_y = (river_row + 0.5) * block_m if river_row >= 0 else None
    lines: list[tuple[np.ndarray, str, str]] = []  # (xy pre-warp, kind, name)
    for j in range(g + 1):  # east-west streets
        kind = "primary" if j == primary_row else "residential"
        name = "Main Boulevard" if kind == "primary" else f"Row {j} Street"
        for i in range(g):
            lines.append((np.array([[i * block_m, j * block_m], [(i + 1) * block_m, j * block_m]]),
                          kind, name))
    stub = 0.35 * block_m
    for i in range(g + 1):  # north-south streets
        for j in range(g):
            a, b = np.array([i * block_m, j * block_m]), np.array([i * block_m, (j + 1) * block_m])
            name = f"Col {i} Avenue"
            if j == river_row and i % 4 != 0:  # no bridge: a cul-de-sac on each bank
                lines.append((np.array([a, a + [0, stub]]), "residential", name))
                lines.append((np.array([b - [0, stub], b]), "residential", name))
            else:
                lines.append((np.array([a, b]), "residential", name))
    ways = []
    for xy, kind, name in lines:
        dense = np.linspace(xy[0], xy[-1], 6)
        ways.append(Way(coords=_ll(proj, _warp(dense, curve_m)), kind=kind, name=name))
    span = g * block_m
    if rail_x is not None:
        rail = np.column_stack((np.full(40, rail_x), np.linspace(-80, span + 80, 40)))
        ways.append(Way(coords=_ll(proj, _warp(rail, curve_m)), kind="railway"))
    if river_y is not None:
        xs = np.linspace(-80, span + 80, 80)
        river = np.column_stack((xs, river_y + 12 * np.sin(xs / 90.0)))
        ways.append(Way(coords=_ll(proj, _warp(river, curve_m)), kind="waterway", name="River"))
    pts, names = [], []
    for xy, _kind, name in lines:
        a, b = xy[0], xy[-1]
        length = float(np.linalg.norm(b - a))
        d = (b - a) / length
        nrm = np.array([-d[1], d[0]])
        for t in np.arange(spacing_m, length - spacing_m + 1e-6, spacing_m):
            if t < 14 or t > length - 14:
                continue  # keep clear of the corners
            for side in (1, -1):
                p = a + d * t + side * setback_m * nrm
                if rail_x is not None and abs(p[0] - rail_x) < 15:
                    continue
                if river_y is not None and abs(p[1] - (river_y + 12 * np.sin(p[0] / 90.0))) < 18:
                    continue
                pts.append(p)
                names.append(name)
    xy = _warp(np.array(pts), curve_m)
    coords, streets, groups, units = [], [], [], []
    for k, (p, name) in enumerate(zip(xy, names)):
        if rng.random() < apartments:
            n = int(rng.integers(2, 13))
            labels = [str(u) for u in range(1, n + 1)]
            if n > 10:
                labels = labels[:10] + ["A", "B"][: n - 10]
            for u in rng.permutation(labels):  # shuffled: the router must sort them
                coords.append(p)
                streets.append(name)
                groups.append(k)
                units.append(str(u))
        else:
            coords.append(p)
            streets.append(name)
            groups.append(None)
            units.append(None)
    ll = proj.inverse_lonlat(np.array(coords))[:, ::-1]
    lo = proj.inverse_lonlat(np.array([[-100.0, -100.0]]))[0]
    hi = proj.inverse_lonlat(np.array([[span + 100, span + 100]]))[0]
    return City(ways=ways, coords=ll, streets=streets, group_ids=groups, units=units,
                bbox=(lo[1], lo[0], hi[1], hi[0]), proj=proj)


def _ll(proj: LocalProjection, xy: np.ndarray) -> list[tuple[float, float]]:
    """Metres to (lat, lon) tuples."""
    return [(float(lat), float(lon)) for lon, lat in proj.inverse_lonlat(xy)]
