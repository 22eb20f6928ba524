"""Maps inside Flask pages: the per-response nonce, the app's tile settings, the map CSP.

`fieldapp.maps` builds maps from plain data and knows nothing of Flask; views call
`map_fragment(...)` to build one with this app's settings and `map_response(...)` to render
the page with a Content-Security-Policy that allows the map's own inline code (by nonce), the
vendored assets and the configured tile host, and nothing else.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import current_app, g, make_response, render_template, url_for
from werkzeug.wrappers import Response

from fieldapp.maps import MapFragment, csp_header


def map_nonce() -> str:
    """One nonce per response, shared by every map on the page."""
    if "map_nonce" not in g:
        g.map_nonce = secrets.token_urlsafe(18)
    return g.map_nonce


def _static_url() -> str:
    return url_for("static", filename="").rstrip("/") or "/static"


def map_fragment(builder: Callable[..., MapFragment], data: Any, **options: Any) -> MapFragment:
    """Build a map fragment with the app's tiles, static URL and this response's nonce."""
    config = current_app.config
    return builder(data, static_url=_static_url(), nonce=map_nonce(),
                   tiles_url=config.get("FIELDAPP_TILES_URL") or None,
                   tiles_attribution=config.get("FIELDAPP_TILES_ATTRIBUTION", ""), **options)


def map_response(template: str, **context: Any) -> Response:
    """Render a page holding maps, with the map Content-Security-Policy."""
    response = make_response(render_template(template, **context))
    response.headers["Content-Security-Policy"] = csp_header(
        map_nonce(), current_app.config.get("FIELDAPP_TILES_URL") or None,
        static_url=_static_url())
    return response
