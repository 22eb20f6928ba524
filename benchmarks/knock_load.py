"""Load-test knock recording under gunicorn against a minimal Flask+SQLite insert; prints JSON.

    python benchmarks/knock_load.py [--quick] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                    [--volunteers 32] [--workers N] [--threads 1] [--strict]

What it does, all on 127.0.0.1 with free ports, logs on stderr, one JSON object on stdout:

1. Creates a fresh database: a SQLite file in a temporary folder, or with ``--pg URL`` a new
   PostgreSQL database ``fieldapp_bench_<random>`` on that server (a schema of URL's database
   when the role may not create databases), migrates it with ``flask --app fieldapp db upgrade``
   and seeds it through fieldapp's models and services: one chapter, one race with a support
   question, and per volunteer a turf of doors (one voter each) assigned to them and an API token.
   The database is dropped (or the folder removed) at the end, whatever happens.
2. Serves fieldapp with ``gunicorn 'fieldapp:create_app()'`` (FIELDAPP_CONFIG=production) and
   drives it from this process: one thread per simulated volunteer, each with its own token,
   turf and persistent ``http.client`` connection.
   - warm-up, then **single knocks**: POST /api/v1/knocks as fast as each volunteer can, for a
     bounded time and request count; about 10% of the requests replay a knock the volunteer
     already sent (same body) and must come back 200 duplicate. Rate and p50/p95/p99 latency.
   - **batch sync**: POST /api/v1/knocks/batch with 500 knocks each; every item must come back
     ``created``. Knocks per second.
   - **replay** one whole batch: all 500 must come back ``duplicate`` and the row count must not
     move.
   - rows: the set of ``client_uuid`` in ``door_knock`` must be exactly the set that got 201 /
     ``created`` (nothing lost, nothing extra, no duplicates), and the doors' cached knock counts
     must add up to the rows.
3. Serves a **minimal** Flask app (``minimal_app`` below: parse JSON, ``INSERT OR IGNORE`` one row
   with plain sqlite3 in WAL mode with fieldapp's pragmas, no auth) under the same gunicorn
   settings and drives it with the same single-knock load, replays included. ``ratio`` is
   fieldapp's single-knock rate over the minimal one (always the SQLite baseline, also with
   ``--pg``).

Gunicorn settings: ``--worker-class gthread --threads 1``, one worker per CPU by default, for
both apps (``--workers``/``--threads``/``--worker-class`` change them for both). One thread:
SQLite takes one writer at a time, so more threads only queue on its lock and on the GIL.
gthread, not sync: sync workers close every connection and (gunicorn 27) wait for the client
to close its end, which with a Python load generator on the same cores measures the generator.
gthread keeps connections alive; a request that meets a dropped connection is sent again
(safe: knocks are idempotent by client_uuid) and counted in ``reconnect_retries``.

Exit status: 1 when a request failed, a status was unexpected or rows are wrong; the speed
targets (ratio >= 0.7, p99 < 100 ms, batch >= 10,000 knocks/s) are only reported, unless
``--strict``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # gunicorn and flask live next to the venv's python
EASTERN = dt.timezone(dt.timedelta(hours=-4))
OUTCOMES = ["not_home"] * 5 + ["contact", "contact", "refused", "come_back", "lit_drop"]
BATCH = 500
TARGETS = {"ratio": 0.70, "p99_ms": 100.0, "batch_knocks_per_second": 10_000}


def log(message: str) -> None:
    """Progress on stderr; stdout carries only the JSON."""
    print(f"[knock_load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- the baseline app
# Loaded by gunicorn as `knock_load:minimal_app()` (with --chdir benchmarks); imports stay light.

MINIMAL_SCHEMA = """CREATE TABLE IF NOT EXISTS knock (
    id INTEGER PRIMARY KEY, client_uuid TEXT NOT NULL UNIQUE, household_id INTEGER NOT NULL,
    outcome TEXT NOT NULL, knocked_at TEXT NOT NULL, body TEXT NOT NULL)"""


def minimal_connect(path: str):
    """A sqlite3 connection with fieldapp's pragmas (fieldapp/database.py), autocommit mode."""
    import sqlite3

    connection = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    for pragma in (
        "busy_timeout=15000",
        "foreign_keys=ON",
        "journal_mode=WAL",
        "synchronous=NORMAL",
    ):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(MINIMAL_SCHEMA)
    return connection


