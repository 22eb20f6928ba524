"""Voter imports and geocoding as background jobs: started by a page or the CLI, run by a worker.

A voter import is checked before it is queued (the file is CSV, not empty, has address
columns), then runs in batches; killed half-way, it goes on after its last committed line
(fieldapp/voters/imports/service.py), so the report counts every row exactly once. When a
geocoder is configured and the file left doors without coordinates, a geocoding job follows.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.i18n.marks import N_
from fieldapp.jobs import services as jobs
from fieldapp.jobs.kinds import JobKind
from fieldapp.jobs.models import Job
from fieldapp.jobs.queue import JobQueueDown, job_queue
from fieldapp.jobs.services import JobTakenOver
from fieldapp.jobs.uploads import StoredUpload, upload_of
from fieldapp.jobs.worker import JobProgress
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.voters.geocoding import geocode_missing, make_geocoder, missing_count
from fieldapp.voters.imports.runs import first_rejections
from fieldapp.voters.imports.service import (
    BUCKETS,
    ImportTakenOver,
    check_voter_file,
    import_voters,
)
from fieldapp.voters.models import ImportRun

VOTER_IMPORT_NAME, GEOCODE_NAME = "voter_import", "geocode"


def start_voter_import(db: Session, race: Race, user: User | None, upload: StoredUpload,
                       mapping: dict[str, str] | None) -> Job:
    """Check the stored file and record its import job (flushed; the caller commits and
    enqueues). DomainError when the file would be refused or the same file is under way."""
    with open(upload.path, "rb") as stream:
        column_set = check_voter_file(stream, mapping)
    return jobs.start_job(db, VOTER_IMPORT_NAME, race, user, upload=upload,
                          params={"mapping": mapping, "column_set": column_set},
                          max_attempts=current_app.config["FIELDAPP_JOB_MAX_ATTEMPTS"])


def count_lines(path: str, chunk: int = 1 << 20) -> int:
    """Newlines in a file (a million-row file in a fraction of a second): the rows to expect."""
    lines, last = 0, b"\n"
    with open(path, "rb") as stream:
        while block := stream.read(chunk):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def run_voter_import(db: Session, job: Job, progress: JobProgress) -> dict[str, Any]:
    """The job's file into its race; goes on with its earlier run when there is one."""
    path, race = upload_of(job.upload_path), db.get(Race, job.race_id)
    rows_expected = max(count_lines(path) - 1, 0)  # less the header
    job_id = job.id
    earlier_run = run_of(db, job_id)
    progress.update(total=rows_expected, phase="Importing rows" if earlier_run is None
                    else "Going on after the last committed row")

    def note_run(run_id: int) -> None:  # in the same transaction as the run itself
        db.execute(sa.update(ImportRun).where(ImportRun.id == run_id).values(job_id=job_id))

    try:
        with open(path, "rb") as stream:
            report = import_voters(
                db, race, stream, job.filename or "upload.csv", job.user,
                job.params.get("mapping"),
                batch_size=current_app.config["FIELDAPP_IMPORT_BATCH_SIZE"],
                progress=lambda _bytes, rows: progress.update(done=rows),
                resume_run_id=earlier_run, on_start=note_run)
    except ImportTakenOver as error:
        raise JobTakenOver(str(error)) from error
    except (DomainError, JobTakenOver, sa.exc.OperationalError):
        raise  # bad input; another worker's job now; a database blip (queued again)
    except Exception as error:  # said on the job's page, with the line
        raise _stopped_at(db, job_id, error) from error
    progress.update(done=report.rows, total=report.rows, force=True)
    result: dict[str, Any] = {"import_run_id": report.run_id, "rows": report.rows,
                              "counts": {k: report.counts[k] for k in BUCKETS},
                              "households_created": report.counts["households_created"]}
    result["geocode_job_id"] = _geocode_after(db, job, report.counts["not_geocoded"])
    return result


def run_of(db: Session, job_id: int) -> int | None:
    """The import run a job started (None before it started one)."""
    return db.scalar(sa.select(ImportRun.id).where(ImportRun.job_id == job_id)
                     .order_by(ImportRun.id.desc()).limit(1))


