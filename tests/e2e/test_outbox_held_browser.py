"""Nothing logged is lost on the phone: a batch the server fails on is bisected down to the one
item that fails, which is set aside (with "Send for review") while everything after it syncs;
a knock the server holds for review shows as "sent for review"; and the mis-tap guard (real
Chromium, real outbox; only the failing server answers are made with page.route)."""
from __future__ import annotations

import json
import re

import sqlalchemy as sa

from tests.e2e.conftest import set_offline
from tests.e2e.test_phone_walk import (  # noqa: F401 (fixtures)
    app_config,
    log_not_home,
    open_walk,
    queued,
    turf,
    wait_for_knocks,
    wait_queued,
)


def poison(page, bad_uuid: str, sent: list) -> None:
    """Make every batch holding `bad_uuid` fail as a whole (500), as a server bug would."""
    def handle(route):
        body = json.loads(route.request.post_data or "{}")
        uuids = [k.get("client_uuid") for k in body.get("knocks", [])]
        sent.append(uuids)
        if bad_uuid in uuids:
            route.fulfill(status=500, content_type="application/json",
                          body='{"error": {"code": "server_error", "message": "boom"}}')
        else:
            route.continue_()
    page.route("**/api/v1/knocks/batch", handle)


def queued_uuids(page) -> list[str]:
    return page.evaluate("window.fieldapp.outbox.list().then(i => i.map(x => x.client_uuid))")


def test_a_poisoned_item_is_set_aside_and_the_rest_sync(db, phone, turf):  # noqa: F811
    page = open_walk(phone, turf["id"])
    set_offline(phone, True)
    for _ in range(6):
        log_not_home(page)
    wait_queued(page, 6)
    uuids = queued_uuids(page)
    bad = uuids[2]
    sent: list = []
    poison(page, bad, sent)
    set_offline(phone, False)
    page.evaluate("window.fieldapp.outbox.sync()")
    # The first round bisects the batch: the five good knocks are stored, the bad one waits.
    stored = wait_for_knocks(db, 5)
    assert sorted(k.client_uuid for k in stored) == sorted(u for u in uuids if u != bad)
    assert queued_uuids(page) in ([bad], [])
    assert [bad] in sent, sent
    # It fails alone again in the next rounds (each sync that the 'online' event and this test
    # start is one), then it is set aside on the phone: not queued,
    # not dismissable (the phone holds its only copy), offered for review.
    for _ in range(5):
        if queued(page) == 0:
            break
        page.evaluate("window.fieldapp.outbox.sync()")
        page.wait_for_function("() => !window.fieldapp.outbox.state.syncing")
    wait_queued(page, 0)
    item = page.locator(f"#attention-list li[data-client-uuid='{bad}']")
    assert "set aside on this phone" in item.inner_text()
    # Why, in the volunteer's words (the organizer gets the same in English with the knock).
    assert re.search(r"The server failed on it \d+ times \(error \d{3}\)\.", item.inner_text())
    assert item.locator("button.send-review").is_visible()
    assert item.locator("button.dismiss").count() == 0
    assert "set aside" in page.inner_text("#sync-status")
    assert len(wait_for_knocks(db, 6, timeout=1)) == 5
    # Dismiss is refused for it even when called directly.
    page.evaluate("u => window.fieldapp.outbox.dismiss(u)", bad)
    assert page.locator(f"#attention-list li[data-client-uuid='{bad}']").count() == 1
    # Knocks logged after it sync at once.
    before = page.evaluate("+window.fieldapp.outbox.state.lastSync")
    log_not_home(page)
    # (page.route answers only while a Playwright call waits: wait in the page, not in sleep)
    page.wait_for_function("""t => { const s = window.fieldapp.outbox.state;
        return +s.lastSync > t && !s.syncing && s.count === 0; }""", arg=before)
    assert len(wait_for_knocks(db, 6)) == 6


