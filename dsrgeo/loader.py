"""Reading the shipped layers: ``load(layer_id, as_of=...)``, validated against the catalog."""

import datetime
import functools
import importlib.resources
import json
import math
from pathlib import Path

from dsrgeo import catalog
from dsrgeo.errors import AsOfOutOfRangeError, InvalidLayerError

__all__ = ["load", "layers", "names", "available", "apply_as_of", "in_service", "layers_dir",
           "sources_dir", "read_layer_file", "check_geometry"]

GEOMETRY_TYPES = {
    "line": ("LineString", "MultiLineString"),
    "point": ("Point",),
    "polygon": ("Polygon", "MultiPolygon"),
}


def layers_dir():
    """Return the folder holding the layer GeoJSON files and ``catalog.json``.

    In an installed wheel that is ``dsrgeo/layers`` inside the package; in a source checkout
    (including an editable install, which does not map the folder) it is the checkout's
    ``layers/``.

    Examples
    --------
    >>> (layers_dir() / "catalog.json").is_file()
    True
    """
    return _layers_dir()


@functools.cache
def _layers_dir():
    packaged = Path(str(importlib.resources.files("dsrgeo"))) / "layers"
    if (packaged / "catalog.json").is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "layers"
    if (checkout / "catalog.json").is_file():
        return checkout
    raise InvalidLayerError(
        f"no layers found in {packaged} or {checkout}; reinstall dsrgeo "
        "(pip install dsrgeo) or run from a complete source checkout"
    )


def sources_dir():
    """Return the folder of raw upstream inputs (``layers/sources``) used by the build.

    Examples
    --------
    >>> (sources_dir() / "policy" / "SOURCES.md").is_file()
    True
    """
    return layers_dir() / "sources"


def names():
    """Return the ids of all layers in the catalog.

    Examples
    --------
    >>> names()[:3]
    ['cables', 'landing_points', 'hmn_cables']
    """
    return catalog.layer_ids()


def available(layer_id):
    """Return True if the catalog lists ``layer_id`` and its file is present.

    Parts that use a layer only when it exists (the capitals' BeiDou figures in
    :func:`dsrgeo.indicators`, the claims, the report, the default map) ask here.

    Examples
    --------
    >>> available("cables"), available("no_such_layer")
    (True, False)
    """
    return layer_id in names() and catalog.get(layer_id).file.is_file()


def layers():
    """Return the catalog as a table: one row per layer.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``title``, ``kind``, ``features`` (count in the shipped file),
        ``licence`` and ``as_of``.

    Examples
    --------
    >>> table = layers()
    >>> list(table.columns)
    ['id', 'title', 'kind', 'features', 'licence', 'as_of']
    >>> int(table.set_index("id").loc["cables", "features"]) >= 500
    True
    """
    import pandas as pd

    rows = []
    for layer_id in catalog.layer_ids():
        info = catalog.get(layer_id)
        count = len(_read_features(str(info.file), layer_id)) if info.file.is_file() else 0
        rows.append(
            {"id": info.id, "title": info.title, "kind": info.kind, "features": count,
             "licence": info.licence, "as_of": info.as_of}
        )
    return pd.DataFrame(rows, columns=["id", "title", "kind", "features", "licence", "as_of"])


SNAPSHOT_LAYERS = {"cables": "cables", "landing_points": "cables", "hmn_cables": "cables"}


