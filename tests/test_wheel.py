"""The built wheel carries the layers: install it into a clean venv and load every layer."""

import subprocess
import sys
import textwrap
import venv

import pytest

CHECK = textwrap.dedent("""
    import pathlib, sys
    import dsrgeo
    from dsrgeo import loader
    venv = pathlib.Path(sys.prefix).resolve()
    assert venv in pathlib.Path(dsrgeo.__file__).resolve().parents, dsrgeo.__file__
    assert venv in loader.layers_dir().resolve().parents, loader.layers_dir()
    for layer_id in loader.names():
        frame = dsrgeo.load(layer_id)
        assert len(frame) > 0, layer_id
        print(layer_id, len(frame))
""")


@pytest.mark.slow
def test_wheel_installs_and_loads_every_layer(repo_root, tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(repo_root), "--no-deps",
         "--no-build-isolation", "-q", "-w", str(wheels)],
        check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("dsrgeo-*.whl")
    env_dir = tmp_path / "venv"
    # The venv sees the already installed dependencies (geopandas...) but gets its own dsrgeo.
    venv.create(env_dir, system_site_packages=True, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed",
                    str(wheel)],
                   check=True, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run([str(python), "-c", CHECK], cwd=elsewhere, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    loaded = dict(line.split() for line in result.stdout.splitlines())
    assert int(loaded["cables"]) >= 500
