"""A job's life on the real database: started once, claimed once, ended once; a dead worker's
job taken over or failed with its counts; an import stopped half-way goes on, counted once."""
from __future__ import annotations

import datetime as dt
import io
import socket
import subprocess
import sys

import pytest
import sqlalchemy as sa

from fieldapp.errors import DomainError
from fieldapp.jobs import services
from fieldapp.jobs.models import Job
from fieldapp.jobs.queue import job_queue
from fieldapp.jobs.recovery import recover_stale_jobs
from fieldapp.jobs.services import JobAlreadyRunning, JobTakenOver
from fieldapp.jobs.submit import store_upload, submit_upload
from fieldapp.jobs.uploads import save_upload
from fieldapp.jobs.worker import JobProgress
from fieldapp.models_base import utcnow
from fieldapp.voters.imports.service import BUCKETS, ImportTakenOver, import_voters
from fieldapp.voters.jobs import start_voter_import
from fieldapp.voters.models import ImportRejection, ImportRun, Voter
from tests import factories
from tests.jobs_worker import count, write_voter_file

CSV = b"VanID,FirstName,LastName,Address,City,Zip5\nV1,Ana,Lopez,12 Main St,Testville,11758\n"


@pytest.fixture
def race(db):
    race = factories.race(db, factories.org(db), "Jobs race")
    factories.user(db, "organizer@example.org", race.organization, "organizer", name="Olga Ortiz")
    db.commit()
    return race


def _import(db, race, content: bytes = CSV, name: str = "voters.csv") -> Job:
    user = factories.get_user(db, "organizer@example.org")
    return submit_upload(io.BytesIO(content), name, lambda stored: start_voter_import(
        db, race, user, stored, None))


def test_the_same_file_twice_at_once_is_refused_naming_the_job(db, race, run_jobs):
    first = _import(db, race)
    with pytest.raises(JobAlreadyRunning) as refused:
        _import(db, race, name="again.csv")
    assert f"job {first.id} (voter import of voters.csv, started by Olga Ortiz" in \
        refused.value.message and refused.value.status_code == 409
    assert count(db, Job) == 1
    assert len(list(store_upload(io.BytesIO(b"x"), "x").path.parent.glob("*.upload"))) == 2
    other = _import(db, race, CSV + b"V2,Ben,Cole,14 Main St,Testville,11758\n")
    assert other.id != first.id  # another file may run beside it
    assert run_jobs() == 2
    again = _import(db, race)  # once ended, the same file may come again
    assert again.state == "queued"


def test_a_job_is_claimed_by_one_worker_and_ended_by_it_alone(db, race):
    job = _import(db, race)
    assert services.claim(db, job.id, "host-a:1").state == "running"
    assert services.claim(db, job.id, "host-b:2") is None
    assert not services.finish(db, job.id, "host-b:2", {"rows": 1})
    progress = JobProgress(db.get_bind(), job.id, "host-b:2")
    with pytest.raises(JobTakenOver):
        progress.update(done=1, force=True)
    assert services.finish(db, job.id, "host-a:1", {"rows": 1})
    db.expire_all()
    assert db.get(Job, job.id).state == "finished" and db.get(Job, job.id).active_key is None


def test_a_silent_worker_is_taken_over_then_failed_with_its_counts(app, db, race):
    job = _import(db, race)
    job_queue.huey.flush()  # the queued message is gone with its worker, as after kill -9
    old = utcnow() - dt.timedelta(minutes=5)
    for attempt in (1, 2, 3):
        services.claim(db, job.id, f"elsewhere:{attempt}")
        db.execute(sa.update(Job).where(Job.id == job.id).values(heartbeat_at=old, done=7))
        db.commit()
        outcome = recover_stale_jobs()
        db.expire_all()
        job = db.get(Job, job.id)
        if attempt < 3:
            assert outcome == {"queued": [job.id], "failed": [], "uploads_removed": []}
            assert job.state == "queued" and "stopped during attempt" in job.phase
            assert len(job_queue.huey) == attempt  # sent to the workers again
        else:
            assert outcome == {"queued": [], "failed": [job.id], "uploads_removed": []}
            assert job.state == "failed" and "3 attempts" in job.error and job.done == 7
            assert job.upload_path is None and job.active_key is None


def test_a_worker_of_this_host_that_exited_is_taken_over_at_once(db, race):
    job = _import(db, race)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    services.claim(db, job.id, f"{socket.gethostname()}:{dead.stdout.strip()}")
    alive = services.worker_name()
    assert services.stale_jobs(db, dt.timedelta(hours=1))[0].id == job.id
    db.execute(sa.update(Job).where(Job.id == job.id).values(worker=alive))
    db.commit()
    assert services.stale_jobs(db, dt.timedelta(hours=1)) == []  # this process lives


