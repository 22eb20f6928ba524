"""The fair baseline: fieldapp's single knock written in bare Flask and the database driver.

The same work as `POST /api/v1/knocks` on fieldapp's own schema, the way a competent developer
would write it without a framework around the database: the bearer token looked up by its
SHA-256 (not revoked, user active, its last use written at most once a minute), the door
checked to be in an active turf assigned (active assignment) to the caller, the fields parsed
with an error per field, the knock inserted with every column fieldapp writes
(ON CONFLICT (user_id, client_uuid) DO NOTHING), the door's cached status bumped (the latest
outcome by device time), one commit, and a JSON answer: 201 created, 200 replay, 409 a UUID
reused for another knock. One connection per worker thread, reused.

Loaded by gunicorn as `knockload.baseline:baseline_app()` (with --chdir benchmarks) on the URL in
BASELINE_DATABASE_URL (sqlite:///path or postgresql://...); imports stay light.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import threading
import uuid

OUTCOMES = {"not_home", "contact", "refused", "moved", "deceased", "inaccessible", "vacant",
            "hostile", "wrong_address", "come_back", "lit_drop"}
FAR_METRES = 150.0
TOKEN_USE_PRECISION = dt.timedelta(minutes=1)
UTC = dt.UTC

TOKEN = ('SELECT t.id, t.user_id, t.last_used_at FROM api_token t JOIN "user" u ON u.id = t.user_id'
         " WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.active")
TOUCH = "UPDATE api_token SET last_used_at = %s WHERE id = %s"
DOOR = ("SELECT h.race_id, h.turf_id, h.lat, h.lon FROM household h"
        " JOIN turf t ON t.id = h.turf_id AND t.status = 'active'"
        " JOIN assignment a ON a.turf_id = t.id AND a.status = 'active' AND a.volunteer_id = %s"
        " WHERE h.id = %s LIMIT 1")
COLUMNS = ("client_uuid", "payload_hash", "user_id", "race_id", "household_id", "voter_id",
           "turf_id", "outcome", "answers", "note", "knocked_at", "knocked_at_offset_min",
           "received_at", "latitude", "longitude", "accuracy_m", "distance_m", "flagged_far",
           "voids_knock_id")
INSERT = (f"INSERT INTO door_knock ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
          " ON CONFLICT (user_id, client_uuid) DO NOTHING RETURNING id")
STORED = "SELECT id, payload_hash FROM door_knock WHERE user_id = %s AND client_uuid = %s"
# Relative, and the latest knock by device time wins, as fieldapp's own UPDATE.
BUMP = ("UPDATE household SET knock_count = knock_count + 1,"
        " last_outcome = CASE WHEN last_knocked_at IS NULL OR last_knocked_at <= %s"
        " THEN %s ELSE last_outcome END,"
        " last_knocked_at = CASE WHEN last_knocked_at IS NULL OR last_knocked_at <= %s"
        " THEN %s ELSE last_knocked_at END WHERE id = %s")


class Invalid(Exception):
    """Field errors in the body."""


def _sqlite_connect(path: str):
    """sqlite3 with fieldapp's pragmas; the module's default transactions (BEGIN before a write)."""
    import sqlite3

    connection = sqlite3.connect(path, timeout=15, check_same_thread=False)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL",
                   "busy_timeout=15000"):
        connection.execute(f"PRAGMA {pragma}")
    return connection


class Driver:
    """What differs between sqlite3 and psycopg: placeholders, time and JSON values."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        if self.sqlite:
            path = url.split(":///", 1)[1]
            self.connect = lambda: _sqlite_connect(path)
            self.sql = {name: sql.replace("%s", "?") for name, sql in _STATEMENTS.items()}
        else:
            import psycopg
            from psycopg.types.json import Json

            url = url.replace("postgresql+psycopg://", "postgresql://", 1)
            self.connect = lambda: psycopg.connect(url)
            self.sql = dict(_STATEMENTS)
            self.json = Json

    def time(self, value: dt.datetime):
        """A UTC time as the column stores it (SQLite: SQLAlchemy's text form)."""
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def stale(self, last_used, now: dt.datetime) -> bool:
        """The token's last use is older than a minute (or never written)."""
        if last_used is None:
            return True
        if self.sqlite:  # SQLAlchemy's text form sorts as the times do
            return last_used < self.time(now - TOKEN_USE_PRECISION)
        return now - last_used > TOKEN_USE_PRECISION

    def answers(self, answers: dict):
        """The answers as the JSON column takes them (NULL when there are none)."""
        return (json.dumps(answers) if self.sqlite else self.json(answers)) if answers else None


_STATEMENTS = {"token": TOKEN, "touch": TOUCH, "door": DOOR, "insert": INSERT, "stored": STORED,
               "bump": BUMP}


