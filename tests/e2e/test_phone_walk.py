"""A volunteer walks a turf on a 360-px phone: two-tap not-home, offline outbox, errors, undo.

Each test builds its own small turf, logs in through the real form and drives the walk list.
The app's own flags say when a page is drawn (`fieldapp.ready`) and when the worker has kept it
for offline use (`fieldapp.offlineReady`).
"""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from fieldapp.knocklog.models import DoorKnock
from tests import factories
from tests.e2e.conftest import login, set_offline

VOLUNTEER = "walker@example.org"


@pytest.fixture
def app_config(app_config):
    """No tile server: the test browser must never leave the live server."""
    return {**app_config, "FIELDAPP_TILES_URL": ""}


@pytest.fixture
def turf(db):
    """A race with a script, eight doors in one turf held by the volunteer."""
    organization = factories.org(db)
    race = factories.race(db, organization, "NY race")
    doors = factories.households(db, race, 8, voters_each=2)
    area = factories.turf(db, race, doors, "Main St")
    volunteer = factories.user(db, VOLUNTEER, organization, "volunteer")
    factories.assign(db, area, volunteer)
    db.commit()
    return {"id": area.id, "doors": [d.id for d in doors], "race": race.id}


def open_walk(phone, turf_id: int, offline_ready: bool = False):
    """Log in and open the walk list; wait until it is drawn (and kept offline if asked)."""
    page = phone.new_page()
    login(page, VOLUNTEER)
    page.goto(f"/walk/{turf_id}")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    if offline_ready:
        page.wait_for_function("() => window.fieldapp.offlineReady", timeout=10_000)
    return page


def knocks(db) -> list[DoorKnock]:
    """The stored knocks, read fresh from the database."""
    db.expire_all()
    return list(db.scalars(sa.select(DoorKnock).order_by(DoorKnock.id)))


def wait_for_knocks(db, count: int, timeout: float = 10.0) -> list[DoorKnock]:
    """Poll the database until `count` knocks are stored."""
    deadline = time.monotonic() + timeout
    while True:
        rows = knocks(db)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def log_not_home(page) -> None:
    """The two taps: the next-door card, then Not home (after the mis-tap guard of the last
    save has passed: a tap within it is ignored, as a double tap's second must be)."""
    page.wait_for_function("() => !window.fieldapp.walk.guarded()")
    page.click("#next-door-button")
    page.click("#outcome-grid [data-outcome=not_home]")


def queued(page) -> int:
    """The sync bar's count of knocks waiting."""
    return int(page.inner_text("#outbox-count"))


def wait_queued(page, count: int, timeout: float = 10_000) -> None:
    """Wait until the sync bar says `count` knocks wait (IndexedDB answers asynchronously)."""
    page.wait_for_function("n => document.getElementById('outbox-count').textContent === String(n)",
                           arg=count, timeout=timeout)


def test_my_turfs_and_walk_open_offline(db, phone, turf):
    page = phone.new_page()
    login(page, VOLUNTEER)
    assert page.url.endswith("/my/turfs")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.offlineReady", timeout=10_000)
    set_offline(phone, True)
    page.reload()
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    assert "0 / 8 doors" in page.inner_text("#turf-list")
    assert "Offline" in page.inner_text("#turfs-status")
    # The walk page was kept from My turfs: it opens with no network at all.
    page.click(".turf-card")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    assert page.locator(".door").count() == 8
    assert "offline copy" in page.inner_text("#turf-progress")


def test_not_home_in_two_taps(db, phone, turf):
    phone.grant_permissions(["geolocation"])
    phone.set_geolocation({"latitude": 40.6801, "longitude": -73.4499, "accuracy": 12})
    page = open_walk(phone, turf["id"])
    assert page.inner_text("#next-door-button .door-address") == "100 Test St"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.wait_for_timeout(300)  # let the first position fix arrive
    page.screenshot(path="/tmp/phone_walk.png")
    log_not_home(page)
    # Optimistic: the door shows its outcome and the next door moves on top at once.
    first = page.locator(f".door[data-household-id='{turf['doors'][0]}'] .door-status")
    assert first.inner_text() == "Not home"
    assert page.inner_text("#next-door-button .door-address") == "102 Test St"
    wait_queued(page, 0)
    [knock] = wait_for_knocks(db, 1)
    assert (knock.household_id, knock.outcome) == (turf["doors"][0], "not_home")
    assert knock.latitude == pytest.approx(40.6801) and knock.accuracy_m == pytest.approx(12)
    page.screenshot(path="/tmp/phone_walk_saved.png")


