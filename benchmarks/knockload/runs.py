"""The apps served on their seeded databases, the minimal reference run, the row checks."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from knockload.common import log
from knockload.database import Database, World, migrate, seed, server_env
from knockload.load import Canvasser
from knockload.minimal import minimal_connect
from knockload.server import Server
from knockload.single import Contender, single_knocks

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


@dataclass
class Run:
    """An app served on its own seeded database, with its volunteers and what they stored."""

    database: Database
    contender: Contender
    created: list[set[str]]

    def rows(self) -> dict:
        """The row check against every knock the server acknowledged."""
        engine = self.database.engine()
        try:
            return check_rows(engine, set().union(*self.created))
        finally:
            engine.dispose()


def serve(args, workdir: Path, database: Database, name: str, app: str, chdir: Path,
          path: str, seed_: int) -> Run:
    """Migrate and seed the database, start gunicorn on it, and make the volunteers."""
    env, world = prepare(args, workdir, database)
    env["BASELINE_DATABASE_URL"] = database.url  # read by knockload/baseline.py only
    server = Server(name, app, env, args.workers, args.threads, args.worker_class, workdir, chdir)
    created: list[set[str]] = [set() for _ in world.volunteers]
    canvassers = [Canvasser(i, v, world, server.port, created[i], seed_ + i)
                  for i, v in enumerate(world.volunteers)]
    return Run(database, Contender(name, canvassers, server, path), created)


def run_minimal(args, workdir: Path) -> tuple[dict, list[str]]:
    """The first rounds' bare INSERT OR IGNORE endpoint (no auth, no checks, always SQLite),
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
        minimal = Contender("minimal", canvassers, server, "/knocks")
        single_knocks([minimal], args.warmup, args.single_seconds, 1, args.max_requests,
                      args.replay_share)
    finally:
        server.stop()
    single, errors = minimal.result(), minimal.errors
    connection = minimal_connect(env["MINIMAL_DB"])
    stored = connection.execute("SELECT count(*) FROM knock").fetchone()[0]
    connection.close()
    single["rows_after"] = stored
    single["rows_match"] = stored == len(created)
    if stored != len(created):
        errors.append(f"minimal: {stored} rows for {len(created)} created knocks")
    return single, errors
