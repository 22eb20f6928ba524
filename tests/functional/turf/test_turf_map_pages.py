"""Maps on the turf page, the walk sheet and the race coverage map: drawn by the shared
builder, with a Content-Security-Policy whose nonce is on every inline script."""
from __future__ import annotations

import re

import pytest

from tests.world import knock


def _nonce(response) -> str:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    match = re.search(r"'nonce-([^']+)'", csp)
    assert match, csp
    return match.group(1)


def _inline_scripts_carry(html: str, nonce: str) -> None:
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline, "the map has inline scripts"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline)


@pytest.mark.parametrize("path", ["/turfs/{turf}", "/turfs/{turf}/sheet", "/races/{race}/map"])
def test_map_pages_draw_under_a_nonce_csp(client, auth, world, path):
    client.post("/api/v1/knocks", json=knock(world.doors[0], "contact"),
                headers=world.headers("vol1"))
    auth.login("org@example.org")
    response = client.get(path.format(turf=world.turf, race=world.race))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "folium-map" in html
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    _inline_scripts_carry(html, _nonce(response))


def test_two_responses_get_two_nonces(client, auth, world):
    auth.login("org@example.org")
    first = _nonce(client.get(f"/races/{world.race}/map"))
    assert first != _nonce(client.get(f"/races/{world.race}/map"))


def test_volunteer_sees_their_walk_sheet_map_but_not_the_race_map(client, auth, world):
    auth.login("vol1@example.org")
    assert "folium-map" in client.get(f"/turfs/{world.turf}/sheet").get_data(as_text=True)
    assert client.get(f"/turfs/{world.other_turf}/sheet").status_code == 403
    assert client.get(f"/races/{world.race}/map").status_code == 403
