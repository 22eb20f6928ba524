"""An organizer goes from a loaded race to assigned, printed turfs without leaving the browser,
and the volunteer finds the turf on their phone at once (real Chromium, nothing from outside)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from fieldapp.turf.models import Assignment, Turf
from tests import factories
from tests.e2e.conftest import login


def test_cut_assign_print_and_the_volunteer_sees_it(db, context, browser, live_server,
                                                    start_worker):
    start_worker()  # a real job worker does the cut
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    factories.households(db, race, 60)
    factories.user(db, "org@example.org", ny, "organizer", name="Olga Organizer")
    factories.user(db, "vol@example.org", ny, "volunteer", name="Val Volunteer")
    db.commit()

    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    login(page, "org@example.org")
    page.goto(f"/races/{race.id}")
    page.click("text=Turf and assignments")

    # Cut: the form is open while the race has no turf.
    page.fill("input[name=doors]", "20")
    page.click("button:has-text('Cut turf')")
    page.wait_for_url("**/jobs/*")  # the cut's job page follows it, then shows its summary
    page.wait_for_selector("#job-state:text('finished')", timeout=60_000)
    assert "3 turfs cut from 60 doors" in page.inner_text("#job-result")
    page.click("text=See the turfs and assign them")
    page.wait_for_load_state("networkidle")
    rows = page.locator("#turf-table tbody tr")
    assert rows.count() == 3
    turfs = db.scalars(sa.select(Turf).where(Turf.race_id == race.id)
                       .order_by(Turf.name)).all()
    assert sorted(t.door_count for t in turfs) == [20, 20, 20]

    # Assign the first turf from the bulk bar: nobody is preselected, so choosing is required.
    first = rows.nth(0)
    turf_name = first.locator("td.name a").inner_text()
    assert page.locator("#bulk-volunteer").input_value() == "0"
    first.locator("input[name=turf]").check()
    page.click("#bulk-bar button[value=assign]")
    page.wait_for_selector("#bulk-status.flash-error")
    assert "Pick a volunteer" in page.inner_text("#bulk-status")
    assert db.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
    page.select_option("#bulk-volunteer", label="Val Volunteer (volunteer)")
    day = dt.date.today() + dt.timedelta(days=2)
    shift = day.isoformat()
    page.fill("#bulk-shift", shift)
    page.click("#bulk-bar button[value=assign]")
    page.wait_for_selector("#bulk-status.flash-success")
    assert "1 turf assigned to Val Volunteer" in page.inner_text("#bulk-status")
    assert "Val Volunteer" in page.locator("#turf-table tbody tr").nth(0).inner_text()

    # Print: the walk sheet lists the turf's doors in walk order.
    page.goto(f"/turfs/{turfs[0].id}/sheet" if turfs[0].name == turf_name else
              f"/turfs/{next(t.id for t in turfs if t.name == turf_name)}/sheet")
    assert page.locator("h1").inner_text() == turf_name
    sheet_rows = page.locator("table tbody tr")
    assert sheet_rows.count() == 20
    numbers = [sheet_rows.nth(i).locator("td").first.inner_text() for i in range(20)]
    assert numbers == [str(n) for n in range(1, 21)]
    assert errors == []

    # The volunteer sees it on their phone straight away.
    phone = browser.new_context(base_url=live_server, viewport={"width": 360, "height": 740})
    try:
        mine = phone.new_page()
        login(mine, "vol@example.org")
        mine.goto("/my/turfs")
        card = mine.locator(".turf-card")
        assert card.count() == 1
        # The phone writes the date in the volunteer's language (English here: "Dec 9, 2026").
        shown = f"{day:%b} {day.day}, {day.year}"
        assert turf_name in card.inner_text() and shown in card.inner_text()
    finally:
        phone.close()
