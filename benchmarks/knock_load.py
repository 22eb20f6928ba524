"""Load-test knock recording under gunicorn against the same knock in bare Flask; prints JSON.

    python benchmarks/knock_load.py [--quick] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]
                                    [--volunteers 32] [--workers N] [--threads 1] [--strict]
                                    [--single-only]

What it does, all on 127.0.0.1 with free ports, logs on stderr, one JSON object on stdout:

1. Creates two fresh databases of one kind, fieldapp's and the baseline's: SQLite files in a
   temporary folder, or with ``--pg URL`` new PostgreSQL databases ``<app>_bench_<random>`` on
   that server (schemas of URL's database when the role may not create databases), migrates
   each with ``flask --app fieldapp db upgrade`` and seeds it through fieldapp's models and
   services: one chapter, one race with a support question, and per volunteer a turf of doors
   (one voter each) assigned to them and an API token. They are dropped (or the folder
   removed) at the end, whatever happens.
2. Serves fieldapp (``gunicorn 'fieldapp:create_app()'``, FIELDAPP_CONFIG=production) and the
   **baseline** (``knockload/baseline.py``: the same single knock written in bare Flask and the
   database driver, sqlite3 or psycopg, on fieldapp's schema: the token by its hash, the door's
   active turf and assignment, every column fieldapp writes with ON CONFLICT DO NOTHING, the
   door's cached status, one commit, JSON) under the same gunicorn settings, and drives them
   from this process: one thread per simulated volunteer, each with its own token, turf and
   persistent ``http.client`` connection.
   - warm-up, then **single knocks**: POST as fast as each volunteer can; about 10% of the
     requests replay a knock the volunteer already sent (same body) and must come back 200.
     The two apps take turns (``--rounds``, the order mirrored every other round), so the
     machine's drifting load weighs on both alike. Rate, p50/p95/p99 latency, server CPU.
     ``ratio`` is fieldapp's single-knock rate over the baseline's.
   - fieldapp's **batch sync**: POST /api/v1/knocks/batch with 500 knocks each; every item must
     come back ``created``. Knocks per second.
   - **replay** one whole batch: all 500 must come back ``duplicate`` and the row count must not
     move.
   - rows, for both apps: the set of ``client_uuid`` in ``door_knock`` must be exactly the set
     that got 201 / ``created`` (nothing lost, nothing extra, no duplicates), and the doors'
     cached knock counts must add up to the rows.
3. For reference, the first rounds' **minimal** endpoint (``knockload/minimal.py``: parse JSON,
   ``INSERT OR IGNORE`` one row with sqlite3, no auth, no checks, always SQLite) under the same
   load: ``minimal`` and ``ratio_to_minimal``.

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
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from knockload.common import BATCH, ROOT, log
from knockload.database import Database
from knockload.load import Canvasser, Client, CpuMeter, batch_loop, percentile, run_threads
from knockload.runs import HERE, Run, count_rows, rows_exact, run_minimal, serve
from knockload.server import Server
from knockload.single import single_knocks

TARGETS = {"ratio": 0.70, "p99_ms": 100.0, "batch_knocks_per_second": 10_000}


def run_apps(args, workdir: Path, databases: list[Database]) -> dict:
    """fieldapp and the baseline, each on its own database: single knocks in turns, then
    fieldapp's batches; every figure, row check and error."""
    runs: list[Run] = []
    try:
        for label, app, chdir, path, seed_ in (
                ("fieldapp", args.app, ROOT, "/api/v1/knocks", args.seed),
                ("baseline", "knockload.baseline:baseline_app()", HERE, "/knocks", args.seed + 500)):
            databases.append(Database(workdir, args.pg, label=label))
            runs.append(serve(args, workdir, databases[-1], label, app, chdir, path, seed_))
        fieldapp, baseline = runs
        single_knocks([fieldapp.contender, baseline.contender], args.warmup, args.single_seconds,
                      args.rounds, args.max_requests, args.replay_share)
        baseline.contender.server.stop()
        engine = fieldapp.database.engine()
        single = fieldapp.contender.result()
        single["rows_after"] = count_rows(engine)
        single["rows_match"] = single["rows_after"] == sum(map(len, fieldapp.created))
        errors = fieldapp.contender.errors + baseline.contender.errors
        batch = replay = None
        if not args.single_only:
            batch, replay = batch_phases(args, fieldapp.contender.canvassers,
                                         fieldapp.contender.server, engine, errors)
        engine.dispose()
        retries = sum(c.client.retries for c in fieldapp.contender.canvassers)
    finally:
        for run in runs:
            run.contender.server.stop()
    rows, baseline_rows = fieldapp.rows(), baseline.rows()
    figures = baseline.contender.result() | {"rows": baseline_rows,
                                             "rows_exact": rows_exact(baseline_rows)}
    if not figures["rows_exact"]:
        errors.append(f"baseline rows: {baseline_rows}")
    return {"fieldapp": {"single": single, "batch": batch, "batch_replay": replay,
                         "reconnect_retries": retries},
            "baseline": figures, "rows": rows, "errors": errors}


