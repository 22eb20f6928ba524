"""gunicorn settings for serving fieldapp (the README's production command):

    gunicorn -c python:fieldapp.gunicorn_conf -w 4 -b 127.0.0.1:8000 'fieldapp:create_app()'

The app is loaded once in the master (`preload_app`), so every worker is ready when the first
request comes, and what it made is frozen out of the garbage collector's reach before the
workers fork: otherwise each worker's full collection walks those ~130,000 objects, 50-90 ms
in which it answers nothing (the knocks queued on it went over 100 ms; benchmarks/README.md).
"""
from __future__ import annotations

import gc
import os

preload_app = True

# Threads, not gunicorn's default sync workers: a sync worker serves one connection at a time,
# so one client that opens a connection and sends nothing (a phone losing signal mid-request,
# a slow or hostile client) froze it for the whole 30-second timeout, knocks queued behind.
# A gthread worker keeps idle connections aside and serves the others from its threads
# (tests/functional/test_gunicorn_serving.py). FIELDAPP_THREADS sets how many per worker.
worker_class = "gthread"
threads = int(os.environ.get("FIELDAPP_THREADS", "8"))


def pre_fork(server, worker) -> None:
    """Move everything the master made out of the collector's reach (pages stay shared too)."""
    gc.freeze()
