"""Tests for ``dsrgeo gnss capitals``: summary, GeoJSON and CSV output, errors."""

import json

import pandas as pd
import pytest

from dsrgeo.cli import main

HOURLY = ["--step-s", "3600"]  # 24 epochs: quick, same code path as the layer's 1,440


def test_summary_table(capsys):
    assert main(["gnss", "capitals", *HOURLY]) == 0
    out = capsys.readouterr().out
    assert "Beijing" in out and "bds_minus_gps_max" in out
    # policy/capitals.csv: 195 seats of government, Taiwan and Kosovo, 12 alternates
    assert "of 209 capitals (197 countries); 2022-02-05 UTC, mask 10 deg, step 3600 s" in out


def test_geojson_output_matches_the_api(tmp_path, capsys):
    from dsrgeo.gnss import capitals_visibility

    path = tmp_path / "capitals.geojson"
    assert main(["gnss", "capitals", "--mask", "15", *HOURLY, "-o", str(path)]) == 0
    features = json.loads(path.read_text())["features"]
    expected = capitals_visibility(min_elevation_deg=15, step_s=3600).set_index("id")
    assert len(features) == 209
    beijing = next(f["properties"] for f in features if f["id"] == "chn-beijing")
    assert beijing["bds_max"] == expected.loc["chn-beijing", "bds_max"]
    assert beijing["bds_beats_gps"] is True
    assert f"wrote 209 capitals to {path}" in capsys.readouterr().out


def test_csv_output_has_coordinates(tmp_path):
    path = tmp_path / "capitals.csv"
    assert main(["gnss", "capitals", *HOURLY, "-o", str(path)]) == 0
    table = pd.read_csv(path)
    assert len(table) == 209
    assert {"lat", "lon", "bds_max", "gps_pdop_mean", "bds_beats_gps"} <= set(table.columns)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--date", "2022-13-01"], "date: expected a day YYYY-MM-DD, got '2022-13-01'"),
        (["--date", "9999-12-31"], "outside the years 1957-2100"),
        (["--step-s", "1e-9"], "step_s: expected a number"),
        (["-o", "out.txt"], "give a .geojson, .json or .csv"),
        (["-o", "/no/such/folder/out.csv"], "does not exist"),
        (["--mask", "100"], r"min_elevation_deg: expected a number in [-90, 90], got 100.0"),
    ],
)
def test_errors_exit_2_with_one_line(argv, words, capsys):
    assert main(["gnss", "capitals", *HOURLY, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dsrgeo gnss: error:") and words in err


def test_latest_without_refresh(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DSRGEO_DATA_DIR", str(tmp_path))
    assert main(["gnss", "capitals", "--tle", "latest"]) == 2
    assert "run `dsrgeo refresh tle`" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["capitals.csv", "capitals.geojson"])
def test_existing_output_survives_a_failed_run(tmp_path, disk_full_halfway, capsys, name):
    # the run succeeds; the disk "fills up" halfway through writing the new file
    path = tmp_path / name
    path.write_text("old, good content\n")
    started = disk_full_halfway
    assert main(["gnss", "capitals", *HOURLY, "-o", str(path)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert len(started) == 1 and started[0].parent == tmp_path  # a temp file beside it
    assert path.read_text() == "old, good content\n"
    assert [p.name for p in tmp_path.iterdir()] == [name]
