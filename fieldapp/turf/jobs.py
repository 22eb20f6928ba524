"""An automatic cut of a race as a background job: cut, routed, saved, summarised."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.i18n.marks import N_
from fieldapp.jobs import services as jobs
from fieldapp.jobs.kinds import JobKind
from fieldapp.jobs.models import Job
from fieldapp.jobs.worker import JobProgress
from fieldapp.races.models import Race
from fieldapp.turf import services

TURF_CUT_NAME = "turf_cut"


def start_turf_cut(db: Session, race: Race, user: User | None, doors: int,
                   replace: bool, *, scope: str | None = None, outcomes: tuple[str, ...] = (),
                   include_outside: bool = False) -> Job:
    """Record the cut (flushed; the caller commits and enqueues); one per race at a time.
    DomainError at once for a size out of range, an unknown scope or nothing to cut.
    Scopes other than "free" retire or shrink turfs: the pages ask first (turf.recut_views)."""
    services.check_target(doors)
    scope = scope or ("all" if replace else "free")
    services.check_something_to_cut(db, race, scope=scope, outcomes=tuple(outcomes),
                                    include_outside=include_outside)
    return jobs.start_job(db, TURF_CUT_NAME, race, user,
                          params={"doors": doors, "replace": scope == "all", "scope": scope,
                                  "outcomes": list(outcomes),
                                  "include_outside": bool(include_outside)},
                          max_attempts=current_app.config["FIELDAPP_JOB_MAX_ATTEMPTS"])


def run_turf_cut(db: Session, job: Job, progress: JobProgress) -> dict[str, Any]:
    """Cut the race's free doors (or all, with replace) and route every turf."""
    progress.update(done=0, phase="Cutting the race into turfs")

    def routed(done: int, total: int) -> None:
        progress.update(done=done, total=total, phase="Routing each turf's walk")

    summary = services.cut_race(db, db.get(Race, job.race_id), job.params["doors"], job.user,
                                replace=job.params.get("replace", False), progress=routed,
                                scope=job.params.get("scope"),
                                outcomes=tuple(job.params.get("outcomes", ())),
                                include_outside=job.params.get("include_outside", False))
    db.commit()
    return summary.as_json()


TURF_CUT = JobKind(TURF_CUT_NAME, N_("Automatic turf cut"), "turfs", run_turf_cut,
                    report_template="turf/_cut_job.html")
