"""The turfs list of a 300-turf race and split/merge on the turf page, in real Chromium, done
as a new organizer would (issue 16): filter to the unassigned turfs, pick twenty, assign them in
one action and see the rows change where they are; draw a line to split a turf, merge two
neighbours, each previewed before it is saved."""
from __future__ import annotations

import sqlalchemy as sa
from shapely.geometry import shape

from fieldapp.turf import services
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household
from tests import factories
from tests.e2e.conftest import login


def _page(context):
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    return page, errors


def _race(db, doors: int, target: int, columns: int = 60):
    """A race of `doors` doors on a street grid (25 m apart) cut into turfs of `target` doors."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    db.add_all([Household(race_id=race.id, household_key=f"D{i}", address_line=f"{i} Grid St",
                          lat=race.centre_lat + (i // columns) * 0.00022,
                          lon=race.centre_lon + (i % columns) * 0.0003,
                          street_key=f"ROW {i // columns}", building_key=f"D{i}")
                for i in range(doors)])
    db.flush()
    factories.user(db, "org@example.org", ny, "organizer", name="Olga Organizer")
    vals = [factories.user(db, f"vol{i}@example.org", ny, "volunteer", name=name)
            for i, name in enumerate(["Val Volunteer", "Wes Walker"])]
    services.cut_race(db, race, target)
    db.commit()
    return race, vals


def _active(db, volunteer) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(Assignment).where(
        Assignment.volunteer_id == volunteer.id, Assignment.status == "active"))


def test_300_turfs_filtered_to_unassigned_and_twenty_assigned_in_one_action(db, context,
                                                                             live_server):
    race, (val, wes) = _race(db, 3000, 10)
    turfs = db.scalars(sa.select(Turf).where(Turf.race_id == race.id).order_by(Turf.name)).all()
    assert len(turfs) == 300
    for turf in turfs[:7]:  # Wes already holds a few, so the filter has something to hide
        factories.assign(db, turf, wes)
    db.commit()

    page, errors = _page(context)
    login(page, "org@example.org")
    page.goto(f"/races/{race.id}/turfs")
    page.select_option("#turf-filter select[name=holder]", "unassigned")
    page.click("#turf-filter button:has-text('Filter')")
    page.wait_for_url("**holder=unassigned**")
    rows = page.locator("#turf-table tbody tr")
    assert rows.count() == 50 and "page 1 of 6" in page.content()  # 293 unassigned, 50 a page
    assert "Wes Walker" not in page.inner_text("#turf-table tbody")

    # Scroll down the list and pick twenty rows there: the organizer must stay where they are.
    page.evaluate("window.__samePage = true")
    picked = [rows.nth(i) for i in range(25, 45)]
    picked[-1].scroll_into_view_if_needed()
    names = [row.locator("td.name a").inner_text() for row in picked]
    for row in picked:
        row.locator("input[name=turf]").check()
    assert page.inner_text("#picked-count") == "(20 picked)"
    scrolled = page.evaluate("window.scrollY")
    assert scrolled > 0
    page.select_option("#bulk-volunteer", label="Val Volunteer (volunteer)")
    page.fill("#bulk-shift", "2026-12-12")
    page.click("#bulk-bar button[value=assign]")
    page.wait_for_selector("#bulk-status.flash-success")
    assert "20 turfs assigned to Val Volunteer" in page.inner_text("#bulk-status")

    # The rows changed in place: no reload (the page's own variable survives), same order.
    assert page.evaluate("window.__samePage") is True
    assert rows.count() == 50
    assert page.locator("#turf-table tbody tr.updated").count() == 20
    for i, name in zip(range(25, 45), names):
        row = rows.nth(i)
        assert row.locator("td.name a").inner_text() == name
        assert "Val Volunteer" in row.locator("td.holders").inner_text()
        assert row.locator("td.shift").inner_text() == "2026-12-12"
        assert not row.locator("input[name=turf]").is_checked()
    assert "Val Volunteer" not in rows.nth(24).inner_text() + rows.nth(45).inner_text()
    assert page.inner_text("#picked-count") == ""
    db.expire_all()
    assert _active(db, val) == 20 and _active(db, wes) == 7
    held = set(db.scalars(sa.select(Turf.name).join(Assignment).where(
        Assignment.volunteer_id == val.id)).all())
    assert held == set(names)

    # Filtered again, the twenty have left the unassigned list.
    page.reload()
    assert "page 1 of 6" in page.content()  # 273 left: still six pages of 50
    assert "Val Volunteer" not in page.inner_text("#turf-table tbody")
    assert errors == []


def _door_point(page, lat: float, lon: float) -> dict:
    """Where a (lat, lon) lies on the page, in CSS pixels, on the turf page's map."""
    return page.evaluate("""([lat, lon]) => { const m = FieldMaps.last;
        const p = m.latLngToContainerPoint([lat, lon]);
        const box = m.getContainer().getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y}; }""", [lat, lon])


