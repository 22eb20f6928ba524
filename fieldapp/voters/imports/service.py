"""`import_voters`: a voter file into a race, in batches, with a report of every row.

The file is opened and its columns recognised before anything is written: a file that is not
CSV, or lacks an address or a city/ZIP column, raises DomainError and leaves no trace. Then an
ImportRun is recorded and the rows are streamed in batches of `batch_size`.

Every data row ends in exactly one bucket (BUCKETS): imported, merged, not_geocoded, updated,
unchanged (see writer.py), outside_district (coordinates outside race.district: not imported)
or rejected (reader.py, rows.py). Rejected and out-of-district rows are stored as
ImportRejection rows with their line number, so the report can list them all.

Unlike other services this one commits, once per batch (with that batch's rejections, the
run's running counts and the last line done, `resume_after_line`): a long import must not
hold SQLite's single write lock for its whole length, and a crash keeps the batches already
done. `resume_run_id` goes on with such a run after its last committed line, so a job whose
worker was killed finishes the file with every row counted exactly once; the checkpoint
moves only from the value this import last wrote, so two workers can never both count a batch.
Nothing personal is logged.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.races.models import Race
from fieldapp.voters.imports.columns import resolve_columns
from fieldapp.voters.imports.pipeline import (
    HELPER_PROCESS_BYTES,
    DistrictTest,
    HelperProcess,
    PrepareJob,
    ReadAhead,
    prepare,
)
from fieldapp.voters.imports.reader import CsvSource, Rejection
from fieldapp.voters.imports.rows import CleanRow, RowCleaner
from fieldapp.voters.imports.writer import BatchResult, BatchWriter
from fieldapp.voters.models import ImportRun

log = logging.getLogger("fieldapp.imports")

BUCKETS = ("imported", "merged", "not_geocoded", "updated", "unchanged", "outside_district",
           "rejected")
SHOWN_REJECTIONS = 20


@dataclass
class ImportReport:
    """The outcome of one import: counts per bucket and the first rejected rows."""

    run_id: int
    column_set: str
    encoding: str
    counts: dict[str, Any]
    rejections: list[Rejection] = field(default_factory=list)  # the first SHOWN_REJECTIONS
    prepared_in: str = "thread"  # or "process" (see pipeline.py)

    @property
    def rows(self) -> int:
        """Data rows read (every one is in exactly one bucket)."""
        return sum(self.counts[bucket] for bucket in BUCKETS)


def check_voter_file(fileobj: BinaryIO, mapping: dict[str, str] | None = None) -> str:
    """The column set a file would be read with, from its first bytes and header alone;
    DomainError saying what is wrong when it would be refused (not CSV, empty, no address)."""
    return resolve_columns(CsvSource(fileobj).header, mapping).column_set


def import_voters(db: Session, race: Race, fileobj: BinaryIO, filename: str, user=None,
                  mapping: dict[str, str] | None = None, batch_size: int = 5000,
                  progress: Callable[[int, int], None] | None = None,
                  geocode: Callable[[Session, Race], int] | None = None,
                  helper_process: bool | None = None, resume_run_id: int | None = None,
                  on_start: Callable[[int], None] | None = None) -> ImportReport:
    """Import a voter file into race; `progress(bytes_read, rows_done)` after each batch.

    `geocode(db, race) -> households geocoded` runs once at the end when given (for doors the
    file left without coordinates). Raises DomainError, writing nothing, when the file is refused.
    `helper_process`: prepare batches in a helper process (True), a thread (False), or decide
    by the file (None: a process for a file on disk of HELPER_PROCESS_BYTES or more).
    `resume_run_id`: go on with that run of this file after its last committed line.
    `on_start(run_id)` runs in the transaction that records the run (a job notes its run).
    """
    source = CsvSource(fileobj)
    columns = resolve_columns(source.header, mapping)
    centre = (race.centre_lat, race.centre_lon) if race.centre_lat is not None else None
    path = _path_of(fileobj)
    if helper_process is None:
        helper_process = path is not None and os.path.getsize(path) >= HELPER_PROCESS_BYTES
    if helper_process and path is None:
        raise ValueError("a helper process reads the file by its path: this one has none")
    run = _open_run(db, race, filename, user, columns.column_set, resume_run_id, on_start)
    counts: dict[str, Any] = dict(run.counts)
    run_id, race_id, checkpoint = run.id, race.id, run.resume_after_line
    writer = BatchWriter(db, race_id, run_id)
    shown: list[Rejection] = []
    if helper_process:
        batches = HelperProcess(PrepareJob(path, mapping, centre, race.district, batch_size,
                                           checkpoint))
    else:
        cleaner = RowCleaner(columns, centre, source.header)
        batches = ReadAhead(prepare(source, cleaner, DistrictTest(race.district), batch_size,
                                    checkpoint))
    encoding = source.encoding
    restore_cache = _grow_sqlite_cache(db)
    try:
        for number, batch in enumerate(batches, start=1):
            problems = batch.problems
            result = _write_batch(db, writer, batch.rows, problems)
            _add(counts, result, problems)
            counts["encoding"] = encoding = batch.encoding  # of the whole file read so far
            _advance(db, run_id, checkpoint, batch.last_line, counts)
            checkpoint = batch.last_line
            if number & (number - 1) == 0:  # batches 1, 2, 4, 8...: while the tables grow
                refresh_statistics(db)
            db.commit()
            shown.extend(problems[:SHOWN_REJECTIONS - len(shown)])
            if progress:
                progress(batch.bytes_read, sum(counts[b] for b in BUCKETS))
    except BaseException:
        batches.close()
        db.rollback()
        restore_cache()
        # Unless another import went on with the run meanwhile, it stops here, failed.
        db.execute(sa.update(ImportRun).where(
            ImportRun.id == run_id, ImportRun.resume_after_line == checkpoint).values(
            status="failed", finished_at=dt.datetime.now(dt.UTC)))
        db.commit()
        raise
    restore_cache()
    counts["encoding"] = encoding
    if geocode is not None:
        counts["geocoded"] = int(geocode(db, db.get(Race, race_id)) or 0)
    db.execute(sa.update(ImportRun).where(ImportRun.id == run_id).values(
        status="finished", counts=counts, finished_at=dt.datetime.now(dt.UTC)))
    db.commit()
    log.info("voter import run=%s race=%s rows=%s rejected=%s", run_id, race_id,
             sum(counts[b] for b in BUCKETS), counts["rejected"])
    return ImportReport(run_id, columns.column_set, encoding, counts, shown,
                        "process" if helper_process else "thread")


class ImportTakenOver(RuntimeError):
    """Another import went on with this run: this one must stop and count nothing more."""


def _open_run(db: Session, race: Race, filename: str, user, column_set: str,
              resume_run_id: int | None, on_start: Callable[[int], None] | None) -> ImportRun:
    """A new run of the file (committed), or the run to go on with."""
    if resume_run_id is not None:
        run = db.get(ImportRun, resume_run_id)
        if run is None or run.race_id != race.id:
            raise ValueError(f"import run {resume_run_id} is not one of this race")
        run.status, run.finished_at = "running", None
        db.commit()
        return run
    counts = dict.fromkeys(BUCKETS, 0) | {"households_created": 0, "voters_created": 0,
                                          "geocoded": 0}
    run = ImportRun(race_id=race.id, user_id=getattr(user, "id", None), filename=filename[:300],
                    column_set=column_set, status="running", counts=counts)
    db.add(run)
    db.flush()
    if on_start is not None:
        on_start(run.id)
    db.commit()
    return run


def _advance(db: Session, run_id: int, checkpoint: int, last_line: int, counts: dict) -> None:
    """Record the batch's counts and last line, if the run is still where this import left it."""
    moved = db.execute(sa.update(ImportRun).where(
        ImportRun.id == run_id, ImportRun.resume_after_line == checkpoint).values(
        counts=counts, resume_after_line=last_line))
    if moved.rowcount != 1:
        raise ImportTakenOver(f"import run {run_id} moved past line {checkpoint} elsewhere")


