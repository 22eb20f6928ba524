"""Validation of a knock as the phone sends it: field-by-field errors, nothing guessed.

Pure functions over the JSON payload; what needs the database (the door, the script) is
checked by fieldapp.canvass.knocks.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from fieldapp.knocklog.outcomes import CONTACT_CODES, OUTCOME_CODES

MAX_FUTURE = dt.timedelta(minutes=5)
# The clock-skew window: a knock is judged by its device time, so that time must be plausible.
# A week covers a phone kept offline over a weekend of canvassing; older is a wrong clock.
MAX_PAST = dt.timedelta(days=7)
MAX_ID = 2**31 - 1  # ids are INTEGER columns: PostgreSQL refuses more, SQLite overflows at 2^63
MAX_NOTE = 2000
MAX_TEXT_ANSWER = 500
MAX_ANSWERS = 100
MAX_PEOPLE = 20  # people named in one conversation
MAX_NAME = 100
VOID = "void"  # outcome of an undo event


@dataclass
class KnockInput:
    """A knock payload that passed the checks that need no database."""

    client_uuid: str
    household_id: int
    outcome: str
    knocked_at: dt.datetime
    offset_min: int
    voter_id: int | None = None
    answers: dict[int, Any] = field(default_factory=dict)
    note: str = ""
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    void_client_uuid: str | None = None
    # A conversation with several people: [{"voter_id": id} or {"person": {...}}, "answers"}]
    # (fieldapp.canvass.talk); None for the single-voter payload of older phones.
    talked_to: list[dict[str, Any]] | None = None
    someone_else: bool = False  # "Talked" to someone not on the list and not added
    # A unit or door missing from the list, logged from the listed door (household_id) where
    # the canvasser stands: {"client_uuid", "unit", "address_line"} (fieldapp.canvass.talk)
    new_door: dict[str, str] | None = None

    def payload_hash(self) -> str:
        """A fingerprint of what was sent, to tell a replay from a conflicting reuse of a UUID."""
        canonical = {
            "household_id": self.household_id, "outcome": self.outcome,
            "knocked_at": self.knocked_at.astimezone(dt.UTC).isoformat(),
            "voter_id": self.voter_id, "answers": {str(k): v for k, v in sorted(self.answers.items())},
            "note": self.note, "location": [self.lat, self.lon, self.accuracy_m],
            "voids": self.void_client_uuid,
        }
        if self.talked_to is not None or self.someone_else:  # older knocks keep their hash
            canonical["talked_to"] = self.talked_to
            canonical["someone_else"] = self.someone_else
        if self.new_door is not None:
            canonical["new_door"] = self.new_door
        return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


class KnockInvalid(Exception):
    """The payload has field errors."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def _int(value: Any) -> int | None:
    """A database id from JSON (int or ASCII digit string, 1 to MAX_ID), else None.

    ASCII only: str.isdigit() is also true of "¹" and "٣", which int() refuses or reads.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and len(value) <= 10 and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 1 <= value <= MAX_ID:
        return value
    return None


def _number(value: Any) -> float | None:
    """A finite JSON number, else None (a 400-digit integer does not fit a float)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored as is: a NUL (PostgreSQL refuses it) or a lone UTF-16
    surrogate (half an emoji: not valid UTF-8), else None."""
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid UTF-8 text (a broken emoji?)"
    return None


def parse_time(value: Any, now: dt.datetime) -> tuple[dt.datetime, int]:
    """ISO 8601 with an offset, not in the future; returns UTC time and the offset in minutes."""
    if not isinstance(value, str):
        raise ValueError("required: ISO 8601 date-time with offset, e.g. 2017-05-20T14:05:00-04:00")
    try:
        parsed = dt.datetime.fromisoformat(value[:64].replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {value[:40]!r}") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError("needs a UTC offset (e.g. -04:00 or Z): the phone's time zone matters")
    try:
        ahead = parsed - now
    except OverflowError:  # year 1 with a positive offset falls before datetime.min
        raise ValueError("more than 7 days in the past: check the phone's clock") from None
    if ahead > MAX_FUTURE:
        raise ValueError("more than 5 minutes in the future: check the phone's clock")
    if -ahead > MAX_PAST:
        raise ValueError("more than 7 days in the past: check the phone's clock "
                         "(a knock is judged by when it was logged)")
    offset = int(parsed.utcoffset().total_seconds() // 60)
    return parsed.astimezone(dt.UTC), offset


def parse_knock(payload: Any, now: dt.datetime) -> KnockInput:
    """Check every field of a knock payload; raise KnockInvalid naming each bad field."""
    if not isinstance(payload, dict):
        raise KnockInvalid({"knock": "expected a JSON object"})
    errors: dict[str, str] = {}
    client_uuid = payload.get("client_uuid")
    try:
        client_uuid = str(uuid.UUID(str(client_uuid))) if client_uuid else None
    except ValueError:
        client_uuid = None
    if client_uuid is None:
        errors["client_uuid"] = "required: a UUID generated by the phone"
    household_id = _int(payload.get("household_id"))
    if household_id is None:
        errors["household_id"] = "required: the id of the door"
    void_of = payload.get("voids")
    outcome = payload.get("outcome", VOID if void_of else None)
    if void_of:
        try:
            void_of = str(uuid.UUID(str(void_of)))
        except ValueError:
            errors["voids"] = "must be the client_uuid of the knock to undo"
        if outcome != VOID:
            errors["outcome"] = "an undo carries no outcome (or 'void')"
    elif outcome not in OUTCOME_CODES:
        errors["outcome"] = f"unknown outcome {str(outcome)[:30]!r}; one of: {', '.join(OUTCOME_CODES)}"
    knocked_at, offset = now, 0
    try:
        knocked_at, offset = parse_time(payload.get("knocked_at"), now)
    except ValueError as error:
        errors["knocked_at"] = str(error)
    voter_id = payload.get("voter_id")
    if voter_id is not None and _int(voter_id) is None:
        errors["voter_id"] = "must be a voter id"
    answers = _parse_answers(payload.get("answers"), errors)
    note = payload.get("note") or ""
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        errors["note"] = f"must be text of at most {MAX_NOTE} characters"
        note = ""
    elif text_problem(note):
        errors["note"] = text_problem(note)
    lat = lon = accuracy = None
    location = payload.get("location")
    if location is not None:
        lat, lon, accuracy = _parse_location(location, errors)
    talked_to, someone_else = parse_talk(payload, outcome, errors)
    new_door = parse_new_door(payload.get("new_door"), talked_to, errors)
    if new_door is not None and (voter_id is not None or void_of):
        errors["new_door"] = "nobody on the list lives at a door added in the field"
    if errors:
        raise KnockInvalid(errors)
    return KnockInput(client_uuid, household_id, outcome, knocked_at, offset,
                      _int(voter_id) if voter_id is not None else None, answers, note.strip(),
                      lat, lon, accuracy, void_of or None, talked_to, someone_else, new_door)


def parse_new_door(raw: Any, talked_to: list[dict[str, Any]] | None,
                   errors: dict[str, str]) -> dict[str, str] | None:
    """A unit (or a door of another address) missing from the list: its own client_uuid (the
    door is added once), a unit and/or an address line; nobody on the list lives there."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors["new_door"] = "an object {client_uuid, unit, address_line}"
        return None
    door: dict[str, str] = {}
    try:
        door["client_uuid"] = str(uuid.UUID(str(raw.get("client_uuid"))))
    except ValueError:
        errors["new_door.client_uuid"] = "required: a UUID generated by the phone"
    for name, limit in (("unit", 50), ("address_line", 300)):
        value = raw.get(name) or ""
        if not isinstance(value, str) or len(value) > limit or text_problem(value):
            errors[f"new_door.{name}"] = f"text of at most {limit} characters"
            value = ""
        door[name] = value.strip()
    if not (door["unit"] or door["address_line"]):
        errors["new_door.unit"] = "a unit (or an address) for the door missing from the list"
    if any("voter_id" in p for p in talked_to or ()):
        errors["new_door"] = "nobody on the list lives at a door added in the field"
    return door


