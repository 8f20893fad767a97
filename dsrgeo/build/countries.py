"""The country polygon layers: ``bri_countries`` (BRI status and agreements) and ``land``.

Polygons are Natural Earth's admin-0 countries (1:50m for ``bri_countries``, 1:110m for the
``land`` basemap); the policy rows come from ``policy/bri_countries.csv``,
``dsr_agreements.csv`` and ``standards_agreements.csv``, each row citing its sources.
"""

from pathlib import Path

import shapely

from dsrgeo.build.common import (
    country_codes,
    frame,
    int_or_none,
    ne_countries,
    read_csv,
    split_ids,
)
from dsrgeo.build.places import sovereign_of

__all__ = ["build_bri_countries", "build_land", "policy_rows_unplaced"]

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
    for feature in ne_countries(sources):
        props = feature["properties"]
        code = country_codes(props)
        row = bri.get(code)
        exit_date = (row or {}).get("exit_date") or None
        if row is None:
            status = "none"
        elif row.get("role") == "initiator":
            status = "initiator"
        else:
            status = "exited" if exit_date else "member"
        sovereign, disputed = sovereign_of(sources, code, natural_earth=props.get("SOV_A3"))
        source_ids = []
        for ids in (
            (split_ids(row["source_id"]) if row else []),
            dsr_sources.get(code, []),
            std_sources.get(code, []),
        ):
            source_ids.extend(i for i in ids if i not in source_ids)
        records.append(
            {
                "id": code,
                "iso3": code,
                "name": props["NAME"],
                "sovereign_iso3": sovereign,
                "disputed": bool(disputed or props.get("TYPE") in DISPUTED_TYPES),
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
        geometries.append(shapely.geometry.shape(feature["geometry"]))
    return frame(records, geometries)


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
        if row["iso3"] not in codes
    ]


def build_land(sources):
    """Build ``land``: Natural Earth 1:110m country polygons, the offline basemap."""
    records, geometries = [], []
    for feature in ne_countries(sources, "110m"):
        props = feature["properties"]
        records.append({"id": country_codes(props), "name": props["NAME"]})
        geometries.append(shapely.geometry.shape(feature["geometry"]))
    return frame(records, geometries)
