"""A phone's outbox is sent in batches the server takes: under its body limit, not only under
500 knocks, so long notes logged offline never meet a 413 (real Chromium, real outbox)."""
from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import set_offline
from tests.e2e.test_phone_walk import (  # noqa: F401 (fixtures)
    app_config,
    open_walk,
    turf,
    wait_for_knocks,
    wait_queued,
)

LIMIT = 8 * 1024


@pytest.fixture
def small_bodies(app_config):  # noqa: F811
    app_config["MAX_CONTENT_LENGTH"] = LIMIT


def test_long_notes_logged_offline_go_in_batches_under_the_limit(small_bodies, db, phone, turf):  # noqa: F811
    page = open_walk(phone, turf["id"], offline_ready=True)
    assert page.get_attribute("#phone", "data-max-body") == str(LIMIT)
    sent = []
    page.on("request", lambda r: r.url.endswith("/api/v1/knocks/batch") and sent.append(
        len(r.post_data_buffer or b"")))
    statuses = []
    page.on("response", lambda r: r.url.endswith("/api/v1/knocks/batch") and statuses.append(
        r.status))
    set_offline(phone, True)
    page.evaluate("""doors => Promise.all(doors.map((door, i) => window.fieldapp.outbox.add({
        client_uuid: window.fieldapp.store.uuid(), household_id: door, outcome: "contact",
        knocked_at: window.fieldapp.store.localIso(new Date()),
        note: "Talked at length about rent, schools and the bus route. ".repeat(25) + i})))""",
                  turf["doors"])
    wait_queued(page, 8)
    set_offline(phone, False)
    page.evaluate("window.fieldapp.outbox.sync()")
    wait_queued(page, 0, timeout=15_000)
    assert len(wait_for_knocks(db, 8)) == 8
    assert len(sent) >= 2 and max(sent) <= LIMIT and 413 not in statuses, (sent, statuses)
    assert json.loads(json.dumps(statuses)) == [200] * len(statuses)