def test_send_for_review_stores_the_set_aside_item(db, phone, turf):  # noqa: F811
    from fieldapp.knocklog.models import HeldKnock

    page = open_walk(phone, turf["id"])
    page.route("**/api/v1/knocks/batch", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"results": [{"client_uuid": null, "status": "invalid", '
             '"errors": {"note": "not valid text"}}]}'))
    log_not_home(page)
    page.wait_for_selector("#attention-list li.is-set-aside")
    assert "note: not valid text" in page.inner_text("#attention-list")
    page.click("#attention-list button.send-review")
    page.wait_for_selector("#attention-list li.is-held")
    assert "sent for review" in page.inner_text("#attention-list")
    db.expire_all()
    held = db.scalars(sa.select(HeldKnock)).all()
    assert len(held) == 1 and "not valid text" in held[0].reason
    assert json.loads(held[0].payload)["household_id"] == turf["doors"][0]
    # Stored on the server now: Dismiss hides it from the phone.
    page.click("#attention-list button.dismiss")
    page.wait_for_selector("#attention", state="hidden")


def test_a_held_answer_shows_sent_for_review(db, phone, turf):  # noqa: F811
    page = open_walk(phone, turf["id"])
    page.route("**/api/v1/knocks/batch", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"results": [{"client_uuid": null, "status": "held", "held_id": 7, '
             '"reason": "this door is not in your turfs"}]}'))
    log_not_home(page)
    page.wait_for_selector("#attention-list li.is-held")
    text = page.inner_text("#attention-list")
    assert "sent for review" in text and "not in your turfs" in text
    assert "set aside" not in text
    wait_queued(page, 0)
    # Never retried: another sync sends nothing.
    sent = []
    page.on("request", lambda r: r.url.endswith("/api/v1/knocks/batch") and sent.append(r))
    page.click("#sync-now")
    page.wait_for_function("() => !window.fieldapp.outbox.state.syncing")
    assert sent == []
    assert page.locator("#attention-list button.send-review").count() == 0
    page.click("#attention-list button.dismiss")
    page.wait_for_selector("#attention", state="hidden")


def test_a_double_tap_does_not_log_the_next_door(db, phone, turf):  # noqa: F811
    page = open_walk(phone, turf["id"])
    set_offline(phone, True)
    page.click("#next-door-button")
    box = page.locator("#outcome-grid [data-outcome=not_home]").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Two taps 100 ms apart at the same spot: the second lands on the page under the sheet.
    page.mouse.click(x, y)
    page.wait_for_timeout(100)
    page.mouse.click(page.locator("#next-door-button").bounding_box()["x"] + 20,
                     page.locator("#next-door-button").bounding_box()["y"] + 20)
    page.wait_for_timeout(50)
    assert page.is_hidden("#sheet")
    wait_queued(page, 1)
    # After the guard, a tap opens the next door as usual.
    page.wait_for_timeout(page.evaluate("window.fieldapp.walk.guardMs"))
    page.click("#next-door-button")
    assert page.is_visible("#sheet")


def test_the_undo_toast_covers_no_control(db, phone, turf):  # noqa: F811
    page = open_walk(phone, turf["id"])
    set_offline(phone, True)
    top_before = page.locator("#syncbar").bounding_box()["y"]
    log_not_home(page)
    page.wait_for_selector("#toast:not([hidden])")
    # Showing it moved nothing (its place is kept), and every control on screen is on top
    # where it is drawn: the toast lies over none of them, with the sheet closed or open.
    assert page.locator("#syncbar").bounding_box()["y"] == top_before
    covered = """() => [...document.querySelectorAll('button, a, input, textarea')]
        .filter(b => b.offsetParent && !b.closest('#toast'))
        .filter(b => { const r = b.getBoundingClientRect();
                       const x = r.left + r.width / 2, y = r.top + r.height / 2;
                       if (y < 0 || y > innerHeight || x < 0 || x > innerWidth) return false;
                       const hit = document.elementFromPoint(x, y);
                       return hit && hit.closest('#toast'); })
        .map(b => b.id || b.textContent)"""
    for scroll in (0, 300, 100000):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        assert page.evaluate(covered) == []
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(page.evaluate("window.fieldapp.walk.guardMs"))
    page.click("#next-door-button")
    assert page.is_visible("#sheet") and page.is_visible("#toast")
    assert page.evaluate(covered) == []
    page.click("#sheet-close")
    page.click("#undo")
    wait_queued(page, 0)