def parse(body: object, now: dt.datetime) -> dict:
    """The knock's fields, or Invalid with a message per bad field."""
    if not isinstance(body, dict):
        raise Invalid({"body": "expected a JSON object"})
    errors: dict[str, str] = {}
    knock: dict = {}
    try:
        knock["client_uuid"] = str(uuid.UUID(str(body.get("client_uuid"))))
    except ValueError:
        errors["client_uuid"] = "required: a UUID"
    for name, required in (("household_id", True), ("voter_id", False)):
        value = body.get(name)
        if (value is not None or required) and (type(value) is not int or value < 1):
            errors[name] = "must be an id"
        knock[name] = value
    if body.get("outcome") not in OUTCOMES:
        errors["outcome"] = "unknown outcome"
    knock["outcome"] = body.get("outcome")
    try:
        at = dt.datetime.fromisoformat(body["knocked_at"])
        if at.utcoffset() is None or at - now > dt.timedelta(minutes=5):
            raise ValueError
        knock["knocked_at"] = at.astimezone(UTC)
        knock["offset_min"] = int(at.utcoffset().total_seconds() // 60)
    except (KeyError, TypeError, ValueError):
        errors["knocked_at"] = "an ISO 8601 time with its offset, not in the future"
    answers = body.get("answers") or {}
    if not isinstance(answers, dict) or not all(isinstance(v, (int, str)) for v in answers.values()):
        errors["answers"] = "an object {question_id: choice_id or text}"
    knock["answers"] = answers
    note = body.get("note") or ""
    if not isinstance(note, str) or len(note) > 2000:
        errors["note"] = "text of at most 2000 characters"
    knock["note"] = note.strip() if isinstance(note, str) else ""
    location = body.get("location") or {}
    lat, lon, accuracy = location.get("lat"), location.get("lon"), location.get("accuracy_m")
    if location and not (isinstance(lat, (int, float)) and -90 <= lat <= 90
                         and isinstance(lon, (int, float)) and -180 <= lon <= 180):
        errors["location"] = "lat between -90 and 90, lon between -180 and 180"
    knock["location"] = (lat, lon, accuracy) if location else (None, None, None)
    if errors:
        raise Invalid(errors)
    return knock


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371009 * math.asin(math.sqrt(a))


def baseline_app():
    """POST /knocks: fieldapp's single knock, on BASELINE_DATABASE_URL."""
    from flask import Flask, jsonify, request

    app = Flask("knock_load_baseline")
    driver = Driver(os.environ["BASELINE_DATABASE_URL"])
    local = threading.local()

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    def error(status: int, code: str, fields: dict | None = None):
        return jsonify(error={"code": code, "fields": fields or {}}), status

    @app.post("/knocks")
    def post_knock():
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return error(401, "unauthorized")
        db = getattr(local, "db", None)
        if db is None:
            db = local.db = driver.connect()
        try:
            return knock(db, db.cursor(), header[7:])
        finally:
            db.rollback()  # ends what an early answer left open; nothing after a commit

    def knock(db, cursor, bearer: str):
        sql, now = driver.sql, dt.datetime.now(UTC)
        token = cursor.execute(sql["token"], (hashlib.sha256(bearer.encode()).hexdigest(),)
                               ).fetchone()
        if token is None:
            return error(401, "unauthorized")
        token_id, user_id, last_used = token
        if driver.stale(last_used, now):
            cursor.execute(sql["touch"], (driver.time(now), token_id))
            db.commit()
        try:
            knock = parse(request.get_json(silent=True), now)
        except Invalid as invalid:
            return error(422, "invalid", invalid.args[0])
        door = cursor.execute(sql["door"], (user_id, knock["household_id"])).fetchone()
        if door is None:
            return error(403, "forbidden", {"household_id": "this door is not in your turfs"})
        race_id, turf_id, door_lat, door_lon = door
        lat, lon, accuracy = knock["location"]
        distance = (metres(lat, lon, door_lat, door_lon)
                    if lat is not None and door_lat is not None else None)
        far = distance is not None and distance > FAR_METRES
        digest = hashlib.sha256(request.get_data()).hexdigest()
        at = driver.time(knock["knocked_at"])
        row = cursor.execute(sql["insert"], (
            knock["client_uuid"], digest, user_id, race_id, knock["household_id"],
            knock["voter_id"], turf_id, knock["outcome"], driver.answers(knock["answers"]),
            knock["note"], at, knock["offset_min"], driver.time(now), lat, lon, accuracy,
            distance, far, None)).fetchone()
        if row is None:  # this phone sent this UUID before
            stored = cursor.execute(sql["stored"], (user_id, knock["client_uuid"])).fetchone()
            db.commit()
            if stored[1] != digest:
                return error(409, "conflict", {"client_uuid": "already used for another knock"})
            return jsonify(id=stored[0], client_uuid=knock["client_uuid"], status="duplicate"), 200
        cursor.execute(sql["bump"], (at, knock["outcome"], at, at, knock["household_id"]))
        db.commit()
        return jsonify(
            id=row[0], client_uuid=knock["client_uuid"], household_id=knock["household_id"],
            voter_id=knock["voter_id"], turf_id=turf_id, outcome=knock["outcome"],
            answers=knock["answers"], note=knock["note"],
            knocked_at=knock["knocked_at"].isoformat(), received_at=now.isoformat(),
            location=None if lat is None else {"lat": lat, "lon": lon, "accuracy_m": accuracy},
            distance_m=None if distance is None else round(distance, 1), flagged_far=far,
            voids_knock_id=None,
        ), 201

    return app
