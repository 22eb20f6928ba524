"""Load the 2017 demo into the database: chapters, people, races, doors, turfs and knocks.

Idempotent: a chapter, user or race that exists is reused, and a race that already has
households is left as it is, so running it twice duplicates nothing.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth import services as auth_services
from fieldapp.auth.models import User
from fieldapp.chapters import services as chapters
from fieldapp.chapters.models import Organization
from fieldapp.demo import synthetic
from fieldapp.demo.activity import add_turfs_and_knocks
from fieldapp.demo.races import (
    DEMO_INTRO,
    DEMO_INTRO_ES,
    DEMO_RACES,
    DEMO_SCRIPT,
    DEMO_SCRIPT_ES,
    SPANISH_SCRIPT_ORGS,
    DemoRace,
)
from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion
from fieldapp.voters.addresses import building_key, normalize_address, street_key
from fieldapp.voters.models import Household, Voter

DEFAULT_PASSWORD = "fieldapp-demo-2017"
VOLUNTEERS_PER_CHAPTER = 4


@dataclass(frozen=True)
class DemoLogin:
    """A demo account to print for the person running the demo."""

    email: str
    role: str
    org_slug: str


@dataclass
class DemoReport:
    """What `load_demo` did."""

    password: str
    loaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


def demo_password() -> str:
    """The demo accounts' password: FIELDAPP_DEMO_PASSWORD or the documented default."""
    return os.environ.get("FIELDAPP_DEMO_PASSWORD") or DEFAULT_PASSWORD


def load_demo(db: Session, households_per_race: int = 3000, seed: int = 2017,
              progress: Callable[[str], None] | None = None) -> DemoReport:
    """Load every demo race; commits race by race so a long load keeps what it finished."""
    report = DemoReport(password=demo_password())
    for index, spec in enumerate(DEMO_RACES):
        rng = np.random.default_rng([seed, index])
        org = _organization(db, spec)
        organizer, volunteers = _people(db, org, report)
        race = _race(db, org, spec)
        has_doors = db.scalar(sa.select(sa.func.count()).where(Household.race_id == race.id))
        if has_doors:
            report.skipped.append(race.name)
        else:
            _script(db, race, spanish=spec.org_slug in SPANISH_SCRIPT_ORGS)
            _households(db, race, spec, households_per_race, rng)

            add_turfs_and_knocks(db, race, organizer, volunteers, rng)
            report.loaded.append(race.name)
        db.commit()
        if progress:
            progress(race.name)
    return report


def _organization(db: Session, spec: DemoRace) -> Organization:
    """The chapter for a race, created once."""
    org = db.scalar(sa.select(Organization).where(Organization.slug == spec.org_slug))
    if org is None:
        org = Organization(slug=spec.org_slug, name=spec.org_name)
        db.add(org)
        db.flush()
    return org


def _user(db: Session, email: str, name: str, org: Organization, role: str,
          report: DemoReport) -> User:
    """A demo user with a role in org, created once."""
    user = db.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = auth_services.create_user(db, email, report.password, name)
    chapters.set_membership(db, user, org, role)
    report.logins.append(DemoLogin(email, role, org.slug))
    return user


def _people(db: Session, org: Organization, report: DemoReport) -> tuple[User, list[User]]:
    """One organizer and a few volunteers per chapter (example.org: no real mailboxes)."""
    domain = f"{org.slug}.example.org"
    organizer = _user(db, f"organizer@{domain}", f"{org.slug.upper()[:2]} Organizer", org,
                      "organizer", report)
    volunteers = [
        _user(db, f"volunteer{i}@{domain}",
              f"{synthetic.FIRST_NAMES[i * 7 % 40]} {synthetic.LAST_NAMES[i * 11 % 40]}",
              org, "volunteer", report)
        for i in range(1, VOLUNTEERS_PER_CHAPTER + 1)
    ]
    return organizer, volunteers


def _race(db: Session, org: Organization, spec: DemoRace) -> Race:
    """The race row, created once, with its synthetic district."""
    race = db.scalar(sa.select(Race).where(Race.organization_id == org.id, Race.name == spec.name))
    if race is None:
        race = Race(organization_id=org.id, name=spec.name, office=spec.office,
                    candidate=spec.candidate, election_date=spec.election_date,
                    ocd_division_id=spec.ocd_division_id, centre_lat=spec.centre[0],
                    centre_lon=spec.centre[1], door_goal=0, district_is_synthetic=True)
        db.add(race)
        db.flush()
    return race


def _script(db: Session, race: Race, spanish: bool = False) -> None:
    """Support 1-5, top issue, volunteer ask; with an intro and its Spanish when `spanish`."""
    if spanish:
        race.script_intro, race.script_intro_es = DEMO_INTRO, DEMO_INTRO_ES
    for position, (key, text, choices) in enumerate(DEMO_SCRIPT):
        text_es, labels_es = DEMO_SCRIPT_ES[key] if spanish else ("", {})
        question = SurveyQuestion(race=race, key=key, position=position, text=text, kind="choice",
                                  text_es=text_es)
        question.choices = [SurveyChoice(position=i, value=value, label=label,
                                         label_es=labels_es.get(value, ""))
                            for i, (value, label) in enumerate(choices)]
        db.add(question)
    db.flush()


def _households(db: Session, race: Race, spec: DemoRace, count: int,
                rng: np.random.Generator) -> None:
    """Synthetic district, doors on a street grid, and their voters, in bulk."""
    district = synthetic.district_polygon(spec.centre, synthetic.radius_for(count), rng)
    race.district = json.loads(shapely.to_geojson(district))
    doors = synthetic.street_grid_doors(spec.centre, district, count, rng)
    race.door_goal = int(len(doors) * 0.8)
    zip5 = f"{spec.zip_prefix}{int(rng.integers(1, 99)):02d}"
    rows = []
    for door in doors:
        line = f"{door.number} {door.street}"
        rows.append(dict(
            race_id=race.id, address_line=line, unit=door.unit, city=spec.city,
            state=spec.state, zip5=zip5, lat=door.lat, lon=door.lon,
            household_key=normalize_address(line, door.unit, spec.city, spec.state, zip5),
            building_key=building_key(line, spec.city, spec.state, zip5),
            street_key=street_key(line), geocode_source="synthetic", geocode_accuracy="rooftop",
            is_synthetic=True,
        ))
    ids = db.scalars(
        sa.insert(Household).returning(Household.id, sort_by_parameter_order=True), rows
    ).all()
    voters = []
    for n, household_id in enumerate(ids):
        for k, (first, last) in enumerate(synthetic.voter_names(rng)):
            voters.append(dict(race_id=race.id, household_id=household_id, first_name=first,
                               last_name=last, external_id=f"DEMO-{race.id}-{n}-{k}"))
    db.execute(sa.insert(Voter), voters)
