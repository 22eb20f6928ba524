"""US street addresses, normalised so that the same door is recognised however it is typed.

Pure functions, no database. Voter files spell one address many ways ("12 North Main Street
Apt. 3", "12 N MAIN ST #3"); households are grouped by the key built here:

- `normalize_address(line, unit, city, state, zip5)` -> the household key (one door: the unit
  counts);
- `building_key(line, city, state, zip5)` -> the building (units of one building share it, so a
  turf never splits a building);
- `street_key(line)` -> the street name without the house number (walk order groups both sides
  of a street).

Rules follow USPS Publication 28 for the common cases: upper case, punctuation dropped, street
suffixes and directionals abbreviated ("Street" -> "ST", "North" -> "N"), unit designators
("Apartment", "Apt", "Unit", "Suite", "#") recognised inside the line and moved to the unit.
"""
from __future__ import annotations

import re

STREET_SUFFIXES: dict[str, str] = {
    "ALLEY": "ALY", "ALLY": "ALY", "ANNEX": "ANX", "ARCADE": "ARC", "AVENUE": "AVE", "AV": "AVE",
    "AVEN": "AVE", "AVENU": "AVE", "AVN": "AVE", "AVNUE": "AVE", "BAYOU": "BYU", "BEACH": "BCH",
    "BEND": "BND", "BLUFF": "BLF", "BOULEVARD": "BLVD", "BOUL": "BLVD", "BOULV": "BLVD",
    "BRANCH": "BR", "BRIDGE": "BRG", "BROOK": "BRK", "BYPASS": "BYP", "CAUSEWAY": "CSWY",
    "CENTER": "CTR", "CENTRE": "CTR", "CIRCLE": "CIR", "CIRC": "CIR", "CLIFF": "CLF",
    "COMMON": "CMN", "CORNER": "COR", "COURSE": "CRSE", "COURT": "CT", "COVE": "CV",
    "CREEK": "CRK", "CRESCENT": "CRES", "CROSSING": "XING", "DRIVE": "DR", "DRIV": "DR",
    "DRV": "DR", "ESTATE": "EST", "ESTATES": "ESTS", "EXPRESSWAY": "EXPY", "EXTENSION": "EXT",
    "FALLS": "FLS", "FERRY": "FRY", "FIELD": "FLD", "FIELDS": "FLDS", "FOREST": "FRST",
    "FORK": "FRK", "FORT": "FT", "FREEWAY": "FWY", "GARDEN": "GDN", "GARDENS": "GDNS",
    "GATEWAY": "GTWY", "GLEN": "GLN", "GREEN": "GRN", "GROVE": "GRV", "HARBOR": "HBR",
    "HEIGHTS": "HTS", "HIGHWAY": "HWY", "HILL": "HL", "HILLS": "HLS", "HOLLOW": "HOLW",
    "ISLAND": "IS", "JUNCTION": "JCT", "KNOLL": "KNL", "LAKE": "LK", "LAKES": "LKS",
    "LANDING": "LNDG", "LANE": "LN", "LOOP": "LOOP", "MANOR": "MNR", "MEADOW": "MDW",
    "MEADOWS": "MDWS", "MILL": "ML", "MOUNT": "MT", "MOUNTAIN": "MTN", "PARKWAY": "PKWY",
    "PARKWY": "PKWY", "PKY": "PKWY", "PASSAGE": "PSGE", "PIKE": "PIKE", "PINES": "PNES",
    "PLACE": "PL", "PLAIN": "PLN", "PLAINS": "PLNS", "PLAZA": "PLZ", "POINT": "PT",
    "PORT": "PRT", "PRAIRIE": "PR", "RANCH": "RNCH", "RIDGE": "RDG", "RIVER": "RIV",
    "ROAD": "RD", "ROUTE": "RTE", "SHORE": "SHR", "SHORES": "SHRS", "SPRING": "SPG",
    "SPRINGS": "SPGS", "SQUARE": "SQ", "STATION": "STA", "STREET": "ST", "STR": "ST",
    "STRT": "ST", "SUMMIT": "SMT", "TERRACE": "TER", "TERR": "TER", "TRACE": "TRCE",
    "TRAIL": "TRL", "TRAILS": "TRL", "TURNPIKE": "TPKE", "UNION": "UN", "VALLEY": "VLY",
    "VIADUCT": "VIA", "VIEW": "VW", "VILLAGE": "VLG", "VILLE": "VL", "VISTA": "VIS",
    "WALK": "WALK", "WAY": "WAY", "WELLS": "WLS",
}

