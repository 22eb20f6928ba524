"""Benchmark the race coverage map on synthetic races; prints one JSON object.

    python benchmarks/coverage_map.py [--sizes 10000,100000] [--repeat 3] [--out DIR]

A race: towns of different size on a street grid over a rural background, about a third of
the doors knocked (outcomes drawn with plausible weights), one contact in five knocked doors
with a support score, and turfs of about 57 doors: Voronoi cells of k-means-ish seeds clipped
to the district (1,750 turfs at 100,000 households).

Each measurement is its own function taking a prepared race and returning a dict, listed in
MEASUREMENTS: `coverage_map` builds the map from the data in memory; `from_database` stores the
same race in SQLite (households, turfs, a knock per knocked door, support answers) and times
what the map page and the dashboard do: the map's queries plus the build, and the dashboard
figures. Targets at 100,000 households on 2 cores: built in under 1 s, HTML under 2 MB, under
0.6 MB gzipped, dashboard figures under 0.5 s.
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
import sqlalchemy as sa

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
    RAW[id(data)] = {"lat": lat, "lon": lon, "outcome": outcome, "turf_of": turf_of,
                     "support": support, "contact": contact}
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


RAW: dict[int, dict] = {}  # the arrays behind each synthetic race, for the database run


def measure_from_database(data: CoverageMapData, repeat: int = 3, out: Path | None = None,
                          tag: str = "") -> dict:
    """The same race stored in a SQLite database (households, turfs, knocks), then timed as the
    map page and the dashboard run it: the map's queries, the map built from them, and every
    dashboard figure (SQL aggregates)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        app, race_id = _store_race(data, RAW[id(data)], Path(tmp))
        from fieldapp.extensions import db
        from fieldapp.races.models import Race
        from fieldapp.reports.map_data import coverage_map_data
        from fieldapp.reports.progress import dashboard

        query, build, board = [], [], []
        with app.app_context():
            race = db.session.get(Race, race_id)
            for _ in range(repeat):
                start = time.perf_counter()
                stored = coverage_map_data(db.session, race, turf_url=lambda t: f"/turfs/{t}")
                query.append(time.perf_counter() - start)
                start = time.perf_counter()
                build_coverage_map(stored, nonce="benchmarknonce0")
                build.append(time.perf_counter() - start)
                start = time.perf_counter()
                figures = dashboard(db.session, race)
                board.append(time.perf_counter() - start)
                db.session.expire_all()
        return {"map_queries_seconds": round(min(query), 3),
                "map_build_seconds": round(min(build), 3),
                "map_page_seconds": round(min(q + b for q, b in zip(query, build)), 3),
                "dashboard_seconds": round(min(board), 3),
                "dashboard_knocks_counted": figures.progress["knocks"]}


def _store_race(data: CoverageMapData, raw: dict, folder: Path):
    """A fresh SQLite database holding the synthetic race; returns (app, race id)."""
    import datetime as dt
    import os

    os.environ.setdefault("FIELDAPP_INSTANCE_PATH", str(folder / "instance"))
    from fieldapp import create_app
    from fieldapp.auth.models import User
    from fieldapp.chapters.models import Organization
    from fieldapp.extensions import db
    from fieldapp.knocklog.models import DoorKnock
    from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion
    from fieldapp.turf.models import Turf
    from fieldapp.voters.models import Household

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        org = Organization(slug="bench", name="Bench")
        user = User(email="bench@example.org", name="Bench", password_hash="x")
        db.session.add_all([org, user])
        db.session.flush()
        race = Race(organization_id=org.id, name="Bench race", office="", district=data.district,
                    door_goal=len(raw["lat"]), election_date=dt.date(2017, 11, 7))
        db.session.add(race)
        db.session.flush()
        question = SurveyQuestion(race=race, key="support", text="Support?", position=0)
        question.choices = [SurveyChoice(position=i, value=str(i), label=str(i)) for i in range(1, 6)]
        db.session.add(question)
        db.session.flush()
        choice_of = {int(c.value): c.id for c in question.choices}
        turf_ids = db.session.scalars(sa.insert(Turf).returning(Turf.id, sort_by_parameter_order=True),
                                      [{"race_id": race.id, "name": t.name, "boundary": t.boundary,
                                        "door_count": t.doors} for t in data.turfs]).all()
        codes = OUTCOMES
        rows = [{"race_id": race.id, "household_key": f"{i} BENCH ST", "address_line": f"{i} Bench St",
                 "lat": float(raw["lat"][i]), "lon": float(raw["lon"][i]),
                 "turf_id": turf_ids[raw["turf_of"][i]] if raw["turf_of"][i] >= 0 else None,
                 "last_outcome": codes[raw["outcome"][i]] if raw["outcome"][i] >= 0 else None}
                for i in range(len(raw["lat"]))]
        ids = db.session.scalars(sa.insert(Household).returning(Household.id, sort_by_parameter_order=True),
                                 rows).all()
        now = dt.datetime.now(dt.UTC)
        support = iter(raw["support"].tolist())
        knocks = []
        for i in np.flatnonzero(raw["outcome"] >= 0):
            answers = ({str(question.id): choice_of[next(support)]} if raw["contact"][i] else None)
            knocks.append({"client_uuid": f"b-{i}", "payload_hash": "", "user_id": user.id,
                           "race_id": race.id, "household_id": ids[i], "outcome": codes[raw["outcome"][i]],
                           "answers": answers, "turf_id": rows[i]["turf_id"],
                           "knocked_at": now - dt.timedelta(minutes=int(i) % 20000), "received_at": now})
        db.session.execute(sa.insert(DoorKnock), knocks)
        db.session.commit()
        return app, race.id


MEASUREMENTS: dict[str, Callable[..., dict]] = {"coverage_map": measure_coverage_map,
                                                "from_database": measure_from_database}


def main() -> None:
    """Parse arguments, build each race, run every measurement and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="also write the HTML here")
    parser.add_argument("--quick", action="store_true", help="10,000 households only, once")
    args = parser.parse_args()
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    repeat = 1 if args.quick else args.repeat
    runs = []
    for n in sizes:
        data, facts = synthetic_race(n, args.seed)
        run = {"race": facts}
        for name, measure in MEASUREMENTS.items():
            run[name] = measure(data, repeat, args.out, str(n))
        runs.append(run)
    print(json.dumps({"runs": runs}, indent=1))


if __name__ == "__main__":
    main()
