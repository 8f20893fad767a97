"""Strict GeoJSON: read it as JSON, check it, and write it deterministically.

One reader and one set of checks serve every path GeoJSON takes through dsrgeo: the shipped
layers (checked on load), the build (checked before writing), refreshed downloads (checked
before the swap) and user files given to ``Map.add`` or ``dsrgeo map`` (never handed to a
format-sniffing reader such as GDAL, which would follow a VRT to local files or URLs).

- :func:`parse` turns bytes into JSON with a size cap, no ``NaN``/``Infinity`` literals, no
  duplicate keys and a depth limit.
- :func:`check_geometry` checks one geometry: its type, how its positions nest, and that every
  position is finite lon/lat degrees.
- :func:`check_features` checks a layer's features against its catalog schema (JSON Schema,
  :meth:`dsrgeo.catalog.LayerInfo.feature_schema`) and unique ids.
- :func:`read_user_file` reads a user's GeoJSON file into a GeoDataFrame, naming the file,
  feature and field of any problem.
- :func:`geojson_text` / :func:`write_geojson` write RFC 7946 text that is byte-for-byte
  reproducible.
"""

import datetime
import functools
import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np

from dsrgeo.errors import InvalidLayerError
from dsrgeo.fileio import atomic_write

__all__ = [
    "COORD_DECIMALS",
    "GEOMETRY_TYPES",
    "MAX_MEMBER_CHARS",
    "MAX_USER_FILE_BYTES",
    "NESTING",
    "USER_TEXT_MEMBERS",
    "check_coordinates",
    "check_features",
    "check_geometry",
    "checked_digest",
    "features_to_frame",
    "geojson_text",
    "is_partial_date",
    "layer_members",
    "member_text",
    "parse",
    "provenance_attrs",
    "read_layer_file",
    "read_user_file",
    "rounded_geometry",
    "write_geojson",
]

#: Decimals kept in written layers (about 0.1 m).
COORD_DECIMALS = 6
#: The geometry types each catalog kind allows.
GEOMETRY_TYPES = {
    "line": ("LineString", "MultiLineString"),
    "point": ("Point", "MultiPoint"),
    "polygon": ("Polygon", "MultiPolygon"),
}
#: How deep positions sit in each geometry type's ``coordinates`` (RFC 7946, section 3.1).
NESTING = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
#: The largest user GeoJSON file read (bytes); a bigger one is refused before parsing.
MAX_USER_FILE_BYTES = 256 * 1024 * 1024
#: The text members of a user file's top level carried into its frame's ``attrs``: the
#: provenance :func:`dsrgeo.tables.write_table` writes, so a map of a frame dsrgeo wrote
#: credits the data as the frame did. Plain text, never markup: pages escape it.
USER_TEXT_MEMBERS = ("title", "licence", "attribution", "citation", "credit")
#: The longest member text carried (characters); longer text is cut, ending in "…".
MAX_MEMBER_CHARS = 20_000
#: The deepest JSON nesting accepted (a MultiPolygon in a FeatureCollection needs 7).
MAX_DEPTH = 32


# -- parsing ------------------------------------------------------------------------------


def _no_constant(name):
    raise ValueError(f"{name} is not valid JSON (RFC 8259 allows no NaN or Infinity)")


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r} in one JSON object")
        result[key] = value
    return result


