"""Conversations with several people: per-person answers, people met at the door added once,
merged with an imported voter, and what the exports make of them."""
from __future__ import annotations

import csv
import io
import uuid

import sqlalchemy as sa

from fieldapp.knocklog.models import DoorKnock
from fieldapp.races.models import SurveyQuestion
from fieldapp.voters.models import Voter
from tests.world import knock


def _voters(db, door_id):
    return list(db.scalars(sa.select(Voter).where(Voter.household_id == door_id)
                           .order_by(Voter.id)))


def _rows(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _van_script(db, world):
    question = db.get(SurveyQuestion, world.question)
    question.van_question_id = 900
    for number, choice in enumerate(question.choices, start=1):
        choice.van_response_id = 9000 + number
    db.commit()
    return question


def test_two_voters_each_with_their_answers(db, client, auth, world):
    question = _van_script(db, world)
    ana, bo = _voters(db, world.doors[0])
    first, second = question.choices[0], question.choices[4]
    body = knock(world.doors[0], "contact", talked_to=[
        {"voter_id": ana.id, "answers": {str(question.id): first.id}},
        {"voter_id": bo.id, "answers": {str(question.id): second.id}}])
    headers = world.headers("vol1")
    answer = client.post("/api/v1/knocks", headers=headers, json=body)
    assert answer.status_code == 201, answer.json
    assert [p["voter_id"] for p in answer.json["talked_to"]] == [ana.id, bo.id]
    assert client.post("/api/v1/knocks", headers=headers, json=body).status_code == 200
    assert db.scalar(sa.select(sa.func.count(DoorKnock.id))) == 1
    auth.login("org@example.org")
    survey = _rows(client, f"/races/{world.race}/export/survey-van.csv")
    assert [(r["vanid"], r["surveyquestionid"], r["surveyresponseid"]) for r in survey] == [
        (ana.external_id, "900", "9001"), (bo.external_id, "900", "9005")]
    van = _rows(client, f"/races/{world.race}/export/knocks-van.csv")
    assert sorted(r["vanid"] for r in van) == sorted([ana.external_id, bo.external_id])
    plain = _rows(client, f"/races/{world.race}/export/knocks.csv")[0]
    assert plain["talked_to"] == (f"{ana.name} ({ana.external_id}): {question.text}: {first.label}"
                                  f" | {bo.name} ({bo.external_id}): {question.text}: "
                                  f"{second.label}")


def test_a_person_met_at_the_door_is_added_once_and_merged(db, client, auth, world):
    question = _van_script(db, world)
    listed = _voters(db, world.doors[1])[0]
    person = {"client_uuid": str(uuid.uuid4()), "first_name": "Rosa", "last_name": "Diaz",
              "phone": "555-0100", "email": "rosa@example.org"}
    body = knock(world.doors[1], "contact", talked_to=[
        {"person": person, "answers": {str(question.id): question.choices[1].id}}])
    headers = world.headers("vol1")
    batch = client.post("/api/v1/knocks/batch", headers=headers, json={"knocks": [body, body]})
    assert [r["status"] for r in batch.json["results"]] == ["created", "duplicate"]
    again = client.post("/api/v1/knocks/batch", headers=headers, json={"knocks": [body]})
    assert again.json["results"][0]["status"] == "duplicate"
    added = db.scalars(sa.select(Voter).where(Voter.added_by_id.is_not(None))).all()
    assert [(v.first_name, v.phone, v.household_id) for v in added] == [
        ("Rosa", "555-0100", world.doors[1])]
    auth.login("org@example.org")
    page = client.get(f"/races/{world.race}/field-added")
    assert page.status_code == 200 and "Rosa Diaz" in page.get_data(as_text=True)
    plain = _rows(client, f"/races/{world.race}/export/knocks.csv")[0]
    assert plain["talked_to"].startswith("Rosa Diaz (added in the field): ")
    assert _rows(client, f"/races/{world.race}/export/survey-van.csv") == []  # no VAN id yet
    merge = f"/races/{world.race}/field-added/{added[0].id}/merge"
    assert client.post(merge, data={"into": "V-nobody"}).status_code == 422
    assert db.get(Voter, added[0].id).merged_into_id is None
    assert client.post(merge, data={"into": listed.external_id}).status_code == 302
    survey = _rows(client, f"/races/{world.race}/export/survey-van.csv")
    assert [(r["vanid"], r["surveyresponseid"]) for r in survey] == [(listed.external_id, "9002")]
    assert "Merged with" in client.get(f"/races/{world.race}/field-added").get_data(as_text=True)


def test_talked_needs_a_person_or_someone_else(db, client, world):
    headers = world.headers("vol1")
    refused = client.post("/api/v1/knocks", headers=headers,
                          json=knock(world.doors[2], "contact", talked_to=[]))
    assert refused.status_code == 422
    assert "someone else" in refused.json["error"]["fields"]["talked_to"]
    bad = client.post("/api/v1/knocks", headers=headers, json=knock(
        world.doors[2], "contact", talked_to=[{"person": {"client_uuid": str(uuid.uuid4()),
                                                          "email": "not-an-address"}}]))
    assert bad.status_code == 422 and "talked_to.0.person.first_name" in bad.json["error"]["fields"]
    not_home = client.post("/api/v1/knocks", headers=headers, json=knock(
        world.doors[2], "not_home", someone_else=True))
    assert not_home.status_code == 422
    assert db.scalar(sa.select(sa.func.count(DoorKnock.id))) == 0
    assert db.scalar(sa.select(sa.func.count(Voter.id)).where(Voter.added_by_id.is_not(None))) == 0
    ok = client.post("/api/v1/knocks", headers=headers,
                     json=knock(world.doors[2], "contact", someone_else=True))
    assert ok.status_code == 201 and ok.json["someone_else"] is True


def test_a_voter_of_another_door_is_held_not_lost(db, client, world):
    stranger = _voters(db, world.doors[4])[0]
    answer = client.post("/api/v1/knocks", headers=world.headers("vol1"), json=knock(
        world.doors[3], "contact", talked_to=[{"voter_id": stranger.id}]))
    assert answer.status_code == 202 and "talked_to.0.voter_id" in answer.json["reason"]


def test_older_phones_single_voter_knocks_still_accepted(db, client, auth, world):
    voter = _voters(db, world.doors[5])[0]
    answer = client.post("/api/v1/knocks", headers=world.headers("vol1"), json=knock(
        world.doors[5], "contact", voter_id=voter.id,
        answers={str(world.question): world.choices[0]}))
    assert answer.status_code == 201 and answer.json["talked_to"] is None
    bare = client.post("/api/v1/knocks", headers=world.headers("vol1"),
                       json=knock(world.doors[5], "contact"))
    assert bare.status_code == 201  # queued before "someone else" existed


def test_field_added_pages_are_for_the_chapters_organizers(db, client, auth, world):
    for who in ("vol1@example.org", "pa@example.org"):
        auth.login(who)
        assert client.get(f"/races/{world.race}/field-added").status_code == 403
        assert client.post(f"/races/{world.race}/field-added/1/merge",
                           data={"into": "x"}).status_code == 403
        auth.logout()


def test_a_unit_missing_from_the_list_is_added_once_with_its_people(db, client, auth, world):
    from fieldapp.voters.models import Household

    anchor = db.get(Household, world.doors[0])
    door = {"client_uuid": str(uuid.uuid4()), "unit": "3B"}
    person = {"client_uuid": str(uuid.uuid4()), "first_name": "Lee"}
    body = knock(world.doors[0], "contact", new_door=door, talked_to=[{"person": person}])
    headers = world.headers("vol1")
    first = client.post("/api/v1/knocks", headers=headers, json=body)
    assert first.status_code == 201, first.json
    assert client.post("/api/v1/knocks", headers=headers, json=body).status_code == 200
    added = db.scalars(sa.select(Household).where(Household.added_by_id.is_not(None))).all()
    assert [(d.address_line, d.unit, d.turf_id) for d in added] == [
        (anchor.address_line, "3B", anchor.turf_id)]
    assert first.json["household_id"] == added[0].id
    [lee] = db.scalars(sa.select(Voter).where(Voter.added_by_id.is_not(None))).all()
    assert lee.household_id == added[0].id
    # a listed voter cannot be at a new door; a new door needs a unit or an address
    listed = _voters(db, world.doors[0])[0]
    for bad in ({"client_uuid": str(uuid.uuid4())},
                {"client_uuid": "x", "unit": "4"}):
        answer = client.post("/api/v1/knocks", headers=headers,
                             json=knock(world.doors[0], "not_home", new_door=bad))
        assert answer.status_code == 422
    answer = client.post("/api/v1/knocks", headers=headers, json=knock(
        world.doors[0], "contact", new_door={"client_uuid": str(uuid.uuid4()), "unit": "9"},
        talked_to=[{"voter_id": listed.id}]))
    assert answer.status_code == 422 and "new_door" in answer.json["error"]["fields"]
    assert db.scalar(sa.select(sa.func.count(Household.id)).where(
        Household.added_by_id.is_not(None))) == 1
    auth.login("org@example.org")
    page = client.get(f"/races/{world.race}/field-added").get_data(as_text=True)
    assert "3B" in page and "Lee" in page


def test_a_merged_person_is_listed_once_on_the_phone(db, client, auth, world):
    listed = _voters(db, world.doors[1])[0]
    person = {"client_uuid": str(uuid.uuid4()), "first_name": "Rosa"}
    assert client.post("/api/v1/knocks", headers=world.headers("vol1"), json=knock(
        world.doors[1], "contact", talked_to=[{"person": person}])).status_code == 201
    rosa = db.scalar(sa.select(Voter).where(Voter.added_by_id.is_not(None)))

    def names():
        turf = client.get(f"/api/v1/turfs/{world.turf}", headers=world.headers("vol1")).json
        door = next(d for d in turf["households"] if d["id"] == world.doors[1])
        return [v["name"] for v in door["voters"]]

    assert "Rosa" in names()
    auth.login("org@example.org")
    assert client.post(f"/races/{world.race}/field-added/{rosa.id}/merge",
                       data={"into": listed.external_id}).status_code == 302
    auth.logout()
    assert "Rosa" not in names() and listed.name in names()
