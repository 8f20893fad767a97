"""Geodesic line lengths on the WGS84 ellipsoid, the antimeridian, and the length audit of cables.

Also the arithmetic of maps centred elsewhere than Greenwich: :func:`recentre` moves
geometries into the longitudes of a map centred on any meridian (a Pacific view), rejoining
lines and polygons that the stored layers split at ±180°.
"""

import functools
import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely

from dsrgeo import catalog, checks, geojson, loading
from dsrgeo.errors import InvalidLayerError

__all__ = [
    "BUFFER_RING_POINTS",
    "DEFAULT_LONG_RATIO",
    "DEFAULT_SHORT_RATIO",
    "LENGTH_FLAGS",
    "SEAM_TOLERANCE_DEG",
    "WGS84",
    "audit_lengths",
    "geodesic_buffer",
    "geodesic_length_km",
    "recentre",
    "split_antimeridian",
]

#: Ellipsoid name handed to :class:`pyproj.Geod`.
WGS84 = "WGS84"

#: Default bounds on ``drawn_km / stated_km`` outside which a cable is flagged. They are
#: about the 5th and 95th percentiles over the shipped ``cables`` layer (late 2022, 488
#: cables with both lengths: 5% 0.69, 25% 0.88, median 0.95, 75% 1.01, 95% 1.35).
DEFAULT_SHORT_RATIO = 0.7
DEFAULT_LONG_RATIO = 1.3

#: What each value of ``audit_lengths()["flag"]`` means.
LENGTH_FLAGS = {
    "ok": "drawn route length is within the ratio bounds of the stated system length",
    "drawn_short": (
        "drawn route is shorter than short_ratio x stated length: the map drawing is "
        "stylised or simplified (branches, slack and exact route not drawn), or the "
        "stated length includes segments not drawn"
    ),
    "drawn_long": (
        "drawn route is longer than long_ratio x stated length: the drawing detours, "
        "or the stated length covers only part of the system"
    ),
    "no_stated_length": "the source gives no system length to compare with",
    "no_geometry": "the cable has no drawn route (null or empty geometry)",
}

_LINE_TYPE_IDS = (1, 2, 5)  # shapely type ids: LineString, LinearRing, MultiLineString


@functools.cache
def _geod():
    """The one WGS84 :class:`pyproj.Geod` of the process (made on first use, then shared).

    A Geod holds only the ellipsoid's constants, which its methods read; making one per call
    cost more than the call in the network's topology build (11,098 calls).
    """
    import pyproj  # imported on first use: only this module (and network.topology) needs it

    return pyproj.Geod(ellps=WGS84)


def _as_geometry_array(geoms):
    """Return (numpy object array of shapely geometries or None, index labels)."""
    import geopandas as gpd

    if isinstance(geoms, gpd.GeoDataFrame):
        geoms = geoms.geometry
    if isinstance(geoms, gpd.GeoSeries):
        if geoms.crs is not None and not geoms.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        return np.asarray(geoms.array, dtype=object), list(geoms.index)
    if isinstance(geoms, (shapely.Geometry, Mapping)):
        geoms = [geoms]
    if isinstance(geoms, str | bytes) or not hasattr(geoms, "__iter__"):
        raise checks.ParameterError(
            "expected lines: a GeoDataFrame, GeoSeries, shapely geometry, GeoJSON mapping or a "
            f"sequence of them, got {type(geoms).__name__}",
            parameter="geoms",
        )
    out = []
    for position, item in enumerate(geoms):
        if isinstance(item, Mapping):
            geojson.check_geometry(dict(item), feature=position)  # the one strict checker
            item = shapely.geometry.shape(item)
        elif item is not None and not isinstance(item, shapely.Geometry):
            raise InvalidLayerError(
                f"expected a shapely geometry, a GeoJSON mapping or None, got "
                f"{type(item).__name__}",
                feature=position,
            )
        out.append(item)
    array = np.empty(len(out), dtype=object)
    array[:] = out
    return array, list(range(len(out)))


