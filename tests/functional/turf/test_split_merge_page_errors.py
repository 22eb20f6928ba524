"""Bad split or merge input on the turf page: back on the turf page with the message, 422,
nothing changed (not the generic "Cannot do that" page)."""
from __future__ import annotations

import html as html_lib
import json

import pytest
import sqlalchemy as sa

from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household
from tests import factories
from tests.conftest import csrf_token_from

MISSES = json.dumps({"type": "LineString", "coordinates": [[0, 0], [0.001, 0.001]]})


def _world(db):
    """NY race with two neighbouring 4-door turfs, another NY race's turf, a PA turf."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "NY race")
    factories.user(db, "org@example.org", ny, "organizer")
    doors = factories.households(db, race, 8)
    turfs = [factories.turf(db, race, doors[:4], name="T 000"),
             factories.turf(db, race, doors[4:], name="T 001")]
    other_race = factories.race(db, ny, "Other race")
    elsewhere = factories.turf(db, other_race, factories.households(db, other_race, 3), "Far")
    pa_race = factories.race(db, pa, "PA race", centre=(39.95, -75.16))
    pa_turf = factories.turf(db, pa_race, factories.households(db, pa_race, 3), "PA")
    db.commit()
    return turfs, elsewhere, pa_turf


def _state(db) -> tuple:
    db.expire_all()
    return (sorted(db.execute(sa.select(Turf.id, Turf.name, Turf.status, Turf.door_count)).all()),
            sorted(db.execute(sa.select(Household.id, Household.turf_id)).all()))


@pytest.mark.parametrize("path,form,message", [
    ("split/preview", {"mode": "line", "line": MISSES}, "The line does not cut the turf"),
    ("split", {"mode": "line", "line": MISSES}, "The line does not cut the turf"),
    ("split/preview", {"mode": "line", "line": "{not json"}, "Draw a line across the turf first"),
    ("split/preview", {"mode": "line", "line": ""}, "Draw a line across the turf first"),
    ("split/preview", {"mode": "count", "parts": "lots"}, "Say how many parts"),
    ("split", {"mode": "count", "parts": "9"}, "Split into 2 to 4 parts"),
    ("merge/preview", {"other": ""}, "Pick the turf to merge with"),
    ("merge", {"other": "{elsewhere}"}, "another race"),
    ("merge", {"other": "{self}"}, "Pick another turf to merge with"),
])
def test_bad_input_comes_back_on_the_turf_page(client, auth, db, path, form, message):
    turfs, elsewhere, _pa = _world(db)
    turf = turfs[0]
    before = _state(db)
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/turfs/{turf.id}")
    data = {k: v.replace("{elsewhere}", str(elsewhere.id)).replace("{self}", str(turf.id))
            for k, v in form.items()}
    r = client.post(f"/turfs/{turf.id}/{path}", data={"csrf_token": token, **data})
    page = html_lib.unescape(r.get_data(as_text=True))
    assert r.status_code == 422
    assert 'id="split-turf"' in page and 'id="merge-turf"' in page  # the turf page itself
    assert "Cannot do that" not in page
    assert 'class="flash flash-error"' in page and message in page
    assert _state(db) == before
    # The message was shown once: it is not left over for the next page.
    assert 'class="flash flash-error"' not in client.get(f"/turfs/{turf.id}").get_data(as_text=True)


def test_another_chapters_turf_is_still_forbidden(client, auth, db):
    turfs, _elsewhere, pa_turf = _world(db)
    before = _state(db)
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/turfs/{turfs[0].id}")
    r = client.post(f"/turfs/{turfs[0].id}/merge", data={"csrf_token": token,
                                                         "other": str(pa_turf.id)})
    assert r.status_code == 403
    r = client.post(f"/turfs/{pa_turf.id}/split", data={"csrf_token": token, "mode": "count",
                                                        "parts": "2"})
    assert r.status_code == 403
    assert _state(db) == before


def test_json_clients_still_get_field_errors(client, auth, db):
    turfs, _elsewhere, _pa = _world(db)
    auth.login("org@example.org")
    token = csrf_token_from(client, f"/turfs/{turfs[0].id}")
    r = client.post(f"/turfs/{turfs[0].id}/split/preview", headers={"Accept": "application/json"},
                    data={"csrf_token": token, "mode": "line", "line": MISSES})
    assert r.status_code == 422 and r.get_json()["error"]["fields"] == {"line": "does not cut the turf"}
