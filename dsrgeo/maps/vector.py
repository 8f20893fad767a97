"""One vector layer in the page: compact, escaped GeoJSON plus the folium element that draws it.

Only the properties a tooltip or popup shows travel to the page, each value already
``html.escape``-d and formatted as text; coordinates are rounded to ``COORD_DECIMALS``. Styles
are a small table indexed per feature (``_s``), so thousands of features share a few dicts.
"""

import html
import json
import math

import numpy as np
import pandas as pd
import shapely
from folium.map import Layer
from folium.template import Template

__all__ = ["COORD_DECIMALS", "VectorLayer", "format_value", "script_json", "vector_spec"]

COORD_DECIMALS = 5  # 1e-5 degree is about 1.1 m at the equator: far below screen resolution


def script_json(obj):
    """Serialise ``obj`` as compact JSON that is safe inside an inline ``<script>``.

    ``<``, ``>``, ``&`` and the JS line separators become ``\\uXXXX`` escapes, so no data value
    can close the script element or start a comment.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def format_value(value):
    """Return a data value as html-escaped display text, or None when it is missing.

    Lists are joined with ", "; whole floats lose their ".0"; other floats keep 2 decimals.

    Examples
    --------
    >>> format_value("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> format_value(["HMN Tech", "Orange"]), format_value(2019.0), format_value(None)
    ('HMN Tech, Orange', '2019', None)
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        parts = [format_value(v) for v in value]
        text = ", ".join(p for p in parts if p is not None)
        return text or None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return None
        if float(value).is_integer():
            return str(int(value))
        return f"{value:.2f}"
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _round_geometries(geometries):
    """Round coordinates to ``COORD_DECIMALS`` (vectorised), keeping geometry types."""
    return shapely.transform(np.asarray(geometries, dtype=object), lambda xy: np.round(xy, COORD_DECIMALS))


def vector_spec(
    layer, *, key, pane, tooltip_labels, popup_labels, style_table, style_index, time, popup_html
):
    """Build the JSON-ready spec the runtime's ``dsrgeo.vector`` draws.

    Parameters
    ----------
    layer : dsrgeo.maps.map.MapLayer
        The resolved layer (its ``gdf`` has only drawable rows).
    key : str
        Short page-unique key (``l0``, ``l1``...).
    pane : str
        Leaflet pane name (sets the drawing order).
    tooltip_labels, popup_labels : list of (str, str)
        (column, escaped label) pairs.
    style_table : list of dict
        Distinct Leaflet path styles.
    style_index : sequence of int
        Index into ``style_table`` per row.
    time : dict or None
        ``{"start": years, "end": years, "before": rule, "after": rule}`` with per-row years
        (int or None) and rules (``"hide"`` or a style index).
    popup_html : sequence of str or None
        Raw popup HTML per row (trusted by the caller).

    Returns
    -------
    dict
    """
    gdf = layer.gdf
    columns = list(dict.fromkeys(c for c, _ in [*tooltip_labels, *popup_labels]))
    rounded = _round_geometries(gdf.geometry.values)
    values = {c: [format_value(v) for v in gdf[c].tolist()] for c in columns}
    features = []
    geometries = shapely.to_geojson(rounded)
    for i, geom in enumerate(geometries):
        props = {c: values[c][i] for c in columns}
        props["_s"] = int(style_index[i])
        if time is not None:
            props["_y0"] = time["start"][i]
            props["_y1"] = time["end"][i]
        if popup_html is not None:
            props["_ph"] = str(popup_html[i])
        features.append(
            {"type": "Feature", "geometry": json.loads(geom), "properties": props}
        )
    spec = {
        "key": key,
        "name": html.escape(layer.name),
        "kind": layer.kind,
        "pane": pane,
        "attribution": html.escape(layer.attribution or ""),
        "features": int(layer.feature_count),
        "styles": style_table,
        "tooltip": [list(p) for p in tooltip_labels],
        "popup": [list(p) for p in popup_labels],
        "time": None if time is None else {"before": time["before"], "after": time["after"]},
        "data": {"type": "FeatureCollection", "features": features},
    }
    return spec


class VectorLayer(Layer):
    """A folium layer drawn by the dsrgeo runtime (``dsrgeo.vector``) from a precomputed spec.

    Parameters
    ----------
    spec_json : str
        :func:`script_json` of a :func:`vector_spec` result.
    name : str
        Escaped name shown in the layer control.
    show : bool
        Whether the layer is on when the page opens.
    overlay : bool
        False makes it a base layer (the land basemap).
    control : bool
        Whether it appears in the layer control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = dsrgeo.vector({{ this.map_name|tojson }}, {{ this.spec_json }});
        {% endmacro %}
        """
    )

    def __init__(self, spec_json, *, name, show, overlay=True, control=True):
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "DsrgeoVector"
        self.spec_json = spec_json

    def render(self, **kwargs):
        self.map_name = self._parent.get_name()
        super().render(**kwargs)
