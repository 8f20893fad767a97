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


@pytest.fixture
def stand_in_beidou_layer(monkeypatch):
    """Make ``load("beidou_capitals")`` return made-up figures for three countries:
    PAK and FRA see more BeiDou than GPS satellites, USA fewer. Pakistan has a second,
    noted capital row that a per-country count must skip."""
    import geopandas
    import shapely

    frame = geopandas.GeoDataFrame(
        {"id": ["pak-islamabad", "fra-paris", "usa-washington", "pak-a-second-capital"],
         "iso3": ["PAK", "FRA", "USA", "PAK"],
         "name": ["Islamabad", "Paris", "Washington", "A Second Capital"],
         "capital_note": [None, None, None, "made-up second capital"],
         "bds_max": [30, 20, 12, 0], "gps_max": [12, 12, 13, 20],
         "bds_mean": [25.0, 14.0, 8.0, 0.0], "gps_mean": [9.0, 9.5, 10.0, 20.0],
         "bds_minus_gps_max": [18, 8, -1, -20],
         "bds_beats_gps": [True, True, False, False]},
        geometry=[shapely.Point(73.06, 33.72), shapely.Point(2.35, 48.86),
                  shapely.Point(-77.04, 38.9), shapely.Point(67.0, 24.86)], crs="EPSG:4326")
    frame.attrs.update(as_of="2022-02-05", min_elevation_deg=10.0)
    real_load = loader.load

    def load(layer_id, **kwargs):
        return frame.copy() if layer_id == "beidou_capitals" else real_load(layer_id, **kwargs)

    monkeypatch.setattr(loader, "load", load)
    return frame


@pytest.fixture
def layer_named():
    """Return a function making a three-point GeoDataFrame whose first feature has ``name``.

    Used to check that data strings are escaped on their way into a map.
    """
    import geopandas
    from shapely.geometry import Point

    def make(name, **columns):
        frame = geopandas.GeoDataFrame(
            {"id": ["a", "b", "c"], "name": [name, "Djibouti", "Gwadar"], **columns},
            geometry=[Point(43.15, 11.6), Point(43.14, 11.59), Point(62.33, 25.13)],
            crs="EPSG:4326",
        )
        frame.attrs["title"] = "Test points"
        return frame

    return make


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by playwright (session-wide).

    Skips with the reason when chromium or playwright is missing, except under CI (env var
    ``CI`` set), where a missing browser fails the run: CI must run the browser tests.
    """
    import os
    import shutil

    def unavailable(reason):
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)

    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def offline_page(browser):
    """A fresh page that refuses every request except file:// and data: URLs.

    The page records ``page.blocked`` (refused URLs) and ``page.errors`` (console errors and
    uncaught exceptions).
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.blocked = []
    page.errors = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:", "about:")):
            request_route.continue_()
        else:
            page.blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()
