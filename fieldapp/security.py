"""Security headers on every response; a strict Content-Security-Policy unless a view set its own.

Pages use no inline script or style, so the default policy allows only fieldapp's own files.
Map pages set a policy of their own (a nonce for folium's inline scripts, the tile host).
"""
from __future__ import annotations

from flask import Flask, Response

DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
               "form-action 'self'; frame-ancestors 'self'; worker-src 'self'; manifest-src 'self'")


def add_security_headers(response: Response) -> Response:
    """Headers for every answer; invite tokens in URLs never leak through Referer."""
    response.headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
    if response.mimetype == "text/html" or response.mimetype == "application/json":
        # Pages and API answers carry voter data: no shared caches, no back-button copies.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def register(app: Flask) -> None:
    """Install the headers hook."""
    app.after_request(add_security_headers)
