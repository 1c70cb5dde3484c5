"""The chunked runners that join the layers over a time window: coverage, routes, and
the scenario run (leonet's main job), on one set of shared stages (:mod:`.stages`)."""

from leonet.engine.chunks import ScenarioRun
from leonet.engine.coverage import CoverageResult, coverage_chunk_steps, run_coverage
from leonet.engine.pipeline import WorkerError
from leonet.engine.route import (
    ACCESS_MODES,
    ROUTE_REASONS,
    RouteSeries,
    route_chunk_steps,
    run_routes,
)
from leonet.engine.run import RunState, RunSummary, run_scenario
from leonet.results.tables import REASONS

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
    "coverage_chunk_steps",
    "route_chunk_steps",
    "run_coverage",
    "run_routes",
    "run_scenario",
]
