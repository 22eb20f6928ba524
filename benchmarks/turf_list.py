"""Benchmark the turfs list of a race of 2,000 turfs; prints one JSON object.

    python benchmarks/turf_list.py [--turfs 2000] [--doors-per-turf 50] [--repeat 5] [--quick]

A race stored in a fresh SQLite database: `turfs` turfs of `doors-per-turf` doors each on a
street grid, a third of the doors knocked, a third of the turfs held by one of 40 volunteers
(with shift dates). Measured, as an organizer opens /races/<id>/turfs:

* `first_screen`: the page's HTML (its first 50 rows) and the stylesheets and script it loads,
  raw and gzipped; target under 200 KB.
* `server`: seconds for the app to answer the page (test client, best and median of `repeat`),
  default order and the heaviest sorts (by %, by volunteer) and the unassigned filter.
* `chromium`: the page served by werkzeug on loopback and opened in Debian's chromium:
  navigation start to DOMContentLoaded and to the end of the load event (the table laid out
  and turf-list.js run), best and median of `repeat` loads; target under 1 s.

`--quick` uses 5 doors a turf (10,000 doors rather than 100,000) and 2 loads: the page size and
the list queries barely depend on the doors per turf.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHROMIUM = os.environ.get("FIELDAPP_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery"
TARGET_BYTES, TARGET_SECONDS = 200_000, 1.0
# Read two animation frames after the load event, once the load event's end is recorded.
TIMINGS_JS = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    done({dom: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
          rows: document.querySelectorAll('#turf-table tbody tr').length});
})))"""


