"""gunicorn hooks for both apps of benchmarks/knock_load.py (``--config``); a deployment
serving fieldapp with ``--preload`` wants the same.

With --preload the app's objects (fieldapp: about 130,000; the baseline: 30,000) are made in
the master. In each worker a full garbage collection (generation 2) then walks them all: 50-90
ms for fieldapp with both cores busy, time in which that worker answers nothing, and the knocks
queued on it took the single-knock p99 over 100 ms on PostgreSQL. Frozen before the fork they
are never walked again, and their memory pages stay shared with the master.
"""
from __future__ import annotations

import gc


def pre_fork(server, worker) -> None:
    """Move everything the master made so far out of the collector's reach."""
    gc.freeze()
