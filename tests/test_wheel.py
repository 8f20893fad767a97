"""The built wheel: what it ships, how big it is, and that it works away from the checkout.

The wheel is installed with ``pip install --target`` into a temporary folder and run with the
same interpreter as the tests (its dependencies are the tests' own), from another folder, with
that folder first on ``PYTHONPATH``. Nothing depends on how the tests' Python was set up (a
virtual environment or not).
"""

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile

import pytest

#: The installed package may take at most this much disk (docs/architecture.md).
MAX_INSTALLED_BYTES = 10_000_000  # "at most 10 MB", bytecode included

CHECK = textwrap.dedent("""
    import importlib, json, pathlib, pkgutil, sys
    import dsrgeo
    from dsrgeo import catalog
    target = pathlib.Path(sys.argv[1]).resolve()
    assert target in pathlib.Path(dsrgeo.__file__).resolve().parents, dsrgeo.__file__
    assert target in catalog.shipped_dir().resolve().parents, catalog.shipped_dir()
    assert catalog.checkout_dir() is None
    counts = {layer_id: len(dsrgeo.load(layer_id)) for layer_id in catalog.layer_ids()}
    assert len(dsrgeo.claims()) == 6 and len(dsrgeo.indicators()) > 200  # shipped tables
    assert len(dsrgeo.gnss.capitals_visibility(step_s=6 * 3600, pdop=False)) == counts["beidou_capitals"]
    for info in pkgutil.walk_packages(dsrgeo.__path__, "dsrgeo."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    assert callable(dsrgeo.layers), type(dsrgeo.layers)  # no module shadows the function
    table = dsrgeo.layers()
    print(json.dumps({"counts": counts, "features": dict(zip(table.id, table.features))}))
""")


@pytest.fixture(scope="module")
def installed(repo_root, tmp_path_factory):
    """(wheel path, folder the wheel was installed into)."""
    tmp = tmp_path_factory.mktemp("wheel")
    # build from a clean copy: setuptools reuses a checkout's build/ folder, whose files may
    # be left over from older installs
    source = tmp / "source"
    skip_anywhere = shutil.ignore_patterns(".git", "*.egg-info", "__pycache__", ".pytest_cache")

    def skip(folder, names):
        top = {"build", "dist"} if os.path.samefile(folder, repo_root) else set()
        return set(skip_anywhere(folder, names)) | (top & set(names))

    shutil.copytree(repo_root, source, ignore=skip)
    wheels = tmp / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
         "--no-build-isolation", "-q", "-w", str(wheels)],
        check=True, cwd=tmp,
    )  # fmt: skip
    (wheel,) = wheels.glob("dsrgeo-*.whl")
    target = tmp / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True, cwd=tmp,
    )  # fmt: skip
    return wheel, target


def _run(target, *args, code=None):
    elsewhere = target.parent / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(target)}
    command = [sys.executable, "-c", code, str(target)] if code else [sys.executable, *args]
    return subprocess.run(command, cwd=elsewhere, capture_output=True, text=True, env=env)


@pytest.mark.slow
def test_wheel_loads_every_layer_away_from_the_checkout(installed):
    import json

    import dsrgeo

    _, target = installed
    result = _run(target, code=CHECK)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["counts"] == {
        layer_id: len(dsrgeo.load(layer_id)) for layer_id in loaded["counts"]
    }
    assert loaded["features"] == loaded["counts"]


@pytest.mark.slow
def test_installed_package_is_at_most_10_mb_and_ships_no_raw_inputs(installed):
    wheel, target = installed
    package = target / "dsrgeo"
    size = sum(p.stat().st_size for p in package.rglob("*") if p.is_file())
    assert size <= MAX_INSTALLED_BYTES, f"{size / 1e6:.1f} MB installed"
    names = zipfile.ZipFile(wheel).namelist()
    assert "dsrgeo/data/catalog.json" in names and "dsrgeo/data/cables.geojson" in names
    assert not any("naturalearth" in n or "/sources/cables/" in n for n in names)
    assert "dsrgeo/data/sources/policy/hmn_projects.csv" in names  # refresh rebuilds with it
    assert any(n.startswith("dsrgeo/data/sources/gnss/2022-02-04/") for n in names)
    assert not any(n.startswith("dsrgeo/layers/") for n in names)


@pytest.mark.slow
def test_build_refuses_to_write_into_the_installed_package(installed):
    _, target = installed
    before = {p: p.stat().st_mtime_ns for p in (target / "dsrgeo").rglob("*") if p.is_file()}
    result = _run(target, "-m", "dsrgeo", "build", "land")
    assert result.returncode == 2
    assert "never writes into an installed package" in result.stderr
    into = _run(target, "-m", "dsrgeo", "build", "land", "--out", str(target / "dsrgeo" / "data"))
    assert into.returncode == 2 and "inside the dsrgeo package" in into.stderr
    after = {p: p.stat().st_mtime_ns for p in (target / "dsrgeo").rglob("*") if p.is_file()}
    assert after == before
