"""The chunked runners that join the layers over a time window."""

from leonet.engine.coverage import CoverageResult, coverage_chunk_steps, run_coverage
from leonet.engine.route import (
    ACCESS_MODES,
    ROUTE_REASONS,
    RouteSeries,
    constellation_candidates,
    find_pop,
    ground_nodes,
    route_chunk_steps,
    run_routes,
    select_ground,
)

__all__ = [
    "ACCESS_MODES",
    "ROUTE_REASONS",
    "CoverageResult",
    "RouteSeries",
    "constellation_candidates",
    "coverage_chunk_steps",
    "find_pop",
    "ground_nodes",
    "route_chunk_steps",
    "run_coverage",
    "run_routes",
    "select_ground",
]
