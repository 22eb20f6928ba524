"""A small canvass world shared by API, report and browser tests: two chapters, turfs, tokens."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from fieldapp.auth import services
from fieldapp.models_base import utcnow
from tests import factories


@dataclass
class World:
    """Ids and tokens the API tests use."""

    race: int
    other_race: int
    turf: int
    other_turf: int
    doors: list[int]
    other_turf_doors: list[int]
    other_org_doors: list[int]
    question: int
    choices: list[int]
    other_question: int
    tokens: dict[str, str]

    def headers(self, who: str) -> dict[str, str]:
        """Authorization header for a person of the world."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def world(db) -> World:
    """NY chapter: vol1 holds turf A, vol2 holds turf B; PA chapter has its own race."""
    ny, pa = factories.org(db, "ny-wfp"), factories.org(db, "pa-wfp")
    race = factories.race(db, ny, "NY race")
    other_race = factories.race(db, pa, "PA race", centre=(39.95, -75.16))
    doors = factories.households(db, race, 12, voters_each=2)
    other_org_doors = factories.households(db, other_race, 3)
    turf_a = factories.turf(db, race, doors[:6], "A")
    turf_b = factories.turf(db, race, doors[6:], "B")
    people = {
        "vol1": factories.user(db, "vol1@example.org", ny, "volunteer"),
        "vol2": factories.user(db, "vol2@example.org", ny, "volunteer"),
        "organizer": factories.user(db, "org@example.org", ny, "organizer"),
        "pa_organizer": factories.user(db, "pa@example.org", pa, "organizer"),
    }
    factories.assign(db, turf_a, people["vol1"])
    factories.assign(db, turf_b, people["vol2"])
    tokens = {who: services.create_api_token(db, person) for who, person in people.items()}
    db.commit()
    question = race.questions[0]
    return World(race.id, other_race.id, turf_a.id, turf_b.id, [d.id for d in doors[:6]],
                 [d.id for d in doors[6:]], [d.id for d in other_org_doors], question.id,
                 [c.id for c in question.choices], other_race.questions[0].id, tokens)


def knock(household_id: int, outcome: str = "not_home", **extra) -> dict:
    """A valid knock payload, knocked now in New York time."""
    import datetime as dt

    eastern = dt.timezone(dt.timedelta(hours=-4))
    return {"client_uuid": str(uuid.uuid4()), "household_id": household_id, "outcome": outcome,
            "knocked_at": utcnow().astimezone(eastern).isoformat()} | extra