def load(layer_id, *, as_of=None, snapshot="shipped"):
    """Load a curated layer as a GeoDataFrame in EPSG:4326, with its provenance.

    Parameters
    ----------
    layer_id : str
        A catalog id: see :func:`dsrgeo.layers` (``"cables"``, ``"hmn_cables"``,
        ``"bri_countries"``, ...).
    as_of : int, optional
        A year: the world at the end of that year. Cables must be in service by then
        (``rfs_year <= as_of`` and not planned); BRI status is re-derived from the MoU and
        exit dates (Italy is a member in 2019 and has exited after 2023); agreements and Safe
        City rows dated later are dropped. Layers without time (``land``, ``beidou_capitals``)
        ignore it.
    snapshot : {"shipped", "latest"}, default "shipped"
        ``"shipped"`` reads the layer as released with this version of dsrgeo, so results are
        reproducible. ``"latest"`` rebuilds the cable layers (``cables``,
        ``landing_points``, ``hmn_cables``) from the data fetched by ``dsrgeo refresh
        cables``; other layers have no refreshable source and are read as shipped.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per feature; list-valued properties are Python lists. ``.attrs`` holds
        ``id``, ``title``, ``sources``, ``licence``, ``attribution``, ``citation`` and
        ``as_of`` (the data date, or the year asked for).

    Raises
    ------
    LayerNotFoundError
        If ``layer_id`` is unknown (the message lists the available ids).
    InvalidLayerError
        If the layer file does not match its catalog schema (names file, feature, field).
    AsOfOutOfRangeError
        If ``as_of`` is outside the years the layer covers.
    RefreshError
        If ``snapshot="latest"`` but no refreshed data exists yet.

    Examples
    --------
    >>> cables = load("cables")
    >>> cables.crs.to_epsg()
    4326
    >>> peace = cables.set_index("name").loc["PEACE Cable"]
    >>> float(peace.stated_length_km)
    21500.0
    >>> bri = load("bri_countries", as_of=2019).set_index("iso3")
    >>> bri.loc["ITA", "bri_status"]
    'member'
    >>> load("bri_countries").set_index("iso3").loc["ITA", "bri_status"]
    'exited'
    """
    info = catalog.get(layer_id)
    year = _check_as_of(info, as_of)
    path, provenance = _layer_file(info, snapshot)
    frame = _fresh_copy(_read_frame(str(path), layer_id), info)
    if year is not None:
        frame = apply_as_of(frame, layer_id, year, snapshot=snapshot)
    frame.attrs.update(
        id=info.id,
        title=info.title,
        kind=info.kind,
        sources=[dict(s) for s in info.sources],
        licence=info.licence,
        licence_url=info.licence_url,
        attribution=info.attribution,
        citation=catalog.citation(layer_id),
        as_of=info.as_of if year is None else year,
        snapshot=provenance,
    )
    return frame


def apply_as_of(frame, layer_id, as_of, *, snapshot="shipped"):
    """Return the rows (and BRI statuses) of a layer's frame as they were at the end of a year.

    This is what ``load(layer_id, as_of=...)`` applies; call it on a frame you loaded without
    ``as_of`` (perhaps changed since) to get the same answer.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Rows of the catalog layer ``layer_id``, with its columns.
    layer_id : str
        Which layer's rule to apply (see :func:`load`).
    as_of : int or None
        The year; None returns ``frame`` unchanged. Layers without time ignore it.
    snapshot : {"shipped", "latest"}
        Which cables decide which landing points are in service.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame with a fresh index; ``.attrs`` are kept, ``attrs["as_of"]`` set to the
        year.

    Raises
    ------
    AsOfOutOfRangeError
        If ``as_of`` is outside the layer's years.

    Examples
    --------
    >>> cables = load("cables")
    >>> len(apply_as_of(cables, "cables", 2019)) == len(load("cables", as_of=2019))
    True
    """
    info = catalog.get(layer_id)
    year = _check_as_of(info, as_of)
    if year is None or layer_id not in _AS_OF:
        return frame
    attrs = dict(frame.attrs)
    result = _AS_OF[layer_id](frame, year, snapshot).reset_index(drop=True)
    result.attrs.update(attrs, as_of=year)
    return result


