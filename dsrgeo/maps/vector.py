"""One vector layer in the page: compact, escaped features plus the folium element that draws it.

Only the properties a tooltip or popup shows travel to the page, each value already
formatted as safe display HTML (:mod:`dsrgeo.maps.display`) and stored once in a string
table, column by column; coordinates keep at most ``COORD_DECIMALS`` decimals and travel as
encoded polylines (rings start at their smallest vertex, so the same polygon always encodes
the same and a page stores shared geometry once); styles are a small table indexed per
feature. A large layer of points travels as one polyline of all its points. The runtime
(``dsrgeo.vector``) draws them on canvas.
"""

import html
import json

import numpy as np
import shapely
from folium.template import Template

from dsrgeo.maps.display import display_value, format_value
from dsrgeo.maps.safe import SafeLayer

__all__ = [
    "BULK_POINTS",
    "COORD_DECIMALS",
    "VectorLayer",
    "compact_geometry",
    "decode_polyline",
    "encode_polyline",
    "expand_geometry",
    "format_value",
    "morton_order",
    "spec_geometries",
    "spec_value",
    "vector_spec",
]

COORD_DECIMALS = 5  # 1e-5 degree is about 1.1 m at the equator: far below screen resolution
#: A point layer with at least this many points (all single points) is drawn by the runtime's
#: bulk point layer: one canvas pass per style, a grid for picking, one polyline of points.
BULK_POINTS = 5_000


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


def _canonical_ring(coords):
    """A closed ring starting at its smallest (lon, lat) vertex: one polygon, one encoding."""
    xy = np.asarray(coords, dtype=float)[:, :2]
    if len(xy) < 4 or not np.array_equal(xy[0], xy[-1]):
        return xy
    open_ring = xy[:-1]
    first = np.lexsort((open_ring[:, 1], open_ring[:, 0]))[0]
    rolled = np.roll(open_ring, -first, axis=0)
    return np.vstack([rolled, rolled[:1]])


def _rings(polygon, decimals):
    return [
        _encoded(_canonical_ring(ring.coords), 4, decimals)
        for ring in (polygon.exterior, *polygon.interiors)
    ]


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


def _column_values(series, fmt, intern):
    """String-table indices of one column, or ``{"from": i}`` when its values are all new."""
    first = None
    indices = []
    for value in series.tolist():
        text = display_value(value, fmt)
        index = intern(text)
        indices.append(index)
        if first is None and index is not None:
            first = index
    if first is not None and indices == list(range(first, first + len(indices))):
        return {"from": first}  # every value distinct and new: the strings in row order
    return indices


def _one_or_many(values):
    """One value when every row shares it, else the list."""
    values = list(values)
    return values[0] if values and all(v == values[0] for v in values) else values


