"""Chaos test of "nothing logged in the field is ever lost": many phones' outboxes against
gunicorn (the README's production command) while turfs move, a proxy fails requests and a
worker is killed; prints JSON.

    python benchmarks/field_chaos.py [--quick] [--database postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                     [--phones 2000] [--knocks-per-phone 50] [--workers 2]

All on 127.0.0.1. Steps:
1. A fresh database (SQLite file, or a new PostgreSQL database on --database's server),
   migrated with `flask db upgrade`, seeded by benchmarks/knockload (one turf of doors and an
   API token per phone); every door's turf span is opened through set_door_turf.
2. gunicorn as the README starts it (`-c python:fieldapp.gunicorn_conf -w N`), FIELDAPP_CONFIG
   =production, and in front of it a small HTTP proxy that answers 503 without forwarding
   (--fail-before) or forwards and then answers 502, the knock stored but its answer lost
   (--fail-after).
3. Phones (a pool of threads, each phone's sync in order) behave as static/js/phone/outbox.js:
   knocks are queued with a client_uuid; batches (at most --batch) are posted; a batch that
   fails as a whole is bisected, an item failing alone SET_ASIDE_AFTER times (with the server
   answering) is set aside; invalid/conflict items are set aside; set-aside items are sent to
   POST /api/v1/knocks/review. Phones go offline for random rounds; a burst group (10 %) stays
   offline until it holds --burst-queue knocks and then all reconnect in the same round; some
   phones resend a batch already answered (duplicates) and log bad items (a NUL in a note, a
   household id of 2^31, a door of another phone's turf) now and then.
4. Meanwhile a chaos thread re-cuts (moves doors between turfs, set_door_turf), takes back a
   turf's doors and gives them back, and kill -9s a gunicorn worker (the master starts another).
5. At the end every phone syncs until nothing is queued or set aside (bounded rounds), and the
   database is checked: each knock a phone created must be in door_knock exactly once or in
   held_knock exactly once (not both). JSON: created, duplicates_answered, held, lost,
   duplicated, left_on_phones, and the chaos done. Exit 1 unless lost == duplicated == 0.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import os
import random
import secrets
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knockload.common import BIN, ROOT, log, wait_for_listen
from knockload.database import Database, migrate, seed, server_env

SET_ASIDE_AFTER = 3
STORED = {"created", "duplicate", "held"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FaultyProxy(socketserver.ThreadingTCPServer):
    """HTTP/1.1 proxy (one request per connection) that fails some requests on purpose."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream: int, fail_before: float, fail_after: float, seed_: int) -> None:
        self.upstream, self.fail_before, self.fail_after = upstream, fail_before, fail_after
        self.random = random.Random(seed_)
        self.lock = threading.Lock()
        self.injected = {"503_before": 0, "502_after": 0}
        self.port = free_port()
        super().__init__(("127.0.0.1", self.port), ProxyHandler)

    def roll(self) -> str | None:
        with self.lock:
            r = self.random.random()
            if r < self.fail_before:
                self.injected["503_before"] += 1
                return "before"
            if r < self.fail_before + self.fail_after:
                self.injected["502_after"] += 1
                return "after"
        return None


class ProxyHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        line = self.rfile.readline(65537).decode("latin-1").split()
        if len(line) < 2:
            return
        method, path = line[0], line[1]
        headers = {}
        while True:
            h = self.rfile.readline(65537).decode("latin-1")
            if h in ("\r\n", "\n", ""):
                break
            k, _, v = h.partition(":")
            headers[k.strip()] = v.strip()
        body = self.rfile.read(int(headers.get("Content-Length", "0") or 0))
        fault = self.server.roll()
        if fault == "before":
            return self.answer(503, b'{"error": {"code": "unavailable"}}')
        try:
            upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream, timeout=60)
            upstream.request(method, path, body=body or None,
                             headers={k: v for k, v in headers.items() if k.lower() != "connection"})
            response = upstream.getresponse()
            data = response.read()
            upstream.close()
        except (OSError, http.client.HTTPException):
            return self.answer(502, b'{"error": {"code": "bad_gateway"}}')
        if fault == "after":
            return self.answer(502, b'{"error": {"code": "bad_gateway"}}')
        self.answer(response.status, data)

    def answer(self, status: int, data: bytes) -> None:
        self.wfile.write(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)


