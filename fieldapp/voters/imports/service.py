"""`import_voters`: a voter file into a race, in batches, with a report of every row.

The file is opened and its columns recognised before anything is written: a file that is not
CSV, or lacks an address or a city/ZIP column, raises DomainError and leaves no trace. Then an
ImportRun is recorded and the rows are streamed in batches of `batch_size`.

Every data row ends in exactly one bucket (BUCKETS): imported, merged, not_geocoded, updated,
unchanged (see writer.py), outside_district (coordinates outside race.district: not imported)
or rejected (reader.py, rows.py). Rejected and out-of-district rows are stored as
ImportRejection rows with their line number, so the report can list them all.

Unlike other services this one commits, once per batch (with that batch's rejections and the
run's running counts): a long import must not hold SQLite's single write lock for its whole
length, and a crash keeps the batches already done. Nothing personal is logged.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np
import shapely
import sqlalchemy as sa
from shapely.geometry import shape
from sqlalchemy.orm import Session

from fieldapp.races.models import Race
from fieldapp.voters.imports.columns import resolve_columns
from fieldapp.voters.imports.reader import CsvSource, Rejection
from fieldapp.voters.imports.rows import CleanRow, RowCleaner, raw_excerpt
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

    @property
    def rows(self) -> int:
        """Data rows read (every one is in exactly one bucket)."""
        return sum(self.counts[bucket] for bucket in BUCKETS)


class DistrictTest:
    """Which points fall inside the race's district (all of them when it has none)."""

    def __init__(self, geojson: dict | None) -> None:
        self.geometry = shape(geojson) if geojson else None
        if self.geometry is not None:
            shapely.prepare(self.geometry)

    def outside(self, rows: list[CleanRow]) -> list[bool]:
        """For each row, True when it has coordinates outside the district (boundary is in)."""
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


def import_voters(db: Session, race: Race, fileobj: BinaryIO, filename: str, user=None,
                  mapping: dict[str, str] | None = None, batch_size: int = 5000,
                  progress: Callable[[int], None] | None = None,
                  geocode: Callable[[Session, Race], int] | None = None) -> ImportReport:
    """Import a voter file into race; `progress(bytes_read)` after each batch.

    `geocode(db, race) -> households geocoded` runs once at the end when given (for doors the
    file left without coordinates). Raises DomainError, writing nothing, when the file is refused.
    """
    source = CsvSource(fileobj)
    columns = resolve_columns(source.header, mapping)
    centre = (race.centre_lat, race.centre_lon) if race.centre_lat is not None else None
    cleaner = RowCleaner(columns, centre)
    district = DistrictTest(race.district)
    counts: dict[str, Any] = dict.fromkeys(BUCKETS, 0) | {
        "households_created": 0, "voters_created": 0, "geocoded": 0}
    run = ImportRun(race_id=race.id, user_id=getattr(user, "id", None), filename=filename[:300],
                    column_set=columns.column_set, status="running", counts=dict(counts))
    db.add(run)
    db.commit()
    run_id, race_id = run.id, race.id
    writer = BatchWriter(db, race_id, run_id)
    shown: list[Rejection] = []
    try:
        for batch in in_batches(source.rows(), batch_size):
            result, problems = _write_batch(db, writer, cleaner, district, batch)
            _add(counts, result, problems)
            counts["encoding"] = source.encoding
            db.execute(sa.update(ImportRun).where(ImportRun.id == run_id).values(counts=counts))
            db.commit()
            shown.extend(problems[:SHOWN_REJECTIONS - len(shown)])
            if progress:
                progress(source.bytes_read)
    except BaseException:
        db.rollback()
        db.execute(sa.update(ImportRun).where(ImportRun.id == run_id).values(
            status="failed", finished_at=dt.datetime.now(dt.timezone.utc)))
        db.commit()
        raise
    counts["encoding"] = source.encoding
    if geocode is not None:
        counts["geocoded"] = int(geocode(db, db.get(Race, race_id)) or 0)
    db.execute(sa.update(ImportRun).where(ImportRun.id == run_id).values(
        status="finished", counts=counts, finished_at=dt.datetime.now(dt.timezone.utc)))
    db.commit()
    log.info("voter import run=%s race=%s rows=%s rejected=%s", run_id, race_id,
             sum(counts[b] for b in BUCKETS), counts["rejected"])
    return ImportReport(run_id, columns.column_set, source.encoding, counts, shown)


def _write_batch(db: Session, writer: BatchWriter, cleaner: RowCleaner, district: DistrictTest,
                 batch: list) -> tuple[BatchResult, list[Rejection]]:
    """Clean, place and write one batch; retried once if a concurrent import raced it."""
    rows: list[CleanRow] = []
    problems: list[Rejection] = []
    for item in batch:
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
    for attempt in (1, 2):
        try:
            return writer.write(rows, problems), problems
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