def _depth(value, limit):
    """Return True if ``value`` nests containers deeper than ``limit``."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            if (
                len(item) == 2
                and isinstance(item[0], int | float)
                and isinstance(item[1], int | float)
            ):
                continue  # a 2D position: nothing nested in it
            stack.extend((v, level + 1) for v in item if isinstance(v, dict | list))
    return False


def parse(data, *, source, max_bytes=MAX_USER_FILE_BYTES):
    """Parse GeoJSON bytes or text as strict JSON.

    Parameters
    ----------
    data : bytes or str
        The document.
    source : str
        What it is (a path or URL), named in errors.
    max_bytes : int
        Refuse larger documents.

    Returns
    -------
    object
        The parsed JSON value.

    Raises
    ------
    InvalidLayerError
        If the document is too large, not UTF-8, not JSON, uses ``NaN``/``Infinity``, repeats a
        key in one object or nests deeper than :data:`MAX_DEPTH`.

    Examples
    --------
    >>> parse(b'{"type": "FeatureCollection", "features": []}', source="x.geojson")
    {'type': 'FeatureCollection', 'features': []}
    >>> parse(b'{"a": NaN}', source="x.geojson")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.InvalidLayerError: file x.geojson: not valid JSON: NaN is not valid JSON (RFC 8259 allows no NaN or Infinity)
    """
    if len(data) > max_bytes:
        raise InvalidLayerError(
            f"is {len(data):,} bytes, over the limit of {max_bytes:,}", path=source
        )
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise InvalidLayerError(
                f"is not UTF-8 text (byte {err.start}); GeoJSON must be UTF-8 (RFC 7946)",
                path=source,
            ) from err
    try:
        value = json.loads(data, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as err:
        raise InvalidLayerError(
            f"not valid JSON at line {err.lineno} column {err.colno}: {err.msg}", path=source
        ) from err
    except ValueError as err:
        raise InvalidLayerError(f"not valid JSON: {err}", path=source) from err
    except RecursionError as err:
        raise InvalidLayerError("JSON nested too deeply to be GeoJSON", path=source) from err
    if _depth(value, MAX_DEPTH):
        raise InvalidLayerError(
            f"JSON nested deeper than {MAX_DEPTH} levels, which no GeoJSON needs", path=source
        )
    return value


# -- geometries ---------------------------------------------------------------------------


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _innermost(coords, depth, where):
    """Yield the position lists of ``coords`` (which must nest ``depth`` lists deep)."""
    if depth == 0:
        yield [coords]
        return
    if not isinstance(coords, list) or not coords:
        raise InvalidLayerError(f"malformed or empty coordinates: {_short(coords)}", **where)
    if depth == 1:
        yield coords
        return
    for part in coords:
        yield from _innermost(part, depth - 1, where)


def _short(value, limit=80):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _position_array(positions, where):
    """Check a list of positions and return it as an (n, 2) float array of lon, lat."""
    for position in positions:
        if (
            not isinstance(position, list)
            or not 2 <= len(position) <= 3
            or not all(_is_number(c) for c in position)
        ):
            raise InvalidLayerError(
                f"expected a position [lon, lat], got {_short(position)}", **where
            )
    xy = np.array([p[:2] for p in positions], dtype=float)
    _check_lonlat(xy, hint="is the layer in EPSG:4326?", **where)
    return xy


def _check_lonlat(xy, *, hint, prefix="", index=None, **where):
    """Refuse positions that are not finite lon/lat degrees: the one rule for files and frames.

    ``xy`` is an (n, 2) float array; ``index`` (optional) maps each row to its feature.
    """
    for problem, rows in (
        ("is not finite", ~np.isfinite(xy).all(axis=1)),
        (
            "is not lon/lat degrees (lon in [-180, 180], lat in [-90, 90]); " + hint,
            (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90),
        ),
    ):
        if rows.any():
            at = int(np.argmax(rows))
            if index is not None:
                where["feature"] = int(index[at])
            raise InvalidLayerError(
                f"{prefix}position ({xy[at, 0]:g}, {xy[at, 1]:g}) {problem}", **where
            )


def check_geometry(geometry, kind=None, *, path=None, feature=None):
    """Check one GeoJSON geometry: type, nesting, and finite lon/lat positions.

    Parameters
    ----------
    geometry : dict or None
        A GeoJSON geometry; None (a feature without location) passes.
    kind : {"line", "point", "polygon"} or None
        The catalog kind the geometry must fit; None allows any of the three.
    path, feature : optional
        Named in the error (the file and the feature's id or index).

    Raises
    ------
    InvalidLayerError
        If the type does not fit ``kind``, the coordinates are malformed, a line has fewer
        than 2 positions, a ring fewer than 4 or is not closed, or a position is not finite
        lon/lat degrees.

    Examples
    --------
    >>> check_geometry({"type": "Point", "coordinates": [67.0, 24.8]}, "point")
    >>> check_geometry({"type": "Point", "coordinates": [500000, 4649776]}, "point")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.InvalidLayerError: field 'geometry': position (500000, 4.64978e+06) is not lon/lat degrees (lon in [-180, 180], lat in [-90, 90]); is the layer in EPSG:4326?
    """
    if geometry is None:
        return
    where = {"path": path, "feature": feature, "field": "geometry"}
    allowed = GEOMETRY_TYPES[kind] if kind else tuple(NESTING)
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype not in allowed:
        what = f"for a {kind} layer" if kind else "(GeometryCollection is not supported)"
        raise InvalidLayerError(
            f"geometry must be {' or '.join(allowed)} {what}, got {_short(gtype)}", **where
        )
    depth = NESTING[gtype]
    for positions in _innermost(geometry.get("coordinates"), depth, where):
        xy = _position_array(positions, where)
        if gtype.endswith("LineString") and len(xy) < 2:
            raise InvalidLayerError("a line needs at least 2 positions", **where)
        if gtype.endswith("Polygon"):
            if len(xy) < 4:
                raise InvalidLayerError("a polygon ring needs at least 4 positions", **where)
            if not np.array_equal(xy[0], xy[-1]):
                raise InvalidLayerError(
                    "a polygon ring must end where it starts (RFC 7946, 3.1.6)", **where
                )


def check_coordinates(geometries, *, name):
    """Check shapely geometries: finite lon/lat degrees and nothing empty or circular.

    Used for frames handed to ``Map.add`` (already in EPSG:4326), whose geometries never were
    GeoJSON text.

    Parameters
    ----------
    geometries : sequence of shapely geometries or None
    name : str
        The layer's name, for the message.

    Raises
    ------
    InvalidLayerError
        Naming the layer, the feature's position and the value.

    Examples
    --------
    >>> import shapely
    >>> check_coordinates([shapely.Point(10, 5), None], name="ports")
    >>> check_coordinates([shapely.Point(float("nan"), 10)], name="ports")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.InvalidLayerError: feature 0, field 'geometry': layer 'ports': position (nan, 10) is not finite
    """
    import shapely

    array = np.empty(len(geometries), dtype=object)
    array[:] = list(geometries)
    coords, index = shapely.get_coordinates(array, return_index=True)
    if not len(coords):
        return
    _check_lonlat(
        coords[:, :2],
        hint="set the frame's CRS to the one its coordinates are in (gdf.set_crs(...)) so it "
        "can be reprojected",
        prefix=f"layer {name!r}: ",
        index=index,
        field="geometry",
    )


# -- features against a layer's schema -----------------------------------------------------


def is_partial_date(value):
    """True for ISO dates at day, month or year precision ("2021-12-14", "2021-12", "2021").

    Examples
    --------
    >>> is_partial_date("2021-12"), is_partial_date("2021-13"), is_partial_date(2021)
    (True, False, False)
    """
    if not isinstance(value, str):
        return False
    padded = {4: "-01-01", 7: "-01", 10: ""}.get(len(value))
    if padded is None:
        return False
    try:
        datetime.date.fromisoformat(value + padded)
    except ValueError:
        return False
    return True


@functools.cache
def _validator(schema_json):
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-ish")(lambda value: value is None or is_partial_date(value))
    return jsonschema.Draft202012Validator(json.loads(schema_json), format_checker=checker)


def _finite_numbers(properties):
    for key, value in properties.items():
        if isinstance(value, float) and not math.isfinite(value):
            return key
    return None


def check_features(features, info, *, path=None):
    """Check a layer's features against its catalog entry (one schema for build, load, refresh).

    Parameters
    ----------
    features : list of dict
        GeoJSON Features.
    info : dsrgeo.catalog.LayerInfo
        The catalog entry (property schema and geometry kind).
    path : str or os.PathLike, optional
        Named in errors.

    Returns
    -------
    list of dict
        ``features``, unchanged.

    Raises
    ------
    InvalidLayerError
        Naming the file, the feature (its id or index) and the field that is wrong.
    """
    validator = _validator(json.dumps(info.feature_schema(), sort_keys=True))
    seen = set()
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InvalidLayerError("not a GeoJSON Feature", path=path, feature=index)
        props = feature.get("properties")
        if not isinstance(props, dict):
            raise InvalidLayerError("properties must be an object", path=path, feature=index)
        fid = props.get("id")
        label = fid if isinstance(fid, str) and fid else index
        error = next(iter(validator.iter_errors(props)), None)
        if error is not None:
            field = error.absolute_path[0] if error.absolute_path else None
            if error.validator == "required":
                field = error.message.split("'")[1]
                message = "property missing"
            elif error.validator == "additionalProperties":
                extra = sorted(set(props) - set(info.property_names))
                field, message = extra[0], f"properties not in the catalog schema: {extra}"
            else:
                expected = info.property_types().get(field, "?")
                message = f"expected {expected}, got {_short(props.get(field))}"
            raise InvalidLayerError(message, path=path, feature=label, field=field)
        bad = _finite_numbers(props)
        if bad is not None:
            raise InvalidLayerError("expected a finite number", path=path, feature=label, field=bad)
        if fid in seen:
            raise InvalidLayerError("duplicate id", path=path, feature=fid, field="id")
        seen.add(fid)
        check_geometry(feature.get("geometry"), info.kind, path=path, feature=label)
    return features


def checked_digest(data, info):
    """Return the digest recording that ``data`` passed :func:`check_features` for ``info``.

    The sha256 of what the check depends on: the geometry kind, the feature schema and the
    file's bytes. The build records it after checking a layer (``layers/checked.json``); a
    changed file or a changed catalog entry gives another digest, so the file is checked
    again when it is read.

    Parameters
    ----------
    data : bytes
        The layer file's bytes.
    info : dsrgeo.catalog.LayerInfo
        Its catalog entry.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> from dsrgeo import catalog
    >>> land = catalog.get("land")
    >>> checked_digest(b"{}", land) == checked_digest(b"{} ", land)
    False
    """
    rule = json.dumps({"kind": info.kind, "schema": info.feature_schema()}, sort_keys=True)
    return hashlib.sha256(rule.encode("utf-8") + b"\n" + data).hexdigest()


def read_layer_file(path, info, *, checked_sha256=None):
    """Read a layer's GeoJSON file and check it against its catalog entry.

    Parameters
    ----------
    path : str or os.PathLike
        The GeoJSON file.
    info : dsrgeo.catalog.LayerInfo
        The catalog entry to check against (:func:`dsrgeo.catalog.get`).
    checked_sha256 : str, optional
        The digest the build recorded when it checked and wrote the file
        (:func:`dsrgeo.catalog.checked_sha256`): a file whose :func:`checked_digest` for
        ``info`` is exactly that (the same bytes against the same schema) is parsed without
        being checked again; any other file is checked in full.

    Returns
    -------
    list of dict
        The features.

    Raises
    ------
    InvalidLayerError
        Naming the file, the feature (its id or index) and the field that is wrong.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise InvalidLayerError(
            "layer file is missing; rebuild it with `dsrgeo build` in a source checkout",
            path=path,
        ) from err
    if checked_sha256 is not None and checked_digest(data, info) == checked_sha256:
        return _feature_list(json.loads(data), path)  # the bytes and schema the build checked
    document = parse(data, source=str(path), max_bytes=max(len(data), 1))
    return check_features(_feature_list(document, path), info, path=path)


def _feature_list(document, path):
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise InvalidLayerError("expected a GeoJSON FeatureCollection", path=path)
    crs = document.get("crs")
    if crs is not None and "CRS84" not in json.dumps(crs) and "4326" not in json.dumps(crs):
        raise InvalidLayerError(
            f"coordinates must be WGS84 lon/lat (RFC 7946), but the file declares {crs!r}",
            path=path,
            field="crs",
        )
    features = document.get("features")
    if not isinstance(features, list):
        raise InvalidLayerError("expected a 'features' list", path=path)
    return features


def features_to_frame(features, info=None):
    """Return features as a GeoDataFrame in EPSG:4326 (typed by ``info``'s schema if given).

    Integer and boolean properties get pandas' nullable dtypes, so nulls stay nulls.
    """
    import geopandas

    columns = None if info is None else [*info.property_names, "geometry"]
    frame = geopandas.GeoDataFrame.from_features(list(features), crs="EPSG:4326", columns=columns)
    if info is not None:
        for field in info.schema:
            if field["type"] == "integer":
                frame[field["name"]] = frame[field["name"]].astype("Int64")
            elif field["type"] == "boolean":
                frame[field["name"]] = frame[field["name"]].astype("boolean")
    return frame


def read_user_file(path, *, max_bytes=MAX_USER_FILE_BYTES):
    """Read a user's GeoJSON file strictly, as JSON, into a GeoDataFrame.

    The file is parsed as the format it claims (no GDAL driver guessing, so a VRT or a
    ``/vsicurl/`` path inside it is never followed), then every feature's geometry is checked
    (:func:`check_geometry`). A single Feature or a bare geometry is accepted too.

    Parameters
    ----------
    path : str or os.PathLike
    max_bytes : int
        Refuse larger files.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326; properties as columns (names must be unique strings); ``.attrs["title"]``
        is the file's top-level ``name``, else its ``title``, else the file name; ``.attrs``
        also holds the provenance the file's members give (:func:`provenance_attrs`: what
        :func:`dsrgeo.tables.write_table` wrote), as text.

    Raises
    ------
    InvalidLayerError
        If the file is missing, too large, not strict JSON, not GeoJSON, has a feature that is
        malformed or a coordinate that is not lon/lat degrees, or has no feature with a
        geometry to draw.
    """
    path = Path(os.fspath(path))
    if not path.is_file():
        raise InvalidLayerError("no such GeoJSON file", path=path)
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidLayerError(f"is {size:,} bytes, over the limit of {max_bytes:,}", path=path)
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    document = parse(data, source=str(path), max_bytes=max_bytes)
    if isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    elif isinstance(document, dict) and document.get("type") in NESTING:
        features = [{"type": "Feature", "properties": {}, "geometry": document}]
    else:
        features = _feature_list(document, path)
    rows, geometries = [], []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise InvalidLayerError("not a GeoJSON Feature", path=path, feature=index)
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            raise InvalidLayerError(
                "properties must be an object or null", path=path, feature=index
            )
        if "geometry" in props:
            raise InvalidLayerError(
                "a property may not be named 'geometry'", path=path, feature=index, field="geometry"
            )
        check_geometry(feature.get("geometry"), None, path=path, feature=index)
        rows.append(props)
        geometries.append(feature.get("geometry"))
    if not any(g is not None for g in geometries):
        raise InvalidLayerError("has no feature with a geometry to draw", path=path)
    return _user_frame(rows, geometries, document, path)


def member_text(members, key):
    """Return ``members[key]`` if it is non-blank text, cut to :data:`MAX_MEMBER_CHARS`; else None.

    What a file's (or a frame's ``attrs``) provenance claims is kept only as text, so pages
    can escape it.

    Examples
    --------
    >>> member_text({"licence": "CC BY 4.0", "credit": {"html": "<b>"}}, "licence")
    'CC BY 4.0'
    >>> member_text({"credit": {"html": "<b>"}}, "credit") is None
    True
    """
    value = members.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    return value if len(value) <= MAX_MEMBER_CHARS else value[: MAX_MEMBER_CHARS - 1] + "…"


def provenance_attrs(document):
    """Return the provenance a GeoJSON document's top-level members give, as frame ``attrs``.

    What :func:`dsrgeo.tables.write_table` writes is read back: the :data:`USER_TEXT_MEMBERS`
    that are text (each cut to :data:`MAX_MEMBER_CHARS`), and ``layers``, the catalog layers
    the data was made from (ids the catalog does not have are dropped). Anything else, or a
    member of another type, is left out. The values are the file's claims, shown as text.

    Examples
    --------
    >>> provenance_attrs({"citation": "My survey", "licence": 3, "layers": ["land", "x"]})
    {'citation': 'My survey', 'layers': ['land']}
    """
    if not isinstance(document, dict):
        return {}
    attrs = {}
    for key in USER_TEXT_MEMBERS:
        text = member_text(document, key)
        if text is not None:
            attrs[key] = text
    from dsrgeo import catalog

    ids = catalog.known_layer_ids(document.get("layers"))
    if ids:
        attrs["layers"] = ids
    return attrs


def _user_frame(rows, geometries, document, path):
    import geopandas
    import pandas as pd
    import shapely

    shapes = [None if g is None else shapely.geometry.shape(g) for g in geometries]
    frame = geopandas.GeoDataFrame(pd.DataFrame(rows), geometry=shapes, crs="EPSG:4326")
    frame.attrs.update(provenance_attrs(document))
    name = member_text(document, "name") if isinstance(document, dict) else None
    frame.attrs["title"] = name or frame.attrs.get("title") or path.stem
    return frame


# -- writing ------------------------------------------------------------------------------


def rounded_geometry(geom, decimals=COORD_DECIMALS):
    """Return the GeoJSON mapping of ``geom`` as a layer file stores it, or None if empty.

    Coordinates are rounded to ``decimals``; polygons stay valid and wound as RFC 7946 asks:
    they are snapped with GEOS (plain rounding makes rings touch: Natural Earth's USA at 6
    decimals), exterior rings counter-clockwise.

    Examples
    --------
    >>> import shapely
    >>> rounded_geometry(shapely.Point(1.23456, 2.5), 2)
    {'type': 'Point', 'coordinates': (1.23, 2.5)}
    """
    import shapely

    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        snapped = shapely.set_precision(geom, 10.0**-decimals)
        rounded = shapely.orient_polygons(snapped, exterior_cw=False)
    else:
        rounded = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    return shapely.geometry.mapping(rounded)


def _plain(value):
    """Turn numpy / pandas scalars into JSON-ready Python values (None, NaN, NA -> None)."""
    import pandas as pd

    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def geojson_text(gdf, property_names=None, *, members=None, decimals=COORD_DECIMALS):
    """Return RFC 7946 GeoJSON text for a GeoDataFrame, one feature per line.

    Features are sorted by their ``id`` property (kept in the frame's order without one);
    properties follow ``property_names``
    (default: the frame's non-geometry columns); coordinates are rounded to ``decimals``
    (default 6).
    ``members`` (a dict) are written as foreign members of the FeatureCollection (RFC 7946,
    6.1) before the features: dsrgeo's layers carry their name, licence, attribution and
    sources that way, so a GIS opening the file alone sees them.

    Examples
    --------
    >>> import geopandas, shapely
    >>> gdf = geopandas.GeoDataFrame({"id": ["b", "a"]},
    ...     geometry=[shapely.Point(1.23456789, 2), shapely.Point(0, 0)], crs=4326)
    >>> print(geojson_text(gdf))
    {"type":"FeatureCollection","features":[
    {"type":"Feature","id":"a","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[0.0,0.0]}},
    {"type":"Feature","id":"b","properties":{"id":"b"},"geometry":{"type":"Point","coordinates":[1.234568,2.0]}}
    ]}
    <BLANKLINE>
    """
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    names = list(property_names or [c for c in gdf.columns if c != gdf.geometry.name])
    if "id" in gdf.columns:
        order = np.argsort(gdf["id"].astype(str).to_numpy(), kind="stable")
    else:  # a derived table keyed by another column (iso3...): its own order, no feature ids
        order = range(len(gdf))
    lines = []
    columns = {name: gdf[name].tolist() for name in names}
    geoms = gdf.geometry.tolist()
    for i in order:
        props = {name: _plain(columns[name][i]) for name in names}
        feature = {
            "type": "Feature",
            **({"id": props["id"]} if "id" in props else {}),
            "properties": props,
            "geometry": rounded_geometry(geoms[i], decimals),
        }
        lines.append(
            json.dumps(feature, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        )
    head = {"type": "FeatureCollection", **(members or {})}
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return opening[:-1] + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def layer_members(info):
    """Return the foreign members a layer file carries: name, title, licence, credit, sources.

    Parameters
    ----------
    info : dsrgeo.catalog.LayerInfo

    Returns
    -------
    dict
    """
    return {
        "name": info.id,
        "title": info.title,
        "licence": info.licence,
        "licence_url": info.licence_url,
        "attribution": info.attribution,
        "sources": [dict(s) for s in info.sources],
    }


def write_geojson(gdf, path, property_names=None, *, members=None):
    """Write a GeoDataFrame as deterministic GeoJSON, atomically (temp file, then rename).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Features are sorted by its ``id`` column if it has one; reprojected to EPSG:4326 if
        needed.
    path : str or os.PathLike
        Destination file.
    property_names : list of str, optional
        Properties to write, in order (default: all non-geometry columns).
    members : dict, optional
        Foreign members of the FeatureCollection (see :func:`geojson_text`).

    Returns
    -------
    pathlib.Path
    """
    return atomic_write(path, geojson_text(gdf, property_names, members=members))
