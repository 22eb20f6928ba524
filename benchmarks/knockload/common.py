"""What every part of benchmarks/knock_load.py shares: paths, the outcome mix, logging."""
from __future__ import annotations

import datetime as dt
import socket
import subprocess
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


def wait_for_listen(port: int, server: subprocess.Popen, log_file: Path, seconds: float = 60) -> None:
    """Wait until a server started on 127.0.0.1:port accepts connections; if it exits or the
    time runs out, raise with the end of its log."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(log_file.read_text()[-2000:]) from None
            time.sleep(0.2)
