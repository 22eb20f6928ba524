"""The first rounds' reference (no longer the ratio's baseline, see baseline.py): a minimal
Flask endpoint inserting one row with plain sqlite3, no auth and no checks.

Loaded by gunicorn as `knockload.minimal:minimal_app()` (with --chdir benchmarks); imports
stay light."""
from __future__ import annotations

import os
import threading

MINIMAL_SCHEMA = """CREATE TABLE IF NOT EXISTS knock (
    id INTEGER PRIMARY KEY, client_uuid TEXT NOT NULL UNIQUE, household_id INTEGER NOT NULL,
    outcome TEXT NOT NULL, knocked_at TEXT NOT NULL, body TEXT NOT NULL)"""


def minimal_connect(path: str):
    """A sqlite3 connection with fieldapp's pragmas (fieldapp/fastsql/engine.py), autocommit mode."""
    import sqlite3

    connection = sqlite3.connect(path, timeout=15, isolation_level=None, check_same_thread=False)
    for pragma in (
        "busy_timeout=15000",
        "foreign_keys=ON",
        "journal_mode=WAL",
        "synchronous=NORMAL",
    ):
        connection.execute(f"PRAGMA {pragma}")
    connection.execute(MINIMAL_SCHEMA)
    return connection


def minimal_app():
    """POST /knocks: parse the JSON body, insert one row (idempotent on client_uuid), answer."""
    from flask import Flask, jsonify, request

    app = Flask("knock_load_minimal")
    path = os.environ["MINIMAL_DB"]
    local = threading.local()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/knocks")
    def post_knock():
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not body.get("client_uuid"):
            return jsonify(error="invalid"), 422
        if not hasattr(local, "db"):
            local.db = minimal_connect(path)
        cursor = local.db.execute(
            "INSERT OR IGNORE INTO knock (client_uuid, household_id, outcome, knocked_at, body) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                str(body["client_uuid"]),
                int(body.get("household_id") or 0),
                str(body.get("outcome")),
                str(body.get("knocked_at")),
                request.get_data(as_text=True),
            ),
        )
        created = cursor.rowcount == 1
        return (
            jsonify(
                client_uuid=body["client_uuid"],
                id=cursor.lastrowid if created else None,
                status="created" if created else "duplicate",
            ),
            201 if created else 200,
        )

    return app
