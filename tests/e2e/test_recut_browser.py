"""Cutting again in real Chromium: the re-cut preview asks first; an incremental cut after an
import leaves the coverage map's turfs disjoint (issue 16)."""
from __future__ import annotations

import shapely
import sqlalchemy as sa
from shapely.geometry import shape

from fieldapp.jobs.models import Job
from fieldapp.turf import services
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household
from tests import factories
from tests.e2e.conftest import login


def _race(db):
    """60 doors cut into 3 turfs, the first held by Vera."""
    ny = factories.org(db, "ny-wfp")
    race = factories.race(db, ny, "NY race")
    factories.households(db, race, 60)
    factories.user(db, "org@example.org", ny, "organizer", name="Olga Organizer")
    vera = factories.user(db, "vera@example.org", ny, "volunteer", name="Vera Volunteer")
    services.cut_race(db, race, 20)
    factories.assign(db, db.scalars(sa.select(Turf).order_by(Turf.id)).first(), vera)
    db.commit()
    return race


def _page(context):
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    return page, errors


def test_recut_every_door_previews_then_runs_after_confirmation(db, context, live_server,
                                                                start_worker):
    start_worker()
    race = _race(db)
    page, errors = _page(context)
    login(page, "org@example.org")
    page.goto(f"/races/{race.id}/turfs")
    page.locator("summary:has-text('Cut turf automatically')").click()
    page.fill("input[name=doors]", "30")
    page.check("input[name=replace]")
    page.click("button:has-text('Cut turf')")
    page.wait_for_url("**/turfs/recut?*")
    figures = page.inner_text("#recut-figures")
    assert "3 turfs retired" in figures and "Vera Volunteer" in figures
    assert "1 active assignments end" in figures
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count(Job.id))) == 0  # nothing ran on the first click
    assert db.scalar(sa.select(Assignment.status)) == "active"
    page.click("button:has-text('Yes, retire 3 turfs and cut')")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#job-state:text('finished')", timeout=60_000)
    db.expire_all()
    assert db.scalar(sa.select(Assignment.status)) == "returned"
    assert db.scalar(sa.select(sa.func.count()).where(Turf.status == "active")) == 2
    assert errors == []


def test_incremental_cut_after_an_import_keeps_the_map_disjoint(db, context, live_server,
                                                                start_worker):
    start_worker()
    race = _race(db)
    # An import's new doors: some among the old ones, some beside them.
    db.add_all([Household(race_id=race.id, household_key=f"NEW{i}", address_line=f"{i} New Ave",
                          lat=race.centre_lat + 0.0002 + (i // 5) * 0.0004,
                          lon=race.centre_lon + 0.0011 + (i % 5) * 0.0004,
                          street_key="NEW AVE", building_key=f"NEW{i}") for i in range(20)])
    db.commit()
    page, errors = _page(context)
    login(page, "org@example.org")
    page.goto(f"/races/{race.id}/turfs")
    page.locator("summary:has-text('Cut turf automatically')").click()
    page.fill("input[name=doors]", "10")
    page.click("button:has-text('Cut turf')")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#job-state:text('finished')", timeout=60_000)
    db.expire_all()
    names = db.scalars(sa.select(Turf.name).where(Turf.status == "active").order_by(Turf.id)).all()
    assert names == ["NR 001", "NR 002", "NR 003", "NR 004", "NR 005"]
    page.goto(f"/races/{race.id}/map")
    page.wait_for_function("document.querySelectorAll('path.fm-turf').length === 5")
    shapes = page.evaluate("""() => { const out = [];
        FieldMaps.last.eachLayer(l => { if (l instanceof L.Polygon &&
            l.options.className === 'fm-turf') out.push(l.toGeoJSON().geometry); });
        return out; }""")
    polys = [shapely.make_valid(shape(g)) for g in shapes]
    assert len(polys) == 5  # the turfs as the page drew them
    for i, a in enumerate(polys):
        for b in polys[i + 1:]:
            assert a.intersection(b).area <= 1e-6 * min(a.area, b.area)
    assert errors == []
