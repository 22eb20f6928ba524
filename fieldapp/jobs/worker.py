"""Running one job inside a worker: claim it, keep its heartbeat, run its kind, end it.

Progress and heartbeats are written on a connection of their own, in their own short
transactions, so they show at once whatever the job's session is doing; on SQLite they wait
at most a batch for the write lock. How a job ends:

- finished: the runner returned; its result is stored and its upload removed;
- failed: the runner raised DomainError (bad input: the message, and the file line when
  the error has one) or an unexpected error; counts already committed stay;
- queued again: the database connection failed (OperationalError), while attempts remain;
- taken over: this worker was presumed dead and another took the job; nothing more is
  written (every write checks the job is still this worker's).

Nothing personal goes to the log: job ids, kinds and error class names only.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

import sqlalchemy as sa
from flask import current_app

from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.jobs import kinds, services
from fieldapp.jobs.models import Job
from fieldapp.jobs.queue import job_queue
from fieldapp.jobs.services import JobTakenOver

log = logging.getLogger("fieldapp.jobs")
RETRY_DELAY_SECONDS = 30


class JobProgress:
    """What a runner calls to show how far it is: `update(done=, total=, phase=)`.

    Writes at most every `every` seconds unless the phase or the total changes (a cut
    reports each of 2,000 turfs); raises JobTakenOver when the job is no longer this worker's.
    """

    def __init__(self, engine: sa.Engine, job_id: int, worker: str, every: float = 0.5) -> None:
        self.engine, self.job_id, self.worker, self.every = engine, job_id, worker, every
        self._last = 0.0
        self._shown: dict[str, Any] = {}
        self._pending: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.taken_over = False

    def update(self, done: int | None = None, total: int | None = None,
               phase: str | None = None, force: bool = False) -> None:
        """Record progress (None leaves a field as it is)."""
        if self.taken_over:
            raise JobTakenOver(f"job {self.job_id}")
        values = {name: value for name, value in
                  (("done", done), ("total", total), ("phase", phase and phase[:200]))
                  if value is not None}
        changed = any(self._shown.get(k) != values[k] for k in ("total", "phase") if k in values)
        now = time.monotonic()
        self._pending.update(values)
        if not (force or changed) and now - self._last < self.every:
            return
        self.flush()

    def flush(self) -> None:
        """Write what the last updates held back (the worker calls it when the job ends)."""
        if self._pending:
            values, self._pending = self._pending, {}
            self._last = time.monotonic()
            self._shown.update(values)
            self._write(values)

    def beat(self) -> None:
        """The heartbeat alone (from the heartbeat thread)."""
        self._write({})

    def _write(self, values: dict[str, Any]) -> None:
        with self._lock:
            try:
                with self.engine.begin() as connection:
                    services.update_progress(connection, self.job_id, self.worker, **values)
            except JobTakenOver:
                self.taken_over = True
                raise


class Heartbeat:
    """A thread that says every few seconds that this worker is alive and on its job."""

    def __init__(self, progress: JobProgress, interval: float) -> None:
        self.progress, self.interval = progress, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"job-{progress.job_id}-heartbeat")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.progress.beat()
            except JobTakenOver:
                return
            except sa.exc.SQLAlchemyError as error:  # a busy database: try at the next beat
                log.warning("job %s: heartbeat not written (%s)", self.progress.job_id,
                            type(error).__name__)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def run_job(job_id: int) -> str:
    """Run a queued job to its end in this process; returns how it ended."""
    session, worker = db.session, services.worker_name()
    job = services.claim(session, job_id, worker)
    if job is None:
        return "skipped"
    kind = kinds.get(job.kind)
    log.info("job %s (%s) started, attempt %s", job_id, kind.name, job.attempts)
    progress = JobProgress(db.engine, job_id, worker)
    config = current_app.config
    try:
        with Heartbeat(progress, config["FIELDAPP_JOB_HEARTBEAT_SECONDS"]):
            result = kind.runner(session, job, progress)
            progress.flush()
    except JobTakenOver:
        session.rollback()
        log.warning("job %s: taken over by another worker; this one stops", job_id)
        return "taken over"
    except DomainError as error:
        session.rollback()
        _flush_quietly(progress)
        message = error.message + "".join(f" {k}: {v}." for k, v in error.fields.items())
        services.fail(session, job_id, worker, message, getattr(error, "line", None))
        log.info("job %s (%s) failed: %s", job_id, kind.name, type(error).__name__)
        return "failed"
    except sa.exc.OperationalError as error:
        session.rollback()
        return _database_blinked(job_id, worker, error)
    except Exception as error:  # recorded on the job, which people read
        session.rollback()
        _flush_quietly(progress)
        log.error("job %s (%s) failed: %s", job_id, kind.name, type(error).__name__)
        services.fail(session, job_id, worker, f"Unexpected error ({type(error).__name__}): "
                      f"{str(error)[:500]}", getattr(error, "line", None))
        return "failed"
    services.finish(session, job_id, worker, result)
    log.info("job %s (%s) finished", job_id, kind.name)
    return "finished"


def _flush_quietly(progress: JobProgress) -> None:
    """Show the last progress of a job that failed (how far it got), if it can be written."""
    with contextlib.suppress(JobTakenOver, sa.exc.SQLAlchemyError):
        progress.flush()


def _database_blinked(job_id: int, worker: str, error: Exception) -> str:
    """Queue the job again after a lost connection, while attempts remain; else fail it."""
    session = db.session
    job = session.get(Job, job_id)
    log.warning("job %s: database error %s", job_id, type(error).__name__)
    if job.attempts < job.max_attempts:
        phase = f"Queued again after a database error (attempt {job.attempts} of " \
                f"{job.max_attempts} done)"
        if services.requeue(session, job_id, worker, phase):
            job_queue.enqueue(job_id, delay=RETRY_DELAY_SECONDS)
        return "queued again"
    services.fail(session, job_id, worker, f"The database failed {job.attempts} times "
                  f"({type(error).__name__}); the work committed before it is kept.")
    return "failed"
