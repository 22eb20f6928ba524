"""Benchmark the voter-file import: a synthetic file of 1,000,000 rows into SQLite (and PostgreSQL).

    python benchmarks/import_voters.py [--rows 1000000] [--quick] [--batch-size 5000]
                                       [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

The file (VAN columns, with coordinates) is written to a temporary folder: about 1.6 voters a
household, households on a street grid around one race centre and inside its district, one unit
building in ten, later voters of a door spelling its street suffix differently ("Street"/"St"),
as voter files do. Each database is a fresh one (SQLite in the temporary folder; with --postgres
or FIELDAPP_BENCH_DATABASE_URL a new PostgreSQL database, dropped at the end), and each import
runs in a child process of its own, so its peak RSS (ru_maxrss) is its own figure; with a file
this size the import prepares batches in a helper process (--helper), whose peak RSS is added.

Prints one JSON object: per database rows, seconds (the import alone), rows_per_second,
peak_rss_mb, households and voters in the database, and the import's counts. Target on 2 cores:
1,000,000 rows into SQLite in under 60 s with a peak RSS under 400 MB.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CENTRE = (40.68, -73.45)
HALF = 0.1  # the district: a box of ±0.1° around the centre
STREETS = ["Main", "Oak", "Maple", "Cedar", "Elm", "Pine", "Walnut", "Birch", "Spruce", "Willow",
           "Lake", "Hill", "Park", "Church", "Mill", "River", "Spring", "Center", "Ridge", "Forest"]
SUFFIXES = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Lane", "Ln"), ("Drive", "Dr")]
FIRST = ["Ana", "Ben", "Chen", "Dee", "Eli", "Fatima", "Gus", "Hana", "Ivo", "Jo", "Kim", "Lea"]
LAST = ["Lopez", "Okafor", "Marsh", "Reyes", "Ito", "Novak", "Park", "Stone", "Cole", "Grant"]
HELPERS = {"process": True, "thread": False, "auto": None}
HEADER = "VanID,FirstName,LastName,Address,City,State,Zip5,Latitude,Longitude,Precinct,Phone,Email\n"


def log(message: str) -> None:
    """Progress on stderr (stdout is the JSON)."""
    print(message, file=sys.stderr, flush=True)


def write_file(path: Path, rows: int, seed: int = 6) -> dict:
    """A synthetic VAN export of `rows` voters; returns facts about it."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3], size=rows, p=[0.5, 0.4, 0.1])  # mean 1.6 voters a door
    sizes = sizes[:np.searchsorted(np.cumsum(sizes), rows) + 1]
    sizes[-1] -= sizes.sum() - rows
    doors = len(sizes)
    streets = math.ceil(math.sqrt(doors / 4))
    numbers = math.ceil(doors / streets)
    span = 2 * HALF * 0.95
    voter = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        lines = []
        for door, size in enumerate(sizes.tolist()):
            street, n = divmod(door, numbers)
            lat = CENTRE[0] - span / 2 + span * street / streets
            lon = CENTRE[1] - span / 2 + span * n / numbers
            name = f"{STREETS[street % len(STREETS)]} {street // len(STREETS) + 1}"
            long_suffix, short_suffix = SUFFIXES[street % len(SUFFIXES)]
            number = 2 * (n // 10 if door % 10 == 0 else n) + 1
            unit = f" Apt {n % 10 + 1}" if door % 10 == 0 else ""
            precinct = f"ED {street // 20 + 1}"
            for k in range(size):
                suffix = long_suffix if k == 0 else short_suffix
                voter += 1
                lines.append(f"{voter},{FIRST[voter % 12]},{LAST[door % 10]},{number} {name} "
                             f"{suffix}{unit},Benchville,NY,11758,{lat:.6f},{lon:.6f},{precinct},,\n")
            if len(lines) >= 10_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)
    return {"rows": rows, "doors_written": doors, "bytes": path.stat().st_size}


