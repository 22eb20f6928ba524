"""Benchmark turf cutting, routing and boundaries on synthetic districts; prints one JSON object.

    python benchmarks/turf_cut.py [--sizes 10000,100000] [--target 50] [--quick]

Cases: ``uniform`` (doors uniform in a square), ``clustered`` (towns of very different size and
spread over a sparse rural background) and ``river`` (a street grid with apartment buildings,
doors on both sides of every street, cut by a meandering river-like strip without doors).

Per case: seconds to cut, to route every turf and to draw the boundaries; min/median/max doors
per turf; share of turfs within +-10%; turfs in more than one piece (contiguity graph of
``fieldapp.turf.geometry``); the compactness ratio; and the route gap against LKH (elkai) on a
sample of turfs when elkai is importable.

Compactness ratio: for each turf, the mean distance of its doors to their centroid divided by
the same mean for a regular hexagon holding as many doors at the local density (area =
doors / density, mean distance = 0.3772 * sqrt(area)); door-weighted mean over turfs. Density is
the case's known generating density: uniform over the square, per street block for the grid, and
for clusters the k-nearest-neighbour estimate (k = 20) at each door, so a turf's area is the sum
of 1 / density over its doors. 1.0 is a perfect hexagonal tiling; squares give 1.014.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fieldapp.turf.boundaries import turf_boundaries
from fieldapp.turf.cutting import cut_turfs
from fieldapp.turf.geometry import door_pieces, project
from fieldapp.turf.walk_order import path_length_m, walk_order, walk_orders

LAT0, LON0 = 40.0, -75.0
M_PER_DEG = math.pi / 180 * 6_371_008.8
HEX_MEAN = 0.377217  # mean distance centre-to-point in a regular hexagon of unit area
DENSITY = 1000.0  # doors per km^2 in the uniform case: a suburb


def to_latlon(xy: np.ndarray) -> np.ndarray:
    """Metres about (LAT0, LON0) to (lat, lon) degrees."""
    lat = LAT0 + xy[:, 1] / M_PER_DEG
    lon = LON0 + xy[:, 0] / (M_PER_DEG * math.cos(math.radians(LAT0)))
    return np.column_stack((lat, lon))


def uniform(n: int, rng: np.random.Generator) -> tuple[np.ndarray, None, None]:
    """Doors uniform in a square at DENSITY doors per km^2."""
    side = math.sqrt(n / DENSITY) * 1000
    return to_latlon(rng.random((n, 2)) * side), None, None


def clustered(n: int, rng: np.random.Generator) -> tuple[np.ndarray, None, None]:
    """Towns (Gaussian, sizes spread over two orders of magnitude) plus 8% rural doors."""
    side = math.sqrt(n / DENSITY) * 1000 * 1.5
    towns = max(5, n // 2500)
    share = rng.pareto(1.2, towns) + 0.05
    counts = rng.multinomial(int(n * 0.92), share / share.sum())
    centres = rng.random((towns, 2)) * side
    spread = 80 + 10 * np.sqrt(counts)  # big towns are wider, and denser in the middle
    parts = [c + rng.normal(0, s, (m, 2)) for c, s, m in zip(centres, spread, counts)]
    parts.append(rng.random((n - counts.sum(), 2)) * side)
    return to_latlon(np.vstack(parts)), None, None


def river_grid(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Street grid, both sides lined, with apartment buildings, cut by a 200 m river."""
    street, lot, setback, river = 90.0, 15.0, 12.0, 200.0
    side = math.sqrt(n / 1.3 * street * lot / 2)  # about n doors once buildings are counted
    xs = np.arange(lot / 2, side, lot)
    ys = np.arange(street / 2, side, street)
    gx, gy = np.meshgrid(xs, ys)
    doors = [np.column_stack((gx.ravel(), gy.ravel() + s)) for s in (-setback, setback)]
    keys = [np.repeat(np.arange(len(ys)), len(xs))] * 2
    xy, street_id = np.vstack(doors), np.concatenate(keys)
    phase = xy[:, 0] / side * 2 * np.pi
    meander = side / 2 + 0.08 * side * np.sin(phase)
    slope = 0.08 * 2 * np.pi * np.cos(phase)  # measure the width across the river, not along y
    keep = np.abs(xy[:, 1] - meander) / np.sqrt(1 + slope ** 2) > river / 2
    xy, street_id = xy[keep], street_id[keep]
    units = np.where(rng.random(len(xy)) < 0.05, rng.integers(2, 25, len(xy)), 1)
    units = np.minimum(units, max(1, n // 1000))
    xy, street_id = np.repeat(xy, units, axis=0), np.repeat(street_id, units)
    groups = np.repeat(np.arange(len(units)), units)
    if len(xy) > n:  # trim whole buildings from the end to land near n doors
        last = groups[n - 1]
        keep = groups <= last
        xy, street_id, groups = xy[keep], street_id[keep], groups[keep]
    return to_latlon(xy), groups, [f"street {s}" for s in street_id]


CASES = {"uniform": uniform, "clustered": clustered, "river": river_grid}


def compactness(coords: np.ndarray, labels: np.ndarray, case: str) -> float:
    """Door-weighted mean over turfs of mean door-to-centre distance / hexagon bound."""
    xy, _ = project(coords)
    k = int(labels.max()) + 1
    size = np.bincount(labels, minlength=k)
    if case == "clustered":
        uniq, inv = np.unique(np.round(xy, 2), axis=0, return_inverse=True)
        kk = min(20, len(uniq) - 1)
        r = cKDTree(uniq).query(uniq, k=kk + 1)[0][:, kk]
        per_spot = np.bincount(inv.ravel(), minlength=len(uniq))
        area_door = (np.pi * r ** 2 / kk)[inv.ravel()] / per_spot[inv.ravel()]
    else:
        uniq = np.unique(np.round(xy, 2), axis=0)
        if case == "river":  # doors per built-up street block: exclude the river's area
            area_door = np.full(len(xy), 90.0 * 15.0 / 2 / (len(xy) / len(uniq)))
        else:
            area_door = np.full(len(xy), np.ptp(xy[:, 0]) * np.ptp(xy[:, 1]) / len(xy))
    area = np.bincount(labels, area_door, minlength=k)
    centre = np.column_stack([np.bincount(labels, xy[:, d], minlength=k) for d in (0, 1)])
    centre /= size[:, None]
    dist = np.linalg.norm(xy - centre[labels], axis=1)
    mean = np.bincount(labels, dist, minlength=k) / size
    ratio = mean / (HEX_MEAN * np.sqrt(area))
    return float((ratio * size).sum() / size.sum())


def route_gap(coords: np.ndarray, labels: np.ndarray, keys: list[str] | None,
              sample: int, rng: np.random.Generator) -> float | None:
    """Mean gap (%) of walk_order's path against LKH (elkai) on a sample of turfs."""
    try:
        import elkai
    except ImportError:
        return None
    from fieldapp.turf.walk_order import path_cost_matrix

    gaps = []
    for t in rng.choice(int(labels.max()) + 1, size=sample, replace=False):
        members = np.flatnonzero(labels == t)
        sub_keys = [keys[i] for i in members] if keys else None
        order = walk_order(coords[members], street_keys=sub_keys)
        cost = path_cost_matrix(coords[members], street_keys=sub_keys)
        ours = cost[order[:-1], order[1:]].sum()
        m = len(members)
        full = np.zeros((m + 1, m + 1))  # dummy node m at zero distance: open path as a tour
        full[:m, :m] = cost
        tour = elkai.DistanceMatrix(full.tolist()).solve_tsp(runs=10)[:-1]
        cut = tour.index(m)
        path = tour[cut + 1:] + tour[:cut]
        best = cost[path[:-1], path[1:]].sum()
        gaps.append(100 * (ours - best) / max(best, 1e-9))
    return float(np.mean(gaps))


def run_case(name: str, n: int, target: int, sample: int, seed: int) -> dict:
    """Cut, route and bound one synthetic district; figures for the JSON report."""
    rng = np.random.default_rng(seed)
    coords, groups, keys = CASES[name](n, rng)
    t0 = time.perf_counter()
    result = cut_turfs(coords, target, group_ids=groups)
    t_cut = time.perf_counter() - t0
    labels = result.labels
    t0 = time.perf_counter()
    turfs = result.doors_by_turf()
    orders = walk_orders(coords, turfs, keys)  # as a cut job routes: over the cores
    t_route = time.perf_counter() - t0
    walked = sum(path_length_m(coords[idx], order) for idx, order in zip(turfs, orders))
    t0 = time.perf_counter()
    turf_boundaries(coords, labels)
    t_bound = time.perf_counter() - t0
    size = result.sizes
    within = (size >= result.lower) & (size <= result.upper)
    pieces = door_pieces(coords, labels)
    return {
        "case": name, "doors": len(coords), "target": target, "turfs": result.n_turfs,
        "seconds_cut": round(t_cut, 2), "seconds_route_all": round(t_route, 2),
        "seconds_cut_and_route": round(t_cut + t_route, 2),
        "seconds_boundaries": round(t_bound, 2),
        "min_doors": int(size.min()), "median_doors": float(np.median(size)),
        "max_doors": int(size.max()), "share_within_10pct": round(float(within.mean()), 4),
        "turfs_reported": len(result.issues), "turfs_in_pieces": int((pieces > 1).sum()),
        "distance_ratio_vs_hexagon": round(compactness(coords, labels, name), 3),
        "route_km_per_door": round(walked / 1000 / len(coords), 4),
        "route_gap_vs_lkh_pct": (None if sample == 0 else
                                 round(route_gap(coords, labels, keys, sample, rng), 3)),
    }


def main() -> None:
    """Parse arguments, run every case and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--target", type=int, default=50)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--quick", action="store_true", help="10,000 doors only, 5 LKH samples")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    sample = 5 if args.quick else 20
    runs = [run_case(c, n, args.target, sample, args.seed)
            for n in sizes for c in args.cases.split(",")]
    print(json.dumps({"target": args.target, "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
