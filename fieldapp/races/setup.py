"""Creating, editing and archiving races: one set of checks for the pages, the API and the CLI.

Values arrive as people typed them (form strings, JSON, CLI options); `clean_race_fields`
turns them into typed values or raises a DomainError naming every wrong field at once.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.chapters.models import Organization
from fieldapp.errors import DomainError
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.turf.limits import MAX_DOORS, MIN_DOORS

FIELDS = ("name", "office", "candidate", "election_date", "ocd_division_id", "door_goal",
          "doors_per_turf")
# Open Civic Data division ids: ocd-division/country:us then type:id pairs, lower case.
OCD_RE = re.compile(r"ocd-division/country:us(/[a-z_]+:[a-z0-9_.~'-]+)*")
MAX_GOAL = 10_000_000


def clean_race_fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Typed values for the race fields present in `data` (all required ones unless partial)."""
    unknown = sorted(set(data) - set(FIELDS))
    errors = dict.fromkeys(unknown, "not a race field")
    clean: dict[str, Any] = {}
    for key in FIELDS:
        if key not in data:
            if key == "name" and not partial:
                errors["name"] = "a race needs a name"
            continue
        try:
            clean[key] = _CLEANERS[key](data[key])
        except ValueError as error:
            errors[key] = str(error)
    if errors:
        raise DomainError("Some race fields are wrong: " + "; ".join(
            f"{k}: {v}" for k, v in errors.items()), errors)
    return clean


def _text(limit: int, required: bool = False):
    def clean(value: Any) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError("must be text")
        value = " ".join(value.split())
        if required and not value:
            raise ValueError("must not be empty")
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        return value
    return clean


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date: write it as YYYY-MM-DD") from None


def _ocd(value: Any) -> str | None:
    if value in (None, ""):
        return None
    value = str(value).strip()
    if len(value) > 300 or not OCD_RE.fullmatch(value):
        raise ValueError("an OCD division id looks like ocd-division/country:us/state:ny/cd:3 "
                         "(lower case)")
    return value


def _whole(low: int, high: int, what: str):
    def clean(value: Any) -> int:
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{what} must be a whole number")
        if not low <= value <= high:
            raise ValueError(f"{what} must be from {low:,} to {high:,}")
        return value
    return clean


_CLEANERS = {
    "name": _text(200, required=True), "office": _text(200), "candidate": _text(200),
    "election_date": _date, "ocd_division_id": _ocd,
    "door_goal": _whole(0, MAX_GOAL, "the door goal"),
    "doors_per_turf": _whole(MIN_DOORS, MAX_DOORS, "doors per turf"),
}


def _check_name_free(db: Session, org_id: int, name: str, race_id: int | None = None) -> None:
    taken = db.scalar(sa.select(Race.id).where(
        Race.organization_id == org_id, sa.func.lower(Race.name) == name.lower(),
        Race.id != (race_id or 0)))
    if taken is not None:
        raise DomainError(f"This chapter already has a race named {name!r}.",
                          {"name": "already used by another race of this chapter"})


def create_race(db: Session, org: Organization, data: dict[str, Any]) -> Race:
    """A new active race of `org`; flushed, not committed."""
    clean = clean_race_fields(data, partial=False)
    _check_name_free(db, org.id, clean["name"])
    race = Race(organization_id=org.id, **clean)
    db.add(race)
    db.flush()
    return race


def edit_race(db: Session, race: Race, data: dict[str, Any]) -> Race:
    """Change the fields given; the others stay as they are."""
    clean = clean_race_fields(data, partial=True)
    if "name" in clean:
        _check_name_free(db, race.organization_id, clean["name"], race.id)
    for key, value in clean.items():
        setattr(race, key, value)
    db.flush()
    return race


def archive_race(db: Session, race: Race) -> None:
    """Take the race off the race list and the volunteers' phones; knocks and exports stay.

    Nothing is deleted: turfs and assignments keep their rows, the volunteers' lists and
    pages only show turfs of active races.
    """
    if race.status == "archived":
        raise DomainError("This race is already archived.", {"status": "already archived"})
    race.status = "archived"
    race.archived_at = utcnow()
    db.flush()


def unarchive_race(db: Session, race: Race) -> None:
    """Bring an archived race back (its turfs and assignments come back as they were)."""
    race.status = "active"
    race.archived_at = None
    db.flush()
