"""The language switch (a POST with CSRF) and the phone's catalogue as JSON."""
from __future__ import annotations

from flask import abort, jsonify, redirect, request, url_for
from flask_login import current_user

from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.i18n import COOKIE, LANGUAGES, chosen_language, services
from fieldapp.i18n.blueprint import bp
from fieldapp.i18n.catalogue import js_messages

YEAR = 365 * 24 * 3600


def _safe_next(target: str | None) -> str:
    """A local path to go back to (never another site), else the home page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.post("/language")
def switch_language():
    """Anyone may choose: a logged-in person's choice is saved on them, everyone's in a cookie."""
    value = request.form.get("language", "")
    if value and not chosen_language(value):
        abort(400)
    if current_user.is_authenticated:
        try:
            services.set_language(current_user, value)
        except DomainError:  # pragma: no cover - checked above
            abort(400)
        db.session.commit()
    response = redirect(_safe_next(request.form.get("next")), code=303)
    if value:
        response.set_cookie(COOKIE, value, max_age=YEAR, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    else:
        response.delete_cookie(COOKIE)
    return response


@bp.get("/i18n/<lang>.json")
def catalogue(lang: str):
    """The phone's strings in one language ({English: translation}); public, cacheable."""
    if lang not in LANGUAGES:
        abort(404)
    response = jsonify({"language": lang, "messages": js_messages(lang)})
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.add_etag()
    return response.make_conditional(request)
