"""A district boundary import as a background job: the GeoJSON file checked, saved, reported."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.i18n.marks import N_
from fieldapp.jobs import services as jobs
from fieldapp.jobs.kinds import JobKind
from fieldapp.jobs.models import Job
from fieldapp.jobs.uploads import StoredUpload, upload_of
from fieldapp.jobs.worker import JobProgress
from fieldapp.races.districts import load_district, parse_district
from fieldapp.races.models import Race

DISTRICT_IMPORT_NAME = "district_import"


def start_district_import(db: Session, race: Race, user: User | None,
                          upload: StoredUpload) -> Job:
    """Check the stored GeoJSON (DomainError saying what is wrong) and record the job
    (flushed; the caller commits and enqueues); one per race at a time."""
    with open(upload.path, "rb") as stream:
        parse_district(stream.read(), race.ocd_division_id)
    return jobs.start_job(db, DISTRICT_IMPORT_NAME, race, user, upload=upload,
                          max_attempts=current_app.config["FIELDAPP_JOB_MAX_ATTEMPTS"])


def run_district_import(db: Session, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Parse, repair and save the boundary; count the doors outside it."""
    path = upload_of(job.upload_path)
    progress.update(done=0, total=2, phase="Reading the boundary")
    with open(path, "rb") as stream:
        raw = stream.read()
    progress.update(done=1, phase="Saving the boundary and counting the doors outside it")
    report = load_district(db, db.get(Race, job.race_id), raw)
    db.commit()
    progress.update(done=2, force=True)
    return {"summary": report.summary(), "messages": report.messages,
            "households_geocoded": report.households_geocoded,
            "households_outside": report.households_outside, "area_km2": report.area_km2,
            "repaired": report.repaired}


DISTRICT_IMPORT = JobKind(DISTRICT_IMPORT_NAME, N_("District boundary import"), "steps", run_district_import,
                           report_template="races/_district_job.html")
