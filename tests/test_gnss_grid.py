"""Tests for dsrgeo.gnss.coverage_grid: the grid, local threads, a real distributed cluster."""

import datetime as dt
import importlib

import numpy as np
import pandas as pd
import pytest

from dsrgeo.errors import ParameterError
from dsrgeo.gnss import coverage_grid, visibility
from dsrgeo.gnss.grid import grid_points

grid_module = importlib.import_module("dsrgeo.gnss.grid")

UTC = dt.UTC
START = dt.datetime(2022, 2, 5, tzinfo=UTC)
SMALL = {"start": START, "end": START + dt.timedelta(hours=2), "step_s": 600}


def test_grid_sizes():
    # 1 deg: 181 latitudes (both poles) x 360 longitudes = 65,160 points
    assert len(grid_points(1.0)[0]) == 65_160
    assert len(grid_points(2.0)[0]) == 91 * 180
    assert len(grid_points(0.5)[0]) == 361 * 720


@pytest.mark.parametrize("bad", [0, -1, 91, float("nan"), "1"])
def test_bad_resolution(bad):
    with pytest.raises(ParameterError, match="resolution_deg"):
        coverage_grid(bad, **SMALL, progress=False)


def test_grid_equals_visibility_at_the_same_points():
    grid = coverage_grid(20, **SMALL, progress=False)
    sites = grid[["lat", "lon"]]
    expected = visibility(sites, **SMALL, pdop=False)
    pd.testing.assert_frame_equal(grid.drop(columns=["lat", "lon"]), expected, check_exact=True)


def test_local_threads_show_a_progress_bar(capsys):
    grid = coverage_grid(30, **SMALL)
    assert grid.columns[:2].tolist() == ["lat", "lon"]
    assert "100% Completed" in capsys.readouterr().out


def test_pdop_columns_on_request():
    grid = coverage_grid(45, **SMALL, pdop=True, progress=False)
    assert "gps_pdop_mean" in grid.columns
    assert grid["gps_pdop_mean"].between(1.0, 10.0).all()


@pytest.mark.slow
def test_distributed_cluster_gives_identical_results(monkeypatch):
    import distributed  # a hard dependency; imported here, as only this test needs it

    monkeypatch.setattr(grid_module, "_POINTS_PER_TASK", 128)  # 684 points -> 6 tasks
    # a real cluster: two worker processes (run from this file, not stdin; see DESIGN.md)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        on_cluster = coverage_grid(10, **SMALL, client=client)
    on_threads = coverage_grid(10, **SMALL, progress=False)
    pd.testing.assert_frame_equal(on_cluster, on_threads, check_exact=True)
    assert len(on_cluster) == len(grid_points(10)[0])
    assert np.isfinite(on_cluster.to_numpy()).all()
