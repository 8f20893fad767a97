"""One vector layer in the page: compact, escaped features plus the folium element that draws it.

Only the properties a tooltip or popup shows travel to the page, each value already
``html.escape``-d and formatted as text, stored once in a string table; coordinates keep at
most ``COORD_DECIMALS`` decimals and travel as encoded polylines; styles are a small table
indexed per feature. The runtime (``dsrgeo.vector``) rebuilds GeoJSON for Leaflet.
"""

import html
import json
import math

import numpy as np
import pandas as pd
import shapely
from folium.template import Template

from dsrgeo.maps.safe import SafeLayer

__all__ = [
    "COORD_DECIMALS",
    "VectorLayer",
    "compact_geometry",
    "decode_polyline",
    "encode_polyline",
    "expand_geometry",
    "format_value",
    "vector_spec",
]

COORD_DECIMALS = 5  # 1e-5 degree is about 1.1 m at the equator: far below screen resolution


def format_value(value):
    """Return a data value as html-escaped display text, or None when it is missing.

    Lists are joined with ", "; numbers of 10,000 and more get thousands separators and no
    decimals, whole numbers lose their ".0", others keep at most 2 decimals.

    Examples
    --------
    >>> format_value("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> format_value(["HMN Tech", "Orange"]), format_value(2019.0), format_value(None)
    ('HMN Tech, Orange', '2019', None)
    >>> format_value(21500.0), format_value(16.10), format_value(float("nan"))
    ('21,500', '16.1', None)
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        parts = [format_value(v) for v in value]
        text = ", ".join(p for p in parts if p is not None)
        return text or None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer, float, np.floating)):
        number = float(value)
        if math.isnan(number):
            return None
        if abs(number) >= 10_000:  # lengths in km: 21,500
            return f"{number:,.0f}"
        if number.is_integer():  # years stay 2019
            return str(int(number))
        return f"{number:.2f}".rstrip("0").rstrip(".")
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def encode_polyline(lonlat, decimals=COORD_DECIMALS):
    """Encode (lon, lat) positions with Google's Encoded Polyline Algorithm.

    The text holds (lat, lon) deltas of integers in units of ``10**-decimals`` degree, so it
    keeps exactly ``decimals`` decimals in a third of the bytes of JSON numbers; the page
    decodes it (``dsrgeo.decode``). Its characters are ``?`` to ``~``: no ``<``, ``>`` or ``&``.

    Parameters
    ----------
    lonlat : array-like, shape (n, 2)
        Positions in degrees, (lon, lat) order.
    decimals : int
        Decimals kept, at most ``COORD_DECIMALS``.

    Returns
    -------
    str

    Examples
    --------
    >>> encode_polyline([(-120.2, 38.5), (-120.95, 40.7), (-126.453, 43.252)])  # Google's example
    '_p~iF~ps|U_ulLnnqC_mqNvxq`@'
    """
    scaled = np.round(np.asarray(lonlat, dtype=float)[:, ::-1] * 10**decimals).astype(np.int64)
    deltas = np.diff(scaled, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    values = np.where(deltas < 0, ~(deltas << 1), deltas << 1)
    chunks = np.stack([(values >> (5 * i)) & 0x1F for i in range(7)], axis=1)
    count = np.maximum(1, (np.floor(np.log2(np.maximum(values, 1))).astype(int) // 5) + 1)
    position = np.arange(7)[None, :]
    used = position < count[:, None]
    more = position < (count[:, None] - 1)
    codes = (chunks | np.where(more, 0x20, 0)) + 63
    return codes[used].astype(np.uint8).tobytes().decode("ascii")


def decode_polyline(text, decimals=COORD_DECIMALS):
    """Decode :func:`encode_polyline` text back to a list of [lon, lat] (the page does the same).

    Examples
    --------
    >>> decode_polyline(encode_polyline([(10.123456, -1.5), (10.2, -1.0)]))
    [[10.12346, -1.5], [10.2, -1.0]]
    """
    numbers, value, shift = [], 0, 0
    for char in text:
        bits = ord(char) - 63
        value |= (bits & 0x1F) << shift
        shift += 5
        if bits < 0x20:
            numbers.append(~(value >> 1) if value & 1 else value >> 1)
            value, shift = 0, 0
    pairs = np.cumsum(np.array(numbers, dtype=np.int64).reshape(-1, 2), axis=0)
    scale = 10**decimals
    return [
        [round(lon / scale, decimals), round(lat / scale, decimals)] for lat, lon in pairs.tolist()
    ]


def _encoded(positions, min_positions, decimals):
    """Encode one line or ring, dropping repeated positions the rounding created."""
    positions = np.asarray(positions, dtype=float)[:, :2]
    scaled = np.round(positions * 10**decimals)
    keep = np.ones(len(scaled), dtype=bool)
    keep[1:] = np.any(np.diff(scaled, axis=0) != 0, axis=1)
    if keep.sum() >= min_positions:
        positions = positions[keep]
    return encode_polyline(positions, decimals)


#: Geometry type codes of the compact form (index = code)
GEOMETRY_CODES = (
    "GeometryCollection",
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
)


def compact_geometry(geometry, decimals=COORD_DECIMALS):
    """Return ``[type code, encoded]``: the geometry with its lines and rings as polylines.

    ``encoded`` nests like GeoJSON ``coordinates`` with each innermost list of positions
    replaced by one :func:`encode_polyline` string (a Point is a one-position string). Code
    0 (geometry collections) carries plain GeoJSON instead.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> compact_geometry(LineString([(0, 0), (1, 1)]))
    [2, '??_ibE_ibE']
    >>> expand_geometry(compact_geometry(Point(43.1456789, 11.6)))
    {'type': 'Point', 'coordinates': [43.14568, 11.6]}
    """
    kind = geometry.geom_type
    if kind == "Point":
        return [1, encode_polyline([(geometry.x, geometry.y)], decimals)]
    if kind == "LineString":
        return [2, _encoded(geometry.coords, 2, decimals)]
    if kind == "Polygon":
        return [3, _rings(geometry, decimals)]
    if kind == "MultiPoint":
        return [4, encode_polyline(shapely.get_coordinates(geometry), decimals)]
    if kind == "MultiLineString":
        return [5, [_encoded(part.coords, 2, decimals) for part in geometry.geoms]]
    if kind == "MultiPolygon":
        return [6, [_rings(part, decimals) for part in geometry.geoms]]
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, decimals))
    return [0, json.loads(shapely.to_geojson(rounded))]


def _rings(polygon, decimals):
    return [_encoded(ring.coords, 4, decimals) for ring in (polygon.exterior, *polygon.interiors)]


def expand_geometry(compact, decimals=COORD_DECIMALS):
    """Return the GeoJSON geometry dict of :func:`compact_geometry` output (as the page does)."""
    code, encoded = compact
    if code == 0:
        return encoded

    def expand(item):
        return (
            decode_polyline(item, decimals) if isinstance(item, str) else [expand(i) for i in item]
        )

    coordinates = expand(encoded)
    return {
        "type": GEOMETRY_CODES[code],
        "coordinates": coordinates[0] if code == 1 else coordinates,
    }


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
        ``columns`` (names shown), ``strings`` (distinct escaped display values), ``rows``:
        per feature ``[compact geometry, style index, [string index or None per column]]``,
        plus ``[start year, end year]`` for time layers and the raw popup HTML if any.
    """
    gdf = layer.gdf
    columns = list(dict.fromkeys(c for c, _ in [*tooltip_labels, *popup_labels]))
    strings, index_of = [], {}

    def intern(value):
        text = format_value(value)
        if text is None:
            return None
        if text not in index_of:
            index_of[text] = len(strings)
            strings.append(text)
        return index_of[text]

    values = [[intern(v) for v in gdf[c].tolist()] for c in columns]
    decimals = int(layer.decimals)
    rows = []
    for i, geom in enumerate(gdf.geometry.values):
        row = [compact_geometry(geom, decimals), int(style_index[i]), [v[i] for v in values]]
        if time is not None or popup_html is not None:
            row += [None, None] if time is None else [time["start"][i], time["end"][i]]
        if popup_html is not None:
            row.append(str(popup_html[i]))
        rows.append(row)
    position = {c: i for i, c in enumerate(columns)}
    return {
        "key": key,
        "name": html.escape(layer.name),
        "kind": layer.kind,
        "pane": pane,
        "attribution": html.escape(layer.attribution or ""),
        "features": int(layer.feature_count),
        "decimals": decimals,
        "styles": style_table,
        "columns": columns,
        "strings": strings,
        "tooltip": [[position[c], label] for c, label in tooltip_labels],
        "popup": [[position[c], label] for c, label in popup_labels],
        "time": None if time is None else {"before": time["before"], "after": time["after"]},
        "rows": rows,
    }


class VectorLayer(SafeLayer):
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
        {%- if this.show %}
        {{ this.get_name() }}.addTo({{ this.map_name }});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, spec_json, *, name, show, overlay=True, control=True):
        super().__init__(name=name, overlay=overlay, control=control, show=show)
        self._name = "DsrgeoVector"
        self.spec_json = spec_json

    def render(self, **kwargs):
        """Render with the name of the map the layer belongs to."""
        self.map_name = self._parent.get_name()
        SafeLayer.render(self, **kwargs)
