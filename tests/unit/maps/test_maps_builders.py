"""The map builders: offline assets only, nonces, escaping, palette, encodings, size."""
from __future__ import annotations

import base64
import re
import time

import numpy as np
import pytest
from map_samples import EVIL, EVIL_IMG, coverage_data, turf_data

from fieldapp.maps import (
    DEFAULT_TILES_URL,
    OUTCOME_PALETTE,
    OUTCOMES,
    CoverageMapData,
    DoorPoints,
    TurfMapData,
    WalkDoor,
    build_coverage_map,
    build_coverage_map_fragment,
    build_turf_map,
    build_turf_map_fragment,
    csp_header,
)
from fieldapp.maps.encode import SCALE, encode_doors, hex_bins
from fieldapp.maps.palette import COVERAGE_CLASSES, coverage_class, outcome_index

NONCE = "dGVzdG5vbmNlMTIz"
URL_RE = re.compile(r"https?://[^\s\"'\\)<>]+")
ATTRIBUTION_URL = "https://www.openstreetmap.org/copyright"


def all_builds(static_url: str = "/static", nonce: str | None = NONCE) -> list[str]:
    """Every builder's output (fragments joined) for the sample data."""
    kw = {"static_url": static_url, "nonce": nonce}
    cov, walk = coverage_data(), turf_data()
    parts = [build_coverage_map(cov, **kw), build_turf_map(walk, **kw),
             build_turf_map(walk, interactive=False, **kw)]
    for frag in (build_coverage_map_fragment(cov, **kw), build_turf_map_fragment(walk, **kw)):
        parts.append(f"{frag.header}\n{frag.html}\n{frag.script}")
    return parts


@pytest.mark.parametrize("static_url", ["/static", "/app/static/", "https://cdn.example.org/s"])
def test_only_static_and_tile_urls(static_url):
    for html in all_builds(static_url):
        srcs = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", html)
        links = re.findall(r"<link[^>]*\bhref=\"([^\"]+)\"", html)
        assert srcs and links
        for url in srcs + links:
            assert url.startswith(static_url.rstrip("/") + "/"), url
        others = {u for u in URL_RE.findall(html) if not u.startswith(static_url.rstrip("/"))}
        assert others <= {DEFAULT_TILES_URL, ATTRIBUTION_URL}, others
        for banned in ("jquery", "bootstrap", "awesome", "fontawesome", "cdn.jsdelivr"):
            assert banned not in html.lower()


def test_every_inline_tag_has_the_nonce_and_no_inline_styles_or_handlers():
    for html in all_builds():
        scripts = re.findall(r"<script\b[^>]*>", html)
        styles = re.findall(r"<style\b[^>]*>", html)
        assert scripts and all(f'nonce="{NONCE}"' in tag for tag in scripts + styles)
        assert not re.search(r"<[a-z]+[^>]*\sstyle=", html, re.IGNORECASE)
        assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", html, re.IGNORECASE)


def test_without_nonce_no_nonce_attribute():
    for html in all_builds(nonce=None):
        assert "nonce=" not in html


def test_bad_nonce_rejected():
    with pytest.raises(ValueError):
        build_turf_map(turf_data(), nonce='x" onload="alert(1)')


def test_names_are_escaped_in_the_page():
    html = build_coverage_map(coverage_data()) + build_turf_map(turf_data())
    for raw in (EVIL, EVIL_IMG, "<script>alert", "<img"):
        assert raw not in html
    assert "\\u003cscript\\u003ealert" in html  # present, but as JSON text for textContent
    assert html.count("</script>") == html.count("<script")


def test_palette_covers_every_outcome():
    assert set(OUTCOME_PALETTE) == set(OUTCOMES) | {None}
    colors = [s.color for s in OUTCOME_PALETTE.values()]
    assert len(set(colors)) == len(colors)
    for swatch in OUTCOME_PALETTE.values():
        assert re.fullmatch(r"#[0-9a-f]{6}", swatch.color) and swatch.label
    assert [outcome_index(c) for c in OUTCOMES] == list(range(len(OUTCOMES)))
    assert outcome_index(None) == -1


def test_coverage_classes():
    assert coverage_class(0, 0) == -1
    assert COVERAGE_CLASSES[coverage_class(10, 0)][2] == "0%"
    assert COVERAGE_CLASSES[coverage_class(10, 1)][2] == "1–24%"
    assert COVERAGE_CLASSES[coverage_class(4, 2)][2] == "50–74%"
    assert COVERAGE_CLASSES[coverage_class(10, 10)][2] == "100%"