def _layer_file(info, snapshot):
    """Return (path, provenance) of the file to read for ``snapshot``."""
    if snapshot == "shipped" or snapshot is None:
        return info.file, "shipped"
    if snapshot != "latest":
        raise ValueError(f"snapshot must be 'shipped' or 'latest', got {snapshot!r}")
    kind = SNAPSHOT_LAYERS.get(info.id)
    if kind is None:
        return info.file, "shipped"
    from dsrgeo.datadir import data_dir, latest_snapshot
    from dsrgeo.errors import RefreshError

    latest = latest_snapshot(kind)
    if latest is None:
        raise RefreshError(
            f"load({info.id!r}, snapshot='latest'): no refreshed {kind} data yet; run "
            f"`dsrgeo refresh {kind}` first, or use the shipped snapshot (the default)")
    built = data_dir() / "built" / latest.folder.name / info.file.name
    if not built.is_file():
        _build_from_snapshot(info.id, latest.folder, built)
    return built, f"{latest.source_url} retrieved {latest.retrieved_utc}"


def _build_from_snapshot(layer_id, cables_folder, target):
    """Build one cable layer from a refreshed cables folder plus the shipped other sources."""
    import tempfile

    from dsrgeo import build

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as overlay:
        overlay = Path(overlay)
        for name in ("policy", "naturalearth", "gnss"):
            (overlay / name).symlink_to(sources_dir() / name, target_is_directory=True)
        (overlay / "cables").symlink_to(cables_folder, target_is_directory=True)
        build.build(target.parent, [layer_id], sources=overlay)


def _typed(frame, info):
    """Give integer and boolean properties pandas' nullable dtypes (nulls stay nulls)."""
    for field in info.schema:
        if field["type"] == "integer":
            frame[field["name"]] = frame[field["name"]].astype("Int64")
        elif field["type"] == "boolean":
            frame[field["name"]] = frame[field["name"]].astype("boolean")
    return frame


def _check_as_of(info, as_of):
    if as_of is None:
        return None
    try:
        whole = not isinstance(as_of, bool) and int(as_of) == float(as_of)
    except (TypeError, ValueError):
        whole = False
    if not whole:
        raise ValueError(f"as_of must be a year such as 2019, got {as_of!r}")
    as_of = int(as_of)
    if info.years is None:
        return None
    first, last = info.years
    if not first <= as_of <= last:
        raise AsOfOutOfRangeError(as_of, first, last, info.id)
    return as_of


@functools.lru_cache(maxsize=16)
def _read_frame(path, layer_id):
    """Parse a validated layer file into a typed GeoDataFrame, once per process."""
    import geopandas

    info = catalog.get(layer_id)
    frame = geopandas.GeoDataFrame.from_features(
        list(_read_features(path, layer_id)), crs="EPSG:4326",
        columns=[*info.property_names, "geometry"],
    )
    return _typed(frame, info)


def _fresh_copy(frame, info):
    """A copy the caller may change freely: list cells are copied too."""
    frame = frame.copy()
    for field in info.schema:
        if field["type"].startswith("list"):
            frame[field["name"]] = [None if v is None else list(v) for v in frame[field["name"]]]
    return frame


@functools.lru_cache(maxsize=16)
def _read_features(path, layer_id):
    """Read and validate a layer file once per process; returns its feature list."""
    return tuple(read_layer_file(path, catalog.get(layer_id)))


