"""The route runner: chunking, access modes, network modes and physical bounds."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.constants import C_KM_S
from leonet.engine.route import run_routes
from leonet.ground import Sites, great_circle_km, load_pops
from leonet.ground.pops import find_pop
from leonet.ground.selection import select_ground
from leonet.outcomes import Outcome
from leonet.space import load_constellation
from leonet.timegrid import TimeGrid

START = "2026-05-30T12:00:00Z"
EUROPE = {"lat_deg": (34.0, 72.0), "lon_deg": (-25.0, 45.0)}


@pytest.fixture(scope="module")
def gen1():
    return load_constellation("starlink-gen1")


@pytest.fixture(scope="module")
def starlink():
    return load_constellation("starlink")


@pytest.fixture(scope="module")
def ukraine() -> Sites:
    return Sites(
        ["Kyiv", "Lviv", "Kharkiv", "Odesa"],
        [50.4501, 49.8397, 49.9935, 46.4825],
        [30.5234, 24.0297, 36.2304, 30.7233],
    )


@pytest.fixture(scope="module")
def ground(ukraine):
    return select_ground(ukraine, within_km=None, operational_only=False, **EUROPE)


def _antenna_links(nodes, r_km):
    """The gateway → satellite links of one step that its gateways' antennas take
    (:func:`leonet.network.visible_links`, at most ``gateway_antennas`` each)."""
    from leonet.network import visible_links

    return visible_links(
        nodes.gateway_ecef_km,
        nodes.gateway_up,
        nodes.gateway_min_elevation_deg,
        r_km,
        max_links=nodes.gateway_antennas,
    )


def _same(a, b) -> None:
    for name in (
        "rtt_ms",
        "propagation_rtt_ms",
        "hops",
        "path",
        "gateway",
        "pop",
        "changed",
        "reason",
    ):
        x, y = getattr(a, name), getattr(b, name)
        if name == "path":
            width = max(x.shape[2], y.shape[2])
            x = np.pad(x, ((0, 0), (0, 0), (0, width - x.shape[2])), constant_values=-1)
            y = np.pad(y, ((0, 0), (0, 0), (0, width - y.shape[2])), constant_values=-1)
        if name.endswith("_ms"):  # positions differ by float rounding between chunkings
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-6, err_msg=name)  # 1 ns
        else:
            np.testing.assert_array_equal(x, y, err_msg=name)


@pytest.mark.parametrize("pairs", [None, [(0, 1), (2, 3)]])
def test_chunked_run_equals_one_pass(gen1, ukraine, ground, pairs) -> None:
    gw, pops = ground
    grid = TimeGrid(START, 1.0, 45)  # three scheduler slots; chunks cut across them
    kwargs = dict(
        gateways=gw, pops=pops, pairs=pairs, processing_delay_ms=0.05, scheduling_delay_ms=1.0
    )
    whole = run_routes(gen1, ukraine, grid, chunk_steps=45, **kwargs)
    chunked = run_routes(gen1, ukraine, grid, chunk_steps=7, **kwargs)
    _same(whole, chunked)
    assert np.isfinite(whole.rtt_ms).mean() > 0.9
    assert whole.changed.any()  # the carried state matters
    hops = whole.hops[np.isfinite(whole.rtt_ms)]
    ok = np.isfinite(whole.rtt_ms)
    # rtt = propagation + 2 × (hops × processing + accesses × scheduling)
    accesses = 1 if pairs is None else 2
    np.testing.assert_allclose(
        whole.rtt_ms[ok] - whole.propagation_rtt_ms[ok],
        2 * (hops * 0.05 + accesses * 1.0),
        atol=1e-9,
    )


def test_any_access_is_never_slower_than_the_scheduled_satellite(gen1, ukraine, ground) -> None:
    # "any" offers every satellite in view, a superset of the serving one, on the same graph.
    gw, pops = ground
    grid = TimeGrid(START, 2.0, 30)
    for pairs in (None, [(0, 2)]):
        sched = run_routes(
            gen1, ukraine, grid, gateways=gw, pops=pops, pairs=pairs, access="scheduled"
        )
        best = run_routes(gen1, ukraine, grid, gateways=gw, pops=pops, pairs=pairs, access="any")
        ok = np.isfinite(sched.rtt_ms)
        assert np.isfinite(best.rtt_ms[ok]).all()
        assert (best.rtt_ms[ok] <= sched.rtt_ms[ok] + 1e-9).all()
        assert (best.rtt_ms[ok] < sched.rtt_ms[ok] - 1e-6).any()  # and it matters


def test_bent_pipe_and_lasers_on_the_real_catalogue(starlink, ukraine, ground) -> None:
    gw, pops = ground
    grid = TimeGrid(START, 5.0, 6)
    runs = {
        m: run_routes(starlink, ukraine, grid, gateways=gw, pops=pops, mode=m, access="any")
        for m in ("bent-pipe", "lasers")
    }
    bent, lasers = runs["bent-pipe"], runs["lasers"]
    assert np.isfinite(bent.rtt_ms).all() and np.isfinite(lasers.rtt_ms).all()
    # Bent pipe: terminal > satellite > gateway > PoP (and maybe PoP > PoP), no lasers.
    kinds = np.array(
        ["sat"] * starlink.size
        + ["gw"] * len(gw)
        + ["pop"] * len(pops)
        + ["term"] * len(ukraine)
        + [""]
    )
    for t in range(grid.count):
        for k in range(len(ukraine)):
            path = bent.path[t, k][bent.path[t, k] >= 0]
            assert list(kinds[path[:3]]) == ["term", "sat", "gw"]
            assert set(kinds[path[3:]]) == {"pop"}
    # The laser graph holds every bent-pipe edge and more, so it can only be as fast or faster.
    assert (lasers.rtt_ms <= bent.rtt_ms + 1e-9).all()
    # Scheduled lasers: only satellites with a laser path to a gateway are assigned.
    sched = run_routes(starlink, ukraine, grid, gateways=gw, pops=pops, mode="lasers")
    assert np.isfinite(sched.rtt_ms).all(), [Outcome(int(r)).text for r in np.unique(sched.reason)]


def test_kyiv_to_frankfurt_is_physically_plausible(starlink, ground) -> None:
    gw, _ = ground
    pops = load_pops()
    kyiv = Sites(["Kyiv"], [50.4501], [30.5234])
    fra = find_pop("Frankfurt", pops)
    grid = TimeGrid(START, 10.0, 12)
    series = run_routes(starlink, kyiv, grid, gateways=gw, pops=pops, pop=fra)
    rtt = series.rtt_ms[:, 0]
    assert np.isfinite(rtt).all()
    # The path ends at Frankfurt (its first PoP may be the gateway's own, then fibre).
    assert {series.path_names(t)[-1] for t in range(grid.count)} == {"frntdeu1"}
    ground_km = great_circle_km(50.4501, 30.5234, pops.lat_deg[fra], pops.lon_deg[fra])
    floor_ms = 2e3 * ground_km / C_KM_S
    # Up to ~550 km and down again at least, plus the ground distance at c.
    assert (rtt > floor_ms + 2e3 * 2 * 500.0 / C_KM_S).all()
    assert (rtt < 100.0).all()
    # Order of published Starlink idle RTTs in Europe (tens of ms, see docs/network.md);
    # the model has no queueing or MAC delay, so its median sits at the low end.
    assert 10.0 < np.median(rtt) < 50.0


def test_select_ground_errors_name_the_filter(ukraine) -> None:
    with pytest.raises(ValueError, match="raise within_km"):
        select_ground(ukraine, within_km=10.0)
    gw, pops = select_ground(ukraine, within_km=2_000.0)
    assert len(gw) and "wrswpol1" in set(pops.names)


def test_bad_mode_and_access_words(gen1, ukraine, ground) -> None:
    gw, pops = ground
    grid = TimeGrid(START, 1.0, 2)
    with pytest.raises(ValueError, match="choose one of bent-pipe, hybrid, lasers"):
        run_routes(gen1, ukraine, grid, gateways=gw, pops=pops, mode="laser")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'scheduled'"):
        run_routes(gen1, ukraine, grid, gateways=gw, pops=pops, access="serving")  # type: ignore[arg-type]


def test_gateway_reachable_is_the_laser_components_that_hold_a_gateway_link(
    gen1, ukraine, ground
) -> None:
    import networkx as nx

    from leonet.network import LaserLinks, plus_grid_links_chunk
    from leonet.network.ground_nodes import ground_nodes
    from leonet.network.lasers import constellation_candidates
    from leonet.network.reachability import gateway_reachable
    from leonet.space import Propagator

    grid = TimeGrid(START, 30.0, 3)
    r = Propagator(gen1)(grid, velocities=False).r_ecef_km
    # A sparse mesh (a random 40 % of the +Grid links) splits into many components.
    rng = np.random.default_rng(1)
    lasers = []
    for links in plus_grid_links_chunk(constellation_candidates(gen1), r):
        keep = rng.random(len(links)) < 0.4
        lasers.append(
            LaserLinks(
                links.sat_a[keep], links.sat_b[keep], links.length_km[keep], links.candidate[keep]
            )
        )
    gateways, pops = ground
    nodes = ground_nodes(ukraine, gateways, pops)
    down = np.zeros((grid.count, len(nodes.gateway_antennas)), dtype=bool)
    down[1, ::2] = True  # half the gateways out at step 1
    vis = gateway_reachable(r, lasers, nodes, gateway_down=down)
    for k in range(grid.count):
        g = nx.Graph()
        g.add_nodes_from(range(r.shape[1]))
        g.add_edges_from(zip(lasers[k].sat_a.tolist(), lasers[k].sat_b.tolist(), strict=True))
        gw, sat, _, _ = _antenna_links(nodes, r[k])
        linked = set(sat[~down[k][gw]].tolist())
        want = set().union(*(c for c in nx.connected_components(g) if c & linked))
        got = set(vis.sat_idx[vis.offsets[k] : vis.offsets[k + 1]].tolist())
        assert got == want, k
        assert 50 < len(want) < r.shape[1] // 2  # many satellites are cut off the ground


def test_ground_delays_are_the_shortest_laser_paths_to_a_gateway():
    """Reachability's ground_ms against all-pairs shortest paths (Floyd-Warshall)."""
    from scipy.sparse.csgraph import floyd_warshall

    from leonet.constants import C_KM_S
    from leonet.network import GroundNodes
    from leonet.network.lasers import LaserLinks
    from leonet.network.reachability import gateway_reachable

    rng = np.random.default_rng(4)
    n = 12
    r = rng.normal(size=(1, n, 3)) * 300.0 + np.array([6921.0, 0.0, 0.0])
    a = np.array([0, 1, 2, 3, 4, 5, 6, 0, 8, 9], dtype=np.int64)
    b = np.array([1, 2, 3, 4, 5, 6, 7, 7, 9, 10], dtype=np.int64)  # 11 has no laser
    length = np.linalg.norm(r[0, a] - r[0, b], axis=1)
    links = LaserLinks(a, b, length, np.full(a.shape, -1, dtype=np.int64))
    nodes = GroundNodes.from_geodetic(
        gateway_lat_deg=[0.0],
        gateway_lon_deg=[0.0],
        terminal_lat_deg=[0.0],
        terminal_lon_deg=[1.0],
    )
    reach = gateway_reachable(r, [links], nodes, delays=True)
    plain = gateway_reachable(r, [links], nodes)
    np.testing.assert_array_equal(plain.sat_idx, reach.sat_idx)  # the same satellites
    assert reach.ground_ms is not None and plain.ground_ms is None
    ms = 1000.0 / C_KM_S
    w = np.zeros((n, n))
    w[a, b] = w[b, a] = length * ms
    dist = floyd_warshall(w, directed=False)  # zeros: no edge
    _, sat, range_km, _ = _antenna_links(nodes, r[0])
    assert 0 < sat.size < n
    expect = np.min(dist[:, sat] + range_km * ms, axis=1)
    np.testing.assert_allclose(reach.ground_ms, expect[reach.sat_idx], rtol=1e-9)
    assert np.isfinite(expect[reach.sat_idx]).all()


