"""Hot Core statements compiled once per dialect and run on the driver's own cursor.

Each `Session.execute` costs about 0.1-0.2 ms of Python before and after the database works:
the compile-cache lookup, an execution context, a result object and its rows. A knock runs
four statements, hundreds of times a second on a shift day, and that bookkeeping was most of
its cost (benchmarks/README.md). `DirectStatement` keeps what matters of SQLAlchemy: the
statement is still built with Core, and every value goes through the same bind and result
processors (UTC timestamps, JSON, booleans) that `Session.execute` would apply, so rows read
and written either way are identical. The transaction stays the session's: the cursor comes
from the session's connection and the caller commits through the session.

Only statements without "expanding" IN lists (their SQL is the same for any values) and
without parameters computed per execution qualify.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

Processor = Callable[[Any], Any] | None


class _Compiled:
    """One statement's SQL text and value converters for one dialect."""

    def __init__(self, statement: sa.Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("DirectStatement cannot run expanding IN parameters")
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        names = list(compiled.positiontup or []) if self.positional else list(compiled.binds)
        self.order = names
        self.binds: list[tuple[str, Processor]] = []
        self.constants: dict[str, Any] = {}  # values written into the statement, as literals
        for name in dict.fromkeys(names):  # a name may stand at several placeholders
            bind = compiled.binds[name]
            if bind.callable is not None:
                raise ValueError("DirectStatement cannot run parameters computed per execution")
            process = _bind_processor(bind.type, dialect)
            if bind.required:
                self.binds.append((name, process))
            else:
                self.constants[name] = bind.value if process is None else process(bind.value)
        self.columns = list(getattr(statement, "exported_columns", ()))
        self.row = namedtuple("Row", [c.key for c in self.columns]) if self.columns else None
        self.results: list[Processor] | None = None  # known from the first cursor.description
        self.dialect = dialect
        self.error = dialect.loaded_dbapi.Error

    def parameters(self, values: Mapping[str, Any]) -> tuple | dict:
        """The driver's parameters: a tuple in placeholder order, or a dict by name."""
        given = {name: values[name] if process is None else process(values[name])
                 for name, process in self.binds}
        if self.constants:
            given.update(self.constants)
        if self.positional:
            return tuple(given[name] for name in self.order)
        return given

    def convert(self, raw: Iterable[tuple], cursor: Any) -> list:
        """Driver rows as named tuples with Python values."""
        processors = self.results
        if processors is None:  # some drivers' converters depend on the column's type code
            # (read once: psycopg builds cursor.description anew at every access)
            processors = self.results = [
                column.type.dialect_impl(self.dialect).result_processor(self.dialect, info[1])
                for column, info in zip(self.columns, cursor.description)]
        return [self.row(*[value if process is None else process(value)
                           for process, value in zip(processors, row)]) for row in raw]


def _bind_processor(type_: sa.types.TypeEngine, dialect: Dialect) -> Processor:
    return type_.dialect_impl(dialect).bind_processor(dialect)


class DirectStatement:
    """A Core statement run on the session connection's DBAPI cursor (see the module doc)."""

    def __init__(self, statement: sa.Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, db: Session | sa.Connection) -> tuple[_Compiled, Any]:
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
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
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
            raise sa.exc.DBAPIError.instance(compiled.sql, parameters, error,
                                             compiled.error) from error
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
            raise sa.exc.DBAPIError.instance(compiled.sql, parameters, error,
                                             compiled.error) from error
        finally:
            cursor.close()
