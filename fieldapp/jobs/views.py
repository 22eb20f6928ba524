"""A job's page: its live progress bar and, when it ends, its report (organizers)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from fieldapp.auth import access
from fieldapp.auth.forms import EmptyForm
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.jobs.blueprint import bp
from fieldapp.jobs.kinds import KINDS, VOTER_IMPORT
from fieldapp.jobs.retry import retry_job
from fieldapp.jobs.submit import submit
from fieldapp.voters.imports.runs import first_rejections
from fieldapp.voters.imports.service import BUCKETS
from fieldapp.voters.models import ImportRun


@bp.route("/<int:job_id>")
@login_required
def job_page(job_id: int):
    """Who started what, how far it is (updated live from GET /api/v1/jobs/<id>), the result."""
    job = access.job_for_manager(db.session, current_user, job_id)
    run = db.session.get(ImportRun, job.import_run_id) if job.import_run_id else None
    shown = run is not None and job.kind == VOTER_IMPORT.name and not job.is_active
    return render_template("jobs/job.html", job=job, kind=KINDS[job.kind], race=job.race,
                           run=run if shown else None, buckets=BUCKETS,
                           rejections=first_rejections(db.session, run.id) if shown else [],
                           button=EmptyForm())


@bp.route("/<int:job_id>/retry", methods=["POST"])
@login_required
def retry(job_id: int):
    """Try a failed job again with the same input; its new page follows it."""
    job = access.job_for_manager(db.session, current_user, job_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("jobs.job_page", job_id=job.id))
    try:
        again = submit(retry_job(db.session, job, current_user))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("jobs.job_page", job_id=job.id))
    return redirect(url_for("jobs.job_page", job_id=again.id))