def minimal_app():
    """POST /knocks: parse the JSON body, insert one row (idempotent on client_uuid), answer."""
    from flask import Flask, jsonify, request

    app = Flask("knock_load_minimal")
    path = os.environ["MINIMAL_DB"]
    local = threading.local()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/knocks")
    def post_knock():
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not body.get("client_uuid"):
            return jsonify(error="invalid"), 422
        if not hasattr(local, "db"):
            local.db = minimal_connect(path)
        cursor = local.db.execute(
            "INSERT OR IGNORE INTO knock (client_uuid, household_id, outcome, knocked_at, body) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                str(body["client_uuid"]),
                int(body.get("household_id") or 0),
                str(body.get("outcome")),
                str(body.get("knocked_at")),
                request.get_data(as_text=True),
            ),
        )
        created = cursor.rowcount == 1
        return (
            jsonify(
                client_uuid=body["client_uuid"],
                id=cursor.lastrowid if created else None,
                status="created" if created else "duplicate",
            ),
            201 if created else 200,
        )

    return app


# --------------------------------------------------------------------------- databases


class Database:
    """A fresh database for one run: SQLite file, PostgreSQL database, or PostgreSQL schema."""

    def __init__(self, workdir: Path, pg_url: str | None) -> None:
        self.kind = "postgresql" if pg_url else "sqlite"
        self.dropped_by: str | None = None
        self._admin_url = pg_url
        self._name = f"fieldapp_bench_{secrets.token_hex(4)}"
        if not pg_url:
            self.url = f"sqlite:///{workdir / 'fieldapp.sqlite3'}"
            return
        import sqlalchemy as sa

        base = sa.engine.make_url(pg_url)
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE DATABASE "{self._name}"'))
            self.url = base.set(database=self._name).render_as_string(hide_password=False)
            self.dropped_by = "database"
        except sa.exc.ProgrammingError as error:
            log(f"cannot create a database ({error.orig}); using schema {self._name} instead")
            with admin.connect() as connection:
                connection.execute(sa.text(f'CREATE SCHEMA "{self._name}"'))
            query = dict(base.query) | {"options": f"-csearch_path={self._name}"}
            self.url = base.set(query=query).render_as_string(hide_password=False)
            self.dropped_by = "schema"
        finally:
            admin.dispose()
        log(f"created PostgreSQL {self.dropped_by} {self._name}")

    def engine(self):
        """A small engine on the benchmark database, for seeding and counting rows."""
        import sqlalchemy as sa

        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)

    def drop(self) -> None:
        """Drop what __init__ created (the SQLite file goes with the temporary folder)."""
        if self.dropped_by is None:
            return
        import sqlalchemy as sa

        admin = sa.create_engine(self._admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                if self.dropped_by == "database":
                    connection.execute(
                        sa.text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)')
                    )
                else:
                    connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{self._name}" CASCADE'))
            log(f"dropped PostgreSQL {self.dropped_by} {self._name}")
            self.dropped_by = None
        finally:
            admin.dispose()


