"""`flask imports voters FILE --race RACE` and `flask imports census FILE --race RACE`.

`flask imports district` (fieldapp/races/district_commands.py) and `flask imports geocode`
(fieldapp/voters/geocode_commands.py) live beside their services and join this group here.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from fieldapp.cli_support import fail_on_domain_error
from fieldapp.extensions import db
from fieldapp.jobs.commands import enqueue_option, report_queued
from fieldapp.jobs.submit import submit_upload
from fieldapp.races.district_commands import district
from fieldapp.races.services import get_race_by_ref
from fieldapp.voters.geocode_commands import geocode
from fieldapp.voters.geocoding import geocode_callable
from fieldapp.voters.imports.census import apply_census_results
from fieldapp.voters.imports.columns import parse_mapping
from fieldapp.voters.imports.runs import rejections_csv
from fieldapp.voters.imports.service import BUCKETS, import_voters
from fieldapp.voters.jobs import start_voter_import

LABELS = {"imported": "imported (new door)", "merged": "merged into a known door",
          "not_geocoded": "imported, not geocoded", "updated": "updated",
          "unchanged": "unchanged", "outside_district": "outside the district",
          "rejected": "rejected"}
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def imports() -> None:
    """Bring in voter files, geocoder answers (and district boundaries)."""


@imports.command("voters")
@click.argument("file", type=FILE)
@click.option("--race", "race_ref", required=True, help="Race id or exact name.")
@click.option("--map", "mapping", multiple=True, metavar="FIELD=HEADER",
              help="Name a column: e.g. --map first_name='Given Name' (repeatable).")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--rejections", "rejections_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write every rejected row to this CSV file.")
@click.option("--geocode/--no-geocode", "geocode_after", default=True, show_default=True,
              help="Then geocode the doors the file left without coordinates, when "
                   "FIELDAPP_GEOCODER names a geocoder.")
@enqueue_option
@fail_on_domain_error
def voters(file: Path, race_ref: str, mapping: tuple[str, ...], batch_size: int,
           rejections_path: Path | None, geocode_after: bool, enqueue: bool, wait: bool) -> None:
    """Import a voter FILE (CSV: VAN, Action Network or plain columns) into a race."""
    race = get_race_by_ref(db.session, race_ref)
    columns = parse_mapping(mapping) or None
    if enqueue:  # a copy of the file waits in the upload folder for a worker
        with file.open("rb") as stream:
            job = submit_upload(stream, file.name, lambda stored: start_voter_import(
                db.session, race, None, stored, columns))
        report_queued(job, wait)
        return
    geocoder = geocode_callable(current_app.config) if geocode_after else None
    with file.open("rb") as stream, click.progressbar(
            length=file.stat().st_size, label=f"Importing {file.name}", file=sys.stderr) as bar:
        report = import_voters(db.session, race, stream, file.name, None, columns, batch_size,
                               progress=lambda done, _rows: bar.update(done - bar.pos),
                               geocode=geocoder)
    click.echo(f"{file.name} -> {race.name} (import {report.run_id}; columns: "
               f"{report.column_set}; encoding: {report.encoding})")
    for bucket in BUCKETS:
        click.echo(f"  {LABELS[bucket]:<28}{report.counts[bucket]:>10,}")
    click.echo(f"  {'rows':<28}{report.rows:>10,}")
    click.echo(f"  {'households created':<28}{report.counts['households_created']:>10,}")
    if geocoder is not None:
        click.echo(f"  {'doors geocoded after':<28}{report.counts['geocoded']:>10,}")
    elif report.counts["not_geocoded"]:
        click.echo("Doors without coordinates are kept: geocode them with `flask imports geocode "
                   f"--race {race.id}` or place them by hand on the race's page.")
    problems = report.counts["rejected"] + report.counts["outside_district"]
    for rejection in report.rejections:
        click.echo(f"line {rejection.line_number}: {rejection.category}: {rejection.reason}")
    if problems > len(report.rejections):
        click.echo(f"... and {problems - len(report.rejections):,} more.")
    if problems:
        if rejections_path:
            with rejections_path.open("w", encoding="utf-8", newline="") as out:
                out.writelines(rejections_csv(db.session, report.run_id))
            click.echo(f"{_rows(problems)} not imported, all of them: {rejections_path}")
        else:
            click.echo(f"{_rows(problems)} not imported, all of them: /imports/{report.run_id}/"
                       "rejections.csv on the race's import page, or --rejections FILE.")


def _rows(n: int) -> str:
    """"1 row", "25 rows"."""
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


@imports.command("census")
@click.argument("file", type=FILE)
@click.option("--race", "race_ref", required=True, help="Race id or exact name.")
@fail_on_domain_error
def census(file: Path, race_ref: str) -> None:
    """Place doors from a US Census batch geocoder answer FILE."""
    race = get_race_by_ref(db.session, race_ref)
    with file.open("rb") as stream:
        report = apply_census_results(db.session, race, stream)
    db.session.commit()
    counts = report.counts
    click.echo(f"{file.name} -> {race.name}: {counts['lines']:,} lines, {counts['matched']:,} "
               f"matched, {counts['households_geocoded']:,} doors placed")
    for key in ("already_geocoded", "no_match", "tie", "not_found", "outside_district",
                "bad_coordinates", "malformed"):
        if counts[key]:
            click.echo(f"  {key.replace('_', ' '):<20}{counts[key]:>8,}")
    for problem in report.problems:
        click.echo(f"line {problem.line_number}: {problem.category}: {problem.reason}")
    unplaced = sum(counts[k] for k in ("no_match", "tie", "not_found", "outside_district",
                                       "bad_coordinates", "malformed"))
    if unplaced > len(report.problems):
        click.echo(f"... and {unplaced - len(report.problems):,} more.")


imports.add_command(district)
imports.add_command(geocode)
