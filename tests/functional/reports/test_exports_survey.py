"""VAN survey responses, readable answers in the knocks CSV, and no formula injection."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from fieldapp.auth.models import User
from fieldapp.csv_safe import csv_line, safe_cell
from fieldapp.races.models import SurveyQuestion
from fieldapp.voters.models import Voter
from tests.world import knock


def _rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _script(db, race_id):
    question = db.scalar(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == race_id))
    choice = question.choices[3]  # "4"
    return question, choice


def test_survey_file_has_van_ids_for_the_named_voter(db, client, auth, world):
    question, choice = _script(db, world.race)
    question.van_question_id, choice.van_response_id = 555, 777
    other = question.choices[0]  # an answer with no VAN id: left out of the VAN file
    voter = db.scalar(sa.select(Voter).where(Voter.household_id == world.doors[1]))
    db.commit()
    headers = world.headers("vol1")
    assert client.post("/api/v1/knocks", headers=headers, json=knock(
        world.doors[1], "contact", voter_id=voter.id,
        answers={str(question.id): choice.id})).status_code == 201
    assert client.post("/api/v1/knocks", headers=headers, json=knock(
        world.doors[2], "contact", answers={str(question.id): other.id})).status_code == 201
    auth.login("org@example.org")
    rows = _rows(client.get(f"/races/{world.race}/export/survey-van.csv"))
    assert rows == [{"vanid": voter.external_id, "surveyquestionid": "555",
                     "surveyresponseid": "777", "contacttypeid": "2",
                     "datecanvassed": rows[0]["datecanvassed"],
                     "canvassedby": rows[0]["canvassedby"]}]
    # the knock naming a voter gives one VAN row (that voter); the other, both voters
    van = _rows(client.get(f"/races/{world.race}/export/knocks-van.csv"))
    assert [r["vanid"] for r in van].count(voter.external_id) == 1 and len(van) == 3


def test_knocks_csv_shows_question_and_answer_text(db, client, auth, world):
    question, choice = _script(db, world.race)
    question.text = "Will you vote for Ana?"
    choice.label = "Leaning yes"
    db.commit()
    assert client.post("/api/v1/knocks", headers=world.headers("vol1"), json=knock(
        world.doors[0], "contact", answers={str(question.id): choice.id})).status_code == 201
    auth.login("org@example.org")
    rows = _rows(client.get(f"/races/{world.race}/export/knocks.csv"))
    assert rows[0]["answers"] == "Will you vote for Ana?: Leaning yes"
    assert str(choice.id) not in rows[0]["answers"]


def test_typed_cells_are_neutralised_in_every_export(db, client, auth, world):
    # the knock parser strips a note's outer whitespace, so the note starts with "=" here
    # (a leading tab or carriage return is checked on safe_cell below)
    evil = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    question, choice = _script(db, world.race)
    question.text = evil[0]
    choice.label = evil[1]
    question.van_question_id, choice.van_response_id = 1, 2
    vol = db.scalar(sa.select(User).where(User.email == "vol1@example.org"))
    vol.name = evil[3]
    voter = db.scalar(sa.select(Voter).where(Voter.household_id == world.doors[0]))
    voter.external_id = evil[2]
    db.commit()
    assert client.post("/api/v1/knocks", headers=world.headers("vol1"), json=knock(
        world.doors[0], "contact", voter_id=voter.id, note=evil[4],
        answers={str(question.id): choice.id})).status_code == 201
    auth.login("org@example.org")
    for path in ("knocks.csv", "knocks-van.csv", "survey-van.csv"):
        text = client.get(f"/races/{world.race}/export/{path}").get_data(as_text=True)
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert cells, path
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path, cell)
        assert "'@SUM(A1)" in cells, path  # the canvasser's typed name, kept readable
    plain = _rows(client.get(f"/races/{world.race}/export/knocks.csv"))[0]
    assert plain["note"] == "'" + evil[4] and plain["voter_external_id"] == "'-2+3"


def test_safe_cell_keeps_numbers_and_plain_text():
    assert safe_cell(-73.45) == -73.45 and safe_cell(None) is None
    assert safe_cell("Main St") == "Main St" and safe_cell("") == ""
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_cell(start + "x") == "'" + start + "x"
    assert csv_line(["=1", 2]) == "'=1,2\r\n"
