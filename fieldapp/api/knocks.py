"""POST knocks one at a time or as an outbox batch; both are idempotent by client_uuid."""
from __future__ import annotations

from flask import current_app, jsonify, request

from fieldapp.api.auth import api_caller, api_database, on_connection
from fieldapp.api.blueprint import bp
from fieldapp.canvass.knocks import MAX_BATCH, knock_json, record_knocks
from fieldapp.errorhandlers import json_error
from fieldapp.extensions import db

STATUS_CODES = {"created": 201, "duplicate": 200, "conflict": 409, "invalid": 422, "forbidden": 403}
MESSAGES = {
    "conflict": "This client_uuid was already used for a different knock.",
    "invalid": "The knock has invalid fields.",
    "forbidden": "This door is not in your turfs.",
}


def _far_metres() -> float:
    return float(current_app.config["FIELDAPP_FAR_KNOCK_METRES"])


@bp.post("/knocks")
@on_connection  # a fresh knock is one INSERT ... UPDATE statement on PostgreSQL
def post_knock():
    """Record one knock: 201 the first time, 200 for a replay, 409 for a reused UUID."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(422, "invalid", "The body must be a JSON object.",
                          {"body": "expected a JSON object"})
    connection = api_database()
    result = record_knocks(connection, api_caller().user_id, [body], far_metres=_far_metres())[0]
    # Commit first: SQLite's write lock is held until then, and other phones wait on it.
    connection.commit()
    status = STATUS_CODES[result.status]
    if status >= 400:
        return json_error(status, result.status, MESSAGES[result.status], result.errors)
    return jsonify(knock_json(result.knock)), status


@bp.post("/knocks/batch")
def post_knock_batch():
    """Record up to 500 knocks from a phone's outbox; each item gets its own verdict."""
    body = request.get_json(silent=True)
    knocks = body.get("knocks") if isinstance(body, dict) else None
    if not isinstance(knocks, list):
        return json_error(422, "invalid", "Send {\"knocks\": [...]}.", {"knocks": "expected a list"})
    if len(knocks) > MAX_BATCH:
        return json_error(422, "invalid", f"At most {MAX_BATCH} knocks per batch.",
                          {"knocks": f"{len(knocks)} sent, {MAX_BATCH} allowed"})
    results = record_knocks(db.session, api_caller().user_id, knocks, far_metres=_far_metres())
    db.session.commit()
    return jsonify({"results": [result.as_json() for result in results]})
