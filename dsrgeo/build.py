"""Rebuild every layer's GeoJSON from the raw inputs in ``layers/sources/``, deterministically.

Run ``python -m dsrgeo.build`` (or ``dsrgeo build``) in a source checkout. The same sources
always give byte-identical files: features are sorted by id, properties follow the catalog
schema, coordinates are rounded to 6 decimals, and JSON is written with fixed separators.
"""

import contextlib
import csv
import functools
import json
import re
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from dsrgeo import catalog
from dsrgeo.errors import LayerNotFoundError
from dsrgeo.fileio import atomic_write
from dsrgeo.loader import layers_dir, sources_dir

__all__ = ["BUILDERS", "build", "write_geojson", "geojson_text", "parse_length_km",
           "country_codes", "main"]

COORD_DECIMALS = 6


# -- writing ----------------------------------------------------------------------------

def _round_geometry(geom, decimals=COORD_DECIMALS):
    """Round coordinates to ``decimals``. Polygons are snapped with GEOS so they stay valid
    (plain rounding makes rings touch: Natural Earth's USA at 6 decimals) and wound as
    RFC 7946 asks (exterior rings counter-clockwise)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        snapped = shapely.set_precision(geom, 10.0**-decimals)
        rounded = shapely.orient_polygons(snapped, exterior_cw=False)
    else:
        rounded = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    return shapely.geometry.mapping(rounded)


def _plain(value):
    """Turn numpy / pandas scalars into JSON-ready Python values (None, NaN, NA -> None)."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def geojson_text(gdf, property_names=None):
    """Return RFC 7946 GeoJSON text for a GeoDataFrame, one feature per line.

    Features are sorted by their ``id`` property; properties follow ``property_names``
    (default: the frame's non-geometry columns); coordinates are rounded to 6 decimals.

    Examples
    --------
    >>> import geopandas, shapely
    >>> gdf = geopandas.GeoDataFrame({"id": ["b", "a"]},
    ...     geometry=[shapely.Point(1.23456789, 2), shapely.Point(0, 0)], crs=4326)
    >>> print(geojson_text(gdf))
    {"type":"FeatureCollection","features":[
    {"type":"Feature","id":"a","properties":{"id":"a"},"geometry":{"type":"Point","coordinates":[0.0,0.0]}},
    {"type":"Feature","id":"b","properties":{"id":"b"},"geometry":{"type":"Point","coordinates":[1.234568,2.0]}}
    ]}
    <BLANKLINE>
    """
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    names = list(property_names or [c for c in gdf.columns if c != gdf.geometry.name])
    order = np.argsort(gdf["id"].astype(str).to_numpy(), kind="stable")
    lines = []
    columns = {name: gdf[name].tolist() for name in names}
    geoms = gdf.geometry.tolist()
    for i in order:
        props = {name: _plain(columns[name][i]) for name in names}
        feature = {"type": "Feature", "id": props["id"], "properties": props,
                   "geometry": _round_geometry(geoms[i])}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":"),
                                allow_nan=False))
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n")


def write_geojson(gdf, path, property_names=None):
    """Write a GeoDataFrame as deterministic GeoJSON, atomically (temp file, then rename).

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Must have an ``id`` column; reprojected to EPSG:4326 if needed.
    path : str or os.PathLike
        Destination file.
    property_names : list of str, optional
        Properties to write, in order (default: all non-geometry columns).

    Returns
    -------
    pathlib.Path
    """
    return atomic_write(path, geojson_text(gdf, property_names))


# -- shared parsing helpers -------------------------------------------------------------

@contextlib.contextmanager
def _source_cache():
    """Within the block, parsed sources are shared between builders; cleared at its end
    (the files may change before the next build)."""
    try:
        yield
    finally:
        _read_json.cache_clear()
        _cable_records.cache_clear()