class Phone:
    """One phone's outbox, as static/js/phone/outbox.js keeps it."""

    def __init__(self, index: int, token: str, doors: list, rng: random.Random) -> None:
        self.index, self.token, self.doors, self.rng = index, token, doors, rng
        self.others: list = doors   # doors of other phones' turfs (set once all are made)
        self.outbox: list[dict] = []          # {"payload", "failures"}
        self.aside: list[dict] = []           # set aside, not yet stored for review
        self.created: list[str] = []          # every knock this phone logged
        self.answered: list[list] = []        # batches answered 200 (for resends)
        self.stats = {"duplicates_answered": 0, "held": 0, "set_aside": 0, "reviewed": 0,
                      "requests": 0, "failed_requests": 0, "bad_items": 0}

    def log_knock(self, bad_rate: float) -> None:
        door = self.rng.choice(self.doors)
        payload = {"client_uuid": str(uuid.uuid4()), "household_id": door[0],
                   "outcome": self.rng.choice(["not_home", "not_home", "refused", "contact"]),
                   "knocked_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        if self.rng.random() < bad_rate:
            self.stats["bad_items"] += 1
            kind = self.rng.random()
            if kind < 1 / 3:
                payload["note"] = "bad\x00note"
            elif kind < 2 / 3:
                payload["household_id"] = 2 ** 31
            else:   # a door of someone else's turf: the server holds it for review
                payload["household_id"] = self.rng.choice(self.others)[0]
        self.created.append(payload["client_uuid"])
        self.outbox.append({"payload": payload, "failures": 0})

    def post(self, port: int, path: str, body: dict) -> tuple[int, dict]:
        self.stats["requests"] += 1
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("POST", path, body=json.dumps(body),
                      headers={"Content-Type": "application/json",
                               "Authorization": f"Bearer {self.token}"})
            r = c.getresponse()
            data = r.read()
            c.close()
        except (OSError, http.client.HTTPException):
            self.stats["failed_requests"] += 1
            return 0, {}
        try:
            parsed = json.loads(data or b"{}")
        except ValueError:
            parsed = {}
        if r.status >= 500:
            self.stats["failed_requests"] += 1
        return r.status, parsed if isinstance(parsed, dict) else {}

    def sync(self, port: int, batch: int, resend_rate: float) -> None:
        """One round: as outbox.js sync(), then send what is set aside for review."""
        if self.answered and self.rng.random() < resend_rate:
            again = self.rng.choice(self.answered)   # an answer lost in the past: sent again
            status, data = self.post(port, "/api/v1/knocks/batch", {"knocks": again})
            for r in data.get("results", []) if status == 200 else []:
                self.stats["duplicates_answered"] += r.get("status") == "duplicate"
        round_ = {"failures": 0, "alive": False}
        items = list(self.outbox)
        try:
            for start in range(0, len(items), batch):
                self.send(port, items[start:start + batch], round_)
        except RuntimeError:
            pass  # the server seems down: try again next round
        for entry in list(self.aside):
            status, data = self.post(port, "/api/v1/knocks/review", {
                "client_uuid": entry["payload"].get("client_uuid"), "payload": entry["payload"],
                "reason": entry["reason"][:500]})
            if status in (200, 201) and data.get("status") == "held":
                self.aside.remove(entry)
                self.stats["reviewed"] += 1

    def send(self, port: int, items: list[dict], round_: dict) -> None:
        if not items:
            return
        status, data = self.post(port, "/api/v1/knocks/batch",
                                 {"knocks": [i["payload"] for i in items]})
        results = data.get("results")
        if status == 200 and isinstance(results, list) and len(results) == len(items):
            round_["alive"] = True
            self.answered.append([i["payload"] for i in items])
            for item, verdict in zip(items, results):
                s = verdict.get("status")
                self.outbox.remove(item)
                if s == "duplicate":
                    self.stats["duplicates_answered"] += 1
                elif s == "held":
                    self.stats["held"] += 1
                elif s not in STORED:
                    self.set_aside(item, f"{s}: {verdict.get('errors', {})}")
            return
        if 0 < status < 500 and status != 413:
            raise RuntimeError(status)   # 401/422 of the whole body: not an item's doing
        round_["failures"] += 1
        if round_["failures"] > 16:
            raise RuntimeError(status)
        if len(items) > 1:
            half = (len(items) + 1) // 2
            self.send(port, items[:half], round_)
            self.send(port, items[half:], round_)
            return
        if not round_["alive"]:
            probe, _ = self.post(port, "/api/v1/knocks/batch", {"knocks": []})
            if not 0 < probe < 500:
                raise RuntimeError(status)
            round_["alive"] = True
        items[0]["failures"] += 1
        if items[0]["failures"] >= SET_ASIDE_AFTER:
            self.outbox.remove(items[0])
            self.set_aside(items[0], f"failed {SET_ASIDE_AFTER} times (error {status})")

    def set_aside(self, item: dict, reason: str) -> None:
        self.stats["set_aside"] += 1
        self.aside.append({"payload": item["payload"], "reason": reason})


def open_spans(url: str) -> None:
    """Seeded doors were written with their turf directly: open their turf spans."""
    import sqlalchemy as sa

    from fieldapp.turf.membership import set_door_turf

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        rows = connection.execute(sa.text("SELECT id, turf_id FROM household")).all()
        by_turf: dict = {}
        for door, turf in rows:
            by_turf.setdefault(turf, []).append(door)
        past = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        for turf, doors in by_turf.items():
            set_door_turf(connection, doors, turf, at=past)
    engine.dispose()


class Chaos(threading.Thread):
    """Re-cuts, take-backs and a kill -9 of a worker, every few seconds until stopped."""

    def __init__(self, url: str, master: subprocess.Popen, every: float, seed_: int) -> None:
        super().__init__(daemon=True)
        self.url, self.master, self.every = url, master, every
        self.rng = random.Random(seed_)
        self.stop = threading.Event()
        self.done = {"recuts": 0, "takebacks": 0, "workers_killed": 0, "errors": 0}

    def run(self) -> None:
        import sqlalchemy as sa

        from fieldapp.turf.membership import set_door_turf

        engine = sa.create_engine(self.url)
        step = 0
        while not self.stop.wait(self.every) and step < 10_000:
            step += 1
            try:
                with engine.begin() as connection:
                    turfs = [t for (t,) in connection.execute(sa.text("SELECT id FROM turf"))]
                    a, b = self.rng.sample(turfs, 2)
                    doors = [d for (d,) in connection.execute(
                        sa.text("SELECT id FROM household WHERE turf_id = :t"), {"t": a})]
                    moved = doors[: max(1, len(doors) // 2)]
                    if step % 2:   # re-cut: half of one turf's doors go to another turf
                        set_door_turf(connection, moved, b)
                        self.done["recuts"] += 1
                    else:          # take back (no turf), then give back to their own
                        set_door_turf(connection, moved, None)
                        set_door_turf(connection, moved, a)
                        self.done["takebacks"] += 1
            except Exception as error:  # noqa: BLE001 (the run goes on; counted)
                log(f"chaos step failed: {error}")
                self.done["errors"] += 1
            if step % 4 == 0:
                self.kill_worker()
        engine.dispose()

    def kill_worker(self) -> None:
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.master.pid)],
                                  capture_output=True, text=True).stdout.split()
        if children:
            os.kill(int(self.rng.choice(children)), signal.SIGKILL)
            self.done["workers_killed"] += 1