def split_antimeridian(geoms):
    """Split each geometry that jumps across ±180° longitude, with the ``antimeridian`` package.

    A line or ring jumps when two consecutive vertices are more than 180° of longitude
    apart; such a geometry is cut at the meridian into parts on either side (RFC 7946).
    Other geometries (points, ``None``, empty ones) are returned as they are.

    Parameters
    ----------
    geoms : iterable of shapely geometries
        Lon/lat degrees (WGS84).

    Returns
    -------
    list of shapely geometries
        In input order; a split line is a MultiLineString, a split polygon a MultiPolygon.

    Raises
    ------
    InvalidLayerError
        If a geometry crossing 180 degrees cannot be split there (the ``antimeridian``
        package refuses it, e.g. a ring crossing itself), naming the feature.

    Examples
    --------
    >>> from shapely import LineString
    >>> [fixed] = split_antimeridian([LineString([(179.5, 0), (-179.5, 0)])])
    >>> fixed.geom_type, [part.coords[0][0] for part in fixed.geoms]
    ('MultiLineString', [179.5, -180.0])
    """
    import warnings

    import antimeridian

    def jumps(geometry):
        if geometry is None or geometry.is_empty or geometry.geom_type.endswith("Point"):
            return False
        for part in getattr(geometry, "geoms", [geometry]):
            rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
            for ring in rings:
                lon = np.asarray(ring.coords)[:, 0]
                if lon.size < 2:
                    continue
                # an edge between two vertices on the meridian itself (-180 to 180, as a band
                # around a pole is drawn) runs along a parallel: it does not cross
                on_meridian = (np.abs(lon[:-1]) == 180) & (np.abs(lon[1:]) == 180)
                if (np.abs(np.diff(lon))[~on_meridian] > 180).any():
                    return True
        return False

    out = []
    for index, geometry in enumerate(geoms):
        if not jumps(geometry):
            out.append(geometry)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", antimeridian.FixWindingWarning)
            try:
                fixed = antimeridian.fix_shape(geometry)
            except (ValueError, AssertionError) as err:  # what the package cannot split
                # (it asserts on degenerate rings, e.g. all on one parallel)
                raise InvalidLayerError(
                    f"geometry crosses 180 degrees and cannot be split there ({err or 'degenerate'}); "
                    "repair it first (shapely.make_valid)",
                    feature=index,
                    field="geometry",
                ) from None
            out.append(shapely.geometry.shape(fixed))
    return out


def _shift(geometry, degrees):
    return shapely.transform(geometry, lambda xy: xy + np.array([degrees, 0.0]))


#: Line ends this close to ±180° (degrees) are parts of one route split there: the stored
#: cable drawings stop a few metres short of the meridian (TeleGeography's 179.9998°)
SEAM_TOLERANCE_DEG = 0.01


def _join_lines(lines, seams):
    """Join lines whose ends meet (within the tolerance) on one of the ``seams`` meridians."""
    lines = [np.asarray(line.coords)[:, :2] for line in lines]

    def on_seam(point):
        return any(abs(point[0] - x) <= SEAM_TOLERANCE_DEG for x in seams)

    def joined(a, b):
        """``a`` and ``b`` as one line if an end of each meets on a seam, else None."""
        for first, second in ((a, b), (a, b[::-1]), (a[::-1], b), (a[::-1], b[::-1])):
            end, start = first[-1], second[0]
            if on_seam(end) and on_seam(start) and np.abs(end - start).max() <= SEAM_TOLERANCE_DEG:
                return np.vstack([first[:-1], (end + start) / 2, second[1:]])
        return None

    def first_join():
        for i, j in itertools.permutations(range(len(lines)), 2):
            line = joined(lines[i], lines[j])
            if line is not None:
                return i, j, line
        return None

    while (found := first_join()) is not None:
        i, j, line = found
        lines[i] = line
        del lines[j]
    parts = [shapely.LineString(line) for line in lines if len(line) > 1]
    return parts[0] if len(parts) == 1 else shapely.MultiLineString(parts)