def test_talked_saves_answers_and_note(db, phone, turf):
    page = open_walk(phone, turf["id"])
    page.click("#next-door-button")
    page.screenshot(path="/tmp/phone_outcomes.png")
    page.click("#outcome-grid [data-outcome=contact]")
    page.click("#talk-voters .choice >> nth=1")
    page.click("#talk-questions .choice:text-is('4')")
    page.fill("#talk-note", "Wants a yard sign")
    page.screenshot(path="/tmp/phone_talk.png")
    # At the bottom of the form the door being logged is still named at the top of the sheet
    # (a short screen, so that the form scrolls).
    page.set_viewport_size({"width": 360, "height": 480})
    page.eval_on_selector("#sheet", "sheet => { sheet.scrollTop = sheet.scrollHeight; }")
    assert page.eval_on_selector("#sheet", "sheet => sheet.scrollTop") > 0
    title, sheet = (page.eval_on_selector(s, "e => e.getBoundingClientRect().toJSON()")
                    for s in ("#sheet-title", "#sheet"))
    assert sheet["top"] <= title["top"] and title["bottom"] <= sheet["top"] + 80
    page.click("#talk-save")
    [knock] = wait_for_knocks(db, 1)
    assert knock.outcome == "contact" and knock.note == "Wants a yard sign"
    # the voter picked, with their own answers (talkform.js: several people may answer)
    [person] = knock.talked_to
    assert person["voter_id"] == knock.voter_id and list(person["answers"].values()) != []
    assert knock.knocked_at_offset_min is not None


def test_offline_walk_survives_reload_and_syncs_once(db, phone, turf):
    page = open_walk(phone, turf["id"], offline_ready=True)
    set_offline(phone, True)
    for _ in range(5):
        log_not_home(page)
    wait_queued(page, 5)
    page.reload()
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    assert page.locator(".door").count() == 8
    assert page.locator(".door.is-done").count() == 5
    assert "offline copy" in page.inner_text("#turf-progress")  # the doors are the phone's kept list
    wait_queued(page, 5)
    assert page.inner_text("#next-door-button .door-address") == "110 Test St"
    assert knocks(db) == []
    set_offline(phone, False)
    wait_queued(page, 0, timeout=15_000)
    rows = wait_for_knocks(db, 5)
    assert sorted(k.household_id for k in rows) == sorted(turf["doors"][:5])
    assert len({k.client_uuid for k in rows}) == 5
    # Back online the list is the server's again, no longer the phone's offline copy.
    page.wait_for_function(
        "() => !document.getElementById('turf-progress').textContent.includes('offline copy')",
        timeout=10_000)
    assert page.locator(".door.is-done").count() == 5


def test_server_errors_keep_the_outbox(db, phone, turf):
    page = open_walk(phone, turf["id"])
    failures = {"left": 3}

    def flaky(route):
        if failures["left"] > 0:
            failures["left"] -= 1
            route.fulfill(status=500, content_type="application/json",
                          body='{"error": {"code": "server_error", "message": "boom"}}')
        else:
            route.continue_()

    page.route("**/api/v1/knocks/batch", flaky)
    # The error is shown only until the next sync succeeds, which may come before the test
    # could look: an observer notes every status the phone shows.
    page.evaluate("""() => {
      const status = document.getElementById('sync-status');
      window.__statuses = [];
      new MutationObserver(() => window.__statuses.push(status.textContent))
        .observe(status, {childList: true, characterData: true, subtree: true});
    }""")
    log_not_home(page)
    log_not_home(page)
    page.wait_for_function("() => window.__statuses.some(t => t.includes('error 500'))")
    while failures["left"] > 0:
        page.click("#sync-now")
        page.wait_for_timeout(200)
    page.click("#sync-now")
    wait_queued(page, 0)
    assert len(wait_for_knocks(db, 2)) == 2
    # both reached the server, none set aside after the three failures
    assert page.locator("#attention-list li").count() == 0
    page.wait_for_function(
        "() => !document.getElementById('sync-status').textContent.includes('error')")


def test_undo_within_a_minute(db, phone, turf):
    page = open_walk(phone, turf["id"])
    # Undo while still queued: the knock never reaches the server.
    set_offline(phone, True)
    log_not_home(page)
    page.click("#undo")
    wait_queued(page, 0)
    assert page.inner_text("#next-door-button .door-address") == "100 Test St"
    assert "Undone" in page.inner_text("#toast-text")
    assert not page.is_visible("#undo")  # nothing left to undo: no dead button
    set_offline(phone, False)
    # Undo after it was sent: an undo event voids it on the server.
    log_not_home(page)
    wait_for_knocks(db, 1)
    wait_queued(page, 0)
    page.click("#undo")
    wait_queued(page, 0)
    rows = wait_for_knocks(db, 2)
    assert [k.outcome for k in rows] == ["not_home", "void"]
    assert rows[1].voids_knock_id == rows[0].id
    assert page.inner_text("#next-door-button .door-address") == "100 Test St"
    db.expire_all()
    from fieldapp.voters.models import Household
    assert db.get(Household, turf["doors"][0]).last_outcome is None


def test_refused_knocks_need_attention(db, phone, turf):
    page = open_walk(phone, turf["id"])
    page.route("**/api/v1/knocks/batch", lambda route: route.fulfill(
        status=200, content_type="application/json",
        body='{"results": [{"client_uuid": null, "status": "invalid", '
             '"errors": {"knocked_at": "more than 5 minutes in the future"}}]}'))
    log_not_home(page)
    page.wait_for_selector("#attention:not([hidden])")
    assert "more than 5 minutes in the future" in page.inner_text("#attention-list")
    assert queued(page) == 0


