"""`flask imports streets FILE --race RACE`: a race's street network from an OSM extract or
GeoJSON street lines (checked before anything is replaced; turfs are left as they are)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from fieldapp.cli_support import fail_on_domain_error
from fieldapp.extensions import db
from fieldapp.jobs.commands import enqueue_option, report_queued
from fieldapp.jobs.submit import submit_upload
from fieldapp.races.services import get_race_by_ref
from fieldapp.streets.jobs import STEPS, start_street_import
from fieldapp.streets.services import import_streets


@click.command("streets")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--race", "race_ref", required=True, help="Race id (or exact name).")
@with_appcontext
@enqueue_option
@fail_on_domain_error
def streets(file: Path, race_ref: str, enqueue: bool, wait: bool) -> None:
    """Set the race's street network from FILE (.osm, .osm.bz2, .osm.pbf or GeoJSON lines,
    EPSG:4326): the next automatic cut follows the streets."""
    race = get_race_by_ref(db.session, race_ref)
    if enqueue:
        with file.open("rb") as stream:
            job = submit_upload(stream, file.name, lambda stored: start_street_import(
                db.session, race, None, stored))
        report_queued(job, wait)
        return
    with click.progressbar(length=STEPS, label="Importing streets") as bar:
        def progress(done: int, phase: str) -> None:
            bar.label = phase
            bar.update(done - bar.pos)

        report = import_streets(db.session, race, file, file.name, progress=progress)
        bar.update(STEPS - bar.pos)
    db.session.commit()
    click.echo(f"{race.name}: {report.summary()}")
