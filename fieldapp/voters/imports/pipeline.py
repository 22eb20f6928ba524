"""Preparing an import's batches (read, clean, district test) beside the writing of them.

`prepare` turns a CsvSource into `Batch`es: the clean rows to write, the rows refused (with
line numbers), how far into the file it is and the encodings met. It touches no database, so
it can run ahead of the writer, on one of two helpers:

- `ReadAhead`: a thread, for uploads and small files. Preparing is pure Python and holds the
  GIL, but the writer spends part of its time in the database driver's C code, which does not:
  measured about 20% faster than preparing in line (200,000 rows into SQLite).
- `HelperProcess`: a process of its own (spawned: a fresh interpreter, no inherited locks or
  database connections) that opens the file by path, for files of HELPER_PROCESS_BYTES and
  more. Preparing then runs on the second core, and the import writes as fast as the
  database takes rows: 20-30% faster again (benchmarks/import_voters.py).

Either way only a batch or two wait, so memory does not grow with the file; an exception in
the helper is raised in the importer, and `close()` stops the helper. A helper killed half-way
(the OOM killer) stops the import with an error, and a helper whose importer was killed (kill
-9 of a job worker) exits: neither waits forever for the other.

`skip_through_line` leaves out the rows that start on or before that line: an import that
goes on after a stop reads the file again but does not write or count those rows twice.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection

import numpy as np
import shapely
from shapely.geometry import shape

from fieldapp.voters.imports.columns import resolve_columns
from fieldapp.voters.imports.reader import CsvSource, Rejection
from fieldapp.voters.imports.rows import CleanRow, RowCleaner, raw_excerpt

HELPER_PROCESS_BYTES = 8 * 1024 * 1024  # about 100,000 rows
_POLL_SECONDS = 0.2


@dataclass
class Batch:
    """One prepared batch: rows to write, rows refused (by line), file position, encoding."""

    rows: list[CleanRow]
    problems: list[Rejection]
    bytes_read: int
    encoding: str
    last_line: int = 0  # the line the batch's last row starts on


class DistrictTest:
    """Which points fall inside the race's district (all of them when it has none)."""

    def __init__(self, geojson: dict | None) -> None:
        self.geometry = shape(geojson) if geojson else None
        if self.geometry is not None:
            shapely.prepare(self.geometry)

    def outside(self, rows: list) -> list[bool]:
        """For each row (anything with lat and lon), True when its coordinates are outside
        the district (the boundary is in)."""
        if self.geometry is None:
            return [False] * len(rows)
        located = [i for i, row in enumerate(rows) if row.lat is not None]
        flags = [False] * len(rows)
        if located:
            lon = np.fromiter((rows[i].lon for i in located), float, len(located))
            lat = np.fromiter((rows[i].lat for i in located), float, len(located))
            inside = shapely.intersects_xy(self.geometry, lon, lat)
            for i, ok in zip(located, inside.tolist()):
                flags[i] = not ok
        return flags


