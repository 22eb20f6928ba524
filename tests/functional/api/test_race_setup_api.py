"""Races and scripts through the API: create, edit, archive, script with history kept."""
from __future__ import annotations

import sqlalchemy as sa

from fieldapp.races.models import Race, SurveyQuestion
from tests.world import knock


def test_create_edit_and_archive_a_race(client, db, world):
    headers = world.headers("organizer")
    created = client.post("/api/v1/races", headers=headers, json={
        "name": "Council 5", "office": "City Council", "election_date": "2027-11-02",
        "ocd_division_id": "ocd-division/country:us/state:ny/place:new_york/council_district:5",
        "door_goal": 5000})
    assert created.status_code == 201, created.json
    race_id = created.json["id"]
    assert created.json["org"] == "ny-wfp" and created.json["doors_per_turf"] == 50
    assert created.headers["Location"].endswith(f"/api/v1/races/{race_id}")
    edited = client.patch(f"/api/v1/races/{race_id}", headers=headers,
                          json={"candidate": "Dana Cruz", "doors_per_turf": 80})
    assert edited.status_code == 200
    assert (edited.json["candidate"], edited.json["doors_per_turf"], edited.json["door_goal"]) == \
        ("Dana Cruz", 80, 5000)
    archived = client.patch(f"/api/v1/races/{race_id}", headers=headers, json={"status": "archived"})
    assert archived.json["status"] == "archived" and archived.json["archived_at"]


def test_bad_fields_answer_422_field_by_field_and_change_nothing(client, db, world):
    headers = world.headers("organizer")
    bad = client.post("/api/v1/races", headers=headers, json={
        "name": "NY race", "election_date": "2027-13-01", "ocd_division_id": "ocd-division/us/ny",
        "door_goal": -1, "doors_per_turf": 5, "colour": "red"})
    assert bad.status_code == 422
    fields = bad.json["error"]["fields"]
    assert set(fields) == {"election_date", "ocd_division_id", "door_goal", "doors_per_turf", "colour"}
    dup = client.post("/api/v1/races", headers=headers, json={"name": "ny RACE"})
    assert dup.status_code == 422 and "name" in dup.json["error"]["fields"]
    patch = client.patch(f"/api/v1/races/{world.race}", headers=headers,
                         json={"name": "Renamed", "door_goal": "lots"})
    assert patch.status_code == 422 and set(patch.json["error"]["fields"]) == {"door_goal"}
    db.expire_all()
    assert db.get(Race, world.race).name == "NY race"
    assert db.scalar(sa.select(sa.func.count()).select_from(Race)) == 2


def test_only_the_chapters_organizers(client, db, world):
    assert client.post("/api/v1/races", headers=world.headers("vol1"), json={"name": "X"}).status_code == 403
    assert client.post("/api/v1/races", headers=world.headers("pa_organizer"),
                       json={"name": "X", "org": "ny-wfp"}).status_code == 403
    assert client.patch(f"/api/v1/races/{world.race}", headers=world.headers("pa_organizer"),
                        json={"door_goal": 1}).status_code == 403
    assert client.put(f"/api/v1/races/{world.race}/script", headers=world.headers("vol1"),
                      json={"questions": []}).status_code == 403
    assert client.post("/api/v1/races", json={"name": "X"}).status_code == 401


