"""One voter-file row checked and normalised: a `CleanRow` ready to write, or a `Rejection`.

Pure functions on plain values, no database. What is refused, with its category:
`empty_address`, `bad_zip`, `no_city_or_zip`, `bad_state`, `bad_coordinates` (not numbers, out
of range, or far from the race: more than MAX_KM from its centre, or outside the United States
when the race has no centre) and `too_long` (a value longer than its column). Missing names are
fine. Coordinates 0,0 mean "not geocoded" (a common export placeholder), not the Gulf of Guinea.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import io
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fieldapp.voters.addresses import (
    UNIT_DESIGNATORS,
    building_key,
    normalize_unit,
    normalize_zip,
    split_unit,
    street_key,
)
from fieldapp.voters.imports.columns import STREET_PARTS, ColumnMap
from fieldapp.voters.imports.reader import RAW_EXCERPT, Rejection

MAX_KM = 500.0
# Longest value each column holds (the models' String lengths).
LIMITS = {"external_id": 64, "first_name": 100, "last_name": 100, "phone": 40, "email": 254,
          "address_line": 300, "unit": 50, "city": 100, "precinct": 50,
          "household_key": 400, "building_key": 400, "street_key": 200}
# (south, north, west, east): the states, Alaska (both sides of 180), Hawaii, the territories.
US_BOXES = ((24.3, 49.5, -125.0, -66.8), (51.0, 71.6, -180.0, -129.9), (51.0, 53.0, 172.0, 180.0),
            (18.8, 22.4, -160.4, -154.7), (17.8, 18.6, -67.3, -64.5), (13.2, 20.6, 144.6, 146.1),
            (-14.6, -11.0, -171.2, -168.1))
STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
    "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN",
    "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY",
    "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR",
    "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA",
    "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "PUERTO RICO": "PR", "GUAM": "GU", "VIRGIN ISLANDS": "VI", "AMERICAN SAMOA": "AS",
    "NORTHERN MARIANA ISLANDS": "MP",
}
STATE_CODES = frozenset(STATES.values()) | {"AA", "AE", "AP", "FM", "MH", "PW"}
_UNIT_TAIL = re.compile(
    r"(?:[\s,]+(?:" + "|".join(re.escape(d) for d in UNIT_DESIGNATORS if d != "#")
    + r")\.?\s*#?\s*|\s*#\s*)[A-Za-z0-9-]+\s*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_HOUSE_NUMBER = re.compile(r"(\d+)( .+)")


@dataclass(slots=True)
class CleanRow:
    """A valid row: the voter, the door's normalised keys, coordinates when the file had them."""

    line_number: int
    external_id: str
    voter: dict[str, str | None]  # only the fields the file has columns for
    household_key: str
    building_key: str
    street_key: str
    address_line: str
    unit: str
    city: str
    state: str
    zip5: str
    precinct: str
    lat: float | None
    lon: float | None
    record: dict[str, str] | list[str]  # the row as read, for the report if the district
                                         # refuses it


