"""Routing against networkx, geometry and fault handling.

Authority: networkx's Dijkstra (an independent implementation) on random
graphs and on a small constellation; closed-form slant ranges for bent-pipe.
Tolerances: 1e-9 ms on summed delays, 1 µs (1e-3 ms) on geometric RTTs.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leonet.constants import C_KM_S, WGS84_A_KM, WGS84_B_KM
from leonet.frames import enu_basis, geodetic_to_ecef, look_angles
from leonet.ground import great_circle_km
from leonet.network import (
    GroundNodes,
    LaserLinks,
    NetworkGraph,
    Routes,
    build_graph,
    edge_weight_ms,
    plus_grid_candidates,
    plus_grid_links,
    route_pairs,
    route_to_pops,
)
from leonet.outcomes import Outcome
from support.circular import walker_delta_ecef_km

OK, NO_SATELLITE, NO_GATEWAY = Outcome.SERVED, Outcome.NO_SATELLITE, Outcome.NO_GATEWAY

TOL_MS = 1e-9
CITIES = {  # lat, lon (deg)
    "Paris": (48.857, 2.352),
    "Moscow": (55.756, 37.617),
    "London": (51.507, -0.128),
    "New York": (40.713, -74.006),
    "Tokyo": (35.690, 139.692),
    "Manila": (14.599, 120.984),
    "Dalian": (38.914, 121.615),
    "Istanbul": (41.008, 28.978),
    "Sao Paulo": (-23.551, -46.633),
    "Rio de Janeiro": (-22.907, -43.173),
    "St. Petersburg": (59.939, 30.316),
    "Sydney": (-33.869, 151.209),
}


def to_networkx(graph: NetworkGraph) -> nx.DiGraph:
    """The CSR graph as a networkx DiGraph, plus sink copies ('in', t) of terminals."""
    g = nx.DiGraph()
    g.add_nodes_from(range(graph.layout.n_nodes))
    coo = graph.csr.tocoo()
    for u, v, w in zip(coo.row, coo.col, coo.data, strict=True):
        g.add_edge(int(u), int(v), weight=float(w))
    for t, s, d in zip(graph.access_terminal, graph.access_sat, graph.access_delay_ms, strict=True):
        g.add_edge(int(s), ("in", int(t)), weight=float(d) + graph.processing_delay_ms)
    return g


def path_cost(g: nx.DiGraph, path: list[int], last: object | None = None) -> float:
    nodes: list[object] = list(path)
    if last is not None:
        nodes[-1] = last
    return float(sum(g[u][v]["weight"] for u, v in itertools.pairwise(nodes)))


def random_graph(
    seed: int, n_sats: int, n_gw: int, n_pop: int, n_term: int, mode: str, processing_ms: float
) -> NetworkGraph:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n_sats, 3))
    r = (WGS84_A_KM + 550.0) * v / np.linalg.norm(v, axis=1, keepdims=True)
    pairs = rng.choice(n_sats, size=(2 * n_sats, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    lasers = LaserLinks(
        pairs[:, 0],
        pairs[:, 1],
        np.linalg.norm(r[pairs[:, 0]] - r[pairs[:, 1]], axis=1),
        np.full(pairs.shape[0], -1),
    )

    def latlon(n: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.uniform(-60, 60, n), rng.uniform(-180, 180, n)

    g_lat, g_lon = latlon(n_gw)
    p_lat, p_lon = latlon(n_pop)
    t_lat, t_lon = latlon(n_term)
    mesh = rng.random() < 0.5
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=g_lat,
        gateway_lon_deg=g_lon,
        gateway_antennas=rng.integers(1, 4, n_gw),
        gateway_min_elevation_deg=rng.choice([-90.0, 0.0, 10.0], n_gw),
        pop_lat_deg=p_lat,
        pop_lon_deg=p_lon,
        pop_links="mesh" if mesh else rng.choice(n_pop, size=(n_pop, 2)),
        gateway_pop=rng.integers(-1, n_pop, n_gw),
        terminal_lat_deg=t_lat,
        terminal_lon_deg=t_lon,
        terminal_min_elevation_deg=rng.choice([-90.0, 0.0, 10.0], n_term),
    )
    return build_graph(
        r,
        ground,
        mode=mode,
        lasers=lasers,  # type: ignore[arg-type]
        processing_delay_ms=processing_ms,
    )


def check_against_networkx(
    graph: NetworkGraph, routes: Routes, g: nx.DiGraph, expect_ms: np.ndarray, sink: bool
) -> None:
    finite = np.isfinite(expect_ms)
    assert (np.isfinite(routes.one_way_ms) == finite).all()
    assert np.allclose(routes.one_way_ms[finite], expect_ms[finite], rtol=0, atol=TOL_MS)
    for k in np.flatnonzero(finite):
        path = routes.path_of(int(k))
        last = ("in", path[-1] - graph.layout.terminal0) if sink else None
        assert abs(path_cost(g, path, last) - routes.one_way_ms[k]) < TOL_MS
        assert routes.hops[k] == len(path) - 1
        # Terminals never relay; in 'lasers' mode nothing goes gateway → satellite.
        inner = np.array(path[1:-1], dtype=np.int64)
        assert not (inner >= graph.layout.terminal0).any()
        assert routes.reason[k] == OK


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n_sats=st.integers(2, 25),
    n_gw=st.integers(1, 4),
    n_pop=st.integers(1, 3),
    n_term=st.integers(1, 5),
    mode=st.sampled_from(["lasers", "bent-pipe", "hybrid"]),
    processing_ms=st.sampled_from([0.0, 0.5]),
)
def test_random_graphs_match_networkx(
    seed: int, n_sats: int, n_gw: int, n_pop: int, n_term: int, mode: str, processing_ms: float
) -> None:
    graph = random_graph(seed, n_sats, n_gw, n_pop, n_term, mode, processing_ms)
    g = to_networkx(graph)
    lay = graph.layout
    terminals = [lay.terminal0 + t for t in range(lay.n_terminals)]
    pops = list(range(lay.pop0, lay.terminal0))

    # Nearest PoP: networkx multi-source Dijkstra on the reversed graph.
    near = nx.multi_source_dijkstra_path_length(g.reverse(copy=True), set(pops))
    routes = route_to_pops(graph)
    expect = np.array([near.get(t, np.inf) for t in terminals])
    check_against_networkx(graph, routes, g, expect, sink=False)
    assert np.isin(routes.target[np.isfinite(expect)], pops).all()
    # Every satellite's delay to its nearest PoP from the same search (what cells use).
    sats = np.arange(lay.n_sats)
    with_nodes = route_to_pops(graph, nodes=sats)
    expect_sats = np.array([near.get(int(k), np.inf) for k in sats])
    assert with_nodes.node_ms is not None and routes.node_ms is None
    assert (np.isfinite(with_nodes.node_ms) == np.isfinite(expect_sats)).all()
    finite = np.isfinite(expect_sats)
    assert np.allclose(with_nodes.node_ms[finite], expect_sats[finite], rtol=0, atol=TOL_MS)
    np.testing.assert_array_equal(with_nodes.path, routes.path)

    # A fixed PoP per terminal.
    fixed = np.random.default_rng(seed).integers(0, lay.n_pops, lay.n_terminals)
    routes = route_to_pops(graph, pop_policy=fixed)
    expect = np.array(
        [
            nx.shortest_path_length(g, t, int(lay.pop0 + p), weight="weight")
            if nx.has_path(g, t, int(lay.pop0 + p))
            else np.inf
            for t, p in zip(terminals, fixed, strict=True)
        ]
    )
    check_against_networkx(graph, routes, g, expect, sink=False)

    # Every terminal pair over the space segment (sink copies stand for arrival).
    src, dst = np.meshgrid(np.arange(lay.n_terminals), np.arange(lay.n_terminals))
    src, dst = src.ravel(), dst.ravel()
    routes = route_pairs(graph, src, dst, via="space")
    expect = []
    for a, b in zip(src, dst, strict=True):
        dist = nx.single_source_dijkstra_path_length(g, lay.terminal0 + int(a))
        expect.append(dist.get(("in", int(b)), np.inf))
    check_against_networkx(graph, routes, g, np.array(expect), sink=True)

    # Via PoPs: leg + fibre + mirrored leg.
    routes = route_pairs(graph, src, dst, via="pop")
    legs = route_to_pops(graph)
    for k, (a, b) in enumerate(zip(src, dst, strict=True)):
        pa, pb = legs.target[a], legs.target[b]
        ok = pa >= 0 and pb >= 0 and nx.has_path(g, int(pa), int(pb))
        want = (
            (
                legs.one_way_ms[a]
                + legs.one_way_ms[b]
                + nx.shortest_path_length(g, int(pa), int(pb), weight="weight")
            )
            if ok
            else np.inf
        )
        assert np.isfinite(routes.one_way_ms[k]) == np.isfinite(want)
        if ok:
            assert abs(routes.one_way_ms[k] - want) < TOL_MS
            path = routes.path_of(k)
            assert path[0] == lay.terminal0 + a and path[-1] == lay.terminal0 + b
            assert (
                routes.hops[k]
                == legs.hops[a]
                + legs.hops[b]
                + len(nx.shortest_path(g, int(pa), int(pb), weight="weight"))
                - 1
            )


@pytest.fixture(scope="module")
def small_constellation() -> dict[str, object]:
    r_t, plane, slot = walker_delta_ecef_km(550.0, 53.0, 24, 16, 5, [0.0, 30.0])
    cand = plus_grid_candidates(np.zeros_like(plane), plane, slot, phasing=[5])
    lat = np.array([v[0] for v in CITIES.values()])
    lon = np.array([v[1] for v in CITIES.values()])
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=lat[:6] + 0.3,
        gateway_lon_deg=lon[:6] + 0.3,
        gateway_antennas=4,
        pop_lat_deg=lat[[0, 3, 4]],
        pop_lon_deg=lon[[0, 3, 4]],
        terminal_lat_deg=lat,
        terminal_lon_deg=lon,
        terminal_min_elevation_deg=10.0,
        gateway_min_elevation_deg=10.0,
    )
    return {"r": r_t, "cand": cand, "ground": ground, "lat": lat, "lon": lon}


def test_constellation_graph_matches_networkx(small_constellation: dict) -> None:
    c = small_constellation
    r = c["r"][0]
    graph = build_graph(r, c["ground"], mode="lasers", lasers=plus_grid_links(c["cand"], r))
    g = to_networkx(graph)
    lay = graph.layout
    n = lay.n_terminals
    src, dst = np.triu_indices(n, k=1)
    routes = route_pairs(graph, src, dst)
    for k, (a, b) in enumerate(zip(src, dst, strict=True)):
        length, path = nx.single_source_dijkstra(g, lay.terminal0 + int(a), ("in", int(b)))
        assert abs(routes.one_way_ms[k] - length) < TOL_MS
        assert (
            routes.path_of(k)[:-1] == path[:-1]
            or abs(path_cost(g, routes.path_of(k), ("in", int(b))) - length) < TOL_MS
        )
    pops = route_to_pops(graph)
    near = nx.multi_source_dijkstra_path_length(
        g.reverse(copy=True), set(range(lay.pop0, lay.terminal0))
    )
    expect = np.array([near.get(lay.terminal0 + t, np.inf) for t in range(n)])
    assert np.allclose(pops.one_way_ms, expect, atol=TOL_MS, rtol=0)


def test_rtt_is_never_below_the_great_circle_at_light_speed(small_constellation: dict) -> None:
    c = small_constellation
    lat, lon = c["lat"], c["lon"]
    n = lat.shape[0]
    src, dst = np.triu_indices(n, k=1)
    # Every ellipsoid point lies outside the polar-radius ball, so a path outside the Earth is
    # at least the great circle on that ball.
    floor_ms = (
        2e3
        * great_circle_km(lat[src], lon[src], lat[dst], lon[dst])
        * (WGS84_B_KM / 6_371.0088)
        / C_KM_S
    )
    for step in range(2):
        r = c["r"][step]
        for mode in ("lasers", "hybrid", "bent-pipe"):
            graph = build_graph(
                r,
                c["ground"],
                mode=mode,  # type: ignore[arg-type]
                lasers=plus_grid_links(c["cand"], r),
            )
            for via in ("space", "pop"):
                routes = route_pairs(graph, src, dst, via=via)  # type: ignore[arg-type]
                assert (routes.rtt_ms >= floor_ms).all()
                assert (routes.rtt_propagation_ms >= floor_ms).all()
            assert np.isfinite(route_pairs(graph, src, dst, via="space").rtt_ms).any() or (
                mode == "bent-pipe"
            )


def test_bent_pipe_rtt_is_the_two_slant_ranges_both_ways() -> None:
    r_t, _plane, _slot = walker_delta_ecef_km(550.0, 53.0, 24, 16, 5, [0.0])
    r = r_t[0]
    gw_lat, gw_lon = 47.0, 8.0
    t_lat, t_lon = 47.01, 8.01  # a terminal about 1.3 km from the gateway
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=[gw_lat],
        gateway_lon_deg=[gw_lon],
        gateway_antennas=64,
        gateway_min_elevation_deg=10.0,
        pop_lat_deg=[gw_lat],
        pop_lon_deg=[gw_lon],
        terminal_lat_deg=[t_lat],
        terminal_lon_deg=[t_lon],
        terminal_min_elevation_deg=10.0,
    )
    graph = build_graph(r, ground, mode="bent-pipe")
    routes = route_to_pops(graph)
    assert routes.reason[0] == OK and routes.hops[0] == 3  # terminal, sat, gateway, PoP
    path = routes.path_of(0)
    sat = path[1]
    _, _, up_km = look_angles(geodetic_to_ecef(t_lat, t_lon), enu_basis(t_lat, t_lon), r[sat])
    _, _, down_km = look_angles(geodetic_to_ecef(gw_lat, gw_lon), enu_basis(gw_lat, gw_lon), r[sat])
    assert abs(routes.rtt_ms[0] - 2e3 * (up_km + down_km) / C_KM_S) < 1e-3
    # …and it is the best satellite: no other one both see has a shorter bounce.
    _, el_t, rt = look_angles(geodetic_to_ecef(t_lat, t_lon), enu_basis(t_lat, t_lon), r)
    _, el_g, rg = look_angles(geodetic_to_ecef(gw_lat, gw_lon), enu_basis(gw_lat, gw_lon), r)
    both = (el_t >= 10.0) & (el_g >= 10.0)
    assert abs((rt + rg)[both].min() - (up_km + down_km)) < 1e-9
    assert routes.gateway[0] == graph.layout.gateway0 and routes.pop[0] == graph.layout.pop0


def test_disabled_satellites_and_links_are_never_used(small_constellation: dict) -> None:
    c = small_constellation
    r = c["r"][0]
    lay_n = r.shape[0]
    base = build_graph(r, c["ground"], mode="lasers", lasers=plus_grid_links(c["cand"], r))
    n = base.layout.n_terminals
    src, dst = np.triu_indices(n, k=1)
    before = route_pairs(base, src, dst)
    used = np.unique(before.path[(before.path >= 0) & (before.path < lay_n)])
    sat_down = np.zeros(lay_n, bool)
    sat_down[used[::3]] = True
    cand = c["cand"]
    hops = before.path_of(int(np.argmax(before.hops)))
    sats = [h for h in hops if h < lay_n]
    link_down = np.zeros(len(cand), bool)
    killed = cand.index_of(sats[:-1], sats[1:])
    link_down[killed[killed >= 0]] = True
    assert link_down.any()
    lasers = plus_grid_links(cand, r, sat_down=sat_down, link_down=link_down)
    graph = build_graph(r, c["ground"], mode="lasers", lasers=lasers, sat_down=sat_down)
    for routes in (
        route_pairs(graph, src, dst),
        route_to_pops(graph),
        route_pairs(graph, src, dst, via="pop"),
    ):
        nodes = routes.path[routes.path >= 0]
        assert not sat_down[nodes[nodes < lay_n]].any()
        for k in range(len(routes)):
            p = routes.path_of(k)
            for a, b in itertools.pairwise(p):
                if a < lay_n and b < lay_n:
                    idx = cand.index_of([a], [b])[0]
                    assert idx < 0 or not link_down[idx]


def test_path_changes_are_flagged_against_the_previous_step(small_constellation: dict) -> None:
    c = small_constellation
    steps = []
    previous = None
    for r in c["r"]:
        graph = build_graph(r, c["ground"], mode="lasers", lasers=plus_grid_links(c["cand"], r))
        previous = route_to_pops(graph, previous=previous)
        steps.append(previous)
    assert not steps[0].changed.any()
    for k in range(len(steps[1])):
        assert steps[1].changed[k] == (steps[0].path_of(k) != steps[1].path_of(k))
    assert steps[1].changed.any()


def test_no_path_reasons_and_delays() -> None:
    r_t, *_ = walker_delta_ecef_km(550.0, 53.0, 24, 16, 5, [0.0])
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=[47.0],
        gateway_lon_deg=[8.0],
        pop_lat_deg=[50.0],
        pop_lon_deg=[8.6],
        terminal_lat_deg=[47.1, 89.9, -30.0],
        terminal_lon_deg=[8.1, 0.0, -150.0],
        terminal_min_elevation_deg=[10.0, 25.0, 10.0],
        gateway_min_elevation_deg=10.0,
    )
    graph = build_graph(r_t[0], ground, mode="bent-pipe", processing_delay_ms=0.25)
    routes = route_to_pops(graph, scheduling_delay_ms=2.0)
    assert routes.reason.tolist() == [OK, NO_SATELLITE, NO_GATEWAY]
    assert routes.reason_text()[1] == "no satellite in view"
    assert routes.hops[0] == 3 and routes.hops[1] == -1 and not routes.path_of(1)
    assert routes.rtt_ms[0] == pytest.approx(routes.rtt_propagation_ms[0] + 2 * (3 * 0.25 + 2.0))
    down = build_graph(r_t[0], ground, mode="bent-pipe", gateway_down=[True])
    assert route_to_pops(down).reason[0] == NO_GATEWAY
    with pytest.raises(ValueError, match="bent-pipe, hybrid, lasers"):
        build_graph(r_t[0], ground, mode="laser")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs the step's laser links"):
        build_graph(r_t[0], ground, mode="lasers")
    with pytest.raises(ValueError, match="serving_sat"):
        build_graph(r_t[0], ground, mode="bent-pipe", access="serving")
    serving = build_graph(
        r_t[0],
        ground,
        mode="bent-pipe",
        access="serving",
        serving_sat=[int(graph.access_sat[0]), -1, 5],
    )
    assert route_to_pops(serving).reason.tolist() == [OK, NO_SATELLITE, NO_GATEWAY]


@pytest.mark.parametrize("limit_ms", [0.5, 5.0, 12.0, 1e3])
def test_search_radius_never_changes_the_routes(small_constellation: dict, limit_ms: float) -> None:
    # limit_ms only prunes Dijkstra; a radius too small for some terminal falls back to the
    # full search, so every radius gives the routes of no radius.
    c = small_constellation
    r = c["r"][0]
    graph = build_graph(r, c["ground"], mode="lasers", lasers=plus_grid_links(c["cand"], r))
    full = route_to_pops(graph)
    pruned = route_to_pops(graph, limit_ms=limit_ms)
    np.testing.assert_array_equal(pruned.path, full.path)
    np.testing.assert_array_equal(pruned.reason, full.reason)
    np.testing.assert_allclose(pruned.one_way_ms, full.one_way_ms, rtol=0, atol=0)
    # Nodes asked for are covered by the radius the same way.
    sats = np.arange(graph.layout.n_sats)
    pruned = route_to_pops(graph, limit_ms=limit_ms, nodes=sats)
    full = route_to_pops(graph, nodes=sats)
    assert pruned.node_ms is not None and full.node_ms is not None
    np.testing.assert_array_equal(pruned.node_ms, full.node_ms)


def test_a_terminals_delay_is_its_access_link_plus_its_satellites_delay(
    small_constellation: dict,
) -> None:
    # What the run engine does for cells, which are not graph nodes: one-way delay to the
    # PoP = access link weight + the serving satellite's node_ms.
    c = small_constellation
    r = c["r"][0]
    lasers = plus_grid_links(c["cand"], r)
    seen = build_graph(r, c["ground"], mode="lasers", lasers=lasers)
    n_t = seen.layout.n_terminals
    first = np.searchsorted(seen.access_terminal, np.arange(n_t))
    has = np.bincount(seen.access_terminal, minlength=n_t) > 0
    serving = np.where(has, seen.access_sat[np.minimum(first, len(seen.access_sat) - 1)], -1)
    graph = build_graph(
        r,
        c["ground"],
        mode="lasers",
        lasers=lasers,
        access="serving",
        serving_sat=serving,
        processing_delay_ms=0.3,
    )
    routes = route_to_pops(graph, nodes=graph.access_sat)
    assert routes.node_ms is not None
    expect = np.full(n_t, np.inf)
    expect[graph.access_terminal] = edge_weight_ms(graph.access_delay_ms, 0.3) + routes.node_ms
    ok = np.isfinite(routes.one_way_ms)
    assert ok.sum() >= 2
    np.testing.assert_array_equal(routes.one_way_ms, expect)
    # With a PoP set per node (here PoP 0 alone, as every terminal's): the same search's
    # delay of each node to the nearest PoP of its own set.
    only_first = np.zeros((graph.access_sat.size, graph.layout.n_pops), dtype=bool)
    only_first[:, 0] = True
    fixed = route_to_pops(
        graph, pop_policy=np.zeros(n_t, int), nodes=graph.access_sat, node_pops=only_first
    )
    assert fixed.node_ms is not None
    expect[graph.access_terminal] = edge_weight_ms(graph.access_delay_ms, 0.3) + fixed.node_ms
    np.testing.assert_array_equal(fixed.one_way_ms, expect)
    assert set(fixed.target[np.isfinite(fixed.one_way_ms)]) == {graph.layout.pop0}
    with pytest.raises(ValueError, match="node_pops must be"):
        route_to_pops(graph, nodes=graph.access_sat, node_pops=only_first[:1])


def test_a_pop_set_takes_each_terminal_to_the_nearest_pop_of_its_set() -> None:
    """The country rule: terminals spread from Brittany to Lithuania, allowed Frankfurt and
    Warsaw (not Madrid): each goes to whichever of the two is nearer by delay — the
    minimum of its two fixed-PoP routes — so the set splits; all PoPs allowed is
    'nearest'."""
    from leonet.space import Propagator, load_preset
    from leonet.timegrid import TimeGrid

    gen1 = load_preset("starlink-gen1", "2026-05-30T00:00:00Z")
    r = Propagator(gen1)(TimeGrid("2026-05-30T00:00:00Z", 1.0, 1), velocities=False).r_ecef_km[0]
    pop_lat, pop_lon = [40.4, 50.1, 52.2], [-3.7, 8.7, 21.0]  # Madrid, Frankfurt, Warsaw
    t_lon = np.linspace(-3.0, 24.0, 10)
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=pop_lat,
        gateway_lon_deg=pop_lon,
        gateway_pop=[0, 1, 2],
        pop_lat_deg=pop_lat,
        pop_lon_deg=pop_lon,
        terminal_lat_deg=np.full(10, 50.5),
        terminal_lon_deg=t_lon,
    )
    graph = build_graph(r, ground, mode="bent-pipe", access="any")
    allowed = np.zeros((10, 3), dtype=bool)
    allowed[:, 1:] = True
    chosen = route_to_pops(graph, pop_policy=allowed)
    fixed = [route_to_pops(graph, pop_policy=np.full(10, p)) for p in (1, 2)]
    both = np.stack([f.rtt_ms for f in fixed])
    assert np.isfinite(chosen.rtt_ms).all()
    np.testing.assert_allclose(chosen.rtt_ms, both.min(axis=0), rtol=0, atol=1e-9)  # ms
    pop = chosen.target - graph.layout.pop0
    np.testing.assert_array_equal(pop, 1 + np.argmin(both, axis=0))
    assert set(pop.tolist()) == {1, 2}  # the west to Frankfurt, the east to Warsaw
    assert (np.diff(pop) >= 0).all()
    # Every PoP allowed is the nearest-by-delay rule of a country without data.
    nearest = route_to_pops(graph)
    every = route_to_pops(graph, pop_policy=np.ones((10, 3), dtype=bool))
    np.testing.assert_allclose(every.rtt_ms, nearest.rtt_ms, rtol=0, atol=1e-9)
    np.testing.assert_array_equal(every.target, nearest.target)
    with pytest.raises(ValueError, match="at least one PoP per terminal"):
        route_to_pops(graph, pop_policy=np.zeros((10, 3), dtype=bool))
