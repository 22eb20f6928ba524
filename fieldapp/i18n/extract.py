"""Find every translatable string in the code and keep the catalogues in step with it.

Used by `flask i18n update` (`make translations`) and by the tests that check no
volunteer-facing string is missing from the Spanish catalogue: one extraction, two readers.
"""
from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from fieldapp.i18n.catalogue import TRANSLATIONS, po_path

ROOT = TRANSLATIONS.parent.parent
MAPPING = ROOT / "babel.cfg"
PY_KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
# The phone's t(key, params) and tn(n, one, other, params): plain English keys, {name} params.
JS_KEYWORDS = {"t": None, "tn": (2, 3)}


def extract(root: Path = ROOT, only: tuple[str, ...] = ()) -> Catalog:
    """Every translatable string under root per babel.cfg; `only` limits it to path prefixes."""
    with open(MAPPING, encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="fieldapp", charset="utf-8")
    for method in ("python", "jinja2", "javascript"):
        keywords = JS_KEYWORDS if method == "javascript" else PY_KEYWORDS
        methods = [(pattern, m) for pattern, m in method_map if m == method]
        for filename, lineno, message, comments, context in extract_from_dir(
                str(root), methods, options_map, keywords=keywords, strip_comment_tags=True):
            if only and not filename.startswith(only):
                continue
            catalog.add(message, None, [(filename, lineno)], auto_comments=comments,
                        context=context)
    return catalog


def read_catalog(language: str) -> Catalog:
    """A language's .po as Babel reads it."""
    with open(po_path(language), "rb") as handle:
        return read_po(handle, locale=language)


def update(language: str, template: Catalog) -> Catalog:
    """Merge the code's strings into a language's .po (new ones empty, gone ones dropped)."""
    path = po_path(language)
    if path.is_file():
        catalog = read_catalog(language)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=language, project="fieldapp", charset="utf-8")
    # No fuzzy guesses (a guessed Spanish is worse than English), and the header's creation
    # date kept: a run that changes no string changes no more than line numbers.
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.version = "0.1.0"
    catalog.last_translator = catalog.language_team = "fieldapp contributors"
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, sort_output=False, include_previous=False)
    return catalog


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes Flask-Babel reads for a catalogue (fuzzy entries left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_language(language: str) -> Path:
    """Write a language's .mo from its .po."""
    mo = po_path(language).with_suffix(".mo")
    mo.write_bytes(compiled(read_catalog(language)))
    return mo
