"""Real test databases: a SQLite file per test, and a PostgreSQL schema per test session.

The suite runs on SQLite always and on PostgreSQL when FIELDAPP_TEST_DATABASE_URL is set
(CI=true makes a missing or unreachable PostgreSQL a failure instead of a skip).
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("FIELDAPP_TEST_DATABASE_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def backends() -> list[str]:
    """The database engines this run covers."""
    if not PG_URL and IN_CI:
        raise pytest.UsageError("CI=true but FIELDAPP_TEST_DATABASE_URL is not set: "
                                "CI must test PostgreSQL too (see .ci/run).")
    return ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _create_schema(url: str) -> None:
    """Create every table from the models (the migration tests check migrations separately)."""
    from fieldapp import create_app
    from fieldapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


class SqliteDatabases:
    """A template database built once, copied for every test (much faster than create_all)."""

    name = "sqlite"

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.template = workdir / "template.sqlite3"
        _create_schema(f"sqlite:///{self.template}")

    def fresh_url(self, tmp_path: Path) -> str:
        """A database with every table and no rows, for one test."""
        target = tmp_path / "fieldapp.sqlite3"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def empty_url(self, tmp_path: Path) -> str:
        """A database with no tables at all (for migration tests)."""
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"

    def close(self) -> None:
        """Nothing to drop: files go with the temporary folder."""


class PostgresDatabases:
    """One schema for the session's tests (truncated before each), others for migration tests."""

    name = "postgresql"

    def __init__(self, url: str) -> None:
        self.base_url = url
        self.engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.OperationalError as error:
            message = f"PostgreSQL at FIELDAPP_TEST_DATABASE_URL is unreachable: {error}"
            if IN_CI:
                raise pytest.UsageError(message) from error
            pytest.skip(message)
        self.schemas: list[str] = []
        self.url = self._new_schema()
        _create_schema(self.url)
        self.tables = self._table_names()

    def _new_schema(self) -> str:
        """Create a uniquely named schema; return a URL whose search_path points at it."""
        schema = f"fa_test_{uuid.uuid4().hex[:12]}"
        with self.engine.connect() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        self.schemas.append(schema)
        joiner = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{joiner}options={quote(f'-csearch_path={schema}')}"

    def _table_names(self) -> list[str]:
        """Tables in the test schema."""
        with sa.create_engine(self.url).connect() as conn:
            return sa.inspect(conn).get_table_names()

    def fresh_url(self, tmp_path: Path) -> str:
        """The shared test schema, emptied (identities restarted) for this test."""
        engine = sa.create_engine(self.url)
        with engine.begin() as conn:
            names = ", ".join(f'"{t}"' for t in self.tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return self.url

    def empty_url(self, tmp_path: Path) -> str:
        """A brand-new empty schema."""
        return self._new_schema()

    def close(self) -> None:
        """Drop every schema this session made."""
        with self.engine.connect() as conn:
            for schema in self.schemas:
                conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.engine.dispose()