DIRECTIONALS: dict[str, str] = {
    "NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W", "NORTHEAST": "NE",
    "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
}

UNIT_DESIGNATORS = ("APARTMENT", "APT", "UNIT", "SUITE", "STE", "FLOOR", "FL", "ROOM", "RM",
                    "BUILDING", "BLDG", "LOT", "SPACE", "SPC", "DEPT", "TRLR", "PH", "#")

_UNIT_IN_LINE = re.compile(
    r"(?:\s|,)+(?:" + "|".join(re.escape(d) for d in UNIT_DESIGNATORS if d != "#")
    + r")\.?\s*#?\s*([A-Z0-9-]+)\s*$|\s*#\s*([A-Z0-9-]+)\s*$"
)
_NOT_WORD = re.compile(r"[^A-Z0-9#\s/-]")
_SPACES = re.compile(r"\s+")


def _clean(text: str | None) -> str:
    """Upper case, punctuation gone (but # / - kept), single spaces."""
    text = (text or "").upper().replace(".", " ").replace(",", " ")
    return _SPACES.sub(" ", _NOT_WORD.sub(" ", text)).strip()


def split_unit(line: str | None) -> tuple[str, str]:
    """("12 Main St Apt 3B") -> ("12 MAIN ST", "3B"); a line without a unit keeps an empty unit."""
    cleaned = _clean(line)
    match = _UNIT_IN_LINE.search(cleaned)
    if not match:
        return cleaned, ""
    unit = match.group(1) or match.group(2) or ""
    return cleaned[: match.start()].strip(), unit


def normalize_unit(unit: str | None) -> str:
    """"Apt. 3b" -> "3B"; "#3" -> "3"; "" stays ""."""
    words = _clean(unit).replace("#", " ").split()
    while words and words[0] in UNIT_DESIGNATORS:
        words = words[1:]
    return "".join(words)


def normalize_line(line: str | None) -> str:
    """The street line without its unit: suffixes and directionals abbreviated (USPS style)."""
    street, _ = split_unit(line)
    words = street.split()
    out = []
    for i, word in enumerate(words):
        if word in DIRECTIONALS and (i <= 1 or i == len(words) - 1):
            out.append(DIRECTIONALS[word])
        elif (word in STREET_SUFFIXES and i == len(words) - 1) or (
                word in STREET_SUFFIXES and i == len(words) - 2
                and words[-1] in DIRECTIONALS.keys() | set(DIRECTIONALS.values())):
            out.append(STREET_SUFFIXES[word])
        else:
            out.append(word)
    return " ".join(out)


def normalize_zip(zip_code: str | None) -> str:
    """First five digits of a ZIP or ZIP+4 ("07302-1234" -> "07302"); "" when not a ZIP.

    Leading zeros lost by a spreadsheet ("7302") are restored.
    """
    digits = re.sub(r"[^0-9]", "", (zip_code or "").split("-")[0])
    if not digits or (len(digits) > 5 and len(digits) != 9):
        return ""
    return digits[:5].zfill(5) if len(digits) >= 3 else ""


def building_key(line: str | None, city: str | None, state: str | None,
                 zip5: str | None) -> str:
    """Key shared by every unit of one building."""
    return "|".join((normalize_line(line), _clean(city), _clean(state), normalize_zip(zip5)))


def normalize_address(line: str | None, unit: str | None, city: str | None, state: str | None,
                      zip5: str | None) -> str:
    """The household key: the building key plus the unit (from `unit` or found in the line)."""
    _, unit_in_line = split_unit(line)
    the_unit = normalize_unit(unit) or normalize_unit(unit_in_line)
    return f"{building_key(line, city, state, zip5)}|{the_unit}"


def street_key(line: str | None) -> str:
    """The street without the house number ("12 N Main Street" -> "N MAIN ST")."""
    words = normalize_line(line).split()
    while words and (words[0][0].isdigit() or words[0] in ("-", "/")):
        words = words[1:]
    return " ".join(words)