@functools.cache
def _read_json(path):
    """Parse a source JSON file (read-only result; see :func:`_source_cache`)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _read_csv(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _int_or_none(text):
    text = (text or "").strip()
    return int(text) if text else None


def _split_ids(text):
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def slug(text):
    """Return a lower-case ASCII slug of ``text``.

    Examples
    --------
    >>> slug("São Tomé, Príncipe")
    'sao-tome-principe'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def parse_length_km(text):
    """Parse a stated cable length such as ``"21,500 km"`` into kilometres.

    Returns None when no length is given (``None``, ``""``, ``"n.a."``).

    Examples
    --------
    >>> parse_length_km("21,500 km")
    21500.0
    >>> parse_length_km("1,234.5 km")
    1234.5
    >>> parse_length_km(None) is None
    True
    """
    if not text:
        return None
    match = re.search(r"(\d[\d,]*(?:\.\d+)?)\s*km", text)
    return float(match.group(1).replace(",", "")) if match else None


def _split_list(text):
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _gdf(records, geometries):
    import geopandas

    return geopandas.GeoDataFrame(records, geometry=list(geometries), crs="EPSG:4326")


def _ne_countries(sources, scale="50m"):
    return _read_json(sources / "naturalearth" / f"ne_{scale}_admin_0_countries.json")["features"]


def country_codes(properties):
    """Return the checked country code of a Natural Earth admin-0 feature.

    Natural Earth leaves ``ISO_A3`` as ``"-99"`` for France, Norway, Kosovo and a few
    disputed areas; there ``ADM0_A3`` (France ``FRA``, Norway ``NOR``, Kosovo ``KOS``) is used.

    Examples
    --------
    >>> country_codes({"ISO_A3": "-99", "ADM0_A3": "FRA"})
    'FRA'
    >>> country_codes({"ISO_A3": "ITA", "ADM0_A3": "ITA"})
    'ITA'
    """
    code = properties.get("ISO_A3")
    if not code or code == "-99":
        code = properties["ADM0_A3"]
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"Natural Earth feature {properties.get('ADMIN')!r} has no usable "
                         f"country code (ISO_A3 {properties.get('ISO_A3')!r})")
    return code


def _country_name_table(sources):
    """Country name (any Natural Earth spelling, plus the catalog's extras) -> ISO3."""
    table = {}
    for feature in _ne_countries(sources):
        props = feature["properties"]
        code = country_codes(props)
        for key in ("NAME", "NAME_LONG", "ADMIN", "GEOUNIT", "SUBUNIT", "FORMAL_EN",
                    "NAME_ALT", "BRK_NAME", "NAME_SORT", "NAME_CIAWF"):
            if props.get(key):
                table.setdefault(props[key], code)
    table.update(catalog.country_name_iso3())
    return table


# -- cables -----------------------------------------------------------------------------

@functools.cache
def _cable_records(sources):
    """Merge the cable geometries by id and join the per-cable metadata files.

    ``cables`` and ``hmn_cables`` share the result within one build (:func:`_source_cache`).
    """
    cable_dir = sources / "cables" / "cable"
    geo = _read_json(sources / "cables" / "cable-geo.json")["features"]
    lines = {}
    for feature in geo:
        cable_id = feature["properties"]["id"]
        parts = shapely.geometry.shape(feature["geometry"])
        lines.setdefault(cable_id, []).extend(shapely.get_parts(parts).tolist())
    names = _country_name_table(sources)
    records, geometries, unplaced = [], [], set()
    for cable_id in sorted(lines):
        meta_path = cable_dir / f"{cable_id}.json"
        meta = _read_json(meta_path) if meta_path.is_file() else {}
        landing = meta.get("landing_points") or []
        countries = set()
        for point in landing:
            code = names.get(point["country"])
            if code is None:
                unplaced.add(point["country"])
            else:
                countries.add(code)
        suppliers = _split_list(meta.get("suppliers"))
        records.append({
            "id": cable_id,
            "name": meta.get("name") or cable_id,
            "stated_length_km": parse_length_km(meta.get("length")),
            "rfs_year": meta.get("rfs_year"),
            "is_planned": meta.get("is_planned"),
            "owners": _split_list(meta.get("owners")),
            "suppliers": suppliers,
            "is_hmn": catalog.is_hmn_supplier(suppliers),
            "landing_point_ids": sorted(p["id"] for p in landing),
            "countries": sorted(countries),
            "url": meta.get("url") or None,
        })
        geometries.append(_fix_line(shapely.MultiLineString(lines[cable_id])))
    if unplaced:
        print(f"cables: landing countries with no ISO3 code: {sorted(unplaced)}",
              file=sys.stderr)
    return records, geometries