def read_layer_file(path, info):
    """Read a GeoJSON layer file and check it against its catalog entry.

    Parameters
    ----------
    path : str or os.PathLike
        The GeoJSON file.
    info : LayerInfo
        The catalog entry to check against (:func:`dsrgeo.catalog.get`).

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
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InvalidLayerError("layer file is missing; rebuild with `dsrgeo build`",
                                path=path) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidLayerError(f"not valid GeoJSON text ({err})", path=path) from err
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise InvalidLayerError("expected a GeoJSON FeatureCollection", path=path)
    crs = data.get("crs")
    if crs is not None and "CRS84" not in json.dumps(crs) and "4326" not in json.dumps(crs):
        raise InvalidLayerError(
            f"coordinates must be WGS84 lon/lat (RFC 7946), but the file declares {crs!r}",
            path=path, field="crs")
    features = data.get("features")
    if not isinstance(features, list):
        raise InvalidLayerError("expected a 'features' list", path=path)
    seen = set()
    for index, feature in enumerate(features):
        _check_feature(feature, index, info, path, seen)
    return features


def _check_feature(feature, index, info, path, seen):
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise InvalidLayerError("not a GeoJSON Feature", path=path, feature=index)
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise InvalidLayerError("properties must be an object", path=path, feature=index)
    fid = props.get("id", index)
    if not isinstance(fid, str) or not fid:
        raise InvalidLayerError("every feature needs a non-empty string id", path=path,
                                feature=index, field="id")
    if fid in seen:
        raise InvalidLayerError("duplicate id", path=path, feature=fid, field="id")
    seen.add(fid)
    for field in info.schema:
        name = field["name"]
        if name not in props:
            raise InvalidLayerError("property missing", path=path, feature=fid, field=name)
        problem = _type_problem(props[name], field["type"])
        if problem:
            raise InvalidLayerError(problem, path=path, feature=fid, field=name)
    extra = set(props) - set(info.property_names)
    if extra:
        raise InvalidLayerError(f"properties not in the catalog schema: {sorted(extra)}",
                                path=path, feature=fid, field=sorted(extra)[0])
    check_geometry(feature.get("geometry"), info.kind, path=path, feature=fid)


def _type_problem(value, kind):
    if value is None:
        return None
    if kind == "string" and not isinstance(value, str):
        return f"expected a string, got {value!r}"
    if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
        return f"expected an integer, got {value!r}"
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)
                             or not math.isfinite(value)):
        return f"expected a finite number, got {value!r}"
    if kind == "boolean" and not isinstance(value, bool):
        return f"expected true or false, got {value!r}"
    if kind == "date" and not _is_iso_date(value):
        return f"expected an ISO date YYYY-MM-DD (or YYYY-MM, YYYY), got {value!r}"
    if kind == "list[string]" and not (isinstance(value, list)
                                       and all(isinstance(v, str) for v in value)):
        return f"expected a list of strings, got {value!r}"
    return None


def _is_iso_date(value):
    """True for ISO dates at day, month or year precision ("2021-12-14", "2021-12", "2021")."""
    if not isinstance(value, str):
        return False
    padded = {4: "-01-01", 7: "-01", 10: ""}.get(len(value))
    try:
        datetime.date.fromisoformat(value + padded)
    except (TypeError, ValueError):
        return False
    return True


def check_geometry(geometry, kind, *, path=None, feature=None):
    """Check a GeoJSON geometry mapping against a layer kind and lon/lat ranges.

    Parameters
    ----------
    geometry : dict or None
        A GeoJSON geometry; None (a feature without location) passes.
    kind : {"line", "point", "polygon"}
    path, feature : optional
        Named in the error (the file and the feature's id).

    Raises
    ------
    InvalidLayerError
        If the type does not fit ``kind``, the coordinates are malformed, or a position is
        not lon/lat in degrees.

    Examples
    --------
    >>> check_geometry({"type": "Point", "coordinates": [67.0, 24.8]}, "point")
    >>> check_geometry({"type": "Point", "coordinates": [500000, 4649776]}, "point")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.InvalidLayerError: field 'geometry': position (500000, 4649776) is not lon/lat in degrees; is the layer in EPSG:4326?
    """
    fid = feature
    if geometry is None:
        return
    allowed = GEOMETRY_TYPES[kind]
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype not in allowed:
        raise InvalidLayerError(f"geometry must be {' or '.join(allowed)} for a {kind} layer, "
                                f"got {gtype!r}", path=path, feature=fid, field="geometry")
    for lon, lat, *_ in _positions(geometry.get("coordinates"), NESTING[gtype], path, fid):
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise InvalidLayerError(
                f"position ({lon}, {lat}) is not lon/lat in degrees; is the layer in "
                "EPSG:4326?", path=path, feature=fid, field="geometry")


#: How deep positions sit in each geometry type's ``coordinates`` (RFC 7946, section 3.1)
NESTING = {"Point": 0, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


def _positions(coords, depth, path, fid):
    """Yield the positions of ``coords``, which must nest exactly ``depth`` lists deep."""
    if depth == 0:
        if (not isinstance(coords, list) or not 2 <= len(coords) <= 3
                or not all(isinstance(c, int | float) and not isinstance(c, bool)
                           for c in coords)):
            raise InvalidLayerError(f"expected a position [lon, lat], got {coords!r}",
                                    path=path, feature=fid, field="geometry")
        yield coords
        return
    if not isinstance(coords, list) or not coords:
        raise InvalidLayerError(f"malformed or empty coordinates: {coords!r}", path=path,
                                feature=fid, field="geometry")
    for part in coords:
        yield from _positions(part, depth - 1, path, fid)


# -- as_of: the world at the end of a year ------------------------------------------------

def in_service(cables, year):
    """Return a boolean Series: cables in service by the end of ``year``.

    In service means a ready-for-service year at or before ``year`` and not marked planned
    (``rfs_year`` may be any numeric or numeric-text column).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"rfs_year": [2010, 2024, None], "is_planned": [False, True, None]})
    >>> in_service(frame, 2022).tolist()
    [True, False, False]
    """
    import pandas as pd

    rfs = pd.to_numeric(cables["rfs_year"], errors="coerce")
    planned = cables["is_planned"].astype("boolean").fillna(False).astype(bool)
    return ((rfs <= year) & ~planned).fillna(False).astype(bool)


# Each filter takes (frame, year, snapshot): landing points need the cables of the same snapshot.

def _cables_as_of(frame, year, snapshot):
    return frame[in_service(frame, year)]


def _hmn_as_of(frame, year, snapshot):
    on_map = frame["origin"] != "project_list"
    listed_only = ~on_map & (frame["project_year"] <= year).fillna(False)
    return frame[(on_map & in_service(frame, year)) | listed_only]


def _landing_points_as_of(frame, year, snapshot):
    live = set(load("cables", as_of=year, snapshot=snapshot)["id"])
    cable_ids = frame["cable_ids"].map(lambda ids: sorted(i for i in ids if i in live))
    frame = frame.assign(cable_ids=cable_ids)
    return frame[frame["cable_ids"].map(len) > 0]


def _year_of(series):
    import pandas as pd

    return pd.to_datetime(series, errors="coerce").dt.year


def _bri_as_of(frame, year, snapshot):
    frame = frame.copy()
    listed = frame["bri_status"] != "none"
    joined = listed & (frame["bri_year"].isna() | (frame["bri_year"] <= year)).fillna(False)
    left = joined & (_year_of(frame["exit_date"]) <= year).fillna(False)
    frame["bri_status"] = "none"
    frame.loc[joined, "bri_status"] = "member"
    frame.loc[left, "bri_status"] = "exited"
    for column in ("mou_date", "bri_year"):
        frame[column] = frame[column].where(joined, None)
    frame["exit_date"] = frame["exit_date"].where(left, None)
    for column in ("dsr_agreement_year", "standards_agreement_year"):
        frame[column] = frame[column].where((frame[column] <= year).fillna(False), None)
    return frame


def _safe_cities_as_of(frame, year, snapshot):
    return frame[(frame["year"].isna() | (frame["year"] <= year)).fillna(False).astype(bool)]


_AS_OF = {
    "cables": _cables_as_of,
    "hmn_cables": _hmn_as_of,
    "landing_points": _landing_points_as_of,
    "bri_countries": _bri_as_of,
    "safe_cities": _safe_cities_as_of,
}