def parse_talk(payload: dict, outcome: Any, errors: dict[str, str]
               ) -> tuple[list[dict[str, Any]] | None, bool]:
    """Who a conversation was with: `talked_to` (voters of the door or people met there, each
    with their answers) or `someone_else: true`. Absent on older phones' knocks: they name
    at most one voter (`voter_id`) with top-level `answers`, and are taken as before."""
    someone_else = payload.get("someone_else", False)
    if not isinstance(someone_else, bool):
        errors["someone_else"] = "true or false"
        someone_else = False
    if "talked_to" not in payload and not someone_else:
        return None, False
    raw = payload.get("talked_to") or []
    if not isinstance(raw, list) or len(raw) > MAX_PEOPLE:
        errors["talked_to"] = f"a list of at most {MAX_PEOPLE} people"
        return None, someone_else
    if outcome not in CONTACT_CODES and (raw or someone_else):
        errors["talked_to"] = "only a conversation (outcome 'contact') names who was talked to"
    elif outcome in CONTACT_CODES and not raw and not someone_else:
        errors["talked_to"] = "name who you talked to, or choose someone else at the door"
    if payload.get("voter_id") is not None or payload.get("answers"):
        errors["talked_to"] = "with talked_to, voters and answers go in talked_to, one per person"
    people, seen = [], set()
    for index, item in enumerate(raw):
        person = _parse_person_item(item, f"talked_to.{index}", errors)
        if person is not None:
            key = person.get("voter_id") or person["person"]["client_uuid"]
            if key in seen:
                errors[f"talked_to.{index}"] = "this person is named twice"
            seen.add(key)
            people.append(person)
    return people, someone_else