def raw_excerpt(record: dict[str, str] | list[str]) -> str:
    """The row's values as one CSV line, cut to RAW_EXCERPT characters (for the report)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(record.values() if isinstance(record, dict) else record)
    return buffer.getvalue().rstrip("\r\n")[:RAW_EXCERPT]


def synthetic_id(household_key: str, first_name: str, last_name: str) -> str:
    """A stable voter key for files without ids: the door plus the name ("~" + 24 hex)."""
    text = f"{household_key}|{first_name.strip().upper()}|{last_name.strip().upper()}"
    return "~" + hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


@functools.lru_cache(maxsize=256)
def normalize_state(value: str) -> str | None:
    """"ny", "N.Y.", "New York" -> "NY"; "" stays ""; None when it is not a state."""
    cleaned = _SPACES.sub(" ", re.sub(r"[^A-Za-z ]", "", value)).strip().upper()
    if not cleaned or cleaned in STATE_CODES:
        return cleaned
    return STATES.get(cleaned)


def coordinate_problem(lat: float, lon: float, centre: tuple[float, float] | None) -> str | None:
    """Why (lat, lon) cannot be a door of this race, or None when it can."""
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        return f"Coordinates {lat}, {lon} are out of range."
    if centre is not None:
        if abs(lat - centre[0]) < 3 and abs(lon - centre[1]) * math.cos(math.radians(lat)) < 3:
            return None  # within 3° each way: less than 480 km, no need to measure
        km = _km(lat, lon, *centre)
        if km > MAX_KM:
            return f"Coordinates are {km:,.0f} km from the race (more than {MAX_KM:.0f} km)."
    elif not any(s <= lat <= n and w <= lon <= e for s, n, w, e in US_BOXES):
        return "Coordinates are outside the United States."
    return None


def _km(lat: float, lon: float, lat0: float, lon0: float) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(lat0), math.radians(lat)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon - lon0) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


class RowCleaner:
    """Checks and normalises rows of one file, given its column map and the race's centre.

    Rows are {header: value} dicts, or lists of values in the order of `header` when it is
    given (what the import reads: no dict per row).
    """

    def __init__(self, columns: ColumnMap, centre: tuple[float, float] | None,
                 header: list[str] | None = None) -> None:
        self.columns = columns
        self.centre = centre
        fields = columns.fields
        where = {name: i for i, name in enumerate(header)} if header is not None else None
        at = (lambda h: where[h]) if where is not None else (lambda h: h)
        self._names = [name for name in fields if name not in STREET_PARTS]
        self._pick = _picker([at(fields[name]) for name in self._names])
        self._street = _picker([at(fields[part]) for part in STREET_PARTS if part in fields])
        self._voter_fields = [name for name in ("first_name", "last_name", "phone", "email")
                              if name in fields]
        self._address_cache: dict[tuple, tuple | str] = {}

    def clean(self, line_number: int,
              record: dict[str, str] | list[str]) -> CleanRow | Rejection:
        """A CleanRow, or a Rejection with the row's line number and the first problem found."""
        value = dict(zip(self._names, map(str.strip, self._pick(record))))
        get = value.get
        line = get("address") or " ".join(
            p for p in map(str.strip, self._street(record)) if p)
        if not line:
            return self._reject(line_number, record, "empty_address", "The address is empty.")
        address = self._address(line, get("unit", ""), get("city", ""), get("state", ""),
                                get("zip", ""))
        if isinstance(address, str):
            category, _, reason = address.partition(":")
            return self._reject(line_number, record, category, reason)
        lat, lon = get("lat"), get("lon")
        coordinates = self._coordinates(lat, lon) if lat or lon else (None, None)
        if isinstance(coordinates, str):
            return self._reject(line_number, record, "bad_coordinates", coordinates)
        voter = {name: value[name] for name in self._voter_fields}
        if "phone" in voter and not voter["phone"]:
            voter["phone"] = None
        if "email" in voter and not voter["email"]:
            voter["email"] = None
        external_id = get("external_id") or synthetic_id(
            address[0], voter.get("first_name") or "", voter.get("last_name") or "")
        precinct = get("precinct", "")
        if (len(external_id) > 64 or len(precinct) > 50
                or any(v and len(v) > 40 for v in voter.values())):  # 40: the shortest limit
            problem = _too_long(dict(voter, external_id=external_id, precinct=precinct))
            if problem:
                return self._reject(line_number, record, "too_long", problem)
        return CleanRow(line_number, external_id, voter, *address, precinct, *coordinates, record)

    def _address(self, line: str, unit: str, city: str, state: str, zip_code: str):
        """(household key, building key, street key, line, unit, city, state, zip5), or
        "category:reason".

        Cached by the line with its house number replaced by "0": the doors of a street differ
        only by a number that normalisation passes through unchanged, so one street costs one
        normalisation (the import's hot path; test_rows checks the keys still agree).
        """
        line = _SPACES.sub(" ", line)
        match = _HOUSE_NUMBER.match(line)
        number, template = (match.group(1), "0" + match.group(2)) if match else ("", line)
        cache_key = (template, unit, city, state, zip_code)
        cached = self._address_cache.get(cache_key)
        if cached is None:
            cached = self._address_cache[cache_key] = _address(*cache_key)
            if len(self._address_cache) > 20_000:
                self._address_cache.clear()
        if not number or isinstance(cached, str):
            return cached
        household, building, street, display, *rest = cached
        door = (number + household[1:], number + building[1:], street, number + display[1:],
                *rest)
        if len(door[0]) > LIMITS["household_key"] or len(door[3]) > LIMITS["address_line"]:
            return "too_long:The address is too long."
        return door

    def _coordinates(self, lat_text: str | None, lon_text: str | None):
        """(lat, lon), (None, None) for 0,0, or the reason they are refused."""
        try:
            lat, lon = float(lat_text or "x"), float(lon_text or "x")
        except ValueError:
            return "Latitude and longitude must both be numbers."
        if lat == 0 and lon == 0:
            return None, None
        problem = coordinate_problem(lat, lon, self.centre)
        if problem and coordinate_problem(lon, lat, self.centre) is None:
            problem += " Latitude and longitude look swapped."
        return problem or (lat, lon)

    @staticmethod
    def _reject(line_number: int, record: dict[str, str], category: str,
                reason: str) -> Rejection:
        return Rejection(line_number, category, reason, raw_excerpt(record))


def _picker(keys: list) -> Callable[[Any], tuple]:
    """record -> the values at keys, always as a tuple (itemgetter of one key is not)."""
    if not keys:
        return lambda record: ()
    if len(keys) == 1:
        key = keys[0]
        return lambda record: (record[key],)
    return operator.itemgetter(*keys)


def _address(line: str, unit: str, city: str, state: str, zip_code: str) -> tuple | str:
    """Normalised address of a door, or "category:reason".

    The keys are `normalize_address`, `building_key` and `street_key` of addresses.py, with
    the line's unit found once instead of three times (the import's hot path; the unit tests
    check they agree).
    """
    line = _SPACES.sub(" ", line)
    zip5 = normalize_zip(zip_code)
    if zip_code and not zip5:
        return f"bad_zip:ZIP {zip_code[:20]!r} is not a 5-digit or ZIP+4 code."
    if not zip5 and not city:
        return "no_city_or_zip:The row has neither a city nor a ZIP."
    state_code = normalize_state(state)
    if state_code is None:
        return f"bad_state:State {state[:30]!r} is not a US state or its code."
    building = building_key(line, city, state_code, zip5)
    line_unit = split_unit(line)[1]
    the_unit = normalize_unit(unit) or normalize_unit(line_unit)
    display = _UNIT_TAIL.sub("", line).strip(" ,") if line_unit else line
    values = dict(household_key=f"{building}|{the_unit}", building_key=building,
                  street_key=street_key(line), address_line=display, unit=the_unit, city=city)
    problem = _too_long(values)
    if problem:
        return f"too_long:{problem}"
    return (*values.values(), state_code, zip5)


def _too_long(values: dict[str, str | None]) -> str | None:
    """The first value longer than its column, as a reason; None when all fit."""
    for name, text in values.items():
        if text and len(text) > LIMITS[name]:
            return f"{name.replace('_', ' ').capitalize()} is longer than {LIMITS[name]} characters."
    return None
