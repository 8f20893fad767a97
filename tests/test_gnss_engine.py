"""The engine's numerics and memory (dsrgeo.gnss.engine): float32, the pre-test, streaming.

The float64 reference here is the plain geometry, ``sin(elevation) = (p - r) . u / |p - r|``
in float64 for every site, satellite and epoch, from the same SGP4 positions: it shares no
algebra with the engine's float32 ``a |a| >= s |s| |d|^2`` test.
"""

import datetime as dt
import threading
import tracemalloc

import numpy as np
import pandas as pd
import pytest

import dsrgeo
from dsrgeo.errors import ParameterError, StaleElementsWarning, WorkTooLargeError
from dsrgeo.gnss import coverage_grid, engine, frames, visibility
from dsrgeo.gnss.elements import CORE_SYSTEMS, load_satellites
from dsrgeo.gnss.grid import grid_points
from dsrgeo.gnss.inputs import epoch_times

UTC = dt.UTC
DAY = dt.datetime(2022, 2, 5, tzinfo=UTC)
MASK_DEG = 10.0
# Where float32 and float64 may disagree: a satellite within ~1e-6 deg of the mask at an
# epoch. Allowed: at most 2 satellite-epochs per site and system over the window, i.e. the
# daily mean off by at most 2 / n_epochs. Measured: over the capitals, one satellite-epoch
# of one site and system (of 808 x 1,440); over the 2 degree grid, none.
MEAN_TOL_SATELLITE_EPOCHS = 2


def _float64_counts(sats, times, lat, lon, mask_deg):
    """(site, system, epoch) visible counts from float64 geometry, 64 sites at a time."""
    sat_km = engine.propagate_ecef_km(sats, times)  # (3, sat, epoch)
    site_km, up = frames.site_ecef_km(lat, lon)
    systems = np.array([CORE_SYSTEMS.index(s) for s in sats.system])
    out = np.zeros((len(lat), len(CORE_SYSTEMS), len(times)), np.int64)
    for i0 in range(0, len(lat), 64):
        d = sat_km[:, None] - site_km[i0 : i0 + 64].T[:, :, None, None]  # (3, site, sat, epoch)
        sin_el = np.einsum("inst,ni->nst", d, up[i0 : i0 + 64]) / np.sqrt((d * d).sum(axis=0))
        visible = sin_el >= np.sin(np.radians(mask_deg))
        for j in range(len(CORE_SYSTEMS)):
            out[i0 : i0 + 64, j] = visible[:, systems == j].sum(axis=1)
    return out


def _compare_with_float64(table, counts):
    n_epochs = counts.shape[2]
    worst = 0.0
    for j, system in enumerate(CORE_SYSTEMS):
        assert table[f"{system}_max"].to_numpy().tolist() == counts[:, j].max(axis=1).tolist()
        assert table[f"{system}_min"].to_numpy().tolist() == counts[:, j].min(axis=1).tolist()
        gap = np.abs(table[f"{system}_mean"].to_numpy() - counts[:, j].mean(axis=1))
        assert gap.max() <= MEAN_TOL_SATELLITE_EPOCHS / n_epochs + 1e-12, system
        worst = max(worst, float(gap.max()) * n_epochs)
    return worst


@pytest.mark.slow
def test_float32_changes_no_count_over_the_capitals():
    sats = load_satellites()
    capitals = dsrgeo.load("beidou_capitals")
    end = DAY + dt.timedelta(days=1)
    table = visibility(capitals, start=DAY, end=end, step_s=60, tles=sats, pdop=False)
    counts = _float64_counts(
        sats, epoch_times(DAY, end, 60), capitals.geometry.y, capitals.geometry.x, MASK_DEG
    )
    _compare_with_float64(table, counts)


@pytest.mark.slow
def test_float32_changes_no_count_over_a_2_degree_grid():
    sats = load_satellites()
    end = DAY + dt.timedelta(days=1)
    grid = coverage_grid(2, start=DAY, end=end, step_s=1800, tles=sats, progress=False)
    lat, lon = grid_points(2)
    counts = _float64_counts(sats, epoch_times(DAY, end, 1800), lat, lon, MASK_DEG)
    _compare_with_float64(grid, counts)


@pytest.mark.parametrize("mask_deg", [-5.0, 0.0, 10.0, 60.0])
def test_horizon_pretest_drops_no_visible_satellite(monkeypatch, mask_deg):
    window = {"start": DAY, "end": DAY + dt.timedelta(hours=6), "step_s": 600}
    options = {"min_elevation_deg": mask_deg, "progress": False, "pdop": True}
    with_pretest = coverage_grid(5, **window, **options)
    monkeypatch.setattr(engine, "_PRETEST", False)
    without = coverage_grid(5, **window, **options)
    counts = [c for c in without.columns if "pdop" not in c]
    pd.testing.assert_frame_equal(with_pretest[counts], without[counts], check_exact=True)
    pd.testing.assert_frame_equal(with_pretest, without, check_exact=False, rtol=1e-12)