def _path_of(fileobj: BinaryIO) -> str | None:
    """The path of a file opened from disk (not of an upload kept in memory)."""
    name = getattr(fileobj, "name", None)
    return name if isinstance(name, str) and os.path.isfile(name) else None


def _grow_sqlite_cache(db: Session, mebibytes: int = 64) -> Callable[[], None]:
    """On SQLite, a bigger page cache for this connection while the import runs; returns what
    puts the old size back. (The default 2 MB holds little of the door and voter key indexes
    a large import inserts into at random places.)"""
    if db.get_bind().dialect.name != "sqlite":
        return lambda: None
    connection = db.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{mebibytes * 1024}")
    return lambda: db.connection().exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def refresh_statistics(db: Session) -> None:
    """ANALYZE the door and voter tables on PostgreSQL (nothing to do on SQLite).

    Each batch looks its doors and voters up by key. PostgreSQL plans those look-ups from the
    tables' statistics; during a first import into a fresh race they describe tables a fraction
    of their size (with autovacuum off, or in its first minute, they describe empty ones), and
    the planner then filters every row of the race against the batch's 5,000 keys: seconds per
    batch, growing with the file (measured: 5 s a batch at 150,000 voters, against 0.05 s).
    ANALYZE samples a fixed number of rows, so refreshing at batches 1, 2, 4, 8... is cheap.
    """
    if db.get_bind().dialect.name == "postgresql":
        db.execute(sa.text("ANALYZE household, voter"))


def _write_batch(db: Session, writer: BatchWriter, rows: list[CleanRow],
                 problems: list[Rejection]) -> BatchResult:
    """Write one prepared batch; retried once if a concurrent import raced it."""
    for attempt in (1, 2):
        try:
            return writer.write(rows, problems)
        except sa.exc.IntegrityError:
            db.rollback()  # another import of this race wrote the same doors: look again
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _add(counts: dict, result: BatchResult, problems: list[Rejection]) -> None:
    """Add one committed batch to the running counts."""
    tally = Counter(result.buckets)
    for problem in problems:
        tally["outside_district" if problem.category == "outside_district" else "rejected"] += 1
    for bucket, n in tally.items():
        counts[bucket] += n
    counts["households_created"] += result.households_created
    counts["voters_created"] += result.voters_created
