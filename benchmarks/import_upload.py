"""Benchmark a voter file uploaded through the import page under gunicorn, imported by a worker.

    python benchmarks/import_upload.py [--rows 1000000] [--quick]
                                       [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test]

What a user does, over HTTP on 127.0.0.1: log in through the form, open the race's import
page, POST the file with the page's CSRF token (multipart, streamed from disk), land on the
job's page, then follow GET /api/v1/jobs/<id> (what the page polls) until the job ends.

fieldapp is served by gunicorn with its *default* worker timeout (30 s: the one that killed
an import done inside the request) and production settings, and a real `flask jobs worker`
runs beside it. The file is the synthetic VAN export of benchmarks/import_voters.py. The
database is a fresh SQLite file (or, with --postgres, a fresh PostgreSQL database, dropped at
the end), migrated with `flask db upgrade`.

Prints one JSON object: the upload request's seconds and status, how long the job waited
for the worker, the import's seconds and rows per second, the progress the poller saw (how
many distinct values, and the latency of the polls while the import ran: the web stays
responsive), the worker's peak RSS (with its helper process), the job's final counts, and
whether gunicorn logged a WORKER TIMEOUT. Exit status 1 when the job did not finish, a row is
unaccounted for, or a gunicorn worker timed out.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from import_voters import CENTRE, HALF, log, write_file  # noqa: E402 (after the sys.path line)
from knockload.database import Database  # noqa: E402
from knockload.server import free_port  # noqa: E402

BIN = Path(sys.executable).parent
PASSWORD = "benchmark password 2017"
EMAIL = "organizer@bench.example.org"


class Browser:
    """Cookies and CSRF tokens over one keep-alive connection, as a browser holds them."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body=None, headers: dict | None = None):
        """Status, headers and body of one request (cookies kept, nothing followed)."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=sent)
        response = self.connection.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, data

    def csrf(self, path: str) -> str:
        """The CSRF token of the form on a page."""
        status, _, data = self.request("GET", path)
        match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', data)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, no CSRF token")
        return match.group(1).decode()


class Multipart:
    """A multipart/form-data body read from disk as it is sent (never whole in memory)."""

    def __init__(self, fields: dict[str, str], name: str, path: Path) -> None:
        self.boundary = secrets.token_hex(16)
        head = "".join(f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"{k}\""
                       f"\r\n\r\n{v}\r\n" for k, v in fields.items())
        head += (f"--{self.boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                 f"filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n")
        self.parts = [head.encode(), None, f"\r\n--{self.boundary}--\r\n".encode()]
        self.path = path
        self.length = len(self.parts[0]) + path.stat().st_size + len(self.parts[2])

    def __iter__(self):
        yield self.parts[0]
        with self.path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                yield chunk
        yield self.parts[2]


def setup(url: str, env: dict[str, str]) -> int:
    """Migrate, and add a chapter, a race with a district and its organizer; the race id."""
    subprocess.run([str(BIN / "flask"), "--app", "fieldapp", "db", "upgrade"], env=env,
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    code = f"""
import json
from fieldapp import create_app
from fieldapp.auth import services
from fieldapp.chapters import services as chapters
from fieldapp.chapters.models import Organization
from fieldapp.extensions import db
from fieldapp.races.models import Race
app = create_app()
with app.app_context():
    org = Organization(slug="bench-wfp", name="Benchmark chapter")
    db.session.add(org)
    db.session.flush()
    lat, lon, half = {CENTRE[0]}, {CENTRE[1]}, {HALF}
    race = Race(organization_id=org.id, name="Benchmark race", centre_lat=lat, centre_lon=lon,
                district={{"type": "Polygon", "coordinates": [[[lon - half, lat - half],
                    [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half],
                    [lon - half, lat - half]]]}})
    db.session.add(race)
    user = services.create_user(db.session, {EMAIL!r}, {PASSWORD!r}, "Bench Organizer")
    chapters.set_membership(db.session, user, org, "organizer")
    db.session.commit()
    print(race.id)
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1])


