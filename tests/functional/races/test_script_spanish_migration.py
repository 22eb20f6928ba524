"""Migration 0012 adds the script's Spanish beside the English and takes it away again,
keeping every script already written (both engines)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from fieldapp.extensions import db


def _rows(sql: str) -> list[tuple]:
    with db.engine.connect() as connection:
        return [tuple(r) for r in connection.execute(sa.text(sql))]


def test_0012_keeps_scripts_and_starts_them_without_spanish(empty_app):
    upgrade(revision="0011_user_language")
    with db.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO organization (id, slug, name, created_at) "
                                "VALUES (1, 'pa', 'PA', CURRENT_TIMESTAMP)"))
        connection.execute(sa.text(
            "INSERT INTO race (id, organization_id, name, office, candidate, door_goal, "
            "doors_per_turf, script_intro, status, district_is_synthetic, created_at) "
            "VALUES (1, 1, 'DA', '', '', 0, 50, 'Hi!', 'active', false, CURRENT_TIMESTAMP)"))
        connection.execute(sa.text(
            "INSERT INTO survey_question (id, race_id, key, position, text, kind) "
            "VALUES (1, 1, 'support', 0, 'Support?', 'yesno')"))
        connection.execute(sa.text(
            "INSERT INTO survey_choice (id, question_id, position, value, label) "
            "VALUES (1, 1, 0, 'yes', 'Yes')"))
    upgrade(revision="0012_script_spanish")
    assert _rows("SELECT script_intro, script_intro_es FROM race") == [("Hi!", "")]
    assert _rows("SELECT text, text_es FROM survey_question") == [("Support?", "")]
    assert _rows("SELECT label, label_es FROM survey_choice") == [("Yes", "")]
    with db.engine.begin() as connection:  # a new row without the column gets '' too
        connection.execute(sa.text(
            "INSERT INTO survey_choice (id, question_id, position, value, label, label_es) "
            "VALUES (2, 1, 1, 'no', 'No', 'No')"))
        connection.execute(sa.text("UPDATE survey_choice SET label_es = 'Sí' WHERE id = 1"))
    assert _rows("SELECT label_es FROM survey_choice ORDER BY id") == [("Sí",), ("No",)]
    downgrade(revision="0011_user_language")
    assert _rows("SELECT label FROM survey_choice ORDER BY id") == [("Yes",), ("No",)]
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("survey_choice")}
    assert "label_es" not in columns
    downgrade(revision="base")
