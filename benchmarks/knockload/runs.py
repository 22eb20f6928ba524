"""The two baselines' runs (the fair one and the minimal one) and the row checks of every run."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from knockload.common import log
from knockload.database import Database, World, migrate, seed, server_env
from knockload.load import Canvasser, single_phase
from knockload.minimal import minimal_connect
from knockload.server import Server

HERE = Path(__file__).resolve().parent.parent  # benchmarks/: gunicorn's --chdir for the baselines


def count_rows(engine) -> int:
    """Rows in door_knock."""
    import sqlalchemy as sa

    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT count(*) FROM door_knock"))


def check_rows(engine, expected: set[str]) -> dict:
    """Compare door_knock with the knocks the server acknowledged."""
    import sqlalchemy as sa

    with engine.connect() as connection:
        stored = [row[0] for row in connection.execute(sa.text("SELECT client_uuid FROM door_knock"))]
        doors_total = connection.scalar(
            sa.text("SELECT coalesce(sum(knock_count), 0) FROM household"))
    distinct = set(stored)
    return {
        "expected": len(expected),
        "in_database": len(stored),
        "distinct_uuids": len(distinct),
        "duplicated": len(stored) - len(distinct),
        "lost": len(expected - distinct),
        "unexpected": len(distinct - expected),
        "door_knock_count_sum": doors_total,
    }


def rows_exact(rows: dict) -> bool:
    """Nothing lost, nothing extra, no UUID twice, and the doors' counts add up to the rows."""
    return (rows["lost"] == rows["unexpected"] == rows["duplicated"] == 0
            and rows["in_database"] == rows["expected"] == rows["door_knock_count_sum"])


def prepare(args, workdir: Path, database: Database) -> tuple[dict[str, str], World]:
    """fieldapp's environment on this database, migrated and seeded."""
    env = server_env(workdir, database.url, secrets.token_hex(32))
    log(f"migrating and seeding the {database.kind} database {database.url.rsplit('/', 1)[-1]}")
    migrate(env)
    world = seed(env, args.volunteers, args.doors_per_turf)
    log(f"seeded {args.volunteers} volunteers x {args.doors_per_turf} doors")
    return env, world


def run_baseline(args, workdir: Path) -> tuple[dict, list[str]]:
    """The fair baseline (knockload/baseline.py) on its own database of the same kind,
    migrated and seeded as fieldapp's, under the same gunicorn settings and single-knock load."""
    database = Database(workdir, args.pg, label="baseline")
    try:
        env, world = prepare(args, workdir, database)
        env["BASELINE_DATABASE_URL"] = database.url
        created: list[set[str]] = [set() for _ in world.volunteers]
        server = Server("baseline", "knockload.baseline:baseline_app()", env, args.workers,
                        args.threads, args.worker_class, workdir, HERE)
        try:
            canvassers = [Canvasser(i, v, world, server.port, created[i], args.seed + 500 + i)
                          for i, v in enumerate(world.volunteers)]
            log(f"baseline: bare Flask + {database.kind} driver, fieldapp's work and schema")
            single, errors = single_phase(canvassers, server, "/knocks", args.warmup,
                                          args.single_seconds, args.max_requests,
                                          args.replay_share)
        finally:
            server.stop()
        engine = database.engine()
        rows = check_rows(engine, set().union(*created))
        engine.dispose()
    finally:
        database.drop()
    single["rows"] = rows
    single["rows_exact"] = rows_exact(rows)
    if not single["rows_exact"]:
        errors.append(f"baseline rows: {rows}")
    return single, errors


def run_minimal(args, workdir: Path) -> tuple[dict, list[str]]:
    """The first round's bare INSERT OR IGNORE endpoint (no auth, no checks, always SQLite),
    kept for reference."""
    env = dict(os.environ, MINIMAL_DB=str(workdir / "minimal.sqlite3"), PYTHONUNBUFFERED="1")
    minimal_connect(env["MINIMAL_DB"]).close()  # create the table before the workers race to
    world = World([], 1, [1, 2, 3, 4, 5])
    created: set[str] = set()
    server = Server("minimal", "knockload.minimal:minimal_app()", env, args.workers,
                    args.threads, args.worker_class, workdir, HERE)
    try:
        canvassers = [Canvasser(i, None, world, server.port, created, args.seed + 1000 + i)
                      for i in range(args.volunteers)]
        for c in canvassers:
            c.doors = [(c.index * 100 + h, 0, 40.68, -73.45) for h in range(args.doors_per_turf)]
        log("minimal Flask + sqlite3 endpoint (reference)")
        single, errors = single_phase(canvassers, server, "/knocks", args.warmup,
                                      args.single_seconds, args.max_requests, args.replay_share)
    finally:
        server.stop()
    connection = minimal_connect(env["MINIMAL_DB"])
    stored = connection.execute("SELECT count(*) FROM knock").fetchone()[0]
    connection.close()
    single["rows_after"] = stored
    single["rows_match"] = stored == len(created)
    if stored != len(created):
        errors.append(f"minimal: {stored} rows for {len(created)} created knocks")
    return single, errors
