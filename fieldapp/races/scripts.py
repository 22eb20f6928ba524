"""A race's script: intro and survey questions, saved whole without ever rewriting history.

`save_script` takes the script as plain data (what the editor page, the API, the JSON import
and the copy all produce) and brings the stored script to it:
- an item with the id of one of this race's questions/answers updates that row in place (a
  reworded question keeps its id, so knocks that answered it keep pointing at it);
- an item without an id is new;
- a stored question/answer left out is retired: hidden from the phone, kept for reports,
  exports and knocks still queued on phones (the knock check reads the whole script).
Nothing is written unless the whole script is valid.

Spanish (`intro_es`, `text_es`, `label_es`) is optional and sits beside the English on the same
rows: an answer is the same answer (id, value, VAN id) whichever language the canvasser showed.
English is required wherever Spanish is given. A piece left without Spanish shows in English
on a phone set to Spanish, answer by answer (a scale's "1".."5" need none).
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from fieldapp.errors import DomainError
from fieldapp.models_base import utcnow
from fieldapp.races.models import QUESTION_KINDS, Race, SurveyChoice, SurveyQuestion

FORMAT = "fieldapp-script/1"
MAX_QUESTIONS, MAX_CHOICES, MAX_INTRO = 50, 30, 5000
DEFAULT_CHOICES = {
    "scale": ["1 - Strong support", "2 - Lean support", "3 - Undecided", "4 - Lean oppose",
              "5 - Strong oppose"],
    "yesno": ["Yes", "No"],
}
# Given to the default answers when their question has a Spanish text.
DEFAULT_CHOICES_ES = {
    "scale": ["1 - Apoya totalmente", "2 - Se inclina a apoyar", "3 - Indeciso",
              "4 - Se inclina en contra", "5 - Totalmente en contra"],
    "yesno": ["Sí", "No"],
}
SPANISH_TOO = "English is required: write it too (the Spanish is optional)"


def export_script(race: Race, *, include_retired: bool = False) -> dict[str, Any]:
    """The script as JSON-ready data, ids included (an import into the same race keeps them)."""
    def live(items):
        return [i for i in items if include_retired or i.retired_at is None]

    return {
        "format": FORMAT, "race_id": race.id, "race": race.name, "intro": race.script_intro,
        "intro_es": race.script_intro_es,
        "questions": [
            {"id": q.id, "key": q.key, "text": q.text, "text_es": q.text_es, "kind": q.kind,
             "van_question_id": q.van_question_id,
             **({"retired": True} if q.retired_at else {}),
             "choices": [{"id": c.id, "label": c.label, "label_es": c.label_es, "value": c.value,
                          "van_response_id": c.van_response_id,
                          **({"retired": True} if c.retired_at else {})}
                         for c in live(q.choices)]}
            for q in live(race.questions)],
    }


def without_ids(script: dict[str, Any]) -> dict[str, Any]:
    """The same script as all-new questions and answers (a copy into another race)."""
    return {"intro": script.get("intro", ""), "intro_es": script.get("intro_es", ""), "questions": [
        {**{k: v for k, v in q.items() if k not in ("id", "key")},
         "choices": [{k: v for k, v in c.items() if k != "id"} for c in q.get("choices") or []]}
        for q in script.get("questions") or [] if not q.get("retired")]}


def for_import(race: Race, data: Any) -> dict[str, Any]:
    """A script file read for `race`: ids kept only when the file was exported from it."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise DomainError("A script file is a JSON object with a list of \"questions\".",
                          {"questions": "must be a list"})
    if data.get("race_id") != race.id:
        return without_ids(data)
    return data


def copy_script(db: Session, source: Race, target: Race) -> None:
    """Replace target's script by a copy of source's current one (same chapter only)."""
    if source.organization_id != target.organization_id:
        raise DomainError("Scripts can be copied only between races of one chapter.",
                          {"source": "a race of another chapter"})
    if source.id == target.id:
        raise DomainError("Choose another race to copy from.", {"source": "this same race"})
    save_script(db, target, without_ids(export_script(source)))


