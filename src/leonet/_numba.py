"""The one way leonet compiles its numba kernels.

``compiled(**options)`` is ``numba.njit(cache=True, **options)``: kernels
compile on first use and are cached next to their module (``__pycache__``);
where that folder is read-only numba caches under the user's cache folder, and
where no folder is writable at all the kernel compiles without a cache (a few
seconds in every process) instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from numba import njit

__all__ = ["compiled"]


def compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(cache=True, **options)``, without the cache where none can be written."""

    def wrap(func: Callable[..., Any]) -> Any:
        try:
            return njit(cache=True, **options)(func)
        except RuntimeError:  # "cannot cache function …: no locator available"
            return njit(cache=False, **options)(func)

    return wrap
