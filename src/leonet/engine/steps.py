"""A chunk's step-by-step stage: routing of the named terminals and cells, radio and
capacity of every site.

One step, in order (:meth:`StepRunner.run`)::

    moving terminals   the graph's terminal nodes and the radio's sites moved to the step
    graph              lasers, gateway links (shared pairs), the terminals' user links:
                       access "scheduled" — the serving satellite only;
                       access "any" — every usable satellite in view (the best case)
    one Dijkstra       from the PoPs: the named terminals' routes, and the delay to a PoP
                       of each satellite a cell uses (cells are not graph nodes)
    cell RTT           2 × (access link + that satellite's delay): its serving satellite
                       ("scheduled"), the best satellite in view ("any")
    radio + capacity   SNR/SINR, MODCOD, jammers, beams, max-min fair share of every site
                       served (always the scheduler's serving satellite)
    latency terms      the route's propagation RTT plus the named terms of
                       :mod:`leonet.network.latency` (user link, processing per satellite
                       and gateway, ground equipment, PoP, slot-boundary spike): the idle
                       ``rtt_ms``; plus queueing at the site's utilisation: ``loaded_rtt_ms``;
                       plus queueing behind the busy-hour background of the speed test's
                       draws (Starlink's published figure): ``busy_rtt_ms``

The results come back as :class:`ChunkRoutes` and :class:`ChunkRadio`, arrays over the
chunk's steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from leonet.access.scheduler import SchedulerState
from leonet.capacity.throughput import CapacityModel
from leonet.constants import C_KM_S
from leonet.engine.pop_sets import site_pop_mask
from leonet.frames import enu_basis, geodetic_to_ecef
from leonet.network.graph import GroundNodes, Mode, build_graph, edge_weight_ms
from leonet.network.lasers import LaserLinks
from leonet.network.latency import (
    LatencyParameters,
    path_counts,
    since_slot_start_s,
    user_link_uniforms,
    utilisation,
)
from leonet.network.reachability import GatewayPairs
from leonet.network.routing import Routes, route_to_pops, search_limit_ms

# Only the runner is public: its input and result types are ScenarioRun's plumbing.
__all__ = ["StepRunner"]


@dataclass(frozen=True)
class StepInputs:
    """What a chunk's step-by-step stage takes of its geometry as it is, over the ``n_run``
    steps run: ``gateway_up`` ``(time, gateway)``, ``pop_up`` ``(time, pop)``; ``lasers``
    each step's laser links (``None`` bent-pipe); ``gateway_pairs`` each step's
    :data:`~leonet.network.reachability.GatewayPairs`; ``named_*`` ``(time, terminal)``
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
    """What the geometry and the schedule of a chunk hand the step-by-step stage:
    positions, access and the schedule of the steps the chunk runs (lookahead dropped).

    ``utc_ns`` ``(time,)``; ``r_ecef_km`` ``(time, sat, 3)`` ECEF km, NaN for
    satellites out of service or down; the step's usable (site, satellite) pairs
    ``pair_site``, ``pair_sat`` ``(pair,)`` int32 with ``pair_offsets``
    ``(time * site + 1,)`` their CSR index (as :class:`~leonet.access.Visibility`);
    ``serving`` ``(time, site)`` int32, ``elevation_deg`` float64, ``reason`` uint8
    (before radio outages), ``visible`` int64 satellites up in view; ``handovers``
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
class ChunkRoutes:
    """Routing over a chunk's steps: the named terminals' idle ``rtt_ms`` (every latency
    term; NaN without a path), its ``propagation_rtt_ms``, the ``loaded_rtt_ms``
    (queueing at the run's utilisation added) and the ``busy_rtt_ms`` (queueing behind
    the speed test's busy-hour background added; NaN without a calibrated speed test),
    ``hops`` (-1), ``gateway`` and ``pop`` (indices into the run's gateways / PoPs, -1)
    ``(time, terminal)``; the cells' ``cell_rtt_ms``, ``cell_propagation_rtt_ms``,
    ``cell_loaded_rtt_ms`` and ``cell_busy_rtt_ms`` ``(time, cell)`` (NaN); ``last`` the
    last step's :class:`~leonet.network.Routes`."""

    rtt_ms: NDArray[np.float64]
    hops: NDArray[np.int16]
    gateway: NDArray[np.int32]
    pop: NDArray[np.int32]
    cell_rtt_ms: NDArray[np.float64]
    last: Routes | None
    propagation_rtt_ms: NDArray[np.float64]
    loaded_rtt_ms: NDArray[np.float64]
    cell_propagation_rtt_ms: NDArray[np.float64]
    cell_loaded_rtt_ms: NDArray[np.float64]
    busy_rtt_ms: NDArray[np.float64]
    cell_busy_rtt_ms: NDArray[np.float64]


@dataclass(frozen=True)
class ChunkRadio:
    """Radio and capacity over a chunk's steps, ``(time, site)``: the downlink SINR
    ``snr_db`` (NaN unserved), ``capacity_down_mbps`` the link's, ``throughput_down_mbps``
    / ``throughput_up_mbps`` the site's fair share (0 unserved), ``speedtest_down_mbps`` /
    ``speedtest_up_mbps`` a speed test's rate there (0 unserved), ``jammed`` a jammer's
    power reached the site."""

    snr_db: NDArray[np.float64]
    capacity_down_mbps: NDArray[np.float64]
    throughput_down_mbps: NDArray[np.float64]
    throughput_up_mbps: NDArray[np.float64]
    speedtest_down_mbps: NDArray[np.float64]
    speedtest_up_mbps: NDArray[np.float64]
    jammed: NDArray[np.bool_]


@dataclass
class StepRunner:
    """Routing and radio step by step for one run's sites ``[cells | fixed terminals |
    moving terminals]`` (the terminals are ``ground``'s terminal nodes, in that order):
    ``capacity`` the radio and capacity models of every site, ``jammers`` the radio
    layer's, ``access`` the scenario's ``network.access``, ``cell_ecef_km`` ``(cell, 3)``;
    ``latency`` the latency terms' parameters, ``slot_s`` and ``slot_phase_s`` the
    scheduler's slots (for the slot-boundary term), ``seed`` the scenario's (the user
    link's random waits, drawn per site index and step time: the same on resume and
    whatever the chunking); ``pop_mask`` ``(site, pop)`` the PoPs each site may use, the
    nearest by delay of them (:mod:`leonet.engine.pop_sets`; ``None``: every PoP), and
    ``pop_names`` ``(pop,)`` the PoPs' codes, given where the moving terminals' rows
    follow them: each step, the PoPs of the country they are in then."""

    ground: GroundNodes
    capacity: CapacityModel
    jammers: Sequence[Any]
    mode: Mode
    access: Literal["scheduled", "any"]
    processing_delay_ms: float
    n_cells: int
    n_fixed: int
    n_moving: int
    cell_ecef_km: NDArray[np.float64]
    latency: LatencyParameters = dataclasses.field(default_factory=LatencyParameters)
    slot_s: float = 15.0
    slot_phase_s: float = 0.0
    seed: int = 0
    pop_mask: NDArray[np.bool_] | None = None
    pop_names: NDArray[np.str_] | None = None

    @property
    def n_sites(self) -> int:
        return self.n_cells + self.n_fixed + self.n_moving

    def run(self, a: ChunkAccess, previous: Routes | None) -> tuple[ChunkRoutes, ChunkRadio]:
        """Every step of chunk ``a``; ``previous`` the routes of the step before it."""
        n_run, n_sites, n_cells = a.n_run, self.n_sites, self.n_cells
        n_named = n_sites - n_cells
        hops = np.full((n_run, n_named), -1, dtype=np.int16)
        gateway = np.full((n_run, n_named), -1, dtype=np.int32)
        pop = np.full((n_run, n_named), -1, dtype=np.int32)
        cell_rtt = np.full((n_run, n_cells), np.nan)
        # Per cell: the route's RTT and, packed, satellites + 4096 × gateways on the path.
        cell_hops = np.zeros((n_run, n_cells), dtype=np.int64)
        prop_rtt = np.full((n_run, n_named), np.nan)
        # What the latency terms take, step by step; they are added over the whole chunk
        # after the loop (one call a kind of site, not two a step).
        route_rtt_all = np.full((n_run, n_named), np.nan)
        sats_on_path = np.zeros((n_run, n_named), dtype=np.int64)
        gws_on_path = np.zeros((n_run, n_named), dtype=np.int64)
        rho_down_all = np.zeros((n_run, n_sites))
        rho_up_all = np.zeros((n_run, n_sites))
        # The busy-hour ρ of the speed test's draws (NaN: unserved or no calibrated test).
        busy_down_all = np.full((n_run, n_sites), np.nan)
        busy_up_all = np.full((n_run, n_sites), np.nan)
        since = since_slot_start_s(a.utc_ns, self.slot_s, self.slot_phase_s)
        demand = self.capacity.demand
        snr = np.full((n_run, n_sites), np.nan)
        capacity_down = np.zeros((n_run, n_sites))
        down = np.zeros((n_run, n_sites))
        up = np.zeros((n_run, n_sites))
        test_down = np.zeros((n_run, n_sites))
        test_up = np.zeros((n_run, n_sites))
        jammed = np.zeros((n_run, n_sites), dtype=bool)
        utc, r, inputs, offsets = a.utc_ns, a.r_ecef_km, a.steps, a.pair_offsets
        jam_active = [j.is_active(utc) for j in self.jammers]
        layout = self.ground.layout(r.shape[1])
        site_index = np.arange(n_sites)  # the user link's draws: [cells | terminals]
        moving_pops = self._moving_pops(inputs, n_run)
        for k in range(n_run):
            ground = self._move_terminals(inputs, k)
            part = slice(int(offsets[k * n_sites]), int(offsets[(k + 1) * n_sites]))
            routes = self._route(
                a,
                k,
                ground,
                part,
                previous,
                cell_rtt[k],
                cell_hops[k],
                None if moving_pops is None else moving_pops[k],
            )
            previous = routes
            route_rtt = np.where(np.isfinite(routes.rtt_ms), routes.rtt_ms, np.nan)
            hops[k] = routes.hops
            gateway[k] = np.where(routes.gateway >= 0, routes.gateway - layout.gateway0, -1)
            # The PoP the route ends at: past the gateway's own PoP where the site's set
            # leaves it out (with every PoP allowed the path's first PoP is its last).
            pop[k] = np.where(routes.target >= 0, routes.target - layout.pop0, -1)
            # Radio and capacity for every site served at this step.
            gw, sat, _, el = inputs.gateway_pairs[k]
            keep = inputs.gateway_up[k][gw]
            active = [j for j, on in zip(self.jammers, jam_active, strict=True) if on[k]]
            step = self.capacity.step(
                np.nan_to_num(r[k], nan=0.0),
                a.serving[k],
                visible_pairs=(a.pair_site[part], a.pair_sat[part]),
                gateway_pairs=(gw[keep], sat[keep], el[keep]),
                jammers=active,
                utc_ns=int(utc[k]),
                in_view=np.diff(offsets[k * n_sites : (k + 1) * n_sites + 1]),
            )
            cols = step.columns()
            snr[k] = cols["sinr_down_db"]
            capacity_down[k] = np.nan_to_num(cols["link_capacity_down_mbps"])
            down[k] = np.nan_to_num(cols["throughput_down_mbps"])
            up[k] = np.nan_to_num(cols["throughput_up_mbps"])
            test_down[k] = np.nan_to_num(cols["speedtest_down_mbps"])
            test_up[k] = np.nan_to_num(cols["speedtest_up_mbps"])
            busy_down_all[k] = step.busy_utilisation_down
            busy_up_all[k] = step.busy_utilisation_up
            if active:  # a jammer's power reaches the terminal
                jammed[k] = np.isfinite(cols["j_over_s_down_db"])
            # Latency terms over the route's delay; queueing at each site's utilisation.
            rho_down_all[k] = utilisation(
                demand.offered_down_mbps,
                np.fmin(step.down.beam_level_mbps, step.down.gateway_level_mbps),
            )
            rho_up_all[k] = utilisation(
                demand.offered_up_mbps, np.fmin(step.up.beam_level_mbps, step.up.gateway_level_mbps)
            )
            sats_on_path[k], gws_on_path[k] = path_counts(
                routes.path, layout.n_sats, layout.gateway0, layout.pop0
            )
            prop_rtt[k] = np.where(
                np.isfinite(routes.rtt_propagation_ms), routes.rtt_propagation_ms, np.nan
            )
            route_rtt_all[k] = route_rtt
        since_k = since[:, None]  # (time, 1): the slot-boundary term of each step
        # The user link's random waits of every (step, site), drawn as a step at a time.
        frame, cycle = user_link_uniforms(
            self.seed, site_index[None, :], utc[:, None], self.slot_s, self.slot_phase_s
        )
        extra_idle, extra_loaded = self.latency.rtt_ms(
            prop_rtt,
            sats_on_path,
            gws_on_path,
            since_k,
            rho_down_all[:, n_cells:],
            rho_up_all[:, n_cells:],
            frame[:, n_cells:],
            cycle[:, n_cells:],
        )
        rtt = route_rtt_all + extra_idle - prop_rtt
        loaded = route_rtt_all + extra_loaded - prop_rtt
        c_sat, c_gw = cell_hops % 4096, cell_hops // 4096
        # The cell's route RTT less the scenario's per-hop processing (sat, gw, access).
        cell_prop = cell_rtt - 2.0 * self.processing_delay_ms * (c_sat + c_gw + 1)
        c_idle, c_loaded = self.latency.rtt_ms(
            cell_prop,
            c_sat,
            c_gw,
            since_k,
            rho_down_all[:, :n_cells],
            rho_up_all[:, :n_cells],
            frame[:, :n_cells],
            cycle[:, :n_cells],
        )
        cell_loaded = cell_rtt + c_loaded - cell_prop
        cell_rtt = cell_rtt + c_idle - cell_prop
        # Starlink's busy-hour RTT: the idle one plus the queue behind the background the
        # speed test saw, both ways (CountrySample.measured_rtt_ms in calibration).
        queue = self.latency.queue_ms(busy_down_all) + self.latency.queue_ms(busy_up_all)
        queue[np.isnan(busy_down_all) | np.isnan(busy_up_all)] = np.nan
        busy = rtt + queue[:, n_cells:]
        cell_busy = cell_rtt + queue[:, :n_cells]
        return (
            ChunkRoutes(
                rtt,
                hops,
                gateway,
                pop,
                cell_rtt,
                previous,
                prop_rtt,
                loaded,
                cell_prop,
                cell_loaded,
                busy,
                cell_busy,
            ),
            ChunkRadio(snr, capacity_down, down, up, test_down, test_up, jammed),
        )

    def _move_terminals(self, inputs: StepInputs, k: int) -> GroundNodes:
        """The ground network with the moving terminals where they are at step ``k``; the
        radio model's sites moved likewise."""
        if not self.n_moving:
            return self.ground
        n_fixed = self.n_fixed
        m_lat = inputs.named_lat_deg[k, n_fixed:]
        m_lon = inputs.named_lon_deg[k, n_fixed:]
        m_alt = inputs.named_alt_km[k, n_fixed:]
        ecef = self.ground.terminal_ecef_km.copy()
        up = self.ground.terminal_up.copy()
        ecef[n_fixed:] = geodetic_to_ecef(m_lat, m_lon, m_alt)
        up[n_fixed:] = enu_basis(m_lat, m_lon)[:, 2, :]
        self.capacity.move_sites(
            np.arange(self.n_sites - self.n_moving, self.n_sites), m_lat, m_lon, m_alt
        )
        return dataclasses.replace(self.ground, terminal_ecef_km=ecef, terminal_up=up)

    def _moving_pops(self, inputs: StepInputs, n_run: int) -> NDArray[np.bool_] | None:
        """``(time, moving, pop)`` the PoPs of the country each moving terminal is in at
        each of the chunk's steps (:func:`~leonet.engine.pop_sets.site_pop_mask`: every
        PoP at sea or in a country without data); ``None`` where the rows do not move."""
        if self.pop_mask is None or self.pop_names is None or not self.n_moving:
            return None
        n_fixed, n_pop = self.n_fixed, self.pop_mask.shape[1]
        lat = inputs.named_lat_deg[:n_run, n_fixed:].ravel()
        lon = inputs.named_lon_deg[:n_run, n_fixed:].ravel()
        mask = site_pop_mask(lat, lon, self.pop_names)
        if mask is None:
            return np.ones((n_run, self.n_moving, n_pop), dtype=bool)
        return mask.reshape(n_run, self.n_moving, n_pop)

    def _pop_mask(
        self, pop_up: NDArray[np.bool_], moving: NDArray[np.bool_] | None = None
    ) -> NDArray[np.bool_] | None:
        """``(site, pop)`` the PoPs each site may use at a step whose PoPs ``pop_up``
        ``(pop,)`` are up, the moving terminals' rows ``moving`` ``(moving, pop)`` where
        given: its set's up ones, or every PoP where all of its set are down (the graph
        drops the down ones); ``None``: the nearest of all for every site."""
        mask = self.pop_mask
        if mask is not None and moving is not None:
            mask = mask.copy()
            mask[self.n_sites - self.n_moving :] = moving
        if mask is None or pop_up.all():
            return mask
        mask = mask & pop_up
        mask[~mask.any(axis=1)] = True
        return mask

    def _route(
        self,
        a: ChunkAccess,
        k: int,
        ground: GroundNodes,
        part: slice,
        previous: Routes | None,
        cell_rtt_ms: NDArray[np.float64],
        cell_hops: NDArray[np.int64],
        moving_pops: NDArray[np.bool_] | None = None,
    ) -> Routes:
        """Step ``k``'s routes of the named terminals (the moving ones' PoPs
        ``moving_pops`` ``(moving, pop)`` where given); fills ``cell_rtt_ms`` ``(cell,)``
        (the route's, before the latency terms) and ``cell_hops`` ``(cell,)`` (satellites
        + 4096 × gateways on the cell's path)."""
        n_cells = self.n_cells
        inputs = a.steps
        r = a.r_ecef_km[k]
        common: dict[str, Any] = dict(
            mode=self.mode,
            lasers=None if inputs.lasers is None else inputs.lasers[k],
            processing_delay_ms=self.processing_delay_ms,
            gateway_down=~inputs.gateway_up[k],
            pop_down=~inputs.pop_up[k],
            gateway_pairs=inputs.gateway_pairs[k][:3],
        )
        if self.access == "scheduled":
            graph = build_graph(
                r, ground, access="serving", serving_sat=a.serving[k, n_cells:], **common
            )
            # The cells' serving satellites' delay to their nearest PoP, from the same search.
            cell_site: NDArray[np.integer[Any]] = np.flatnonzero(a.serving[k, :n_cells] >= 0)
            cell_sat: NDArray[np.integer[Any]] = a.serving[k, cell_site]
        else:
            site, sat = a.pair_site[part], a.pair_sat[part]
            named = site >= n_cells
            graph = build_graph(
                r, ground, access="any", user_links=(site[named] - n_cells, sat[named]), **common
            )
            cell_site, cell_sat = site[~named], sat[~named]  # every cell's satellites in view
        mask = self._pop_mask(inputs.pop_up[k], moving_pops)
        routes = route_to_pops(
            graph,
            pop_policy="nearest" if mask is None else mask[n_cells:],
            previous=previous,
            nodes=cell_sat,
            node_pops=None if mask is None else mask[cell_site],
            limit_ms=search_limit_ms(previous, 0.0),
        )
        if cell_site.size and routes.node_ms is not None:
            access_km = np.linalg.norm(r[cell_sat] - self.cell_ecef_km[cell_site], axis=1)
            one_way = (
                edge_weight_ms(access_km * (1e3 / C_KM_S), self.processing_delay_ms)
                + routes.node_ms
            )
            assert routes.node_satellites is not None and routes.node_gateways is not None
            packed = routes.node_satellites + 4096 * routes.node_gateways
            if self.access == "scheduled":
                cell_rtt_ms[cell_site] = np.where(np.isfinite(one_way), 2 * one_way, np.nan)
                cell_hops[cell_site] = packed
            else:  # the best satellite in view of each cell
                best = np.full(n_cells, np.inf)
                np.minimum.at(best, cell_site, one_way)
                cell_rtt_ms[:] = np.where(np.isfinite(best), 2 * best, np.nan)
                # The packed counts of the best pair of each cell (ties: any of them).
                is_best = one_way == best[cell_site]
                cell_hops[cell_site[is_best]] = packed[is_best]
        return routes
