"""`dsrgeo map`: the default map, options, and errors that leave no partial or clobbered file."""

import os
import subprocess
import sys

import pytest

import dsrgeo
from dsrgeo.cli import main
from dsrgeo.maps import Map

GOOD = "<!-- a good map from before -->"


@pytest.fixture
def existing(tmp_path):
    path = tmp_path / "map.html"
    path.write_text(GOOD, encoding="utf-8")
    return path


def test_default_map(tmp_path, capsys):
    out = tmp_path / "dsr_map.html"
    assert main(["map", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    expected = [layer.layer_id for layer in Map.default().layers if layer.role == "overlay"]
    assert {"bri_countries", "cables", "hmn_cables", "landing_points", "safe_cities"} <= set(
        expected
    )
    for layer_id in expected:
        assert dsrgeo.catalog.get(layer_id).title.replace("&", "\\u0026") in page
    assert f"({len(expected)} layers" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == ["dsr_map.html"]


def test_layers_files_and_options(tmp_path, layer_named):
    points = tmp_path / "points.geojson"
    layer_named("Gwadar port").to_file(points, driver="GeoJSON")
    out = tmp_path / "m.html"
    assert (
        main(
            [
                "map",
                "hmn_cables",
                str(points),
                "-o",
                str(out),
                "--as-of",
                "2015",
                "--title",
                "HMN by 2015",
                "--slider",
            ]
        )
        == 0
    )
    page = out.read_text(encoding="utf-8")
    assert "Gwadar port" in page and "HMN by 2015" in page and "dsrgeo-slider" in page
    assert "PEACE Cable" not in page  # ready for service in 2022


@pytest.mark.parametrize(
    "argv, message",
    [
        (["cabels"], "no layer 'cabels'; available:"),
        (["cables", "--as-of", "1900"], "outside the years"),
        (["cables", "--tiles", "No Such Tiles"], "unknown tiles"),
    ],
)
def test_errors_keep_the_old_file(existing, capsys, argv, message):
    assert main(["map", *argv, "-o", str(existing)]) == 2
    assert message in capsys.readouterr().err
    assert existing.read_text(encoding="utf-8") == GOOD
    assert [p.name for p in existing.parent.iterdir()] == ["map.html"]


def test_malformed_geojson_file(existing, tmp_path, capsys):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feat', encoding="utf-8")
    assert main(["map", str(bad), "-o", str(existing)]) == 2
    assert "bad.geojson" in capsys.readouterr().err
    assert existing.read_text(encoding="utf-8") == GOOD


def test_unwritable_output(tmp_path, capsys):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    assert main(["map", "hmn_cables", "-o", str(not_a_folder / "map.html")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["map", "hmn_cables", "-o", str(tmp_path / "missing" / "map.html")]) == 2
    assert not (tmp_path / "missing").exists()


def test_identical_bytes_across_processes(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"map_{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dsrgeo",
                "map",
                "hmn_cables",
                "safe_cities",
                "--slider",
                "-o",
                str(out),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