def test_ground_delays_run_on_to_the_pop_when_asked():
    """With ``onward_ms`` a satellite's delay runs on from the gateway over the fibre to
    the PoPs: the gateway-linked ones' delays grow by their gateway's way on, exactly."""
    from leonet.network import GroundNodes, fibre_delay_ms
    from leonet.network.lasers import LaserLinks
    from leonet.network.reachability import gateway_onward_ms, gateway_reachable

    rng = np.random.default_rng(4)
    r = rng.normal(size=(1, 12, 3)) * 300.0 + np.array([6921.0, 0.0, 0.0])
    a = np.array([0, 1, 2, 3, 4], dtype=np.int64)
    b = np.array([1, 2, 3, 4, 5], dtype=np.int64)
    links = LaserLinks(
        a, b, np.linalg.norm(r[0, a] - r[0, b], axis=1), np.full(a.shape, -1, np.int64)
    )
    # Two gateways under the satellites, backhauled to a PoP beside the first and to one
    # ~2,800 km east; the terminals' PoP is the first.
    nodes = GroundNodes.from_geodetic(
        gateway_lat_deg=[0.0, 0.5],
        gateway_lon_deg=[0.0, 0.5],
        gateway_pop=[0, 1],
        pop_lat_deg=[0.0, 0.0],
        pop_lon_deg=[0.1, 25.0],
        terminal_lat_deg=[0.0],
        terminal_lon_deg=[1.0],
    )
    onward = gateway_onward_ms(nodes, np.array([True, False]))
    expect_onward = [
        fibre_delay_ms(0.0, 0.0, 0.0, 0.1),
        fibre_delay_ms(0.5, 0.5, 0.0, 25.0) + fibre_delay_ms(0.0, 25.0, 0.0, 0.1),
    ]
    np.testing.assert_allclose(onward, expect_onward, rtol=1e-12)
    np.testing.assert_allclose(gateway_onward_ms(nodes)[1], fibre_delay_ms(0.5, 0.5, 0.0, 25.0))
    plain = gateway_reachable(r, [links], nodes, delays=True)
    on = gateway_reachable(r, [links], nodes, delays=True, onward_ms=onward)
    np.testing.assert_array_equal(plain.sat_idx, on.sat_idx)
    gw, sat, range_km, _ = _antenna_links(nodes, r[0])
    assert set(gw.tolist()) == {0, 1}
    # A satellite linked to a gateway and no laser: its delay is its best gateway's way
    # down plus that gateway's way on.
    lone = np.setdiff1d(sat, np.concatenate([a, b]))
    assert lone.size
    down = range_km * 1000.0 / C_KM_S + onward[gw]
    for s in lone:
        k = int(np.flatnonzero(on.sat_idx == s)[0])
        assert on.ground_ms[k] == pytest.approx(down[sat == s].min(), abs=1e-9)  # ms
    assert (on.ground_ms >= plain.ground_ms - 1e-9).all()
    with pytest.raises(ValueError, match="one per gateway"):
        gateway_reachable(r, [links], nodes, delays=True, onward_ms=onward[:1])
    # The PoPs in service per step ((time, pop)): the terminals' PoP down at the second
    # step.  One row of delays a step; at the second the first gateway, homed to the down
    # PoP, has no way on, the second goes on to the eastern PoP (the only one up).
    up = np.array([[True, True], [False, True]])
    per_step = gateway_onward_ms(nodes, np.array([True, False]), up)
    np.testing.assert_array_equal(per_step[0], onward)
    np.testing.assert_allclose(per_step[1], [np.inf, fibre_delay_ms(0.5, 0.5, 0.0, 25.0)])
    two = np.concatenate([r, r])
    stepped = gateway_reachable(two, [links, links], nodes, delays=True, onward_ms=per_step)
    for k in range(2):
        alone = gateway_reachable(r, [links], nodes, delays=True, onward_ms=per_step[k])
        at = stepped.time_idx == k
        np.testing.assert_array_equal(stepped.sat_idx[at], alone.sat_idx)
        np.testing.assert_allclose(stepped.ground_ms[at], alone.ground_ms, rtol=1e-12)
    assert not np.array_equal(stepped.ground_ms[stepped.time_idx == 1], on.ground_ms)


