"""CSRF on every form, login rate limits per IP and per account, production settings."""
from __future__ import annotations

import pytest

from fieldapp import create_app
from fieldapp.config import ConfigError
from tests import factories
from tests.conftest import csrf_token_from


@pytest.fixture
def app_config(app_config):
    """These tests run with CSRF and rate limiting switched on, as in production."""
    return app_config | {
        "WTF_CSRF_ENABLED": True,
        "RATELIMIT_ENABLED": True,
        "LOGIN_RATE_LIMIT_IP": "6 per minute",
        "LOGIN_RATE_LIMIT_ACCOUNT": "3 per minute",
    }


@pytest.fixture
def organizer(db):
    account = factories.user(db, "org@example.org", factories.org(db), "organizer")
    db.commit()
    return account


def test_post_without_csrf_token_is_refused(client, organizer):
    response = client.post("/login", data={"email": "org@example.org",
                                           "password": factories.PASSWORD})
    assert response.status_code == 400
    assert b"form expired" in response.data
    assert client.get("/races/").status_code == 302  # not logged in


def test_post_with_csrf_token_is_accepted(client, auth, organizer):
    assert auth.login("org@example.org").status_code == 302
    assert client.get("/races/").status_code == 200


def test_logged_in_form_without_token_is_refused(client, auth, organizer):
    auth.login("org@example.org")
    response = client.post("/orgs/ny-wfp/members", data={"role": "volunteer"})
    assert response.status_code == 400


def test_login_limited_per_account_whatever_the_ip(client, organizer):
    for attempt in range(3):
        token = csrf_token_from(client, "/login")
        response = client.post("/login", data={"email": "org@example.org", "password": "wrong",
                                               "csrf_token": token},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{attempt}"})
        assert response.status_code == 200
    token = csrf_token_from(client, "/login")
    response = client.post("/login", data={"email": "org@example.org",
                                           "password": factories.PASSWORD, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def test_login_limited_per_ip_across_accounts(client, organizer):
    statuses = []
    for attempt in range(7):
        token = csrf_token_from(client, "/login")
        statuses.append(client.post(
            "/login", data={"email": f"guess{attempt}@example.org", "password": "wrong",
                            "csrf_token": token},
            environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code)
    assert statuses[:6] == [200] * 6
    assert statuses[6] == 429


def test_api_calls_pass_the_limiter_by_and_logins_stay_limited(app, db, client, organizer):
    from fieldapp.auth import services

    token = services.create_api_token(db, organizer)
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    for _ in range(10):  # more than the login limits, from one address
        response = client.get("/api/v1/me", headers=headers,
                              environ_base={"REMOTE_ADDR": "192.0.2.9"})
        assert response.status_code == 200
        assert not any(h.startswith("X-RateLimit") for h in response.headers.keys())  # noqa: SIM118
    statuses = [client.post("/login", data={"email": "org@example.org", "password": "wrong",
                                            "csrf_token": csrf_token_from(client, "/login")},
                            environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    spared = [hook for funcs in (app.before_request_funcs, app.after_request_funcs,
                                 app.teardown_request_funcs)
              for hook in funcs[None] if getattr(hook, "spared_for_api", False)]
    assert len(spared) == 4  # the limiter's three hooks and the remember cookie's


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FIELDAPP_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app("production")


def test_production_sets_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("FIELDAPP_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setattr("fieldapp.config.ProductionConfig.SECRET_KEY", "x" * 64)
    monkeypatch.setattr("fieldapp.config.ProductionConfig.SQLALCHEMY_DATABASE_URI", "sqlite://")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_and_keeps_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FIELDAPP_INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None})
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": None})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
