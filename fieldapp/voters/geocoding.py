"""Geocoding doors without coordinates through a configured geopy geocoder, with a cache.

`make_geocoder(config)` builds the geocoder named by FIELDAPP_GEOCODER (nominatim, pelias,
photon; none or empty: no geocoder) behind geopy's RateLimiter. `geocode_missing(db, race,
geocoder)` gives coordinates to the race's doors that have none:

- one building is asked once, ever: answers are cached in GeocodeCache by the normalised
  building address (`addresses.building_key`: units of one building share a location), the
  misses too (lat NULL), so neither is asked again, for this race or any other;
- a result outside the race's district is cached but not applied (counted `outside`);
- a geopy error (server error, timeout, rate limit after retries) counts the door as `failed`
  and moves on; the door keeps no coordinates, is not cached, and is tried again next run.
  Authentication and quota errors, or ten failures in a row, stop the run (`stopped` says why);
- progress is committed every BATCH doors, so a long run interrupted keeps what it did.

Accuracy (GeocodeCache.accuracy, Household.geocode_accuracy) is read from the result's raw
answer: 'rooftop' for a house or building (Nominatim class building / type or addresstype house
or building; Pelias layer address or venue; Photon type house), 'street' for a road (Nominatim
class highway or addresstype road; Pelias / Photon street), 'approximate' for anything coarser
(postcode, neighbourhood, town). Doors placed by hand are 'manual' / 'rooftop'.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter
from sqlalchemy.orm import Session

from fieldapp.errors import DomainError
from fieldapp.races.districts import district_shape, points_inside
from fieldapp.races.models import Race
from fieldapp.voters.addresses import building_key
from fieldapp.voters.models import GeocodeCache, Household

GEOCODERS = ("nominatim", "pelias", "photon")
BATCH = 100
MAX_FAILURES_IN_A_ROW = 10
_ROOFTOP = {"house", "building", "address", "venue", "residential_building"}
_STREET = {"street", "road", "highway"}
# Errors that will not go away by asking the next address: stop instead of failing every door.
_FATAL = (geopy_exc.GeocoderAuthenticationFailure, geopy_exc.GeocoderInsufficientPrivileges,
          geopy_exc.GeocoderQuotaExceeded, geopy_exc.ConfigurationError)


@dataclass
class Geocoder:
    """A geopy geocoder behind a RateLimiter, with the options every query carries."""

    name: str
    client: Any
    lookup: Callable[..., Any]
    options: dict[str, Any] = field(default_factory=dict)

    def geocode(self, query: str) -> Any:
        """The best geopy Location for query, or None; geopy errors propagate."""
        return self.lookup(query, exactly_one=True, **self.options)


@dataclass
class GeocodeReport:
    """Counts of one geocoding run, per door (household) except `asked` (geocoder queries)."""

    asked: int = 0
    from_cache: int = 0
    geocoded: int = 0
    not_found: int = 0
    outside: int = 0
    failed: int = 0
    stopped: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The counts as a plain dict (for JSON and import reports)."""
        return dict(self.__dict__)

    def summary(self) -> str:
        """One line for people."""
        text = (f"{self.geocoded} doors geocoded ({self.from_cache} answered from the cache, "
                f"{self.asked} addresses asked), {self.not_found} not found, {self.outside} "
                f"outside the district, {self.failed} failed.")
        return f"{text} Stopped: {self.stopped}" if self.stopped else text


@dataclass
class _Run:
    """Where a run is: last door handled, doors left under the limit, failures so far."""

    left: int | None
    last_id: int = 0
    in_a_row: int = 0
    failed_keys: set[str] = field(default_factory=set)


def make_geocoder(config: Mapping[str, Any]) -> Geocoder | None:
    """The geocoder FIELDAPP_GEOCODER names, or None for 'none'; DomainError if misconfigured."""
    from geopy.geocoders import Nominatim, Pelias, Photon

    name = str(config.get("FIELDAPP_GEOCODER") or "none").strip().lower()
    if name in ("none", ""):
        return None
    if name not in GEOCODERS:
        raise DomainError(f"FIELDAPP_GEOCODER={name!r} is not one of nominatim, pelias, photon, "
                          "none.", {"FIELDAPP_GEOCODER": "unknown geocoder"})
    domain = str(config.get("FIELDAPP_GEOCODER_DOMAIN") or "").strip()
    common = {"scheme": config.get("FIELDAPP_GEOCODER_SCHEME") or "https",
              "user_agent": config.get("FIELDAPP_GEOCODER_USER_AGENT") or "fieldapp",
              "timeout": float(config.get("FIELDAPP_GEOCODER_TIMEOUT") or 10)}
    if domain:
        common["domain"] = domain
    if name == "nominatim":
        client, options = Nominatim(**common), {"country_codes": "us"}
    elif name == "photon":
        client, options = Photon(**common), {}  # Photon has no country filter: the district is
    else:
        if not domain:
            raise DomainError("FIELDAPP_GEOCODER=pelias needs FIELDAPP_GEOCODER_DOMAIN (the "
                              "Pelias server's host name).",
                              {"FIELDAPP_GEOCODER_DOMAIN": "required"})
        client = Pelias(api_key=config.get("FIELDAPP_GEOCODER_API_KEY") or None, **common)
        options = {"countries": ["USA"]}
    min_delay = float(config.get("FIELDAPP_GEOCODER_MIN_DELAY", 1.0) or 0.0)
    error_wait = float(config.get("FIELDAPP_GEOCODER_ERROR_WAIT", 2.0))
    lookup = RateLimiter(client.geocode, min_delay_seconds=min_delay,
                         max_retries=int(config.get("FIELDAPP_GEOCODER_MAX_RETRIES", 1)),
                         error_wait_seconds=max(error_wait, min_delay), swallow_exceptions=False)
    return Geocoder(name=name, client=client, lookup=lookup, options=options)


