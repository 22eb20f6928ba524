"""`flask races create|edit|archive|script`, invoked as an organizer would."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from fieldapp.races.models import Race, SurveyQuestion
from tests import factories


def _create(runner, *args):
    return runner.invoke(args=["races", "create", *args])


def test_create_prints_the_id_last_and_stores_every_field(db, runner):
    factories.org(db, "li-wfp")
    db.commit()
    result = _create(runner, "Assembly District 9", "--org", "li-wfp", "--office", "State Assembly",
                     "--candidate", "Dana Cruz", "--election-date", "2027-11-02",
                     "--ocd-id", "ocd-division/country:us/state:ny/sldl:9", "--goal", "12000",
                     "--doors-per-turf", "60")
    assert result.exit_code == 0, result.output
    race_id = int(result.output.strip().splitlines()[-1])
    race = db.get(Race, race_id)
    assert (race.name, race.office, race.candidate) == ("Assembly District 9", "State Assembly", "Dana Cruz")
    assert race.election_date == dt.date(2027, 11, 2)
    assert race.ocd_division_id == "ocd-division/country:us/state:ny/sldl:9"
    assert (race.door_goal, race.doors_per_turf, race.status) == (12000, 60, "active")


def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(db, runner):
    org = factories.org(db, "li-wfp")
    factories.race(db, org, "Taken")
    db.commit()
    result = _create(runner, "taken", "--org", "li-wfp", "--election-date", "next tuesday",
                     "--ocd-id", "ocd-division/country:ca/province:on", "--goal", "-5")
    assert result.exit_code == 2
    assert "election_date: 'next tuesday' is not a date" in result.output
    assert "ocd_division_id: an OCD division id looks like" in result.output
    assert "door_goal: the door goal must be from 0" in result.output
    assert db.scalar(sa.select(sa.func.count()).select_from(Race)) == 1
    result = _create(runner, "Taken", "--org", "li-wfp")
    assert result.exit_code == 2 and "already has a race named 'Taken'" in result.output
    assert _create(runner, "New", "--org", "nope").exit_code == 2
    assert _create(runner, "New", "--org", "li-wfp", "--doors-per-turf", "500").exit_code == 2
    assert db.scalar(sa.select(sa.func.count()).select_from(Race)) == 1


def test_edit_changes_only_the_given_fields(db, runner):
    org = factories.org(db, "li-wfp")
    race = factories.race(db, org, "Old name")
    db.commit()
    result = runner.invoke(args=["races", "edit", str(race.id), "--name", "New name", "--goal", "0"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    race = db.get(Race, race.id)
    assert (race.name, race.door_goal, race.office) == ("New name", 0, "Office")
    bad = runner.invoke(args=["races", "edit", str(race.id), "--election-date", "2027-02-30"])
    assert bad.exit_code == 2 and "is not a date" in bad.output


def test_archive_names_what_ends_and_keeps_the_race(db, runner):
    org = factories.org(db, "li-wfp")
    race = factories.race(db, org)
    doors = factories.households(db, race, 3)
    volunteer = factories.user(db, "v@example.org", org)
    factories.assign(db, factories.turf(db, race, doors), volunteer)
    db.commit()
    declined = runner.invoke(args=["races", "archive", str(race.id)], input="n\n")
    assert declined.exit_code != 0
    assert "ends 1 active turfs on the phones of 1 volunteers" in declined.output
    assert db.get(Race, race.id).status == "active"
    result = runner.invoke(args=["races", "archive", str(race.id), "--yes"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.get(Race, race.id).status == "archived"
    assert db.get(Race, race.id).archived_at is not None
    again = runner.invoke(args=["races", "archive", str(race.id), "--yes"])
    assert again.exit_code == 2 and "already archived" in again.output


SCRIPT = {"intro": "Hi, I'm a volunteer with the campaign.", "questions": [
    {"text": "Will you support Dana?", "kind": "scale", "van_question_id": 111},
    {"text": "Top issue?", "kind": "choice", "choices": [
        {"label": "Rent", "van_response_id": 1}, {"label": "Transit", "van_response_id": 2}]},
    {"text": "Anything else?", "kind": "text"}]}


def test_script_import_export_round_trip_keeps_ids(db, runner, tmp_path):
    org = factories.org(db, "li-wfp")
    race = factories.race(db, org, with_script=False)
    db.commit()
    source = tmp_path / "script.json"
    source.write_text(json.dumps(SCRIPT))
    result = runner.invoke(args=["races", "script", str(race.id), "--import", str(source)])
    assert result.exit_code == 0, result.output
    assert "3 questions" in result.output
    out = tmp_path / "out.json"
    assert runner.invoke(args=["races", "script", str(race.id), "--export", str(out)]).exit_code == 0
    exported = json.loads(out.read_text())
    assert exported["intro"] == SCRIPT["intro"]
    assert [q["kind"] for q in exported["questions"]] == ["scale", "choice", "text"]
    assert exported["questions"][0]["key"] == "support"
    assert len(exported["questions"][0]["choices"]) == 5
    ids = [q["id"] for q in exported["questions"]]
    # Reword the first question, drop the last: ids stay, the dropped one is retired.
    exported["questions"][0]["text"] = "Can Dana count on your vote?"
    del exported["questions"][2]
    out.write_text(json.dumps(exported))
    assert runner.invoke(args=["races", "script", str(race.id), "--import", str(out)]).exit_code == 0
    db.expire_all()
    rows = {q.id: q for q in db.scalars(sa.select(SurveyQuestion))}
    assert set(rows) == set(ids)
    assert rows[ids[0]].text == "Can Dana count on your vote?"
    assert rows[ids[2]].retired_at is not None and rows[ids[1]].retired_at is None


def test_script_bad_file_changes_nothing(db, runner, tmp_path):
    org = factories.org(db, "li-wfp")
    race = factories.race(db, org)
    db.commit()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"questions": [
        {"text": "No answers?", "kind": "choice", "choices": []},
        {"text": "Dup VAN", "kind": "choice", "choices": [
            {"label": "A", "van_response_id": 7}, {"label": "B", "van_response_id": 7}]}]}))
    result = runner.invoke(args=["races", "script", str(race.id), "--import", str(bad)])
    assert result.exit_code == 2
    assert "questions.1.choices: a question needs its answers" in result.output
    assert "VAN response id 7 is used twice in this question" in result.output
    notjson = tmp_path / "x.json"
    notjson.write_text("{nope")
    assert runner.invoke(args=["races", "script", str(race.id), "--import", str(notjson)]).exit_code == 2
    db.expire_all()
    questions = db.scalars(sa.select(SurveyQuestion)).all()
    assert [(q.text, q.retired_at) for q in questions] == [("Support?", None)]


def test_script_copy_from_another_race_of_the_chapter(db, runner):
    org = factories.org(db, "li-wfp")
    source = factories.race(db, org, "Source")
    target = factories.race(db, org, "Target", with_script=False)
    other = factories.race(db, factories.org(db, "pa-wfp"), "Elsewhere", with_script=False)
    db.commit()
    result = runner.invoke(args=["races", "script", str(target.id), "--copy-from", str(source.id)])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["races", "script", str(other.id), "--copy-from", str(source.id)])
    assert refused.exit_code == 2 and "one chapter" in refused.output
    db.expire_all()
    copied = db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == target.id)).all()
    assert [(q.text, len(q.choices)) for q in copied] == [("Support?", 5)]
    assert not db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == other.id)).all()


def test_readme_walkthrough_from_an_empty_database(backend, tmp_path):
    """The README's 'From an empty install' commands, run by bash as written, in real processes."""
    import os
    import re
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    readme = (root / "README.md").read_text()
    section = readme[readme.index("### From an empty install"):]
    script = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    script = script.replace('F=".venv/bin/flask --app fieldapp"',
                            f'F="{sys.executable} -m flask --app fieldapp"')
    env = os.environ | {"DATABASE_URL": backend.empty_url(tmp_path), "FIELDAPP_CONFIG": "development",
                        "FIELDAPP_INSTANCE_PATH": str(tmp_path / "inst")}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script + '\necho "race=$RACE"\n'],
                            cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "race=1" in result.stdout
    assert "race 1 script: 4 questions" in result.stdout
    assert "1 turfs from 3 doors" in result.stdout
