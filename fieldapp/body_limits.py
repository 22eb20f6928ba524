"""How large a request body may be, per route: small for JSON and forms, large for file uploads.

Every route is held to MAX_CONTENT_LENGTH (2 MB by default: an outbox batch of 500 knocks
fits well inside). A view marked `@accepts_upload` takes up to FIELDAPP_MAX_UPLOAD_BYTES
(200 MB). A body whose Content-Length is over the route's limit is refused with 413 before a
byte of it is read (the error handlers answer JSON on the API, a page elsewhere). A body sent
without a length (chunked) on a small-body route is read here, at most limit + 1 bytes, and
refused with the same 413 when over (parsing it later gave a truncated body, 422); an upload
route's chunked body is cut off by werkzeug at its limit as it streams.

The hook must run before CSRFProtect's, which reads the form: create_app registers it first.
"""
from __future__ import annotations

import io
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
    if limit is None:
        return
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if request.content_length is None and limit < current_app.config["FIELDAPP_MAX_UPLOAD_BYTES"] \
            and request.environ.get("wsgi.input_terminated"):
        _buffer_chunked(limit)


def _buffer_chunked(limit: int) -> None:
    """Read a body sent without a length, up to limit + 1 bytes: 413 if over, else put it back
    for the view. (werkzeug's own limit hands the view the first `limit` bytes, a body cut
    short that then failed as bad JSON, 422.)"""
    source = request.environ["wsgi.input"]
    parts, size = [], 0
    while size <= limit:
        part = source.read(min(65536, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    if size > limit:
        raise RequestEntityTooLarge()
    request.environ["wsgi.input"] = io.BytesIO(b"".join(parts))


def register(app: Flask) -> None:
    """Install the per-route body limit (before any hook that reads the body)."""
    app.before_request(_limit_body)
