"""Connection settings per engine: SQLite gets WAL, foreign keys and a busy timeout;
PostgreSQL sessions run in UTC."""
from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


def engine_options(uri: str, configured: dict) -> dict:
    """The engine's pool settings for this database, on top of what the config set."""
    if uri.startswith("sqlite"):
        # A file database cannot drop a connection: pinging it costs a query per request.
        return {**configured, "pool_pre_ping": False}
    return dict(configured)


@event.listens_for(Engine, "connect")
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


@event.listens_for(Engine, "connect")
def _postgres_utc(dbapi_connection, _record) -> None:
    """Day buckets and timestamps as text are UTC whatever the server's own time zone."""
    if type(dbapi_connection).__module__.startswith("psycopg"):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.autocommit = autocommit
