"""gunicorn on loopback, and a keep-alive HTTP client that reconnects now and then."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from knockload.common import BIN, log


def free_port() -> int:
    """A port nobody listens on right now, on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn master on loopback; stopped by its pid (process group) at the end."""

    def __init__(
        self,
        name: str,
        app: str,
        env: dict[str, str],
        workers: int,
        threads: int,
        worker_class: str,
        workdir: Path,
        chdir: Path,
    ) -> None:
        self.name, self.port = name, free_port()
        self.log_path = workdir / f"{name}-gunicorn.log"
        command = [
            str(BIN / "gunicorn"),
            "--worker-class",
            worker_class,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--chdir",
            str(chdir),
            "--log-level",
            "warning",
            # Load the app before forking: every worker is ready when /healthz first answers.
            # Without it the 32 keep-alive connections all went to the worker that finished
            # importing fieldapp first, and the other sat idle (ss -tnp: 32/0).
            "--preload",
            "--config",  # the preloaded objects frozen before the fork (see the file)
            str(Path(__file__).resolve().parent / "gunicorn_conf.py"),
            app,
        ]
        log(f"starting {name}: {' '.join(command[1:])}")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (open until stop())
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self._wait_ready()

    def _wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log_path.read_text()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer /healthz within {seconds:.0f} s")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (Linux /proc; 0 elsewhere)."""
        total, tick = 0.0, os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        for entry in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = entry.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(entry.parent.name), int(fields[1])
            if self.process.pid in (pid, ppid):
                total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def stop(self) -> None:
        """SIGTERM the master (it stops its workers), SIGKILL the group if it hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log.close()
