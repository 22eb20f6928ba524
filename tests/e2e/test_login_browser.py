"""A person logs in on a phone-sized Chromium and lands on their page."""
from __future__ import annotations

from tests import factories
from tests.e2e.conftest import login


def test_volunteer_logs_in_on_a_phone(db, phone):
    factories.user(db, "vol@example.org", factories.org(db), "volunteer")
    db.commit()
    page = phone.new_page()
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    login(page, "vol@example.org")
    assert page.url.endswith("/my/turfs")
    assert page.locator("h1").inner_text() == "My turfs"
    # Phone layout: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert failed == []
