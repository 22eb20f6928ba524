"""The walk list: a turf's doors in walk order, with voters and latest outcome, as plain data."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from fieldapp.races.models import SurveyQuestion
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household


def walk_list(db: Session, turf: Turf) -> dict[str, Any]:
    """Everything the phone needs to walk a turf offline (and nothing more: names, addresses)."""
    doors = db.scalars(
        sa.select(Household).where(Household.turf_id == turf.id)
        .options(selectinload(Household.voters))
        .order_by(Household.walk_seq, Household.id)
    ).all()
    questions = db.scalars(
        sa.select(SurveyQuestion).where(SurveyQuestion.race_id == turf.race_id,
                                        SurveyQuestion.retired_at.is_(None))
        .options(selectinload(SurveyQuestion.choices)).order_by(SurveyQuestion.position)
    ).all()
    route = turf.route or {
        "type": "LineString",
        "coordinates": [[d.lon, d.lat] for d in doors if d.lat is not None],
    }
    return {
        "id": turf.id, "name": turf.name, "race_id": turf.race_id, "race_name": turf.race.name,
        "status": turf.status, "boundary": turf.boundary, "route": route,
        "households": [
            {"id": d.id, "seq": index + 1, "address": d.address_line, "unit": d.unit,
             "lat": d.lat, "lon": d.lon, "last_outcome": d.last_outcome,
             # a person added at the door and since merged is listed once, as the voter
             "voters": [{"id": v.id, "name": v.name} for v in d.voters
                        if v.merged_into_id is None]}
            for index, d in enumerate(doors)
        ],
        # Both languages, so the canvasser can switch at the door offline; "" = no Spanish
        # for that piece (the phone shows the English). Answers go back by id either way.
        "script": [
            {"id": q.id, "key": q.key, "text": q.text, "text_es": q.text_es, "kind": q.kind,
             "choices": [{"id": c.id, "value": c.value, "label": c.label, "label_es": c.label_es}
                         for c in q.current_choices]}
            for q in questions
        ],
        "intro": turf.race.script_intro,
        "intro_es": turf.race.script_intro_es,
    }
