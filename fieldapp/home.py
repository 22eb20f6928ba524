"""The home page: organizers see their races, volunteers their turfs."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from fieldapp import access

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    """Send each person to the page they work from."""
    if access.is_manager(current_user):
        return redirect(url_for("races.index"))
    return redirect(url_for("canvass.my_turfs"))


@bp.route("/healthz")
def health():
    """Liveness probe for the process manager; touches nothing personal."""
    return {"status": "ok"}


@bp.route("/about/data")
def about_data():
    """What the demo data is (synthetic) and how to load real data."""
    return render_template("about_data.html")
