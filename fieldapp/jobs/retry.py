"""Try a failed job again: the same kind of work, for the same race, with the same input."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from fieldapp.errors import DomainError
from fieldapp.jobs.models import Job
from fieldapp.jobs.services import start_job
from fieldapp.jobs.uploads import StoredUpload

if TYPE_CHECKING:  # types only (jobs imports no domain)
    from fieldapp.auth.models import User


def retry_job(db: Session, job: Job, user: User | None) -> Job:
    """A new queued job like a failed one (flushed; the caller submits it).

    DomainError when the job has not failed, or its uploaded file is gone (swept after an
    hour): then the file must be uploaded again.
    """
    if job.state != "failed":
        raise DomainError("Only a failed job can be tried again.", {"job": "not failed"})
    upload = None
    if job.upload_path:
        if not Path(job.upload_path).exists():
            raise DomainError("The uploaded file is no longer kept: upload it again.",
                              {"job": "file gone"})
        upload = StoredUpload(Path(job.upload_path), job.upload_bytes or 0,
                              job.file_digest or "", job.filename or "")
    return start_job(db, job.kind, job.race, user, params=dict(job.params or {}),
                     upload=upload, max_attempts=job.max_attempts)
