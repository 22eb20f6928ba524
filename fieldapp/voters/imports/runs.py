"""Past imports of a race and their rejected rows, for the import page and the CLI."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.voters.models import ImportRejection, ImportRun

REJECTION_COLUMNS = ["line_number", "category", "reason", "raw"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def recent_runs(db: Session, race_id: int, limit: int = 20) -> list[ImportRun]:
    """The race's latest imports, newest first."""
    return list(db.scalars(sa.select(ImportRun).where(ImportRun.race_id == race_id)
                           .order_by(ImportRun.id.desc()).limit(limit)))


def first_rejections(db: Session, run_id: int, limit: int = 20) -> list[ImportRejection]:
    """The run's first rejected rows by line number."""
    return list(db.scalars(sa.select(ImportRejection).where(ImportRejection.import_run_id == run_id)
                           .order_by(ImportRejection.line_number).limit(limit)))


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (rows came from outside)."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _line(values: list) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def rejections_csv(db: Session, run_id: int, chunk: int = 2000) -> Iterator[str]:
    """CSV lines (header first) of every rejected or out-of-district row of a run."""
    yield _line(REJECTION_COLUMNS)
    query = (sa.select(ImportRejection.line_number, ImportRejection.category,
                       ImportRejection.reason, ImportRejection.raw)
             .where(ImportRejection.import_run_id == run_id)
             .order_by(ImportRejection.line_number, ImportRejection.id))
    for line_number, category, reason, raw in db.execute(query.execution_options(yield_per=chunk)):
        yield _line([line_number, category, _cell(reason), _cell(raw)])
