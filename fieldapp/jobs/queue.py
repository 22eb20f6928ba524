"""The job queue: huey, on a SQLite file by default and on Redis in production.

Why huey: it is an existing, small queue with an embedded storage (a SQLite file: `make demo`
and the tests need no server) and a Redis one for production, where Redis already runs for
the login rate limits; RQ and Dramatiq need Redis (or RabbitMQ) even for a demo. Its consumer
is started with `flask jobs worker` (fieldapp/jobs/commands.py), on this machine or others.

The queue carries nothing but job ids. What a job is, how far it got and how it ended live
in the database (fieldapp/jobs/models.py), so a message lost with a killed consumer loses no
work: a worker that stops is noticed by its silence (fieldapp/jobs/recovery.py, run when a
consumer starts and every minute) and its job is queued again or failed with its counts.

The huey instance is built on first use, not when the app is created: building the SQLite
storage creates its file, and the factory does no I/O. What its two tasks run (a job, the
recovery check) is handed to `init_app` by fieldapp/jobs/setup.py: this module imports neither,
so the worker and the recovery can import the queue without a cycle.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app

log = logging.getLogger("fieldapp.jobs")
EXTENSION = "fieldapp.jobs"  # the app's _Bound, None until first used
TASKS = "fieldapp.jobs.tasks"  # what its tasks run


class JobQueueDown(RuntimeError):
    """The queue's storage (Redis, the SQLite file) could not take a message."""


def make_huey(url: str, instance_path: str, name: str = "fieldapp") -> Any:
    """A huey on the queue FIELDAPP_JOB_QUEUE names: redis://..., sqlite:///path, or '' for
    a SQLite file in the instance folder."""
    from huey import RedisHuey, SqliteHuey

    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
    elif url:
        raise ValueError(f"FIELDAPP_JOB_QUEUE={url!r}: use redis://host:port/db, "
                         "sqlite:///path or leave it empty")
    else:
        path = Path(instance_path) / "job-queue.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False)


class _Bound:
    """One app's huey and its two tasks."""

    def __init__(self, app: Flask, tasks: _Tasks) -> None:
        self.huey = make_huey(app.config.get("FIELDAPP_JOB_QUEUE", ""), app.instance_path,
                              app.config.get("FIELDAPP_JOB_QUEUE_NAME", "fieldapp"))
        from huey import crontab  # huey is imported where the queue is first used

        @self.huey.task(name="fieldapp.run_job")
        def run_job(job_id: int) -> None:
            with app.app_context():
                tasks.run_job(job_id)

        @self.huey.periodic_task(crontab(minute="*"), name="fieldapp.recover_jobs")
        def recover_jobs() -> None:
            with app.app_context():
                tasks.recover()

        self.run_job = run_job


class _Tasks:
    """What an app's workers run: one job by its id, and the check for dead workers."""

    def __init__(self, run_job: Callable[[int], Any], recover: Callable[[], Any]) -> None:
        self.run_job, self.recover = run_job, recover


class JobQueue:
    """Flask extension: hands job ids to the workers through huey."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def init_app(self, app: Flask, run_job: Callable[[int], Any],
                 recover: Callable[[], Any]) -> None:
        """Remember what the tasks run; the huey is built on first use (see the module doc)."""
        app.extensions[TASKS] = _Tasks(run_job, recover)
        app.extensions[EXTENSION] = None

    def _bound(self) -> _Bound:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        bound = app.extensions.get(EXTENSION)
        if bound is None:
            with self._lock:
                bound = app.extensions.get(EXTENSION)
                if bound is None:
                    bound = app.extensions[EXTENSION] = _Bound(app, app.extensions[TASKS])
        return bound

    @property
    def huey(self) -> Any:
        """The current app's huey (for the consumer and the tests)."""
        return self._bound().huey

    def enqueue(self, job_id: int, delay: float | None = None) -> None:
        """Send a committed job to the workers; JobQueueDown if the queue cannot take it."""
        task = self._bound().run_job
        try:
            if delay:
                task.schedule(args=(job_id,), delay=delay)
            else:
                task(job_id)
        except Exception as error:  # any storage error (Redis down, a locked file) alike
            log.error("job %s: the queue did not take it (%s)", job_id, type(error).__name__)
            raise JobQueueDown(f"The job queue is unreachable ({type(error).__name__}).") from error

    def run_pending(self) -> int:
        """Run the queued jobs in this process until the queue is empty; how many ran.

        For `flask jobs worker --burst` and the tests: the same tasks a consumer runs, taken
        from the same storage.
        """
        huey, ran = self.huey, 0
        while (task := huey.dequeue()) is not None:
            huey.execute(task)
            ran += 1
        return ran


job_queue = JobQueue()
