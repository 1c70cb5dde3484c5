"""One chunk of the scenario run: set-up once, then geometry → schedule → steps → tables.

:class:`ScenarioRun` resolves a :class:`~leonet.scenario.Scenario` into arrays once
(constellation, sites, policy, faults, ground network, radio and capacity), then computes
any chunk from its index and the scheduler's state after the chunk before::

    geometry (ScenarioRun.geometry; independent of the other chunks)
      propagate (+ lookahead steps)        SatellitePositions: (time, sat, 3) ECEF km
      visibility                           cells + fixed terminals (culled) + moving terminals
      satellite faults, service policy     pairs to satellites down and of refused (time,
                                           terminal) rows dropped, in the join of the two
      lasers, reachability                 laser modes: satellites with a laser path to an
                                           up gateway; bent-pipe: satellites seeing one
    schedule (ScenarioRun.schedule; from the previous chunk's scheduler state)
      15-s scheduler                       serving satellite per (time, site), outage codes
    finish (ScenarioRun.finish)
      steps (StepRunner, engine/steps.py)  routing of the named terminals and cells, radio
                                           and capacity of every site, step by step
      tables (results/tables.py)           terminals (per step), cells (per slot)

The stages shared with ``leonet route`` and ``leonet coverage`` are
:mod:`leonet.engine.stages`; the driver that accounts and writes chunks in order is
:mod:`leonet.engine.run`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from leonet.access.masks import dish_view, satellite_min_elevation_deg
from leonet.access.moving import usable_pairs, visible_moving
from leonet.access.scheduler import SchedulerState
from leonet.access.visibility import Visibility, visible
from leonet.engine.pop_sets import country_rule_applies, site_pop_mask
from leonet.engine.setup import (
    RunSites,
    capacity_model,
    named_ground,
    run_constellation,
)
from leonet.engine.stages import (
    ChunkWindow,
    SatellitePositions,
    chunk_steps,
    chunk_window,
    gateways_in_view,
    lookahead_steps,
    schedule_chunk,
)
from leonet.engine.steps import ChunkAccess, ChunkRadio, ChunkRoutes, StepInputs, StepRunner
from leonet.events import sort_events
from leonet.ground.sites import Sites
from leonet.network.graph import GroundNodes
from leonet.network.lasers import LaserLinks, constellation_candidates, plus_grid_links_chunk
from leonet.network.latency import LatencyParameters, operator_latency
from leonet.network.reachability import (
    Reachability,
    gateway_links_per_step,
    gateway_onward_ms,
    gateway_reachable,
)
from leonet.network.routing import Routes
from leonet.outcomes import Outcome
from leonet.results.cell_periods import CellPeriods, split_cell_periods
from leonet.results.tables import (
    CellRows,
    RunNames,
    TerminalRows,
    terminal_table,
)
from leonet.scenario.build import fault_plan, service_policy
from leonet.scenario.resolve import (
    gateway_sites,
    pop_sites,
)
from leonet.scenario.schema import Scenario
from leonet.timegrid import TimeGrid

__all__ = ["ScenarioRun"]  # the chunk types are the run driver's plumbing


@dataclass(frozen=True)
class ChunkGeometry:
    """Chunk ``index`` up to the scheduler (see :meth:`ScenarioRun.geometry`): its
    ``window``, the window's ``utc_ns`` and ``r_ecef_km`` (lookahead steps included),
    ``sat_up`` ``(time, sat)``, the usable pairs ``vis`` and the satellites that reach a
    gateway ``gateway_vis``; the rest cover the
    ``n_run`` steps run: ``n_all``/``n_up`` satellites in view (all / up) ``(time, site)``,
    the policy's ``allowed`` and ``policy_reason``, and ``steps``; ``foreseen`` the pairs
    before satellite faults, where some satellite is down in the chunk (what the
    scheduler may plan a slot with: no fault is foreseen), and ``foreseen_ground``
    ``gateway_vis`` with the ways to the ground at the last step of each slot a fault
    starts or ends within as its planning foresees them (the faults at its start)."""

    index: int
    window: ChunkWindow
    utc_ns: NDArray[np.int64]
    n_run: int
    r_ecef_km: NDArray[np.float64]
    sat_up: NDArray[np.bool_]
    vis: Visibility
    gateway_vis: Reachability
    n_all: NDArray[np.int64]
    n_up: NDArray[np.int64]
    allowed: NDArray[np.bool_]
    policy_reason: NDArray[np.uint8]
    steps: StepInputs
    foreseen: Visibility | None = None
    foreseen_ground: Reachability | None = None


@dataclass(frozen=True)
class ChunkResult:
    """A finished chunk (:meth:`ScenarioRun.finish`): its ``tables`` (``terminals``),
    its ``cells`` rows split where slots cross its edges (the driver joins them with
    the chunks' around it, :mod:`leonet.results.cell_periods`), what the metrics take —
    ``served`` ``(time, site)``, ``visible`` ``(time, site)``, ``handovers``
    ``(site,)`` — the last step's ``routes`` and the ``scheduler`` state after it."""

    index: int
    n_run: int
    tables: dict[str, pa.Table]
    served: NDArray[np.bool_]
    visible: NDArray[np.int64]
    handovers: NDArray[np.int64]
    routes: Routes | None
    scheduler: SchedulerState
    cells: CellPeriods


def _latency_terms(scenario: Scenario) -> dict[str, float]:
    """The run's latency parameters where they differ from Starlink's defaults: the radio
    operator's (:data:`leonet.network.latency.OPERATOR_LATENCY`: no slot spike and a
    fitted user-link term for OneWeb and KA-SAT; docs/operators.md), then the scenario's
    ``network.latency``, which overrides them."""
    return operator_latency(scenario.radio_operator) | scenario.network.latency.given()


def _site_pops(
    scenario: Scenario, sites: RunSites, pops: Sites, grid: TimeGrid
) -> NDArray[np.bool_] | None:
    """``(site, pop)`` the PoPs each site may use (run order; moving terminals where they
    are at the run's start: the step stage follows them, :class:`StepRunner`), by
    :mod:`leonet.engine.pop_sets`; ``None``: every PoP."""
    if not country_rule_applies(scenario) or len(pops) == 0:
        return None
    first = sites.moving_at(grid.start_ns)
    return site_pop_mask(
        np.concatenate([sites.static.lat_deg, first.lat_deg]),
        np.concatenate([sites.static.lon_deg, first.lon_deg]),
        pops.names,
    )


#: Where along their tracks the moving terminals' countries are looked up for the PoPs
#: the scheduler plans to (at most this many instants over the run, evenly).
_TRACK_SAMPLES = 1441


def _track_pops(sites: RunSites, pops: Sites, grid: TimeGrid) -> NDArray[np.bool_] | None:
    """``(pop,)`` the PoPs the moving terminals may use somewhere along their tracks (of
    the countries they cross, by :mod:`leonet.engine.pop_sets`); ``None`` where every
    point looked at is in a country without data or at sea (every PoP, as without the
    rule), or nothing moves."""
    if not sites.tracks:
        return None
    last = grid.start_ns + (grid.count - 1) * grid.step_ns
    times = np.linspace(grid.start_ns, last, min(grid.count, _TRACK_SAMPLES)).astype(np.int64)
    where = [t.positions(times) for t in sites.tracks]
    crossed = site_pop_mask(
        np.concatenate([w[0] for w in where]), np.concatenate([w[1] for w in where]), pops.names
    )
    return None if crossed is None else np.asarray(crossed.any(axis=0))


class ScenarioRun:
    """A scenario resolved into arrays once: constellation, sites, policy, faults, radio.

    Sites are ordered ``[cells | fixed terminals | moving terminals]``; the
    terminals (fixed and moving) are the ``named`` sites whose every step is
    written to ``terminals.parquet``.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.grid: TimeGrid = scenario.time.grid()
        self.constellation = run_constellation(scenario)
        sites = RunSites.of(scenario)
        self.static, self.tracks = sites.static, sites.tracks
        self.n_cells, self.n_fixed, self.n_moving = sites.n_cells, sites.n_fixed, sites.n_moving
        self.cell_area_km2 = sites.cell_area_km2
        self.site_names = sites.names
        self.n_sites = sites.n_sites
        self.named = sites.named
        self.terminal_names = tuple(str(n) for n in self.site_names[self.named])
        self.gateways = gateway_sites(scenario)
        self.pops = pop_sites(scenario)
        self.policy = service_policy(scenario)
        self.faults = fault_plan(scenario, self.tracks)
        self.events = sort_events(self.policy.timeline() + self.faults.events())
        self.config = scenario.scheduler.config()
        net = scenario.network
        self.mode = net.mode
        self.sat_mask = satellite_min_elevation_deg(self.constellation)
        self.candidates = (
            constellation_candidates(self.constellation) if net.mode != "bent-pipe" else None
        )
        self.ground: GroundNodes = named_ground(
            sites, self.gateways, self.pops, self.grid, net.route_factor
        )
        self.pop_mask = _site_pops(scenario, sites, self.pops, self.grid)
        # Moving terminals take the PoPs of the country they are in at each step
        # (StepRunner); where they cross a country with data, every site gets a row.
        track = _track_pops(sites, self.pops, self.grid) if country_rule_applies(scenario) else None
        if track is not None and self.pop_mask is None:
            self.pop_mask = np.ones((sites.n_sites, len(self.pops)), dtype=bool)
        # The shortest-path scheduler's delays run on to the PoPs the sites may use, as
        # in run_routes (leonet calibrate): gateway → its PoP → PoP mesh; the moving
        # terminals' at every country their track crosses (a track in no country with
        # data has every PoP in its row at the start already).
        self.onward_used: NDArray[np.bool_] = (
            np.ones(len(self.pops), dtype=bool)
            if self.pop_mask is None
            else np.asarray(self.pop_mask.any(axis=0) | (False if track is None else track))
        )
        self.onward_ms = (
            gateway_onward_ms(self.ground, self.onward_used) if len(self.pops) else None
        )
        self.capacity = capacity_model(
            scenario, sites, self.grid, self.constellation.size, self.gateways
        )
        self.jammers = list(self.faults.jammers)
        self.gateway_names = [str(n) for n in self.gateways.names]
        self.pop_names = [str(n) for n in self.pops.names]
        self.names = RunNames(
            self.terminal_names,
            np.asarray(self.constellation.sat_names, dtype=np.str_),
            tuple(self.gateway_names),
            tuple(self.pop_names),
        )
        self.slot_ns = round(self.config.slot_s * 1e9)
        self.chunk_steps = scenario.time.chunk_steps or chunk_steps(
            self.n_sites, self.constellation.size, self.grid.step_ns, self.slot_ns
        )
        self.lookahead = lookahead_steps(self.config, self.grid.step_s)
        # Satellites outside every shell (raising or lowering orbit) neither serve nor
        # relay: only those in service are propagated.
        self._positions_of = SatellitePositions(self.constellation)
        self.steps = StepRunner(
            ground=self.ground,
            capacity=self.capacity,
            jammers=self.jammers,
            mode=self.mode,
            access=net.access,
            processing_delay_ms=net.processing_delay_ms,
            n_cells=self.n_cells,
            n_fixed=self.n_fixed,
            n_moving=self.n_moving,
            cell_ecef_km=self.static.ecef_km[: self.n_cells],
            slot_s=self.config.slot_s,
            slot_phase_s=self.config.phase_s,
            latency=LatencyParameters(**_latency_terms(scenario)),
            seed=scenario.seed,
            pop_mask=self.pop_mask,
            pop_names=np.asarray(self.pops.names, dtype=np.str_) if self.n_moving else None,
        )

    @property
    def chunks(self) -> int:
        return math.ceil(self.grid.count / self.chunk_steps)

    # ------------------------------------------------------------------ one chunk
    def satellite_positions(self, window: TimeGrid) -> NDArray[np.float64]:
        """ECEF km ``(time, sat, 3)`` over ``window``; NaN for satellites out of service."""
        return self._positions_of(window)

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

    def _visibility(
        self,
        r: NDArray[np.float64],
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
        alt: NDArray[np.float64],
    ) -> list[Visibility]:
        """The visibility of the fixed sites (culled) and of the moving ones (dense), as two
        tables over the same steps (joined by :func:`usable_pairs`)."""
        s = self.static
        parts = [visible(r, self.sat_mask, s.ecef_km, s.lat_deg, s.lon_deg, s.min_elevation_deg)]
        if self.tracks:
            k = len(s)
            parts.append(visible_moving(r, self.sat_mask, lat[:, k:], lon[:, k:], alt[:, k:]))
        return parts

    def _onward_ms(self, pop_up: NDArray[np.bool_]) -> NDArray[np.float64] | None:
        """Each gateway's fibre delay on to the PoPs its sites may use, ``(gw,)``, or
        ``(time, gw)`` over the PoPs in service at each step where some are down
        (``faults.pops``): the scheduler plans to a PoP that is up."""
        if self.onward_ms is None or pop_up.all():
            return self.onward_ms
        return gateway_onward_ms(self.ground, self.onward_used, pop_up)

    def _laser_down(self, utc_ns: NDArray[np.int64]) -> NDArray[np.bool_] | None:
        """``(time, candidate)`` the laser candidates the fault plan fails (``None``:
        none, or no lasers)."""
        if self.candidates is None or not self.faults.lasers:
            return None
        down = self.faults.laser_disabled(
            utc_ns, self.candidates.sat_a, self.candidates.sat_b, self.constellation
        )
        return down if down.any() else None

    def _lasers(
        self, r: NDArray[np.float64], down: NDArray[np.bool_] | None
    ) -> list[LaserLinks] | None:
        """Each step's laser links; candidates failed (``down``, :meth:`_laser_down`)
        stay down."""
        if self.candidates is None:
            return None
        net = self.scenario.network
        return plus_grid_links_chunk(
            self.candidates, r, max_range_km=net.max_laser_range_km, link_down=down
        )

    def _replanned(
        self,
        utc: NDArray[np.int64],
        r_all: NDArray[np.float64],
        sat_up: NDArray[np.bool_],
        *faults: NDArray[np.bool_] | None,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]] | None:
        """``(ends, firsts, r_end)``: the last steps of the chunk's slots whose planning
        needs the ways to the ground as foreseen (``shortest-path``, lasers) and a fault
        (``sat_up`` or ``faults``, each ``(time, …)``) starts or ends within, the slots'
        first steps, and the satellites where they will be at the ends (``r_all``'s
        positions; those failed at the first step left out); ``None`` where there is none."""
        if self.candidates is None or not self.config.uses_path_delay:
            return None
        firsts, ends = self.config.slot_edges(utc)
        moved = np.zeros(ends.shape[0], dtype=bool)
        for st in (sat_up, *faults):
            if st is not None:
                moved |= (st[ends] != st[firsts]).reshape(ends.shape[0], -1).any(axis=1)
        moved &= ends > firsts
        if not moved.any():
            return None
        ends, firsts = ends[moved], firsts[moved]
        return ends, firsts, np.where(sat_up[firsts][..., None], r_all[ends], np.nan)

    def _foreseen_ground(
        self,
        gateway_vis: Reachability,
        replanned: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
        gw_up: NDArray[np.bool_],
        pop_up: NDArray[np.bool_],
        laser_down: NDArray[np.bool_] | None,
    ) -> Reachability:
        """``gateway_vis`` with the ways to the ground at the ``replanned`` slots' last
        steps (:meth:`_replanned`) as their planning foresees them: the satellites where
        they will be, under the faults in force at the slot's first step — no scheduler
        foresees a fault."""
        ends, firsts, r_end = replanned
        lasers = self._lasers(r_end, None if laser_down is None else laser_down[firsts])
        assert lasers is not None  # _replanned asks for lasers
        planned = gateway_reachable(
            r_end,
            lasers,
            self.ground,
            gateway_down=~gw_up[firsts],
            delays=True,
            onward_ms=self._onward_ms(pop_up[firsts]),
        )
        return gateway_vis.with_steps(ends, planned)

    def access(self, index: int, scheduler: SchedulerState | None) -> ChunkAccess:
        """The first part of chunk ``index``: propagate, faults, visibility, policy,
        lasers, reachability, then the scheduler from ``scheduler`` (the state after
        the chunk before; its state after this chunk comes back in the result)."""
        return self.schedule(self.geometry(index), scheduler)

    def geometry(self, index: int) -> ChunkGeometry:
        """Everything of chunk ``index`` before the scheduler — independent of the other
        chunks, so any process can compute it."""
        chunk = chunk_window(self.grid, index, self.chunk_steps, self.lookahead, self.config)
        window, n_run = chunk.grid, chunk.n_run
        utc = window.utc_ns
        r_all = self.satellite_positions(window)
        sat_up = self.faults.satellite_up(utc, self.constellation)
        gw_up = self.faults.gateway_up(utc, self.gateway_names)
        pop_up = self.faults.pop_up(utc, self.pop_names)
        laser_down = self._laser_down(utc)
        r = np.where(sat_up[..., None], r_all, np.nan)
        # The slots a fault starts or ends within: their planning foresees the positions
        # at their end, under the faults in force at their start.
        replanned = self._replanned(utc, r_all, sat_up, gw_up, pop_up, laser_down)
        lat, lon, alt, speed = self._positions(window)
        parts = self._visibility(dish_view(r_all, self.constellation), lat, lon, alt)
        del r_all
        allowed, policy_reason = self.policy.allowed(utc, lat, lon, speed, self.site_names)
        # One filter for faults and policy; the counts tell the causes apart.
        n_all = np.concatenate(
            [np.diff(part.offsets).reshape(window.count, part.n_site) for part in parts], axis=1
        )[:n_run]
        n_up, vis_ok = usable_pairs(parts, allowed, sat_up)
        # What the scheduler foresees when it plans a slot: the pairs before satellite
        # faults at the slot's last step, the only one it reads (the same where none is
        # down in the chunk; a fifteenth of the copy, at 1-s steps).
        foreseen = None
        if not sat_up.all():
            at_end = np.zeros(utc.shape[0], dtype=bool)
            at_end[self.config.slot_edges(utc)[1]] = True
            foreseen = usable_pairs(parts, allowed & at_end[:, None], np.ones_like(sat_up))[1]
        n_up = n_up.reshape(window.count, self.n_sites)[:n_run]
        del parts
        lasers = self._lasers(r, laser_down)
        ground = self.ground
        gateway_pairs = gateway_links_per_step(ground, r)
        if lasers is None:
            gateway_vis = gateways_in_view(r, self.gateways, gw_up)
        else:
            gateway_vis = gateway_reachable(
                r,
                lasers,
                ground,
                gateway_down=~gw_up,
                gateway_pairs=gateway_pairs,
                delays=self.config.path_delay_steps(utc),
                onward_ms=self._onward_ms(pop_up),
            )
        foreseen_ground = None
        if replanned is not None:
            foreseen_ground = self._foreseen_ground(
                gateway_vis, replanned, gw_up, pop_up, laser_down
            )
        named = slice(self.n_cells, self.n_sites)
        return ChunkGeometry(
            index=index,
            window=chunk,
            utc_ns=utc,
            n_run=n_run,
            r_ecef_km=r,
            sat_up=sat_up,
            vis=vis_ok,
            gateway_vis=gateway_vis,
            n_all=n_all,
            n_up=n_up,
            allowed=allowed[:n_run],
            policy_reason=policy_reason[:n_run],
            steps=StepInputs(
                gateway_up=gw_up[:n_run],
                pop_up=pop_up[:n_run],
                lasers=None if lasers is None else lasers[:n_run],
                gateway_pairs=gateway_pairs[:n_run],
                named_lat_deg=np.ascontiguousarray(lat[:n_run, named]),
                named_lon_deg=np.ascontiguousarray(lon[:n_run, named]),
                named_alt_km=np.ascontiguousarray(alt[:n_run, named]),
            ),
            foreseen=foreseen,
            foreseen_ground=foreseen_ground,
        )

    def schedule(self, g: ChunkGeometry, scheduler: SchedulerState | None) -> ChunkAccess:
        """The scheduler over a chunk's geometry, from ``scheduler`` (the state after the
        chunk before), and the outage reasons that do not need the radio."""
        n_run, vis = g.n_run, g.vis
        result = schedule_chunk(
            vis,
            g.window,
            self.config,
            scheduler,
            g.gateway_vis,
            foreseen=g.foreseen,
            foreseen_ground=g.foreseen_ground,
        )
        serving = result.serving_sat[:n_run]
        reason = result.reason[:n_run].astype(np.uint8)
        # Explain refusals and faults better than "no satellite".
        reason = np.where(
            (reason == Outcome.NO_SATELLITE) & (g.n_all > 0) & (g.n_up == 0),
            int(Outcome.SATELLITE_FAULT),
            reason,
        )
        # A serving satellite that fails mid-slot: the outage is the fault's doing.
        last = _last_served(serving, None if scheduler is None else scheduler.last_sat)
        lost = (reason == Outcome.LOST_MID_SLOT) & (last >= 0)
        lost_to_fault = lost & ~np.take_along_axis(g.sat_up[:n_run], np.maximum(last, 0), axis=1)
        reason = np.where(lost_to_fault, int(Outcome.SATELLITE_FAULT), reason)
        # Refused or without candidates at the slot's boundary, usable now: the scheduler
        # serves it from the next boundary (Starlink re-plans every slot).
        n_ok = np.diff(vis.offsets).reshape(vis.n_time, self.n_sites)[:n_run]
        reason = np.where(
            (reason == Outcome.NO_SATELLITE) & (n_ok > 0), int(Outcome.AWAITING_SLOT), reason
        )
        reason = np.where(~g.allowed, g.policy_reason, reason).astype(np.uint8)
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
        the chunk to it); :func:`leonet.engine.run.account` does it where it matters.
        """
        a = access
        routes, radio = self.steps.run(a, None)
        # Radio outage (below the lowest MODCOD) is an outage too; with a jammer on, "jammed".
        served = (a.serving >= 0) & (radio.capacity_down_mbps > 0)
        radio_out = (a.serving >= 0) & ~served
        reason = np.where(
            radio_out,
            np.where(radio.jammed, int(Outcome.JAMMED), int(Outcome.RADIO_OUTAGE)),
            a.reason,
        )
        reason = np.where(served, 0, reason).astype(np.uint8)
        tables = {"terminals": self._terminal_table(a, served, reason, routes, radio)}
        return ChunkResult(
            a.index,
            a.n_run,
            tables,
            served,
            np.array(a.visible),
            np.array(a.handovers),
            routes.last,
            a.scheduler,
            self._cell_periods(a, served, reason, routes, radio),
        )

    def _terminal_table(
        self,
        a: ChunkAccess,
        served: NDArray[np.bool_],
        reason: NDArray[np.uint8],
        routes: ChunkRoutes,
        radio: ChunkRadio,
    ) -> pa.Table:
        named = self.named
        return terminal_table(
            TerminalRows(
                utc_ns=a.utc_ns,
                lat_deg=a.steps.named_lat_deg,
                lon_deg=a.steps.named_lon_deg,
                served=served[:, named],
                reason=reason[:, named],
                sat=a.serving[:, named],
                elevation_deg=a.elevation_deg[:, named],
                rtt_ms=routes.rtt_ms,
                propagation_rtt_ms=routes.propagation_rtt_ms,
                loaded_rtt_ms=routes.loaded_rtt_ms,
                busy_rtt_ms=routes.busy_rtt_ms,
                hops=routes.hops,
                gateway=routes.gateway,
                pop=routes.pop,
                snr_db=radio.snr_db[:, named],
                throughput_down_mbps=radio.throughput_down_mbps[:, named],
                throughput_up_mbps=radio.throughput_up_mbps[:, named],
                speedtest_down_mbps=radio.speedtest_down_mbps[:, named],
                speedtest_up_mbps=radio.speedtest_up_mbps[:, named],
            ),
            self.names,
        )

    def _period(self, step: int) -> int:
        """The ``cells`` period (slot) of step ``step`` of the run's grid."""
        return (step * self.grid.step_ns) // self.slot_ns

    def _cell_periods(
        self,
        a: ChunkAccess,
        served: NDArray[np.bool_],
        reason: NDArray[np.uint8],
        routes: ChunkRoutes,
        radio: ChunkRadio,
    ) -> CellPeriods:
        cells = slice(0, self.n_cells)
        first = a.index * self.chunk_steps
        stop = first + a.n_run
        if self.scenario.outputs.cells_every == "slot":
            slot = (a.utc_ns - self.grid.start_ns) // self.slot_ns
            before = (
                self.n_cells > 0 and first > 0 and self._period(first - 1) == self._period(first)
            )
            after = (
                self.n_cells > 0
                and stop < self.grid.count
                and self._period(stop) == self._period(stop - 1)
            )
        else:
            slot = np.arange(a.n_run)
            before = after = False
        return split_cell_periods(
            CellRows(
                utc_ns=a.utc_ns,
                slot=slot,
                served=served[:, cells],
                reason=reason[:, cells],
                visible=a.visible[:, cells],
                rtt_ms=routes.cell_rtt_ms,
                propagation_rtt_ms=routes.cell_propagation_rtt_ms,
                loaded_rtt_ms=routes.cell_loaded_rtt_ms,
                busy_rtt_ms=routes.cell_busy_rtt_ms,
                throughput_down_mbps=radio.throughput_down_mbps[:, cells],
                throughput_up_mbps=radio.throughput_up_mbps[:, cells],
                speedtest_down_mbps=radio.speedtest_down_mbps[:, cells],
                speedtest_up_mbps=radio.speedtest_up_mbps[:, cells],
            ),
            self.site_names[cells],
            continues_before=before,
            continues_after=after,
        )


def _last_served(serving: NDArray[np.int32], before: NDArray[np.int32] | None) -> NDArray[np.int32]:
    """``(time, site)`` the satellite that served each site most recently before each step."""
    n_time, n_site = serving.shape
    prior = np.full(n_site, -1, np.int32) if before is None else before.astype(np.int32)
    stacked = np.vstack([prior[None], serving[:-1]]) if n_time else serving
    index = np.where(stacked >= 0, np.arange(n_time)[:, None], -1)
    np.maximum.accumulate(index, axis=0, out=index)
    filled = np.take_along_axis(stacked, np.maximum(index, 0), axis=0)
    return np.where(index >= 0, filled, -1).astype(np.int32)
