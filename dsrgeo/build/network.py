"""The network layers compiled from cited tables: ``chokepoints`` and ``cable_incidents``.

Inputs: ``network/chokepoints.csv`` and ``network/cable_incidents.csv`` (each row cites its
sources in ``network/SOURCES.md``), and, to check the incidents' cable ids and places, the
cable data in ``cables/``.

A chokepoint's polygon is derived, not sourced: the geodesic circle of radius
``half_width_km`` (half the narrowest width the cited source gives) around the cited centre
(:func:`dsrgeo.geodesy.geodesic_buffer`). An incident's point, where there is one, is the
TeleGeography landing point its sources name (the build checks it is one).
"""

from pathlib import Path

import shapely

from dsrgeo.build.common import frame, read_csv, read_json, split_ids
from dsrgeo.errors import InvalidLayerError
from dsrgeo.geodesy import geodesic_buffer

__all__ = ["POLYGON_METHOD", "build_cable_incidents", "build_chokepoints"]

#: ``polygon_method`` of a chokepoint whose polygon was derived from its centre and width.
POLYGON_METHOD = "geodesic_circle_of_half_width"
#: Largest difference, in degrees, at which an incident's point is a landing point's.
SAME_PLACE_DEG = 1e-4


def _number(text):
    text = (text or "").strip()
    return float(text) if text else None


def _text(text):
    text = (text or "").strip()
    return text or None


def build_chokepoints(sources):
    """Build ``chokepoints``: cited straits with a polygon derived from centre and width."""
    path = Path(sources) / "network" / "chokepoints.csv"
    records, geometries = [], []
    for row in read_csv(path):
        lon, lat, half_width_km = (
            _number(row["lon"]),
            _number(row["lat"]),
            _number(row["half_width_km"]),
        )
        polygon = None
        if lon is not None and lat is not None and half_width_km:
            polygon = geodesic_buffer(shapely.Point(lon, lat), radius_km=half_width_km)
        records.append(
            {
                "id": row["id"],
                "name": row["name"],
                "centre_lon": lon,
                "centre_lat": lat,
                "half_width_km": half_width_km,
                "length_km": _number(row["length_km"]),
                "polygon_method": POLYGON_METHOD if polygon is not None else None,
                "named_by": _text(row["named_by"]),
                "source_ids": split_ids(row["source_ids"]),
                "confidence": _text(row["confidence"]),
                "notes": _text(row["notes"]),
            }
        )
        geometries.append(polygon)
    return frame(records, geometries)


def _landing_points(sources):
    path = Path(sources) / "cables" / "landing-point-geo.json"
    return {
        f["properties"]["id"]: tuple(f["geometry"]["coordinates"][:2])
        for f in read_json(path)["features"]
    }


def build_cable_incidents(sources):
    """Build ``cable_incidents``: reported cable faults, with a point where the place is known.

    Raises
    ------
    InvalidLayerError
        If a row names a cable id that is not in the cable data.
    """
    path = Path(sources) / "network" / "cable_incidents.csv"
    cables_dir = Path(sources) / "cables" / "cable"
    landing = _landing_points(sources)
    records, geometries = [], []
    for row in read_csv(path):
        cable_ids = split_ids(row["cable_ids"])
        unknown = [c for c in cable_ids if not (cables_dir / f"{c}.json").is_file()]
        if unknown:
            raise InvalidLayerError(
                f"cable ids {unknown} are not in the cable data",
                path=path,
                feature=row["id"],
                field="cable_ids",
            )
        lon, lat = _number(row["lon"]), _number(row["lat"])
        point, landing_point_id, located_by = None, None, None
        if lon is not None and lat is not None:
            point = shapely.Point(lon, lat)
            landing_point_id = next(
                (
                    pid
                    for pid, (x, y) in sorted(landing.items())
                    if abs(x - lon) <= SAME_PLACE_DEG and abs(y - lat) <= SAME_PLACE_DEG
                ),
                None,
            )
            located_by = "landing_point" if landing_point_id else "source"
        records.append(
            {
                "id": row["id"],
                "date_start": row["date_start"],
                "date_end": _text(row["date_end"]),
                "place_name": row["place_name"],
                "area_note": _text(row["area_note"]),
                "cables_reported": split_ids(row["cables"]),
                "cable_ids": cable_ids,
                "cause": _text(row["cause"]),
                "countries_most_affected": split_ids(row["countries_most_affected"]),
                "reported_effect": _text(row["reported_effect"]),
                "source_ids": split_ids(row["source_ids"]),
                "second_source_id": _text(row["second_source_id"]),
                "confidence": _text(row["confidence"]),
                "notes": _text(row["notes"]),
                "located_by": located_by,
                "landing_point_id": landing_point_id,
            }
        )
        geometries.append(point)
    return frame(records, geometries)
