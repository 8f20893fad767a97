"""The point layers compiled from policy tables: ``safe_cities`` and ``cloud_regions``.

``policy/safe_cities.csv`` merges the public lists (CSIS 2019, Carnegie's AI Global
Surveillance Index 2019 at country level, news and official sources), one row per
deployment with its status (deployed, agreed, proposed, cancelled), date and the lists that
name it. ``policy/cloud_regions.csv`` lists the public cloud regions of Alibaba Cloud, Huawei
Cloud and Tencent Cloud from the providers' own region lists. Cities are placed at Natural
Earth 1:10m populated places (the sources give no coordinates); a row whose city is not
found, a region the provider names only by a state or area, and every country-level row keep
a null geometry, reported in the build log.
"""

import re
from pathlib import Path

import shapely

from dsrgeo.build.common import frame, int_or_none, log, read_csv, read_json, split_ids
from dsrgeo.errors import InvalidLayerError
from dsrgeo.text import slug

__all__ = ["build_cloud_regions", "build_safe_cities", "city_keys"]


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


def _locate(places, aliases, code, city, unmatched):
    """Return (point or None, located_by) of a city named by a source in country ``code``."""
    if not city:
        return None, None
    keys = city_keys(aliases.get((code, city), city))
    point = next((places[(code, key)] for key in keys if (code, key) in places), None)
    if point is None:
        unmatched.append(f"{city} ({code})")
        return None, None
    return point, "natural_earth_10m"


def _log_unmatched(layer_id, unmatched):
    if unmatched:
        log.info(
            "%s: %d cities not found in Natural Earth places, kept with a null geometry: %s",
            layer_id,
            len(unmatched),
            ", ".join(unmatched),
        )


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
        else:
            point, located_by = _locate(places, aliases, code, city, unmatched)
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
    _log_unmatched("safe_cities", unmatched)
    return frame(records, geometries)


#: The providers of ``cloud_regions`` and their names.
CLOUD_PROVIDERS = {"alibaba": "Alibaba Cloud", "huawei": "Huawei Cloud", "tencent": "Tencent Cloud"}


def build_cloud_regions(sources):
    """Build ``cloud_regions``: the providers' regions placed at Natural Earth cities.

    The id is ``<provider>-<region code>`` (``<provider>-<slug of the region name>-announced``
    for an announced region without a code).
    """
    places = _places_by_country(sources)
    aliases = _aliases(sources)
    path = Path(sources) / "policy" / "cloud_regions.csv"
    records, geometries, unmatched, seen = [], [], [], set()
    for row in read_csv(path):
        provider = row["provider"]
        if provider not in CLOUD_PROVIDERS:
            raise InvalidLayerError(
                f"unknown provider {provider!r}; expected one of {sorted(CLOUD_PROVIDERS)}",
                path=path,
                field="provider",
            )
        code = row["region_code"] or None
        if code is None and row["status"] != "announced":
            raise InvalidLayerError(
                "a region code is needed unless the region is only announced",
                path=path,
                feature=row["region_name"],
                field="region_code",
            )
        fid = f"{provider}-{code or slug(row['region_name']) + '-announced'}"
        if fid in seen:
            raise InvalidLayerError("repeated region", path=path, feature=fid, field="region_code")
        seen.add(fid)
        iso3 = row["iso3"] or None
        city = row["city"] or None
        point, located_by = _locate(places, aliases, iso3, city, unmatched)
        records.append(
            {
                "id": fid,
                "provider": provider,
                "provider_name": CLOUD_PROVIDERS[provider],
                "region_code": code,
                "region_name": row["region_name"] or None,
                "city": city,
                "city_note": row["city_note"] or None,
                "iso3": iso3,
                "opening_year": int_or_none(row["opening_year"]),
                "status": row["status"],
                "source_ids": split_ids(row["source_ids"]),
                "second_source_ids": split_ids(row["second_source_id"]),
                "confidence": row["confidence"] or None,
                "note": row["notes"] or None,
                "located_by": located_by,
            }
        )
        geometries.append(shapely.Point(point) if point else None)
    _log_unmatched("cloud_regions", unmatched)
    return frame(records, geometries)
