"""The Spanish catalogue: every volunteer-facing string translated, placeholders intact, the
compiled .mo in step with the .po, and the phone's share of it."""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo

from fieldapp.i18n import extract as extraction
from fieldapp.i18n.catalogue import js_messages, placeholders, po_path, problems

# Where a volunteer meets text: the phone pages and scripts, logging in and joining, password
# resets, error pages, the printed walk sheet, and the messages of the code behind them.
VOLUNTEER_FACING = (
    "static/js/phone/",
    "fieldapp/templates/base.html",
    "fieldapp/templates/about_data.html",
    "fieldapp/templates/canvass/_",
    "fieldapp/templates/canvass/my_turfs.html",
    "fieldapp/templates/canvass/walk.html",
    "fieldapp/templates/auth/login.html",
    "fieldapp/templates/auth/join",
    "fieldapp/templates/auth/password.html",
    "fieldapp/templates/auth/reset.html",
    "fieldapp/templates/errors/",
    "fieldapp/templates/turf/sheet.html",
    "fieldapp/knocklog/outcomes.py",
    "fieldapp/canvass/views.py",
    "fieldapp/auth/views.py",
    "fieldapp/auth/forms.py",
    "fieldapp/auth/sessions.py",
    "fieldapp/auth/services.py",
    "fieldapp/turf/services.py",
    "fieldapp/errorhandlers.py",
    "fieldapp/api/auth.py",
)


@pytest.fixture(scope="module")
def spanish() -> Catalog:
    return extraction.read_catalog("es")


@pytest.fixture(scope="module")
def volunteer_strings() -> Catalog:
    return extraction.extract(only=VOLUNTEER_FACING)


def test_the_volunteer_facing_list_names_files_that_exist():
    """A file moved or renamed must move here too, or its strings would go unchecked."""
    root = extraction.ROOT
    gone = [prefix for prefix in VOLUNTEER_FACING
            if not any(str(path.relative_to(root)).startswith(prefix)
                       for path in (root / prefix.rsplit("/", 1)[0]).glob("*"))]
    assert gone == []


def test_volunteer_strings_are_found(volunteer_strings):
    """The extraction itself works: templates, Python and the phone's JS each give strings."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in volunteer_strings if m.id}
    assert {"Sync now", "Log in", "Not home", "Sending…", "knock waiting to sync"} <= ids


def test_every_volunteer_string_is_translated_in_spanish(volunteer_strings, spanish):
    missing = []
    for message in volunteer_strings:
        if not message.id:
            continue
        found = spanish.get(message.id)
        strings = () if found is None else (
            found.string if isinstance(found.string, (list, tuple)) else (found.string,))
        if found is None or found.fuzzy or not strings or not all(strings):
            missing.append(f"{message.id!r} ({message.locations[0][0]})")
    assert not missing, "not translated in es (run `make translations`, then fill msgstr):\n" + \
        "\n".join(missing)


def test_spanish_catalogue_has_no_fuzzy_or_broken_entries(spanish):
    """Organizer strings may wait for their Spanish (they show English); none may be broken."""
    assert problems(spanish, untranslated_ok=True) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("Saved: {outcome} at {address}", ["{address}", "{outcome}"]),
    ("%(turf)s is yours to walk.", ["%(turf)s"]),
    ("%(doors)s doors · %(km)s km", ["%(doors)s", "%(km)s"]),
    ("100%% sure, no {placeholder here", []),
])
def test_placeholders(text, expected):
    assert placeholders(text) == expected


@pytest.mark.parametrize(("msgid", "msgstr", "complaint"), [
    ("Saved: {outcome} at {address}", "Guardado: {resultado} en {address}", "placeholders"),
    ("Saved: {outcome} at {address}", "Guardado: {outcome}", "placeholders"),
    ("%(turf)s is yours to walk.", "%(zona)s es suya.", "placeholders"),
    ("%(turf)s is yours to walk.", "Es suya.", "placeholders"),
    ("Door {id}", "Puerta {id} {id}", "placeholders"),
    ("Sync now", "", "not translated"),
])
def test_a_broken_translation_fails_the_check(msgid, msgstr, complaint):
    """The checker the suite runs on the real catalogue catches a broken entry."""
    catalog = Catalog(locale="es")
    catalog.add("Undo", "Deshacer")
    catalog.add(msgid, msgstr)
    found = problems(catalog)
    assert len(found) == 1 and complaint in found[0] and repr(msgid) in found[0]


def test_untranslated_may_be_allowed_but_half_a_plural_never():
    catalog = Catalog(locale="es")
    catalog.add("Races", "")
    catalog.add(("{count} door", "{count} doors"), ("{count} puerta", "", ""))
    assert [p.split(":")[0] for p in problems(catalog, untranslated_ok=True)] == [
        "'{count} door'"]


def test_a_fuzzy_or_half_translated_plural_fails_the_check():
    catalog = Catalog(locale="es")
    catalog.add("Sync now", "Enviar ahora", flags=["fuzzy"])
    catalog.add(("{count} door", "{count} doors"), ("{count} puerta", "", "{count} puertas"))
    assert [p.split(":")[1].strip() for p in problems(catalog)] == ["marked fuzzy",
                                                                     "not translated"]


def test_the_compiled_mo_matches_the_po():
    """The .mo Flask-Babel reads is the .po compiled (run `make translations` after editing)."""
    def entries(catalog):
        # Babel compiles an empty plural form as its English, so an organizer plural still
        # waiting for its Spanish ships as English: count such an entry as not translated.
        return {_key(m.id): _key(m.string) for m in catalog if m.id and any(_key(m.string))
                and not m.fuzzy and not (len(_key(m.id)) > 1
                                         and set(_key(m.string)) <= set(_key(m.id)))}

    with open(po_path("es").with_suffix(".mo"), "rb") as handle:
        shipped = entries(read_mo(handle))
    assert shipped == entries(extraction.read_catalog("es"))


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def test_the_phone_gets_only_its_own_strings_with_both_plural_forms():
    messages = js_messages("es")
    assert messages["Sending…"] == "Enviando…"
    assert messages["knock waiting to sync"] == "toque esperando para enviarse"
    assert messages["knocks waiting to sync"] == "toques esperando para enviarse"
    assert "Log in" not in messages  # a page's string, not the phone's scripts'
    assert js_messages("en") == {}
