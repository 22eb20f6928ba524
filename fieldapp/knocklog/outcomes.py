"""The door outcomes fieldapp records: the one declaration every rendering derives from.

Each outcome carries its code, the words people see (the phone's button, the map legend, walk
sheets, reports), its map colours, its VAN result and that result's starting id. The phone
(templates/canvass/_outcomes.html), the map palette and door encoding (fieldapp/maps/palette.py,
encode.py, whose payload tells static/js/maps/canvas-layers.js how many codes there are), the
reports and the VAN export all iterate OUTCOMES: adding an outcome is one entry here.
"""
from __future__ import annotations

from dataclasses import dataclass

from fieldapp.i18n.marks import N_


@dataclass(frozen=True)
class Outcome:
    """One outcome: its code, label, map colours, VAN result and its default VAN id."""

    code: str
    label: str  # English; shown through gettext (templates: `_(o.label)`), catalogued by N_
    van_result: str
    # Starting VAN result id for the canvass-results bulk upload. Result ids differ between
    # committees and states: a chapter sets its own in Organization.van_result_ids (outcome
    # code -> id) and the export uses those first.
    van_id: int
    color: str  # map fill, from Okabe & Ito's colour-blind-safe set (plus greys, muted extras)
    text: str = "#000000"  # the text colour readable on `color`
    is_contact: bool = False
    # A final outcome means the door should not be knocked again this cycle.
    is_final: bool = False


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("not_home", N_("Not home"), "Not Home", 1, "#56b4e9"),
    # black text on the greens and oranges: 6.1:1 and 5.4:1 (white was 3.4:1 and 3.9:1)
    Outcome("contact", N_("Talked"), "Canvassed", 14, "#009e73", is_contact=True, is_final=True),
    Outcome("refused", N_("Refused"), "Refused", 2, "#d55e00", is_final=True),
    Outcome("moved", N_("Moved"), "Moved", 5, "#cc79a7", is_final=True),
    Outcome("deceased", N_("Deceased"), "Deceased", 4, "#4d4d4d", "#ffffff", is_final=True),
    Outcome("inaccessible", N_("Inaccessible"), "Inaccessible", 17, "#e69f00"),
    Outcome("vacant", N_("Vacant"), "Vacant", 18, "#999933", is_final=True),
    Outcome("hostile", N_("Hostile"), "Hostile", 3, "#882255", "#ffffff", is_final=True),
    Outcome("wrong_address", N_("Wrong address"), "Wrong Address", 20, "#aa4499", "#ffffff",
            is_final=True),
    Outcome("come_back", N_("Come back"), "Come Back", 19, "#0072b2", "#ffffff"),
    Outcome("lit_drop", N_("Lit dropped"), "Lit Drop", 23, "#f0e442"),
)
OUTCOME_CODES: tuple[str, ...] = tuple(o.code for o in OUTCOMES)
BY_CODE: dict[str, Outcome] = {o.code: o for o in OUTCOMES}
CONTACT_CODES: tuple[str, ...] = tuple(o.code for o in OUTCOMES if o.is_contact)
DEFAULT_VAN_RESULT_IDS: dict[str, int] = {o.code: o.van_id for o in OUTCOMES}
# VAN contact type of a door-to-door canvass ("Walk").
VAN_CONTACT_TYPE_WALK = 2


def is_outcome(code: str) -> bool:
    """True when code is one of fieldapp's outcomes."""
    return code in BY_CODE