def save_script(db: Session, race: Race, data: Any) -> None:
    """Bring race's script to `data` ({intro, questions: [...]}, in order); flush, no commit."""
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        raise DomainError("A script is a JSON object.", {"script": "must be an object"})
    intro = data.get("intro") or ""
    if not isinstance(intro, str) or len(intro) > MAX_INTRO:
        errors["intro"] = f"text of at most {MAX_INTRO} characters"
    intro_es = data.get("intro_es") or ""
    if not isinstance(intro_es, str) or len(intro_es) > MAX_INTRO:
        errors["intro_es"] = f"text of at most {MAX_INTRO} characters"
    elif intro_es.strip() and isinstance(intro, str) and not intro.strip():
        errors["intro"] = SPANISH_TOO
    raw = data.get("questions")
    if not isinstance(raw, list):
        raise DomainError("The script's questions must be a list.", {"questions": "must be a list"})
    if len(raw) > MAX_QUESTIONS:
        errors["questions"] = f"at most {MAX_QUESTIONS} questions"
    stored = {q.id: q for q in race.questions}
    plan = [_check_question(i, q, stored, errors) for i, q in enumerate(raw)]
    _check_repeats(plan, errors)
    if errors:
        first = next(iter(errors.items()))
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DomainError(f"The script was not saved: {first[0]}: {first[1]}{more}.", errors)
    race.script_intro_es = intro_es.strip()
    _apply(db, race, intro.strip(), plan, stored)


def _label(value: Any, limit: int) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value if 0 < len(value) <= limit else None


def _spanish(item: dict, key: str, limit: int, english: str | None, where: str,
             errors: dict) -> str:
    """The optional Spanish of one piece ('' when none); English must be there beside it."""
    value = item.get(key)
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        return ""
    spanish = _label(value, limit)
    if spanish is None:
        errors[f"{where}.{key}"] = f"Spanish text of at most {limit} characters"
        return ""
    if english is None:
        errors.setdefault(f"{where}.{'text' if key == 'text_es' else 'label'}", SPANISH_TOO)
    return spanish


def _van(value: Any) -> int | bool | None:
    """A VAN id as int, None when blank, False when not a positive whole number."""
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return False
    return value


def _check_question(i: int, q: Any, stored: dict, errors: dict) -> dict:
    """One question checked; returns its plan (errors are added to `errors`)."""
    where = f"questions.{i + 1}"
    if not isinstance(q, dict):
        errors[where] = "must be an object"
        return {}
    qid, kind = q.get("id"), q.get("kind", "choice")
    text = _label(q.get("text"), 500)
    text_es = _spanish(q, "text_es", 500, text, where, errors)
    if text is None:
        errors.setdefault(f"{where}.text", "write the question (1-500 characters)")
    if kind not in QUESTION_KINDS:
        errors[f"{where}.kind"] = "one of " + ", ".join(QUESTION_KINDS)
    if qid is not None and qid not in stored:
        errors[f"{where}.id"] = "not a question of this race's script"
    elif qid is not None and stored[qid].kind != kind and kind in QUESTION_KINDS:
        errors[f"{where}.kind"] = ("a question with answers cannot change kind: remove it and "
                                   "add a new one")
    van = _van(q.get("van_question_id"))
    if van is False:
        errors[f"{where}.van_question_id"] = "a VAN survey question id is a positive whole number"
    choices = _check_choices(where, kind, q.get("choices") or [],
                             stored[qid].choices if qid in stored else [], errors, bool(text_es))
    return {"id": qid, "text": text, "text_es": text_es, "kind": kind, "van": van or None,
            "choices": choices}


