"""Synthetic map data shared by the map tests (imported by them; not a conftest)."""
from __future__ import annotations

import numpy as np

from fieldapp.maps import (
    ContactPoints,
    CoverageMapData,
    DoorPoints,
    TurfMapData,
    TurfSummary,
    WalkDoor,
)
from fieldapp.maps.palette import OUTCOMES

EVIL = '<script>alert("x")</script>'
EVIL_IMG = '"><img src=x onerror="window.__xss=1">'


def square(lat: float, lon: float, size: float) -> dict:
    """A square GeoJSON polygon with its south-west corner at (lat, lon)."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def coverage_data(n_doors: int = 2000, grid: int = 4, seed: int = 1) -> CoverageMapData:
    """A square district cut into grid x grid turfs, doors uniform, a third knocked."""
    rng = np.random.default_rng(seed)
    lat0, lon0, side = 40.0, -75.0, 0.04
    lat = lat0 + rng.random(n_doors) * side
    lon = lon0 + rng.random(n_doors) * side
    outcome = np.where(rng.random(n_doors) < 0.66, -1, rng.integers(0, len(OUTCOMES), n_doors))
    cell = side / grid
    turfs = []
    for i in range(grid * grid):
        r, c = divmod(i, grid)
        inside = (lat >= lat0 + r * cell) & (lat < lat0 + (r + 1) * cell) \
            & (lon >= lon0 + c * cell) & (lon < lon0 + (c + 1) * cell)
        turfs.append(TurfSummary(
            id=i, name=EVIL if i == 0 else f"Turf {i}",
            boundary=square(lat0 + r * cell, lon0 + c * cell, cell),
            doors=int(inside.sum()), knocked=int((inside & (outcome >= 0)).sum()), contacts=i,
            volunteers=[EVIL_IMG, "Sam"] if i == 0 else ["Sam"], url=f"/turfs/{i}"))
    contact = outcome == OUTCOMES.index("contact")
    return CoverageMapData(
        district=square(lat0, lon0, side), turfs=turfs, doors=DoorPoints(lat, lon, outcome),
        contacts=ContactPoints(lat[contact], lon[contact], rng.integers(1, 6, int(contact.sum()))))


def turf_data(n_doors: int = 40) -> TurfMapData:
    """One small turf with doors along two streets, some knocked, one evil label."""
    doors = []
    for i in range(n_doors):
        street, k = divmod(i, n_doors // 2)
        outcome = None if i % 3 else OUTCOMES[i % len(OUTCOMES)]
        label = EVIL if i == 0 else f"{100 + k} Street {street}"
        at = (40.0 + street * 0.001, -75.0 + k * 0.0002)
        doors.append(WalkDoor(*at, outcome, label, door_id=1000 + i))
    return TurfMapData(boundary=square(39.9995, -75.0005, 0.0025), doors=doors, name="Turf 1")
