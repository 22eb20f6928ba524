"""The simulated volunteers: single knocks with replays, outbox batches, CPU meters."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

from knockload.common import BATCH, EASTERN, OUTCOMES
from knockload.database import Volunteer, World
from knockload.server import Server


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

    def merge(self, other: Tally) -> None:
        """Add another tally's figures to this one."""
        self.latencies += other.latencies
        self.errors += other.errors
        for name in ("requests", "created", "replayed", "knocks"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


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
        merged.merge(tally)
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