def _rejoined(pieces, kind, seams):
    """One geometry from the parts of a feature moved into the window: split parts rejoined."""
    pieces = [p for p in pieces if p is not None and not p.is_empty]
    if kind == "line":
        parts = [part for piece in pieces for part in shapely.get_parts(piece)]
        lines = [part for part in parts if part.geom_type == "LineString" and len(part.coords) > 1]
        return _join_lines(lines, seams) if lines else None
    polygons = [
        part
        for piece in pieces
        for part in shapely.get_parts(piece)
        if part.geom_type == "Polygon" and part.area > 0
    ]
    if not polygons:
        return None
    return shapely.union_all(polygons)


def recentre(geoms, *, center_lon):
    """Move geometries into the longitudes of a map centred on ``center_lon``.

    The map's world runs from ``center_lon - 180`` to ``center_lon + 180`` degrees east:
    every position is shifted by a multiple of 360° into that window. A line or polygon that
    the stored layer splits at ±180° (RFC 7946) is rejoined there, so a trans-Pacific cable
    is one line again; one that crosses the window's edges (the new seam) is cut there and
    its parts placed at both ends of the window.

    Parameters
    ----------
    geoms : iterable of shapely geometries
        Lon/lat degrees with longitudes in [-180, 180]; points, lines or polygons (single or
        multi); ``None`` stays ``None``.
    center_lon : float
        Longitude of the map's central meridian, degrees east (-180 to 180); 0 returns the
        geometries as they are.

    Returns
    -------
    list of shapely geometries
        In input order, longitudes in ``[center_lon - 180, center_lon + 180]``. Lines that
        were parts of one route come back as one ``LineString`` where they join.

    Raises
    ------
    ParameterError
        If ``center_lon`` is not a number from -180 to 180.

    Examples
    --------
    A cable from Japan to California, stored split at 180°, is one line in a Pacific view:

    >>> from shapely import MultiLineString
    >>> cable = MultiLineString([[(140, 35), (180, 40)], [(-180, 40), (-122, 37)]])
    >>> [pacific] = recentre([cable], center_lon=150)
    >>> pacific.geom_type, list(pacific.coords)
    ('LineString', [(140.0, 35.0), (180.0, 40.0), (238.0, 37.0)])
    """
    center_lon = checks.number(center_lon, "center_lon", low=-180, high=180)
    geoms = list(geoms)
    if center_lon == 0:
        return geoms
    west, east = center_lon - 180.0, center_lon + 180.0
    out = []
    for geometry in geoms:
        if geometry is None or geometry.is_empty:
            out.append(geometry)
            continue
        kind = geometry.geom_type.replace("Multi", "")
        if kind == "Point":
            out.append(
                shapely.transform(
                    geometry,
                    lambda xy: np.column_stack(((xy[:, 0] - west) % 360.0 + west, xy[:, 1])),
                )
            )
            continue
        minx, _, maxx, _ = geometry.bounds
        # parts the stored layer split at ±180 (within the tolerance)
        touches_seam = minx <= -180 + SEAM_TOLERANCE_DEG or maxx >= 180 - SEAM_TOLERANCE_DEG
        for k in (-1, 0, 1):  # wholly inside the window after one shift: only move it
            if not touches_seam and west <= minx + 360 * k and maxx + 360 * k <= east:
                out.append(_shift(geometry, 360.0 * k) if k else geometry)
                break
        else:
            pieces = [
                shapely.clip_by_rect(_shift(geometry, 360.0 * k), west, -90.0, east, 90.0)
                for k in (-1, 0, 1)
            ]
            seams = [x for x in (-180.0, 180.0, 540.0) if west < x < east]  # old ±180 inside
            out.append(_rejoined(pieces, "line" if kind == "LineString" else "polygon", seams))
    return out


