"""Background jobs as JSON: one job's progress (what its page polls), and a race's jobs."""
from __future__ import annotations

from typing import Any

from flask import jsonify, url_for
from flask_login import current_user

from fieldapp import access
from fieldapp.api.blueprint import bp
from fieldapp.extensions import db
from fieldapp.jobs import kinds
from fieldapp.jobs.models import Job
from fieldapp.jobs.services import latest_jobs


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def job_json(job: Job) -> dict[str, Any]:
    """A job as the API returns it."""
    kind = kinds.get(job.kind)
    links = {"page": url_for("jobs.job_page", job_id=job.id)}
    if kind.links is not None:  # e.g. a voter import's report
        links.update(kind.links(db.session, job))
    return {
        "id": job.id, "kind": job.kind, "label": kind.label, "race_id": job.race_id,
        "state": job.state, "phase": job.phase, "done": job.done, "total": job.total,
        "unit": job.unit, "percent": job.percent, "filename": job.filename or None,
        "started_by": ({"id": job.user.id, "name": job.user.display_name}
                       if job.user else None),
        "attempts": job.attempts, "max_attempts": job.max_attempts,
        "created_at": _when(job.created_at), "started_at": _when(job.started_at),
        "finished_at": _when(job.finished_at),
        "error": {"message": job.error, "line": job.error_line} if job.error else None,
        "result": job.result, "links": links,
    }


@bp.get("/jobs/<int:job_id>")
def get_job(job_id: int):
    """One job: state, done of total, who started it, the error or the result (organizers)."""
    return jsonify(job_json(access.job_for_manager(db.session, current_user, job_id)))


@bp.get("/races/<int:race_id>/jobs")
def list_race_jobs(race_id: int):
    """The race's latest jobs, those under way first (organizers)."""
    race = access.race_for_manager(db.session, current_user, race_id)
    return jsonify({"jobs": [job_json(job) for job in latest_jobs(db.session, race.id, limit=50)]})
