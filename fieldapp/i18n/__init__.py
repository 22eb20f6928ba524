"""English and Spanish: Flask-Babel's locale selector, the language switch, the phone's catalogue.

create_app binds Flask-Babel with `select_locale`, registers the routes of i18n/routes.py and
calls `register(app)` for the templates' helpers and `flask i18n`. The
language of a request is the logged-in person's choice (User.language), else the choice kept
in the `lang` cookie (someone not logged in, e.g. on the login page), else the browser's best
match among LANGUAGES, else English.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, has_request_context, request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_number,
    format_percent,
    get_locale,
)
from flask_login import current_user

LANGUAGES: tuple[str, ...] = ("en", "es")
# How each language names itself on the switch ("English | Español").
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}
COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def chosen_language(value: str | None) -> str | None:
    """value when it is one of LANGUAGES, else None (the browser decides)."""
    return value if value in LANGUAGES else None


def select_locale() -> str:
    """The request's language: the user's choice > the `lang` cookie > Accept-Language > 'en'."""
    if not has_request_context():
        return "en"
    user_choice = getattr(current_user, "language", None)
    return (chosen_language(user_choice)
            or chosen_language(request.cookies.get(COOKIE))
            or request.accept_languages.best_match(LANGUAGES)
            or "en")


def current_language() -> str:
    """The active language code ('en' or 'es') for templates and the phone's JS."""
    return str(get_locale() or "en").split("_")[0]


def register(app: Flask) -> None:
    """The templates' language helpers and `flask i18n`. (create_app binds Flask-Babel with
    select_locale and TRANSLATIONS, and registers the blueprint of i18n/routes.py.)"""
    # Both import this package (its TRANSLATIONS, marks): on call, no import cycle.
    from fieldapp.i18n.catalogue import js_messages
    from fieldapp.i18n.commands import i18n_cli

    app.cli.add_command(i18n_cli)
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES, current_language=current_language,
        js_messages=lambda: js_messages(current_language()),
        # dates and numbers as the page's language writes them ("4 nov 2017", "1.234")
        format_date=format_date, format_datetime=format_datetime, format_number=format_number,
        format_decimal=format_decimal, format_percent=format_percent)
