"""`flask users ...`: create users, issue API tokens, list accounts."""
from __future__ import annotations

import os

import click
import sqlalchemy as sa

from fieldapp.auth import services
from fieldapp.auth.models import User
from fieldapp.chapters import services as chapters
from fieldapp.chapters.models import ROLES
from fieldapp.cli_support import fail_on_domain_error
from fieldapp.errors import NotFound
from fieldapp.extensions import db


@click.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="Organization slug.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Role in that organization.")
@click.option("--name", default="", help="Display name.")
@fail_on_domain_error
def create(email: str, org_slug: str, role: str, name: str) -> None:
    """Create a user (password from FIELDAPP_PASSWORD or a prompt) with a role in an org.

    An existing user just gets the role in that organization.
    """
    org = chapters.get_organization(db.session, org_slug)
    user = db.session.scalar(sa.select(User).where(User.email == services.normalize_email(email)))
    if user is None:
        password = os.environ.get("FIELDAPP_PASSWORD") or click.prompt(
            "Password", hide_input=True, confirmation_prompt=True)
        user = services.create_user(db.session, email, password, name)
    chapters.set_membership(db.session, user, org, role)
    db.session.commit()
    click.echo(f"{user.email}: {role} in {org.slug}")


@users.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="A name to recognise the token by.")
@fail_on_domain_error
def token(email: str, name: str) -> None:
    """Print a new API token for EMAIL (one line, shown only this once)."""
    user = db.session.scalar(sa.select(User).where(User.email == services.normalize_email(email)))
    if user is None:
        raise NotFound(f"No user {email!r}.")
    raw = services.create_api_token(db.session, user, name)
    db.session.commit()
    click.echo(raw)


@users.command("list")
def list_users() -> None:
    """List users with their organizations and roles."""
    for user in db.session.scalars(sa.select(User).order_by(User.email)):
        roles = ", ".join(f"{m.organization.slug}:{m.role}" for m in user.memberships) or "-"
        status = "" if user.active else " (disabled)"
        click.echo(f"{user.email}\t{user.display_name}\t{roles}{status}")
