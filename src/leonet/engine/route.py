"""The route run: end-to-end paths and latency, step by step, in time chunks.

For every time chunk: propagate the constellation; find the satellites above
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

Ground: :func:`select_ground` picks the bundled gateways and PoPs near the
terminals (within a distance or a latitude/longitude box) and
:func:`ground_nodes` wires them — each gateway backhauled to its PoP by
:func:`leonet.ground.assign_gateways_to_pops`, PoPs meshed by fibre at
``route_factor`` × great circle, 2/3 c.
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from leonet.access.masks import dish_view, satellite_min_elevation_deg
from leonet.access.scheduler import OutageReason, SchedulerConfig, SchedulerState, schedule
from leonet.access.visibility import Visibility, visible
from leonet.defaults import (
    DEFAULT_GATEWAY_KA_ANTENNAS,
    DEFAULT_GATEWAY_MIN_ELEVATION_DEG,
    DEFAULT_MAX_LASER_RANGE_KM,
    DEFAULT_MIN_ELEVATION_DEG,
    DEFAULT_MIN_LASER_ALTITUDE_KM,
    DEFAULT_ROUTE_FACTOR,
)
from leonet.ground.gateways import (
    POPS_EUROPE_FILE,
    Gateways,
    Pops,
    assign_gateways_to_pops,
    load_gateways,
    load_pops,
)
from leonet.ground.greatcircle import great_circle_km
from leonet.ground.sites import Sites
from leonet.network._csr_kernel import csr_order
from leonet.network.graph import (
    MODES,
    GroundNodes,
    build_graph,
    first_links,
    visible_links,
)
from leonet.network.lasers import (
    LaserCandidates,
    LaserLinks,
    plus_grid_candidates,
    plus_grid_links_chunk,
)
from leonet.network.routing import Routes, route_pairs, route_to_pops
from leonet.space.constellation import Constellation
from leonet.space.propagate import Propagator
from leonet.timegrid import TimeGrid

__all__ = [
    "ACCESS_MODES",
    "ROUTE_REASONS",
    "RouteSeries",
    "constellation_candidates",
    "find_pop",
    "gateway_links_per_step",
    "gateway_reachable",
    "ground_nodes",
    "route_chunk_steps",
    "run_routes",
    "select_ground",
]

I32 = NDArray[np.int32]
F64 = NDArray[np.float64]
#: One step's gateway → satellite pairs above the masks: ``(gateway, sat, range_km,
#: elevation_deg)``, by gateway then falling elevation (:func:`visible_links`).
GatewayPairs = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64],
                     NDArray[np.float64]]

#: How terminals reach space: the scheduler's serving satellite, or any satellite in view.
ACCESS_MODES: tuple[str, ...] = ("any", "scheduled")

#: ``RouteSeries.reason`` codes, by index: the routing's own (0-3, see
#: :data:`leonet.network.NO_PATH_REASONS`) and the scheduler's outages (4-5).
ROUTE_REASONS: tuple[str, ...] = (
    "ok",
    "no satellite in view",
    "no gateway reachable",
    "disconnected",
    "serving satellite lost, waiting for the next scheduler slot",
    "no free beam",
)
#: :class:`OutageReason` value → ``ROUTE_REASONS`` index.
_REASON_OF_OUTAGE = np.zeros(max(int(r) for r in OutageReason) + 1, dtype=np.int8)
_REASON_OF_OUTAGE[[OutageReason.NO_SATELLITE, OutageReason.NO_GATEWAY,
                   OutageReason.LOST_MID_SLOT, OutageReason.NO_BEAM]] = [1, 2, 4, 5]

#: Positions held per chunk (sat-steps): 10,000 satellites × 100 steps ≈ 24 MB of positions
#: and ≈ 60 MB of the steps' laser links.
_SAT_STEPS_PER_CHUNK = 1_000_000


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
    index into :data:`ROUTE_REASONS`.
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
        return [ROUTE_REASONS[int(k)] for k in self.reason[:, route]]


def select_ground(
    terminals: Sites,
    *,
    within_km: float | None = 3_000.0,
    lat_deg: tuple[float, float] | None = None,
    lon_deg: tuple[float, float] | None = None,
    operational_only: bool = True,
    gateways: Gateways | None = None,
    pops: Pops | None = None,
) -> tuple[Gateways, Pops]:
    """The bundled gateways and PoPs (or the ones given) that serve ``terminals``.

    Keeps sites within ``within_km`` (great circle) of any terminal, and/or
    inside a latitude/longitude box (degrees, see :meth:`Sites.within`; e.g.
    Europe ``lat_deg=(34, 72), lon_deg=(-25, 45)``).  ``operational_only``
    drops gateways mapped as planned or not built (see
    :attr:`Gateways.likely_operational`).  Raises ``ValueError`` when no
    gateway or no PoP is left, naming the filter to widen.
    """
    gw = load_gateways() if gateways is None else gateways
    pp = load_pops() if pops is None else pops
    if operational_only and isinstance(gw, Gateways):
        gw = gw.take(gw.likely_operational)
    if lat_deg is not None or lon_deg is not None:
        gw, pp = gw.within(lat_deg=lat_deg, lon_deg=lon_deg), pp.within(lat_deg=lat_deg,
                                                                          lon_deg=lon_deg)
    if within_km is not None:
        if not within_km > 0:
            raise ValueError(f"within_km={within_km!r} must be a positive distance in km")
        for_gw = _near(gw, terminals, within_km)
        for_pop = _near(pp, terminals, within_km)
        gw, pp = gw.take(for_gw), pp.take(for_pop)
    where = (f"within {within_km:,.0f} km of the terminals" if within_km is not None
             else "in the box")
    if len(gw) == 0:
        raise ValueError(f"no gateway {where}; raise within_km or widen the box"
                         + ("" if not operational_only else ", or include planned gateways"))
    if len(pp) == 0:
        raise ValueError(f"no PoP {where}; raise within_km or widen the box")
    return gw, pp


def _near(sites: Sites, terminals: Sites, within_km: float) -> NDArray[np.bool_]:
    if len(sites) == 0 or len(terminals) == 0:
        return np.zeros(len(sites), dtype=bool)
    d = great_circle_km(sites.lat_deg[:, None], sites.lon_deg[:, None], terminals.lat_deg,
                        terminals.lon_deg)
    return np.asarray(d.min(axis=1) <= within_km)


@lru_cache(maxsize=1)
def _pop_cities() -> dict[str, str]:
    """City name (lower case) → PoP code, from the bundled European PoP list."""
    text = (files("leonet") / "data" / "ground" / POPS_EUROPE_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#"))
    return {r["city"].strip().lower(): r["pop_code"].strip().lower() for r in rows}


def find_pop(text: str, pops: Pops | None = None) -> int | None:
    """The index in ``pops`` (default: all bundled) of the PoP ``text`` names, else ``None``.

    Accepts the Starlink DNS code (``frntdeu1``), the city of a European PoP
    (``Frankfurt``) or the airport code of the map's label (``FRA``, ``LHR``),
    case-insensitive.
    """
    table = load_pops() if pops is None else pops
    key = text.strip().lower()
    codes = [str(n).lower() for n in table.names]
    code = _pop_cities().get(key, key)
    if code in codes:
        return codes.index(code)
    for k, label in enumerate(getattr(table, "label", ())):
        airports = str(label).split(":", 1)[0].lower().split("/")
        if key in airports:
            return k
    return None


def ground_nodes(
    terminals: Sites,
    gateways: Sites,
    pops: Sites,
    *,
    route_factor: float = DEFAULT_ROUTE_FACTOR,
    terminal_min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
) -> GroundNodes:
    """The network's ground part: each gateway backhauled to its PoP
    (:func:`~leonet.ground.assign_gateways_to_pops`), PoPs in a fibre mesh.

    Gateways keep their own mask and Ka antenna count (:class:`Gateways`;
    plain :class:`Sites` get the defaults of :mod:`leonet.defaults`).
    """
    gateway_pop, _ = assign_gateways_to_pops(gateways, pops, route_factor)
    g_mask = np.where(np.isfinite(gateways.min_elevation_deg), gateways.min_elevation_deg,
                      DEFAULT_GATEWAY_MIN_ELEVATION_DEG)
    antennas = getattr(gateways, "ka_antennas", DEFAULT_GATEWAY_KA_ANTENNAS)
    return GroundNodes.from_geodetic(
        gateway_lat_deg=gateways.lat_deg,
        gateway_lon_deg=gateways.lon_deg,
        gateway_alt_km=gateways.alt_km,
        gateway_min_elevation_deg=g_mask,
        gateway_antennas=antennas,
        gateway_pop=gateway_pop,
        pop_lat_deg=pops.lat_deg,
        pop_lon_deg=pops.lon_deg,
        terminal_lat_deg=terminals.lat_deg,
        terminal_lon_deg=terminals.lon_deg,
        terminal_alt_km=terminals.alt_km,
        terminal_min_elevation_deg=terminal_min_elevation_deg,
        route_factor=route_factor,
        gateway_names=[str(n) for n in gateways.names],
        pop_names=[str(n) for n in pops.names],
        terminal_names=[str(n) for n in terminals.names],
    )


def constellation_candidates(constellation: Constellation) -> LaserCandidates:
    """The +Grid candidate links of ``constellation``, seams shifted by each shell's phasing.

    Shells without a known Walker ``f`` (``phasing == -1``, most inferred
    shells of real catalogues) pair equal slots at the seam; irregular planes
    get per-step nearest cross-plane links (see :mod:`leonet.network.lasers`).
    """
    phasing = [max(int(s.phasing), 0) for s in constellation.shells] or None
    return plus_grid_candidates(constellation.shell, constellation.plane, constellation.slot,
                                phasing=phasing)


def route_chunk_steps(n_sats: int) -> int:
    """Steps per chunk keeping positions and laser links near 100 MB (1 to 900 steps)."""
    return int(max(1, min(_SAT_STEPS_PER_CHUNK // max(1, n_sats), 900)))


def gateway_links_per_step(ground: GroundNodes, r_ecef_km: F64) -> list[GatewayPairs]:
    """Each step's ``(gateway, sat, range_km, elevation_deg)`` above the gateways' masks
    (:func:`~leonet.network.visible_links` of ``r_ecef_km`` ``(time, sat, 3)``): computed
    once, for :func:`gateway_reachable`, :func:`~leonet.network.build_graph` and the
    feeder links to share."""
    return [visible_links(ground.gateway_ecef_km, ground.gateway_up,
                          ground.gateway_min_elevation_deg, r_ecef_km[k])
            for k in range(r_ecef_km.shape[0])]


def gateway_reachable(
    r_ecef_km: F64,
    lasers: Sequence[LaserLinks],
    ground: GroundNodes,
    gateway_down: NDArray[np.bool_] | None = None,
    gateway_pairs: Sequence[tuple[NDArray[Any], ...]] | None = None,
) -> Visibility:
    """Per step, the satellites with a laser path to a satellite that a gateway links to.

    ``r_ecef_km`` ``(time, sat, 3)``.  Returned as a one-site :class:`Visibility`
    (only ``time_idx``/``sat_idx`` are meaningful) for the scheduler's
    ``gateway_vis``: in laser modes a terminal is only given a satellite from
    which its traffic can reach the ground.  Gateway links are the graph's:
    above each gateway's mask, at most ``gateway_antennas`` per gateway;
    ``gateway_down`` ``(time, gw)`` marks gateways out of service.
    ``gateway_pairs`` — per step, ``(gateway, sat)`` of every pair above the
    masks as :func:`~leonet.network.visible_links` gives them — saves the
    elevation tests when the caller has them already.
    """
    n_time, n_sat = r_ecef_km.shape[:2]
    times: list[I32] = []
    sats: list[NDArray[np.int64]] = []
    for k in range(n_time):
        if gateway_pairs is None:
            gw, seen, _, _ = visible_links(ground.gateway_ecef_km, ground.gateway_up,
                                           ground.gateway_min_elevation_deg, r_ecef_km[k],
                                           max_links=ground.gateway_antennas)
        else:
            gw, seen = gateway_pairs[k][:2]
            first = first_links(gw, ground.gateway_antennas, len(ground.gateway_antennas))
            gw, seen = gw[first], seen[first]
        if gateway_down is not None:
            seen = seen[~gateway_down[k][gw]]
        links = lasers[k]
        a, b = links.sat_a.astype(np.int64), links.sat_b.astype(np.int64)
        order, indptr = csr_order(a, b, np.ones(a.shape[0]), n_sat)  # duplicates merged
        graph = csr_matrix((np.ones(order.shape[0]), b[order], indptr), shape=(n_sat, n_sat))
        n_label, label = connected_components(graph, directed=False)
        grounded = np.zeros(n_label, dtype=bool)
        grounded[label[seen]] = True
        ok = np.flatnonzero(grounded[label])
        times.append(np.full(ok.shape[0], k, dtype=np.int32))
        sats.append(ok)
    t = np.concatenate(times) if times else np.zeros(0, np.int32)
    sat = np.concatenate(sats).astype(np.int32) if sats else np.zeros(0, np.int32)
    offsets = np.zeros(n_time + 1, dtype=np.int64)
    np.cumsum(np.bincount(t, minlength=n_time), out=offsets[1:])
    zeros = np.zeros(t.shape[0])
    return Visibility(n_time, 1, n_sat, offsets, t, np.zeros(t.shape[0], np.int32), sat,
                      zeros, zeros, zeros)


def _search_limit_ms(previous: Routes | None, scheduling_delay_ms: float) -> float | None:
    """Dijkstra's search radius for this step: the previous step's largest delay (of its
    terminals and of the ``nodes`` it was asked for) × 1.5 + 5 ms.

    Only a speed hint — :func:`route_to_pops` repeats the search without it
    when it falls short — so any value gives the same routes.
    """
    if previous is None:
        return None
    cost = previous.one_way_ms - scheduling_delay_ms
    if previous.node_ms is not None:
        cost = np.concatenate([cost, previous.node_ms])
    cost = cost[np.isfinite(cost)]
    return float(cost.max()) * 1.5 + 5.0 if cost.size else None


def _check(mode: str, access: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown network mode {mode!r}; choose one of {', '.join(MODES)}")
    if access not in ACCESS_MODES:
        raise ValueError(f"unknown access {access!r}; choose 'scheduled' (the 15-s scheduler's "
                         "serving satellite) or 'any' (every satellite in view)")


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
    delay, or ``pop`` ``(terminal,)`` PoP indices fixed per terminal — and the
    routes are ``(terminal,)``.  With ``pairs`` ``(pair, 2)`` terminal
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
    pop_policy: str | NDArray[np.int64] = "nearest"
    if pop is not None:
        pop_policy = np.broadcast_to(np.asarray(pop, dtype=np.int64), (n_t,)).copy()
        if (pop_policy < 0).any() or (pop_policy >= len(pops)).any():
            raise ValueError(f"pop must index the {len(pops)} PoPs given (0..{len(pops) - 1})")
    ground = ground_nodes(terminals, gateways, pops, route_factor=route_factor)
    node_names = np.concatenate([
        np.asarray(constellation.sat_names, dtype=np.str_),
        np.asarray(gateways.names, dtype=np.str_),
        np.asarray(pops.names, dtype=np.str_),
        np.asarray(terminals.names, dtype=np.str_),
    ])
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
    steps = chunk_steps or route_chunk_steps(constellation.size)
    if steps < 1:
        raise ValueError(f"chunk_steps={chunk_steps} must be at least 1")
    lookahead = (
        math.ceil(config.horizon_s / grid.step_s)
        if access == "scheduled" and config.strategy == "longest-visibility" else 0
    )
    propagator = Propagator(constellation)
    in_service = None if serve_unassigned else np.asarray(constellation.shell) >= 0
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
    failed = np.zeros(constellation.size, dtype=bool)
    ends = (np.arange(n_t)[:, None] if pair_arr is None else pair_arr)
    began = time.perf_counter()
    for first in range(0, grid.count, steps):
        stop = min(first + steps, grid.count)
        window = grid.slice(first, min(stop + lookahead, grid.count))
        eph = propagator(window, velocities=False)
        failed |= eph.error != 0
        r_all = eph.r_ecef_km if in_service is None else np.where(
            in_service[None, :, None], eph.r_ecef_km, np.nan)
        vis = visible(dish_view(r_all, constellation), sat_mask, terminals.ecef_km,
                      terminals.lat_deg, terminals.lon_deg, terminals.min_elevation_deg)
        lasers_of = plus_grid_links_chunk(
            candidates, r_all, max_range_km=max_laser_range_km,
            min_altitude_km=min_laser_altitude_km,
        ) if candidates is not None else None
        serving = outage = None
        gw_links = gateway_links_per_step(ground, r_all)
        if access == "scheduled":
            if lasers_of is None:
                gateway_vis = visible(r_all, sat_mask, gateways.ecef_km, gateways.lat_deg,
                                      gateways.lon_deg, ground.gateway_min_elevation_deg)
            else:
                gateway_vis = gateway_reachable(r_all, lasers_of, ground,
                                                gateway_pairs=gw_links)
            result = schedule(vis, window.utc_ns, config, state, gateway_vis=gateway_vis,
                              lookahead_steps=window.count - (stop - first))
            state = result.state
            serving, outage = result.serving_sat, result.reason
        for k in range(stop - first):
            r = r_all[k]
            lasers = lasers_of[k] if lasers_of is not None else None
            if serving is not None:
                graph = build_graph(r, ground, mode=mode, lasers=lasers, access="serving",
                                    serving_sat=serving[k],
                                    processing_delay_ms=processing_delay_ms,
                                    gateway_pairs=gw_links[k][:3])
            else:
                part = vis.step_slice(k)
                graph = build_graph(r, ground, mode=mode, lasers=lasers, access="any",
                                    user_links=(vis.site_idx[part], vis.sat_idx[part]),
                                    processing_delay_ms=processing_delay_ms,
                                    gateway_pairs=gw_links[k][:3])
            if pair_arr is None:
                routes = route_to_pops(graph, pop_policy=pop_policy,
                                       scheduling_delay_ms=scheduling_delay_ms, previous=previous,
                                       limit_ms=_search_limit_ms(previous, scheduling_delay_ms))
            else:
                routes = route_pairs(graph, pair_arr[:, 0], pair_arr[:, 1], via=via,
                                     pop_policy=pop_policy,
                                     scheduling_delay_ms=scheduling_delay_ms, previous=previous)
            previous = routes
            t = first + k
            rtt[t], prop_rtt[t] = routes.rtt_ms, routes.rtt_propagation_ms
            hops[t], changed[t] = routes.hops, routes.changed
            gateway[t], pop_node[t] = routes.gateway, routes.pop
            why = routes.reason.astype(np.int8)
            if outage is not None:
                # An unserved end explains the missing path better than the graph can.
                end_reason = outage[k][ends]  # (route, ends)
                held = end_reason != int(OutageReason.SERVED)
                first_held = np.take_along_axis(end_reason, np.argmax(held, axis=1)[:, None],
                                                axis=1)[:, 0]
                mapped = _REASON_OF_OUTAGE[first_held]
                why = np.where((why != 0) & held.any(axis=1), mapped, why).astype(np.int8)
            reason[t] = why
            paths.append(routes.path.astype(np.int32))
        if progress is not None:
            progress(stop - first)
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
        failed_satellites=int(failed.sum()),
        elapsed_s=time.perf_counter() - began,
    )