def _check_choices(where: str, kind: str, raw: Any, stored_choices: list, errors: dict,
                   spanish: bool = False) -> list:
    if not isinstance(raw, list):
        errors[f"{where}.choices"] = "must be a list"
        return []
    if kind == "text":
        if raw:
            errors[f"{where}.choices"] = "a free-text question has no answers to choose"
        return []
    if not raw and kind in DEFAULT_CHOICES and not stored_choices:
        raw = [{"label": label, **({"label_es": es} if spanish else {})}
               for label, es in zip(DEFAULT_CHOICES[kind], DEFAULT_CHOICES_ES[kind], strict=True)]
    known = {c.id for c in stored_choices}
    plan, vans = [], set()
    for j, c in enumerate(raw[:MAX_CHOICES + 1]):
        at = f"{where}.choices.{j + 1}"
        c = {"label": c} if isinstance(c, str) else c
        if not isinstance(c, dict):
            errors[at] = "must be an object"
            continue
        label = _label(c.get("label"), 200)
        label_es = _spanish(c, "label_es", 200, label, at, errors)
        if label is None:
            errors.setdefault(f"{at}.label", "write the answer (1-200 characters)")
        if c.get("id") is not None and c.get("id") not in known:
            errors[f"{at}.id"] = "not an answer of this question"
        van = _van(c.get("van_response_id"))
        if van is False:
            errors[f"{at}.van_response_id"] = "a VAN response id is a positive whole number"
        elif van is not None and van in vans:
            errors[f"{at}.van_response_id"] = f"VAN response id {van} is used twice in this question"
        vans.add(van)
        plan.append({"id": c.get("id"), "label": label, "label_es": label_es, "van": van or None})
    if len(raw) > MAX_CHOICES:
        errors[f"{where}.choices"] = f"at most {MAX_CHOICES} answers"
    elif not raw:
        errors[f"{where}.choices"] = "a question needs its answers"
    elif kind == "scale" and len(raw) != 5:
        errors[f"{where}.choices"] = "a support scale has exactly 5 answers (1 to 5)"
    elif kind in ("choice", "multi", "yesno") and len(raw) < 2:
        errors[f"{where}.choices"] = "give at least two answers to choose from"
    labels = [p["label"].lower() for p in plan if p["label"]]
    if len(set(labels)) < len(labels):
        errors.setdefault(f"{where}.choices", "two answers have the same wording")
    spanish_labels = [p["label_es"].lower() for p in plan if p["label_es"]]
    if len(set(spanish_labels)) < len(spanish_labels):
        errors.setdefault(f"{where}.choices", "two answers have the same Spanish wording")
    return plan


def _check_repeats(plan: list[dict], errors: dict) -> None:
    """The same id twice, or one VAN question id on two questions."""
    ids = [p.get("id") for p in plan if p.get("id") is not None]
    if len(set(ids)) < len(ids):
        errors["questions"] = "the same question appears twice"
    vans = [p.get("van") for p in plan if p.get("van")]
    if len(set(vans)) < len(vans):
        errors["questions.van_question_id"] = "two questions have the same VAN survey question id"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "q"


def _new_key(kind: str, text: str, keys: set[str]) -> str:
    """A stable key: 'support' for the first scale (the reports' support figures read it)."""
    base = "support" if kind == "scale" else _slug(text)
    key, n = base, 2
    while key in keys:
        key, n = f"{base}_{n}", n + 1
    keys.add(key)
    return key


def _apply(db: Session, race: Race, intro: str, plan: list[dict], stored: dict) -> None:
    now = utcnow()
    race.script_intro = intro
    keys = {q.key for q in stored.values()}
    kept = set()
    for position, p in enumerate(plan):
        question = stored.get(p["id"])
        if question is None:
            question = SurveyQuestion(race=race, key=_new_key(p["kind"], p["text"], keys),
                                      kind=p["kind"], text=p["text"])
            db.add(question)
        kept.add(id(question))
        question.position, question.text, question.retired_at = position, p["text"], None
        question.text_es = p["text_es"]
        question.van_question_id = p["van"]
        _apply_choices(question, p["choices"], now)
    for question in stored.values():
        if id(question) not in kept and question.retired_at is None:
            question.retired_at = now
    retired_first = sorted(race.questions, key=lambda q: (q.retired_at is not None, q.position))
    for position, question in enumerate(retired_first):
        question.position = position
    db.flush()


def _apply_choices(question: SurveyQuestion, plan: list[dict], now) -> None:
    by_id = {c.id: c for c in question.choices}
    values = {c.value for c in question.choices}
    kept = set()
    for position, p in enumerate(plan):
        choice = by_id.get(p["id"])
        if choice is None:
            value = str(position + 1) if question.kind == "scale" else _slug(p["label"])[:60]
            base, n = value, 2
            while value in values:
                value, n = f"{base}_{n}", n + 1
            values.add(value)
            choice = SurveyChoice(value=value, label=p["label"])
            question.choices.append(choice)
        kept.add(id(choice))
        choice.position, choice.label, choice.retired_at = position, p["label"], None
        choice.label_es = p["label_es"]
        choice.van_response_id = p["van"]
    for choice in question.choices:
        if id(choice) not in kept and choice.retired_at is None:
            choice.retired_at = now
    live = [c for c in question.choices if id(c) in kept]
    for position, choice in enumerate(live + [c for c in question.choices if id(c) not in kept]):
        choice.position = position
