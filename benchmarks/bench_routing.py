"""Route-run speed on the Ukraine set-up, leonet against networkx in the same run.

Set-up (the network issue's benchmark): the full bundled Starlink catalogue (10,395
satellites, 2026-05-30; satellites outside every inferred shell neither serve nor relay),
all bundled gateways and PoPs of Europe (lat 34..72°, lon -25..45°), the first 50 bundled
Ukrainian places as terminals, from 2026-05-30T12:00Z at 1 s, laser mode (+Grid over the
inferred planes), scheduled access (15-s scheduler), every terminal to its nearest PoP by
delay, full paths.

Measured:

* the whole run (``leonet.engine.route.run_routes``: SGP4, visibility, scheduler, lasers,
  graph, routing) in a child process: seconds per simulated hour and per step, and the
  child's peak resident memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``);
* on ``--sample`` steps spread over the window, the same routing (every terminal to its
  nearest PoP, with paths) by leonet (one multi-source ``scipy.sparse.csgraph.dijkstra``)
  and by networkx (``multi_source_dijkstra`` on the reversed graph built from leonet's
  edge list), both on the very same graph, best of 3; the networkx cost per hour is that
  mean extrapolated to the run's steps.  Distances are checked equal.

    python benchmarks/bench_routing.py [--duration 1h] [--sample 20]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import multiprocessing as mp
import resource
import sys
import time

import numpy as np

START = "2026-05-30T12:00:00Z"
EUROPE = {"lat_deg": (34.0, 72.0), "lon_deg": (-25.0, 45.0)}


def _setup():  # type: ignore[no-untyped-def]
    from leonet.ground import load_places
    from leonet.ground.selection import select_ground
    from leonet.space import load_constellation

    constellation = load_constellation("starlink")
    terminals = load_places().take(np.arange(50))
    gateways, pops = select_ground(terminals, within_km=None, operational_only=False, **EUROPE)
    return constellation, terminals, gateways, pops


def _whole_run(duration_s: float, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from leonet.engine.route import run_routes
    from leonet.timegrid import TimeGrid

    constellation, terminals, gateways, pops = _setup()
    grid = TimeGrid.spanning(START, duration_s, 1.0)
    began = time.perf_counter()
    series = run_routes(
        constellation,
        terminals,
        grid,
        gateways=gateways,
        pops=pops,
        mode="lasers",
        access="scheduled",
    )
    elapsed = time.perf_counter() - began
    queue.put(
        {
            "steps": grid.count,
            "elapsed_s": elapsed,
            "reachable": float(np.isfinite(series.rtt_ms).mean()),
            "median_rtt_ms": float(np.median(series.rtt_ms[np.isfinite(series.rtt_ms)])),
        }
    )


def _best(func, repeats: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = np.inf
    for _ in range(repeats):
        began = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - began)
    return float(best)


def networkx_graph(graph):  # type: ignore[no-untyped-def]
    """``graph`` as a reversed networkx DiGraph (search from the PoPs towards the terminals)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(graph.layout.n_nodes))
    coo = graph.csr.tocoo()
    g.add_weighted_edges_from(
        zip(coo.col.tolist(), coo.row.tolist(), coo.data.tolist(), strict=True)
    )
    return g


def networkx_routes(graph, g):  # type: ignore[no-untyped-def]
    """Nearest-PoP distances and terminal paths by networkx on ``g`` (:func:`networkx_graph`)."""
    import networkx as nx

    pops = set(range(graph.layout.pop0, graph.layout.terminal0))
    dist, paths = nx.multi_source_dijkstra(g, pops)
    terminals = range(graph.layout.terminal0, graph.layout.n_nodes)
    return dist, [paths[t][::-1] if t in paths else [] for t in terminals]


