"""Handing work to the workers from a page or a command: store the file, record, commit, queue.

These own the commit (they are what views and commands call), and they clean up after
themselves: a file whose job was refused is removed, and a job the queue would not take is
failed with the reason instead of waiting forever.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

from flask import current_app
from werkzeug.utils import secure_filename

from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.jobs import services
from fieldapp.jobs.models import Job
from fieldapp.jobs.queue import JobQueueDown, job_queue
from fieldapp.jobs.uploads import StoredUpload, save_upload, upload_folder


def store_upload(stream: BinaryIO, filename: str) -> StoredUpload:
    """Save an uploaded file for a job, under the configured caps."""
    config = current_app.config
    return save_upload(stream, upload_folder(config, current_app.instance_path), filename,
                       config["FIELDAPP_MAX_UPLOAD_BYTES"], config["FIELDAPP_UPLOAD_FOLDER_BYTES"])


def submit_upload(stream: BinaryIO, filename: str,
                  start: Callable[[StoredUpload], Job]) -> Job:
    """Store the file, let `start` check it and record its job, then commit and queue it."""
    upload = store_upload(stream, filename)
    try:
        job = start(upload)
    except BaseException:
        db.session.rollback()
        upload.remove()
        raise
    return submit(job)


def submit_form_upload(field, default_name: str,
                       start: Callable[[StoredUpload], Job]) -> Job | None:
    """A page's upload (a form's file field) handed to its job, as submit_upload; when it is
    refused, the reason is added to the field's errors and None comes back (nothing kept)."""
    upload = field.data
    try:
        return submit_upload(upload.stream, secure_filename(upload.filename or "") or default_name,
                             start)
    except DomainError as error:
        field.errors.append(error.message)
        return None


def submit(job: Job) -> Job:
    """Commit a recorded job and send it to the workers."""
    db.session.commit()
    try:
        job_queue.enqueue(job.id)
    except JobQueueDown as error:
        services.fail(db.session, job.id, None, f"{error} It was never started.")
        raise DomainError(f"{error} Nothing was started: try again in a minute, or tell "
                          "whoever runs this server.") from error
    return job
