"""The numba thread count: measured, never slower than one thread, overridable."""

from __future__ import annotations

import time

import numba
import pytest

from leonet import _numba
from leonet._numba import THREADS_ENV, fastest_threads, measured_threads, threads_override


@pytest.fixture(autouse=True)
def _restore_threads():  # type: ignore[no-untyped-def]
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


def _slow_with(threads_slow: int):  # type: ignore[no-untyped-def]
    def run() -> None:
        time.sleep(0.02 if numba.get_num_threads() == threads_slow else 0.001)

    return run


def test_parallelism_that_is_slower_is_not_chosen(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    most = numba.config.NUMBA_NUM_THREADS
    if most == 1:  # nothing to choose between: one thread it is
        assert fastest_threads(_slow_with(1)) == 1
        return
    numba.set_num_threads(most)
    assert fastest_threads(_slow_with(most)) == 1
    assert numba.get_num_threads() == 1
    numba.set_num_threads(most)
    assert fastest_threads(_slow_with(1)) == most
    assert numba.get_num_threads() == most
    numba.set_num_threads(1)  # a cap set before (a worker sharing the cores) is kept
    assert fastest_threads(_slow_with(1)) == 1


def test_measured_once_per_process_and_kernel(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    calls = []
    key = "test-kernel"
    monkeypatch.delitem(_numba._MEASURED, key, raising=False)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    first = measured_threads(key, lambda: calls.append(1))
    n = len(calls)
    assert n >= 1
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert measured_threads(key, lambda: calls.append(1)) == first
    assert len(calls) == n and numba.get_num_threads() == first


def test_the_environment_overrides_the_measurement(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "1")
    calls = []
    assert fastest_threads(lambda: calls.append(1)) == 1
    assert calls == []  # nothing timed
    monkeypatch.setenv(THREADS_ENV, "999")
    assert threads_override() == numba.config.NUMBA_NUM_THREADS
    monkeypatch.setenv(THREADS_ENV, "two")
    with pytest.raises(ValueError, match=f"{THREADS_ENV}='two'"):
        threads_override()
    monkeypatch.setenv(THREADS_ENV, "")
    assert threads_override() is None
