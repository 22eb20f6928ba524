"""The streets blueprint complete with its routes: register the `bp` imported from here.

Importing a views module adds its routes to the blueprint of blueprint.py; this module imports
every one of them, so the blueprint create_app registers is never missing a page.
"""
from fieldapp.streets import views  # noqa: F401  (their routes)
from fieldapp.streets.blueprint import bp

__all__ = ["bp"]
