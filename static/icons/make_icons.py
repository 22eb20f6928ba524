"""Draw fieldapp's app icons (PNG) from its SVG mark with Debian's chromium."""
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path("static/icons")
ANY = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="{s}" height="{s}">'
       '<rect width="32" height="32" rx="7" fill="#5b2a86"/>'
       '<path d="M9 25V7h14v4h-9v4h8v4h-8v6z" fill="#fff"/></svg>')
# Maskable: full bleed, the mark inside the central 80% safe zone.
MASK = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="{s}" height="{s}">'
        '<rect width="32" height="32" fill="#5b2a86"/>'
        '<g transform="translate(16 16) scale(.7) translate(-16 -16)">'
        '<path d="M9 25V7h14v4h-9v4h8v4h-8v6z" fill="#fff"/></g></svg>')
with sync_playwright() as p:
    b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"])
    for name, svg, size in [("icon-192.png", ANY, 192), ("icon-512.png", ANY, 512),
                            ("icon-maskable-512.png", MASK, 512), ("apple-touch-icon.png", MASK, 180)]:
        page = b.new_page(viewport={"width": size, "height": size})
        page.set_content('<body style="margin:0;background:transparent">' + svg.format(s=size) + "</body>")
        page.locator("svg").screenshot(path=str(OUT / name), omit_background=True)
    b.close()
