"""The scenario run — leonet's main job — streamed over time chunks with resume.

One chunk, in order::

    geometry (ScenarioRun.geometry; independent of the other chunks)
      propagate (+ lookahead steps)        Propagator: (time, sat, 3) ECEF km
      visibility                           cells + fixed terminals (culled) + moving terminals
      satellite faults, service policy     pairs to satellites down and of refused (time,
                                           terminal) rows dropped, in the join of the two
      lasers, reachability                 laser modes: satellites with a laser path to an
                                           up gateway; bent-pipe: satellites seeing one
    schedule (ScenarioRun.schedule; from the previous chunk's scheduler state)
      15-s scheduler                       serving satellite per (time, site)
    finish (ScenarioRun.finish)
      per step: routing                    named terminals → nearest PoP (Dijkstra)
      per step: radio + capacity           SNR/SINR, MODCOD, jammers, beams, max-min fair
                                           throughput for every served site
      tables                               terminals (per step), cells (per slot)
    account (ScenarioRun.account; in chunk order)
      metrics, then the Parquet parts and the checkpoint

Only :class:`RunState` crosses chunk boundaries; it is pickled with each
checkpoint after the chunk's Parquet parts are written, so ``resume`` picks up
at the first incomplete chunk and reproduces an uninterrupted run exactly.

Since only the scheduler's state ties a chunk to the one before, and late,
:func:`run_scenario` lets forked worker processes compute whole chunks in turn
(:mod:`leonet.engine.pipeline`) while this process accounts and writes them in
order — the same files, bit for bit, as one process writes (``workers=1``).
"""

from __future__ import annotations

import dataclasses
import json
import math
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from leonet.access.masks import dish_view, satellite_min_elevation_deg
from leonet.access.metrics import (
    RegionCoverageAccumulator,
    SiteMetrics,
    SiteMetricsAccumulator,
)
from leonet.access.moving import keep_rows, usable_pairs, visible_moving
from leonet.access.scheduler import OutageReason, SchedulerState, schedule
from leonet.access.visibility import Visibility, visible
from leonet.constants import C_KM_S
from leonet.defaults import DEFAULT_GATEWAY_MIN_ELEVATION_DEG
from leonet.engine.route import (
    GatewayPairs,
    _search_limit_ms,
    constellation_candidates,
    gateway_links_per_step,
    gateway_reachable,
    ground_nodes,
)
from leonet.faults.plan import FaultPlan
from leonet.ground.sites import Sites
from leonet.network.graph import GroundNodes, build_graph, edge_weight_ms
from leonet.network.lasers import LaserLinks, plus_grid_links_chunk
from leonet.network.routing import Routes, _changed, route_to_pops
from leonet.policy.service import PolicyReason, ServicePolicy
from leonet.results.store import Checkpoint, RunStore
from leonet.results.writer import atomic_write_text
from leonet.scenario.schema import Scenario
from leonet.space.constellation import Constellation
from leonet.space.propagate import Propagator
from leonet.timegrid import TimeGrid

__all__ = ["REASONS", "RunState", "RunSummary", "ScenarioRun", "run_scenario"]

#: Why a (time, terminal) is not served: code → word (code 0, served, has no word).
REASONS: dict[int, str] = {
    int(OutageReason.NO_SATELLITE): "no-satellite",
    int(OutageReason.NO_GATEWAY): "no-gateway",
    int(OutageReason.LOST_MID_SLOT): "lost-mid-slot",
    int(OutageReason.NO_BEAM): "no-beam",
    10 + int(PolicyReason.OUTSIDE_SERVICE_AREA): "outside-service-area",
    10 + int(PolicyReason.AREA_CUT_OFF): "area-cut-off",
    10 + int(PolicyReason.NOT_AUTHORISED): "not-authorised",
    10 + int(PolicyReason.DENY_LISTED): "deny-listed",
    10 + int(PolicyReason.OVER_SPEED_LIMIT): "over-speed-limit",
    20: "satellite-fault",
    21: "jammed",
    22: "radio-outage",
    23: "awaiting-slot",
}
_SATELLITE_FAULT, _JAMMED, _RADIO_OUTAGE, _AWAITING_SLOT = 20, 21, 22, 23
#: The word of each code, by code (code 0, served, has none).
_REASON_WORDS = np.array([""] + [REASONS.get(c, f"code-{c}") for c in range(1, max(REASONS) + 1)],
                         dtype=object)

#: Visible pairs held per chunk (about 36 bytes each, several copies in flight).  Smaller
#: chunks stay in cache better: on Ukraine × Starlink 15-step chunks run ~10 % faster than
#: 39-step ones and peak 300 MB lower, which two worker processes need.
_PAIRS_PER_CHUNK = 2_500_000


def _reason_column(codes: NDArray[np.integer[Any]]) -> pa.Array:
    """Outage reason codes as a string column, null where 0 (served)."""
    flat = codes.ravel().astype(np.int64)
    return pa.array(_REASON_WORDS[np.minimum(flat, len(_REASON_WORDS) - 1)], pa.string(),
                    mask=flat == 0)


@dataclass
class RunState:
    """What one chunk hands the next: the scheduler's assignment, the last routes,
    and the streaming metric accumulators."""

    next_chunk: int
    scheduler: SchedulerState | None
    routes: Routes | None
    metrics: SiteMetricsAccumulator
    region: RegionCoverageAccumulator | None


@dataclass(frozen=True)
class StepInputs:
    """What a chunk's step-by-step stage (routing, radio, capacity) takes of its geometry
    as it is, over the ``n_run`` steps run: ``gateway_up`` ``(time, gateway)``, ``pop_up``
    ``(time, pop)``; ``lasers`` each step's laser links (``None`` bent-pipe);
    ``gateway_pairs`` each step's :data:`GatewayPairs`; ``named_*`` ``(time, terminal)``
    the named terminals' positions."""

    gateway_up: NDArray[np.bool_]
    pop_up: NDArray[np.bool_]
    lasers: list[LaserLinks] | None
    gateway_pairs: list[GatewayPairs]
    named_lat_deg: NDArray[np.float64]
    named_lon_deg: NDArray[np.float64]
    named_alt_km: NDArray[np.float64]


