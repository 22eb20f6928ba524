"""The phone pages' routes: my turfs, claiming a turf by code, the walk list shell, the worker."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldapp.turf.models import Assignment
from tests import factories


@pytest.fixture
def walk(db):
    """NY: vol1 holds turf A; vol2 holds nothing; turf B has a handout code. PA has its own."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "NY race")
    doors = factories.households(db, race, 6)
    turf_a = factories.turf(db, race, doors[:3], "A")
    turf_b = factories.turf(db, race, doors[3:], "B")
    turf_b.code = "ABCD-2345"
    pa_race = factories.race(db, pa, "PA race", centre=(39.95, -75.16))
    pa_turf = factories.turf(db, pa_race, factories.households(db, pa_race, 2), "PA turf")
    pa_turf.code = "WXYZ-6789"
    vol1 = factories.user(db, "vol1@example.org", ny, "volunteer")
    factories.user(db, "vol2@example.org", ny, "volunteer")
    factories.user(db, "org@example.org", ny, "organizer")
    factories.assign(db, turf_a, vol1)
    db.commit()
    return {"a": turf_a.id, "b": turf_b.id, "pa": pa_turf.id}


@pytest.mark.parametrize("path", ["/my/turfs", "/walk/1"])
def test_anonymous_is_sent_to_login(client, walk, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("who,turf,expected", [
    ("vol1", "a", 200), ("vol2", "a", 403), ("vol1", "b", 403), ("org", "a", 200),
    ("org", "pa", 403), ("vol1", None, 404),
])
def test_walk_page_access(client, auth, walk, who, turf, expected):
    auth.login(f"{who}@example.org")
    turf_id = walk[turf] if turf else 99999
    assert client.get(f"/walk/{turf_id}").status_code == expected


def test_walk_page_is_a_shell_with_its_data_urls(client, auth, walk):
    auth.login("vol1@example.org")
    response = client.get(f"/walk/{walk['a']}")
    html = response.get_data(as_text=True)
    assert f'data-turf-url="/api/v1/turfs/{walk["a"]}"' in html
    assert 'data-batch-url="/api/v1/knocks/batch"' in html
    assert "Voter0" not in html  # voters come from the turf JSON, not the cached page
    assert 'id="outcomes-data"' in html and '"label": "Not home"' in html
    # The map's tile host is allowed for images, and nothing else is loosened.
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "script-src 'self';" in csp


def test_walk_page_without_tiles_keeps_the_default_policy(app, client, auth, walk):
    from fieldapp.security import DEFAULT_CSP

    app.config["FIELDAPP_TILES_URL"] = ""
    auth.login("vol1@example.org")
    assert client.get(f"/walk/{walk['a']}").headers["Content-Security-Policy"] == DEFAULT_CSP


def test_my_turfs_lists_assignments_and_the_code_form(client, auth, walk):
    auth.login("vol1@example.org")
    html = client.get("/my/turfs").get_data(as_text=True)
    assert f'href="/walk/{walk["a"]}"' in html and "0 / 3 doors" in html
    assert 'action="/my/turfs/claim"' in html


def test_claim_by_code_gives_the_turf_and_opens_it(client, auth, walk, db):
    auth.login("vol2@example.org")
    response = client.post("/my/turfs/claim", data={"code": "abcd 2345"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/walk/{walk['b']}")
    held = db.scalars(sa.select(Assignment.turf_id).join(Assignment.volunteer)
                      .where(Assignment.status == "active")).all()
    assert walk["b"] in held
    assert client.get(f"/walk/{walk['b']}").status_code == 200


@pytest.mark.parametrize("code", ["NOPE-0000", "WXYZ-6789", ""])
def test_claim_with_a_bad_code_shows_a_form_error(client, auth, walk, code):
    """Unknown codes, and codes of another chapter's turf, are the same error."""
    auth.login("vol2@example.org")
    response = client.post("/my/turfs/claim", data={"code": code})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "No turf with that code" in html and 'aria-invalid="true"' in html


def test_claim_needs_the_csrf_token(app, client, auth, walk):
    auth.login("vol2@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/my/turfs/claim", data={"code": "ABCD-2345"}).status_code == 400


def test_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b"addEventListener(\"fetch\"" in response.data