def _sampled_routing(duration_s: float, samples: int) -> dict[str, float]:
    from leonet.access import schedule, visible
    from leonet.access.masks import satellite_min_elevation_deg
    from leonet.network import build_graph, plus_grid_links, plus_grid_links_chunk, route_to_pops
    from leonet.network.ground_nodes import ground_nodes
    from leonet.network.lasers import constellation_candidates
    from leonet.network.reachability import gateway_reachable
    from leonet.space.propagate import Propagator
    from leonet.timegrid import TimeGrid

    constellation, terminals, gateways, pops = _setup()
    ground = ground_nodes(terminals, gateways, pops)
    cand = constellation_candidates(constellation)
    prop = Propagator(constellation)
    in_service = constellation.shell >= 0
    mask = satellite_min_elevation_deg(constellation)
    offsets = np.linspace(0.0, max(duration_s - 1.0, 0.0), samples).round()
    lasers_s, lasers_ref_s, graph_s, leo_s, leo_full_s, nx_s, nx_cut_s = ([] for _ in range(7))
    for off in offsets:
        grid = TimeGrid(_shift(START, off), 1.0, 1)
        r = np.where(in_service[:, None], prop(grid, velocities=False).r_ecef_km[0], np.nan)
        vis = visible(r[None], mask, terminals.ecef_km, terminals.lat_deg, terminals.lon_deg)
        lasers_s.append(_best(lambda: plus_grid_links_chunk(cand, r[None])))  # noqa: B023
        lasers_ref_s.append(_best(lambda: plus_grid_links(cand, r)))  # noqa: B023
        links = plus_grid_links_chunk(cand, r[None])[0]
        # As in the run: only satellites with a laser path to a gateway are scheduled.
        serving = schedule(
            vis, grid.utc_ns, gateway_vis=gateway_reachable(r[None], [links], ground)
        ).serving_sat[0]

        def build() -> object:
            # Timed at once, inside this iteration: the loop variables are the current ones.
            return build_graph(
                r,  # noqa: B023
                ground,
                mode="lasers",
                lasers=links,  # noqa: B023
                access="serving",
                serving_sat=serving,  # noqa: B023
            )

        graph_s.append(_best(build))
        graph = build()
        full = route_to_pops(graph)  # type: ignore[arg-type]
        # The runner's search radius: the previous step's largest delay × 1.5 + 5 ms; the
        # step's own largest delay stands in for the previous step's here.
        limit = float(full.one_way_ms[np.isfinite(full.one_way_ms)].max()) * 1.5 + 5.0
        leo_full_s.append(_best(lambda: route_to_pops(graph)))  # type: ignore[arg-type]  # noqa: B023
        leo_s.append(_best(lambda: route_to_pops(graph, limit_ms=limit)))  # type: ignore[arg-type]  # noqa: B023
        g = networkx_graph(graph)  # type: ignore[arg-type]
        nx_s.append(_best(lambda: networkx_routes(graph, g), 1))  # type: ignore[arg-type]  # noqa: B023
        nx_cut_s.append(_best(lambda: _networkx_cutoff(graph, g, limit), 1))  # noqa: B023
        dist, _ = networkx_routes(graph, g)  # type: ignore[arg-type]
        ours = route_to_pops(graph, limit_ms=limit)  # type: ignore[arg-type]
        assert np.array_equal(ours.path, full.path), "the search radius changed a route"
        ref = np.array([dist.get(t, np.inf) for t in ours.source])
        assert np.allclose(
            np.where(np.isfinite(ref), ref, -1),
            np.where(np.isfinite(ours.one_way_ms), ours.one_way_ms, -1),
            rtol=0,
            atol=1e-9,
        ), "networkx and leonet disagree"
    return {
        "lasers_s": float(np.mean(lasers_s)),
        "lasers_ref_s": float(np.mean(lasers_ref_s)),
        "graph_s": float(np.mean(graph_s)),
        "routing_s": float(np.mean(leo_s)),
        "routing_full_s": float(np.mean(leo_full_s)),
        "networkx_routing_s": float(np.mean(nx_s)),
        "networkx_cutoff_s": float(np.mean(nx_cut_s)),
        "sats": float(constellation.size),
        "gateways": float(len(gateways)),
        "pops": float(len(pops)),
        "terminals": float(len(terminals)),
    }


