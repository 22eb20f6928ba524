"""Maps for fieldapp: pure builders from plain data to offline, CSP-friendly Leaflet HTML.

Nothing here touches Flask or the database: callers pass dataclasses (see ``data``) and the
URL prefix of the static files, and get back an HTML document (``build_*_map``) or the parts
to embed in a template (``build_*_map_fragment``). Scripts and styles come only from
``static_url`` (vendored Leaflet under static/vendor/, our code under static/js/maps/).
"""
from fieldapp.maps.assets import (
    DEFAULT_TILES_ATTRIBUTION,
    DEFAULT_TILES_URL,
    add_nonce,
    csp_header,
    vendor_css,
    vendor_js,
)
from fieldapp.maps.coverage import build_coverage_map, build_coverage_map_fragment
from fieldapp.maps.data import (
    ContactPoints,
    CoverageMapData,
    DoorPoints,
    MapFragment,
    TurfMapData,
    TurfSummary,
    WalkDoor,
)
from fieldapp.maps.palette import (
    COVERAGE_CLASSES,
    OUTCOME_PALETTE,
    OUTCOMES,
    SUPPORT_PALETTE,
    Swatch,
)
from fieldapp.maps.turf import (
    DOOR_EVENT,
    LOCATE_JS,
    MAX_DOORS,
    build_turf_map,
    build_turf_map_fragment,
)

__all__ = [
    "COVERAGE_CLASSES", "DEFAULT_TILES_ATTRIBUTION", "DEFAULT_TILES_URL", "DOOR_EVENT",
    "LOCATE_JS", "MAX_DOORS", "OUTCOMES", "OUTCOME_PALETTE", "SUPPORT_PALETTE", "ContactPoints",
    "CoverageMapData", "DoorPoints", "MapFragment", "Swatch", "TurfMapData", "TurfSummary",
    "WalkDoor", "add_nonce", "build_coverage_map", "build_coverage_map_fragment",
    "build_turf_map", "build_turf_map_fragment", "csp_header", "vendor_css", "vendor_js",
]
