"""Network layer: laser topology, the per-step graph, shortest-delay routing and all-pairs
forwarding state over a fixed ISL list."""

from __future__ import annotations

from leonet.network.allpairs import AllPairs, Forwarding, IslGraph, all_pairs, ground_links
from leonet.network.graph import (
    EDGE_KINDS,
    MODES,
    AccessMode,
    GroundNodes,
    Mode,
    NetworkGraph,
    NodeLayout,
    build_graph,
    edge_weight_ms,
    fibre_delay_ms,
    first_links,
    visible_links,
)
from leonet.network.ground_nodes import ground_nodes
from leonet.network.lasers import (
    LaserCandidates,
    LaserLinks,
    constellation_candidates,
    line_of_sight_clear,
    nearest_neighbour_links,
    plus_grid_candidates,
    plus_grid_links,
    plus_grid_links_chunk,
    satellites_in_planes,
)
from leonet.network.latency import (
    IDLE_TERMS,
    TERMS,
    LatencyParameters,
    path_counts,
    since_slot_start_s,
    tree_counts,
    utilisation,
)
from leonet.network.reachability import (
    GatewayPairs,
    Reachability,
    gateway_links_per_step,
    gateway_min_elevation_deg,
    gateway_reachable,
)
from leonet.network.routing import (
    PopPolicy,
    Routes,
    path_changed,
    route_pairs,
    route_to_pops,
    search_limit_ms,
)

__all__ = [
    "EDGE_KINDS",
    "IDLE_TERMS",
    "MODES",
    "TERMS",
    "AccessMode",
    "AllPairs",
    "Forwarding",
    "GatewayPairs",
    "GroundNodes",
    "IslGraph",
    "LaserCandidates",
    "LaserLinks",
    "LatencyParameters",
    "Mode",
    "NetworkGraph",
    "NodeLayout",
    "PopPolicy",
    "Reachability",
    "Routes",
    "all_pairs",
    "build_graph",
    "constellation_candidates",
    "edge_weight_ms",
    "fibre_delay_ms",
    "first_links",
    "gateway_links_per_step",
    "gateway_min_elevation_deg",
    "gateway_reachable",
    "ground_links",
    "ground_nodes",
    "line_of_sight_clear",
    "nearest_neighbour_links",
    "path_changed",
    "path_counts",
    "plus_grid_candidates",
    "plus_grid_links",
    "plus_grid_links_chunk",
    "route_pairs",
    "route_to_pops",
    "satellites_in_planes",
    "search_limit_ms",
    "since_slot_start_s",
    "tree_counts",
    "utilisation",
    "visible_links",
]
