"""Progress figures of a race, aggregated in SQL (no Python loop over knocks).

`race_progress` is the API's shape; `dashboard` adds what the organizer's evening review
needs: outcomes, support, knocks per day, per-turf and per-volunteer tables, a projection.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.canvass.knock_sql import live_knocks as _live_knocks
from fieldapp.knocklog.models import DoorKnock
from fieldapp.knocklog.outcomes import CONTACT_CODES, OUTCOME_CODES
from fieldapp.races.models import Race, SurveyQuestion
from fieldapp.turf.door_counts import turf_door_counts
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household


def live_knocks(race_id: int):
    """Knocks of a race that count (fieldapp.canvass.knock_sql.live_knocks)."""
    return _live_knocks("race_id", race_id)


def race_progress(db: Session, race: Race,
                  turf_rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Households, knocked households, knocks, contacts, rate, outcomes, and per-turf progress.

    `turf_rows` (from the dashboard's turf table) saves counting the turfs' doors twice.
    """
    households, knocked = db.execute(
        sa.select(sa.func.count(), sa.func.count(Household.last_outcome))
        .where(Household.race_id == race.id, Household.archived_at.is_(None))).one()
    by_outcome = dict(db.execute(sa.select(DoorKnock.outcome, sa.func.count())
                                 .where(*live_knocks(race.id)).group_by(DoorKnock.outcome)).all())
    knocks = sum(by_outcome.values())
    contacts = sum(by_outcome.get(code, 0) for code in CONTACT_CODES)
    if turf_rows is None:
        counts = turf_door_counts(race.id)
        turf_rows = [{"id": t_id, "name": name, "doors": doors, "knocked": done}
                     for t_id, name, doors, done in db.execute(
            sa.select(Turf.id, Turf.name, sa.func.coalesce(counts.c.doors, 0),
                      sa.func.coalesce(counts.c.knocked, 0))
            .outerjoin(counts, counts.c.turf_id == Turf.id)
            .where(Turf.race_id == race.id, Turf.status == "active").order_by(Turf.name))]
    return {
        "race_id": race.id, "households": households, "knocked_households": knocked,
        "knocks": knocks, "contacts": contacts,
        "contact_rate": round(contacts / knocks, 4) if knocks else 0.0,
        "door_goal": race.door_goal,
        "by_outcome": {code: by_outcome.get(code, 0) for code in OUTCOME_CODES},
        "turfs": [{key: row[key] for key in ("id", "name", "doors", "knocked")}
                  for row in turf_rows],
    }


@dataclass
class Dashboard:
    """Everything the race dashboard shows."""

    progress: dict[str, Any]
    support: dict[str, int] = field(default_factory=dict)
    per_day: list[dict[str, Any]] = field(default_factory=list)
    turfs: list[dict[str, Any]] = field(default_factory=list)
    volunteers: list[dict[str, Any]] = field(default_factory=list)
    projection: dict[str, Any] = field(default_factory=dict)


def dashboard(db: Session, race: Race, today: dt.date | None = None) -> Dashboard:
    """The race dashboard's figures, each one SQL aggregate."""
    today = today or dt.date.today()
    turfs = _turf_table(db, race)
    board = Dashboard(progress=race_progress(db, race, turf_rows=turfs), turfs=turfs)
    board.support = _support(db, race)
    board.per_day = _per_day(db, race)
    board.volunteers = _volunteer_table(db, race)
    board.projection = _projection(db, race, board.progress, today)
    return board


def _support(db: Session, race: Race) -> dict[str, int]:
    """Counts of each answer to the 'support' question (1-5), from live contacts."""
    question = db.scalar(sa.select(SurveyQuestion).where(
        SurveyQuestion.race_id == race.id, SurveyQuestion.key == "support"))
    if question is None:
        return {}
    answer = DoorKnock.answers[str(question.id)].as_string()
    counts = dict(db.execute(sa.select(answer, sa.func.count())
                             .where(*live_knocks(race.id), answer.is_not(None))
                             .group_by(answer)).all())
    return {choice.label: counts.get(str(choice.id), 0) for choice in question.choices}


def _day(column):
    """The calendar day (UTC) of a timestamp, as text, on SQLite and PostgreSQL alike."""
    return sa.func.substr(sa.cast(column, sa.String), 1, 10)


