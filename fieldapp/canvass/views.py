"""The volunteer's phone pages: my turfs, claiming a turf by code, the walk list, the worker.

Pages are thin shells: the walk list is drawn by static/js/phone/walk.js from the turf JSON
(/api/v1/turfs/<id>) so the same code works online and offline. The service worker is served
from the site root so its scope covers /my/turfs and /walk/<id>.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from fieldapp import access
from fieldapp.canvass import services
from fieldapp.canvass.blueprint import bp
from fieldapp.canvass.worker import worker_script
from fieldapp.errors import DomainError
from fieldapp.extensions import db
from fieldapp.security import DEFAULT_CSP
from fieldapp.turf import services as turf_services

LEAFLET_JS = "vendor/leaflet-1.9.4/leaflet.js"


@bp.route("/my/turfs")
@login_required
def my_turfs():
    """The volunteer's assigned turfs with progress, and the form to claim one by code."""
    assignments = services.assignments_for(db.session, current_user)
    return render_template("canvass/my_turfs.html", assignments=assignments)


@bp.route("/my/turfs/claim", methods=["POST"])
@login_required
def claim_turf():
    """Take a turf with the handout code an organizer gave out; errors show on the form."""
    code = request.form.get("code", "")
    try:
        assignment = turf_services.claim_by_code(db.session, current_user, code)
    except DomainError as error:
        db.session.rollback()
        assignments = services.assignments_for(db.session, current_user)
        return render_template("canvass/my_turfs.html", assignments=assignments, code=code,
                               code_error=error.fields.get("code") and gettext(error.message)), 422
    db.session.commit()
    flash(gettext("%(turf)s is yours to walk.", turf=assignment.turf.name), "success")
    return redirect(url_for("canvass.walk", turf_id=assignment.turf_id))


@bp.route("/walk/<int:turf_id>")
@login_required
def walk(turf_id: int):
    """The walk list shell; doors, script and map come from the cached turf JSON."""
    turf = access.turf_for_user(db.session, current_user, turf_id)
    tiles = current_app.config.get("FIELDAPP_TILES_URL") or ""
    has_leaflet = (Path(current_app.static_folder) / LEAFLET_JS).is_file()
    response = current_app.make_response(render_template(
        "canvass/walk.html", turf=turf, tiles=tiles, has_leaflet=has_leaflet,
        attribution=current_app.config.get("FIELDAPP_TILES_ATTRIBUTION", "")))
    # The map may show tiles from the configured tile host; nothing else is loosened.
    response.headers["Content-Security-Policy"] = _csp_with_tiles(tiles)
    return response


def _csp_with_tiles(tiles: str) -> str:
    """The default policy, with the tile server's origin allowed for images."""
    parts = urlsplit(tiles)
    if not tiles or not parts.scheme or not parts.netloc:
        return DEFAULT_CSP
    host = parts.netloc.replace("{s}", "*")  # {s}.tile.example.org subdomains
    return DEFAULT_CSP.replace("img-src 'self' data:",
                               f"img-src 'self' data: {parts.scheme}://{host}")


@bp.route("/sw.js")
def service_worker():
    """The offline worker, served from the root so it may control every page of the site."""
    response = current_app.response_class(worker_script(current_app.static_folder),
                                          mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    # Browsers must check for a new worker on every visit, or phones keep old code for a day.
    response.headers["Cache-Control"] = "no-cache"
    return response
