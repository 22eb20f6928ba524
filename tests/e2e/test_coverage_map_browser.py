"""The coverage map of a demo race in real Chromium, with the outside network cut off.

Only the live server answers; map tiles (the one thing from outside) are aborted, and the
turfs, the door clusters and the drawing tools must still be there, with no failed request
for a script or stylesheet and no Content-Security-Policy violation.
"""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.demo.loader import DEFAULT_PASSWORD
from fieldapp.races.models import Race
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household
from tests.e2e.conftest import login

WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def _demo_race(db, runner):
    result = runner.invoke(args=["demo", "load", "--households-per-race", "400"])
    assert result.exit_code == 0, result.output
    race = db.scalar(sa.select(Race).where(Race.name.like("NY State Assembly%")))
    turfs = db.scalar(sa.select(sa.func.count()).where(Turf.race_id == race.id,
                                                       Turf.status == "active"))
    doors = db.scalar(sa.select(sa.func.count()).where(Household.race_id == race.id))
    return race, turfs, doors


def test_coverage_map_opens_offline_with_turfs_and_door_clusters(db, runner, context):
    race, turfs, doors = _demo_race(db, runner)
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    failed, errors = [], []
    page.on("requestfailed", lambda r: r.resource_type in ("script", "stylesheet")
            and failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(WATCH_CSP)
    login(page, "organizer@ny-wfp.example.org", DEFAULT_PASSWORD)
    page.goto(f"/races/{race.id}/map")
    page.wait_for_function(f"document.querySelectorAll('path.fm-turf').length === {turfs}")
    # The drawing library is not fetched until drawing starts; then its tools are named.
    assert page.evaluate("!window.L.PM && !document.querySelector('script[src*=geoman]')")
    page.click("#draw-start")
    page.wait_for_selector(".leaflet-pm-icon-rectangle")
    assert page.get_attribute(".button-container[title='Draw Polygons'] a", "aria-label") == \
        "Draw Polygons"
    drawn = page.evaluate("""() => {
        let doors = null; FieldMaps.last.eachLayer(l => { if (l._d) doors = l; });
        const c = doors._canvas, px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let ink = 0; for (let i = 3; i < px.length; i += 4) if (px[i]) ink++;
        return {n: doors._d.n, clusters: doors._hits.filter(h => h.n > 1).length, ink: ink,
                layers: document.querySelectorAll('.leaflet-control-layers-overlays label').length,
                drawTools: document.querySelectorAll('.leaflet-pm-toolbar .button-container').length};
    }""")
    assert drawn["n"] == doors
    assert drawn["clusters"] > 0 and drawn["ink"] > 1000
    assert drawn["layers"] >= 3
    assert drawn["drawTools"] >= 2  # polygon and rectangle for cutting turf by hand
    # The open layer list keeps a strip of its own: no turf is under it at first sight.
    assert page.evaluate("""() => {
        const list = document.querySelector('.leaflet-control-layers').getBoundingClientRect();
        return [...document.querySelectorAll('path.fm-turf')]
            .every(t => t.getBoundingClientRect().right <= list.left + 1); }""")
    assert page.evaluate("window.__csp") == []
    assert failed == [] and errors == []
    assert all("tile.openstreetmap.org" in url for url in context.blocked_requests)
    assert "synthetic" in page.content().lower()


def test_drawing_over_cut_turf_names_the_turf_holding_its_doors(db, runner, context):
    race, _turfs, _doors = _demo_race(db, runner)
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    login(page, "organizer@ny-wfp.example.org", DEFAULT_PASSWORD)
    page.goto(f"/races/{race.id}/map")
    page.click("#draw-start")
    page.wait_for_selector(".leaflet-pm-icon-rectangle")
    page.locator(".leaflet-pm-icon-rectangle").click()  # the drawing tool is there and starts
    # Finish the shape the way Geoman reports it (pointer-driven finishing is Geoman's own
    # business): a small rectangle in the middle of a cut turf, then pm:create.
    page.evaluate("""() => { const map = FieldMaps.last; map.pm.disableDraw();
        let turf = null;
        map.eachLayer(l => { if (!turf && l.options && l.options.className === 'fm-turf') turf = l; });
        const c = turf.getBounds().getCenter(), d = 0.0004;
        const r = L.rectangle([[c.lat - d, c.lng - d], [c.lat + d, c.lng + d]]).addTo(map);
        map.fire('pm:create', {layer: r, shape: 'Rectangle'}); }""")
    status = page.locator("#draw-count")
    status.filter(has_text="already belong to").wait_for(timeout=10_000)
    names = db.scalars(sa.select(Turf.name).where(Turf.race_id == race.id)).all()
    assert any(name in status.inner_text() for name in names)
    assert page.locator("#draw-form").is_hidden()


def test_draw_free_doors_see_the_count_and_save_a_turf(db, runner, context):
    race, _turfs, _doors = _demo_race(db, runner)
    from fieldapp.turf import services as turf_services

    turf = db.scalar(sa.select(Turf).where(Turf.race_id == race.id, Turf.status == "active")
                     .order_by(Turf.id.desc()))
    freed, boundary = turf.door_count, turf.boundary
    turf_services.retire_turf(db, turf)  # its doors are free again
    db.commit()
    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    login(page, "organizer@ny-wfp.example.org", DEFAULT_PASSWORD)
    page.goto(f"/races/{race.id}/map")
    page.click("#draw-start")
    page.wait_for_selector(".leaflet-pm-icon-polygon")
    page.locator(".leaflet-pm-icon-polygon").click()
    # Escape leaves draw mode; the tool starts again.
    page.keyboard.press("Escape")
    assert page.evaluate("FieldMaps.last.pm.globalDrawModeEnabled()") is False
    page.locator(".leaflet-pm-icon-polygon").click()
    page.evaluate("""(boundary) => { const map = FieldMaps.last; map.pm.disableDraw();
        const shape = L.geoJSON(boundary).getLayers()[0].addTo(map);
        map.fire('pm:create', {layer: shape, shape: 'Polygon'}); }""", boundary)
    page.locator("#draw-count").filter(has_text=f"{freed} doors inside").wait_for(timeout=10_000)
    page.fill("#draw-name", "Drawn by hand")
    page.click("#draw-form button[type=submit]")
    page.locator("#draw-count").filter(has_text="Saved").wait_for(timeout=10_000)
    assert f"with {freed} doors" in page.locator("#draw-count").inner_text()
    db.expire_all()
    drawn = db.scalar(sa.select(Turf).where(Turf.name == "Drawn by hand"))
    assert drawn is not None and drawn.door_count == freed and drawn.cut_method == "manual"
    page.click("#draw-count a")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Drawn by hand"
    assert page.locator(".fm-num").count() == freed  # the new turf's numbered walk
