"""How the engine uses threads: how many, nested calls, the BLAS limit, forked children."""

import os

import pytest

from dsrgeo.gnss import inputs


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