def batch_phases(args, canvassers: list[Canvasser], server: Server, engine,
                 errors: list[str]) -> tuple[dict, dict]:
    """Outbox batches for a while, then one batch sent again (all duplicates, no new row)."""
    log(f"  batch warm-up, then batch sync: {BATCH} knocks a batch, {args.batch_seconds:.0f} s "
        f"or {args.max_batches} batches")
    warm, _ = run_threads(canvassers[: args.workers], batch_loop, time.monotonic() + 60,
                          iter(range(args.workers)))
    errors += warm.errors
    os.sync()
    meter = CpuMeter(server)
    tally, elapsed = run_threads(canvassers, batch_loop, time.monotonic() + args.batch_seconds,
                                 iter(range(args.max_batches)))
    errors += tally.errors
    batch = {
        "batches": tally.requests,
        "knocks": tally.knocks,
        "seconds": round(elapsed, 2),
        "knocks_per_second": round(tally.knocks / elapsed, 1),
        "batch_p50_ms": percentile(tally.latencies, 0.5),
        "batch_p99_ms": percentile(tally.latencies, 0.99),
    } | meter.report(tally.knocks, elapsed, "knock")
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
    log(f"  batch replay: {replay['duplicate']}/{replay['knocks']} duplicate, rows "
        f"{before} -> {replay['rows_after']}")
    return batch, replay


def parse_args() -> argparse.Namespace:
    """The command line, with the quick or full phase lengths filled in."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL",
                        help="PostgreSQL server URL (fresh databases are made on it)")
    parser.add_argument("--quick", action="store_true",
                        help="short run (about 40 s), for make bench")
    parser.add_argument("--single-only", action="store_true",
                        help="fieldapp's and the baseline's single knocks only (no batches, no "
                             "minimal endpoint): quicker A/B runs")
    parser.add_argument("--volunteers", type=int, default=32)
    parser.add_argument("--doors-per-turf", type=int, default=50)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--app", default="fieldapp:create_app()",
                        help="gunicorn app for fieldapp, to measure a variant (module on PYTHONPATH)")
    parser.add_argument("--warmup", type=float, help="seconds of unmeasured single knocks")
    parser.add_argument("--single-seconds", type=float)
    parser.add_argument("--batch-seconds", type=float)
    parser.add_argument("--rounds", type=int,
                        help="single-knock rounds per app, the apps in turns (full 4, quick 2)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="single knocks per phase")
    parser.add_argument("--max-batches", type=int, default=2_000)
    parser.add_argument("--replay-share", type=float, default=0.10)
    parser.add_argument("--requests-per-connection", type=int, default=50,
                        help="a volunteer reopens its connection after this many requests (0: never)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a speed target is missed")
    args = parser.parse_args()
    quick = {"warmup": 1.0, "single_seconds": 4.0, "batch_seconds": 4.0, "rounds": 2}
    full = {"warmup": 3.0, "single_seconds": 20.0, "batch_seconds": 15.0, "rounds": 4}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def settings(args) -> dict:
    """The run's settings, for the report."""
    return {
        "cpus": os.cpu_count(), "app": args.app, "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads, "worker_class": args.worker_class,
        "volunteers": args.volunteers, "doors_per_turf": args.doors_per_turf,
        "warmup_s": args.warmup, "single_s": args.single_seconds, "rounds": args.rounds,
        "batch_s": args.batch_seconds,
        "batch_size": BATCH, "replay_share": args.replay_share,
        "requests_per_connection": args.requests_per_connection,
    }


def main() -> int:
    args = parse_args()
    Client.requests_per_connection = args.requests_per_connection
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="knock_load_"))
    databases: list[Database] = []
    minimal, minimal_errors = None, []
    try:
        apps = run_apps(args, workdir, databases)
        if not args.single_only:
            minimal, minimal_errors = run_minimal(args, workdir)
    finally:
        for database in databases:
            database.drop()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    fieldapp, baseline, rows = apps["fieldapp"], apps["baseline"], apps["rows"]
    errors = apps["errors"] + minimal_errors
    rate = fieldapp["single"]["per_second"]
    ratio = round(rate / baseline["per_second"], 3)
    batch, replay = fieldapp["batch"], fieldapp["batch_replay"]
    targets = {
        "ratio_at_least_0.7": ratio >= TARGETS["ratio"],
        "p99_under_100ms": (fieldapp["single"]["p99_ms"] or 1e9) < TARGETS["p99_ms"],
        "batch_at_least_10000_per_s": None if batch is None
        else batch["knocks_per_second"] >= TARGETS["batch_knocks_per_second"],
        "zero_errors": not errors,
        "rows_exact": rows_exact(rows) and fieldapp["single"]["rows_match"]
        and (replay is None or replay["rows_unchanged"]) and baseline["rows_exact"],
    }
    report = {
        "benchmark": "knock_load",
        "database": databases[0].kind,
        "quick": args.quick,
        "settings": settings(args),
        "fieldapp": fieldapp,
        "baseline": baseline,
        "ratio": ratio,
        "minimal": minimal,
        "ratio_to_minimal": round(rate / minimal["per_second"], 3) if minimal else None,
        "errors": len(errors),
        "error_samples": errors[:10],
        "rows": rows,
        "targets": targets,
        "seconds_total": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=1))
    correct = targets["zero_errors"] and targets["rows_exact"]
    return 0 if correct and (not args.strict or all(v is not False for v in targets.values())) else 1


if __name__ == "__main__":
    sys.exit(main())
