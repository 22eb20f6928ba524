"""Turf cut by block face and street routes (issue 17) against today's straight-line cut.

Prints JSON. By default a synthetic city (fieldapp.streets.synthetic: grid and curving
streets, a primary road, a railway, a river); ``--osm FILE --voters FILE`` measures a real
extract and a VAN-style voter file instead (households = Address + Apt; the building is the
Address). Per cut and per method ("streets": cut_by_faces + route_turf; "straight": today's
cut_turfs + walk_order, its path then measured on the same street distances):

* route_vs_lkh: street length of each sampled turf's route / LKH (elkai) on the same
  street-distance matrix between stops (open path through a dummy node), mean and max;
* straddling: turfs with doors on both sides of a barrier (regions of the network), and how
  many of those could have been avoided (every region they touch could make turfs alone);
* faces_split: block faces with doors in more than one turf, share of faces with doors;
* midblock_crossings: legs whose straight line crosses a barrier more than 20 m from any
  street node (straight-line order); street routes cross only at nodes by construction
  (distance.py), and the count is measured on the legs' street paths the same way;
* sizes (min, max, share within +-10%), seconds per stage, peak RSS (MB).
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fieldapp.forked import workers_default
from fieldapp.streets.cutting import cut_by_faces, face_ids, face_points
from fieldapp.streets.distance import StreetDistances
from fieldapp.streets.matching import match_doors, street_of_address
from fieldapp.streets.network import build_network
from fieldapp.streets.parallel import route_turfs
from fieldapp.streets.routing import route_turf
from fieldapp.streets.synthetic import synthetic_city
from fieldapp.turf.cutting import cut_turfs
from fieldapp.turf.walk_order import walk_order


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_children_mb() -> float:
    """Peak resident memory of the largest routing worker, in MB (forked: most of it is the
    parent's pages, shared, not copied)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def load_voters(path: str):
    """Households of a VAN-style file: coords, street, building id, unit."""
    homes: dict[tuple[str, str], tuple[float, float]] = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            homes.setdefault((row["Address"], row.get("Apt") or ""),
                             (float(row["Latitude"]), float(row["Longitude"])))
    keys = list(homes)
    coords = np.array([homes[k] for k in keys])
    return coords, [street_of_address(a) for a, _ in keys], [a for a, _ in keys], \
        [u or None for _, u in keys]


def lkh_length(dist: np.ndarray) -> float:
    """Best open path length by LKH (elkai) through a dummy node."""
    import elkai
    m = len(dist)
    if m < 3:
        return float(dist.max()) if m == 2 else 0.0
    full = np.zeros((m + 1, m + 1))
    full[:m, :m] = dist
    tour = elkai.DistanceMatrix(full.tolist()).solve_tsp(runs=10)
    tour = _rotate(list(tour), m)
    return float(sum(dist[a, b] for a, b in zip(tour[:-1], tour[1:])))


def _rotate(tour, m):
    """The tour as a path: cut at the dummy node."""
    i = tour.index(m)
    return tour[i + 1:] + tour[:i]


def midblock(net, xy_path: np.ndarray, barrier_geoms, nodes) -> int:
    """Crossings of barriers by a path farther than 20 m from any street node.

    A crossing is a point where the path meets a barrier and is off it (0.5 m or more) 3 m
    before and 3 m after: walking along a main road (a street route does) touches its line
    at every vertex, and that is no crossing.
    """
    if len(xy_path) < 2 or barrier_geoms is None:
        return 0
    path = shapely.LineString(xy_path)
    if path.length == 0:
        return 0
    count = 0
    for p in shapely.get_parts(path.intersection(barrier_geoms)):
        if p.geom_type != "Point" or shapely.distance(nodes, p).min() <= 20:
            continue
        d = path.project(p)
        before = path.interpolate(max(d - 3.0, 0.0))
        after = path.interpolate(min(d + 3.0, path.length))
        if barrier_geoms.distance(before) >= 0.5 and barrier_geoms.distance(after) >= 0.5:
            count += 1
    return count


def measure(net, match, coords, group_ids, units, target, sample, seed=0):
    """Both methods on the same doors: quality figures and seconds."""
    out = {}
    sd = StreetDistances(net, match)
    face = face_ids(match)
    region = net.region_of(face_points(net))[face]
    count = np.bincount(region[region >= 0])
    bars = [ln for ln, b in zip(net.seg_lines, net.barrier) if b] + list(net.barrier_lines)
    bgeom = shapely.union_all(bars) if bars else None
    nodes = shapely.points(net.node_xy)
    rng = np.random.default_rng(seed)
    for method in ("streets", "straight"):
        t0 = time.perf_counter()
        if method == "streets":
            cut = cut_by_faces(net, match, target, group_ids).cut
        else:
            cut = cut_turfs(coords, target, np.array([hash(g) if g else -i - 1 for i, g in
                                                      enumerate(group_ids)]))
        t_cut = time.perf_counter() - t0
        k = cut.n_turfs
        pick = set(rng.choice(k, size=min(sample, k), replace=False).tolist())
        t0 = time.perf_counter()
        ratios, crossings, length = [], 0, 0.0
        for t in range(k):
            doors = np.flatnonzero(cut.labels == t)
            if method == "streets":
                r = route_turf(sd, doors, coords, group_ids, units, polyline=t in pick)
                heads = np.array([s[0] for s in r.stops])
                length += r.street_m
                if r.polyline:  # the drawn route, measured like the straight legs
                    xy = net.proj.forward(np.array(r.polyline))
                    crossings += midblock(net, xy, bgeom, nodes)
            else:
                order = doors[walk_order(coords[doors])]
                seen, heads_l = set(), []
                key = {d: (group_ids[d] or d) for d in order}
                for d in order:
                    if key[d] not in seen:
                        seen.add(key[d])
                        heads_l.append(d)
                heads = np.array(heads_l)
            if t in pick or method == "straight":
                dist = sd.matrix(heads)
                dist = np.where(np.isfinite(dist), dist, 1e5)
                mine = float(sum(dist[i, i + 1] for i in range(len(heads) - 1)))
                if method == "straight":
                    length += mine
                    xy = net.proj.forward(coords[heads])
                    crossings += midblock(net, xy, bgeom, nodes)
                if t in pick:
                    best = lkh_length(sd.matrix(heads)) if len(heads) > 1 else 0.0
                    ratios.append(mine / best if best > 0 else 1.0)
        t_route = time.perf_counter() - t0
        straddle = [np.unique(region[cut.labels == t]) for t in range(k)]
        avoidable = sum(len(r) > 1 and all(
            np.ceil(count[x] / cut.upper) <= np.floor(count[x] / cut.lower) for x in r)
            for r in straddle)
        faces = np.unique(face)
        split = sum(len(np.unique(cut.labels[face == f])) > 1 for f in faces)
        ok = (cut.sizes >= cut.lower) & (cut.sizes <= cut.upper)
        out[method] = {
            "turfs": k, "route_vs_lkh_mean": round(float(np.mean(ratios)), 4),
            "route_vs_lkh_max": round(float(np.max(ratios)), 4), "lkh_sampled": len(ratios),
            "route_km_total": round(length / 1000, 2),
            "straddling": int(sum(len(r) > 1 for r in straddle)),
            "straddling_avoidable": int(avoidable),
            "straddling_share": round(sum(len(r) > 1 for r in straddle) / k, 4),
            "faces_split": int(split), "faces_split_share": round(split / len(faces), 4),
            "midblock_crossings": crossings,  # streets: on the sampled turfs' polylines
            "size_min": int(cut.sizes.min()), "size_max": int(cut.sizes.max()),
            "within_10pct": round(float(ok.mean()), 4),
            "seconds_cut": round(t_cut, 2), "seconds_route": round(t_route, 2),
            "peak_rss_mb": round(rss_mb())}
    return out


def pipeline(net, match, coords, group_ids, units, target, workers):
    """Seconds of what an automatic cut does with a street network, nothing measured beside:
    the cut, then every turf routed with its polyline (route_turfs: over `workers` processes)."""
    t0 = time.perf_counter()
    cut = cut_by_faces(net, match, target, group_ids).cut
    t_cut = time.perf_counter() - t0
    sd = StreetDistances(net, match)
    turfs = cut.doors_by_turf()
    t0 = time.perf_counter()
    km = sum(r.length_m for r in route_turfs(sd, turfs, coords, group_ids, units,
                                               workers=workers)) / 1000
    t_route = time.perf_counter() - t0
    ok = (cut.sizes >= cut.lower) & (cut.sizes <= cut.upper)
    return {"turfs": cut.n_turfs, "within_10pct": round(float(ok.mean()), 4),
            "workers": workers, "route_km_total": round(km, 1),
            "seconds_cut": round(t_cut, 2), "seconds_route_with_polylines": round(t_route, 2),
            "peak_rss_mb": round(rss_mb()), "peak_rss_workers_mb": round(rss_children_mb())}


def main() -> None:
    """Parse arguments, run, print JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--osm")
    ap.add_argument("--voters")
    ap.add_argument("--targets", default=None, help="doors per turf, comma-separated")
    ap.add_argument("--grid", type=int, default=None, help="synthetic city: blocks a side")
    ap.add_argument("--sample", type=int, default=40, help="turfs checked against LKH")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pipeline", action="store_true",
                    help="only time what a cut job does: cut, then route every turf with its "
                         "polyline (no straight-line cut, no LKH checks)")
    ap.add_argument("--workers", type=int, default=None,
                    help="--pipeline: routing processes (default: the cores; 1 = serial)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    if args.osm:
        from fieldapp.streets.osm import read_osm
        coords, streets, groups, units = load_voters(args.voters)
        bbox = (coords[:, 0].min(), coords[:, 1].min(), coords[:, 0].max(), coords[:, 1].max())
        ways = read_osm(args.osm, bbox)
        source = {"osm": Path(args.osm).name, "voters": Path(args.voters).name}
        targets = [40, 60]
    else:
        g = args.grid or (8 if args.quick else 56)
        city = synthetic_city(g, seed=1)
        coords, streets, groups, units = city.coords, city.streets, city.group_ids, city.units
        ways, bbox = city.ways, city.bbox
        source = {"synthetic_grid": g}
        targets = [50]
    if args.targets:
        targets = [int(x) for x in args.targets.split(",")]
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    net = build_network(ways, bbox)
    match = match_doors(net, coords, streets)
    t_net = time.perf_counter() - t0
    report = {"source": source, "doors": len(coords), "ways": len(ways),
              "segments": net.n_segments, "regions": len(net.regions),
              "matched_by_name": round(float(match.by_name.mean()), 4),
              "matched_far": int(match.far.sum()),
              "seconds_read": round(t_read, 2), "seconds_network_and_match": round(t_net, 2),
              "cuts": {}}
    sample = 10 if args.quick else args.sample
    for target in targets:
        if args.pipeline:
            report["cuts"][str(target)] = pipeline(net, match, coords, groups, units, target,
                                                      args.workers or workers_default())
            continue
        report["cuts"][str(target)] = measure(net, match, coords, groups, units, target, sample)
    report["peak_rss_mb"] = round(rss_mb())
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
