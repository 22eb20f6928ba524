"""Building blocks of the OpenAPI document, shared by openapi.py and its per-topic parts
(openapi_races.py, openapi_streets.py)."""
from __future__ import annotations


def ref(name: str) -> dict:
    """A reference to a schema of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict, description: str = "OK") -> dict:
    """A response whose body is JSON of `schema`."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def path_id(name: str) -> dict:
    """An integer id in the path."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def json_body(properties: dict, required: list[str]) -> dict:
    """A required JSON request body: an object with these properties."""
    return {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "properties": properties, "required": required}}}}


def error_responses(texts: dict[str, str]) -> dict:
    """Status code -> an Error response with its description."""
    return {code: json_response(ref("Error"), text) for code, text in texts.items()}


RACE_ID = [path_id("race_id")]
