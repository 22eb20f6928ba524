"""The production queue: huey on Redis, carrying a job from the web app to a real worker
process (on CI's Redis at 127.0.0.1:6379; skipped where no Redis runs, failed in CI)."""
from __future__ import annotations

import os
import secrets

import pytest
import sqlalchemy as sa

from fieldapp.jobs.models import Job
from fieldapp.jobs.submit import submit
from fieldapp.turf.jobs import start_turf_cut
from tests import factories
from tests.jobs_worker import wait_for

REDIS = os.environ.get("FIELDAPP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_queue(app_config):
    """The app's queue on Redis, under a name of its own; its keys removed at the end."""
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS} is down in CI: {error}")
        pytest.skip(f"no Redis at {REDIS}")
    name = f"fieldapp-test-{secrets.token_hex(4)}"  # its own keys, whatever else uses Redis
    app_config.update(FIELDAPP_JOB_QUEUE=REDIS, FIELDAPP_JOB_QUEUE_NAME=name)
    yield name
    client = redis.Redis.from_url(REDIS)
    if keys := client.keys(f"*{name}*"):
        client.delete(*keys)


def test_a_job_goes_through_redis_to_a_worker_process(redis_queue, app, db, start_worker):
    from fieldapp.jobs.queue import job_queue

    race = factories.race(db, factories.org(db))
    factories.households(db, race, 40)
    db.commit()
    assert type(job_queue.huey.storage).__name__ == "RedisStorage"
    job_id = submit(start_turf_cut(db, race, None, 20, False)).id
    start_worker(FIELDAPP_JOB_QUEUE=REDIS, FIELDAPP_JOB_QUEUE_NAME=redis_queue)

    def finished():
        db.rollback()
        return db.scalar(sa.select(Job.state).where(Job.id == job_id)) == "finished"

    wait_for(finished, 60, every=0.2, what="the worker to run the job from Redis")
    assert db.get(Job, job_id).result["turfs"] == 2
