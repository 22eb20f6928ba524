"""Issue 18's "done when", in real Chromium: a volunteer whose language is Spanish walks a turf
on a 360 px phone, goes offline, logs knocks (one a conversation with answers), comes back and
the outbox syncs; at that door they switch the script from Español to English and back, and
the answers saved are the same answers. axe finds nothing on the Spanish door sheet."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from fieldapp.races import scripts
from fieldapp.races.models import SurveyChoice, SurveyQuestion
from tests import factories
from tests.e2e.a11y import axe_violations, focus_path, small_targets
from tests.e2e.conftest import login, set_offline
from tests.e2e.test_phone_walk import app_config, log_not_home, wait_for_knocks, wait_queued  # noqa: F401

VOLUNTEER = "caminante@example.org"
SCRIPT = {
    "intro": "Hi, I'm a volunteer with the campaign.",
    "intro_es": "Hola, soy voluntaria de la campaña.",
    "questions": [
        {"text": "Support?", "text_es": "¿Nos apoya?", "kind": "scale"},
        {"text": "Top issue?", "text_es": "¿Qué tema le importa más?", "kind": "choice",
         "choices": [{"label": "Rent", "label_es": "La renta"},
                     {"label": "Transit"},  # no Spanish: shown in English either way
                     {"label": "Schools", "label_es": "Escuelas"}]},
        {"text": "Yard sign?", "text_es": "¿Un letrero para su jardín?", "kind": "yesno"}]}


@pytest.fixture
def spanish_turf(db):
    """A race with a bilingual script; eight doors held by a volunteer who reads Spanish."""
    organization = factories.org(db, "pa-wfp")
    race = factories.race(db, organization, "Philadelphia", centre=(39.95, -75.16),
                          with_script=False)
    scripts.save_script(db, race, SCRIPT)
    doors = factories.households(db, race, 8, voters_each=2)
    area = factories.turf(db, race, doors, "Calle Norte")
    volunteer = factories.user(db, VOLUNTEER, organization, "volunteer")
    volunteer.language = "es"
    factories.assign(db, area, volunteer)
    db.commit()
    return {"id": area.id, "doors": [d.id for d in doors], "race": race.id}


def _labels(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "bs => bs.map(b => b.textContent.replace(/^✓ /, ''))")


def _pressed(page) -> list[str]:
    """The answers tapped in the first person's block (the language toggle is not one)."""
    return _labels(page, ".talk-person .choice[aria-pressed=true]")


def test_spanish_walk_offline_and_a_language_switch_at_the_door(db, phone, spanish_turf):
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, VOLUNTEER)
    page.goto(f"/walk/{spanish_turf['id']}")
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    page.wait_for_function("() => window.fieldapp.offlineReady", timeout=10_000)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.inner_text("#sync-now") == "Enviar ahora"  # the app's own words in Spanish
    set_offline(phone, True)

    # Door 1: not home, in Spanish, with no signal.
    log_not_home(page)
    wait_queued(page, 1)
    # Reopened with no signal: the page, its Spanish words and the bilingual script all come
    # from what the phone kept.
    page.reload()
    page.wait_for_function("() => window.fieldapp && window.fieldapp.ready")
    wait_queued(page, 1)
    assert page.evaluate("document.documentElement.lang") == "es"

    # Door 2: a conversation. The script opens in Spanish, the volunteer's language.
    page.wait_for_function("() => !window.fieldapp.walk.guarded()")
    page.click("#next-door-button")
    assert page.inner_text("#outcome-grid [data-outcome=not_home]") == "No contestó"
    assert page.inner_text("#outcome-grid [data-outcome=contact]") == "Habló con"
    page.click("#outcome-grid [data-outcome=contact]")
    page.wait_for_selector("#talk-form:not([hidden])")
    assert "¿Con quién habló?" in page.inner_text("#talk-voters")
    toggle = page.get_attribute(".script-lang", "aria-labelledby")
    assert page.inner_text(f"#{toggle}") == "Idioma del guion"
    page.click("#talk-voters .talk-voter >> nth=0")
    assert page.get_attribute(".script-lang-es", "aria-pressed") == "true"
    assert page.get_attribute(".script-lang-en", "aria-pressed") == "false"
    assert page.inner_text("#talk-questions .intro") == SCRIPT["intro_es"]
    questions = page.eval_on_selector_all(".talk-person .question", "ps => ps.map(p => p.textContent)")
    assert questions == ["¿Nos apoya?", "¿Qué tema le importa más?", "¿Un letrero para su jardín?"]
    # An answer without Spanish shows its English, marked as English for a screen reader.
    assert _labels(page, ".talk-person [role=group] >> nth=1 >> .choice") == [
        "La renta", "Transit", "Escuelas"]
    assert page.get_attribute(".talk-person .choice:text-is('Transit')", "lang") == "en"
    assert page.get_attribute(".talk-person .choice:text-is('La renta')", "lang") == "es"
    page.screenshot(path="/tmp/phone_talk_spanish.png", full_page=True)

    # The Spanish door sheet: axe, 48 px targets, the toggle inside the modal for the keyboard.
    assert axe_violations(page, "#sheet") == []
    assert [s for s in small_targets(page) if "script-lang" in s] == []
    assert page.evaluate("document.querySelector('#sheet').scrollWidth") <= 360
    assert focus_path(page, "#sheet", presses=40) == []

    page.click(".talk-person .choice:text-is('La renta')")
    page.click(".talk-person .choice:text-is('Sí')")
    assert _pressed(page) == ["La renta", "Sí"]
    # Switch to English from the keyboard (the toggle is a Tab stop of the modal sheet): the
    # same answers stay tapped, relabelled.
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.classList.contains('script-lang-en')"):
            break
    else:
        pytest.fail("the language toggle is not reachable with the keyboard")
    page.keyboard.press("Enter")
    assert page.get_attribute(".script-lang-en", "aria-pressed") == "true"
    assert page.inner_text("#talk-questions .intro") == SCRIPT["intro"]
    assert page.inner_text(".talk-person .question >> nth=1") == "Top issue?"
    assert _pressed(page) == ["Rent", "Yes"]
    page.click(".talk-person .choice:text-is('2 - Lean support')")
    # And back to Spanish: nothing lost.
    page.click(".script-lang-es")
    assert _pressed(page) == ["2 - Se inclina a apoyar", "La renta", "Sí"]
    page.fill("#talk-note", "Prefiere hablar en español")
    page.click("#talk-save")
    wait_queued(page, 2)

    # Back in signal: the outbox syncs, each knock once.
    set_offline(phone, False)
    wait_queued(page, 0, timeout=15_000)
    rows = wait_for_knocks(db, 2)
    assert sorted((k.household_id, k.outcome) for k in rows) == [
        (spanish_turf["doors"][0], "not_home"), (spanish_turf["doors"][1], "contact")]
    talked = next(k for k in rows if k.outcome == "contact")
    [person] = talked.talked_to
    values = {}
    for question_id, choice_id in person["answers"].items():
        choice = db.get(SurveyChoice, int(choice_id))
        assert choice.question_id == int(question_id)
        values[db.get(SurveyQuestion, int(question_id)).key] = choice.value
    assert values == {"support": "2", "top_issue": "rent", "yard_sign": "yes"}
    assert db.scalar(sa.select(sa.func.count()).select_from(SurveyChoice)
                     .where(SurveyChoice.retired_at.is_not(None))) == 0
    assert errors == []
