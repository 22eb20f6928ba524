"""POST knocks one at a time or as an outbox batch; both are idempotent by client_uuid.

Every item gets its own verdict: created, duplicate, held (kept for an organizer's review),
conflict or invalid. A knock is never refused for its door: what the server will not take as
a fact on its own is held (fieldapp.canvass.held), and the phone shows "sent for review".
"""
from __future__ import annotations

from flask import current_app, jsonify, request

from fieldapp.api.auth import api_caller, api_database, knock_delivery, on_connection
from fieldapp.api.blueprint import bp
from fieldapp.canvass import held as held_knocks
from fieldapp.canvass.knocks import MAX_BATCH, knock_json, record_knocks
from fieldapp.errorhandlers import json_error
from fieldapp.extensions import db

STATUS_CODES = {"created": 201, "duplicate": 200, "held": 202, "conflict": 409, "invalid": 422}
MESSAGES = {
    "conflict": "This client_uuid was already used for a different knock.",
    "invalid": "The knock has invalid fields.",
}


def _far_metres() -> float:
    return float(current_app.config["FIELDAPP_FAR_KNOCK_METRES"])


@bp.post("/knocks")
@knock_delivery
@on_connection  # a fresh knock is one INSERT ... UPDATE statement on PostgreSQL
def post_knock():
    """Record one knock: 201 the first time, 200 for a replay, 202 held, 409 a reused UUID."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(422, "invalid", "The body must be a JSON object.",
                          {"body": "expected a JSON object"})
    connection = api_database()
    result = record_knocks(connection, api_caller().user_id, [body], far_metres=_far_metres(),
                           logged_by=api_caller().deactivated_at)[0]
    # Commit first: SQLite's write lock is held until then, and other phones wait on it.
    connection.commit()
    status = STATUS_CODES[result.status]
    if status >= 400:
        return json_error(status, result.status, MESSAGES[result.status], result.errors)
    if result.status == "held":
        return jsonify(result.as_json()), status
    return jsonify(knock_json(result.knock)), status


@bp.post("/knocks/batch")
@knock_delivery
def post_knock_batch():
    """Record up to 500 knocks from a phone's outbox; each item gets its own verdict."""
    body = request.get_json(silent=True)
    knocks = body.get("knocks") if isinstance(body, dict) else None
    if not isinstance(knocks, list):
        return json_error(422, "invalid", "Send {\"knocks\": [...]}.", {"knocks": "expected a list"})
    if len(knocks) > MAX_BATCH:
        return json_error(422, "invalid", f"At most {MAX_BATCH} knocks per batch.",
                          {"knocks": f"{len(knocks)} sent, {MAX_BATCH} allowed"})
    results = record_knocks(db.session, api_caller().user_id, knocks, far_metres=_far_metres(),
                            logged_by=api_caller().deactivated_at)
    db.session.commit()
    return jsonify({"results": [result.as_json() for result in results]})


@bp.post("/knocks/review")
@knock_delivery
def post_knock_review():
    """Keep an item the phone could not get accepted, for an organizer's review: 201, or
    200 for a replay of the same client_uuid."""
    hold, created = held_knocks.submit_for_review(db.session, api_caller().user_id,
                                                  request.get_json(silent=True))
    db.session.commit()
    return jsonify({"status": "held", "held_id": hold.held_id,
                    "client_uuid": hold.client_uuid}), 201 if created else 200