def test_logout_warns_about_unsent_knocks_and_wipes_the_phone(db, phone, turf):
    page = open_walk(phone, turf["id"], offline_ready=True)
    page.route("**/api/v1/knocks/batch", lambda route: route.fulfill(status=500, body="{}"))
    log_not_home(page)
    wait_queued(page, 1)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.click("#logout-form button")
    page.wait_for_timeout(300)
    assert "1 knock has not been sent" in dialogs[0]
    assert page.url.endswith(f"/walk/{turf['id']}")  # they changed their mind: still here
    page.click("#logout-form button")
    page.wait_for_url("**/login")
    left = page.evaluate("""async () => ({
        caches: (await caches.keys()).filter(n => !n.startsWith('fieldapp-shell')),
        dbs: (await indexedDB.databases()).map(d => d.name)})""")
    assert left == {"caches": [], "dbs": []}
    assert knocks(db) == []


def test_flats_of_one_building_share_one_numbered_pin(db, phone, turf):
    """Doors at one point (units of a building) draw one pin, "2-4", not numbers on top of
    each other; tapping it opens the first door there still to knock."""
    from fieldapp.voters.models import Household

    first = db.get(Household, turf["doors"][1])
    for door_id, unit in zip(turf["doors"][1:4], ("1", "2", "3")):
        door = db.get(Household, door_id)
        door.lat, door.lon, door.unit = first.lat, first.lon, unit
    db.commit()
    page = open_walk(phone, turf["id"])
    page.wait_for_selector(".door-pin")
    labels = page.eval_on_selector_all(".door-pin", "pins => pins.map(p => p.textContent)")
    assert sorted(labels) == sorted(["1", "2-4", "5", "6", "7", "8"])
    assert "#1" in page.locator(".door").nth(1).inner_text()  # the unit reads as a unit
    log_not_home(page)  # door 1
    page.wait_for_function("() => !window.fieldapp.walk.guarded()")  # the mis-tap guard
    page.locator(".door-pin", has_text="2-4").dispatch_event("click")
    page.wait_for_selector("#sheet:not([hidden])")
    assert page.inner_text("#sheet-title") == "#2 102 Test St #1"  # the first flat to knock


def test_neighbours_close_on_screen_share_a_pin_until_zoomed_in(db, phone, turf):
    """Houses 8 m apart would draw their numbers over each other at the turf's zoom: they
    share one pin, "1-2", and tapping it zooms in until each has its own (no door opens)."""
    from fieldapp.voters.models import Household

    first, second = (db.get(Household, door_id) for door_id in turf["doors"][:2])
    second.lat, second.lon = first.lat, first.lon + 0.0001
    db.commit()
    page = open_walk(phone, turf["id"])
    page.wait_for_selector(".door-pin")
    labels = page.eval_on_selector_all(".door-pin", "pins => pins.map(p => p.textContent)")
    assert sorted(labels) == sorted(["1-2", "3", "4", "5", "6", "7", "8"])
    page.locator(".door-pin", has_text="1-2").dispatch_event("click")
    page.wait_for_function("""() => ['1', '2'].every(n =>
        [...document.querySelectorAll('.door-pin')].some(p => p.textContent === n))""")
    assert page.is_hidden("#sheet")  # the tap zoomed in; it did not open a door
    page.locator(".door-pin", has_text="2").first.dispatch_event("click")
    page.wait_for_selector("#sheet:not([hidden])")
    assert "102 Test St" in page.inner_text("#sheet-title")


OVERLAPS = """() => {
    const pins = [...document.querySelectorAll('.door-pin')]
        .map(p => [p.textContent, p.getBoundingClientRect()]);
    const found = [];
    pins.forEach(([la, a], i) => pins.slice(i + 1).forEach(([lb, b]) => {
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
            found.push([la, lb]);
    }));
    return found; }"""


def test_no_two_pins_overlap_at_any_zoom(db, phone, turf):
    """A street of houses a few metres apart, then a gap, then more: whatever the zoom, pins
    never cover each other's numbers (merged pins are wider, so they are checked again)."""
    from fieldapp.voters.models import Household

    base = db.get(Household, turf["doors"][0])
    offsets = [0, 0.00005, 0.0001, 0.00015, 0.0002, 0.0006, 0.00065, 0.0012]
    for door_id, offset in zip(turf["doors"], offsets):
        door = db.get(Household, door_id)
        door.lat, door.lon = base.lat, base.lon + offset
    db.commit()
    page = open_walk(phone, turf["id"])
    page.wait_for_selector(".door-pin")
    assert page.evaluate(OVERLAPS) == []
    zoom_out = page.locator(".leaflet-control-zoom-out")
    for _ in range(3):
        zoom_out.click()
        page.wait_for_timeout(400)
        assert page.evaluate(OVERLAPS) == []
    labels = page.eval_on_selector_all(".door-pin", "pins => pins.map(p => p.textContent)")
    assert len(labels) < 4  # far out, the street is a few pins
    titles = page.eval_on_selector_all(".door-pin", "pins => pins.map(p => p.title)")
    assert any(title.startswith("Doors 1-") for title in titles)
