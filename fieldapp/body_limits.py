"""How large a request body may be, per route: small for JSON and forms, large for file uploads.

Every route is held to MAX_CONTENT_LENGTH (2 MB by default: an outbox batch of 500 knocks
fits well inside). A view marked `@accepts_upload` takes up to FIELDAPP_MAX_UPLOAD_BYTES
(200 MB). A body whose Content-Length is over the route's limit is refused with 413 before a
byte of it is read (the error handlers answer JSON on the API, a page elsewhere); a body sent
without a length is cut off by werkzeug at the same limit.

The hook must run before CSRFProtect's, which reads the form: create_app registers it first.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

F = TypeVar("F", bound=Callable)


def accepts_upload(view: F) -> F:
    """Mark a view (placed right under its route decorator) as taking large file uploads."""
    view.accepts_upload = True  # type: ignore[attr-defined]
    return view


def body_limit() -> int | None:
    """The largest body the current request's route accepts, in bytes."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_upload", False):
        return current_app.config["FIELDAPP_MAX_UPLOAD_BYTES"]
    return current_app.config["MAX_CONTENT_LENGTH"]


def _limit_body() -> None:
    limit = body_limit()
    request.max_content_length = limit
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()


def register(app: Flask) -> None:
    """Install the per-route body limit (before any hook that reads the body)."""
    app.before_request(_limit_body)
