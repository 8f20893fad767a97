"""The ``beidou_capitals`` layer: visible GNSS satellites over every national capital.

Capitals are Natural Earth's 1:50m populated places of class ``Admin-0 capital`` (202
places). All of them are kept, one row per city: countries with several capitals keep a row
for each (Bolivia: La Paz and Sucre; South Africa: Pretoria, Cape Town, Bloemfontein, and
Johannesburg, which Natural Earth also lists; Côte d'Ivoire: Yamoussoukro and Abidjan;
Myanmar: Naypyidaw and Rangoon), with Natural Earth's note on the city's role in
``capital_note``; Kosovo (``KOS``) and Somaliland (``SOL``) are included. That makes 202 rows
for 196 country codes. Satellite counts of two capitals of one country are near-identical.
"""

import datetime as _dt
import functools
import json
from pathlib import Path

import numpy as np

from dsrgeo.gnss.elements import DEFAULT_SNAPSHOT
from dsrgeo.gnss.visibility import _core_satellites, _visibility_table, epoch_times

__all__ = [
    "LAYER_DATE",
    "LAYER_MIN_ELEVATION_DEG",
    "LAYER_STEP_S",
    "LAYER_TLE_SNAPSHOT",
    "build_beidou_capitals",
    "capital_sites",
    "capitals_visibility",
]

#: The layer's day (UTC, 00:00-24:00), elevation mask, time step and TLE snapshot folder.
LAYER_DATE = "2022-02-05"
LAYER_MIN_ELEVATION_DEG = 10.0
LAYER_STEP_S = 60
LAYER_TLE_SNAPSHOT = DEFAULT_SNAPSHOT

# Natural Earth's CAPIN field is cut at 15 characters; these are the full wordings.
_CAPITAL_NOTES = {
    "Administrative": "administrative capital",
    "De facto capita": "de facto capital",
    "De facto, admin": "de facto, administrative capital",
    "Former capital": "former capital",
    "Judicial capita": "judicial capital",
    "Legislative cap": "legislative capital",
    "Official (const": "official (constitutional) capital",
    "Official capita": "official capital",
}


def capital_sites(sources_dir):
    """Return Natural Earth's 202 national capitals as points.

    Parameters
    ----------
    sources_dir : str or os.PathLike
        The raw sources folder (``layers/sources``) holding
        ``naturalearth/ne_50m_populated_places.json``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id`` (``<iso3>-<name slug>``, lower case), ``name``, ``iso3`` (Natural
        Earth ``ADM0_A3``: the ISO 3166-1 alpha-3 code except ``KOS`` Kosovo and ``SOL``
        Somaliland, which have none), ``capital_note`` and the point geometry (EPSG:4326),
        sorted by ``id``.

    Examples
    --------
    >>> from dsrgeo.loader import sources_dir
    >>> sites = capital_sites(sources_dir())
    >>> len(sites), sites["iso3"].nunique()
    (202, 196)
    >>> sites.loc[sites.iso3 == "BOL"].set_index("id").capital_note.to_dict()
    {'bol-la-paz': 'administrative capital', 'bol-sucre': 'official (constitutional) capital'}
    """
    import geopandas
    import shapely

    path = Path(sources_dir) / "naturalearth" / "ne_50m_populated_places.json"
    stat = path.stat()
    rows = _capital_rows(path, stat.st_mtime_ns, stat.st_size)
    return geopandas.GeoDataFrame(
        [row[:4] for row in rows],
        columns=["id", "name", "iso3", "capital_note"],
        geometry=shapely.points([row[4:] for row in rows]),
        crs="EPSG:4326",
    )


