"""The race coverage map: district, turfs shaded by share knocked, every door, support hexagons.

Doors are never folium objects: all of them travel in one compact base64 payload (see
encode.py) drawn client-side on a canvas by FieldMaps.DoorLayer (grid clusters when zoomed
out, dots by latest outcome when zoomed in), so 100,000 doors build in well under a second.
"""
from __future__ import annotations

import re
from typing import Any

import folium
import numpy as np

from fieldapp.maps.assets import DEFAULT_TILES_ATTRIBUTION, DEFAULT_TILES_URL
from fieldapp.maps.base import (
    ScriptCall,
    ScriptLayer,
    fit_call,
    new_map,
    render_document,
    render_fragment,
)
from fieldapp.maps.data import CoverageMapData, MapFragment, TurfSummary
from fieldapp.maps.encode import (
    SCALE,
    bounds_of,
    encode_doors,
    encode_geometry,
    geometry_points,
    hex_bins,
    script_json,
)
from fieldapp.maps.palette import (
    COVERAGE_CLASSES,
    DISTRICT_COLOR,
    NO_DOORS_COLOR,
    SUPPORT_PALETTE,
    coverage_class,
    outcome_colors,
    outcome_labels,
)

HEX_METRES = 400.0
CLUSTER_ZOOM = 17  # from this zoom doors are single dots (coincident doors still stack)
_SAFE_URL = re.compile(r"^(/(?![/\\])|https?://)", re.IGNORECASE)


def build_coverage_map(data: CoverageMapData, *, static_url: str = "/static",
                       tiles_url: str | None = DEFAULT_TILES_URL,
                       tiles_attribution: str = DEFAULT_TILES_ATTRIBUTION,
                       nonce: str | None = None, height: str = "100%",
                       hex_metres: float = HEX_METRES, title: str = "Coverage map") -> str:
    """The coverage map as a complete HTML document."""
    fmap = coverage_figure(data, static_url=static_url, tiles_url=tiles_url,
                           tiles_attribution=tiles_attribution, height=height,
                           hex_metres=hex_metres)
    return render_document(fmap, nonce, title)


def build_coverage_map_fragment(data: CoverageMapData, *, static_url: str = "/static",
                                tiles_url: str | None = DEFAULT_TILES_URL,
                                tiles_attribution: str = DEFAULT_TILES_ATTRIBUTION,
                                nonce: str | None = None, height: str = "70vh",
                                hex_metres: float = HEX_METRES,
                                geoman: bool = False) -> MapFragment:
    """The coverage map as parts (head tags, map element, script) to embed in a template.

    ``geoman=True`` loads the vendored Leaflet-Geoman for drawing turfs on the map.
    """
    fmap = coverage_figure(data, static_url=static_url, tiles_url=tiles_url,
                           tiles_attribution=tiles_attribution, height=height,
                           hex_metres=hex_metres, geoman=geoman)
    return render_fragment(fmap, nonce)


def coverage_figure(data: CoverageMapData, *, static_url: str, tiles_url: str | None,
                    tiles_attribution: str, height: str = "100%",
                    hex_metres: float = HEX_METRES, geoman: bool = False) -> folium.Map:
    """The folium Map behind build_coverage_map (for callers that add their own layers)."""
    empty = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int8))
    dlat, dlon, dout = data.doors.arrays() if data.doors is not None else empty
    district_pts = geometry_points(data.district)
    turf_pts = [geometry_points(t.boundary) for t in data.turfs]
    bounds = bounds_of(district_pts) or bounds_of((dlat, dlon), *turf_pts)
    (south, west), (north, east) = bounds or [[0.0, 0.0], [0.0, 0.0]]
    center = ((south + north) / 2, (west + east) / 2)
    origin = (round(south * SCALE), round(west * SCALE))

    fmap = new_map(static_url=static_url, tiles_url=tiles_url, tiles_attribution=tiles_attribution,
                   center=center, height=height, geoman=geoman, kind="coverage")
    legend: list[dict[str, Any]] = []
    if data.district:
        ScriptLayer("outline", {"o": origin, "k": SCALE, "color": DISTRICT_COLOR,
                                "g": encode_geometry(data.district, origin)},
                    "District boundary").add_to(fmap)
    if data.turfs:
        rows = [_turf_row(t, origin) for t in data.turfs]
        ScriptLayer("turfs", {"o": origin, "k": SCALE, "t": rows, "empty": NO_DOORS_COLOR,
                              "classes": [c[1] for c in COVERAGE_CLASSES]},
                    "Turfs (share of doors knocked)").add_to(fmap)
        items = [{"color": color, "label": label} for _low, color, label in COVERAGE_CLASSES]
        if any(row[7] < 0 for row in rows):
            items.append({"color": NO_DOORS_COLOR, "label": "No doors"})
        legend.append({"title": "Turfs: doors knocked", "items": items})
    if data.contacts is not None:
        clat, clon, support = data.contacts.arrays()
        if clat.size:
            colors = [SUPPORT_PALETTE[k].color for k in range(1, 6)]
            ScriptLayer("hexes", {"h": hex_bins(clat, clon, support, hex_metres), "colors": colors},
                        "Contacts: mean support (hexagons)", show=False).add_to(fmap)
            legend.append({"title": "Support (mean, hexagons)", "items": [
                {"color": SUPPORT_PALETTE[k].color, "label": SUPPORT_PALETTE[k].label}
                for k in range(5, 0, -1)]})
    doors_var = "null"
    if dlat.size:
        colors, labels = outcome_colors(), outcome_labels()
        doors = ScriptLayer("doors", {"d": encode_doors(dlat, dlon, dout), "colors": colors,
                                      "labels": labels, "clusterZoom": CLUSTER_ZOOM},
                            "Doors (latest outcome)")
        doors.add_to(fmap)
        doors_var = doors.get_name()
        present = np.bincount(dout.astype(np.int64) + 1, minlength=12)
        legend.append({"title": "Doors: latest outcome", "items": [
            {"color": colors[k], "label": labels[k], "code": k, "ring": True}
            for k in range(12) if present[k]]})
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    if legend:
        spec = {"title": "Legend", "sections": legend}
        fmap.add_child(ScriptCall(f"FieldMaps.legend({{map}}, {script_json(spec)}, {doors_var});"))
    fmap.add_child(fit_call(bounds, max_zoom=17, clear_right=True))
    return fmap


def _turf_row(turf: TurfSummary, origin: tuple[int, int]) -> list[Any]:
    """[id, name, volunteers, doors, knocked, contacts, url, class, geometry] for the page."""
    url = turf.url if turf.url and _SAFE_URL.match(turf.url) else None
    turf_id = turf.id if isinstance(turf.id, (int, str)) else str(turf.id)
    return [turf_id, str(turf.name), [str(v) for v in turf.volunteers], int(turf.doors),
            int(turf.knocked), int(turf.contacts), url, coverage_class(turf.doors, turf.knocked),
            encode_geometry(turf.boundary, origin)]
