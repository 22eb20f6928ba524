"""From an empty install to the first conversation, through the pages alone (issue 14's
"done when"), in real Chromium: an admin sets a race up, a new volunteer joins from a turf
invite on a 360 px phone and logs a not-home and a talk with two voters answering, and the
organizer finds the knocks on the dashboard and in the VAN and knocks exports."""
from __future__ import annotations

import csv
import io
import json
import time

import sqlalchemy as sa

from fieldapp.knocklog.models import DoorKnock
from fieldapp.races.models import Race
from tests import factories
from tests.e2e.conftest import PHONE, login

LON, LAT = -73.45, 40.68  # the district's centre


def _district(path):
    square = [[LON - 0.02, LAT - 0.02], [LON + 0.02, LAT - 0.02], [LON + 0.02, LAT + 0.02],
              [LON - 0.02, LAT + 0.02], [LON - 0.02, LAT - 0.02]]
    path.write_text(json.dumps({"type": "Feature", "properties": {"NAME": "District 9"},
                                "geometry": {"type": "Polygon", "coordinates": [square]}}))
    return path


def _voters(path, doors=12):
    """Two voters a door, with coordinates (no geocoder needed)."""
    lines = ["VanID,FirstName,LastName,Address,City,State,Zip5,Latitude,Longitude"]
    for n in range(doors):
        lat, lon = LAT + 0.001 * (n // 4), LON + 0.001 * (n % 4)
        for who, first in ((0, "Ana"), (1, "Bo")):
            lines.append(f"V{100 + 2 * n + who},{first}{n},Lopez,{10 + n} Oak Street,"
                         f"Testville,NY,11758,{lat:.5f},{lon:.5f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _wait_knocks(db, n, seconds=30.0):
    """Poll the database until n knocks are stored (the phone syncs them)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.rollback()  # a fresh snapshot
        knocks = db.scalars(sa.select(DoorKnock).order_by(DoorKnock.id)).all()
        if len(knocks) >= n:
            return knocks
        time.sleep(0.2)
    raise AssertionError(f"expected {n} knocks")


def _csv(page, link_text):
    href = page.get_attribute(f"a:text-is('{link_text}')", "href")
    response = page.request.get(href)
    assert response.status == 200, (link_text, response.status)
    return list(csv.DictReader(io.StringIO(response.text())))


def test_empty_install_to_a_conversation_with_two_voters(db, context, browser, live_server,
                                                         start_worker, tmp_path, record_property):
    start_worker()  # the voter import and the turf cut run as jobs
    org = factories.org(db, "li-wfp")
    factories.user(db, "admin@example.org", org, "admin")
    db.commit()
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    login(page, "admin@example.org")

    # A race
    page.goto("/races/")
    page.click("#new-race")
    page.fill("input[name=name]", "Assembly District 9")
    page.fill("input[name=election_date]", "2027-11-02")
    page.fill("input[name=door_goal]", "500")
    page.click("#save-race")
    page.wait_for_selector("#setup-checklist")
    race_id = db.scalar(sa.select(Race.id))

    # Its district, then its voters (a job)
    page.click("a.button:text-is('District boundary')")
    page.set_input_files("input[name=file]", str(_district(tmp_path / "district.geojson")))
    page.click("button:text-is('Upload boundary')")
    page.wait_for_load_state("networkidle")
    page.goto(f"/races/{race_id}")
    page.click("a.button:text-is('Import voters')")
    page.set_input_files("input[name=file]", str(_voters(tmp_path / "voters.csv")))
    page.click("button:text-is('Import')")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#job-state:text('finished')", timeout=60_000)

    # A script: an intro and three questions, VAN ids on the second
    page.goto(f"/races/{race_id}")
    page.click("a.button:text-is('Script')")
    page.fill("#intro", "Hi, I'm a neighbour volunteering for Ana.")
    page.fill("input[name=q1-text]", "Can we count on your vote?")
    page.select_option("select[name=q1-kind]", "scale")
    page.click("#save-script")
    page.fill("input[name=q2-text]", "Top issue?")
    page.fill("input[name=q2-van]", "301")
    page.fill("input[name=q2-c1-label]", "Rent")
    page.fill("input[name=q2-c1-van]", "3011")
    page.fill("input[name=q2-c2-label]", "Transit")
    page.fill("input[name=q2-c2-van]", "3012")
    page.click("#save-script")
    page.fill("input[name=q3-text]", "Anything else?")
    page.select_option("select[name=q3-kind]", "text")
    page.click("#save-script")
    page.wait_for_selector("input[name=q4-text]")

    # Turf (a job)
    page.goto(f"/races/{race_id}")
    page.click("a.button:text-is('Turf and assignments')")
    page.fill("input[name=doors]", "12")
    page.click("button:has-text('Cut turf')")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#job-state:text('finished')", timeout=60_000)

    # A multi-use invite carrying the turf
    page.goto("/orgs/li-wfp/members")
    page.select_option("select[name=role]", "volunteer")
    page.fill("input[name=max_uses]", "40")
    page.select_option("select[name=turf]", index=1)
    page.click("button:text-is('Create invite link')")
    link = page.input_value("#new-invite input.copy")

    # The new volunteer joins on a 360 px phone and lands on the turf's walk list
    phone = browser.new_context(base_url=live_server, service_workers="allow", **PHONE)
    try:
        mine = phone.new_page()
        mine.on("pageerror", lambda e: errors.append(f"phone: {e}"))
        opened = time.monotonic()
        mine.goto(link)
        mine.fill("input[name=name]", "Val Volunteer")
        mine.fill("input[name=email]", "val@example.org")
        mine.fill("input[name=password]", "a long enough password 9")
        mine.fill("input[name=confirm]", "a long enough password 9")
        mine.click("button:text-is('Join')")
        mine.wait_for_url("**/walk/*")
        mine.wait_for_selector("#next-door-button")
        assert mine.evaluate("document.documentElement.clientWidth") == 360

        # A not-home: two taps
        mine.click("#next-door-button")
        mine.click("#outcome-grid [data-outcome=not_home]")
        _wait_knocks(db, 1)
        # Issue 14 asks this flow measured (not timed against a bound: machines vary); it is
        # in the JUnit report and printed with -s.
        joined = round(time.monotonic() - opened, 2)
        record_property("invite_link_to_first_knock_s", joined)
        print(f"invite link opened -> first knock stored: {joined} s")
        mine.wait_for_function("() => !window.fieldapp.walk.guarded()")

        # A conversation with both voters of the next door, each answering
        mine.click("#next-door-button")
        mine.click("#outcome-grid [data-outcome=contact]")
        mine.wait_for_selector("#talk-form:not([hidden])")
        assert "neighbour volunteering" in mine.inner_text("#talk-questions .intro")
        mine.click("#talk-save")  # nobody picked: refused on the phone, nothing saved
        assert "Someone else at the door" in mine.inner_text("#talk-problem")
        mine.click("#talk-voters .talk-voter >> nth=0")
        mine.click("#talk-voters .talk-voter >> nth=1")
        first, second = (mine.locator("#talk-people .talk-person").nth(i) for i in (0, 1))
        first.locator(".choice:text-is('1 - Strong support')").click()
        first.locator(".choice:text-is('Rent')").click()
        first.locator("input").fill("Wants a yard sign")
        second.locator(".choice:text-is('3 - Undecided')").click()
        second.locator(".choice:text-is('Transit')").click()
        mine.click("#talk-save")
        knocks = _wait_knocks(db, 2)
    finally:
        phone.close()
    talk = knocks[1]
    assert [k.outcome for k in knocks] == ["not_home", "contact"]
    assert len(talk.talked_to) == 2 and all(len(p["answers"]) >= 2 for p in talk.talked_to)

    # The organizer sees them on the dashboard and in the exports
    page.goto(f"/races/{race_id}")
    page.click("a.button:text-is('Dashboard')")
    assert page.inner_text("#dash-knocked").startswith("2 /")
    assert page.inner_text("#dash-contacts") == "1"
    van = _csv(page, "VAN CSV")
    voters = {r["vanid"] for r in van}
    assert len(van) == 4 and len(voters) == 4  # two voters of each door, a row each
    survey = _csv(page, "VAN survey CSV")
    assert sorted((r["surveyquestionid"], r["surveyresponseid"]) for r in survey) == [
        ("301", "3011"), ("301", "3012")]
    assert len({r["vanid"] for r in survey}) == 2
    plain = _csv(page, "All knocks CSV")
    talked = next(r for r in plain if r["outcome"] == "contact")["talked_to"]
    assert "Can we count on your vote?: 1 - Strong support" in talked
    assert "Top issue?: Rent" in talked
    assert "Anything else?: Wants a yard sign" in talked and "Top issue?: Transit" in talked
    assert errors == []
