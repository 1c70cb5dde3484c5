"""The chunked runners that join the layers over a time window: coverage, routes, and
the scenario run (leonet's main job), on one set of shared stages (:mod:`.stages`)."""

from leonet.engine.checkpoint import (
    CarriedState,
    CheckpointWriter,
    input_digests,
    state_from_arrays,
    state_to_arrays,
    verify_inputs,
)
from leonet.engine.chunks import ScenarioRun
from leonet.engine.coverage import (
    CoverageFrames,
    CoverageResult,
    coverage_chunk_steps,
    run_coverage,
)
from leonet.engine.failover import FailoverState, failover, steps_for
from leonet.engine.limits import (
    DEFAULT_LIMITS,
    CostLimitError,
    RunCost,
    RunLimits,
    check_cost,
    estimate_cost,
    scenario_cost,
)
from leonet.engine.pipeline import WorkerError
from leonet.engine.pop_sets import country_rule_applies, site_pop_mask
from leonet.engine.route import (
    ACCESS_MODES,
    RouteSeries,
    route_chunk_steps,
    run_routes,
)
from leonet.engine.run import RunState, RunSummary, run_scenario
from leonet.engine.setup import RunSites
from leonet.engine.stages import (
    CHUNK_MAX_STEPS,
    CHUNK_PAIRS,
    CHUNK_SAT_STEPS,
    VISIBLE_PER_SITE,
    ChunkWindow,
    SatellitePositions,
    chunk_steps,
    chunk_window,
    chunk_windows,
    gateways_in_view,
    lookahead_steps,
    schedule_chunk,
    site_visibility,
)
from leonet.engine.static import write_static
from leonet.engine.steps import StepRunner
from leonet.engine.systems import SystemsRunSummary, combine_systems, run_systems, system_dir

__all__ = [
    "ACCESS_MODES",
    "CHUNK_MAX_STEPS",
    "CHUNK_PAIRS",
    "CHUNK_SAT_STEPS",
    "DEFAULT_LIMITS",
    "VISIBLE_PER_SITE",
    "CarriedState",
    "CheckpointWriter",
    "ChunkWindow",
    "CostLimitError",
    "CoverageFrames",
    "CoverageResult",
    "FailoverState",
    "RouteSeries",
    "RunCost",
    "RunLimits",
    "RunSites",
    "RunState",
    "RunSummary",
    "SatellitePositions",
    "ScenarioRun",
    "StepRunner",
    "SystemsRunSummary",
    "WorkerError",
    "check_cost",
    "chunk_steps",
    "chunk_window",
    "chunk_windows",
    "combine_systems",
    "country_rule_applies",
    "coverage_chunk_steps",
    "estimate_cost",
    "failover",
    "gateways_in_view",
    "input_digests",
    "lookahead_steps",
    "route_chunk_steps",
    "run_coverage",
    "run_routes",
    "run_scenario",
    "run_systems",
    "scenario_cost",
    "schedule_chunk",
    "site_pop_mask",
    "site_visibility",
    "state_from_arrays",
    "state_to_arrays",
    "steps_for",
    "system_dir",
    "verify_inputs",
    "write_static",
]
