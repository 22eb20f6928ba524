"""`flask races ...`: see the races and their ids."""
from __future__ import annotations

import click
import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.races.models import Race
from fieldapp.races.setup_commands import archive, create, edit, script
from fieldapp.reports.figures import race_figures


@click.group()
def races() -> None:
    """Create, edit, archive and list races; their scripts."""


def _add_setup_commands() -> None:
    """create, edit, archive and script live in setup_commands.py."""
    for command in (create, edit, archive, script):
        races.add_command(command)


@races.command("list")
def list_races() -> None:
    """List races with id, chapter, households and doors knocked."""
    rows = db.session.scalars(sa.select(Race).order_by(Race.organization_id, Race.id)).all()
    figures = race_figures(db.session, [race.id for race in rows])
    for race in rows:
        f = figures[race.id]
        click.echo(f"{race.id}\t{race.organization.slug}\t{race.name}\t"
                   f"{f.households} households\t{f.knocked} knocked\t{race.status}")


_add_setup_commands()
