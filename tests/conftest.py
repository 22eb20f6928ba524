"""Fixtures: the app on a real database (SQLite, and PostgreSQL when configured), a client,
a CLI runner, an `auth` helper, and the `db` session."""
from __future__ import annotations

import os

import pytest
from flask.testing import FlaskClient

os.environ.setdefault("FIELDAPP_CONFIG", "testing")

from tests.databases import PG_URL, PostgresDatabases, SqliteDatabases, backends

pytest_plugins = ["tests.world", "tests.browser", "tests.jobs_worker"]


def pytest_generate_tests(metafunc):
    """Every test that uses the database runs once per backend."""
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backends(), indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request, tmp_path_factory):
    """The database engine under test, set up once per session."""
    if request.param == "sqlite":
        databases = SqliteDatabases(tmp_path_factory.mktemp("sqlite"))
    else:
        databases = PostgresDatabases(PG_URL)
    yield databases
    databases.close()


@pytest.fixture
def app_config(backend, tmp_path):
    """Settings for one test's app; tests may add to it before using `app`."""
    return {
        "SQLALCHEMY_DATABASE_URI": backend.fresh_url(tmp_path),
    }


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own `g` and its own
    database session, not the test's (the test commits before a request to share data)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    """A fieldapp on a fresh database with every table and no rows."""
    monkeypatch.setenv("FIELDAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    from fieldapp import create_app
    from fieldapp.extensions import db as _db

    application = create_app(app_config)
    application.test_client_class = FreshContextClient
    with application.app_context():
        yield application
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The SQLAlchemy session bound to the test's app."""
    from fieldapp.extensions import db as _db

    return _db.session


@pytest.fixture
def client(app):
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runs the app's CLI commands in-process."""
    return app.test_cli_runner()


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = "correct horse battery"):
        """POST the login form (with a CSRF token when CSRF is on)."""
        data = {"email": email, "password": password}
        token = csrf_token_from(self.client, "/login")
        if token:
            data["csrf_token"] = token
        return self.client.post("/login", data=data)

    def logout(self):
        """POST the logout button."""
        data = {}
        token = csrf_token_from(self.client, "/login")
        if token:
            data["csrf_token"] = token
        return self.client.post("/logout", data=data)


def csrf_token_from(client, path: str) -> str | None:
    """The CSRF token a page carries in its meta tag or hidden input, if any."""
    import re

    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or \
        re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    return match.group(1) if match else None


@pytest.fixture
def auth(client):
    """Helper to log in and out as any user."""
    return AuthActions(client)


@pytest.fixture
def run_jobs(app):
    """Run the queued background jobs as a worker would: taken from the app's own job queue
    (a real huey SQLite file in the test's instance folder), each in its own app context."""
    from fieldapp.jobs.queue import job_queue

    return job_queue.run_pending
