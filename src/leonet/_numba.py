"""The one way leonet compiles its numba kernels.

``compiled(**options)`` is ``numba.njit(cache=True, **options)``: kernels
compile on first use and are cached next to their module (``__pycache__``);
where that folder is read-only numba caches under the user's cache folder, and
where no folder is writable at all the kernel compiles without a cache (a few
seconds in every process) instead of failing.

``fastest_threads(run)`` picks the numba thread count from measured
behaviour: it times ``run`` (a call of parallel kernels on real input) with one
thread and with the current count (all of numba's unless capped), and keeps the
faster (``measured_threads`` does it once per process per kernel: ``visible()``
and ``leonet hypatia`` use it), so parallelism is never
slower than one thread (on a loaded 2-vCPU VM two threads can stall a kernel
for tens of milliseconds).  ``LEONET_NUMBA_THREADS=<n>`` in the environment
overrides the measurement (``n`` capped at numba's ``NUMBA_NUM_THREADS``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

import numba
from numba import njit

__all__ = [
    "THREADS_ENV",
    "compiled",
    "fastest_threads",
    "measured_threads",
    "threads_override",
]

#: Environment variable that fixes the numba thread count (a positive integer).
THREADS_ENV = "LEONET_NUMBA_THREADS"


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, **options)``, without the cache where none can be written."""

    def wrap(func: Callable[..., Any]) -> Any:
        try:
            return njit(cache=True, **options)(func)
        except RuntimeError:  # "cannot cache function …: no locator available"
            return njit(cache=False, **options)(func)

    return wrap


def _most_threads() -> int:
    return int(getattr(numba.config, "NUMBA_NUM_THREADS", 1))


def threads_override() -> int | None:
    """The thread count ``LEONET_NUMBA_THREADS`` asks for (capped), ``None`` if unset."""
    text = os.environ.get(THREADS_ENV, "").strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(
            f"{THREADS_ENV}={text!r}: give a positive integer number of threads "
            "(or unset it to let leonet measure)"
        )
    return min(value, _most_threads())


def fastest_threads(run: Callable[[], object], repeats: int = 3) -> int:
    """Set numba's thread count to the faster of one and the current count for ``run``
    (all of numba's unless something capped it, e.g. a worker sharing the cores); return it.

    ``run`` is called ``1 + 2 × repeats`` times (once to compile); each count
    keeps its best time.  With :data:`THREADS_ENV` set nothing is timed and
    that count is used.
    """
    forced = threads_override()
    if forced is not None:
        numba.set_num_threads(forced)
        return forced
    most = int(numba.get_num_threads())
    numba.set_num_threads(1)
    run()  # compile (or load from the cache) outside the timing
    if most == 1:
        return 1
    best: dict[int, float] = {}
    for _ in range(repeats):
        for threads in (1, most):
            numba.set_num_threads(threads)
            start = time.perf_counter()
            run()
            elapsed = time.perf_counter() - start
            best[threads] = min(best.get(threads, elapsed), elapsed)
    chosen = most if best[most] < best[1] else 1
    numba.set_num_threads(chosen)
    return chosen


_MEASURED: dict[str, int] = {}


def measured_threads(key: str, run: Callable[[], object]) -> int:
    """:func:`fastest_threads` once per process for ``key`` (a kernel's name); later calls
    lower the count to the one measured then, never raise it (a forked worker keeps its
    cap).  Thread counts do not change results, only speed."""
    if key not in _MEASURED:
        _MEASURED[key] = fastest_threads(run)
    elif numba.get_num_threads() > _MEASURED[key]:
        numba.set_num_threads(_MEASURED[key])
    return int(numba.get_num_threads())