def build_race(folder: Path, turfs: int, doors_per_turf: int):
    """A fresh SQLite fieldapp holding the race; returns (app, race id)."""
    os.environ.setdefault("FIELDAPP_INSTANCE_PATH", str(folder / "instance"))
    import sqlalchemy as sa

    from fieldapp import create_app
    from fieldapp.auth import services as auth_services
    from fieldapp.auth.models import User
    from fieldapp.chapters import services as chapters
    from fieldapp.chapters.models import Organization
    from fieldapp.extensions import db
    from fieldapp.races.models import Race
    from fieldapp.turf.models import Assignment, Turf
    from fieldapp.voters.models import Household

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
        org = Organization(slug="bench", name="Bench")
        db.session.add(org)
        db.session.flush()
        organizer = auth_services.create_user(db.session, "org@example.org", PASSWORD, "Olga")
        chapters.set_membership(db.session, organizer, org, "organizer")
        volunteers = []
        for k in range(40):
            # No password: hashing forty of them would be most of the set-up time.
            vol = User(email=f"v{k}@example.org", name=f"Volunteer {k:02d}", password_hash="!")
            db.session.add(vol)
            db.session.flush()
            chapters.set_membership(db.session, vol, org, "volunteer")
            volunteers.append(vol)
        lat0, lon0 = 40.0, -75.0
        race = Race(organization_id=org.id, name="Bench race", office="", door_goal=1,
                    election_date=dt.date(2026, 11, 3), centre_lat=lat0, centre_lon=lon0)
        db.session.add(race)
        db.session.flush()
        side = max(1, round(turfs ** 0.5))
        rows = []
        for t in range(turfs):
            la, lo = lat0 + (t // side) * 0.002, lon0 + (t % side) * 0.002
            ring = [[lo, la], [lo + 0.002, la], [lo + 0.002, la + 0.002], [lo, la + 0.002], [lo, la]]
            rows.append({"race_id": race.id, "name": f"BR {t + 1:04d}", "status": "active",
                         "boundary": {"type": "Polygon", "coordinates": [ring]},
                         "code": f"B{t:04d}-BNCH", "door_count": doors_per_turf,
                         "cut_method": "auto"})
        turf_ids = db.session.scalars(sa.insert(Turf).returning(Turf.id, sort_by_parameter_order=True),
                                      rows).all()
        doors = []
        for t, turf_id in enumerate(turf_ids):
            la, lo = lat0 + (t // side) * 0.002, lon0 + (t % side) * 0.002
            for d in range(doors_per_turf):
                i = t * doors_per_turf + d
                doors.append({"race_id": race.id, "household_key": f"H{i}",
                              "address_line": f"{i} Bench St", "turf_id": turf_id, "walk_seq": d,
                              "lat": la + 0.0002 * (d // 10), "lon": lo + 0.0002 * (d % 10),
                              "last_outcome": "not_home" if i % 3 == 0 else None})
        db.session.execute(sa.insert(Household), doors)
        day = dt.date(2026, 12, 1)
        db.session.execute(sa.insert(Assignment), [
            {"turf_id": turf_id, "volunteer_id": volunteers[t % 40].id, "status": "active",
             "shift_date": day + dt.timedelta(days=t % 14), "assigned_by_id": organizer.id}
            for t, turf_id in enumerate(turf_ids) if t % 3 == 0])
        db.session.commit()
        return app, race.id


def _login(client) -> None:
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    answer = client.post("/login", data={"email": "org@example.org", "password": PASSWORD,
                                         "csrf_token": token.group(1) if token else ""})
    if answer.status_code not in (302, 303):
        raise SystemExit(f"benchmark login failed: {answer.status_code}")


def measure_first_screen(app, race_id: int, repeat: int) -> dict:
    """The page's bytes (HTML and the CSS/JS it loads) and the server's time to answer."""
    import re

    client = app.test_client()
    _login(client)
    url = f"/races/{race_id}/turfs"
    html = client.get(url).get_data()
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))[^"]*"', html)
    asset_bytes = {a.decode(): len(client.get(a.decode()).get_data()) for a in sorted(set(assets))}
    gz_assets = sum(len(gzip.compress(client.get(a).get_data(), 6)) for a in asset_bytes)
    total = len(html) + sum(asset_bytes.values())
    server = {}
    for name, query in [("default", ""), ("sort_pct_desc", "?sort=pct&desc=1"),
                        ("sort_volunteer", "?sort=volunteer"), ("unassigned", "?holder=unassigned"),
                        ("search", "?q=br%2019")]:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            answer = client.get(url + query)
            times.append(time.perf_counter() - start)
            assert answer.status_code == 200, (name, answer.status_code)
        server[name] = {"best_s": round(min(times), 4), "median_s": round(statistics.median(times), 4)}
    return {"rows_on_first_screen": html.count(b"data-turf-id="),
            "html_bytes": len(html), "html_gzip_bytes": len(gzip.compress(html, 6)),
            "assets_bytes": asset_bytes, "total_bytes": total,
            "total_gzip_bytes": len(gzip.compress(html, 6)) + gz_assets,
            "under_200_kb": total < TARGET_BYTES, "server": server}


def measure_chromium(app, race_id: int, repeat: int) -> dict:
    """Open the page in chromium `repeat` times: DOMContentLoaded and load event, in seconds."""
    if not Path(CHROMIUM).exists():
        return {"skipped": f"{CHROMIUM} not installed"}
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the JSON
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    loads = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 900})
            page.goto("/login")
            page.fill("input[name=email]", "org@example.org")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for _ in range(repeat + 1):  # the first load warms the caches; not counted
                page.goto(f"/races/{race_id}/turfs", wait_until="load")
                loads.append(page.evaluate(TIMINGS_JS))
            browser.close()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    counted = loads[1:]

    def figure(key: str) -> dict:
        values = [v[key] / 1000 for v in counted if v[key] is not None]
        return {"best_s": round(min(values), 3), "median_s": round(statistics.median(values), 3)}

    load = figure("load")
    return {"loads": len(counted), "rows": counted[-1]["rows"],
            "dom_content_loaded": figure("dom"), "load_event": load,
            "under_1_s": load["median_s"] < TARGET_SECONDS}


def main(argv: list[str] | None = None) -> dict:
    """Build the race, measure, print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turfs", type=int, default=2000)
    parser.add_argument("--doors-per-turf", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="5 doors a turf, 2 loads")
    args = parser.parse_args(argv)
    if args.quick:
        args.doors_per_turf, args.repeat = 5, 2
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        app, race_id = build_race(Path(tmp), args.turfs, args.doors_per_turf)
        built = time.perf_counter() - start
        result = {"benchmark": "turf_list", "turfs": args.turfs,
                  "doors": args.turfs * args.doors_per_turf, "quick": args.quick,
                  "build_seconds": round(built, 2),
                  "targets": {"first_screen_bytes": TARGET_BYTES, "render_seconds": TARGET_SECONDS}}
        result["first_screen"] = measure_first_screen(app, race_id, args.repeat)
        result["chromium"] = measure_chromium(app, race_id, args.repeat)
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
