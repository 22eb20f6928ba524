"""How many doors a turf may be cut to: the one declaration of the doors-per-turf range.

The cutter, the turf service, the forms, the CLI's help, the API schema and the pages all read
it from here. No imports, so the forms and the pure cutter can use it without loading more.
"""
from __future__ import annotations

MIN_DOORS, MAX_DOORS = 10, 400
DOORS_RANGE = f"{MIN_DOORS}-{MAX_DOORS}"  # as help texts write it
