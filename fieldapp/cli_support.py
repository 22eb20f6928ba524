"""What every domain's `flask <noun> <verb>` commands share; it knows no domain.

The commands import from here, and fieldapp/cli.py (which imports every domain's commands to
register them) imports nothing back from the domains' point of view: no import cycle.
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from fieldapp.errors import DomainError
from fieldapp.extensions import db

F = TypeVar("F", bound=Callable)


def fail_on_domain_error(func: F) -> F:
    """Print a domain error's message and exit non-zero instead of a traceback."""

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
