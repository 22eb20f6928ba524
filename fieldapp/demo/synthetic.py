"""Synthetic places for the demo: a district polygon, a street grid, households and voters.

Nothing here is a real address or boundary: no street or boundary data for these places is
available offline. Every generator is deterministic for its random generator's seed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from shapely import contains_xy
from shapely.geometry import Polygon

METRES_PER_DEG_LAT = 111_320.0
STREET_SPACING_M = 90.0  # east-west streets, both sides lined with doors
LOT_WIDTH_M = 15.0
SETBACK_M = 12.0
AVENUES = ("Oak", "Maple", "Elm", "Cedar", "Pine", "Walnut", "Chestnut", "Spruce", "Willow",
           "Birch", "Hickory", "Magnolia", "Poplar", "Sycamore", "Laurel", "Juniper", "Holly",
           "Ash", "Cherry", "Locust", "Linden", "Hazel", "Aspen", "Cypress")
FIRST_NAMES = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda",
               "David", "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica",
               "Thomas", "Sarah", "Carlos", "Karen", "Luis", "Lisa", "Andre", "Nancy", "Wei",
               "Betty", "Kwame", "Maria", "Darnell", "Aisha", "Jose", "Keisha", "Tyrone", "Ana",
               "DeShawn", "Rosa", "Malik", "Fatima", "Kevin", "Grace")
LAST_NAMES = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
              "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson",
              "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson",
              "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
              "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores")


@dataclass(frozen=True)
class SyntheticDoor:
    """One synthetic door: where it is and its address parts."""

    lat: float
    lon: float
    number: int
    street: str
    unit: str


def ordinal(n: int) -> str:
    """1 -> '1st', 2 -> '2nd', 11 -> '11th'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def metres_per_deg_lon(lat: float) -> float:
    """Metres in one degree of longitude at this latitude."""
    return METRES_PER_DEG_LAT * math.cos(math.radians(lat))


def district_polygon(centre: tuple[float, float], radius_m: float,
                     rng: np.random.Generator) -> Polygon:
    """An irregular, valid 32-gon around centre (lon, lat coordinates), about radius_m across."""
    lat0, lon0 = centre
    angles = np.linspace(0, 2 * math.pi, 32, endpoint=False)
    # Smooth wobble (two low harmonics) keeps the shape star-convex, hence never self-crossing.
    phase = rng.uniform(0, 2 * math.pi, 2)
    wobble = 1 + 0.15 * np.sin(2 * angles + phase[0]) + 0.08 * np.sin(3 * angles + phase[1])
    r = radius_m * wobble
    lats = lat0 + r * np.sin(angles) / METRES_PER_DEG_LAT
    lons = lon0 + r * np.cos(angles) / metres_per_deg_lon(lat0)
    return Polygon(list(zip(lons.round(6), lats.round(6))))


def radius_for(households: int) -> float:
    """A district radius that holds about this many doors on the street grid."""
    area_per_door = STREET_SPACING_M * LOT_WIDTH_M / 2
    return max(300.0, math.sqrt(households * area_per_door * 1.35 / math.pi))


def street_grid_doors(centre: tuple[float, float], district: Polygon, count: int,
                      rng: np.random.Generator) -> list[SyntheticDoor]:
    """Doors on both sides of east-west streets inside the district, some in apartment buildings."""
    lat0, lon0 = centre
    m_lon = metres_per_deg_lon(lat0)
    minx, miny, maxx, maxy = district.bounds
    half_w = (maxx - minx) * m_lon / 2 + LOT_WIDTH_M
    half_h = (maxy - miny) * METRES_PER_DEG_LAT / 2 + STREET_SPACING_M
    streets = np.arange(-half_h, half_h, STREET_SPACING_M)
    lots = np.arange(-half_w, half_w, LOT_WIDTH_M)
    doors: list[SyntheticDoor] = []
    for s_index, y in enumerate(streets):
        street = f"{ordinal(s_index + 1)} St"
        for side, offset in ((0, -SETBACK_M), (1, SETBACK_M)):
            ys = np.full(lots.shape, y + offset)
            lat = lat0 + ys / METRES_PER_DEG_LAT
            lon = lon0 + (lots + rng.normal(0, 1.5, lots.shape)) / m_lon
            inside = contains_xy(district, lon, lat)
            for lot_index in np.nonzero(inside)[0]:
                number = 100 + 2 * int(lot_index) + side  # odd numbers on the north side
                units = _units(rng)
                for unit in units:
                    doors.append(SyntheticDoor(round(float(lat[lot_index]), 6),
                                               round(float(lon[lot_index]), 6), number, street, unit))
    if len(doors) > count:
        # Keep the doors nearest the centre so the universe stays one compact piece.
        d2 = np.array([((d.lat - lat0) * METRES_PER_DEG_LAT) ** 2
                       + ((d.lon - lon0) * m_lon) ** 2 for d in doors])
        keep = np.sort(np.argsort(d2, kind="stable")[:count])
        doors = [doors[i] for i in keep]
    return doors


def _units(rng: np.random.Generator) -> list[str]:
    """Most lots are one house; about one in twelve is an apartment building."""
    if rng.random() < 0.08:
        return [str(u) for u in range(1, int(rng.integers(2, 9)) + 1)]
    return [""]


def voter_names(rng: np.random.Generator) -> list[tuple[str, str]]:
    """One to four synthetic residents (about 1.6 on average) sharing a last name mostly."""
    count = int(rng.choice([1, 2, 3, 4], p=[0.5, 0.35, 0.1, 0.05]))
    last = str(rng.choice(LAST_NAMES))
    firsts = rng.choice(FIRST_NAMES, size=count, replace=False)  # no two John Lopezes at a door
    names = []
    for first in firsts:
        family = last if rng.random() < 0.8 else str(rng.choice(LAST_NAMES))
        names.append((str(first), family))
    return names
