"""The page-level folium elements: the Leaflet map itself, inline assets, title, image overlay.

Each is a small branca ``MacroElement`` with its own template; none loads anything from the
network. Text arrives already escaped (:mod:`dsrgeo.maps.legend`) and travels as JSON.
"""

from folium.map import Layer
from folium.template import Template

from dsrgeo.maps.assets import leaflet_css, leaflet_js
from dsrgeo.maps.runtime import RUNTIME_CSS, RUNTIME_JS
from dsrgeo.maps.safe import RawElement, SafeLayer, SafeMacro, script_json

__all__ = [
    "FIT_PADDING_PX",
    "GeometryTable",
    "ImageOverlay",
    "InlineAssets",
    "LayerControl",
    "LeafletMap",
    "ReadyMarker",
    "TitleBox",
]

#: Space kept free around what the map opens on, pixels (fit_bounds never clips its box)
FIT_PADDING_PX = 24


def InlineAssets():  # noqa: N802 (returns an element)
    """Return an element holding Leaflet's CSS/JS and the dsrgeo runtime, inline.

    Each script runs only if the page has no copy of it yet: several maps embedded in one
    page (report fragments) share one Leaflet and one runtime, since maps finish loading
    after every script has run.
    """
    return RawElement(
        "<style>" + leaflet_css() + RUNTIME_CSS + "</style>\n"
        '<script>if (!(window.L && window.L.version === "1.9.4" && window.L.dsrgeoInline)) {'
        + leaflet_js()
        + "\nwindow.L.dsrgeoInline = true;}</script>\n"
        "<script>" + RUNTIME_JS + "</script>\n"
    )


class LayerControl(SafeMacro):
    """``L.control.layers`` over the map's layers: base layers (radio) and overlays (checkbox).

    Layer names are already html-escaped (Leaflet puts them into ``innerHTML``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dsrgeo.maps[{{ this._parent.get_name()|tojson }}].layerControl = L.control.layers(
            { {%- for name, var in this.base_layers %}{{ name|tojson }}: {{ var }},{% endfor -%} },
            { {%- for name, var in this.overlays %}{{ name|tojson }}: {{ var }},{% endfor -%} },
            {collapsed: true, position: "topright"}
        ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

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
        ``[[south, west], [north, east]]`` degrees to fit on load (with
        :data:`FIT_PADDING_PX` around it).
    panes : dict
        Pane name -> z-index.
    fragment_height : str or None
        None for a full page (the map fills the window); a CSS height for an embedded fragment.
    center_lon : float
        The map's central meridian (the world it draws runs 180° either side).
    label : str
        Escaped accessible name of the map (its title).
    alt_html : str
        Safe HTML of the text alternative (a table of the layers), for screen readers.
    focus : list or None
        ``[lat, lon]`` a tall (phone) map opens on; None: the centre of ``bounds``.
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
        <div class="dsrgeo-map" id={{ this.get_name()|tojson }} role="region" aria-label="{{ this.label }}" aria-describedby="{{ this.get_name() }}_alt"></div>
        <div class="dsrgeo-sr" id="{{ this.get_name() }}_alt">{{ this.alt_html }}</div>
        {% endmacro %}

        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, {minZoom: 1, zoomSnap: 0.25,
            zoomControl: false, worldCopyJump: true, keyboard: true,
            maxBounds: [[-85.06, {{ this.center_lon - 540 }}], [85.06, {{ this.center_lon + 540 }}]],
            maxBoundsViscosity: 1.0});
        dsrgeo.map({{ this.get_name()|tojson }}, {{ this.get_name() }}, {centerLon: {{ this.center_lon|tojson }}});
        {%- for name, z in this.panes.items() %}
        {{ this.get_name() }}.createPane({{ name|tojson }}).style.zIndex = {{ z|tojson }};
        {%- endfor %}
        dsrgeo.view({{ this.get_name()|tojson }}, {{ this.bounds|tojson }}, {{ this.padding }}, {{ this.focus|tojson }});
        {% endmacro %}
        """
    )

    def __init__(
        self, *, bounds, panes, fragment_height=None, center_lon=0.0, label, alt_html, focus=None
    ):
        super().__init__()
        self._name = "DsrgeoMap"
        self.bounds = bounds
        self.panes = panes
        self.fragment_height = fragment_height
        self.center_lon = float(center_lon)
        self.padding = FIT_PADDING_PX
        self.label = label
        self.alt_html = alt_html
        self.focus = None if focus is None else [float(focus[0]), float(focus[1])]


class TitleBox(SafeMacro):
    """The map title: a control at the top left, above the zoom buttons.

    ``escaped_title`` is already html-escaped. On a small map the runtime clamps it to two
    lines (a click shows it whole).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dsrgeo.control({{ this._parent.get_name()|tojson }}, "topleft", "dsrgeo-box dsrgeo-title",
                       {{ this.html_json }});
        {% endmacro %}
        """
    )

    def __init__(self, escaped_title):
        super().__init__()
        self._name = "DsrgeoTitle"
        self.html_json = script_json(
            f'<div class="dsrgeo-title-text" role="heading" aria-level="2">{escaped_title}</div>'
        )


class GeometryTable(SafeMacro):
    """The page's geometry, each distinct one once, that the vector layers index into.

    Parameters
    ----------
    table_json : str
        Script-safe JSON: ``{decimals: [compact geometry, ...]}``, or ``{"z": ...}`` when
        compressed.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dsrgeo.geometries({{ this._parent.get_name()|tojson }}, {{ this.table_json }});
        {% endmacro %}
        """
    )

    def __init__(self, table_json):
        super().__init__()
        self._name = "DsrgeoGeometries"
        self.table_json = table_json


class ImageOverlay(SafeLayer):
    """An ``L.imageOverlay`` of a ``data:`` URI PNG (coverage grids), registered like vectors.

    The image is drawn three times, 360° apart, so it wraps with the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup([-360, 0, 360].map(function (shift) {
            var box = {{ this.bounds|tojson }};
            return L.imageOverlay({{ this.uri_json }},
                [[box[0][0], box[0][1] + shift], [box[1][0], box[1][1] + shift]],
                {pane: {{ this.pane|tojson }}});
        }));
        {{ this.get_name() }}.dsrgeoKey = {{ this.key|tojson }};
        dsrgeo.maps[{{ this._parent.get_name()|tojson }}].layers.push({key: {{ this.key|tojson }},
            name: {{ this.name_json }}, layer: {{ this.get_name() }}, spec: {time: null},
            image: true, kind: "coverage", order: -1, copies: {}, credit: {{ this.credit_json }},
            features: {{ this.cells|tojson }}, drawable: {{ this.cells|tojson }}});
        {{ this.get_name() }}.dsrgeoAll = [{{ this.get_name() }}];
        {%- if this.show %}
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, uri, bounds, *, key, name, pane, cells, credit, show):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "DsrgeoImage"
        self.uri_json = script_json(uri)
        self.bounds = bounds
        self.key = key
        self.name_json = script_json(name)
        self.pane = pane
        self.cells = int(cells)
        self.credit_json = script_json(list(credit))


class ReadyMarker(SafeMacro):
    """Last script of a map: once every layer has its data, it fits the panels.

    It then shows the credits, flags the map ready (``readyMs``) and records when the first
    frame after that painted (``drawnMs``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dsrgeo.finish({{ this._parent.get_name()|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "DsrgeoReady"
