"""Jobs from start to end: record one, let one worker claim it, move it on, end it.

Plain functions over a session (the callers commit), except where a worker must make its
state visible at once (claim, finish, fail, requeue: each commits). Every change a worker
makes is conditional on the job still being its own (`worker` matches and it is running),
so a worker thought dead that wakes up again changes nothing (JobTakenOver).
"""
from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.errors import Conflict
from fieldapp.jobs import kinds
from fieldapp.jobs.models import FAILED, FINISHED, QUEUED, RUNNING, Job
from fieldapp.jobs.uploads import StoredUpload, remove_upload
from fieldapp.models_base import utcnow

if TYPE_CHECKING:  # types only (jobs imports no domain)
    from fieldapp.auth.models import User
    from fieldapp.races.models import Race


class JobAlreadyRunning(Conflict):
    """The same work is already queued or running: the message names that job."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"This is already under way: {describe(job)}.",
                         {"job": f"job {job.id} is {job.state}"})
        self.job_id = job.id


class JobTakenOver(RuntimeError):
    """This worker no longer owns its job (it was thought dead and the job moved on)."""


def worker_name() -> str:
    """This process, as recorded on the jobs it runs: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def describe(job: Job) -> str:
    """'job 12 (voter import of van.csv, started by Ana Lopez on 2026-12-02 14:02 UTC, 45% done)'."""
    what = kinds.get(job.kind).label.lower() + (f" of {job.filename}" if job.filename else "")
    who = job.user.display_name if job.user else "the command line"
    when = job.created_at.strftime("%Y-%m-%d %H:%M UTC")
    how_far = f", {job.percent}% done" if job.state == RUNNING and job.percent is not None else \
        f", {job.state}"
    return f"job {job.id} ({what}, started by {who} on {when}{how_far})"


def active_job(db: Session, key: str) -> Job | None:
    """The queued or running job holding this key."""
    return db.scalar(sa.select(Job).where(Job.active_key == key))


def start_job(db: Session, kind: str, race: Race, user: User | None, *,
              params: dict[str, Any] | None = None, upload: StoredUpload | None = None,
              max_attempts: int = 3) -> Job:
    """Record a queued job (flushed, for its id); JobAlreadyRunning when the same work is.

    On a clash the session is rolled back (the unique key is the arbiter when two requests
    race past the first look).
    """
    job_kind = kinds.get(kind)
    key = job_kind.active_key(race.id, upload.digest if upload else None)
    existing = active_job(db, key)
    if existing is not None:
        raise JobAlreadyRunning(existing)
    job = Job(kind=kind, race_id=race.id, user_id=user.id if user else None,
              params=params or {}, unit=job_kind.unit, phase="Waiting for a worker",
              active_key=key, max_attempts=max_attempts)
    if upload is not None:
        job.filename, job.upload_path = upload.filename, str(upload.path)
        job.upload_bytes, job.file_digest = upload.size, upload.digest
    db.add(job)
    try:
        db.flush()
    except sa.exc.IntegrityError:
        db.rollback()
        existing = active_job(db, key)
        if existing is None:
            raise
        raise JobAlreadyRunning(existing) from None
    return job


def latest_jobs(db: Session, race_id: int | None = None, kind: str | None = None,
                limit: int = 10) -> list[Job]:
    """The latest jobs (of a race, of a kind), the ones under way first."""
    query = sa.select(Job)
    if race_id is not None:
        query = query.where(Job.race_id == race_id)
    if kind is not None:
        query = query.where(Job.kind == kind)
    under_way = sa.case((Job.state.in_((QUEUED, RUNNING)), 0), else_=1)
    return list(db.scalars(query.order_by(under_way, Job.id.desc()).limit(limit)))


def _owned(job_id: int, worker: str):
    return (Job.id == job_id) & (Job.worker == worker) & (Job.state == RUNNING)


