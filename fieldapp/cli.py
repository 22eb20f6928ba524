"""`flask <noun> <verb>` commands: thin wrappers over the services, registered here."""
from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click
from flask import Flask

from fieldapp.errors import DomainError
from fieldapp.extensions import db

F = TypeVar("F", bound=Callable)


def fail_on_domain_error(func: F) -> F:
    """Print a domain error's message and exit non-zero instead of a traceback."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DomainError as error:
            db.session.rollback()
            click.echo(f"Error: {error.message}", err=True)
            for field, message in error.fields.items():
                click.echo(f"  {field}: {message}", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def register(app: Flask) -> None:
    """Add every domain's command group to app.cli."""
    from fieldapp.auth.commands import users
    from fieldapp.demo.commands import demo
    from fieldapp.jobs.commands import jobs
    from fieldapp.races.commands import orgs, races
    from fieldapp.streets.commands import streets
    from fieldapp.turf.commands import turf
    from fieldapp.voters.commands import imports

    imports.add_command(streets)  # `flask imports streets`: the street network (issue 17)
    for group in (users, demo, orgs, races, turf, imports, jobs):
        app.cli.add_command(group)
