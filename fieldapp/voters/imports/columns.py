"""Which column of a voter file is which field: VAN, Action Network, a plain shape, or a mapping.

Headers are compared case-, space-, dash- and underscore-insensitively ("First Name",
"first_name" and "FirstName" are one header). The column set whose names match the most fields
wins (ties: the set whose own spelling matches more headers exactly). An explicit mapping
`{field: header}` overrides what was recognised, field by field.

A file must give a street address (one address column, or house number and street name) and a
city or a ZIP; otherwise it is refused before anything is written, naming the columns it has.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from fieldapp.errors import DomainError

FIELDS = ("external_id", "first_name", "last_name", "address", "street_no", "street_prefix",
          "street_name", "street_type", "street_suffix", "unit", "city", "state", "zip", "lat",
          "lon", "precinct", "phone", "email")
STREET_PARTS = ("street_no", "street_prefix", "street_name", "street_type", "street_suffix")
EXPECTED = ("an address column (Address, address, can2_user_address...) or StreetNo and "
            "StreetName; and a City or ZIP column (City, Zip5, zip, zip_code...)")

# Each set: field -> header names in the set's own spelling, most specific first.
COLUMN_SETS: dict[str, dict[str, tuple[str, ...]]] = {
    "plain": {
        "external_id": ("external_id",), "first_name": ("first_name",),
        "last_name": ("last_name",), "address": ("address",), "unit": ("unit",),
        "city": ("city",), "state": ("state",), "zip": ("zip",), "lat": ("lat", "latitude"),
        "lon": ("lon", "lng", "longitude"), "precinct": ("precinct",), "phone": ("phone",),
        "email": ("email",),
    },
    "action_network": {
        "external_id": ("uuid", "action_network_id"), "first_name": ("first_name",),
        "last_name": ("last_name",), "email": ("email",),
        "zip": ("zip_code", "postal_code", "can2_zip_code", "zip"),
        "address": ("can2_user_address", "address_line", "address_line_1", "address1",
                    "address"),
        "unit": ("address_line_2", "address2"),
        "city": ("can2_user_city", "city", "locality"),
        "state": ("can2_state_abbreviated", "state", "region"),
        "phone": ("can2_phone", "phone_number", "mobile_number", "phone"),
        "lat": ("latitude",), "lon": ("longitude",),
    },
    "van": {
        "external_id": ("VanID", "VoterFileVANID", "MyCampaignID"),
        "first_name": ("FirstName",), "last_name": ("LastName",),
        "address": ("Address", "StreetAddress", "VoterAddress"),
        "street_no": ("StreetNo", "StreetNumber", "HouseNumber"),
        "street_prefix": ("StreetPrefix",), "street_name": ("StreetName",),
        "street_type": ("StreetType",), "street_suffix": ("StreetSuffix",),
        "unit": ("AptNo", "Apt", "Apartment"), "city": ("City",), "state": ("State",),
        "zip": ("Zip5", "Zip", "ZipCode"), "lat": ("Latitude",), "lon": ("Longitude",),
        "precinct": ("Precinct", "PrecinctName"),
        "phone": ("Phone", "CellPhone", "HomePhone", "PreferredPhone"),
        "email": ("Email", "PreferredEmail", "EmailAddress"),
    },
}
_IGNORED = re.compile(r"[\s_\-.]+")


def header_key(name: str) -> str:
    """"First Name", "first_name", "FirstName" -> "firstname"."""
    return _IGNORED.sub("", name.strip().lstrip("\ufeff").lower())


@dataclass(frozen=True)
class ColumnMap:
    """The recognised column set and, per field, the file's header that holds it."""

    column_set: str
    fields: dict[str, str]
    ignored: list[str] = field(default_factory=list)

    def has(self, name: str) -> bool:
        """True when the file has a column for this field."""
        return name in self.fields


def _match(headers: list[str], aliases: dict[str, tuple[str, ...]]) -> tuple[dict[str, str], int]:
    """Field -> header for one column set, and how many headers matched its spelling exactly."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    found, exact = {}, 0
    for name, spellings in aliases.items():
        for spelling in spellings:
            header = by_key.get(header_key(spelling))
            if header is not None:
                found[name] = header
                exact += header.strip() == spelling
                break
    return found, exact


def _has_required(fields: dict[str, str]) -> bool:
    """An address (whole, or number and street) and a city or ZIP."""
    street = "address" in fields or ("street_no" in fields and "street_name" in fields)
    return street and ("city" in fields or "zip" in fields)


def _apply_mapping(headers: list[str], found: dict[str, str],
                   mapping: dict[str, str]) -> dict[str, str]:
    """The recognised fields with the explicit mapping laid over them."""
    by_key = {header_key(h): h for h in reversed(headers)}
    fields = dict(found)
    for name, header in mapping.items():
        if name not in FIELDS:
            raise DomainError(f"Unknown field {name!r} in the column mapping.",
                              {"fields": ", ".join(FIELDS)})
        actual = by_key.get(header_key(header))
        if actual is None:
            raise DomainError(f"The mapping names column {header!r}, which is not in the file.",
                              {"columns found": ", ".join(headers)})
        fields[name] = actual
    return fields


def resolve_columns(headers: list[str], mapping: dict[str, str] | None = None) -> ColumnMap:
    """The column map for a header row, or DomainError naming what was found and expected."""
    ranked = []
    for position, (name, aliases) in enumerate(COLUMN_SETS.items()):
        found, exact = _match(headers, aliases)
        ranked.append((len(found), exact, -position, name, found))
    count, _, _, name, found = max(ranked)
    fields = _apply_mapping(headers, found if count else {}, mapping) if mapping else found
    if mapping:
        name = "mapping"
    if not _has_required(fields):
        raise DomainError(
            "The file's columns were not recognised: it needs a street address and a city or "
            "ZIP. Name the columns with the mapping option (field=Header) if they are there "
            "under other names.",
            {"columns found": ", ".join(headers) or "(none)", "columns expected": EXPECTED})
    used = set(fields.values())
    return ColumnMap(name, fields, [h for h in headers if h not in used])


def parse_mapping(items: Iterable[str]) -> dict[str, str]:
    """["first_name=Given Name", ...] -> {"first_name": "Given Name"}; DomainError if malformed."""
    mapping = {}
    for item in items:
        item = item.strip()
        if not item:
            continue
        name, sep, header = item.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise DomainError(f"Column mapping {item!r} is not field=Header.",
                              {"fields": ", ".join(FIELDS)})
        mapping[name.strip().lower()] = header.strip()
    return mapping