def test_a_job_the_queue_refuses_fails_at_once_and_says_so(app, db, race):
    app.config["FIELDAPP_JOB_QUEUE"] = "redis://127.0.0.1:1/0"  # nothing listens there
    app.extensions["fieldapp.jobs"] = None
    with pytest.raises(DomainError) as refused:
        _import(db, race)
    assert "queue is unreachable" in refused.value.message
    job = db.scalar(sa.select(Job))
    assert job.state == "failed" and "never started" in job.error and job.upload_path is None


def test_uploads_are_capped_per_file_and_in_all(tmp_path):
    folder = tmp_path / "uploads"
    with pytest.raises(DomainError, match="larger than"):
        save_upload(io.BytesIO(b"x" * 2000), folder, "a.csv", 1000, 10_000)
    with pytest.raises(DomainError, match="empty"):
        save_upload(io.BytesIO(b""), folder, "a.csv", 1000, 10_000)
    kept = save_upload(io.BytesIO(b"y" * 900), folder, "Ana's list.csv", 1000, 1500)
    assert kept.path.name.endswith(".upload") and "Ana" not in kept.path.name
    assert oct(kept.path.stat().st_mode & 0o777) == "0o600" and kept.size == 900
    with pytest.raises(DomainError, match="no room"):
        save_upload(io.BytesIO(b"z" * 900), folder, "b.csv", 1000, 1500)
    assert sorted(p.name for p in folder.iterdir()) == [kept.path.name]  # nothing half-kept


class Stop(Exception):
    """Raised from the progress callback: the import stops between two batches."""


@pytest.mark.parametrize("helper_process", [False, True], ids=["thread", "process"])
def test_an_import_stopped_half_way_goes_on_counting_each_row_once(db, race, tmp_path,
                                                                    helper_process):
    facts = write_voter_file(tmp_path / "v.csv", 3000, bad_every=250)
    batches = []

    def stop_after_three(_bytes, rows):
        batches.append(rows)
        if len(batches) == 3:
            raise Stop

    with open(tmp_path / "v.csv", "rb") as stream, pytest.raises(Stop):
        import_voters(db, race, stream, "v.csv", batch_size=400, progress=stop_after_three,
                      helper_process=helper_process)
    run = db.scalar(sa.select(ImportRun))
    assert run.status == "failed" and sum(run.counts[b] for b in BUCKETS) == 1200
    with open(tmp_path / "v.csv", "rb") as stream:
        report = import_voters(db, race, stream, "v.csv", batch_size=400,
                               helper_process=helper_process, resume_run_id=run.id)
    assert report.run_id == run.id and report.rows == 3000
    assert report.counts["rejected"] == len(facts["bad_lines"]) == 12
    assert sorted(db.scalars(sa.select(ImportRejection.line_number))) == sorted(
        facts["bad_lines"])
    assert count(db, Voter) == facts["voters"] == report.counts["voters_created"]
    assert report.counts["unchanged"] == 0


def test_two_imports_cannot_both_count_a_batch_of_one_run(db, race):
    two_rows = CSV + b"V2,Ben,Cole,14 Main St,Testville,11758\n"

    def another_import_moves_on(_bytes, _rows):  # as a worker that took the run over would
        db.execute(sa.update(ImportRun).values(resume_after_line=ImportRun.resume_after_line + 5))
        db.commit()

    with pytest.raises(ImportTakenOver):
        import_voters(db, race, io.BytesIO(two_rows), "v.csv", batch_size=1,
                      progress=another_import_moves_on)
    assert count(db, Voter) == 1  # the second batch found the run moved on: rolled back
    run = db.scalar(sa.select(ImportRun))
    assert run.status == "running" and sum(run.counts[b] for b in BUCKETS) == 1


def test_uploads_no_job_holds_are_swept_once_old(app, db, race):
    import os
    import time

    from fieldapp.jobs.recovery import sweep_orphan_uploads

    held = _import(db, race)
    orphan = store_upload(io.BytesIO(CSV), "lost.csv")  # its web process died before a job
    fresh = store_upload(io.BytesIO(CSV), "new.csv")  # being recorded right now
    hour_ago = time.time() - 3700
    for path in (orphan.path, held.upload_path):
        os.utime(path, (hour_ago, hour_ago))
    assert sweep_orphan_uploads() == [orphan.path.name]
    assert not orphan.path.exists() and fresh.path.exists()
    assert os.path.exists(held.upload_path)
