"""The kinds of job, registered by the domains that bring them: what each is called, what it
counts, the function that runs it, what to undo when it fails and how its page reports it.

A runner is `run(db, job, progress) -> result dict`; it lives beside the services it calls
(fieldapp/<domain>/jobs.py), commits its own work, and raises DomainError for input that
cannot be used (the job then fails with that message, without retrying). Each domain declares
its kinds there; fieldapp/job_kinds.py registers them when the app is created (the web
processes and `flask jobs worker` alike). This package names no domain.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class JobKind:
    """One kind of job.

    `on_failure(db, job_id)` runs in the transaction that marks the job failed (whoever fails
    it: the worker, recovery after a dead worker); `report_template` is included by the job's
    page with what `report(db, job)` returns; `links(db, job)` adds links to the job's JSON.
    """

    name: str
    label: str
    unit: str
    runner: Callable[..., dict[str, Any]]
    per_file: bool = False  # the same file may not run twice at once; other files may
    on_failure: Callable[..., None] | None = None
    report_template: str | None = None
    report: Callable[..., dict[str, Any]] | None = None
    links: Callable[..., dict[str, str]] | None = None

    def active_key(self, race_id: int, digest: str | None) -> str:
        """What may run only once at a time: this kind for this race (and this file)."""
        return f"{self.name}:{race_id}:{digest}" if self.per_file else f"{self.name}:{race_id}"


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Add a kind of job; the registered one (registering the same kind again changes nothing)."""
    known = KINDS.setdefault(kind.name, kind)
    if known != kind:
        raise ValueError(f"Two kinds of job are called {kind.name!r}.")
    return known


def get(name: str) -> JobKind:
    """The registered kind called name; KeyError naming it when no domain registered it."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"No kind of job {name!r} is registered (see fieldapp/job_kinds.py).") \
            from None
