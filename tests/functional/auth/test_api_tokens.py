"""API tokens: Bearer authentication, revocation, hashing; session API calls need CSRF."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldapp.auth import services
from fieldapp.auth.models import ApiToken
from tests import factories


@pytest.fixture
def token(db):
    account = factories.user(db, "vol@example.org", factories.org(db), "volunteer")
    raw = services.create_api_token(db, account, "phone")
    db.commit()
    return raw


def test_bearer_token_authenticates(client, token):
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["email"] == "vol@example.org"
    assert body["organizations"] == [{"id": 1, "slug": "ny-wfp", "name": "NY-WFP", "role": "volunteer"}]
    assert "Set-Cookie" not in response.headers


def test_no_token_or_bad_token_is_401_json(client, token):
    for headers in ({}, {"Authorization": "Bearer fa_wrong"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_revoked_token_stops_working(db, client, token):
    row = db.scalar(sa.select(ApiToken))
    services.revoke_api_token(db, row.user, row.id)
    db.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_token_is_stored_hashed_and_use_recorded(db, client, token):
    client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    db.expire_all()
    row = db.scalar(sa.select(ApiToken))
    assert row.token_hash == services.hash_token(token) and token not in row.token_hash
    assert row.last_used_at is not None


def test_tokens_page_creates_and_revokes(db, client, auth, token):
    auth.login("vol@example.org")
    page = client.post("/account/tokens", data={"name": "laptop"}).get_data(as_text=True)
    assert 'id="new-token"' in page
    rows = db.scalars(sa.select(ApiToken).order_by(ApiToken.id)).all()
    assert [r.name for r in rows] == ["phone", "laptop"]
    client.post(f"/account/tokens/{rows[1].id}/revoke")
    db.expire_all()
    assert db.get(ApiToken, rows[1].id).revoked_at is not None


def test_cannot_revoke_someone_elses_token(db, client, auth, token):
    factories.user(db, "other@example.org", None)
    db.commit()
    auth.login("other@example.org")
    assert client.post("/account/tokens/1/revoke").status_code == 404


def _me(client, headers=None):
    return client.get("/api/v1/me", headers=headers or {})


def test_a_deactivated_users_token_and_session_stop_working(db, client, auth, token):
    auth.login("vol@example.org")
    assert _me(client).status_code == 200
    assert _me(client, {"Authorization": f"Bearer {token}"}).status_code == 200
    factories.get_user(db, "vol@example.org").active = False
    db.commit()
    assert _me(client).status_code == 401
    assert _me(client, {"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_ended_login_session_is_refused_by_the_api(db, client, auth, token):
    auth.login("vol@example.org")
    assert _me(client).status_code == 200
    from fieldapp.auth.models import LoginSession

    db.execute(sa.update(LoginSession).values(revoked_at=sa.func.now()))
    db.commit()
    assert _me(client).status_code == 401


def test_a_wrong_token_is_refused_even_with_a_session(client, auth, token):
    """Credentials sent explicitly are checked, not quietly replaced by the cookie's."""
    auth.login("vol@example.org")
    assert _me(client, {"Authorization": "Bearer fa_wrong"}).status_code == 401


def test_token_use_is_written_at_most_once_a_minute(db, token):
    import datetime as dt

    from fieldapp.auth.api_callers import caller_for_api_token
    from fieldapp.models_base import utcnow

    now = utcnow()
    first = caller_for_api_token(db, token, now)
    db.commit()
    again = caller_for_api_token(db, token, now + dt.timedelta(seconds=30))
    later = caller_for_api_token(db, token, now + dt.timedelta(minutes=2))
    db.commit()
    assert first.token_touched and not again.token_touched and later.token_touched
    assert first.user_id == again.user_id == factories.get_user(db, "vol@example.org").id
    db.expire_all()
    assert db.scalar(sa.select(ApiToken.last_used_at)) == now + dt.timedelta(minutes=2)
