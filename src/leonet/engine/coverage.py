"""The coverage run: which satellite serves each cell and terminal, step by step.

For every time chunk the shared stages (:mod:`leonet.engine.stages`): propagate the
satellites in service (with lookahead steps when the scheduler's strategy needs them),
find the satellites above each site's mask (sparse, spatially culled), let the 15-second
scheduler pick the serving satellite (bent-pipe: only satellites that an up gateway sees),
then fold the chunk into streaming per-site and per-region accumulators, and into the
served fraction of each cell in each frame of the map's time slider (whole scheduler slots;
:class:`CoverageFrames`).  Only the scheduler state and the accumulators cross chunk
boundaries, so memory is bounded by the chunk size and a chunked run equals a single pass.
Satellites outside every shell (orbit raising, deorbiting) do not serve, as in ``leonet run``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

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
from leonet.report.cellmap import slots_per_frame
from leonet.space.constellation import Constellation
from leonet.timegrid import TimeGrid

__all__ = ["CoverageFrames", "CoverageResult", "coverage_chunk_steps", "run_coverage"]


@dataclass(frozen=True)
class CoverageFrames:
    """The served fraction of each cell in each frame of the map's time slider:
    ``start_ns`` ``(frame,)`` int64 UTC ns, ``served_fraction`` ``(frame, cell)`` float32;
    a frame is ``slots`` whole scheduler slots (the last may be shorter)."""

    start_ns: NDArray[np.int64]
    served_fraction: NDArray[np.float32]
    slots: int
    frame_s: float


class _FrameAccumulator:
    """Served steps of each cell per frame, chunk by chunk (frames of whole slots from
    the grid's start; a step belongs to the frame its instant falls in)."""

    def __init__(self, grid: TimeGrid, slot_s: float, n_cells: int) -> None:
        slot_ns = max(1, round(slot_s * 1e9))
        n_slots = max(1, -(-grid.count * grid.step_ns // slot_ns))
        # The report's frames (at most 4 bytes a cell-frame here while counting); a frame
        # holds at least one step, so no frame is empty (but a last one, cut).
        self.slots = max(slots_per_frame(n_slots, n_cells), -(-grid.step_ns // slot_ns))
        self.frame_ns = self.slots * slot_ns
        self.step_ns = grid.step_ns
        self.start_ns = grid.start_ns
        n_frames = -(-n_slots // self.slots)
        self.served = np.zeros((n_frames, n_cells), dtype=np.float32)
        self.steps = np.zeros(n_frames, dtype=np.int64)

    def update(self, first_step: int, served: NDArray[np.bool_]) -> None:
        """Add steps ``first_step, ...`` with ``served`` ``(step, cell)``."""
        k = first_step + np.arange(served.shape[0], dtype=np.int64)
        frame = np.minimum(k * self.step_ns // self.frame_ns, self.steps.size - 1)
        starts = np.flatnonzero(np.r_[True, frame[1:] != frame[:-1]])
        self.served[frame[starts]] += np.add.reduceat(served, starts, axis=0, dtype=np.float32)
        self.steps[frame[starts]] += np.diff(np.r_[starts, frame.size])

    def finalize(self) -> CoverageFrames:
        n = int(np.flatnonzero(self.steps)[-1]) + 1 if self.steps.any() else 0
        start = self.start_ns + np.arange(n, dtype=np.int64) * self.frame_ns
        frac = self.served[:n] / self.steps[:n, None]
        return CoverageFrames(start, frac.astype(np.float32), self.slots, self.frame_ns / 1e9)


@dataclass(frozen=True)
class CoverageResult:
    """What a coverage run measured.

    ``sites`` are the cells followed by the named terminals; ``metrics`` holds
    ``(site,)`` arrays in that order; ``region`` the area coverage of the first
    ``n_cells`` sites (weighted by cell area when ``cell_area_km2`` was given);
    ``frames`` the cells' served fraction per frame of the map's time slider.
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
    frames: CoverageFrames | None = None

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
    frame_acc = _FrameAccumulator(grid, config.slot_s, n_cells)
    state: SchedulerState | None = None
    began = time.perf_counter()
    for window in chunk_windows(grid, steps, lookahead_steps(config, grid.step_s), config):
        r = positions(window.grid)
        vis = site_visibility(r, constellation, sat_mask, sites)
        gateway_vis = None if gateways is None else gateways_in_view(r, gateways)
        result = schedule_chunk(vis, window, config, state, gateway_vis)
        state = result.state
        site_acc.update_from(result, vis)
        region_acc.update(result.served[:, :n_cells])
        frame_acc.update(window.first, result.served[: window.n_run, :n_cells])
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
        frames=frame_acc.finalize(),
    )
