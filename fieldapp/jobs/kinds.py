"""The kinds of job: what each is called, what it counts, and the function that runs it.

A runner is `run(db, job, progress) -> result dict`; it lives beside the services it calls
(fieldapp/<domain>/jobs.py), commits its own work, and raises DomainError for input that
cannot be used (the job then fails with that message, without retrying).
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    """One kind of job."""

    name: str
    label: str
    unit: str
    runner_path: str  # "module:function"
    per_file: bool = False  # the same file may not run twice at once; other files may

    def active_key(self, race_id: int, digest: str | None) -> str:
        """What may run only once at a time: this kind for this race (and this file)."""
        return f"{self.name}:{race_id}:{digest}" if self.per_file else f"{self.name}:{race_id}"

    @property
    def runner(self) -> Callable[..., dict[str, Any]]:
        """The function that does the work."""
        module, function = self.runner_path.split(":")
        return getattr(importlib.import_module(module), function)


VOTER_IMPORT = JobKind("voter_import", "Voter import", "rows",
                       "fieldapp.voters.jobs:run_voter_import", per_file=True)
DISTRICT_IMPORT = JobKind("district_import", "District boundary import", "steps",
                          "fieldapp.races.jobs:run_district_import")
TURF_CUT = JobKind("turf_cut", "Automatic turf cut", "turfs", "fieldapp.turf.jobs:run_turf_cut")
GEOCODE = JobKind("geocode", "Geocoding", "doors", "fieldapp.voters.jobs:run_geocode")
STREET_IMPORT = JobKind("street_import", "Street network import", "steps",
                        "fieldapp.streets.jobs:run_street_import")

KINDS = {kind.name: kind for kind in (VOTER_IMPORT, DISTRICT_IMPORT, TURF_CUT, GEOCODE,
                                      STREET_IMPORT)}
