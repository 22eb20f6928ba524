"""An automatic cut as the job runs it, on a race stored in a database; prints one JSON object.

    python benchmarks/cut_job.py [--grid 177] [--streets] [--postgres URL] [--quick]

The doors of the synthetic city (fieldapp.streets.synthetic: ``--grid 177`` is ~1,000,000
doors, 56 is ~100,000; ``--quick`` 8) are stored as one race's households in a fresh SQLite
database (or a fresh schema of ``--postgres URL``), with the city's street network when
``--streets`` is given. Then ``fieldapp.turf.services.cut_race`` runs exactly as the cut job
calls it (replace every turf) and is committed: seconds in all and per stage (loading the
doors, the street plan with its matching, the cut, the boundaries, the routes, the writes),
turfs, and peak RSS. The issue 17 target (1,000,000 doors cut and routed in under two minutes)
is measured on the algorithms by ``turf_streets.py --pipeline`` and ``turf_cut.py``; this
script shows what the job adds around them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STAGES = {  # module, function: the stage it is timed as
    ("fieldapp.turf.services", "plan_cut"): "load_doors",
    ("fieldapp.streets.turfs", "_plan"): "street_plan_and_match",
    ("fieldapp.streets.turfs", "cut_by_faces"): "cut",
    ("fieldapp.turf.services", "cut_turfs"): "cut",
    ("fieldapp.turf.services", "turf_boundaries"): "boundaries",
    ("fieldapp.streets.turfs", "route_turfs"): "routes",
    ("fieldapp.turf.services", "walk_orders"): "routes",
}


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(seconds: dict, stage: str, fn):
    """fn, adding its wall time (generators: until exhausted) to seconds[stage]."""
    def wrapper(*args, **kwargs):
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        if hasattr(out, "__next__"):
            out = list(out)
        seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - t0
        return out
    return wrapper


def build(url: str, grid: int, streets: bool):
    """A fresh fieldapp on `url` holding the city as one race; returns (app, race id, doors)."""
    import sqlalchemy as sa

    from fieldapp import create_app
    from fieldapp.chapters.models import Organization
    from fieldapp.extensions import db
    from fieldapp.races.models import Race
    from fieldapp.streets.models import StreetNetworkRecord
    from fieldapp.streets.network import build_network
    from fieldapp.streets.store import dump_network
    from fieldapp.streets.synthetic import synthetic_city
    from fieldapp.voters.models import Household

    city = synthetic_city(grid, seed=1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        org = Organization(slug="bench", name="Bench")
        db.session.add(org)
        db.session.flush()
        race = Race(organization_id=org.id, name="Bench race", door_goal=1,
                    election_date=dt.date(2026, 11, 3), centre_lat=float(city.coords[:, 0].mean()),
                    centre_lon=float(city.coords[:, 1].mean()))
        db.session.add(race)
        db.session.flush()
        rows = []
        for i, ((lat, lon), street, group, unit) in enumerate(
                zip(city.coords.tolist(), city.streets, city.group_ids, city.units)):
            building = f"b{group}" if group is not None else f"d{i}"
            rows.append({"race_id": race.id, "household_key": f"H{i}",
                         "building_key": building, "street_key": street,
                         "address_line": f"{100 + i % 900} {street}", "unit": unit or "",
                         "lat": lat, "lon": lon, "is_synthetic": True})
        for start in range(0, len(rows), 50_000):
            db.session.execute(sa.insert(Household), rows[start:start + 50_000])
        if streets:
            net = build_network(city.ways, city.bbox)
            db.session.add(StreetNetworkRecord(race_id=race.id, source_format="geojson",
                                               segments=net.n_segments, data=dump_network(net)))
        db.session.commit()
        return app, race.id, len(rows)


def main() -> None:
    """Parse arguments, build the race, run the cut, print JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=177)
    ap.add_argument("--streets", action="store_true", help="store the city's street network")
    ap.add_argument("--postgres", help="a PostgreSQL URL (a fresh schema is made and dropped)")
    ap.add_argument("--quick", action="store_true", help="grid 8 (~2,000 doors)")
    args = ap.parse_args()
    grid = 8 if args.quick else args.grid
    folder = Path(tempfile.mkdtemp(prefix="fieldapp-cutjob-"))
    os.environ.setdefault("FIELDAPP_INSTANCE_PATH", str(folder / "instance"))
    schema = None
    if args.postgres:
        import sqlalchemy as sa
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with sa.create_engine(args.postgres).begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = args.postgres + ("&" if "?" in args.postgres else "?") + \
            f"options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        t0 = time.perf_counter()
        app, race_id, doors = build(url, grid, args.streets)
        t_build = time.perf_counter() - t0
        import importlib

        from fieldapp.extensions import db
        from fieldapp.races.models import Race
        from fieldapp.turf import services

        seconds: dict[str, float] = {}
        for (module, name), stage in STAGES.items():
            mod = importlib.import_module(module)
            setattr(mod, name, timed(seconds, stage, getattr(mod, name)))
        with app.app_context():
            race = db.session.get(Race, race_id)
            t0 = time.perf_counter()
            summary = services.cut_race(db.session, race, 50, replace=True)
            t_cut = time.perf_counter() - t0
            t0 = time.perf_counter()
            db.session.commit()
            t_commit = time.perf_counter() - t0
        total = t_cut + t_commit
        seconds["writes_and_rest"] = total - sum(seconds.values())
        print(json.dumps({
            "database": "postgresql" if args.postgres else "sqlite", "streets": args.streets,
            "doors": doors, "turfs": summary.turfs, "seconds_setup": round(t_build, 1),
            "seconds_cut_job": round(total, 1),
            "stages": {k: round(v, 1) for k, v in seconds.items()},
            "peak_rss_mb": round(rss_mb())}, indent=1))
    finally:
        if schema:
            import sqlalchemy as sa
            with sa.create_engine(args.postgres).begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    main()
