"""Per-turf door counts of a race (doors, knocked, contacts, last activity) as one subquery.

The turf list, the dashboard's turf table and the coverage map all join it to the turfs; it
lives with the turfs so the turf list needs nothing from the reports above it.
"""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.knocklog.outcomes import CONTACT_CODES
from fieldapp.voters.models import Household


def turf_door_counts(race_id: int):
    """Per turf of a race: doors, knocked doors, contacts and last activity, as a subquery.

    Households are grouped by turf in one pass over the race's rows (its index), then joined
    to the turfs: joining turfs to households first made SQLite scan every door once per turf.
    """
    contact = sa.case((Household.last_outcome.in_(CONTACT_CODES), 1), else_=0)
    return (sa.select(Household.turf_id.label("turf_id"), sa.func.count().label("doors"),
                      sa.func.count(Household.last_outcome).label("knocked"),
                      sa.func.sum(contact).label("contacts"),
                      sa.func.max(Household.last_knocked_at).label("last_activity"))
            .where(Household.race_id == race_id, Household.turf_id.is_not(None))
            .group_by(Household.turf_id).subquery("turf_counts"))
