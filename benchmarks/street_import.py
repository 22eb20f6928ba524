"""Reading a street extract many times larger than the district, in bounded memory (issue 17).

Writes a synthetic OpenStreetMap extract (.osm.pbf, pyosmium) of a ``--ways`` grid of streets
(default 1,000,000; ``--quick`` 100,000), each way 4 nodes long, then reads it as an import
does (fieldapp.streets.osm.read_osm: streaming, keeping only ways near a district of
``--district-km`` a side in one corner) and builds the street network. Prints JSON: the file's
size, seconds to write, read and build, ways kept, and the peak RSS of the reading process
(the writer runs in a child process so its memory is not counted).
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

LAT0, LON0 = 37.0, -122.0
STEP_DEG = 0.0009  # ~100 m between streets


def write_extract(path: str, ways: int) -> None:
    """A square grid of residential streets, every block a way of 4 nodes."""
    import osmium

    side = math.ceil(math.sqrt(ways / 2))
    node_id = way_id = 0
    with osmium.SimpleWriter(path) as writer:
        ids = {}

        def node(i: int, j: int, k: int, horizontal: bool) -> int:
            nonlocal node_id
            key = (i, j, k, horizontal) if 0 < k < 3 else (i + (k == 3 and horizontal),
                                                            j + (k == 3 and not horizontal))
            if key in ids:
                return ids[key]
            node_id += 1
            if len(key) == 2:
                lat, lon = LAT0 + key[1] * STEP_DEG, LON0 + key[0] * STEP_DEG
            else:
                f = k / 3
                lat = LAT0 + (j + (0 if horizontal else f)) * STEP_DEG
                lon = LON0 + (i + (f if horizontal else 0)) * STEP_DEG
            writer.add_node(osmium.osm.mutable.Node(id=node_id, location=(lon, lat)))
            ids[key] = node_id
            return node_id

        for j in range(side):  # row by row: corner nodes are written before their ways
            row = []
            for i in range(side):
                for horizontal in (True, False):
                    if way_id + len(row) >= ways:
                        break
                    refs = [node(i, j, k, horizontal) for k in range(4)]
                    row.append((refs, horizontal, i, j))
            for refs, horizontal, i, j2 in row:
                way_id += 1
                writer.add_way(osmium.osm.mutable.Way(
                    id=way_id, nodes=refs,
                    tags={"highway": "residential",
                          "name": f"{'Row' if horizontal else 'Col'} {j2 if horizontal else i}"}))
            # Only the row above shares corners with the rows to come.
            ids = {k: v for k, v in ids.items() if len(k) == 2 and k[1] >= j + 1}


def main() -> None:
    """Write, read, build; print JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ways", type=int, default=1_000_000)
    ap.add_argument("--district-km", type=float, default=3.0)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    ways = 100_000 if args.quick else args.ways
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "extract.osm.pbf")
        t0 = time.perf_counter()
        child = multiprocessing.get_context("spawn").Process(target=write_extract,
                                                             args=(path, ways))
        child.start()
        child.join()
        t_write = time.perf_counter() - t0
        size_mb = Path(path).stat().st_size / 1e6
        from fieldapp.streets.network import build_network
        from fieldapp.streets.osm import read_osm

        span = args.district_km * 1000 / 111_000
        bbox = (LAT0, LON0, LAT0 + span, LON0 + span)
        t0 = time.perf_counter()
        kept = read_osm(path, bbox)
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        net = build_network(kept, bbox)
        t_build = time.perf_counter() - t0
    print(json.dumps({"ways_in_file": ways, "file_mb": round(size_mb, 1),
                      "seconds_write": round(t_write, 1), "seconds_read": round(t_read, 1),
                      "ways_kept": len(kept), "segments": net.n_segments,
                      "seconds_build": round(t_build, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                           / 1024)}, indent=1))


if __name__ == "__main__":
    main()
