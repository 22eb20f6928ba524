"""`flask orgs ...`: create and list chapters."""
from __future__ import annotations

import click

from fieldapp.chapters import services
from fieldapp.cli_support import fail_on_domain_error
from fieldapp.extensions import db


@click.group()
def orgs() -> None:
    """Manage organizations (state chapters)."""


@orgs.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The chapter's full name.")
@fail_on_domain_error
def create_org(slug: str, name: str) -> None:
    """Create a chapter with a short SLUG (letters, digits, dashes)."""
    services.create_organization(db.session, slug, name)
    db.session.commit()
    click.echo(f"created {slug}")


@orgs.command("list")
def list_orgs() -> None:
    """List chapters."""
    for org in services.list_organizations(db.session):
        click.echo(f"{org.slug}\t{org.name}")
