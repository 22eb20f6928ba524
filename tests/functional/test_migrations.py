"""The Alembic revisions build exactly the models' schema, and tear it down, on each engine."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from fieldapp import create_app
from fieldapp.extensions import db


@pytest.fixture
def empty_app(backend, tmp_path, monkeypatch):
    """An app on a database with no tables at all."""
    monkeypatch.setenv("FIELDAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": backend.empty_url(tmp_path)})
    with app.app_context():
        yield app
        db.engine.dispose()


def _user_tables(connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names()) - {"alembic_version"}


def test_upgrade_matches_models_then_downgrade_empties(empty_app):
    with db.engine.connect() as connection:
        assert _user_tables(connection) == set()
    upgrade()
    with db.engine.connect() as connection:
        assert _user_tables(connection) == set(db.metadata.tables)
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    downgrade(revision="base")
    with db.engine.connect() as connection:
        assert _user_tables(connection) == set()


def test_sqlite_database_runs_in_wal_with_foreign_keys(backend, empty_app):
    if backend.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
