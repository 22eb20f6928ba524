"""Property-based: whatever body or path id a client sends, the knock endpoints answer one of
their documented statuses (fieldapp/api/openapi.py), never a 500, on SQLite and PostgreSQL."""
from __future__ import annotations

import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.api.openapi import DOCUMENT
from fieldapp.knocklog.outcomes import OUTCOME_CODES
from tests.world import knock

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

NASTY_TEXT = st.sampled_from(["", "¹", "٣", "\x00", "\ud83d", "🗳", "9" * 400, "1e400",
                              "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                              "1900-01-01T00:00:00Z", "2017-05-20T14:05:00"]) | st.text(max_size=40)
NASTY_INT = st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, -(2**63), 10**400]) | st.integers()
NASTY_NUMBER = NASTY_INT | st.floats(allow_nan=True, allow_infinity=True)
SCALAR = st.none() | st.booleans() | NASTY_NUMBER | NASTY_TEXT
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(NASTY_TEXT, inner, max_size=4), max_leaves=12)
FIELDS = ["client_uuid", "household_id", "outcome", "knocked_at", "voter_id", "answers",
          "note", "location", "voids"]


@st.composite
def knock_like(draw, doors):
    """A real knock with some fields replaced by anything at all."""
    body = knock(draw(st.sampled_from(doors)), draw(st.sampled_from(OUTCOME_CODES)))
    body["client_uuid"] = str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1))))
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        body[name] = draw(JSON | st.fixed_dictionaries({"lat": NASTY_NUMBER, "lon": NASTY_NUMBER}))
    return body


def _documented(path: str) -> set[int]:
    return {int(code) for code in DOCUMENT["paths"][path]["post"]["responses"]}


def test_any_single_knock_gets_a_documented_status(client, world):
    allowed = _documented("/knocks")

    @SETTINGS
    @given(body=knock_like(world.doors + world.other_turf_doors) | JSON)
    def check(body):
        response = client.post("/api/v1/knocks", json=body, headers=world.headers("vol1"))
        assert response.status_code in allowed, (body, response.get_data(as_text=True))

    check()


def test_any_batch_gets_a_verdict_per_item(client, world):
    allowed = _documented("/knocks/batch")
    statuses = set(DOCUMENT["paths"]["/knocks/batch"]["post"]["responses"]["200"]["content"]
                   ["application/json"]["schema"]["properties"]["results"]["items"]
                   ["properties"]["status"]["enum"])

    @SETTINGS
    @given(items=st.lists(knock_like(world.doors) | JSON, max_size=6))
    def check(items):
        response = client.post("/api/v1/knocks/batch", json={"knocks": items},
                               headers=world.headers("vol1"))
        assert response.status_code in allowed
        results = response.get_json()["results"]
        assert len(results) == len(items)
        assert {r["status"] for r in results} <= statuses

    check()


def test_any_review_body_gets_a_documented_status(client, world):
    allowed = _documented("/knocks/review")

    @SETTINGS
    @given(body=st.fixed_dictionaries({"client_uuid": NASTY_TEXT | NASTY_INT, "payload": JSON,
                                       "reason": NASTY_TEXT}) | JSON)
    def check(body):
        response = client.post("/api/v1/knocks/review", json=body, headers=world.headers("vol1"))
        assert response.status_code in allowed

    check()


def test_any_path_id_is_a_404_or_an_answer(client, world):
    @SETTINGS
    @given(raw=NASTY_INT.map(str) | st.text(alphabet="0123456789¹٣²", min_size=1, max_size=30))
    def check(raw):
        for path in (f"/api/v1/turfs/{raw}", f"/api/v1/races/{raw}/turfs", f"/turfs/{raw}"):
            response = client.get(path, headers=world.headers("organizer"))
            assert response.status_code in (200, 302, 403, 404), path

    check()
