"""A fixed routing workload and its timing, leonet against networkx, for benchmarks.

:func:`routing_workload` builds ~10,000 satellites (six closed-form Walker
shells, +Grid lasers), 45 gateways, 15 PoPs and 50 terminals at seeded
random places.  :func:`time_leonet_step` and :func:`time_networkx_step` time
the same per-step routing — every terminal to its nearest PoP, lasers mode,
with full paths — in seconds per step:

* leonet: laser masking + graph construction (visibility included) + one
  multi-source Dijkstra + vectorised path extraction;
* networkx: the graph built from leonet's edge list (visibility and lasers
  are not charged to it) + ``multi_source_dijkstra`` on the reversed graph +
  the terminals' paths, timed apart so that Dijkstra can be compared alone.

networkx is imported only when its timing is asked for (it is a test
dependency, not a runtime one).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leonet.network.graph import GroundNodes, NetworkGraph, build_graph
from leonet.network.lasers import LaserCandidates, plus_grid_candidates, plus_grid_links
from leonet.network.routing import Routes, route_to_pops
from support.circular import walker_delta_ecef_km

__all__ = [
    "BENCHMARK_SHELLS",
    "RoutingWorkload",
    "leonet_step",
    "networkx_graph",
    "networkx_routes",
    "networkx_step",
    "routing_workload",
    "time_leonet_step",
    "time_networkx_step",
]

#: (altitude_km, inclination_deg, planes, sats_per_plane, phasing): 9,900 satellites.
BENCHMARK_SHELLS: tuple[tuple[float, float, int, int, int], ...] = (
    (550.0, 53.0, 72, 22, 17),
    (540.0, 53.2, 72, 22, 17),
    (570.0, 70.0, 36, 20, 11),
    (560.0, 97.6, 6, 58, 1),
    (525.0, 53.0, 28, 120, 1),
    (535.0, 33.0, 48, 48, 1),
)


@dataclass(frozen=True)
class RoutingWorkload:
    """Positions ``r_ecef_km`` ``(time, sat, 3)`` ECEF km, +Grid candidates and ground nodes."""

    r_ecef_km: NDArray[np.float64]
    candidates: LaserCandidates
    ground: GroundNodes

    @property
    def n_sats(self) -> int:
        return int(self.r_ecef_km.shape[1])


def routing_workload(
    steps: int = 3,
    step_s: float = 1.0,
    n_gateways: int = 45,
    n_pops: int = 15,
    n_terminals: int = 50,
    seed: int = 0,
) -> RoutingWorkload:
    """The fixed workload (same ``seed`` → same numbers)."""
    t_s = np.arange(steps) * step_s
    parts, shells, planes, slots = [], [], [], []
    for k, (alt, inc, p, s, f) in enumerate(BENCHMARK_SHELLS):
        r, plane, slot = walker_delta_ecef_km(alt, inc, p, s, f, t_s, raan0_deg=7.0 * k)
        parts.append(r)
        shells.append(np.full(plane.shape, k))
        planes.append(plane)
        slots.append(slot)
    r_all = np.concatenate(parts, axis=1)
    cand = plus_grid_candidates(
        np.concatenate(shells),
        np.concatenate(planes),
        np.concatenate(slots),
        phasing=[s[4] for s in BENCHMARK_SHELLS],
    )
    rng = np.random.default_rng(seed)

    def places(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        lat = np.rad2deg(np.arcsin(rng.uniform(np.sin(np.deg2rad(-50)), np.sin(np.deg2rad(60)), n)))
        return lat, rng.uniform(-180.0, 180.0, n)

    g_lat, g_lon = places(n_gateways)
    p_lat, p_lon = places(n_pops)
    t_lat, t_lon = places(n_terminals)
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=g_lat,
        gateway_lon_deg=g_lon,
        gateway_antennas=8,
        pop_lat_deg=p_lat,
        pop_lon_deg=p_lon,
        terminal_lat_deg=t_lat,
        terminal_lon_deg=t_lon,
    )
    return RoutingWorkload(r_all, cand, ground)


def leonet_step(
    work: RoutingWorkload, step: int, previous: Routes | None = None
) -> tuple[NetworkGraph, Routes]:
    """One step with leonet: lasers, graph, nearest-PoP routes."""
    r = work.r_ecef_km[step]
    graph = build_graph(r, work.ground, mode="lasers", lasers=plus_grid_links(work.candidates, r))
    return graph, route_to_pops(graph, previous=previous)


def networkx_graph(graph: NetworkGraph) -> object:
    """``graph`` as a reversed networkx DiGraph (search from the PoPs towards the terminals)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(graph.layout.n_nodes))
    coo = graph.csr.tocoo()
    g.add_weighted_edges_from(
        zip(coo.col.tolist(), coo.row.tolist(), coo.data.tolist(), strict=True)
    )
    return g


