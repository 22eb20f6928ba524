"""Column sets are recognised by their header names, however they are spelled."""
from __future__ import annotations

import pytest

from fieldapp.errors import DomainError
from fieldapp.voters.imports.columns import parse_mapping, resolve_columns

VAN = ["VanID", "FirstName", "LastName", "Address", "City", "State", "Zip5", "Latitude",
       "Longitude", "Precinct", "Phone", "Email"]
AN = ["first_name", "last_name", "email", "zip_code", "can2_user_address", "can2_user_city",
      "can2_state_abbreviated", "can2_phone"]
PLAIN = ["first_name", "last_name", "address", "unit", "city", "state", "zip", "lat", "lon",
         "external_id", "phone", "email"]


def test_van_export():
    columns = resolve_columns(VAN)
    assert columns.column_set == "van"
    assert columns.fields["external_id"] == "VanID"
    assert columns.fields["zip"] == "Zip5" and columns.fields["lat"] == "Latitude"
    assert columns.ignored == []


def test_van_street_parts_and_apartment():
    headers = ["VanID", "FirstName", "LastName", "StreetNo", "StreetPrefix", "StreetName",
               "StreetType", "StreetSuffix", "AptNo", "City", "State", "Zip5", "CellPhone"]
    columns = resolve_columns(headers)
    assert columns.column_set == "van"
    assert {f: columns.fields[f] for f in ("street_no", "street_name", "unit", "phone")} == {
        "street_no": "StreetNo", "street_name": "StreetName", "unit": "AptNo",
        "phone": "CellPhone"}
    assert "address" not in columns.fields


def test_action_network_export():
    columns = resolve_columns(AN + ["can2_subscription_status"])
    assert columns.column_set == "action_network"
    assert columns.fields["address"] == "can2_user_address"
    assert columns.fields["zip"] == "zip_code"
    assert columns.ignored == ["can2_subscription_status"]


def test_action_network_plain_address_names():
    columns = resolve_columns(["first_name", "last_name", "email", "zip_code", "address_line",
                               "city", "state"])
    assert columns.column_set == "action_network"
    assert columns.fields["address"] == "address_line"


def test_plain_shape():
    columns = resolve_columns(PLAIN)
    assert columns.column_set == "plain"
    assert columns.fields == {name: name for name in PLAIN}


@pytest.mark.parametrize("header", ["First Name", "FIRST_NAME", " first-name ", "firstname"])
def test_headers_compare_without_case_spaces_or_underscores(header):
    columns = resolve_columns([header, "Address", "City"])
    assert columns.fields["first_name"] == header


def test_explicit_mapping_overrides_and_names_odd_columns():
    headers = ["Given", "Family", "Home Street", "Town", "Postcode", "Voter Number"]
    mapping = parse_mapping(["first_name=Given", "last_name=Family", "address=home street",
                             "city=Town", "zip=Postcode", "external_id = Voter Number"])
    columns = resolve_columns(headers, mapping)
    assert columns.column_set == "mapping"
    assert columns.fields == {"first_name": "Given", "last_name": "Family",
                              "address": "Home Street", "city": "Town", "zip": "Postcode",
                              "external_id": "Voter Number"}


def test_mapping_of_an_unknown_field_or_absent_column_is_refused():
    with pytest.raises(DomainError, match="Unknown field 'nickname'"):
        resolve_columns(PLAIN, {"nickname": "first_name"})
    with pytest.raises(DomainError, match="'Birthday', which is not in the file") as error:
        resolve_columns(PLAIN, {"first_name": "Birthday"})
    assert "first_name" in error.value.fields["columns found"]


@pytest.mark.parametrize("headers", [
    ["FirstName", "LastName", "City", "Zip5"],            # no address at all
    ["VanID", "StreetNo", "City"],                        # number without street name
    ["first_name", "address", "email"],                   # neither city nor zip
    [],
])
def test_missing_required_columns_are_refused_naming_found_and_expected(headers):
    with pytest.raises(DomainError) as error:
        resolve_columns(headers)
    assert "street address" in error.value.message
    assert error.value.fields["columns found"] == (", ".join(headers) or "(none)")
    assert "StreetNo and StreetName" in error.value.fields["columns expected"]


def test_parse_mapping_refuses_what_is_not_field_equals_header():
    assert parse_mapping(["", "  "]) == {}
    with pytest.raises(DomainError, match="is not field=Header"):
        parse_mapping(["first_name"])
