"""Row checks: the import's fast address keys agree with addresses.py; bad values are named."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.voters.addresses import building_key, normalize_address, street_key
from fieldapp.voters.imports.columns import resolve_columns
from fieldapp.voters.imports.reader import Rejection
from fieldapp.voters.imports.rows import (
    RowCleaner,
    coordinate_problem,
    normalize_state,
    synthetic_id,
)

PLAIN = ["first_name", "last_name", "address", "unit", "city", "state", "zip", "lat", "lon",
         "external_id", "phone", "email"]
CENTRE = (40.68, -73.45)


def cleaner() -> RowCleaner:
    return RowCleaner(resolve_columns(PLAIN), CENTRE)


def row(**values) -> dict[str, str]:
    record = dict.fromkeys(PLAIN, "")
    record.update(first_name="Ana", last_name="Lopez", address="12 Main St", city="Testville",
                  state="NY", zip="11758")
    record.update(values)
    return record


WORDS = st.sampled_from(["North", "N.", "Main", "Street", "st", "Apt", "#", "3B", "Unit", "5",
                         "West", "Oak", "Avenue", "Suite", "200", "1/2", "Old", "Rd", "Ph",
                         "-", "Elm", ",", "Lane", "E", "Bldg", "C"])


@settings(max_examples=300, deadline=None)
@given(number=st.one_of(st.just(""), st.integers(0, 99999).map(str)),
       words=st.lists(WORDS, min_size=1, max_size=6),
       unit=st.sampled_from(["", "3", "Apt 4", "#12"]))
def test_fast_keys_agree_with_the_addresses_module(number, words, unit):
    line = " ".join([number, *words]).strip()
    result = cleaner().clean(2, row(address=line, unit=unit))
    if isinstance(result, Rejection):
        assert result.category in {"empty_address", "too_long"}
        return
    assert result.household_key == normalize_address(line, unit, "Testville", "NY", "11758")
    assert result.building_key == building_key(line, "Testville", "NY", "11758")
    assert result.street_key == street_key(line)


def test_one_door_spelled_two_ways_shares_a_key_and_the_unit_leaves_the_line():
    clean = cleaner()
    a = clean.clean(2, row(address="12 North Main Street Apt. 3"))
    b = clean.clean(3, row(address="12 N MAIN ST", unit="#3"))
    assert a.household_key == b.household_key == "12 N MAIN ST|TESTVILLE|NY|11758|3"
    assert (a.address_line, a.unit) == ("12 North Main Street", "3")


@pytest.mark.parametrize("values, category", [
    ({"address": "  "}, "empty_address"),
    ({"zip": "ABCDE"}, "bad_zip"),
    ({"zip": "", "city": ""}, "no_city_or_zip"),
    ({"state": "Narnia"}, "bad_state"),
    ({"lat": "40.68", "lon": ""}, "bad_coordinates"),
    ({"lat": "north", "lon": "-73.45"}, "bad_coordinates"),
    ({"lat": "95", "lon": "-73.45"}, "bad_coordinates"),
    ({"lat": "48.85", "lon": "2.35"}, "bad_coordinates"),         # Paris
    ({"lat": "nan", "lon": "-73.45"}, "bad_coordinates"),
    ({"first_name": "A" * 101}, "too_long"),
    ({"external_id": "9" * 65}, "too_long"),
    ({"address": "1 " + "Long " * 70}, "too_long"),
])
def test_bad_values_are_rejected_with_their_category(values, category):
    result = cleaner().clean(7, row(**values))
    assert isinstance(result, Rejection)
    assert (result.line_number, result.category) == (7, category)
    assert result.raw.startswith("Ana,Lopez") or result.raw.startswith("A")


def test_swapped_coordinates_are_named_and_zero_zero_means_none():
    swapped = cleaner().clean(2, row(lat="-73.45", lon="40.68"))
    assert "swapped" in swapped.reason
    ok = cleaner().clean(2, row(lat="0", lon="0"))
    assert (ok.lat, ok.lon) == (None, None)
    assert cleaner().clean(2, row(lat="40.681", lon="-73.449")).lat == 40.681


def test_missing_names_are_fine_and_get_a_stable_synthetic_id():
    first = cleaner().clean(2, row(first_name="", last_name="", external_id=""))
    again = cleaner().clean(9, row(first_name="", last_name="", external_id=""))
    assert first.external_id == again.external_id
    assert first.external_id == synthetic_id(first.household_key, "", "")
    assert first.external_id.startswith("~") and len(first.external_id) <= 64
    other = cleaner().clean(2, row(external_id="", first_name="Ben"))
    assert other.external_id != first.external_id


def test_states_and_the_us_outside_of_a_race_centre():
    assert normalize_state("new york") == "NY"
    assert normalize_state("N.Y.") == "NY" and normalize_state("") == ""
    assert normalize_state("ZZ") is None
    assert coordinate_problem(61.2, -149.9, None) is None  # Anchorage
    assert coordinate_problem(21.3, -157.8, None) is None  # Honolulu
    assert "outside the United States" in coordinate_problem(51.5, -0.1, None)
    assert "km from the race" in coordinate_problem(34.05, -118.24, CENTRE)  # Los Angeles
