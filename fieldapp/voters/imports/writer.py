"""Write one batch of clean rows: households, voters and rejections in one transaction.

Per batch there are two look-ups (the batch's household keys, the batch's voter ids), then
Core executemany inserts and updates: no ORM object per row, and nothing kept between batches,
so memory does not grow with the file. The caller commits; a failed batch rolls back whole,
which never leaves a household without the voters that came with it.

Each row lands in one bucket: `imported` (a new voter at a new door), `merged` (a new voter at
a door already known), `not_geocoded` (a new voter at a door without coordinates), `updated`
(a known voter whose name, phone, e-mail or door changed), `unchanged`.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.fastsql.bulk import insert_many, key_in
from fieldapp.voters.imports.reader import Rejection
from fieldapp.voters.imports.rows import CleanRow
from fieldapp.voters.models import Household, ImportRejection, Voter

LOOKUP_CHUNK = 5000
VOTER_FIELDS = ("first_name", "last_name", "phone", "email")
GEOCODE_SOURCE = "voter_file"


@dataclass
class BatchResult:
    """What one batch did: bucket counts and the households and voters it created."""

    buckets: Counter = field(default_factory=Counter)
    households_created: int = 0
    voters_created: int = 0


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class BatchWriter:
    """Writes batches of one import into one race."""

    def __init__(self, db: Session, race_id: int, run_id: int) -> None:
        self.db = db
        self.race_id = race_id
        self.run_id = run_id
        self.households = Household.__table__
        self.voters = Voter.__table__

    def write(self, rows: list[CleanRow], problems: list[Rejection]) -> BatchResult:
        """Write the batch (flushes, never commits) and say which bucket each row went to."""
        result = BatchResult()
        doors = self._known_doors({row.household_key for row in rows})
        people = self._known_voters({row.external_id for row in rows})
        new_doors: dict[str, dict] = {}
        fills: dict[int, tuple[float, float]] = {}
        pending: list[tuple[str, str]] = []  # (household key, "imported" | "merged") of new voters
        now = dt.datetime.now(dt.UTC)
        for row in rows:
            key = row.household_key
            door = doors.get(key) or new_doors.get(key)
            created = door is None
            if created:
                door = new_doors[key] = self._door(row, now)
            elif row.lat is not None and door.get("lat") is None:
                door["lat"], door["lon"] = row.lat, row.lon
                if "id" in door:
                    fills[door["id"]] = (row.lat, row.lon)
            person = people.get(row.external_id)
            if person is None:
                people[row.external_id] = dict(row.voter, id=None, hkey=key, ext=row.external_id)
                pending.append((key, "imported" if created else "merged"))
                continue
            changes = {k: v for k, v in row.voter.items() if person.get(k) != v}
            if person["hkey"] != key:
                changes["hkey"] = key
            if changes:
                person.update(changes, dirty=True)
            result.buckets["updated" if changes else "unchanged"] += 1
        ids = self._insert_doors(list(new_doors.values()))
        result.households_created = len(ids)
        door_ids = {key: door["id"] for key, door in doors.items()} | ids
        result.voters_created = self._write_voters(people.values(), door_ids)
        self._fill_coordinates(fills)
        self._reject(problems)
        for key, bucket in pending:
            door = doors.get(key) or new_doors[key]
            result.buckets[bucket if door.get("lat") is not None else "not_geocoded"] += 1
        return result

    def _known_doors(self, keys: set[str]) -> dict[str, dict]:
        """Household key -> {"id", "lat"} of the race's doors among keys."""
        table, found = self.households, {}
        dialect = self.db.get_bind().dialect
        for chunk in _chunks(sorted(keys)):
            query = sa.select(table.c.household_key, table.c.id, table.c.lat, table.c.lon).where(
                table.c.race_id == self.race_id, key_in(table.c.household_key, chunk, dialect))
            for key, door_id, lat, lon in self.db.execute(query).all():
                found[key] = {"id": door_id, "lat": lat, "lon": lon}
        return found

    def _known_voters(self, external_ids: set[str]) -> dict[str, dict]:
        """External id -> the voter's id, door key and fields, for the race's voters among ids."""
        voters, doors, found = self.voters, self.households, {}
        columns = [voters.c.external_id, voters.c.id, doors.c.household_key,
                   *(voters.c[name] for name in VOTER_FIELDS)]
        dialect = self.db.get_bind().dialect
        for chunk in _chunks(sorted(external_ids)):
            query = sa.select(*columns).join(doors, doors.c.id == voters.c.household_id).where(
                voters.c.race_id == self.race_id, key_in(voters.c.external_id, chunk, dialect))
            for ext, voter_id, hkey, *values in self.db.execute(query).all():
                found[ext] = dict(zip(VOTER_FIELDS, values), id=voter_id, hkey=hkey, ext=ext)
        return found

    def _door(self, row: CleanRow, now: dt.datetime) -> dict:
        """The household row a new door gets."""
        return dict(race_id=self.race_id, household_key=row.household_key,
                    building_key=row.building_key, street_key=row.street_key,
                    address_line=row.address_line, unit=row.unit, city=row.city,
                    state=row.state, zip5=row.zip5, precinct=row.precinct, lat=row.lat,
                    lon=row.lon, geocode_source=GEOCODE_SOURCE if row.lat is not None else "",
                    geocode_accuracy="", is_synthetic=False, knock_count=0, created_at=now)

    def _insert_doors(self, rows: list[dict]) -> dict[str, int]:
        """Insert new households, then read their ids back by key; household key -> id.

        (INSERT ... RETURNING over executemany was 3x slower on SQLite and 30x on PostgreSQL.)
        """
        if not rows:
            return {}
        table = self.households
        for row in rows:  # every row must carry the same keys for executemany
            row["geocode_source"] = GEOCODE_SOURCE if row["lat"] is not None else ""
        before = self.db.scalar(sa.select(sa.func.max(table.c.id))) or 0
        insert_many(self.db, table, rows)
        # Ids only grow, so the new doors are the doors above `before`: a range of the primary
        # key, not a look-up of every key (and no race_id in the WHERE: SQLite would then walk
        # the race's whole key index, every batch). Doors a concurrent import added there are
        # filtered out; if any of ours is missing, look them up by key.
        wanted = {row["household_key"] for row in rows}
        race_id = self.race_id
        ids = {key: door_id for key, door_id, door_race in self.db.execute(
            sa.select(table.c.household_key, table.c.id, table.c.race_id).where(
                table.c.id > before)).all() if door_race == race_id and key in wanted}
        if len(ids) != len(wanted):
            ids = {key: door["id"] for key, door in self._known_doors(wanted).items()}
        for row in rows:
            row["id"] = ids[row["household_key"]]
        return ids

    def _write_voters(self, people, door_ids: dict[str, int]) -> int:
        """Insert the batch's new voters and update the changed ones; returns voters created."""
        inserts, updates = [], []
        for person in people:
            values = {name: person.get(name, "" if name.endswith("_name") else None)
                      for name in VOTER_FIELDS}
            if person["id"] is None:
                inserts.append(dict(values, race_id=self.race_id, external_id=person["ext"],
                                    household_id=door_ids[person["hkey"]]))
            elif person.get("dirty"):
                updates.append({f"v_{k}": v for k, v in values.items()}
                               | {"v_id": person["id"], "v_household": door_ids[person["hkey"]]})
        if inserts:
            insert_many(self.db, self.voters, inserts)
        if updates:
            table = self.voters
            statement = sa.update(table).where(table.c.id == sa.bindparam("v_id")).values(
                household_id=sa.bindparam("v_household"),
                **{name: sa.bindparam(f"v_{name}") for name in VOTER_FIELDS})
            self.db.execute(statement, updates)
        return len(inserts)

    def _fill_coordinates(self, fills: dict[int, tuple[float, float]]) -> None:
        """Known doors without coordinates get the ones this batch brought."""
        if not fills:
            return
        table = self.households
        statement = sa.update(table).where(
            table.c.id == sa.bindparam("d_id"), table.c.lat.is_(None)).values(
            lat=sa.bindparam("d_lat"), lon=sa.bindparam("d_lon"), geocode_source=GEOCODE_SOURCE)
        self.db.execute(statement, [{"d_id": i, "d_lat": lat, "d_lon": lon}
                                    for i, (lat, lon) in fills.items()])

    def _reject(self, problems: list[Rejection]) -> None:
        """Record the batch's rejected and out-of-district rows."""
        if problems:
            self.db.execute(sa.insert(ImportRejection.__table__), [
                dict(import_run_id=self.run_id, line_number=p.line_number, category=p.category,
                     reason=p.reason[:500], raw=p.raw) for p in problems])
