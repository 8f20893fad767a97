"""Positions at nodes, interpolated (dsrgeo.gnss.propagation), against SGP4 at every epoch.

The reference is SGP4 itself (``SatrecArray.sgp4`` at each epoch, :func:`propagate_ecef_km`);
the tolerance is set by what the positions feed: the visibility test rounds them to float32,
about 2 m at GNSS distances, so an interpolation within 1 mm changes nothing it can see.
"""

import datetime as dt
import tracemalloc

import numpy as np
import pandas as pd
import pytest

from dsrgeo.errors import ElementSetError
from dsrgeo.gnss import capitals_visibility, coverage_grid, propagation, read_tles
from dsrgeo.gnss.elements import EXAMPLE_TLE, load_satellites

FIRST = np.datetime64("2022-02-05T00:00", "us")
MINUTE = np.timedelta64(60, "s")
# Interpolated against propagated positions: measured 0.84 mm at most (the two Galileo
# satellites left in eccentric orbits, GSAT0201/0202), under 0.09 mm for every other one
INTERPOLATION_TOL_KM = 1e-6
# PDOP from interpolated positions, against propagated ones, in float64 (measured: 1e-11 at
# most on the 4 degree grid below); the capitals layer rounds PDOP to 0.01
PDOP_RTOL = 1e-9
# The most memory one window of 1,440 epochs of the 134 satellites may take while propagated
WINDOW_PEAK_BYTES = 32 * 2**20
# ISS (ZARYA) of 2008-09-20, the example of CelesTrak's "NORAD Two-Line Element Set Format"
# (https://celestrak.org/NORAD/documentation/tle-fmt.php): 15.7 revolutions a day, far too
# fast for 10-minute nodes
ISS_TLE = """\
ISS (ZARYA)
1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927
2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537
"""
ISS_FIRST = np.datetime64("2008-09-20T12:00", "us")


class CountingSatrecs:
    """A SatrecArray that records how many epochs each SGP4 call asked for (and may fail)."""

    def __init__(self, satrecs, fail_calls=()):
        self.satrecs, self.fail_calls, self.calls = satrecs, fail_calls, []

    def sgp4(self, jd, fr):
        self.calls.append(len(jd))
        error, r, v = self.satrecs.sgp4(jd, fr)
        if len(self.calls) in self.fail_calls:
            error = error.copy()
            error[0, -1] = 6  # "satellite has decayed", at the call's last epoch
        return error, r, v


@pytest.fixture(scope="module")
def shipped():
    return load_satellites()


def test_interpolated_positions_match_sgp4_at_every_epoch(shipped):
    satrecs = CountingSatrecs(shipped.satrecs())
    fast = propagation.window_ecef_km(shipped, satrecs, FIRST, MINUTE, 1440)
    exact = propagation.propagate_ecef_km(shipped, FIRST + np.arange(1440) * MINUTE)
    assert fast.shape == exact.shape == (3, len(shipped), 1440)
    assert np.linalg.norm(fast - exact, axis=0).max() <= INTERPOLATION_TOL_KM
    # 144 intervals of 10 minutes, 9 stencil nodes more; then the check epochs
    assert satrecs.calls == [153, 18]


@pytest.mark.parametrize(
    ("count", "step"),
    [(7, MINUTE), (61, MINUTE), (600, MINUTE), (1439, MINUTE), (1440, np.timedelta64(1, "ms"))],
)
def test_any_window_length_is_interpolated_or_propagated_correctly(shipped, count, step):
    satrecs = shipped.satrecs()
    tracemalloc.start()
    fast = propagation.window_ecef_km(shipped, satrecs, FIRST, step, count)
    peak_bytes = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # bounded by the window, however short the step (measured: 12 MiB at 1,440 epochs; SGP4 at
    # every epoch, 16 MiB); 10-minute nodes 1 ms apart once made a 2 GB array here
    assert peak_bytes < WINDOW_PEAK_BYTES
    exact = propagation.propagate_ecef_km(shipped, FIRST + np.arange(count) * step)
    assert fast.shape == exact.shape
    assert np.abs(fast - exact).max() <= INTERPOLATION_TOL_KM


def test_steps_too_coarse_for_nodes_are_propagated_at_every_epoch(shipped):
    satrecs = CountingSatrecs(shipped.satrecs())
    step = np.timedelta64(300, "s")  # 2 epochs per 10-minute node: not worth it
    fast = propagation.window_ecef_km(shipped, satrecs, FIRST, step, 288)
    assert satrecs.calls == [288]
    exact = propagation.propagate_ecef_km(shipped, FIRST + np.arange(288) * step)
    assert np.array_equal(fast, exact)


def test_fast_orbits_are_propagated_at_every_epoch():
    assert not propagation.interpolable(read_tles(ISS_TLE + EXAMPLE_TLE))
    assert propagation.interpolable(read_tles(EXAMPLE_TLE))
    iss = read_tles(ISS_TLE)
    satrecs = CountingSatrecs(iss.satrecs())
    fast = propagation.window_ecef_km(iss, satrecs, ISS_FIRST, MINUTE, 1440)
    assert satrecs.calls == [1440]
    exact = propagation.propagate_ecef_km(iss, ISS_FIRST + np.arange(1440) * MINUTE)
    assert np.array_equal(fast, exact)


def test_a_failed_check_falls_back_to_every_epoch(shipped, monkeypatch):
    monkeypatch.setattr(propagation, "CHECK_TOLERANCE_KM", 0.0)
    satrecs = CountingSatrecs(shipped.satrecs())
    fast = propagation.window_ecef_km(shipped, satrecs, FIRST, MINUTE, 1440)
    assert satrecs.calls == [153, 18, 1440]
    exact = propagation.propagate_ecef_km(shipped, FIRST + np.arange(1440) * MINUTE)
    assert np.array_equal(fast, exact)


