"""An admin creates a race and writes its script through the pages alone (real Chromium)."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.races.models import Race, SurveyQuestion
from tests import factories
from tests.e2e.conftest import login


def test_new_race_and_its_script(db, context, live_server):
    org = factories.org(db, "li-wfp")
    factories.user(db, "admin@example.org", org, "admin")
    db.commit()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, "admin@example.org")
    page.goto("/races/")
    page.click("#new-race")
    page.fill("input[name=name]", "Assembly District 9")
    page.fill("input[name=office]", "State Assembly")
    page.fill("input[name=election_date]", "2027-11-02")
    page.fill("input[name=ocd_division_id]", "ocd-division/country:us/state:ny/sldl:9")
    page.fill("input[name=door_goal]", "5000")
    page.click("#save-race")
    page.wait_for_selector("#setup-checklist")
    assert page.locator("#setup-checklist li.todo").count() == 5

    page.click("#setup-checklist a:has-text('Write the script')")
    page.fill("#intro", "Hi, I'm with the campaign.")
    page.fill("input[name=q1-text]", "Can we count on your vote?")
    page.select_option("select[name=q1-kind]", "scale")
    page.click("#save-script")
    page.fill("input[name=q2-text]", "Top issue?")
    page.fill("input[name=q2-c1-label]", "Rent")
    page.fill("input[name=q2-c2-label]", "Transit")
    page.fill("input[name=q2-c2-van]", "77")
    page.click("#save-script")
    page.fill("input[name=q3-text]", "Anything else?")
    page.select_option("select[name=q3-kind]", "text")
    page.click("#save-script")
    page.wait_for_selector("input[name=q4-text]")
    # Bad input: a choice question with one answer is refused, nothing changes.
    page.fill("input[name=q4-text]", "Yard sign?")
    page.fill("input[name=q4-c1-label]", "Yes")
    page.click("#save-script")
    page.wait_for_selector("#script-errors")
    assert "give at least two answers" in page.inner_text("#script-errors")

    race = db.scalar(sa.select(Race))
    questions = db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == race.id)
                           .order_by(SurveyQuestion.position)).all()
    assert [(q.text, q.kind, len(q.choices)) for q in questions] == [
        ("Can we count on your vote?", "scale", 5), ("Top issue?", "choice", 2),
        ("Anything else?", "text", 0)]
    assert questions[1].choices[1].van_response_id == 77
    assert race.script_intro == "Hi, I'm with the campaign."
    page.goto(f"/races/{race.id}")
    assert page.locator("#setup-checklist li.done[data-step=script]").count() == 1
    assert errors == []