def geodesic_length_km(geoms):
    """Return the length of every line along the WGS84 ellipsoid, in kilometres.

    All vertices of all features are flattened into one array and every segment is
    measured in a single vectorised :meth:`pyproj.Geod.inv` call; the segment lengths are
    then summed per feature. There is no Python loop over features.

    Parameters
    ----------
    geoms : geopandas.GeoSeries, geopandas.GeoDataFrame, sequence or single geometry
        ``LineString`` / ``MultiLineString`` geometries with (lon, lat) coordinates in
        degrees (WGS84). A GeoDataFrame's active geometry column is used; a GeoSeries in
        another CRS is converted to EPSG:4326 first. Items of a sequence may be
        shapely geometries, GeoJSON geometry mappings or ``None``.

    Returns
    -------
    numpy.ndarray
        Float array, one length in km per input feature, in input order. Null or empty
        geometries give ``NaN``. The parts of a MultiLineString are summed; the gap
        between two parts is not counted.

    Raises
    ------
    InvalidLayerError
        If a feature is not a (Multi)LineString (its position or index label is named),
        or has a latitude outside [-90, 90] (probably projected coordinates).

    See Also
    --------
    audit_lengths : compare these lengths with the stated cable lengths.

    Notes
    -----
    Each segment is the shortest geodesic between its two vertices, so a segment from
    179.5°E to 179.5°W is one degree long, not 359. A route that was split at ±180° (as
    RFC 7946 asks, e.g. with the ``antimeridian`` package) keeps its length: the split
    inserts a vertex on each side of the meridian at the crossing latitude, and the
    jump from +180° to -180° lies between two parts, so it is not counted.

    Examples
    --------
    >>> from shapely import LineString
    >>> geodesic_length_km([LineString([(0, 0), (90, 0)])]).round(2)  # a quarter of the equator
    array([10018.75])
    >>> geodesic_length_km([LineString([(179.5, 0), (-179.5, 0)]), None]).round(2)
    array([111.32,    nan])
    """
    array, labels = _as_geometry_array(geoms)
    n = len(array)
    type_ids = shapely.get_type_id(array)  # -1 for None
    bad = np.flatnonzero((type_ids >= 0) & ~np.isin(type_ids, _LINE_TYPE_IDS))
    if bad.size:
        first = int(bad[0])
        raise InvalidLayerError(
            f"geodesic_length_km measures LineString/MultiLineString only, got "
            f"{array[first].geom_type} ({bad.size} non-line "
            "feature(s) in all); select line features first",
            feature=labels[first],
            field="geometry",
        )
    missing = (type_ids < 0) | shapely.is_empty(array)
    parts, part_feature = shapely.get_parts(array, return_index=True)
    coords, vertex_part = shapely.get_coordinates(parts, return_index=True)
    lengths_m = np.zeros(n)
    if len(coords) > 1:
        lon, lat = coords[:, 0], coords[:, 1]
        out_of_range = np.flatnonzero(np.abs(lat) > 90)
        if out_of_range.size:
            first = int(part_feature[vertex_part[out_of_range[0]]])
            raise InvalidLayerError(
                f"latitude {lat[out_of_range[0]]!r} is outside [-90, 90]; coordinates "
                "must be (lon, lat) degrees in WGS84 (reproject with .to_crs(4326))",
                feature=labels[first],
                field="geometry",
            )
        same_part = vertex_part[:-1] == vertex_part[1:]
        _, _, segment_m = _geod().inv(
            lon[:-1][same_part], lat[:-1][same_part], lon[1:][same_part], lat[1:][same_part]
        )
        segment_feature = part_feature[vertex_part[:-1][same_part]]
        lengths_m = np.bincount(segment_feature, weights=segment_m, minlength=n)
    lengths_km = lengths_m / 1000.0
    lengths_km[missing] = np.nan
    return lengths_km


