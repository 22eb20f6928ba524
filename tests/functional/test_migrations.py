"""The Alembic revisions build exactly the models' schema, and tear it down, on each engine."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from fieldapp.extensions import db


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


def _filled(table: sa.Table, **values) -> dict:
    """values, and a plain value for every other NOT NULL column without a default."""
    plain = {sa.Integer: 1, sa.String: "x", sa.Text: "x", sa.Boolean: False, sa.JSON: {},
             sa.DateTime: dt.datetime(2026, 12, 6, tzinfo=dt.UTC), sa.Float: 0.0}
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key or \
                column.server_default is not None:
            continue
        values[column.name] = next((v for t, v in plain.items()
                                    if isinstance(column.type, t)), "x")
    return values


def test_import_run_job_link_carried_over_both_ways(empty_app):
    """0013 moves the job <-> import run link from job.import_run_id to import_run.job_id."""
    upgrade(revision="0012_script_spanish")
    metadata = sa.MetaData()
    with db.engine.begin() as connection:
        metadata.reflect(connection, only=["organization", "user", "race", "import_run", "job"])
        tables = metadata.tables
        for name, values in (("organization", {"id": 1, "slug": "o"}),
                             ("user", {"id": 1, "email": "a@example.org"}),
                             ("race", {"id": 1, "organization_id": 1}),
                             ("import_run", {"id": 7, "race_id": 1}),
                             ("import_run", {"id": 8, "race_id": 1}),
                             ("job", {"id": 3, "race_id": 1, "kind": "voter_import",
                                      "import_run_id": 7}),
                             ("job", {"id": 4, "race_id": 1, "kind": "turf_cut",
                                      "active_key": None})):
            connection.execute(tables[name].insert().values(**_filled(tables[name], **values)))
    upgrade(revision="0013_import_run_job")
    with db.engine.connect() as connection:
        assert dict(connection.execute(sa.text("SELECT id, job_id FROM import_run")).all()) == \
            {7: 3, 8: None}
        assert "import_run_id" not in {c["name"] for c in sa.inspect(connection)
                                       .get_columns("job")}
    downgrade(revision="0012_script_spanish")
    with db.engine.connect() as connection:
        assert dict(connection.execute(sa.text("SELECT id, import_run_id FROM job")).all()) == \
            {3: 7, 4: None}
    downgrade(revision="base")
