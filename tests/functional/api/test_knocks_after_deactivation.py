"""Issue 15: deactivating a volunteer never makes a knock their phone logged before it refusable.

The deactivation revokes their sessions and tokens; those credentials may still deliver knocks
(and nothing else): knocks logged before the deactivation are judged as usual, later ones are
held for an organizer's review.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from fieldapp.auth import team
from fieldapp.auth.models import ApiToken
from fieldapp.knocklog.models import DoorKnock, HeldKnock
from fieldapp.models_base import utcnow
from tests import factories
from tests.functional.api.test_knock_facts import _backdate
from tests.world import knock


def _deactivate(db, email):
    team.set_active(db, None, factories.get_user(db, email), False)
    db.commit()


def test_knocks_logged_before_deactivation_are_stored(db, client, world):
    _backdate(db, world.turf, 60)
    before = (utcnow() - dt.timedelta(minutes=10)).isoformat()
    queued = [knock(door, knocked_at=before) for door in world.doors[:3]]
    _deactivate(db, "vol1@example.org")
    # the phone comes back online with its outbox after the deactivation
    response = client.post("/api/v1/knocks/batch", json={"knocks": queued},
                           headers=world.headers("vol1"))
    assert response.status_code == 200
    assert [r["status"] for r in response.get_json()["results"]] == ["created"] * 3
    vol1 = factories.get_user(db, "vol1@example.org")
    stored = db.scalars(sa.select(DoorKnock).where(DoorKnock.user_id == vol1.id)).all()
    assert sorted(k.household_id for k in stored) == sorted(world.doors[:3])
    # a replay is a duplicate, not a second knock
    again = client.post("/api/v1/knocks", json=queued[0], headers=world.headers("vol1"))
    assert again.status_code == 200 and again.get_json()["client_uuid"] == queued[0]["client_uuid"]


def test_knocks_logged_after_deactivation_wait_for_review(db, client, world):
    _deactivate(db, "vol1@example.org")
    later = (utcnow() + dt.timedelta(seconds=30)).isoformat()
    response = client.post("/api/v1/knocks", json=knock(world.doors[0], knocked_at=later),
                           headers=world.headers("vol1"))
    assert response.status_code == 202 and response.get_json()["status"] == "held"
    held = db.scalars(sa.select(HeldKnock)).one()
    assert "deactivated" in held.reason and held.race_id == world.race
    assert db.scalar(sa.select(sa.func.count()).select_from(DoorKnock)) == 0


def test_a_deactivated_volunteer_may_do_nothing_else(db, client, world):
    _deactivate(db, "vol1@example.org")
    for path in ("/api/v1/me", f"/api/v1/turfs/{world.turf}"):
        refused = client.get(path, headers=world.headers("vol1"))
        assert refused.status_code == 401, path
        assert "deactivated" in refused.get_json()["error"]["message"]


def test_credentials_ended_before_the_deactivation_stay_refused(db, client, world):
    vol1 = factories.get_user(db, "vol1@example.org")
    db.execute(sa.update(ApiToken).where(ApiToken.user_id == vol1.id)
               .values(revoked_at=utcnow() - dt.timedelta(hours=1)))
    db.commit()
    _deactivate(db, "vol1@example.org")
    response = client.post("/api/v1/knocks", json=knock(world.doors[0]),
                           headers=world.headers("vol1"))
    assert response.status_code == 401


def test_reactivation_clears_the_stamp(db, world):
    _deactivate(db, "vol1@example.org")
    vol1 = factories.get_user(db, "vol1@example.org")
    assert vol1.deactivated_at is not None
    team.set_active(db, None, vol1, True)
    db.commit()
    assert factories.get_user(db, "vol1@example.org").deactivated_at is None
