"""All-pairs routing and forwarding state against networkx on the same geometry."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from leonet.constants import C_KM_S
from leonet.network import allpairs
from leonet.network.allpairs import AllPairs, IslGraph, all_pairs

TOL_KM = 1e-6  # 1 mm: the two searches add the same edge lengths in different orders


def _isl_graph(graph: IslGraph, r_km: np.ndarray) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(graph.n_sats))
    length = graph.isl_length_km(r_km)
    for a, b, w in zip(graph.isl_a.tolist(), graph.isl_b.tolist(), length.tolist(), strict=True):
        g.add_edge(a, b, weight=w)
    return g


def _with_station(base: nx.Graph, ap: AllPairs, gid: int, node: int) -> nx.Graph:
    g = base.copy()
    for k in range(ap.gsl_start[gid], ap.gsl_start[gid + 1]):
        g.add_edge(node, int(ap.gsl_sat[k]), weight=float(ap.gsl_km[k]))
    return g


@pytest.mark.parametrize(("step", "queue"), [(0, "buckets"), (2, "buckets"), (1, "heap")])
def test_next_hop_of_every_satellite_lies_on_a_shortest_path(setup, step, queue, monkeypatch):
    if queue == "heap":  # the fallback for ISL lists with a very short link
        monkeypatch.setattr(allpairs, "_MAX_BUCKETS", 0)
    graph, r = setup["graph"], setup["r_km"][step]
    ap = all_pairs(graph, r, setup["gs_km"], setup["gsl_km"])
    base = _isl_graph(graph, r)
    n_sat = graph.n_sats
    next_hop = ap.next_hop()
    for gid in range(0, ap.n_gs, 3):  # sampled destinations
        station = n_sat + gid
        g = _with_station(base, ap, gid, station)
        dist = nx.single_source_dijkstra_path_length(g, station, weight="weight")
        want = np.array([dist.get(s, np.inf) for s in range(n_sat)])
        np.testing.assert_allclose(ap.dist_km[gid], want, rtol=0, atol=TOL_KM)
        for s in range(n_sat):
            n = int(next_hop[gid, s])
            if not np.isfinite(want[s]):
                assert n == -1
                continue
            edge = g.edges[s, n]["weight"]
            rest = 0.0 if n == station else dist[n]
            assert edge + rest == pytest.approx(want[s], abs=TOL_KM), (s, n, gid)


def test_station_pairs_are_shortest_paths_without_ground_relays(setup):
    graph, r = setup["graph"], setup["r_km"][1]
    ap = all_pairs(graph, r, setup["gs_km"], setup["gsl_km"])
    base = _isl_graph(graph, r)
    n_sat = graph.n_sats
    for src in range(0, ap.n_gs, 4):
        g = _with_station(base, ap, src, n_sat + src)
        for dst in range(ap.n_gs):
            if dst == src:
                assert ap.first_sat[src, dst] == -1
                continue
            h = _with_station(g, ap, dst, n_sat + dst)  # only the two ends: no relaying
            try:
                length, path = nx.single_source_dijkstra(h, n_sat + src, n_sat + dst)
            except nx.NetworkXNoPath:
                assert not np.isfinite(ap.pair_km[src, dst])
                continue
            assert ap.pair_km[src, dst] == pytest.approx(length, abs=TOL_KM)
            assert ap.pair_hops[src, dst] == len(path) - 1
            ours = ap.paths([src], [dst])[0]
            ours = ours[ours >= 0]
            assert ours[0] == n_sat + src and ours[-1] == n_sat + dst
            assert len(ours) - 1 == ap.pair_hops[src, dst]
            assert ap.rtt_ms[src, dst] == pytest.approx(2e3 * length / C_KM_S, rel=1e-12)


def test_rtt_is_never_below_the_speed_of_light_floor(setup):
    from leonet.network.graph import great_circle_km

    st = setup["stations"]
    ap = all_pairs(setup["graph"], setup["r_km"][0], setup["gs_km"], setup["gsl_km"])
    src, dst = np.triu_indices(ap.n_gs, k=1)
    ok = np.isfinite(ap.rtt_ms[src, dst])
    assert ok.mean() > 0.9
    floor_ms = (
        2e3
        * great_circle_km(st.lat_deg[src], st.lon_deg[src], st.lat_deg[dst], st.lon_deg[dst])
        / C_KM_S
    )
    assert (ap.rtt_ms[src, dst][ok] >= floor_ms[ok]).all()
    np.testing.assert_allclose(ap.pair_km, ap.pair_km.T, rtol=0, atol=TOL_KM)  # reciprocal


def test_interfaces_are_numbered_in_isl_list_order():
    # Hypatia: each satellite numbers its ISL interfaces in the order its links are listed.
    g = IslGraph.from_isls(4, [0, 1, 0, 2], [1, 2, 2, 3])
    arcs = {
        (t, int(g.nbr[a])): int(g.arc_if[a])
        for t in range(4)
        for a in range(g.indptr[t], g.indptr[t + 1])
    }
    assert arcs == {
        (0, 1): 0,
        (0, 2): 1,
        (1, 0): 0,
        (1, 2): 1,
        (2, 1): 0,
        (2, 0): 1,
        (2, 3): 2,
        (3, 2): 0,
    }
    np.testing.assert_array_equal(g.isls_per_sat, [2, 2, 3, 1])
    for a in range(g.nbr.shape[0]):
        assert g.nbr[g.rev[a]] in range(4) and g.rev[g.rev[a]] == a


def test_forwarding_rows_and_interfaces_follow_hypatia(setup):
    graph = setup["graph"]
    ap = all_pairs(graph, setup["r_km"][0], setup["gs_km"], setup["gsl_km"])
    fwd = ap.forwarding()
    n_sat, n_gs = graph.n_sats, ap.n_gs
    assert len(fwd) == n_sat * n_gs + n_gs * (n_gs - 1)
    np.testing.assert_array_equal(fwd.node[:n_gs], 0)
    np.testing.assert_array_equal(fwd.destination[:n_gs], n_sat + np.arange(n_gs))
    to_station = (fwd.node < n_sat) & (fwd.next_hop >= n_sat)
    assert to_station.any()
    np.testing.assert_array_equal(fwd.my_if[to_station], graph.isls_per_sat[fwd.node[to_station]])
    np.testing.assert_array_equal(fwd.next_if[to_station], 0)
    from_station = fwd.node >= n_sat
    ok = from_station & (fwd.next_hop >= 0)
    np.testing.assert_array_equal(fwd.my_if[ok], 0)
    np.testing.assert_array_equal(fwd.next_if[ok], graph.isls_per_sat[fwd.next_hop[ok]])
    isl = (fwd.node < n_sat) & (fwd.next_hop >= 0) & (fwd.next_hop < n_sat)
    assert (fwd.my_if[isl] < graph.isls_per_sat[fwd.node[isl]]).all()
    assert (fwd.next_if[isl] < graph.isls_per_sat[fwd.next_hop[isl]]).all()


def test_changes_replayed_on_the_first_state_give_the_full_state(setup):
    graph = setup["graph"]
    steps = [all_pairs(graph, r, setup["gs_km"], setup["gsl_km"]) for r in setup["r_km"]]
    state = {}
    for k, ap in enumerate(steps):
        delta = ap.forwarding(steps[k - 1] if k else None)
        if k:
            assert 0 < len(delta) < len(steps[0].forwarding())
        for row in zip(
            delta.node.tolist(),
            delta.destination.tolist(),
            delta.next_hop.tolist(),
            delta.my_if.tolist(),
            delta.next_if.tolist(),
            strict=True,
        ):
            state[row[:2]] = row[2:]
    full = steps[-1].forwarding()
    assert len(state) == len(full)
    for row in zip(
        full.node.tolist(),
        full.destination.tolist(),
        full.next_hop.tolist(),
        full.my_if.tolist(),
        full.next_if.tolist(),
        strict=True,
    ):
        assert state[row[:2]] == row[2:]


def test_a_satellite_without_position_is_skipped_not_fatal(setup):
    graph = setup["graph"]
    r = setup["r_km"][0].copy()
    r[5] = np.nan
    ap = all_pairs(graph, r, setup["gs_km"], setup["gsl_km"])
    assert not np.isfinite(ap.dist_km[:, 5]).any()
    assert (ap.next_hop() != 5).all()
    assert np.isfinite(ap.pair_km[~np.eye(ap.n_gs, dtype=bool)]).mean() > 0.9


def test_bad_isl_lists_are_refused():
    with pytest.raises(ValueError, match="itself"):
        IslGraph.from_isls(3, [0, 1], [1, 1])
    with pytest.raises(ValueError, match=r"0\.\.2"):
        IslGraph.from_isls(3, [0], [3])


def test_bucket_and_heap_searches_agree(setup, monkeypatch):
    graph, r = setup["graph"], setup["r_km"][2]
    buckets = all_pairs(graph, r, setup["gs_km"], setup["gsl_km"])
    monkeypatch.setattr(allpairs, "_MAX_BUCKETS", 0)
    heap = all_pairs(graph, r, setup["gs_km"], setup["gsl_km"])
    np.testing.assert_allclose(buckets.dist_km, heap.dist_km, rtol=0, atol=TOL_KM)
    np.testing.assert_allclose(buckets.pair_km, heap.pair_km, rtol=0, atol=TOL_KM)
    # Next hops may differ only where two paths tie to the millimetre.
    assert (buckets.next_arc == heap.next_arc).mean() > 0.999


def test_without_isls_stations_meet_only_under_one_satellite():
    # Hypatia's isls_none: a pair connects only through a satellite both stations see.
    g = IslGraph.from_isls(3, [], [])
    r = np.array([[7000.0, 0.0, 0.0], [0.0, 7000.0, 0.0], [-7000.0, 0.0, 0.0]])
    gs = np.array([[6378.0, 0.0, 0.0], [6378.0, 300.0, 0.0], [-6378.0, 0.0, 0.0]])
    ap = all_pairs(g, r, gs, 1000.0)
    assert ap.first_sat[0, 1] == 0 and ap.pair_hops[0, 1] == 2
    assert ap.pair_km[0, 1] == pytest.approx(622.0 + np.hypot(622.0, 300.0))
    assert not np.isfinite(ap.pair_km[0, 2])
    fwd = ap.forwarding()
    assert len(fwd) == 3 * 3 + 3 * 2
    row = (fwd.node == 0) & (fwd.destination == 4)
    assert fwd.next_hop[row].tolist() == [4] and fwd.my_if[row].tolist() == [0]
