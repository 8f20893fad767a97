"""The point layers compiled from policy tables: ``safe_cities``.

``policy/safe_cities.csv`` merges the public lists (CSIS 2019, Carnegie's AI Global
Surveillance Index 2019 at country level, news and official sources), one row per
deployment with its status (deployed, agreed, proposed, cancelled), date and the lists that
name it. Cities are placed at Natural Earth 1:10m populated places (the sources give no
coordinates); a row whose city is not found, and every country-level row, keeps a null
geometry, reported in the build log.
"""

import re
from pathlib import Path

import shapely

from dsrgeo.build.common import frame, int_or_none, log, read_csv, read_json, split_ids
from dsrgeo.text import slug

__all__ = ["build_safe_cities", "city_keys"]


def _place_key(text):
    return slug(text or "").replace("-", "")


def _places_by_country(sources):
    places = {}
    path = Path(sources) / "naturalearth" / "ne_10m_populated_places_simple.json"
    for feature in read_json(path)["features"]:
        props = feature["properties"]
        point = (float(props["longitude"]), float(props["latitude"]))
        rank = (-(props.get("pop_max") or 0),)
        for key in (
            props.get("name"),
            props.get("nameascii"),
            props.get("namealt"),
            props.get("namepar"),
        ):
            for name in (key or "").split("|"):
                if name:
                    places.setdefault((props["adm0_a3"], _place_key(name)), []).append(
                        (rank, point)
                    )
    return {key: min(values)[1] for key, values in places.items()}


def city_keys(city):
    """Return match keys for a city as the sources write it.

    As is, without a parenthetical note, without a leading "Metro" or a trailing "City".

    Examples
    --------
    >>> city_keys("Davao City"), city_keys("Metro Manila")
    (['davaocity', 'davao'], ['metromanila', 'manila'])
    """
    bare = re.sub(r"\s*\(.*?\)\s*", " ", city).strip()
    keys = [city, bare, re.sub(r"^Metro\s+", "", bare), re.sub(r"\s+City$", "", bare)]
    return list(dict.fromkeys(_place_key(k) for k in keys))


def _aliases(sources):
    """{(iso3, city as the source writes it): Natural Earth name} (policy/place_aliases.csv)."""
    rows = read_csv(Path(sources) / "policy" / "place_aliases.csv")
    return {(row["iso3"], row["city"]): row["natural_earth_name"] for row in rows}


def build_safe_cities(sources):
    """Build ``safe_cities``: reported deployments placed at Natural Earth cities."""
    places = _places_by_country(sources)
    aliases = _aliases(sources)
    records, geometries, unmatched, used = [], [], [], {}
    for row in read_csv(Path(sources) / "policy" / "safe_cities.csv"):
        city = (row.get("city") or "").strip() or None
        code = row["iso3"]
        base = f"{code.lower()}-{slug(city)}" if city else f"{code.lower()}-country"
        used[base] = used.get(base, 0) + 1
        fid = base if used[base] == 1 else f"{base}-{used[base]}"
        point, located_by = None, None
        if row.get("lat") and row.get("lon"):
            point, located_by = (float(row["lon"]), float(row["lat"])), "source"
        elif city:
            keys = city_keys(aliases.get((code, city), city))
            point = next((places[(code, key)] for key in keys if (code, key) in places), None)
            located_by = "natural_earth_10m" if point else None
            if point is None:
                unmatched.append(f"{city} ({code})")
        records.append(
            {
                "id": fid,
                "city": city,
                "iso3": code,
                "country": row.get("country") or None,
                "year": int_or_none(row.get("year")),
                "date": row.get("date") or None,
                "vendor": row.get("vendor") or None,
                "project_type": row.get("project_type") or None,
                "status": row.get("status") or None,
                "list_source": split_ids(row.get("list_source")),
                "source_ids": split_ids(row.get("source_id")),
                "second_source_ids": split_ids(row.get("second_source_id")),
                "confidence": row.get("confidence") or None,
                "located_by": located_by,
            }
        )
        geometries.append(shapely.Point(point) if point else None)
    if unmatched:
        log.info(
            "safe_cities: %d cities not found in Natural Earth places, kept with a null "
            "geometry: %s",
            len(unmatched),
            ", ".join(unmatched),
        )
    return frame(records, geometries)
