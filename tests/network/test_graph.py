"""Graph construction: visibility against look angles, antenna limits, edge directions."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.frames import enu_basis, geodetic_to_ecef, look_angles
from leonet.network import (
    GroundNodes,
    NodeLayout,
    build_graph,
    fibre_delay_ms,
    plus_grid_candidates,
    plus_grid_links,
    visible_links,
)
from support.circular import walker_delta_ecef_km


@pytest.mark.parametrize(
    ("altitude_km", "mask_deg"), [(550.0, 25.0), (1_200.0, 0.0), (340.0, 40.0), (8_000.0, 10.0)]
)
def test_visible_links_equal_the_look_angle_test(altitude_km: float, mask_deg: float) -> None:
    r_t, *_ = walker_delta_ecef_km(altitude_km, 70.0, 30, 30, 7, [0.0])
    r = r_t[0]
    rng = np.random.default_rng(int(altitude_km))
    lat, lon = rng.uniform(-89, 89, 60), rng.uniform(-180, 180, 60)
    site = geodetic_to_ecef(lat, lon, rng.uniform(0, 3, 60))
    enu = enu_basis(lat, lon)
    site_i, sat_i, range_km, el = visible_links(site, enu[:, 2, :], mask_deg, r)
    _, el_ref, rng_ref = look_angles(site[:, None, :], enu[:, None, :, :], r[None, :, :])
    expect = set(zip(*np.nonzero(el_ref >= mask_deg), strict=True))
    assert set(zip(site_i.tolist(), sat_i.tolist(), strict=True)) == expect
    assert np.allclose(range_km, rng_ref[site_i, sat_i], rtol=0, atol=1e-9)
    assert np.allclose(el, el_ref[site_i, sat_i], rtol=0, atol=1e-9)
    # Antenna limit: the highest ones.
    lim_s, _lim_v, _, lim_el = visible_links(site, enu[:, 2, :], mask_deg, r, max_links=2)
    for s in np.unique(site_i):
        best = np.sort(el_ref[s][el_ref[s] >= mask_deg])[::-1][:2]
        assert np.allclose(lim_el[lim_s == s], best, atol=1e-9)


def test_edge_directions_per_mode() -> None:
    r_t, plane, slot = walker_delta_ecef_km(550.0, 53.0, 24, 16, 5, [0.0])
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=[47.0, 40.0],
        gateway_lon_deg=[8.0, -3.7],
        gateway_antennas=[3, 0],
        pop_lat_deg=[50.1, 40.4],
        pop_lon_deg=[8.7, -3.7],
        pop_links=None,
        terminal_lat_deg=[47.2],
        terminal_lon_deg=[8.2],
    )
    lay = ground.layout(r_t.shape[1])
    assert isinstance(lay, NodeLayout) and lay.name(lay.pop0 + 1) == "pop:1"
    assert list(lay.kind([0, lay.gateway0, lay.pop0, lay.terminal0, -1])) == [
        "sat",
        "gateway",
        "pop",
        "terminal",
        "",
    ]
    for mode, back in (("bent-pipe", False), ("hybrid", True)):
        cand = plus_grid_candidates(np.zeros_like(plane), plane, slot, phasing=[5])
        g = build_graph(
            r_t[0],
            ground,
            mode=mode,  # type: ignore[arg-type]
            lasers=plus_grid_links(cand, r_t[0]),
        )
        kinds = g.edge_kind
        gw_up = (kinds == 2) & (g.edge_dst >= lay.gateway0)
        gw_down = (kinds == 2) & (g.edge_src >= lay.gateway0)
        assert gw_up.sum() == g.gateway_links.sum() <= 3  # gateway 1 has no antenna
        assert gw_down.any() == back
        assert not (g.edge_dst >= lay.terminal0).any()  # terminals never receive in the CSR
        assert ((kinds == 0).any()) == (mode == "hybrid")
        fibre = kinds == 3
        assert fibre.sum() == 4  # two gateway–PoP links, both ways; no PoP mesh
        expect = fibre_delay_ms(47.0, 8.0, 50.1, 8.7)
        assert np.isclose(
            g.edge_delay_ms[fibre].min(), min(expect, fibre_delay_ms(40.0, -3.7, 40.4, -3.7))
        )


def test_a_pop_that_is_down_is_never_on_a_path():
    from leonet.network import GroundNodes, build_graph, route_to_pops
    from leonet.space import Propagator, load_preset
    from leonet.timegrid import TimeGrid

    gen1 = load_preset("starlink-gen1", "2026-05-30T00:00:00Z")
    r = Propagator(gen1)(TimeGrid("2026-05-30T00:00:00Z", 1.0, 1), velocities=False).r_ecef_km[0]
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=[50.1, 52.2],
        gateway_lon_deg=[8.7, 21.0],
        gateway_pop=[0, 1],
        pop_lat_deg=[50.1, 52.2],
        pop_lon_deg=[8.7, 21.0],
        terminal_lat_deg=[51.0],
        terminal_lon_deg=[15.0],
    )
    graph = build_graph(r, ground, mode="bent-pipe", access="any")
    both = route_to_pops(graph)
    assert np.isfinite(both.rtt_ms[0])
    used = int(both.pop[0] - graph.layout.pop0)
    down = np.zeros(2, dtype=bool)
    down[used] = True
    rerouted = route_to_pops(build_graph(r, ground, mode="bent-pipe", access="any", pop_down=down))
    assert int(rerouted.pop[0] - graph.layout.pop0) == 1 - used
    assert rerouted.rtt_ms[0] >= both.rtt_ms[0]
    all_down = route_to_pops(
        build_graph(r, ground, mode="bent-pipe", access="any", pop_down=np.ones(2, dtype=bool))
    )
    assert not np.isfinite(all_down.rtt_ms[0])


@pytest.mark.parametrize("mode", ["bent-pipe", "lasers", "hybrid"])
def test_given_gateway_pairs_build_the_same_graph(mode: str) -> None:
    # The engine computes each step's gateway pairs once and hands them to the graph; with
    # satellites and gateways down, antenna limits and every mode, the graph is the same.
    r_t, plane, slot = walker_delta_ecef_km(550.0, 53.0, 24, 16, 5, [0.0])
    r = r_t[0]
    rng = np.random.default_rng(3)
    ground = GroundNodes.from_geodetic(
        gateway_lat_deg=rng.uniform(35, 60, 8),
        gateway_lon_deg=rng.uniform(-10, 40, 8),
        gateway_antennas=rng.integers(0, 4, 8),
        gateway_min_elevation_deg=[25.0, 10.0] * 4,
        pop_lat_deg=[50.1, 40.4],
        pop_lon_deg=[8.7, -3.7],
        terminal_lat_deg=[47.2, 50.4],
        terminal_lon_deg=[8.2, 30.5],
    )
    pairs = visible_links(
        ground.gateway_ecef_km, ground.gateway_up, ground.gateway_min_elevation_deg, r
    )
    assert len(pairs[0]) > 20
    cand = plus_grid_candidates(np.zeros_like(plane), plane, slot, phasing=[5])
    common = {
        "mode": mode,
        "lasers": plus_grid_links(cand, r),
        "sat_down": rng.random(r.shape[0]) < 0.2,
        "gateway_down": rng.random(8) < 0.3,
    }
    want = build_graph(r, ground, **common)  # type: ignore[arg-type]
    got = build_graph(r, ground, gateway_pairs=pairs[:3], **common)  # type: ignore[arg-type]
    for name in ("edge_src", "edge_dst", "edge_delay_ms", "edge_kind", "gateway_links"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)


def test_a_per_node_array_of_the_wrong_length_names_its_field() -> None:
    with pytest.raises(
        ValueError,
        match=r"terminal_min_elevation_deg: give one value or one "
        r"per node \(2\), got shape \(3,\)",
    ):
        GroundNodes.from_geodetic(
            terminal_lat_deg=[50.0, 51.0],
            terminal_lon_deg=[30.0, 31.0],
            terminal_min_elevation_deg=[10.0, 20.0, 30.0],
        )
