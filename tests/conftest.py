"""Shared pytest fixtures: paths to the shipped layers, and helpers to make bad layer files."""

import json
from pathlib import Path

import pytest

import dsrgeo
from dsrgeo import loader

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def repo_root():
    """The source checkout's root folder."""
    return REPO


@pytest.fixture(scope="session")
def test_data():
    """The folder of small test fixtures (``tests/data``)."""
    return DATA


@pytest.fixture(scope="session")
def shipped_layers():
    """The folder holding the shipped layer files and catalog."""
    return loader.layers_dir()


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["dsrgeo"] = dsrgeo


@pytest.fixture
def write_geojson_file(tmp_path):
    """Return a function writing a FeatureCollection of the given features to a file."""

    def write(features, name="layer.geojson", **extra):
        path = tmp_path / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": features,
                                    **extra}), encoding="utf-8")
        return path

    return write


@pytest.fixture
def three_cables():
    """The hand-made three-cable fixture (tests/data/README.md), checked against the
    ``cables`` schema, as a GeoDataFrame with list-valued properties."""
    import geopandas

    from dsrgeo import catalog

    features = loader.read_layer_file(DATA / "three_cables.geojson", catalog.get("cables"))
    return geopandas.GeoDataFrame.from_features(features, crs="EPSG:4326")
