"""The app's engine: pool options, per-connection settings and connections for a few statements.

SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL sessions run in UTC, and pooled
connections are pinged only after sitting idle. `attach_listeners(engine)` puts these on the
app's engine alone (create_app calls it), so another engine of the same process (a test's, a
benchmark's) keeps the driver's own behaviour.
"""
from __future__ import annotations

import sqlite3
import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Connection, Engine

# A PostgreSQL connection back from the pool after this long unused is pinged before use.
IDLE_PING_SECONDS = 10.0
# ... and replaced after this long in service (server-side idle timeouts, proxies).
RECYCLE_SECONDS = 1800


def engine_options(uri: str, configured: dict) -> dict:
    """The engine's pool settings for this database, on top of what the config set.

    `pool_pre_ping` costs a round trip before every request's first statement: a seventh of
    a single knock's on PostgreSQL. A file database cannot drop a connection at all; a server's
    connections are pinged instead when they come back from a rest (`_ping_after_rest`), the
    time a restart or a dropped link would have broken them unnoticed.
    """
    options = {**configured, "pool_pre_ping": False}
    if not uri.startswith("sqlite"):
        options.setdefault("pool_recycle", RECYCLE_SECONDS)
    return options


def statements_connection(engine: Engine) -> Connection:
    """A Core connection for a request of a few statements, outside the ORM session (whose
    transaction, identity map, commit and close cost 0.05 ms a request); on PostgreSQL each
    statement commits on its own, without the BEGIN and COMMIT round trips.

    For a request whose reads need no snapshot in common (READ COMMITTED gives each statement
    its own anyway) and whose writes are one statement each, or opened together with
    `begin_writes`. Closing it rolls back what was not committed.
    """
    connection = engine.connect()
    if connection.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection


def begin_writes(connection: Connection) -> None:
    """Open a transaction for writes that stand or fall together, where `statements_connection`
    commits each statement; the connection's commit or rollback ends it."""
    driver = connection.connection.driver_connection
    if _is_psycopg(driver) and driver.autocommit and driver.info.transaction_status.name == "IDLE":
        driver.execute("BEGIN")


def _is_psycopg(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("psycopg")


def attach_listeners(engine: Engine) -> None:
    """Per-connection settings and the ping after a rest, on this engine only (once)."""
    if event.contains(engine, "checkin", _note_rest):
        return
    event.listen(engine, "checkin", _note_rest)
    event.listen(engine, "checkout", _ping_after_rest)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgres_utc)


def _note_rest(dbapi_connection, record) -> None:
    """When the connection went back to the pool, for `_ping_after_rest`."""
    if record is not None:
        record.info["checked_in"] = time.monotonic()


def _ping_after_rest(dbapi_connection, record, _proxy) -> None:
    """Ping a PostgreSQL connection that rested longer than IDLE_PING_SECONDS; a dead one is
    replaced by the pool (DisconnectionError) before the request's first statement."""
    rested = record.info.get("checked_in")
    if rested is None or time.monotonic() - rested < IDLE_PING_SECONDS:
        return
    if not _is_psycopg(dbapi_connection):
        return
    try:
        _autocommitted(dbapi_connection, "SELECT 1")
    except Exception as error:  # noqa: BLE001 (any failure means the connection is unusable)
        raise exc.DisconnectionError(f"connection dropped while idle: {error}") from error


def _autocommitted(dbapi_connection, sql: str) -> None:
    """Run one statement outside any transaction (psycopg), leaving the mode as it was."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute(sql)
    finally:
        if not dbapi_connection.closed:
            dbapi_connection.autocommit = autocommit


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work while a phone sync writes; SQLite leaves foreign keys off by default."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


def _postgres_utc(dbapi_connection, _record) -> None:
    """Day buckets and timestamps as text are UTC whatever the server's own time zone."""
    if _is_psycopg(dbapi_connection):
        _autocommitted(dbapi_connection, "SET TIME ZONE 'UTC'")
