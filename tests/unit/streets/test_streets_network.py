"""Street graph, door matching and street distances on small generated networks."""
from __future__ import annotations

import numpy as np
import pytest

from fieldapp.streets.distance import CROSS_M, StreetDistances
from fieldapp.streets.matching import FAR_M, match_doors, street_key, street_of_address
from fieldapp.streets.network import Way, build_network, classify
from fieldapp.streets.synthetic import synthetic_city
from fieldapp.turf.geometry import LocalProjection

PROJ = LocalProjection(37.8, -122.28)


def ll(*xy: tuple[float, float]) -> list[tuple[float, float]]:
    """Metres about the reference point as (lat, lon) pairs."""
    return [(float(la), float(lo)) for lo, la in PROJ.inverse_lonlat(np.array(xy, float))]


def cross_network() -> tuple:
    """A primary road west-east (y=0) and a residential street north-south (x=0), 200 m each way."""
    ways = [Way(ll((-200, 0), (0, 0), (200, 0)), "primary", "Grand Avenue"),
            Way(ll((0, -200), (0, 0), (0, 200)), "residential", "Adeline Street")]
    return ways, build_network(ways)


def test_classify_keeps_streets_and_barriers():
    assert classify({"highway": "residential"}) == "residential"
    assert classify({"highway": "motorway"}) == "motorway"
    assert classify({"railway": "rail"}) == "railway"
    assert classify({"railway": "rail", "service": "yard"}) is None
    assert classify({"waterway": "river"}) == "waterway"
    assert classify({"highway": "primary", "tunnel": "yes"}) is None
    assert classify({"building": "yes"}) is None


def test_ways_split_at_shared_points_into_segments():
    _, net = cross_network()
    assert net.n_segments == 4  # four arms from the crossing
    assert sorted(np.bincount(net.seg_nodes.ravel())) == [1, 1, 1, 1, 4]
    assert net.barrier.sum() == 2  # both arms of the primary road
    assert np.allclose(sorted(net.seg_length), [200, 200, 200, 200], atol=0.5)
    assert len(net.regions) == 2  # the primary road cuts the box in two


def test_railway_splits_a_street_where_it_crosses():
    ways = [Way(ll((0, 0), (300, 0)), "residential", "Pine Street"),
            Way(ll((120, -150), (120, 150)), "railway")]
    net = build_network(ways)
    assert net.n_segments == 2
    assert np.allclose(sorted(net.seg_length), [120, 180], atol=0.5)
    assert len(net.regions) == 2


def test_street_names_compare_loosely():
    assert street_key("Adeline St.") == street_key("adeline street")
    assert street_of_address("1234 Adeline Street Apt 4") == "adeline st"
    assert street_of_address("12B West Grand Avenue") == "w grand ave"


def test_doors_match_their_named_street_side_and_distance():
    _, net = cross_network()
    doors = np.array(ll((15, 80), (-15, 80), (60, 12), (60, -12), (25, 25), (500, 500)))
    names = ["Adeline St", "Adeline St", None, None, "Adeline Street", None]
    m = match_doors(net, doors, names)
    lines = [net.seg_lines[s] for s in m.segment]
    assert {net.seg_name[s] for s in m.segment[:2]} == {"Adeline Street"}
    assert m.side[0] == -m.side[1]  # the two sides of the street
    assert net.seg_name[m.segment[2]] == "Grand Avenue" and m.side[2] == -m.side[3]
    # Nearer to nothing in particular, but its address names Adeline: that street wins.
    assert net.seg_name[m.segment[4]] == "Adeline Street" and m.by_name[4]
    assert np.allclose(m.distance[:4], [15, 15, 12, 12], atol=0.5)
    assert list(m.far) == [False] * 5 + [True]
    assert m.distance[5] > FAR_M
    assert all(0 <= a <= ln.length for a, ln in zip(m.along, lines))


def test_primary_road_is_crossed_at_the_intersection_only():
    _, net = cross_network()
    doors = np.array(ll((100, 12), (100, -12), (0 + 12, 150), (-12, 150)))
    m = match_doors(net, doors, ["Grand Ave", "Grand Ave", "Adeline St", "Adeline St"])
    d = StreetDistances(net, m).matrix(np.arange(4))
    # Opposite sides of the primary road, 100 m from the crossing: there and back.
    assert d[0, 1] == pytest.approx(200, abs=1)
    # Opposite sides of a small street: straight across.
    assert d[2, 3] == pytest.approx(CROSS_M, abs=0.5)
    # Different streets: along both to the crossing.
    assert d[0, 2] == pytest.approx(250, abs=1)
    assert np.allclose(d, d.T)


def test_distances_follow_the_streets_not_the_crow():
    city = synthetic_city(4, apartments=0.0)
    net = build_network(city.ways, city.bbox)
    m = match_doors(net, city.coords, city.streets)
    pick = np.arange(0, len(city.coords), 7)
    d = StreetDistances(net, m).matrix(pick)
    xy = net.proj.forward(city.coords[pick])
    crow = np.linalg.norm(xy[:, None] - xy[None, :], axis=2)
    # Doors stand 12 m off the centre line: the crow may cut up to 24 m of that.
    assert (d + 24.5 >= crow).all()
    assert np.isfinite(d).all()


def test_empty_network_is_refused():
    net = build_network([Way(ll((0, 0), (0, 100)), "railway")])
    with pytest.raises(ValueError, match="no walkable street"):
        match_doors(net, np.array(ll((5, 5))))
