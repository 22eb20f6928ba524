"""One turf's map: outline, walking route, doors numbered in walk order, "you are here".

One builder for the phone walk list, the turf page and the printable walk sheet:
``interactive=False`` gives a still map for print (no controls, no popups, no animation).
Doors are numbered markers made in the page from one payload (at most MAX_DOORS of them).
"""
from __future__ import annotations

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
from fieldapp.maps.data import MapFragment, TurfMapData
from fieldapp.maps.encode import (
    SCALE,
    bounds_of,
    encode_geometry,
    encode_path,
    geometry_points,
    script_json,
)
from fieldapp.maps.palette import (
    DISTRICT_COLOR,
    ROUTE_COLOR,
    outcome_colors,
    outcome_index,
    outcome_labels,
    outcome_text_colors,
)

MAX_DOORS = 400
LOCATE_JS = "FieldMaps.locate"  # FieldMaps.locate(lat, lon, accuracyMetres[, mapId])
DOOR_EVENT = "fieldmap:door"  # CustomEvent on the map element; detail = {index, id}


def build_turf_map(data: TurfMapData, *, static_url: str = "/static",
                   tiles_url: str | None = DEFAULT_TILES_URL,
                   tiles_attribution: str = DEFAULT_TILES_ATTRIBUTION,
                   nonce: str | None = None, height: str = "100%", interactive: bool = True,
                   legend: bool = True, geoman: bool = False, title: str = "") -> str:
    """One turf's map as a complete HTML document."""
    fmap = turf_figure(data, static_url=static_url, tiles_url=tiles_url,
                       tiles_attribution=tiles_attribution, height=height,
                       interactive=interactive, legend=legend, geoman=geoman)
    return render_document(fmap, nonce, title or data.name or "Turf map")


def build_turf_map_fragment(data: TurfMapData, *, static_url: str = "/static",
                            tiles_url: str | None = DEFAULT_TILES_URL,
                            tiles_attribution: str = DEFAULT_TILES_ATTRIBUTION,
                            nonce: str | None = None, height: str = "60vh",
                            interactive: bool = True, legend: bool = True,
                            geoman: bool = False) -> MapFragment:
    """One turf's map as parts (head tags, map element, script) to embed in a template."""
    fmap = turf_figure(data, static_url=static_url, tiles_url=tiles_url,
                       tiles_attribution=tiles_attribution, height=height,
                       interactive=interactive, legend=legend, geoman=geoman)
    return render_fragment(fmap, nonce)


def turf_figure(data: TurfMapData, *, static_url: str, tiles_url: str | None,
                tiles_attribution: str, height: str = "100%", interactive: bool = True,
                legend: bool = True, geoman: bool = False) -> folium.Map:
    """The folium Map behind build_turf_map (for callers that add their own layers)."""
    if len(data.doors) > MAX_DOORS:
        raise ValueError(f"a turf map shows at most {MAX_DOORS} doors, got {len(data.doors)}")
    lat = np.asarray([d.lat for d in data.doors], dtype=np.float64)
    lon = np.asarray([d.lon for d in data.doors], dtype=np.float64)
    codes = [outcome_index(d.outcome) + 1 for d in data.doors]
    route = np.asarray(data.route, dtype=np.float64).reshape(-1, 2) if data.route else None
    groups = [geometry_points(data.boundary), (lat, lon)]
    if route is not None:
        groups.append((route[:, 0], route[:, 1]))
    bounds = bounds_of(*groups)
    (south, west), (north, east) = bounds or [[0.0, 0.0], [0.0, 0.0]]
    origin = (round(south * SCALE), round(west * SCALE))

    fmap = new_map(static_url=static_url, tiles_url=tiles_url, tiles_attribution=tiles_attribution,
                   center=((south + north) / 2, (west + east) / 2), height=height,
                   interactive=interactive, geoman=geoman, kind="turf")
    if not interactive:
        fmap.add_child(ScriptCall("{map}.getContainer().classList.add('fm-print');"))
    if data.boundary:
        ScriptLayer("outline", {"o": origin, "k": SCALE, "color": DISTRICT_COLOR,
                                "g": encode_geometry(data.boundary, origin)},
                    "Turf boundary", control=False).add_to(fmap)
    colors, labels = outcome_colors(), outcome_labels()
    if data.doors:
        payload: dict[str, Any] = {
            "o": origin, "k": SCALE, "d": encode_path(np.column_stack([lat, lon]), origin),
            "c": codes, "l": [str(d.label) for d in data.doors],
            "id": [d.door_id if isinstance(d.door_id, (int, str)) or d.door_id is None
                   else str(d.door_id) for d in data.doors],
            "route": encode_path(route, origin) if route is not None else None,
            "routeColor": ROUTE_COLOR, "colors": colors, "text": outcome_text_colors(),
            "labels": labels, "interactive": interactive,
        }
        ScriptLayer("walk", payload, "Doors in walk order", control=False).add_to(fmap)
    if legend and data.doors:
        present = sorted(set(codes))
        spec = {"title": "Doors", "open": not interactive or None, "position": "bottomleft",
                "sections": [{"title": "Latest outcome", "items": [
                    {"color": colors[k], "label": labels[k], "ring": True} for k in present]}]}
        if spec["open"] is None:
            del spec["open"]
        fmap.add_child(ScriptCall(f"FieldMaps.legend({{map}}, {script_json(spec)}, null);"))
    fmap.add_child(fit_call(bounds, max_zoom=18, padding=24 if interactive else 8))
    return fmap
