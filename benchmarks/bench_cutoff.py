"""The starlink-cutoff hour's speed (issue 12: goal under 90 s on 2 cores).

Runs the bundled ``starlink-cutoff`` scenario (Starlink's 10,395 satellites with lasers and
OneWeb's ~650 bent-pipe, over Ukraine's 2,467 resolution-5 cells, 54 named terminals and a
drone: each system a sub-run, then the failover combine and the report) in a fresh child
process, and in the same session the default ``ukraine`` hour (the 60 s goal's workload),
also in a fresh child, so the ratio between them holds on any machine.  Each child prints
its wall time; the combine and report are timed apart from the sub-runs.

    python benchmarks/bench_cutoff.py [--duration-s 3600] [--workers N] [--no-reference]

``--duration-s`` shortens both runs (e.g. 120 to check that the script works).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def child(name: str, duration_s: float, out: str, workers: int | None) -> None:
    from leonet.scenario import load_scenario, with_overrides

    scenario = with_overrides(load_scenario(name), duration=duration_s)
    began = time.perf_counter()
    if scenario.systems:
        from leonet.engine.systems import run_systems

        summary = run_systems(scenario, out, workers=workers)
        runs = sum(s.elapsed_s for s in summary.systems.values())
    else:
        from leonet.engine.run import run_scenario

        runs = run_scenario(scenario, out, workers=workers).elapsed_s
    wall = time.perf_counter() - began
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    print(wall, runs, cpu, max(me.ru_maxrss, kids.ru_maxrss) / 1024)


def _time(
    name: str, duration_s: float, workers: int | None
) -> tuple[float, float, float, float, float]:
    """A fresh child runs ``name``: seconds in all, the run's wall, its chunks', CPU, and
    the largest process's peak RSS (MiB)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, __file__, "--child", name, str(duration_s), tmp + "/run"]
        if workers is not None:
            command.append(str(workers))
        began = time.perf_counter()
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        total = time.perf_counter() - began
        wall, runs, cpu, rss = (float(x) for x in out.split()[-4:])
        return total, wall, runs, cpu, rss


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        name, duration, out = sys.argv[2], float(sys.argv[3]), sys.argv[4]
        child(name, duration, out, int(sys.argv[5]) if len(sys.argv) > 5 else None)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration-s", type=float, default=3600.0)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--no-reference", action="store_true", help="skip the ukraine hour")
    args = parser.parse_args()
    total, wall, runs, cpu, rss = _time("starlink-cutoff", args.duration_s, args.workers)
    print(
        f"starlink-cutoff {args.duration_s:g} s: {total:.1f} s in all (process start and "
        f"imports included), {wall:.1f} s run_systems: {runs:.1f} s in the systems' chunks, "
        f"{wall - runs:.1f} s set-up, combine and report; CPU {cpu:.1f} s; peak RSS of one "
        f"process {rss:.0f} MiB (goal for the hour: under 90 s)"
    )
    if not args.no_reference:
        ref_total, ref_wall, _, ref_cpu, _ = _time("ukraine", args.duration_s, args.workers)
        print(
            f"ukraine {args.duration_s:g} s (reference): {ref_total:.1f} s in all, "
            f"{ref_wall:.1f} s run_scenario, CPU {ref_cpu:.1f} s"
        )
        print(f"ratio starlink-cutoff / ukraine: {wall / ref_wall:.2f} (run wall times)")


if __name__ == "__main__":
    main()
