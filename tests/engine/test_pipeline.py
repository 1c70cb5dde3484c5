"""Forked chunk workers: order, carries, and every way a run can end (error, death, Ctrl-C,
a killed coordinator) — always with the workers gone and nothing hanging."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from leonet.engine.pipeline import WorkerError, run_in_workers

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="forked workers: Linux only")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is not alive
        return stat.read().split(")")[-1].split()[0] != "Z"


def _chain(index, receive, publish):
    """Carry = sum of the indices before; result = what this chunk saw."""
    carry = 0 if index == 0 else receive()
    publish(carry + index)
    return index, carry, os.getpid()


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_results_come_in_order_with_each_chunks_carry(processes):
    got = []
    run_in_workers(range(8), _chain, lambda i, r: got.append((i, r)), processes=processes)
    assert [i for i, _ in got] == list(range(8))
    assert all(r[0] == i and r[1] == sum(range(i)) for i, r in got)
    pids = [r[2] for _, r in got]
    assert os.getpid() not in pids and len(set(pids)) == processes
    assert all(pids[i] == pids[i % processes] for i in range(8))  # dealt round-robin
    assert not multiprocessing.active_children()


def test_a_workers_exception_is_raised_here_with_its_traceback():
    def work(index, receive, publish):
        carry = 0 if index == 0 else receive()
        if index == 3:
            raise ValueError("no satellites in chunk 3")
        publish(carry)
        return index

    got = []
    with pytest.raises(ValueError, match="no satellites in chunk 3") as info:
        run_in_workers(range(6), work, lambda i, _r: got.append(i))
    note = "\n".join(getattr(info.value, "__notes__", []))
    assert "worker 1 on chunk 3" in note and "Traceback" in note and "in work" in note
    assert got == list(range(len(got))) and len(got) <= 3  # a prefix, never chunk 3
    assert not multiprocessing.active_children()


class _NeedsTwo(Exception):
    """An exception that cannot be rebuilt from its message alone."""

    def __init__(self, what, why):
        super().__init__(f"{what}: {why}")


class _HoldsALock(Exception):
    """An exception that does not pickle (the old way of sending it back failed on it)."""

    def __init__(self, message):
        super().__init__(message, threading.Lock())

    def __str__(self):
        return self.args[0]


def _fails_with(exc):
    def work(index, receive, publish):
        carry = 0 if index == 0 else receive()
        if index == 1:
            raise exc
        publish(carry)
        return index

    return work


@pytest.mark.parametrize(
    "exc, kind, text",
    [
        (FileNotFoundError(2, "No such file or directory", "/x/y.csv"), FileNotFoundError, None),
        (KeyError("scheduler.serving"), KeyError, "'scheduler.serving'"),
        (_HoldsALock("lost the lock"), _HoldsALock, "lost the lock"),
        (_NeedsTwo("tle", "bad"), RuntimeError, f"{__name__}._NeedsTwo: tle: bad"),
    ],
)
def test_a_workers_error_comes_back_as_text_and_is_rebuilt(exc, kind, text):
    with pytest.raises(BaseException) as info:
        run_in_workers(range(4), _fails_with(exc), lambda _i, _r: None)
    assert type(info.value) is kind
    assert str(info.value) == (str(exc) if text is None else text)
    if isinstance(exc, OSError):
        assert (info.value.errno, info.value.filename) == (2, "/x/y.csv")
    note = "\n".join(getattr(info.value, "__notes__", []))
    assert "worker 1 on chunk 1" in note and "raise exc" in note
    assert not multiprocessing.active_children()


def test_a_dead_worker_is_reported_not_waited_for():
    def work(index, receive, publish):
        carry = 0 if index == 0 else receive()
        if index == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer would
        publish(carry)
        return index

    began = time.monotonic()
    with pytest.raises(WorkerError, match=r"SIGKILL.*chunk 2"):
        run_in_workers(range(6), work, lambda _i, _r: None)
    assert time.monotonic() - began < 30
    assert not multiprocessing.active_children()


def test_ctrl_c_in_the_coordinator_ends_the_workers():
    pids = []

    def work(index, receive, publish):
        carry = 0 if index == 0 else receive()
        publish(carry)
        if index >= 2:
            time.sleep(60)
        return os.getpid()

    def commit(index, pid):
        pids.append(pid)
        if index == 1:
            raise KeyboardInterrupt

    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_in_workers(range(6), work, commit)
    assert time.monotonic() - began < 30
    assert len(set(pids)) == 2 and not any(_alive(p) for p in pids)


def test_workers_exit_when_the_coordinator_is_killed():
    script = textwrap.dedent("""
        import os, sys, time
        from leonet.engine.pipeline import run_in_workers

        def work(index, receive, publish):
            carry = 0 if index == 0 else receive()
            publish(carry)
            if index >= 2:
                time.sleep(120)
            return os.getpid()

        def commit(index, pid):
            print(pid, flush=True)

        run_in_workers(range(6), work, commit)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(proc.stdout.readline()) for _ in range(2)]
    proc.kill()
    proc.wait(30)
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


def test_forking_is_refused_once_numbas_openmp_threads_run_here():
    script = textwrap.dedent("""
        import numba
        import numpy as np
        from leonet.access.visibility import visible
        from leonet.engine.pipeline import fork_unsafe_reason
        print(fork_unsafe_reason())
        r = np.array([[[7000.0, 0.0, 0.0]]])
        visible(r, 25.0, np.array([[6378.0, 0.0, 0.0]]), np.array([0.0]), np.array([0.0]))
        print(numba.threading_layer())
        print(fork_unsafe_reason())
    """)
    before, layer, after = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert before == "None"  # a fresh process forks safely
    if layer == "omp":
        assert "numba's omp threading layer already runs in this process" in after
    else:  # tbb and workqueue survive a fork
        assert after == "None"
