"""The OpenAPI paths and schemas of race setup (creating, editing, archiving races; scripts),
merged into fieldapp/api/openapi.py's document."""
from __future__ import annotations

from fieldapp.api.openapi_parts import RACE_ID as _RACE_ID
from fieldapp.api.openapi_parts import error_responses
from fieldapp.api.openapi_parts import json_response as _json
from fieldapp.api.openapi_parts import ref as _ref
from fieldapp.races.models import QUESTION_KINDS
from fieldapp.turf.limits import MAX_DOORS, MIN_DOORS

_ERRORS = error_responses({
    "401": "Not authenticated", "403": "Not an organizer of this chapter",
    "404": "Unknown id", "422": "Invalid fields: `error.fields` names each, with why"})

RACE_FIELDS = {
    "name": {"type": "string", "maxLength": 200, "description": "Unique within the chapter"},
    "office": {"type": "string", "maxLength": 200},
    "candidate": {"type": "string", "maxLength": 200},
    "election_date": {"type": ["string", "null"], "format": "date"},
    "ocd_division_id": {"type": ["string", "null"], "pattern": "^ocd-division/country:us(/.+)?$",
                        "example": "ocd-division/country:us/state:ny/sldl:36"},
    "door_goal": {"type": "integer", "minimum": 0},
    "doors_per_turf": {"type": "integer", "minimum": MIN_DOORS, "maximum": MAX_DOORS,
                       "default": 50},
}

SCHEMAS = {
    "Race": {"type": "object", "properties": {
        "id": {"type": "integer"}, "org": {"type": "string"}, **RACE_FIELDS,
        "status": {"enum": ["active", "archived"]},
        "archived_at": {"type": ["string", "null"], "format": "date-time"}}},
    "Script": {"type": "object", "properties": {
        "intro": {"type": "string", "description": "The pitch read before the questions"},
        "intro_es": {"type": "string", "description": "Its Spanish version (optional; every "
                     "`_es` field is: where one is empty the phone shows the English)"},
        "questions": {"type": "array", "description": "In order. A question or answer with "
                      "an `id` is kept (reworded); one left out is retired, never deleted.",
                      "items": {"type": "object", "required": ["text", "kind"], "properties": {
                          "id": {"type": "integer"}, "text": {"type": "string"},
                          "text_es": {"type": "string"},
                          "kind": {"enum": list(QUESTION_KINDS)},
                          "van_question_id": {"type": ["integer", "null"]},
                          "choices": {"type": "array", "items": {"type": "object", "properties": {
                              "id": {"type": "integer"}, "label": {"type": "string"},
                              "label_es": {"type": "string", "description": "Same answer, "
                                           "shown in Spanish"},
                              "van_response_id": {"type": ["integer", "null"]}}}}}}}}},
}

PATHS = {
    "/races": {"post": {
        "summary": "Create a race (organizers and admins of the chapter)",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["name"], "properties": {
                "org": {"type": "string", "description": "Chapter slug; optional for "
                        "organizers of one chapter"}, **RACE_FIELDS}}}}},
        "responses": {"201": _json(_ref("Race"), "Created"), **_ERRORS}}},
    "/races/{race_id}": {
        "get": {"summary": "A race's fields (organizers)", "parameters": _RACE_ID,
                "responses": {"200": _json(_ref("Race")), **_ERRORS}},
        "patch": {
            "summary": "Change the fields given; status 'archived' archives the race",
            "description": "An archived race leaves the volunteers' lists; its knocks stay "
                           "and it stays in the exports.",
            "parameters": _RACE_ID,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    **RACE_FIELDS, "status": {"enum": ["active", "archived"]}}}}}},
            "responses": {"200": _json(_ref("Race")), **_ERRORS}}},
    "/races/{race_id}/district": {"put": {
        "summary": "Replace the race's district boundary (checked at once, saved by a worker)",
        "description": "A real boundary already there is replaced only with `confirm: true`; "
                       "without it the answer is 409 naming the geocoded doors, active turfs "
                       "and volunteers it affects, and nothing is uploaded.",
        "parameters": _RACE_ID,
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["district"], "properties": {
                "district": {"type": "object", "description": "GeoJSON Feature, "
                             "FeatureCollection or geometry (Polygon/MultiPolygon, EPSG:4326)"},
                "confirm": {"type": "boolean", "default": False}}}}}},
        "responses": {"202": _json({"type": "object", "properties": {"job": _ref("Job")}},
                                   "Queued: follow the job (`Location`)"),
                      "409": _json(_ref("Error"), "A real boundary: send confirm: true"),
                      **_ERRORS}}},
    "/races/{race_id}/script": {
        "get": {"summary": "The race's script: intro and current questions (?retired=1 adds "
                           "retired ones)", "parameters": _RACE_ID,
                "responses": {"200": _json(_ref("Script")), **_ERRORS}},
        "put": {"summary": "Replace the script (or copy another race's: {\"copy_from\": id})",
                "parameters": _RACE_ID,
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("Script")}}},
                "responses": {"200": _json(_ref("Script")), **_ERRORS}}},
}
