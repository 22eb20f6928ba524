"""The api blueprint complete with its routes: register the `bp` imported from here.

Importing a views module adds its routes to the blueprint of blueprint.py; this module imports
every one of them, so the blueprint create_app registers is never missing a page. `auth` adds
no route but the hook that authenticates every call.
"""
from fieldapp.api import (  # noqa: F401  (their routes, and auth's hooks)
    auth,
    households,
    jobs,
    knocks,
    me,
    openapi,
    races,
    streets,
    turf_cutting,
    turf_drawing,
    turfs,
)
from fieldapp.api.blueprint import bp

__all__ = ["bp"]
