"""The knock path's SQL, built once with Core (fieldapp/canvass/knocks.py runs it).

The statements a single knock runs are DirectStatements (fieldapp/fastsql/direct.py): compiled
once per dialect and run on the driver's cursor; a batch's take a list of values ("expanding"
IN) and go through SQLAlchemy, whose cost is per batch.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from fieldapp.canvass.knock_input import VOID
from fieldapp.chapters.models import MANAGER_ROLES, Membership
from fieldapp.fastsql.direct import DirectStatement
from fieldapp.knocklog.models import DoorKnock, HeldKnock
from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion
from fieldapp.turf.membership import DoorTurfSpan
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household, Voter

KNOCK = DoorKnock.__table__
DOOR = Household.__table__
HELD = HeldKnock.__table__

SEEN = sa.select(KNOCK).where(KNOCK.c.user_id == sa.bindparam("uid"),
                              KNOCK.c.client_uuid.in_(sa.bindparam("uuids", expanding=True)))
ONE_SEEN = DirectStatement(sa.select(KNOCK).where(KNOCK.c.user_id == sa.bindparam("uid"),
                                                  KNOCK.c.client_uuid == sa.bindparam("uuid")))

_MANAGES = sa.exists().where(  # roles spelt out: the same SQL text for every knock
    Membership.user_id == sa.bindparam("uid"), Membership.organization_id == Race.organization_id,
    sa.or_(*(Membership.role == role for role in MANAGER_ROLES)))
_HOLDS_TURF = sa.exists().where(
    Assignment.turf_id == Household.turf_id, Assignment.volunteer_id == sa.bindparam("uid"),
    Assignment.status == "active", Turf.id == Assignment.turf_id, Turf.status == "active")
# The doors, and whether this user may knock each: an organizer of the door's chapter, or a
# volunteer holding the door's (active) turf.
_DOOR_PERMISSIONS = (sa.select(Household.id, Household.race_id, Household.turf_id, Household.lat,
                               Household.lon, sa.or_(_MANAGES, _HOLDS_TURF).label("allowed"))
                     .join(Race, Race.id == Household.race_id))
DOORS = _DOOR_PERMISSIONS.where(Household.id.in_(sa.bindparam("ids", expanding=True)))
ONE_DOOR = DirectStatement(_DOOR_PERMISSIONS.where(Household.id == sa.bindparam("id")))
# A single conversation: the door, the door of the voter named and the race's script (a row
# per choice) in one read, one round trip instead of three.
ONE_TALK = DirectStatement(
    _DOOR_PERMISSIONS.add_columns(
        sa.select(Voter.household_id).where(Voter.id == sa.bindparam("voter"))
        .scalar_subquery().label("voter_door"),
        SurveyQuestion.id.label("question_id"), SurveyQuestion.kind,
        SurveyChoice.id.label("choice_id"))
    .outerjoin(SurveyQuestion, SurveyQuestion.race_id == Household.race_id)
    .outerjoin(SurveyChoice, SurveyChoice.question_id == SurveyQuestion.id)
    .where(Household.id == sa.bindparam("id")))

VOTERS = sa.select(Voter.id, Voter.household_id).where(
    Voter.id.in_(sa.bindparam("ids", expanding=True)))

_SCRIPTS = (sa.select(SurveyQuestion.id, SurveyQuestion.race_id, SurveyQuestion.kind,
                      SurveyChoice.id.label("choice_id"))
            .outerjoin(SurveyChoice, SurveyChoice.question_id == SurveyQuestion.id))
QUESTIONS = _SCRIPTS.where(SurveyQuestion.id.in_(sa.bindparam("ids", expanding=True)))
RACE_SCRIPT = DirectStatement(_SCRIPTS.where(SurveyQuestion.race_id == sa.bindparam("race")))

INSERTS = {  # PostgreSQL takes a batch through unnest() (fieldapp/fastsql/pg_unnest.py)
    name: dialect.insert(KNOCK).on_conflict_do_nothing(
        index_elements=["user_id", "client_uuid"]).returning(KNOCK.c.id, KNOCK.c.client_uuid)
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
_VALUES = {c.name: sa.bindparam(c.name, type_=c.type) for c in KNOCK.columns if not c.primary_key}
INSERT_ONE = {  # a single knock: the same statement with one row, on the driver's cursor
    name: DirectStatement(insert.values(_VALUES)) for name, insert in INSERTS.items()
}


def _bump_door(door_id, count, outcome, at) -> sa.Update:
    """Relative UPDATE of a door's cached status: two phones knocking the same door at once
    both count, and the latest outcome by device time wins whatever order they commit in."""
    newer = sa.or_(DOOR.c.last_knocked_at.is_(None), DOOR.c.last_knocked_at <= at)
    return DOOR.update().where(DOOR.c.id == door_id).values(
        knock_count=DOOR.c.knock_count + count,
        last_outcome=sa.case((newer, outcome), else_=DOOR.c.last_outcome),
        last_knocked_at=sa.case((newer, at), else_=DOOR.c.last_knocked_at))


BUMP_DOORS = DirectStatement(_bump_door(
    sa.bindparam("hid"), sa.bindparam("n"), sa.bindparam("outcome"),
    sa.bindparam("at", type_=DOOR.c.last_knocked_at.type)))
# PostgreSQL, a single knock: the INSERT and its door's UPDATE in one statement (a writable
# CTE), one round trip instead of two; the door moves only when the knock went in.
_inserted = INSERTS["postgresql"].values(_VALUES).cte("inserted")
INSERT_AND_BUMP = DirectStatement(sa.select(_inserted.c.id, _inserted.c.client_uuid).add_cte(
    _bump_door(_VALUES["household_id"], 1, _VALUES["outcome"], _VALUES["knocked_at"])
    .where(sa.exists(sa.select(_inserted.c.id))).cte("bumped")))



def live_knocks(column: str, value) -> tuple:
    """Where-clauses for the knocks that count of one race or door (`column` "race_id" or
    "household_id"): not an undo event and not undone by one. The one definition of a live
    knock, for the undo path here and for the reports and exports."""
    scope = KNOCK.c[column] == value
    voided = sa.select(KNOCK.c.voids_knock_id).where(scope, KNOCK.c.voids_knock_id.is_not(None))
    return (scope, KNOCK.c.outcome != VOID, KNOCK.c.id.not_in(voided))


# A door's live knocks, latest first: what its cached status is worked out from after an undo.
LIVE = (sa.select(KNOCK.c.outcome, KNOCK.c.knocked_at)
        .where(*live_knocks("household_id", sa.bindparam("hid")))
        .order_by(KNOCK.c.knocked_at.desc(), KNOCK.c.id.desc()))

# Only for knocks whose door is not the volunteer's now: every stay of these doors in a turf
# this volunteer was ever assigned, with the assignment's own span, to judge each knock by
# its device time (fieldapp.canvass.knocks._in_turf_then).
HISTORY = (sa.select(DoorTurfSpan.household_id, DoorTurfSpan.turf_id, DoorTurfSpan.started_at,
                     DoorTurfSpan.ended_at, Assignment.created_at.label("assigned_at"),
                     Assignment.ended_at.label("returned_at"), Assignment.status)
           .join(Assignment, Assignment.turf_id == DoorTurfSpan.turf_id)
           .where(Assignment.volunteer_id == sa.bindparam("uid"),
                  DoorTurfSpan.household_id.in_(sa.bindparam("ids", expanding=True))))

HOLD = {  # a held knock is stored once per user and client_uuid, whatever the replays
    name: dialect.insert(HELD).on_conflict_do_nothing(index_elements=["user_id", "client_uuid"])
    for name, dialect in (("sqlite", sqlite), ("postgresql", postgresql))
}
HELD_SEEN = sa.select(HELD.c.id, HELD.c.client_uuid).where(
    HELD.c.user_id == sa.bindparam("uid"),
    HELD.c.client_uuid.in_(sa.bindparam("uuids", expanding=True)))
