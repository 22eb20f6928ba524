"""The offline worker's shell cache is named after the files it keeps."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from fieldapp import PROJECT_ROOT
from fieldapp.canvass.worker import WORKER, worker_script

NAME = re.compile(r'var SHELL = "fieldapp-shell-([0-9a-f]{12})";')


def _static_copy(tmp_path: Path) -> Path:
    static = tmp_path / "static"
    shutil.copytree(PROJECT_ROOT / "static", static)
    return static


def test_the_shell_name_follows_the_shell_files(tmp_path):
    static = _static_copy(tmp_path)
    first = NAME.search(worker_script(str(static))).group(1)
    assert NAME.search(worker_script(str(static))).group(1) == first  # stable while unchanged
    walk = static / "js" / "phone" / "walk.js"
    walk.write_text(walk.read_text() + "\n// a change\n")
    os.utime(walk, ns=(walk.stat().st_atime_ns, walk.stat().st_mtime_ns + 10**9))
    second = NAME.search(worker_script(str(static))).group(1)
    assert second != first
    unrelated = static / "css" / "sheet.css"  # not a shell file: no new name
    unrelated.write_text(unrelated.read_text() + "\n/* x */\n")
    assert NAME.search(worker_script(str(static))).group(1) == second


def test_the_worker_lists_only_files_that_exist():
    """A renamed or removed shell file would make every phone's install miss it."""
    text = (PROJECT_ROOT / "static" / WORKER).read_text()
    for name in re.findall(r'"/static/([^"]+\.(?:js|css))"', text):
        assert (PROJECT_ROOT / "static" / name).is_file(), name
