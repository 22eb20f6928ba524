"""The members page: roles, deactivation, reset links; own password changes; token expiry."""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from fieldapp.auth import services, team
from fieldapp.auth.models import ApiToken, LoginSession, PasswordReset, User
from fieldapp.chapters import services as chapters
from fieldapp.chapters.models import Membership
from fieldapp.knocklog.models import DoorKnock
from fieldapp.models_base import utcnow
from tests import factories


def _chapter(db):
    """A chapter with an admin, an organizer and a volunteer holding an API token."""
    chapter = factories.org(db)
    factories.user(db, "admin@example.org", chapter, "admin")
    factories.user(db, "org@example.org", chapter, "organizer")
    volunteer = factories.user(db, "vol@example.org", chapter, "volunteer")
    raw = services.create_api_token(db, volunteer, "phone")
    db.commit()
    return chapter, volunteer, raw


def _bearer(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_organizer_deactivates_after_asking_and_everything_stops(db, app, client, auth):
    _org, volunteer, raw = _chapter(db)
    phone = app.test_client()
    factories_login = phone.post("/login", data={"email": "vol@example.org",
                                                 "password": factories.PASSWORD})
    assert factories_login.status_code == 302 and phone.get("/my/turfs").status_code == 200
    auth.login("org@example.org")
    ask = client.get(f"/orgs/ny-wfp/members/{volunteer.id}/deactivate")
    assert ask.status_code == 200 and b"knocks stay" in ask.data
    db.expire_all()
    assert factories.get_user(db, "vol@example.org").active  # asking changed nothing
    assert client.post(f"/orgs/ny-wfp/members/{volunteer.id}/deactivate").status_code == 302
    assert phone.get("/my/turfs").status_code == 302  # the phone's session ended at once
    refused = app.test_client().get("/api/v1/me", headers=_bearer(raw))
    assert refused.status_code == 401
    assert "deactivated" in refused.get_json()["error"]["message"]
    db.expire_all()
    assert db.scalar(sa.select(ApiToken)).revoked_at is not None
    assert db.scalar(sa.select(sa.func.count()).select_from(LoginSession)
                     .where(LoginSession.user_id == volunteer.id,
                            LoginSession.revoked_at.is_(None))) == 0
    assert b"deactivated" in client.get("/orgs/ny-wfp/members").data
    # reactivated: can log in again; the old token stays revoked
    assert client.post(f"/orgs/ny-wfp/members/{volunteer.id}/reactivate").status_code == 302
    back = app.test_client()
    back.post("/login", data={"email": "vol@example.org", "password": factories.PASSWORD})
    assert back.get("/my/turfs").status_code == 200
    assert back.get("/api/v1/me", headers=_bearer(raw)).status_code == 401


def test_deactivation_keeps_knocks(db, client, auth):
    chapter, volunteer, _raw = _chapter(db)
    race = factories.race(db, chapter)
    door = factories.households(db, race, 1)[0]
    db.add(DoorKnock(client_uuid="k1", payload_hash="x", user_id=volunteer.id, race_id=race.id,
                     household_id=door.id, outcome="not_home", knocked_at=utcnow()))
    db.commit()
    team.set_active(db, None, volunteer, False)
    db.commit()
    assert db.scalar(sa.select(sa.func.count()).select_from(DoorKnock)) == 1


def test_roles_organizers_manage_volunteers_admins_everyone(db, client, auth):
    _org, volunteer, _raw = _chapter(db)
    organizer = factories.get_user(db, "org@example.org")
    admin = factories.get_user(db, "admin@example.org")
    auth.login("org@example.org")
    # an organizer may not promote, nor touch another organizer or an admin
    assert client.post(f"/orgs/ny-wfp/members/{volunteer.id}/role",
                       data={"role": "organizer"}).status_code == 403
    assert client.post(f"/orgs/ny-wfp/members/{admin.id}/deactivate").status_code == 403
    assert client.post(f"/orgs/ny-wfp/members/{organizer.id}/role",
                       data={"role": "volunteer"}).status_code == 403  # not themselves
    auth.logout()
    auth.login("admin@example.org")
    assert client.post(f"/orgs/ny-wfp/members/{volunteer.id}/role",
                       data={"role": "organizer"}).status_code == 302
    db.expire_all()
    assert volunteer.role_in(1) == "organizer"
    # the last admin cannot be demoted (nor demote themselves)
    assert client.post(f"/orgs/ny-wfp/members/{admin.id}/role",
                       data={"role": "volunteer"}).status_code == 403
    try:
        team.change_role(db, admin, db.scalar(sa.select(Membership).where(
            Membership.user_id == organizer.id)), "bogus")
    except Exception as error:  # noqa: BLE001 - the message is what is checked
        assert "Unknown role" in str(error)
    assert client.post("/orgs/ny-wfp/members/999/role", data={"role": "volunteer"}).status_code == 404


def test_member_of_two_chapters_needs_both_organizers(db, client, auth):
    _org, volunteer, _raw = _chapter(db)
    chapters.set_membership(db, volunteer, factories.org(db, "pa-wfp"), "volunteer")
    db.commit()
    auth.login("org@example.org")
    response = client.post(f"/orgs/ny-wfp/members/{volunteer.id}/deactivate")
    assert response.status_code == 403
    db.expire_all()
    assert factories.get_user(db, "vol@example.org").active


def test_reset_link_once_within_a_day(db, app, client, auth):
    _org, volunteer, _raw = _chapter(db)
    auth.login("org@example.org")
    page = client.post(f"/orgs/ny-wfp/members/{volunteer.id}/reset-link")
    assert page.status_code == 200 and b"<svg" in page.data
    link = re.search(r'value="(http://[^"]+/reset/[^"]+)"', page.get_data(as_text=True)).group(1)
    path = link.split("localhost", 1)[1]
    phone = app.test_client()
    phone.post("/login", data={"email": "vol@example.org", "password": factories.PASSWORD})
    stranger = app.test_client()
    assert stranger.get(path).status_code == 200
    short = stranger.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 200 and b"Use 10 to 200 characters" in short.data  # nothing used yet
    done = stranger.post(path, data={"password": "a brand new pw", "confirm": "a brand new pw"})
    assert done.status_code == 302
    assert phone.get("/my/turfs").status_code == 302  # every session ended
    again = stranger.post(path, data={"password": "another new pw", "confirm": "another new pw"})
    assert again.status_code == 410 and b"already been used" in again.data
    db.expire_all()
    assert services.authenticate(db, "vol@example.org", "a brand new pw") is not None


def test_late_or_unknown_reset_link_changes_nothing(db, client):
    _org, volunteer, _raw = _chapter(db)
    token = team.create_reset_link(db, None, volunteer)
    db.execute(sa.update(PasswordReset).values(expires_at=utcnow() - dt.timedelta(minutes=1)))
    db.commit()
    late = client.post(f"/reset/{token}", data={"password": "a brand new pw",
                                                "confirm": "a brand new pw"})
    assert late.status_code == 410 and b"expired" in late.data
    assert client.get("/reset/nonsense").status_code == 410
    db.expire_all()
    assert services.authenticate(db, "vol@example.org", factories.PASSWORD) is not None


def test_new_reset_link_replaces_the_old(db, client):
    _org, volunteer, _raw = _chapter(db)
    first = team.create_reset_link(db, None, volunteer)
    team.create_reset_link(db, None, volunteer)
    db.commit()
    assert client.get(f"/reset/{first}").status_code == 410


def test_own_password_change_ends_other_sessions(db, app, client, auth):
    _chapter(db)
    other = app.test_client()
    other.post("/login", data={"email": "vol@example.org", "password": factories.PASSWORD})
    auth.login("vol@example.org")
    wrong = client.post("/account/password", data={"current": "nope", "password": "a brand new pw",
                                                   "confirm": "a brand new pw"})
    assert wrong.status_code == 422 and b"Wrong password" in wrong.data
    assert other.get("/my/turfs").status_code == 200
    done = client.post("/account/password", data={"current": factories.PASSWORD,
                                                   "password": "a brand new pw",
                                                   "confirm": "a brand new pw"})
    assert done.status_code == 302
    assert client.get("/my/turfs").status_code == 200  # this session stays
    assert other.get("/my/turfs").status_code == 302  # the other one ended
    assert app.test_client().get("/account/password").status_code == 302  # login required


def test_tokens_expire_with_a_clear_message(db, app, client, auth):
    _org, _volunteer, raw = _chapter(db)
    row = db.scalar(sa.select(ApiToken))
    assert dt.timedelta(days=89) < row.expires_at - utcnow() <= dt.timedelta(days=90)
    assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
    row.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.commit()
    refused = client.get("/api/v1/me", headers=_bearer(raw))
    assert refused.status_code == 401 and "expired" in refused.get_json()["error"]["message"]
    auth.login("vol@example.org")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "(expired)" in page and "Expires" in page and "Last used" in page


def test_token_lifetime_is_configurable(db, app, client, auth):
    _chapter(db)
    app.config["API_TOKEN_TTL_DAYS"] = 7
    auth.login("org@example.org")
    client.post("/account/tokens", data={"name": "script"})
    row = db.scalar(sa.select(ApiToken).where(ApiToken.name == "script"))
    assert dt.timedelta(days=6) < row.expires_at - utcnow() <= dt.timedelta(days=7)


def test_users_are_never_deleted_by_deactivation(db):
    _org, volunteer, _raw = _chapter(db)
    team.set_active(db, None, volunteer, False)
    db.commit()
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 3
