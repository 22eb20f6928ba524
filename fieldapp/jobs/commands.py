"""`flask jobs worker` runs the background jobs; `flask jobs list` shows them.

The commands that start long work (`imports voters|district|geocode`, `turf cut`) run it in
line by default, with a progress bar, or queue it for the workers with `--enqueue`
(`--wait` then follows the job with a bar until it ends): `enqueue_option` and `report_queued`.
"""
from __future__ import annotations

import functools
import logging
import sys
import time
from collections.abc import Callable

import click
from flask.cli import with_appcontext

from fieldapp.extensions import db
from fieldapp.jobs import kinds, services
from fieldapp.jobs.models import Job
from fieldapp.jobs.queue import job_queue
from fieldapp.jobs.recovery import recover_stale_jobs


@click.group()
def jobs() -> None:
    """Background jobs: imports, automatic cuts, geocoding."""


@jobs.command("worker")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Jobs run at once by this process (threads).")
@click.option("--burst", is_flag=True, help="Run the jobs queued now, then exit.")
@with_appcontext
def worker(workers: int, burst: bool) -> None:
    """Run queued jobs until stopped (Ctrl-C lets running jobs finish; kill -9 loses nothing:
    the next worker takes them over)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
        # fieldapp.jobs says when each job starts and ends; huey's own line per task (and per
        # minute for the recovery check) would drown it.
        for name, level in (("huey", logging.WARNING), ("huey.consumer", logging.INFO),
                            ("huey.consumer.Scheduler", logging.WARNING)):
            logging.getLogger(name).setLevel(level)
    outcome = recover_stale_jobs()
    for verb in ("queued", "failed"):
        if outcome[verb]:
            click.echo(f"Jobs whose worker had stopped, {verb}: "
                       f"{', '.join(map(str, outcome[verb]))}", err=True)
    if burst:
        click.echo(f"{job_queue.run_pending()} queued jobs run.")
        return
    huey = job_queue.huey
    click.echo(f"fieldapp job worker {services.worker_name()}: {workers} at a time, queue "
               f"{type(huey.storage).__name__} (Ctrl-C to stop)", err=True)
    # Idle, a SQLite queue is looked at every second at most (Redis is waited on): a job
    # starts within a second of its upload.
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True,
                         check_worker_health=True, initial_delay=0.1, max_delay=1.0).run()


@jobs.command("list")
# A race id, not a name: the jobs package knows no domain (issue 19), so it cannot look one up.
@click.option("--race", "race_id", type=click.IntRange(1),
              help="Only this race's jobs (its id, from `flask races list`).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@with_appcontext
def list_jobs(race_id: int | None, limit: int) -> None:
    """The latest jobs, those under way first."""
    rows = services.latest_jobs(db.session, race_id, limit=limit)
    if not rows:
        click.echo("No jobs.")
    for job in rows:
        total = f"/{job.total:,}" if job.total is not None else ""
        click.echo(f"{job.id:>6}  {job.state:<9} {kinds.get(job.kind).label:<26} race {job.race_id:<5}"
                   f" {job.done:,}{total} {job.unit}  {job.filename}")
        if job.error:
            click.echo(f"        {job.error}")


def enqueue_option(command: Callable) -> Callable:
    """--enqueue / --wait for a command that can also run its work in line."""
    @click.option("--enqueue", is_flag=True,
                  help="Queue it for the background workers instead of running it here.")
    @click.option("--wait", is_flag=True, help="With --enqueue: follow the job until it ends.")
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        if kwargs.get("wait") and not kwargs.get("enqueue"):
            raise click.UsageError("--wait goes with --enqueue.")
        return command(*args, **kwargs)

    return wrapper


def report_queued(job: Job, wait: bool) -> None:
    """Say which job was queued; with wait, follow it with a bar and exit 1 if it failed."""
    job_id = job.id
    click.echo(f"Queued {services.describe(job)}. Follow it on /jobs/{job_id}, or with "
               "`flask jobs list`.")
    if not wait:
        return
    with click.progressbar(length=1, label=f"Job {job_id}", file=sys.stderr) as bar:
        while True:
            db.session.expire_all()
            job = db.session.get(Job, job_id)
            if job.total:
                bar.length = job.total
                bar.update(min(job.done, job.total) - bar.pos)
            if not job.is_active:
                break
            db.session.rollback()  # no snapshot held while waiting
            time.sleep(0.5)
    click.echo(f"Job {job_id} {job.state}." + (f" {job.error}" if job.error else ""))
    if job.state != "finished":
        sys.exit(1)
