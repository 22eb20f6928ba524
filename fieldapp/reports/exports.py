"""Exports: knocks as VAN bulk-upload CSVs and as plain CSV; turfs and district as GeoJSON.

EXPORTS, at the end, is the one table of them (name, builder, media type, file name, who may
download): the one download route, the dashboard's buttons and the tests all read it.

Every CSV cell goes through fieldapp.csv_safe (no typed text runs as a spreadsheet formula).

Generators of CSV lines, so a race of any size streams without being held in memory. A view
returns them to stream after its request's database session has ended: whatever they need of
the race is read before the first line (as plain values), never lazily from the ORM object.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from fieldapp.auth.models import User
from fieldapp.canvass.talk import people_of
from fieldapp.csv_safe import csv_line
from fieldapp.knocklog.models import DoorKnock
from fieldapp.knocklog.outcomes import DEFAULT_VAN_RESULT_IDS, VAN_CONTACT_TYPE_WALK
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
                 "accuracy_m", "distance_m", "flagged_far", "talked_to"]
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


def _people(db: Session, race_id: int) -> tuple[dict[int, tuple[str | None, str]],
                                                dict[int, list[int]]]:
    """Per voter of the race: (VAN id, name), a field-added person merged with an imported
    voter taking that voter's; and the door's voters (merged ones counted once), by door."""
    rows = db.execute(sa.select(Voter.id, Voter.household_id, Voter.external_id,
                                Voter.merged_into_id, Voter.first_name, Voter.last_name,
                                Voter.added_by_id)
                      .where(Voter.race_id == race_id).order_by(Voter.id)).all()
    external = {row.id: row.external_id for row in rows}
    people, doors = {}, {}
    for row in rows:
        name = f"{row.first_name} {row.last_name}".strip()
        if row.added_by_id is not None:
            name += " (added in the field)"
        people[row.id] = (external.get(row.merged_into_id or row.id), name)
        if row.merged_into_id is None:
            doors.setdefault(row.household_id, []).append(row.id)
    return people, doors


def _knock_people(knock: DoorKnock, doors: dict[int, list[int]]) -> list[int]:
    """Who a VAN result is filed for: the people a knock names, nobody for "someone else at the
    door", else every voter of the door (a not-home is a not-home for the whole household; an
    older phone's talk naming no one stays filed as it always was)."""
    named = [voter_id for voter_id, _answers in people_of(knock)]
    if named or knock.someone_else:
        return named
    return doors.get(knock.household_id, [])


def _van_lines(db: Session, race_id: int, mapping: dict[str, int],
               skipped: list[int] | None) -> Iterator[str]:
    people, doors = _people(db, race_id)
    yield _line(VAN_COLUMNS)
    for knock, _door, _turf, name, email, _vanid in _rows(db, race_id):
        vanids = list(dict.fromkeys(people[v][0] for v in _knock_people(knock, doors)
                                    if v in people and people[v][0]))
        if not vanids and skipped is not None:
            skipped.append(knock.id)
        for vanid in vanids:
            yield _line([vanid, VAN_CONTACT_TYPE_WALK, mapping.get(knock.outcome, ""),
                         _local(knock).strftime("%Y-%m-%d"), name or email])


def _script(db: Session, race_id: int) -> tuple[dict[int, SurveyQuestion], dict[int, SurveyChoice]]:
    """Every question and answer the race's script ever had (retired ones too), by id."""
    questions = {q.id: q for q in db.scalars(
        sa.select(SurveyQuestion).where(SurveyQuestion.race_id == race_id))}
    choices = {c.id: c for c in db.scalars(
        sa.select(SurveyChoice).where(SurveyChoice.question_id.in_(list(questions) or [-1])))}
    return questions, choices


def van_survey_csv(db: Session, race: Race, skipped: list[int] | None = None) -> Iterator[str]:
    """VAN survey-responses bulk upload: a row per voter per answer, with its VAN question and
    response ids. Answers without VAN ids (free text) and people with no VAN id are left out
    (VAN files a survey response against one person); knocks left with none are `skipped`."""
    questions, choices = _script(db, race.id)
    van = {(q.id, c.id): (q.van_question_id, c.van_response_id) for c in choices.values()
           for q in [questions[c.question_id]] if q.van_question_id and c.van_response_id}
    return _survey_lines(db, race.id, van, skipped)


