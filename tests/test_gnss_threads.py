"""How the engine uses threads: how many, nested calls, the BLAS limit, forked children."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_info

import dsrgeo
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
    # and so do the entry points' own checks, before any work
    sites = pd.DataFrame({"lat": [0.0, 10.0], "lon": [0.0, 10.0]})
    week = {"start": DAY, "end": DAY + dt.timedelta(days=7), "step_s": 1, "work_budget_s": 1}
    for call in (
        lambda: dsrgeo.gnss.visibility(sites, **week),
        lambda: coverage_grid(1, **week),
    ):
        with pytest.raises(inputs.WorkTooLargeError, match=r"on 2 thread\(s\)"):
            call()


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


def _blas_threads():
    return [
        (i["internal_api"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"
    ]


def test_overlapping_blas_limits_restore_the_original_threads():
    # two calls in two threads, A in, B in, A out, B out (review t4): B saw A's limit of 1
    before = _blas_threads()
    if not before or min(n for _, n in before) < 2:
        pytest.skip("needs a BLAS running more than one thread")
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    inside = []

    def first():
        with engine.single_threaded_blas():
            a_in.set()
            b_in.wait(TIMEOUT_S)
        a_out.set()

    def second():
        a_in.wait(TIMEOUT_S)
        with engine.single_threaded_blas():
            b_in.set()
            a_out.wait(TIMEOUT_S)
            inside.append(_blas_threads())  # A has left: still limited for B

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT_S)
    assert inside and all(n == 1 for _, n in inside[0])
    assert _blas_threads() == before


def test_the_blas_limit_works_after_engine_threads_used_it():
    # a nested call limited BLAS from a pool thread, which lives on: the limit must still
    # work from the main thread (threadpoolctl lets one thread at a time change OpenBLAS)
    engine.thread_pool(1).submit(_limit_and_count).result(timeout=TIMEOUT_S)
    before = _blas_threads()
    assert _limit_and_count() == [1] * len(before)
    assert _blas_threads() == before


def _limit_and_count():
    with engine.single_threaded_blas():
        return [n for _, n in _blas_threads()]


FORK_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys, threading, time, warnings
    import pandas as pd
    from dsrgeo.gnss import engine, visibility

    warnings.simplefilter("ignore")  # fork() of a process with threads (Python 3.12+)
    day = dt.datetime(2022, 2, 5, tzinfo=dt.UTC)
    sites = pd.DataFrame({"lat": [39.9, -33.9], "lon": [116.4, 18.4]})
    window = {"start": day, "end": day + dt.timedelta(hours=1), "step_s": 300}
    parent = visibility(sites, **window)  # the parent's pool and its threads exist now
    held, done = threading.Event(), threading.Event()

    def hold_the_locks():  # a parent thread inside the engine's locks at the fork
        with engine._POOLS_LOCK, engine._BLAS_LOCK:
            held.set()
            done.wait()

    limited = threading.Event()

    def hold_the_blas_limit():  # and one inside single_threaded_blas: its count of users
        with engine.single_threaded_blas():
            limited.set()
            done.wait()

    limiter = threading.Thread(target=hold_the_blas_limit)
    limiter.start()
    limited.wait()
    holder = threading.Thread(target=hold_the_locks)
    holder.start()
    held.wait()
    pid = os.fork()
    if pid == 0:
        signal.alarm(30)  # a child stuck on a lock dies rather than hangs
        # no user of the parent's BLAS limit lives on in the child, which sets its own
        ok = engine._BLAS == {"users": 0, "limiter": None}
        ok = ok and engine._POOLS == {} and visibility(sites, **window).equals(parent)
        ok = ok and list(engine._POOLS) == [engine.engine_threads()]
        os._exit(0 if ok else 1)
    done.set()
    holder.join()
    limiter.join()
    _, status = os.waitpid(pid, 0)
    print(engine.__file__, "child exit", os.waitstatus_to_exitcode(status))
    sys.exit(os.waitstatus_to_exitcode(status))
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this system")
def test_a_forked_child_makes_its_own_pool(tmp_path):
    script = tmp_path / "fork_child.py"
    script.write_text(FORK_SCRIPT)
    root = os.path.dirname(os.path.dirname(os.path.abspath(dsrgeo.__file__)))  # this dsrgeo
    env = os.environ | {"PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
