"""How the engine uses threads: how many, nested calls, the BLAS limit, forked children."""

import datetime as dt
import os

import numpy as np
import pandas as pd
import pytest

from dsrgeo.gnss import coverage_grid, engine, inputs
from dsrgeo.gnss.elements import load_satellites

UTC = dt.UTC
DAY = dt.datetime(2022, 2, 5, tzinfo=UTC)
# a call that never returns fails the test after this many seconds instead of hanging it
TIMEOUT_S = 60


def test_threads_follow_the_cpu_affinity_not_the_machine(monkeypatch):
    # a container pinned to 2 of a 64-core machine's cores
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3, 7}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert inputs.engine_threads() == 2
    assert inputs.workers() == 2
    # the work estimate divides by the threads that will run it: 2, not 64
    with pytest.raises(inputs.WorkTooLargeError, match=r"on 2 thread\(s\)"):
        inputs.check_work(10**6, 134, 10**4, pdop=True, budget_s=1, threads=inputs.workers())


def test_threads_are_capped_and_fall_back_to_cpu_count(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    assert inputs.engine_threads() == inputs.MAX_ENGINE_THREADS
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS, Windows
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert inputs.engine_threads() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert inputs.engine_threads() == 1


def test_a_call_from_an_engine_thread_runs_inline(monkeypatch):
    # one engine thread, busy with the outer call: a nested call that submitted its spans
    # to the same pool would wait for that thread forever
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    sats = load_satellites()
    times = inputs.epochs(DAY, DAY + dt.timedelta(hours=2), 60)
    lat, lon = np.array([10.0, 39.9]), np.array([20.0, 116.4])

    def job():
        return engine.site_statistics(sats, times, lat, lon, 10.0)

    expected = job()
    nested = engine.thread_pool(1).submit(job).result(timeout=TIMEOUT_S)
    assert nested.keys() == expected.keys()
    for column in expected:
        np.testing.assert_array_equal(nested[column], expected[column])


def test_a_grid_from_an_engine_thread_runs_inline(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    window = {"start": DAY, "end": DAY + dt.timedelta(hours=1), "progress": False}

    def job():
        return coverage_grid(30, **window)

    expected = job()
    nested = engine.thread_pool(1).submit(job).result(timeout=TIMEOUT_S)
    pd.testing.assert_frame_equal(nested, expected, check_exact=True)
