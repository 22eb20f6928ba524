"""Exports: knocks as VAN bulk-upload CSVs and as plain CSV; turfs and district as GeoJSON.

Every CSV cell goes through fieldapp.csv_safe (no typed text runs as a spreadsheet formula).

Generators of CSV lines, so a race of any size streams without being held in memory. A view
returns them to stream after its request's database session has ended: whatever they need of
the race is read before the first line (as plain values), never lazily from the ORM object.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from fieldapp.auth.models import User
from fieldapp.canvass.models import DoorKnock
from fieldapp.csv_safe import csv_line
from fieldapp.canvass.outcomes import DEFAULT_VAN_RESULT_IDS, VAN_CONTACT_TYPE_WALK
from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion
from fieldapp.reports.progress import live_knocks
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household, Voter

VAN_COLUMNS = ["vanid", "contacttypeid", "resultid", "datecanvassed", "canvassedby"]
VAN_SURVEY_COLUMNS = ["vanid", "surveyquestionid", "surveyresponseid", "contacttypeid",
                      "datecanvassed", "canvassedby"]
PLAIN_COLUMNS = ["knock_id", "client_uuid", "knocked_at", "received_at", "outcome", "household_id",
                 "address", "unit", "city", "state", "zip5", "voter_id", "voter_external_id",
                 "turf_id", "turf_name", "canvasser", "answers", "note", "phone_lat", "phone_lon",
                 "accuracy_m", "distance_m", "flagged_far"]
CHUNK = 2000


def van_result_ids(race: Race) -> dict[str, int]:
    """The chapter's outcome -> VAN result id mapping, over the defaults."""
    mapping = dict(DEFAULT_VAN_RESULT_IDS)
    mapping.update({k: int(v) for k, v in (race.organization.van_result_ids or {}).items()})
    return mapping


def _rows(db: Session, race_id: int) -> Iterator[Any]:
    """Live knocks of a race with door, voter, turf and canvasser, in id order, in chunks."""
    head = aliased(Voter)
    first_voter = (sa.select(sa.func.min(head.id)).where(head.household_id == Household.id)
                   .correlate(Household).scalar_subquery())
    voter = aliased(Voter)
    query = (sa.select(DoorKnock, Household, Turf.name, User.name, User.email, voter.external_id)
             .join(Household, Household.id == DoorKnock.household_id)
             .join(User, User.id == DoorKnock.user_id)
             .outerjoin(Turf, Turf.id == DoorKnock.turf_id)
             .outerjoin(voter, voter.id == sa.func.coalesce(DoorKnock.voter_id, first_voter))
             .where(*live_knocks(race_id)).order_by(DoorKnock.id))
    yield from db.execute(query.execution_options(yield_per=CHUNK))


_line = csv_line

def _local(knock: DoorKnock) -> dt.datetime:
    """The knock's time on the canvasser's clock."""
    return knock.knocked_at.astimezone(dt.timezone(dt.timedelta(minutes=knock.knocked_at_offset_min)))


def van_csv(db: Session, race: Race, skipped: list[int] | None = None) -> Iterator[str]:
    """VAN canvass-results bulk upload: a row per person of each live knock.

    The people are the knock's voter when it names one, else every voter of the door (VAN
    records a result per person: a not-home is a not-home for the whole household). Knocks
    with nobody VAN can match are counted in `skipped`.
    """
    return _van_lines(db, race.id, van_result_ids(race), skipped)


def _people_rows(db: Session, race_id: int) -> Iterator[Any]:
    """(knock, voter VAN id, canvasser name, e-mail) per person of every live knock."""
    voter = aliased(Voter)
    person = sa.or_(voter.id == DoorKnock.voter_id,
                    sa.and_(DoorKnock.voter_id.is_(None), voter.household_id == DoorKnock.household_id))
    query = (sa.select(DoorKnock, voter.external_id, User.name, User.email)
             .join(User, User.id == DoorKnock.user_id)
             .outerjoin(voter, person)
             .where(*live_knocks(race_id)).order_by(DoorKnock.id, voter.id))
    yield from db.execute(query.execution_options(yield_per=CHUNK))


def _van_lines(db: Session, race_id: int, mapping: dict[str, int],
               skipped: list[int] | None) -> Iterator[str]:
    yield _line(VAN_COLUMNS)
    written: set[int] = set()
    for knock, vanid, name, email in _people_rows(db, race_id):
        if not vanid:
            continue
        written.add(knock.id)
        yield _line([vanid, VAN_CONTACT_TYPE_WALK, mapping.get(knock.outcome, ""),
                     _local(knock).strftime("%Y-%m-%d"), name or email])
    if skipped is not None:
        skipped.extend(sorted(set(_live_knock_ids(db, race_id)) - written))


