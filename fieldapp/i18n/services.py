"""Saving a person's language choice (no request globals: the view passes the user)."""
from __future__ import annotations

from fieldapp.errors import DomainError
from fieldapp.i18n import LANGUAGES


def set_language(user, value: object) -> str | None:
    """Store user's language: one of LANGUAGES, or None/'' for "follow the browser"."""
    if value is None or value == "":
        user.language = None
        return None
    if not isinstance(value, str) or value not in LANGUAGES:
        raise DomainError(f"Language must be one of {', '.join(LANGUAGES)}.",
                          {"language": "unknown language"})
    user.language = value
    return value
