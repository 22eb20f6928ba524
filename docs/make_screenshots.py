"""Regenerate the README screenshots from a running demo (`make demo` in another terminal).

    .venv/bin/python docs/make_screenshots.py [--base http://127.0.0.1:5000]

Drives Debian's chromium with Playwright, logs in as the New York demo organizer and saves
the coverage map, the dashboard and a phone walk list under docs/screenshots/. Map tiles are
blocked, as on a closed network: what shows is drawn from fieldapp's own data.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "fieldapp-demo-2017"


def login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    base = parser.parse_args().base
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        desk = browser.new_context(viewport={"width": 1280, "height": 1000})
        desk.route(re.compile(r"^(?!" + re.escape(base) + ")"), lambda route: route.abort())
        page = desk.new_page()
        login(page, base, "organizer@ny-wfp.example.org")
        page.goto(f"{base}/races/")
        page.click("text=NY State Assembly")
        page.goto(page.url.rstrip("/") + "/map")
        page.wait_for_selector("path.fm-turf")
        page.wait_for_timeout(500)
        page.locator(".map-frame").screenshot(path=str(OUT / "coverage-map.png"))
        page.goto(page.url.replace("/map", "/dashboard"))
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "dashboard.png"), full_page=False)
        phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True,
                                    has_touch=True, device_scale_factor=2)
        phone.route(re.compile(r"^(?!" + re.escape(base) + ")"), lambda route: route.abort())
        mobile = phone.new_page()
        login(mobile, base, "volunteer1@ny-wfp.example.org")
        mobile.locator("a[href*='/walk/']").first.click()
        mobile.wait_for_load_state("networkidle")
        mobile.wait_for_timeout(800)
        mobile.screenshot(path=str(OUT / "phone-walk.png"))
        browser.close()
    print("\n".join(str(path) for path in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
