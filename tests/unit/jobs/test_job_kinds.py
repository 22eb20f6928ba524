"""The registry of job kinds: each domain registers its own; jobs/ knows none of them."""
from __future__ import annotations

import pytest

from fieldapp import create_app
from fieldapp.job_kinds import ALL
from fieldapp.jobs import kinds
from fieldapp.jobs.kinds import JobKind


def _run(db, job, progress):
    return {}


def test_create_app_registers_every_domains_kinds():
    create_app("testing")
    assert {kind.name for kind in ALL} <= set(kinds.KINDS)
    assert kinds.get("voter_import").runner.__module__ == "fieldapp.voters.jobs"
    assert kinds.get("turf_cut").report_template == "turf/_cut_job.html"


def test_registering_the_same_kind_again_changes_nothing():
    kind = JobKind("test_same_again", "Test", "steps", _run)
    assert kinds.register(kind) is kinds.register(JobKind("test_same_again", "Test", "steps", _run))
    assert kinds.get("test_same_again") == kind


def test_two_different_kinds_may_not_share_a_name():
    kinds.register(JobKind("test_clash", "Test", "steps", _run))
    with pytest.raises(ValueError, match="test_clash"):
        kinds.register(JobKind("test_clash", "Other", "rows", _run))


def test_an_unknown_kind_is_named():
    with pytest.raises(KeyError, match="no_such_kind"):
        kinds.get("no_such_kind")


def test_per_file_kinds_key_on_the_file():
    kind = JobKind("test_files", "Test", "rows", _run, per_file=True)
    assert kind.active_key(3, "abc") == "test_files:3:abc"
    assert JobKind("test_race", "Test", "rows", _run).active_key(3, "abc") == "test_race:3"
