"""Route many turfs at once: the same routes as one at a time, over the machine's cores.

A cut of 1,000,000 doors has about 20,000 turfs, each routed on its own (a Dijkstra, an open
path, a polyline). Worker processes are forked once the network, matches and doors are in
memory, so they read them without a copy; they are sent only (start, stop) ranges of turfs
and send back plain arrays (:func:`fieldapp.streets.routing.route_compact`). Routes come back
in turf order and each is computed by the same function as the serial path, so the result does
not depend on the number of workers. Small cuts, or a platform without ``fork``, route serially.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from fieldapp.forked import can_fork, fork_map, workers_default
from fieldapp.streets.distance import StreetDistances
from fieldapp.streets.routing import Route, _line, route_compact, route_of

PARALLEL_MIN_DOORS = 20_000   # below this, starting workers costs more than it saves
CHUNK_TURFS = 64              # turfs a task: few messages, yet both cores busy to the end

_job: dict = {}               # what forked workers read: set before the pool starts


def route_turfs(sd: StreetDistances, turfs: Sequence[np.ndarray], coords: np.ndarray,
                group_ids=None, units=None, workers: int | None = None,
                polyline: bool = True) -> Iterator[Route]:
    """Each turf's route (doors as indices into the match), in the order of `turfs`."""
    workers = workers_default() if workers is None else workers
    doors = sum(len(t) for t in turfs)
    serial = (workers <= 1 or len(turfs) < 2 * CHUNK_TURFS or doors < PARALLEL_MIN_DOORS
              or not can_fork())
    if serial:
        for members in turfs:
            yield route_of(*route_compact(sd, members, coords, group_ids, units,
                                          polyline=polyline))
        return
    yield from _parallel(sd, turfs, coords, group_ids, units, workers, polyline)


def _parallel(sd, turfs, coords, group_ids, units, workers, polyline) -> Iterator[Route]:
    """Forked workers route chunks of turfs; results in order."""
    if polyline:
        _line(sd, 0)  # segment geometry cached before the fork: shared, not built twice
    _job.update(sd=sd, turfs=turfs, coords=coords, group_ids=group_ids, units=units,
                polyline=polyline)
    chunks = [(i, min(i + CHUNK_TURFS, len(turfs))) for i in range(0, len(turfs), CHUNK_TURFS)]
    try:
        for batch in fork_map(_route_chunk, chunks, workers):
            for compact in batch:
                yield route_of(*compact)
    finally:
        _job.clear()


def _route_chunk(chunk: tuple[int, int]) -> list[tuple]:
    """In a worker: the compact routes of turfs[start:stop]."""
    j = _job
    return [route_compact(j["sd"], j["turfs"][k], j["coords"], j["group_ids"], j["units"],
                          polyline=j["polyline"]) for k in range(*chunk)]
