"""Lighthouse scores of the pages volunteers and organizers open most; prints JSON.

    python benchmarks/lighthouse.py [--quick] [--runs 3] [--households 400]

Lighthouse (npm `lighthouse`, pinned to LIGHTHOUSE below) is installed by this script into a
cache folder (~/.cache/fieldapp/lighthouse-<version>, never into the repository) and drives
Debian's chromium (/usr/bin/chromium, or $CHROME_PATH). Steps:
1. A fresh SQLite database in a temporary folder, `flask db upgrade`, `flask demo load`.
2. gunicorn as the README starts it (production settings, 2 workers), on 127.0.0.1, with no
   tile server (this machine reaches no tile host: the maps draw their data without tiles).
3. A volunteer and an organizer log in through the real form; Lighthouse gets each one's
   session cookie as a header.
4. Lighthouse's default mobile run (Moto G Power, slow 4G, 4x CPU) on the phone pages (the
   walk list, my turfs) and its desktop preset on the organizer pages (coverage map,
   dashboard): Performance, Accessibility and Best Practices scores (0-100), CLS, LCP, TBT.
   The median of --runs runs per page (--quick: one run, a smaller demo).
Targets (issue 18): phone pages' Performance, Accessibility, Best Practices >= 95, CLS < 0.05.
"""
from __future__ import annotations

import argparse
import html.parser
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from knockload.common import wait_for_listen

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIGHTHOUSE = "12.2.3"  # 13 wants Node 22; Debian's node is 20
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "fieldapp"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices")
DEMO_PASSWORD = "fieldapp-demo-2017"


def log(message: str) -> None:
    """Progress on stderr; stdout carries only the JSON."""
    print(f"[lighthouse {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def lighthouse_cli() -> Path:
    """The pinned Lighthouse, installed once into the cache folder with npm."""
    home = CACHE / f"lighthouse-{LIGHTHOUSE}"
    cli = home / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        log(f"installing lighthouse@{LIGHTHOUSE} into {home}")
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(home), "--no-audit", "--no-fund",
                        "--save-exact", f"lighthouse@{LIGHTHOUSE}"], check=True,
                       stdout=subprocess.DEVNULL)
    return cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _CsrfField(html.parser.HTMLParser):
    token = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") == "csrf_token":
            self.token = a.get("value", "")


def session_cookie(base: str, email: str) -> str:
    """Log in through the form; the session cookie as a Cookie header value."""
    jar: dict[str, str] = {}

    def keep(response) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            jar[name] = rest.split(";", 1)[0]

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with opener.open(base + "/login") as response:
        keep(response)
        parser = _CsrfField()
        parser.feed(response.read().decode())
    body = urllib.parse.urlencode({"csrf_token": parser.token, "email": email,
                                   "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(base + "/login", data=body, headers={
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    try:
        opener.open(request)
    except urllib.error.HTTPError as redirect:  # 302 on success
        keep(redirect)
        if redirect.code != 302:
            raise
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def run_lighthouse(cli: Path, url: str, cookie: str, desktop: bool, out: Path) -> dict:
    """One Lighthouse run; the scores and layout/paint figures."""
    command = ["node", str(cli), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
               f"--extra-headers={json.dumps({'Cookie': cookie})}"]
    if desktop:
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROME},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    report = json.loads(out.read_text())
    audits = report["audits"]
    figures = {name: round(100 * report["categories"][name]["score"]) for name in CATEGORIES}
    figures["cls"] = round(audits["cumulative-layout-shift"]["numericValue"], 4)
    figures["lcp_ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    figures["tbt_ms"] = round(audits["total-blocking-time"]["numericValue"])
    figures["bytes"] = round(audits["total-byte-weight"]["numericValue"])
    figures["failed_audits"] = sorted(
        key for key, audit in audits.items()
        if audit.get("score") is not None and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric"))
    return figures


def median_run(runs: list[dict]) -> dict:
    """Per figure, the median over the runs (failed audits: those of the median run)."""
    out = {key: statistics.median(run[key] for run in runs) for key in runs[0]
           if key != "failed_audits"}
    out["failed_audits"] = sorted({a for run in runs for a in run["failed_audits"]})
    out["runs"] = len(runs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run per page, a small demo")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--households", type=int, default=400, help="demo doors per race")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.households = 1, 200
    if not Path(CHROME).exists() or not shutil.which("node"):
        print(json.dumps({"skipped": f"needs {CHROME} and node"}))
        return 0
    cli = lighthouse_cli()
    workdir = Path(tempfile.mkdtemp(prefix="lighthouse_"))
    env = {**os.environ, "FIELDAPP_CONFIG": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
           "FIELDAPP_INSTANCE_PATH": str(workdir / "instance"), "FIELDAPP_TILES_URL": ""}
    flask = [str(BIN / "flask"), "--app", "fieldapp"]
    log("migrating and loading the demo")
    subprocess.run(flask + ["db", "upgrade"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(flask + ["demo", "load", "--households-per-race", str(args.households)],
                   env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    ids = subprocess.run(
        [sys.executable, "-c", (
            "import sqlalchemy as sa; from fieldapp import create_app; from fieldapp.extensions import db;"
            "from fieldapp.races.models import Race; from fieldapp.turf.models import Assignment;"
            "from fieldapp.auth.models import User\napp = create_app()\nwith app.app_context():\n"
            " race = db.session.scalar(sa.select(Race).where(Race.name.like('NY State Assembly%')))\n"
            " turf = db.session.scalar(sa.select(Assignment.turf_id).join(User, User.id == Assignment.volunteer_id)"
            ".where(User.email == 'volunteer1@ny-wfp.example.org').order_by(Assignment.turf_id))\n"
            " print(race.id, turf)")],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    race_id, turf_id = int(ids[-2]), int(ids[-1])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "python:fieldapp.gunicorn_conf", "-w", "2",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "fieldapp:create_app()"],
        cwd=ROOT, env=env, stdout=open(workdir / "gunicorn.log", "wb"),  # noqa: SIM115 (open while it runs)
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_listen(port, server, workdir / "gunicorn.log")
        volunteer = session_cookie(base, "volunteer1@ny-wfp.example.org")
        organizer = session_cookie(base, "organizer@ny-wfp.example.org")
        pages = {"walk_list": (f"/walk/{turf_id}", volunteer, False),
                 "my_turfs": ("/my/turfs", volunteer, False),
                 "coverage_map": (f"/races/{race_id}/map", organizer, True),
                 "dashboard": (f"/races/{race_id}/dashboard", organizer, True)}
        results = {}
        for name, (path, cookie, desktop) in pages.items():
            runs = []
            for i in range(args.runs):
                log(f"{name} run {i + 1}/{args.runs}")
                runs.append(run_lighthouse(cli, base + path, cookie, desktop,
                                           workdir / f"{name}-{i}.json"))
            results[name] = {"form_factor": "desktop" if desktop else "mobile", **median_run(runs)}
    finally:
        server.terminate()
        server.wait(timeout=10)
    phone = [results["walk_list"], results["my_turfs"]]
    print(json.dumps({
        "lighthouse": LIGHTHOUSE, "chromium": CHROME, "runs_per_page": args.runs,
        "households_per_race": args.households, "pages": results,
        "phone_targets_met": all(p[c] >= 95 for p in phone for c in CATEGORIES)
        and all(p["cls"] < 0.05 for p in phone),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
