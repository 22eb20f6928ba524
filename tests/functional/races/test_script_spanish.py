"""A race's script in Spanish: saved beside the English by the editor, the JSON files, the CLI
and the API; English required wherever Spanish is given; on the phone's walk list offline."""
from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from fieldapp.errors import DomainError
from fieldapp.races import scripts
from fieldapp.races.models import Race, SurveyQuestion
from tests import factories
from tests.world import knock

SPANISH = {"intro": "Hi, I'm with the campaign.", "intro_es": "Hola, soy de la campaña.",
           "questions": [
               {"text": "Top issue?", "text_es": "¿Qué tema le importa más?", "kind": "choice",
                "choices": [{"label": "Rent", "label_es": "La renta", "van_response_id": 1},
                            {"label": "Transit", "van_response_id": 2},
                            {"label": "Schools", "label_es": "Escuelas"}]},
               {"text": "Yard sign?", "text_es": "¿Un letrero para su jardín?", "kind": "yesno"},
               {"text": "Support?", "kind": "scale"}]}


def _race(db, with_script=False) -> Race:
    org = factories.org(db, "pa-wfp")
    factories.user(db, "admin@example.org", org, "admin")
    race = factories.race(db, org, with_script=with_script)
    db.commit()
    return race


def _live(db, race_id: int) -> list[SurveyQuestion]:
    db.expire_all()
    return db.scalars(sa.select(SurveyQuestion).where(SurveyQuestion.race_id == race_id,
                                                      SurveyQuestion.retired_at.is_(None))
                      .order_by(SurveyQuestion.position)).all()


def test_spanish_is_saved_beside_the_english_and_kept_by_rewording(db):
    race = _race(db)
    scripts.save_script(db, race, SPANISH)
    db.commit()
    issue, sign, support = _live(db, race.id)
    assert db.get(Race, race.id).script_intro_es == "Hola, soy de la campaña."
    assert issue.text_es == "¿Qué tema le importa más?"
    assert [(c.label, c.label_es) for c in issue.choices] == [
        ("Rent", "La renta"), ("Transit", ""), ("Schools", "Escuelas")]
    # default answers get their Spanish when the question has some; a question without gets none
    assert [(c.label, c.label_es) for c in sign.choices] == [("Yes", "Sí"), ("No", "No")]
    assert support.text_es == "" and {c.label_es for c in support.choices} == {""}
    exported = scripts.export_script(db.get(Race, race.id))
    rent_id = issue.choices[0].id
    exported["questions"][0]["text_es"] = "¿Qué es lo más importante para usted?"
    exported["questions"][0]["choices"][0]["label_es"] = "El alquiler"
    exported["questions"][0]["choices"].pop()  # Schools retired: stays retired, Spanish kept
    scripts.save_script(db, db.get(Race, race.id), exported)
    db.commit()
    issue = _live(db, race.id)[0]
    assert issue.text_es == "¿Qué es lo más importante para usted?"
    assert [(c.id, c.value, c.label_es, c.retired_at is None) for c in issue.choices] == [
        (rent_id, "rent", "El alquiler", True), (issue.choices[1].id, "transit", "", True),
        (issue.choices[2].id, "schools", "Escuelas", False)]


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"intro": "", "intro_es": "Hola"}, "intro", "English is required"),
    ({"questions": [{"text": "", "text_es": "¿Sí?", "kind": "yesno"}]},
     "questions.1.text", "English is required"),
    ({"questions": [{"text": "Issue?", "kind": "choice", "choices": [
        {"label": "Rent"}, {"label": "", "label_es": "Transporte"}]}]},
     "questions.1.choices.2.label", "English is required"),
    ({"questions": [{"text": "Issue?", "kind": "choice", "choices": [
        {"label": "Rent", "label_es": "Renta"}, {"label": "Rents", "label_es": "renta"}]}]},
     "questions.1.choices", "same Spanish wording"),
    ({"questions": [{"text": "Issue?", "text_es": "x" * 501, "kind": "yesno"}]},
     "questions.1.text_es", "at most 500"),
    ({"intro_es": 5}, "intro_es", "at most"),
])
def test_spanish_without_english_or_too_long_changes_nothing(db, change, field, message):
    race = _race(db, with_script=True)
    with pytest.raises(DomainError) as caught:
        scripts.save_script(db, race, {**SPANISH, **change})
    assert message in caught.value.fields[field]
    db.rollback()
    assert [q.text for q in _live(db, race.id)] == ["Support?"]