def test_split_by_a_drawn_line_then_merge_a_neighbour_each_previewed(db, context, live_server):
    race, (val, _) = _race(db, 40, 10, columns=40)  # one row of 40 doors: four turfs of 10
    turf = db.scalars(sa.select(Turf).where(Turf.race_id == race.id).order_by(Turf.name)).first()
    factories.assign(db, turf, val)
    db.commit()
    doors = db.scalars(sa.select(Household).where(Household.turf_id == turf.id)
                       .order_by(Household.lon)).all()
    assert len(doors) == 10 and len({round(d.lat, 6) for d in doors}) == 1  # one row

    page, errors = _page(context)
    login(page, "org@example.org")
    page.goto(f"/turfs/{turf.id}")
    page.wait_for_selector(".leaflet-pm-icon-polyline")  # the map's line tool (Geoman)
    page.locator("#split-line-form").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('.map-frame').scrollIntoView()")
    assert page.locator("#split-line-preview").is_disabled()

    # Draw a north-south line between the 4th and 5th doors, across the whole turf as the
    # map shows it, with the map's line tool; its ends well clear of the boundary, which the
    # tool would otherwise snap them onto.
    lon = (doors[3].lon + doors[4].lon) / 2
    south, north = shape(turf.boundary).bounds[1::2]
    top = _door_point(page, north + 0.2 * (north - south), lon)
    bottom = _door_point(page, south - 0.2 * (north - south), lon)
    page.click(".leaflet-pm-icon-polyline")
    for point in (top, bottom, bottom):  # the last point again finishes the line
        page.mouse.move(point["x"], point["y"])
        page.mouse.click(point["x"], point["y"])
        page.wait_for_timeout(400)  # not a double click (that would zoom)
    page.wait_for_selector("#split-line-preview:not([disabled])")
    page.click("#split-line-preview")

    # The preview names both parts with their door counts; nothing is saved yet.
    page.wait_for_selector("#split-plan")
    plan = page.locator("#split-plan tbody tr")
    assert plan.count() == 2
    counts = sorted(int(plan.nth(i).locator("td.num").first.inner_text()) for i in range(2))
    assert counts == [4, 6]
    assert "Val Volunteer keeps every door" in page.content()
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).where(Turf.race_id == race.id,
                                                      Turf.status == "active")) == 4
    plan.nth(1).locator("input[name=name]").fill("East end")
    page.click("button:has-text('Save the split')")
    page.wait_for_url(f"**/turfs/{turf.id}")
    assert "split: East end made" in page.content()
    db.expire_all()
    east = db.scalar(sa.select(Turf).where(Turf.name == "East end"))
    assert sorted([east.door_count, db.get(Turf, turf.id).door_count]) == [4, 6]
    assert _active(db, val) == 2  # Val holds both parts

    # Merge the split-off part back: previewed with the total, then saved.
    page.wait_for_selector("#merge-turf select[name=other]")
    page.select_option("#merge-turf select[name=other]", str(east.id))
    page.click("#merge-turf button:has-text('Preview merge')")
    page.wait_for_selector("#merge-plan")
    assert "10 doors" in page.inner_text("#merge-plan")
    db.expire_all()
    assert db.get(Turf, east.id).status == "active"
    page.click("button:has-text('Save the merge')")
    page.wait_for_url(f"**/turfs/{turf.id}")
    db.expire_all()
    assert db.get(Turf, turf.id).door_count == 10
    assert db.get(Turf, east.id).status == "archived"
    assert errors == []
