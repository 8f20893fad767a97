"""The page-level folium elements: the Leaflet map itself, inline assets, title, image overlay.

Each is a small branca ``MacroElement`` with its own template; none loads anything from the
network. Text arrives already escaped (:mod:`dsrgeo.maps.legend`) and travels as JSON.
"""

from folium.map import Layer
from folium.template import Template

from dsrgeo.maps.assets import leaflet_css, leaflet_js
from dsrgeo.maps.runtime import RUNTIME_CSS, RUNTIME_JS
from dsrgeo.maps.safe import RawElement, SafeLayer, SafeMacro, script_json

__all__ = ["ImageOverlay", "InlineAssets", "LayerControl", "LeafletMap", "ReadyMarker", "TitleBox"]


def InlineAssets():  # noqa: N802 (returns an element)
    """Return an element holding Leaflet's CSS/JS and the dsrgeo runtime, inline."""
    return RawElement(
        "<style>" + leaflet_css() + RUNTIME_CSS + "</style>\n"
        "<script>" + leaflet_js() + "</script>\n"
        "<script>" + RUNTIME_JS + "</script>\n"
    )


class LayerControl(SafeMacro):
    """``L.control.layers`` over the map's layers: base layers (radio) and overlays (checkbox).

    Layer names are already html-escaped (Leaflet puts them into ``innerHTML``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.layers(
            { {%- for name, var in this.base_layers %}{{ name|tojson }}: {{ var }},{% endfor -%} },
            { {%- for name, var in this.overlays %}{{ name|tojson }}: {{ var }},{% endfor -%} },
            {collapsed: {{ this._parent.get_name() }}.getSize().x < {{ this.expanded_min_px }},
             position: "topright"}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    expanded_min_px = 1100  # narrower maps get Leaflet's collapsed (icon) control

    def __init__(self):
        super().__init__()
        self._name = "DsrgeoLayerControl"

    def render(self, **kwargs):
        """Collect the map's layers (base and overlay), then render the control."""
        layers = [c for c in self._parent._children.values() if isinstance(c, Layer) and c.control]
        self.base_layers = [(c.layer_name, c.get_name()) for c in layers if not c.overlay]
        self.overlays = [(c.layer_name, c.get_name()) for c in layers if c.overlay]
        super().render(**kwargs)


class LeafletMap(SafeMacro):
    """``L.map`` in a div, registered with the dsrgeo runtime, with one pane per drawing order.

    Parameters
    ----------
    bounds : list
        ``[[south, west], [north, east]]`` degrees to fit on load.
    panes : dict
        Pane name -> z-index.
    fragment_height : str or None
        None for a full page (the map fills the window); a CSS height for an embedded fragment.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        {%- if this.fragment_height %}
        #{{ this.get_name() }}{position:relative;width:100%;height:{{ this.fragment_height }}}
        #{{ this.get_name() }} .dsrgeo-legend{max-height:calc({{ this.fragment_height }} * 0.4)}
        {%- else %}
        html,body{width:100%;height:100%;margin:0;padding:0}
        #{{ this.get_name() }}{position:absolute;top:0;bottom:0;left:0;right:0}
        {%- endif %}
        </style>
        {% endmacro %}

        {% macro html(this, kwargs) %}
        <div class="dsrgeo-map" id={{ this.get_name()|tojson }}></div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {minZoom: 1, zoomSnap: 0.25});
        dsrgeo.map({{ this.get_name()|tojson }}, {{ this.get_name() }});
        {%- for name, z in this.panes.items() %}
        {{ this.get_name() }}.createPane({{ name|tojson }}).style.zIndex = {{ z|tojson }};
        {%- endfor %}
        {{ this.get_name() }}.fitBounds({{ this.bounds|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, *, bounds, panes, fragment_height=None):
        super().__init__()
        self._name = "DsrgeoMap"
        self.bounds = bounds
        self.panes = panes
        self.fragment_height = fragment_height


class TitleBox(SafeMacro):
    """The map title, centred at the top (``escaped_title`` is already html-escaped)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.DomUtil.create("div", "dsrgeo-title dsrgeo-box",
                         {{ this._parent.get_name() }}.getContainer()).innerHTML = {{ this.title_json }};
        {% endmacro %}
        """
    )

    def __init__(self, escaped_title):
        super().__init__()
        self._name = "DsrgeoTitle"
        self.title_json = script_json(escaped_title)


class ImageOverlay(SafeLayer):
    """An ``L.imageOverlay`` of a ``data:`` URI PNG (coverage grids), registered like vectors."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.imageOverlay({{ this.uri_json }}, {{ this.bounds|tojson }},
            {pane: {{ this.pane|tojson }}, attribution: {{ this.attribution_json }}});
        {{ this.get_name() }}.dsrgeoKey = {{ this.key|tojson }};
        dsrgeo.maps[{{ this._parent.get_name()|tojson }}].layers.push({key: {{ this.key|tojson }},
            name: {{ this.name_json }}, layer: {{ this.get_name() }}, spec: {time: null},
            features: {{ this.cells|tojson }}, drawable: {{ this.cells|tojson }}});
        {{ this.get_name() }}.dsrgeoAll = [{{ this.get_name() }}];
        {{ this.get_name() }}.getLayers = function () { return this.dsrgeoAll; };
        {%- if this.show %}
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, uri, bounds, *, key, name, pane, cells, attribution, show):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DsrgeoImage"
        self.uri_json = script_json(uri)
        self.bounds = bounds
        self.key = key
        self.name_json = script_json(name)
        self.pane = pane
        self.cells = int(cells)
        self.attribution_json = script_json(attribution or "")


class ReadyMarker(SafeMacro):
    """Last script of a map: flags it ready and records when the first frame after it painted."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (entry) {
            entry.ready = true;
            entry.readyMs = performance.now();
            requestAnimationFrame(function () { requestAnimationFrame(function () {
                entry.drawnMs = performance.now();
            }); });
        })(dsrgeo.maps[{{ this._parent.get_name()|tojson }}]);
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "DsrgeoReady"