def _fix_line(geom):
    """Split a line at the antimeridian (:func:`dsrgeo.geodesy.split_antimeridian`); keep
    MultiLineString."""
    from dsrgeo.geodesy import split_antimeridian

    (fixed,) = split_antimeridian([geom])
    if fixed.geom_type == "LineString":
        fixed = shapely.MultiLineString([fixed])
    return fixed


def build_cables(sources):
    """Build the ``cables`` layer from the cable map GeoJSON and per-cable files."""
    from dsrgeo.geodesy import geodesic_length_km

    records, geometries = _cable_records(sources)
    cables = _gdf(records, geometries)
    cables["drawn_length_km"] = np.round(geodesic_length_km(cables), 1)
    return cables


def build_landing_points(sources):
    """Build the ``landing_points`` layer: points, country ISO3 and the cables landing."""
    names = _country_name_table(sources)
    countries, cables_at = {}, {}
    for meta_path in sorted((sources / "cables" / "cable").glob("*.json")):
        if meta_path.name == "all.json":
            continue
        meta = _read_json(meta_path)
        for point in meta.get("landing_points") or []:
            countries[point["id"]] = names.get(point["country"])
            cables_at.setdefault(point["id"], set()).add(meta["id"])
    records, geometries = [], []
    for feature in _read_json(sources / "cables" / "landing-point-geo.json")["features"]:
        props = feature["properties"]
        records.append({
            "id": props["id"],
            "name": props["name"],
            "iso3": countries.get(props["id"]),
            "cable_ids": sorted(cables_at.get(props["id"], ())),
        })
        geometries.append(shapely.geometry.shape(feature["geometry"]))
    return _gdf(records, geometries)


def build_hmn_cables(sources):
    """Build ``hmn_cables``: HMN-supplied cables plus listed projects that match no cable."""
    cables = build_cables(sources)
    matches = catalog.hmn_project_matches()
    projects = _read_csv(sources / "policy" / "hmn_projects.csv")
    unknown = sorted({p["name"] for p in projects} - set(matches))
    if unknown:
        raise ValueError(f"hmn_projects.csv rows with no entry in the catalog's "
                         f"hmn_project_matches table: {unknown}")
    by_cable = {matches[p["name"]]: p for p in projects if matches[p["name"]]}
    records, geometries = [], []
    for row, geom in zip(cables.drop(columns="geometry").to_dict("records"), cables.geometry):
        project = by_cable.get(row["id"])
        if not row["is_hmn"] and project is None:
            continue
        if not row["is_hmn"]:
            print(f"hmn_cables: project {project['name']!r} matches cable {row['id']!r}, "
                  "whose suppliers do not name HMN; kept from the project list",
                  file=sys.stderr)
        row.update(_project_fields(project, "both" if row["is_hmn"] else "project_list"))
        row["is_hmn"] = True
        records.append(row)
        geometries.append(geom)
    for project in projects:
        if matches[project["name"]]:
            continue
        countries = _split_ids(project.get("countries"))
        records.append({
            "id": f"hmn-project-{slug(project['name'])}", "name": project["name"],
            "stated_length_km": None, "rfs_year": None, "is_planned": None, "owners": [],
            "suppliers": [], "is_hmn": True, "landing_point_ids": [],
            "countries": sorted(countries), "url": None,
            **_project_fields(project, "project_list"),
        })
        geometries.append(None)
    return _gdf(records, geometries)


def _project_fields(project, origin):
    if project is None:
        return {"origin": "cable_map", "project_name": None, "project_year": None,
                "project_type": None, "source_ids": []}
    return {"origin": origin, "project_name": project["name"],
            "project_year": _int_or_none(project["year"]),
            "project_type": project["type"] or None,
            "source_ids": _split_ids(project["source_id"])}


# -- BRI countries ------------------------------------------------------------------------

# Policy rows that cannot land on a Natural Earth 1:50m polygon, with the reason.
UNPLACED_POLICY_ROWS = {}