def test_reach_is_the_spherical_horizon_plus_the_ellipsoid_bounds():
    # a GPS orbit (26,560 km) at a 10 degree mask: arccos(R cos 10 / r) - 10 on a sphere
    # of radius R, here with R = b and r = 26,560 + 21.4 km, plus arcsin(21.4 / 26,560)
    r_km = np.array([26_560.0])
    expected_deg = (
        np.degrees(np.arccos(6356.752314245 * np.cos(np.radians(10)) / (26_560 + 21.4)))
        - 10
        + np.degrees(np.arcsin(21.4 / 26_560))
    )
    got_deg = np.degrees(engine._reach_rad(r_km, 10.0))[0]
    assert got_deg == pytest.approx(expected_deg + np.degrees(1e-4), abs=1e-9)
    assert 66.0 < got_deg < 67.0
    assert engine._reach_rad(np.array([6000.0]), 10.0)[0] == np.pi  # below the surface: no test


def _peak_traced_mib(func):
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_for_a_longer_window():
    sites = pd.DataFrame({"lat": [39.9, -33.9, 64.1, 0.0], "lon": [116.4, 18.4, -21.9, 0.0]})

    def run(days):
        end = DAY + dt.timedelta(days=days)
        return lambda: visibility(sites, start=DAY, end=end, step_s=60, pdop=True)

    run(1)()  # this thread's workspace is made here, once
    one_day, four_days = _peak_traced_mib(run(1)), _peak_traced_mib(run(4))
    # four windows of 1,440 epochs, one at a time: the same peak (a 4-day array would add
    # 4 x 134 x 1440 x 3 x 8 bytes = 18 MiB of positions alone)
    assert four_days < one_day + 2.0, (one_day, four_days)


def test_memory_per_site_does_not_grow_with_threads(monkeypatch):
    # with one task per span of epochs over all the sites, each span in flight (two per
    # thread) held a per-site accumulator beside the result's; chunks of sites hold a few
    # chunks' worth, whatever the number of sites
    rng = np.random.default_rng(3)
    window = {"start": DAY, "end": DAY + dt.timedelta(hours=2), "step_s": 300, "pdop": False}

    def per_site_bytes(threads):
        monkeypatch.setattr(engine, "engine_threads", lambda: threads)
        visibility(pd.DataFrame({"lat": [0.0, 1.0], "lon": [0.0, 1.0]}), **window)  # workspaces
        peaks = []
        for n in (20_000, 80_000):
            sites = pd.DataFrame({"lat": rng.uniform(-80, 80, n), "lon": rng.uniform(-180, 180, n)})
            peaks.append(_peak_traced_mib(lambda s=sites: visibility(s, **window)) * 2**20)
        return (peaks[1] - peaks[0]) / 60_000

    accumulator_per_site = engine.Accumulator(1, False).max.nbytes * 3  # max, min, sum: 96
    one, four = per_site_bytes(1), per_site_bytes(4)
    # measured here: 280-420 bytes a site on 1 or 4 threads (the result, its reordered copy,
    # the sites' tiles); a task per span added 6 more accumulators going from 1 to 4 threads
    assert four < one + accumulator_per_site, (one, four)


def test_workspace_is_allocated_once_per_thread(monkeypatch):
    # the work runs on a pool thread: record the workspace it uses (one thread, so that it
    # meets every shape in the first call; a buffer grows only for a larger view than before)
    monkeypatch.setattr(engine, "engine_threads", lambda: 1)
    used = {}
    real = engine.workspace

    def recording():
        space = real()
        used[threading.get_ident()] = space
        return space

    monkeypatch.setattr(engine, "workspace", recording)
    window = {"start": DAY, "end": DAY + dt.timedelta(hours=3), "step_s": 300, "pdop": True}
    sites = pd.DataFrame({"lat": np.linspace(-80, 80, 300), "lon": np.linspace(-179, 179, 300)})
    visibility(sites, **window)
    first = {ident: (space.nbytes, dict(space._buffers)) for ident, space in used.items()}
    assert len(first) == 1 and all(size > 0 for size, _ in first.values())
    visibility(sites.iloc[:150], **window)
    visibility(sites, **window)
    for ident, space in used.items():
        size, buffers = first[ident]  # no thread the first call did not use
        assert space.nbytes == size
        assert all(space._buffers[k] is v for k, v in buffers.items())


def test_ten_years_at_one_second_are_refused_before_any_work():
    # (a year at 1 s for one site is about 7 min, within the default budget, since the engine
    # propagates one epoch in ten minutes and interpolates the rest)
    site = pd.DataFrame({"lat": [39.9], "lon": [116.4]})
    decade = {"start": DAY, "end": DAY + dt.timedelta(days=3650), "step_s": 1}
    with (
        pytest.warns(StaleElementsWarning),  # years away from the 2022-02-04 elements
        pytest.raises(WorkTooLargeError, match=r"315,360,000 epochs: about \d+ min") as err,
    ):
        visibility(site, **decade, pdop=False)
    assert err.value.estimate_s > 600


def test_the_budget_is_a_choice_of_the_caller():
    site = pd.DataFrame({"lat": [39.9], "lon": [116.4]})
    hour = {"start": DAY, "end": DAY + dt.timedelta(hours=1), "pdop": False}
    with pytest.raises(WorkTooLargeError, match="over the work budget of 0.0 s"):
        visibility(site, **hour, work_budget_s=1e-6)
    assert len(visibility(site, **hour, work_budget_s=None)) == 1
    for bad in (0, -1.0, float("nan"), True, "600"):
        with pytest.raises(ParameterError, match="work_budget_s"):
            visibility(site, **hour, work_budget_s=bad)
