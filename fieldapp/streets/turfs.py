"""The turf cut's street hook: with a street network, cut by block face and route along it.

``street_cut`` is what :func:`fieldapp.turf.services.cut_race` asks first: None when the race
has no network (the cut is then today's straight-line cut), else the block-face cut of the
doors and a router for each turf. ``street_route`` re-routes one turf's doors the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.races.models import Race
from fieldapp.streets.cutting import cut_by_faces
from fieldapp.streets.distance import StreetDistances
from fieldapp.streets.matching import house_number, match_doors, street_of_address
from fieldapp.streets.models import StreetNetworkRecord
from fieldapp.streets.parallel import route_turfs
from fieldapp.streets.routing import MINUTES_PER_DOOR, WALK_M_PER_MIN, Route, route_turf
from fieldapp.streets.store import load_network
from fieldapp.turf.cutting import CutResult
from fieldapp.voters.models import Household

IN_LIST_MAX = 2000


def walk_minutes(length_m: float | None, doors: int) -> int | None:
    """Estimated minutes for a turf: walking at 4.5 km/h plus an allowance per door."""
    if length_m is None:
        return None
    return int(round(length_m / WALK_M_PER_MIN + MINUTES_PER_DOOR * doors))  # noqa: RUF046 (numpy floats)


@dataclass
class StreetPlan:
    """A block-face cut of some doors and what routes each of its turfs."""

    cut: CutResult
    distances: StreetDistances
    coords: np.ndarray
    group_ids: list
    units: list[str]
    _routes: dict | None = field(default=None, init=False, repr=False)

    def route(self, members: np.ndarray, start: tuple[float, float] | None = None,
              ) -> tuple[np.ndarray, dict, float]:
        """(order as positions in members, GeoJSON LineString along the streets, metres);
        with `start` (lat, lon), from the stop nearest it along the streets."""
        route = (self._routed(members) if start is None else
                 route_turf(self.distances, members, self.coords, self.group_ids, self.units,
                            start=start))
        at = {int(d): i for i, d in enumerate(members)}
        order = np.array([at[int(d)] for d in route.order], np.int64)
        line = [[round(lon, 6), round(lat, 6)] for lat, lon in route.polyline]
        if len(line) < 2:  # one stop: the door itself
            line = [[round(float(self.coords[d, 1]), 6), round(float(self.coords[d, 0]), 6)]
                    for d in route.order]
        return order, {"type": "LineString", "coordinates": line}, float(route.length_m)

    def _routed(self, members: np.ndarray) -> Route:
        """The route of these doors: a turf of the cut comes from routing every turf of the
        cut at once (over the cores, :mod:`fieldapp.streets.parallel`) on first asking."""
        members = np.asarray(members)
        if self.cut is not None and len(members):
            if self._routes is None:
                turfs = self.cut.doors_by_turf()
                routes = route_turfs(self.distances, turfs, self.coords, self.group_ids,
                                     self.units)
                self._routes = {k: (turfs[k], r) for k, r in enumerate(routes)}
            label = int(np.asarray(self.cut.labels)[members[0]])
            doors, route = self._routes.get(label, (None, None))
            if doors is not None and np.array_equal(np.sort(doors), np.sort(members)):
                return route
        return route_turf(self.distances, members, self.coords, self.group_ids, self.units)


def _door_details(db: Session, race: Race, ids: list[int]) -> tuple[list, list, list, list]:
    """Street and house number (from the address), unit and building of each door, in the
    order of ids."""
    query = sa.select(Household.id, Household.address_line, Household.unit,
                      Household.building_key).where(Household.race_id == race.id)
    if len(ids) <= IN_LIST_MAX:  # one turf: its doors; a whole cut: the race's, no huge IN
        query = query.where(Household.id.in_(ids))
    rows = {r.id: r for r in db.execute(query)}
    return ([street_of_address(rows[i].address_line) for i in ids],
            [house_number(rows[i].address_line) for i in ids],
            [rows[i].unit or "" for i in ids],
            [rows[i].building_key or f"door {i}" for i in ids])


def _plan(db: Session, race: Race, ids: list[int], coords: np.ndarray, group_ids,
          regions: bool):
    record = db.scalar(sa.select(StreetNetworkRecord).where(StreetNetworkRecord.race_id == race.id))
    if record is None or not len(ids):
        return None
    net = load_network(record.data, regions=regions)
    streets, numbers, units, buildings = _door_details(db, race, ids)
    match = match_doors(net, coords, streets, numbers)
    if group_ids is None:
        group_ids = np.unique(buildings, return_inverse=True)[1]
    groups = [int(g) for g in np.asarray(group_ids).ravel()]
    return net, match, groups, units


def street_cut(db: Session, race: Race, ids: list[int], coords: np.ndarray, target: int,
               group_ids) -> StreetPlan | None:
    """The block-face cut of these doors, or None when the race has no street network."""
    planned = _plan(db, race, ids, coords, group_ids, regions=True)
    if planned is None:
        return None
    net, match, groups, units = planned
    cut = cut_by_faces(net, match, target, groups).cut
    return StreetPlan(cut, StreetDistances(net, match), coords, groups, units)


def street_route(db: Session, race: Race, ids: list[int], coords: np.ndarray,
                 group_ids, start: tuple[float, float] | None = None,
                 ) -> tuple[np.ndarray, dict, float] | None:
    """One turf's route along the streets (from the stop nearest `start`, the organizer's
    start point, when set), or None when the race has no street network."""
    planned = _plan(db, race, ids, coords, group_ids, regions=False)
    if planned is None:
        return None
    net, match, groups, units = planned
    plan = StreetPlan(None, StreetDistances(net, match), coords, groups, units)  # type: ignore[arg-type]
    return plan.route(np.arange(len(ids)), start)
