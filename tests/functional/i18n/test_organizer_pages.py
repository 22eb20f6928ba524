"""Organizer pages through the catalogue: each renders in English as before and, for an organizer
whose browser asks for Spanish, in Spanish where the catalogue has it (English where it does not
yet), with every placeholder filled."""
from __future__ import annotations

import re

import pytest

ES = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
PAGES = [
    "/races/", "/races/{race}", "/races/{race}/edit", "/races/{race}/archive", "/races/new",
    "/races/{race}/district", "/races/{race}/script", "/races/{race}/streets",
    "/races/{race}/import", "/races/{race}/ungeocoded", "/races/{race}/field-added",
    "/races/{race}/turfs", "/races/{race}/turfs/map", "/races/{race}/outside-doors",
    "/races/{race}/turfs/recut", "/turfs/{turf}", "/turfs/{turf}/retire",
    "/races/{race}/dashboard", "/races/{race}/map", "/orgs/ny-wfp/members", "/account/tokens",
]
# A placeholder left in a page ("%(doors)s") or a Python/Jinja escape that leaked ("%%").
LEFT_OVER = re.compile(r"%\(\w+\)[sd]|%%")


def _get(client, page: str, world, headers):
    return client.get(page.format(race=world.race, turf=world.turf), headers=headers)


@pytest.mark.parametrize("page", PAGES)
def test_an_organizer_page_renders_in_english_and_in_spanish(client, auth, world, page):
    auth.login("org@example.org")
    english, spanish = (_get(client, page, world, h) for h in (EN, ES))
    assert english.status_code == spanish.status_code == 200
    for response, lang in ((english, "en"), (spanish, "es")):
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}"' in html
        assert not LEFT_OVER.search(html), LEFT_OVER.search(html).group(0)
    assert english.get_data() != spanish.get_data()


def test_the_race_page_speaks_spanish_in_its_navigation(client, auth, world):
    auth.login("org@example.org")
    html = _get(client, "/races/{race}", world, ES).get_data(as_text=True)
    for words in ("Panel", "Mapa de cobertura", "Zonas y asignaciones", "Importar votantes",
                  "Editar campaña", "Archivar campaña", "Hogares", "Tocadas"):
        assert words in html
    english = _get(client, "/races/{race}", world, EN).get_data(as_text=True)
    assert "Coverage map" in english and "Turf and assignments" in english
