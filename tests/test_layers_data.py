"""Every shipped layer: schema, provenance, coordinates, ids, geometry kind, and a fresh build."""

import json

import numpy as np
import pytest
import shapely

import dsrgeo
from dsrgeo import build, catalog, loading

LAYER_IDS = loading.names()
BUILT_IDS = [layer_id for layer_id in LAYER_IDS if layer_id in build.BUILDERS]
GEOMETRY_TYPES = {
    "line": {"LineString", "MultiLineString"},
    "point": {"Point"},
    "polygon": {"Polygon", "MultiPolygon"},
}


def test_every_catalog_layer_has_a_builder():
    assert set(LAYER_IDS) == set(build.BUILDERS)


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_provenance(layer_id):
    info = catalog.get(layer_id)
    assert info.title and info.licence and info.attribution and info.as_of
    assert info.sources
    for source in info.sources:
        assert {"title", "publisher", "url", "as_of"} <= set(source)
    frame = dsrgeo.load(layer_id)
    for key in ("title", "sources", "licence", "attribution", "as_of", "citation"):
        assert frame.attrs[key], key
    assert info.title in frame.attrs["citation"]


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_schema_and_geometry(layer_id):
    info = catalog.get(layer_id)
    frame = dsrgeo.load(layer_id)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*info.property_names, "geometry"]
    assert frame["id"].is_unique and frame["id"].notna().all()
    geoms = frame.geometry[frame.geometry.notna()]
    assert len(geoms) > 0
    assert set(geoms.geom_type) <= GEOMETRY_TYPES[info.kind]
    invalid = geoms[~geoms.is_valid]
    assert invalid.empty, f"{layer_id}: invalid geometry in rows {list(invalid.index)}"
    xy = shapely.get_coordinates(geoms.to_numpy())
    assert np.all((-180 <= xy[:, 0]) & (xy[:, 0] <= 180))
    assert np.all((-90 <= xy[:, 1]) & (xy[:, 1] <= 90))


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_file_is_rfc7946(layer_id):
    """Plain GeoJSON: no CRS member, lon/lat with at most 6 decimals, feature ids."""
    info = catalog.get(layer_id)
    data = json.loads(info.file.read_text(encoding="utf-8"))
    assert "crs" not in data
    text = info.file.read_text(encoding="utf-8")
    decimals = [len(m) for m in __import__("re").findall(r"\d\.(\d+)[,\]]", text)]
    assert max(decimals, default=0) <= 6
    assert all(f["id"] == f["properties"]["id"] for f in data["features"])


def test_polygons_follow_the_right_hand_rule():
    """RFC 7946: exterior rings counter-clockwise, holes clockwise."""
    for layer_id in ("bri_countries", "land"):
        for polygon in shapely.get_parts(dsrgeo.load(layer_id).geometry.to_numpy()):
            assert polygon.exterior.is_ccw
            assert not any(ring.is_ccw for ring in polygon.interiors)


def test_lines_are_split_at_the_antimeridian():
    """No drawn segment jumps across the map: every step is shorter than 180 degrees."""
    for layer_id in ("cables", "hmn_cables"):
        geoms = dsrgeo.load(layer_id).geometry.dropna()
        for part in shapely.get_parts(geoms.to_numpy()):
            lon = shapely.get_coordinates(part)[:, 0]
            assert np.all(np.abs(np.diff(lon)) < 180)


@pytest.mark.slow
@pytest.mark.parametrize("layer_id", BUILT_IDS)
def test_committed_file_equals_fresh_build(layer_id, tmp_path):
    written = build.build(tmp_path, [layer_id])
    fresh = written[layer_id].read_bytes()
    assert fresh == catalog.get(layer_id).file.read_bytes(), (
        f"layers/{layer_id}.geojson differs from a fresh build: run `python -m dsrgeo.build`"
    )
