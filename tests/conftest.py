"""Shared pytest fixtures: paths to the shipped layers, and helpers to make bad layer files."""

import json
from pathlib import Path

import pytest

import dsrgeo
from dsrgeo import catalog, geojson

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
        path.write_text(
            json.dumps({"type": "FeatureCollection", "features": features, **extra}),
            encoding="utf-8",
        )
        return path

    return write


@pytest.fixture
def random_points():
    """Return a function making ``n`` random named points with a ``value`` column (seeded)."""
    import geopandas
    import numpy as np

    def make(n, seed):
        rng = np.random.default_rng(seed)
        return geopandas.GeoDataFrame(
            {"name": [f"Site {i:06d}" for i in range(n)], "value": rng.normal(50, 15, n).round(1)},
            geometry=geopandas.points_from_xy(rng.uniform(-180, 180, n), rng.uniform(-60, 75, n)),
            crs="EPSG:4326",
        )

    return make


@pytest.fixture
def three_cables():
    """The hand-made three-cable fixture (tests/data/README.md), checked against the
    ``cables`` schema, as a GeoDataFrame with list-valued properties."""
    import geopandas

    features = geojson.read_layer_file(DATA / "three_cables.geojson", catalog.get("cables"))
    return geopandas.GeoDataFrame.from_features(features, crs="EPSG:4326")


@pytest.fixture
def disk_full_halfway(monkeypatch):
    """Make every atomic write fail inside the write: half the bytes reach the file, then the
    disk "fills up" (ENOSPC). Returns the list of files the failing writes went to."""
    import errno
    import os

    from dsrgeo import fileio

    started = []

    def half_then_full(fd, chunk):
        os.write(fd, bytes(chunk[: max(1, len(chunk) // 2)]))
        started.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio, "_write_chunk", half_then_full)
    return started


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
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The page function a browser test waits for: every map on the page has drawn its layers
#: (tests import it: ``from conftest import ALL_DRAWN``)
ALL_DRAWN = (
    "() => window.dsrgeo && Object.keys(dsrgeo.maps).length > 0 && "
    "Object.values(dsrgeo.maps).every(m => m.drawnMs)"
)


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
            headless=True,
            args=CHROMIUM_ARGS,
        )
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