def server_env(workdir: Path, database_url: str, secret_key: str) -> dict[str, str]:
    """The environment fieldapp runs with: production settings on the benchmark database."""
    env = dict(os.environ)
    env.update(
        FIELDAPP_CONFIG="production",
        SECRET_KEY=secret_key,
        DATABASE_URL=database_url,
        FIELDAPP_INSTANCE_PATH=str(workdir / "instance"),
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass
class Volunteer:
    """One simulated canvasser: a token and the doors of their turf."""

    token: str
    doors: list[tuple[int, int, float, float]]  # household id, voter id, lat, lon


@dataclass
class World:
    """What the load generator needs from the seeded database."""

    volunteers: list[Volunteer]
    question: int
    choices: list[int]


def seed(env: dict[str, str], volunteers: int, doors_per_turf: int) -> World:
    """Chapter, race, script, turfs, volunteers, tokens: through fieldapp's models and services."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        sys.path.insert(0, str(ROOT))
        from fieldapp import create_app
        from fieldapp.auth import services
        from fieldapp.auth.models import User
        from fieldapp.extensions import db
        from fieldapp.races.models import Organization, Race, SurveyChoice, SurveyQuestion
        from fieldapp.turf.models import Assignment, Turf
        from fieldapp.voters.models import Household, Voter

        app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
    finally:
        os.environ.clear()
        os.environ.update(saved)
    with app.app_context():
        session = db.session
        org = Organization(slug="bench-wfp", name="Benchmark chapter")
        session.add(org)
        session.flush()
        lat, lon = 40.68, -73.45
        race = Race(
            organization_id=org.id,
            name="Benchmark race",
            office="Assembly",
            election_date=dt.date(2017, 11, 7),
            centre_lat=lat,
            centre_lon=lon,
            door_goal=volunteers * doors_per_turf,
            district={
                "type": "Polygon",
                "coordinates": [
                    [
                        [lon - 0.1, lat - 0.1],
                        [lon + 0.1, lat - 0.1],
                        [lon + 0.1, lat + 0.1],
                        [lon - 0.1, lat + 0.1],
                        [lon - 0.1, lat - 0.1],
                    ]
                ],
            },
        )
        session.add(race)
        session.flush()
        question = SurveyQuestion(race=race, key="support", text="Support?", position=0)
        question.choices = [
            SurveyChoice(position=i, value=str(i), label=str(i)) for i in range(1, 6)
        ]
        session.add(question)
        session.flush()
        people = []
        for v in range(volunteers):
            # A plain User row: create_user's password hashing (scrypt) would only slow the setup.
            person = User(
                email=f"vol{v}@bench.example.org", name=f"Volunteer {v}", password_hash="!unusable"
            )
            session.add(person)
            session.flush()
            services.set_membership(session, person, org, "volunteer")
            turf = Turf(race_id=race.id, name=f"Turf {v}", door_count=doors_per_turf)
            session.add(turf)
            session.flush()
            doors = []
            for i in range(doors_per_turf):
                line = f"{100 + 2 * i} Bench St {v}"
                door = Household(
                    race_id=race.id,
                    household_key=f"{line.upper()}||11758",
                    building_key=f"{line.upper()}||11758",
                    address_line=line,
                    city="Benchville",
                    state="NY",
                    zip5="11758",
                    street_key=f"BENCH ST {v}",
                    lat=lat - 0.05 + (v % 8) * 0.01 + (i // 20) * 0.0008,
                    lon=lon - 0.05 + (v // 8) * 0.01 + (i % 20) * 0.0002,
                    turf_id=turf.id,
                    walk_seq=i,
                )
                door.voters = [
                    Voter(
                        race_id=race.id,
                        first_name=f"Voter{i}",
                        last_name=f"V{v}",
                        external_id=f"B{v}-{i}",
                    )
                ]
                doors.append(door)
            session.add_all(doors)
            session.add(Assignment(turf_id=turf.id, volunteer_id=person.id))
            session.flush()
            token = services.create_api_token(session, person, "knock_load")
            people.append(Volunteer(token, [(d.id, d.voters[0].id, d.lat, d.lon) for d in doors]))
        session.commit()
        world = World(people, question.id, [c.id for c in question.choices])
        session.remove()
        db.engine.dispose()
    return world


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    """A port nobody listens on right now, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn master on loopback; stopped by its pid (process group) at the end."""

    def __init__(
        self,
        name: str,
        app: str,
        env: dict[str, str],
        workers: int,
        threads: int,
        worker_class: str,
        workdir: Path,
        chdir: Path,
    ) -> None:
        self.name, self.port = name, free_port()
        self.log_path = workdir / f"{name}-gunicorn.log"
        command = [
            str(BIN / "gunicorn"),
            "--worker-class",
            worker_class,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
            # Load the app before forking: every worker is ready when /healthz first answers.
            # Without it the 32 keep-alive connections all went to the worker that finished
            # importing fieldapp first, and the other sat idle (ss -tnp: 32/0).
            "--preload",
            app,
        ]
        log(f"starting {name}: {' '.join(command[1:])}")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (open until stop())
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_ready()

    def _wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz within {seconds:.0f} s")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (Linux /proc; 0 elsewhere)."""
        total, tick = 0.0, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        for entry in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = entry.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(entry.parent.name), int(fields[1])
            if self.process.pid in (pid, ppid):
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        """SIGTERM the master (it stops its workers), SIGKILL the group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log.close()


# --------------------------------------------------------------------------- load generator


class Client:
    """A persistent HTTP/1.1 connection; sync workers close it after each answer and
    http.client reopens it. A request that fails on a dropped connection is sent once more:
    knocks are idempotent by client_uuid, so a second delivery is safe."""

    # Phones and proxies do not hold one connection forever. Reopening now and then also lets
    # gunicorn spread the volunteers over its workers: a gthread worker keeps every connection
    # it accepted, and one kept for the whole run pinned 31 of 32 volunteers to one worker.
    requests_per_connection = 50

    def __init__(self, port: int, token: str | None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.sent = 0
        self.headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"
        self.retries = 0

    def post(self, path: str, body: bytes) -> tuple[int, bytes, float, bool]:
        """Status, body, seconds (of the successful attempt), and whether it was a retry."""
        self.sent += 1
        if self.requests_per_connection and self.sent % self.requests_per_connection == 0:
            self.connection.close()  # http.client opens a new one for this request
        for attempt in (0, 1):
            started = time.perf_counter()
            try:
                self.connection.request("POST", path, body, self.headers)
                response = self.connection.getresponse()
                data = response.read()
                return response.status, data, time.perf_counter() - started, attempt == 1
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                if attempt:
                    raise
                self.retries += 1
        raise AssertionError("unreachable")


@dataclass
class Tally:
    """One thread's results for one phase (merged after the threads join)."""

    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    created: int = 0
    replayed: int = 0
    knocks: int = 0
    errors: list[str] = field(default_factory=list)

    def error(self, message: str) -> None:
        self.errors.append(message[:300])


class Canvasser:
    """A volunteer's state across phases: the knocks the server accepted, for replays."""

    def __init__(
        self,
        index: int,
        volunteer: Volunteer | None,
        world: World,
        port: int,
        created: set[str],
        seed_: int,
    ) -> None:
        self.index, self.world = index, world
        self.doors = volunteer.doors if volunteer else [(h, 0, 40.68, -73.45) for h in range(1, 51)]
        self.client = Client(port, volunteer.token if volunteer else None)
        self.rng = random.Random(seed_)
        self.sent: list[bytes] = []  # bodies that came back 201, replayed later
        self.created = created  # client_uuids the server stored (this canvasser's share)
        self.step = 0
        self.first_batch: bytes | None = None

    def knock(self) -> dict:
        """The next door of the walk; contacts carry the voter and a survey answer."""
        household, voter, lat, lon = self.doors[self.step % len(self.doors)]
        self.step += 1
        outcome = self.rng.choice(OUTCOMES)
        payload = {
            "client_uuid": str(uuid.uuid4()),
            "household_id": household,
            "outcome": outcome,
            "knocked_at": dt.datetime.now(EASTERN).isoformat(timespec="seconds"),
            "location": {
                "lat": lat + self.rng.uniform(-2e-4, 2e-4),
                "lon": lon + self.rng.uniform(-2e-4, 2e-4),
                "accuracy_m": 12.0,
            },
        }
        if outcome == "contact":
            payload["voter_id"] = voter
            payload["answers"] = {str(self.world.question): self.rng.choice(self.world.choices)}
        return payload


def single_loop(
    who: Canvasser, path: str, deadline: float, budget, replay_share: float, tally: Tally
) -> None:
    """POST knocks one at a time until the deadline or the shared request budget runs out."""
    while time.monotonic() < deadline and next(budget, None) is not None:
        replay = bool(who.sent) and who.rng.random() < replay_share
        if replay:
            body = who.rng.choice(who.sent)
            uid = None
        else:
            payload = who.knock()
            body, uid = json.dumps(payload).encode(), payload["client_uuid"]
        try:
            status, data, seconds, retried = who.client.post(path, body)
        except (OSError, http.client.HTTPException) as error:
            tally.error(f"volunteer {who.index}: {type(error).__name__}: {error}")
            continue
        tally.requests += 1
        tally.latencies.append(seconds)
        expected = {200} if replay else ({201, 200} if retried else {201})
        if status not in expected:
            tally.error(
                f"volunteer {who.index}: HTTP {status} (expected {sorted(expected)}): "
                f"{data[:200]!r}"
            )
            continue
        if replay:
            tally.replayed += 1
        else:
            tally.created += 1
            who.sent.append(body)
            who.created.add(uid)


def batch_loop(who: Canvasser, deadline: float, budget, tally: Tally) -> None:
    """POST 500-knock outboxes until the deadline or the shared batch budget runs out."""
    while time.monotonic() < deadline and next(budget, None) is not None:
        payloads = [who.knock() for _ in range(BATCH)]
        body = json.dumps({"knocks": payloads}).encode()
        try:
            status, data, seconds, retried = who.client.post("/api/v1/knocks/batch", body)
        except (OSError, http.client.HTTPException) as error:
            tally.error(f"volunteer {who.index} batch: {type(error).__name__}: {error}")
            continue
        tally.requests += 1
        tally.latencies.append(seconds)
        if status != 200:
            tally.error(f"volunteer {who.index} batch: HTTP {status}: {data[:200]!r}")
            continue
        results = json.loads(data)["results"]
        accepted = {"created", "duplicate"} if retried else {"created"}
        for payload, result in zip(payloads, results):
            if result["status"] in accepted and result["client_uuid"] == payload["client_uuid"]:
                who.created.add(payload["client_uuid"])
                tally.knocks += 1
            else:
                tally.error(f"volunteer {who.index} batch item: {json.dumps(result)[:200]}")
        if len(results) != len(payloads):
            tally.error(f"volunteer {who.index} batch: {len(results)} results for {len(payloads)}")
        if who.first_batch is None:
            who.first_batch = body


def run_threads(canvassers: list[Canvasser], target, *args) -> tuple[Tally, float]:
    """One thread per canvasser; returns the merged tally and the wall time until the last ended."""
    tallies = [Tally() for _ in canvassers]

    def guarded(canvasser: Canvasser, tally: Tally) -> None:
        try:
            target(canvasser, *args, tally)
        except Exception as error:  # noqa: BLE001 (a bug must show as an error, not a dead thread)
            tally.error(f"volunteer {canvasser.index}: {type(error).__name__}: {error}")

    threads = [
        threading.Thread(target=guarded, args=(c, t), daemon=True)
        for c, t in zip(canvassers, tallies)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    merged = Tally()
    for tally in tallies:
        merged.latencies += tally.latencies
        merged.errors += tally.errors
        for name in ("requests", "created", "replayed", "knocks"):
            setattr(merged, name, getattr(merged, name) + getattr(tally, name))
    return merged, elapsed


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile, in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))], 2)