def _per_day(db: Session, race: Race) -> list[dict[str, Any]]:
    """Knocks and contacts per day (UTC days)."""
    day = _day(DoorKnock.knocked_at)
    rows = db.execute(
        sa.select(day, sa.func.count(),
                  sa.func.sum(sa.case((DoorKnock.outcome.in_(CONTACT_CODES), 1), else_=0)))
        .where(*live_knocks(race.id)).group_by(day).order_by(day)).all()
    return [{"day": d, "knocks": n, "contacts": int(c or 0)} for d, n, c in rows]


def _turf_table(db: Session, race: Race) -> list[dict[str, Any]]:
    """Per active turf: doors, knocked, last activity and who holds it."""
    counts = turf_door_counts(race.id)
    rows = db.execute(
        sa.select(Turf.id, Turf.name, sa.func.coalesce(counts.c.doors, 0),
                  sa.func.coalesce(counts.c.knocked, 0), counts.c.last_activity)
        .outerjoin(counts, counts.c.turf_id == Turf.id)
        .where(Turf.race_id == race.id, Turf.status == "active").order_by(Turf.name)).all()
    holders: dict[int, list[str]] = {}
    for turf_id, name, email in db.execute(
            sa.select(Assignment.turf_id, User.name, User.email)
            .join(User, User.id == Assignment.volunteer_id)
            .join(Turf, Turf.id == Assignment.turf_id)
            .where(Turf.race_id == race.id, Assignment.status == "active")):
        holders.setdefault(turf_id, []).append(name or email.split("@")[0])
    return [{"id": t, "name": n, "doors": d, "knocked": k, "last_activity": last,
             "volunteers": holders.get(t, [])} for t, n, d, k, last in rows]


def _volunteer_table(db: Session, race: Race) -> list[dict[str, Any]]:
    """Per canvasser: doors, contacts, hours active (first to last knock per day), far knocks."""
    day = _day(DoorKnock.knocked_at)
    per_day = (sa.select(DoorKnock.user_id.label("user_id"),
                         sa.func.min(DoorKnock.knocked_at).label("first"),
                         sa.func.max(DoorKnock.knocked_at).label("last"))
               .where(*live_knocks(race.id)).group_by(DoorKnock.user_id, day).subquery())
    spans: dict[int, float] = {}
    for user_id, first, last in db.execute(sa.select(per_day.c.user_id, per_day.c.first,
                                                     per_day.c.last)):
        first, last = _aware(first), _aware(last)
        spans[user_id] = spans.get(user_id, 0.0) + (last - first).total_seconds() / 3600
    rows = db.execute(
        sa.select(User.id, User.name, User.email, sa.func.count(sa.distinct(DoorKnock.household_id)),
                  sa.func.sum(sa.case((DoorKnock.outcome.in_(CONTACT_CODES), 1), else_=0)),
                  sa.func.sum(sa.case((DoorKnock.flagged_far.is_(True), 1), else_=0)))
        .join(DoorKnock, DoorKnock.user_id == User.id).where(*live_knocks(race.id))
        .group_by(User.id, User.name, User.email).order_by(User.name)).all()
    return [{"id": u, "name": name or email.split("@")[0], "doors": doors,
             "contacts": int(contacts or 0), "hours": round(spans.get(u, 0.0), 1),
             "flagged_far": int(far or 0)} for u, name, email, doors, contacts, far in rows]


def _aware(value):
    """Timestamps read through a subquery may lose the UTC type decorator on SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _projection(db: Session, race: Race, progress: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """At the pace of the last 7 days, when is every door knocked, against election day."""
    since = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(), dt.UTC)
    recent = db.scalar(sa.select(sa.func.count(sa.distinct(DoorKnock.household_id)))
                       .where(*live_knocks(race.id), DoorKnock.knocked_at >= since)) or 0
    remaining = progress["households"] - progress["knocked_households"]
    pace = recent / 7
    done_on = today + dt.timedelta(days=int(-(-remaining // pace))) if pace and remaining else None
    if remaining == 0:
        done_on = today
    election = race.election_date
    passed = bool(election and election < today)  # a finished race: nothing to be behind for
    return {"doors_per_day": round(pace, 1), "remaining": remaining,
            "covered_on": done_on.isoformat() if done_on else None,
            "election_date": election.isoformat() if election else None,
            "election_passed": passed,
            "days_to_election": (election - today).days if election and not passed else None,
            "on_track": bool(done_on and election and not passed and done_on <= election)}
