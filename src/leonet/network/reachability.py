"""Which satellites can hand traffic to the ground, step by step.

The scheduler only gives a terminal a satellite from which its traffic can reach a
gateway.  Two rules, one per kind of network:

- laser modes (:func:`gateway_reachable`): a satellite with a laser path to a satellite
  that an up gateway links to (the graph's gateway links: above each gateway's mask, at
  most its antenna count);
- bent-pipe (:func:`leonet.engine.stages.gateways_in_view`): a satellite that an up
  gateway sees above the gateway's own mask (:func:`gateway_min_elevation_deg`).

Both answer a :class:`Reachability`: ``(time, sat)`` pairs, nothing else.  Each step's
gateway → satellite pairs above the masks (:func:`gateway_links_per_step`) are computed
once per chunk and shared by reachability, the graph and the radio's feeder links.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from leonet.constants import C_KM_S
from leonet.defaults import DEFAULT_GATEWAY_MIN_ELEVATION_DEG
from leonet.ground.sites import Sites
from leonet.network._csr_kernel import csr_order
from leonet.network.graph import GroundNodes, first_links, visible_links
from leonet.network.lasers import LaserLinks

__all__ = [
    "GatewayPairs",
    "Reachability",
    "gateway_links_per_step",
    "gateway_min_elevation_deg",
    "gateway_onward_ms",
    "gateway_reachable",
]

#: One step's gateway → satellite pairs above the masks: ``(gateway, sat, range_km,
#: elevation_deg)``, by gateway then falling elevation (:func:`visible_links`).
GatewayPairs = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]


@dataclass(frozen=True)
class Reachability:
    """The satellites that can reach the ground, per step of a chunk: ``(pair,)`` int32
    ``time_idx`` and ``sat_idx``, sorted by time, with ``offsets`` ``(n_time + 1,)`` int64
    their CSR index (the pairs of step ``t`` are ``offsets[t]:offsets[t + 1]``).  What the
    scheduler takes as ``gateway_vis`` (:class:`leonet.access.scheduler.GatewayAccess`).
    ``ground_ms`` ``(pair,)``, when asked for (:func:`gateway_reachable` ``delays``): each
    pair's shortest one-way propagation delay, ms, from the satellite to a gateway (over
    lasers, then the gateway link) — what the ``shortest-path`` strategy ranks by."""

    n_time: int
    n_sat: int
    offsets: NDArray[np.int64]
    time_idx: NDArray[np.int32]
    sat_idx: NDArray[np.int32]
    ground_ms: NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return int(self.sat_idx.shape[0])

    def step(self, t: int) -> NDArray[np.int32]:
        """The satellites that reach the ground at step ``t``."""
        return self.sat_idx[int(self.offsets[t]) : int(self.offsets[t + 1])]

    def mask(self) -> NDArray[np.bool_]:
        """``(time, sat)``: the satellite reaches the ground at that step."""
        out = np.zeros((self.n_time, self.n_sat), dtype=bool)
        out[self.time_idx, self.sat_idx] = True
        return out

    @classmethod
    def from_pairs(
        cls, time_idx: NDArray[np.integer], sat_idx: NDArray[np.integer], n_time: int, n_sat: int
    ) -> Reachability:
        """From ``(time, sat)`` pairs in any order, repeats allowed."""
        key = np.unique(
            np.asarray(time_idx, dtype=np.int64) * n_sat + np.asarray(sat_idx, dtype=np.int64)
        )
        t = (key // max(n_sat, 1)).astype(np.int32)
        offsets = np.zeros(n_time + 1, dtype=np.int64)
        np.cumsum(np.bincount(t, minlength=n_time), out=offsets[1:])
        return cls(n_time, n_sat, offsets, t, (key % max(n_sat, 1)).astype(np.int32))

    def with_steps(self, steps: NDArray[np.integer], other: Reachability) -> Reachability:
        """This reachability with the pairs (and ``ground_ms``) of ``steps`` ``(k,)``
        (distinct) replaced by ``other``'s, ``other`` being ``k`` steps, one for each: how
        a run writes in the ways to the ground a slot's planning foresees."""
        at = np.asarray(steps, dtype=np.int64).reshape(-1)
        if other.n_time != at.shape[0] or other.n_sat != self.n_sat:
            raise ValueError(
                f"other covers {other.n_time} steps × {other.n_sat} satellites; it must be "
                f"one step for each of the {at.shape[0]} steps, over {self.n_sat} satellites"
            )
        if (self.ground_ms is None) != (other.ground_ms is None):
            raise ValueError("both or neither of the reachabilities must carry ground_ms")
        keep = ~np.isin(self.time_idx, at)
        t = np.concatenate([self.time_idx[keep], at[other.time_idx]])
        sat = np.concatenate([self.sat_idx[keep], other.sat_idx])
        order = np.lexsort((sat, t))
        offsets = np.zeros(self.n_time + 1, dtype=np.int64)
        np.cumsum(np.bincount(t, minlength=self.n_time), out=offsets[1:])
        ms = None
        if self.ground_ms is not None and other.ground_ms is not None:
            ms = np.concatenate([self.ground_ms[keep], other.ground_ms])[order]
        return Reachability(
            self.n_time,
            self.n_sat,
            offsets,
            t[order].astype(np.int32),
            sat[order].astype(np.int32),
            ms,
        )

    @classmethod
    def from_steps(cls, steps: Sequence[NDArray[np.integer]], n_sat: int) -> Reachability:
        """From each step's satellites (sorted, without repeats)."""
        n_time = len(steps)
        counts = np.array([s.shape[0] for s in steps], dtype=np.int64)
        offsets = np.zeros(n_time + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        sat = np.concatenate(steps).astype(np.int32) if n_time else np.zeros(0, np.int32)
        t = np.repeat(np.arange(n_time, dtype=np.int32), counts)
        return cls(n_time, n_sat, offsets, t, sat)


def gateway_min_elevation_deg(gateways: Sites) -> NDArray[np.float64]:
    """Each gateway's elevation mask (deg): its own where known, else
    :data:`~leonet.defaults.DEFAULT_GATEWAY_MIN_ELEVATION_DEG` — the one spelling of the
    gateway mask for the graph, reachability and coverage."""
    mask = np.asarray(gateways.min_elevation_deg, dtype=np.float64)
    return np.where(np.isfinite(mask), mask, DEFAULT_GATEWAY_MIN_ELEVATION_DEG)


def gateway_links_per_step(
    ground: GroundNodes, r_ecef_km: NDArray[np.float64]
) -> list[GatewayPairs]:
    """Each step's ``(gateway, sat, range_km, elevation_deg)`` above the gateways' masks
    (:func:`~leonet.network.visible_links` of ``r_ecef_km`` ``(time, sat, 3)``): computed
    once, for :func:`gateway_reachable`, :func:`~leonet.network.build_graph` and the
    feeder links to share."""
    return [
        visible_links(
            ground.gateway_ecef_km,
            ground.gateway_up,
            ground.gateway_min_elevation_deg,
            r_ecef_km[k],
        )
        for k in range(r_ecef_km.shape[0])
    ]


def gateway_reachable(
    r_ecef_km: NDArray[np.float64],
    lasers: Sequence[LaserLinks],
    ground: GroundNodes,
    gateway_down: NDArray[np.bool_] | None = None,
    gateway_pairs: Sequence[GatewayPairs] | None = None,
    *,
    delays: bool | NDArray[np.bool_] = False,
    onward_ms: NDArray[np.float64] | None = None,
) -> Reachability:
    """Laser reachability: per step, the satellites with a laser path to a satellite that
    a gateway links to; with ``delays`` (``True``, or ``(time,)`` the steps that need
    them, e.g. the scheduler's slot boundaries) also each one's shortest delay to a
    gateway (:attr:`Reachability.ground_ms`, NaN at the other steps: one multi-source
    Dijkstra a step over the lasers).

    ``r_ecef_km`` ``(time, sat, 3)``.  Gateway links are the graph's: above each
    gateway's mask, at most ``gateway_antennas`` per gateway; ``gateway_down``
    ``(time, gw)`` marks gateways out of service.  ``gateway_pairs`` — per step, the
    pairs :func:`gateway_links_per_step` gives — saves the elevation tests when the
    caller has them already.  ``onward_ms`` ``(gw,)``, or ``(time, gw)`` where the PoPs
    in service change: each gateway's delay on to the PoPs (fibre, ms;
    :func:`gateway_onward_ms`), added to the delays so that they run to the PoP, not to
    the gateway (a gateway 2,500 km of fibre from its PoP is no short path); ``inf`` for
    a gateway that cannot reach one.
    """
    n_time, n_sat = r_ecef_km.shape[:2]
    onward = None
    if onward_ms is not None:
        if np.shape(onward_ms) not in ((ground.n_gateways,), (n_time, ground.n_gateways)):
            raise ValueError(
                f"onward_ms must be ({ground.n_gateways},) delays, one per gateway, or "
                f"({n_time}, {ground.n_gateways}), one per step and gateway; "
                f"got shape {np.shape(onward_ms)}"
            )
        onward = np.broadcast_to(np.asarray(onward_ms), (n_time, ground.n_gateways))
    want = np.broadcast_to(np.asarray(delays, dtype=bool), (n_time,))
    steps: list[NDArray[np.int64]] = []
    ground_ms: list[NDArray[np.float64]] = []
    for k in range(n_time):
        if gateway_pairs is None:
            gw, seen, rng, _ = visible_links(
                ground.gateway_ecef_km,
                ground.gateway_up,
                ground.gateway_min_elevation_deg,
                r_ecef_km[k],
                max_links=ground.gateway_antennas,
            )
        else:
            gw, seen, rng = gateway_pairs[k][:3]
            first = first_links(gw, ground.gateway_antennas, len(ground.gateway_antennas))
            gw, seen, rng = gw[first], seen[first], rng[first]
        if gateway_down is not None:
            up = ~gateway_down[k][gw]
            gw, seen, rng = gw[up], seen[up], rng[up]
        links = lasers[k]
        if want[k]:
            extra = None if onward is None else onward[k][gw]
            grounded_sats, ms = _ground_delay_ms(r_ecef_km[k], links, seen, rng, n_sat, extra)
            steps.append(grounded_sats)
            ground_ms.append(ms)
            continue
        a, b = links.sat_a.astype(np.int64), links.sat_b.astype(np.int64)
        order, indptr = csr_order(a, b, np.ones(a.shape[0]), n_sat)  # duplicates merged
        graph = csr_matrix((np.ones(order.shape[0]), b[order], indptr), shape=(n_sat, n_sat))
        n_label, label = connected_components(graph, directed=False)
        grounded = np.zeros(n_label, dtype=bool)
        grounded[label[seen]] = True
        steps.append(np.flatnonzero(grounded[label]))
        ground_ms.append(np.full(steps[-1].shape[0], np.nan))
    out = Reachability.from_steps(steps, n_sat)
    if want.any():
        out = Reachability(
            out.n_time,
            n_sat,
            out.offsets,
            out.time_idx,
            out.sat_idx,
            np.concatenate(ground_ms) if ground_ms else np.zeros(0),
        )
    return out


def gateway_onward_ms(
    ground: GroundNodes,
    pops: NDArray[np.bool_] | None = None,
    pop_up: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """``(gw,)`` each gateway's shortest fibre delay, ms, to one of the PoPs ``pops``
    ``(pop,)`` marks (all where ``None``) over the ground's fibre (gateway → its PoP →
    PoP mesh); ``inf`` where none is reachable.  ``pop_up`` ``(pop,)`` the PoPs in
    service (default all): a down PoP neither ends nor carries a way on (the step's graph
    drops it), and where none of ``pops`` is up any PoP up is a way on (a site whose PoPs
    are all down takes the nearest of the rest).  ``pop_up`` ``(time, pop)`` gives
    ``(time, gw)``: one search per distinct row."""
    n_gw, n_pop = ground.n_gateways, int(ground.pop_lat_deg.shape[0])
    if pop_up is not None and np.ndim(pop_up) == 2:
        rows, which = np.unique(np.asarray(pop_up, dtype=bool), axis=0, return_inverse=True)
        per_row = np.stack([gateway_onward_ms(ground, pops, row) for row in rows])
        return np.asarray(per_row.reshape(-1, n_gw)[np.asarray(which).reshape(-1)])
    up = np.ones(n_pop, dtype=bool) if pop_up is None else np.asarray(pop_up, dtype=bool)
    wanted = up if pops is None else np.asarray(pops, dtype=bool) & up
    targets = np.flatnonzero(wanted if wanted.any() else up)
    if n_gw == 0 or targets.size == 0:
        return np.full(n_gw, np.inf)
    n = n_gw + n_pop
    alive = np.concatenate([np.ones(n_gw, dtype=bool), up])
    keep = alive[ground.terrestrial_a] & alive[ground.terrestrial_b]
    a, b = ground.terrestrial_a[keep], ground.terrestrial_b[keep]
    w = np.maximum(ground.terrestrial_delay_ms[keep], 1e-12)
    graph = csr_matrix(
        (np.concatenate([w, w]), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)
    )
    dist = dijkstra(graph, directed=True, indices=n_gw + targets, min_only=True)
    return np.asarray(dist[:n_gw], dtype=np.float64)


def _ground_delay_ms(
    r_ecef_km: NDArray[np.float64],
    links: LaserLinks,
    seen: NDArray[np.int64],
    range_km: NDArray[np.float64],
    n_sat: int,
    onward_ms: NDArray[np.float64] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The satellites with a laser path to a gateway-linked satellite (sorted) and each
    one's shortest one-way delay to a gateway, ms: Dijkstra from a virtual source joined
    to the gateway-linked satellites by their gateway links' delays (plus ``onward_ms``
    ``(link,)``, the gateway's onward delay, where given)."""
    a, b = links.sat_a.astype(np.int64), links.sat_b.astype(np.int64)
    ms_per_km = 1000.0 / C_KM_S
    laser_ms = np.linalg.norm(r_ecef_km[a] - r_ecef_km[b], axis=1) * ms_per_km
    src = np.full(seen.shape[0], n_sat, dtype=np.int64)
    rows = np.concatenate([a, b, src])
    cols = np.concatenate([b, a, np.asarray(seen, dtype=np.int64)])
    down_ms = np.asarray(range_km) * ms_per_km
    if onward_ms is not None:
        # A gateway without a way on still lands the traffic (reachable), only last.
        down_ms = down_ms + np.where(np.isfinite(onward_ms), onward_ms, 1e6)
    w = np.concatenate([laser_ms, laser_ms, down_ms])
    w = np.maximum(w, 1e-9)  # a zero weight would read as no edge
    # Repeated (row, col) pairs (two gateways on one satellite): keep the shortest, as a
    # path would (a sparse matrix would add them up).
    order = np.lexsort((w, cols, rows))
    rows, cols, w = rows[order], cols[order], w[order]
    first = np.ones(rows.shape[0], dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
    graph = csr_matrix((w[first], (rows[first], cols[first])), shape=(n_sat + 1, n_sat + 1))
    dist = np.asarray(dijkstra(graph, directed=True, indices=n_sat), dtype=np.float64)[:n_sat]
    ok = np.flatnonzero(np.isfinite(dist))
    return ok, dist[ok]
