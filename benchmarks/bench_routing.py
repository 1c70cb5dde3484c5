"""Per-step routing speed (issue: network layer), leonet against networkx in the same run.

Workload (leonet.network.benchmark): 9,900 satellites in six closed-form Walker shells with
+Grid lasers, 45 gateways (8 Ka antennas, 25° mask), 15 PoPs (fibre mesh), 50 terminals
(any satellite in view above 25°); every terminal routed to its nearest PoP by delay, lasers
mode, full paths.  Target: leonet's routing ≥ 30× networkx's on the same graph.

    python benchmarks/bench_routing.py [--steps N]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from leonet.network.benchmark import (
    routing_workload,
    time_leonet_step,
    time_networkx_step,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=5, help="time steps (1 s apart)")
    args = parser.parse_args()
    work = routing_workload(steps=args.steps)
    leo = time_leonet_step(work)
    nx_s = time_networkx_step(work)
    print(f"satellites {work.n_sats}, gateways {work.ground.n_gateways}, "
          f"PoPs {work.ground.n_pops}, terminals {work.ground.n_terminals}")
    for name, value in leo.items():
        print(f"  leonet {name:<10} {value * 1e3:8.2f} ms/step")
    for name, value in nx_s.items():
        print(f"  networkx {name:<8} {value * 1e3:8.2f} ms/step")
    print(f"  ratio, Dijkstra + paths only (leonet routing_s vs networkx routing_s): "
          f"{nx_s['routing_s'] / leo['routing_s']:.0f}x (target >= 30x)")
    print(f"  ratio, graph + routing from one edge list (leonet graph_s + routing_s, "
          f"visibility included, vs networkx step_s): "
          f"{nx_s['step_s'] / (leo['graph_s'] + leo['routing_s']):.1f}x")
    print(f"  ratio, whole leonet step (lasers + visibility + graph + routing) vs networkx "
          f"step_s: {nx_s['step_s'] / leo['step_s']:.1f}x")

if __name__ == "__main__":
    main()
