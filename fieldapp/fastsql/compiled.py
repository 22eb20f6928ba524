"""Compile once, bind by hand: one Core statement's SQL text and value converters per dialect.

The one implementation behind `DirectStatement` (a single execution on the driver's cursor)
and `insert_many` (a bulk executemany): the statement is built with Core, compiled once for the
dialect, and every value goes through the column types' own bind processors (UTC timestamps,
JSON, booleans) and, for rows read back, their result processors; what `Session.execute` would
store and read, without its per-execution bookkeeping.

Only statements whose SQL is the same for any values qualify: no "expanding" IN lists, no
parameter computed per execution (a Python column default the values do not carry).
"""
from __future__ import annotations

import operator
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

Processor = Callable[[Any], Any] | None

_NATIVE = (str, float, int)  # what every driver takes as it is (bool is checked apart)


class CompiledStatement:
    """One statement compiled for one dialect, with its bind and result converters.

    `column_keys` (an INSERT or UPDATE without values) names the columns the caller's values
    carry; columns with a Python default that are not among them are refused, since SQLAlchemy
    would compute those per execution.
    """

    def __init__(self, statement: sa.Executable, dialect: Dialect,
                 column_keys: Sequence[str] | None = None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("a compiled statement cannot run expanding IN parameters")
        given = set(column_keys or ())
        self.sql = compiled.string
        self.positional = bool(compiled.positional)
        names = list(compiled.positiontup or []) if self.positional else list(compiled.binds)
        self.order = names
        self.binds: list[tuple[str, Processor]] = []  # values the caller passes, converted
        self.constants: dict[str, Any] = {}  # values written into the statement, as literals
        prefetch = {column.key for column in (*compiled.insert_prefetch,
                                              *compiled.update_prefetch)}
        for name in dict.fromkeys(names):  # a name may stand at several placeholders
            bind = compiled.binds[name]
            if bind.callable is not None or (name in prefetch and name not in given):
                raise ValueError("a compiled statement cannot run parameters computed per "
                                 f"execution ({name})")
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if bind.required or name in given:
                self.binds.append((name, process))
            else:
                self.constants[name] = bind.value if process is None else process(bind.value)
        self.columns = list(getattr(statement, "exported_columns", ()))
        self.row = namedtuple("Row", [c.key for c in self.columns]) if self.columns else None
        self.results: list[Processor] | None = None  # known from the first cursor.description
        self.dialect = dialect
        self.error = dialect.loaded_dbapi.Error

    def parameters(self, values: Mapping[str, Any]) -> tuple | dict:
        """The driver's parameters for one execution: a tuple in placeholder order, or a dict."""
        given = {name: values[name] if process is None else process(values[name])
                 for name, process in self.binds}
        if self.constants:
            given.update(self.constants)
        if self.positional:
            return tuple(given[name] for name in self.order)
        return given

    def parameters_many(self, rows: list[Mapping[str, Any]]) -> list:
        """The driver's parameters for an executemany of rows (all with the same keys).

        Per column, the bind processor is skipped for values the driver takes as they are and
        run once per distinct value otherwise (a batch shares one `created_at`); values are
        picked by position without building a dict per row.
        """
        if self.constants:
            return [self.parameters(row) for row in rows]
        converters = {name: _memoized(process) for name, process in self.binds
                      if process is not None}
        if not self.positional:
            params = [dict(row) for row in rows] if converters else rows
            for row in params:
                for name, convert in converters.items():
                    row[name] = convert(row[name])
            return params
        order = self.order
        pick = operator.itemgetter(*order)
        params = [pick(row) for row in rows] if len(order) > 1 else [(row[order[0]],)
                                                                      for row in rows]
        at = [(index, converters[name]) for index, name in enumerate(order) if name in converters]
        if not at:
            return params
        converted = []
        for values in params:
            values = list(values)
            for index, convert in at:
                values[index] = convert(values[index])
            converted.append(tuple(values))
        return converted

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

    def driver_error(self, error: Exception, parameters: Any) -> sa.exc.DBAPIError:
        """The driver's error as SQLAlchemy would raise it from `Session.execute`."""
        return sa.exc.DBAPIError.instance(self.sql, parameters, error, self.error)


def _memoized(processor: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`processor`, skipped for native values and run once per distinct value otherwise."""
    memo: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        if value is None or type(value) in _NATIVE:
            return value
        try:
            return memo[value]
        except KeyError:
            memo[value] = converted = processor(value)
            return converted
        except TypeError:  # unhashable
            return processor(value)

    return convert
