"""Reading layers: ``load(layer_id, as_of=...)`` and ``layers()``, checked against the catalog.

Reading never builds: the shipped layers come with the package, and a refreshed snapshot
carries its own layers, built by ``dsrgeo refresh`` before the snapshot was swapped in
(:mod:`dsrgeo.refresh`). Each file is parsed and checked once per process; every call gets a
fresh copy it may change.
"""

import functools

from dsrgeo import catalog, checks, datadir, geojson, timeline
from dsrgeo.errors import RefreshError

__all__ = ["available", "feature_count", "layers", "load", "names"]

#: Layers rebuilt from a refreshed snapshot, by the snapshot kind they come from.
SNAPSHOT_LAYERS = {"cables": ("cables", "landing_points", "hmn_cables")}
SNAPSHOTS = ("shipped", "latest")


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

    Examples
    --------
    >>> available("cables"), available("no_such_layer")
    (True, False)
    """
    return layer_id in names() and catalog.get(layer_id).file.is_file()


def feature_count(layer_id):
    """Return the number of features in the shipped file of ``layer_id`` (0 if it is missing).

    Examples
    --------
    >>> feature_count("cables") == len(load("cables"))
    True
    """
    info = catalog.get(layer_id)
    return len(_frame(str(info.file), layer_id)) if info.file.is_file() else 0


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
        count = feature_count(layer_id)
        rows.append(
            {
                "id": info.id,
                "title": info.title,
                "kind": info.kind,
                "features": count,
                "licence": info.licence,
                "as_of": info.as_of,
            }
        )
    return pd.DataFrame(rows, columns=["id", "title", "kind", "features", "licence", "as_of"])


def load(layer_id, *, as_of=None, snapshot="shipped"):
    """Load a curated layer as a GeoDataFrame in EPSG:4326, with its provenance.

    Parameters
    ----------
    layer_id : str
        A catalog id: see :func:`dsrgeo.layers` (``"cables"``, ``"hmn_cables"``,
        ``"bri_countries"``, ...).
    as_of : int, optional
        A year: the world at the end of that year (see :mod:`dsrgeo.timeline`). Cables must
        be in service by then; BRI status is re-derived from the signing and exit dates
        (Italy is a member in 2019 and has exited after 2023); agreements and Safe City rows
        dated later are dropped. Layers without time (``land``, ``beidou_capitals``) ignore
        it.
    snapshot : {"shipped", "latest"}, default "shipped"
        ``"shipped"`` reads the layer as released with this version of dsrgeo, so results are
        reproducible. ``"latest"`` reads the cable layers (``cables``, ``landing_points``,
        ``hmn_cables``) of the newest snapshot fetched by ``dsrgeo refresh cables``; other
        layers have no refreshable source and are read as shipped.

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
    ParameterError
        If ``as_of`` is not a year or ``snapshot`` is not one of the two names.
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
    checks.choice(snapshot, "snapshot", SNAPSHOTS)
    year = timeline.check_as_of(info, as_of)
    path, provenance = _layer_file(info, snapshot)
    frame = _fresh_copy(_frame(str(path), layer_id), info)
    if year is not None:
        cables = (
            load("cables", as_of=year, snapshot=snapshot) if layer_id == "landing_points" else None
        )
        frame = timeline.apply_as_of(frame, info, year, cables=cables)
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


def _layer_file(info, snapshot):
    """Return (path, provenance) of the file to read for ``snapshot``."""
    kind = next((k for k, ids in SNAPSHOT_LAYERS.items() if info.id in ids), None)
    if snapshot == "shipped" or kind is None:
        return info.file, "shipped"
    latest = datadir.latest_snapshot(kind)
    if latest is None:
        raise RefreshError(
            f"load({info.id!r}, snapshot='latest'): no refreshed {kind} data yet; run "
            f"`dsrgeo refresh {kind}` first, or use the shipped snapshot (the default)"
        )
    built = latest.folder / datadir.LAYERS_FOLDER / info.file.name
    if not built.is_file():
        raise RefreshError(
            f"snapshot {str(latest.folder)!r} has no built {info.id} layer (it was made by an "
            f"older dsrgeo); run `dsrgeo refresh {kind}` again"
        )
    return built, f"{latest.source_url} retrieved {latest.retrieved_utc}"


def _features(path, layer_id):
    """Read and check a layer file; returns its feature list (:func:`_frame` keeps the result).

    A shipped file whose :func:`~dsrgeo.geojson.checked_digest` (schema and bytes) is the one
    the build recorded when it checked it is not checked again
    (:func:`dsrgeo.catalog.checked_sha256`); every other file is.
    """
    return tuple(
        geojson.read_layer_file(
            path, catalog.get(layer_id), checked_sha256=catalog.checked_sha256(path)
        )
    )


@functools.lru_cache(maxsize=32)
def _frame(path, layer_id):
    """The typed GeoDataFrame of a checked layer file, once per process (never handed out)."""
    return geojson.features_to_frame(_features(path, layer_id), catalog.get(layer_id))


def _fresh_copy(frame, info):
    """A copy the caller may change freely: list cells are copied too."""
    frame = frame.copy()
    for field in info.schema:
        if field["type"].startswith("list"):
            frame[field["name"]] = [None if v is None else list(v) for v in frame[field["name"]]]
    return frame