@dataclass(frozen=True)
class ChunkAccess:
    """What the geometry and the schedule of a chunk (:meth:`ScenarioRun.access`) hand
    :meth:`ScenarioRun.finish`: positions, access and the schedule of the steps the chunk
    runs (lookahead steps dropped).

    ``utc_ns`` ``(time,)``; ``r_ecef_km`` ``(time, sat, 3)`` ECEF km, NaN for
    satellites out of service or down; the step's usable (site, satellite) pairs
    ``pair_site``, ``pair_sat`` ``(pair,)`` int32 with ``pair_offsets``
    ``(time * site + 1,)`` their CSR index (as :class:`Visibility`); ``serving``
    ``(time, site)`` int32, ``elevation_deg`` float64, ``reason`` uint8 (before
    radio outages), ``visible`` int64 satellites up in view; ``handovers``
    ``(site,)``; ``steps`` the geometry's :class:`StepInputs`; ``scheduler`` the
    scheduler's state after the chunk.
    """

    index: int
    utc_ns: NDArray[np.int64]
    r_ecef_km: NDArray[np.float64]
    pair_offsets: NDArray[np.int64]
    pair_site: NDArray[np.int32]
    pair_sat: NDArray[np.int32]
    serving: NDArray[np.int32]
    elevation_deg: NDArray[np.float64]
    reason: NDArray[np.uint8]
    visible: NDArray[np.int64]
    handovers: NDArray[np.int64]
    steps: StepInputs
    scheduler: SchedulerState

    @property
    def n_run(self) -> int:
        return int(self.utc_ns.shape[0])


@dataclass(frozen=True)
class ChunkGeometry:
    """Chunk ``index`` up to the scheduler (see :meth:`ScenarioRun.geometry`): the window's
    ``utc_ns`` and ``r_ecef_km`` (lookahead steps included), ``sat_up`` ``(time, sat)``,
    the usable pairs ``vis`` and the gateways' ``gateway_vis``; the rest cover the
    ``n_run`` steps run: ``n_all``/``n_up`` satellites in view (all / up) ``(time, site)``,
    the policy's ``allowed`` and ``policy_reason``, and ``steps``."""

    index: int
    utc_ns: NDArray[np.int64]
    n_run: int
    r_ecef_km: NDArray[np.float64]
    sat_up: NDArray[np.bool_]
    vis: Visibility
    gateway_vis: Visibility
    n_all: NDArray[np.int64]
    n_up: NDArray[np.int64]
    allowed: NDArray[np.bool_]
    policy_reason: NDArray[np.uint8]
    steps: StepInputs


@dataclass(frozen=True)
class ChunkResult:
    """A finished chunk (:meth:`ScenarioRun.finish`): its ``tables``, what the metrics
    take — ``served`` ``(time, site)``, ``visible`` ``(time, site)``, ``handovers``
    ``(site,)`` — the last step's ``routes`` and the ``scheduler`` state after it."""

    index: int
    n_run: int
    tables: dict[str, pa.Table]
    served: NDArray[np.bool_]
    visible: NDArray[np.int64]
    handovers: NDArray[np.int64]
    routes: Routes | None
    scheduler: SchedulerState


@dataclass(frozen=True)
class RunSummary:
    """The outcome of :func:`run_scenario`: where the results are and what they say
    (``workers``: the processes that computed chunks; 1 when this one did)."""

    out_dir: Path
    steps: int
    steps_run: int
    chunks: int
    resumed_from_chunk: int
    complete: bool
    elapsed_s: float
    n_cells: int
    terminal_names: tuple[str, ...]
    metrics: SiteMetrics
    area_coverage: float | None
    workers: int = 1

    @property
    def seconds_per_step(self) -> float:
        """Wall time per step run in this session."""
        return self.elapsed_s / max(self.steps_run, 1)


def _concatenate_constellations(parts: list[Constellation]) -> Constellation:
    if len(parts) == 1:
        return parts[0]
    from leonet.space.elements import ElementSet

    offsets = np.cumsum([0] + [len(p.shells) for p in parts[:-1]])
    return Constellation(
        name=" + ".join(p.name for p in parts),
        sat_names=np.concatenate([p.sat_names for p in parts]),
        norad_id=np.concatenate([p.norad_id for p in parts]),
        elements=ElementSet.concatenate([p.elements for p in parts]),
        shell=np.concatenate([np.where(p.shell >= 0, p.shell + o, -1)
                              for p, o in zip(parts, offsets, strict=True)]).astype(np.int32),
        plane=np.concatenate([p.plane for p in parts]),
        slot=np.concatenate([p.slot for p in parts]),
        shells=tuple(s for p in parts for s in p.shells),
        source="; ".join(p.source for p in parts),
        analytic=all(p.analytic for p in parts),
        stale=np.concatenate([p.stale for p in parts]),
    )


def _radio_jammers(plan: FaultPlan, tracks: list[Any]) -> list[Any]:
    """The scenario's jammers as the radio layer's :class:`~leonet.radio.Jammer` objects."""
    from datetime import UTC, datetime

    from leonet.radio.jamming import Jammer as RadioJammer

    by_name = {t.name: t for t in tracks}
    out = []
    for j in plan.jammers:
        position: Any = by_name[j.track] if j.track is not None else (j.lat_deg, j.lon_deg)
        start = datetime.fromtimestamp(j.start_ns / 1e9, tz=UTC)
        never = j.end_ns >= np.iinfo(np.int64).max // 2
        end = datetime(9999, 1, 1, tzinfo=UTC) if never else datetime.fromtimestamp(
            j.end_ns / 1e9, tz=UTC)
        directional = j.antenna != "isotropic"
        antenna: Any = j.antenna
        out.append(RadioJammer(
            name=j.name, position=position, eirp_dbw=j.eirp_dbw,
            centre_ghz=j.center_frequency_ghz, bandwidth_mhz=j.bandwidth_mhz,
            boresight_az_deg=antenna.boresight_az_deg if directional else 0.0,
            boresight_el_deg=antenna.boresight_el_deg if directional else 0.0,
            beamwidth_deg=antenna.beamwidth_deg if directional else None,
            active=[(start, end)],
        ))
    return out


