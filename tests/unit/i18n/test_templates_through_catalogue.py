"""Every page's words go through the catalogue: no template shows English text that `_()`,
`ngettext()` or `{% trans %}` does not wrap (organizer pages may still show it untranslated, but
`flask i18n update` must find it).

Each template is read with Jinja's own lexer; its HTML, with every `{{ }}`/`{% %}` replaced by a
marker, goes through the standard library's HTML parser. A text node or a human-read attribute
(title, alt, aria-label, placeholder) with letters in it fails, and so does a prose string literal
inside an expression (`'Restore race' if ... else ...`) that no translation call wraps. No app,
no database: the whole check takes a few hundred milliseconds.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "fieldapp" / "templates"
MARK = "\x00"
# Shown as they are in every language: units, formats, names of file formats and of products.
KEEP = re.compile(r"\b(?:VAN|VanID|CSV|JSON|GeoJSON|OCD|UTC|km|m|min|ocd_id|YYYY-MM-DD|"
                  r"fieldapp|English|Español|[A-Z]{4}-\d{4})\b"  # ABCD-1234: a turf code's shape
                  r"|<code>[^<]*</code>")  # a command or a file name, passed into a sentence
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
HUMAN_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description",
                    "aria-roledescription", "aria-valuetext"}
SKIPPED = {"script", "style", "code", "kbd", "samp"}
TRANSLATING_CALLS = {"_", "gettext", "ngettext", "lazy_gettext"}
# A string literal of two or more words ("Restore race", "the command line") is prose.
PROSE = re.compile(r"[A-Za-z]{2,}[,;:]? +[A-Za-z]{2,}")
# Blocks whose text is not shown: base.html puts it in <body class="...">.
HIDDEN_BLOCKS = {"body_class"}


def _templates() -> list[str]:
    return sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))


def _has_words(text: str) -> bool:
    return bool(LETTERS.search(KEEP.sub("", text.replace(MARK, " "))))


def _shown(text: str) -> str:
    """A text as the failure message shows it: each Jinja construct as {{}}, one line."""
    return " ".join(re.sub(r"(\s*" + MARK + r"\s*)+", " {{}} ", text).split())


class _Page(HTMLParser):
    """Collects the text nodes and human-read attribute values that still hold words."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._skip = 0  # inside <script>, <style> or <code> (a command, a file or field name)

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self._skip += 1
        for name, value in attrs:
            if name in HUMAN_ATTRIBUTES and value and _has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{_shown(value)}"'))

    def handle_endtag(self, tag):
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and _has_words(data):
            first_word = data[:LETTERS.search(data).start()]
            self.found.append((self.getpos()[0] + first_word.count("\n"), _shown(data)))


def untranslated(source: str) -> list[tuple[int, str]]:
    """(line, text) of every piece of English in a template that no translation call wraps."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    skeleton, found = [], []
    in_trans = hidden = False
    calls: list[bool] = []  # per open bracket: is it a translation call's?
    last = ("", "")  # the last token that is not whitespace
    for lineno, kind, value in env.lex(source):
        if kind == "data" and not (in_trans or hidden):
            skeleton.append(value)
            continue
        # A space around the marker keeps `<td{% if x %} class="a"{% endif %}>` a tag.
        skeleton.append(" " + MARK + "\n" * value.count("\n") + " ")  # {% trans %}: extracted
        if kind == "name" and last[0] == "block_begin" and value in ("trans", "endtrans"):
            in_trans = value == "trans"
        elif kind == "name" and last == ("name", "block"):
            hidden = value in HIDDEN_BLOCKS
        elif kind == "name" and last[0] == "block_begin" and value == "endblock":
            hidden = False
        elif kind == "operator" and value in "([{":
            calls.append(value == "(" and last[0] == "name" and last[1] in TRANSLATING_CALLS)
        elif kind == "operator" and value in ")]}" and calls:
            calls.pop()
        elif kind == "string" and not in_trans and not any(calls[-1:]) and PROSE.search(value) \
                and not KEEP.fullmatch(value[1:-1]):
            found.append((lineno, value))
        if kind != "whitespace":
            last = (kind, value)
    page = _Page()
    page.feed("".join(skeleton))
    page.close()
    return sorted(found + page.found)


@pytest.mark.parametrize("name", _templates())
def test_the_template_shows_no_english_outside_the_catalogue(name):
    found = untranslated((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not found, (f"{name}: wrap these in {{{{ _('...') }}}} (ngettext for counts), then "
                       "run `make translations`:\n" + "\n".join(f"  line {n}: {t}" for n, t in found))


@pytest.mark.parametrize(("source", "expected"), [
    ("<h1>Races</h1>", [(1, "Races")]),
    ("<h1>{{ _('Races') }}</h1>", []),
    ("<p>\n{{ n }} doors</p>", [(2, "{{}} doors")]),
    ('<a href="{{ url }}" title="Open it">{{ _("Open") }}</a>', [(1, 'title="Open it"')]),
    ('<input aria-label="{{ _(\'Pick %(t)s\', t=name) }}">', []),
    ("{{ 'Restore race' if x else _('Archive race') }}", [(1, "'Restore race'")]),
    ("{{ url_for('races.detail', race_id=1) }} {{ '%Y-%m-%d %H:%M' }}", []),
    ("{% trans n=3 %}{{ n }} doors{% endtrans %}", []),
    ("<script>const label = 'Sync now';</script><code>flask i18n</code> · VAN · 3 km", []),
    ("<td>&nbsp;↳ #{{ unit }}</td>", []),
])
def test_the_checker_finds_english_and_only_english(source, expected):
    assert untranslated(source) == expected
