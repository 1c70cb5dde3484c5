"""The coverage run: which satellite serves each cell and terminal, step by step.

For every time chunk: propagate the constellation (with lookahead steps when
the scheduler's strategy needs them), find the satellites above each site's
mask (sparse, spatially culled), let the 15-second scheduler pick the serving
satellite (bent-pipe: only satellites that see a gateway), and fold the chunk
into streaming per-site and per-region accumulators.  Only the scheduler
state and the accumulators cross chunk boundaries, so memory is bounded by
the chunk size and a chunked run equals a single pass.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from leonet.access.masks import dish_view, satellite_min_elevation_deg
from leonet.access.metrics import (
    RegionCoverage,
    RegionCoverageAccumulator,
    SiteMetrics,
    SiteMetricsAccumulator,
)
from leonet.access.scheduler import SchedulerConfig, SchedulerState, schedule
from leonet.access.visibility import visible
from leonet.ground.sites import Sites
from leonet.space.constellation import Constellation
from leonet.space.propagate import Propagator
from leonet.timegrid import TimeGrid

__all__ = ["CoverageResult", "coverage_chunk_steps", "run_coverage"]

#: Visible pairs held per chunk (36 bytes each): about 300 MB.
_PAIRS_PER_CHUNK = 8_000_000
#: Satellites above a 25° mask per site for the 2026 Starlink catalogue over Ukraine (~70).
_VISIBLE_PER_SITE = 70


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
    """Steps per chunk that keep the visible pairs and positions of a chunk near 300 MB."""
    by_pairs = _PAIRS_PER_CHUNK // max(1, n_sites * _VISIBLE_PER_SITE)
    by_positions = 4_000_000 // max(1, n_sats)
    return int(max(1, min(by_pairs, by_positions, 900)))


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
    steps = chunk_steps or coverage_chunk_steps(len(sites), constellation.size)
    lookahead = (
        math.ceil(config.horizon_s / grid.step_s) if config.strategy == "longest-visibility" else 0
    )
    propagator = Propagator(constellation)
    site_acc = SiteMetricsAccumulator(len(sites), grid.step_s)
    region_acc = RegionCoverageAccumulator(
        np.zeros(n_cells, dtype=np.int64), n_region=1, cell_weight=cell_area_km2
    )
    state: SchedulerState | None = None
    failed = np.zeros(constellation.size, dtype=bool)
    began = time.perf_counter()
    for first in range(0, grid.count, steps):
        stop = min(first + steps, grid.count)
        window = grid.slice(first, min(stop + lookahead, grid.count))
        eph = propagator(window, velocities=False)
        failed |= eph.error != 0
        vis = visible(
            dish_view(eph.r_ecef_km, constellation),
            sat_mask,
            sites.ecef_km,
            sites.lat_deg,
            sites.lon_deg,
            sites.min_elevation_deg,
        )
        gateway_vis = None
        if gateways is not None:
            gateway_vis = visible(
                eph.r_ecef_km,
                sat_mask,
                gateways.ecef_km,
                gateways.lat_deg,
                gateways.lon_deg,
                gateways.min_elevation_deg,
            )
        result = schedule(
            vis,
            window.utc_ns,
            config,
            state,
            gateway_vis=gateway_vis,
            lookahead_steps=window.count - (stop - first),
        )
        state = result.state
        site_acc.update_from(result, vis)
        region_acc.update(result.served[:, :n_cells])
        if progress is not None:
            progress(stop - first)
    return CoverageResult(
        sites=sites,
        n_cells=n_cells,
        metrics=site_acc.finalize(),
        region=region_acc.finalize(),
        grid=grid,
        constellation=constellation.name,
        satellites=constellation.size,
        failed_satellites=int(failed.sum()),
        elapsed_s=time.perf_counter() - began,
    )
