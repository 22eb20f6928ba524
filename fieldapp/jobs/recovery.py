"""Jobs whose worker died (kill -9, a lost machine): queued again, or failed with their counts.

A running job's worker writes a heartbeat every few seconds. When a job has been silent for
FIELDAPP_JOB_STALE_SECONDS, or its worker was a process of this machine that no longer
exists, the job goes back to the queue while it has attempts left (a voter import then goes
on after the last committed batch: no row is counted twice), and is failed otherwise, its
counts kept. This runs when a consumer starts and every minute in every consumer; two
consumers cannot both take one job over (each change is conditional on the old worker).
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from fieldapp.extensions import db
from fieldapp.jobs import services
from fieldapp.jobs.models import Job
from fieldapp.jobs.queue import JobQueueDown, job_queue
from fieldapp.jobs.uploads import SUFFIX, upload_folder

log = logging.getLogger("fieldapp.jobs")
ORPHAN_AGE = dt.timedelta(hours=1)


def recover_stale_jobs() -> dict[str, list]:
    """Queue again or fail every running job whose worker is gone, and remove uploads no job
    holds; what was done to which."""
    session = db.session
    stale_after = dt.timedelta(seconds=current_app.config["FIELDAPP_JOB_STALE_SECONDS"])
    outcome: dict[str, list] = {"queued": [], "failed": []}
    for stale in services.stale_jobs(session, stale_after):
        if stale.attempts < stale.max_attempts:
            phase = (f"Queued again: its worker ({stale.worker}) stopped during attempt "
                     f"{stale.attempts} of {stale.max_attempts}")
            if services.requeue(session, stale.id, stale.worker, phase):
                try:
                    job_queue.enqueue(stale.id)
                except JobQueueDown as error:
                    services.fail(session, stale.id, None, str(error))
                    outcome["failed"].append(stale.id)
                    continue
                outcome["queued"].append(stale.id)
        elif services.fail(session, stale.id, None,
                           f"Its worker stopped during each of {stale.attempts} attempts "
                           "(the last was " + stale.worker + "). What was committed before "
                           "is kept and counted; start it again to finish."):
            outcome["failed"].append(stale.id)
    if outcome["queued"] or outcome["failed"]:
        log.warning("jobs whose worker stopped: queued again %s, failed %s",
                    outcome["queued"], outcome["failed"])
    outcome["uploads_removed"] = sweep_orphan_uploads()
    return outcome


def sweep_orphan_uploads(older_than: dt.timedelta = ORPHAN_AGE) -> list[str]:
    """Remove stored uploads no job holds (a web process that died between saving a file and
    recording its job), once they are older than an upload takes to be recorded."""
    folder = upload_folder(current_app.config, current_app.instance_path)
    if not folder.is_dir():
        return []
    held = {Path(p).name for p in db.session.scalars(
        sa.select(Job.upload_path).where(Job.upload_path.is_not(None)))}
    cutoff = time.time() - older_than.total_seconds()
    removed = []
    for path in folder.glob(f"*{SUFFIX}"):
        if path.name not in held and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path.name)
    if removed:
        log.warning("removed %s stored uploads no job held", len(removed))
    return removed