def _first_year_by_country(rows):
    years, sources = {}, {}
    for row in rows:
        year = _int_or_none(row.get("year"))
        code = row["iso3"]
        sources.setdefault(code, []).extend(_split_ids(row["source_id"]))
        if year is not None and (code not in years or year < years[code]):
            years[code] = year
        years.setdefault(code, None)
    return years, sources


def build_bri_countries(sources):
    """Build ``bri_countries``: every Natural Earth 1:50m country with its BRI status."""
    policy = sources / "policy"
    bri = {row["iso3"]: row for row in _read_csv(policy / "bri_countries.csv")}
    dsr_years, dsr_sources = _first_year_by_country(_read_csv(policy / "dsr_agreements.csv"))
    std_years, std_sources = _first_year_by_country(
        _read_csv(policy / "standards_agreements.csv"))
    records, geometries = [], []
    for feature in _ne_countries(sources):
        props = feature["properties"]
        code = country_codes(props)
        row = bri.get(code)
        exit_date = (row or {}).get("exit_date") or None
        status = "none" if row is None else ("exited" if exit_date else "member")
        source_ids = []
        for ids in ((_split_ids(row["source_id"]) if row else []),
                    dsr_sources.get(code, []), std_sources.get(code, [])):
            source_ids.extend(i for i in ids if i not in source_ids)
        records.append({
            "id": code, "iso3": code, "name": props["NAME"], "bri_status": status,
            "mou_date": (row or {}).get("mou_date") or None,
            "bri_year": _int_or_none((row or {}).get("year_joined")),
            "exit_date": exit_date,
            "dsr_agreement_year": dsr_years.get(code),
            "standards_agreement_year": std_years.get(code),
            "source_ids": source_ids,
        })
        geometries.append(shapely.geometry.shape(feature["geometry"]))
    return _gdf(records, geometries)


def policy_rows_unplaced(sources=None):
    """Return policy rows whose ISO3 code matches no Natural Earth 1:50m polygon.

    Returns
    -------
    list of tuple
        ``(file name, iso3, reason)``; the reason comes from :data:`UNPLACED_POLICY_ROWS`
        or says that none is recorded.
    """
    sources = Path(sources or sources_dir())
    with _source_cache():
        codes = {country_codes(f["properties"]) for f in _ne_countries(sources)}
    missing = []
    for name in ("bri_countries.csv", "dsr_agreements.csv", "standards_agreements.csv",
                 "safe_cities.csv"):
        for row in _read_csv(sources / "policy" / name):
            if row["iso3"] not in codes:
                reason = UNPLACED_POLICY_ROWS.get(row["iso3"], "no reason recorded")
                missing.append((name, row["iso3"], reason))
    return missing


# -- Safe Cities --------------------------------------------------------------------------

def _place_key(text):
    return slug(text or "").replace("-", "")


def _places_by_country(sources):
    places = {}
    data = _read_json(sources / "naturalearth" / "ne_10m_populated_places_simple.json")
    for feature in data["features"]:
        props = feature["properties"]
        point = (float(props["longitude"]), float(props["latitude"]))
        rank = (-(props.get("pop_max") or 0),)
        for key in (props.get("name"), props.get("nameascii"), props.get("namealt"),
                    props.get("namepar")):
            for name in (key or "").split("|"):
                if name:
                    places.setdefault((props["adm0_a3"], _place_key(name)), []).append(
                        (rank, point))
    return {key: min(values)[1] for key, values in places.items()}


def _city_keys(city):
    """Match keys for a city as the sources write it: as is, without a parenthetical note,
    without a leading "Metro" or a trailing "City" (e.g. "Davao City" -> "Davao")."""
    bare = re.sub(r"\s*\(.*?\)\s*", " ", city).strip()
    keys = [city, bare, re.sub(r"^Metro\s+", "", bare), re.sub(r"\s+City$", "", bare)]
    return list(dict.fromkeys(_place_key(k) for k in keys))


