"""Issue 18's bad input: a browser without service workers or <dialog> still logs knocks
online. The phone's features are found, not assumed: without a worker the pages are simply
not kept offline, and without showModal the door sheet opens as a plain panel (focus still
kept inside it by the sheet's own Tab handling)."""
from __future__ import annotations

from tests.e2e.test_phone_walk import (  # noqa: F401 (fixtures)
    app_config,
    log_not_home,
    open_walk,
    turf,
    wait_for_knocks,
)

# What an older browser lacks: Navigator.serviceWorker and HTMLDialogElement.showModal.
OLD_BROWSER = """
delete Navigator.prototype.serviceWorker;
delete HTMLDialogElement.prototype.showModal;
"""


def test_knocks_are_logged_without_service_worker_or_dialog(db, phone, turf):  # noqa: F811
    phone.add_init_script(OLD_BROWSER)
    page = open_walk(phone, turf["id"])
    assert page.evaluate("'serviceWorker' in navigator") is False
    assert page.evaluate("typeof document.createElement('dialog').showModal") == "undefined"
    page.wait_for_function("() => !window.fieldapp.walk.guarded()")
    page.click("#next-door-button")
    page.wait_for_selector("#sheet #outcome-grid [data-outcome=not_home]", state="visible")
    # Focus starts in the sheet and Tab does not leave it, modal or not.
    assert page.evaluate("document.getElementById('sheet').contains(document.activeElement)")
    for _ in range(30):
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('sheet').contains(document.activeElement)")
    page.click("#outcome-grid [data-outcome=not_home]")
    log_not_home(page)
    knocks = wait_for_knocks(db, 2)
    assert [k.outcome for k in knocks] == ["not_home", "not_home"]
    assert len({k.household_id for k in knocks}) == 2
    assert page.inner_text("#outbox-count") == "0"