def test_retired_answers_leave_the_phone_but_queued_knocks_are_accepted(client, db, world):
    headers = world.headers("organizer")
    # vol1 downloads the turf: the script has the 1-5 support question.
    walk = client.get(f"/api/v1/turfs/{world.turf}", headers=world.headers("vol1")).json
    support = walk["script"][0]
    assert support["id"] == world.question and len(support["choices"]) == 5
    # Mid-shift the organizer rewords it, drops answer "5" and adds a multiple-choice question.
    script = client.get(f"/api/v1/races/{world.race}/script", headers=headers).json
    script["intro"] = "Hi! I'm with the campaign."
    script["questions"][0]["text"] = "Can we count on you?"
    script["questions"][0]["kind"] = "multi"
    script["questions"][0]["choices"].pop()
    script["questions"].append({"text": "Issues?", "kind": "multi", "choices": [
        {"label": "Rent", "van_response_id": 11}, {"label": "Schools", "van_response_id": 12}]})
    refused = client.put(f"/api/v1/races/{world.race}/script", headers=headers, json=script)
    assert refused.status_code == 422  # a question with answers cannot change kind
    assert "questions.1.kind" in refused.json["error"]["fields"]
    script["questions"][0]["kind"] = support["kind"]
    saved = client.put(f"/api/v1/races/{world.race}/script", headers=headers, json=script)
    assert saved.status_code == 200, saved.json
    assert saved.json["questions"][0]["id"] == world.question
    # The phone now sees the intro, the reworded question without "5", and the new question.
    walk2 = client.get(f"/api/v1/turfs/{world.turf}", headers=world.headers("vol1")).json
    assert walk2["intro"] == "Hi! I'm with the campaign."
    assert walk2["script"][0]["text"] == "Can we count on you?"
    assert [c["label"] for c in walk2["script"][0]["choices"]] == ["1", "2", "3", "4"]
    issues = walk2["script"][1]
    # A knock queued before the edit, answering the retired "5", is still accepted.
    old = knock(world.doors[0], "contact",
                answers={str(world.question): support["choices"][4]["id"]})
    assert client.post("/api/v1/knocks", headers=world.headers("vol1"), json=old).status_code == 201
    both = ",".join(str(c["id"]) for c in issues["choices"])
    new = knock(world.doors[1], "contact", answers={str(issues["id"]): both})
    assert client.post("/api/v1/knocks", headers=world.headers("vol1"), json=new).status_code == 201
    wrong = knock(world.doors[2], "contact", answers={str(issues["id"]): f"{both},99999"})
    # Not an answer of this script: never stored as a fact (refused, or held for review).
    assert client.post("/api/v1/knocks", headers=world.headers("vol1"), json=wrong).status_code in (202, 422)
    with_retired = client.get(f"/api/v1/races/{world.race}/script?retired=1", headers=headers).json
    assert with_retired["questions"][0]["choices"][4]["retired"] is True


def test_script_bad_input_changes_nothing(client, db, world):
    headers = world.headers("organizer")
    bad = client.put(f"/api/v1/races/{world.race}/script", headers=headers, json={"questions": [
        {"text": "Empty", "kind": "choice", "choices": []},
        {"text": "", "kind": "essay"},
        {"text": "Dup", "kind": "yesno", "choices": [
            {"label": "Yes", "van_response_id": 3}, {"label": "No", "van_response_id": "3"}]}]})
    assert bad.status_code == 422
    fields = bad.json["error"]["fields"]
    assert fields["questions.1.choices"] == "a question needs its answers"
    assert {"questions.2.text", "questions.2.kind", "questions.3.choices.2.van_response_id"} <= set(fields)
    db.expire_all()
    questions = db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == world.race)).all()
    assert [(q.text, q.retired_at) for q in questions] == [("Support?", None)]


def test_copy_a_script_within_the_chapter_only(client, db, world):
    created = client.post("/api/v1/races", headers=world.headers("organizer"), json={"name": "New"})
    new_id = created.json["id"]
    copied = client.put(f"/api/v1/races/{new_id}/script", headers=world.headers("organizer"),
                        json={"copy_from": world.race})
    assert copied.status_code == 200
    assert [q["text"] for q in copied.json["questions"]] == ["Support?"]
    assert copied.json["questions"][0]["id"] != world.question
    other = client.put(f"/api/v1/races/{new_id}/script", headers=world.headers("organizer"),
                       json={"copy_from": world.other_race})
    assert other.status_code == 403
