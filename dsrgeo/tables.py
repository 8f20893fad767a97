"""Writing a table to a file chosen by its suffix: CSV, or GeoJSON for frames with geometry.

Used by the command line's ``-o`` / ``--csv`` options and by notebooks; every file is
written atomically (an existing one is replaced only by a complete new one).
"""

from pathlib import Path

from dsrgeo.errors import ParameterError
from dsrgeo.fileio import atomic_write

__all__ = ["LIST_SEPARATOR", "SUFFIXES", "write_table"]

#: The suffixes :func:`write_table` understands.
SUFFIXES = (".csv", ".geojson", ".json")
#: What joins the items of a list cell in CSV.
LIST_SEPARATOR = ";"


def _joined_lists(frame):
    """``frame`` with each list or tuple cell of its object columns joined into one text."""
    columns = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and values.map(lambda v: isinstance(v, list | tuple)).any():
            columns[column] = values.map(
                lambda v: LIST_SEPARATOR.join(map(str, v)) if isinstance(v, list | tuple) else v
            )
    return frame.assign(**columns) if columns else frame


def write_table(frame, path):
    r"""Write ``frame`` to ``path`` as CSV (``.csv``) or GeoJSON (``.geojson``, ``.json``).

    A frame with point geometries written as CSV gets ``lat`` and ``lon`` columns (degrees, 6
    decimals) instead of the geometry; other geometries are left out of CSV. A cell holding
    a list or tuple (the cable ids of :func:`dsrgeo.network.exposure`'s ``min_cut_cables``,
    say) is written to CSV as its items joined with ``;`` (:data:`LIST_SEPARATOR`), not as
    Python's ``['a', 'b']``; GeoJSON keeps it as an array, and carries the licence, attribution,
    credit and sources in ``frame.attrs`` as foreign members of the FeatureCollection
    (:func:`provenance_members`), which ``Map.add`` and ``dsrgeo map`` read back, so the
    file is credited as the frame was.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
    path : str or os.PathLike

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ParameterError
        If the suffix is not one of :data:`SUFFIXES`, GeoJSON is asked for a frame without
        geometry, or the folder does not exist.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_table(pd.DataFrame({"a": [1]}), out).read_text()
    'a\n1\n'
    >>> cables = pd.DataFrame({"iso3": ["TON", "FJI"], "cut": [["tonga-cable"], ["a", "b"]]})
    >>> write_table(cables, out).read_text()
    'iso3,cut\nTON,tonga-cable\nFJI,a;b\n'
    """
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ParameterError(
            f"{str(path)!r}: give a file name ending in {', '.join(SUFFIXES)}", parameter="path"
        )
    if not path.resolve().parent.is_dir():
        raise ParameterError(
            f"{str(path)!r}: folder {str(path.parent)!r} does not exist", parameter="path"
        )
    geometry = getattr(frame, "geometry", None) if hasattr(frame, "crs") else None
    if suffix == ".csv":
        if geometry is not None:
            points = geometry.geom_type.eq("Point").all()
            plain = pd.DataFrame(frame.drop(columns=geometry.name))
            if points:
                plain = plain.assign(lat=geometry.y.round(6), lon=geometry.x.round(6))
            frame = plain
        return atomic_write(path, _joined_lists(frame).to_csv(index=False))
    if geometry is None:
        raise ParameterError(
            f"{str(path)!r}: GeoJSON needs a frame with geometries; write .csv instead",
            parameter="path",
        )
    from dsrgeo.geojson import write_geojson

    return write_geojson(frame, path, members=provenance_members(frame))


#: The ``attrs`` of a derived frame that a GeoJSON export carries as foreign members: its
#: licences and sources, and what a map's credit is made of (``credit``, or the catalog
#: ``layers`` the data came from), which :func:`dsrgeo.geojson.read_user_file` reads back.
PROVENANCE_ATTRS = (
    "title",
    "licence",
    "licences",
    "attribution",
    "citation",
    "credit",
    "layers",
    "sources",
)


def provenance_members(frame):
    """Return the licence and sources in ``frame.attrs`` that a GeoJSON export carries.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    dict
        The :data:`PROVENANCE_ATTRS` the frame has, as JSON values.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"a": [1]})
    >>> frame.attrs.update(licence="CC BY-NC-SA 3.0", columns={"a": "a number"})
    >>> provenance_members(frame)
    {'licence': 'CC BY-NC-SA 3.0'}
    """
    import json

    members = {}
    for key in PROVENANCE_ATTRS:
        value = frame.attrs.get(key)
        if value is None:
            continue
        try:
            members[key] = json.loads(json.dumps(value, allow_nan=False))
        except (TypeError, ValueError):
            continue  # not JSON data: left out rather than written as text
    return members