def in_batches(items: Iterable, size: int) -> Iterator[list]:
    """Lists of at most size items, streamed."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _line_of(item: tuple | Rejection) -> int:
    return item.line_number if isinstance(item, Rejection) else item[0]


def prepare(source: CsvSource, cleaner: RowCleaner, district: DistrictTest,
            batch_size: int, skip_through_line: int = 0) -> Iterator[Batch]:
    """The file's rows cleaned and tested against the district, batch by batch (the rows
    starting on or before skip_through_line left out)."""
    items_of_file: Iterable = source.rows(as_dicts=False)
    if skip_through_line:
        items_of_file = (i for i in items_of_file if _line_of(i) > skip_through_line)
    for items in in_batches(items_of_file, batch_size):
        rows: list[CleanRow] = []
        problems: list[Rejection] = []
        for item in items:
            if isinstance(item, Rejection):
                problems.append(item)
                continue
            clean = cleaner.clean(*item)
            (problems if isinstance(clean, Rejection) else rows).append(clean)
        outside = district.outside(rows)
        if any(outside):
            for row in (r for r, out in zip(rows, outside) if out):
                problems.append(Rejection(row.line_number, "outside_district",
                                          "The coordinates are outside the race's district.",
                                          raw_excerpt(row.record)))
            rows = [r for r, out in zip(rows, outside) if not out]
        problems.sort(key=lambda p: p.line_number)
        yield Batch(rows, problems, source.bytes_read, source.encoding, _line_of(items[-1]))


class ReadAhead:
    """Iterate `batches` in a worker thread, up to `depth` items ahead of the consumer."""

    def __init__(self, batches: Iterator[Batch], depth: int = 2) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(batches,), daemon=True,
                                        name="import-read-ahead")
        self._thread.start()

    def _put(self, item) -> bool:
        """Queue item unless stopped; False when the consumer has gone."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, batches: Iterator[Batch]) -> None:
        try:
            for batch in batches:
                if not self._put(batch):
                    return
        except BaseException as error:  # noqa: BLE001 (handed to the consumer)
            self._put(error)
            return
        self._put(None)

    def __iter__(self) -> ReadAhead:
        return self

    def __next__(self) -> Batch:
        item = self._queue.get()
        return _unwrap(item, self.close)

    def close(self) -> None:
        """Stop the worker (it may be waiting on a full queue) and wait for it."""
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass(frozen=True)
class PrepareJob:
    """What the helper process needs to prepare a file on its own."""

    path: str
    mapping: dict[str, str] | None
    centre: tuple[float, float] | None
    district: dict | None
    batch_size: int
    skip_through_line: int = 0


def _send(out: Connection, item) -> None:
    """Send item to the importer; exit quietly if the importer is gone (the pipe is broken:
    it held the only reading end)."""
    try:
        out.send(item)
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)


def _helper_main(job: PrepareJob, out: Connection) -> None:
    """The helper process: prepare the file's batches and send them (None at the end)."""
    try:
        with open(job.path, "rb") as stream:
            source = CsvSource(stream)
            columns = resolve_columns(source.header, job.mapping)
            cleaner = RowCleaner(columns, job.centre, source.header)
            for batch in prepare(source, cleaner, DistrictTest(job.district), job.batch_size,
                                 job.skip_through_line):
                for row in batch.rows:
                    row.record = ()  # only needed for a district refusal, made here
                _send(out, batch)
        _send(out, None)
    except BaseException as error:  # noqa: BLE001 (handed to the importer)
        try:
            pickle.dumps(error)
        except Exception:  # noqa: BLE001 (an exception that does not pickle)
            error = RuntimeError(f"voter import helper failed: {error!r}")
        _send(out, error)


class HelperProcess:
    """Iterate the batches a spawned helper process prepares from the file at job.path.

    They come through a one-way pipe whose writing end only the helper holds: if the helper
    dies, even half-way through sending a batch, the importer reads end-of-file and stops
    with an error instead of waiting forever; if the importer dies, the helper's next send
    fails and it exits. While the importer writes one batch the helper prepares the next.
    """

    def __init__(self, job: PrepareJob) -> None:
        context = multiprocessing.get_context("spawn")
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(target=_helper_main, args=(job, writer),
                                        daemon=True, name="fieldapp-import-helper")
        self._process.start()
        writer.close()  # the helper has its own copy; this one would hide its death

    def __iter__(self) -> HelperProcess:
        return self

    def __next__(self) -> Batch:
        try:
            item = self._reader.recv()
        except (EOFError, OSError):
            self.close()
            raise RuntimeError("The voter import helper process stopped (exit code "
                               f"{self._process.exitcode}).") from None
        return _unwrap(item, self.close)

    def close(self) -> None:
        """Stop the helper and reap it."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(timeout=5)
        self._reader.close()


def _unwrap(item, close) -> Batch:
    """A batch; StopIteration at the end; a helper's exception raised here."""
    if isinstance(item, Batch):
        return item
    close()
    if item is None:
        raise StopIteration
    raise item