class ScenarioRun:
    """A scenario resolved into arrays once: constellation, sites, policy, faults, radio.

    Sites are ordered ``[cells | fixed terminals | moving terminals]``; the
    terminals (fixed and moving) are the ``named`` sites whose every step is
    written to ``terminals.parquet``.
    """

    def __init__(self, scenario: Scenario) -> None:
        from leonet.capacity.demand import site_demand
        from leonet.capacity.throughput import CapacityConfig, CapacityModel
        from leonet.radio.links import RadioConfig, RadioModel
        from leonet.scenario.resolve import (
            build_tracks,
            cell_sites,
            gateway_sites,
            load_constellations,
            pop_sites,
            terminal_sites,
        )
        from leonet.scenario.timeline import timeline

        self.scenario = scenario
        self.grid: TimeGrid = scenario.time.grid()
        self.constellation = _concatenate_constellations(load_constellations(scenario))
        cells = cell_sites(scenario)
        fixed = terminal_sites(scenario)
        self.tracks = build_tracks(scenario)
        self.n_cells = 0 if cells is None else len(cells)
        self.n_fixed = len(fixed)
        self.n_moving = len(self.tracks)
        parts = [p for p in (cells, fixed) if p is not None and len(p)]
        if not parts and not self.tracks:
            raise ValueError(
                f"scenario {scenario.name!r}: no terminals, cells or mobile tracks to serve; "
                "add ground.terminals, ground.places, ground.cells or ground.mobile"
            )
        empty = Sites(np.array([], dtype=np.str_), [], [])
        self.static = Sites.concatenate(parts) if len(parts) > 1 else (parts[0] if parts
                                                                        else empty)
        self.cell_area_km2 = None if cells is None else np.asarray(cells.area_km2)
        moving_names = [t.name for t in self.tracks]
        self.site_names = np.concatenate([np.asarray(self.static.names, dtype=np.str_),
                                          np.asarray(moving_names, dtype=np.str_)])
        self.n_sites = len(self.site_names)
        self.named = np.arange(self.n_cells, self.n_sites)  # site indices of terminals
        self.terminal_names = tuple(str(n) for n in self.site_names[self.named])
        if len(set(self.terminal_names)) != len(self.terminal_names):
            raise ValueError(f"scenario {scenario.name!r}: terminal names must be unique")
        self.gateways = gateway_sites(scenario)
        self.pops = pop_sites(scenario)
        self.policy = ServicePolicy.from_scenario(scenario)
        self.faults = FaultPlan.from_scenario(scenario)
        self.events = timeline(scenario)
        self.config = scenario.scheduler.config()
        net = scenario.network
        self.mode = net.mode
        self.sat_mask = satellite_min_elevation_deg(self.constellation)
        self.candidates = (constellation_candidates(self.constellation)
                           if net.mode != "bent-pipe" else None)
        # Ground network for routing the named terminals (moving ones at their first waypoint;
        # their position is refreshed every step).
        first = [t.positions(np.array([self.grid.start_ns])) for t in self.tracks]
        named_sites = Sites(
            list(self.terminal_names),
            np.concatenate([self.static.lat_deg[self.n_cells:], [f[0][0] for f in first]]),
            np.concatenate([self.static.lon_deg[self.n_cells:], [f[1][0] for f in first]]),
            np.concatenate([self.static.alt_km[self.n_cells:], [f[2][0] for f in first]]),
        )
        self.ground: GroundNodes = ground_nodes(named_sites, self.gateways, self.pops,
                                                route_factor=net.route_factor)
        # Radio: every site; moving terminals' atmosphere tables at the middle of their
        # track, their geometry moved to each step's position (RadioModel.move_sites).
        mid = [t.positions(np.array([self.grid.start_ns + (self.grid.count // 2)
                                     * self.grid.step_ns])) for t in self.tracks]
        radio_sites = Sites.concatenate([
            p for p in (
                self.static if len(self.static) else None,
                Sites(moving_names, [m[0][0] for m in mid], [m[1][0] for m in mid],
                      [m[2][0] for m in mid]) if self.tracks else None,
            ) if p is not None
        ])
        radio = RadioModel(
            radio_sites, self.constellation.size, terminal_type=scenario.radio.terminal_type,
            config=RadioConfig(exceedance_percent=scenario.radio.exceedance_percent,
                               interference=scenario.radio.interference),
            gateways=self.gateways,
        )
        cap = scenario.capacity
        demand = site_demand(radio_sites, self.n_cells, self.cell_area_km2,
                             terminals_per_km2=cap.terminals_per_km2,
                             terminals_per_named_site=cap.terminals_per_site,
                             offered_down_mbps=cap.offered_load_mbps,
                             offered_up_mbps=cap.offered_load_up_mbps)
        self.capacity = CapacityModel(radio, demand,
                                      CapacityConfig(beams_per_satellite=cap.beams_per_sat))
        self.jammers = _radio_jammers(self.faults, self.tracks)
        self.gateway_names = [str(n) for n in self.gateways.names]
        self.pop_names = [str(n) for n in self.pops.names]
        self.slot_ns = round(self.config.slot_s * 1e9)
        self.chunk_steps = scenario.time.chunk_steps or _default_chunk_steps(
            self.n_sites, self.constellation.size, self.grid.step_ns, self.slot_ns)
        self.lookahead = (math.ceil(self.config.horizon_s / self.grid.step_s)
                          if self.config.strategy == "longest-visibility" else 0)
        # Satellites outside every shell (raising or lowering orbit) neither serve nor
        # relay: only those in service are propagated.
        self._in_service_idx = np.flatnonzero(np.asarray(self.constellation.shell) >= 0)
        self._propagator = Propagator(self.constellation.take(self._in_service_idx))

    @property
    def chunks(self) -> int:
        return math.ceil(self.grid.count / self.chunk_steps)

    def initial_state(self) -> RunState:
        region = (RegionCoverageAccumulator(np.zeros(self.n_cells, dtype=np.int64), 1,
                                            self.cell_area_km2) if self.n_cells else None)
        return RunState(0, None, None, SiteMetricsAccumulator(self.n_sites, self.grid.step_s),
                        region)

    # ------------------------------------------------------------------ one chunk
    def satellite_positions(self, window: TimeGrid) -> NDArray[np.float64]:
        """ECEF km ``(time, sat, 3)`` over ``window``; NaN for satellites out of service."""
        r = np.full((window.count, self.constellation.size, 3), np.nan)
        r[:, self._in_service_idx] = self._propagator(window, velocities=False).r_ecef_km
        return r

    def _positions(self, window: TimeGrid) -> tuple[NDArray[np.float64], ...]:
        """Every site's lat, lon, alt and speed ``(time, site)`` over the window."""
        n = window.count
        lat = np.broadcast_to(self.static.lat_deg, (n, len(self.static)))
        lon = np.broadcast_to(self.static.lon_deg, (n, len(self.static)))
        alt = np.broadcast_to(self.static.alt_km, (n, len(self.static)))
        speed = np.zeros((n, len(self.static)))
        if self.tracks:
            moving = [t.positions(window.utc_ns) for t in self.tracks]
            lat = np.concatenate([lat, np.stack([m[0] for m in moving], 1)], axis=1)
            lon = np.concatenate([lon, np.stack([m[1] for m in moving], 1)], axis=1)
            alt = np.concatenate([alt, np.stack([m[2] for m in moving], 1)], axis=1)
            speed = np.concatenate([speed, np.stack([m[3] for m in moving], 1)], axis=1)
        return lat, lon, alt, speed

    def _visibility(self, r: NDArray[np.float64], lat: NDArray[np.float64],
                    lon: NDArray[np.float64], alt: NDArray[np.float64]) -> list[Visibility]:
        """The visibility of the fixed sites (culled) and of the moving ones (dense), as two
        tables over the same steps (joined by :func:`usable_pairs`)."""
        s = self.static
        parts = [visible(r, self.sat_mask, s.ecef_km, s.lat_deg, s.lon_deg, s.min_elevation_deg)]
        if self.tracks:
            k = len(s)
            parts.append(visible_moving(r, self.sat_mask, lat[:, k:], lon[:, k:], alt[:, k:]))
        return parts

    def _lasers(self, r: NDArray[np.float64], utc_ns: NDArray[np.int64]
                ) -> list[LaserLinks] | None:
        """Each step's laser links; candidates failed by the fault plan stay down."""
        if self.candidates is None:
            return None
        down = None
        if self.faults.lasers:
            down = self.faults.laser_disabled(utc_ns, self.candidates.sat_a,
                                              self.candidates.sat_b, self.constellation)
            down = down if down.any() else None
        net = self.scenario.network
        return plus_grid_links_chunk(self.candidates, r, max_range_km=net.max_laser_range_km,
                                     link_down=down)

    def chunk(self, index: int, state: RunState) -> tuple[dict[str, pa.Table], RunState]:
        """Run chunk ``index``; return its tables and the state for the next chunk."""
        result = self.finish(self.access(index, state.scheduler))
        return result.tables, self.account(result, state)

    def access(self, index: int, scheduler: SchedulerState | None) -> ChunkAccess:
        """The first part of chunk ``index``: propagate, faults, visibility, policy,
        lasers, reachability, then the scheduler from ``scheduler`` (the state after
        the chunk before; its state after this chunk comes back in the result)."""
        return self.schedule(self.geometry(index), scheduler)

    def geometry(self, index: int) -> ChunkGeometry:
        """Everything of chunk ``index`` before the scheduler — independent of the other
        chunks, so any process can compute it."""
        grid = self.grid
        first = index * self.chunk_steps
        stop = min(first + self.chunk_steps, grid.count)
        window = grid.slice(first, min(stop + self.lookahead, grid.count))
        n_run = stop - first
        utc = window.utc_ns
        r_all = self.satellite_positions(window)
        sat_up = self.faults.satellite_up(utc, self.constellation)
        r = np.where(sat_up[..., None], r_all, np.nan)
        lat, lon, alt, speed = self._positions(window)
        parts = self._visibility(dish_view(r_all, self.constellation), lat, lon, alt)
        del r_all
        allowed, policy_reason = self.policy.allowed(utc, lat, lon, speed, self.site_names)
        # One filter for faults and policy; the counts tell the causes apart.
        n_all = np.concatenate([np.diff(part.offsets).reshape(window.count, part.n_site)
                                for part in parts], axis=1)[:n_run]
        n_up, vis_ok = usable_pairs(parts, allowed, sat_up)
        n_up = n_up.reshape(window.count, self.n_sites)[:n_run]
        del parts
        gw_up = self.faults.gateway_up(utc, self.gateway_names)
        pop_up = self.faults.pop_up(utc, self.pop_names)
        lasers = self._lasers(r, utc)
        ground = self.ground
        gateway_pairs = gateway_links_per_step(ground, r)
        if lasers is None:
            gateway_vis = self._bent_pipe_gateways(r, gw_up)
        else:
            gateway_vis = gateway_reachable(r, lasers, ground, gateway_down=~gw_up,
                                            gateway_pairs=gateway_pairs)
        named = slice(self.n_cells, self.n_sites)
        return ChunkGeometry(
            index=index, utc_ns=utc, n_run=n_run, r_ecef_km=r, sat_up=sat_up, vis=vis_ok,
            gateway_vis=gateway_vis, n_all=n_all, n_up=n_up, allowed=allowed[:n_run],
            policy_reason=policy_reason[:n_run],
            steps=StepInputs(
                gateway_up=gw_up[:n_run], pop_up=pop_up[:n_run],
                lasers=None if lasers is None else lasers[:n_run],
                gateway_pairs=gateway_pairs[:n_run],
                named_lat_deg=np.ascontiguousarray(lat[:n_run, named]),
                named_lon_deg=np.ascontiguousarray(lon[:n_run, named]),
                named_alt_km=np.ascontiguousarray(alt[:n_run, named])),
        )

    def schedule(self, g: ChunkGeometry, scheduler: SchedulerState | None) -> ChunkAccess:
        """The scheduler over a chunk's geometry, from ``scheduler`` (the state after the
        chunk before), and the outage reasons that do not need the radio."""
        n_run, vis = g.n_run, g.vis
        result = schedule(vis, g.utc_ns, self.config, scheduler, gateway_vis=g.gateway_vis,
                          lookahead_steps=g.utc_ns.shape[0] - n_run)
        serving = result.serving_sat[:n_run]
        reason = result.reason[:n_run].astype(np.uint8)
        # Explain refusals and faults better than "no satellite".
        reason = np.where((reason == OutageReason.NO_SATELLITE) & (g.n_all > 0) & (g.n_up == 0),
                          _SATELLITE_FAULT, reason)
        # A serving satellite that fails mid-slot: the outage is the fault's doing.
        last = _last_served(serving, None if scheduler is None else scheduler.last_sat)
        lost = (reason == OutageReason.LOST_MID_SLOT) & (last >= 0)
        lost_to_fault = lost & ~np.take_along_axis(g.sat_up[:n_run], np.maximum(last, 0), axis=1)
        reason = np.where(lost_to_fault, _SATELLITE_FAULT, reason)
        # Refused or without candidates at the slot's boundary, usable now: the scheduler
        # serves it from the next boundary (Starlink re-plans every slot).
        n_ok = np.diff(vis.offsets).reshape(vis.n_time, self.n_sites)[:n_run]
        reason = np.where((reason == OutageReason.NO_SATELLITE) & (n_ok > 0), _AWAITING_SLOT,
                          reason)
        reason = np.where(~g.allowed, 10 + g.policy_reason, reason).astype(np.uint8)
        n_pairs = int(vis.offsets[n_run * self.n_sites])
        return ChunkAccess(
            index=g.index,
            utc_ns=g.utc_ns[:n_run],
            r_ecef_km=g.r_ecef_km[:n_run],
            pair_offsets=vis.offsets[: n_run * self.n_sites + 1],
            pair_site=vis.site_idx[:n_pairs],
            pair_sat=vis.sat_idx[:n_pairs],
            serving=serving,
            elevation_deg=result.elevation_deg[:n_run],
            reason=reason,
            visible=g.n_up,
            handovers=result.handovers,
            steps=g.steps,
            scheduler=result.state,
        )

    def finish(self, access: ChunkAccess) -> ChunkResult:
        """The second part of a chunk: routing, radio and capacity step by step, the final
        outage reasons and the chunk's tables.

        The first step's routes are not compared with the chunk before's (that would tie
        the chunk to it); :meth:`account` does it where it matters.
        """
        a = access
        terminal_rows, routes, radio_cols = self._steps(a, None)
        # Radio outage (below the lowest MODCOD) is an outage too; with a jammer on, "jammed".
        served = (a.serving >= 0) & (radio_cols["capacity_down"] > 0)
        radio_out = (a.serving >= 0) & ~served
        jam_on = radio_cols["jammed"]
        reason = np.where(radio_out, np.where(jam_on, _JAMMED, _RADIO_OUTAGE), a.reason)
        reason = np.where(served, 0, reason).astype(np.uint8)
        tables = {
            "terminals": self._terminal_table(a, served, reason, terminal_rows, radio_cols),
            "cells": self._cell_table(a.utc_ns, served, reason, a.visible, radio_cols),
        }
        return ChunkResult(a.index, a.n_run, tables, served, np.array(a.visible),
                           np.array(a.handovers), routes, a.scheduler)

    def account(self, result: ChunkResult, state: RunState) -> RunState:
        """Add a finished chunk to the metrics (in place) and return the state after it;
        chunks must come in order."""
        if result.index != state.next_chunk:
            raise ValueError(f"chunk {result.index} accounted after chunk "
                             f"{state.next_chunk - 1}; chunks must come in order")
        state.metrics.update(result.served, result.visible, result.handovers)
        if state.region is not None:
            state.region.update(result.served[:, : self.n_cells])
        routes = result.routes
        if routes is not None and result.n_run == 1:  # its only step follows the chunk before
            routes = dataclasses.replace(routes, changed=_changed(routes.path, state.routes))
        return RunState(result.index + 1, result.scheduler, routes, state.metrics, state.region)

    def _bent_pipe_gateways(self, r: NDArray[np.float64], gw_up: NDArray[np.bool_]) -> Visibility:
        g = self.gateways
        mask = np.where(np.isfinite(g.min_elevation_deg), g.min_elevation_deg,
                        DEFAULT_GATEWAY_MIN_ELEVATION_DEG)
        gv = visible(r, 90.0, g.ecef_km, g.lat_deg, g.lon_deg, mask)
        return keep_rows(gv, gw_up)

    def _steps(
        self, a: ChunkAccess, previous: Routes | None,
    ) -> tuple[dict[str, NDArray[Any]], Routes | None, dict[str, NDArray[Any]]]:
        """Routing of the named terminals and radio/capacity of every site, step by step."""
        from leonet.frames import enu_basis, geodetic_to_ecef

        n_run = a.n_run
        n_named = len(self.named)
        net = self.scenario.network
        out = {
            "rtt_ms": np.full((n_run, n_named), np.nan),
            "hops": np.full((n_run, n_named), -1, dtype=np.int16),
            "gateway": np.full((n_run, n_named), -1, dtype=np.int32),
            "pop": np.full((n_run, n_named), -1, dtype=np.int32),
        }
        radio = {
            "snr_db": np.full((n_run, self.n_sites), np.nan),
            "capacity_down": np.zeros((n_run, self.n_sites)),
            "down": np.zeros((n_run, self.n_sites)),
            "up": np.zeros((n_run, self.n_sites)),
            "jammed": np.zeros((n_run, self.n_sites), dtype=bool),
            "cell_rtt_ms": np.full((n_run, self.n_cells), np.nan),
        }
        cell_ecef = self.static.ecef_km[: self.n_cells]
        utc = a.utc_ns
        r = a.r_ecef_km
        jam_active = [j.is_active(utc) for j in self.jammers]
        n_fixed = self.n_fixed
        offsets = a.pair_offsets
        inputs = a.steps
        for k in range(n_run):
            ground = self.ground
            if self.tracks:
                m_lat = inputs.named_lat_deg[k, n_fixed:]
                m_lon = inputs.named_lon_deg[k, n_fixed:]
                m_alt = inputs.named_alt_km[k, n_fixed:]
                ecef = self.ground.terminal_ecef_km.copy()
                up = self.ground.terminal_up.copy()
                ecef[n_fixed:] = geodetic_to_ecef(m_lat, m_lon, m_alt)
                up[n_fixed:] = enu_basis(m_lat, m_lon)[:, 2, :]
                ground = dataclasses.replace(ground, terminal_ecef_km=ecef, terminal_up=up)
                self.capacity.radio.move_sites(np.arange(self.n_sites - self.n_moving,
                                                         self.n_sites), m_lat, m_lon, m_alt)
            graph = build_graph(r[k], ground, mode=self.mode,
                                lasers=None if inputs.lasers is None else inputs.lasers[k],
                                access="serving", serving_sat=a.serving[k, self.named],
                                processing_delay_ms=net.processing_delay_ms,
                                gateway_down=~inputs.gateway_up[k], pop_down=~inputs.pop_up[k],
                                gateway_pairs=inputs.gateway_pairs[k][:3])
            # Cells are not graph nodes: their delay is the access link plus their serving
            # satellite's delay to its nearest PoP, from the same search (the terminals' rule).
            cell_sat = a.serving[k, : self.n_cells]
            cells = np.flatnonzero(cell_sat >= 0)
            routes = route_to_pops(graph, previous=previous, nodes=cell_sat[cells],
                                   limit_ms=_search_limit_ms(previous, 0.0))
            previous = routes
            if cells.size and routes.node_ms is not None:
                access_km = np.linalg.norm(r[k][cell_sat[cells]] - cell_ecef[cells], axis=1)
                one_way = (edge_weight_ms(access_km * (1e3 / C_KM_S), net.processing_delay_ms)
                           + routes.node_ms)
                radio["cell_rtt_ms"][k, cells] = np.where(np.isfinite(one_way), 2 * one_way,
                                                          np.nan)
            out["rtt_ms"][k] = np.where(np.isfinite(routes.rtt_ms), routes.rtt_ms, np.nan)
            out["hops"][k] = routes.hops
            out["gateway"][k] = np.where(routes.gateway >= 0,
                                         routes.gateway - graph.layout.gateway0, -1)
            out["pop"][k] = np.where(routes.pop >= 0, routes.pop - graph.layout.pop0, -1)
            # Radio and capacity for every site served at this step.
            part = slice(int(offsets[k * self.n_sites]), int(offsets[(k + 1) * self.n_sites]))
            gw, sat, _, el = inputs.gateway_pairs[k]
            keep = inputs.gateway_up[k][gw]
            active = [j for j, on in zip(self.jammers, jam_active, strict=True) if on[k]]
            step = self.capacity.step(
                np.nan_to_num(r[k], nan=0.0), a.serving[k],
                visible_pairs=(a.pair_site[part], a.pair_sat[part]),
                gateway_pairs=(gw[keep], sat[keep], el[keep]), jammers=active,
                utc_ns=int(utc[k]))
            cols = step.columns()
            radio["snr_db"][k] = cols["sinr_down_db"]
            radio["capacity_down"][k] = np.nan_to_num(cols["link_capacity_down_mbps"])
            radio["down"][k] = np.nan_to_num(cols["throughput_down_mbps"])
            radio["up"][k] = np.nan_to_num(cols["throughput_up_mbps"])
            if active:  # a jammer's power reaches the terminal
                radio["jammed"][k] = np.isfinite(cols["j_over_s_down_db"])
        return out, previous, radio

    def _terminal_table(
        self, a: ChunkAccess, served: NDArray[np.bool_], reason: NDArray[np.uint8],
        rows: dict[str, NDArray[Any]], radio: dict[str, NDArray[Any]],
    ) -> pa.Table:
        n_run, serving, elevation = a.n_run, a.serving, a.elevation_deg
        named = self.named
        n = len(named)
        sat = serving[:, named]
        sat_names = np.asarray(self.constellation.sat_names, dtype=np.str_)
        why = reason[:, named].ravel().astype(np.int64)
        ok = served[:, named].ravel()
        gateway = rows["gateway"].ravel()
        pop = rows["pop"].ravel()
        gw_names = np.array([*self.gateway_names, ""], dtype=object)
        pop_names = np.array([*self.pop_names, ""], dtype=object)
        return pa.table({
            "time": pa.array(np.repeat(a.utc_ns, n), pa.timestamp("ns", tz="UTC")),
            "terminal": pa.array(np.tile(np.asarray(self.terminal_names, dtype=object), n_run)),
            "lat_deg": a.steps.named_lat_deg.ravel(),
            "lon_deg": a.steps.named_lon_deg.ravel(),
            "served": ok,
            "reason": _reason_column(np.where(ok, 0, why)),
            "sat": pa.array(sat_names[np.maximum(sat.ravel(), 0)], pa.string(),
                            mask=sat.ravel() < 0),
            "elevation_deg": pa.array(elevation[:, named].ravel(), mask=~ok),
            "rtt_ms": pa.array(rows["rtt_ms"].ravel(), mask=~np.isfinite(rows["rtt_ms"].ravel())
                               | ~ok),
            "hops": pa.array(rows["hops"].ravel().astype(np.int16),
                             mask=(rows["hops"].ravel() < 0) | ~ok),
            "gateway": pa.array(gw_names[gateway], pa.string(), mask=~ok | (gateway < 0)),
            "pop": pa.array(pop_names[pop], pa.string(), mask=~ok | (pop < 0)),
            "snr_db": pa.array(radio["snr_db"][:, named].ravel(), mask=~ok),
            "throughput_down_mbps": np.where(ok, radio["down"][:, named].ravel(), 0.0),
            "throughput_up_mbps": np.where(ok, radio["up"][:, named].ravel(), 0.0),
        })

    def _cell_table(self, utc: NDArray[np.int64], served: NDArray[np.bool_],
                    reason: NDArray[np.uint8], counts: NDArray[np.int64],
                    radio: dict[str, NDArray[Any]]) -> pa.Table:
        """Per cell and slot (or step): the served fraction, the cause of most of its
        unserved steps (null if none), mean satellites in view, the mean RTT while served
        (null if never) and the mean throughput of a terminal there (0 while unserved)."""
        n_cells = self.n_cells
        n_run = utc.shape[0]
        if self.scenario.outputs.cells_every == "slot":
            slot = (utc - self.grid.start_ns) // self.slot_ns
        else:
            slot = np.arange(n_run)
        starts = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]])
        sizes = np.diff(np.r_[starts, n_run])[:, None]
        ok = served[:, :n_cells]

        def total(x: NDArray[Any]) -> NDArray[np.float64]:
            return np.add.reduceat(x.astype(np.float64), starts, axis=0)

        rtt = radio["cell_rtt_ms"]
        timed = ok & np.isfinite(rtt)
        n_timed = total(timed)
        with np.errstate(invalid="ignore", divide="ignore"):
            rtt_mean = total(np.where(timed, rtt, 0.0)) / n_timed
        # The commonest outage cause per cell and slot (ties: the lowest code).
        why = reason[:, :n_cells]
        codes = np.unique(why[why > 0])
        main = np.zeros((len(starts), n_cells), dtype=np.int64)
        if codes.size:
            tally = np.stack([total(why == c) for c in codes])
            main = np.where(tally.max(axis=0) > 0, codes[np.argmax(tally, axis=0)], 0)
        names = np.asarray(self.site_names[:n_cells], dtype=object)
        return pa.table({
            "time": pa.array(np.repeat(utc[starts], n_cells), pa.timestamp("ns", tz="UTC")),
            "cell": pa.array(np.tile(names, len(starts))),
            "served": (total(ok) / sizes).ravel(),
            "reason": _reason_column(main),
            "visible": (total(counts[:, :n_cells]) / sizes).ravel(),
            "rtt_ms": pa.array(rtt_mean.ravel(), mask=(n_timed == 0).ravel()),
            "throughput_down_mbps": (total(np.where(ok, radio["down"][:, :n_cells], 0.0))
                                     / sizes).ravel(),
            "throughput_up_mbps": (total(np.where(ok, radio["up"][:, :n_cells], 0.0))
                                   / sizes).ravel(),
        })


