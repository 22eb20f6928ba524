"""The folium skeleton shared by every map: vendored assets, tiles, script layers, rendering.

Our layers are folium ``Layer`` subclasses whose script calls a ``FieldMaps.*`` factory (see
static/js/maps/) with one compact JSON payload, so folium's ``LayerControl`` toggles them and
the page holds one inline object per layer instead of one per door.
"""
from __future__ import annotations

import re
from typing import Any

import folium
from branca.element import MacroElement
from folium.map import Layer
from folium.template import Template

from fieldapp.maps.assets import add_nonce, vendor_css, vendor_js
from fieldapp.maps.data import MapFragment
from fieldapp.maps.encode import script_json

MAX_ZOOM = 19

_STATIC_INTERACTION_OFF = {
    "dragging": False, "touch_zoom": False, "scroll_wheel_zoom": False,
    "double_click_zoom": False, "box_zoom": False, "keyboard": False, "tap": False,
    "zoom_animation": False, "fade_animation": False, "marker_zoom_animation": False,
    "zoom_snap": 0.25,
}
_DOCUMENT_ONLY = re.compile(
    r"<meta name=\"viewport\"[^>]*>|<style>\s*html, body \{.*?</style>|<style>\s*#map \{.*?</style>"
    r"|<script>\s*L_NO_TOUCH.*?</script>|<meta http-equiv=[^>]*>",
    re.DOTALL,
)


class ScriptLayer(Layer):
    """A layer built in the page by ``FieldMaps.<factory>(payload, map)``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = FieldMaps.{{ this.factory }}(
            {{ this.payload }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, factory: str, payload: Any, name: str, *, show: bool = True,
                 control: bool = True):
        super().__init__(name=name, overlay=True, control=control, show=show)
        self._name = "FieldLayer"
        self.factory = factory
        self.payload = script_json(payload)


class ScriptCall(MacroElement):
    """A statement in the map script; ``{map}`` in the code is replaced by the map variable."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.code_for(this._parent.get_name()) }}
        {% endmacro %}
        """
    )

    def __init__(self, code: str):
        super().__init__()
        self._name = "FieldCall"
        self.code = code

    def code_for(self, map_name: str) -> str:
        """The code with the map variable filled in."""
        return self.code.replace("{map}", map_name)


def new_map(*, static_url: str, tiles_url: str | None, tiles_attribution: str,
            center: tuple[float, float], height: str = "100%", width: str = "100%",
            interactive: bool = True, geoman: bool = False, kind: str = "map") -> folium.Map:
    """A folium Map using only vendored assets, with the tile layer (if any) and registration."""
    options: dict[str, Any] = {} if interactive else dict(_STATIC_INTERACTION_OFF)
    fmap = folium.Map(location=list(center), zoom_start=13, tiles=None, width=width,
                      height=height, control_scale=interactive, zoom_control=interactive,
                      **options)
    fmap.options["maxZoom"] = MAX_ZOOM
    fmap.default_js = vendor_js(static_url, geoman=geoman)
    fmap.default_css = vendor_css(static_url, geoman=geoman)
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=tiles_attribution, name="Streets",
                         max_zoom=MAX_ZOOM, max_native_zoom=MAX_ZOOM, control=False).add_to(fmap)
    fmap.add_child(ScriptCall(f"FieldMaps.register({{map}}, {script_json({'kind': kind})});"))
    return fmap


def fit_call(bounds: list[list[float]] | None, *, max_zoom: int = 18,
             padding: int = 16, clear_right: bool = False) -> ScriptCall:
    """A FieldMaps.fit call for [[south, west], [north, east]] bounds; `clear_right` keeps
    the map's right-hand controls (an open layer list) off the fitted area on wide maps."""
    opts = {"maxZoom": max_zoom, "padding": [padding, padding], "clearRight": clear_right}
    return ScriptCall(f"FieldMaps.fit({{map}}, {script_json(bounds)}, {script_json(opts)});")


def render_document(fmap: folium.Map, nonce: str | None, title: str = "") -> str:
    """The whole HTML document, with nonces on every inline <script> and <style>."""
    html = fmap.get_root().render()
    if title:
        from html import escape

        html = html.replace("<head>", f"<head>\n    <title>{escape(title)}</title>", 1)
    return add_nonce(html, nonce)


def render_fragment(fmap: folium.Map, nonce: str | None) -> MapFragment:
    """The map as parts to embed in a page: head tags, the map <div>, the <script> block."""
    root = fmap.get_root()
    root.render()
    header = _DOCUMENT_ONLY.sub("", root.header.render())
    header = "\n".join(line for line in header.splitlines() if line.strip())
    html = root.html.render().strip()
    script = "<script>\n" + root.script.render() + "\n</script>"
    return MapFragment(header=add_nonce(header, nonce), html=html,
                       script=add_nonce(script, nonce), map_id=fmap.get_name())
