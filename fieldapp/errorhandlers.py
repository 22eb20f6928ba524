"""Error pages for people and JSON errors for API clients; a 500 rolls the session back."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, StatementError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from fieldapp.body_limits import body_limit
from fieldapp.errors import DomainError
from fieldapp.extensions import db


def wants_json() -> bool:
    """API paths and clients that ask for JSON get JSON errors."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    """The one shape of every API error: {"error": {"code", "message", "fields"}}."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def _size(limit: int | None) -> str:
    """An upload limit for people: "200 MB", "64 KB"."""
    if not limit:
        return "no limit"
    return f"{limit // 1048576} MB" if limit >= 1048576 else f"{max(1, limit // 1024)} KB"


MAX_DB_ID = 2**31 - 1  # INTEGER primary keys: PostgreSQL refuses more, SQLite overflows at 2^63


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: ASCII digits only (Python's \\d also takes "¹"), and no
    bigger than a database id, so /turfs/99999999999999999999 is a plain 404."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_DB_ID, signed=False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def bound_url_ids(app: Flask) -> None:
    """Install DatabaseIdConverter as `int` (before any route is added)."""
    app.url_map.converters["int"] = DatabaseIdConverter


def _unstorable(error: StatementError) -> bool:
    """A value the database cannot take: out of its integer range, a NUL (PostgreSQL), half
    a UTF-16 surrogate pair. Bad input, never a server error."""
    return isinstance(error, DataError) or isinstance(
        error.orig, (OverflowError, UnicodeEncodeError, ValueError))


def register(app: Flask) -> None:
    """Install the handlers on app."""

    @app.errorhandler(StatementError)
    def unstorable_value(error: StatementError):
        # A query-string id or a text that slipped past a view's checks reaches the database.
        db.session.rollback()
        if not _unstorable(error):
            raise error
        message = gettext("A value in this request is out of range or not valid text.")
        if wants_json():
            return json_error(422, "invalid", message, {"request": "value out of range"})
        return render_template("errors/error.html", status=422, message=message), 422

    @app.errorhandler(RecursionError)
    def too_deep(error: RecursionError):
        # JSON nested thousands deep (json.loads gives up with RecursionError, not ValueError).
        db.session.rollback()
        if wants_json():
            return json_error(422, "invalid", "The JSON body is nested too deeply.",
                              {"body": "nested too deeply"})
        return render_template("errors/error.html", status=422,
                               message="The request is nested too deeply."), 422

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if wants_json():
            # gettext: the messages services mark with N_ are in the catalogue; others stay
            return json_error(error.status_code, error.code, gettext(error.message), error.fields)
        return render_template("errors/error.html", status=error.status_code,
                               message=gettext(error.message)), error.status_code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = gettext("Your form expired or was not sent from this site. Go back, reload, and try again.")
        if wants_json():
            return json_error(400, "csrf", error.description)
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        messages = {
            404: gettext("There is nothing here."),
            403: gettext("You do not have access to this page."),
            413: gettext("That file is larger than this server accepts (%(limit)s). Split it "
                         "into smaller files and upload each.", limit=_size(body_limit())),
            429: gettext("Too many attempts. Wait a minute and try again."),
        }
        message = messages.get(status, error.description or error.name)
        if wants_json():
            if status == 413:
                limit = _size(body_limit())
                return json_error(413, "too_large", f"The request body is larger than this call "
                                  f"accepts ({limit}).", {"body": f"at most {limit}"})
            return json_error(status, error.name.lower().replace(" ", "_"), message)
        return render_template("errors/error.html", status=status, message=message), status

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        if wants_json():
            return json_error(500, "server_error", gettext("Something went wrong on the server."))
        return render_template("errors/error.html", status=500,
                               message=gettext("Something went wrong on our side.")), 500