class CpuMeter:
    """CPU used by the server's processes and by this load generator over a phase."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.started = (server.cpu_seconds(), time.process_time())

    def report(self, count: int, elapsed: float, unit: str = "request") -> dict:
        """Server CPU milliseconds per request (or per knock), and cores used on average."""
        server = self.server.cpu_seconds() - self.started[0]
        client = time.process_time() - self.started[1]
        return {
            f"server_cpu_ms_per_{unit}": round(1000 * server / max(count, 1), 3),
            "server_cpu_cores": round(server / elapsed, 2),
            "loadgen_cpu_cores": round(client / elapsed, 2),
        }


def single_phase(
    canvassers: list[Canvasser],
    server: Server,
    path: str,
    warmup: float,
    seconds: float,
    max_requests: int,
    replay_share: float,
) -> tuple[dict, list[str]]:
    """Warm up (not measured, rows still counted), then measure single-knock POSTs."""
    os.sync()  # start each measurement without the previous phase's dirty pages being written out
    log(f"  warm-up {warmup:.0f} s")
    warm, _ = run_threads(
        canvassers,
        single_loop,
        path,
        time.monotonic() + warmup,
        iter(range(max_requests)),
        replay_share,
    )
    log(
        f"  single knocks: {len(canvassers)} volunteers, {seconds:.0f} s or {max_requests} requests"
    )
    meter = CpuMeter(server)
    tally, elapsed = run_threads(
        canvassers,
        single_loop,
        path,
        time.monotonic() + seconds,
        iter(range(max_requests)),
        replay_share,
    )
    result = {
        "requests": tally.requests,
        "created": tally.created,
        "replayed": tally.replayed,
        "seconds": round(elapsed, 2),
        "per_second": round(tally.requests / elapsed, 1),
        "p50_ms": percentile(tally.latencies, 0.50),
        "p95_ms": percentile(tally.latencies, 0.95),
        "p99_ms": percentile(tally.latencies, 0.99),
        "max_ms": percentile(tally.latencies, 1.0),
        "warmup_requests": warm.requests,
    } | meter.report(tally.requests, elapsed)
    log(
        f"  {result['per_second']}/s p50 {result['p50_ms']} ms p99 {result['p99_ms']} ms, "
        f"{len(warm.errors) + len(tally.errors)} errors"
    )
    return result, warm.errors + tally.errors


# --------------------------------------------------------------------------- checks


def count_rows(engine) -> int:
    import sqlalchemy as sa

    with engine.connect() as connection:
        return connection.scalar(sa.text("SELECT count(*) FROM door_knock"))


def check_rows(engine, expected: set[str]) -> dict:
    """Compare door_knock with the knocks the server acknowledged."""
    import sqlalchemy as sa

    with engine.connect() as connection:
        stored = [
            row[0] for row in connection.execute(sa.text("SELECT client_uuid FROM door_knock"))
        ]
        doors_total = connection.scalar(
            sa.text("SELECT coalesce(sum(knock_count), 0) FROM household")
        )
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


# --------------------------------------------------------------------------- the run


def run_fieldapp(args, workdir: Path, database: Database) -> tuple[dict, dict, list[str]]:
    """Migrate, seed, serve and load fieldapp; returns its figures, the row check and errors."""
    env = server_env(workdir, database.url, secrets.token_hex(32))
    log(f"migrating {database.kind} database")
    subprocess.run(
        [str(BIN / "flask"), "--app", "fieldapp", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    world = seed(env, args.volunteers, args.doors_per_turf)
    log(f"seeded {args.volunteers} volunteers x {args.doors_per_turf} doors")
    created: list[set[str]] = [set() for _ in world.volunteers]
    engine = database.engine()
    server = Server(
        "fieldapp", args.app, env, args.workers, args.threads, args.worker_class, workdir, ROOT
    )
    errors: list[str] = []
    try:
        canvassers = [
            Canvasser(i, v, world, server.port, created[i], args.seed + i)
            for i, v in enumerate(world.volunteers)
        ]
        log("fieldapp")
        single, single_errors = single_phase(
            canvassers,
            server,
            "/api/v1/knocks",
            args.warmup,
            args.single_seconds,
            args.max_requests,
            args.replay_share,
        )
        errors += single_errors
        rows_after_single = count_rows(engine)
        single["rows_after"] = rows_after_single
        single["rows_match"] = rows_after_single == sum(map(len, created))

        log(
            f"  batch warm-up, then batch sync: {BATCH} knocks a batch, {args.batch_seconds:.0f} s "
            f"or {args.max_batches} batches"
        )
        warm, _ = run_threads(
            canvassers[: args.workers], batch_loop, time.monotonic() + 60, iter(range(args.workers))
        )
        errors += warm.errors
        os.sync()
        meter = CpuMeter(server)
        tally, elapsed = run_threads(
            canvassers,
            batch_loop,
            time.monotonic() + args.batch_seconds,
            iter(range(args.max_batches)),
        )
        errors += tally.errors
        batch = {
            "batches": tally.requests,
            "knocks": tally.knocks,
            "seconds": round(elapsed, 2),
            "knocks_per_second": round(tally.knocks / elapsed, 1),
            "batch_p50_ms": percentile(tally.latencies, 0.5),
            "batch_p99_ms": percentile(tally.latencies, 0.99),
        }
        batch |= meter.report(tally.knocks, elapsed, "knock")
        log(f"  {batch['knocks_per_second']} knocks/s in {batch['batches']} batches")

        before = count_rows(engine)
        replay = {"knocks": 0, "duplicate": 0, "rows_before": before}
        first = next(c for c in canvassers if c.first_batch)
        status, data, _, _ = first.client.post("/api/v1/knocks/batch", first.first_batch)
        if status != 200:
            errors.append(f"batch replay: HTTP {status}: {data[:200]!r}")
        else:
            statuses = [r["status"] for r in json.loads(data)["results"]]
            replay.update(knocks=len(statuses), duplicate=statuses.count("duplicate"))
            if replay["duplicate"] != BATCH:
                errors.append(f"batch replay: {replay['duplicate']} of {len(statuses)} duplicate")
        replay["rows_after"] = count_rows(engine)
        replay["rows_unchanged"] = replay["rows_after"] == before
        log(
            f"  batch replay: {replay['duplicate']}/{replay['knocks']} duplicate, rows "
            f"{before} -> {replay['rows_after']}"
        )
        retries = sum(c.client.retries for c in canvassers)
    finally:
        server.stop()
    rows = check_rows(engine, set().union(*created))
    engine.dispose()
    figures = {
        "single": single,
        "batch": batch,
        "batch_replay": replay,
        "reconnect_retries": retries,
    }
    return figures, rows, errors


def run_minimal(args, workdir: Path) -> tuple[dict, list[str]]:
    """The same single-knock load against minimal_app on its own SQLite file."""
    env = dict(os.environ, MINIMAL_DB=str(workdir / "minimal.sqlite3"), PYTHONUNBUFFERED="1")
    minimal_connect(env["MINIMAL_DB"]).close()  # create the table before the workers race to
    world = World([], 1, [1, 2, 3, 4, 5])
    created: set[str] = set()
    server = Server(
        "minimal",
        "knock_load:minimal_app()",
        env,
        args.workers,
        args.threads,
        args.worker_class,
        workdir,
        Path(__file__).resolve().parent,
    )
    try:
        canvassers = [
            Canvasser(i, None, world, server.port, created, args.seed + 1000 + i)
            for i in range(args.volunteers)
        ]
        for c in canvassers:
            c.doors = [(c.index * 100 + h, 0, 40.68, -73.45) for h in range(args.doors_per_turf)]
        log("minimal Flask + sqlite3 endpoint")
        single, errors = single_phase(
            canvassers,
            server,
            "/knocks",
            args.warmup,
            args.single_seconds,
            args.max_requests,
            args.replay_share,
        )
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", metavar="URL", help="PostgreSQL server URL (a fresh database is made)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="short run (about 25 s), for make bench"
    )
    parser.add_argument("--volunteers", type=int, default=32)
    parser.add_argument("--doors-per-turf", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument(
        "--app",
        default="fieldapp:create_app()",
        help="gunicorn app for fieldapp, to measure a variant (module on PYTHONPATH)",
    )
    parser.add_argument("--warmup", type=float, help="seconds of unmeasured single knocks")
    parser.add_argument("--single-seconds", type=float)
    parser.add_argument("--batch-seconds", type=float)
    parser.add_argument("--max-requests", type=int, default=200_000, help="single knocks per phase")
    parser.add_argument("--max-batches", type=int, default=2_000)
    parser.add_argument("--replay-share", type=float, default=0.10)
    parser.add_argument("--requests-per-connection", type=int, default=50,
                        help="a volunteer reopens its connection after this many requests (0: never)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a speed target is missed"
    )
    args = parser.parse_args()
    Client.requests_per_connection = args.requests_per_connection
    quick = {"warmup": 1.0, "single_seconds": 4.0, "batch_seconds": 4.0}
    full = {"warmup": 3.0, "single_seconds": 20.0, "batch_seconds": 15.0}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="knock_load_"))
    database = None
    try:
        database = Database(workdir, args.pg)
        fieldapp, rows, errors = run_fieldapp(args, workdir, database)
        minimal, minimal_errors = run_minimal(args, workdir)
    finally:
        if database is not None:
            database.drop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    ratio = round(fieldapp["single"]["per_second"] / minimal["per_second"], 3)
    rows_ok = (
        rows["lost"] == 0
        and rows["unexpected"] == 0
        and rows["duplicated"] == 0
        and rows["in_database"] == rows["expected"] == rows["door_knock_count_sum"]
        and fieldapp["single"]["rows_match"]
        and fieldapp["batch_replay"]["rows_unchanged"]
    )
    targets = {
        "ratio_at_least_0.7": ratio >= TARGETS["ratio"],
        "p99_under_100ms": (fieldapp["single"]["p99_ms"] or 1e9) < TARGETS["p99_ms"],
        "batch_at_least_10000_per_s": fieldapp["batch"]["knocks_per_second"]
        >= TARGETS["batch_knocks_per_second"],
        "zero_errors": not errors and not minimal_errors,
        "rows_exact": rows_ok,
    }
    report = {
        "benchmark": "knock_load",
        "database": database.kind,
        "quick": args.quick,
        "settings": {
            "cpus": os.cpu_count(),
            "app": args.app,
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            "worker_class": args.worker_class,
            "volunteers": args.volunteers,
            "doors_per_turf": args.doors_per_turf,
            "warmup_s": args.warmup,
            "single_s": args.single_seconds,
            "batch_s": args.batch_seconds,
            "batch_size": BATCH,
            "replay_share": args.replay_share,
            "requests_per_connection": args.requests_per_connection,
        },
        "fieldapp": fieldapp,
        "minimal": minimal,
        "ratio": ratio,
        "errors": len(errors) + len(minimal_errors),
        "error_samples": (errors + minimal_errors)[:10],
        "rows": rows,
        "targets": targets,
        "seconds_total": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=1))
    correct = targets["zero_errors"] and targets["rows_exact"]
    return 0 if correct and (not args.strict or all(targets.values())) else 1


if __name__ == "__main__":
    sys.exit(main())
