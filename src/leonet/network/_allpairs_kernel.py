"""Compiled kernels of :mod:`leonet.network.allpairs` (numba).

One Dijkstra per destination ground station over the fixed inter-satellite
graph (CSR, undirected, arc weights the step's ISL lengths), seeded with the
satellites in range of that station at their ground-link length: the result
is every satellite's shortest distance to the station *including* the last
ground link, and its next hop on such a path (a neighbouring satellite, or
the station itself).  Ground stations never relay: they are not nodes of the
searched graph.  Destinations run in parallel (``prange``); each search uses
its own indexed binary heap.
"""

from __future__ import annotations

import numpy as np
from numba import prange
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = [
    "gsl_lengths",
    "pair_paths",
    "per_destination",
    "per_destination_buckets",
    "source_choice",
]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@compiled()
def gsl_lengths(gs: F64, sats: F64, max_km: float, start: I64, sat_idx: I64, length_km: F64) -> int:
    """Fill the ground links within ``max_km``: CSR by station, satellites ascending.

    ``gs`` ``(gs, 3)``, ``sats`` ``(sat, 3)`` ECEF km; ``sat_idx`` and
    ``length_km`` must hold every pair (``gs × sat``); returns the number used.
    """
    n_gs, n_sat = gs.shape[0], sats.shape[0]
    k = 0
    for g in range(n_gs):
        start[g] = k
        gx, gy, gz = gs[g, 0], gs[g, 1], gs[g, 2]
        for s in range(n_sat):
            dx = sats[s, 0] - gx
            dy = sats[s, 1] - gy
            dz = sats[s, 2] - gz
            d2 = dx * dx + dy * dy + dz * dz
            if d2 <= max_km * max_km * (1.0 + 1e-12):  # NaN (a failed satellite) never is
                d = np.sqrt(d2)
                if d <= max_km:
                    sat_idx[k] = s
                    length_km[k] = d
                    k += 1
    start[n_gs] = k
    return k


@compiled(parallel=True)
def per_destination(
    indptr: I64,
    nbr: I64,
    rev: I64,
    arc_km: F64,
    gsl_start: I64,
    gsl_sat: I64,
    gsl_km: F64,
    dist_km: F64,
    next_arc: I64,
    hops: I64,
) -> None:
    """Dijkstra towards each station ``g``: ``dist_km[g, s]``, ``next_arc[g, s]``, ``hops[g, s]``.

    ``next_arc`` is the CSR arc ``s → neighbour`` of the first hop, ``-1``
    where the next hop is the station itself, ``-2`` where ``s`` cannot reach
    it.  ``hops`` counts the edges to the station, ground link included.
    An indexed binary heap (decrease-key) holds only the search frontier.
    """
    n_gs = gsl_start.shape[0] - 1
    n_sat = indptr.shape[0] - 1
    for g in prange(n_gs):
        dist = dist_km[g]
        nxt = next_arc[g]
        hop = hops[g]
        dist[:] = np.inf
        nxt[:] = -2
        hop[:] = -1
        heap_d = np.empty(n_sat, dtype=np.float64)
        heap_n = np.empty(n_sat, dtype=np.int64)
        pos = np.full(n_sat, -1, dtype=np.int64)  # heap slot; -1 never queued, -2 settled
        size = 0
        for k in range(gsl_start[g], gsl_start[g + 1]):
            s = gsl_sat[k]
            if gsl_km[k] < dist[s]:
                dist[s] = gsl_km[k]
                nxt[s] = -1
                hop[s] = 1
                size = _queue(heap_d, heap_n, pos, size, s, gsl_km[k])
        while size > 0:
            u = heap_n[0]
            d = heap_d[0]
            pos[u] = -2
            size -= 1
            if size > 0:
                heap_d[0] = heap_d[size]
                heap_n[0] = heap_n[size]
                _sift_down(heap_d, heap_n, pos, size)
            # Arc u -> v (undirected): v can reach g through u, at arc length + dist[u].
            for a in range(indptr[u], indptr[u + 1]):
                v = nbr[a]
                if pos[v] == -2:
                    continue
                nd = d + arc_km[a]
                if nd < dist[v]:
                    dist[v] = nd
                    nxt[v] = rev[a]
                    hop[v] = hop[u] + 1
                    size = _queue(heap_d, heap_n, pos, size, v, nd)


