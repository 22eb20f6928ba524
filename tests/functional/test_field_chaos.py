"""The chaos benchmark's short run (benchmarks/field_chaos.py --quick): phones' outboxes against
a real gunicorn while turfs move, a proxy fails requests and a worker is killed; every knock a
phone created is stored once or held once, none lost or duplicated, none left on a phone."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_quick_chaos_run_loses_and_duplicates_nothing(kind):
    command = [sys.executable, str(ROOT / "benchmarks" / "field_chaos.py"), "--quick"]
    if kind == "postgresql":
        url = os.environ.get("FIELDAPP_TEST_DATABASE_URL")
        if not url:
            pytest.skip("FIELDAPP_TEST_DATABASE_URL is not set (PostgreSQL runs in CI)")
        command += ["--database", url]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert run.returncode in (0, 1), run.stderr[-3000:]
    result = json.loads(run.stdout)
    assert result["created"] >= 1000
    assert result["lost"] == 0 and result["duplicated"] == 0, result
    assert result["left_on_phones"] == 0, result
    assert result["stored_as_knocks"] + result["stored_as_held"] == result["created"]
    assert result["bad_items"] > 0 and result["stored_as_held"] >= result["bad_items"], result
    assert result["duplicates_answered"] > 0, result
    assert sum(result["injected"].values()) > 0 and result["chaos"]["workers_killed"] >= 1, result
    assert result["chaos"]["recuts"] >= 1 and result["chaos"]["takebacks"] >= 1, result
    assert run.returncode == 0
