"""The route run: end-to-end paths and latency, step by step, in time chunks.

For every time chunk: propagate the satellites in service; find the satellites above
each terminal's mask (:func:`leonet.access.visible`); with ``access=
"scheduled"`` let the 15-second scheduler pick each terminal's serving
satellite (in bent-pipe mode only satellites that see a gateway); then, per
step, mask the +Grid laser candidates (built once, with each shell's Walker
phasing), build the step's graph (:func:`leonet.network.build_graph`) and
route every terminal to its PoP — or every named pair end to end — with one
Dijkstra pass (:mod:`leonet.network.routing`).

State carried from one chunk to the next: the scheduler's
:class:`~leonet.access.SchedulerState` and the previous step's
:class:`~leonet.network.Routes` (for the ``changed`` flag), so a chunked run
equals a single pass.  Memory is bounded by the chunk: positions ``(chunk,
sat, 3)`` and the chunk's visible pairs; the per-step results kept for the
whole run are ``(time, route)`` arrays plus ``(time, route, width)`` int32
paths.

Ground: :func:`leonet.ground.selection.select_ground` picks the bundled gateways and PoPs
near the terminals and :func:`leonet.network.ground_nodes.ground_nodes` wires them.  The
chunk loop's stages (positions, visibility, reachability, scheduler) are
:mod:`leonet.engine.stages`, shared with ``leonet run`` and ``leonet coverage``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.access.masks import satellite_min_elevation_deg
from leonet.access.scheduler import SchedulerConfig, SchedulerState
from leonet.defaults import (
    DEFAULT_MAX_LASER_RANGE_KM,
    DEFAULT_MIN_LASER_ALTITUDE_KM,
    DEFAULT_ROUTE_FACTOR,
)
from leonet.engine.stages import (
    SatellitePositions,
    chunk_steps,
    chunk_windows,
    gateways_in_view,
    lookahead_steps,
    schedule_chunk,
    site_visibility,
)
from leonet.ground.sites import Sites
from leonet.network.graph import MODES, build_graph
from leonet.network.ground_nodes import ground_nodes
from leonet.network.lasers import (
    constellation_candidates,
    plus_grid_links_chunk,
)
from leonet.network.reachability import (
    gateway_links_per_step,
    gateway_onward_ms,
    gateway_reachable,
)
from leonet.network.routing import Routes, route_pairs, route_to_pops, search_limit_ms
from leonet.outcomes import Outcome, outcome_texts
from leonet.space.constellation import Constellation
from leonet.timegrid import TimeGrid

__all__ = [
    "ACCESS_MODES",
    "RouteSeries",
    "route_chunk_steps",
    "run_routes",
]

I32 = NDArray[np.int32]
F64 = NDArray[np.float64]

#: How terminals reach space: the scheduler's serving satellite, or any satellite in view.
ACCESS_MODES: tuple[str, ...] = ("any", "scheduled")


@dataclass(frozen=True)
class RouteSeries:
    """What a route run measured, per step and route; arrays ``(time, route)`` unless stated.

    A route is a terminal → PoP path (``pairs=None``) or a named terminal
    pair.  ``rtt_ms`` — round trip: propagation + per-hop processing +
    per-access scheduling delay, there and back (``inf`` without a path);
    ``propagation_rtt_ms`` the propagation part alone; ``hops`` (``-1``
    without a path); ``path`` ``(time, route, width)`` int32 node indices
    into ``node_names``, ``-1`` padded, source first; ``gateway`` and
    ``pop`` the first gateway / PoP node on the path (``-1`` none);
    ``changed`` the path differs from the previous step's; ``reason`` an
    :class:`~leonet.outcomes.Outcome` code: routing's, or the scheduler's where an end
    is not served.
    """

    grid: TimeGrid
    route_names: tuple[str, ...]
    node_names: NDArray[np.str_]
    rtt_ms: F64
    propagation_rtt_ms: F64
    hops: NDArray[np.int16]
    path: I32
    gateway: I32
    pop: I32
    changed: NDArray[np.bool_]
    reason: NDArray[np.int8]
    mode: str
    access: str
    constellation: str
    satellites: int
    failed_satellites: int
    elapsed_s: float

    @property
    def seconds_per_step(self) -> float:
        return self.elapsed_s / max(self.grid.count, 1)

    def path_names(self, step: int, route: int = 0) -> list[str]:
        """One path as node names, source first (empty without a path)."""
        row = self.path[step, route]
        return [str(self.node_names[n]) for n in row[row >= 0]]

    def path_text(self, route: int = 0, sep: str = " > ") -> list[str]:
        """Every step's path of ``route`` as one string (``""`` without a path)."""
        names = self.node_names
        out = []
        for row in self.path[:, route]:
            out.append(sep.join(str(names[n]) for n in row[row >= 0]))
        return out

    def names_of(self, node: NDArray[np.int32]) -> NDArray[np.str_]:
        """Node indices (any shape, ``-1`` for none) as names (``""`` for none)."""
        padded = np.append(self.node_names, "")
        return padded[np.where(node >= 0, node, padded.shape[0] - 1)]

    def reason_text(self, route: int = 0) -> list[str]:
        return [str(t) for t in outcome_texts(self.reason[:, route])]