def networkx_routes(graph: NetworkGraph, g: object) -> tuple[dict[object, float], list[list[int]]]:
    """Nearest-PoP distances and terminal paths by networkx on ``g`` (:func:`networkx_graph`)."""
    import networkx as nx

    pops = set(range(graph.layout.pop0, graph.layout.terminal0))
    dist, paths = nx.multi_source_dijkstra(g, pops)
    terminals = range(graph.layout.terminal0, graph.layout.n_nodes)
    return dist, [paths[t][::-1] if t in paths else [] for t in terminals]


def networkx_step(graph: NetworkGraph) -> tuple[dict[object, float], list[list[int]]]:
    """The same routing with networkx from ``graph``'s edges: distances and terminal paths."""
    return networkx_routes(graph, networkx_graph(graph))


def _best_of(func: object, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        began = time.perf_counter()
        func()  # type: ignore[operator]
        best = min(best, time.perf_counter() - began)
    return float(best)


def time_leonet_step(work: RoutingWorkload, repeats: int = 3) -> dict[str, float]:
    """Seconds per step (best of ``repeats`` over the workload's steps), by stage."""
    steps = work.r_ecef_km.shape[0]

    def lasers() -> None:
        for s in range(steps):
            plus_grid_links(work.candidates, work.r_ecef_km[s])

    links = [plus_grid_links(work.candidates, work.r_ecef_km[s]) for s in range(steps)]

    def graphs() -> None:
        for s in range(steps):
            build_graph(work.r_ecef_km[s], work.ground, mode="lasers", lasers=links[s])

    built = [
        build_graph(work.r_ecef_km[s], work.ground, mode="lasers", lasers=links[s])
        for s in range(steps)
    ]

    def routes() -> None:
        for g in built:
            route_to_pops(g)

    def total() -> None:
        previous = None
        for s in range(steps):
            previous = leonet_step(work, s, previous)[1]

    return {
        "lasers_s": _best_of(lasers, repeats) / steps,
        "graph_s": _best_of(graphs, repeats) / steps,
        "routing_s": _best_of(routes, repeats) / steps,
        "step_s": _best_of(total, repeats) / steps,
    }


def time_networkx_step(work: RoutingWorkload, repeats: int = 1) -> dict[str, float]:
    """Seconds per step with networkx: ``graph_s`` (DiGraph from the edge list), ``routing_s``
    (multi-source Dijkstra + paths) and ``step_s`` (both)."""
    steps = work.r_ecef_km.shape[0]
    built = [leonet_step(work, s)[0] for s in range(steps)]
    graphs = [networkx_graph(g) for g in built]

    def build() -> None:
        for g in built:
            networkx_graph(g)

    def route() -> None:
        for g, nxg in zip(built, graphs, strict=True):
            networkx_routes(g, nxg)

    graph_s = _best_of(build, repeats) / steps
    routing_s = _best_of(route, repeats) / steps
    return {"graph_s": graph_s, "routing_s": routing_s, "step_s": graph_s + routing_s}
