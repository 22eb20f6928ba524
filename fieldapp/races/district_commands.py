"""`flask imports district FILE --race RACE`: set a race's district boundary from GeoJSON."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from fieldapp.cli_support import fail_on_domain_error
from fieldapp.extensions import db
from fieldapp.jobs.commands import enqueue_option, report_queued
from fieldapp.jobs.submit import submit_upload
from fieldapp.races.districts import load_district
from fieldapp.races.jobs import start_district_import
from fieldapp.races.services import get_race_by_ref
from fieldapp.reports import district_impact


@click.command("district")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--race", "race_ref", required=True, help="Race id (or exact name).")
@click.option("--yes", is_flag=True, help="Do not ask first when a real boundary is replaced.")
@with_appcontext
@enqueue_option
@fail_on_domain_error
def district(file: Path, race_ref: str, yes: bool, enqueue: bool, wait: bool) -> None:
    """Set the race's district from a GeoJSON FILE (Polygon/MultiPolygon, EPSG:4326); a real
    boundary already there is replaced only after saying what that affects (or --yes)."""
    race = get_race_by_ref(db.session, race_ref)
    if not yes and district_impact.needs_confirmation(race):
        click.echo(district_impact.replace_impact(db.session, race).summary())
        click.confirm(f"Replace the district of {race.name}?", abort=True)
    if enqueue:
        with file.open("rb") as stream:
            job = submit_upload(stream, file.name, lambda stored: start_district_import(
                db.session, race, None, stored))
        report_queued(job, wait)
        return
    report = load_district(db.session, race, file.read_bytes())
    db.session.commit()
    click.echo(report.summary())
    for message in report.messages:
        click.echo(f"Note: {message}")
