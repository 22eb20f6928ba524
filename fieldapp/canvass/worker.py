"""The phone's offline worker script, with its shell cache named after the files it keeps.

A phone keeps the app shell (phone CSS and JS, vendored Leaflet) in a cache that the worker
names; a new name makes every phone drop the old files at once. Naming it by hand ("bump the
version when these files change") was one forgotten edit away from phones running old code
against a new server. The name is now a digest of the files themselves.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

WORKER = Path("js") / "phone" / "sw.js"
SHELL_NAME = '"fieldapp-shell-v1"'  # the placeholder in sw.js
_STATIC_FILE = re.compile(r'"/static/([^"]+\.(?:js|css|webmanifest|svg|png))"')


def worker_script(static_folder: str) -> str:
    """sw.js with its shell cache named by a digest of the shell files (re-read when any
    of them changes on disk)."""
    root = Path(static_folder)
    source = root / WORKER
    files = [root / name for name in _STATIC_FILE.findall(source.read_text(encoding="utf-8"))]
    stamps = tuple((str(path), path.stat().st_mtime_ns) for path in [source, *files]
                   if path.is_file())
    return _versioned(stamps)


@lru_cache(maxsize=4)
def _versioned(stamps: tuple[tuple[str, int], ...]) -> str:
    source, *files = (Path(path) for path, _mtime in stamps)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    text = source.read_text(encoding="utf-8")
    return text.replace(SHELL_NAME, f'"fieldapp-shell-{digest.hexdigest()[:12]}"', 1)
