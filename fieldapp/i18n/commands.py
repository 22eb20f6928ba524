"""`flask i18n update|compile|check`: keep the Spanish catalogue in step with the code."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from fieldapp.i18n import LANGUAGES
from fieldapp.i18n import extract as extraction
from fieldapp.i18n.catalogue import problems

i18n_cli = AppGroup("i18n", help="Translations: extract, update, compile, check.")
TRANSLATED = tuple(lang for lang in LANGUAGES if lang != "en")


@i18n_cli.command("update")
def update_command():
    """Extract strings (babel.cfg), merge them into each .po, then compile the .mo files."""
    template = extraction.extract()
    for language in TRANSLATED:
        catalog = extraction.update(language, template)
        missing = sum(1 for m in catalog if m.id and not m.string)
        extraction.compile_language(language)
        click.echo(f"{language}: {len(catalog)} strings, {missing} to translate")


@i18n_cli.command("compile")
def compile_command():
    """Write each language's .mo from its .po."""
    for language in TRANSLATED:
        click.echo(f"{language}: {extraction.compile_language(language)}")


@i18n_cli.command("check")
@click.option("--all", "require_all", is_flag=True,
              help="Untranslated entries fail too (organizer pages included).")
def check_command(require_all: bool):
    """Fail on fuzzy or placeholder-broken entries (and untranslated ones with --all); the
    tests require every volunteer-facing string translated."""
    failed = False
    for language in TRANSLATED:
        for problem in problems(extraction.read_catalog(language), untranslated_ok=not require_all):
            failed = True
            click.echo(f"{language}: {problem}", err=True)
    if failed:
        raise SystemExit(1)
    click.echo("translations: ok")