def test_editor_shows_and_saves_spanish_rewords_and_retires(client, auth, db):
    race = _race(db)
    scripts.save_script(db, race, SPANISH)
    db.commit()
    issue, sign, support = _live(db, race.id)
    auth.login("admin@example.org")
    page = client.get(f"/races/{race.id}/script").get_data(as_text=True)
    assert "Spanish (optional)" in page and 'id="spanish-help"' in page
    assert 'name="q1-text_es" value="¿Qué tema le importa más?"' in page
    assert 'name="q1-c1-label_es" value="La renta"' in page and 'Hola, soy de la campaña.' in page
    form = {"intro": "Hello!", "intro_es": "¡Hola!",
            "q1-id": str(issue.id), "q1-text": "Top issue?", "q1-text_es": "¿El tema principal?",
            "q1-kind": "choice", "q1-c1-id": str(issue.choices[0].id), "q1-c1-label": "Rent",
            "q1-c1-label_es": "Alquiler", "q1-c2-id": str(issue.choices[1].id),
            "q1-c2-label": "Transit", "q1-c2-label_es": "Transporte",
            "q1-c3-id": str(issue.choices[2].id), "q1-c3-label": "Schools",
            "q1-c3-label_es": "Escuelas", "q1-c4-label": "Health", "q1-c4-label_es": "Salud",
            "q2-id": str(sign.id), "q2-text": "Yard sign?", "q2-kind": "yesno", "q2-remove": "1",
            "q3-id": str(support.id), "q3-text": "Support?", "q3-kind": "scale"}
    for j, choice in enumerate(support.choices, start=1):
        form |= {f"q3-c{j}-id": str(choice.id), f"q3-c{j}-label": choice.label}
    saved = client.post(f"/races/{race.id}/script", data=form)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    issue, support = _live(db, race.id)
    assert db.get(SurveyQuestion, sign.id).retired_at is not None
    assert issue.text_es == "¿El tema principal?" and db.get(Race, race.id).script_intro_es == "¡Hola!"
    assert [c.label_es for c in issue.current_choices] == ["Alquiler", "Transporte", "Escuelas",
                                                           "Salud"]
    # A new answer in Spanish only: said, not dropped; nothing changes.
    form |= {"q1-c5-label": "", "q1-c5-label_es": "Vivienda", "intro_es": "changed"}
    del form["q2-id"], form["q2-text"], form["q2-kind"], form["q2-remove"]
    form["q1-c4-id"] = str(issue.choices[3].id)
    bad = client.post(f"/races/{race.id}/script", data=form)
    assert bad.status_code == 422
    assert "English is required" in bad.get_data(as_text=True)
    assert 'value="Vivienda"' in bad.get_data(as_text=True)
    db.expire_all()
    assert db.get(Race, race.id).script_intro_es == "¡Hola!"