def claim(db: Session, job_id: int, worker: str) -> Job | None:
    """Take a queued job for this worker; None when it is not queued (taken, ended, gone)."""
    now = utcnow()
    taken = db.execute(sa.update(Job).where(Job.id == job_id, Job.state == QUEUED).values(
        state=RUNNING, worker=worker, attempts=Job.attempts + 1, heartbeat_at=now,
        started_at=sa.func.coalesce(Job.started_at, now), phase="Starting"))
    db.commit()
    return db.get(Job, job_id) if taken.rowcount == 1 else None


def update_progress(connection: sa.Connection, job_id: int, worker: str,
                    **values: Any) -> None:
    """Move a running job's done/total/phase (and heartbeat) on; JobTakenOver if not ours."""
    moved = connection.execute(sa.update(Job).where(_owned(job_id, worker))
                               .values(heartbeat_at=utcnow(), **values))
    if moved.rowcount != 1:
        raise JobTakenOver(f"job {job_id} is no longer run by {worker}")


def finish(db: Session, job_id: int, worker: str, result: dict[str, Any]) -> bool:
    """Mark the job finished with its result, free its key, remove its upload."""
    job = db.get(Job, job_id)
    upload = job.upload_path
    ended = db.execute(sa.update(Job).where(_owned(job_id, worker)).values(
        state=FINISHED, result=result, phase="Done", active_key=None,
        finished_at=utcnow(), upload_path=None)).rowcount == 1
    db.commit()
    if ended:
        remove_upload(upload)
    return ended


def fail(db: Session, job_id: int, worker: str | None, message: str,
         line: int | None = None) -> bool:
    """Mark the job failed with why (and the file line where relevant); keep its counts.

    `worker` None fails it whoever held it (recovery, a queue that would not take it).
    """
    job = db.get(Job, job_id)
    upload, on_failure = job.upload_path, kinds.get(job.kind).on_failure
    mine = _owned(job_id, worker) if worker else (Job.id == job_id) & Job.state.in_(
        (QUEUED, RUNNING))
    ended = db.execute(sa.update(Job).where(mine).values(
        state=FAILED, error=message[:4000], error_line=line, phase="Stopped",
        active_key=None, finished_at=utcnow(), upload_path=None)).rowcount == 1
    if ended and on_failure is not None:  # e.g. what a worker that died left half done
        on_failure(db, job_id)
    db.commit()
    if ended:
        remove_upload(upload)
    return ended


def requeue(db: Session, job_id: int, worker: str, phase: str) -> bool:
    """Put a running job back in the queue (its worker stopped, or the database blinked)."""
    moved = db.execute(sa.update(Job).where(_owned(job_id, worker)).values(
        state=QUEUED, worker=None, phase=phase[:200])).rowcount == 1
    db.commit()
    return moved


@dataclass
class StaleJob:
    """A running job whose worker is gone: its id, attempts and worker."""

    id: int
    attempts: int
    max_attempts: int
    worker: str


def stale_jobs(db: Session, stale_after: dt.timedelta, now: dt.datetime | None = None,
               host: str | None = None) -> list[StaleJob]:
    """Running jobs whose worker has been silent for stale_after, or whose worker process
    on this host is no longer alive."""
    now = now or utcnow()
    host = host or socket.gethostname()
    found = []
    for row in db.execute(sa.select(Job.id, Job.attempts, Job.max_attempts, Job.worker,
                                    Job.heartbeat_at).where(Job.state == RUNNING)):
        silent = row.heartbeat_at is None or now - row.heartbeat_at > stale_after
        if silent or _dead_here(row.worker or "", host):
            found.append(StaleJob(row.id, row.attempts, row.max_attempts, row.worker or ""))
    return found


def _dead_here(worker: str, host: str) -> bool:
    """True when worker names a process of this host that has exited."""
    name, _, pid = worker.rpartition(":")
    if name != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    """A killed child not yet reaped still answers kill(pid, 0)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False