def build_safe_cities(sources):
    """Build ``safe_cities``: reported deployments placed at Natural Earth cities."""
    places = _places_by_country(sources)
    records, geometries, unmatched, used = [], [], [], {}
    for row in _read_csv(sources / "policy" / "safe_cities.csv"):
        city = (row.get("city") or "").strip() or None
        code = row["iso3"]
        if city:
            base = f"{code.lower()}-{slug(city)}"
        else:
            base = f"{code.lower()}-country"
        used[base] = used.get(base, 0) + 1
        fid = base if used[base] == 1 else f"{base}-{used[base]}"
        point, located_by = None, None
        if row.get("lat") and row.get("lon"):
            point, located_by = (float(row["lon"]), float(row["lat"])), "source"
        elif city:
            point = next((places[(code, key)] for key in _city_keys(city)
                          if (code, key) in places), None)
            located_by = "natural_earth_10m" if point else None
            if point is None:
                unmatched.append(f"{city} ({code})")
        records.append({
            "id": fid, "city": city, "iso3": code, "country": row.get("country") or None,
            "year": _int_or_none(row.get("year")), "vendor": row.get("vendor") or None,
            "project_type": row.get("project_type") or None,
            "status": row.get("status") or None,
            "source_ids": _split_ids(row.get("source_id")), "located_by": located_by,
        })
        geometries.append(shapely.Point(point) if point else None)
    if unmatched:
        print(f"safe_cities: {len(unmatched)} cities not found in Natural Earth places, "
              f"kept with a null geometry: {', '.join(unmatched)}", file=sys.stderr)
    return _gdf(records, geometries)


# -- land ---------------------------------------------------------------------------------

def build_land(sources):
    """Build ``land``: Natural Earth 1:110m country polygons, the offline basemap."""
    records, geometries = [], []
    for feature in _ne_countries(sources, "110m"):
        props = feature["properties"]
        records.append({"id": country_codes(props), "name": props["NAME"]})
        geometries.append(shapely.geometry.shape(feature["geometry"]))
    return _gdf(records, geometries)


def build_beidou_capitals(sources):
    """Build ``beidou_capitals``: visible GNSS satellites per capital (see dsrgeo.gnss.capitals)."""
    from dsrgeo.gnss.capitals import build_beidou_capitals as build_layer

    return build_layer(sources)


BUILDERS = {
    "cables": build_cables,
    "landing_points": build_landing_points,
    "hmn_cables": build_hmn_cables,
    "bri_countries": build_bri_countries,
    "safe_cities": build_safe_cities,
    "land": build_land,
    "beidou_capitals": build_beidou_capitals,
}


def build(out_dir=None, layer_ids=None, sources=None):
    """Rebuild layers from ``layers/sources`` and write them as GeoJSON.

    Parameters
    ----------
    out_dir : str or os.PathLike, optional
        Where to write ``<id>.geojson`` (default: the shipped ``layers/`` folder).
    layer_ids : list of str, optional
        Which layers (default: every layer with a builder).
    sources : str or os.PathLike, optional
        The raw inputs (default: :func:`dsrgeo.loader.sources_dir`).

    Returns
    -------
    dict
        Layer id -> path written.
    """
    out = Path(out_dir) if out_dir is not None else layers_dir()
    out.mkdir(parents=True, exist_ok=True)
    src = Path(sources) if sources is not None else sources_dir()
    written = {}
    with _source_cache():
        for layer_id in layer_ids or list(BUILDERS):
            if layer_id not in BUILDERS:
                raise LayerNotFoundError(layer_id, BUILDERS)
            info = catalog.get(layer_id)
            gdf = BUILDERS[layer_id](src)
            missing = [n for n in info.property_names if n not in gdf.columns]
            if missing:
                raise ValueError(f"builder for {layer_id!r} did not produce {missing}")
            for field in info.schema:
                if field["type"] == "integer":
                    gdf[field["name"]] = gdf[field["name"]].astype("Int64")
            written[layer_id] = write_geojson(gdf, out / info.file.name, info.property_names)
    return written


def main(argv=None):
    """``python -m dsrgeo.build [--out DIR] [LAYER ...]``: the same as ``dsrgeo build``."""
    from dsrgeo.cli import main as cli_main

    return cli_main(["build", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
