"""Colours and labels for every map: door outcomes, turf coverage shading, support scores.

One palette, shared by the coverage map, the turf maps and their legends. The outcome colours
follow Okabe & Ito's colour-blind-safe set (plus greys and two muted extras); outcomes are
never told apart by colour alone: every legend, popup and filter also names them.
"""
from __future__ import annotations

from dataclasses import dataclass

from fieldapp.knocklog.outcomes import OUTCOMES as _OUTCOMES

#: Door outcome codes, in the order the maps index them (index 0 is the first code), from
#: fieldapp.knocklog.outcomes, the one declaration of outcomes.
OUTCOMES: tuple[str, ...] = tuple(o.code for o in _OUTCOMES)
NOT_KNOCKED = None  # a door's outcome before anyone knocked


@dataclass(frozen=True)
class Swatch:
    """A colour with its human label and the text colour readable on top of it."""

    color: str
    label: str
    text: str = "#000000"


#: The one outcome palette: every code in OUTCOMES, plus None for a door not yet knocked.
OUTCOME_PALETTE: dict[str | None, Swatch] = {
    None: Swatch("#c8c8c8", "Not knocked", "#000000"),
    **{o.code: Swatch(o.color, o.label, o.text) for o in _OUTCOMES},
}

#: Turf shading by share of doors knocked (ColorBrewer BuPu, colour-blind safe, sequential).
#: Each class is (lowest share included, colour, label); a share falls in the last class whose
#: lower bound it reaches, and exactly 1.0 is its own class.
COVERAGE_CLASSES: tuple[tuple[float, str, str], ...] = (
    (0.0, "#edf8fb", "0%"),
    (1e-9, "#bfd3e6", "1–24%"),
    (0.25, "#9ebcda", "25–49%"),
    (0.50, "#8c96c6", "50–74%"),
    (0.75, "#8856a7", "75–99%"),
    (1.0, "#810f7c", "100%"),
)
NO_DOORS_COLOR = "#ffffff"  # a turf without doors

#: Support score 1–5 (ColorBrewer PuOr, diverging, colour-blind safe).
SUPPORT_PALETTE: dict[int, Swatch] = {
    1: Swatch("#e66101", "1 · strongly against"),
    2: Swatch("#fdb863", "2 · leaning against"),
    3: Swatch("#f7f7f7", "3 · undecided"),
    4: Swatch("#b2abd2", "4 · leaning for"),
    5: Swatch("#5e3c99", "5 · strongly for", "#ffffff"),
}

DISTRICT_COLOR = "#222222"
ROUTE_COLOR = "#0072b2"
HERE_COLOR = "#1a73e8"


def outcome_index(code: str | int | None) -> int:
    """The index of an outcome code in OUTCOMES, or -1 for None (not knocked)."""
    if code is None:
        return -1
    if isinstance(code, str):
        return OUTCOMES.index(code)
    index = int(code)
    if not -1 <= index < len(OUTCOMES):
        raise ValueError(f"outcome index out of range: {index}")
    return index


def outcome_swatch(code: str | int | None) -> Swatch:
    """The swatch for an outcome code, index, or None."""
    index = outcome_index(code)
    return OUTCOME_PALETTE[None if index < 0 else OUTCOMES[index]]


def coverage_class(doors: int, knocked: int) -> int:
    """The index into COVERAGE_CLASSES for a turf, or -1 when it has no doors."""
    if doors <= 0:
        return -1
    share = min(max(knocked / doors, 0.0), 1.0)
    found = 0
    for i, (low, _color, _label) in enumerate(COVERAGE_CLASSES):
        if share >= low:
            found = i
    return found


def outcome_colors() -> list[str]:
    """Colours indexed by outcome index + 1 (0 is not knocked), as the map scripts expect."""
    return [OUTCOME_PALETTE[None].color] + [OUTCOME_PALETTE[c].color for c in OUTCOMES]


def outcome_labels() -> list[str]:
    """Labels indexed like outcome_colors()."""
    return [OUTCOME_PALETTE[None].label] + [OUTCOME_PALETTE[c].label for c in OUTCOMES]


def outcome_text_colors() -> list[str]:
    """Readable text colours indexed like outcome_colors()."""
    return [OUTCOME_PALETTE[None].text] + [OUTCOME_PALETTE[c].text for c in OUTCOMES]
