"""`flask imports geocode --race RACE [--limit N]`: geocode the doors that have no coordinates."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from fieldapp.cli_support import fail_on_domain_error
from fieldapp.extensions import db
from fieldapp.jobs.commands import enqueue_option, report_queued
from fieldapp.jobs.submit import submit
from fieldapp.races.services import get_race_by_ref
from fieldapp.voters.geocoding import geocode_missing, make_geocoder, missing_count
from fieldapp.voters.jobs import start_geocode


@click.command("geocode")
@click.option("--race", "race_ref", required=True, help="Race id (or exact name).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Geocode at most this many doors in this run.")
@with_appcontext
@enqueue_option
@fail_on_domain_error
def geocode(race_ref: str, limit: int | None, enqueue: bool, wait: bool) -> None:
    """Geocode the race's doors without coordinates (cached; one address asked once ever)."""
    if enqueue:
        race = get_race_by_ref(db.session, race_ref)
        report_queued(submit(start_geocode(db.session, race, None, limit)), wait)
        return
    geocoder = make_geocoder(current_app.config)
    if geocoder is None:
        click.echo("No geocoder is configured (FIELDAPP_GEOCODER=none). Set FIELDAPP_GEOCODER to "
                   "nominatim, pelias or photon, and FIELDAPP_GEOCODER_DOMAIN to your server; "
                   "or place the doors by hand on the race's 'Doors without a location' page.",
                   err=True)
        sys.exit(2)
    race = get_race_by_ref(db.session, race_ref)
    todo = missing_count(db.session, race)
    total = min(todo, limit) if limit else todo
    click.echo(f"{race.name}: {todo} doors without coordinates; geocoding {total} "
               f"with {geocoder.name}.")
    with click.progressbar(length=total, label="Geocoding", file=sys.stderr) as bar:
        report = geocode_missing(db.session, race, geocoder, limit=limit, progress=bar.update)
    click.echo(report.summary())
    if report.stopped:
        sys.exit(1)
