"""The app's engine gets fieldapp's connection settings; another engine of the process does not."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event

from fieldapp.extensions import db
from fieldapp.fastsql import engine as fast_engine


def _listeners(engine: sa.Engine) -> set[str]:
    return {name for name, fn in (("checkin", fast_engine._note_rest),
                                  ("checkout", fast_engine._ping_after_rest),
                                  ("connect", fast_engine._sqlite_pragmas),
                                  ("connect", fast_engine._postgres_utc))
            if event.contains(engine, name, fn)}


def test_listeners_attach_to_the_apps_engine_only(backend, empty_app):
    assert _listeners(db.engine) == {"checkin", "checkout", "connect"}
    other = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    try:
        assert _listeners(other) == set()
        if backend.name == "sqlite":
            with other.connect() as connection:  # SQLite's own defaults, not fieldapp's
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() != 15000
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        else:
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("SHOW TIME ZONE").scalar() == "UTC"
    finally:
        other.dispose()


def test_attaching_again_adds_nothing(empty_app):
    fast_engine.attach_listeners(db.engine)
    assert _listeners(db.engine) == {"checkin", "checkout", "connect"}
