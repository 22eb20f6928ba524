"""Invite links: create, join from a phone, one use, expiry, duplicate e-mails."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from fieldapp.auth import services
from fieldapp.auth.models import Invite
from fieldapp.chapters.models import Membership
from fieldapp.models_base import utcnow
from tests import factories


def _setup(db, role="organizer"):
    chapter = factories.org(db)
    factories.user(db, "org@example.org", chapter, role)
    db.commit()
    return chapter


def _join(client, token, email="new@example.org", **extra):
    data = {"name": "New Volunteer", "email": email, "password": "long enough pw",
            "confirm": "long enough pw"} | extra
    return client.post(f"/join/{token}", data=data)


def test_organizer_creates_link_and_volunteer_joins(db, app, client, auth):
    _setup(db)
    auth.login("org@example.org")
    page = client.post("/orgs/ny-wfp/members", data={"role": "volunteer", "note": "Sam"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    link = re.search(r'value="(http://[^"]+/join/[^"]+)"', html).group(1)
    assert "<svg" in html  # QR code for phones
    phone = app.test_client()
    token = link.rsplit("/", 1)[1]
    assert phone.get(f"/join/{token}").status_code == 200
    response = _join(phone, token)
    assert response.status_code == 302
    assert phone.get("/my/turfs").status_code == 200  # logged straight in
    membership = db.scalar(sa.select(Membership).join(Membership.user)
                           .where(Membership.role == "volunteer"))
    assert membership.user.email == "new@example.org"


def test_used_link_says_so(db, app, client):
    chapter = _setup(db)
    _invite, token = services.create_invite(db, chapter, "volunteer", None, dt.timedelta(hours=1))
    db.commit()
    assert _join(client, token).status_code == 302
    other = app.test_client()
    response = other.get(f"/join/{token}")
    assert response.status_code == 410
    assert b"already been used" in response.data
    assert _join(other, token, email="second@example.org").status_code == 410


def test_expired_link_says_so(db, client):
    chapter = _setup(db)
    invite, token = services.create_invite(db, chapter, "volunteer", None, dt.timedelta(hours=1))
    invite.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.commit()
    response = client.get(f"/join/{token}")
    assert response.status_code == 410
    assert b"expired" in response.data


def test_unknown_link_says_so(client):
    response = client.get("/join/not-a-real-token")
    assert response.status_code == 410
    assert b"not valid" in response.data


def test_withdrawn_link_says_so(db, client, auth):
    chapter = _setup(db)
    invite, token = services.create_invite(db, chapter, "volunteer", None, dt.timedelta(hours=1))
    db.commit()
    auth.login("org@example.org")
    client.post(f"/orgs/ny-wfp/invites/{invite.id}/revoke")
    assert b"withdrawn" in client.get(f"/join/{token}").data


def test_duplicate_email_is_a_form_error_not_a_500(db, client):
    chapter = _setup(db)
    _invite, token = services.create_invite(db, chapter, "volunteer", None, dt.timedelta(hours=1))
    db.commit()
    response = _join(client, token, email="ORG@example.org")
    assert response.status_code == 200
    assert b"already has an account" in response.data
    invite = db.scalar(sa.select(Invite))
    db.refresh(invite)
    assert invite.used_at is None  # the link still works for the right person


def test_organizer_cannot_mint_admin_links_but_admin_can(db, client, auth):
    _setup(db, "organizer")
    auth.login("org@example.org")
    assert client.post("/orgs/ny-wfp/members", data={"role": "admin"}).status_code == 403
    auth.logout()
    factories.user(db, "admin@example.org", db.scalar(sa.select(Membership)).organization, "admin")
    db.commit()
    auth.login("admin@example.org")
    assert client.post("/orgs/ny-wfp/members", data={"role": "organizer"}).status_code == 200


def test_invite_token_is_stored_hashed(db):
    chapter = _setup(db)
    invite, token = services.create_invite(db, chapter, "volunteer", None, dt.timedelta(hours=1))
    assert token not in invite.token_hash and invite.token_hash == services.hash_token(token)


def test_multi_use_link_with_turf_assigns_each_newcomer(db, app, client, auth):
    chapter = _setup(db)
    race = factories.race(db, chapter)
    turf = factories.turf(db, race, factories.households(db, race, 3))
    db.commit()
    auth.login("org@example.org")
    page = client.post("/orgs/ny-wfp/members", data={"role": "volunteer", "max_uses": "2",
                                                     "expires_hours": "5", "turf": str(turf.id)})
    assert page.status_code == 200
    token = re.search(r'/join/([^"]+)"', page.get_data(as_text=True)).group(1)
    for n in (1, 2):
        phone = app.test_client()
        joined = _join(phone, token, email=f"v{n}@example.org")
        assert joined.status_code == 302 and joined.headers["Location"].endswith(f"/walk/{turf.id}")
        assert phone.get(f"/walk/{turf.id}").status_code == 200
    used_up = _join(app.test_client(), token, email="v3@example.org")
    assert used_up.status_code == 410 and b"already been used" in used_up.data
    invite = db.scalar(sa.select(Invite))
    db.refresh(invite)
    assert invite.uses == 2 and invite.max_uses == 2
    assert db.scalar(sa.select(sa.func.count()).select_from(Membership)) == 3  # nothing added
    assert b"2 of 2" in client.get("/orgs/ny-wfp/members").data


def test_invite_bad_input_changes_nothing(db, client, auth):
    chapter = _setup(db)
    other = factories.race(db, factories.org(db, "pa-wfp"))
    foreign = factories.turf(db, other, factories.households(db, other, 1))
    db.commit()
    auth.login("org@example.org")
    for data in ({"max_uses": "0"}, {"max_uses": "5000"}, {"expires_hours": "0"},
                 {"turf": str(foreign.id)}):
        response = client.post("/orgs/ny-wfp/members", data={"role": "volunteer"} | data)
        assert response.status_code == 422, data
    assert db.scalar(sa.select(sa.func.count()).select_from(Invite)) == 0
    assert chapter.id