def _networkx_cutoff(graph, g, limit_ms: float):  # type: ignore[no-untyped-def]
    """networkx with the same search radius (``cutoff``) leonet uses."""
    import networkx as nx

    pops = set(range(graph.layout.pop0, graph.layout.terminal0))
    dist, paths = nx.multi_source_dijkstra(g, pops, cutoff=limit_ms)
    terminals = range(graph.layout.terminal0, graph.layout.n_nodes)
    return dist, [paths[t][::-1] if t in paths else [] for t in terminals]


def _shift(start: str, seconds: float):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from leonet.timegrid import parse_utc

    return parse_utc(start) + timedelta(seconds=float(seconds))


def main() -> None:
    from leonet.timegrid import parse_duration_s

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", default="1h", help="simulated time at 1 s (default 1h)")
    parser.add_argument("--sample", type=int, default=20, help="steps timed against networkx")
    args = parser.parse_args()
    duration_s = parse_duration_s(args.duration, "--duration")

    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    child = ctx.Process(target=_whole_run, args=(duration_s, queue))
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"the timed run failed (exit code {child.exitcode}); see above")
    run = queue.get()
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0  # KiB on Linux

    s = _sampled_routing(duration_s, args.sample)
    steps = run["steps"]
    per_step = run["elapsed_s"] / steps
    print(
        f"Ukraine set-up: {int(s['sats']):,} satellites, {int(s['gateways'])} gateways, "
        f"{int(s['pops'])} PoPs (Europe), {int(s['terminals'])} terminals; "
        f"{steps:,} steps of 1 s; lasers, scheduled access, nearest PoP"
    )
    print(
        f"  whole run (SGP4 + visibility + scheduler + lasers + graph + routing): "
        f"{run['elapsed_s']:.1f} s = {per_step * 1e3:.1f} ms/step = "
        f"{per_step * 3600:.0f} s per simulated hour; peak memory {peak_mib:,.0f} MiB; "
        f"reachable {100 * run['reachable']:.1f}% of terminal-steps, median RTT "
        f"{run['median_rtt_ms']:.1f} ms"
    )
    print(
        f"  per step on {args.sample} sampled steps: lasers {s['lasers_s'] * 1e3:.2f} ms "
        f"(compiled; NumPy reference {s['lasers_ref_s'] * 1e3:.2f} ms), "
        f"graph {s['graph_s'] * 1e3:.2f} ms, routing (Dijkstra + paths) "
        f"{s['routing_s'] * 1e3:.2f} ms with the search radius, "
        f"{s['routing_full_s'] * 1e3:.2f} ms without"
    )
    print(
        f"  networkx routing: {s['networkx_routing_s'] * 1e3:.1f} ms without cutoff, "
        f"{s['networkx_cutoff_s'] * 1e3:.1f} ms with the same radius as cutoff"
    )
    nx_hour = s["networkx_routing_s"] * 3600
    print(
        f"  networkx routing alone, extrapolated: {nx_hour:.0f} s per simulated hour "
        f"(leonet routing {s['routing_s'] * 3600:.1f} s)"
    )
    print(
        f"  ratio, routing (Dijkstra + paths), networkx as one would write it (no cutoff) "
        f"vs leonet: {s['networkx_routing_s'] / s['routing_s']:.0f}x (target >= 30x)"
    )
    print(
        f"  ratio, same search radius on both sides: "
        f"{s['networkx_cutoff_s'] / s['routing_s']:.0f}x; both without: "
        f"{s['networkx_routing_s'] / s['routing_full_s']:.0f}x"
    )
    other = per_step - s["routing_s"]
    print(
        f"  ratio, whole step if routing were networkx's (no cutoff): "
        f"{(other + s['networkx_routing_s']) / per_step:.1f}x"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
