"""Login, logout, session rotation and generic failure messages."""
from __future__ import annotations

from tests import factories


def _member(db, role="organizer", email="org@example.org"):
    chapter = factories.org(db)
    account = factories.user(db, email, chapter, role)
    db.commit()
    return account


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Log in" in response.data


def test_login_then_home_redirects_by_role(db, client, auth):
    _member(db, "organizer")
    response = auth.login("org@example.org")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/races/")


def test_volunteer_home_is_my_turfs(db, client, auth):
    _member(db, "volunteer", "vol@example.org")
    auth.login("vol@example.org")
    assert client.get("/").headers["Location"].endswith("/my/turfs")


def test_wrong_password_and_unknown_email_get_the_same_message(db, client, auth):
    _member(db)
    wrong_password = auth.login("org@example.org", "not the password").get_data(as_text=True)
    unknown_email = auth.login("nobody@example.org", "not the password").get_data(as_text=True)
    assert "Wrong e-mail or password." in wrong_password
    assert "Wrong e-mail or password." in unknown_email
    assert "no account" not in unknown_email.lower()


def test_session_rotates_at_login_and_logout_kills_the_old_cookie(db, app, client, auth):
    _member(db)
    client.get("/login")
    auth.login("org@example.org")
    cookie = client.get_cookie("session").value
    assert client.get("/races/").status_code == 200
    auth.logout()
    assert client.get("/races/").status_code == 302
    # Replaying the cookie from before logout must not log anyone back in.
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    response = replay.get("/races/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_two_logins_get_two_different_sessions(db, app, auth):
    _member(db)
    first, second = app.test_client(), app.test_client()
    from tests.conftest import AuthActions

    AuthActions(first).login("org@example.org")
    AuthActions(second).login("org@example.org")
    assert first.get_cookie("session").value != second.get_cookie("session").value
    AuthActions(first).logout()
    assert second.get("/races/").status_code == 200  # logging out one phone keeps the other


def test_next_parameter_only_allows_local_paths(db, client):
    _member(db)
    response = client.post("/login?next=https://evil.example/x",
                           data={"email": "org@example.org", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/"
    response = client.post("/logout")
    response = client.post("/login?next=/races/",
                           data={"email": "org@example.org", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/races/"


def test_disabled_user_cannot_log_in(db, auth):
    account = _member(db)
    account.active = False
    db.commit()
    assert "Wrong e-mail or password." in auth.login("org@example.org").get_data(as_text=True)


def test_cookie_flags(db, client, auth):
    _member(db)
    response = auth.login("org@example.org")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header
