"""Doors placed by hand: the doors of a race without coordinates, and setting one's location.

The pin-drag page (voters/pin_views.py) and the API (api/households.py) call these.
"""
from __future__ import annotations

import math

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from fieldapp.errors import DomainError
from fieldapp.maps import CoverageMapData, DoorPoints
from fieldapp.races.districts import district_shape, points_inside
from fieldapp.races.models import Race
from fieldapp.voters.models import Household

MANUAL_SOURCE = "manual"
MANUAL_ACCURACY = "rooftop"


def ungeocoded_query(race: Race) -> sa.Select:
    """The race's doors without coordinates, in address order (for a paginated list)."""
    return (sa.select(Household)
            .where(Household.race_id == race.id,
                   sa.or_(Household.lat.is_(None), Household.lon.is_(None)))
            .options(selectinload(Household.voters))
            .order_by(Household.city, Household.street_key, Household.address_line,
                      Household.unit, Household.id))


def _coordinate(value: object, name: str, bound: float) -> float:
    """A finite number within ±bound, or a DomainError for that field."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DomainError("Send lat and lon as numbers.", {name: "expected a number"})
    number = float(value)
    if not math.isfinite(number) or abs(number) > bound:
        raise DomainError(f"{name} must be between -{bound:g} and {bound:g}.",
                          {name: f"out of range -{bound:g}..{bound:g}"})
    return number


def set_manual_location(db: Session, household: Household, lat: object, lon: object) -> Household:
    """Place a door by hand; refused (422) out of range or outside the race's district."""
    errors: dict[str, str] = {}
    values = {}
    for name, value, bound in (("lat", lat, 90.0), ("lon", lon, 180.0)):
        try:
            values[name] = _coordinate(value, name, bound)
        except DomainError as error:
            errors.update(error.fields)
    if errors:
        raise DomainError("The location is not a valid latitude and longitude.", errors)
    race = db.get(Race, household.race_id)
    district = district_shape(race.district)
    if district is not None and not points_inside(district, [values["lat"]], [values["lon"]])[0]:
        raise DomainError("That point is outside the race's district: place the pin on the door.",
                          {"lat": "outside the district", "lon": "outside the district"})
    household.lat, household.lon = values["lat"], values["lon"]
    household.geocode_source, household.geocode_accuracy = MANUAL_SOURCE, MANUAL_ACCURACY
    db.flush()
    return household


def pin_map_data(db: Session, race: Race) -> CoverageMapData:
    """The district and the race's doors that have coordinates (not archived): the backdrop
    for placing pins."""
    rows = db.execute(sa.select(Household.lat, Household.lon, Household.last_outcome).where(
        Household.race_id == race.id, Household.lat.is_not(None),
        Household.lon.is_not(None), Household.archived_at.is_(None))).all()
    if not rows:
        return CoverageMapData(district=race.district, doors=None)
    lat, lon, outcome = zip(*rows)
    return CoverageMapData(district=race.district, doors=DoorPoints(
        lat=np.fromiter(lat, float, len(rows)), lon=np.fromiter(lon, float, len(rows)),
        outcome=list(outcome)))
