"""All-pairs shortest paths between ground stations over a fixed ISL list, and the
forwarding state that realises them (Hypatia's model).

The model is that of Hypatia's ``algorithm_free_one_only_over_isls``
(Kassing et al., IMC 2020): satellites are joined by a fixed list of
inter-satellite links (:class:`IslGraph`); a ground station links to every
satellite within a maximum slant range; ground stations never relay, so a
path is *station → satellite → … → satellite → station*; edge weights are
straight-line lengths, so the shortest path is the least-delay one.

:func:`all_pairs` does, at one instant:

* the ground links within range (compiled, every station × satellite);
* one Dijkstra per destination station over the ISL graph, seeded with the
  satellites in its range at their ground-link length (compiled, stations in
  parallel): every satellite's distance to every station and its next hop.
  The queue is a ring of buckets as wide as the shortest ISL (Dinitz's
  algorithm: every node of the current bucket is final, no heap), or a
  binary heap where that would take more than 4,096 buckets;
* each station pair's first satellite — the one in range of the source with
  the least ground link + distance (compiled).

That is the whole forwarding state (:meth:`AllPairs.forwarding`): for every
satellite and destination station the next hop (a satellite, or the station)
and the interfaces, numbered as Hypatia numbers them (a satellite's ISL
interfaces in the order its links appear in the list, then its one ground
interface; a station's one interface is 0).  Hypatia computes the same with
a Floyd–Warshall over the satellites (O(n³)); here it is O(stations × ISLs
log satellites).  Exact ties between path lengths (measure zero with real
geometry) may be broken differently.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import C_KM_S
from leonet.network import _allpairs_kernel as kernel

__all__ = ["AllPairs", "Forwarding", "IslGraph", "all_pairs", "ground_links"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

#: Most buckets (longest link over shortest ISL) for the bucket-queue search; beyond, a heap.
_MAX_BUCKETS = 4096


@dataclass(frozen=True)
class IslGraph:
    """A fixed, undirected ISL list as a CSR graph of directed arcs.

    ``isl_a``, ``isl_b`` ``(isl,)`` the links as listed; ``indptr``
    ``(sat + 1,)``, ``nbr`` ``(arc,)`` head of each arc (two arcs per link),
    ``arc_isl`` its link, ``rev`` the opposite arc, ``arc_if`` the interface
    of the arc's tail satellite (Hypatia's numbering); ``isls_per_sat``
    ``(sat,)`` (a satellite's ground interface number).
    """

    n_sats: int
    isl_a: I64
    isl_b: I64
    indptr: I64
    nbr: I64
    arc_isl: I64
    rev: I64
    arc_if: I64
    isls_per_sat: I64

    @classmethod
    def from_isls(cls, n_sats: int, isl_a: ArrayLike, isl_b: ArrayLike) -> IslGraph:
        """Build the graph; the links must be distinct pairs of distinct satellites."""
        a = np.asarray(isl_a, dtype=np.int64).reshape(-1)
        b = np.asarray(isl_b, dtype=np.int64).reshape(-1)
        if a.shape != b.shape:
            raise ValueError(f"isl_a and isl_b must pair up, got {a.shape} and {b.shape}")
        if a.size and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= n_sats):
            raise ValueError(f"ISL endpoints must be satellite indices in 0..{n_sats - 1}")
        if (a == b).any():
            k = int(np.flatnonzero(a == b)[0])
            raise ValueError(f"ISL {k} joins satellite {int(a[k])} to itself")
        n_isl = a.shape[0]
        # Directed arcs in list order: (a→b, b→a) per link; the tail's interface counts
        # the tail's appearances so far (Hypatia's sat_neighbor_to_if).
        tail = np.stack([a, b], axis=1).reshape(-1)
        head = np.stack([b, a], axis=1).reshape(-1)
        order = np.argsort(tail, kind="stable")
        counts = np.bincount(tail, minlength=n_sats).astype(np.int64)
        first = np.cumsum(counts) - counts
        rank = np.empty(2 * n_isl, dtype=np.int64)
        rank[order] = np.arange(2 * n_isl) - np.repeat(first, counts)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        position = np.empty(2 * n_isl, dtype=np.int64)  # arc (list order) → CSR slot
        position[order] = np.arange(2 * n_isl)
        nbr = head[order]
        arc_isl = (np.arange(2 * n_isl) // 2)[order]
        rev = position[(order ^ 1)]
        arc_if = rank[order]
        return cls(
            n_sats,
            a,
            b,
            indptr,
            nbr.astype(np.int64),
            arc_isl.astype(np.int64),
            rev.astype(np.int64),
            arc_if.astype(np.int64),
            counts,
        )

    @property
    def n_isls(self) -> int:
        return int(self.isl_a.shape[0])

    def isl_length_km(self, r_sat_km: ArrayLike) -> F64:
        """``(isl,)`` length of each link at positions ``r_sat_km`` ``(sat, 3)`` km."""
        r = np.asarray(r_sat_km, dtype=np.float64)
        return np.asarray(np.linalg.norm(r[self.isl_a] - r[self.isl_b], axis=-1))


@dataclass(frozen=True)
class Forwarding:
    """Forwarding state in Hypatia's row order, all arrays ``(row,)``.

    Rows: every satellite (ascending) × every destination station, then
    every source station × every other destination station.  ``node`` and
    ``destination`` are Hypatia node ids (satellites ``0..n_sat-1``,
    stations ``n_sat + gid``); ``next_hop``, ``my_if``, ``next_if`` are
    ``-1`` where there is no path.
    """

    node: I64
    destination: I64
    next_hop: I64
    my_if: I64
    next_if: I64

    def __len__(self) -> int:
        return int(self.node.shape[0])


@dataclass(frozen=True)
class AllPairs:
    """Shortest paths at one instant (see the module docstring).

    ``dist_km`` ``(gs, sat)`` each satellite's path length to each station,
    last ground link included (inf: none); ``next_arc`` ``(gs, sat)`` the
    CSR arc of its first hop (``-1`` the station itself, ``-2`` no path);
    ``hops`` ``(gs, sat)`` edges to the station; ``first_sat`` ``(gs, gs)``
    the first satellite from ``src`` to ``dst`` (-1 none and on the
    diagonal), ``pair_km`` the path length, ``pair_hops`` its edges (ground
    links included); ``gsl_start`` ``(gs + 1,)``, ``gsl_sat``, ``gsl_km``
    the ground links in range, by station.
    """

    graph: IslGraph
    dist_km: F64
    next_arc: I64
    hops: I64
    first_sat: I64
    pair_km: F64
    pair_hops: I64
    gsl_start: I64
    gsl_sat: I64
    gsl_km: F64

    @property
    def n_gs(self) -> int:
        return int(self.first_sat.shape[0])

    @property
    def rtt_ms(self) -> F64:
        """``(gs, gs)`` round-trip time, ms: twice the path at the speed of light."""
        return 2.0 * self.pair_km / C_KM_S * 1e3

    def next_hop(self) -> I64:
        """``(gs, sat)`` next node of each satellite towards each station (Hypatia ids), -1 none."""
        n_sat = self.graph.n_sats
        station = n_sat + np.arange(self.n_gs, dtype=np.int64)[:, None]
        via = _at(self.graph.nbr, np.maximum(self.next_arc, 0))
        return np.where(self.next_arc >= 0, via, np.where(self.next_arc == -1, station, -1)).astype(
            np.int64
        )

    def forwarding(self, previous: AllPairs | None = None) -> Forwarding:
        """The forwarding state (:class:`Forwarding`, Hypatia's rows and interfaces): every
        row, or with ``previous`` (the step before, same set-up) only the rows that changed."""
        g = self.graph
        n_sat, n_gs = g.n_sats, self.n_gs
        arc_t = self.next_arc.T  # satellite-major rows
        if previous is None:
            sat, dst_gid = np.divmod(np.arange(n_sat * n_gs, dtype=np.int64), n_gs)
        else:
            if previous.next_arc.shape != self.next_arc.shape:
                raise ValueError("previous all-pairs state has another shape: same set-up needed")
            sat, dst_gid = np.nonzero(arc_t != previous.next_arc.T)
        arc = arc_t[sat, dst_gid]
        safe = np.maximum(arc, 0)
        isl = arc >= 0
        down = arc == -1
        sat_next = np.where(isl, _at(g.nbr, safe), np.where(down, n_sat + dst_gid, -1))
        sat_my = np.where(isl, _at(g.arc_if, safe), np.where(down, g.isls_per_sat[sat], -1))
        sat_nif = np.where(isl, _at(g.arc_if, _at(g.rev, safe)), np.where(down, 0, -1))
        off_diagonal = ~np.eye(n_gs, dtype=bool)
        if previous is not None:
            off_diagonal &= self.first_sat != previous.first_sat
        src, dst = np.nonzero(off_diagonal)
        first = self.first_sat[src, dst]
        ok = first >= 0
        gs_next = np.where(ok, first, -1)
        gs_my = np.where(ok, 0, -1)
        gs_nif = np.where(ok, g.isls_per_sat[np.maximum(first, 0)], -1)
        return Forwarding(
            node=np.concatenate([sat, n_sat + src]).astype(np.int64),
            destination=np.concatenate([n_sat + dst_gid, n_sat + dst]).astype(np.int64),
            next_hop=np.concatenate([sat_next, gs_next]).astype(np.int64),
            my_if=np.concatenate([sat_my, gs_my]).astype(np.int64),
            next_if=np.concatenate([sat_nif, gs_nif]).astype(np.int64),
        )

    def paths(self, src: ArrayLike, dst: ArrayLike, width: int = 64, trim: bool = True) -> I64:
        """``(pair, longest)`` node paths (Hypatia ids, -1 padded) of station pairs;
        ``trim=False`` keeps the width (at least ``width``) for comparing steps."""
        s = np.asarray(src, dtype=np.int64).reshape(-1)
        d = np.asarray(dst, dtype=np.int64).reshape(-1)
        out = np.empty((s.shape[0], width), dtype=np.int64)
        longest = kernel.pair_paths(
            s, d, self.first_sat, self.next_arc, self.graph.nbr, self.graph.n_sats, out
        )
        if longest >= width:  # a path longer than the buffer: redo with room
            return self.paths(s, d, width=4 * width, trim=trim)
        return out[:, : max(longest, 1)] if trim else out


def _at(values: I64, index: I64) -> I64:
    """``values[index]``, zeros where there are no values (a graph without ISLs)."""
    return values[index] if values.size else np.zeros(np.shape(index), dtype=np.int64)


def ground_links(
    r_gs_km: ArrayLike, r_sat_km: ArrayLike, max_range_km: float
) -> tuple[I64, I64, F64]:
    """Ground links within ``max_range_km`` (inclusive): ``(start (gs + 1,), sat, length_km)``,
    CSR by station, satellites ascending.  NaN satellites are never in range."""
    gs = np.ascontiguousarray(r_gs_km, dtype=np.float64).reshape(-1, 3)
    sats = np.ascontiguousarray(r_sat_km, dtype=np.float64).reshape(-1, 3)
    start = np.zeros(gs.shape[0] + 1, dtype=np.int64)
    room = gs.shape[0] * sats.shape[0]
    sat_idx = np.empty(room, dtype=np.int64)
    length = np.empty(room, dtype=np.float64)
    total = kernel.gsl_lengths(gs, sats, float(max_range_km), start, sat_idx, length)
    return start, sat_idx[:total].copy(), length[:total].copy()


def all_pairs(
    graph: IslGraph,
    r_sat_km: ArrayLike,
    r_gs_km: ArrayLike,
    gsl_max_range_km: float,
) -> AllPairs:
    """Shortest paths between all station pairs over ``graph`` at one instant.

    ``r_sat_km`` ``(sat, 3)`` and ``r_gs_km`` ``(gs, 3)`` in one Earth-fixed
    frame, km; a ground link exists where the slant range is at most
    ``gsl_max_range_km``.  Every ISL of ``graph`` is used as given (its
    length is its weight); a satellite with NaN position has no ground link
    (its ISLs then have NaN length and are never taken).
    """
    r = np.ascontiguousarray(r_sat_km, dtype=np.float64)
    if r.shape != (graph.n_sats, 3):
        raise ValueError(f"r_sat_km must be ({graph.n_sats}, 3), got {r.shape}")
    gsl_start, gsl_sat, gsl_km = ground_links(r_gs_km, r, gsl_max_range_km)
    n_gs = gsl_start.shape[0] - 1
    arc_km = graph.isl_length_km(r)[graph.arc_isl]
    arc_km = np.where(np.isnan(arc_km), np.inf, arc_km)
    dist = np.empty((n_gs, graph.n_sats))
    next_arc = np.empty((n_gs, graph.n_sats), dtype=np.int64)
    hops = np.empty((n_gs, graph.n_sats), dtype=np.int64)
    finite = arc_km[np.isfinite(arc_km)]
    width = float(finite.min()) * (1.0 - 1e-9) if finite.size else 0.0
    longest = max(
        float(finite.max()) if finite.size else 0.0, float(gsl_km.max()) if gsl_km.size else 0.0
    )
    n_slots = int(np.ceil(longest / width)) + 2 if width > 0.0 else 0
    if 0 < n_slots <= _MAX_BUCKETS:
        kernel.per_destination_buckets(
            graph.indptr,
            graph.nbr,
            graph.rev,
            arc_km,
            gsl_start,
            gsl_sat,
            gsl_km,
            width,
            n_slots,
            dist,
            next_arc,
            hops,
        )
    else:  # no ISL, or one so short against the longest link that buckets would not pay
        kernel.per_destination(
            graph.indptr,
            graph.nbr,
            graph.rev,
            arc_km,
            gsl_start,
            gsl_sat,
            gsl_km,
            dist,
            next_arc,
            hops,
        )
    first = np.empty((n_gs, n_gs), dtype=np.int64)
    pair_km = np.empty((n_gs, n_gs))
    pair_hops = np.empty((n_gs, n_gs), dtype=np.int64)
    kernel.source_choice(
        gsl_start,
        gsl_sat,
        gsl_km,
        np.ascontiguousarray(dist.T),
        np.ascontiguousarray(hops.T),
        first,
        pair_km,
        pair_hops,
    )
    return AllPairs(
        graph, dist, next_arc, hops, first, pair_km, pair_hops, gsl_start, gsl_sat, gsl_km
    )
