"""DirectStatement: a hot Core statement compiled once per dialect, run on the driver's cursor.

Each `Session.execute` costs about 0.1-0.2 ms of Python before and after the database works:
the compile-cache lookup, an execution context, a result object and its rows. A knock runs
four statements, hundreds of times a second on a shift day, and that bookkeeping was most of
its cost (benchmarks/README.md). `DirectStatement` keeps what matters of SQLAlchemy: the
statement is still built with Core, and every value goes through the same bind and result
processors (fieldapp.fastsql.compiled) that `Session.execute` would apply, so rows read and
written either way are identical. The transaction stays the caller's: the cursor comes from
the session's (or the bare Core connection's) connection and the caller commits.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.fastsql.compiled import CompiledStatement


class DirectStatement:
    """A Core statement run on the session connection's DBAPI cursor (see the module doc)."""

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, CompiledStatement] = {}

    def _for(self, db: Session | sa.Connection) -> tuple[CompiledStatement, Any]:
        # A session's connection joins (or begins) the session's transaction; a bare
        # connection begins one as its execute() would, or its commit() would commit nothing.
        if isinstance(db, sa.Connection):
            connection = db
            if not connection.in_transaction():
                connection.begin()
        else:
            connection = db.connection()
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = CompiledStatement(self.statement, dialect)
        return compiled, connection.connection.driver_connection

    def rows(self, db: Session | sa.Connection, values: Mapping[str, Any]) -> list:
        """Execute once; the result rows (named tuples), or [] for a statement without any."""
        compiled, driver = self._for(db)
        parameters = compiled.parameters(values)
        cursor = driver.cursor()
        try:
            cursor.execute(compiled.sql, parameters)
            if compiled.row is None:
                return []
            return compiled.convert(cursor.fetchall(), cursor)
        except compiled.error as error:
            raise compiled.driver_error(error, parameters) from error
        finally:
            cursor.close()

    def many(self, db: Session | sa.Connection, values: list[Mapping[str, Any]]) -> None:
        """Execute for each set of values (a statement without results)."""
        compiled, driver = self._for(db)
        parameters = [compiled.parameters(v) for v in values]
        cursor = driver.cursor()
        try:
            if len(parameters) == 1:  # psycopg's executemany would open a pipeline for one
                cursor.execute(compiled.sql, parameters[0])
            else:
                cursor.executemany(compiled.sql, parameters)
        except compiled.error as error:
            raise compiled.driver_error(error, parameters) from error
        finally:
            cursor.close()
