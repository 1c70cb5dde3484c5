"""The network at one time step as a directed sparse graph (scipy CSR), weights in ms.

Nodes, in this order (see :class:`NodeLayout`)::

    [ satellites | gateways | PoPs | terminals ]

Edges (``u → v``: traffic may go from ``u`` to ``v``) and their weight, the
one-way delay in milliseconds:

* **laser** sat ↔ sat, both ways: ``length_km / c``;
* **user** terminal → sat, *uplink only*: ``slant_range_km / c``.  Terminals
  therefore have no incoming edge and can never relay traffic; arriving at a
  terminal is done outside Dijkstra by a minimum over its user links
  (``NetworkGraph.access_*``), see :mod:`leonet.network.routing`.  Access mode
  ``"serving"`` links each terminal to its scheduled satellite
  (``serving_sat[terminal]``, ``-1`` none), ``"any"`` to every satellite at or
  above its elevation mask.
* **gateway** sat → gateway, and gateway → sat in ``"hybrid"`` mode only,
  to at most ``ka_antennas`` satellites at or above the gateway's mask, the
  highest-elevation ones: ``slant_range_km / c``;
* **terrestrial** gateway ↔ PoP (the assignment) and PoP ↔ PoP (full mesh
  or a given list), both ways: fibre delay
  ``great_circle_km × route_factor / (2/3 c)`` (:func:`fibre_delay_ms`).

Modes: ``"bent-pipe"`` (no lasers: user → sat → gateway, one bounce),
``"lasers"`` (the laser mesh; gateways only at the exit — no satellite →
gateway → satellite relaying, as in Hypatia) and ``"hybrid"`` (lasers and
ground relays: satellite → gateway → fibre → gateway → satellite).  The way
back from a PoP to a terminal is the mirror of the terminal's way there, so
no mode needs gateway → satellite edges to reach a terminal.

**Processing delay.**  ``processing_delay_ms`` is charged once per hop, to
the node a hop arrives at: it is added to every edge weight, so a path of
``h`` hops costs ``propagation + h × processing_delay_ms`` and routing
minimises that total.  Routes report the propagation part separately.

Ground-to-satellite visibility is a dense ``(site, sat)`` elevation test —
sites are few — or can be passed in precomputed (``serving_sat``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_matrix

from leonet.constants import C_KM_S
from leonet.defaults import (
    DEFAULT_GATEWAY_KA_ANTENNAS,
    DEFAULT_GATEWAY_MIN_ELEVATION_DEG,
    DEFAULT_MIN_ELEVATION_DEG,
    DEFAULT_ROUTE_FACTOR,
)
from leonet.frames import enu_basis, geodetic_to_ecef
from leonet.ground.gateways import fibre_delay_ms as ground_fibre_delay_ms
from leonet.ground.greatcircle import great_circle_km
from leonet.network._csr_kernel import csr_order
from leonet.network.lasers import LaserLinks

__all__ = [
    "EDGE_KINDS",
    "MODES",
    "AccessMode",
    "GroundNodes",
    "Mode",
    "NetworkGraph",
    "NodeLayout",
    "build_graph",
    "edge_weight_ms",
    "fibre_delay_ms",
    "first_links",
    "visible_links",
]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

Mode = Literal["bent-pipe", "lasers", "hybrid"]
AccessMode = Literal["any", "serving"]
MODES: tuple[str, ...] = ("bent-pipe", "hybrid", "lasers")
#: ``NetworkGraph.edge_kind`` codes, by index.
EDGE_KINDS: tuple[str, ...] = ("laser", "user", "gateway", "terrestrial")

#: Smallest edge weight, ms: keeps a zero-length fibre (a PoP beside its gateway) an edge
#: through every sparse conversion (explicit zeros can be dropped); 1 fs, far below any tolerance.
_MIN_EDGE_MS = 1e-12


def fibre_delay_ms(
    lat1_deg: ArrayLike,
    lon1_deg: ArrayLike,
    lat2_deg: ArrayLike,
    lon2_deg: ArrayLike,
    route_factor: float = DEFAULT_ROUTE_FACTOR,
) -> F64:
    """One-way fibre delay, ms, between points (deg, broadcast): the great circle ×
    ``route_factor`` (:func:`leonet.ground.fibre_delay_ms`)."""
    km = great_circle_km(lat1_deg, lon1_deg, lat2_deg, lon2_deg)
    return ground_fibre_delay_ms(km, route_factor)


@dataclass(frozen=True)
class NodeLayout:
    """Where each kind of node sits in the graph: ``[sats | gateways | PoPs | terminals]``."""

    n_sats: int
    n_gateways: int
    n_pops: int
    n_terminals: int

    @property
    def gateway0(self) -> int:
        return self.n_sats

    @property
    def pop0(self) -> int:
        return self.n_sats + self.n_gateways

    @property
    def terminal0(self) -> int:
        return self.pop0 + self.n_pops

    @property
    def n_nodes(self) -> int:
        return self.terminal0 + self.n_terminals

    def kind(self, node: ArrayLike) -> NDArray[np.str_]:
        """``"sat"``, ``"gateway"``, ``"pop"``, ``"terminal"`` (or ``""`` for -1) per node index."""
        n = np.asarray(node, dtype=np.int64)
        bounds = np.array([0, self.gateway0, self.pop0, self.terminal0, self.n_nodes])
        names = np.array(["", "sat", "gateway", "pop", "terminal", ""])
        return names[np.searchsorted(bounds, n, side="right")]

    def name(self, node: int) -> str:
        """A readable name: ``sat:17``, ``gateway:3``, ``pop:0``, ``terminal:4``."""
        offsets = {"sat": 0, "gateway": self.gateway0, "pop": self.pop0, "terminal": self.terminal0}
        kind = str(self.kind(node))
        if not kind:
            raise IndexError(f"node {node} is outside 0..{self.n_nodes - 1}")
        return f"{kind}:{int(node) - offsets[kind]}"


def _up_vectors(lat_deg: F64, lon_deg: F64) -> F64:
    return np.asarray(enu_basis(lat_deg, lon_deg)[..., 2, :]).reshape(-1, 3)


def _vector(name: str, value: ArrayLike | None, n: int, default: float) -> F64:
    if value is None:
        return np.full(n, default)
    given = np.asarray(value, dtype=np.float64)
    try:
        return np.array(np.broadcast_to(given, (n,)))
    except ValueError:
        raise ValueError(
            f"{name}: give one value or one per node ({n}), got shape {given.shape}"
        ) from None


@dataclass(frozen=True)
class GroundNodes:
    """Gateways, PoPs and terminals as plain arrays; build with :meth:`from_geodetic`.

    Gateways ``(gw,)``: ``gateway_ecef_km`` ``(gw, 3)``, ``gateway_up``
    ``(gw, 3)`` (ellipsoid normal), ``gateway_min_elevation_deg``,
    ``gateway_antennas`` (Ka antennas = simultaneous satellite links), lat/lon.
    PoPs ``(pop,)``: lat/lon.  Terminals ``(term,)``: as gateways, no antenna
    limit.  ``terrestrial_*`` ``(edge,)``: undirected ground edges as node
    indices local to the ground part (gateway ``g`` → ``g``, PoP ``p`` →
    ``n_gateways + p``) and their fibre delay in ms.
    """

    gateway_lat_deg: F64
    gateway_lon_deg: F64
    gateway_ecef_km: F64
    gateway_up: F64
    gateway_min_elevation_deg: F64
    gateway_antennas: I64
    pop_lat_deg: F64
    pop_lon_deg: F64
    terminal_lat_deg: F64
    terminal_lon_deg: F64
    terminal_ecef_km: F64
    terminal_up: F64
    terminal_min_elevation_deg: F64
    terrestrial_a: I64
    terrestrial_b: I64
    terrestrial_delay_ms: F64
    gateway_names: tuple[str, ...] = field(default=())
    pop_names: tuple[str, ...] = field(default=())
    terminal_names: tuple[str, ...] = field(default=())

    @property
    def n_gateways(self) -> int:
        return int(self.gateway_lat_deg.shape[0])

    @property
    def n_pops(self) -> int:
        return int(self.pop_lat_deg.shape[0])

    @property
    def n_terminals(self) -> int:
        return int(self.terminal_lat_deg.shape[0])

    def layout(self, n_sats: int) -> NodeLayout:
        return NodeLayout(n_sats, self.n_gateways, self.n_pops, self.n_terminals)

    @classmethod
    def from_geodetic(  # noqa: PLR0913 — keyword-only: one array per ground-node field
        cls,
        *,
        gateway_lat_deg: ArrayLike = (),
        gateway_lon_deg: ArrayLike = (),
        gateway_alt_km: ArrayLike = 0.0,
        gateway_min_elevation_deg: ArrayLike = DEFAULT_GATEWAY_MIN_ELEVATION_DEG,
        gateway_antennas: ArrayLike = DEFAULT_GATEWAY_KA_ANTENNAS,
        gateway_pop: ArrayLike | None = None,
        pop_lat_deg: ArrayLike = (),
        pop_lon_deg: ArrayLike = (),
        pop_links: ArrayLike | Literal["mesh"] | None = "mesh",
        terminal_lat_deg: ArrayLike = (),
        terminal_lon_deg: ArrayLike = (),
        terminal_alt_km: ArrayLike = 0.0,
        terminal_min_elevation_deg: ArrayLike = DEFAULT_MIN_ELEVATION_DEG,
        route_factor: float = DEFAULT_ROUTE_FACTOR,
        gateway_names: Sequence[str] = (),
        pop_names: Sequence[str] = (),
        terminal_names: Sequence[str] = (),
    ) -> GroundNodes:
        """Ground nodes from WGS84 latitude/longitude (deg) and height (km).

        ``gateway_pop`` ``(gw,)`` — the PoP index each gateway is backhauled
        to (``-1`` none); ``None`` links every gateway to its nearest PoP by
        great circle.  ``pop_links`` — ``"mesh"`` (every PoP pair),
        ``None`` (none) or an ``(edge, 2)`` array of PoP index pairs.  Scalars
        broadcast to every site.
        """
        g_lat = np.atleast_1d(np.asarray(gateway_lat_deg, dtype=np.float64))
        g_lon = np.atleast_1d(np.asarray(gateway_lon_deg, dtype=np.float64))
        p_lat = np.atleast_1d(np.asarray(pop_lat_deg, dtype=np.float64))
        p_lon = np.atleast_1d(np.asarray(pop_lon_deg, dtype=np.float64))
        t_lat = np.atleast_1d(np.asarray(terminal_lat_deg, dtype=np.float64))
        t_lon = np.atleast_1d(np.asarray(terminal_lon_deg, dtype=np.float64))
        for what, lat, lon in (
            ("gateway", g_lat, g_lon),
            ("pop", p_lat, p_lon),
            ("terminal", t_lat, t_lon),
        ):
            if lat.shape != lon.shape or lat.ndim != 1:
                raise ValueError(
                    f"{what}_lat_deg and {what}_lon_deg must be 1-D of equal length, "
                    f"got {lat.shape} and {lon.shape}"
                )
            if lat.size and (np.abs(lat) > 90.0).any():
                raise ValueError(
                    f"{what}_lat_deg must lie in [-90, 90] degrees (is it radians "
                    "or swapped with longitude?)"
                )
        n_gw, n_pop = g_lat.shape[0], p_lat.shape[0]
        if gateway_pop is None:
            if n_pop:
                gw_pop = (
                    np.argmin(
                        great_circle_km(g_lat[:, None], g_lon[:, None], p_lat, p_lon), axis=1
                    ).astype(np.int64)
                    if n_gw
                    else np.zeros(0, np.int64)
                )
            else:
                gw_pop = np.full(n_gw, -1, np.int64)
        else:
            gw_pop = np.asarray(gateway_pop, dtype=np.int64).reshape(-1)
            if gw_pop.shape != (n_gw,) or (gw_pop >= n_pop).any():
                raise ValueError(
                    f"gateway_pop must be ({n_gw},) PoP indices in -1..{n_pop - 1}, "
                    f"got {gw_pop.tolist()[:8]}"
                )
        has = gw_pop >= 0
        a = [np.flatnonzero(has)]
        b = [n_gw + gw_pop[has]]
        if isinstance(pop_links, str):
            if pop_links != "mesh":
                raise ValueError(f"pop_links={pop_links!r}: use 'mesh', None or (edge, 2) pairs")
            i, j = np.triu_indices(n_pop, k=1)
        elif pop_links is None:
            i = j = np.zeros(0, np.int64)
        else:
            pairs = np.asarray(pop_links, dtype=np.int64).reshape(-1, 2)
            if pairs.size and (pairs.min() < 0 or pairs.max() >= n_pop):
                raise ValueError(f"pop_links must index PoPs 0..{n_pop - 1}")
            i, j = pairs[:, 0], pairs[:, 1]
        a.append(n_gw + i)
        b.append(n_gw + j)
        ta, tb = np.concatenate(a).astype(np.int64), np.concatenate(b).astype(np.int64)
        ground_lat = np.concatenate([g_lat, p_lat])
        ground_lon = np.concatenate([g_lon, p_lon])
        delay = fibre_delay_ms(
            ground_lat[ta], ground_lon[ta], ground_lat[tb], ground_lon[tb], route_factor
        )
        return cls(
            gateway_lat_deg=g_lat,
            gateway_lon_deg=g_lon,
            gateway_ecef_km=geodetic_to_ecef(g_lat, g_lon, gateway_alt_km).reshape(-1, 3),
            gateway_up=_up_vectors(g_lat, g_lon),
            gateway_min_elevation_deg=_vector(
                "gateway_min_elevation_deg",
                gateway_min_elevation_deg,
                n_gw,
                DEFAULT_GATEWAY_MIN_ELEVATION_DEG,
            ),
            gateway_antennas=np.broadcast_to(
                np.asarray(gateway_antennas, np.int64), (n_gw,)
            ).copy(),
            pop_lat_deg=p_lat,
            pop_lon_deg=p_lon,
            terminal_lat_deg=t_lat,
            terminal_lon_deg=t_lon,
            terminal_ecef_km=geodetic_to_ecef(t_lat, t_lon, terminal_alt_km).reshape(-1, 3),
            terminal_up=_up_vectors(t_lat, t_lon),
            terminal_min_elevation_deg=_vector(
                "terminal_min_elevation_deg",
                terminal_min_elevation_deg,
                t_lat.shape[0],
                DEFAULT_MIN_ELEVATION_DEG,
            ),
            terrestrial_a=ta,
            terrestrial_b=tb,
            terrestrial_delay_ms=np.asarray(delay, dtype=np.float64).reshape(-1),
            gateway_names=tuple(gateway_names),
            pop_names=tuple(pop_names),
            terminal_names=tuple(terminal_names),
        )


def visible_links(
    site_ecef_km: ArrayLike,
    site_up: ArrayLike,
    min_elevation_deg: ArrayLike,
    sat_ecef_km: ArrayLike,
    max_links: ArrayLike | None = None,
) -> tuple[I64, I64, F64, F64]:
    """Site → satellite pairs at or above each mask: ``(site, sat, range_km, elevation_deg)``.

    ``site_ecef_km`` and ``site_up`` ``(site, 3)`` (``site_up`` the unit
    ellipsoid normal, the "up" row of :func:`leonet.frames.enu_basis`),
    ``min_elevation_deg`` ``(site,)`` or scalar, ``sat_ecef_km`` ``(sat, 3)``
    ECEF km (NaN rows never visible).  A dense ``(site, sat)`` test, fine for
    the tens to thousands of sites a step has.  ``max_links`` ``(site,)`` keeps
    only the highest-elevation ones per site (a gateway's antenna count).
    Pairs come sorted by site, then by falling elevation.
    """
    site = np.asarray(site_ecef_km, dtype=np.float64).reshape(-1, 3)
    up = np.asarray(site_up, dtype=np.float64).reshape(-1, 3)
    sats = np.asarray(sat_ecef_km, dtype=np.float64)
    n_site = site.shape[0]
    if n_site == 0 or sats.shape[0] == 0:
        e = np.zeros(0, np.int64)
        return e, e, np.zeros(0), np.zeros(0)
    # Dense screen by Earth-central angle, one (site, sat) matrix product: a satellite of
    # radius ≤ r_max seen at elevation ≥ e from radius R lies within λ = acos(R cos e / r_max) - e
    # of the site's zenith; 0.5° of margin covers geodetic vs geocentric vertical (≤ 0.2°).
    # Exact elevations are then computed for the pairs that pass only.
    mask_deg = np.broadcast_to(np.asarray(min_elevation_deg, np.float64), (n_site,))
    mask_sin = np.sin(np.deg2rad(mask_deg))
    site_r = np.linalg.norm(site, axis=1)
    sat_r = np.linalg.norm(sats, axis=1)
    r_max = float(np.nanmax(sat_r)) if np.isfinite(sat_r).any() else 1.0
    e = np.deg2rad(mask_deg)
    lam = np.arccos(np.clip(site_r * np.cos(e) / max(r_max, 1.0), -1.0, 1.0)) - e
    cos_lam = np.cos(np.minimum(lam + np.deg2rad(0.5), np.pi))
    with np.errstate(invalid="ignore"):
        visible = (site / site_r[:, None]) @ sats.T >= cos_lam[:, None] * sat_r[None, :]
    s_idx, v_idx = np.nonzero(visible)
    rel = sats[v_idx] - site[s_idx]
    range_v = np.sqrt(np.einsum("ij,ij->i", rel, rel))
    sin_v = np.einsum("ij,ij->i", rel, up[s_idx]) / range_v
    exact = sin_v >= mask_sin[s_idx]
    s_idx, v_idx, range_v, sin_v = s_idx[exact], v_idx[exact], range_v[exact], sin_v[exact]
    order = np.lexsort((-sin_v, s_idx))
    s_idx, v_idx, sin_v, range_v = s_idx[order], v_idx[order], sin_v[order], range_v[order]
    if max_links is not None:
        keep = first_links(s_idx, max_links, n_site)
        s_idx, v_idx, sin_v, range_v = s_idx[keep], v_idx[keep], sin_v[keep], range_v[keep]
    elevation = np.rad2deg(np.arcsin(np.clip(sin_v, -1.0, 1.0)))
    return s_idx.astype(np.int64), v_idx.astype(np.int64), range_v, elevation


def edge_weight_ms(delay_ms: ArrayLike, processing_delay_ms: float = 0.0) -> F64:
    """A link's weight in the graph: its propagation delay plus the processing delay
    charged per hop (ms), kept above zero (scipy drops zero-weight edges)."""
    return np.maximum(np.asarray(delay_ms, dtype=np.float64) + processing_delay_ms, _MIN_EDGE_MS)


def first_links(site_idx: ArrayLike, max_links: ArrayLike, n_site: int) -> NDArray[np.bool_]:
    """Which pairs are among the first ``max_links`` ``(site,)`` (or scalar) of their site.

    ``site_idx`` ``(pair,)`` sorted by site, as :func:`visible_links` gives
    them (best first within a site): a gateway's antenna count applied to its
    visible satellites.
    """
    s_idx = np.asarray(site_idx, dtype=np.int64)
    limit = np.broadcast_to(np.asarray(max_links, dtype=np.int64), (n_site,))
    starts = np.searchsorted(s_idx, np.arange(n_site))
    rank = np.arange(s_idx.shape[0]) - starts[s_idx]
    return np.asarray(rank < limit[s_idx])


@dataclass(frozen=True)
class NetworkGraph:
    """One step's network: ``csr`` ``(node, node)`` directed weights in ms, and its edge list.

    ``edge_src``, ``edge_dst``, ``edge_delay_ms`` (propagation only) and
    ``edge_kind`` (index into :data:`EDGE_KINDS`) are ``(edge,)``; ``csr``
    holds ``edge_delay_ms + processing_delay_ms``.  ``access_terminal``,
    ``access_sat``, ``access_delay_ms`` ``(link,)`` are the user links (the
    downlink sat → terminal has the uplink's delay), sorted by terminal;
    ``gateway_links`` ``(gw,)`` counts each gateway's satellite links.
    """

    layout: NodeLayout
    mode: str
    csr: csr_matrix
    edge_src: I64
    edge_dst: I64
    edge_delay_ms: F64
    edge_kind: NDArray[np.int8]
    access_terminal: I64
    access_sat: I64
    access_delay_ms: F64
    gateway_links: I64
    processing_delay_ms: float
    ground: GroundNodes

    @cached_property
    def csr_reversed(self) -> csr_matrix:
        """The transposed graph as CSR (for routing *towards* a set of targets), built once
        per graph: SciPy's CSR→CSC conversion of :attr:`csr` (its edges are unique and in
        ``(src, dst)`` order, so each row of the transpose comes out in ``src`` order —
        the arrays a counting sort of the edges on ``(dst, src)`` gives, ~4× faster)."""
        reversed_ = self.csr.transpose().tocsr()
        assert isinstance(reversed_, csr_matrix)
        return reversed_


def _check_mode(mode: str, access: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown network mode {mode!r}; choose one of {', '.join(MODES)}")
    if access not in ("any", "serving"):
        raise ValueError(
            f"unknown access mode {access!r}; choose 'any' (every satellite in "
            "view) or 'serving' (pass serving_sat from the scheduler)"
        )


def build_graph(  # noqa: PLR0913 — keyword-only options with defaults
    r_ecef_km: ArrayLike,
    ground: GroundNodes,
    *,
    mode: Mode = "lasers",
    lasers: LaserLinks | None = None,
    access: AccessMode = "any",
    serving_sat: ArrayLike | None = None,
    processing_delay_ms: float = 0.0,
    sat_down: ArrayLike | None = None,
    gateway_down: ArrayLike | None = None,
    user_links: tuple[ArrayLike, ArrayLike] | None = None,
    pop_down: ArrayLike | None = None,
    gateway_pairs: tuple[ArrayLike, ArrayLike, ArrayLike] | None = None,
) -> NetworkGraph:
    """The graph at one step.

    ``r_ecef_km`` ``(sat, 3)`` ECEF km (NaN rows = failed); ``lasers`` the
    step's links (required for ``"lasers"`` and ``"hybrid"``; ignored for
    ``"bent-pipe"``); ``serving_sat`` ``(terminal,)`` satellite indices
    (``-1`` unserved) for ``access="serving"``; ``sat_down`` ``(sat,)`` and
    ``gateway_down`` ``(gw,)`` and ``pop_down`` ``(pop,)`` bool faults: a
    satellite down loses every link, a gateway or PoP down carries nothing.
    ``user_links`` — ``(terminal, sat)`` index arrays ``(link,)`` — gives
    ``access="any"`` its candidate links instead of the graph's own
    elevation test (e.g. one step of :func:`leonet.access.visible`, so that
    the shells' masks apply and ``"any"`` is exactly the scheduler's choice
    set).  ``gateway_pairs`` — ``(gateway, sat, range_km)`` ``(pair,)``, every
    pair above the gateways' masks at this step, as :func:`visible_links`
    gives them — saves the graph its own gateway elevation test when the
    caller has it already; the antenna counts and faults still apply.
    """
    _check_mode(mode, access)
    r = np.asarray(r_ecef_km, dtype=np.float64)
    if r.ndim != 2 or r.shape[1] != 3:
        raise ValueError(f"r_ecef_km must be one step (sat, 3) ECEF km, got shape {r.shape}")
    n_sats = r.shape[0]
    layout = ground.layout(n_sats)
    finite = np.isfinite(r)  # per coordinate: NumPy's reduce over an axis of 3 is slow
    alive = finite[:, 0] & finite[:, 1] & finite[:, 2]
    if sat_down is not None:
        alive &= ~np.asarray(sat_down, dtype=bool).reshape(n_sats)
    r_alive = np.where(alive[:, None], r, np.nan)
    ms_per_km = 1e3 / C_KM_S
    src: list[I64] = []
    dst: list[I64] = []
    delay: list[F64] = []
    kind: list[NDArray[np.int8]] = []

    def add(a: I64, b: I64, d_ms: F64, k: int, both: bool) -> None:
        src.append(a)
        dst.append(b)
        delay.append(d_ms)
        kind.append(np.full(a.shape[0], k, np.int8))
        if both:
            add(b, a, d_ms, k, False)

    if mode != "bent-pipe":
        if lasers is None:
            raise ValueError(
                f"mode={mode!r} needs the step's laser links: pass "
                "lasers=plus_grid_links(...) or nearest_neighbour_links(...), "
                "or use mode='bent-pipe'"
            )
        ok = alive[lasers.sat_a] & alive[lasers.sat_b]
        add(lasers.sat_a[ok], lasers.sat_b[ok], lasers.length_km[ok] * ms_per_km, 0, True)

    # User links.
    if access == "any" and user_links is not None:
        t_idx = np.asarray(user_links[0], dtype=np.int64).reshape(-1)
        s_idx = np.asarray(user_links[1], dtype=np.int64).reshape(-1)
        if t_idx.shape != s_idx.shape:
            raise ValueError(
                f"user_links must be two (link,) arrays of equal length, got "
                f"{t_idx.shape} and {s_idx.shape}"
            )
        keep = alive[s_idx]
        t_idx, s_idx = t_idx[keep], s_idx[keep]
        rng = np.linalg.norm(r[s_idx] - ground.terminal_ecef_km[t_idx], axis=1)
    elif access == "any":
        t_idx, s_idx, rng, _ = visible_links(
            ground.terminal_ecef_km, ground.terminal_up, ground.terminal_min_elevation_deg, r_alive
        )
    else:
        if serving_sat is None:
            raise ValueError(
                "access='serving' needs serving_sat (terminal,) from the scheduler; "
                "use access='any' to let terminals use every satellite in view"
            )
        serving = np.asarray(serving_sat, dtype=np.int64).reshape(-1)
        if serving.shape != (layout.n_terminals,):
            raise ValueError(f"serving_sat must be ({layout.n_terminals},), got {serving.shape}")
        served = (serving >= 0) & (serving < n_sats)
        served[served] &= alive[serving[served]]
        t_idx = np.flatnonzero(served).astype(np.int64)
        s_idx = serving[served]
        rng = np.linalg.norm(r[s_idx] - ground.terminal_ecef_km[t_idx], axis=1)
    access_ms = rng * ms_per_km
    add(layout.terminal0 + t_idx, s_idx, access_ms, 1, False)

    # Gateway links: the highest satellites, up to the antenna count.
    g_alive = np.ones(layout.n_gateways, dtype=bool)
    if gateway_down is not None:
        g_alive &= ~np.asarray(gateway_down, dtype=bool).reshape(layout.n_gateways)
    antennas = np.where(g_alive, ground.gateway_antennas, 0)
    if gateway_pairs is None:
        g_idx, gs_idx, g_rng, _ = visible_links(
            ground.gateway_ecef_km,
            ground.gateway_up,
            ground.gateway_min_elevation_deg,
            r_alive,
            max_links=antennas,
        )
    else:
        g_idx = np.asarray(gateway_pairs[0], dtype=np.int64).reshape(-1)
        gs_idx = np.asarray(gateway_pairs[1], dtype=np.int64).reshape(-1)
        g_rng = np.asarray(gateway_pairs[2], dtype=np.float64).reshape(-1)
        keep = alive[gs_idx]
        keep[keep] = first_links(g_idx[keep], antennas, layout.n_gateways)
        g_idx, gs_idx, g_rng = g_idx[keep], gs_idx[keep], g_rng[keep]
    add(gs_idx, layout.gateway0 + g_idx, g_rng * ms_per_km, 2, mode == "hybrid")

    # Terrestrial fibre (a gateway or PoP that is down carries nothing).
    ta, tb = ground.terrestrial_a, ground.terrestrial_b
    node_alive = np.concatenate([g_alive, np.ones(layout.n_pops, dtype=bool)])
    if pop_down is not None:
        node_alive[layout.n_gateways :] = ~np.asarray(pop_down, dtype=bool).reshape(layout.n_pops)
    up = node_alive[ta] & node_alive[tb]
    add(
        layout.gateway0 + ta[up], layout.gateway0 + tb[up], ground.terrestrial_delay_ms[up], 3, True
    )

    e_src, e_dst = np.concatenate(src), np.concatenate(dst)
    e_delay, e_kind = np.concatenate(delay), np.concatenate(kind)
    weight = edge_weight_ms(e_delay, processing_delay_ms)
    # Edges in (src, dst) order, the lightest of duplicates kept (coo → csr would add them):
    # a counting sort, whose order gives the CSR arrays directly.
    n_nodes = layout.n_nodes
    keep, indptr = csr_order(e_src, e_dst, weight, n_nodes)
    csr = csr_matrix(
        (weight[keep], e_dst[keep].astype(np.int32), indptr.astype(np.int32)),
        shape=(n_nodes, n_nodes),
    )
    return NetworkGraph(
        layout=layout,
        mode=mode,
        csr=csr,
        edge_src=e_src[keep],
        edge_dst=e_dst[keep],
        edge_delay_ms=e_delay[keep],
        edge_kind=e_kind[keep],
        access_terminal=t_idx,
        access_sat=s_idx,
        access_delay_ms=access_ms,
        gateway_links=np.bincount(g_idx, minlength=layout.n_gateways).astype(np.int64),
        processing_delay_ms=float(processing_delay_ms),
        ground=ground,
    )
