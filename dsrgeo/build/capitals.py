"""The ``beidou_capitals`` layer: visible GNSS satellites over every national capital.

Capitals are Natural Earth's 1:50m populated places of class ``Admin-0 capital`` (202
places). All of them are kept, one row per city: countries with several capitals keep a row
for each (Bolivia: La Paz and Sucre; South Africa: Pretoria, Cape Town, Bloemfontein, and
Johannesburg, which Natural Earth also lists; Côte d'Ivoire: Yamoussoukro and Abidjan;
Myanmar: Naypyidaw and Rangoon), with Natural Earth's note on the city's role in
``capital_note``; Kosovo (``KOS``) and Somaliland (``SOL``) are included. That makes 202 rows
for 196 country codes.

The visibility figures follow the fixed recipe of :mod:`dsrgeo.gnss.capitals`: 2022-02-05
00:00-24:00 UTC, 1-minute steps, 10 degree mask, CelesTrak TLEs of 2022-02-04.
"""

from pathlib import Path

from dsrgeo.build.common import read_json
from dsrgeo.gnss.capitals import (
    LAYER_DATE,
    LAYER_MIN_ELEVATION_DEG,
    LAYER_STEP_S,
    LAYER_TLE_SNAPSHOT,
    capitals_visibility,
)
from dsrgeo.text import slug

__all__ = ["build_beidou_capitals", "capital_sites"]

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


def capital_sites(sources):
    """Return Natural Earth's 202 national capitals as points.

    Parameters
    ----------
    sources : str or os.PathLike
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
    >>> from dsrgeo.catalog import sources_dir
    >>> sites = capital_sites(sources_dir())
    >>> len(sites), sites["iso3"].nunique()
    (202, 196)
    >>> sites.loc[sites.iso3 == "BOL"].set_index("id").capital_note.to_dict()
    {'bol-la-paz': 'administrative capital', 'bol-sucre': 'official (constitutional) capital'}
    """
    import geopandas
    import shapely

    path = Path(sources) / "naturalearth" / "ne_50m_populated_places.json"
    rows = []
    for feature in read_json(path)["features"]:
        props = feature["properties"]
        if props.get("FEATURECLA") != "Admin-0 capital":
            continue
        iso3 = props["ADM0_A3"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        note = _CAPITAL_NOTES.get(props.get("CAPIN"), props.get("CAPIN"))
        rows.append((f"{iso3.lower()}-{slug(props['NAME'])}", props["NAME"], iso3, note, lon, lat))
    rows.sort(key=lambda row: row[0])
    return geopandas.GeoDataFrame(
        [row[:4] for row in rows],
        columns=["id", "name", "iso3", "capital_note"],
        geometry=shapely.points([row[4:] for row in rows]),
        crs="EPSG:4326",
    )


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
