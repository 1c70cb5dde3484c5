"""Compiled +Grid masking behind :func:`leonet.network.lasers.plus_grid_links_chunk`.

Numba kernels on bare arrays (ECEF km, satellite and link indices), no I/O.
For every step of a chunk (``prange``, one step per iteration, so the result
does not depend on the number of threads; :func:`mask_steps_serial` for a
single step) :func:`mask_steps`

1. picks the partner of every dynamic cross-plane link: the first alive
   member of the adjacent plane at the least squared distance (the alive
   members of each adjacent plane are gathered once per step into contiguous
   buffers that all the links looking into that plane scan);
2. walks the candidates in index order and keeps those with both ends alive,
   not disabled, no longer than the range and with a clear line of sight;
3. drops a dynamic link whose pair an earlier kept link already joins (a
   static link, or the partner's own dynamic link pointing back).

Distances, lengths and the line-of-sight test use the NumPy reference's
operations in its order — ``(x0·x0 + x1·x1) + x2·x2``, as NumPy's reduction
over an axis of three — and numba emits no fused multiply-add without
fast-math, so the links are bit for bit those of
:func:`leonet.network.lasers.plus_grid_links`.

Compiled on first use and cached (see :mod:`leonet._numba`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = ["mask_steps", "mask_steps_serial"]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
B = NDArray[np.bool_]


_compiled = compiled


@_compiled()
def _mask_step(
    t: int,
    r: F64,
    alive: B,
    link_ok: B,
    links: tuple[I64, I64, I64, I64],
    planes: tuple[I64, I64, I64, I64],
    statics: tuple[I64, I64, I64, I64],
    limits_km: tuple[float, float],
    out: tuple[I64, I64, F64, I64, I64],
) -> None:
    """Mask the candidates at step ``t`` (arguments as :func:`mask_steps`)."""
    sat_a, sat_b, dyn_of_link, dyn_link = links
    plane_members, plane_start, dyn_by_plane, dyn_start = planes
    dyn_of_sat, static_start, static_sat, static_link = statics
    max_range_km, floor_km = limits_km
    out_lo, out_hi, out_length, out_candidate, out_count = out
    n_link = sat_a.shape[0]
    floor2 = floor_km * floor_km
    width = 0
    for p in range(plane_start.shape[0] - 1):
        width = max(width, plane_start[p + 1] - plane_start[p])
    x = r[t]
    ok_row = link_ok[t]
    pick = np.full(dyn_link.shape[0], -1, np.int64)
    # each adjacent plane's alive members, gathered once, in member order
    px = np.empty(width)
    py = np.empty(width)
    pz = np.empty(width)
    pid = np.empty(width, np.int64)
    dist2 = np.empty(width)
    for p in range(plane_start.shape[0] - 1):
        n_alive = 0
        for j in range(plane_start[p], plane_start[p + 1]):
            m = plane_members[j]
            if alive[t, m]:
                px[n_alive] = x[m, 0]
                py[n_alive] = x[m, 1]
                pz[n_alive] = x[m, 2]
                pid[n_alive] = m
                n_alive += 1
        for q in range(dyn_start[p], dyn_start[p + 1]):
            k = dyn_by_plane[q]
            o = sat_a[dyn_link[k]]
            if not alive[t, o]:
                continue  # the link is dropped whatever it picks
            ox, oy, oz = x[o, 0], x[o, 1], x[o, 2]
            for j in range(n_alive):  # no loop-carried dependency: vectorised
                dx = px[j] - ox
                dy = py[j] - oy
                dz = pz[j] - oz
                dist2[j] = dx * dx + dy * dy + dz * dz
            best = math.inf
            at = -1
            for j in range(n_alive):
                if dist2[j] < best:
                    best = dist2[j]
                    at = j
            if at >= 0:
                pick[k] = pid[at]
    kept = np.zeros(n_link, np.bool_)
    n = 0
    for i in range(n_link):
        a = sat_a[i]
        k = dyn_of_link[i]
        b = sat_b[i] if k < 0 else pick[k]
        if b < 0 or not ok_row[i] or not alive[t, a] or not alive[t, b]:
            continue
        d0 = x[b, 0] - x[a, 0]
        d1 = x[b, 1] - x[a, 1]
        d2 = x[b, 2] - x[a, 2]
        dd = d0 * d0 + d1 * d1 + d2 * d2
        length = math.sqrt(dd)
        if not length <= max_range_km:
            continue
        s = -(x[a, 0] * d0 + x[a, 1] * d1 + x[a, 2] * d2) / (dd if dd > 0.0 else 1.0)
        s = min(max(s, 0.0), 1.0)
        c0 = x[a, 0] + s * d0
        c1 = x[a, 1] + s * d1
        c2 = x[a, 2] + s * d2
        if not c0 * c0 + c1 * c1 + c2 * c2 >= floor2:
            continue
        kept[i] = True
        lo, hi = min(a, b), max(a, b)
        if k >= 0:  # an earlier kept link joining the same pair wins
            duplicate = False
            for e in range(static_start[lo], static_start[lo + 1]):  # lo's static links
                if static_sat[e] == hi:
                    j = static_link[e]
                    duplicate = j < i and kept[j]
                    break
            if duplicate:
                continue
            kb = dyn_of_sat[b]
            if kb >= 0 and dyn_link[kb] < i and kept[dyn_link[kb]] and pick[kb] == a:
                continue
        out_lo[t, n] = lo
        out_hi[t, n] = hi
        out_length[t, n] = length
        out_candidate[t, n] = i
        n += 1
    out_count[t] = n


@_compiled(parallel=True)
def mask_steps(
    r: F64,
    alive: B,
    link_ok: B,
    links: tuple[I64, I64, I64, I64],
    planes: tuple[I64, I64, I64, I64],
    statics: tuple[I64, I64, I64, I64],
    limits_km: tuple[float, float],
    out: tuple[I64, I64, F64, I64, I64],
) -> None:
    """Mask the candidates at every step of ``r`` ``(time, sat, 3)``, steps in parallel.

    ``alive`` ``(time, sat)`` and ``link_ok`` ``(time, link)`` bool;
    ``links`` = ``(sat_a, sat_b, dyn_of_link, dyn_link)``: the candidates, the
    dynamic index of each link (-1 static) and the link of each dynamic index;
    ``planes`` = ``(members, start, dyn_by_plane, dyn_start)``: the adjacent
    planes (distinct member lists) ``p`` are ``members[start[p]:start[p + 1]]``
    and the dynamic links looking into plane ``p`` are
    ``dyn_by_plane[dyn_start[p]:dyn_start[p + 1]]``; ``statics`` =
    ``(dyn_of_sat, start, sat, link)``: the dynamic link a satellite owns (-1
    none), and the static links by their lower satellite ``lo``: the higher
    ends ``sat[start[lo]:start[lo + 1]]`` and their link indices; ``limits_km`` =
    ``(max_range, WGS84_A + min_altitude)``; ``out`` = ``(lo, hi, length,
    candidate, count)``, ``(time, link)`` and ``count`` ``(time,)``: step
    ``t``'s links are ``lo[t, :count[t]]`` and so on.
    """
    for t in prange(r.shape[0]):
        _mask_step(t, r, alive, link_ok, links, planes, statics, limits_km, out)


@_compiled()
def mask_steps_serial(
    r: F64,
    alive: B,
    link_ok: B,
    links: tuple[I64, I64, I64, I64],
    planes: tuple[I64, I64, I64, I64],
    statics: tuple[I64, I64, I64, I64],
    limits_km: tuple[float, float],
    out: tuple[I64, I64, F64, I64, I64],
) -> None:
    """:func:`mask_steps` on the calling thread: for a single step, where waking the
    worker threads costs more than it saves (milliseconds when the cores are busy)."""
    for t in range(r.shape[0]):
        _mask_step(t, r, alive, link_ok, links, planes, statics, limits_km, out)