@functools.lru_cache(maxsize=4)
def _capital_rows(path, mtime_ns, size):
    """Parse the capitals of ``path``: (id, name, iso3, capital_note, lon, lat) sorted by id.

    Cached per file and version (modification time and size are part of the key, so an
    edited file is read again); the rows are tuples, and each caller builds a new frame.
    """
    from dsrgeo.build import slug

    rows = []
    for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
        props = feature["properties"]
        if props.get("FEATURECLA") != "Admin-0 capital":
            continue
        iso3 = props["ADM0_A3"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        note = _CAPITAL_NOTES.get(props.get("CAPIN"), props.get("CAPIN"))
        rows.append((f"{iso3.lower()}-{slug(props['NAME'])}", props["NAME"], iso3, note, lon, lat))
    return tuple(sorted(rows, key=lambda row: row[0]))


def capitals_visibility(
    sources_dir=None,
    *,
    date=LAYER_DATE,
    min_elevation_deg=LAYER_MIN_ELEVATION_DEG,
    step_s=LAYER_STEP_S,
    tles=None,
    pdop=True,
):
    """Return the capitals with their visible satellites over one UTC day.

    Parameters
    ----------
    sources_dir : str or os.PathLike, optional
        Raw sources folder (default: :func:`dsrgeo.loader.sources_dir`).
    date : str or datetime.date, optional
        The UTC day, 00:00 to 24:00.
    min_elevation_deg : float, optional
        Elevation mask in degrees.
    step_s : float, optional
        Time step in seconds.
    tles : optional
        As for :func:`~dsrgeo.gnss.visibility`; ``None`` is the shipped 2022-02-04 snapshot.
    pdop : bool, optional
        Include the ``<sys>_pdop_mean`` columns.

    Returns
    -------
    geopandas.GeoDataFrame
        The :func:`capital_sites` columns, the visibility columns (maxima and minima as
        integers, means and PDOP rounded to 2 decimals), ``bds_minus_gps_max`` (integer) and
        ``bds_beats_gps`` (BeiDou's daily maximum above GPS's). ``.attrs`` records the
        window, mask, step and TLE epochs.

    Examples
    --------
    >>> table = capitals_visibility(step_s=3600, pdop=False)
    >>> int(table.bds_beats_gps.sum()), len(table)
    (190, 202)
    """
    from dsrgeo.loader import sources_dir as default_sources_dir

    sources = Path(sources_dir) if sources_dir is not None else default_sources_dir()
    day = _dt.date.fromisoformat(str(date))
    start = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC)
    times = epoch_times(start, start + _dt.timedelta(days=1), step_s)
    sites = capital_sites(sources)
    core = _core_satellites(tles, times, stacklevel=3)
    counts = _visibility_table(sites, times, core, step_s, min_elevation_deg, pdop)
    table = sites.copy()
    for column in counts.columns:
        values = counts[column].to_numpy()
        if column.endswith(("_max", "_min")):
            table[column] = values.astype(np.int64)
        else:
            table[column] = np.round(values, 2)
    table["bds_minus_gps_max"] = table["bds_max"] - table["gps_max"]
    table["bds_beats_gps"] = table["bds_max"] > table["gps_max"]
    table = table[[c for c in table.columns if c != "geometry"] + ["geometry"]]
    table.attrs.update(counts.attrs, date=day.isoformat())
    return table


def build_beidou_capitals(sources_dir):
    """Build the ``beidou_capitals`` layer from the shipped sources (the layer's fixed recipe).

    2022-02-05 00:00-24:00 UTC, 1-minute steps (1,440 epochs), 10 degree mask, CelesTrak
    TLEs of 2022-02-04 (``gnss/2022-02-04/*.txt`` under ``sources_dir``).

    Parameters
    ----------
    sources_dir : str or os.PathLike
        The raw sources folder (``layers/sources``).

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`capitals_visibility`.
    """
    sources = Path(sources_dir)
    return capitals_visibility(
        sources,
        date=LAYER_DATE,
        min_elevation_deg=LAYER_MIN_ELEVATION_DEG,
        step_s=LAYER_STEP_S,
        tles=sources / "gnss" / LAYER_TLE_SNAPSHOT,
    )

