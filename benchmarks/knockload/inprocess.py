"""CPU per single knock in-process (Flask's test client), variants alternated; prints JSON.

    python benchmarks/knockload/inprocess.py [--pg URL] [--rounds 5] [--knocks 2000]
                                             [--variant DIR ...] [--no-baseline]

Under gunicorn on two shared cores the throughput of a run swings by a third; the CPU a knock
costs in one process, with the contenders measured in turns in the same minutes, is the steady
figure to choose between two versions of the code with. Each contender runs in a child process
on its own freshly migrated and seeded database (knockload/database.py): fieldapp from each
`--variant` folder (a copy of the repository; default this one) and the fair baseline
(knockload/baseline.py). Per round, every child posts the benchmark's knocks (its outcome mix,
10% replays, round-robin over the volunteers) and reports the CPU it used, and with PostgreSQL
the CPU of the database's server processes, and the wall time (which counts the round trips
to a database server). Best (lowest) of the rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from knockload.common import log  # noqa: E402


def backend_cpu(connection) -> float:
    """CPU seconds of this database's PostgreSQL server processes (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [row[0] for row in connection.exec_driver_sql(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()")]
    connection.rollback()  # pg_stat_activity is read once per transaction
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def child(kind: str, pg: str | None, volunteers: int, knocks: int) -> None:
    """Serve rounds on stdin's command: one JSON line of figures per round on stdout."""
    import random
    import time

    from knockload.database import Database, migrate, seed, server_env
    from knockload.load import Canvasser

    workdir = Path(tempfile.mkdtemp(prefix="knock_inprocess_"))
    database = Database(workdir, pg, label=kind)
    try:
        env = server_env(workdir, database.url, "in-process-" + "0" * 40)
        migrate(env)
        world = seed(env, volunteers, 50)
        os.environ.update(env)
        if kind == "baseline":
            from knockload.baseline import baseline_app

            os.environ["BASELINE_DATABASE_URL"] = database.url
            app, path = baseline_app(), "/knocks"
        else:
            from fieldapp import create_app

            app, path = create_app(), "/api/v1/knocks"
        client = app.test_client()
        canvassers = [Canvasser(i, v, world, 1, set(), 7 + i) for i, v in enumerate(world.volunteers)]
        rng = random.Random(3)
        admin = database.engine().connect() if pg else None
        for line in sys.stdin:
            if line.strip() != "round":
                break
            plan = []
            for n in range(knocks):
                who = canvassers[n % len(canvassers)]
                headers = {"Authorization": f"Bearer {who.client.headers['Authorization'][7:]}",
                           "Content-Type": "application/json"}
                if who.sent and rng.random() < 0.1:
                    plan.append((headers, rng.choice(who.sent), 200))
                else:
                    body = json.dumps(who.knock()).encode()
                    who.sent.append(body)
                    plan.append((headers, body, 201))
            db_before = backend_cpu(admin) if admin else 0.0
            started, clock = time.process_time(), time.perf_counter()
            wrong = 0
            for headers, body, status in plan:
                wrong += client.post(path, data=body, headers=headers).status_code != status
            cpu, wall = time.process_time() - started, time.perf_counter() - clock
            db_cpu = backend_cpu(admin) - db_before if admin else 0.0
            print(json.dumps({"ms": 1000 * cpu / knocks, "db_ms": 1000 * db_cpu / knocks,
                              "wall_ms": 1000 * wall / knocks, "wrong": wrong}), flush=True)
        if admin is not None:
            admin.close()
    finally:
        database.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--knocks", type=int, default=2000, help="knocks per round")
    parser.add_argument("--volunteers", type=int, default=32)
    parser.add_argument("--variant", action="append", type=Path,
                        help="a copy of the repository whose fieldapp to measure (repeatable)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--child", choices=["fieldapp", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.pg, args.volunteers, args.knocks)
    roots = args.variant or [HERE.parents[1]]
    contenders = [(f"fieldapp:{root}", "fieldapp", root.resolve()) for root in roots]
    if not args.no_baseline:
        contenders.append(("baseline", "baseline", HERE.parents[1]))
    children = {}
    for name, kind, root in contenders:
        command = [sys.executable, str(root / "benchmarks/knockload/inprocess.py"), "--child", kind,
                   "--knocks", str(args.knocks), "--volunteers", str(args.volunteers)]
        if args.pg:
            command += ["--pg", args.pg]
        children[name] = subprocess.Popen(command, cwd=root, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True)
    figures: dict[str, list[dict]] = {name: [] for name in children}
    try:
        for number in range(args.rounds + 1):  # the first round warms up, not counted
            for name, process in children.items():
                process.stdin.write("round\n")
                process.stdin.flush()
                result = json.loads(process.stdout.readline())
                if number:
                    figures[name].append(result)
            log(f"round {number}: " + ", ".join(
                f"{name} {f[-1]['ms']:.3f}+{f[-1]['db_ms']:.3f} ms (wall {f[-1]['wall_ms']:.3f})"
                for name, f in figures.items() if f))
    finally:
        for process in children.values():
            process.stdin.close()
            process.wait(60)
    report = {name: {"best_ms": round(min(r["ms"] for r in runs), 3),
                     "best_db_ms": round(min(r["db_ms"] for r in runs), 3),
                     "best_wall_ms": round(min(r["wall_ms"] for r in runs), 3),
                     "rounds_ms": [round(r["ms"], 3) for r in runs],
                     "wrong_statuses": sum(r["wrong"] for r in runs)}
              for name, runs in figures.items()}
    print(json.dumps({"database": "postgresql" if args.pg else "sqlite",
                      "knocks_per_round": args.knocks, "contenders": report}, indent=1))


if __name__ == "__main__":
    main()
