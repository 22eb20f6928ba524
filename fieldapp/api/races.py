"""Race figures for organizers and integrations."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from fieldapp.api.blueprint import bp
from fieldapp.auth import access
from fieldapp.extensions import db
from fieldapp.reports.progress import race_progress


@bp.get("/races/<int:race_id>/progress")
def get_progress(race_id: int):
    """Households, knocked, knocks, contacts, contact rate, outcomes, per-turf progress."""
    race = access.race_for_manager(db.session, current_user, race_id)
    return jsonify(race_progress(db.session, race))
