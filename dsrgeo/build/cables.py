"""The cable layers: ``cables``, ``landing_points`` and ``hmn_cables``.

Inputs: a folder laid out like ``layers/sources/cables/`` (TeleGeography's data as
republished by the Open Undersea Cable Map: ``cable-geo.json``, ``landing-point-geo.json``,
``cable/<id>.json``), the territory tables (:mod:`dsrgeo.build.places`), the HMN project list
``policy/hmn_projects.csv`` and the status of every HMN system, ``policy/hmn_status.csv``. ``dsrgeo refresh cables`` runs the same builders on
a downloaded folder, so every raw record is checked against the one cable-record schema
(:func:`check_cable_record`) before it is used.
"""

import functools
import json
import re
from pathlib import Path

import numpy as np
import shapely

from dsrgeo import catalog
from dsrgeo.build.common import (
    cached_per_build,
    frame,
    int_or_none,
    log,
    read_csv,
    read_json,
    split_ids,
    split_list,
)
from dsrgeo.build.places import landing_point_overrides, sovereign_of, territories
from dsrgeo.errors import InvalidLayerError
from dsrgeo.geodesy import geodesic_length_km, split_antimeridian
from dsrgeo.text import slug

__all__ = [
    "HMN_STATUSES",
    "build_cables",
    "build_hmn_cables",
    "build_landing_points",
    "check_cable_record",
    "hmn_statuses",
    "parse_length_km",
]

#: The schema every raw cable record (``cable/<id>.json``) must satisfy, shipped beside the
#: catalog: the build and ``dsrgeo refresh cables`` check records against it.
CABLE_RECORD_SCHEMA = "cable_record.schema.json"


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


