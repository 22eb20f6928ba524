"""A street network import as a background job: the file read, checked, built, matched, saved."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.errors import DomainError
from fieldapp.i18n.marks import N_
from fieldapp.jobs import services as jobs
from fieldapp.jobs.kinds import JobKind
from fieldapp.jobs.models import Job
from fieldapp.jobs.uploads import StoredUpload, upload_of
from fieldapp.jobs.worker import JobProgress
from fieldapp.races.models import Race
from fieldapp.streets.checks import StreetFileError
from fieldapp.streets.services import import_streets, sniff_format

STREET_IMPORT_NAME = "street_import"

STEPS = 4


def start_street_import(db: Session, race: Race, user: User | None,
                        upload: StoredUpload) -> Job:
    """Check that the stored file is a street file at all (DomainError at once) and record the
    job (flushed; the caller commits and enqueues); one per race at a time."""
    try:
        sniff_format(upload.path)
    except StreetFileError as error:
        raise DomainError(str(error), {"file": "not a street file"}) from None
    return jobs.start_job(db, STREET_IMPORT_NAME, race, user, upload=upload,
                          max_attempts=current_app.config["FIELDAPP_JOB_MAX_ATTEMPTS"])


def run_street_import(db: Session, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Import the street file into the job's race; its turfs stay as they are."""
    path = upload_of(job.upload_path)

    def step(done: int, phase: str) -> None:
        progress.update(done=done, total=STEPS, phase=phase)

    report = import_streets(db, db.get(Race, job.race_id), path, job.filename, job.user,
                            progress=step)
    db.commit()
    progress.update(done=STEPS, force=True)
    return report.as_json()


STREET_IMPORT = JobKind(STREET_IMPORT_NAME, N_("Street network import"), "steps", run_street_import,
                         report_template="streets/_import_job.html")