def fail_run(db: Session, job_id: int) -> None:
    """The job failed: its run, if a worker that died left it running, fails too."""
    db.execute(sa.update(ImportRun).where(ImportRun.job_id == job_id,
                                          ImportRun.status == "running")
               .values(status="failed", finished_at=utcnow()))


def import_report(db: Session, job: Job) -> dict[str, Any]:
    """What the job's page shows once the import ended: its run's report and first rejections."""
    run_id = run_of(db, job.id)
    run = db.get(ImportRun, run_id) if run_id is not None and not job.is_active else None
    return {"run": run, "run_id": run_id, "buckets": BUCKETS,
            "rejections": first_rejections(db, run.id) if run is not None else []}


def import_links(db: Session, job: Job) -> dict[str, str]:
    """The import's report page, once the job has a run."""
    run_id = run_of(db, job.id)
    if run_id is None:
        return {}
    return {"import_report": url_for("voters.import_page", race_id=job.race_id, run=run_id)}


def _stopped_at(db: Session, job_id: int, error: Exception) -> DomainError:
    """Why an import stopped, at which line of the file, and what is kept."""
    db.rollback()
    run_id = run_of(db, job_id)
    done = db.scalar(sa.select(ImportRun.resume_after_line).where(ImportRun.id == run_id)) or 1
    failure = DomainError(
        f"The import stopped at line {done + 1:,} of the file ({type(error).__name__}: "
        f"{str(error)[:300]}). The rows before it are imported and counted in the report; "
        "upload the file again to import the rest (rows already in count as unchanged).")
    failure.line = done + 1  # type: ignore[attr-defined]
    return failure


def _geocode_after(db: Session, job: Job, not_geocoded: int) -> int | None:
    """Queue geocoding of the doors the file left without coordinates, when a geocoder is
    configured and no geocoding of the race is under way; its job id."""
    if not not_geocoded or make_geocoder(current_app.config) is None:
        return None
    try:
        follow = jobs.start_job(db, GEOCODE_NAME, job.race, job.user, params={})
    except jobs.JobAlreadyRunning as running:
        return running.job_id
    db.commit()
    try:
        job_queue.enqueue(follow.id)
    except JobQueueDown as error:
        jobs.fail(db, follow.id, None, str(error))
    return follow.id


def start_geocode(db: Session, race: Race, user: User | None, limit: int | None = None) -> Job:
    """Record a geocoding job for the race's doors without coordinates (the caller commits
    and enqueues); DomainError when no geocoder is configured or nothing needs it."""
    if make_geocoder(current_app.config) is None:
        raise DomainError("No geocoder is configured (FIELDAPP_GEOCODER=none): place the doors "
                          "by hand, or load the Census batch geocoder's answer.")
    if not missing_count(db, race):
        raise DomainError("Every door of this race has coordinates: nothing to geocode.")
    return jobs.start_job(db, GEOCODE_NAME, race, user, params={"limit": limit},
                          max_attempts=current_app.config["FIELDAPP_JOB_MAX_ATTEMPTS"])


def run_geocode(db: Session, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Geocode the race's doors without coordinates (cached; committed every 100 doors)."""
    geocoder = make_geocoder(current_app.config)
    if geocoder is None:
        raise DomainError("No geocoder is configured on this worker (FIELDAPP_GEOCODER=none).")
    race, limit = db.get(Race, job.race_id), job.params.get("limit")
    todo = missing_count(db, race)
    total = min(todo, limit) if limit else todo
    progress.update(done=0, total=total, phase=f"Geocoding with {geocoder.name}")
    handled = 0

    def step(done: int) -> None:
        nonlocal handled
        handled += done
        progress.update(done=handled)

    report = geocode_missing(db, race, geocoder, limit=limit, progress=step)
    if report.stopped:
        raise DomainError(f"Geocoding stopped: {report.stopped} ({report.summary()})")
    return {"summary": report.summary(), **report.as_dict()}


VOTER_IMPORT = JobKind(VOTER_IMPORT_NAME, N_("Voter import"), "rows", run_voter_import,
                       per_file=True, on_failure=fail_run,
                       report_template="voters/_import_job.html", report=import_report,
                       links=import_links)
GEOCODE = JobKind(GEOCODE_NAME, N_("Geocoding"), "doors", run_geocode,
                  report_template="voters/_geocode_job.html")