@functools.cache
def _record_validator():
    import jsonschema

    schema = json.loads((catalog.shipped_dir() / CABLE_RECORD_SCHEMA).read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def check_cable_record(record, *, source):
    """Check one raw TeleGeography cable record against the cable-record schema.

    Parameters
    ----------
    record : object
        The parsed ``cable/<id>.json``.
    source : str
        Its path or URL, named in the error.

    Raises
    ------
    InvalidLayerError
        Naming the source and the field that is wrong.

    Examples
    --------
    >>> check_cable_record({"id": "x", "name": "X", "landing_points": "x"}, source="x.json")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.InvalidLayerError: file x.json, field 'landing_points': 'x' is not of type 'array', 'null'
    """
    import jsonschema

    error = jsonschema.exceptions.best_match(_record_validator().iter_errors(record))
    if error is not None:
        field = "/".join(str(p) for p in error.absolute_path) or None
        raise InvalidLayerError(error.message, path=source, field=field)


#: What HMN did for a system (``policy/hmn_status.csv``), in the order legends show them.
HMN_STATUSES = ("supplied", "upgrade", "awarded", "withdrawn", "dropped", "disputed")


@cached_per_build
def hmn_statuses(sources):
    """Return {cable id or project name: status row} from ``policy/hmn_status.csv``."""
    path = Path(sources) / "policy" / "hmn_status.csv"
    table = {}
    for row in read_csv(path):
        if row["hmn_status"] not in HMN_STATUSES:
            raise InvalidLayerError(
                f"hmn_status {row['hmn_status']!r} is not one of {HMN_STATUSES}",
                path=path,
                feature=row["key"],
                field="hmn_status",
            )
        table[row["key"]] = row
    return table


def _point_territory(sources, point_id, country):
    """(iso3, sovereign_iso3, disputed, recoded_from) of one landing point."""
    override = landing_point_overrides(sources).get(point_id)
    if override is not None:
        iso3 = override[0]
        sovereign, disputed = sovereign_of(sources, iso3)
        return iso3, sovereign, disputed, country
    territory = territories(sources).get(country)
    if territory is None:
        return None, None, False, None
    return territory.iso3, territory.sovereign_iso3, territory.disputed, None


@cached_per_build
def _checked_record(path):
    """Read a ``cable/<id>.json`` record and check it against the schema, once per build.

    ``cables`` (and ``hmn_cables`` through it) and ``landing_points`` read the same records.
    """
    record = read_json(path)
    check_cable_record(record, source=str(path))
    return record


@cached_per_build
def _cable_records(cables_dir, sources):
    """Merge the cable geometries by id and join the per-cable metadata files."""
    cables_dir = Path(cables_dir)
    geo = read_json(cables_dir / "cable-geo.json")["features"]
    lines = {}
    for feature in geo:
        cable_id = feature["properties"]["id"]
        parts = shapely.geometry.shape(feature["geometry"])
        lines.setdefault(cable_id, []).extend(shapely.get_parts(parts).tolist())
    statuses = hmn_statuses(sources)
    records, geometries, unplaced = [], [], set()
    for cable_id in sorted(lines):
        meta_path = cables_dir / "cable" / f"{cable_id}.json"
        meta = _checked_record(meta_path) if meta_path.is_file() else {}
        if not meta:
            check_cable_record({"id": cable_id}, source=str(meta_path))
        landing = meta.get("landing_points") or []
        countries, sovereigns = set(), set()
        for point in landing:
            code, sovereign, _, _ = _point_territory(sources, point["id"], point["country"])
            if code is None:
                unplaced.add(point["country"])
                continue
            countries.add(code)
            if sovereign:
                sovereigns.add(sovereign)
        suppliers = split_list(meta.get("suppliers"))
        status = statuses.get(cable_id)
        records.append(
            {
                "id": cable_id,
                "name": meta.get("name") or cable_id,
                "stated_length_km": parse_length_km(meta.get("length")),
                "rfs_year": meta.get("rfs_year"),
                "is_planned": meta.get("is_planned"),
                "owners": split_list(meta.get("owners")),
                "suppliers": suppliers,
                "is_hmn": catalog.is_hmn_supplier(suppliers),
                "hmn_status": status["hmn_status"] if status else None,
                "landing_point_ids": sorted(p["id"] for p in landing),
                "countries": sorted(countries),
                "sovereign_countries": sorted(sovereigns),
                "url": meta.get("url") or None,
            }
        )
        geometries.append(_fix_line(shapely.MultiLineString(lines[cable_id])))
    if unplaced:
        log.warning("cables: landing countries with no ISO3 code: %s", sorted(unplaced))
    return records, geometries


def _fix_line(geom):
    """Split a line at the antimeridian; keep MultiLineString."""
    (fixed,) = split_antimeridian([geom])
    if fixed.geom_type == "LineString":
        fixed = shapely.MultiLineString([fixed])
    return fixed


def build_cables(sources, cables_dir=None):
    """Build the ``cables`` layer from the cable map GeoJSON and per-cable files.

    Parameters
    ----------
    sources : pathlib.Path
        The inputs folder (``layers/sources``).
    cables_dir : pathlib.Path, optional
        The cable data (default: ``sources / "cables"``; a refreshed snapshot's folder).

    Returns
    -------
    geopandas.GeoDataFrame
    """
    records, geometries = _cable_records(str(cables_dir or Path(sources) / "cables"), str(sources))
    cables = frame(records, geometries)
    cables["drawn_length_km"] = np.round(geodesic_length_km(cables), 1)
    return cables


def build_landing_points(sources, cables_dir=None):
    """Build the ``landing_points`` layer: points, their territory and state, the cables."""
    cables_dir = Path(cables_dir or Path(sources) / "cables")
    places, cables_at = {}, {}
    for meta_path in sorted((cables_dir / "cable").glob("*.json")):
        if meta_path.name == "all.json":
            continue
        meta = _checked_record(meta_path)
        for point in meta.get("landing_points") or []:
            places[point["id"]] = _point_territory(sources, point["id"], point["country"])
            cables_at.setdefault(point["id"], set()).add(meta["id"])
    records, geometries = [], []
    for feature in read_json(cables_dir / "landing-point-geo.json")["features"]:
        props = feature["properties"]
        iso3, sovereign, disputed, recoded_from = places.get(props["id"], (None,) * 3 + (None,))
        records.append(
            {
                "id": props["id"],
                "name": props["name"],
                "iso3": iso3,
                "sovereign_iso3": sovereign,
                "disputed": bool(disputed),
                "recoded_from": recoded_from,
                "cable_ids": sorted(cables_at.get(props["id"], ())),
            }
        )
        geometries.append(shapely.geometry.shape(feature["geometry"]))
    return frame(records, geometries)


def build_hmn_cables(sources, cables_dir=None):
    """Build ``hmn_cables``: HMN-supplied cables plus listed projects that match no cable."""
    cables = build_cables(sources, cables_dir)
    matches = catalog.hmn_project_matches()
    projects = read_csv(Path(sources) / "policy" / "hmn_projects.csv")
    unknown = sorted({p["name"] for p in projects} - set(matches))
    if unknown:
        raise InvalidLayerError(
            "hmn_projects.csv rows with no entry in the catalog's hmn_project_matches "
            f"table: {unknown}",
            path=Path(sources) / "policy" / "hmn_projects.csv",
        )
    by_cable = {matches[p["name"]]: p for p in projects if matches[p["name"]]}
    statuses = hmn_statuses(sources)
    records, geometries = [], []
    for row, geom in zip(cables.drop(columns="geometry").to_dict("records"), cables.geometry):
        project = by_cable.get(row["id"])
        if not row["is_hmn"] and project is None:
            continue
        if not row["is_hmn"]:
            log.info(
                "hmn_cables: project %r matches cable %r, whose suppliers do not name HMN; "
                "kept from the project list",
                project["name"],
                row["id"],
            )
        row.update(_project_fields(project, "both" if row["is_hmn"] else "project_list"))
        keys = (row["id"], project["name"] if project else None)
        row.update(
            _status_fields(statuses, next((k for k in keys if k in statuses), keys[0]), sources)
        )
        row["is_hmn"] = True
        records.append(row)
        geometries.append(geom)
    for project in projects:
        if matches[project["name"]]:
            continue
        countries = split_ids(project.get("countries"))
        status = _status_fields(statuses, project["name"], sources)
        records.append(
            {
                "id": f"hmn-project-{slug(project['name'])}",
                "name": project["name"],
                "stated_length_km": None,
                "rfs_year": None,
                "is_planned": None,
                "owners": [],
                "suppliers": [],
                "is_hmn": True,
                "landing_point_ids": [],
                "countries": sorted(countries),
                "sovereign_countries": sorted(
                    {sovereign_of(sources, code)[0] or code for code in countries}
                ),
                "url": None,
                **_project_fields(project, "project_list"),
                **status,
            }
        )
        geometries.append(None)
    return frame(records, geometries)


def _status_fields(statuses, key, sources):
    """The hmn_status columns of one feature (every HMN feature must have a status row)."""
    row = statuses.get(key)
    if row is None:
        raise InvalidLayerError(
            f"no row for {key!r} in policy/hmn_status.csv: every HMN system needs a status",
            path=Path(sources) / "policy" / "hmn_status.csv",
            feature=key,
        )
    confidence = row["confidence"].split(";")[0].strip()
    distinct = row["distinct_system"].strip().lower() == "true"
    return {
        "hmn_status": row["hmn_status"],
        "hmn_built": row["hmn_status"] == "supplied" and distinct,
        "distinct_system": distinct,
        "duplicate_of": row["duplicate_of"] or None,
        "status_source_ids": split_ids(row["status_source_ids"]),
        "second_source_ids": split_ids(row["second_source_id"]),
        "confidence": confidence,
        "status_note": row["notes"] or None,
    }


def _project_fields(project, origin):
    if project is None:
        return {
            "origin": "cable_map",
            "project_name": None,
            "project_year": None,
            "project_type": None,
            "source_ids": [],
        }
    return {
        "origin": origin,
        "project_name": project["name"],
        "project_year": int_or_none(project["year"]),
        "project_type": project["type"] or None,
        "source_ids": split_ids(project["source_id"]),
    }
