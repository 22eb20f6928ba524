"""The turf blueprint complete with its routes: register the `bp` imported from here.

Importing a views module adds its routes to the blueprint of blueprint.py; this module imports
every one of them, so the blueprint create_app registers is never missing a page.
"""
from fieldapp.turf import list_views, outside_views, recut_views, split_views, views  # noqa: F401  (their routes)
from fieldapp.turf.blueprint import bp

__all__ = ["bp"]
