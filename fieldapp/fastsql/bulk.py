"""Bulk writes and look-ups for big batches (a voter file's rows): executemany and array IN.

`insert_many` compiles a Core INSERT once per table, columns and dialect
(fieldapp.fastsql.compiled) and sends the rows with the driver's executemany through the
session's connection: `Session.execute` does the same work per row in Python, 2-3x slower.
"""
from __future__ import annotations

import json
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from fieldapp.fastsql.compiled import CompiledStatement


@lru_cache(maxsize=32)
def _insert(table: sa.Table, keys: tuple[str, ...], dialect: Dialect) -> CompiledStatement:
    return CompiledStatement(sa.insert(table), dialect, column_keys=keys)


def insert_many(db: Session, table: sa.Table, rows: list[dict]) -> None:
    """INSERT rows (all with the same keys) in the session's transaction: the statement
    compiled once, the values converted by the columns' own bind processors, one executemany."""
    connection = db.connection()
    compiled = _insert(table, tuple(rows[0]), connection.dialect)
    connection.exec_driver_sql(compiled.sql, compiled.parameters_many(rows))


def key_in(column: sa.ColumnElement, values: list[str], dialect: sa.Dialect) -> sa.ColumnElement:
    """`column IN values` with the values bound as one array, not one parameter each.

    Thousands of IN parameters cost SQLAlchemy more to render than the database to answer
    (a third of each look-up), and on PostgreSQL a prepared IN list of parameters is compared
    row by row; `= ANY(array)` and SQLite's `IN (SELECT value FROM json_each(?))` are neither.
    """
    if dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=ARRAY(sa.String)))
    if dialect.name == "sqlite":
        items = sa.func.json_each(sa.bindparam(None, json.dumps(values), type_=sa.String))
        return column.in_(sa.select(sa.column("value")).select_from(items))
    return column.in_(values)
