"""The script editor page's form fields <-> the plain script data that save_script takes.

Field names: intro, intro_es; q<i>-id, -text, -text_es, -kind, -van, -order, -remove;
q<i>-c<j>-id, -label, -label_es, -van, -remove (the _es fields: the optional Spanish). Blank
new rows (no id, no English, no Spanish) are the page's spare slots and are skipped; a new row
with Spanish only is kept, so the save says the English is missing instead of dropping it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

SPARE_CHOICES = 3
_Q = re.compile(r"q(\d+)-text$")
_C = re.compile(r"q(\d+)-c(\d+)-label$")


def _int_or_none(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def script_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The script the page describes, questions in their 'order' numbers (ties keep rows)."""
    rows = sorted({int(m.group(1)) for key in form if (m := _Q.match(key))})
    questions = []
    for i in rows:
        p = f"q{i}-"
        qid = _int_or_none(form.get(p + "id"))
        text, text_es = form.get(p + "text", "").strip(), form.get(p + "text_es", "").strip()
        if form.get(p + "remove") or (qid is None and not text and not text_es):
            continue
        choices = []
        for j in sorted({int(m.group(2)) for key in form if (m := _C.match(key))
                         and int(m.group(1)) == i}):
            c = f"{p}c{j}-"
            cid, label = _int_or_none(form.get(c + "id")), form.get(c + "label", "").strip()
            label_es = form.get(c + "label_es", "").strip()
            if form.get(c + "remove") or (cid is None and not label and not label_es):
                continue
            choices.append({"id": cid, "label": label, "label_es": label_es,
                            "van_response_id": form.get(c + "van", "").strip() or None})
        order = form.get(p + "order", "").strip()
        questions.append((float(order) if _is_number(order) else float(i), len(questions), {
            "id": qid, "text": text, "text_es": text_es, "kind": form.get(p + "kind", "choice"),
            "van_question_id": form.get(p + "van", "").strip() or None, "choices": choices}))
    return {"intro": form.get("intro", ""), "intro_es": form.get("intro_es", ""),
            "questions": [q for _, _, q in sorted(questions, key=lambda t: t[:2])]}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def rows_for_page(script: dict[str, Any]) -> list[dict[str, Any]]:
    """Questions to render, each with spare answer slots, then one blank new question."""
    rows = []
    for q in script.get("questions", []) + [{"id": None, "text": "", "text_es": "",
                                              "kind": "choice", "van_question_id": None,
                                              "choices": []}]:
        spare = 0 if q.get("kind") == "text" and q.get("id") else SPARE_CHOICES
        choices = list(q.get("choices") or []) + [
            {"id": None, "label": "", "label_es": "", "van_response_id": None}
            for _ in range(spare)]
        rows.append({**q, "choices": choices})
    return rows
