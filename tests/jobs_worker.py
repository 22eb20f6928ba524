"""A real job worker for the tests: `flask jobs worker` in a process of its own, on the test's
database and instance folder (so the same huey queue file and upload folder), and a writer of
synthetic voter files large enough to watch an import run."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]


class WorkerProcess:
    """One `flask --app fieldapp jobs worker`, its output in a log file."""

    def __init__(self, database_url: str, instance_path: str, log_path: Path,
                 **settings: str) -> None:
        env = dict(os.environ, FIELDAPP_CONFIG="development", DATABASE_URL=database_url,
                   FIELDAPP_INSTANCE_PATH=instance_path, SECRET_KEY="test-worker",
                   PYTHONUNBUFFERED="1", **settings)
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "fieldapp", "jobs", "worker"], cwd=ROOT,
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def children(self) -> list[int]:
        """Processes this worker started (the import's helper process)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.pid:
                found.append(int(stat.parent.name))
        return found

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send sig to the worker alone (not its helper: a kill -9 does not reach children)."""
        os.kill(self.pid, sig)

    def stop(self) -> None:
        """Ctrl-C, then SIGKILL for the whole group if it does not stop."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(5)
        self._log.close()


@pytest.fixture
def start_worker(app, tmp_path):
    """Start real job workers on the test app's database; all stopped at the end."""
    started: list[WorkerProcess] = []

    def start(**settings: str) -> WorkerProcess:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        worker = WorkerProcess(url, app.instance_path, tmp_path / f"worker-{len(started)}.log",
                               **settings)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(check, seconds: float = 60.0, every: float = 0.05, what: str = "condition"):
    """Poll check() until it returns something true; its value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def write_voter_file(path: Path, rows: int, bad_every: int = 0) -> dict:
    """A VAN-shaped file: about 1.5 voters a door, a unit building now and then, every
    bad_every-th data row without an address. Returns what an import must find in it."""
    bad, doors, lines = set(), set(), ["VanID,FirstName,LastName,Address,Apt,City,State,Zip5\n"]
    for n in range(1, rows + 1):
        line_number = n + 1
        door = (n * 2) // 3
        address = f"{door % 500 + 1} Maple {door // 500 + 1} Street"
        unit = str(door % 7) if door % 10 == 0 else ""
        if bad_every and n % bad_every == 0:
            bad.add(line_number)
            address = ""
        else:
            doors.add((address, unit))
        lines.append(f"V{n},Ana{n % 97},Lopez{n % 89},{address},{unit},Testville,NY,11758\n")
    path.write_text("".join(lines), encoding="utf-8")
    return {"rows": rows, "bad_lines": bad, "doors": len(doors), "voters": rows - len(bad)}


def count(db, model, *where) -> int:
    """Rows of model (matching where)."""
    return db.scalar(sa.select(sa.func.count()).select_from(model).where(*where))
