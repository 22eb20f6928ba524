"""From the database to the map builders' plain data: the race coverage map and a turf's map.

The maps package knows nothing of the database; these functions read what a map shows with a
handful of SQL queries (doors as columns, not ORM objects) and hand over dataclasses.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.knocklog.models import DoorKnock
from fieldapp.maps import (
    ContactPoints,
    CoverageMapData,
    DoorPoints,
    TurfMapData,
    TurfSummary,
    WalkDoor,
)
from fieldapp.races.models import Race, SurveyQuestion
from fieldapp.reports.progress import live_knocks
from fieldapp.turf.door_counts import turf_door_counts
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household


def coverage_map_data(db: Session, race: Race,
                      turf_url: Callable[[int], str] | None = None) -> CoverageMapData:
    """District, active turfs with their counts and holders, every geocoded door not archived
    (archived doors are out of the race's figures and off its maps), contacts at them."""
    return CoverageMapData(district=race.district, turfs=_turfs(db, race, turf_url),
                           doors=_doors(db, race), contacts=_contacts(db, race))


def _turfs(db: Session, race: Race,
           turf_url: Callable[[int], str] | None) -> list[TurfSummary]:
    counts = turf_door_counts(race.id)
    rows = db.execute(
        sa.select(Turf.id, Turf.name, Turf.boundary, sa.func.coalesce(counts.c.doors, 0),
                  sa.func.coalesce(counts.c.knocked, 0), sa.func.coalesce(counts.c.contacts, 0))
        .outerjoin(counts, counts.c.turf_id == Turf.id)
        .where(Turf.race_id == race.id, Turf.status == "active").order_by(Turf.id)).all()
    holders: dict[int, list[str]] = {}
    for turf_id, name, email in db.execute(
            sa.select(Assignment.turf_id, User.name, User.email)
            .join(User, User.id == Assignment.volunteer_id)
            .join(Turf, Turf.id == Assignment.turf_id)
            .where(Turf.race_id == race.id, Assignment.status == "active")):
        holders.setdefault(turf_id, []).append(name or email.split("@")[0])
    return [TurfSummary(id=t, name=name, boundary=boundary, doors=doors, knocked=knocked,
                        contacts=int(contacts), volunteers=holders.get(t, []),
                        url=turf_url(t) if turf_url else None)
            for t, name, boundary, doors, knocked, contacts in rows]


def _doors(db: Session, race: Race) -> DoorPoints:
    rows = db.execute(sa.select(Household.lat, Household.lon, Household.last_outcome)
                      .where(Household.race_id == race.id, Household.lat.is_not(None),
                             Household.lon.is_not(None), Household.archived_at.is_(None))).all()
    if not rows:
        return DoorPoints(lat=[], lon=[], outcome=[])
    lat, lon, outcome = zip(*rows)
    return DoorPoints(lat=np.fromiter(lat, float, len(rows)), lon=np.fromiter(lon, float, len(rows)),
                      outcome=list(outcome))


def _contacts(db: Session, race: Race) -> ContactPoints | None:
    """Live contacts with an answer to the 'support' question, at their door."""
    question = db.scalar(sa.select(SurveyQuestion).where(
        SurveyQuestion.race_id == race.id, SurveyQuestion.key == "support"))
    if question is None:
        return None
    score: dict[str, float] = {}
    for choice in question.choices:
        try:
            score[str(choice.id)] = float(choice.value)
        except ValueError:
            continue
    answer = DoorKnock.answers[str(question.id)].as_string()
    rows = db.execute(sa.select(Household.lat, Household.lon, answer)
                      .join(Household, Household.id == DoorKnock.household_id)
                      .where(*live_knocks(race.id), answer.is_not(None),
                             Household.lat.is_not(None), Household.archived_at.is_(None))).all()
    kept = [(la, lo, score[a]) for la, lo, a in rows if a in score]
    if not kept:
        return None
    lat, lon, support = zip(*kept)
    return ContactPoints(lat=lat, lon=lon, support=support)


def turf_map_data(db: Session, turf: Turf) -> TurfMapData:
    """The turf's outline, doors in walk order with their latest outcome, and its route."""
    doors = db.execute(
        sa.select(Household.id, Household.lat, Household.lon, Household.address_line,
                  Household.unit, Household.last_outcome, Household.walk_seq)
        .where(Household.turf_id == turf.id, Household.lat.is_not(None))
        .order_by(Household.walk_seq, Household.id)).all()
    walk = [WalkDoor(lat=d.lat, lon=d.lon, outcome=d.last_outcome, door_id=d.id,
                     label=f"{d.address_line} #{d.unit}" if d.unit else d.address_line)
            for d in doors]
    route = None
    if turf.route and turf.route.get("coordinates"):
        route = [(lat, lon) for lon, lat in turf.route["coordinates"]]
    return TurfMapData(boundary=turf.boundary, doors=walk, route=route, name=turf.name)
