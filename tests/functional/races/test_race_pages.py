"""Creating, editing, archiving a race and writing its script through the pages."""
from __future__ import annotations

import io
import json

import sqlalchemy as sa

from fieldapp.races.models import Race, SurveyQuestion
from tests import factories


def _organizer(db):
    org = factories.org(db, "li-wfp")
    factories.user(db, "admin@example.org", org, "admin")
    db.commit()
    return org


def test_new_race_then_checklist_then_edit(client, auth, db):
    _organizer(db)
    auth.login("admin@example.org")
    assert 'id="new-race"' in client.get("/races/").get_data(as_text=True)
    bad = client.post("/races/new", data={"org": "li-wfp", "name": "AD 9", "election_date": "soon",
                                          "ocd_division_id": "ocd-division/country:us/State:NY",
                                          "door_goal": "-3", "doors_per_turf": "50"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "is not a date" in html and "OCD division id looks like" in html
    assert "must be from 0" in html
    assert db.scalar(sa.select(sa.func.count()).select_from(Race)) == 0
    made = client.post("/races/new", data={"org": "li-wfp", "name": "AD 9", "office": "Assembly",
                                           "election_date": "2027-11-02", "door_goal": "9000",
                                           "ocd_division_id": "ocd-division/country:us/state:ny/sldl:9",
                                           "doors_per_turf": "60"})
    assert made.status_code == 302
    race = db.scalar(sa.select(Race))
    page = client.get(f"/races/{race.id}").get_data(as_text=True)
    assert 'id="setup-checklist"' in page
    for step in ("district", "voters", "script", "turfs", "volunteers"):
        assert f'class="todo" data-step="{step}"' in page
    dup = client.post("/races/new", data={"org": "li-wfp", "name": "ad 9", "door_goal": "0",
                                          "doors_per_turf": "50"})
    assert dup.status_code == 422 and "already used" in dup.get_data(as_text=True)
    edited = client.post(f"/races/{race.id}/edit", data={
        "name": "AD 9", "office": "State Assembly", "election_date": "2027-11-02",
        "door_goal": "10000", "doors_per_turf": "60", "ocd_division_id": ""})
    assert edited.status_code == 302
    db.expire_all()
    race = db.get(Race, race.id)
    assert (race.office, race.door_goal, race.ocd_division_id) == ("State Assembly", 10000, None)


def test_archive_asks_naming_what_ends(client, auth, db):
    org = _organizer(db)
    race = factories.race(db, org)
    volunteer = factories.user(db, "v@example.org", org)
    factories.assign(db, factories.turf(db, race, factories.households(db, race, 4)), volunteer)
    db.commit()
    auth.login("admin@example.org")
    ask = client.get(f"/races/{race.id}/archive").get_data(as_text=True)
    assert "<strong>1</strong> active turf leave the walk lists of" in ask
    assert "<strong>1</strong> volunteer;" in ask and "stays in the exports" in ask
    assert client.post(f"/races/{race.id}/archive").status_code == 302
    db.expire_all()
    assert db.get(Race, race.id).status == "archived"
    listing = client.get("/races/").get_data(as_text=True)
    assert 'id="archived-races"' in listing
    auth.logout()
    auth.login("v@example.org")
    assert race.name not in client.get("/").get_data(as_text=True)


def test_script_editor_adds_rewords_reorders_and_retires(client, auth, db):
    org = _organizer(db)
    race = factories.race(db, org)
    db.commit()
    support = race.questions[0]
    auth.login("admin@example.org")
    page = client.get(f"/races/{race.id}/script").get_data(as_text=True)
    assert 'name="q1-text" value="Support?"' in page
    form = {"intro": "Hi, I'm with the campaign.", "q1-id": str(support.id), "q1-text": "Support Dana?",
            "q1-kind": "choice", "q1-order": "2", "q1-van": "555"}
    for j, choice in enumerate(support.choices, start=1):
        form |= {f"q1-c{j}-id": str(choice.id), f"q1-c{j}-label": choice.label}
    form["q1-c5-remove"] = "1"
    form |= {"q2-id": "", "q2-text": "Yard sign?", "q2-kind": "yesno", "q2-order": "1",
             "q2-c1-label": "", "q3-id": "", "q3-text": ""}
    saved = client.post(f"/races/{race.id}/script", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    db.expire_all()
    questions = db.scalars(sa.select(SurveyQuestion).order_by(SurveyQuestion.position)).all()
    assert [(q.text, q.kind) for q in questions] == [("Yard sign?", "yesno"), ("Support Dana?", "choice")]
    assert [c.label for c in questions[0].choices] == ["Yes", "No"]
    assert questions[1].id == support.id and questions[1].van_question_id == 555
    assert [c.retired_at is not None for c in questions[1].choices] == [False] * 4 + [True]
    assert db.get(Race, race.id).script_intro == "Hi, I'm with the campaign."
    # A new choice question with no answers: a clear message, nothing saved.
    bad = client.post(f"/races/{race.id}/script", data={
        "intro": "changed", "q1-id": str(questions[0].id), "q1-text": "Yard sign?",
        "q1-kind": "yesno", "q1-c1-id": str(questions[0].choices[0].id), "q1-c1-label": "Yes",
        "q1-c2-id": str(questions[0].choices[1].id), "q1-c2-label": "No",
        "q2-text": "Top issue?", "q2-kind": "choice"})
    assert bad.status_code == 422
    assert "a question needs its answers" in bad.get_data(as_text=True)
    db.expire_all()
    assert db.get(Race, race.id).script_intro == "Hi, I'm with the campaign."
    assert db.get(SurveyQuestion, support.id).retired_at is None


def test_script_export_import_and_copy_pages(client, auth, db):
    org = _organizer(db)
    source = factories.race(db, org, "Source")
    target = factories.race(db, org, "Target", with_script=False)
    db.commit()
    auth.login("admin@example.org")
    exported = client.get(f"/races/{source.id}/script.json")
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = json.loads(exported.get_data(as_text=True))
    upload = {"file": (io.BytesIO(json.dumps(data).encode()), "script.json")}
    client.post(f"/races/{target.id}/script/import", data=upload, content_type="multipart/form-data")
    db.expire_all()
    copied = db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == target.id)).all()
    assert [q.text for q in copied] == ["Support?"]
    broken = {"file": (io.BytesIO(b'{"questions": [{"text": "x", "kind": "choice"}]}'), "s.json")}
    answer = client.post(f"/races/{target.id}/script/import", data=broken,
                         content_type="multipart/form-data", follow_redirects=True)
    assert "Nothing imported" in answer.get_data(as_text=True)
    assert client.post(f"/races/{target.id}/script/copy", data={"source": str(source.id)}).status_code == 302
    db.expire_all()
    live = db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == target.id,
                                                      SurveyQuestion.retired_at.is_(None))).all()
    assert len(live) == 1
