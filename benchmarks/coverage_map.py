"""Benchmark the race coverage map on synthetic races; prints one JSON object.

    python benchmarks/coverage_map.py [--sizes 10000,100000] [--repeat 3] [--out DIR]

A race: towns of different size on a street grid over a rural background, about a third of
the doors knocked (outcomes drawn with plausible weights), one contact in five knocked doors
with a support score, and turfs of about 57 doors: Voronoi cells of k-means-ish seeds clipped
to the district (1,750 turfs at 100,000 households).

Each measurement is its own function taking a prepared race and returning a dict, so more can
be added (e.g. the dashboard figures from the database) and listed in MEASUREMENTS.
Targets at 100,000 households on 2 cores: built in under 1 s, HTML under 2 MB, under 0.6 MB
gzipped.
"""
from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fieldapp.maps import (
    OUTCOMES,
    ContactPoints,
    CoverageMapData,
    DoorPoints,
    TurfSummary,
    build_coverage_map,
)

LAT0, LON0 = 40.0, -75.0
M_PER_DEG = math.pi / 180 * 6_371_008.8
DOORS_PER_TURF = 57
KNOCKED_SHARE = 0.34
OUTCOME_WEIGHTS = {"not_home": 40, "contact": 30, "refused": 8, "moved": 3, "deceased": 1,
                   "inaccessible": 3, "vacant": 3, "hostile": 1, "wrong_address": 2,
                   "come_back": 5, "lit_drop": 4}
FIRST_NAMES = ["Ana", "Ben", "Chen", "Dee", "Eli", "Fatima", "Gus", "Hana", "Ivo", "Jo"]


def _to_latlon(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Metres about (LAT0, LON0) to (lat, lon) degree arrays."""
    lat = LAT0 + xy[:, 1] / M_PER_DEG
    lon = LON0 + xy[:, 0] / (M_PER_DEG * math.cos(math.radians(LAT0)))
    return lat, lon


def _households(n: int, rng: np.random.Generator) -> np.ndarray:
    """n door locations in metres: towns on a 40 m street grid plus a rural sprinkle."""
    side = math.sqrt(n / 250.0) * 1000  # ~250 households per km^2 overall
    towns = rng.random((max(3, n // 4000), 2)) * side * 0.9 + side * 0.05
    sizes = rng.pareto(1.2, len(towns)) + 1
    town = rng.choice(len(towns), size=int(n * 0.9), p=sizes / sizes.sum())
    spread = 250 + 900 * np.sqrt(sizes[town] / sizes.max())
    xy = towns[town] + rng.normal(0, 1, (len(town), 2)) * spread[:, None]
    on_x = rng.random(len(xy)) < 0.5  # snap one axis to a street
    xy[on_x, 1] = np.round(xy[on_x, 1] / 80) * 80 + rng.choice([-8, 8], on_x.sum())
    xy[~on_x, 0] = np.round(xy[~on_x, 0] / 80) * 80 + rng.choice([-8, 8], (~on_x).sum())
    rural = rng.random((n - len(xy), 2)) * side
    return np.clip(np.vstack([xy, rural]), 0, side)


def synthetic_race(n: int, seed: int = 7) -> tuple[CoverageMapData, dict]:
    """A CoverageMapData for n households, and facts about it."""
    rng = np.random.default_rng(seed)
    xy = _households(n, rng)
    side = float(xy.max())
    lat, lon = _to_latlon(xy)
    knocked = rng.random(n) < KNOCKED_SHARE
    weights = np.array([OUTCOME_WEIGHTS[c] for c in OUTCOMES], dtype=float)
    outcome = np.where(knocked, rng.choice(len(OUTCOMES), n, p=weights / weights.sum()), -1)
    contact = outcome == OUTCOMES.index("contact")

    n_turfs = max(1, round(n / DOORS_PER_TURF))
    seeds = xy[rng.choice(n, n_turfs, replace=False)] + rng.normal(0, 1, (n_turfs, 2))
    box = shapely.box(0, 0, side, side)
    cells = shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=box)
    cells = shapely.intersection(np.asarray(shapely.get_parts(cells)), box)
    owner = shapely.STRtree(cells).query(shapely.points(xy), predicate="intersects")
    turf_of = np.full(n, -1)
    turf_of[owner[0]] = owner[1]
    turfs = []
    for t, cell in enumerate(cells):
        ring = shapely.get_coordinates(shapely.get_exterior_ring(cell))
        clat, clon = _to_latlon(ring)
        mine = turf_of == t
        vols = [FIRST_NAMES[(t + k) % len(FIRST_NAMES)] + f" {t}" for k in range(t % 3)]
        turfs.append(TurfSummary(
            id=t, name=f"Turf {t + 1}", volunteers=vols, url=f"/turfs/{t + 1}",
            boundary={"type": "Polygon", "coordinates": [np.column_stack([clon, clat]).tolist()]},
            doors=int(mine.sum()), knocked=int((mine & knocked).sum()),
            contacts=int((mine & contact).sum())))
    dlat, dlon = _to_latlon(np.array([[0, 0], [side, 0], [side, side], [0, side], [0, 0]]))
    district = {"type": "Polygon", "coordinates": [np.column_stack([dlon, dlat]).tolist()]}
    support = rng.integers(1, 6, int(contact.sum()))
    data = CoverageMapData(
        district=district, turfs=turfs, doors=DoorPoints(lat, lon, outcome.astype(np.int8)),
        contacts=ContactPoints(lat[contact], lon[contact], support))
    facts = {"households": n, "knocked": int(knocked.sum()), "turfs": len(turfs),
             "contacts": int(contact.sum()), "side_km": round(side / 1000, 1)}
    return data, facts


def measure_coverage_map(data: CoverageMapData, repeat: int = 3, out: Path | None = None,
                         tag: str = "") -> dict:
    """Build the coverage map `repeat` times: best seconds, HTML bytes, gzipped bytes."""
    times = []
    html = ""
    for _ in range(repeat):
        start = time.perf_counter()
        html = build_coverage_map(data, nonce="benchmarknonce0")
        times.append(time.perf_counter() - start)
    raw = html.encode("utf-8")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"coverage_{tag}.html").write_bytes(raw)
    return {"seconds": round(min(times), 3),
            "seconds_median": round(sorted(times)[len(times) // 2], 3),
            "html_bytes": len(raw), "gzip_bytes": len(gzip.compress(raw, 6))}


MEASUREMENTS: dict[str, Callable[..., dict]] = {"coverage_map": measure_coverage_map}


def main() -> None:
    """Parse arguments, build each race, run every measurement and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="also write the HTML here")
    args = parser.parse_args()
    runs = []
    for n in (int(s) for s in args.sizes.split(",")):
        data, facts = synthetic_race(n, args.seed)
        run = {"race": facts}
        run["coverage_map"] = measure_coverage_map(data, args.repeat, args.out, str(n))
        runs.append(run)
    print(json.dumps({"runs": runs}, indent=1))


if __name__ == "__main__":
    main()