def test_an_sgp4_error_at_a_node_is_reported_from_every_epoch(shipped):
    # an error past the window's end only: the window itself is fine and propagated in full
    satrecs = CountingSatrecs(shipped.satrecs(), fail_calls={1})
    fast = propagation.window_ecef_km(shipped, satrecs, FIRST, MINUTE, 1440)
    assert satrecs.calls == [153, 1440]
    exact = propagation.propagate_ecef_km(shipped, FIRST + np.arange(1440) * MINUTE)
    assert np.array_equal(fast, exact)
    # an error inside the window too: reported as SGP4 at every epoch reports it
    satrecs = CountingSatrecs(shipped.satrecs(), fail_calls={1, 2})
    with pytest.raises(ElementSetError, match=r"SGP4 error 6 .* at 2022-02-05T23:59:00 UTC"):
        propagation.window_ecef_km(shipped, satrecs, FIRST, MINUTE, 1440)


def test_lagrange_weights_reproduce_polynomials_of_the_stencil_degree():
    weights = propagation.lagrange_weights(10, 10)
    nodes = np.arange(10) - 4.0
    x = np.arange(10) / 10
    for degree in range(10):
        values = nodes**degree @ weights
        np.testing.assert_allclose(values, x**degree, rtol=0, atol=1e-9)
    np.testing.assert_allclose(weights.sum(axis=0), 1.0, rtol=0, atol=1e-12)


def _without_interpolation(monkeypatch):
    monkeypatch.setattr(propagation, "MIN_EPOCHS_PER_NODE", 10**9)


@pytest.mark.slow
def test_the_capitals_recipe_is_unchanged_by_interpolation(monkeypatch):
    interpolated = capitals_visibility()
    _without_interpolation(monkeypatch)
    propagated = capitals_visibility()
    pd.testing.assert_frame_equal(interpolated, propagated, check_exact=True)


def test_a_grid_at_one_minute_steps_is_unchanged_by_interpolation(monkeypatch):
    start = dt.datetime(2022, 2, 5, 6, tzinfo=dt.UTC)
    window = {"start": start, "end": start + dt.timedelta(hours=3), "step_s": 60}
    interpolated = coverage_grid(4, **window, pdop=True, progress=False)
    _without_interpolation(monkeypatch)
    propagated = coverage_grid(4, **window, pdop=True, progress=False)
    pdop = [c for c in propagated.columns if c.endswith("_pdop_mean")]
    counts = propagated.columns.difference(pdop)
    pd.testing.assert_frame_equal(interpolated[counts], propagated[counts], check_exact=True)
    pd.testing.assert_frame_equal(
        interpolated[pdop], propagated[pdop], check_exact=False, rtol=PDOP_RTOL, atol=0
    )


def test_the_engine_interpolates_the_capitals_recipe(monkeypatch):
    windows = []
    interpolated = propagation.window_ecef_km

    def spy(sats, satrecs, first, step, count):
        windows.append((str(first), int(step / np.timedelta64(1, "s")), count))
        return interpolated(sats, satrecs, first, step, count)

    def refuse(*args):
        raise AssertionError("SGP4 at every epoch: the recipe's window was not interpolated")

    monkeypatch.setattr(propagation, "window_ecef_km", spy)
    monkeypatch.setattr(propagation, "direct_ecef_km", refuse)
    capitals_visibility(pdop=False)
    assert windows == [("2022-02-05T00:00:00.000000", 60, 1440)]


@pytest.mark.parametrize(
    ("step_s", "n_epochs", "propagated"),
    [
        (60, 1440, 153 + 18),  # the capitals recipe: nodes and checks, as counted above
        (60, 2880, 2 * (153 + 18)),  # two windows
        (60, 1441, 153 + 18 + 1),  # a one-epoch window is propagated as it is
        (300, 288, 288),  # the grids' default: every epoch
        (1, 1440, 12 + 1),  # 3 intervals of 600 epochs, 9 nodes more, 1 check
        (0.001, 1440, 10 + 1),  # one interval: no more epochs per node than the window's
    ],
)
def test_sgp4_epochs_counts_what_the_windows_propagate(shipped, step_s, n_epochs, propagated):
    assert propagation.sgp4_epochs(step_s, n_epochs) == propagated
    satrecs = CountingSatrecs(shipped.satrecs())
    step = np.timedelta64(round(step_s * 1000), "ms")
    for i0 in range(0, n_epochs, propagation.WINDOW_EPOCHS):
        count = min(n_epochs, i0 + propagation.WINDOW_EPOCHS) - i0
        propagation.window_ecef_km(shipped, satrecs, FIRST + i0 * step, step, count)
    assert sum(satrecs.calls) == propagated


def test_the_work_estimate_counts_interpolated_epochs_as_cheaper():
    from dsrgeo.gnss.inputs import estimate_work_s

    every = estimate_work_s(1, 134, 86_400, pdop=False)
    at_nodes = estimate_work_s(1, 134, 86_400, pdop=False, step_s=1)
    assert estimate_work_s(1, 134, 288, pdop=False, step_s=300) == estimate_work_s(
        1, 134, 288, pdop=False
    )
    # measured for one site over a day at 1 s with PDOP: 1.35-1.6 s, against 8 s when SGP4
    # ran at every epoch
    assert 0.5 < at_nodes < 2.0 < every