def _parse_person_item(item: Any, where: str, errors: dict[str, str]) -> dict[str, Any] | None:
    """{"voter_id": id, "answers": {...}} or {"person": {client_uuid, first_name, last_name,
    phone?, email?}, "answers": {...}}, checked field by field."""
    if not isinstance(item, dict):
        errors[where] = "an object {voter_id or person, answers}"
        return None
    answers = _parse_answers(item.get("answers"), errors, prefix=f"{where}.")
    if item.get("voter_id") is not None:
        voter_id = _int(item.get("voter_id"))
        if voter_id is None or "person" in item:
            errors[f"{where}.voter_id"] = "a voter id (or a person met at the door, not both)"
            return None
        return {"voter_id": voter_id, "answers": {str(k): v for k, v in answers.items()}}
    person = item.get("person")
    if not isinstance(person, dict):
        errors[where] = "needs voter_id (a voter of the door) or person (someone not listed)"
        return None
    try:
        person_uuid = str(uuid.UUID(str(person.get("client_uuid"))))
    except ValueError:
        errors[f"{where}.person.client_uuid"] = "required: a UUID generated by the phone"
        return None
    fields: dict[str, Any] = {"client_uuid": person_uuid}
    for name, limit in (("first_name", MAX_NAME), ("last_name", MAX_NAME), ("phone", 40),
                        ("email", 254)):
        value = person.get(name) or ""
        if not isinstance(value, str) or len(value) > limit or text_problem(value):
            errors[f"{where}.person.{name}"] = f"text of at most {limit} characters"
            return None
        fields[name] = value.strip()
    if not (fields["first_name"] or fields["last_name"]):
        errors[f"{where}.person.first_name"] = "a name is needed (first or last)"
        return None
    if fields["email"] and "@" not in fields["email"]:
        errors[f"{where}.person.email"] = "not an e-mail address"
        return None
    return {"person": fields, "answers": {str(k): v for k, v in answers.items()}}


def _parse_answers(raw: Any, errors: dict[str, str], prefix: str = "") -> dict[int, Any]:
    """{question_id: choice_id or text}; ids may come as strings (JSON object keys are)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors[f"{prefix}answers"] = "must be an object {question_id: choice_id or value}"
        return {}
    if len(raw) > MAX_ANSWERS:
        errors[f"{prefix}answers"] = f"at most {MAX_ANSWERS} answers"
        return {}
    answers: dict[int, Any] = {}
    for key, value in raw.items():
        question_id = _int(key)
        key = key[:20] if text_problem(key) is None else "?"  # echoed back in the error
        if question_id is None:
            errors[f"{prefix}answers.{key}"] = "question ids are numbers"
        elif isinstance(value, bool) or not isinstance(value, (int, str)):
            errors[f"{prefix}answers.{key}"] = "answer with a choice id or a short text"
        elif isinstance(value, str) and len(value) > MAX_TEXT_ANSWER:
            errors[f"{prefix}answers.{key}"] = f"at most {MAX_TEXT_ANSWER} characters"
        elif isinstance(value, str) and text_problem(value):
            errors[f"{prefix}answers.{key}"] = text_problem(value)
        elif isinstance(value, int) and _int(value) is None:
            errors[f"{prefix}answers.{key}"] = "not a choice id"
        else:
            answers[question_id] = value
    return answers


def _parse_location(raw: Any, errors: dict[str, str]) -> tuple[float | None, float | None, float | None]:
    """{"lat", "lon", "accuracy_m"?} in range."""
    if not isinstance(raw, dict):
        errors["location"] = "must be an object {lat, lon, accuracy_m}"
        return None, None, None
    lat, lon = _number(raw.get("lat")), _number(raw.get("lon"))
    accuracy = raw.get("accuracy_m")
    if lat is None or not -90 <= lat <= 90:
        errors["location.lat"] = "latitude between -90 and 90"
    if lon is None or not -180 <= lon <= 180:
        errors["location.lon"] = "longitude between -180 and 180"
    if accuracy is not None and (_number(accuracy) is None or _number(accuracy) < 0):
        errors["location.accuracy_m"] = "a distance in metres, 0 or more"
    return lat, lon, _number(accuracy) if accuracy is not None else None