def audit_lengths(cables=None, *, short_ratio=DEFAULT_SHORT_RATIO, long_ratio=DEFAULT_LONG_RATIO):
    """Compare each cable's drawn route length with its stated system length.

    Cable routes in the source map are stylised drawings made for display, not surveyed
    routes: they skip slack, branches and the exact path on the sea floor, and some
    stated lengths cover branches that are not drawn. A ratio far from 1 says how much
    the drawing and the published figure disagree, not that either is wrong.

    Parameters
    ----------
    cables : geopandas.GeoDataFrame, optional
        Features with ``id``, ``name``, ``stated_length_km`` and line geometries; by
        default the shipped ``cables`` layer (``dsrgeo.load("cables")``).
    short_ratio : float, default 0.7
        Below this ``drawn_km / stated_km`` a cable is flagged ``"drawn_short"``.
    long_ratio : float, default 1.3
        Above this ``drawn_km / stated_km`` a cable is flagged ``"drawn_long"``. The
        defaults are about the 5th and 95th percentiles of the ratio over all shipped
        cables, so they flag the most extreme tenth, not "wrong" cables.

    Returns
    -------
    pandas.DataFrame
        One row per cable, columns ``id``, ``name``, ``stated_km``, ``drawn_km`` (geodesic,
        :func:`geodesic_length_km`, rounded to 0.1 km), ``ratio`` (drawn / stated, 3
        decimals) and ``flag``, one of :data:`LENGTH_FLAGS` (``"ok"``,
        ``"drawn_short"``, ``"drawn_long"``, ``"no_stated_length"``,
        ``"no_geometry"``). ``.attrs`` holds the ratio bounds, the flag meanings and the
        cables' provenance (sources, licence, attribution).

    Raises
    ------
    InvalidLayerError
        If ``cables`` lacks a required column.
    ParameterError
        If the ratio bounds are not ``0 < short_ratio <= 1 <= long_ratio``.

    See Also
    --------
    geodesic_length_km : the drawn lengths.

    Notes
    -----
    Over the shipped layer the drawn route is usually a little shorter than the stated
    length (median ratio 0.95): drawings cut corners and leave out slack and short
    branches. About 6 in 10 cables agree within 10%.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> cables = gpd.GeoDataFrame(
    ...     {"id": ["a", "b"], "name": ["A", "B"], "stated_length_km": [10018.75, None]},
    ...     geometry=[LineString([(0, 0), (45, 0)]), LineString([(0, 0), (1, 0)])],
    ...     crs="EPSG:4326",
    ... )
    >>> audit_lengths(cables)[["id", "drawn_km", "ratio", "flag"]]
      id  drawn_km  ratio              flag
    0  a    5009.4    0.5       drawn_short
    1  b     111.3    NaN  no_stated_length
    """
    short_ratio = checks.number(short_ratio, "short_ratio", low=0, low_open=True, high=1)
    long_ratio = checks.number(long_ratio, "long_ratio", low=1)
    if cables is None:
        cables = loading.load("cables")
    for column in ("id", "name", "stated_length_km"):
        if column not in cables.columns:
            raise InvalidLayerError(
                f"audit_lengths needs a {column!r} column; columns present: "
                f"{', '.join(map(str, cables.columns))}",
                field=column,
            )
    drawn_km = geodesic_length_km(cables)
    stated_km = pd.to_numeric(cables["stated_length_km"], errors="coerce").to_numpy(float)
    stated_km = np.where(stated_km > 0, stated_km, np.nan)
    ratio = drawn_km / stated_km
    flag = np.select(
        [
            np.isnan(drawn_km),
            np.isnan(stated_km),
            ratio < short_ratio,
            ratio > long_ratio,
        ],
        ["no_geometry", "no_stated_length", "drawn_short", "drawn_long"],
        default="ok",
    )
    report = pd.DataFrame(
        {
            "id": cables["id"].to_numpy(),
            "name": cables["name"].to_numpy(),
            "stated_km": stated_km,
            "drawn_km": np.round(drawn_km, 1),
            "ratio": np.round(ratio, 3),
            "flag": flag,
        }
    )
    report.attrs.update(_provenance(cables))
    report.attrs.update(
        short_ratio=short_ratio,
        long_ratio=long_ratio,
        flags=dict(LENGTH_FLAGS),
        note="Cable routes are stylised drawings, not surveyed routes.",
    )
    return report


