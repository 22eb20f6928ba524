"""The OpenAPI paths and schemas of street networks and turf walks (issue 17), merged into
fieldapp/api/openapi.py's document."""
from __future__ import annotations

from fieldapp.api.openapi_parts import RACE_ID as _RACE_ID
from fieldapp.api.openapi_parts import error_responses
from fieldapp.api.openapi_parts import json_response as _json
from fieldapp.api.openapi_parts import ref as _ref

_ERRORS = error_responses({
    "401": "Not authenticated", "403": "Not an organizer of this chapter",
    "404": "Unknown id", "413": "The file is over the upload limit (200 MB by default)",
    "422": "Invalid fields: `error.fields` names each, with why"})

SCHEMAS = {
    "Walk": {"type": "object", "description": "The turf's walk: its route's length and an "
             "estimate of the time it takes (walking at 4.5 km/h plus 1.5 minutes a door); "
             "null until the turf has a route", "properties": {
                 "length_m": {"type": ["number", "null"], "description": "Along the streets "
                              "when the race has a street network, else straight door to door"},
                 "minutes": {"type": ["integer", "null"]},
                 "doors": {"type": "integer"}}},
    "StreetNetwork": {"type": ["object", "null"], "properties": {
        "source_name": {"type": "string"}, "source_format": {"type": "string"},
        **{k: {"type": "integer"} for k in ("segments", "barrier_segments", "barrier_lines",
                                             "doors_matched", "doors_far")},
        "length_km": {"type": "number"},
        "created_at": {"type": "string", "format": "date-time"}}},
}

PATHS = {
    "/races/{race_id}/streets": {
        "get": {"summary": "The race's street network, or null (organizers)",
                "parameters": _RACE_ID,
                "responses": {"200": _json({"type": "object", "properties": {
                    "network": _ref("StreetNetwork")}}), **_ERRORS}},
        "post": {
            "summary": "Import a street network (OpenStreetMap extract or GeoJSON street "
                       "lines) as a background job (organizers)",
            "description": "The file is checked at once (422 `file` when it is not a street "
                           "file); the job then reads, builds and matches the doors, and "
                           "refuses with nothing replaced an extract that misses the district, "
                           "a network far from most doors, or coordinates not in EPSG:4326. "
                           "Turfs stay as they are until the organizer cuts again.",
            "parameters": _RACE_ID,
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"], "properties": {"file": {
                    "type": "string", "format": "binary", "description": ".osm, .osm.bz2, "
                    ".osm.pbf, or GeoJSON (LineString features, TIGER/Line address ranges "
                    "per side used when present)"}}}}}},
            "responses": {"202": _json({"type": "object", "properties": {"job": _ref("Job")}},
                                       "Queued: follow the job (`Location`)"),
                          **_ERRORS}}},
}
