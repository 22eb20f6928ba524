"""Binding the job queue to an app: what its workers run, handed over when the app is made."""
from __future__ import annotations

from flask import Flask

from fieldapp.jobs.queue import job_queue
from fieldapp.jobs.recovery import recover_stale_jobs
from fieldapp.jobs.worker import run_job


def init_app(app: Flask) -> None:
    """Bind the job queue to app: its tasks run a job by id and look for dead workers."""
    job_queue.init_app(app, run_job=run_job, recover=recover_stale_jobs)