def child(url: str, file: Path, batch_size: int, helper: bool | None) -> None:
    """Run in a child process: set up the race, import the file, print the figures as JSON."""
    import sqlalchemy as sa

    from fieldapp import create_app
    from fieldapp.chapters.models import Organization
    from fieldapp.extensions import db
    from fieldapp.races.models import Race
    from fieldapp.voters.imports.service import import_voters
    from fieldapp.voters.models import Household, Voter

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        org = Organization(slug="bench-wfp", name="Benchmark chapter")
        db.session.add(org)
        db.session.flush()
        lat, lon = CENTRE
        race = Race(organization_id=org.id, name="Benchmark race", centre_lat=lat,
                    centre_lon=lon, district={"type": "Polygon", "coordinates": [[
                        [lon - HALF, lat - HALF], [lon + HALF, lat - HALF],
                        [lon + HALF, lat + HALF], [lon - HALF, lat + HALF],
                        [lon - HALF, lat - HALF]]]})
        db.session.add(race)
        db.session.commit()
        start = time.perf_counter()
        with file.open("rb") as stream:
            report = import_voters(db.session, race, stream, file.name, batch_size=batch_size,
                                   helper_process=helper)
        seconds = time.perf_counter() - start

        def count(model):
            return db.session.scalar(sa.select(sa.func.count()).select_from(model))

        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        helper_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result = {"rows": report.rows, "seconds": round(seconds, 2),
                  "rows_per_second": round(report.rows / seconds),
                  "prepared_in": report.prepared_in,
                  "peak_rss_mb": round(own, 1), "helper_process_peak_rss_mb": round(helper_rss, 1),
                  "peak_rss_total_mb": round(own + helper_rss, 1),
                  "households": count(Household), "voters": count(Voter),
                  "counts": {k: v for k, v in report.counts.items() if v}}
        db.engine.dispose()
    print(json.dumps(result))


def run_child(url: str, file: Path, batch_size: int, workdir: Path, helper: str) -> dict:
    """One import in its own process; its JSON line."""
    env = os.environ | {"FIELDAPP_CONFIG": "production", "SECRET_KEY": "benchmark-only",
                        "FIELDAPP_INSTANCE_PATH": str(workdir / "instance")}
    done = subprocess.run([sys.executable, __file__, "--child", url, str(file),
                           "--batch-size", str(batch_size), "--helper", helper],
                          env=env, capture_output=True,
                          text=True, check=False)
    if done.returncode:
        log(done.stderr)
        raise SystemExit(f"the import child failed ({done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Write the file, import it into each database, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 rows (make bench)")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--postgres", default=os.environ.get("FIELDAPP_BENCH_DATABASE_URL"),
                        help="also import into a fresh database on this PostgreSQL server")
    parser.add_argument("--helper", choices=HELPERS, default="auto",
                        help="prepare batches in a helper process, a thread, or by file size")
    parser.add_argument("--child", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.batch_size, HELPERS[args.helper])
        return
    rows = 50_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="fieldapp-import-") as tmp:
        workdir = Path(tmp)
        file = workdir / "voters.csv"
        start = time.perf_counter()
        facts = write_file(file, rows)
        log(f"wrote {rows:,} rows ({facts['bytes'] / 1e6:.0f} MB) in "
            f"{time.perf_counter() - start:.1f} s")
        result = {"file": facts, "sqlite": None, "postgresql": None}
        log("importing into SQLite")
        result["sqlite"] = run_child(f"sqlite:///{workdir / 'bench.sqlite3'}", file,
                                     args.batch_size, workdir,
                                     args.helper)
        if args.postgres:
            from knockload.database import Database

            database = Database(workdir, args.postgres)
            try:
                log("importing into PostgreSQL")
                result["postgresql"] = run_child(database.url, file, args.batch_size, workdir,
                                     args.helper)
            finally:
                database.drop()
        result["targets"] = {"sqlite_under_60s": result["sqlite"]["seconds"] < 60 * rows / 1e6,
                             "sqlite_rss_under_400mb":
                                 result["sqlite"]["peak_rss_total_mb"] < 400}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
