"""Compiled pair filtering behind :func:`leonet.access.moving.usable_pairs`.

Two passes over one visibility table's pairs (CSR rows ``time * site``):
:func:`count_up` counts each row's satellites that are up, and
:func:`copy_usable` copies the pairs of allowed rows to satellites that are up
into their place in a joined table.  One sequential pass each, in pair order,
with no Python loop over steps or columns.  On a chunk of the default scenario
(2.5 million pairs) it takes 26 ms against 31 for the NumPy boolean indexing
it replaced, 23.5 against 24 once the run reuses freed pages
(:mod:`leonet.engine._memory`): the copy is bound by memory, not by the loop.
Compiled on first use and cached (see :mod:`leonet._numba`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = ["copy_usable", "count_up"]

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B2 = NDArray[np.bool_]


@compiled()
def count_up(offsets: I64, sat_idx: I32, sat_up: B2, n_site: int, out: I64) -> None:
    """``out`` ``(time, site)``: the satellites of each row with ``sat_up[time, sat]``."""
    n_time = sat_up.shape[0]
    for t in range(n_time):
        up = sat_up[t]
        for s in range(n_site):
            row = t * n_site + s
            c = 0
            for p in range(offsets[row], offsets[row + 1]):
                if up[sat_idx[p]]:
                    c += 1
            out[t, s] = c


@compiled()
def copy_usable(
    offsets: I64,
    n_site: int,
    first_site: int,
    n_site_out: int,
    row_ok: B2,
    sat_up: B2,
    src: tuple[I32, I32, I32, F64, F64, F64],
    out_offsets: I64,
    out: tuple[I32, I32, I32, F64, F64, F64],
) -> None:
    """Copy the pairs of rows ``row_ok`` ``(time, site)`` to satellites ``sat_up`` ``(time,
    sat)`` from ``src`` (time, site, sat, az, el, range columns) into ``out`` at the rows of
    sites ``first_site + site`` of a table of ``n_site_out`` sites (CSR ``out_offsets``)."""
    time_idx, site_idx, sat_idx, az, el, rng = src
    o_time, o_site, o_sat, o_az, o_el, o_rng = out
    n_time = sat_up.shape[0]
    for t in range(n_time):
        up = sat_up[t]
        for s in range(n_site):
            if not row_ok[t, s]:
                continue
            row = t * n_site + s
            d = out_offsets[t * n_site_out + first_site + s]
            for p in range(offsets[row], offsets[row + 1]):
                if up[sat_idx[p]]:
                    o_time[d] = time_idx[p]
                    o_site[d] = site_idx[p] + first_site
                    o_sat[d] = sat_idx[p]
                    o_az[d] = az[p]
                    o_el[d] = el[p]
                    o_rng[d] = rng[p]
                    d += 1