def _live_knock_ids(db: Session, race_id: int) -> list[int]:
    return list(db.scalars(sa.select(DoorKnock.id).where(*live_knocks(race_id))))


def _script(db: Session, race_id: int) -> tuple[dict[int, SurveyQuestion], dict[int, SurveyChoice]]:
    """Every question and answer the race's script ever had (retired ones too), by id."""
    questions = {q.id: q for q in db.scalars(
        sa.select(SurveyQuestion).where(SurveyQuestion.race_id == race_id))}
    choices = {c.id: c for c in db.scalars(
        sa.select(SurveyChoice).where(SurveyChoice.question_id.in_(list(questions) or [-1])))}
    return questions, choices


def van_survey_csv(db: Session, race: Race, skipped: list[int] | None = None) -> Iterator[str]:
    """VAN survey-responses bulk upload: a row per answer, with its VAN question and response
    ids, for the voter the knock names. Answers without VAN ids (or free text) and knocks naming
    no voter are left out: VAN files a survey response against one person."""
    questions, choices = _script(db, race.id)
    van = {(q.id, c.id): (q.van_question_id, c.van_response_id) for c in choices.values()
           for q in [questions[c.question_id]] if q.van_question_id and c.van_response_id}
    return _survey_lines(db, race.id, van, skipped)


def _survey_lines(db: Session, race_id: int, van: dict[tuple[int, int], tuple[int, int]],
                  skipped: list[int] | None) -> Iterator[str]:
    yield _line(VAN_SURVEY_COLUMNS)
    for knock, _door, _turf, name, email, vanid in _rows(db, race_id):
        if not knock.answers:
            continue
        if not vanid or knock.voter_id is None:
            if skipped is not None:
                skipped.append(knock.id)
            continue
        for question_id, value in sorted(knock.answers.items(), key=lambda item: int(item[0])):
            ids = van.get((int(question_id), value)) if isinstance(value, int) else None
            if ids is not None:
                yield _line([vanid, ids[0], ids[1], VAN_CONTACT_TYPE_WALK,
                             _local(knock).strftime("%Y-%m-%d"), name or email])


def answers_text(answers: dict[str, Any] | None, questions: dict[int, SurveyQuestion],
                 choices: dict[int, SurveyChoice]) -> str:
    """A knock's answers as people read them: "Question: Answer; ..." in script order."""
    parts = []
    for key, value in (answers or {}).items():
        question = questions.get(int(key))
        label = question.text if question else f"question {key}"
        if isinstance(value, int) and value in choices:
            shown = choices[value].label
        else:
            shown = str(value)
        parts.append((question.position if question else 10**6, int(key), f"{label}: {shown}"))
    return "; ".join(text for _pos, _id, text in sorted(parts))


def plain_csv(db: Session, race: Race) -> Iterator[str]:
    """Every field of every live knock."""
    return _plain_lines(db, race.id)  # the script is read before the first line


def _plain_lines(db: Session, race_id: int) -> Iterator[str]:
    questions, choices = _script(db, race_id)
    yield _line(PLAIN_COLUMNS)
    for knock, door, turf_name, name, email, vanid in _rows(db, race_id):
        yield _line([knock.id, knock.client_uuid, _local(knock).isoformat(),
                     knock.received_at.isoformat(), knock.outcome, door.id, door.address_line,
                     door.unit, door.city, door.state, door.zip5, knock.voter_id, vanid or "",
                     knock.turf_id or "", turf_name or "", name or email,
                     answers_text(knock.answers, questions, choices), knock.note,
                     knock.latitude if knock.latitude is not None else "",
                     knock.longitude if knock.longitude is not None else "",
                     knock.accuracy_m if knock.accuracy_m is not None else "",
                     round(knock.distance_m, 1) if knock.distance_m is not None else "",
                     int(knock.flagged_far)])


def turfs_geojson(db: Session, race: Race) -> dict[str, Any]:
    """The district and every active turf as one FeatureCollection."""
    features = []
    if race.district:
        features.append({"type": "Feature", "geometry": race.district,
                         "properties": {"kind": "district", "name": race.name,
                                        "ocd_id": race.ocd_division_id}})
    turfs = db.execute(
        sa.select(Turf, sa.func.count(Household.id), sa.func.count(Household.last_outcome))
        .outerjoin(Household, Household.turf_id == Turf.id)
        .where(Turf.race_id == race.id, Turf.status == "active").group_by(Turf.id)
        .order_by(Turf.name)).all()
    for turf, doors, knocked in turfs:
        features.append({"type": "Feature", "id": turf.id, "geometry": turf.boundary,
                         "properties": {"kind": "turf", "id": turf.id, "name": turf.name,
                                        "doors": doors, "knocked": knocked}})
    return {"type": "FeatureCollection", "features": features}
