"""Exports: knocks as VAN bulk-upload CSV and as plain CSV; turfs and district as GeoJSON.

Generators of CSV lines, so a race of any size streams without being held in memory. A view
returns them to stream after its request's database session has ended: whatever they need of
the race is read before the first line (as plain values), never lazily from the ORM object.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from fieldapp.auth.models import User
from fieldapp.canvass.models import DoorKnock
from fieldapp.canvass.outcomes import DEFAULT_VAN_RESULT_IDS, VAN_CONTACT_TYPE_WALK
from fieldapp.races.models import Race
from fieldapp.reports.progress import live_knocks
from fieldapp.turf.models import Turf
from fieldapp.voters.models import Household, Voter

VAN_COLUMNS = ["vanid", "contacttypeid", "resultid", "datecanvassed", "canvassedby"]
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


def _line(values: list[Any]) -> str:
    """One CSV line."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(values)
    return buffer.getvalue()


def _local(knock: DoorKnock) -> dt.datetime:
    """The knock's time on the canvasser's clock."""
    return knock.knocked_at.astimezone(dt.timezone(dt.timedelta(minutes=knock.knocked_at_offset_min)))


def van_csv(db: Session, race: Race, skipped: list[int] | None = None) -> Iterator[str]:
    """VAN canvass-results bulk upload: one row per live knock on a door with a VAN id.

    The person is the knock's voter, else the door's first voter; knocks at doors with no
    VAN id are counted in `skipped` (VAN could not match them).
    """
    return _van_lines(db, race.id, van_result_ids(race), skipped)


def _van_lines(db: Session, race_id: int, mapping: dict[str, int],
               skipped: list[int] | None) -> Iterator[str]:
    yield _line(VAN_COLUMNS)
    for knock, _door, _turf, name, email, vanid in _rows(db, race_id):
        if not vanid:
            if skipped is not None:
                skipped.append(knock.id)
            continue
        yield _line([vanid, VAN_CONTACT_TYPE_WALK, mapping.get(knock.outcome, ""),
                     _local(knock).strftime("%Y-%m-%d"), name or email])


def plain_csv(db: Session, race: Race) -> Iterator[str]:
    """Every field of every live knock."""
    return _plain_lines(db, race.id)


def _plain_lines(db: Session, race_id: int) -> Iterator[str]:
    import json

    yield _line(PLAIN_COLUMNS)
    for knock, door, turf_name, name, email, vanid in _rows(db, race_id):
        yield _line([knock.id, knock.client_uuid, _local(knock).isoformat(),
                     knock.received_at.isoformat(), knock.outcome, door.id, door.address_line,
                     door.unit, door.city, door.state, door.zip5, knock.voter_id, vanid or "",
                     knock.turf_id or "", turf_name or "", name or email,
                     json.dumps(knock.answers or {}, sort_keys=True), knock.note,
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
