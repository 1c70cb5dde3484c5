"""Compiled loop behind :func:`leonet.capacity.allocation.water_fill` (numba, no I/O).

The same arithmetic as the NumPy formulation it replaced, in the same order —
items sorted by (group, demand) (``np.lexsort``, by the caller), sequential
prefix sums, then per group the first item whose demand fills the budget — so
the levels are equal to the last bit; only the ~40 NumPy calls per fill are
gone, and the levels come per item, so no array has one entry per group
(per beam of the constellation: 250,000).

Compiled on first use and cached (see :mod:`leonet._numba`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = ["bindings", "fill_levels"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


def _compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """:func:`leonet._numba.compiled` with NumPy's error model: a division by zero gives
    inf/NaN as in NumPy instead of a check and an exception on every division."""
    return compiled(error_model="numpy", **options)


@_compiled()
def fill_levels(
    order: I64,
    group: I64,
    a: F64,
    demand: F64,
    budget: F64,
    level: F64,
) -> None:
    """Write each item's group fill level into ``level`` ``(item,)`` (``inf``: all fit).

    ``order`` sorts the items by (group, demand), stably (``np.lexsort((demand,
    group))``); ``group`` ``(item,)``; ``a`` ``(item,)`` the budget one unit of
    level costs an item (weight × cost); ``demand`` ``(item,)``; ``budget``
    ``(item,)`` its group's budget.
    """
    n = group.shape[0]
    cum_ad = np.empty(n + 1)  # Σ a·d over the items before, all groups (np.cumsum's order)
    cum_a = np.empty(n + 1)
    cum_ad[0] = 0.0
    cum_a[0] = 0.0
    for k in range(n):
        i = order[k]
        cum_ad[k + 1] = cum_ad[k] + a[i] * demand[i]
        cum_a[k + 1] = cum_a[k] + a[i]
    start = 0
    while start < n:
        g = group[order[start]]
        stop = start + 1
        while stop < n and group[order[stop]] == g:
            stop += 1
        fill = np.inf
        for k in range(start, stop):
            i = order[k]
            b = budget[i]
            below = cum_ad[k] - cum_ad[start]  # Σ a·d over items with smaller demand
            rest = cum_a[stop] - cum_a[k]  # Σ a over this and larger demands
            if below + demand[i] * rest >= b:
                value = (b - below) / rest if rest > 0 else np.inf
                # np.maximum(value, 0): NaN and -0.0 pass through.
                fill = value if (value >= 0.0 or value != value) else 0.0
                break
        for k in range(start, stop):
            level[order[k]] = fill
        start = stop


@_compiled()
def bindings(
    ok: NDArray[np.bool_],
    items: I64,
    demand: F64,
    rate: F64,
    x1: F64,
    x2: F64,
    codes: tuple[int, int, int, int, int],
    tol: float,
    binding: NDArray[np.uint8],
) -> None:
    """The binding constraint of every site into ``binding`` ``(site,)``.

    ``codes`` = (DEMAND, RADIO, BEAM_SHARE, GATEWAY, OUTAGE); ``items``
    ``(item,)`` the allocated sites with their ``demand``, link ``rate``,
    beam-stage share ``x1`` and final share ``x2``; other sites are OUTAGE,
    or DEMAND where ``ok`` (served with a closing link but no terminals).
    """
    demand_code, radio_code, beam_code, gateway_code, outage_code = codes
    for k in range(ok.shape[0]):
        binding[k] = demand_code if ok[k] else outage_code
    for k in range(items.shape[0]):
        code = demand_code
        if x1[k] < demand[k] * (1 - tol):
            code = radio_code if x1[k] >= rate[k] * (1 - tol) else beam_code
        if x2[k] < x1[k] * (1 - tol):
            code = gateway_code
        binding[items[k]] = code
