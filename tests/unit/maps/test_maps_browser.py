"""The maps in a real browser (Debian's chromium via Playwright), offline, under a strict CSP.

Pages are written to a temporary directory served on 127.0.0.1 by http.server together with
the repository's static/ files; every request elsewhere (map tiles) is aborted, so the test
also shows the data draws without tiles.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from map_samples import EVIL, coverage_data, turf_data

from fieldapp.maps import DEFAULT_TILES_URL, build_coverage_map, build_turf_map, csp_header

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).resolve().parents[3] / "static"
NONCE = "ZTJldGVzdG5vbmNl"
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The map pages and static files served on loopback with the map CSP header."""
    root = tmp_path_factory.mktemp("maps_site")
    (root / "static").symlink_to(STATIC, target_is_directory=True)
    (root / "coverage.html").write_text(build_coverage_map(coverage_data(2000), nonce=NONCE))
    (root / "turf.html").write_text(build_turf_map(turf_data(40), nonce=NONCE))
    csp = csp_header(NONCE, DEFAULT_TILES_URL)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            if self.path.endswith(".html"):
                self.send_header("Content-Security-Policy", csp)
            super().end_headers()

        def log_message(self, *args):
            pass

    handler = functools.partial(Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def open_page(browser, site: str, path: str):
    """A page loaded with off-site requests aborted; returns (page, problems dict)."""
    page = browser.new_page(viewport={"width": 1000, "height": 700})
    problems: dict[str, list] = {"errors": [], "failed": [], "bad_status": [], "offsite": []}
    page.on("pageerror", lambda e: problems["errors"].append(str(e)))
    page.on("requestfailed", lambda r: r.url.startswith(site) and problems["failed"].append(r.url))
    page.on("response", lambda r: r.status >= 400 and problems["bad_status"].append(r.url))

    def guard(route):
        if route.request.url.startswith(site + "/"):
            route.continue_()
        else:
            problems["offsite"].append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.add_init_script(WATCH)
    page.goto(site + path)
    page.wait_for_load_state("load")
    return page, problems


def assert_clean(page, problems):
    """No script error, no failed local request, no CSP violation; only tiles went off-site."""
    assert problems["errors"] == []
    assert problems["failed"] == [] and problems["bad_status"] == []
    assert page.evaluate("window.__csp") == []
    assert all(u.startswith("https://tile.openstreetmap.org/") for u in problems["offsite"])


def test_coverage_map_draws_offline_under_csp(browser, site):
    page, problems = open_page(browser, site, "/coverage.html")
    page.wait_for_function("document.querySelectorAll('path.fm-turf').length === 16")
    drawn = page.evaluate("""() => {
        let doors = null; FieldMaps.last.eachLayer(l => { if (l._d) doors = l; });
        const c = doors._canvas, px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let ink = 0; for (let i = 3; i < px.length; i += 4) if (px[i]) ink++;
        return {n: doors._d.n, clusters: doors._hits.filter(h => h.n > 1).length, ink: ink,
                legend: document.querySelectorAll('.fm-legend input[type=checkbox]').length,
                control: document.querySelectorAll(
                    '.leaflet-control-layers-overlays label').length};
    }""")
    assert drawn["n"] == 2000 and drawn["clusters"] > 5 and drawn["ink"] > 5000
    assert drawn["legend"] == 12 and drawn["control"] == 4

    # The first turf's name and volunteer are hostile HTML: shown as text, never run.
    page.evaluate("""() => FieldMaps.last.eachLayer(l => {
        if (l.options && l.options.className === 'fm-turf' && !window.__opened) {
            l.openPopup(); window.__opened = 1; } })""")
    popup = page.locator(".leaflet-popup-content")
    assert EVIL in popup.inner_text()
    assert popup.locator("script, img").count() == 0
    assert page.evaluate("window.__xss") is None

    # Hiding "not knocked" through the legend redraws the doors without them.
    page.locator(".fm-legend input[type=checkbox]").first.uncheck()
    left = page.evaluate("""() => { let d; FieldMaps.last.eachLayer(l => { if (l._d) d = l; });
        return d._hits.reduce((s, h) => s + h.n, 0); }""")
    assert 0 < left < 1000
    assert_clean(page, problems)
    page.close()


def test_turf_map_numbers_doors_and_locates(browser, site):
    page, problems = open_page(browser, site, "/turf.html")
    page.wait_for_function("document.querySelectorAll('.fm-num').length === 40")
    assert page.locator(".fm-num").nth(11).inner_text() == "12"
    assert page.evaluate("FieldMaps.locate(40.0005, -74.999, 20)") is True
    assert page.locator("path.fm-here").count() == 1
    page.evaluate("window.__ev = []; "
                  "document.addEventListener('fieldmap:door', e => window.__ev.push(e.detail))")
    page.locator(".fm-num").nth(3).click()
    assert page.evaluate("window.__ev") == [{"index": 3, "id": 1003}]
    page.locator(".fm-num").first.click()
    assert EVIL in page.locator(".leaflet-popup-content").last.inner_text()
    assert_clean(page, problems)
    page.close()
