"""Vendored map assets, nonces on inline tags, and the Content-Security-Policy for map pages.

Folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default. Our maps use
only Leaflet (vendored under static/vendor/) and our own scripts (static/js/maps/), all under
the ``static_url`` prefix, so a map page works offline and under a strict CSP.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

LEAFLET_VERSION = "1.9.4"
GEOMAN_VERSION = "2.20.2"
_GEOMAN_DIR = f"leaflet-geoman-free-{GEOMAN_VERSION}"

DEFAULT_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_TILES_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)

_NONCE_RE = re.compile(r"^[A-Za-z0-9+/_=-]{8,200}$")
_OPEN_TAG_RE = re.compile(r"<(script|style)(?=[\s>])", re.IGNORECASE)


def _prefix(static_url: str) -> str:
    """The static URL prefix without a trailing slash."""
    return static_url.rstrip("/")


def vendor_js(static_url: str = "/static", *, geoman: bool = False) -> list[tuple[str, str]]:
    """(name, URL) of every script a map page needs, in load order."""
    p = _prefix(static_url)
    out = [("leaflet", f"{p}/vendor/leaflet-{LEAFLET_VERSION}/leaflet.js")]
    if geoman:
        out.append(("geoman", f"{p}/vendor/{_GEOMAN_DIR}/leaflet-geoman.min.js"))
    out += [("fieldmaps_layers", f"{p}/js/maps/canvas-layers.js"),
            ("fieldmaps", f"{p}/js/maps/fieldmaps.js")]
    return out


def vendor_css(static_url: str = "/static", *, geoman: bool = False) -> list[tuple[str, str]]:
    """(name, URL) of every stylesheet a map page needs."""
    p = _prefix(static_url)
    out = [("leaflet_css", f"{p}/vendor/leaflet-{LEAFLET_VERSION}/leaflet.css")]
    if geoman:
        out.append(("geoman_css", f"{p}/vendor/{_GEOMAN_DIR}/leaflet-geoman.css"))
    out.append(("fieldmaps_css", f"{p}/js/maps/fieldmaps.css"))
    return out


def geoman_urls(static_url: str = "/static") -> dict[str, str]:
    """Leaflet-Geoman's script and stylesheet, for a page that loads them only when drawing
    starts (294 KB an organizer who only looks at the map never downloads)."""
    p = f"{_prefix(static_url)}/vendor/{_GEOMAN_DIR}"
    return {"js": f"{p}/leaflet-geoman.min.js", "css": f"{p}/leaflet-geoman.css"}


def check_nonce(nonce: str) -> str:
    """The nonce, if it is a safe base64/base64url token; ValueError otherwise."""
    if not _NONCE_RE.match(nonce):
        raise ValueError("nonce must be 8-200 base64 characters")
    return nonce


def add_nonce(html: str, nonce: str | None) -> str:
    """Put nonce="..." on every <script> and <style> open tag (no-op when nonce is None)."""
    if nonce is None:
        return html
    value = check_nonce(nonce)
    return _OPEN_TAG_RE.sub(lambda m: f'<{m.group(1)} nonce="{value}"', html)


def _source(url: str | None) -> str | None:
    """The CSP source expression for a URL's origin ({s} becomes a wildcard), None if relative."""
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc
    if "{" in host:
        labels = host.split(".")
        if "{" in labels[0] and all("{" not in label for label in labels[1:]):
            host = ".".join(["*"] + labels[1:])
        else:
            raise ValueError(f"cannot express tile host {host!r} as a CSP source")
    return f"{parts.scheme}://{host}"


def csp_header(nonce: str, tiles_url: str | None = DEFAULT_TILES_URL, *,
               static_url: str = "/static") -> str:
    """The Content-Security-Policy value for a map page: self + nonce, tiles host for images."""
    n = f"'nonce-{check_nonce(nonce)}'"
    static = _source(static_url)
    tiles = _source(tiles_url)
    code = " ".join(filter(None, ["'self'", static, n]))
    images = " ".join(filter(None, ["'self'", "data:", static, tiles]))
    return "; ".join([
        "default-src 'none'",
        f"script-src {code}",
        f"style-src {code}",
        f"img-src {images}",
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
        "manifest-src 'self'",  # base.html links the web app manifest on every page
    ])
