"""Every domain's kinds of background job, registered with the generic jobs package.

Called by create_app, so the web processes and `flask jobs worker` (which runs in an app made
by create_app) know the same kinds. Like cli.py, this module composes the domains; each kind
(its runner, failure hook and report) is declared in its domain's jobs.py.
"""
from __future__ import annotations

from fieldapp.jobs import kinds
from fieldapp.races.jobs import DISTRICT_IMPORT
from fieldapp.streets.jobs import STREET_IMPORT
from fieldapp.turf.jobs import TURF_CUT
from fieldapp.voters.jobs import GEOCODE, VOTER_IMPORT

ALL = (VOTER_IMPORT, DISTRICT_IMPORT, TURF_CUT, GEOCODE, STREET_IMPORT)


def register_job_kinds() -> None:
    """Register each domain's kinds of job (again: no change)."""
    for kind in ALL:
        kinds.register(kind)
