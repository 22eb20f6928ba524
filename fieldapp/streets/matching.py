"""Doors onto block faces: the street segment a door is on, which side, and how far away.

A door's address names its street; among segments within ``NAME_RADIUS_M`` the nearest one of
that name wins, else the nearest segment of any name. The side is the sign of the door's offset
from the segment's direction (u -> v): +1 left, -1 right. When the street file has house number
ranges per side (TIGER/Line) and the door's address a number, the number decides first: the
nearest segment of the street whose range holds it, and the side of its parity (odd one side,
even the other), whatever side of the line the geocode fell on. A door matched farther than
``FAR_M`` is flagged: the organizer should look at it (a wrong geocode, or a missing street).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import shapely

from fieldapp.streets.network import StreetNetwork

NAME_RADIUS_M = 120.0
FAR_M = 60.0
_SUFFIX = {"street": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "road": "rd",
           "drive": "dr", "court": "ct", "place": "pl", "lane": "ln", "terrace": "ter",
           "parkway": "pkwy", "way": "way", "north": "n", "south": "s", "east": "e",
           "west": "w", "circle": "cir", "highway": "hwy"}


def street_key(name: str | None) -> str:
    """A street name compared loosely: lower case, no punctuation, short suffixes."""
    words = re.sub(r"[^a-z0-9 ]", " ", (name or "").lower()).split()
    return " ".join(_SUFFIX.get(w, w) for w in words)


def street_of_address(address: str | None) -> str:
    """The street part of '1234 Adeline St' (house number and unit dropped)."""
    s = re.sub(r"^\s*\d+[a-zA-Z]?(-\d+)?\s+", "", address or "")
    s = re.split(r"\s+(#|apt|unit|ste)\b", s, flags=re.I)[0]
    return street_key(s)


@dataclass
class Matches:
    """Per door: segment, side (+1 left / -1 right), offset along (m), distance (m), by name."""

    segment: np.ndarray
    side: np.ndarray
    along: np.ndarray
    distance: np.ndarray
    by_name: np.ndarray

    @property
    def far(self) -> np.ndarray:
        """Doors matched FAR_M or more away."""
        return self.distance >= FAR_M


def house_number(address: str | None) -> int | None:
    """The house number of '1234 Adeline St' (1234), or None."""
    found = re.match(r"^\s*(\d+)", address or "")
    return int(found.group(1)) if found else None


def match_doors(net: StreetNetwork, coords: np.ndarray,
                streets: list[str | None] | None = None,
                numbers: list[int | None] | None = None) -> Matches:
    """Match doors (lat, lon) to segments, preferring a nearby segment of the door's street
    (and, with `numbers` and the network's address ranges, the segment and side of the door's
    house number)."""
    if net.n_segments == 0:
        raise ValueError("the street network has no walkable street")
    xy = net.proj.forward(np.asarray(coords, float))
    n = len(xy)
    pts = shapely.points(xy)
    lines = np.array(net.seg_lines, dtype=object)
    tree = shapely.STRtree(lines)
    near, near_m = tree.query_nearest(pts, all_matches=False, return_distance=True)
    seg = np.empty(n, np.int64)
    seg[near[0]] = near[1]
    gap = np.empty(n)
    gap[near[0]] = near_m
    by_name = np.zeros(n, bool)
    if streets is not None:
        _by_name(net, tree, lines, pts, streets, numbers, seg, gap, by_name)
    along = shapely.line_locate_point(lines[seg], pts)
    on = shapely.line_interpolate_point(lines[seg], along)
    dist = shapely.distance(pts, on)
    ahead = shapely.line_interpolate_point(lines[seg], np.minimum(along + 0.5, net.seg_length[seg]))
    back = shapely.line_interpolate_point(lines[seg], np.maximum(along - 0.5, 0.0))
    dx = shapely.get_x(ahead) - shapely.get_x(back)
    dy = shapely.get_y(ahead) - shapely.get_y(back)
    px, py = xy[:, 0] - shapely.get_x(on), xy[:, 1] - shapely.get_y(on)
    side = np.where(dx * py - dy * px >= 0, 1, -1).astype(np.int8)
    if net.seg_ranges is not None and numbers is not None and streets is not None:
        for i in np.flatnonzero(by_name):
            by_number = _side_of_number(net.seg_ranges[seg[i]], numbers[i])
            if by_number:
                side[i] = by_number
    return Matches(segment=seg, side=side, along=np.asarray(along, float),
                   distance=np.asarray(dist, float), by_name=by_name)


def _by_name(net: StreetNetwork, tree, lines: np.ndarray, pts: np.ndarray,
             streets: list[str | None], numbers: list[int | None] | None,
             seg: np.ndarray, gap: np.ndarray, by_name: np.ndarray) -> None:
    """Among segments within NAME_RADIUS_M of each door, the nearest of the door's street
    (with address ranges, one whose range holds its number first): written into `seg` and
    `by_name`. All doors at once: a million doors have ~5 million segments near them."""
    vocab: dict[str, int] = {"": 0}
    known: dict[str | None, int] = {}
    door_key = np.fromiter((known[x] if x in known else known.setdefault(
        x, vocab.setdefault(street_key(x) if x else "", len(vocab))) for x in streets),
        np.int64, len(streets))
    seg_key = np.array([vocab.get(street_key(x), -1) for x in net.seg_name], np.int64)
    ranged = net.seg_ranges is not None and numbers is not None
    num = (np.array([np.nan if x is None else float(x) for x in numbers]) if ranged
           else None)
    # The nearest segment is the answer when it is of the door's street, close enough, and
    # (with ranges) holds the door's number (gap: its distance): no search around those doors.
    done = (door_key > 0) & (seg_key[seg] == door_key) & (gap <= NAME_RADIUS_M)
    if ranged:
        done &= _in_ranges(net.seg_ranges[seg], num)
    by_name[done] = True
    todo = np.flatnonzero((door_key > 0) & ~done)
    if not len(todo):
        return
    cand = tree.query(pts[todo], predicate="dwithin", distance=NAME_RADIUS_M)
    door, s = todo[cand[0]], cand[1]
    same = seg_key[s] == door_key[door]
    door, s = door[same], s[same]
    if not len(door):
        return
    d = shapely.distance(pts[door], lines[s])
    outside = ~_in_ranges(net.seg_ranges[s], num[door]) if ranged else np.zeros(len(s), bool)
    first = np.lexsort((d, outside, door))  # per door: in range first, then the nearest
    door, s = door[first], s[first]
    head = np.r_[True, door[1:] != door[:-1]]
    seg[door[head]] = s[head]
    by_name[door[head]] = True


def _in_ranges(r: np.ndarray, number: np.ndarray) -> np.ndarray:
    """Whether each segment's ranges (either side, 2 numbers of slack for the interpolation)
    hold the house number (NaN: no number)."""
    out = np.zeros(len(r), bool)
    for a, b in ((0, 1), (2, 3)):
        lo, hi = np.minimum(r[:, a], r[:, b]), np.maximum(r[:, a], r[:, b])
        with np.errstate(invalid="ignore"):
            out |= (np.isfinite(lo) & np.isfinite(hi) & (lo - 2 <= number)
                    & (number <= hi + 2))
    return out


def _side_of_number(r: np.ndarray, number: int | None) -> int:
    """+1 (left) or -1 (right) by the house number's parity, 0 when the ranges do not say."""
    if number is None:
        return 0
    odd = number % 2
    left, right = r[4] == odd, r[5] == odd
    if left != right:
        return 1 if left else -1
    return 0