def geocoder_configured(config: Mapping[str, Any]) -> bool:
    """True when FIELDAPP_GEOCODER names a usable geocoder."""
    try:
        return make_geocoder(config) is not None
    except DomainError:
        return False


def geocode_callable(config: Mapping[str, Any]) -> Callable[[Session, Race], int] | None:
    """`geocode(db, race) -> doors geocoded` with the configured geocoder, or None if none."""
    geocoder = make_geocoder(config)
    if geocoder is None:
        return None

    def geocode(db: Session, race: Race) -> int:
        """Geocode the race's doors without coordinates; the number given coordinates."""
        return geocode_missing(db, race, geocoder).geocoded

    return geocode


def query_for(household: Household) -> str:
    """The geocoder query: "line, city, state zip" (empty parts left out)."""
    region = " ".join(part for part in (household.state, household.zip5) if part)
    return ", ".join(part for part in (household.address_line, household.city, region) if part)


def accuracy_of(raw: Any) -> str:
    """'rooftop', 'street' or 'approximate' from a Nominatim, Pelias or Photon raw answer."""
    if not isinstance(raw, dict):
        return "approximate"
    props = raw.get("properties") if isinstance(raw.get("properties"), dict) else raw
    kinds = {str(props.get(key) or "").lower()
             for key in ("addresstype", "type", "class", "category", "layer", "osm_key")}
    if kinds & _ROOFTOP:
        return "rooftop"
    if kinds & _STREET:
        return "street"
    return "approximate"


def missing_count(db: Session, race: Race) -> int:
    """How many of the race's doors have no coordinates."""
    return db.scalar(sa.select(sa.func.count()).select_from(Household).where(
        Household.race_id == race.id, Household.lat.is_(None))) or 0


def geocode_missing(db: Session, race: Race, geocoder: Geocoder, *, limit: int | None = None,
                    progress: Callable[[int], Any] | None = None) -> GeocodeReport:
    """Give coordinates to up to `limit` of race's doors that have none; commits every BATCH."""
    report = GeocodeReport()
    district = district_shape(race.district)
    run = _Run(left=limit)
    while not report.stopped and (run.left is None or run.left > 0):
        size = BATCH if run.left is None else min(BATCH, run.left)
        doors = db.scalars(sa.select(Household).where(
            Household.race_id == race.id, Household.lat.is_(None),
            Household.id > run.last_id).order_by(Household.id).limit(size)).all()
        if not doors:
            break
        done = _geocode_batch(db, doors, geocoder, district, report, run)
        db.commit()
        if run.left is not None:
            run.left -= done
        if progress is not None:
            progress(done)
    return report


def _geocode_batch(db: Session, doors: list[Household], geocoder: Geocoder, district: Any,
                   report: GeocodeReport, run: _Run) -> int:
    """Geocode one batch of doors; returns how many were handled (all, unless stopped)."""
    keys = {door.id: building_key(door.address_line, door.city, door.state, door.zip5)
            for door in doors}
    cached = {row.address_key: row for row in db.scalars(
        sa.select(GeocodeCache).where(GeocodeCache.address_key.in_(set(keys.values()))))}
    handled = 0
    for door in doors:
        key = keys[door.id]
        entry = cached.get(key)
        if not door.address_line.strip():
            report.not_found += 1  # nothing to ask: a town's centre is not this door
            entry = None
        elif entry is None and key in run.failed_keys:
            report.failed += 1  # this building failed earlier in the run: not asked twice
        elif entry is None:
            report.asked += 1
            try:
                entry = _ask(geocoder, door, key)
            except geopy_exc.GeopyError as error:
                report.failed += 1
                run.in_a_row += 1
                run.failed_keys.add(key)
                fatal = isinstance(error, _FATAL) and not isinstance(
                    error, geopy_exc.GeocoderRateLimited)  # a 429 passes: the next may not
                if fatal or run.in_a_row >= MAX_FAILURES_IN_A_ROW:
                    report.stopped = (f"{type(error).__name__}: {error}".strip()
                                      + " — the remaining doors keep no coordinates; run again.")
                    run.last_id, handled = door.id, handled + 1
                    return handled
            else:
                run.in_a_row = 0
                db.add(entry)
                cached[key] = entry
        else:
            report.from_cache += 1
        if entry is not None:
            _apply(door, entry, district, report)
        run.last_id, handled = door.id, handled + 1
    return handled


def _ask(geocoder: Geocoder, door: Household, key: str) -> GeocodeCache:
    """Ask the geocoder once; the answer (a miss too) as a new cache entry."""
    location = geocoder.geocode(query_for(door))
    if location is None:
        return GeocodeCache(address_key=key, lat=None, lon=None, source=geocoder.name,
                            accuracy="")
    return GeocodeCache(address_key=key, lat=float(location.latitude),
                        lon=float(location.longitude), source=geocoder.name,
                        accuracy=accuracy_of(getattr(location, "raw", None)))


def _apply(door: Household, entry: GeocodeCache, district: Any, report: GeocodeReport) -> None:
    """Put a cached answer on the door, unless it is a miss or outside the district."""
    if entry.lat is None or entry.lon is None:
        report.not_found += 1
    elif district is not None and not points_inside(district, [entry.lat], [entry.lon])[0]:
        report.outside += 1
    else:
        door.lat, door.lon = entry.lat, entry.lon
        door.geocode_source, door.geocode_accuracy = entry.source, entry.accuracy
        report.geocoded += 1
