"""The door outcomes fieldapp records, and the VAN canvass result each maps to.

One vocabulary for the API, the phone, exports and maps. `van_result` is the name of the
VAN result in the tradition of its canvass codes; committees map these to their own numeric
result ids (Organization.van_result_ids) for the bulk-upload export.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """One outcome: its code, the words a canvasser sees, and its VAN result."""

    code: str
    label: str
    van_result: str
    is_contact: bool = False
    # A final outcome means the door should not be knocked again this cycle.
    is_final: bool = False


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("not_home", "Not home", "Not Home"),
    Outcome("contact", "Talked", "Canvassed", is_contact=True, is_final=True),
    Outcome("refused", "Refused", "Refused", is_final=True),
    Outcome("moved", "Moved", "Moved", is_final=True),
    Outcome("deceased", "Deceased", "Deceased", is_final=True),
    Outcome("inaccessible", "Inaccessible", "Inaccessible"),
    Outcome("vacant", "Vacant", "Vacant", is_final=True),
    Outcome("hostile", "Hostile", "Hostile", is_final=True),
    Outcome("wrong_address", "Wrong address", "Wrong Address", is_final=True),
    Outcome("come_back", "Come back", "Come Back"),
    Outcome("lit_drop", "Lit dropped", "Lit Drop"),
)
OUTCOME_CODES: tuple[str, ...] = tuple(o.code for o in OUTCOMES)
BY_CODE: dict[str, Outcome] = {o.code: o for o in OUTCOMES}
CONTACT_CODES: tuple[str, ...] = tuple(o.code for o in OUTCOMES if o.is_contact)

# Starting VAN result ids for the canvass-results bulk upload. Result ids differ between
# committees and states: a chapter sets its own in Organization.van_result_ids (outcome code ->
# id) and the export uses those first. `contact` is the "Canvassed" result.
DEFAULT_VAN_RESULT_IDS: dict[str, int] = {
    "not_home": 1,
    "refused": 2,
    "hostile": 3,
    "deceased": 4,
    "moved": 5,
    "contact": 14,
    "inaccessible": 17,
    "vacant": 18,
    "come_back": 19,
    "wrong_address": 20,
    "lit_drop": 23,
}
# VAN contact type of a door-to-door canvass ("Walk").
VAN_CONTACT_TYPE_WALK = 2


def is_outcome(code: str) -> bool:
    """True when code is one of fieldapp's outcomes."""
    return code in BY_CODE