def route_chunk_steps(n_sats: int, n_terminals: int = 1) -> int:
    """Steps per chunk of a route run: :func:`leonet.engine.stages.chunk_steps`."""
    return chunk_steps(n_terminals, n_sats, 0)


def _check(mode: str, access: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown network mode {mode!r}; choose one of {', '.join(MODES)}")
    if access not in ACCESS_MODES:
        raise ValueError(
            f"unknown access {access!r}; choose 'scheduled' (the 15-s scheduler's "
            "serving satellite) or 'any' (every satellite in view)"
        )


def _pairs(pairs: Sequence[tuple[int, int]] | ArrayLike, n_terminals: int) -> NDArray[np.int64]:
    arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if arr.size and (arr.min() < 0 or arr.max() >= n_terminals):
        raise ValueError(f"pairs must be (src, dst) terminal indices in 0..{n_terminals - 1}")
    return arr


def run_routes(  # noqa: PLR0913 — keyword-only options with defaults, the CLI's route options
    constellation: Constellation,
    terminals: Sites,
    grid: TimeGrid,
    *,
    gateways: Sites,
    pops: Sites,
    mode: Literal["lasers", "bent-pipe", "hybrid"] = "lasers",
    access: Literal["scheduled", "any"] = "scheduled",
    pairs: Sequence[tuple[int, int]] | ArrayLike | None = None,
    via: Literal["pop", "space"] = "pop",
    pop: ArrayLike | None = None,
    min_elevation_deg: float | None = None,
    scheduler: SchedulerConfig | None = None,
    processing_delay_ms: float = 0.0,
    scheduling_delay_ms: float = 0.0,
    route_factor: float = DEFAULT_ROUTE_FACTOR,
    max_laser_range_km: float = DEFAULT_MAX_LASER_RANGE_KM,
    min_laser_altitude_km: float = DEFAULT_MIN_LASER_ALTITUDE_KM,
    serve_unassigned: bool = False,
    chunk_steps: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> RouteSeries:
    """Route ``terminals`` over ``constellation`` at every step of ``grid``.

    Without ``pairs`` every terminal is routed to a PoP — the nearest by
    delay, or ``pop`` ``(terminal,)`` PoP indices fixed per terminal, or ``pop`` a
    ``(terminal, pop)`` boolean mask (``(pop,)`` for all alike): the nearest by delay of
    the PoPs each terminal allows, e.g. its country's — and the routes are
    ``(terminal,)``.  With ``pairs`` ``(pair, 2)`` terminal
    indices the routes are the pairs, carried ``via="pop"`` (source → its
    PoP → fibre → destination's PoP → destination, the way Starlink carries
    user-to-user traffic) or ``via="space"`` (over the lasers only, never
    through the ground).

    ``mode`` — ``"lasers"`` (laser mesh, exit at a gateway), ``"bent-pipe"``
    (user → satellite → gateway, no lasers; the scheduler then only picks
    satellites that see a gateway) or ``"hybrid"`` (lasers and ground
    relays).  ``access`` — ``"scheduled"`` (the 15-s scheduler's serving
    satellite, ``scheduler`` its config; in laser modes only satellites with a
    laser path to a gateway are offered to it) or ``"any"`` (every satellite
    above the mask: the best case).  Satellites outside every shell
    (``constellation.shell == -1``: orbit raising, deorbiting) neither serve
    nor relay unless ``serve_unassigned``.  ``min_elevation_deg`` overrides every shell's
    mask for terminals (terminals with their own finite mask keep it).
    ``processing_delay_ms`` is charged per hop, ``scheduling_delay_ms`` per
    user-link crossing, each way.  ``progress`` is called with the number of
    steps finished after each chunk.
    """
    _check(mode, access)
    config = scheduler or SchedulerConfig()
    n_t = len(terminals)
    if n_t == 0:
        raise ValueError("no terminals to route; give at least one site")
    if min_elevation_deg is not None and not (-90.0 < min_elevation_deg < 90.0):
        raise ValueError(f"min_elevation_deg={min_elevation_deg} must lie in (-90°, 90°)")
    pair_arr = None if pairs is None else _pairs(pairs, n_t)
    if via not in ("pop", "space"):
        raise ValueError(f"via={via!r}: choose 'pop' (through each end's PoP) or 'space'")
    pop_policy: str | NDArray[np.int64] | NDArray[np.bool_] = "nearest"
    if pop is not None and np.asarray(pop).dtype == np.bool_:
        pop_policy = np.broadcast_to(np.asarray(pop), (n_t, len(pops))).copy()
        if not pop_policy.any(axis=1).all():
            raise ValueError("pop as a (terminal, pop) mask must allow each terminal a PoP")
    elif pop is not None:
        pop_policy = np.broadcast_to(np.asarray(pop, dtype=np.int64), (n_t,)).copy()
        if (pop_policy < 0).any() or (pop_policy >= len(pops)).any():
            raise ValueError(f"pop must index the {len(pops)} PoPs given (0..{len(pops) - 1})")
    ground = ground_nodes(terminals, gateways, pops, route_factor=route_factor)
    # The scheduler's path delays run on to the PoPs the terminals may use (their union).
    if isinstance(pop_policy, str):
        onward = gateway_onward_ms(ground)
    else:
        used = np.zeros(len(pops), dtype=bool)
        used[np.flatnonzero(pop_policy.any(axis=0)) if pop_policy.ndim == 2 else pop_policy] = True
        onward = gateway_onward_ms(ground, used)
    node_names = np.concatenate(
        [
            np.asarray(constellation.sat_names, dtype=np.str_),
            np.asarray(gateways.names, dtype=np.str_),
            np.asarray(pops.names, dtype=np.str_),
            np.asarray(terminals.names, dtype=np.str_),
        ]
    )
    if pair_arr is None:
        route_names = tuple(str(n) for n in terminals.names)
    else:
        route_names = tuple(f"{terminals.names[a]} - {terminals.names[b]}" for a, b in pair_arr)
    sat_mask = (
        satellite_min_elevation_deg(constellation)
        if min_elevation_deg is None
        else np.full(constellation.size, float(min_elevation_deg))
    )
    candidates = constellation_candidates(constellation) if mode != "bent-pipe" else None
    steps = chunk_steps or route_chunk_steps(constellation.size, n_t)
    if steps < 1:
        raise ValueError(f"chunk_steps={chunk_steps} must be at least 1")
    lookahead = lookahead_steps(config, grid.step_s) if access == "scheduled" else 0
    positions = SatellitePositions(constellation, in_service_only=not serve_unassigned)
    n_routes = len(route_names)
    shape = (grid.count, n_routes)
    rtt = np.full(shape, np.inf)
    prop_rtt = np.full(shape, np.inf)
    hops = np.full(shape, -1, dtype=np.int16)
    gateway = np.full(shape, -1, dtype=np.int32)
    pop_node = np.full(shape, -1, dtype=np.int32)
    changed = np.zeros(shape, dtype=bool)
    reason = np.zeros(shape, dtype=np.int8)
    paths: list[I32] = []
    state: SchedulerState | None = None
    previous: Routes | None = None
    ends = np.arange(n_t)[:, None] if pair_arr is None else pair_arr
    began = time.perf_counter()
    for window in chunk_windows(grid, steps, lookahead, config if access == "scheduled" else None):
        first = window.first
        r_all = positions(window.grid)
        vis = site_visibility(r_all, constellation, sat_mask, terminals)
        lasers_of = (
            plus_grid_links_chunk(
                candidates,
                r_all,
                max_range_km=max_laser_range_km,
                min_altitude_km=min_laser_altitude_km,
            )
            if candidates is not None
            else None
        )
        serving = outage = None
        gw_links = gateway_links_per_step(ground, r_all)
        if access == "scheduled":
            if lasers_of is None:
                gateway_vis = gateways_in_view(r_all, gateways)
            else:
                gateway_vis = gateway_reachable(
                    r_all,
                    lasers_of,
                    ground,
                    gateway_pairs=gw_links,
                    delays=config.path_delay_steps(window.grid.utc_ns),
                    onward_ms=onward,
                )
            result = schedule_chunk(vis, window, config, state, gateway_vis)
            state = result.state
            serving, outage = result.serving_sat, result.reason
        for k in range(window.n_run):
            r = r_all[k]
            lasers = lasers_of[k] if lasers_of is not None else None
            if serving is not None:
                graph = build_graph(
                    r,
                    ground,
                    mode=mode,
                    lasers=lasers,
                    access="serving",
                    serving_sat=serving[k],
                    processing_delay_ms=processing_delay_ms,
                    gateway_pairs=gw_links[k][:3],
                )
            else:
                part = vis.step_slice(k)
                graph = build_graph(
                    r,
                    ground,
                    mode=mode,
                    lasers=lasers,
                    access="any",
                    user_links=(vis.site_idx[part], vis.sat_idx[part]),
                    processing_delay_ms=processing_delay_ms,
                    gateway_pairs=gw_links[k][:3],
                )
            if pair_arr is None:
                routes = route_to_pops(
                    graph,
                    pop_policy=pop_policy,
                    scheduling_delay_ms=scheduling_delay_ms,
                    previous=previous,
                    limit_ms=search_limit_ms(previous, scheduling_delay_ms),
                )
            else:
                routes = route_pairs(
                    graph,
                    pair_arr[:, 0],
                    pair_arr[:, 1],
                    via=via,
                    pop_policy=pop_policy,
                    scheduling_delay_ms=scheduling_delay_ms,
                    previous=previous,
                )
            previous = routes
            t = first + k
            rtt[t], prop_rtt[t] = routes.rtt_ms, routes.rtt_propagation_ms
            hops[t], changed[t] = routes.hops, routes.changed
            gateway[t], pop_node[t] = routes.gateway, routes.pop
            why = routes.reason.astype(np.int8)
            if outage is not None:
                # An unserved end explains the missing path better than the graph can.
                end_reason = outage[k][ends]  # (route, ends)
                held = end_reason != Outcome.SERVED
                first_held = np.take_along_axis(
                    end_reason, np.argmax(held, axis=1)[:, None], axis=1
                )[:, 0]
                why = np.where((why != Outcome.SERVED) & held.any(axis=1), first_held, why).astype(
                    np.int8
                )
            reason[t] = why
            paths.append(routes.path.astype(np.int32))
        if progress is not None:
            progress(window.n_run)
    width = max((p.shape[1] for p in paths), default=1)
    path = np.full((grid.count, n_routes, width), -1, dtype=np.int32)
    for t, p in enumerate(paths):
        path[t, :, : p.shape[1]] = p
    return RouteSeries(
        grid=grid,
        route_names=route_names,
        node_names=node_names,
        rtt_ms=rtt,
        propagation_rtt_ms=prop_rtt,
        hops=hops,
        path=path,
        gateway=gateway,
        pop=pop_node,
        changed=changed,
        reason=reason,
        mode=mode,
        access=access,
        constellation=constellation.name,
        satellites=constellation.size,
        failed_satellites=int(positions.failed.sum()),
        elapsed_s=time.perf_counter() - began,
    )