def _default_chunk_steps(n_sites: int, n_sats: int, step_ns: int, slot_ns: int) -> int:
    """Steps per chunk: about :data:`_PAIRS_PER_CHUNK` visible pairs (60 a site a step) and
    4 M satellite positions, at most 900 — rounded down to whole scheduler slots where one
    fits, so that no slot's row of ``cells.parquet`` is split between two chunks."""
    steps = max(1, min(900, _PAIRS_PER_CHUNK // max(1, n_sites * 60),
                       4_000_000 // max(1, n_sats)))
    period = slot_ns // math.gcd(slot_ns, step_ns) if slot_ns > 0 and step_ns > 0 else 1
    return steps - steps % period if steps >= period else steps


def _last_served(serving: NDArray[np.int32], before: NDArray[np.int32] | None) -> NDArray[np.int32]:
    """``(time, site)`` the satellite that served each site most recently before each step."""
    n_time, n_site = serving.shape
    prior = np.full(n_site, -1, np.int32) if before is None else before.astype(np.int32)
    stacked = np.vstack([prior[None], serving[:-1]]) if n_time else serving
    index = np.where(stacked >= 0, np.arange(n_time)[:, None], -1)
    np.maximum.accumulate(index, axis=0, out=index)
    filled = np.take_along_axis(stacked, np.maximum(index, 0), axis=0)
    return np.where(index >= 0, filled, -1).astype(np.int32)


def run_scenario(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stop_after_chunks: int | None = None,
    workers: int | None = None,
    overwrite: bool = False,
) -> RunSummary:
    """Run ``scenario`` into ``out_dir`` (resuming from its checkpoint with ``resume``; with
    ``overwrite`` replacing a run already there, else refusing to).

    ``progress(done_steps, total_steps)`` is called after each chunk;
    ``stop_after_chunks`` stops early (as an interruption would) — for tests.
    ``workers``: processes that compute chunks (:mod:`leonet.engine.pipeline`);
    ``None`` uses two where this machine has two CPUs or more, there are two chunks
    or more to run and forking is safe, ``1`` runs everything in this process.  The
    results are the same either way.
    """
    from leonet.engine._memory import reusing_freed_memory
    from leonet.engine.pipeline import available_cpus, fork_unsafe_reason, run_in_workers
    from leonet.scenario.loader import scenario_hash

    if workers is not None and workers < 1:
        raise ValueError(f"workers={workers}: give 1 (this process only) or more, or None")
    store = RunStore(out_dir)
    store.prepare(resume=resume, overwrite=overwrite)
    run = ScenarioRun(scenario)
    digest = scenario_hash(scenario)
    if resume:
        checkpoint = store.load_checkpoint()
        if checkpoint.scenario_hash != digest:
            raise ValueError(
                f"{store.root} was started from a different scenario (hash "
                f"{checkpoint.scenario_hash[:12]}…, this one {digest[:12]}…); resume it with the "
                "scenario it started with, or start a new run in another folder"
            )
        state: RunState = checkpoint.state
        # Chunk indices mean what they meant when the run started.
        run.chunk_steps = int(store.read_metadata().get("chunk_steps", run.chunk_steps))
    else:
        state = run.initial_state()
        _write_static(store, run, digest)
    resumed_from = state.next_chunk
    store.drop_parts_from(state.next_chunk)
    began = time.perf_counter()
    total = run.grid.count
    stop = run.chunks if stop_after_chunks is None else min(
        run.chunks, state.next_chunk + stop_after_chunks)
    indices = range(state.next_chunk, stop)
    processes = workers if workers is not None else (
        2 if available_cpus() >= 2 and len(indices) >= 2 else 1)
    if processes > 1 and fork_unsafe_reason() is not None:
        if workers is not None:
            warnings.warn(f"running in one process: {fork_unsafe_reason()}", RuntimeWarning,
                          stacklevel=2)
        processes = 1
    steps_run = 0

    def commit(index: int, result: ChunkResult) -> None:
        nonlocal state, steps_run
        state = run.account(result, state)
        for name, table in result.tables.items():
            if table.num_rows:
                store.write_part(name, index, table)
        store.save_checkpoint(Checkpoint(digest, state.next_chunk, run.chunks, state))
        steps_run += result.n_run
        if progress is not None:
            progress(min((index + 1) * run.chunk_steps, total), total)

    first_scheduler = state.scheduler

    def work(index: int, receive: Callable[[], Any],
             publish: Callable[[Any], None]) -> ChunkResult:
        geometry = run.geometry(index)
        access = run.schedule(geometry, first_scheduler if index == indices[0] else receive())
        del geometry
        if index + 1 < stop:
            publish(access.scheduler)
        return run.finish(access)

    with reusing_freed_memory():  # chunks allocate alike: reuse their pages (see _memory)
        if processes == 1:
            for index in indices:
                commit(index, run.finish(run.access(index, state.scheduler)))
        else:
            run_in_workers(indices, work, commit, processes=processes)
    elapsed = time.perf_counter() - began
    complete = state.next_chunk >= run.chunks
    if complete:
        meta = store.read_metadata()
        meta["completed"] = True
        meta["elapsed_s_last_session"] = round(elapsed, 3)
        store.write_metadata(meta)
        if scenario.outputs.report:
            from leonet.report.run_report import write_report

            write_report(store.root)
    region = state.region.finalize() if state.region is not None and complete else None
    return RunSummary(
        out_dir=store.root, steps=total, steps_run=steps_run, chunks=run.chunks,
        resumed_from_chunk=resumed_from, complete=complete, elapsed_s=elapsed,
        n_cells=run.n_cells, terminal_names=run.terminal_names,
        metrics=state.metrics.finalize(),
        area_coverage=None if region is None else float(region.area_coverage[0]),
        workers=processes,
    )


def _write_static(store: RunStore, run: ScenarioRun, digest: str) -> None:
    """``metadata.json``, ``events.parquet`` and ``sites.parquet``, before the first chunk."""
    import importlib.metadata as md

    s = run.scenario
    versions = {}
    for package in ("leonet", "numpy", "scipy", "sgp4", "pyarrow", "itur", "h3"):
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = "unknown"
    store.write_metadata({
        "scenario": s.name,
        "scenario_hash": digest,
        "seed": s.seed,
        "start": run.grid.start.isoformat(),
        "step_s": run.grid.step_s,
        "steps": run.grid.count,
        "chunk_steps": run.chunk_steps,
        "constellation": run.constellation.name,
        "satellites": run.constellation.size,
        "cells": run.n_cells,
        "terminals": list(run.terminal_names),
        "network_mode": s.network.mode,
        "python": platform.python_version(),
        "versions": versions,
        "completed": False,
    })
    store.write_table("events", pa.Table.from_pylist(
        [e.as_row() for e in run.events],
        schema=pa.schema([("utc_ns", pa.int64()), ("time", pa.timestamp("us", tz="UTC")),
                          ("kind", pa.string()), ("action", pa.string()),
                          ("target", pa.string()), ("description", pa.string())]),
    ))
    kinds = (["cell"] * run.n_cells + ["terminal"] * run.n_fixed + ["mobile"] * run.n_moving)
    lat = np.concatenate([run.static.lat_deg, [t.lat_deg[0] for t in run.tracks]])
    lon = np.concatenate([run.static.lon_deg, [t.lon_deg[0] for t in run.tracks]])
    store.write_table("sites", pa.table({
        "site": pa.array(run.site_names.astype(object)),
        "kind": pa.array(kinds),
        "lat_deg": lat, "lon_deg": lon,
    }))
    store.write_table("ground", pa.table({
        "name": pa.array(run.gateway_names + run.pop_names),
        "kind": pa.array(["gateway"] * len(run.gateway_names) + ["pop"] * len(run.pop_names)),
        "lat_deg": np.concatenate([run.gateways.lat_deg, run.pops.lat_deg]),
        "lon_deg": np.concatenate([run.gateways.lon_deg, run.pops.lon_deg]),
    }))
    atomic_write_text(store.root / "scenario.json",
                      json.dumps(s.model_dump(mode="json"), indent=2))