def peak_rss_mb(pid: int) -> float:
    """Peak RSS of a process and its children now alive (VmHWM), in MB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if int(status.parent.name) == pid or int(fields.get("PPid", "0").strip() or 0) == pid:
            total += int(fields.get("VmHWM", "0 kB").split()[0])
    return round(total / 1024, 1)


def run(url: str, file: Path, workdir: Path, kind: str) -> dict:
    """Serve, upload, follow; the figures of one database."""
    env = dict(os.environ, FIELDAPP_CONFIG="production", SECRET_KEY=secrets.token_hex(32),
               DATABASE_URL=url, FIELDAPP_INSTANCE_PATH=str(workdir / f"instance-{kind}"),
               PYTHONUNBUFFERED="1")
    race_id = setup(url, env)
    port = free_port()
    web_log, worker_log = workdir / f"gunicorn-{kind}.log", workdir / f"worker-{kind}.log"
    # The README's production command; no --timeout: gunicorn's default 30 s, the limit an
    # import done inside the request ran into.
    web = subprocess.Popen([str(BIN / "gunicorn"), "-c", "python:fieldapp.gunicorn_conf",
                            "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT),
                            "fieldapp:create_app()"], env=env,
                           stdout=web_log.open("wb"), stderr=subprocess.STDOUT,
                           start_new_session=True)
    worker = subprocess.Popen([str(BIN / "flask"), "--app", "fieldapp", "jobs", "worker"],
                              env=env, cwd=ROOT, stdout=worker_log.open("wb"),
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        browser = wait_ready(port)
        token = browser.csrf("/login")
        status, _, _ = browser.request(
            "POST", "/login", f"email={EMAIL}&password={PASSWORD.replace(' ', '+')}&csrf_token="
            f"{token}".encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login answered {status}")
        body = Multipart({"csrf_token": browser.csrf(f"/races/{race_id}/import"),
                          "mapping": ""}, "county voters.csv", file)
        started = time.perf_counter()
        status, headers, data = browser.request(
            "POST", f"/races/{race_id}/import", iter(body),
            {"Content-Type": f"multipart/form-data; boundary={body.boundary}",
             "Content-Length": str(body.length)})
        upload_seconds = time.perf_counter() - started
        location = headers.get("Location", "")
        if status != 302 or "/jobs/" not in location:
            raise RuntimeError(f"upload answered {status}: {data[:300]!r}")
        job_id = int(location.rsplit("/", 1)[1])
        log(f"{kind}: uploaded {body.length / 1e6:.0f} MB in {upload_seconds:.1f} s: job {job_id}")
        job, polls, seen = follow(browser, job_id, worker.pid)
    finally:
        for process in (worker, web):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
    return report(job, upload_seconds, polls, seen, web_log.read_text(errors="replace"))


def wait_ready(port: int, seconds: float = 30) -> Browser:
    """A browser once gunicorn answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            browser = Browser(port)
            if browser.request("GET", "/healthz")[0] == 200:
                return browser
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


def follow(browser: Browser, job_id: int, worker_pid: int) -> tuple[dict, list, dict]:
    """Poll the job as its page does (twice a second here) until it ends."""
    polls, seen, peak = [], set(), 0.0
    deadline = time.monotonic() + 1800
    while time.monotonic() < deadline:
        started = time.perf_counter()
        status, _, data = browser.request("GET", f"/api/v1/jobs/{job_id}",
                                          headers={"Accept": "application/json"})
        elapsed = time.perf_counter() - started
        job = json.loads(data)
        if status != 200:
            raise RuntimeError(f"GET /api/v1/jobs/{job_id}: {status} {data[:200]!r}")
        if job["state"] == "running":
            polls.append(elapsed)
            seen.add(job["done"])
            peak = max(peak, peak_rss_mb(worker_pid))
        if job["state"] in ("finished", "failed"):
            return job, polls, {"distinct_done_values": len(seen), "worker_peak_rss_mb": peak}
        time.sleep(0.5)
    raise RuntimeError(f"job {job_id} did not end within 30 minutes")


def _ms(values: list[float], share: float) -> float | None:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1) \
        if ordered else None


def report(job: dict, upload_seconds: float, polls: list[float], seen: dict, web_log: str) -> dict:
    """The figures of one run."""
    import datetime as dt

    at = {k: dt.datetime.fromisoformat(job[k]) if job[k] else None
          for k in ("created_at", "started_at", "finished_at")}
    seconds = (at["finished_at"] - at["started_at"]).total_seconds()
    counts = (job.get("result") or {}).get("counts", {})
    rows = sum(counts.values())
    return {"state": job["state"], "error": job["error"], "upload_seconds": round(upload_seconds, 2),
            "waited_for_worker_s": round((at["started_at"] - at["created_at"]).total_seconds(), 2),
            "import_seconds": round(seconds, 1), "rows": rows,
            "rows_per_second": round(rows / seconds) if seconds else None,
            "polls_while_running": len(polls), "poll_p50_ms": _ms(polls, 0.5),
            "poll_p99_ms": _ms(polls, 0.99), **seen,
            "gunicorn_worker_timeouts": web_log.count("WORKER TIMEOUT"),
            "done_of_total": [job["done"], job["total"]], "counts": counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 rows (make bench)")
    parser.add_argument("--postgres", default=os.environ.get("FIELDAPP_BENCH_DATABASE_URL"),
                        help="also upload into a fresh database on this PostgreSQL server")
    args = parser.parse_args()
    rows = 50_000 if args.quick else args.rows
    result: dict = {"benchmark": "import_upload", "rows": rows}
    with tempfile.TemporaryDirectory(prefix="fieldapp-upload-") as tmp:
        workdir = Path(tmp)
        file = workdir / "voters.csv"
        result["file"] = write_file(file, rows)
        log(f"wrote {rows:,} rows ({result['file']['bytes'] / 1e6:.0f} MB)")
        result["sqlite"] = run(f"sqlite:///{workdir / 'bench.sqlite3'}", file, workdir, "sqlite")
        if args.postgres:
            database = Database(workdir, args.postgres)
            try:
                result["postgresql"] = run(database.url, file, workdir, "postgresql")
            finally:
                database.drop()
    runs = [result[k] for k in ("sqlite", "postgresql") if result.get(k)]
    result["ok"] = all(r["state"] == "finished" and r["rows"] == rows and
                       r["gunicorn_worker_timeouts"] == 0 for r in runs)
    print(json.dumps(result, indent=1))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
