"""Tests for dsrgeo.gnss.coverage_grid: the grid, local threads, a real distributed cluster."""

import datetime as dt
import importlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dsrgeo.errors import ParameterError, WorkTooLargeError
from dsrgeo.gnss import coverage_grid, engine, visibility
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
    counts = grid.drop(columns=["lat", "lon", "bds_minus_gps_max"])
    pd.testing.assert_frame_equal(counts, expected, check_exact=True)
    assert (grid.bds_minus_gps_max == grid.bds_max - grid.gps_max).all()


def test_streamed_windows_give_the_same_grid(monkeypatch):
    # 12 epochs in windows of 5, 5 and 2: the positions of all epochs are never held at once
    whole = coverage_grid(30, **SMALL, progress=False, pdop=True)
    monkeypatch.setattr(engine, "WINDOW_EPOCHS", 5)
    streamed = coverage_grid(30, **SMALL, progress=False, pdop=True)
    counts = [c for c in whole.columns if "pdop" not in c]
    pd.testing.assert_frame_equal(streamed[counts], whole[counts], check_exact=True)
    pd.testing.assert_frame_equal(streamed, whole, check_exact=False, rtol=1e-12)


def test_a_job_over_the_budget_is_refused_up_front():
    # 0.02 deg: 81 million points x 134 satellites x 288 epochs (issue 11 item 11)
    day = {"start": START, "end": START + dt.timedelta(days=1)}
    with pytest.raises(
        WorkTooLargeError, match=r"work_budget_s: the 0.02 degree grid .* about"
    ) as err:
        coverage_grid(0.02, **day, progress=False)
    assert err.value.estimate_s > err.value.budget_s == 600
    with pytest.raises(WorkTooLargeError, match=r"over the work budget of 0\.1 s"):
        coverage_grid(0.5, **day, progress=False, work_budget_s=0.1)
    with pytest.raises(ParameterError, match="work_budget_s"):
        coverage_grid(30, **SMALL, progress=False, work_budget_s=0)


def test_local_threads_show_a_progress_bar(capsys):
    grid = coverage_grid(30, **SMALL)
    assert grid.columns[:2].tolist() == ["lat", "lon"]
    shown = capsys.readouterr().err  # tqdm, on standard error
    assert "coverage_grid: 100%" in shown and "1/1" in shown  # 7 rows of 12: one band


def test_local_threads_do_not_import_dask():
    # a fresh interpreter: importing dask would cost every user's first grid 0.1-0.2 s
    code = (
        "import datetime as dt, sys\n"
        "from dsrgeo.gnss import coverage_grid\n"
        "start = dt.datetime(2022, 2, 5, tzinfo=dt.timezone.utc)\n"
        "coverage_grid(30, start=start, end=start + dt.timedelta(hours=1))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_pdop_columns_on_request():
    grid = coverage_grid(45, **SMALL, pdop=True, progress=False)
    assert "gps_pdop_mean" in grid.columns
    assert grid["gps_pdop_mean"].between(1.0, 10.0).all()


@pytest.mark.slow
def test_distributed_cluster_gives_identical_results(monkeypatch):
    import distributed  # a hard dependency; imported here, as only this test needs it

    monkeypatch.setattr(grid_module, "_POINTS_PER_TASK", 128)  # 19 rows of 36 -> 7 tasks
    monkeypatch.setattr(engine, "WINDOW_EPOCHS", 5)  # 3 windows: 3 scatters, 3 rounds of tasks
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
