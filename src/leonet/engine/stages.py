"""The stages every chunked runner shares: window → positions → visibility → schedule.

``leonet run`` (:mod:`leonet.engine.run`), ``leonet route`` (:mod:`leonet.engine.route`)
and ``leonet coverage`` (:mod:`leonet.engine.coverage`) all walk the time grid in chunks
and, for each chunk::

    chunk_window          the steps run, + lookahead steps when the strategy needs them
    SatellitePositions    ECEF km (time, sat, 3); NaN for satellites outside every shell
                          (orbit raising, deorbiting): they neither serve nor relay
    visibility            the sites' visible satellites (dishes do not see Direct to Cell)
    reachability          bent-pipe: gateways_in_view; laser modes:
                          leonet.network.reachability.gateway_reachable
    schedule_chunk        the 15-s scheduler over the chunk, from the state after the last

and then their own per-step work.  One rule sizes the chunks (:func:`chunk_steps`), one
decides the lookahead (:func:`lookahead_steps`, from :attr:`Strategy.uses_lookahead`), one
spells the bent-pipe gateway mask
(:func:`~leonet.network.reachability.gateway_min_elevation_deg`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leonet.access.masks import dish_view
from leonet.access.moving import keep_rows
from leonet.access.scheduler import (
    STRATEGIES,
    GatewayAccess,
    Schedule,
    SchedulerConfig,
    SchedulerState,
    schedule,
)
from leonet.access.visibility import Visibility, visible
from leonet.ground.sites import Sites
from leonet.network.reachability import Reachability, gateway_min_elevation_deg
from leonet.space.constellation import Constellation
from leonet.space.propagate import Propagator
from leonet.timegrid import TimeGrid

__all__ = [
    "CHUNK_MAX_STEPS",
    "CHUNK_PAIRS",
    "CHUNK_SAT_STEPS",
    "VISIBLE_PER_SITE",
    "ChunkWindow",
    "SatellitePositions",
    "chunk_steps",
    "chunk_window",
    "chunk_windows",
    "gateways_in_view",
    "lookahead_steps",
    "schedule_chunk",
    "site_visibility",
]

#: Visible (site, satellite) pairs held per chunk (about 36 bytes each, several copies in
#: flight).  Smaller chunks stay in cache better: on Ukraine × Starlink 15-step chunks run
#: ~10 % faster than 39-step ones and peak 300 MB lower, which two worker processes need.
CHUNK_PAIRS = 2_500_000
#: Satellites above a 25° mask per site, for sizing (Starlink 2026 over Ukraine: 60-70).
VISIBLE_PER_SITE = 60
#: Satellite positions held per chunk (sat × step): 10,000 satellites × 400 steps ≈ 96 MB
#: of positions and, in laser modes, ≈ 240 MB of the steps' laser links.
CHUNK_SAT_STEPS = 4_000_000
#: The most steps in a chunk.
CHUNK_MAX_STEPS = 900


def chunk_steps(n_sites: int, n_sats: int, step_ns: int, slot_ns: int = 0) -> int:
    """Steps per chunk — the one rule of every runner: about :data:`CHUNK_PAIRS` visible
    pairs (:data:`VISIBLE_PER_SITE` a site a step) and :data:`CHUNK_SAT_STEPS` satellite
    positions, 1 to :data:`CHUNK_MAX_STEPS` — rounded down to whole scheduler slots
    (``slot_ns``) where one fits, so that no slot's row of ``cells.parquet`` is split
    between two chunks."""
    steps = max(
        1,
        min(
            CHUNK_MAX_STEPS,
            CHUNK_PAIRS // max(1, n_sites * VISIBLE_PER_SITE),
            CHUNK_SAT_STEPS // max(1, n_sats),
        ),
    )
    period = slot_ns // math.gcd(slot_ns, step_ns) if slot_ns > 0 and step_ns > 0 else 1
    return steps - steps % period if steps >= period else steps


def lookahead_steps(config: SchedulerConfig, step_s: float) -> int:
    """Steps propagated past each chunk for the scheduler's strategy: its horizon where
    the strategy :attr:`~leonet.access.Strategy.uses_lookahead`, else none."""
    if not STRATEGIES[config.strategy].uses_lookahead:
        return 0
    return math.ceil(config.horizon_s / step_s)


@dataclass(frozen=True)
class ChunkWindow:
    """Chunk ``index``: steps ``first:stop`` of the run's grid are run; ``grid`` spans them
    and the lookahead steps after them (as many as the run has left)."""

    index: int
    first: int
    stop: int
    grid: TimeGrid

    @property
    def n_run(self) -> int:
        """Steps run (the window's first ``n_run``)."""
        return self.stop - self.first

    @property
    def n_lookahead(self) -> int:
        """Steps that only inform the scheduler."""
        return self.grid.count - self.n_run


def chunk_window(
    grid: TimeGrid,
    index: int,
    steps: int,
    lookahead: int,
    slots: SchedulerConfig | None = None,
) -> ChunkWindow:
    """Chunk ``index`` of ``grid`` cut in chunks of ``steps``, with ``lookahead`` steps —
    at least the rest of the last run step's slot of ``slots`` (the scheduler's), so that
    the scheduler plans that slot whole as it would unchunked (none where chunks end on
    slot boundaries, as :func:`chunk_steps` cuts them where the grid starts on one)."""
    first = index * steps
    stop = min(first + steps, grid.count)
    if not 0 <= first < grid.count:
        raise ValueError(f"chunk {index} of {steps} steps is outside the {grid.count} steps")
    extra = lookahead
    if slots is not None and stop < grid.count:
        ahead = stop + np.arange(min(math.ceil(slots.slot_s / grid.step_s), grid.count - stop))
        same = slots.slot_ids(grid.start_ns + ahead * grid.step_ns) == slots.slot_ids(
            grid.start_ns + (stop - 1) * grid.step_ns
        )
        extra = max(extra, int(same.sum()))
    return ChunkWindow(index, first, stop, grid.slice(first, min(stop + extra, grid.count)))


def chunk_windows(
    grid: TimeGrid, steps: int, lookahead: int, slots: SchedulerConfig | None = None
) -> Iterator[ChunkWindow]:
    """Every chunk of ``grid``, in order (see :func:`chunk_window`)."""
    if steps < 1:
        raise ValueError(f"chunk_steps={steps} must be at least 1")
    for index in range(math.ceil(grid.count / steps)):
        yield chunk_window(grid, index, steps, lookahead, slots)


class SatellitePositions:
    """Positions of a constellation's satellites in service: ECEF km ``(time, sat, 3)``,
    NaN for satellites outside every shell (``constellation.shell == -1``: raising or
    lowering orbit), which are not propagated at all; ``in_service_only=False`` keeps them.
    :attr:`failed` accumulates the satellites SGP4 failed for, over the calls so far."""

    def __init__(self, constellation: Constellation, *, in_service_only: bool = True) -> None:
        self.n_sat = constellation.size
        shell = np.asarray(constellation.shell)
        self.in_service = np.flatnonzero(shell >= 0) if in_service_only else np.arange(self.n_sat)
        everyone = self.in_service.shape[0] == self.n_sat
        self._propagator = Propagator(
            constellation if everyone else constellation.take(self.in_service)
        )
        self.failed = np.zeros(self.n_sat, dtype=bool)

    def __call__(self, window: TimeGrid) -> NDArray[np.float64]:
        eph = self._propagator(window, velocities=False)
        self.failed[self.in_service] |= eph.error != 0
        if self.in_service.shape[0] == self.n_sat:
            return eph.r_ecef_km
        r = np.full((window.count, self.n_sat, 3), np.nan)
        r[:, self.in_service] = eph.r_ecef_km
        return r


def site_visibility(
    r_ecef_km: NDArray[np.float64],
    constellation: Constellation,
    sat_mask_deg: NDArray[np.float64],
    sites: Sites,
) -> Visibility:
    """The satellites each fixed site's dish sees above its mask (its own where finite,
    else the satellite's ``sat_mask_deg``); Direct to Cell satellites are not dishes'."""
    return visible(
        dish_view(r_ecef_km, constellation),
        sat_mask_deg,
        sites.ecef_km,
        sites.lat_deg,
        sites.lon_deg,
        sites.min_elevation_deg,
    )


def gateways_in_view(
    r_ecef_km: NDArray[np.float64], gateways: Sites, gateway_up: NDArray[np.bool_] | None = None
) -> Reachability:
    """Bent-pipe reachability: per step, the satellites that an up gateway sees above the
    gateway's mask (:func:`~leonet.network.reachability.gateway_min_elevation_deg`).
    ``r_ecef_km`` ``(time, sat, 3)`` (NaN: not there); ``gateway_up`` ``(time, gateway)``
    (default: all up)."""
    vis = visible(
        r_ecef_km,
        90.0,
        gateways.ecef_km,
        gateways.lat_deg,
        gateways.lon_deg,
        gateway_min_elevation_deg(gateways),
    )
    if gateway_up is not None:
        vis = keep_rows(vis, gateway_up)
    return Reachability.from_pairs(vis.time_idx, vis.sat_idx, vis.n_time, vis.n_sat)


def schedule_chunk(
    vis: Visibility,
    window: ChunkWindow,
    config: SchedulerConfig,
    state: SchedulerState | None,
    gateway_vis: GatewayAccess | None = None,
    foreseen: Visibility | None = None,
    foreseen_ground: GatewayAccess | None = None,
) -> Schedule:
    """The scheduler over a chunk's window from ``state`` (the state after the chunk
    before): the schedule of the ``n_run`` steps run, and the state after them
    (``foreseen``, ``foreseen_ground``: :func:`~leonet.access.scheduler.schedule`'s)."""
    return schedule(
        vis,
        window.grid.utc_ns,
        config,
        state,
        gateway_vis=gateway_vis,
        lookahead_steps=window.n_lookahead,
        foreseen=foreseen,
        foreseen_ground=foreseen_ground,
    )
