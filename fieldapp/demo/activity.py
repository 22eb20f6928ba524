"""Demo field activity: turfs cut and assigned, and knocks logged over the past days.

Knocks go through the real recording engine, so every cache and check is as in the field.
"""
from __future__ import annotations

import datetime as dt
import uuid

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.canvass.knocks import record_knocks
from fieldapp.models_base import utcnow
from fieldapp.races.models import Race
from fieldapp.turf import services as turf_services
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household

# Outcome shares of a door knock in the field (VAN-style canvasses run about 25-30% contact).
OUTCOME_RATES = {
    "not_home": 0.50, "contact": 0.27, "refused": 0.07, "lit_drop": 0.05, "come_back": 0.04,
    "moved": 0.025, "inaccessible": 0.015, "vacant": 0.01, "hostile": 0.005,
    "wrong_address": 0.01, "deceased": 0.005,
}
SUPPORT_WEIGHTS = [0.12, 0.13, 0.2, 0.25, 0.3]
DEMO_TURF_SIZE = 50
DAYS_OF_CANVASS = 12


def add_turfs_and_knocks(db: Session, race: Race, organizer: User, volunteers: list[User],
                         rng: np.random.Generator) -> None:
    """Cut the race, assign two turfs per volunteer, and walk most of them over past days."""
    turf_services.cut_race(db, race, DEMO_TURF_SIZE, actor=organizer)
    turfs = db.scalars(sa.select(Turf).where(Turf.race_id == race.id, Turf.status == "active")
                       .order_by(Turf.id)).all()
    today = dt.date.today()
    assigned = turfs[: 2 * len(volunteers)]
    for index, turf in enumerate(assigned):
        volunteer = volunteers[index % len(volunteers)]
        turf_services.assign_turf(db, turf, volunteer, organizer,
                                  shift_date=today + dt.timedelta(days=index % 3))
    # An organizer also walked a few unassigned turfs: coverage outside assignments.
    walked = [(turf, volunteers[i % len(volunteers)]) for i, turf in enumerate(assigned)]
    walked += [(turf, organizer) for turf in turfs[len(assigned): len(assigned) + 6]]
    questions = {q.key: q for q in race.questions}
    now = utcnow()
    for turf, walker in walked:
        doors = db.execute(sa.select(Household.id, Household.lat, Household.lon)
                           .where(Household.turf_id == turf.id)
                           .order_by(Household.walk_seq)).all()
        share = float(rng.uniform(0.3, 0.95))
        day = int(rng.integers(1, DAYS_OF_CANVASS + 1))
        start = now - dt.timedelta(days=day, hours=float(rng.uniform(0, 4)))
        payloads = [_payload(door, start + dt.timedelta(minutes=2.5 * i), questions, rng)
                    for i, door in enumerate(doors[: int(len(doors) * share)])]
        # Received as the shift ended, as a phone syncing then would have been: knocks are
        # judged against a 7-day clock-skew window from their receipt, and the demo spans 12.
        synced = start + dt.timedelta(minutes=2.5 * len(payloads) + 1)
        record_knocks(db, walker.id, payloads, now=synced)


def _payload(door, when: dt.datetime, questions: dict, rng: np.random.Generator) -> dict:
    """One synthetic knock at a door, with a phone position near it (a few far off)."""
    outcome = str(rng.choice(list(OUTCOME_RATES), p=list(OUTCOME_RATES.values())))
    eastern = dt.timezone(dt.timedelta(hours=-4))
    spread = 0.004 if rng.random() < 0.03 else 0.00015  # ~3% logged far from the door
    payload = {
        "client_uuid": str(uuid.UUID(bytes=rng.bytes(16), version=4)),
        "household_id": door.id, "outcome": outcome,
        "knocked_at": when.astimezone(eastern).isoformat(),
        "location": {"lat": door.lat + float(rng.normal(0, spread)),
                     "lon": door.lon + float(rng.normal(0, spread)),
                     "accuracy_m": float(rng.uniform(5, 30))},
    }
    if outcome == "contact" and questions:
        answers = {}
        for key, weights in (("support", SUPPORT_WEIGHTS), ("top_issue", None), ("volunteer", [0.1, 0.2, 0.7])):
            question = questions.get(key)
            if question is not None:
                choice = rng.choice(len(question.choices), p=weights)
                answers[str(question.id)] = question.choices[int(choice)].id
        payload["answers"] = answers
    return payload
