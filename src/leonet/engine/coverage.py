"""The coverage run: which satellite serves each cell and terminal, step by step.

For every time chunk the shared stages (:mod:`leonet.engine.stages`): propagate the
satellites in service (with lookahead steps when the scheduler's strategy needs them),
find the satellites above each site's mask (sparse, spatially culled), let the 15-second
scheduler pick the serving satellite (bent-pipe: only satellites that an up gateway sees),
then fold the chunk into streaming per-site and per-region accumulators.  Only the
scheduler state and the accumulators cross chunk boundaries, so memory is bounded by the
chunk size and a chunked run equals a single pass.  Satellites outside every shell
(orbit raising, deorbiting) do not serve, as in ``leonet run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from leonet.access.masks import satellite_min_elevation_deg
from leonet.access.metrics import (
    RegionCoverage,
    RegionCoverageAccumulator,
    SiteMetrics,
    SiteMetricsAccumulator,
)
from leonet.access.scheduler import SchedulerConfig, SchedulerState
from leonet.engine.stages import (
    SatellitePositions,
    chunk_windows,
    gateways_in_view,
    lookahead_steps,
    schedule_chunk,
    site_visibility,
)
from leonet.engine.stages import chunk_steps as chunk_steps_of
from leonet.ground.sites import Sites
from leonet.space.constellation import Constellation
from leonet.timegrid import TimeGrid

__all__ = ["CoverageResult", "coverage_chunk_steps", "run_coverage"]


@dataclass(frozen=True)
class CoverageResult:
    """What a coverage run measured.

    ``sites`` are the cells followed by the named terminals; ``metrics`` holds
    ``(site,)`` arrays in that order; ``region`` the area coverage of the first
    ``n_cells`` sites (weighted by cell area when ``cell_area_km2`` was given).
    """

    sites: Sites
    n_cells: int
    metrics: SiteMetrics
    region: RegionCoverage
    grid: TimeGrid
    constellation: str
    satellites: int
    failed_satellites: int
    elapsed_s: float

    @property
    def seconds_per_step(self) -> float:
        return self.elapsed_s / self.grid.count


def coverage_chunk_steps(n_sites: int, n_sats: int) -> int:
    """Steps per chunk of a coverage run: :func:`leonet.engine.stages.chunk_steps`."""
    return chunk_steps_of(n_sites, n_sats, 0)


def run_coverage(  # noqa: PLR0913 — keyword-only options with defaults
    constellation: Constellation,
    sites: Sites,
    grid: TimeGrid,
    *,
    n_cells: int | None = None,
    cell_area_km2: np.ndarray | None = None,
    scheduler: SchedulerConfig | None = None,
    gateways: Sites | None = None,
    min_elevation_deg: float | None = None,
    chunk_steps: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> CoverageResult:
    """Serve ``sites`` from ``constellation`` over ``grid`` and measure coverage.

    ``n_cells`` — the first ``n_cells`` sites are region cells (default: all);
    ``min_elevation_deg`` overrides every shell's mask (sites with their own
    finite mask keep it); ``gateways`` turns on bent-pipe mode (a serving
    satellite must see a gateway above the gateway's mask); ``progress`` is
    called with the number of steps finished after each chunk.
    """
    config = scheduler or SchedulerConfig()
    n_cells = len(sites) if n_cells is None else int(n_cells)
    if not 0 <= n_cells <= len(sites):
        raise ValueError(f"n_cells={n_cells} must be between 0 and the {len(sites)} sites")
    if min_elevation_deg is not None and not (-90.0 < min_elevation_deg < 90.0):
        raise ValueError(f"min_elevation_deg={min_elevation_deg} must lie in (-90°, 90°)")
    sat_mask = (
        satellite_min_elevation_deg(constellation)
        if min_elevation_deg is None
        else np.full(constellation.size, float(min_elevation_deg))
    )
    steps = chunk_steps or chunk_steps_of(
        len(sites), constellation.size, round(grid.step_s * 1e9), round(config.slot_s * 1e9)
    )
    positions = SatellitePositions(constellation)
    site_acc = SiteMetricsAccumulator(len(sites), grid.step_s)
    region_acc = RegionCoverageAccumulator(
        np.zeros(n_cells, dtype=np.int64), n_region=1, cell_weight=cell_area_km2
    )
    state: SchedulerState | None = None
    began = time.perf_counter()
    for window in chunk_windows(grid, steps, lookahead_steps(config, grid.step_s)):
        r = positions(window.grid)
        vis = site_visibility(r, constellation, sat_mask, sites)
        gateway_vis = None if gateways is None else gateways_in_view(r, gateways)
        result = schedule_chunk(vis, window, config, state, gateway_vis)
        state = result.state
        site_acc.update_from(result, vis)
        region_acc.update(result.served[:, :n_cells])
        if progress is not None:
            progress(window.n_run)
    return CoverageResult(
        sites=sites,
        n_cells=n_cells,
        metrics=site_acc.finalize(),
        region=region_acc.finalize(),
        grid=grid,
        constellation=constellation.name,
        satellites=constellation.size,
        failed_satellites=int(positions.failed.sum()),
        elapsed_s=time.perf_counter() - began,
    )
