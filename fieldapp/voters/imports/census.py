"""The US Census batch geocoder's answer file, applied to a race's households.

The Census Bureau's batch geocoder (geocoding.geo.census.gov, up to 10,000 addresses a file)
answers with a CSV without header, one line per address sent:

    id,"input address",Match|No_Match|Tie,Exact|Non_Exact,"matched address","lon,lat",tigerline id,side

The input address is "street, city, state, zip" as sent. Its normalised form is matched to the
race's household keys (or, when it has no unit, to every door of the building); doors without
coordinates, or with earlier Census ones, get lon/lat with source 'census' and the match type
as accuracy. Doors placed by the voter file, a geocoder or by hand keep theirs. Every line that
places nothing is reported with its number. The caller commits.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.races.models import Race
from fieldapp.voters.addresses import building_key, normalize_address, normalize_zip, split_unit
from fieldapp.voters.imports.pipeline import DistrictTest, in_batches
from fieldapp.voters.imports.reader import RAW_EXCERPT, CsvSource, Rejection
from fieldapp.voters.imports.rows import coordinate_problem, normalize_state
from fieldapp.voters.models import Household

CHUNK = 1000
SOURCE = "census"
SHOWN = 20


@dataclass
class CensusReport:
    """Counts per outcome and the first lines that placed no door."""

    counts: Counter = field(default_factory=Counter)
    problems: list[Rejection] = field(default_factory=list)

    def note(self, line_number: int, category: str, reason: str, raw: str = "") -> None:
        """Count a line that placed nothing; keep the first few for the report."""
        self.counts[category] += 1
        if len(self.problems) < SHOWN:
            self.problems.append(Rejection(line_number, category, reason, raw[:RAW_EXCERPT]))


@dataclass
class _Answer:
    line_number: int
    keys: tuple[str, str | None]  # household key, building key when the address has no unit
    lat: float
    lon: float
    accuracy: str
    raw: str


def _keys(address: str) -> tuple[str, str | None] | None:
    """Household key (and building key when there is no unit) of "street, city, state, zip"."""
    parts = [p.strip() for p in address.rsplit(",", 3)]
    if len(parts) != 4:
        return None
    street, city, state, zip_code = parts
    state = normalize_state(state) or state
    zip5 = normalize_zip(zip_code)
    unit = split_unit(street)[1]
    return (normalize_address(street, "", city, state, zip5),
            None if unit else building_key(street, city, state, zip5))


def _parse(line_number: int, fields: list[str], race: Race,
           report: CensusReport) -> _Answer | None:
    """One answer line as an _Answer, or None (counted in the report)."""
    raw = ",".join(fields)
    if len(fields) < 3:
        report.note(line_number, "malformed", "Not a Census geocoder answer line.", raw)
        return None
    status = fields[2].strip().lower()
    if status != "match":
        category = {"no_match": "no_match", "tie": "tie"}.get(status, "malformed")
        report.note(line_number, category, f"The Census geocoder answered {fields[2]!r}.", raw)
        return None
    keys = _keys(fields[1])
    try:
        lon, lat = (float(v) for v in fields[5].split(","))
    except (IndexError, ValueError):
        report.note(line_number, "malformed", "The coordinates are not 'lon,lat'.", raw)
        return None
    if keys is None:
        report.note(line_number, "malformed", "The input address is not 'street, city, "
                    "state, zip'.", raw)
        return None
    centre = (race.centre_lat, race.centre_lon) if race.centre_lat is not None else None
    problem = coordinate_problem(lat, lon, centre)
    if problem:
        report.note(line_number, "bad_coordinates", problem, raw)
        return None
    return _Answer(line_number, keys, lat, lon, fields[3].strip(), raw)


def apply_census_results(db: Session, race: Race, fileobj: BinaryIO) -> CensusReport:
    """Place the race's doors from a Census batch answer file; DomainError if it is not CSV."""
    source = CsvSource(fileobj, has_header=False)
    district = DistrictTest(race.district)
    report = CensusReport()
    for batch in in_batches(source.rows(), CHUNK):
        answers = []
        for item in batch:
            report.counts["lines"] += 1
            if isinstance(item, Rejection):
                report.note(item.line_number, "malformed", item.reason, item.raw)
            elif (answer := _parse(*item, race, report)) is not None:
                answers.append(answer)
        _apply(db, race, district, answers, report)
    return report


def _apply(db: Session, race: Race, district: DistrictTest, answers: list[_Answer],
           report: CensusReport) -> None:
    """Update the doors the answers match."""
    if not answers:
        return
    table = Household.__table__
    by_key, by_building = _doors(db, race.id, answers)
    outside = district.outside(answers)  # duck-typed: answers have lat and lon
    updates = []
    for answer, out in zip(answers, outside):
        household_key, building = answer.keys
        doors = by_key.get(household_key) or (by_building.get(building, []) if building else [])
        if not doors:
            report.note(answer.line_number, "not_found", "No door of this race has this "
                        "address.", answer.raw)
        elif out:
            report.note(answer.line_number, "outside_district", "The Census location is "
                        "outside the race's district.", answer.raw)
        else:
            free = [door_id for door_id, lat, source in doors if lat is None or source == SOURCE]
            if not free:
                report.counts["already_geocoded"] += 1
                continue
            report.counts["matched"] += 1
            updates += [{"d_id": door_id, "d_lat": answer.lat, "d_lon": answer.lon,
                         "d_accuracy": answer.accuracy[:40]} for door_id in free]
    if updates:
        db.execute(sa.update(table).where(table.c.id == sa.bindparam("d_id")).values(
            lat=sa.bindparam("d_lat"), lon=sa.bindparam("d_lon"), geocode_source=SOURCE,
            geocode_accuracy=sa.bindparam("d_accuracy")), updates)
        report.counts["households_geocoded"] += len(updates)


def _doors(db: Session, race_id: int, answers: list[_Answer]):
    """Doors by household key, and by building key for answers without a unit."""
    table = Household.__table__
    columns = (table.c.id, table.c.lat, table.c.geocode_source)
    keys = sorted({a.keys[0] for a in answers})
    buildings = sorted({a.keys[1] for a in answers if a.keys[1]})
    by_key: dict[str, list] = {}
    by_building: dict[str, list] = {}
    for key, *door in db.execute(sa.select(table.c.household_key, *columns).where(
            table.c.race_id == race_id, table.c.household_key.in_(keys))):
        by_key.setdefault(key, []).append(tuple(door))
    if buildings:
        for key, *door in db.execute(sa.select(table.c.building_key, *columns).where(
                table.c.race_id == race_id, table.c.building_key.in_(buildings))):
            by_building.setdefault(key, []).append(tuple(door))
    return by_key, by_building
