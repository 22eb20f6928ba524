"""PostgreSQL: many rows in one short INSERT ... SELECT FROM unnest(one array per column).

SQLAlchemy sends a batch as one multi-row VALUES statement: for a 500-knock outbox sync that
is 10,000 parameters, and psycopg splits that long query string again on every batch (it only
caches short ones): 0.1-0.2 ms of CPU a knock, most of a batch's cost on PostgreSQL. Here the
statement is the same short text whatever the batch size, so psycopg parses it once and the
server prepares it; each column's values travel as one typed array.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


@lru_cache(maxsize=8)
def unnest_insert(table: sa.Table, conflict: tuple[str, ...], returning: tuple[str, ...]) -> str:
    """The statement for `table` (every column but the primary key), skipping rows that
    collide on `conflict`, returning `returning`; parameters are named after the columns."""
    dialect = postgresql.dialect()
    columns = [c for c in table.columns if not c.primary_key]
    arrays = ", ".join(f"%({c.name})s::{c.type.compile(dialect=dialect)}[]" for c in columns)
    return (f"INSERT INTO {table.name} ({', '.join(c.name for c in columns)}) "
            f"SELECT * FROM unnest({arrays}) "
            f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING RETURNING {', '.join(returning)}")


def column_arrays(table: sa.Table, rows: list[dict[str, Any]]) -> dict[str, list]:
    """The rows as one list per column (JSON columns as JSON text)."""
    arrays: dict[str, list] = {}
    for column in table.columns:
        if column.primary_key:
            continue
        values = [row.get(column.name) for row in rows]
        if isinstance(column.type, sa.JSON):
            values = [None if v is None else json.dumps(v) for v in values]
        arrays[column.name] = values
    return arrays
