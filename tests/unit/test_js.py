"""The pure functions of static/js (outbox batches, aligned, FieldMaps.decodeDoors), tested in
Node's own test runner (tests/js/*.test.js, no npm packages): run here so `make test` runs them."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = sorted((Path(__file__).resolve().parents[1] / "js").glob("*.test.js"))
NODE = shutil.which("node")


def _node_major() -> int:
    if NODE is None:
        return 0
    version = subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout
    return int(version.strip().lstrip("v").split(".")[0] or 0)


@pytest.mark.skipif(_node_major() < 18, reason="Node.js 18+ is missing (`node --test`): the "
                    "unit tests of static/js in tests/js are not run; install Node.js 20")
def test_static_js_units():
    assert JS_TESTS, "no tests/js/*.test.js found"
    result = subprocess.run([NODE, "--test", *map(str, JS_TESTS)], capture_output=True,
                            text=True, timeout=300)
    failed = [line for line in result.stdout.splitlines() if line.startswith("not ok")]
    assert result.returncode == 0, "\n".join(failed) + "\n" + result.stdout[-6000:] + result.stderr
