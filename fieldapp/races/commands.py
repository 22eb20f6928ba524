"""`flask races ...`: see the races and their ids."""
from __future__ import annotations

import click
import sqlalchemy as sa

from fieldapp.extensions import db
from fieldapp.races.models import Race
from fieldapp.races.services import race_figures


@click.group()
def races() -> None:
    """Create, edit, archive and list races; their scripts."""


def _add_setup_commands() -> None:
    """create, edit, archive and script live in setup_commands.py."""
    from fieldapp.races.setup_commands import archive, create, edit, script

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


@click.group()
def orgs() -> None:
    """Manage organizations (state chapters)."""


@orgs.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The chapter's full name.")
def create_org(slug: str, name: str) -> None:
    """Create a chapter with a short SLUG (letters, digits, dashes)."""
    import re
    import sys

    from fieldapp.races.models import Organization

    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,62}", slug):
        click.echo("Error: a slug is 2-63 lowercase letters, digits and dashes.", err=True)
        sys.exit(2)
    if db.session.scalar(sa.select(Organization.id).where(Organization.slug == slug)):
        click.echo(f"Error: organization {slug!r} already exists.", err=True)
        sys.exit(2)
    db.session.add(Organization(slug=slug, name=name))
    db.session.commit()
    click.echo(f"created {slug}")


@orgs.command("list")
def list_orgs() -> None:
    """List chapters."""
    from fieldapp.races.models import Organization

    for org in db.session.scalars(sa.select(Organization).order_by(Organization.slug)):
        click.echo(f"{org.slug}\t{org.name}")