def _provenance(frame):
    """The credit of the cables measured: their layer's, or what the frame itself carries."""
    layer_id = frame.attrs.get("id")
    if isinstance(layer_id, str) and layer_id in catalog.layer_ids():
        return catalog.provenance([layer_id], title="Length audit")
    keep = ("sources", "licence", "licences", "attribution", "citation", "layers")
    return {"title": "Length audit", **{k: frame.attrs[k] for k in keep if k in frame.attrs}}


#: Vertices of the ring :func:`geodesic_buffer` draws around a point (one every 5 degrees).
BUFFER_RING_POINTS = 72


def geodesic_buffer(geometry, *, radius_km):
    """Return the area within ``radius_km`` of a geometry on the WGS84 ellipsoid, in lon/lat.

    Around a point the ring is the geodesic circle itself: :data:`BUFFER_RING_POINTS`
    vertices, each ``radius_km`` from the point along the ellipsoid (``pyproj.Geod.fwd``).
    Around a line or polygon the geometry is buffered in metres in an azimuthal equidistant
    projection centred on it, which keeps distances from its centre exact and others close
    for areas up to a few thousand km across. A result crossing ±180° is split there.

    Parameters
    ----------
    geometry : shapely geometry
        Lon/lat degrees (WGS84); not empty.
    radius_km : float
        Distance in km, > 0.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        Exterior rings counter-clockwise (RFC 7946).

    Raises
    ------
    ParameterError
        If ``radius_km`` is not a positive number or ``geometry`` is empty or not a geometry.

    Examples
    --------
    >>> import pyproj, shapely
    >>> disc = geodesic_buffer(shapely.Point(43.35, 12.61), radius_km=13.25)
    >>> lon, lat = disc.exterior.coords[10]
    >>> round(pyproj.Geod(ellps="WGS84").inv(43.35, 12.61, lon, lat)[2] / 1000, 6)
    13.25
    >>> geodesic_buffer(shapely.Point(179.99, 0), radius_km=10).geom_type  # split at 180
    'MultiPolygon'
    """
    import pyproj

    radius_km = checks.number(radius_km, "radius_km", low=0, low_open=True)
    if not isinstance(geometry, shapely.Geometry) or geometry.is_empty:
        raise checks.ParameterError(
            f"expected a non-empty shapely geometry, got {geometry!r}", parameter="geometry"
        )
    if geometry.geom_type == "Point":
        azimuths = np.linspace(0.0, 360.0, BUFFER_RING_POINTS, endpoint=False)
        lon, lat, _ = _geod().fwd(
            np.full(azimuths.shape, geometry.x),
            np.full(azimuths.shape, geometry.y),
            azimuths,
            np.full(azimuths.shape, radius_km * 1000.0),
        )
        area = shapely.Polygon(np.column_stack([lon, lat]))
    else:
        centre = geometry.centroid
        local = pyproj.CRS.from_proj4(
            f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m"
        )
        there = pyproj.Transformer.from_crs("EPSG:4326", local, always_xy=True)
        back = pyproj.Transformer.from_crs(local, "EPSG:4326", always_xy=True)
        projected = shapely.transform(geometry, lambda xy: np.column_stack(there.transform(*xy.T)))
        grown = shapely.buffer(projected, radius_km * 1000.0, quad_segs=16)
        area = shapely.transform(grown, lambda xy: np.column_stack(back.transform(*xy.T)))
    (area,) = split_antimeridian([area])
    parts = [shapely.geometry.polygon.orient(p, 1.0) for p in shapely.get_parts(area)]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
