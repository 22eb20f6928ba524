"""A job's page: its live progress bar and, when it ends, its report (organizers)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.forms import EmptyForm
from fieldapp.jobs import kinds
from fieldapp.jobs.blueprint import bp
from fieldapp.jobs.retry import retry_job
from fieldapp.jobs.submit import submit


@bp.route("/<int:job_id>")
@login_required
def job_page(job_id: int):
    """Who started what, how far it is (updated live from GET /api/v1/jobs/<id>), the result."""
    job = access.job_for_manager(db.session, current_user, job_id)
    kind = kinds.get(job.kind)
    report = kind.report(db.session, job) if kind.report else {}
    return render_template("jobs/job.html", job=job, kind=kind, race=job.race,
                           button=EmptyForm(), **report)


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
