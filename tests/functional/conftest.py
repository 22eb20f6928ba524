"""Fixtures shared by the functional tests that build their own app."""
from __future__ import annotations

import pytest

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
