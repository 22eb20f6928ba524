"""`flask turf cut RACE --doors N [--replace]`: cut a race into turfs from the command line."""
from __future__ import annotations

import click

from fieldapp.cli import fail_on_domain_error
from fieldapp.extensions import db
from fieldapp.jobs.commands import enqueue_option, report_queued
from fieldapp.jobs.submit import submit
from fieldapp.races.services import get_race_by_ref
from fieldapp.turf import services
from fieldapp.turf.jobs import start_turf_cut


@click.group()
def turf() -> None:
    """Cut and route turf."""


@turf.command("cut")
@click.argument("race_ref", metavar="RACE")
@click.option("--doors", default=50, show_default=True, type=int, help="Target doors per turf (10-400).")
@click.option("--replace", is_flag=True, help="Retire the race's active turfs first (turfs with "
              "knocks are archived, never deleted) and cut every door again.")
@enqueue_option
@fail_on_domain_error
def cut(race_ref: str, doors: int, replace: bool, enqueue: bool, wait: bool) -> None:
    """Cut RACE (id or exact name) into turfs of about --doors doors and route each."""
    race = get_race_by_ref(db.session, race_ref)
    services.check_target(doors)
    if enqueue:
        report_queued(submit(start_turf_cut(db.session, race, None, doors, replace)), wait)
        return
    with click.progressbar(length=1, label="Cutting and routing") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        summary = services.cut_race(db.session, race, doors, replace=replace, progress=progress)
    db.session.commit()
    figures = summary.as_json()
    click.echo(f"{race.name}: {figures['turfs']} turfs from {figures['doors']} doors "
               f"(doors per turf min {figures['min_doors']}, median {figures['median_doors']}, "
               f"max {figures['max_doors']})")
    click.echo(f"unassigned: {figures['not_geocoded']} not geocoded; "
               f"{figures['already_in_turf']} already in a turf; "
               f"{figures['archived_turfs']} earlier turfs retired")
    for warning in figures["warnings"]:
        click.echo(f"note: {warning}")