@compiled(parallel=True)
def per_destination_buckets(
    indptr: I64,
    nbr: I64,
    rev: I64,
    arc_km: F64,
    gsl_start: I64,
    gsl_sat: I64,
    gsl_km: F64,
    width_km: float,
    n_slots: int,
    dist_km: F64,
    next_arc: I64,
    hops: I64,
) -> None:
    """:func:`per_destination` with a bucket queue instead of a heap (Dinitz's algorithm).

    ``width_km`` must not exceed the shortest arc: a node reached from bucket
    ``k`` then lands in bucket ``k + 1`` or later, so every node of the current
    bucket is final and the buckets are taken in turn, no ordering within
    (O(arcs + nodes + buckets) per search, no log factor).  ``n_slots`` is the
    ring of buckets: more than the longest arc or ground link over ``width_km``
    plus one, so live entries never wrap onto the current bucket.
    """
    n_gs = gsl_start.shape[0] - 1
    n_sat = indptr.shape[0] - 1
    cap = nbr.shape[0] + n_sat + 1
    for g in prange(n_gs):
        dist = dist_km[g]
        nxt = next_arc[g]
        hop = hops[g]
        dist[:] = np.inf
        nxt[:] = -2
        hop[:] = -1
        head = np.full(n_slots, -1, dtype=np.int64)
        ent_node = np.empty(cap, dtype=np.int64)
        ent_next = np.empty(cap, dtype=np.int64)
        done = np.zeros(n_sat, dtype=np.bool_)
        used = 0
        live = 0
        first = -1
        for k in range(gsl_start[g], gsl_start[g + 1]):
            s = gsl_sat[k]
            if gsl_km[k] < dist[s]:
                dist[s] = gsl_km[k]
                nxt[s] = -1
                hop[s] = 1
                b = int(gsl_km[k] / width_km)
                if first < 0 or b < first:
                    first = b
                slot = b % n_slots
                ent_node[used] = s
                ent_next[used] = head[slot]
                head[slot] = used
                used += 1
                live += 1
        bucket = first
        while live > 0:
            slot = bucket % n_slots
            e = head[slot]
            head[slot] = -1
            while e >= 0:
                u = ent_node[e]
                e = ent_next[e]
                live -= 1
                if done[u]:
                    continue
                done[u] = True
                d = dist[u]
                for a in range(indptr[u], indptr[u + 1]):
                    v = nbr[a]
                    if done[v]:
                        continue
                    nd = d + arc_km[a]
                    if nd < dist[v]:
                        dist[v] = nd
                        nxt[v] = rev[a]
                        hop[v] = hop[u] + 1
                        vs = int(nd / width_km) % n_slots
                        ent_node[used] = v
                        ent_next[used] = head[vs]
                        head[vs] = used
                        used += 1
                        live += 1
            bucket += 1


@compiled()
def _queue(heap_d: F64, heap_n: I64, pos: I64, size: int, n: int, d: float) -> int:
    """Insert ``n`` at ``d``, or lower its key; returns the new size."""
    i = pos[n]
    if i < 0:
        i = size
        size += 1
    while i > 0:  # sift up
        p = (i - 1) >> 1
        if heap_d[p] <= d:
            break
        heap_d[i] = heap_d[p]
        heap_n[i] = heap_n[p]
        pos[heap_n[i]] = i
        i = p
    heap_d[i] = d
    heap_n[i] = n
    pos[n] = i
    return size


@compiled()
def _sift_down(heap_d: F64, heap_n: I64, pos: I64, size: int) -> None:
    d = heap_d[0]
    n = heap_n[0]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and heap_d[c + 1] < heap_d[c]:
            c += 1
        if d <= heap_d[c]:
            break
        heap_d[i] = heap_d[c]
        heap_n[i] = heap_n[c]
        pos[heap_n[i]] = i
        i = c
    heap_d[i] = d
    heap_n[i] = n
    pos[n] = i


@compiled(parallel=True)
def source_choice(
    gsl_start: I64,
    gsl_sat: I64,
    gsl_km: F64,
    dist_t_km: F64,
    hops_t: I64,
    first_sat: I64,
    pair_km: F64,
    pair_hops: I64,
) -> None:
    """Each station pair ``(src, dst)``: the first satellite (least total length; the lower
    index on a tie), the length and the hop count (ground links included); ``-1``/inf/-1
    without a path and on the diagonal.  ``dist_t_km``, ``hops_t`` are ``(sat, gs)``."""
    n_gs = gsl_start.shape[0] - 1
    for src in prange(n_gs):
        best = pair_km[src]
        best_sat = first_sat[src]
        best[:] = np.inf
        best_sat[:] = -1
        for k in range(gsl_start[src], gsl_start[src + 1]):
            s = gsl_sat[k]
            up = gsl_km[k]
            row = dist_t_km[s]
            for dst in range(n_gs):
                total = up + row[dst]
                if total < best[dst] or (total == best[dst] and s < best_sat[dst]):
                    best[dst] = total
                    best_sat[dst] = s
        best[src] = np.inf
        best_sat[src] = -1
        for dst in range(n_gs):
            s = best_sat[dst]
            pair_hops[src, dst] = hops_t[s, dst] + 1 if s >= 0 else -1


@compiled()
def pair_paths(
    src: I64, dst: I64, first_sat: I64, next_arc: I64, nbr: I64, n_sat: int, path: I64
) -> int:
    """Node paths of the pairs ``(src[i], dst[i])`` into ``path`` ``(pair, width)``, -1 padded:
    station ``n_sat + src``, satellites, station ``n_sat + dst``.  Returns the longest length."""
    longest = 0
    width = path.shape[1]
    for i in range(src.shape[0]):
        for j in range(width):
            path[i, j] = -1
        s = first_sat[src[i], dst[i]]
        if s < 0:
            continue
        path[i, 0] = n_sat + src[i]
        n = 1
        while n < width - 1:
            path[i, n] = s
            n += 1
            a = next_arc[dst[i], s]
            if a < 0:
                break
            s = nbr[a]
        path[i, n] = n_sat + dst[i]
        n += 1
        if n > longest:
            longest = n
    return longest
