"""Run independent pieces of work over the machine's cores, in forked worker processes.

Workers are forked, so they read what the parent has in memory (a street network, a cut's
arrays) without a copy; each task and its result travel pickled. Tasks start heaviest first
(a long task started last would leave one core idle at the end), and results come back in the
tasks' order, so the outcome does not depend on the number of workers. With one worker, or on
a platform without ``fork``, everything runs here, one task after another.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any


def workers_default() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked here."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(fn: Callable[[Any], Any], tasks: Sequence[Any], workers: int,
             weights: Sequence[float] | None = None,
             done: Callable[[int], None] | None = None) -> list[Any]:
    """[fn(task) for task in tasks], over `workers` forked processes (heaviest first by
    `weights`), in the tasks' order; `done(i)` after task i's result is in (for progress).
    `fn` must be a module-level function."""
    if workers <= 1 or len(tasks) < 2 or not can_fork():
        out = []
        for i, t in enumerate(tasks):
            out.append(fn(t))
            if done:
                done(i)
        return out
    order = sorted(range(len(tasks)), key=lambda i: -(weights[i] if weights else 0))
    results: list[Any] = [None] * len(tasks)
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=ctx) as pool:
        futures = {i: pool.submit(fn, tasks[i]) for i in order}
        for i in range(len(tasks)):
            results[i] = futures[i].result()
            if done:
                done(i)
    return results
