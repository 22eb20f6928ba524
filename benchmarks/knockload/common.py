"""What every part of benchmarks/knock_load.py shares: paths, the outcome mix, logging."""
from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # gunicorn and flask live next to the venv's python
EASTERN = dt.timezone(dt.timedelta(hours=-4))
OUTCOMES = ["not_home"] * 5 + ["contact", "contact", "refused", "come_back", "lit_drop"]
BATCH = 500


def log(message: str) -> None:
    """Progress on stderr; stdout carries only the JSON."""
    print(f"[knock_load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
