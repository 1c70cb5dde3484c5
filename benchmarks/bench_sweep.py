"""A sweep's scaling: 8 variants one by one, then on a 2-worker LocalCluster, then on a
scheduler and two workers started as separate commands (``dask scheduler`` /
``dask worker``), the path to several machines.

The workload: the bundled ``quick`` scenario (Starlink's first-generation Walker shells
over four Ukrainian cities, lasers and bent-pipe) for ``--minutes`` simulated minutes at
1 s, with 0-35 % of the satellites lost (8 variants, one seed).  At the default 60 minutes
a variant takes about a minute of one core.  Each mode starts from an empty folder, so
nothing is skipped.

``one by one`` runs each variant in this process with ``run_scenario(..., workers=1)``
and numba on one thread (one core: the sweep's own unit of work, as each Dask worker
runs it); ``one by one, engine's 2 processes`` runs them
as ``leonet run`` does on this machine (chunks in two forked processes), the fairest
single-run baseline on two cores.  The ratios of the cluster modes to both are printed;
near 2× against the first is the target on 2 cores.  Worker start-up (spawned processes
importing leonet, ~5 s) is inside the cluster times.

    python benchmarks/bench_sweep.py [--minutes 60] [--variants 8] [--skip-separate]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SWEEP = """\
name: bench
base: quick
set:
  time.duration: {minutes}m
  time.step_s: 1
parameters:
  - path: faults.satellites[0].fraction
    values: {values}
seeds: 1
metrics: [availability, rtt_p50_ms]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"no scheduler on port {port} after {timeout_s:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--minutes", type=float, default=60.0, help="simulated minutes per variant (at 1 s steps)"
    )
    parser.add_argument("--variants", type=int, default=8)
    parser.add_argument(
        "--skip-separate",
        action="store_true",
        help="skip the scheduler + workers started as separate commands",
    )
    parser.add_argument(
        "--skip-engine-serial",
        action="store_true",
        help="skip the one-by-one run with the engine's two processes",
    )
    args = parser.parse_args()

    from leonet.engine import run_scenario
    from leonet.scenario import validate, with_overrides
    from leonet.sweep import expand, load_sweep, run_sweep

    work = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    values = [round(0.05 * k, 2) for k in range(args.variants)]
    sweep_file = work / "bench.yaml"
    sweep_file.write_text(SWEEP.format(minutes=args.minutes, values=values))
    spec, base = load_sweep(sweep_file)
    runs = expand(spec, base)
    print(
        f"{len(runs)} variants of quick: {args.minutes:g} min at 1 s each "
        f"({int(args.minutes * 60)} steps), {os.cpu_count()} CPUs"
    )
    times: dict[str, float] = {}

    # warm leonet's caches (numba, atmosphere tables) so no mode pays them alone
    run_scenario(with_overrides(validate(runs[0].scenario), duration=30), work / "warm", workers=1)

    for label, workers in (("one by one", 1), ("one by one, engine's 2 processes", None)):
        if workers is None and args.skip_engine_serial:
            continue
        import numba

        numba.set_num_threads(1 if workers == 1 else int(numba.config.NUMBA_NUM_THREADS))
        began = time.perf_counter()
        for run in runs:
            run_scenario(validate(run.scenario), work / label / run.name, workers=workers)
        times[label] = time.perf_counter() - began
        print(f"{label:<40} {times[label]:7.1f} s", flush=True)

    began = time.perf_counter()
    outcome = run_sweep(spec, base, work / "local", workers=2)
    times["LocalCluster, 2 workers"] = time.perf_counter() - began
    assert outcome.done == len(runs), outcome
    print(f"{'LocalCluster, 2 workers':<40} {times['LocalCluster, 2 workers']:7.1f} s", flush=True)

    if not args.skip_separate:
        dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
        port = _free_port()
        address = f"tcp://127.0.0.1:{port}"
        procs = [
            subprocess.Popen(
                [dask, "scheduler", "--port", str(port), "--dashboard-address", ":0"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        ]
        try:
            _wait_for_port(port)
            procs += [
                subprocess.Popen(
                    [
                        dask,
                        "worker",
                        address,
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--memory-limit",
                        "auto",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(2)
            ]
            from distributed import Client

            with Client(address) as client:
                client.wait_for_workers(2, timeout=120)
                began = time.perf_counter()
                outcome = run_sweep(spec, base, work / "separate", client=client)
                label = "dask scheduler + 2 dask worker commands"
                times[label] = time.perf_counter() - began
            assert outcome.done == len(runs), outcome
            print(f"{label:<40} {times[label]:7.1f} s (workers already up)", flush=True)
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=60)

    serial = times["one by one"]
    print()
    for label, seconds in times.items():
        line = f"{label:<40} {seconds:7.1f} s   speed-up vs one by one: {serial / seconds:4.2f}×"
        engine = times.get("one by one, engine's 2 processes")
        if engine is not None:
            line += f"   vs engine's 2 processes: {engine / seconds:4.2f}×"
        print(line)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
