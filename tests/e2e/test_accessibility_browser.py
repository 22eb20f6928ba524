"""Accessibility in real Chromium: axe-core (WCAG 2.2 A/AA) on every page a volunteer or an
organizer opens, and the phone's own rules (text 7:1, targets 48 px, focus kept in the sheet).

One live server and one browser profile per test: each test walks many pages in turn (the CI
budget is tight), and says which page failed.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldapp.demo.loader import DEFAULT_PASSWORD
from fieldapp.races.models import Race
from fieldapp.turf.models import Turf
from tests import factories
from tests.e2e.a11y import axe_violations, focus_path, low_contrast, small_targets
from tests.e2e.conftest import login

VOLUNTEER = "walker@example.org"

# Counts the walk page's calls for a position: a page load must make none.
COUNT_GEOLOCATION = """
window.__geo = 0;
const watch = navigator.geolocation.watchPosition.bind(navigator.geolocation);
navigator.geolocation.watchPosition = (...a) => { window.__geo++; return watch(...a); };
"""


@pytest.fixture
def app_config(app_config):
    """No tile server: nothing leaves the live server."""
    return {**app_config, "FIELDAPP_TILES_URL": ""}


def _report(failures: dict[str, list[str]]) -> str:
    """Every failure, one per line, under the page it was found on."""
    return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in failures.items())


def _phone_rules(page, name: str) -> dict[str, list[str]]:
    """Every check of a phone page, keyed by what failed (empty when all pass)."""
    found = {f"{name}: axe": axe_violations(page),
             f"{name}: text under 7:1": low_contrast(page),
             f"{name}: targets under 48 px": small_targets(page)}
    return {k: v for k, v in found.items() if v}


def test_phone_pages_meet_wcag_and_the_phone_rules(db, app_config, phone):
    organization = factories.org(db)
    race = factories.race(db, organization, "NY race")
    doors = factories.households(db, race, 6, voters_each=2)
    area = factories.turf(db, race, doors, "Main St")
    factories.assign(db, area, factories.user(db, VOLUNTEER, organization, "volunteer"))
    db.commit()
    page = phone.new_page()
    page.goto("/login")
    failures = _phone_rules(page, "login")
    login(page, VOLUNTEER)
    page.goto("/my/turfs")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.outbox")
    failures |= _phone_rules(page, "my turfs")
    # Chromium's own word on installability (manifest, icons, start URL, display mode).
    cdp = phone.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and "/static/manifest.webmanifest" in manifest["url"]
    page.add_init_script(COUNT_GEOLOCATION)
    page.goto(f"/walk/{area.id}")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    failures |= _phone_rules(page, "walk list")
    assert page.evaluate("window.__geo") == 0  # location is not asked on load

    # The door sheet: a modal. Tab and Shift+Tab never leave it; Escape gives focus back.
    page.focus("#next-door-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sheet[open]")
    assert page.evaluate("document.activeElement.dataset.outcome") is not None
    assert page.evaluate("window.__geo") == 1  # asked when a knock is being logged
    failures |= _phone_rules(page, "door sheet")
    assert focus_path(page, "#sheet") == []
    assert focus_path(page, "#sheet", key="Shift+Tab") == []
    page.keyboard.press("Escape")
    page.wait_for_selector("#sheet", state="hidden")
    assert page.evaluate("document.activeElement.id") == "next-door-button"

    # The talk form: every row of answers is a group named by its question.
    page.keyboard.press("Enter")
    page.click("#outcome-grid [data-outcome=contact]")
    page.wait_for_selector("#talk-form:not([hidden])")
    page.click("#talk-voters .choice >> nth=0")  # the person talked to: their answers show
    failures |= _phone_rules(page, "talk form")
    assert focus_path(page, "#sheet", presses=30) == []
    names = page.eval_on_selector_all("#talk-form [role=group]", """gs => gs.map(g =>
        (document.getElementById(g.getAttribute('aria-labelledby')) || {}).textContent || '')""")
    assert "Support?" in names and all(names)
    assert page.eval_on_selector_all("#talk-form .choice", "bs => bs.every(b => b.closest('[role=group]'))")
    # High contrast (forced colours): a pressed answer still looks pressed.
    page.emulate_media(forced_colors="active")
    page.click("#talk-questions .choice >> nth=0")
    look = """b => { const s = getComputedStyle(b);
        return [s.backgroundColor, s.color, s.outlineStyle].join(' '); }"""
    pressed = page.eval_on_selector("#talk-questions .choice[aria-pressed=true]", look)
    plain = page.eval_on_selector("#talk-questions .choice[aria-pressed=false]", look)
    assert pressed != plain
    page.emulate_media(forced_colors="none")
    page.keyboard.press("Escape")
    page.wait_for_selector("#sheet", state="hidden")

    # A saved knock moves focus to the toast's Undo (not <body>).
    page.click("#next-door-button")
    page.click("#outcome-grid [data-outcome=not_home]")
    page.wait_for_selector("#toast:not([hidden])")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'undo'")
    failures |= _phone_rules(page, "walk list after a save")

    # A door opened from the list gets focus back when the sheet is closed.
    row = page.locator(f".door[data-household-id='{doors[3].id}']")
    page.wait_for_function("() => !window.fieldapp.walk.guarded()")  # a double tap's guard
    row.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#sheet[open]")
    page.click("#sheet-close")
    assert page.evaluate("document.activeElement.dataset.householdId") == str(doors[3].id)

    # "Where am I?": with the position allowed, a "you are here" dot on the walk map.
    phone.grant_permissions(["geolocation"])
    phone.set_geolocation({"latitude": 40.6801, "longitude": -73.4499, "accuracy": 15})
    page.click("#where-am-i")
    page.wait_for_selector("#walk-map .you-are-here")
    assert failures == {}, _report(failures)


def _demo_race(db, runner):
    result = runner.invoke(args=["demo", "load", "--households-per-race", "200"])
    assert result.exit_code == 0, result.output
    return db.scalar(sa.select(Race).where(Race.name.like("NY State Assembly%")))


def test_organizer_pages_have_no_wcag_violations(db, runner, context):
    race = _demo_race(db, runner)
    turf = db.scalar(sa.select(Turf).where(Turf.race_id == race.id, Turf.status == "active")
                     .order_by(Turf.id))
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    login(page, "organizer@ny-wfp.example.org", DEFAULT_PASSWORD)
    pages = ["/", "/races/", "/races/new", f"/races/{race.id}", f"/races/{race.id}/edit",
             f"/races/{race.id}/dashboard", f"/races/{race.id}/map", f"/races/{race.id}/turfs",
             f"/races/{race.id}/turfs/map", f"/races/{race.id}/turfs/recut",
             f"/races/{race.id}/turfs/sheets?ids={turf.id}", f"/races/{race.id}/script",
             f"/races/{race.id}/district", f"/races/{race.id}/import",
             f"/races/{race.id}/held", f"/races/{race.id}/outside-doors",
             f"/races/{race.id}/ungeocoded", f"/races/{race.id}/streets", f"/turfs/{turf.id}",
             f"/turfs/{turf.id}/sheet",
             "/orgs/ny-wfp/members", "/account/password", "/account/tokens", "/about/data",
             "/my/turfs"]
    failures = {}
    for path in pages:
        response = page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")
        found = axe_violations(page)
        if found:
            failures[path] = found
    assert failures == {}, _report(failures)

    # The coverage map's keyboard path: skip the map to the turfs' table, a visible ring.
    page.goto(f"/races/{race.id}/map")
    turfs = db.scalar(sa.select(sa.func.count()).where(Turf.race_id == race.id,
                                                       Turf.status == "active"))
    assert page.locator("#turf-table tbody a").count() == turfs
    page.focus("a[href='#turf-table']")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    ring = page.evaluate("""() => { const a = document.activeElement, s = getComputedStyle(a);
        return [a.closest('#turf-table') !== null, s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert ring[0] and ring[1] != "none" and ring[2] >= 2
