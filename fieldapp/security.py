"""Security headers on every response; a strict Content-Security-Policy unless a view set its own.

In production, Strict-Transport-Security too. Behind FIELDAPP_PROXY_HOPS trusted proxies,
ProxyFix takes the client's address and scheme from their X-Forwarded-* headers, so rate
limits key on each volunteer's address, not on the proxy's (one office, one lockout).

Pages use no inline script or style, so the default policy allows only fieldapp's own files.
Map pages set a policy of their own (a nonce for folium's inline scripts, the tile host).
"""
from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
               "form-action 'self'; frame-ancestors 'self'; worker-src 'self'; manifest-src 'self'")


_HEADERS = (
    ("Content-Security-Policy", DEFAULT_CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Permissions-Policy", "geolocation=(self), camera=(), microphone=()"),
)
_PRIVATE = (("Cache-Control", "no-store"),)
HSTS = "max-age=31536000; includeSubDomains"
_PRIVATE_TYPES = {"text/html", "application/json"}


def add_security_headers(response: Response) -> Response:
    """Headers for every answer; invite tokens in URLs never leak through Referer.

    A header a view set itself (a map page's own policy) is kept. One pass over the
    response's headers, not one search per header: this runs for every knock a phone sends.
    """
    present = {key.lower() for key in response.headers.keys()}  # noqa: SIM118 (Headers iterate as pairs)
    wanted = _HEADERS + _PRIVATE if response.mimetype in _PRIVATE_TYPES else _HEADERS
    for key, value in wanted:  # pages and API answers carry voter data: no shared caches
        if key.lower() not in present:
            response.headers.add(key, value)
    return response


def add_hsts(response: Response) -> Response:
    """Browsers keep to HTTPS for a year once they saw fieldapp over it (production)."""
    response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def register(app: Flask) -> None:
    """Install the headers hooks and, when configured, trust the proxies' forwarded headers."""
    app.after_request(add_security_headers)
    if app.config.get("FIELDAPP_HSTS"):
        app.after_request(add_hsts)
    hops = int(app.config.get("FIELDAPP_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops, x_port=hops)
