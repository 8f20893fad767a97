"""The ``beidou_capitals`` layer: visible GNSS satellites over every national capital.

The capitals follow one rule (``policy/capitals.csv``, each row with its sources): for each
of the 193 UN member states and the 2 observer states (Holy See, Palestine), the seat of
government, the city where the executive sits (``role`` ``seat_of_government``,
``counted_195`` true: exactly 195 rows); where a country has another official,
constitutional or legislative capital, that city is a separate ``alternate`` row, never
counted twice; Taiwan and Kosovo are added and flagged (``un_status`` ``other``). Current city
names. Points are Natural Earth populated places (1:50m, or 1:10m where the 1:50m file lacks
the city); Nauru, which has no capital and no Natural Earth place, is placed at the CIA World
Factbook's coordinates of the island.

The visibility figures follow the fixed recipe of :mod:`dsrgeo.gnss.capitals`: 2022-02-05
00:00-24:00 UTC, 1-minute steps, 10 degree mask, CelesTrak TLEs of 2022-02-04.
"""

from pathlib import Path

from dsrgeo.build.common import read_csv, split_ids
from dsrgeo.gnss.capitals import (
    LAYER_DATE,
    LAYER_MIN_ELEVATION_DEG,
    LAYER_STEP_S,
    LAYER_TLE_SNAPSHOT,
    capitals_visibility,
)
from dsrgeo.text import slug

__all__ = ["build_beidou_capitals", "capital_sites"]


def _located_by(row):
    if not row["ne_name"]:
        return "cia_factbook"
    ids = split_ids(row["source_ids"])
    return "natural_earth_10m" if "ne_10m_populated_places_simple" in ids else "natural_earth_50m"


def capital_sites(sources):
    """Return the capitals of ``policy/capitals.csv`` as points.

    Parameters
    ----------
    sources : str or os.PathLike
        The sources folder (``layers/sources``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id`` (``<iso3>-<city slug>``), ``name`` (the city), ``iso3``, ``country``,
        ``role``, ``role_note``, ``un_status``, ``counted_195``, ``disputed``, ``located_by``,
        ``source_ids`` and the point (EPSG:4326), sorted by ``id``.

    Examples
    --------
    >>> from dsrgeo.catalog import sources_dir
    >>> sites = capital_sites(sources_dir())
    >>> int(sites.counted_195.sum()), sites.loc[sites.counted_195, "iso3"].nunique()
    (195, 195)
    >>> sites.loc[sites.iso3 == "BOL"].set_index("id").role.to_dict()
    {'bol-la-paz': 'seat_of_government', 'bol-sucre': 'alternate'}
    """
    import geopandas
    import shapely

    rows = []
    for row in read_csv(Path(sources) / "policy" / "capitals.csv"):
        rows.append(
            {
                "id": f"{row['iso3'].lower()}-{slug(row['city'])}",
                "name": row["city"],
                "iso3": row["iso3"],
                "country": row["country"],
                "role": row["role"],
                "role_note": row["role_note"] or None,
                "un_status": row["status"],
                "counted_195": row["counted_195"] == "true",
                "disputed": row["disputed"] == "true",
                "located_by": _located_by(row),
                "source_ids": split_ids(row["source_ids"]),
                "geometry": shapely.Point(float(row["lon"]), float(row["lat"])),
            }
        )
    rows.sort(key=lambda r: r["id"])
    return geopandas.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def build_beidou_capitals(sources):
    """Build the ``beidou_capitals`` layer from the raw sources (the layer's fixed recipe).

    Parameters
    ----------
    sources : str or os.PathLike
        The raw sources folder (``layers/sources``).

    Returns
    -------
    geopandas.GeoDataFrame
        See :func:`dsrgeo.gnss.capitals_visibility`.
    """
    sources = Path(sources)
    return capitals_visibility(
        capital_sites(sources),
        date=LAYER_DATE,
        min_elevation_deg=LAYER_MIN_ELEVATION_DEG,
        step_s=LAYER_STEP_S,
        tles=sources / "gnss" / LAYER_TLE_SNAPSHOT,
    )
