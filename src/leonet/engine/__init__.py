"""The chunked runners that join the layers over a time window: coverage, routes, and
the scenario run (leonet's main job)."""

from leonet.engine.coverage import CoverageResult, coverage_chunk_steps, run_coverage
from leonet.engine.pipeline import WorkerError
from leonet.engine.route import (
    ACCESS_MODES,
    ROUTE_REASONS,
    RouteSeries,
    constellation_candidates,
    find_pop,
    gateway_links_per_step,
    gateway_reachable,
    ground_nodes,
    route_chunk_steps,
    run_routes,
    select_ground,
)
from leonet.engine.run import REASONS, RunState, RunSummary, ScenarioRun, run_scenario

__all__ = [
    "ACCESS_MODES",
    "REASONS",
    "ROUTE_REASONS",
    "CoverageResult",
    "RouteSeries",
    "RunState",
    "RunSummary",
    "ScenarioRun",
    "WorkerError",
    "constellation_candidates",
    "coverage_chunk_steps",
    "find_pop",
    "gateway_links_per_step",
    "gateway_reachable",
    "ground_nodes",
    "route_chunk_steps",
    "run_coverage",
    "run_routes",
    "run_scenario",
    "select_ground",
]
