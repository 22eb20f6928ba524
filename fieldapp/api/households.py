"""Households: place a door by hand (the pin-drag page, or a script with a token)."""
from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from fieldapp import access
from fieldapp.api.auth import json_body
from fieldapp.api.blueprint import bp
from fieldapp.extensions import db
from fieldapp.voters.locations import set_manual_location
from fieldapp.voters.models import Household


def household_json(household: Household) -> dict:
    """A door as the API shows it."""
    return {"id": household.id, "race_id": household.race_id,
            "address": household.address_line, "unit": household.unit,
            "city": household.city, "state": household.state, "zip5": household.zip5,
            "lat": household.lat, "lon": household.lon,
            "geocode_source": household.geocode_source,
            "geocode_accuracy": household.geocode_accuracy}


@bp.post("/households/<int:household_id>/location")
def set_household_location(household_id: int):
    """Set a door's coordinates by hand: body {"lat", "lon"} (organizers of its chapter)."""
    household = access.household_for_manager(db.session, current_user, household_id)
    body = json_body()
    set_manual_location(db.session, household, body.get("lat"), body.get("lon"))
    answer = household_json(household)
    db.session.commit()
    return jsonify(answer)