def _survey_lines(db: Session, race_id: int, van: dict[tuple[int, int], tuple[int, int]],
                  skipped: list[int] | None) -> Iterator[str]:
    people, _doors = _people(db, race_id)
    yield _line(VAN_SURVEY_COLUMNS)
    for knock, _door, _turf, name, email, _vanid in _rows(db, race_id):
        lines = []
        for voter_id, answers in people_of(knock):
            vanid = people.get(voter_id, (None, ""))[0]
            for question_id, value in sorted(answers.items(), key=lambda item: int(item[0])):
                for choice_id in _choice_ids(value):
                    ids = van.get((int(question_id), choice_id))
                    if vanid and ids is not None:
                        lines.append(_line([vanid, ids[0], ids[1], VAN_CONTACT_TYPE_WALK,
                                            _local(knock).strftime("%Y-%m-%d"), name or email]))
        if not lines and skipped is not None and people_of(knock):
            skipped.append(knock.id)
        yield from dict.fromkeys(lines)  # a person named twice (merged) answers once


def _choice_ids(value: Any) -> list[int]:
    """The choice ids of an answer: one id, or several as "12,15" (multiple choice)."""
    if isinstance(value, int):
        return [value]
    parts = [part.strip() for part in str(value).split(",")]
    return [int(part) for part in parts if part.isdigit()] if all(
        part.isdigit() for part in parts) else []


def answers_text(answers: dict[str, Any] | None, questions: dict[int, SurveyQuestion],
                 choices: dict[int, SurveyChoice]) -> str:
    """A knock's answers as people read them: "Question: Answer; ..." in script order."""
    parts = []
    for key, value in (answers or {}).items():
        question = questions.get(int(key))
        label = question.text if question else f"question {key}"
        ids = _choice_ids(value)
        shown = (", ".join(choices[i].label for i in ids)
                 if ids and all(i in choices for i in ids) else str(value))
        parts.append((question.position if question else 10**6, int(key), f"{label}: {shown}"))
    return "; ".join(text for _pos, _id, text in sorted(parts))


def plain_csv(db: Session, race: Race) -> Iterator[str]:
    """Every field of every live knock."""
    return _plain_lines(db, race.id)  # the script is read before the first line


def _talk_text(knock: DoorKnock, people: dict[int, tuple[str | None, str]],
               questions: dict[int, SurveyQuestion], choices: dict[int, SurveyChoice]) -> str:
    """Who a conversation was with and what each answered: "Name: Q: A; Q: A | Name2: ..."."""
    if knock.someone_else:
        return "someone else at the door"
    parts = []
    for voter_id, answers in people_of(knock) if knock.talked_to else []:
        vanid, name = people.get(voter_id, (None, f"voter {voter_id}"))
        label = f"{name} ({vanid})" if vanid else name
        text = answers_text(answers, questions, choices)
        parts.append(f"{label}: {text}" if text else label)
    return " | ".join(parts)


def _plain_lines(db: Session, race_id: int) -> Iterator[str]:
    questions, choices = _script(db, race_id)
    people, _doors = _people(db, race_id)
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
                     int(knock.flagged_far), _talk_text(knock, people, questions, choices)])


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


def turfs_geojson_file(db: Session, race: Race) -> Iterator[str]:
    """turfs_geojson as the text of a file, built at once (nothing left to read lazily)."""
    return iter([json.dumps(turfs_geojson(db, race), separators=(",", ":"))])


@dataclass(frozen=True)
class Export:
    """One download of a race, at /races/<race_id>/exports/<name>."""

    name: str
    title: str  # its button on the dashboard
    build: Callable[[Session, Race], Iterator[str]]  # the file's text, in chunks
    media_type: str
    filename: str  # with {race_id}
    audience: str  # who may download it: "organizers" (of the race's chapter)
    log_kind: str  # how the export log names it

    def filename_for(self, race_id: int) -> str:
        """The file name offered to the browser."""
        return self.filename.format(race_id=race_id)

    @property
    def old_path(self) -> str:
        """Its first URL's last part, /races/<race_id>/export/<old_path>, still answered."""
        return self.filename.removeprefix("race-{race_id}-")


EXPORTS: tuple[Export, ...] = (
    Export("knocks-van", "VAN CSV", van_csv, "text/csv", "race-{race_id}-knocks-van.csv",
           "organizers", "van_csv"),
    Export("survey-van", "VAN survey CSV", van_survey_csv, "text/csv",
           "race-{race_id}-survey-van.csv", "organizers", "van_survey_csv"),
    Export("knocks", "All knocks CSV", plain_csv, "text/csv", "race-{race_id}-knocks.csv",
           "organizers", "plain_csv"),
    Export("turfs", "Turfs GeoJSON", turfs_geojson_file, "application/geo+json",
           "race-{race_id}-turfs.geojson", "organizers", "geojson"),
)
BY_NAME = {export.name: export for export in EXPORTS}
BY_OLD_PATH = {export.old_path: export for export in EXPORTS}
