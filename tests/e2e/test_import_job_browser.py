"""An organizer uploads a voter file in real Chromium; a real worker process imports it while
the job's page shows the bar moving; the report appears when it ends. A second upload of the
same file meanwhile is refused, naming the running job."""
from __future__ import annotations

import time

import sqlalchemy as sa

from fieldapp.jobs.models import Job
from fieldapp.voters.models import Voter
from tests import factories
from tests.e2e.conftest import login
from tests.jobs_worker import count, write_voter_file

ROWS = 100_000
WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_upload_shows_live_progress_then_the_report(db, context, tmp_path, start_worker):
    ny = factories.org(db)
    race = factories.race(db, ny, "NY race")
    factories.user(db, "org@example.org", ny, "organizer")
    db.commit()
    facts = write_voter_file(tmp_path / "county export.csv", ROWS, bad_every=20_000)
    start_worker(FIELDAPP_IMPORT_BATCH_SIZE="1000")

    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: r.status >= 500 and errors.append(f"{r.status} {r.url}"))
    page.add_init_script(WATCH_CSP)
    login(page, "org@example.org")
    page.goto(f"/races/{race.id}/import")
    page.set_input_files("input[name=file]", str(tmp_path / "county export.csv"))
    page.click("button:has-text('Import')")
    page.wait_for_url("**/jobs/*")
    job_id = int(page.url.rsplit("/", 1)[1])

    # The same file again while it runs: refused on the form, naming the job.
    other = context.new_page()  # the same login, in a second tab
    other.goto(f"/races/{race.id}/import")
    other.set_input_files("input[name=file]", str(tmp_path / "county export.csv"))
    other.click("button:has-text('Import')")
    assert f"job {job_id} (voter import of county_export.csv" in other.inner_text("main form")
    assert other.locator("#running-job").get_attribute("href") == f"/jobs/{job_id}"
    other.close()

    seen = []  # (value, max) of the bar while the job runs, as the page shows it
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not page.locator("#import-report").count():
        bar = page.evaluate("""() => { const b = document.getElementById('job-progress');
                                       return b && b.hasAttribute('value') ? [b.value, b.max] : null; }""")
        if bar:
            seen.append(tuple(bar))
        time.sleep(0.1)
    page.wait_for_selector("#import-report", timeout=5_000)
    moving = [(v, m) for v, m in seen if 0 < v < m]
    assert moving, f"the bar never showed the import under way: {seen[:5]}...{seen[-5:]}"
    assert len({v for v, _ in moving}) >= 2  # and it moved while we watched
    assert page.text_content("#job-state") == "finished"
    assert page.inner_text("#job-count").startswith(f"{ROWS:,} of {ROWS:,} rows")
    assert page.inner_text("#count-rejected") == str(len(facts["bad_lines"]))
    assert page.inner_text("#count-not_geocoded") == f"{facts['voters']:,}"
    assert count(db, Voter) == facts["voters"]
    assert db.scalar(sa.select(Job.state).where(Job.id == job_id)) == "finished"
    assert page.evaluate("window.__csp") == [] and errors == []
