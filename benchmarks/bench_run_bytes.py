"""Bytes a run writes per hour of simulated time: Parquet parts against checkpoints.

Runs a scenario (default the bundled ``ukraine``: one hour at 1 s, 240 chunks) into
``OUT`` in one process with :class:`~leonet.results.store.RunStore` instrumented to add
up the size of every part it writes and of every state file each checkpoint writes
(issue 16: checkpoints must stay small next to the results they protect), and prints
them per hour of simulated time, with the peak memory and
:func:`leonet.engine.limits.scenario_cost`'s estimate beside what was measured.
``--resolution`` changes the H3 resolution of the scenario's cells (and its registered
cells' pattern ``8R*``), ``--duration`` shortens it: an hour at resolution 7 over Ukraine
is hours of CPU, so measure a minute and read the per-hour figures (a longer run's
checkpoints grow a little as its histograms widen; the save rule bounds them to about a
quarter of the parts).  Speed is not the point: run it on any machine.

    python benchmarks/bench_run_bytes.py OUT [--scenario ukraine] [--resolution 7]
        [--duration 1m]

Measured on the 2-vCPU VM (harden branch), per hour of simulated time (one process):

    resolution 5, 1 h run:    parts 35.8 MB, checkpoints 4.25 MB (54)
                              (before: 35.8 MB and 8.4 MB in 54)
    resolution 6, 5 min run:  parts 166 MB, checkpoints 14.6 MB (7 in 5 min)
    resolution 7, 1 min run:  parts 1.40 GB, checkpoints 136 MB (4 in 1 min)
                              (before: 20.1 GB — a cells row per cell and chunk, not
                              slot — and 3.95 GB: 2.6 MB of mostly-zero state 31 times)
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path
from typing import Any

from leonet.engine.limits import scenario_cost
from leonet.engine.run import run_scenario
from leonet.results.store import Checkpoint, RunStore
from leonet.scenario import load_scenario, open_inputs
from leonet.scenario.loader import validate, with_overrides
from leonet.scenario.schema import Scenario


def at_resolution(scenario: Scenario, resolution: int) -> Scenario:
    """``scenario`` with its cells at H3 ``resolution`` (registered cells' patterns too)."""
    data = scenario.model_dump(mode="json", exclude_none=False)
    cells = data["ground"]["cells"]
    if cells is None:
        raise SystemExit(f"{scenario.name} has no ground.cells to change the resolution of")
    old = f"8{cells['resolution']:x}*"
    cells["resolution"] = resolution
    allow = data.get("policy", {}).get("allow") or []
    data["policy"]["allow"] = [f"8{resolution:x}*" if a == old else a for a in allow]
    return validate(data, base_dir=None, source=f"{scenario.name} at resolution {resolution}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="run folder (replaced if it holds a run)")
    parser.add_argument("--scenario", default="ukraine")
    parser.add_argument("--resolution", type=int, default=None, help="H3 resolution of cells")
    parser.add_argument("--duration", default=None, help="e.g. 1m, 10m (default: the scenario's)")
    args = parser.parse_args()

    written = {"parts": 0, "state": 0, "checkpoint.json": 0, "static": 0}
    saves = 0
    write_table, save_checkpoint = RunStore.write_table, RunStore.save_checkpoint

    def counted_table(self: RunStore, name: str, table: Any) -> Path:
        path = write_table(self, name, table)
        written["parts" if "/part-" in name else "static"] += path.stat().st_size
        return path

    def counted_checkpoint(self: RunStore, checkpoint: Checkpoint) -> Path:
        nonlocal saves
        path = save_checkpoint(self, checkpoint)
        saves += 1
        written["state"] += path.stat().st_size
        written["checkpoint.json"] += (self.root / "checkpoint.json").stat().st_size
        return path

    RunStore.write_table = counted_table  # type: ignore[method-assign]
    RunStore.save_checkpoint = counted_checkpoint  # type: ignore[method-assign]
    scenario = load_scenario(args.scenario)
    if args.resolution is not None:
        scenario = at_resolution(scenario, args.resolution)
    if args.duration is not None:
        scenario = with_overrides(scenario, duration=args.duration)
    cost = scenario_cost(scenario, open_inputs(scenario), workers=1)
    began = time.perf_counter()
    summary = run_scenario(scenario, args.out, overwrite=True, workers=1)
    hours = summary.steps * scenario.time.grid().step_s / 3600.0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss * 1024  # KiB on Linux
    cpu_s = usage.ru_utime + usage.ru_stime
    cells = scenario.ground.cells
    print(
        f"{scenario.name}"
        + (f" at H3 resolution {cells.resolution} ({summary.n_cells:,} cells)" if cells else "")
        + f": {summary.steps:,} steps ({hours:g} h) in {summary.chunks} chunks, "
        f"{time.perf_counter() - began:.0f} s ({cpu_s:.0f} s of CPU with the set-up), "
        f"{saves} checkpoints, peak RSS {peak / 1e6:,.0f} MB"
    )
    for what, size in written.items():
        print(f"  {what:16s} {size:>14,} bytes  {size / hours:>16,.0f} bytes per run-hour")
    ratio = written["state"] / max(written["parts"], 1)
    print(f"  checkpoints / parts: {ratio:.3f}")
    print(
        f"  estimate: CPU {cost.cpu_s:.0f} s, results {cost.output_bytes / hours:,.0f} bytes "
        "per run-hour, "
        f"checkpoints {cost.checkpoint_bytes_total / hours:,.0f} bytes per run-hour, "
        f"peak memory {cost.peak_memory_bytes / 1e6:,.0f} MB (one process), "
        f"{cost.chunk_memory_bytes / 1e6:,.0f} MB a chunk"
    )


if __name__ == "__main__":
    main()
