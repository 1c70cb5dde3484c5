"""Keep freed memory for reuse: chunk after chunk allocates the same large arrays.

glibc's ``malloc`` serves blocks above its *mmap threshold* with fresh
``mmap`` pages and gives them back on ``free`` (or trims them off the heap);
every chunk of a run then page-faults its arrays in again, at about 0.5 µs a
4 KiB page on the VMs leonet is benchmarked on (~0.12 ms a MB; a chunk of the
default scenario allocates a few hundred MB).  :func:`reuse_freed_memory`
raises the mmap threshold to glibc's maximum for 64-bit (32 MiB) and the trim
threshold to 1 GiB, so blocks up to 32 MiB come from the heap and freed ones
are reused, already paged in: the default hour went from 46.6 to 44.9 s
(``benchmarks/bench_run.py``).  The peak is unchanged (the same arrays are
alive at the worst moment); the resident size stays at the peak between
chunks instead of falling.

Only where glibc is the C library (Linux); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["reuse_freed_memory"]

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit
_TRIM_THRESHOLD = 1024 * 1024 * 1024


def reuse_freed_memory() -> bool:
    """Set glibc's malloc to keep freed blocks up to 32 MiB for reuse (this process and
    those forked from it); ``True`` if it took effect."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
                and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD))
