"""The Spanish catalogue as the phone's JavaScript reads it, and the checks every catalogue passes.

One catalogue (fieldapp/translations/<lang>/LC_MESSAGES/messages.po) serves the server's pages
(through the compiled .mo, as Flask-Babel reads it) and the phone's scripts: the strings whose
source locations are in static/js go to the phone as JSON, keyed by their English text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
# %(name)s (Python, templates) and {name} (the phone's t() and str.format).
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w+)\}")


def po_path(language: str) -> Path:
    """Where a language's catalogue lives."""
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def js_messages(language: str) -> dict[str, str]:
    """{English: translation} for the strings the phone's scripts use; {} for English."""
    path = po_path(language)
    if not path.is_file():
        return {}
    return dict(_js_messages(str(path), path.stat().st_mtime_ns))


@lru_cache(maxsize=4)
def _js_messages(path: str, _mtime: int) -> tuple[tuple[str, str], ...]:
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    pairs = []
    for message in catalog:
        if not message.id or message.fuzzy or not any(
                str(filename).endswith(".js") for filename, _line in message.locations):
            continue
        if isinstance(message.id, str):
            pairs.append((message.id, message.string))
        else:  # tn(n, one, other): CLDR's first form is "one", its last "other"
            pairs.extend([(message.id[0], message.string[0]),
                          (message.id[1], message.string[-1])])
    return tuple(sorted((key, text) for key, text in pairs if key and text))


def placeholders(text: str) -> list[str]:
    """The placeholders in a message, sorted: '%(name)s' and '{name}' each as written."""
    return sorted(match.group(0) for match in _PLACEHOLDER.finditer(text))


def problems(catalog: Catalog, untranslated_ok: bool = False) -> list[str]:
    """What is wrong in a translated catalogue: fuzzy or empty entries, changed placeholders.

    `untranslated_ok`: an empty entry shows its English (organizer pages may wait for their
    Spanish); the volunteer-facing strings are checked without it (tests/unit/i18n)."""
    found = []
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        label = repr(ids[0])
        if message.fuzzy:
            found.append(f"{label}: marked fuzzy")
        if not all(strings):
            if not untranslated_ok or any(strings):  # half a plural is always wrong
                found.append(f"{label}: not translated")
            continue
        wanted = placeholders(ids[-1])
        for string in strings:
            if placeholders(string) != wanted and placeholders(string) != placeholders(ids[0]):
                found.append(f"{label}: placeholders {placeholders(string)} in {string!r}, "
                             f"expected {wanted}")
    return found
