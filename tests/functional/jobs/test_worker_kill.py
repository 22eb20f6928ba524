"""kill -9 of a real job worker half-way through a voter import loses nothing, counts nothing
twice: the next worker takes the job over and finishes the file after its last committed row."""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
import sqlalchemy as sa

from fieldapp.jobs.models import Job
from fieldapp.jobs.submit import submit_upload
from fieldapp.voters.imports.service import BUCKETS
from fieldapp.voters.jobs import start_voter_import
from fieldapp.voters.models import Household, ImportRejection, ImportRun, Voter
from tests import factories
from tests.jobs_worker import count, wait_for, write_voter_file

ROWS = 150_000  # about 9 MB: over the size that is prepared in a helper process


@pytest.mark.slow
def test_kill_9_mid_import_then_a_new_worker_finishes_it_exactly_once(app, db, tmp_path,
                                                                      start_worker):
    race = factories.race(db, factories.org(db), "Kill race")
    db.commit()
    facts = write_voter_file(tmp_path / "county.csv", ROWS, bad_every=10_000)
    assert (tmp_path / "county.csv").stat().st_size > 8 * 1024 * 1024  # the helper process
    with open(tmp_path / "county.csv", "rb") as stream:
        job = submit_upload(stream, "county.csv", lambda stored: start_voter_import(
            db, race, None, stored, None))
    job_id, upload = job.id, Path(job.upload_path)

    def committed_batches():
        db.rollback()
        run = db.scalar(sa.select(ImportRun))
        return run if run is not None and run.resume_after_line > 0 else None

    first = start_worker(FIELDAPP_IMPORT_BATCH_SIZE="2000")
    run = wait_for(committed_batches, 90, what="the first committed batch")
    first.kill(signal.SIGSTOP)  # frozen where it is, so what we check is where it died
    helpers = first.children()
    db.rollback()
    run = db.get(ImportRun, run.id)
    stopped_at = run.resume_after_line
    assert 0 < stopped_at < ROWS, "the import must be killed half-way"
    assert db.get(Job, job_id).state == "running"
    first.kill(signal.SIGKILL)
    first.process.wait(10)
    assert helpers, "a file this size is prepared in a helper process"
    wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") and not _zombie(pid)
                             for pid in helpers), 15, what="the orphaned helper to exit")

    second = start_worker(FIELDAPP_IMPORT_BATCH_SIZE="2000")

    def ended():
        db.rollback()
        job = db.get(Job, job_id)
        return job if job.state in ("finished", "failed") else None

    job = wait_for(ended, 180, every=0.2, what="the second worker to finish the job")
    assert job.state == "finished", (job.error, second.output()[-2000:])
    assert job.attempts == 2 and "stopped" in second.output()
    run = db.get(ImportRun, run.id)
    counts = run.counts
    assert run.status == "finished" and run.resume_after_line == ROWS + 1
    # Every row in exactly one bucket, once: the rows before the kill were not read twice.
    assert sum(counts[b] for b in BUCKETS) == ROWS == job.done == job.total
    assert counts["rejected"] == len(facts["bad_lines"])
    lines = db.scalars(sa.select(ImportRejection.line_number)).all()
    assert sorted(lines) == sorted(facts["bad_lines"])  # no rejection written twice
    assert count(db, Voter) == facts["voters"] == counts["voters_created"]
    assert count(db, Household) == facts["doors"] == counts["households_created"]
    assert counts["unchanged"] == 0 and counts["updated"] == 0
    assert not upload.exists() and job.upload_path is None and job.active_key is None


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.slow
def test_an_import_that_breaks_half_way_fails_saying_at_which_line_and_keeps_its_rows(
        app, db, tmp_path, start_worker, client, auth):
    race = factories.race(db, factories.org(db), "Broken race")
    factories.user(db, "organizer@example.org", race.organization, "organizer")
    db.commit()
    write_voter_file(tmp_path / "county.csv", ROWS)
    with open(tmp_path / "county.csv", "rb") as stream:
        job_id = submit_upload(stream, "county.csv", lambda stored: start_voter_import(
            db, race, None, stored, None)).id
    worker = start_worker(FIELDAPP_IMPORT_BATCH_SIZE="2000")

    def helper_at_work():
        db.rollback()
        run = db.scalar(sa.select(ImportRun))
        return worker.children() if run is not None and run.resume_after_line > 0 else None

    for pid in wait_for(helper_at_work, 90, what="the helper process at work"):
        os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would

    def ended():
        db.rollback()
        job = db.get(Job, job_id)
        return job if job.state in ("finished", "failed") else None

    job = wait_for(ended, 60, every=0.2, what="the job to fail")
    run = db.scalar(sa.select(ImportRun))
    assert job.state == "failed" and run.status == "failed"
    assert job.error_line == run.resume_after_line + 1 > 2
    assert f"stopped at line {job.error_line:,}" in job.error and "helper process" in job.error
    assert sum(run.counts[b] for b in BUCKETS) == run.resume_after_line - 1  # what was kept
    assert count(db, Voter) == run.counts["voters_created"]
    auth.login("organizer@example.org")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f"(line {job.error_line:,} of the file)" in page and 'id="import-report"' in page