def test_a_saipan_terminal_is_not_landed_in_guam_for_manila(starlink):
    """The shortest-path scheduler ranks satellites by their delay on to the PoP: the
    Northern Marianas' traffic (PoP Manila, published median 40.8 ms) goes over lasers to
    a Philippine gateway, not down in Guam and 5,500 km of fibre via Tokyo (88 ms of
    propagation before the fix)."""
    from leonet.access.scheduler import SchedulerConfig
    from leonet.calibration.simulate import _gateways_near
    from leonet.ground import load_pops_2026

    saipan = Sites(["Saipan"], [15.18], [145.75])
    pops = load_pops_2026()
    manila = np.asarray(pops.names) == "mnlaphl1"
    series = run_routes(
        starlink,
        saipan,
        TimeGrid("2026-05-30T10:16:00Z", 1.0, 16),
        gateways=_gateways_near(saipan, pops.take(np.flatnonzero(manila))),
        pops=pops,
        pop=manila,
        scheduler=SchedulerConfig(strategy="shortest-path"),
    )
    prop = series.propagation_rtt_ms[:, 0]
    assert np.isfinite(prop).all()
    # Saipan-Manila is ~2,600 km: ≥ 17 ms there and back at c; by Guam and Tokyo ~88 ms.
    assert 17.0 < np.median(prop) < 45.0  # ms
    assert not any(str(n).endswith(", GU") for n in series.names_of(series.gateway[:, 0]))
