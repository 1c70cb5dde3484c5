"""Keep freed memory for reuse while chunks run: chunk after chunk allocates the same arrays.

glibc's ``malloc`` serves blocks above its *mmap threshold* with fresh
``mmap`` pages and gives them back on ``free`` (or trims them off the heap);
every chunk of a run then page-faults its arrays in again, at about 0.5 µs a
4 KiB page on the VMs leonet is benchmarked on (~0.12 ms a MB; a chunk of the
default scenario allocates a few hundred MB).  :func:`reusing_freed_memory`
raises the mmap threshold to glibc's maximum for 64-bit (32 MiB) and the trim
threshold to 1 GiB while the chunks run, so blocks up to 32 MiB come from the
heap and freed ones are reused, already paged in: the default hour went from
46.6 to 44.9 s (``benchmarks/bench_run.py``).  The peak is unchanged (the same
arrays are alive at the worst moment).  On leaving, the trim threshold is
set back and the free heap handed back to the system (``malloc_trim``), so the
metrics and the report that follow (DuckDB, its own allocator) do not stack
on top of it.

Only where glibc is the C library (Linux); elsewhere it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import sys
from collections.abc import Iterator
from typing import Any

__all__ = [
    "MMAP_THRESHOLD_BYTES",
    "TRIM_THRESHOLD_BYTES",
    "keep_freed_memory",
    "reusing_freed_memory",
]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: The mmap threshold set while chunks run: glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit, the
#: most its dynamic threshold reaches by itself; blocks above it stay mappings of their own.
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
#: The trim threshold set while chunks run: the heap's free top is kept up to 1 GiB.
TRIM_THRESHOLD_BYTES = 1024 * 1024 * 1024
_DEFAULT_TRIM_THRESHOLD = 128 * 1024  # glibc's M_TRIM_THRESHOLD default


def _glibc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return None
    return libc


def keep_freed_memory() -> bool | None:
    """Have glibc's malloc serve blocks up to :data:`MMAP_THRESHOLD_BYTES` from the heap and
    keep up to :data:`TRIM_THRESHOLD_BYTES` of free heap (this process and those forked
    from it after); ``True`` if glibc accepted both settings, ``False`` if it refused one
    (``mallopt`` returned 0), ``None`` where glibc is not the C library.  The one place
    these settings are made, for the coordinator (:func:`reusing_freed_memory`) and each
    worker process (:mod:`leonet.engine.pipeline`)."""
    libc = _glibc()
    if libc is None:
        return None
    mmap_ok = int(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) == 1
    trim_ok = int(libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)) == 1
    return mmap_ok and trim_ok


@contextlib.contextmanager
def reusing_freed_memory() -> Iterator[bool]:
    """Inside: glibc's malloc keeps freed blocks up to 32 MiB for reuse (this process and
    those forked from it); yields ``True`` if that took effect.  On leaving: the free heap
    goes back to the system."""
    active = bool(keep_freed_memory())
    libc = _glibc()
    try:
        yield active
    finally:
        if active and libc is not None:
            libc.mallopt(_M_TRIM_THRESHOLD, _DEFAULT_TRIM_THRESHOLD)
            libc.malloc_trim(0)
