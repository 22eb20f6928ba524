"""`flask <noun> <verb>` commands: thin wrappers over the services, registered here.

This module composes the domains (it imports each one's command group); the domains import
what their commands share from fieldapp/cli_support.py, never from here.
"""
from __future__ import annotations

from flask import Flask

from fieldapp.auth.commands import users
from fieldapp.chapters.commands import orgs
from fieldapp.demo.commands import demo
from fieldapp.jobs.commands import jobs
from fieldapp.races.commands import races
from fieldapp.streets.commands import streets
from fieldapp.turf.commands import turf
from fieldapp.voters.commands import imports


def register(app: Flask) -> None:
    """Add every domain's command group to app.cli."""
    imports.add_command(streets)  # `flask imports streets`: the street network (issue 17)
    for group in (users, demo, orgs, races, turf, imports, jobs):
        app.cli.add_command(group)
