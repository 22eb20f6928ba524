"""Geocoding with geopy's real Nominatim client against a Nominatim-shaped server on loopback."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from fieldapp.errors import DomainError
from fieldapp.voters.geocoding import (
    accuracy_of,
    geocode_callable,
    geocode_missing,
    make_geocoder,
)
from fieldapp.voters.models import GeocodeCache, Household
from tests import factories

# q -> Nominatim format=json answer (a list), or an HTTP status to fail with.
ANSWERS: dict[str, list | int] = {
    "10 Main St, Testville, NY 11758": [{
        "place_id": 1, "lat": "40.6801", "lon": "-73.4502", "class": "place", "type": "house",
        "addresstype": "place", "display_name": "10, Main Street, Testville, NY 11758, USA"}],
    "20 Elm Street, Testville, NY 11758": [{
        "place_id": 2, "lat": "40.6812", "lon": "-73.4490", "class": "highway",
        "type": "residential", "addresstype": "road", "display_name": "Elm Street, Testville"}],
    "1 Far Away Ln, Elsewhere, NY 12000": [{
        "place_id": 3, "lat": "42.65", "lon": "-73.75", "class": "building", "type": "yes",
        "addresstype": "building", "display_name": "1 Far Away Lane, Albany"}],
    "500 Error Ave, Testville, NY 11758": 500,
}


class NominatimStub(BaseHTTPRequestHandler):
    """Answers /search like Nominatim; records every query it receives."""

    def do_GET(self):
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.requests.append((url.path, params))
        answer = ANSWERS.get(params.get("q", ""), []) if url.path == "/search" else 404
        if isinstance(answer, int):
            self.send_error(answer)
            return
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def nominatim():
    """A Nominatim-shaped server on 127.0.0.1 (an ephemeral port) for the length of a test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NominatimStub)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(nominatim, monkeypatch):
    """Settings for geopy's Nominatim client pointed at the stub, with no delays."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return {"FIELDAPP_GEOCODER": "nominatim",
            "FIELDAPP_GEOCODER_DOMAIN": f"127.0.0.1:{nominatim.server_address[1]}",
            "FIELDAPP_GEOCODER_SCHEME": "http", "FIELDAPP_GEOCODER_USER_AGENT": "fieldapp-tests",
            "FIELDAPP_GEOCODER_MIN_DELAY": 0.0, "FIELDAPP_GEOCODER_ERROR_WAIT": 0.0}


def door(race, line, city="Testville", zip5="11758", unit=""):
    """A household without coordinates."""
    return Household(race_id=race.id, household_key=f"{line}|{unit}|{city}", address_line=line,
                     unit=unit, city=city, state="NY", zip5=zip5)


@pytest.fixture
def race(db):
    """A race (square district around 40.68 N 73.45 W) with six doors and no coordinates."""
    contest = factories.race(db, factories.org(db))
    db.add_all([door(contest, "10 Main St"), door(contest, "10 Main Street", unit="2"),
                door(contest, "20 Elm Street"), door(contest, "99 Nowhere Rd"),
                door(contest, "1 Far Away Ln", "Elsewhere", "12000"),
                door(contest, "500 Error Ave")])
    db.commit()
    return contest


def by_line(db, race) -> dict[tuple[str, str], Household]:
    rows = db.scalars(sa.select(Household).where(Household.race_id == race.id))
    return {(h.address_line, h.unit): h for h in rows}


def test_geocodes_caches_and_accounts_for_every_door(db, race, nominatim, config):
    geocoder = make_geocoder(config)
    report = geocode_missing(db, race, geocoder)
    assert report.as_dict() == {"asked": 5, "from_cache": 1, "geocoded": 3, "not_found": 1,
                                "outside": 1, "failed": 1, "stopped": ""}
    # What the server was asked: Nominatim's search, JSON, restricted to the US.
    queries = [params for path, params in nominatim.requests]
    assert all(path == "/search" for path, _ in nominatim.requests)
    assert {q["format"] for q in queries} == {"json"}
    assert {q["countrycodes"] for q in queries} == {"us"}
    assert "10 Main St, Testville, NY 11758" in [q["q"] for q in queries]
    # Both units of 10 Main St were answered by one query; the 500 was retried once.
    assert sorted(q["q"] for q in queries).count("10 Main St, Testville, NY 11758") == 1
    assert [q["q"] for q in queries].count("500 Error Ave, Testville, NY 11758") == 2

    doors = by_line(db, race)
    main, unit2 = doors[("10 Main St", "")], doors[("10 Main Street", "2")]
    assert (main.lat, main.lon, main.geocode_source, main.geocode_accuracy) == (
        40.6801, -73.4502, "nominatim", "rooftop")
    assert (unit2.lat, unit2.lon) == (main.lat, main.lon)
    assert doors[("20 Elm Street", "")].geocode_accuracy == "street"
    for line in ("99 Nowhere Rd", "1 Far Away Ln", "500 Error Ave"):
        assert doors[(line, "")].lat is None  # not found, outside, failed: kept, not placed
    cache = {row.address_key.split("|")[0]: row for row in db.scalars(sa.select(GeocodeCache))}
    assert set(cache) == {"10 MAIN ST", "20 ELM ST", "99 NOWHERE RD", "1 FAR AWAY LN"}
    assert cache["99 NOWHERE RD"].lat is None and cache["99 NOWHERE RD"].source == "nominatim"
    assert cache["1 FAR AWAY LN"].lat == 42.65  # the answer is kept; only not applied here


def test_second_run_asks_only_what_failed(db, race, nominatim, config, monkeypatch):
    geocoder = make_geocoder(config)
    geocode_missing(db, race, geocoder)
    nominatim.requests.clear()
    report = geocode_missing(db, race, geocoder)
    assert [p["q"] for _, p in nominatim.requests] == ["500 Error Ave, Testville, NY 11758"] * 2
    assert (report.asked, report.from_cache, report.not_found, report.outside, report.failed) == (
        1, 2, 1, 1, 1)

    monkeypatch.setitem(ANSWERS, "500 Error Ave, Testville, NY 11758", [{
        "lat": "40.679", "lon": "-73.451", "class": "building", "type": "yes",
        "display_name": "500 Error Avenue"}])
    report = geocode_missing(db, race, geocoder)
    assert report.geocoded == 1 and report.failed == 0
    assert by_line(db, race)[("500 Error Ave", "")].geocode_accuracy == "rooftop"


def test_another_race_at_the_same_addresses_asks_the_server_nothing(db, race, nominatim, config):
    geocoder = make_geocoder(config)
    geocode_missing(db, race, geocoder)
    nominatim.requests.clear()
    other = factories.race(db, factories.org(db, "ny-other"), "Other race")
    db.add_all([door(other, "10 MAIN STREET"), door(other, "99 Nowhere Road")])
    db.commit()
    report = geocode_missing(db, other, geocoder)
    assert nominatim.requests == []
    assert (report.asked, report.from_cache, report.geocoded, report.not_found) == (0, 2, 1, 1)


def test_limit_and_progress(db, race, nominatim, config):
    seen = []
    report = geocode_missing(db, race, make_geocoder(config), limit=2, progress=seen.append)
    assert sum(seen) == 2 and report.geocoded == 2 and report.asked == 1


def test_wrapper_for_the_import_returns_doors_geocoded(db, race, config):
    geocode = geocode_callable(config)
    assert geocode(db, race) == 3


def test_no_geocoder_configured(db, race):
    assert make_geocoder({"FIELDAPP_GEOCODER": "none"}) is None
    assert make_geocoder({}) is None
    assert geocode_callable({"FIELDAPP_GEOCODER": "none"}) is None


def test_geocoder_choices_and_mistakes():
    from geopy.geocoders import Pelias, Photon

    assert isinstance(make_geocoder({"FIELDAPP_GEOCODER": "photon"}).client, Photon)
    pelias = make_geocoder({"FIELDAPP_GEOCODER": "pelias", "FIELDAPP_GEOCODER_API_KEY": "k",
                            "FIELDAPP_GEOCODER_DOMAIN": "pelias.example.org"})
    assert isinstance(pelias.client, Pelias) and pelias.options == {"countries": ["USA"]}
    with pytest.raises(DomainError, match="needs FIELDAPP_GEOCODER_DOMAIN"):
        make_geocoder({"FIELDAPP_GEOCODER": "pelias"})
    with pytest.raises(DomainError, match="not one of"):
        make_geocoder({"FIELDAPP_GEOCODER": "google"})


@pytest.mark.parametrize("raw,expected", [
    ({"class": "place", "type": "house"}, "rooftop"),
    ({"class": "building", "type": "yes", "addresstype": "building"}, "rooftop"),
    ({"class": "highway", "type": "residential", "addresstype": "road"}, "street"),
    ({"class": "place", "type": "postcode", "addresstype": "postcode"}, "approximate"),
    ({"properties": {"layer": "address", "accuracy": "point"}}, "rooftop"),  # Pelias
    ({"properties": {"type": "street", "osm_key": "highway"}}, "street"),  # Photon
    (None, "approximate"),
])
def test_accuracy_from_the_raw_answer(raw, expected):
    assert accuracy_of(raw) == expected


def test_cli_geocodes(app, db, race, runner, config):
    app.config.update(config)
    result = runner.invoke(args=["imports", "geocode", "--race", str(race.id)])
    assert result.exit_code == 0, result.output
    assert "6 doors without coordinates" in result.output
    assert "3 doors geocoded" in result.output and "1 failed" in result.output


def test_cli_without_a_geocoder_says_so(app, race, runner):
    app.config["FIELDAPP_GEOCODER"] = "none"
    result = runner.invoke(args=["imports", "geocode", "--race", str(race.id)])
    assert result.exit_code == 2 and "No geocoder is configured" in result.output


def test_cli_unknown_geocoder_is_an_error(app, race, runner):
    app.config["FIELDAPP_GEOCODER"] = "gogle"
    result = runner.invoke(args=["imports", "geocode", "--race", str(race.id)])
    assert result.exit_code == 2 and "not one of" in result.output


def test_cli_import_then_geocodes_the_doors_the_file_left_without_coordinates(
        app, db, race, runner, config, nominatim, tmp_path):
    app.config.update(config)
    voter_file = tmp_path / "an.csv"
    voter_file.write_text("first_name,last_name,address,city,state,zip_code\n"
                          "Ana,Ruiz,20 Elm Street,Testville,NY,11758\n"
                          "Bo,Lee,77 Unknown Rd,Testville,NY,11758\n", encoding="utf-8")
    result = runner.invoke(args=["imports", "voters", str(voter_file), "--race", str(race.id)])
    assert result.exit_code == 0, result.output
    assert "doors geocoded after" in result.output
    doors = by_line(db, race)
    assert doors[("77 Unknown Rd", "")].lat is None  # kept, not geocoded, never dropped
    geocoded = [h for h in doors.values() if h.lat is not None]
    assert {h.address_line for h in geocoded} == {"10 Main St", "10 Main Street", "20 Elm Street"}
    queries = [params["q"] for _, params in nominatim.requests]
    assert "77 Unknown Rd, Testville, NY 11758" in queries


def test_cli_import_without_geocoding_points_to_the_ways_to_place_doors(
        app, db, race, runner, config, nominatim, tmp_path):
    app.config.update(config)
    voter_file = tmp_path / "an.csv"
    voter_file.write_text("first_name,last_name,address,city,state,zip_code\n"
                          "Bo,Lee,77 Unknown Rd,Testville,NY,11758\n", encoding="utf-8")
    result = runner.invoke(args=["imports", "voters", str(voter_file), "--race", str(race.id),
                                 "--no-geocode"])
    assert result.exit_code == 0, result.output
    assert "flask imports geocode" in result.output and nominatim.requests == []