def vector_spec(
    layer,
    *,
    key,
    pane,
    tooltip_labels,
    popup_labels,
    style_table,
    style_index,
    time,
    popup_html,
    geometries=None,
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
    geometries : sequence of shapely geometries, optional
        What to draw per row, if not ``layer.gdf``'s (e.g. moved into a Pacific view).

    Returns
    -------
    dict
        ``columns`` (names shown), ``strings`` (distinct display HTML), ``values`` (per
        column: the string index of each row, or ``{"from": i}`` for strings ``i, i+1...``
        in row order), ``style`` (the style index of every row, or one for all), ``geometry``
        (a compact geometry per row) or, for :data:`BULK_POINTS` and more single points,
        ``points`` (one polyline of them all, ``bulk`` true), ``years`` ([starts, ends])
        for time layers and ``html`` (raw popup HTML per row) if given.
    """
    gdf = layer.gdf
    geometries = list(gdf.geometry.values if geometries is None else geometries)
    bulk = (
        layer.kind == "point"
        and len(geometries) >= BULK_POINTS
        and all(g.geom_type == "Point" for g in geometries)
    )
    if bulk:  # near points next to each other: small polyline deltas (rows follow them)
        coords = shapely.get_coordinates(geometries)
        order = morton_order(coords)
        geometries = [geometries[i] for i in order]
        gdf = gdf.iloc[order]
        style_index = [style_index[i] for i in order]
        if time is not None:
            time = {
                **time,
                "start": [time["start"][i] for i in order],
                "end": [time["end"][i] for i in order],
            }
        if popup_html is not None:
            popup_html = [popup_html[i] for i in order]
    columns = list(dict.fromkeys(c for c, _ in [*tooltip_labels, *popup_labels]))
    strings, index_of = [], {}

    def intern(text):
        if text is None:
            return None
        if text not in index_of:
            index_of[text] = len(strings)
            strings.append(text)
        return index_of[text]

    formats = layer.formats or {}
    values = [_column_values(gdf[c], formats.get(c), intern) for c in columns]
    decimals = int(layer.decimals)
    position = {c: i for i, c in enumerate(columns)}
    spec = {
        "key": key,
        "name": html.escape(layer.name),
        "kind": layer.kind,
        "pane": pane,
        "bulk": bulk,
        "credit": [html.escape(part) for part in layer.credit],
        "features": int(layer.feature_count),
        "decimals": decimals,
        "styles": style_table,
        "style": _one_or_many(int(i) for i in style_index),
        "columns": columns,
        "strings": strings,
        "values": values,
        "tooltip": [[position[c], label] for c, label in tooltip_labels],
        "popup": [[position[c], label] for c, label in popup_labels],
        "time": None if time is None else {"before": time["before"], "after": time["after"]},
        "years": None if time is None else [list(time["start"]), list(time["end"])],
        "html": None if popup_html is None else [str(v) for v in popup_html],
    }
    if bulk:
        spec["points"] = encode_polyline(shapely.get_coordinates(geometries), decimals)
    else:
        spec["geometry"] = [compact_geometry(g, decimals) for g in geometries]
    return spec


def morton_order(lonlat):
    """Return the row order that visits points along a Z-order (Morton) curve.

    Points near each other on the map come near each other in the order, so the deltas of
    an encoded polyline through them stay small (a bulk layer's points travel that way).

    Parameters
    ----------
    lonlat : array-like, shape (n, 2)
        Degrees, (lon, lat) order.

    Returns
    -------
    numpy.ndarray of int
        A permutation of ``range(n)`` (ties keep their input order).

    Examples
    --------
    >>> morton_order([(170, 50), (-170, -50), (-169, -49)]).tolist()
    [1, 2, 0]
    """
    xy = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    x = np.clip(((xy[:, 0] + 180.0) / 360.0 * 65535).astype(np.uint64), 0, 65535)
    y = np.clip(((xy[:, 1] + 90.0) / 180.0 * 65535).astype(np.uint64), 0, 65535)

    def spread(v):  # 16 bits -> every other of 32
        v = (v | (v << 8)) & np.uint64(0x00FF00FF)
        v = (v | (v << 4)) & np.uint64(0x0F0F0F0F)
        v = (v | (v << 2)) & np.uint64(0x33333333)
        return (v | (v << 1)) & np.uint64(0x55555555)

    return np.argsort(spread(x) | (spread(y) << np.uint64(1)), kind="stable")


def spec_geometries(spec):
    """Return the GeoJSON geometry dicts of a :func:`vector_spec` (as the page decodes them).

    Examples
    --------
    >>> from shapely import Point
    >>> spec = {"decimals": 5, "bulk": True, "points": encode_polyline([(1, 2), (3, 4)])}
    >>> spec_geometries(spec)
    [{'type': 'Point', 'coordinates': [1.0, 2.0]}, {'type': 'Point', 'coordinates': [3.0, 4.0]}]
    """
    decimals = spec["decimals"]
    if spec.get("bulk"):
        points = decode_polyline(spec["points"], decimals)
        return [{"type": "Point", "coordinates": p} for p in points]
    return [expand_geometry(g, decimals) for g in spec["geometry"]]


def spec_value(spec, column, row):
    """Return the display HTML of ``column`` for ``row`` in a :func:`vector_spec`, or None.

    Examples
    --------
    >>> spec = {"columns": ["name"], "strings": ["a", "b"], "values": [{"from": 0}]}
    >>> spec_value(spec, "name", 1)
    'b'
    """
    values = spec["values"][spec["columns"].index(column)]
    index = values["from"] + row if isinstance(values, dict) else values[row]
    return None if index is None else spec["strings"][index]


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
