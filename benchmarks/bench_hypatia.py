"""``leonet hypatia`` speed and memory on Hypatia's Starlink-550 set-up, with references.

Set-up (issue 15): Hypatia's Starlink-550 TLEs from its generator's rules (72 × 22, 53°,
15.19 rev/day, epoch 2000-01-01), its +Grid ISLs (3,168), 100 ground stations (seeded,
spread over latitudes ±56°: the shell's coverage), its maximum ground-link length
(1,089,686 m), UT1 = UTC, from the epoch at 1 s for ``--duration`` seconds; all 4,950
station pairs and the full forwarding state every step, every output file written.

Measured, in one process per part so each peak memory is its own:

* the whole run (``leonet.hypatia.run_hypatia``: SGP4, ground links, all pairs, forwarding
  state, every file) in a child process: ms per step after the first (the first writes
  the full state and measures the thread count), the routing part alone (all pairs +
  forwarding diff), and the child's peak resident memory (``ru_maxrss``);
* a machine-speed reference in the same run, just before and just after it: raw ``sgp4``
  ``SatrecArray`` on the same 1,584 satellites and the same steps, ms per step, and
  leonet's step in those units, so timings from different machines (or loads) compare;
* networkx: ``floyd_warshall_numpy`` on the satellite graph of one step (what Hypatia's
  satgenpy runs every step) and the ratio to leonet's whole step (``--no-networkx``
  skips it: a minute or more).

    python benchmarks/bench_hypatia.py [--duration 200] [--no-networkx]

Hypatia itself takes 6.4-6.7 s a step on the project's 2-core VM (issue 15).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import tempfile
import time

import numpy as np

N_STATIONS = 100


def _stations():  # type: ignore[no-untyped-def]
    from leonet.hypatia import GroundStations

    rng = np.random.default_rng(2020)
    lat = np.degrees(
        np.arcsin(rng.uniform(np.sin(np.radians(-56.0)), np.sin(np.radians(56.0)), N_STATIONS))
    )
    lon = rng.uniform(-180.0, 180.0, N_STATIONS)
    return GroundStations(
        [f"Station-{k}" for k in range(N_STATIONS)], lat, lon, np.zeros(N_STATIONS)
    )


def _whole_run(duration_s: float, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    from leonet.hypatia import STARLINK_550, plus_grid_isls, run_hypatia, starlink_550_tles

    tles, isls, stations = starlink_550_tles(), plus_grid_isls(72, 22), _stations()
    stamps: list[float] = []
    with tempfile.TemporaryDirectory() as out:
        began = time.perf_counter()
        result = run_hypatia(
            tles,
            isls,
            stations,
            out,
            duration_s=duration_s,
            step_s=1.0,
            gsl_max_range_m=STARLINK_550.max_gsl_length_m,
            ut1_equals_utc=True,
            progress=lambda *done_total_s: stamps.append(done_total_s[2]),
        )
        total = time.perf_counter() - began
    steady = np.diff(stamps) * 1e3  # every step after the first
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    queue.put(
        {
            "steps": result.steps,
            "total_s": total,
            "first_s": stamps[0],
            "step_ms_median": float(np.median(steady)),
            "step_ms_mean": float(steady.mean()),
            "step_ms_p95": float(np.percentile(steady, 95)),
            "routing_ms": result.routing_ms_per_step,
            "threads": result.threads,
            "peak_mib": peak_mib,
        }
    )


def _sgp4_reference(steps: int) -> float:
    from sgp4.api import WGS72, Satrec, SatrecArray

    from leonet.hypatia import starlink_550_tles
    from leonet.timegrid import TimeGrid

    tles = starlink_550_tles()
    array = SatrecArray(
        [Satrec.twoline2rv(a, b, WGS72) for a, b in zip(tles.line1, tles.line2, strict=True)]
    )
    jd, fr = TimeGrid(tles.epoch, 1.0, steps).jd_fr()
    best = np.inf
    for _ in range(3):
        began = time.perf_counter()
        array.sgp4(jd, fr)
        best = min(best, time.perf_counter() - began)
    return best / steps * 1e3


def _networkx_step() -> float:
    import networkx as nx

    from leonet.frames import teme_to_ecef
    from leonet.hypatia import plus_grid_isls, starlink_550_tles, ut1_equals_utc_eop
    from leonet.network.allpairs import IslGraph
    from leonet.timegrid import TimeGrid

    tles = starlink_550_tles()
    from sgp4.api import WGS72, Satrec, SatrecArray

    array = SatrecArray(
        [Satrec.twoline2rv(a, b, WGS72) for a, b in zip(tles.line1, tles.line2, strict=True)]
    )
    grid = TimeGrid(tles.epoch, 1.0, 1)
    jd, fr = grid.jd_fr()
    _, r_teme, _ = array.sgp4(jd, fr)
    r, _ = teme_to_ecef(r_teme.transpose(1, 0, 2), None, grid.utc_ns, ut1_equals_utc_eop())
    graph = IslGraph.from_isls(tles.n_sats, *plus_grid_isls(72, 22))
    length = graph.isl_length_km(r[0]) * 1e3
    began = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(tles.n_sats))
    for a, b, w in zip(graph.isl_a.tolist(), graph.isl_b.tolist(), length.tolist(), strict=True):
        g.add_edge(a, b, weight=w)
    nx.floyd_warshall_numpy(g)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=200.0, help="seconds at 1 s")
    parser.add_argument("--no-networkx", action="store_true", help="skip Floyd-Warshall")
    args = parser.parse_args()

    ctx = mp.get_context("spawn")  # a fresh process: its own memory peak and thread pool
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    steps = int(np.ceil(args.duration))
    before_ms = _sgp4_reference(steps)
    child = ctx.Process(target=_whole_run, args=(args.duration, queue))
    child.start()
    run = queue.get()
    child.join()
    after_ms = _sgp4_reference(steps)
    ref_ms = 0.5 * (before_ms + after_ms)
    print(
        f"leonet hypatia, Starlink-550 (1,584 satellites, 3,168 ISLs), {N_STATIONS} stations "
        f"(4,950 pairs), {run['steps']} steps of 1 s, every output written:"
    )
    print(
        f"  per step after the first: median {run['step_ms_median']:.1f} ms, mean "
        f"{run['step_ms_mean']:.1f} ms, p95 {run['step_ms_p95']:.1f} ms (routing + "
        f"forwarding state {run['routing_ms']:.1f} ms; {run['threads']} numba thread(s))"
    )
    print(
        f"  first step (full state, compile/cache load, thread measurement) "
        f"{run['first_s']:.2f} s; whole run {run['total_s']:.1f} s; peak memory "
        f"{run['peak_mib']:.0f} MiB"
    )
    print(
        f"  machine-speed reference: raw sgp4 SatrecArray, same satellites and steps: "
        f"{ref_ms:.2f} ms per step (before {before_ms:.2f}, after {after_ms:.2f}); "
        f"leonet's step = {run['step_ms_median'] / ref_ms:.1f} references"
    )
    if not args.no_networkx:
        fw_s = _networkx_step()
        print(
            f"  networkx floyd_warshall_numpy on one step's satellite graph: {fw_s:.2f} s "
            f"= {fw_s * 1e3 / run['step_ms_median']:,.0f}x leonet's whole step"
        )


if __name__ == "__main__":
    main()