def test_json_round_trip_carries_spanish_and_old_files_still_import(client, auth, db, runner,
                                                                    tmp_path):
    race = _race(db)
    org = db.get(Race, race.id).organization
    target = factories.race(db, org, "Target", with_script=False)
    db.commit()
    scripts.save_script(db, db.get(Race, race.id), SPANISH)
    db.commit()
    auth.login("admin@example.org")
    data = json.loads(client.get(f"/races/{race.id}/script.json").get_data(as_text=True))
    assert data["intro_es"] == "Hola, soy de la campaña."
    assert data["questions"][0]["choices"][0]["label_es"] == "La renta"
    upload = {"file": (io.BytesIO(json.dumps(data).encode()), "script.json")}
    client.post(f"/races/{target.id}/script/import", data=upload,
                content_type="multipart/form-data")
    db.expire_all()
    copied = scripts.export_script(db.get(Race, target.id))
    strip = lambda s: [(q["text"], q["text_es"], [(c["label"], c["label_es"], c["value"])  # noqa: E731
                                                  for c in q["choices"]]) for q in s["questions"]]
    assert strip(copied) == strip(data) and copied["intro_es"] == data["intro_es"]
    # CLI: the same file both ways
    out = tmp_path / "out.json"
    assert runner.invoke(args=["races", "script", str(target.id), "--export", str(out)]).exit_code == 0
    assert json.loads(out.read_text())["questions"][1]["text_es"] == "¿Un letrero para su jardín?"
    # A file written before scripts had Spanish imports as a script without it.
    old = {"intro": "Hi", "questions": [{"text": "Top issue?", "kind": "choice",
                                         "choices": [{"label": "Rent"}, {"label": "Jobs"}]}]}
    (tmp_path / "old.json").write_text(json.dumps(old))
    result = runner.invoke(args=["races", "script", str(target.id), "--import",
                                 str(tmp_path / "old.json")])
    assert result.exit_code == 0, result.output
    [issue] = _live(db, target.id)
    assert (issue.text_es, [c.label_es for c in issue.choices]) == ("", ["", ""])
    assert db.get(Race, target.id).script_intro_es == ""


def test_api_script_and_walk_list_carry_both_languages(client, db, world):
    headers = world.headers("organizer")
    walk = client.get(f"/api/v1/turfs/{world.turf}", headers=world.headers("vol1")).json
    assert walk["intro_es"] == "" and walk["script"][0]["text_es"] == ""
    script = client.get(f"/api/v1/races/{world.race}/script", headers=headers).json
    script["intro"], script["intro_es"] = "Hi", "Hola"
    script["questions"][0]["text_es"] = "¿Nos apoya?"
    script["questions"][0]["choices"][0]["label_es"] = "1 - Sí, seguro"
    saved = client.put(f"/api/v1/races/{world.race}/script", headers=headers, json=script)
    assert saved.status_code == 200, saved.json
    assert saved.json["questions"][0]["text_es"] == "¿Nos apoya?"
    walk = client.get(f"/api/v1/turfs/{world.turf}", headers=world.headers("vol1")).json
    assert walk["intro_es"] == "Hola"
    [question] = walk["script"]
    assert question["text_es"] == "¿Nos apoya?" and question["text"] == "Support?"
    assert [c["label_es"] for c in question["choices"]] == ["1 - Sí, seguro", "", "", "", ""]
    # The knock answers by id, whichever language was shown: unchanged.
    first = question["choices"][0]
    sent = client.post("/api/v1/knocks", headers=world.headers("vol1"), json=knock(
        world.doors[0], "contact", answers={str(question["id"]): first["id"]}))
    assert sent.status_code in (200, 201), sent.json


def test_demo_philadelphia_script_is_bilingual_and_passes_the_editors_rules(db):
    from fieldapp.demo.loader import _script
    from fieldapp.demo.races import DEMO_RACES, SPANISH_SCRIPT_ORGS

    assert SPANISH_SCRIPT_ORGS.issubset(spec.org_slug for spec in DEMO_RACES)
    race = _race(db)
    _script(db, race, spanish=True)
    db.commit()
    exported = scripts.export_script(db.get(Race, race.id))
    assert exported["intro_es"].startswith("Hola") and exported["intro"].startswith("Hi")
    assert all(q["text_es"] for q in exported["questions"])
    assert [c["label_es"] for c in exported["questions"][2]["choices"]] == ["Sí", "Tal vez", "No"]
    scripts.save_script(db, db.get(Race, race.id), exported)  # valid as the editor sees it
