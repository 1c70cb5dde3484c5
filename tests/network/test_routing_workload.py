"""The benchmark routing workload (tests/support/routing_workload.py) at full scale:
~9,900 satellites, leonet's routes against networkx's Dijkstra on the same graph."""

from __future__ import annotations

import numpy as np

from support.routing_workload import leonet_step, networkx_step, routing_workload


def test_full_scale_workload_routes_match_networkx() -> None:
    work = routing_workload(steps=1, n_gateways=20, n_pops=8, n_terminals=20)
    assert work.n_sats == 9_900
    graph, routes = leonet_step(work, 0)
    dist, paths = networkx_step(graph)
    want_ms = np.array([dist.get(t, np.inf) for t in routes.source])
    assert np.isfinite(want_ms).sum() >= 15  # most terminals reach a PoP over the mesh
    np.testing.assert_array_equal(np.isfinite(routes.one_way_ms), np.isfinite(want_ms))
    fin = np.isfinite(want_ms)
    # Same shortest delays to 1 ns (a path of ~100 ms summed in another order).
    np.testing.assert_allclose(routes.one_way_ms[fin], want_ms[fin], rtol=0, atol=1e-6)
    assert len(paths) == 20
