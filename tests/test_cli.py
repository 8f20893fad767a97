"""The dsrgeo command: layers, build, --version, and clear errors."""

import subprocess
import sys

import pytest

import dsrgeo
from dsrgeo.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"dsrgeo {dsrgeo.__version__}"


def test_layers_prints_the_table(capsys):
    assert main(["layers"]) == 0
    out = capsys.readouterr().out
    for layer_id in dsrgeo.loading.names():
        assert layer_id in out
    assert "CC BY-NC-SA 3.0" in out


def test_layers_csv_is_written_atomically(tmp_path, capsys):
    target = tmp_path / "layers.csv"
    assert main(["layers", "--csv", str(target)]) == 0
    assert target.read_text().startswith("id,title,kind,features,licence,as_of")
    assert main(["layers", "--csv", str(tmp_path / "missing" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_build_into_a_folder(tmp_path, capsys):
    assert main(["build", "land", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "land.geojson").read_bytes() == (
        dsrgeo.catalog.get("land").file.read_bytes()
    )


def test_unknown_layer_in_build_exits_2(tmp_path, capsys):
    assert main(["build", "nope", "--out", str(tmp_path)]) == 2
    assert "no layer 'nope'" in capsys.readouterr().err


def test_entry_point_runs():
    result = subprocess.run(
        [sys.executable, "-m", "dsrgeo", "layers"], capture_output=True, text=True, check=True
    )
    assert "bri_countries" in result.stdout
