"""`flask demo load`: the 2017 demo races, idempotent."""
from __future__ import annotations

import click

from fieldapp.demo.loader import load_demo
from fieldapp.demo.races import DEMO_RACES
from fieldapp.extensions import db


@click.group()
def demo() -> None:
    """Demo data (synthetic places and people)."""


@demo.command("load")
@click.option("--households-per-race", default=3000, show_default=True,
              type=click.IntRange(10, 200_000), help="Doors to generate in each race.")
@click.option("--seed", default=2017, show_default=True, type=int,
              help="Random seed: the same seed gives the same demo.")
def load(households_per_race: int, seed: int) -> None:
    """Load the five 2017 WFP races with synthetic doors, turfs and knocks."""
    with click.progressbar(length=len(DEMO_RACES), label="Loading demo races") as bar:
        report = load_demo(db.session, households_per_race, seed,
                           progress=lambda _name: bar.update(1))
    for name in report.loaded:
        click.echo(f"loaded: {name}")
    for name in report.skipped:
        click.echo(f"already there, left as is: {name}")
    click.echo("\nDemo places, streets, households and people are SYNTHETIC (not real addresses).")
    click.echo(f"Demo logins (password for all: {report.password}):")
    for login in report.logins:
        click.echo(f"  {login.role:<10} {login.email}")
