"""API tests use the shared canvass world (tests/world.py)."""
from tests.world import knock  # noqa: F401
