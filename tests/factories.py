"""Small functions that create test data through the real models and services."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from fieldapp.auth import services as auth_services
from fieldapp.auth.models import User
from fieldapp.chapters import services as chapters
from fieldapp.chapters.models import Organization
from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion
from fieldapp.turf.membership import set_door_turf
from fieldapp.turf.models import Assignment, Turf
from fieldapp.voters.models import Household, Voter

PASSWORD = "correct horse battery"


def org(db, slug: str = "ny-wfp", name: str | None = None) -> Organization:
    """An organization (state chapter)."""
    organization = Organization(slug=slug, name=name or slug.upper())
    db.add(organization)
    db.flush()
    return organization


def user(db, email: str, organization: Organization | None = None, role: str = "volunteer",
         name: str = "") -> User:
    """A user with PASSWORD, optionally a member of organization with role."""
    account = auth_services.create_user(db, email, PASSWORD, name)
    if organization is not None:
        chapters.set_membership(db, account, organization, role)
    return account


def race(db, organization: Organization, name: str = "Test race", centre=(40.68, -73.45),
         with_script: bool = True) -> Race:
    """A race with a small square district and, by default, a 1-5 support question."""
    lat, lon = centre
    district = {"type": "Polygon", "coordinates": [[
        [lon - 0.02, lat - 0.02], [lon + 0.02, lat - 0.02], [lon + 0.02, lat + 0.02],
        [lon - 0.02, lat + 0.02], [lon - 0.02, lat - 0.02]]]}
    contest = Race(organization_id=organization.id, name=name, office="Office",
                   election_date=dt.date(2017, 11, 7), district=district, centre_lat=lat,
                   centre_lon=lon, door_goal=100)
    db.add(contest)
    db.flush()
    if with_script:
        question = SurveyQuestion(race=contest, key="support", text="Support?", position=0)
        question.choices = [SurveyChoice(position=i, value=str(i), label=str(i)) for i in range(1, 6)]
        db.add(question)
        db.flush()
    return contest


def households(db, contest: Race, count: int, voters_each: int = 1) -> list[Household]:
    """count doors on a line of a synthetic street near the race centre, with voters."""
    rows = []
    for i in range(count):
        line = f"{100 + 2 * i} Test St"
        door = Household(race_id=contest.id, household_key=f"{line.upper()}||11758", address_line=line,
                         city="Testville", state="NY", zip5="11758",
                         lat=contest.centre_lat + (i // 20) * 0.0008,
                         lon=contest.centre_lon + (i % 20) * 0.0002, street_key="TEST ST",
                         building_key=f"{line.upper()}||11758")
        door.voters = [Voter(race_id=contest.id, first_name=f"Voter{i}", last_name=f"N{k}",
                             external_id=f"V{contest.id}-{i}-{k}") for k in range(voters_each)]
        rows.append(door)
    db.add_all(rows)
    db.flush()
    return rows


def turf(db, contest: Race, doors: list[Household], name: str = "Turf 1") -> Turf:
    """A turf holding doors in the given walk order."""
    area = Turf(race_id=contest.id, name=name, door_count=len(doors))
    db.add(area)
    db.flush()
    set_door_turf(db, [door.id for door in doors], area.id)
    for seq, door in enumerate(doors):
        door.walk_seq = seq
    db.flush()
    return area


def assign(db, area: Turf, volunteer: User, shift_date: dt.date | None = None) -> Assignment:
    """Give a turf to a volunteer."""
    assignment = Assignment(turf_id=area.id, volunteer_id=volunteer.id, shift_date=shift_date)
    db.add(assignment)
    db.flush()
    return assignment


def get_user(db, email: str) -> User:
    """A user by e-mail."""
    return db.scalar(sa.select(User).where(User.email == email))
