"""`flask turf cut RACE --doors N [--scope free|unassigned|leftover|all]`: cut a race into
turfs from the command line (the same scopes as the pages' re-cut)."""
from __future__ import annotations

import click

from fieldapp.cli_support import fail_on_domain_error
from fieldapp.extensions import db
from fieldapp.jobs.commands import enqueue_option, report_queued
from fieldapp.jobs.submit import submit
from fieldapp.races.services import get_race_by_ref
from fieldapp.turf import services
from fieldapp.turf.jobs import start_turf_cut
from fieldapp.turf.limits import DOORS_RANGE
from fieldapp.turf.recut import SCOPES, plan_cut, preview_cut


@click.group()
def turf() -> None:
    """Cut and route turf."""


@turf.command("cut")
@click.argument("race_ref", metavar="RACE")
@click.option("--doors", default=50, show_default=True, type=int, help=f"Target doors per turf ({DOORS_RANGE}).")
@click.option("--replace", is_flag=True, help="Same as --scope all.")
@click.option("--scope", type=click.Choice(SCOPES), default=None,
              help="Which doors: free (doors without a turf; the default), unassigned (re-cut "
              "turfs with no knock and no volunteer), leftover (doors still to knock, into new "
              "turfs for a second pass), all (retire every active turf and cut every door; "
              "turfs with knocks are archived, never deleted).")
@click.option("--outcome", "outcomes", multiple=True, metavar="CODE",
              help="With --scope leftover: doors whose last outcome is CODE are still to knock "
              "too (repeat it: --outcome not_home --outcome come_back).")
@click.option("--include-outside", is_flag=True,
              help="Cut the doors outside the district too (left out by default).")
@click.option("--yes", is_flag=True, help="Do not ask first when the cut retires turfs or ends "
              "assignments.")
@enqueue_option
@fail_on_domain_error
def cut(race_ref: str, doors: int, replace: bool, scope: str | None, outcomes: tuple[str, ...],
        include_outside: bool, yes: bool, enqueue: bool, wait: bool) -> None:
    """Cut RACE (id or exact name) into turfs of about --doors doors and route each."""
    race = get_race_by_ref(db.session, race_ref)
    services.check_target(doors)
    scope = scope or ("all" if replace else "free")
    options = {"scope": scope, "outcomes": tuple(outcomes), "include_outside": include_outside}
    if not yes:
        _ask_first(race, scope, tuple(outcomes), include_outside)
    if enqueue:
        report_queued(submit(start_turf_cut(db.session, race, None, doors, scope == "all",
                                            **options)), wait)
        return
    with click.progressbar(length=1, label="Cutting and routing") as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        summary = services.cut_race(db.session, race, doors, progress=progress, **options)
    db.session.commit()
    figures = summary.as_json()
    click.echo(f"{race.name}: {figures['turfs']} turfs from {figures['doors']} doors "
               f"(doors per turf min {figures['min_doors']}, median {figures['median_doors']}, "
               f"max {figures['max_doors']})")
    click.echo(f"unassigned: {figures['not_geocoded']} not geocoded; "
               f"{figures['already_in_turf']} already in a turf; "
               f"{figures['archived_turfs']} earlier turfs retired; "
               f"{figures['outside_district']} outside the district left out")
    for warning in figures["warnings"]:
        click.echo(f"note: {warning}")


def _ask_first(race, scope: str, outcomes: tuple[str, ...], include_outside: bool) -> None:
    """Name what a cut retires and ends, and stop unless the operator says yes."""
    plan = plan_cut(db.session, race, scope, outcomes, include_outside)
    preview = preview_cut(db.session, race, plan)
    if not preview.destructive:
        return
    held = f" (held by {', '.join(preview.volunteers)})" if preview.volunteers else ""
    click.echo(f"This cut of {preview.doors} doors retires {preview.turfs_retired} turfs "
               f"({preview.turfs_archived} kept as history), shrinks {preview.turfs_shrunk}, "
               f"ends {preview.assignments_ended} active assignments{held}; "
               f"{preview.recent_knocks} of their doors were knocked in the last 24 hours.")
    click.confirm("Go ahead?", abort=True)
