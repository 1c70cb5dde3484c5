"""The main job's speed and memory (issue: scenarios, policy, faults, engine, report).

Runs the bundled default scenario, ``ukraine`` (the real 10,395-satellite catalogue, 2,467
resolution-5 cells, 54 named terminals and a drone, policy events, a gateway outage and a
jammer; one hour at 1 s), in a fresh child process, and prints wall time, time per step and
memory (targets on this 2-core machine: under 60 s and under 2 GiB). To show that memory
is bounded by the chunk, not the duration, it also runs a shorter window (``--short-s``) and
compares the peaks: a 24-hour run at 1 s streams through the same chunks.

The run computes its chunks in worker processes forked from the main one (``--workers``,
default: as ``leonet run``), so memory is reported three ways: the main process's peak
RSS, the largest worker's peak RSS (both count the pages they share once each), and the
peak of the whole process tree's PSS (shared pages split between their users — the memory
the run really holds). The tree's RSS is sampled every 50 ms (cheap); its PSS is read only
when that sum reaches a new high (``smaps_rollup`` takes 10-15 ms of kernel time a read on
these processes — sampling it every 0.1 s slowed the run by 10 %). CPU time is the main
process's and the workers' together.

A machine-speed reference is measured in the same run: raw ``sgp4.SatrecArray`` propagating
the same catalogue over the same steps, single-threaded, so figures from machines of different
speed can be compared (the run's time is also printed as a multiple of it).  ``--baseline-src
DIR`` runs the same workload a second time on another checkout's ``src/`` (for example the
commit before a change) in the same session, and prints the ratio.

    python benchmarks/bench_run.py [--duration-s 3600] [--short-s 600] [--workers N]
                                   [--baseline-src OTHER_CHECKOUT/src]
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


def child(duration_s: float, out: str, workers: int | None) -> None:
    from leonet import scenario as sc
    from leonet.engine.run import run_scenario

    base = sc.load_scenario("ukraine")
    # with_overrides became a function of leonet.scenario (it was a Scenario method): this
    # script times the code before and after that change alike.
    if hasattr(sc, "with_overrides"):
        scenario = sc.with_overrides(base, duration=duration_s)
    else:
        scenario = base.with_overrides(duration=duration_s)  # type: ignore[attr-defined]
    began = time.perf_counter()
    summary = run_scenario(scenario, out, workers=workers)
    wall = time.perf_counter() - began
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    print(
        wall,
        summary.elapsed_s,
        summary.steps,
        summary.chunks,
        summary.workers,
        me.ru_maxrss / 1024,
        kids.ru_maxrss / 1024,
        cpu,
    )


def _tree(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [pid, *(int(p) for p in f.read().split())]
    except OSError:
        return []


def _sum_kib(pids: list[int], path: str, field: str | None) -> int:
    """Sum over ``pids`` of ``/proc/PID/PATH``: the ``field:`` line (kB), or statm's RSS."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/{path}") as f:
                if field is None:
                    total += int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
                else:
                    total += next(
                        int(line.split()[1]) for line in f if line.startswith(field + ":")
                    )
        except (OSError, StopIteration, IndexError):
            pass
    return total


def machine_reference_s(steps: int) -> tuple[float, int]:
    """Seconds raw ``SatrecArray.sgp4`` takes for the bundled catalogue over ``steps`` 1-s
    steps (TEME, one thread, 200-step batches; best of two), and the satellites."""
    from importlib.resources import files

    import numpy as np
    from sgp4.api import Satrec, SatrecArray

    lines = (files("leonet") / "data" / "starlink_tle_2026-05-30.txt").read_text().splitlines()
    sats = [Satrec.twoline2rv(lines[k + 1], lines[k + 2]) for k in range(0, len(lines) - 2, 3)]
    array = SatrecArray(sats)
    jd0 = 2461190.5  # 2026-05-30T00:00Z, the default scenario's start
    best = float("inf")
    for _ in range(2):
        began = time.perf_counter()
        for first in range(0, steps, 200):
            fr = np.arange(first, min(steps, first + 200)) / 86400.0
            array.sgp4(np.full(fr.shape, jd0), fr)
        best = min(best, time.perf_counter() - began)
    return best, len(sats)


def measure(duration_s: float, workers: int | None, src: str | None = None) -> dict[str, float]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                str(duration_s),
                os.path.join(tmp, "run"),
                str(workers),
            ],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        rss_high, pss_high = 0, 0
        while proc.poll() is None:
            pids = _tree(proc.pid)
            rss = _sum_kib(pids, "statm", None)
            if rss > rss_high:
                rss_high = rss
                pss_high = max(pss_high, _sum_kib(pids, "smaps_rollup", "Pss"))
            time.sleep(0.05)
        assert proc.stdout is not None
        out = proc.stdout.read().split()
        if proc.returncode:
            raise SystemExit(f"the run failed (exit {proc.returncode})")
    names = ("wall", "loop", "steps", "chunks", "workers", "rss_main", "rss_worker", "cpu")
    return {**dict(zip(names, (float(v) for v in out), strict=True)), "pss": pss_high / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration-s", type=float, default=3600.0)
    parser.add_argument("--short-s", type=float, default=600.0)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes computing chunks (default: as leonet run; 1: none)",
    )
    parser.add_argument(
        "--baseline-src",
        default=None,
        help="another checkout's src/ to time the same workload on, for a ratio",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        workers = None if args.child[2] == "None" else int(args.child[2])
        child(float(args.child[0]), args.child[1], workers)
        return
    ref_steps = 600
    ref_s, n_sats = machine_reference_s(ref_steps)
    per_step_ref_ms = 1000 * ref_s / ref_steps
    print(
        f"machine reference: raw SatrecArray.sgp4, {n_sats:,} satellites × {ref_steps} steps "
        f"in {ref_s:.2f} s ({n_sats * ref_steps / ref_s:,.0f} sat-steps/s; "
        f"{per_step_ref_ms:.2f} ms a step)"
    )
    checkouts = [("this checkout", None)]
    if args.baseline_src:
        checkouts.append((f"baseline {args.baseline_src}", args.baseline_src))
    walls: dict[str | None, float] = {}
    for name, src in checkouts:
        for label, duration in (("short", args.short_s), ("full", args.duration_s)):
            m = measure(duration, args.workers, src)
            steps = int(m["steps"])
            print(
                f"[{name}] ukraine, {duration / 60:g} min at 1 s ({steps:,} steps, "
                f"{m['chunks']:.0f} chunks, {m['workers']:.0f} worker(s), {label}): "
                f"{m['wall']:.1f} s in all (set-up included), {m['loop']:.1f} s simulating, "
                f"{1000 * m['loop'] / steps:.1f} ms per step "
                f"({1000 * m['loop'] / steps / per_step_ref_ms:.1f}× the reference's step); "
                f"CPU {m['cpu']:.1f} s; peak PSS of all processes {m['pss']:,.0f} MiB (RSS: "
                f"main {m['rss_main']:,.0f}, largest worker {m['rss_worker']:,.0f} MiB)"
            )
        walls[src] = m["wall"]
    if args.baseline_src:
        print(
            f"full run, this checkout / baseline: {walls[None] / walls[args.baseline_src]:.3f}×"
            " wall time (below 1: faster)"
        )
    print(
        "targets: the full run under 60 s and under 2,048 MiB; the peak stays flat with "
        "duration because each chunk's arrays are freed before the next"
    )


if __name__ == "__main__":
    main()