def decode_doors(enc: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The same decoding as FieldMaps.decodeDoors in static/js/maps/canvas-layers.js."""
    data, n, pos = base64.b64decode(enc["b"]), enc["n"], 0

    def column(origin):
        nonlocal pos
        out, acc = [], origin
        for _ in range(n):
            v, shift = 0, 0
            while True:
                b = data[pos]
                pos += 1
                v |= (b & 127) << shift
                shift += 7
                if not b & 128:
                    break
            acc += -(v + 1) // 2 if v & 1 else v // 2
            out.append(acc)
        return np.array(out) / SCALE

    lat, lon = column(enc["o"][0]), column(enc["o"][1])
    nib = np.frombuffer(data[pos:], dtype=np.uint8)
    codes = np.empty(n, dtype=int)
    codes[0::2] = nib[: (n + 1) // 2] & 15
    codes[1::2] = nib[: n // 2] >> 4
    return lat, lon, codes - 1


def test_door_encoding_round_trip():
    rng = np.random.default_rng(5)
    lat = 39.5 + rng.random(3001) * 0.5
    lon = -75.5 + rng.random(3001) * 0.7
    out = rng.integers(-1, len(OUTCOMES), 3001).astype(np.int8)
    enc = encode_doors(lat, lon, out)
    dlat, dlon, dout = decode_doors(enc)
    def keys(a, b, c):
        return sorted(zip(np.round(a * SCALE).astype(int), np.round(b * SCALE).astype(int),
                          c.tolist()))

    assert keys(lat, lon, out) == keys(dlat, dlon, dout)
    assert sum(enc["c"]) == 3001 and enc["c"][0] == int((out == -1).sum())


def test_door_outcomes_accept_codes_none_and_indexes():
    doors = DoorPoints([40.0, 40.1, 40.2], [-75.0, -75.1, -75.2], [None, "contact", 2])
    assert doors.arrays()[2].tolist() == [-1, 1, 2]
    with pytest.raises(ValueError):
        DoorPoints([40.0], [-75.0], ["nope"]).arrays()
    with pytest.raises(ValueError):
        DoorPoints([40.0], [-75.0], np.array([11])).arrays()


def test_hex_bins_count_every_contact():
    rng = np.random.default_rng(2)
    lat, lon = 40 + rng.random(500) * 0.05, -75 + rng.random(500) * 0.05
    support = rng.integers(1, 6, 500).astype(float)
    hexes = hex_bins(lat, lon, support, 400.0)
    assert sum(hexes["n"]) == 500 and 1 < len(hexes["q"]) < 500
    assert min(hexes["m"]) >= 10 and max(hexes["m"]) <= 50


def test_coverage_map_size_and_speed():
    data = coverage_data(n_doors=20_000, grid=12)
    start = time.perf_counter()
    html = build_coverage_map(data)
    assert time.perf_counter() - start < 2.0
    assert len(html) < 20_000 * 8 + 60_000  # a few bytes a door, not an object per door
    assert html.count("<script") < 20


def test_coverage_map_layers_and_payloads():
    html = build_coverage_map(coverage_data())
    for name in ("District boundary", "Turfs (share of doors knocked)", "Doors (latest outcome)",
                 "Contacts: mean support (hexagons)"):
        assert name in html
    for call in ("FieldMaps.turfs(", "FieldMaps.doors(", "FieldMaps.hexes(", "FieldMaps.legend(",
                 "FieldMaps.fit(", "FieldMaps.outline("):
        assert call in html
    empty = build_coverage_map(CoverageMapData(district=None))
    assert "FieldMaps.doors(" not in empty and "<html>" in empty


def test_turf_map_options_and_fragment():
    walk = turf_data()
    printable = build_turf_map(walk, interactive=False)
    assert '"dragging": false' in printable and '"zoomControl": false' in printable
    frag = build_turf_map_fragment(walk, nonce=NONCE, height="300px")
    assert frag.map_id and f'id="{frag.map_id}"' in frag.html
    assert "html, body" not in frag.header and "<meta" not in frag.header
    assert f"#{frag.map_id}" in frag.header and "300.0px" in frag.header
    assert frag.script.startswith(f'<script nonce="{NONCE}">')
    assert "<title>&lt;b&gt;</title>" in frag.document("<b>")
    assert "html, body" in build_turf_map(walk)  # a whole document fills its window
    with pytest.raises(ValueError):
        build_turf_map(TurfMapData(None, [WalkDoor(40.0, -75.0)] * 401))


def test_csp_header():
    csp = csp_header(NONCE, DEFAULT_TILES_URL)
    assert f"script-src 'self' 'nonce-{NONCE}'" in csp
    assert f"style-src 'self' 'nonce-{NONCE}'" in csp
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "unsafe" not in csp and "default-src 'none'" in csp
    subdomains = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    assert "https://*.tile.example.org" in csp_header(NONCE, subdomains)
    assert "img-src 'self' data:;" in csp_header(NONCE, "/tiles/{z}/{x}/{y}.png")
    cdn = csp_header(NONCE, None, static_url="https://cdn.example.org/s")
    assert "script-src 'self' https://cdn.example.org" in cdn
    with pytest.raises(ValueError):
        csp_header("bad nonce;", DEFAULT_TILES_URL)
