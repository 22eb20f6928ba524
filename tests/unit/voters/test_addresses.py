"""Address normalisation: the same door typed many ways gives one household key."""
import pytest

from fieldapp.voters.addresses import (
    building_key,
    normalize_address,
    normalize_line,
    normalize_zip,
    split_unit,
    street_key,
)


@pytest.mark.parametrize("line, unit", [
    ("12 North Main Street", "Apt. 3"),
    ("12 N. Main St.", "3"),
    ("12 n main st apt 3", ""),
    ("12 N MAIN ST #3", ""),
    ("12  North  MAIN street, Apartment 3", ""),
    ("12 N Main St", "# 3"),
])
def test_spellings_of_one_door_share_a_household_key(line, unit):
    assert normalize_address(line, unit, "Jersey City", "NJ", "07302") == \
        "12 N MAIN ST|JERSEY CITY|NJ|07302|3"


def test_units_of_a_building_share_the_building_key_but_not_the_household_key():
    a = normalize_address("5 Oak Ave Apt 1", "", "Albany", "ny", "12203")
    b = normalize_address("5 Oak Avenue", "2", "Albany", "NY", "12203-4410")
    assert a != b
    assert building_key("5 Oak Ave Apt 1", "Albany", "ny", "12203") == \
        building_key("5 Oak Avenue", "ALBANY", "NY", "12203")


def test_street_key_drops_number_and_unit():
    assert street_key("1200 West Lake Drive Apt 4") == "W LAKE DR"
    assert street_key("1198 W Lake Dr") == street_key("1200 West Lake Drive")


def test_suffix_words_inside_a_name_are_kept():
    # "Court" in "Court Street" is a name, not the suffix; "North" in the middle too.
    assert normalize_line("10 Court Street") == "10 COURT ST"
    assert normalize_line("10 Avenue of the Americas") == "10 AVENUE OF THE AMERICAS"


@pytest.mark.parametrize("raw, expected", [
    ("07302", "07302"), ("7302", "07302"), ("07302-1234", "07302"), ("073021234", "07302"),
    ("", ""), ("abcde", ""), ("123456", ""), (None, ""),
])
def test_zip(raw, expected):
    assert normalize_zip(raw) == expected


def test_split_unit():
    assert split_unit("77 Elm St Suite 200") == ("77 ELM ST", "200")
    assert split_unit("77 Elm St") == ("77 ELM ST", "")