def check(url: str, phones: list[Phone]) -> dict:
    """Each created knock: in door_knock once, or in held_knock once, never both."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        knocks: dict = {}
        for (u,) in connection.execute(sa.text("SELECT client_uuid FROM door_knock")):
            knocks[u] = knocks.get(u, 0) + 1
        held: dict = {}
        for (u,) in connection.execute(sa.text("SELECT client_uuid FROM held_knock")):
            held[u] = held.get(u, 0) + 1
    engine.dispose()
    created = [u for p in phones for u in p.created]
    lost = sum(1 for u in created if u not in knocks and u not in held)
    duplicated = sum(1 for u in created if knocks.get(u, 0) + held.get(u, 0) > 1)
    return {"created": len(created), "stored_as_knocks": sum(1 for u in created if u in knocks),
            "stored_as_held": sum(1 for u in created if u in held and u not in knocks),
            "lost": lost, "duplicated": duplicated}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--quick", action="store_true", help="small numbers, for the test suite")
    parser.add_argument("--phones", type=int, default=2000)
    parser.add_argument("--knocks-per-phone", type=int, default=50)
    parser.add_argument("--doors-per-turf", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--burst-share", type=float, default=0.10)
    parser.add_argument("--burst-queue", type=int, default=30)
    parser.add_argument("--offline-rate", type=float, default=0.3)
    parser.add_argument("--resend-rate", type=float, default=0.05)
    parser.add_argument("--bad-rate", type=float, default=0.002)
    parser.add_argument("--fail-before", type=float, default=0.02)
    parser.add_argument("--fail-after", type=float, default=0.02)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32, help="phones syncing at once")
    parser.add_argument("--chaos-every", type=float, default=1.0)
    parser.add_argument("--round-pause", type=float, default=0.0,
                        help="seconds between rounds (so short runs still meet the chaos)")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if args.quick:
        args.phones, args.knocks_per_phone, args.rounds = 40, 40, 6
        args.threads, args.chaos_every, args.round_pause = 8, 0.3, 1.0
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="field_chaos_"))
    database = Database(workdir, args.database, label="chaos")
    gunicorn = proxy = chaos = None
    try:
        env = server_env(workdir, database.url, secrets.token_hex(32))
        migrate(env)
        world = seed(env, args.phones, args.doors_per_turf)
        os.environ.update({k: env[k] for k in ("FIELDAPP_INSTANCE_PATH",)})
        open_spans(database.url)
        port = free_port()
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "python:fieldapp.gunicorn_conf", "-w", str(args.workers),
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "fieldapp:create_app()"],
            cwd=ROOT, env=env, stdout=open(workdir / "gunicorn.log", "wb"),  # noqa: SIM115 (gunicorn keeps it)
            stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_listen(port, gunicorn, workdir / "gunicorn.log")
        proxy = FaultyProxy(port, args.fail_before, args.fail_after, args.seed)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        rng = random.Random(args.seed)
        phones = [Phone(i, v.token, v.doors, random.Random(rng.random()))
                  for i, v in enumerate(world.volunteers)]
        for phone in phones:
            phone.others = phones[(phone.index + 1) % len(phones)].doors
        burst = set(rng.sample(range(len(phones)), max(1, int(len(phones) * args.burst_share))))
        per_round = max(1, args.knocks_per_phone // args.rounds)
        chaos = Chaos(database.url, gunicorn, args.chaos_every, args.seed)
        chaos.start()
        burst_round = None
        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            for r in range(args.rounds):
                def turn(phone: Phone) -> None:
                    for _ in range(per_round):
                        phone.log_knock(args.bad_rate)
                    if phone.index in burst:
                        # B023 is wrong here: turn runs within round r (pool.map right after it)
                        if len(phone.outbox) < args.burst_queue and r < args.rounds - 1:  # noqa: B023
                            return   # still out of signal, knocks piling up
                    elif phone.rng.random() < args.offline_rate:
                        return
                    phone.sync(proxy.port, args.batch, args.resend_rate)
                t0 = time.monotonic()
                list(pool.map(turn, phones))
                if burst_round is None and all(not phones[i].outbox for i in burst):
                    burst_round = r
                log(f"round {r + 1}/{args.rounds}: {time.monotonic() - t0:.1f} s")
                time.sleep(args.round_pause)
            chaos.stop.set()
            chaos.join(timeout=30)
            # Back in signal for good: sync until nothing is queued or set aside (bounded).
            for final in range(20):
                waiting = [p for p in phones if p.outbox or p.aside]
                if not waiting:
                    break
                log(f"final sync {final + 1}: {len(waiting)} phones still hold knocks")
                list(pool.map(lambda p: p.sync(proxy.port, args.batch, 0.0), waiting))
        totals = {k: sum(p.stats[k] for p in phones) for k in phones[0].stats}
        result = {
            "database": database.kind, "gunicorn_workers": args.workers,
            "phones": len(phones), "burst_phones": len(burst), "burst_queue": args.burst_queue,
            **check(database.url, phones),
            "duplicates_answered": totals["duplicates_answered"],
            "held_answered": totals["held"], "set_aside_on_phones": totals["set_aside"],
            "sent_for_review": totals["reviewed"],
            "left_on_phones": sum(len(p.outbox) + len(p.aside) for p in phones),
            "bad_items": totals["bad_items"], "requests": totals["requests"],
            "failed_requests": totals["failed_requests"], "injected": proxy.injected,
            "chaos": chaos.done, "seconds": round(time.monotonic() - started, 1),
        }
        print(json.dumps(result, indent=2))
        ok = result["lost"] == 0 and result["duplicated"] == 0 and result["left_on_phones"] == 0
        return 0 if ok else 1
    finally:
        if chaos:
            chaos.stop.set()
        if proxy:
            proxy.shutdown()
        if gunicorn and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        database.drop()


if __name__ == "__main__":
    sys.exit(main())
