"""The country polygon layers: ``bri_countries``, ``clean_network``, ``huawei_5g`` and ``land``.

Polygons are Natural Earth's 1:50m admin-0 countries, every country in each layer.
``bri_countries`` keeps them as the source draws them (to :data:`COUNTRY_DECIMALS`), for
point-in-country and other analysis; ``clean_network``, ``huawei_5g`` and the ``land``
basemap hold the same polygons simplified as a map draws them (:data:`MAP_SIMPLIFY_DEG`,
:func:`drawn_polygon`): these layers are per-country facts, drawn as choropleths, and three
copies of the full polygons would make up half the installed package. Basemap and fills line
up when zoomed in, and a page stores their shared geometry once. The policy rows come from
``policy/bri_countries.csv``, ``dsr_agreements.csv``, ``standards_agreements.csv``,
``clean_network.csv`` and ``huawei_5g.csv``, each row citing its sources. A country without a
row gets the layer's "none" status (BRI, Clean Network) or no value (Huawei 5G: no position
found in the sources).
"""

from pathlib import Path

import shapely

from dsrgeo import catalog
from dsrgeo.build.common import (
    cached_per_build,
    country_codes,
    frame,
    int_or_none,
    ne_countries,
    read_csv,
    split_ids,
)
from dsrgeo.build.places import sovereign_of
from dsrgeo.errors import InvalidLayerError
from dsrgeo.geojson import rounded_geometry

__all__ = [
    "COUNTRY_DECIMALS",
    "MAP_SIMPLIFY_DEG",
    "build_bri_countries",
    "build_clean_network",
    "build_huawei_5g",
    "build_land",
    "drawn_polygon",
    "policy_rows_unplaced",
]

#: Tolerance the maps simplify country polygons with: the catalog's ``map.simplify_deg`` of
#: ``bri_countries``, read from it; ``land``, ``clean_network`` and ``huawei_5g`` are built
#: simplified with it, so they line up with what a map draws of ``bri_countries``.
MAP_SIMPLIFY_DEG = float(catalog.get("bri_countries").map["simplify_deg"])
#: Decimals of the country polygons' coordinates: the catalog's ``coordinate_decimals`` of
#: ``bri_countries``, read from it.
COUNTRY_DECIMALS = catalog.get("bri_countries").coordinate_decimals
#: Natural Earth's TYPE of areas whose status is disputed.
DISPUTED_TYPES = ("Disputed", "Indeterminate")
#: How sure a row is (see layers/CHANGES.md): two independent sources, one primary, or less.
CONFIDENCE = ("high", "medium", "low")

#: The policy tables whose rows must land on a country polygon.
POLICY_TABLES = (
    "bri_countries.csv",
    "dsr_agreements.csv",
    "standards_agreements.csv",
    "safe_cities.csv",
    "clean_network.csv",
    "huawei_5g.csv",
    "cloud_regions.csv",
)


def _first_year_by_country(rows):
    years, sources = {}, {}
    for row in rows:
        year = int_or_none(row.get("year"))
        code = row["iso3"]
        sources.setdefault(code, []).extend(split_ids(row["source_id"]))
        if year is not None and (code not in years or year < years[code]):
            years[code] = year
        years.setdefault(code, None)
    return years, sources


def build_bri_countries(sources):
    """Build ``bri_countries``: every Natural Earth 1:50m country with its BRI status."""
    policy = Path(sources) / "policy"
    bri = {row["iso3"]: row for row in read_csv(policy / "bri_countries.csv")}
    dsr_years, dsr_sources = _first_year_by_country(read_csv(policy / "dsr_agreements.csv"))
    std_years, std_sources = _first_year_by_country(read_csv(policy / "standards_agreements.csv"))
    records, geometries = [], []
    for base, geometry in _countries(sources):
        code = base["iso3"]
        row = bri.get(code)
        exit_date = (row or {}).get("exit_date") or None
        if row is None:
            status = "none"
        elif row.get("role") == "initiator":
            status = "initiator"
        else:
            status = "exited" if exit_date else "member"
        source_ids = []
        for ids in (
            (split_ids(row["source_id"]) if row else []),
            dsr_sources.get(code, []),
            std_sources.get(code, []),
        ):
            source_ids.extend(i for i in ids if i not in source_ids)
        records.append(
            {
                **base,
                "bri_status": status,
                "mou_date": (row or {}).get("mou_date") or None,
                "bri_year": int_or_none((row or {}).get("year_joined")),
                "exit_date": exit_date,
                "dsr_agreement_year": dsr_years.get(code),
                "standards_agreement_year": std_years.get(code),
                "source_ids": source_ids,
                "second_source_ids": split_ids((row or {}).get("second_source_id")),
                "confidence": _confidence((row or {}).get("confidence")),
            }
        )
        geometries.append(geometry)
    return frame(records, geometries)


def _countries(sources):
    """Yield (id, iso3, name, sovereign_iso3, disputed record; polygon) per 1:50m country."""
    for feature in ne_countries(sources):
        props = feature["properties"]
        code = country_codes(props)
        sovereign, disputed = sovereign_of(sources, code, natural_earth=props.get("SOV_A3"))
        base = {
            "id": code,
            "iso3": code,
            "name": props["NAME"],
            "sovereign_iso3": sovereign,
            "disputed": bool(disputed or props.get("TYPE") in DISPUTED_TYPES),
        }
        yield base, shapely.geometry.shape(feature["geometry"])


def _rows_by_code(path):
    """{iso3: row} of a policy table with one row per country (a repeated code is an error)."""
    rows = {}
    for row in read_csv(path):
        if row["iso3"] in rows:
            raise InvalidLayerError(
                "one row per country expected", path=path, feature=row["iso3"], field="iso3"
            )
        rows[row["iso3"]] = row
    return rows


def _citations(row):
    """The source_ids, second_source_ids and confidence of a policy row (empty without one)."""
    row = row or {}
    return {
        "source_ids": split_ids(row.get("source_ids")),
        "second_source_ids": split_ids(row.get("second_source_id")),
        "confidence": _confidence(row.get("confidence")),
    }


def drawn_polygon(geometry):
    """A 1:50m country polygon as maps draw it: rounded as stored, simplified keeping topology.

    Parameters
    ----------
    geometry : shapely.Geometry
        A Natural Earth polygon or multipolygon.

    Returns
    -------
    shapely.Geometry
        Rounded to :data:`COUNTRY_DECIMALS`, then simplified with :data:`MAP_SIMPLIFY_DEG`.

    Examples
    --------
    >>> import shapely
    >>> square = shapely.Polygon([(0, 0), (0.0001, 0.5), (0, 1), (1, 1), (1, 0)])
    >>> drawn_polygon(square).normalize().wkt
    'POLYGON ((0 0, 0 1, 1 1, 1 0, 0 0))'
    """
    stored = shapely.geometry.shape(rounded_geometry(geometry, COUNTRY_DECIMALS))
    return shapely.simplify(stored, MAP_SIMPLIFY_DEG, preserve_topology=True)


@cached_per_build
def _drawn_countries(sources):
    """The :func:`drawn_polygon` of every 1:50m country, in :func:`ne_countries` order.

    ``clean_network``, ``huawei_5g`` and ``land`` draw the same polygons: simplified once
    per build rather than three times (about 0.6 s each).
    """
    return tuple(
        drawn_polygon(shapely.geometry.shape(feature["geometry"]))
        for feature in ne_countries(sources)
    )


def build_clean_network(sources):
    """Build ``clean_network``: every 1:50m country (as maps draw it) with its Clean Network status.

    ``status`` is the row's (member, unconfirmed, withdrawn) or ``none`` for a country no
    source names; ``joined_year`` is the year of ``joined_date``.
    """
    rows = _rows_by_code(Path(sources) / "policy" / "clean_network.csv")
    records = []
    for base, _ in _countries(sources):
        row = rows.get(base["iso3"])
        joined = (row or {}).get("joined_date") or None
        records.append(
            {
                **base,
                "status": row["status"] if row else "none",
                "joined_date": joined,
                "joined_year": int(joined[:4]) if joined else None,
                "left_date": (row or {}).get("left_date") or None,
                "instrument": (row or {}).get("instrument") or None,
                **_citations(row),
                "note": (row or {}).get("notes") or None,
            }
        )
    return frame(records, _drawn_countries(sources))


def build_huawei_5g(sources):
    """Build ``huawei_5g``: every 1:50m country (as maps draw it) with its Huawei 5G restriction.

    ``restriction`` stays null where no source states the legal position (a row may still
    carry Huawei 5G contracts); ``restriction_year`` is the year of ``restriction_date``.
    """
    rows = _rows_by_code(Path(sources) / "policy" / "huawei_5g.csv")
    records = []
    for base, _ in _countries(sources):
        row = rows.get(base["iso3"]) or {}
        date = row.get("restriction_date") or None
        records.append(
            {
                **base,
                "restriction": row.get("restriction") or None,
                "restriction_date": date,
                "restriction_year": int(date[:4]) if date else None,
                "restriction_basis": row.get("restriction_basis") or None,
                "restriction_note": row.get("restriction_note") or None,
                "huawei_5g_contracts": row.get("huawei_5g_contracts") or None,
                **_citations(row or None),
                "note": row.get("notes") or None,
            }
        )
    return frame(records, _drawn_countries(sources))


def _confidence(text):
    """The row's confidence as one of :data:`CONFIDENCE` ("single_source" reads as low)."""
    if not text:
        return None
    word = text.split(";")[0].strip()
    return word if word in CONFIDENCE else "low"


def policy_rows_unplaced(sources):
    """Return policy rows whose ISO3 code matches no Natural Earth 1:50m polygon.

    Returns
    -------
    list of tuple
        ``(file name, iso3)``.
    """
    sources = Path(sources)
    codes = {country_codes(f["properties"]) for f in ne_countries(sources)}
    return [
        (name, row["iso3"])
        for name in POLICY_TABLES
        for row in read_csv(sources / "policy" / name)
        if row["iso3"] and row["iso3"] not in codes  # an empty code: country not known
    ]


def build_land(sources):
    """Build ``land``: the 1:50m country polygons simplified as maps draw them, the basemap.

    Each polygon is what a map draws for the same country of ``bri_countries``: the polygon
    as that layer's file holds it (:data:`COUNTRY_DECIMALS`), simplified with
    :data:`MAP_SIMPLIFY_DEG` keeping topology.
    """
    records = []
    for feature in ne_countries(sources):
        props = feature["properties"]
        records.append({"id": country_codes(props), "name": props["NAME"]})
    return frame(records, _drawn_countries(sources))
